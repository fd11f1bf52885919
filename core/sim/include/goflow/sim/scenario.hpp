// Scenario: a load and the topology it passes through, for the simulator and the live runner.
//
// Topology: each request class has its own load, client behaviour and chain of limiters (token
// bucket, leaky bucket, concurrency limiter); admitted requests of every class share one worker
// pool, then pass through the pipeline stages in order, and optionally end as a record in an
// async writer. A scenario file is JSON with a "version"
// field; load_scenario() validates every field and reports the first problem with its line and
// column, the field's path and the offending value. docs/scenario-format.md describes the format.
//
// Thread safety: Scenario and its parts are value types.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "goflow/clock.hpp"
#include "goflow/result.hpp"

namespace goflow::sim {

// The scenario format version this build reads and writes.
inline constexpr int kScenarioVersion = 1;

// A random duration: the service time of a station or a client's think time.
struct Distribution {
    enum class Kind {
        constant,     // always `mean`
        exponential,  // memoryless with mean `mean`
        uniform,      // between `min` and `max`
        lognormal,    // median `median`, shape `sigma` (standard deviation of the log)
        pareto,       // scale `scale` (the minimum), shape `alpha`; heavy-tailed
    };
    Kind kind = Kind::constant;
    Duration mean{};
    Duration min{};
    Duration max{};
    Duration median{};
    double sigma = 0;
    Duration scale{};
    double alpha = 0;

    // Returns the distribution's mean, or Duration::max() when it is infinite (Pareto, alpha <= 1).
    [[nodiscard]] Duration expected() const;
};

enum class ArrivalProcess {
    poisson,  // random arrivals: exponential gaps at the current rate
    even,     // evenly spaced: one arrival per unit of accumulated rate
};

// A stretch of the open-model load whose rate follows one shape.
struct LoadPhase {
    enum class Shape { constant, ramp, sine };
    std::string name;
    Shape shape = Shape::constant;
    double rate = 0;       // constant: requests per second
    double from = 0;       // ramp: rate at the start
    double to = 0;         // ramp: rate at the end
    double mean = 0;       // sine: mean rate
    double amplitude = 0;  // sine: swing around the mean, at most `mean`
    Duration period{};     // sine: length of one cycle
    Duration duration{};

    // Returns the rate `offset` into the phase, in requests per second.
    [[nodiscard]] double rate_at(Duration offset) const;
    // Returns the highest rate within the phase.
    [[nodiscard]] double peak_rate() const;
};

struct LoadConfig {
    enum class Model {
        open,    // arrivals follow the phases (or the trace) whatever the system does
        closed,  // `clients` users, each sending after its previous request ends plus think time
    };
    Model model = Model::open;
    ArrivalProcess arrivals = ArrivalProcess::poisson;
    std::vector<LoadPhase> phases;
    // Open model from a trace: request times relative to the first one, sorted.
    std::vector<Duration> trace;
    std::string trace_file;  // as written in the scenario, for to_json()
    std::string trace_format;
    int clients = 0;
    Distribution think_time;
    Duration closed_duration{};

    // Returns how long the load lasts.
    [[nodiscard]] Duration duration() const;
};

struct LimiterConfig {
    enum class Type { token_bucket, leaky_bucket, concurrency };
    Type type = Type::token_bucket;
    double rate = 0;         // token and leaky bucket: per second
    std::int64_t burst = 0;  // token bucket
    std::int64_t slack = 0;  // leaky bucket: admissions allowed at once after an idle period
    std::int64_t limit = 0;  // concurrency limiter: requests in the system at once
};

// How a client treats its requests: a timeout, and retries with exponential backoff.
struct ClientConfig {
    std::optional<Duration> timeout;  // the client gives up on an attempt after this long
    int max_retries = 0;              // further attempts after a rejection or a timeout
    Duration backoff{std::chrono::milliseconds(100)};  // wait before the first retry
    double backoff_multiplier = 2;                     // each later wait is this many times longer
    double jitter = 0;  // each wait is scaled by a random factor in [1-j, 1+j]
};

struct RequestClass {
    std::string name;
    LoadConfig load;
    std::vector<LimiterConfig> limiters;
    ClientConfig client;
};

// A queueing station: the worker pool or a pipeline stage.
struct StationConfig {
    std::string name;
    int servers = 1;         // workers of the pool, concurrency of a stage
    int queue_capacity = 0;  // waiting room beyond the busy servers
    Distribution service_time;
    std::optional<Duration> timeout;  // a task running longer fails as timed out
    double error_rate = 0;            // probability that a task fails
};

struct PoolConfig : StationConfig {
    enum class FullPolicy {
        reject,  // a request that finds the queue full is rejected at once
        block,   // the submitter waits for room, up to `block_timeout` when set
    };
    FullPolicy full_policy = FullPolicy::reject;
    std::optional<Duration> block_timeout;
};

// The async writer sink after the last stage (or after the pool when there are no stages): each
// request that finishes the pipeline writes one record into a buffer that a background thread
// hands to a slow sink. Mirrors goflow::AsyncWriterOptions: a flush starts when the buffer is
// half full or its oldest byte has waited `flush_interval`, and a failed sink call is retried.
struct WriterConfig {
    enum class FullPolicy {
        block,  // the last station's server holds the record until it fits (backpressure)
        fail,   // the record is dropped and the request fails
    };
    std::string name = "writer";
    std::int64_t buffer_bytes = 64 * 1024;
    Duration flush_interval{std::chrono::milliseconds(100)};
    FullPolicy full_policy = FullPolicy::block;
    // Size of each record in bytes, uniform between the two bounds (equal for a constant size).
    std::int64_t record_bytes_min = 100;
    std::int64_t record_bytes_max = 100;
    Distribution write_time;      // sink time per flush, whatever its size
    double write_ms_per_kib = 0;  // extra sink time per KiB (1024 bytes) of the flush
    double error_rate = 0;        // probability that one sink call fails
    int max_retries = 2;          // extra sink calls for a failed flush
    Duration retry_backoff{std::chrono::milliseconds(10)};  // wait before each retry
};

// A parameter change during the run, as a user would make it live.
struct ParameterChange {
    Duration at{};
    std::string parameter;  // for example "pool.workers" or "classes[0].limiters[0].rate"
    double value = 0;
};

struct Scenario {
    int version = kScenarioVersion;
    std::string name;
    std::string description;
    std::uint64_t seed = 1;
    Duration sample_interval = std::chrono::milliseconds(100);
    std::vector<RequestClass> classes;
    PoolConfig pool;
    std::vector<StationConfig> stages;
    std::optional<WriterConfig> writer;
    std::vector<ParameterChange> changes;
    // Short notes on what to watch on which chart, shown next to the charts in the Studio.
    std::vector<std::string> look_for;

    // Returns the length of the longest class's load.
    [[nodiscard]] Duration load_duration() const;
    // Returns the first token bucket of the first class, if any; the Studio charts its level.
    [[nodiscard]] const LimiterConfig* first_token_bucket() const;
};

// Parses and validates a scenario. Relative trace files are read from `base_directory`. The error
// message starts with "line L, column C: " and names the field, for example
// "pool.workers must be between 1 and 100000, got 0".
[[nodiscard]] Result<Scenario> load_scenario(std::string_view json_text,
                                             const std::string& base_directory = ".");

// Reads `path` and calls load_scenario(); a file that cannot be read is an errc::io_error.
[[nodiscard]] Result<Scenario> load_scenario_file(const std::string& path);

// Sets one numeric parameter, named as in ParameterChange (also "limiters[0].rate" as a
// shorthand for the first class). Rejects an unknown name or an out-of-range value.
[[nodiscard]] Result<void> set_parameter(Scenario& scenario, std::string_view parameter,
                                         double value);

// Returns the scenario as JSON in the format load_scenario() reads.
[[nodiscard]] std::string to_json(const Scenario& scenario);

}  // namespace goflow::sim
