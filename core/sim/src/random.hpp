// Deterministic random draws for the simulator. Private to goflow::sim.
//
// std::mt19937_64's output is fixed by the C++ standard, but the standard distributions are not,
// so the transforms live here: the same seed gives the same draws with every standard library.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numbers>
#include <random>

#include "goflow/sim/scenario.hpp"

namespace goflow::sim::detail {

class Random {
  public:
    explicit Random(std::uint64_t seed) : engine_(seed) {}

    // Returns a double in [0, 1) with 53 random bits.
    double uniform() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }

    // Returns an exponential draw with mean 1.
    double unit_exponential() { return -std::log1p(-uniform()); }

    // Returns a standard normal draw (Box-Muller; one draw per two uniforms, for simplicity).
    double normal() {
        const double radius = std::sqrt(-2.0 * std::log1p(-uniform()));
        return radius * std::cos(2.0 * std::numbers::pi * uniform());
    }

    // Returns a draw of `d`. Draws are capped at 10^6 s, so that a heavy tail cannot overflow
    // virtual time.
    Duration draw(const Distribution& d) {
        double ns = 0;
        switch (d.kind) {
            case Distribution::Kind::constant:
                return d.mean;
            case Distribution::Kind::exponential:
                ns = unit_exponential() * static_cast<double>(d.mean.count());
                break;
            case Distribution::Kind::uniform:
                ns = static_cast<double>(d.min.count()) +
                     uniform() * static_cast<double>((d.max - d.min).count());
                break;
            case Distribution::Kind::lognormal:
                ns = static_cast<double>(d.median.count()) * std::exp(d.sigma * normal());
                break;
            case Distribution::Kind::pareto:
                ns =
                    static_cast<double>(d.scale.count()) / std::pow(1.0 - uniform(), 1.0 / d.alpha);
                break;
        }
        return Duration(static_cast<Duration::rep>(std::min(ns, kMaxDrawNs)));
    }

  private:
    static constexpr double kMaxDrawNs = 1e15;
    std::mt19937_64 engine_;
};

// Returns the wait before retry number `retry` (1 for the first retry) under `client`:
// backoff * multiplier^(retry - 1), scaled by a random factor in [1 - jitter, 1 + jitter] and
// capped at 10^6 s.
inline Duration retry_delay(const ClientConfig& client, std::uint32_t retry, Random& random) {
    double wait = static_cast<double>(client.backoff.count()) *
                  std::pow(client.backoff_multiplier, static_cast<double>(retry) - 1);
    if (client.jitter > 0) {
        wait *= 1 + client.jitter * (2 * random.uniform() - 1);
    }
    return Duration(static_cast<Duration::rep>(std::min(wait, 1e15)));
}

// The independent random streams of one run. Arrivals have a stream of their own, so the engine
// and the live runner offer the same arrival times for the same seed, whatever the service times
// and client behaviour draw.
struct RandomStreams {
    explicit RandomStreams(std::uint64_t seed)
        : arrivals(seed),
          service(seed ^ 0x9E3779B97F4A7C15ull),
          clients(seed ^ 0xC2B2AE3D27D4EB4Full),
          writer(seed ^ 0x165667B19E3779F9ull) {}

    Random arrivals;  // load generators
    Random service;   // service times and station errors
    Random clients;   // retry jitter, think times and closed-model start times
    Random writer;    // record sizes, sink write times and sink errors
};

// Returns the size of one record, uniform over [record_bytes_min, record_bytes_max]. A constant
// size draws nothing.
inline std::int64_t draw_record_bytes(const WriterConfig& writer, Random& random) {
    if (writer.record_bytes_max <= writer.record_bytes_min) {
        return writer.record_bytes_min;
    }
    const std::int64_t span = writer.record_bytes_max - writer.record_bytes_min + 1;
    const auto offset = static_cast<std::int64_t>(random.uniform() * static_cast<double>(span));
    return writer.record_bytes_min + std::min(offset, span - 1);
}

// Returns the time one sink call takes for a flush of `bytes`: a write_time draw plus
// write_ms_per_kib for every 1024 bytes.
inline Duration draw_flush_time(const WriterConfig& writer, std::int64_t bytes, Random& random) {
    Duration time = random.draw(writer.write_time);
    if (writer.write_ms_per_kib > 0) {
        const double per_byte_ns = writer.write_ms_per_kib * 1e6 / 1024.0;
        time += Duration(
            static_cast<Duration::rep>(std::min(per_byte_ns * static_cast<double>(bytes), 1e15)));
    }
    return time;
}

}  // namespace goflow::sim::detail
