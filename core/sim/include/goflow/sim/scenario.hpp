// Scenario: a load profile and a topology (client -> token bucket -> worker pool) to simulate.
//
// A scenario file is JSON with a "version" field. load_scenario() validates every field and
// reports the first problem with its line and column, the field's path and the offending value:
//
//     {
//       "version": 1,
//       "name": "API burst",
//       "description": "What this scenario teaches.",
//       "seed": 42,
//       "sample_interval_ms": 100,
//       "load": {"arrivals": "poisson",
//                "phases": [{"name": "steady", "rate": 60, "duration_s": 10}]},
//       "limiters": [{"type": "token_bucket", "rate": 100, "burst": 200}],
//       "pool": {"workers": 8, "queue_capacity": 64,
//                "service_time": {"distribution": "exponential", "mean_ms": 50}}
//     }
//
// Thread safety: Scenario is a value type.
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

enum class ArrivalProcess {
    poisson,  // exponential gaps with the phase's mean rate
    even,     // evenly spaced: phase start, then every 1/rate
};

enum class ServiceDistribution {
    constant,     // every task takes `mean`
    exponential,  // memoryless, mean `mean`
    uniform,      // uniform between `min` and `max`
};

struct LoadPhase {
    std::string name;
    double rate = 0;  // requests per second
    Duration duration{};
};

struct LoadConfig {
    ArrivalProcess arrivals = ArrivalProcess::poisson;
    std::vector<LoadPhase> phases;
};

struct TokenBucketConfig {
    double rate = 0;  // tokens per second
    std::int64_t burst = 0;
};

struct ServiceTime {
    ServiceDistribution distribution = ServiceDistribution::constant;
    Duration mean{};
    Duration min{};  // uniform only
    Duration max{};  // uniform only
};

struct PoolConfig {
    int workers = 1;
    int queue_capacity = 0;  // waiting room beyond the busy workers; 0 means none
    ServiceTime service_time;
};

struct Scenario {
    int version = kScenarioVersion;
    std::string name;
    std::string description;
    std::uint64_t seed = 1;
    Duration sample_interval = std::chrono::milliseconds(100);
    LoadConfig load;
    std::optional<TokenBucketConfig> token_bucket;
    PoolConfig pool;

    // Returns the total duration of the load phases.
    [[nodiscard]] Duration load_duration() const;
};

// Parses and validates a scenario. The error message starts with "line L, column C: " and names
// the field (for example "pool.workers must be at least 1, got 0").
[[nodiscard]] Result<Scenario> load_scenario(std::string_view json_text);

// Reads `path` and calls load_scenario(); a file that cannot be read is an errc::io_error.
[[nodiscard]] Result<Scenario> load_scenario_file(const std::string& path);

// Returns the scenario as JSON in the format load_scenario() reads.
[[nodiscard]] std::string to_json(const Scenario& scenario);

[[nodiscard]] const char* to_string(ArrivalProcess arrivals);
[[nodiscard]] const char* to_string(ServiceDistribution distribution);

}  // namespace goflow::sim
