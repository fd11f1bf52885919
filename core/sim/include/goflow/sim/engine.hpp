// Discrete-event simulation of a scenario in virtual time.
//
// Each request class generates attempts from its load (open: phases or a trace; closed: a fixed
// set of clients with think time). An attempt passes its class's limiters in order; the limiters
// are the real goflow::core classes (TokenBucket, LeakyBucket, ConcurrencyLimiter) driven on
// virtual time. An admitted attempt enters the worker pool, modelled as `workers` servers with a
// FIFO queue of `queue_capacity` and a full-queue policy, then each pipeline stage in order, each
// a station with its own servers and queue. A stage whose queue is full holds the finished item
// in the previous station's server until room appears, so a slow stage applies backpressure to
// the stations before it, as a bounded pipeline does.
//
// An optional writer follows the last station and models goflow::AsyncWriter: each request that
// finishes the last station writes one record into a buffer of `buffer_bytes`. A flush hands the
// whole buffer to the sink when it is half full or its oldest byte has waited the flush interval,
// and occupies the sink for a drawn write time while the emptied buffer fills again. A record
// that does not fit either holds the last station's server until it does (block policy, which
// backs the stations up), or is dropped and fails its request (fail policy). A request completes
// when its record is accepted into the buffer, as AsyncWriter::write() returns then, so latency
// excludes the flush. The run ends only after the writer has written out its buffer.
//
// A client gives up on an attempt after its timeout and may retry with exponential backoff and
// jitter; the server keeps working on the abandoned attempt ("wasted" work), which is how a
// retry storm builds. Latency runs from a request's intended send time (its first attempt) to
// its completion, so queueing before admission is never hidden.
//
// Every sample interval the engine appends a Sample: the state at that moment (limiter levels,
// queue depth and busy servers per station) and the counts of the interval that just ended.
// After the load ends the engine runs until every attempt has left the system, so at the end
//     offered = completed + failed + dropped   and   admitted = served + errors.
// The same scenario and seed give the same numbers, bit for bit. Memory is bounded by the number
// of stations and requests in flight, plus one Sample per interval that the caller has not taken
// with take_samples().
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
#include <random>
#include <string>
#include <vector>

#include "goflow/sim/histogram.hpp"
#include "goflow/sim/scenario.hpp"

namespace goflow::sim {

struct StationSample {
    int queue_depth = 0;
    int busy = 0;     // servers working
    int blocked = 0;  // servers holding a finished item that the next stage has no room for
    // Time in the station (queue, service and blocking) of items that left it in the interval.
    double latency_p50_ms = 0;
    double latency_p95_ms = 0;
    double latency_p99_ms = 0;
    // Mean queue wait, in ms, of the items that started service in the interval (a wait of 0
    // included); 0 when none started. Queueing theory's Wq is its long-run average.
    double wait_mean_ms = 0;
};

struct Sample {
    Duration time{};  // end of the interval, measured from the start of the run
    // Level of the first token bucket of the first class at `time`; NaN when there is none.
    double tokens = 0;
    int queue_depth = 0;   // the pool's
    int busy_workers = 0;  // the pool's
    // Counts of the interval that ends at `time`. Attempt counts: admitted, rejected_*,
    // timed_out, retried. Request outcomes: completed, failed, dropped.
    std::uint32_t offered = 0;
    std::uint32_t admitted = 0;
    std::uint32_t rejected_by_limiter = 0;
    std::uint32_t rejected_by_queue = 0;
    std::uint32_t timed_out = 0;
    std::uint32_t retried = 0;
    std::uint32_t completed = 0;
    std::uint32_t failed = 0;
    std::uint32_t dropped = 0;
    // End-to-end latency of the requests completed in this interval, in ms; 0 when none.
    double latency_p50_ms = 0;
    double latency_p95_ms = 0;
    double latency_p99_ms = 0;
    std::vector<StationSample> stations;  // the pool, then each stage
    // The writer, when the scenario has one (all 0 otherwise). Buffered bytes are accepted bytes
    // not yet written or failed, as AsyncWriterSnapshot::buffered counts them: the buffer plus
    // the batch the sink is writing, so up to twice the buffer's capacity. Sink calls, retries
    // included, and records dropped under the fail policy are counts of the interval.
    std::int64_t writer_buffered_bytes = 0;
    std::uint32_t writer_flushes = 0;
    std::uint32_t writer_dropped = 0;
    // Each limiter of each class in scenario order: token bucket level, leaky bucket backlog
    // (slots already promised), or concurrency permits in use.
    std::vector<double> limiter_levels;
};

struct StationSummary {
    std::string name;
    std::uint64_t entered = 0;
    std::uint64_t served = 0;  // finished successfully
    std::uint64_t errors = 0;  // failed or timed out in this station
    int max_queue_depth = 0;
    double mean_wait_ms = 0;  // time in the queue before service
    double latency_p50_ms = 0;
    double latency_p99_ms = 0;
};

struct ClassSummary {
    std::string name;
    std::uint64_t offered = 0;
    std::uint64_t completed = 0;
    std::uint64_t failed = 0;
    std::uint64_t dropped = 0;
    std::uint64_t rejected = 0;  // attempts rejected by a limiter or a full queue
    double latency_p99_ms = 0;
};

struct Summary {
    std::uint64_t offered = 0;   // requests, counted once however often they are retried
    std::uint64_t attempts = 0;  // offered + retried
    std::uint64_t admitted = 0;  // attempts accepted by the limiters and the pool
    std::uint64_t rejected_by_limiter = 0;
    std::uint64_t rejected_by_queue = 0;
    std::uint64_t timed_out = 0;  // attempts the client gave up waiting for
    std::uint64_t retried = 0;
    std::uint64_t completed = 0;  // requests that succeeded
    std::uint64_t failed = 0;     // requests whose last attempt failed in a station
    std::uint64_t dropped = 0;    // requests whose last attempt was rejected or timed out
    std::uint64_t wasted = 0;     // attempts served after their client gave up
    int max_queue_depth = 0;      // the pool's
    double latency_mean_ms = 0;
    double latency_p50_ms = 0;
    double latency_p95_ms = 0;
    double latency_p99_ms = 0;
    double latency_max_ms = 0;
    std::vector<StationSummary> stations;
    std::vector<ClassSummary> classes;
    Duration load_duration{};  // length of the load
    Duration simulated{};      // virtual time covered, including the drain after the load
    std::uint64_t events = 0;  // events processed
    // Little's law over admitted attempts: time-average number in the stations, their
    // throughput, and mean time in the stations. L = throughput * W holds for a drained run.
    double mean_in_system = 0;
    double throughput_per_s = 0;
    double mean_time_in_system_ms = 0;
    // The writer; all 0 unless has_writer. Every record that reached the writer is written,
    // failed (lost to sink errors after the retries), dropped (fail policy) or, for a run
    // stopped early, still buffered.
    bool has_writer = false;
    std::uint64_t writer_records_written = 0;
    std::uint64_t writer_bytes_written = 0;
    std::uint64_t writer_records_failed = 0;
    std::uint64_t writer_bytes_failed = 0;
    std::uint64_t writer_records_dropped = 0;
    std::uint64_t writer_flushes = 0;      // sink calls, retries included
    std::uint64_t writer_sink_errors = 0;  // failed sink calls
    double writer_mean_flush_ms = 0;       // mean time of one sink call
    std::int64_t writer_max_buffered_bytes = 0;
};

class Engine {
  public:
    explicit Engine(Scenario scenario);
    ~Engine();

    Engine(const Engine&) = delete;
    Engine& operator=(const Engine&) = delete;

    // Processes every event up to and including virtual time `t` (from the start of the run).
    void run_until(Duration t);

    // Runs until the load has ended and every attempt has left the system.
    void run_to_end();

    [[nodiscard]] bool finished() const;
    [[nodiscard]] Duration now() const;
    [[nodiscard]] const Scenario& scenario() const;
    // The samples recorded and not yet taken with take_samples(), oldest first.
    [[nodiscard]] const std::vector<Sample>& samples() const;
    // Moves out the samples that samples() contains and stops keeping them. A caller that keeps a
    // bounded window of its own calls this as it goes, so a long run does not keep every sample
    // twice.
    [[nodiscard]] std::vector<Sample> take_samples();
    // Number of samples recorded since the start of the run, taken or not.
    [[nodiscard]] std::size_t sample_count() const;
    [[nodiscard]] Summary summary() const;

  private:
    class Impl;
    std::unique_ptr<Impl> impl_;
};

struct SimulationResult {
    std::vector<Sample> samples;
    Summary summary;
};

// Runs `scenario` to the end and returns its samples and summary.
[[nodiscard]] SimulationResult simulate(const Scenario& scenario);

}  // namespace goflow::sim
