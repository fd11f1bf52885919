// Arrival times of one request class's open-model load. Private to goflow::sim.
#pragma once

#include <optional>

#include "goflow/sim/scenario.hpp"
#include "random.hpp"

namespace goflow::sim::detail {

// Produces the arrival times of an open load, one at a time, in increasing order.
//
// Rates vary within a phase (ramp, sine), so arrivals come from the integrated rate
// Lambda(t): the next arrival is where Lambda grows by a unit exponential draw (Poisson) or by
// exactly 1 (even spacing, starting with an arrival at the very start of the load). Because the
// exponential distribution is memoryless, carrying the undrawn remainder across a phase boundary
// keeps a piecewise Poisson process exact.
class LoadGenerator {
  public:
    LoadGenerator(const LoadConfig& load, Random& random);

    // Returns the next arrival time, or nullopt once the load has ended.
    std::optional<Duration> next();

  private:
    // Integrated rate of phase `p` from its start to `offset` seconds into it.
    static double integral(const LoadPhase& p, double offset);
    // Offset, in seconds, at which the integrated rate of phase `p` reaches `target`.
    static double inverse(const LoadPhase& p, double target);

    const LoadConfig& load_;
    Random& random_;
    std::size_t phase_ = 0;
    Duration phase_start_{};
    double offset_ = 0;    // seconds into the current phase of the last arrival
    double consumed_ = 0;  // integrated rate used up in the current phase
    std::size_t trace_index_ = 0;
    bool first_ = true;
};

}  // namespace goflow::sim::detail
