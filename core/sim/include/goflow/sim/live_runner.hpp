// Live runner: a scenario driven through the real primitives on real threads.
//
// The Engine models the pool and the stages as queueing stations in virtual time. The live runner
// builds the real goflow::core objects instead: the class limiters (TokenBucket, LeakyBucket,
// ConcurrencyLimiter), a WorkerPool for the pool, and one WorkerPool per pipeline stage. A stage
// pool's full policy blocks, so a full stage keeps the worker of the station before it busy,
// exactly as the Engine's stations do. A driver thread issues every request at its scheduled
// time and handles client timeouts, retries, closed-model clients and scripted changes. Tasks
// sleep for their drawn service time. A scenario's writer is a real AsyncWriter on the same
// clock, whose sink sleeps for each flush's drawn write time. The last station's worker calls
// write() and, under the block policy, waits there for room. Every sample interval the driver reads
// the primitives' snapshots into the same Sample format the Engine produces.
//
// Time runs `speed` times faster than the wall clock, through a ScaledClock that every
// primitive of the run shares, so a 30 s scenario at speed 10 takes 3 s. Sleeps shorter than the
// operating system's timer resolution make very high speeds inaccurate; speeds up to 10 keep
// tasks of a few milliseconds faithful on an idle machine.
//
//     goflow::sim::LiveRunner live(scenario, {.speed = 10});
//     live.start();
//     live.set_parameter("limiters[0].rate", 200);  // takes effect at once
//     live.wait();
//     auto totals = live.summary();
//
// Thread safety: every member may be called from any thread.
#pragma once

#include <chrono>
#include <memory>
#include <string_view>
#include <vector>

#include "goflow/clock.hpp"
#include "goflow/sim/engine.hpp"
#include "goflow/sim/scenario.hpp"

namespace goflow::sim {

// A clock that runs `speed` times faster than std::chrono::steady_clock, starting at zero.
class ScaledClock final : public Clock {
  public:
    // Throws std::invalid_argument unless speed is positive and finite.
    explicit ScaledClock(double speed);

    [[nodiscard]] TimePoint now() const noexcept override;
    [[nodiscard]] WallTimePoint wall_now() const noexcept override;
    [[nodiscard]] double speed() const noexcept { return speed_; }
    // Converts a span of this clock's time into wall-clock time.
    [[nodiscard]] Duration to_real(Duration scaled) const noexcept;

  protected:
    bool do_wait_until(std::unique_lock<std::mutex>& lock, std::condition_variable_any& cv,
                       std::stop_token stop, TimePoint deadline,
                       goflow::detail::PredicateRef pred) const override;

  private:
    double speed_;
    std::chrono::steady_clock::time_point real_start_;
    WallTimePoint wall_start_;
};

// A parameter change that LiveRunner::change_parameter() applied.
struct LiveChange {
    Duration at{};         // scenario time at which the change took effect
    double old_value = 0;  // the value it replaced
    double new_value = 0;
};

struct LiveOptions {
    // Scenario seconds per wall-clock second.
    double speed = 1;
};

class LiveRunner {
  public:
    // Throws std::invalid_argument for a speed that is not positive and finite.
    LiveRunner(Scenario scenario, LiveOptions options);
    // Stops the run: no more requests, queued tasks are discarded, running ones finish.
    ~LiveRunner();

    LiveRunner(const LiveRunner&) = delete;
    LiveRunner& operator=(const LiveRunner&) = delete;

    // Starts the driver thread and the pools. Call once.
    void start();

    // Ends the run early, as the destructor does. Idempotent.
    void stop();

    // Blocks until the load has ended and every request has left the system, or `timeout`
    // (wall time) passes. Returns whether the run finished.
    bool wait(std::chrono::milliseconds timeout = std::chrono::hours(24));

    [[nodiscard]] bool finished() const;

    // Changes a parameter now, named as in ParameterChange. Limiter rates, bursts, slack and
    // limits, and the worker counts of the pool and the stages, take effect at once. Other
    // parameters and out-of-range values are rejected with a message.
    Result<void> set_parameter(std::string_view parameter, double value);

    // Changes a parameter as set_parameter() does, and returns the scenario time of the change
    // and the value it replaced, both read under the same lock as the change.
    Result<LiveChange> change_parameter(std::string_view parameter, double value);

    // Returns the current value of a parameter that set_parameter() accepts, after the scripted
    // and live changes so far. Other names are rejected with a message.
    [[nodiscard]] Result<double> parameter(std::string_view parameter) const;

    // Returns a copy of the samples recorded and not yet taken with take_samples().
    [[nodiscard]] std::vector<Sample> samples() const;
    // Returns a copy of those samples from index `first` on; empty when there are no more.
    [[nodiscard]] std::vector<Sample> samples_from(std::size_t first) const;
    // Moves out the samples not yet taken and stops keeping them, so that a caller that keeps
    // its own bounded window does not make a long run hold every sample.
    [[nodiscard]] std::vector<Sample> take_samples();
    [[nodiscard]] Summary summary() const;
    [[nodiscard]] const ScaledClock& clock() const;

  private:
    class Impl;
    std::unique_ptr<Impl> impl_;
};

// Runs `scenario` live at `speed` until it finishes and returns its samples and summary.
[[nodiscard]] SimulationResult run_live(const Scenario& scenario, double speed);

}  // namespace goflow::sim
