// Channel utilities: fan-in, fan-out, transforming pipes, receive-any and batch receive.
//
// merge(), broadcast() and pipe() start one forwarding thread per input channel and return a
// ChannelTask that owns those threads. Forwarding uses blocking sends, so a slow output slows
// its inputs down (backpressure) instead of buffering without bound. When every input is closed
// and drained, or the task is canceled, the task closes its outputs, so a consumer's range-for
// ends. Destroying a ChannelTask cancels it and joins its threads.
//
// receive_any() waits on several channels at once and returns the first value that any of them
// offers. receive_batch() collects up to N values, or whatever arrived before a timeout.
//
//     goflow::Channel<Event> a({.capacity = 64}), b({.capacity = 64}), all({.capacity = 128});
//     auto fan_in = goflow::merge<Event>({&a, &b}, all);
//     auto batch = goflow::receive_batch(all, 100, 50ms);  // up to 100 events within 50 ms
//
// Thread safety: the functions may be called from any thread. A ChannelTask may be queried
// and canceled from any thread; wait() and destruction must not race with each other.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

#include "goflow/channel.hpp"
#include "goflow/context.hpp"
#include "goflow/result.hpp"

namespace goflow {

// Counters of a ChannelTask. Every value taken from an input is forwarded or lost:
// received = forwarded + lost (for broadcast, per output copy: received * outputs).
struct ChannelTaskSnapshot {
    std::uint64_t received = 0;   // values taken from the inputs
    std::uint64_t forwarded = 0;  // values (or copies) accepted by an output
    std::uint64_t lost = 0;       // values (or copies) an output did not accept: closed or canceled
    bool finished = false;        // every forwarding thread has returned
};

// Owns the forwarding threads of merge(), broadcast() or pipe().
class ChannelTask {
  public:
    ChannelTask() = default;
    ChannelTask(ChannelTask&&) noexcept = default;
    ChannelTask& operator=(ChannelTask&& other) noexcept {
        stop();
        state_ = std::move(other.state_);
        threads_ = std::move(other.threads_);
        return *this;
    }
    ~ChannelTask() { stop(); }

    // Stops forwarding: blocked receives and sends end with errc::canceled, a value in hand is
    // counted as lost, and the outputs are closed. Does not wait; see wait().
    void cancel() {
        if (state_) {
            state_->cancel.cancel();
        }
    }

    // Blocks until every forwarding thread has returned (all inputs closed, or canceled).
    void wait() {
        for (std::jthread& t : threads_) {
            if (t.joinable()) {
                t.join();
            }
        }
    }

    [[nodiscard]] ChannelTaskSnapshot snapshot() const {
        if (!state_) {
            return {.finished = true};
        }
        return {.received = state_->received.load(),
                .forwarded = state_->forwarded.load(),
                .lost = state_->lost.load(),
                .finished = state_->running.load() == 0};
    }

    // Returns the first exception thrown by pipe()'s transform, or null.
    [[nodiscard]] std::exception_ptr failure() const {
        if (!state_) {
            return nullptr;
        }
        std::lock_guard guard(state_->mutex);
        return state_->failure;
    }

    // Shared with the forwarding threads; public so that the utilities below can build tasks.
    struct State {
        explicit State(const Context& parent) : cancel(parent) {}
        CancelSource cancel;
        std::atomic<std::uint64_t> received{0};
        std::atomic<std::uint64_t> forwarded{0};
        std::atomic<std::uint64_t> lost{0};
        std::atomic<std::size_t> running{0};

        void set_failure(std::exception_ptr e) {
            std::lock_guard guard(mutex);
            if (!failure) {
                failure = std::move(e);
            }
        }
        std::mutex mutex;
        std::exception_ptr failure;  // guarded by mutex; first exception of a transform
    };

    ChannelTask(std::shared_ptr<State> state, std::vector<std::jthread> threads)
        : state_(std::move(state)), threads_(std::move(threads)) {}

  private:
    void stop() {
        cancel();
        wait();
    }

    std::shared_ptr<State> state_;
    std::vector<std::jthread> threads_;
};

namespace detail {

// Sends `value` to `out` and updates the task's counters.
template <class T>
void forward_one(Channel<T>& out, T value, ChannelTask::State& state) {
    if (out.send(std::move(value), state.cancel.context())) {
        ++state.forwarded;
    } else {
        ++state.lost;
    }
}

}  // namespace detail

// Forwards every value of every input to `output` (fan-in), one thread per input. Values of one
// input keep their order; values of different inputs interleave as they arrive. `output` is
// closed after the last input closes and drains, or when the task is canceled. The channels
// must outlive the task. Canceling `ctx` cancels the task.
template <class T>
[[nodiscard]] ChannelTask merge(std::vector<Channel<T>*> inputs, Channel<T>& output,
                                const Context& ctx = {}) {
    auto state = std::make_shared<ChannelTask::State>(ctx);
    state->running = inputs.size();
    if (inputs.empty()) {
        output.close();
        return ChannelTask(std::move(state), {});
    }
    std::vector<std::jthread> threads;
    threads.reserve(inputs.size());
    for (Channel<T>* input : inputs) {
        threads.emplace_back([state, input, &output] {
            const Context task_ctx = state->cancel.context();
            while (auto r = input->receive(task_ctx)) {
                ++state->received;
                detail::forward_one(output, std::move(r).value(), *state);
            }
            if (state->running.fetch_sub(1) == 1) {
                output.close();
            }
        });
    }
    return ChannelTask(std::move(state), std::move(threads));
}

// Sends a copy of every value of `input` to each output, in order (fan-out). The slowest output
// sets the pace for all of them. The outputs are closed when `input` closes and drains, or when
// the task is canceled.
template <class T>
requires std::copy_constructible<T>
[[nodiscard]] ChannelTask broadcast(Channel<T>& input, std::vector<Channel<T>*> outputs,
                                    const Context& ctx = {}) {
    auto state = std::make_shared<ChannelTask::State>(ctx);
    state->running = 1;
    std::vector<std::jthread> threads;
    threads.emplace_back([state, &input, outputs = std::move(outputs)] {
        const Context task_ctx = state->cancel.context();
        while (auto r = input.receive(task_ctx)) {
            ++state->received;
            for (Channel<T>* out : outputs) {
                detail::forward_one(*out, T(*r), *state);
            }
        }
        for (Channel<T>* out : outputs) {
            out->close();
        }
        state->running = 0;
    });
    return ChannelTask(std::move(state), std::move(threads));
}

// Sends transform(value) to `output` for every value of `input`, in order. `output` is closed
// when `input` closes and drains, or when the task is canceled. An exception thrown by
// `transform` ends the task: the value is counted as lost, the output is closed, and
// ChannelTask::failure() returns the exception.
template <class T, class U, class F>
requires std::invocable<F&, T&&> && std::convertible_to<std::invoke_result_t<F&, T&&>, U>
[[nodiscard]] ChannelTask pipe(Channel<T>& input, Channel<U>& output, F transform,
                               const Context& ctx = {}) {
    auto state = std::make_shared<ChannelTask::State>(ctx);
    state->running = 1;
    std::vector<std::jthread> threads;
    threads.emplace_back([state, &input, &output, transform = std::move(transform)]() mutable {
        const Context task_ctx = state->cancel.context();
        while (auto r = input.receive(task_ctx)) {
            ++state->received;
            std::optional<U> mapped;
            try {
                mapped.emplace(std::invoke(transform, std::move(r).value()));
            } catch (...) {
                // Kept for ChannelTask::failure(); the closed output ends the consumer.
                state->set_failure(std::current_exception());
                ++state->lost;
                break;
            }
            detail::forward_one(output, std::move(*mapped), *state);
        }
        output.close();
        state->running = 0;
    });
    return ChannelTask(std::move(state), std::move(threads));
}

// A value from receive_any() and the position of the channel it came from.
template <class T>
struct ReceivedFrom {
    std::size_t index;
    T value;
};

namespace detail {

// Unregisters a notifier from every channel it was added to, also on early return.
template <class T>
class NotifierRegistration {
  public:
    NotifierRegistration(const std::vector<Channel<T>*>& channels, ChannelNotifier& notifier)
        : channels_(channels), notifier_(notifier) {
        for (Channel<T>* ch : channels_) {
            ch->add_notifier(&notifier_);
        }
    }
    ~NotifierRegistration() {
        for (Channel<T>* ch : channels_) {
            ch->remove_notifier(&notifier_);
        }
    }
    NotifierRegistration(const NotifierRegistration&) = delete;
    NotifierRegistration& operator=(const NotifierRegistration&) = delete;

  private:
    const std::vector<Channel<T>*>& channels_;
    ChannelNotifier& notifier_;
};

}  // namespace detail

// Receives one value from whichever channel offers one first. Scans start at a rotating
// position, so a busy channel does not starve the others. Returns errc::closed once every
// channel is closed and drained, and errc::canceled / errc::deadline_exceeded when the context
// ends (deadlines are read on the first channel's clock). Requires at least one channel.
template <class T>
Result<ReceivedFrom<T>> receive_any(const std::vector<Channel<T>*>& channels,
                                    const Context& ctx = {}, TimePoint deadline = kNoDeadline) {
    require_option(!channels.empty(), "channels", "non-empty", 0);
    static std::atomic<std::size_t> rotation{0};
    const std::size_t start = rotation.fetch_add(1, std::memory_order_relaxed);
    const Clock& clock = channels.front()->clock();

    detail::ChannelNotifier notifier;
    detail::NotifierRegistration<T> registration(channels, notifier);
    std::unique_lock lock(notifier.mutex);
    for (;;) {
        // Reading the event count before scanning means a value that arrives during the scan
        // changes the count, so the wait below cannot miss it.
        const std::uint64_t seen = notifier.events;
        lock.unlock();
        bool all_closed = true;
        for (std::size_t k = 0; k < channels.size(); ++k) {
            const std::size_t i = (start + k) % channels.size();
            Result<T> r = channels[i]->try_receive();
            if (r) {
                return ReceivedFrom<T>{i, std::move(r).value()};
            }
            all_closed = all_closed && r.error() == errc::closed;
        }
        if (all_closed) {
            return Error(errc::closed, "every channel is closed");
        }
        lock.lock();
        const std::error_code ec = wait(
            clock, lock, notifier.cv, ctx, [&] { return notifier.events != seen; }, deadline);
        if (ec) {
            return Error(ec);
        }
    }
}

// Like receive_any(), but gives up with errc::deadline_exceeded after `timeout` on the first
// channel's clock.
template <class T>
Result<ReceivedFrom<T>> receive_any_for(const std::vector<Channel<T>*>& channels, Duration timeout,
                                        const Context& ctx = {}) {
    require_option(!channels.empty(), "channels", "non-empty", 0);
    return receive_any(channels, ctx, channels.front()->clock().now() + timeout);
}

// Receives up to `max_items` values, waiting at most `timeout` on the channel's clock for them.
// Returns what arrived by then, possibly nothing. Values already received are always returned,
// never dropped. So errc::closed (channel closed and drained) and the context's error are
// returned only when no value arrived.
template <class T>
Result<std::vector<T>> receive_batch(Channel<T>& channel, std::size_t max_items, Duration timeout,
                                     const Context& ctx = {}) {
    require_option(max_items >= 1, "max_items", "at least 1", 0);
    const TimePoint deadline = channel.clock().now() + timeout;
    std::vector<T> batch;
    while (batch.size() < max_items) {
        const Duration remaining = std::max(deadline - channel.clock().now(), Duration::zero());
        Result<T> r = channel.receive_for(remaining, ctx);
        if (r) {
            batch.push_back(std::move(r).value());
            continue;
        }
        if (batch.empty() && r.error() != errc::deadline_exceeded) {
            return r.error();
        }
        break;
    }
    return batch;
}

}  // namespace goflow
