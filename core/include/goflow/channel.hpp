// Channel<T>: a FIFO queue that hands values between threads, with explicit backpressure.
//
// A channel is bounded (capacity N >= 1 buffers up to N values), a rendezvous (capacity 0: a
// send completes only when a receiver takes the value), or unbounded (Channel<T>::unbounded).
// When a bounded channel is full, the full policy decides what send() does: block until there
// is room, drop the value being sent, drop the oldest buffered value, or fail with errc::full.
// Dropped values are counted and may be passed to an on_drop hook outside the channel's lock.
//
// Every blocking call takes a goflow::Context and waits on the channel's injected clock, so a
// test drives deadlines with a ManualClock. Each blocking call has a `_for(timeout)` form and a
// non-blocking `try_` form.
//
// close() stops the channel from accepting values. Receivers still drain what was buffered and
// then receive errc::closed. Blocked senders wake with errc::closed, and their values are not
// delivered. A send after close fails with errc::closed. A range-for over a channel receives
// until it is closed and drained.
//
//     goflow::Channel<int> jobs({.capacity = 64});
//     std::jthread producer([&] {
//         for (int i = 0; i < 1000; ++i) (void)jobs.send(i);
//         jobs.close();
//     });
//     for (int job : jobs) handle(job);
//
// Thread safety: every member may be called concurrently from any thread. One mutex guards the
// buffer and the waiter bookkeeping. The counters are atomics, so snapshot() never takes the
// lock and cannot deadlock, not even from inside T's move constructor or an on_drop hook.
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <iterator>
#include <limits>
#include <memory>
#include <mutex>
#include <optional>
#include <utility>
#include <vector>

#include "goflow/clock.hpp"
#include "goflow/context.hpp"
#include "goflow/error.hpp"
#include "goflow/result.hpp"

namespace goflow {

// Behaviour of send() on a full bounded channel.
enum class FullPolicy {
    block,        // wait for room, a receiver, close or the end of the context
    drop_newest,  // discard the value being sent; send() succeeds and the drop is counted
    drop_oldest,  // discard the oldest buffered value to make room (capacity >= 1 only)
    fail,         // reject the value with errc::full
};

template <class T>
struct ChannelOptions {
    // Values buffered before the full policy applies. 0 is a rendezvous; Channel<T>::unbounded
    // never fills. Negative values are rejected.
    std::int64_t capacity = 0;
    FullPolicy full_policy = FullPolicy::block;
    // Time source for deadlines and timeouts; null means goflow::system_clock().
    std::shared_ptr<const Clock> clock;
    // Receives each value dropped by a drop policy. Runs on the sending thread after the
    // channel's lock is released; it may call any member of the channel.
    std::function<void(T&&)> on_drop;
};

// Counters and sizes of a channel, read without locking. Each field is exact at some moment,
// but the fields are read one after another, so under traffic they may be from different
// moments.
struct ChannelSnapshot {
    std::size_t length = 0;     // values buffered now (for capacity 0: offered by senders)
    std::int64_t capacity = 0;  // as configured; Channel<T>::unbounded when unbounded
    bool closed = false;
    std::uint64_t sent = 0;           // values accepted into the channel
    std::uint64_t received = 0;       // values taken by receivers
    std::uint64_t dropped = 0;        // values discarded by a drop policy
    std::uint64_t blocked_sends = 0;  // sends that had to wait for room or a receiver
};

namespace detail {

// Wakes a receive_any() caller that waits on several channels at once. A channel signals every
// registered notifier under its own lock when a value arrives or it closes. The notifier's lock
// is always taken second, and the waiter never holds it while calling into a channel.
struct ChannelNotifier {
    std::mutex mutex;
    std::condition_variable_any cv;
    std::uint64_t events = 0;  // guarded by mutex

    void signal() {
        {
            std::lock_guard guard(mutex);
            ++events;
        }
        cv.notify_all();
    }
};

}  // namespace detail

template <class T>
class Channel {
  public:
    using value_type = T;

    static constexpr std::int64_t unbounded = std::numeric_limits<std::int64_t>::max();

    // Throws std::invalid_argument naming the field when the capacity is negative, or when
    // drop_oldest is combined with capacity 0 (a rendezvous buffers nothing to drop).
    explicit Channel(ChannelOptions<T> options = {})
        : capacity_(options.capacity),
          policy_(options.full_policy),
          clock_(options.clock ? std::move(options.clock) : system_clock()),
          steady_clock_(dynamic_cast<const SteadyClock*>(clock_.get()) != nullptr),
          on_drop_(std::move(options.on_drop)) {
        require_option(capacity_ >= 0, "capacity", "at least 0", static_cast<double>(capacity_));
        require_option(!(capacity_ == 0 && policy_ == FullPolicy::drop_oldest), "capacity",
                       "at least 1 with full_policy drop_oldest", 0);
    }

    Channel(const Channel&) = delete;
    Channel& operator=(const Channel&) = delete;

    // Sends `value`, blocking under FullPolicy::block until there is room (or, for capacity 0,
    // until a receiver takes it). Returns errc::closed when the channel is or becomes closed,
    // errc::canceled or errc::deadline_exceeded when the context ends first, and errc::full
    // under FullPolicy::fail. A value that is not accepted is destroyed.
    Result<void> send(T value, const Context& ctx = {}) {
        return send_until(std::move(value), ctx, kNoDeadline);
    }

    // Like send(), but gives up with errc::deadline_exceeded after `timeout` on the clock.
    Result<void> send_for(T value, Duration timeout, const Context& ctx = {}) {
        return send_until(std::move(value), ctx, deadline_after(timeout));
    }

    // Sends without blocking. Returns errc::full when a bounded channel is full and the policy
    // is block or fail, and also when capacity is 0 and no receiver is waiting. Returns
    // errc::closed after close(). Drop policies apply as in send().
    Result<void> try_send(T value) {
        std::unique_lock lock(mutex_);
        if (closed_) {
            return Error(errc::closed, "send on a closed channel");
        }
        if (capacity_ == 0) {
            if (receivers_.count() <= buffer_.size()) {
                return reject_full_locked(std::move(value), lock);
            }
            return push_and_unlock(std::move(value), lock);
        }
        if (has_room_locked()) {
            return push_and_unlock(std::move(value), lock);
        }
        return apply_full_policy_locked(std::move(value), lock);
    }

    // Receives the oldest value, blocking until one arrives. Returns errc::closed once the
    // channel is closed and drained, or errc::canceled / errc::deadline_exceeded.
    Result<T> receive(const Context& ctx = {}) { return receive_until(ctx, kNoDeadline); }

    // Like receive(), but gives up with errc::deadline_exceeded after `timeout` on the clock.
    Result<T> receive_for(Duration timeout, const Context& ctx = {}) {
        return receive_until(ctx, deadline_after(timeout));
    }

    // Receives without blocking: errc::empty when nothing is buffered, errc::closed when the
    // channel is closed and drained.
    Result<T> try_receive() {
        std::unique_lock lock(mutex_);
        if (buffer_.empty()) {
            return Error(closed_ ? errc::closed : errc::empty);
        }
        return pop_locked(lock);
    }

    // Stops accepting values and wakes every blocked sender and receiver. Values already
    // buffered stay for receivers; values offered by blocked rendezvous senders are withdrawn
    // and those sends fail with errc::closed. Idempotent.
    void close() {
        {
            std::lock_guard guard(mutex_);
            if (closed_) {
                return;
            }
            closed_ = true;
            closed_flag_.store(true, std::memory_order_relaxed);
            std::erase_if(buffer_, [](Slot& slot) {
                if (slot.sender != nullptr) {
                    slot.sender->withdrawn = true;
                }
                return slot.sender != nullptr;
            });
            length_.store(buffer_.size(), std::memory_order_relaxed);
            // Signalled under the lock, so that remove_notifier() returning means no signal to
            // that notifier is still running.
            for (detail::ChannelNotifier* n : notifiers_) {
                n->signal();
            }
        }
        receivers_.notify_all();
        senders_.notify_all();
    }

    [[nodiscard]] bool closed() const noexcept {
        return closed_flag_.load(std::memory_order_relaxed);
    }
    [[nodiscard]] std::int64_t capacity() const noexcept { return capacity_; }
    [[nodiscard]] std::size_t size() const noexcept {
        return length_.load(std::memory_order_relaxed);
    }
    [[nodiscard]] const Clock& clock() const noexcept { return *clock_; }

    // Returns the counters without taking the channel's lock.
    [[nodiscard]] ChannelSnapshot snapshot() const noexcept {
        return {.length = length_.load(std::memory_order_relaxed),
                .capacity = capacity_,
                .closed = closed_flag_.load(std::memory_order_relaxed),
                .sent = sent_.load(std::memory_order_relaxed),
                .received = received_.load(std::memory_order_relaxed),
                .dropped = dropped_.load(std::memory_order_relaxed),
                .blocked_sends = blocked_sends_.load(std::memory_order_relaxed)};
    }

    // An input iterator that receives with the background context; it reaches end() when the
    // channel is closed and drained.
    class iterator {
      public:
        using iterator_category = std::input_iterator_tag;
        using value_type = T;
        using difference_type = std::ptrdiff_t;
        using pointer = T*;
        using reference = T&;

        iterator() = default;
        T& operator*() { return *current_; }
        T* operator->() { return &*current_; }
        iterator& operator++() {
            fetch();
            return *this;
        }
        void operator++(int) { fetch(); }
        friend bool operator==(const iterator& a, const iterator& b) {
            return !a.current_ && !b.current_;
        }

      private:
        friend class Channel;
        explicit iterator(Channel* channel) : channel_(channel) { fetch(); }
        void fetch() {
            Result<T> r = channel_->receive();
            current_.reset();
            if (r) {
                current_.emplace(std::move(r).value());
            }
        }

        Channel* channel_ = nullptr;
        std::optional<T> current_;
    };

    // Range-for support. Blocks in begin() and operator++ until a value arrives or the channel
    // is closed and drained.
    iterator begin() { return iterator(this); }
    iterator end() { return iterator(); }

    // Registers a notifier that is signalled whenever a value arrives or the channel closes.
    // Used by receive_any(); the notifier must be unregistered before it is destroyed.
    void add_notifier(detail::ChannelNotifier* notifier) {
        std::lock_guard guard(mutex_);
        notifiers_.push_back(notifier);
    }
    void remove_notifier(detail::ChannelNotifier* notifier) {
        std::lock_guard guard(mutex_);
        std::erase(notifiers_, notifier);
    }

  private:
    // A rendezvous sender blocked until a receiver takes its value; lives on its stack.
    struct PendingSend {
        bool taken = false;      // guarded by mutex_
        bool withdrawn = false;  // guarded by mutex_; set by close()
    };

    struct Slot {
        T value;
        PendingSend* sender;  // null unless a rendezvous sender waits for this value
    };

    TimePoint deadline_after(Duration timeout) const {
        const TimePoint now = clock_->now();
        if (timeout <= Duration::zero()) {
            return now;
        }
        return timeout >= kNoDeadline - now ? kNoDeadline : now + timeout;
    }

    // Counters change only under mutex_, so a load and a store replace a locked
    // read-modify-write on the hot path.
    static void bump(std::atomic<std::uint64_t>& counter, int delta) {
        counter.store(counter.load(std::memory_order_relaxed) + static_cast<std::uint64_t>(delta),
                      std::memory_order_relaxed);
    }

    // Blocked callers of one kind. A wait that can end only by notification or by a deadline on
    // the steady clock uses the cheaper std::condition_variable; a wait that a stop token or a
    // manual clock must be able to wake uses std::condition_variable_any through goflow::wait.
    // Every notification goes to both, so a waiter of either kind is woken.
    struct Waiters {
        std::condition_variable_any any;
        std::condition_variable plain;
        std::size_t any_count = 0;    // guarded by the channel's mutex_
        std::size_t plain_count = 0;  // guarded by the channel's mutex_

        std::size_t count() const { return any_count + plain_count; }
        // Call with the channel's mutex_ held, so that the counts are current.
        void notify_one() { notify_one(plain_count > 0, any_count > 0); }
        // Wakes one waiter of each kind that was present when the counts were read under
        // mutex_; a waiter that arrives later checks its predicate before it sleeps.
        void notify_one(bool wake_plain, bool wake_any) {
            if (wake_plain) {
                plain.notify_one();
            }
            if (wake_any) {
                any.notify_one();
            }
        }
        void notify_all() {
            plain.notify_all();
            any.notify_all();
        }
    };

    // Blocks until pred() is true, the context ends or `deadline` passes; see goflow::wait.
    template <class Pred>
    std::error_code wait_locked(Waiters& waiters, std::unique_lock<std::mutex>& lock,
                                const Context& ctx, Pred pred, TimePoint deadline) {
        if (steady_clock_ && !ctx.stop_token().stop_possible()) {
            ++waiters.plain_count;
            const bool ready =
                wait_plain(waiters.plain, lock, std::min(deadline, ctx.deadline()), pred);
            --waiters.plain_count;
            return ready ? std::error_code{} : make_error_code(errc::deadline_exceeded);
        }
        ++waiters.any_count;
        const std::error_code ec = wait(*clock_, lock, waiters.any, ctx, pred, deadline);
        --waiters.any_count;
        return ec;
    }

    template <class Pred>
    static bool wait_plain(std::condition_variable& cv, std::unique_lock<std::mutex>& lock,
                           TimePoint limit, Pred pred) {
        // A deadline centuries away is treated as none, so the conversion inside the timed wait
        // cannot overflow.
        constexpr auto kFarFuture = std::chrono::hours(24 * 365 * 100);
        const auto now = std::chrono::steady_clock::now();
        if (limit == kNoDeadline || limit - now > kFarFuture) {
            cv.wait(lock, pred);
            return true;
        }
        return cv.wait_until(
            lock, std::chrono::time_point_cast<std::chrono::steady_clock::duration>(limit), pred);
    }

    bool has_room_locked() const {
        return capacity_ == unbounded || buffer_.size() < static_cast<std::size_t>(capacity_);
    }

    void push_locked(T&& value, PendingSend* sender) {
        buffer_.push_back(Slot{std::move(value), sender});
        length_.store(buffer_.size(), std::memory_order_relaxed);
        bump(sent_, 1);
        receivers_.notify_one();
        for (detail::ChannelNotifier* n : notifiers_) {
            n->signal();
        }
    }

    // Buffers `value`, releases the lock and then wakes a receiver, so that the receiver does
    // not wake up only to block on mutex_ held by this sender.
    Result<void> push_and_unlock(T&& value, std::unique_lock<std::mutex>& lock) {
        buffer_.push_back(Slot{std::move(value), nullptr});
        length_.store(buffer_.size(), std::memory_order_relaxed);
        bump(sent_, 1);
        for (detail::ChannelNotifier* n : notifiers_) {
            n->signal();
        }
        const bool wake_plain = receivers_.plain_count > 0;
        const bool wake_any = receivers_.any_count > 0;
        lock.unlock();
        receivers_.notify_one(wake_plain, wake_any);
        return {};
    }

    // Precondition: !buffer_.empty(). Releases the lock before T is returned.
    Result<T> pop_locked(std::unique_lock<std::mutex>& lock) {
        Slot& front = buffer_.front();
        T value = std::move(front.value);
        if (front.sender != nullptr) {
            front.sender->taken = true;
        }
        const bool rendezvous = front.sender != nullptr;
        buffer_.pop_front();
        length_.store(buffer_.size(), std::memory_order_relaxed);
        bump(received_, 1);
        const bool wake_plain = senders_.plain_count > 0;
        const bool wake_any = senders_.any_count > 0;
        lock.unlock();
        // Notifying after unlocking lets the woken sender take the mutex at once. Rendezvous
        // senders wait for their own slot, so every one of them must re-check.
        if (rendezvous) {
            senders_.notify_all();
        } else {
            senders_.notify_one(wake_plain, wake_any);
        }
        return value;
    }

    Result<void> reject_full_locked(T&& value, std::unique_lock<std::mutex>& lock) {
        if (policy_ == FullPolicy::drop_newest) {
            return drop(std::move(value), lock);
        }
        return Error(errc::full);
    }

    // Called when a bounded channel with capacity >= 1 is full.
    Result<void> apply_full_policy_locked(T&& value, std::unique_lock<std::mutex>& lock) {
        switch (policy_) {
            case FullPolicy::drop_newest:
                return drop(std::move(value), lock);
            case FullPolicy::drop_oldest: {
                T oldest = std::move(buffer_.front().value);
                buffer_.pop_front();
                push_locked(std::move(value), nullptr);
                return drop(std::move(oldest), lock);
            }
            case FullPolicy::block:
            case FullPolicy::fail:
                break;
        }
        return Error(errc::full);
    }

    // Counts a dropped value and hands it to the hook after unlocking.
    Result<void> drop(T&& value, std::unique_lock<std::mutex>& lock) {
        bump(dropped_, 1);
        lock.unlock();
        if (on_drop_) {
            on_drop_(std::move(value));
        }
        return {};
    }

    Result<void> send_until(T&& value, const Context& ctx, TimePoint deadline) {
        std::unique_lock lock(mutex_);
        if (closed_) {
            return Error(errc::closed, "send on a closed channel");
        }
        if (capacity_ == 0) {
            return rendezvous_send_locked(std::move(value), ctx, deadline, lock);
        }
        if (has_room_locked()) {
            return push_and_unlock(std::move(value), lock);
        }
        if (policy_ != FullPolicy::block) {
            return apply_full_policy_locked(std::move(value), lock);
        }

        bump(blocked_sends_, 1);
        const std::error_code ec = wait_locked(
            senders_, lock, ctx, [&] { return closed_ || has_room_locked(); }, deadline);
        if (closed_) {
            return Error(errc::closed, "channel closed while the send was blocked");
        }
        if (ec) {
            return Error(ec);
        }
        return push_and_unlock(std::move(value), lock);
    }

    // A rendezvous sender offers its value in the buffer at once and waits until a receiver
    // takes it. If the wait ends first, the sender withdraws the value, so it is never
    // delivered after send() has reported a failure.
    Result<void> rendezvous_send_locked(T&& value, const Context& ctx, TimePoint deadline,
                                        std::unique_lock<std::mutex>& lock) {
        if (policy_ != FullPolicy::block && receivers_.count() <= buffer_.size()) {
            return reject_full_locked(std::move(value), lock);
        }
        PendingSend pending;
        if (receivers_.count() <= buffer_.size()) {
            bump(blocked_sends_, 1);
        }
        push_locked(std::move(value), &pending);
        const std::error_code ec = wait_locked(
            senders_, lock, ctx, [&] { return pending.taken || pending.withdrawn; }, deadline);
        if (pending.taken) {
            return {};
        }
        if (pending.withdrawn) {
            bump(sent_, -1);
            return Error(errc::closed, "channel closed while the send was blocked");
        }
        std::erase_if(buffer_, [&](const Slot& slot) { return slot.sender == &pending; });
        length_.store(buffer_.size(), std::memory_order_relaxed);
        bump(sent_, -1);
        return Error(ec);
    }

    Result<T> receive_until(const Context& ctx, TimePoint deadline) {
        std::unique_lock lock(mutex_);
        if (buffer_.empty() && !closed_) {
            const std::error_code ec = wait_locked(
                receivers_, lock, ctx, [&] { return closed_ || !buffer_.empty(); }, deadline);
            if (ec && buffer_.empty()) {
                return Error(ec);
            }
        }
        if (buffer_.empty()) {
            return Error(errc::closed);
        }
        return pop_locked(lock);
    }

    const std::int64_t capacity_;
    const FullPolicy policy_;
    const std::shared_ptr<const Clock> clock_;
    const bool steady_clock_;  // clock_ is a SteadyClock, so plain timed waits are exact
    const std::function<void(T&&)> on_drop_;

    mutable std::mutex mutex_;
    Waiters receivers_;        // receivers blocked on an empty channel; waits use mutex_
    Waiters senders_;          // senders blocked for room or for a rendezvous; waits use mutex_
    std::deque<Slot> buffer_;  // guarded by mutex_
    bool closed_ = false;      // guarded by mutex_
    std::vector<detail::ChannelNotifier*> notifiers_;  // guarded by mutex_

    // Mirrors for snapshot(); written under mutex_, read without it.
    std::atomic<bool> closed_flag_{false};
    std::atomic<std::size_t> length_{0};
    std::atomic<std::uint64_t> sent_{0};
    std::atomic<std::uint64_t> received_{0};
    std::atomic<std::uint64_t> dropped_{0};
    std::atomic<std::uint64_t> blocked_sends_{0};
};

}  // namespace goflow
