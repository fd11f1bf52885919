// Cancellation contexts: a cancel signal plus an optional deadline that children inherit.
//
// A Context is a cheap, copyable handle that every blocking goflow call accepts. A CancelSource
// creates a child of a Context and can cancel it; canceling a context cancels all its children.
// A child's deadline is the earlier of its own and its parent's. Deadlines are time points of the
// goflow::Clock that the waiting primitive uses, and they do not fire by themselves. A blocking
// call compares the deadline with its own clock. It fails at once when its work cannot finish in
// time, and otherwise wakes when the deadline passes. Context::error() reports both outcomes.
//
//     goflow::CancelSource request;                           // a root context
//     auto ctx = request.context().with_timeout(*clock, 200ms);
//     if (auto r = bucket.wait(1, ctx); !r) return r.error();  // canceled or deadline exceeded
//     request.cancel();                                       // wakes every waiter on ctx
//
// Thread safety: Context and CancelSource may be copied, queried and canceled from any thread.
#pragma once

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <stop_token>
#include <system_error>

#include "goflow/clock.hpp"
#include "goflow/error.hpp"

namespace goflow {

namespace detail {
struct ContextState;
}

class Context {
  public:
    // The background context: never canceled, no deadline.
    Context() noexcept = default;

    // Returns whether this context or one of its ancestors was canceled.
    [[nodiscard]] bool canceled() const noexcept;

    // Returns the deadline, or kNoDeadline when there is none.
    [[nodiscard]] TimePoint deadline() const noexcept;
    [[nodiscard]] bool has_deadline() const noexcept { return deadline() != kNoDeadline; }

    // Returns errc::canceled when canceled, errc::deadline_exceeded when `now` is at or past the
    // deadline, and an empty code otherwise. Cancellation wins when both hold.
    [[nodiscard]] std::error_code error(TimePoint now) const noexcept;
    [[nodiscard]] std::error_code error(const Clock& clock) const noexcept {
        return error(clock.now());
    }

    // Returns a token that is stopped when this context is canceled.
    [[nodiscard]] std::stop_token stop_token() const noexcept;

    // Returns a child that is canceled with this context and whose deadline is the earlier of
    // `deadline` and this context's deadline.
    [[nodiscard]] Context with_deadline(TimePoint deadline) const;

    // Returns with_deadline(clock.now() + timeout).
    [[nodiscard]] Context with_timeout(const Clock& clock, Duration timeout) const;

  private:
    friend class CancelSource;
    explicit Context(std::shared_ptr<const detail::ContextState> state) noexcept
        : state_(std::move(state)) {}

    std::shared_ptr<const detail::ContextState> state_;  // null for the background context
};

// Owns the right to cancel a context. Copies share the same context.
class CancelSource {
  public:
    // A root context with no deadline.
    CancelSource();

    // A child of `parent`, with the parent's deadline or the earlier `deadline`.
    explicit CancelSource(const Context& parent, TimePoint deadline = kNoDeadline);

    [[nodiscard]] Context context() const noexcept { return Context(state_); }

    // Cancels the context and every child of it. Idempotent; never blocks on waiters.
    void cancel() noexcept;

    [[nodiscard]] bool canceled() const noexcept;

  private:
    std::shared_ptr<detail::ContextState> state_;
};

// Blocks on `cv` until `pred()` holds, `ctx` is canceled, or the earlier of `deadline` and the
// context's deadline passes on `clock`. `lock` must hold the mutex guarding what `pred` reads.
// Returns an empty code when `pred()` held, otherwise errc::canceled or errc::deadline_exceeded.
template <class Pred>
std::error_code wait(const Clock& clock, std::unique_lock<std::mutex>& lock,
                     std::condition_variable_any& cv, const Context& ctx, Pred pred,
                     TimePoint deadline = kNoDeadline) {
    const TimePoint limit = std::min(deadline, ctx.deadline());
    if (clock.wait_until(lock, cv, ctx.stop_token(), limit, pred)) {
        return {};
    }
    if (ctx.canceled()) {
        return make_error_code(errc::canceled);
    }
    return make_error_code(errc::deadline_exceeded);
}

// Blocks until `clock` reaches `until` or `ctx` ends. Returns an empty code when `until` was
// reached; errc::canceled, or errc::deadline_exceeded when the context's deadline comes first.
// A deadline earlier than `until` fails at once, without sleeping.
std::error_code sleep_until(const Clock& clock, const Context& ctx, TimePoint until);

}  // namespace goflow
