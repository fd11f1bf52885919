// Stream<T>: lazy, single-use pipelines over ranges, generators and channels.
//
// A stream is a source followed by intermediate operations (map, filter, flat_map, distinct,
// sorted, peek, limit, skip, take_while, drop_while, window, window_by_time, parallel_map) and
// ends in one terminal operation (for_each, collect, reduce, count, any/all/none_match,
// find_first, min, max, group_by). Building a stream evaluates nothing. The terminal operation
// pulls source elements one at a time on the calling thread and passes each through the stages.
// It pulls exactly as many as it needs, so `limit(5)` on a counting generator calls the
// generator 5 times. sorted() is a barrier: it pulls its whole input, but only when the terminal
// operation runs. Only parallel_map uses other threads, and only while its terminal runs.
//
// Every terminal operation takes a goflow::Context. It checks for cancellation before each
// generator or channel element and at least every 64 elements of a range source, and its
// deadline on the stream's clock (goflow::system_clock() unless with_clock() sets one). An
// ended context makes the terminal return errc::canceled or errc::deadline_exceeded and drop
// its partial result. That also stops a filter that rejects every element of an infinite
// generator. An exception thrown by a user function propagates out of the terminal operation,
// also from parallel_map, where it is rethrown on the calling thread.
//
// A stream is single-use. Each Stream object accepts exactly one operation: an intermediate
// operation moves the pipeline into the stream it returns, and a terminal operation runs it.
// Any further operation on the same object throws std::logic_error. Streams are move-only.
//
//     std::vector<int> v{5, 3, 9, 1};
//     auto top = goflow::streams::from(v)
//                    .filter([](int x) { return x > 1; })
//                    .map([](int x) { return std::to_string(x); })
//                    .collect(ctx);  // Result<std::vector<std::string>>
//
// Thread safety: a Stream is used by one thread at a time. The functions given to
// parallel_map run concurrently on the executor's threads and must be safe to call so.
#pragma once

#include <algorithm>
#include <atomic>
#include <concepts>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <ranges>
#include <stdexcept>
#include <thread>
#include <type_traits>
#include <unordered_set>
#include <utility>
#include <vector>

#include "goflow/channel.hpp"
#include "goflow/clock.hpp"
#include "goflow/context.hpp"
#include "goflow/error.hpp"
#include "goflow/result.hpp"

namespace goflow {

// A callable that parallel_map hands its jobs to. It must run each job exactly once, on some
// thread; parallel_map waits for every job it submitted, so an executor that drops a job
// blocks the terminal operation forever. A worker pool plugs in as a lambda that submits the
// job to the pool.
using Executor = std::function<void(std::function<void()>)>;

struct ParallelOptions {
    // Elements handed to the executor and not yet passed downstream; at least 1.
    std::size_t max_in_flight = 16;
    // true: results leave in input order. false: in completion order.
    bool ordered = true;
    // Runs the jobs. Empty means a private group of std::jthreads that lives while the terminal
    // operation runs.
    Executor executor;
    // Threads of the private group; 0 means std::thread::hardware_concurrency(), at least 1.
    // Never more than max_in_flight.
    std::size_t threads = 0;
};

namespace detail {

// State of one terminal operation, shared by every stage of the pipeline.
class StreamRun {
  public:
    StreamRun(const Context& ctx, const Clock& clock)
        : ctx_(ctx), clock_(clock), token_(ctx.stop_token()), deadline_(ctx.deadline()) {}

    // Returns true, and records why, when the context was canceled or its deadline passed.
    bool interrupted() {
        if (token_.stop_requested()) {
            error = make_error_code(errc::canceled);
            return true;
        }
        if (deadline_ != kNoDeadline && clock_.now() >= deadline_) {
            error = make_error_code(errc::deadline_exceeded);
            return true;
        }
        return false;
    }

    const Context& context() const { return ctx_; }
    const Clock& clock() const { return clock_; }

    std::error_code error;  // why the run stopped early; empty when it did not

  private:
    const Context& ctx_;
    const Clock& clock_;
    std::stop_token token_;
    TimePoint deadline_;
};

// Sources and stages share one protocol: `run(sink, run_state)` calls `sink(T&&)` for each
// element until the sink returns false. run() returns true when its input ended normally (so
// barriers such as sorted() may emit), and false when a sink stopped it or the run was
// interrupted.

inline constexpr std::size_t kRangeCheckInterval = 64;

template <class V>
struct RangeSource {
    using value_type = std::ranges::range_value_t<V>;
    V view;

    template <class Sink>
    bool run(Sink& sink, StreamRun& state) {
        std::size_t until_check = 0;
        for (auto&& element : view) {
            if (until_check-- == 0) {
                if (state.interrupted()) {
                    return false;
                }
                until_check = kRangeCheckInterval - 1;
            }
            if (!sink(value_type(std::forward<decltype(element)>(element)))) {
                return false;
            }
        }
        return true;
    }
};

template <class T>
struct IotaSource {
    using value_type = T;
    T first;
    std::optional<T> last;  // exclusive; none for an infinite sequence

    template <class Sink>
    bool run(Sink& sink, StreamRun& state) {
        std::size_t until_check = 0;
        for (T value = first; !last || value < *last; ++value) {
            if (until_check-- == 0) {
                if (state.interrupted()) {
                    return false;
                }
                until_check = kRangeCheckInterval - 1;
            }
            if (!sink(T(value))) {
                return false;
            }
        }
        return true;
    }
};

template <class T>
struct EmptySource {
    using value_type = T;

    template <class Sink>
    bool run(Sink&, StreamRun&) {
        return true;
    }
};

template <class T>
struct optional_value {
    using type = void;
};
template <class T>
struct optional_value<std::optional<T>> {
    using type = T;
};

// A generator returning T never ends; one returning std::optional<T> ends at std::nullopt.
template <class F>
struct GeneratorSource {
    using result_type = std::invoke_result_t<F&>;
    static constexpr bool kFinite = !std::is_void_v<typename optional_value<result_type>::type>;
    using value_type =
        std::conditional_t<kFinite, typename optional_value<result_type>::type, result_type>;
    F generate;

    template <class Sink>
    bool run(Sink& sink, StreamRun& state) {
        for (;;) {
            if (state.interrupted()) {
                return false;
            }
            if constexpr (kFinite) {
                std::optional<value_type> next = generate();
                if (!next) {
                    return true;
                }
                if (!sink(std::move(*next))) {
                    return false;
                }
            } else if (!sink(generate())) {
                return false;
            }
        }
    }
};

template <class T>
struct ChannelSource {
    using value_type = T;
    Channel<T>* channel;

    template <class Sink>
    bool run(Sink& sink, StreamRun& state) {
        for (;;) {
            if (state.interrupted()) {
                return false;
            }
            Result<T> next = channel->receive(state.context());
            if (!next) {
                if (next.error() == errc::closed) {
                    return true;
                }
                state.error = next.error().code;
                return false;
            }
            if (!sink(std::move(next).value())) {
                return false;
            }
        }
    }
};

template <class Up, class F>
struct MapStage {
    using value_type = std::remove_cvref_t<std::invoke_result_t<F&, typename Up::value_type&&>>;
    Up up;
    F f;

    template <class Sink>
    bool run(Sink& sink, StreamRun& state) {
        auto next = [&](typename Up::value_type&& x) { return sink(std::invoke(f, std::move(x))); };
        return up.run(next, state);
    }
};

template <class Up, class F>
struct FilterStage {
    using value_type = typename Up::value_type;
    Up up;
    F keep;

    template <class Sink>
    bool run(Sink& sink, StreamRun& state) {
        auto next = [&](value_type&& x) {
            return std::invoke(keep, std::as_const(x)) ? sink(std::move(x)) : true;
        };
        return up.run(next, state);
    }
};

template <class Up, class F>
struct FlatMapStage {
    using range_type = std::invoke_result_t<F&, typename Up::value_type&&>;
    using value_type = std::ranges::range_value_t<range_type>;
    Up up;
    F f;

    template <class Sink>
    bool run(Sink& sink, StreamRun& state) {
        auto next = [&](typename Up::value_type&& x) {
            auto&& inner = std::invoke(f, std::move(x));
            for (auto&& element : inner) {
                if (state.interrupted() ||
                    !sink(value_type(std::forward<decltype(element)>(element)))) {
                    return false;
                }
            }
            return true;
        };
        return up.run(next, state);
    }
};

template <class Up>
struct DistinctStage {
    using value_type = typename Up::value_type;
    Up up;

    template <class Sink>
    bool run(Sink& sink, StreamRun& state) {
        std::unordered_set<value_type> seen;
        auto next = [&](value_type&& x) {
            if (!seen.insert(x).second) {
                return true;
            }
            return sink(std::move(x));
        };
        return up.run(next, state);
    }
};

template <class Up, class Compare>
struct SortedStage {
    using value_type = typename Up::value_type;
    Up up;
    Compare less;

    template <class Sink>
    bool run(Sink& sink, StreamRun& state) {
        std::vector<value_type> all;
        auto collect = [&](value_type&& x) {
            all.push_back(std::move(x));
            return true;
        };
        if (!up.run(collect, state)) {
            return false;
        }
        std::stable_sort(all.begin(), all.end(), std::ref(less));
        for (value_type& x : all) {
            if (state.interrupted() || !sink(std::move(x))) {
                return false;
            }
        }
        return true;
    }
};

template <class Up, class F>
struct PeekStage {
    using value_type = typename Up::value_type;
    Up up;
    F observe;

    template <class Sink>
    bool run(Sink& sink, StreamRun& state) {
        auto next = [&](value_type&& x) {
            std::invoke(observe, std::as_const(x));
            return sink(std::move(x));
        };
        return up.run(next, state);
    }
};

template <class Up>
struct LimitStage {
    using value_type = typename Up::value_type;
    Up up;
    std::size_t max_count;

    template <class Sink>
    bool run(Sink& sink, StreamRun& state) {
        if (max_count == 0) {
            return true;
        }
        std::size_t taken = 0;
        bool downstream_stopped = false;
        auto next = [&](value_type&& x) {
            ++taken;
            if (!sink(std::move(x))) {
                downstream_stopped = true;
                return false;
            }
            return taken < max_count;  // stop pulling once the limit is reached
        };
        up.run(next, state);
        return !downstream_stopped && !state.error;
    }
};

template <class Up>
struct SkipStage {
    using value_type = typename Up::value_type;
    Up up;
    std::size_t skip_count;

    template <class Sink>
    bool run(Sink& sink, StreamRun& state) {
        std::size_t skipped = 0;
        auto next = [&](value_type&& x) {
            if (skipped < skip_count) {
                ++skipped;
                return true;
            }
            return sink(std::move(x));
        };
        return up.run(next, state);
    }
};

template <class Up, class F>
struct TakeWhileStage {
    using value_type = typename Up::value_type;
    Up up;
    F pred;

    template <class Sink>
    bool run(Sink& sink, StreamRun& state) {
        bool downstream_stopped = false;
        auto next = [&](value_type&& x) {
            if (!std::invoke(pred, std::as_const(x))) {
                return false;
            }
            downstream_stopped = !sink(std::move(x));
            return !downstream_stopped;
        };
        up.run(next, state);
        return !downstream_stopped && !state.error;
    }
};

template <class Up, class F>
struct DropWhileStage {
    using value_type = typename Up::value_type;
    Up up;
    F pred;

    template <class Sink>
    bool run(Sink& sink, StreamRun& state) {
        bool dropping = true;
        auto next = [&](value_type&& x) {
            if (dropping && std::invoke(pred, std::as_const(x))) {
                return true;
            }
            dropping = false;
            return sink(std::move(x));
        };
        return up.run(next, state);
    }
};

template <class Up>
struct WindowStage {
    using value_type = std::vector<typename Up::value_type>;
    Up up;
    std::size_t size;

    template <class Sink>
    bool run(Sink& sink, StreamRun& state) {
        value_type window;
        window.reserve(size);
        auto next = [&](typename Up::value_type&& x) {
            window.push_back(std::move(x));
            if (window.size() < size) {
                return true;
            }
            value_type full = std::exchange(window, {});
            window.reserve(size);
            return sink(std::move(full));
        };
        if (!up.run(next, state)) {
            return false;
        }
        return window.empty() || sink(std::move(window));
    }
};

// Windows are aligned to the first element's arrival: window k covers
// [start + k * interval, start + (k + 1) * interval) on the clock. A window is passed on when the
// first element of a later window arrives, or when the input ends. A window without elements is
// not passed on.
template <class Up>
struct TimeWindowStage {
    using value_type = std::vector<typename Up::value_type>;
    Up up;
    Duration interval;
    std::shared_ptr<const Clock> clock;

    template <class Sink>
    bool run(Sink& sink, StreamRun& state) {
        value_type window;
        TimePoint start{};
        bool started = false;
        auto next = [&](typename Up::value_type&& x) {
            const TimePoint now = clock->now();
            if (!started) {
                start = now;
                started = true;
            }
            if (now - start >= interval) {
                start += ((now - start) / interval) * interval;
                if (!window.empty() && !sink(std::exchange(window, {}))) {
                    return false;
                }
            }
            window.push_back(std::move(x));
            return true;
        };
        if (!up.run(next, state)) {
            return false;
        }
        return window.empty() || sink(std::move(window));
    }
};

// A fixed group of std::jthreads that runs jobs from a queue; the default executor of
// parallel_map. The destructor finishes queued jobs, then joins.
class ThreadGroupExecutor {
  public:
    explicit ThreadGroupExecutor(std::size_t threads) {
        workers_.reserve(threads);
        for (std::size_t i = 0; i < threads; ++i) {
            workers_.emplace_back([this] { work(); });
        }
    }

    ~ThreadGroupExecutor() {
        {
            std::lock_guard guard(mutex_);
            stopping_ = true;
        }
        ready_.notify_all();
        workers_.clear();  // joins
    }

    ThreadGroupExecutor(const ThreadGroupExecutor&) = delete;
    ThreadGroupExecutor& operator=(const ThreadGroupExecutor&) = delete;

    void submit(std::function<void()> job) {
        {
            std::lock_guard guard(mutex_);
            jobs_.push_back(std::move(job));
        }
        ready_.notify_one();
    }

  private:
    void work() {
        std::unique_lock lock(mutex_);
        for (;;) {
            ready_.wait(lock, [&] { return stopping_ || !jobs_.empty(); });
            if (jobs_.empty()) {
                return;
            }
            std::function<void()> job = std::move(jobs_.front());
            jobs_.pop_front();
            lock.unlock();
            job();
            lock.lock();
        }
    }

    std::mutex mutex_;
    std::condition_variable ready_;
    std::deque<std::function<void()>> jobs_;  // guarded by mutex_
    bool stopping_ = false;                   // guarded by mutex_
    std::vector<std::jthread> workers_;
};

// Results of the jobs that parallel_map has handed to its executor.
template <class U>
struct ParallelState {
    std::mutex mutex;
    std::condition_variable_any done;
    std::size_t in_flight = 0;                          // guarded by mutex
    std::map<std::uint64_t, std::optional<U>> ordered;  // guarded by mutex; by input position
    std::deque<U> unordered;                            // guarded by mutex; completion order
    std::exception_ptr failure;                         // guarded by mutex; first exception
    std::atomic<bool> stopping{false};                  // jobs skip the function once set
};

// Hands each element to the executor and passes results on as they become ready, in input order
// or completion order. At most max_in_flight elements are submitted and not yet passed on. The
// stage returns only after every submitted job has finished, so no job outlives the terminal
// operation: jobs that have not started when the run stops skip the user's function.
template <class Up, class F>
struct ParallelMapStage {
    using input_type = typename Up::value_type;
    using value_type = std::remove_cvref_t<std::invoke_result_t<F&, input_type&&>>;
    Up up;
    F f;
    ParallelOptions options;

    template <class Sink>
    bool run(Sink& sink, StreamRun& state) {
        auto shared = std::make_shared<ParallelState<value_type>>();
        std::optional<ThreadGroupExecutor> own;
        Executor executor = options.executor;
        if (!executor) {
            own.emplace(thread_count());
            executor = [&own](std::function<void()> job) { own->submit(std::move(job)); };
        }

        std::uint64_t submitted = 0;
        std::uint64_t next_out = 0;
        std::size_t pending = 0;  // submitted and not yet passed on; the in-flight bound
        bool downstream_stopped = false;

        // Passes on every result that may leave now. Called with `lock` held; unlocks around
        // the sink.
        auto emit_ready = [&](std::unique_lock<std::mutex>& lock) {
            for (;;) {
                std::optional<value_type> item;
                if (options.ordered) {
                    auto it = shared->ordered.find(next_out);
                    if (it == shared->ordered.end()) {
                        return true;
                    }
                    item = std::move(it->second);
                    shared->ordered.erase(it);
                    ++next_out;
                } else {
                    if (shared->unordered.empty()) {
                        return true;
                    }
                    item.emplace(std::move(shared->unordered.front()));
                    shared->unordered.pop_front();
                }
                --pending;
                if (!item || shared->failure) {
                    continue;
                }
                lock.unlock();
                const bool more = sink(std::move(*item));
                lock.lock();
                if (!more) {
                    downstream_stopped = true;
                    return false;
                }
            }
        };

        auto submit = [&](input_type&& x) {
            std::unique_lock lock(shared->mutex);
            for (;;) {
                if (!emit_ready(lock)) {
                    return false;
                }
                if (shared->failure) {
                    return false;
                }
                if (pending < options.max_in_flight) {
                    break;
                }
                const std::error_code ec =
                    wait(state.clock(), lock, shared->done, state.context(), [&] {
                        return shared->failure || !shared->unordered.empty() ||
                               shared->ordered.contains(next_out);
                    });
                if (ec) {
                    state.error = ec;
                    return false;
                }
            }
            ++pending;
            ++shared->in_flight;
            lock.unlock();
            try {
                executor(make_job(shared, submitted++, std::move(x)));
            } catch (...) {
                // An executor that rejects the job (a pool that shut down) ends the stream; the
                // exception is rethrown by the terminal operation.
                lock.lock();
                --pending;
                --shared->in_flight;
                if (!shared->failure) {
                    shared->failure = std::current_exception();
                }
                shared->stopping = true;
                return false;
            }
            return true;
        };

        const bool input_ended = up.run(submit, state);

        std::unique_lock lock(shared->mutex);
        bool keep_going = input_ended && !downstream_stopped && !shared->failure;
        while (keep_going && pending > 0) {
            if (!emit_ready(lock) || shared->failure) {
                keep_going = false;
                break;
            }
            if (pending == 0) {
                break;
            }
            const std::error_code ec =
                wait(state.clock(), lock, shared->done, state.context(), [&] {
                    return shared->failure || !shared->unordered.empty() ||
                           shared->ordered.contains(next_out);
                });
            if (ec) {
                state.error = ec;
                keep_going = false;
            }
        }
        shared->stopping = true;
        shared->done.wait(lock, [&] { return shared->in_flight == 0; });
        if (shared->failure) {
            std::rethrow_exception(shared->failure);
        }
        lock.unlock();
        own.reset();
        return keep_going;
    }

    std::size_t thread_count() const {
        std::size_t threads = options.threads;
        if (threads == 0) {
            threads = std::max<std::size_t>(1, std::thread::hardware_concurrency());
        }
        return std::min(threads, options.max_in_flight);
    }

    std::function<void()> make_job(std::shared_ptr<ParallelState<value_type>> shared,
                                   std::uint64_t position, input_type&& x) {
        auto input = std::make_shared<input_type>(std::move(x));
        return [this, shared = std::move(shared), position, input = std::move(input)] {
            std::optional<value_type> result;
            std::exception_ptr failure;
            if (!shared->stopping.load()) {
                try {
                    result.emplace(std::invoke(f, std::move(*input)));
                } catch (...) {
                    failure = std::current_exception();  // rethrown by the terminal operation
                }
            }
            {
                std::lock_guard guard(shared->mutex);
                if (failure && !shared->failure) {
                    shared->failure = failure;
                    shared->stopping = true;
                }
                if (options.ordered) {
                    shared->ordered.emplace(position, std::move(result));
                } else if (result) {
                    // A job without a result ran after the stop, so no caller waits for it.
                    shared->unordered.push_back(std::move(*result));
                }
                --shared->in_flight;
            }
            shared->done.notify_all();
        };
    }
};

}  // namespace detail

template <class T, class Pipeline>
class Stream {
  public:
    using value_type = T;

    Stream(Pipeline pipeline, std::shared_ptr<const Clock> clock)
        : pipeline_(std::move(pipeline)), clock_(std::move(clock)) {}

    Stream(Stream&& other) noexcept(std::is_nothrow_move_constructible_v<Pipeline>)
        : pipeline_(std::move(other.pipeline_)), clock_(std::move(other.clock_)) {
        other.pipeline_.reset();
    }
    Stream& operator=(Stream&& other) noexcept(std::is_nothrow_move_assignable_v<Pipeline>) {
        pipeline_ = std::move(other.pipeline_);
        clock_ = std::move(other.clock_);
        other.pipeline_.reset();
        return *this;
    }
    Stream(const Stream&) = delete;
    Stream& operator=(const Stream&) = delete;

    // Returns whether an operation may still be applied to this object.
    [[nodiscard]] bool usable() const noexcept { return pipeline_.has_value(); }

    // Uses `clock` for the context's deadline, for window_by_time() without a clock of its own,
    // and for waits inside parallel_map().
    [[nodiscard]] Stream with_clock(std::shared_ptr<const Clock> clock) {
        return Stream(take(), clock ? std::move(clock) : system_clock());
    }

    // ---- Intermediate operations: each returns a new stream and uses up this one. ----

    // Transforms each element; the element type becomes whatever `f` returns.
    template <class F>
    requires std::invocable<F&, T&&>
    [[nodiscard]] auto map(F f) {
        using Stage = detail::MapStage<Pipeline, F>;
        static_assert(!std::is_void_v<typename Stage::value_type>, "map() needs a value");
        return make<typename Stage::value_type>(Stage{take(), std::move(f)});
    }

    // Keeps the elements for which `keep(const T&)` is true.
    template <class F>
    requires std::predicate<F&, const T&>
    [[nodiscard]] auto filter(F keep) {
        return make<T>(detail::FilterStage<Pipeline, F>{take(), std::move(keep)});
    }

    // Replaces each element by the elements of the range `f` returns for it.
    template <class F>
    requires std::invocable<F&, T&&> && std::ranges::input_range<std::invoke_result_t<F&, T&&>>
    [[nodiscard]] auto flat_map(F f) {
        using Stage = detail::FlatMapStage<Pipeline, F>;
        return make<typename Stage::value_type>(Stage{take(), std::move(f)});
    }

    // Drops elements equal to an earlier one, keeping first occurrences in order. Needs
    // std::hash<T>; remembers every distinct element until the terminal operation ends.
    [[nodiscard]] auto distinct() { return make<T>(detail::DistinctStage<Pipeline>{take()}); }

    // Sorts stably by `less`. A barrier: it pulls its whole input, so it never ends on an
    // infinite source.
    template <class Compare = std::less<>>
    [[nodiscard]] auto sorted(Compare less = {}) {
        return make<T>(detail::SortedStage<Pipeline, Compare>{take(), std::move(less)});
    }

    // Calls `observe(const T&)` for each element that passes, then passes it on.
    template <class F>
    requires std::invocable<F&, const T&>
    [[nodiscard]] auto peek(F observe) {
        return make<T>(detail::PeekStage<Pipeline, F>{take(), std::move(observe)});
    }

    // Passes at most `n` elements and pulls no more than that from upstream.
    [[nodiscard]] auto limit(std::size_t n) {
        return make<T>(detail::LimitStage<Pipeline>{take(), n});
    }

    // Drops the first `n` elements.
    [[nodiscard]] auto skip(std::size_t n) {
        return make<T>(detail::SkipStage<Pipeline>{take(), n});
    }

    // Passes elements while `pred` is true and ends at the first for which it is false.
    template <class F>
    requires std::predicate<F&, const T&>
    [[nodiscard]] auto take_while(F pred) {
        return make<T>(detail::TakeWhileStage<Pipeline, F>{take(), std::move(pred)});
    }

    // Drops elements while `pred` holds, then passes everything.
    template <class F>
    requires std::predicate<F&, const T&>
    [[nodiscard]] auto drop_while(F pred) {
        return make<T>(detail::DropWhileStage<Pipeline, F>{take(), std::move(pred)});
    }

    // Groups elements into vectors of `size`; the last may be shorter. Throws
    // std::invalid_argument when `size` is 0.
    [[nodiscard]] auto window(std::size_t size) {
        require_option(size >= 1, "window size", "at least 1", 0);
        return make<std::vector<T>>(detail::WindowStage<Pipeline>{take(), size});
    }

    // Groups elements by the time they arrive on `clock` (the stream's clock when null) into
    // windows of `interval`, aligned to the first element. A window leaves when an element of a
    // later window arrives or the input ends, so a source that goes quiet keeps back its last
    // window until it ends. Throws std::invalid_argument when `interval` is not positive.
    [[nodiscard]] auto window_by_time(Duration interval, std::shared_ptr<const Clock> clock = {}) {
        require_option(interval > Duration::zero(), "window interval", "positive (nanoseconds)",
                       static_cast<double>(interval.count()));
        auto source_clock = clock ? std::move(clock) : clock_;
        return make<std::vector<T>>(
            detail::TimeWindowStage<Pipeline>{take(), interval, std::move(source_clock)});
    }

    // Applies `f` on an executor with at most options.max_in_flight elements outstanding, in
    // input order or completion order. Throws std::invalid_argument when max_in_flight is 0.
    template <class F>
    requires std::invocable<F&, T&&>
    [[nodiscard]] auto parallel_map(F f, ParallelOptions options = {}) {
        require_option(options.max_in_flight >= 1, "max_in_flight", "at least 1", 0);
        using Stage = detail::ParallelMapStage<Pipeline, F>;
        return make<typename Stage::value_type>(Stage{take(), std::move(f), std::move(options)});
    }

    // ---- Terminal operations: each runs the pipeline on the calling thread. ----

    // Calls `f(T&&)` for each element.
    template <class F>
    Result<void> for_each(F f, const Context& ctx = {}) {
        auto sink = [&](T&& x) {
            std::invoke(f, std::move(x));
            return true;
        };
        if (const std::error_code ec = execute(sink, ctx); ec) {
            return Error(ec);
        }
        return {};
    }

    Result<std::vector<T>> collect(const Context& ctx = {}) {
        std::vector<T> out;
        auto sink = [&](T&& x) {
            out.push_back(std::move(x));
            return true;
        };
        const std::error_code ec = execute(sink, ctx);
        return finish(ec, std::move(out));
    }

    // Folds the elements into `init` with `op(A, T)`, left to right.
    template <class A, class Op>
    Result<A> reduce(A init, Op op, const Context& ctx = {}) {
        auto sink = [&](T&& x) {
            init = std::invoke(op, std::move(init), std::move(x));
            return true;
        };
        const std::error_code ec = execute(sink, ctx);
        return finish(ec, std::move(init));
    }

    Result<std::size_t> count(const Context& ctx = {}) {
        std::size_t n = 0;
        auto sink = [&](T&&) {
            ++n;
            return true;
        };
        const std::error_code ec = execute(sink, ctx);
        return finish(ec, n);
    }

    // Returns whether some element satisfies `pred`; stops at the first that does.
    template <class F>
    Result<bool> any_match(F pred, const Context& ctx = {}) {
        bool found = false;
        auto sink = [&](T&& x) {
            found = std::invoke(pred, std::as_const(x));
            return !found;
        };
        const std::error_code ec = execute(sink, ctx);
        return finish(ec, found);
    }

    // Returns whether every element satisfies `pred` (true for no elements).
    template <class F>
    Result<bool> all_match(F pred, const Context& ctx = {}) {
        bool all = true;
        auto sink = [&](T&& x) {
            all = std::invoke(pred, std::as_const(x));
            return all;
        };
        const std::error_code ec = execute(sink, ctx);
        return finish(ec, all);
    }

    // Returns whether no element satisfies `pred` (true for no elements).
    template <class F>
    Result<bool> none_match(F pred, const Context& ctx = {}) {
        auto any = any_match(std::move(pred), ctx);
        if (!any) {
            return any.error();
        }
        return !*any;
    }

    // Returns the first element, or std::nullopt for an empty stream; pulls one element.
    Result<std::optional<T>> find_first(const Context& ctx = {}) {
        std::optional<T> first;
        auto sink = [&](T&& x) {
            first.emplace(std::move(x));
            return false;
        };
        const std::error_code ec = execute(sink, ctx);
        return finish(ec, std::move(first));
    }

    // Returns the smallest element (the first of equals), or std::nullopt.
    Result<std::optional<T>> min(const Context& ctx = {}) { return min_by(std::less<>{}, ctx); }

    // Returns the largest element (the first of equals), or std::nullopt.
    Result<std::optional<T>> max(const Context& ctx = {}) { return max_by(std::less<>{}, ctx); }

    // Returns the smallest element by `less` (the first of equals), or std::nullopt.
    template <class Compare>
    Result<std::optional<T>> min_by(Compare less, const Context& ctx = {}) {
        std::optional<T> best;
        auto sink = [&](T&& x) {
            if (!best || std::invoke(less, std::as_const(x), std::as_const(*best))) {
                best.emplace(std::move(x));
            }
            return true;
        };
        const std::error_code ec = execute(sink, ctx);
        return finish(ec, std::move(best));
    }

    // Returns the largest element by `less` (the first of equals), or std::nullopt.
    template <class Compare>
    Result<std::optional<T>> max_by(Compare less, const Context& ctx = {}) {
        std::optional<T> best;
        auto sink = [&](T&& x) {
            if (!best || std::invoke(less, std::as_const(*best), std::as_const(x))) {
                best.emplace(std::move(x));
            }
            return true;
        };
        const std::error_code ec = execute(sink, ctx);
        return finish(ec, std::move(best));
    }

    // Groups elements by `key(const T&)` into a std::map; each group keeps input order.
    template <class F>
    auto group_by(F key, const Context& ctx = {}) {
        using Key = std::remove_cvref_t<std::invoke_result_t<F&, const T&>>;
        std::map<Key, std::vector<T>> groups;
        auto sink = [&](T&& x) {
            Key k = std::invoke(key, std::as_const(x));
            groups[std::move(k)].push_back(std::move(x));
            return true;
        };
        const std::error_code ec = execute(sink, ctx);
        return finish(ec, std::move(groups));
    }

  private:
    template <class U, class P>
    Stream<U, P> make(P pipeline) {
        return Stream<U, P>(std::move(pipeline), clock_);
    }

    Pipeline take() {
        if (!pipeline_) {
            throw std::logic_error(
                "goflow::Stream already used: a stream accepts one operation, build a new stream "
                "to run the pipeline again");
        }
        Pipeline pipeline = std::move(*pipeline_);
        pipeline_.reset();
        return pipeline;
    }

    template <class Sink>
    std::error_code execute(Sink& sink, const Context& ctx) {
        Pipeline pipeline = take();
        detail::StreamRun state(ctx, *clock_);
        if (state.interrupted()) {
            return state.error;
        }
        pipeline.run(sink, state);
        return state.error;
    }

    template <class R>
    static Result<R> finish(std::error_code ec, R value) {
        if (ec) {
            return Error(ec);
        }
        return Result<R>(std::move(value));
    }

    std::optional<Pipeline> pipeline_;  // empty once an operation used it
    std::shared_ptr<const Clock> clock_;
};

// Stream sources.
namespace streams {

// Streams the elements of `range`. An lvalue range is referenced and must outlive the stream;
// an rvalue range is moved into the stream.
template <std::ranges::viewable_range R>
[[nodiscard]] auto from(R&& range) {
    using View = std::views::all_t<R>;
    using Source = detail::RangeSource<View>;
    return Stream<typename Source::value_type, Source>(
        Source{std::views::all(std::forward<R>(range))}, system_clock());
}

// Streams the values received from `channel` until it is closed and drained. The channel must
// outlive the stream. The terminal operation's context bounds each receive.
template <class T>
[[nodiscard]] auto from_channel(Channel<T>& channel) {
    return Stream<T, detail::ChannelSource<T>>(detail::ChannelSource<T>{&channel}, system_clock());
}

// Streams generate(), generate(), ... A generator returning std::optional<T> ends at
// std::nullopt; one returning T never ends. It is called only when the terminal operation needs
// another element.
template <class F>
requires std::invocable<F&>
[[nodiscard]] auto generate(F generate) {
    using Source = detail::GeneratorSource<F>;
    return Stream<typename Source::value_type, Source>(Source{std::move(generate)}, system_clock());
}

// Streams first, first + 1, ... up to but excluding `last`.
template <class T>
[[nodiscard]] auto iota(T first, T last) {
    return Stream<T, detail::IotaSource<T>>(detail::IotaSource<T>{first, last}, system_clock());
}

// Streams first, first + 1, ... without end.
template <class T>
[[nodiscard]] auto iota(T first) {
    return Stream<T, detail::IotaSource<T>>(detail::IotaSource<T>{first, std::nullopt},
                                            system_clock());
}

template <class T>
[[nodiscard]] auto empty() {
    return Stream<T, detail::EmptySource<T>>(detail::EmptySource<T>{}, system_clock());
}

}  // namespace streams
}  // namespace goflow
