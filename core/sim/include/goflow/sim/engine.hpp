// Discrete-event simulation of a scenario in virtual time.
//
// The engine offers the scenario's load to a real goflow::TokenBucket driven on virtual time,
// then to a worker pool modelled as `workers` servers with a FIFO waiting room of
// `queue_capacity`. A request the bucket refuses is "rejected by the limiter"; one that finds
// every worker busy and the waiting room full is "rejected by a full queue". Latency runs from a
// request's arrival (its intended send time) to its completion, so queueing is never hidden.
//
// Every `sample_interval` of virtual time the engine appends a Sample: the state at that moment
// (token level, queue depth, busy workers) and the counts of the interval that just ended. After
// the load ends the engine keeps running until the pool drains, so every admitted request
// completes and offered = admitted + rejected_by_limiter + rejected_by_queue holds exactly.
// The same scenario and seed give the same numbers, bit for bit.
//
//     goflow::sim::Engine engine(scenario);
//     engine.run_until(std::chrono::seconds(5));  // step, e.g. paced for a replay
//     engine.run_to_end();
//     auto totals = engine.summary();
//
// Thread safety: none; an Engine belongs to one thread at a time.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <queue>
#include <random>
#include <vector>

#include "goflow/sim/histogram.hpp"
#include "goflow/sim/scenario.hpp"
#include "goflow/token_bucket.hpp"

namespace goflow::sim {

struct Sample {
    Duration time{};  // end of the interval, measured from the start of the run
    double tokens = 0;  // token level at `time`; NaN when the scenario has no limiter
    int queue_depth = 0;
    int busy_workers = 0;
    // Counts of the interval that ends at `time`.
    std::uint32_t offered = 0;
    std::uint32_t admitted = 0;  // passed the limiter and accepted by the pool
    std::uint32_t rejected_by_limiter = 0;
    std::uint32_t rejected_by_queue = 0;
    std::uint32_t completed = 0;
    // Latency of the requests completed in this interval, in milliseconds; 0 when none.
    double latency_p50_ms = 0;
    double latency_p95_ms = 0;
    double latency_p99_ms = 0;
};

struct Summary {
    std::uint64_t offered = 0;
    std::uint64_t admitted = 0;
    std::uint64_t rejected_by_limiter = 0;
    std::uint64_t rejected_by_queue = 0;
    std::uint64_t completed = 0;
    int max_queue_depth = 0;
    double latency_mean_ms = 0;
    double latency_p50_ms = 0;
    double latency_p95_ms = 0;
    double latency_p99_ms = 0;
    double latency_max_ms = 0;
    Duration load_duration{};  // length of the load phases
    Duration simulated{};      // virtual time covered, including the drain after the load
    std::uint64_t events = 0;  // arrivals, completions and samples processed
};

class Engine {
public:
    explicit Engine(Scenario scenario);

    Engine(const Engine&) = delete;
    Engine& operator=(const Engine&) = delete;

    // Processes every event up to and including virtual time `t` (from the start of the run).
    void run_until(Duration t);

    // Runs until the load has ended and every admitted request has completed.
    void run_to_end();

    [[nodiscard]] bool finished() const { return finished_; }
    [[nodiscard]] Duration now() const { return now_; }
    [[nodiscard]] const Scenario& scenario() const { return scenario_; }
    [[nodiscard]] const std::vector<Sample>& samples() const { return samples_; }
    [[nodiscard]] Summary summary() const;

private:
    struct Completion {
        Duration at;
        std::uint64_t sequence;  // breaks ties in arrival order, for determinism
        Duration arrived;
        bool operator>(const Completion& other) const {
            return at != other.at ? at > other.at : sequence > other.sequence;
        }
    };

    void on_arrival();
    void on_completion();
    void on_sample();
    void start_service(Duration arrived);
    void schedule_next_arrival();
    [[nodiscard]] Duration draw_service_time();
    [[nodiscard]] double draw_uniform();  // in [0, 1)

    Scenario scenario_;
    std::shared_ptr<ManualClock> clock_;
    std::optional<TokenBucket> bucket_;
    std::mt19937_64 random_;

    Duration now_{};
    Duration load_end_{};
    bool finished_ = false;

    // Arrival generator: the next arrival time, or nullopt once the load has ended.
    std::optional<Duration> next_arrival_;
    std::size_t phase_ = 0;
    Duration phase_start_{};
    std::uint64_t phase_arrivals_ = 0;  // arrivals so far in the phase, for even spacing

    std::priority_queue<Completion, std::vector<Completion>, std::greater<>> in_service_;
    std::deque<Duration> waiting_;  // arrival times of queued requests, FIFO
    std::uint64_t next_sequence_ = 0;
    Duration next_sample_{};

    Summary totals_;
    Sample interval_;
    LatencyHistogram interval_latency_;
    LatencyHistogram latency_;
    std::vector<Sample> samples_;
};

// Runs `scenario` to the end and returns its samples and summary.
struct SimulationResult {
    std::vector<Sample> samples;
    Summary summary;
};
[[nodiscard]] SimulationResult simulate(const Scenario& scenario);

}  // namespace goflow::sim
