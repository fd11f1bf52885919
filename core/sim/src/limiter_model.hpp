// The real goflow::core limiters, driven on the simulator's virtual time. Private to goflow::sim.
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

// Creates the model for `config`. `clock` is the simulator's manual clock, which the models
// advance to the time of a change or a level reading when their class needs it.
std::unique_ptr<LimiterModel> make_limiter_model(const LimiterConfig& config,
                                                 std::shared_ptr<ManualClock> clock);

}  // namespace goflow::sim::detail
