#include "goflow/sim/scenario.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <numbers>

#include "json_reader.hpp"

namespace goflow::sim {
namespace {

double to_seconds(Duration d) {
    return std::chrono::duration<double>(d).count();
}

Duration from_millis(double ms) {
    return std::chrono::duration_cast<Duration>(std::chrono::duration<double, std::milli>(ms));
}

// Splits "classes[1].limiters[0].rate" into {"classes", "1", "limiters", "0", "rate"}.
std::vector<std::string_view> split_parameter(std::string_view parameter) {
    std::vector<std::string_view> parts;
    std::size_t start = 0;
    for (std::size_t i = 0; i <= parameter.size(); ++i) {
        const bool end = i == parameter.size();
        if (end || parameter[i] == '.' || parameter[i] == '[' || parameter[i] == ']') {
            if (i > start) {
                parts.push_back(parameter.substr(start, i - start));
            }
            start = i + 1;
        }
    }
    return parts;
}

std::optional<std::size_t> parse_index(std::string_view text) {
    std::size_t value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size()) {
        return std::nullopt;
    }
    return value;
}

Error invalid(const std::string& message) {
    return Error(std::make_error_code(std::errc::invalid_argument), message);
}

Result<void> assign(double& target, double value, double lo, double hi, std::string_view name,
                    bool whole = false) {
    if (!(value >= lo && value <= hi)) {
        return invalid(std::string(name) + " must be between " + detail::format_number(lo) +
                       " and " + detail::format_number(hi) + ", got " +
                       detail::format_number(value));
    }
    if (whole && value != std::floor(value)) {
        return invalid(std::string(name) + " must be a whole number, got " +
                       detail::format_number(value));
    }
    target = value;
    return {};
}

template <class Int>
Result<void> assign_whole(Int& target, double value, double lo, double hi, std::string_view name) {
    double checked = 0;
    if (auto ok = assign(checked, value, lo, hi, name, true); !ok) {
        return ok;
    }
    target = static_cast<Int>(checked);
    return {};
}

Result<void> set_station(StationConfig& station, std::string_view field, double value,
                         std::string_view name, const char* servers_key) {
    if (field == servers_key) {
        return assign_whole(station.servers, value, 1, 100'000, name);
    }
    if (field == "queue_capacity") {
        return assign_whole(station.queue_capacity, value, 0, 10'000'000, name);
    }
    if (field == "error_rate") {
        return assign(station.error_rate, value, 0, 1, name);
    }
    return invalid("unknown parameter " + std::string(name));
}

Result<void> set_limiter(LimiterConfig& limiter, std::string_view field, double value,
                         std::string_view name) {
    using Type = LimiterConfig::Type;
    if (field == "rate" && limiter.type != Type::concurrency) {
        const double lo = limiter.type == Type::leaky_bucket ? 1e-9 : 0;
        return assign(limiter.rate, value, lo, 1e7, name);
    }
    if (field == "burst" && limiter.type == Type::token_bucket) {
        return assign_whole(limiter.burst, value, 0, 1e12, name);
    }
    if (field == "slack" && limiter.type == Type::leaky_bucket) {
        return assign_whole(limiter.slack, value, 0, 1e9, name);
    }
    if (field == "limit" && limiter.type == Type::concurrency) {
        return assign_whole(limiter.limit, value, 1, 1e9, name);
    }
    return invalid("unknown parameter " + std::string(name) + " for this limiter type");
}

Result<void> set_class(RequestClass& c, const std::vector<std::string_view>& parts, std::size_t at,
                       double value, std::string_view name) {
    if (parts.size() == at + 3 && parts[at] == "limiters") {
        const auto index = parse_index(parts[at + 1]);
        if (!index || *index >= c.limiters.size()) {
            return invalid("no limiter " + std::string(parts[at + 1]) + " in " + std::string(name));
        }
        return set_limiter(c.limiters[*index], parts[at + 2], value, name);
    }
    if (parts.size() == at + 2 && parts[at] == "client") {
        if (parts[at + 1] == "timeout_ms") {
            double ms = 0;
            if (auto ok = assign(ms, value, 1e-3, 3.6e6, name); !ok) {
                return ok;
            }
            c.client.timeout = from_millis(ms);
            return {};
        }
        if (parts[at + 1] == "retries") {
            return assign_whole(c.client.max_retries, value, 0, 100, name);
        }
    }
    return invalid("unknown parameter " + std::string(name));
}

// Sets a constant or exponential distribution's mean, in ms.
Result<void> set_mean_ms(Distribution& d, double value, std::string_view name) {
    if (d.kind != Distribution::Kind::constant && d.kind != Distribution::Kind::exponential) {
        return invalid(std::string(name) + " applies to constant and exponential times only");
    }
    double ms = 0;
    if (auto ok = assign(ms, value, 0, 3.6e6, name); !ok) {
        return ok;
    }
    d.mean = from_millis(ms);
    return {};
}

Result<void> set_writer(std::optional<WriterConfig>& writer, std::string_view field, double value,
                        std::string_view name) {
    if (!writer) {
        return invalid(std::string(name) + ": the scenario has no writer");
    }
    if (field == "buffer_bytes") {
        return assign_whole(writer->buffer_bytes, value, 1, 1e8, name);
    }
    if (field == "flush_interval_ms") {
        double ms = 0;
        if (auto ok = assign(ms, value, 1e-3, 3.6e6, name); !ok) {
            return ok;
        }
        writer->flush_interval = from_millis(ms);
        return {};
    }
    if (field == "write_time_ms") {
        return set_mean_ms(writer->write_time, value, name);
    }
    if (field == "write_ms_per_kib") {
        return assign(writer->write_ms_per_kib, value, 0, 1e4, name);
    }
    if (field == "error_rate") {
        return assign(writer->error_rate, value, 0, 1, name);
    }
    if (field == "max_retries") {
        return assign_whole(writer->max_retries, value, 0, 100, name);
    }
    return invalid("unknown parameter " + std::string(name) +
                   "; the writer's are writer.buffer_bytes, writer.flush_interval_ms, "
                   "writer.write_time_ms, writer.write_ms_per_kib, writer.error_rate and "
                   "writer.max_retries");
}

}  // namespace

Duration Distribution::expected() const {
    switch (kind) {
        case Kind::constant:
        case Kind::exponential:
            return mean;
        case Kind::uniform:
            return (min + max) / 2;
        case Kind::lognormal: {
            const double ns = static_cast<double>(median.count()) * std::exp(sigma * sigma / 2);
            return Duration(static_cast<Duration::rep>(ns));
        }
        case Kind::pareto: {
            if (alpha <= 1) {
                return Duration::max();
            }
            return Duration(static_cast<Duration::rep>(static_cast<double>(scale.count()) * alpha /
                                                       (alpha - 1)));
        }
    }
    return mean;
}

double LoadPhase::rate_at(Duration offset) const {
    switch (shape) {
        case Shape::constant:
            return rate;
        case Shape::ramp: {
            const double fraction = std::clamp(to_seconds(offset) / to_seconds(duration), 0.0, 1.0);
            return from + (to - from) * fraction;
        }
        case Shape::sine:
            return mean + amplitude * std::sin(2 * std::numbers::pi * to_seconds(offset) /
                                               to_seconds(period));
    }
    return rate;
}

double LoadPhase::peak_rate() const {
    switch (shape) {
        case Shape::constant:
            return rate;
        case Shape::ramp:
            return std::max(from, to);
        case Shape::sine:
            return mean + amplitude;
    }
    return rate;
}

Duration LoadConfig::duration() const {
    if (model == Model::closed) {
        return closed_duration;
    }
    if (!trace.empty()) {
        // The last request belongs to the load, so the load ends just after it.
        return trace.back() + Duration(1);
    }
    Duration total{};
    for (const LoadPhase& phase : phases) {
        total += phase.duration;
    }
    return total;
}

Duration Scenario::load_duration() const {
    Duration longest{};
    for (const RequestClass& c : classes) {
        longest = std::max(longest, c.load.duration());
    }
    return longest;
}

const LimiterConfig* Scenario::first_token_bucket() const {
    if (classes.empty()) {
        return nullptr;
    }
    for (const LimiterConfig& limiter : classes.front().limiters) {
        if (limiter.type == LimiterConfig::Type::token_bucket) {
            return &limiter;
        }
    }
    return nullptr;
}

Result<void> set_parameter(Scenario& scenario, std::string_view parameter, double value) {
    if (!std::isfinite(value)) {
        return invalid(std::string(parameter) + " must be a finite number");
    }
    const auto parts = split_parameter(parameter);
    if (parts.size() == 2 && parts[0] == "pool") {
        if (parts[1] == "service_time_ms") {
            auto& st = scenario.pool.service_time;
            if (st.kind != Distribution::Kind::constant &&
                st.kind != Distribution::Kind::exponential) {
                return invalid(std::string(parameter) +
                               " applies to constant and exponential "
                               "service times only");
            }
            double ms = 0;
            if (auto ok = assign(ms, value, 0, 3.6e6, parameter); !ok) {
                return ok;
            }
            st.mean = from_millis(ms);
            return {};
        }
        return set_station(scenario.pool, parts[1], value, parameter, "workers");
    }
    if (parts.size() == 2 && parts[0] == "writer") {
        return set_writer(scenario.writer, parts[1], value, parameter);
    }
    if (parts.size() == 3 && parts[0] == "stages") {
        const auto index = parse_index(parts[1]);
        if (!index || *index >= scenario.stages.size()) {
            return invalid("no stage " + std::string(parts[1]) + " in " + std::string(parameter));
        }
        return set_station(scenario.stages[*index], parts[2], value, parameter, "concurrency");
    }
    if (parts.size() >= 3 && parts[0] == "classes") {
        const auto index = parse_index(parts[1]);
        if (!index || *index >= scenario.classes.size()) {
            return invalid("no class " + std::string(parts[1]) + " in " + std::string(parameter));
        }
        return set_class(scenario.classes[*index], parts, 2, value, parameter);
    }
    if (!parts.empty() && (parts[0] == "limiters" || parts[0] == "client") &&
        !scenario.classes.empty()) {
        return set_class(scenario.classes.front(), parts, 0, value, parameter);
    }
    return invalid("unknown parameter " + std::string(parameter) +
                   "; examples: pool.workers, pool.queue_capacity, pool.service_time_ms, "
                   "stages[0].concurrency, limiters[0].rate, classes[1].limiters[0].burst, "
                   "client.timeout_ms, writer.write_time_ms");
}

}  // namespace goflow::sim
