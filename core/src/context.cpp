#include "goflow/context.hpp"

#include <algorithm>
#include <optional>

namespace goflow {
namespace detail {

// Forwards a parent's stop request to a child's stop source.
struct ForwardStop {
    std::stop_source child;
    void operator()() noexcept { child.request_stop(); }
};

struct ContextState {
    std::stop_source source{std::nostopstate};
    std::stop_token token;
    TimePoint deadline = kNoDeadline;
    // Registered on the parent's token; destroyed with this state, which unregisters it.
    std::optional<std::stop_callback<ForwardStop>> parent_link;
};

}  // namespace detail

bool Context::canceled() const noexcept {
    return state_ && state_->token.stop_requested();
}

TimePoint Context::deadline() const noexcept {
    return state_ ? state_->deadline : kNoDeadline;
}

std::error_code Context::error(TimePoint now) const noexcept {
    if (canceled()) {
        return make_error_code(errc::canceled);
    }
    if (now >= deadline()) {
        return make_error_code(errc::deadline_exceeded);
    }
    return {};
}

std::stop_token Context::stop_token() const noexcept {
    return state_ ? state_->token : std::stop_token{};
}

Context Context::with_deadline(TimePoint deadline) const {
    auto child = std::make_shared<detail::ContextState>();
    child->token = stop_token();
    child->deadline = std::min(deadline, this->deadline());
    return Context(std::move(child));
}

Context Context::with_timeout(const Clock& clock, Duration timeout) const {
    const TimePoint now = clock.now();
    const TimePoint until =
        timeout >= kNoDeadline - now ? kNoDeadline : now + std::max(timeout, Duration::zero());
    return with_deadline(until);
}

CancelSource::CancelSource() : state_(std::make_shared<detail::ContextState>()) {
    state_->source = std::stop_source();
    state_->token = state_->source.get_token();
}

CancelSource::CancelSource(const Context& parent, TimePoint deadline) : CancelSource() {
    state_->deadline = std::min(deadline, parent.deadline());
    // Registering after the token exists means a parent that is already canceled cancels the
    // child immediately, inside this constructor.
    state_->parent_link.emplace(parent.stop_token(), detail::ForwardStop{state_->source});
}

void CancelSource::cancel() noexcept {
    state_->source.request_stop();
}

bool CancelSource::canceled() const noexcept {
    return state_->token.stop_requested();
}

std::error_code sleep_until(const Clock& clock, const Context& ctx, TimePoint until) {
    if (ctx.canceled()) {
        return make_error_code(errc::canceled);
    }
    if (ctx.deadline() < until) {
        return make_error_code(errc::deadline_exceeded);
    }
    if (clock.sleep_until(until, ctx.stop_token())) {
        return {};
    }
    return ctx.error(clock);
}

}  // namespace goflow
