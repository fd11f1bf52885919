// The real goflow::core limiters behind one interface, for the engine (virtual time) and the
// live runner (the scaled wall clock). Private to goflow::sim.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>

#include "goflow/clock.hpp"
#include "goflow/sim/scenario.hpp"

namespace goflow::sim::detail {

class LimiterModel {
  public:
    virtual ~LimiterModel() = default;

    // Decides whether attempt `job` may pass at virtual time `t`.
    virtual bool admit(Duration t, std::uint64_t job) = 0;
    // Gives back what attempt `job` holds, when it leaves the system. Only the concurrency
    // limiter holds anything.
    virtual void release(std::uint64_t /*job*/) {}
    // Returns the value the Studio charts: tokens, backlog or permits in use.
    virtual double level(Duration t) = 0;
    // Applies a parameter change ("rate", "burst", "slack" or "limit") at `t`.
    virtual void set(std::string_view field, double value, Duration t) = 0;
};

// Creates the model for `config` on `clock`. Every call passes the current time of that clock.
// When `manual` is the same clock as a ManualClock (the engine's case), a model whose limiter
// reads the clock itself advances it to the time of the call first.
std::unique_ptr<LimiterModel> make_limiter_model(const LimiterConfig& config,
                                                 std::shared_ptr<const Clock> clock,
                                                 ManualClock* manual);

}  // namespace goflow::sim::detail
