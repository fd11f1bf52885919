#include "goflow/sim/scenario.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <iomanip>
#include <limits>
#include <sstream>
#include <stdexcept>

#include "goflow/sim/json.hpp"

namespace goflow::sim {
namespace {

using json::Location;
using json::Value;

// Limits that keep a scenario's memory bounded: samples are kept for the whole run.
constexpr double kMaxDurationSeconds = 7 * 24 * 3600.0;
constexpr double kMaxSamples = 2'000'000;
constexpr double kMaxRate = 1e7;
constexpr int kMaxWorkers = 100'000;
constexpr int kMaxQueueCapacity = 10'000'000;
constexpr std::size_t kMaxPhases = 10'000;

class InvalidScenario : public std::runtime_error {
public:
    InvalidScenario(Location at, const std::string& problem)
        : std::runtime_error("line " + std::to_string(at.line) + ", column " +
                             std::to_string(at.column) + ": " + problem) {}
};

std::string format_number(double value) {
    std::ostringstream out;
    out << std::setprecision(12) << value;
    return out.str();
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) {
        row[j] = j;
    }
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t above = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] != b[j - 1])});
            diagonal = above;
        }
    }
    return row[b.size()];
}

// Reads the members of one JSON object, remembering which were used so that unknown members
// are rejected by name, with the closest valid name as a hint.
class ObjectReader {
public:
    ObjectReader(const Value& value, std::string path, std::vector<std::string_view> allowed)
        : value_(value), path_(std::move(path)), allowed_(std::move(allowed)) {
        if (!value.is_object()) {
            throw InvalidScenario(value.location(), display_path() + " must be an object, got " +
                                                        value.type_name());
        }
        reject_unknown();
    }

    std::string field(std::string_view key) const {
        return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
    }

    const Value* find(std::string_view key) const { return value_.find(key); }

    const Value& require(std::string_view key) const {
        const Value* v = find(key);
        if (v == nullptr) {
            throw InvalidScenario(value_.location(), "missing required field " + field(key));
        }
        return *v;
    }

    double number(std::string_view key) const { return as_number(require(key), field(key)); }

    std::optional<double> optional_number(std::string_view key) const {
        const Value* v = find(key);
        return v ? std::optional(as_number(*v, field(key))) : std::nullopt;
    }

    std::string string(std::string_view key, std::string fallback) const {
        const Value* v = find(key);
        if (v == nullptr) {
            return fallback;
        }
        if (!v->is_string()) {
            throw InvalidScenario(v->location(),
                                  field(key) + " must be a string, got " + v->type_name());
        }
        return v->as_string();
    }

    static double as_number(const Value& v, const std::string& field) {
        if (!v.is_number()) {
            throw InvalidScenario(v.location(), field + " must be a number, got " + v.type_name());
        }
        return v.as_number();
    }

    // Throws unless lo <= value <= hi, naming the field and the value.
    void check_range(std::string_view key, double value, double lo, double hi,
                     const std::string& rule) const {
        if (!(value >= lo && value <= hi)) {
            throw InvalidScenario(require(key).location(),
                                  field(key) + " must be " + rule + ", got " + format_number(value));
        }
    }

    void check_integer(std::string_view key, double value) const {
        if (value != std::floor(value)) {
            throw InvalidScenario(require(key).location(), field(key) + " must be a whole number, got " +
                                                               format_number(value));
        }
    }

private:
    std::string display_path() const { return path_.empty() ? "the scenario" : path_; }

    void reject_unknown() const {
        for (const auto& [key, member] : value_.as_object()) {
            if (std::find(allowed_.begin(), allowed_.end(), key) != allowed_.end()) {
                continue;
            }
            std::string message = "unknown field " + field(key);
            std::string_view nearest;
            std::size_t best = std::numeric_limits<std::size_t>::max();
            for (std::string_view candidate : allowed_) {
                const std::size_t d = edit_distance(key, candidate);
                if (d < best) {
                    best = d;
                    nearest = candidate;
                }
            }
            if (!nearest.empty() && best <= std::max<std::size_t>(2, key.size() / 3)) {
                message += "; did you mean " + field(nearest) + "?";
            } else {
                message += "; valid fields are";
                for (std::string_view candidate : allowed_) {
                    message += " " + std::string(candidate);
                }
            }
            throw InvalidScenario(member.location(), message);
        }
    }

    const Value& value_;
    std::string path_;
    std::vector<std::string_view> allowed_;
};

Duration from_seconds(double seconds) {
    return std::chrono::duration_cast<Duration>(std::chrono::duration<double>(seconds));
}

Duration from_millis(double ms) {
    return std::chrono::duration_cast<Duration>(std::chrono::duration<double, std::milli>(ms));
}

template <class Enum, std::size_t N>
Enum parse_enum(const ObjectReader& reader, std::string_view key,
                const std::pair<std::string_view, Enum> (&choices)[N], Enum fallback) {
    const Value* v = reader.find(key);
    if (v == nullptr) {
        return fallback;
    }
    const std::string text = reader.string(key, "");
    std::string valid;
    for (const auto& [name, value] : choices) {
        if (name == text) {
            return value;
        }
        valid += valid.empty() ? "" : ", ";
        valid += name;
    }
    throw InvalidScenario(v->location(), reader.field(key) + " must be one of " + valid +
                                             ", got \"" + text + "\"");
}

constexpr std::pair<std::string_view, ArrivalProcess> kArrivals[] = {
    {"poisson", ArrivalProcess::poisson}, {"even", ArrivalProcess::even}};
constexpr std::pair<std::string_view, ServiceDistribution> kDistributions[] = {
    {"constant", ServiceDistribution::constant},
    {"exponential", ServiceDistribution::exponential},
    {"uniform", ServiceDistribution::uniform}};

LoadPhase read_phase(const Value& v, const std::string& path) {
    ObjectReader r(v, path, {"name", "rate", "duration_s"});
    LoadPhase phase;
    phase.name = r.string("name", "");
    phase.rate = r.number("rate");
    r.check_range("rate", phase.rate, 0, kMaxRate, "between 0 and 1e7 requests per second");
    const double seconds = r.number("duration_s");
    r.check_range("duration_s", seconds, 1e-9, kMaxDurationSeconds,
                  "positive and at most one week");
    phase.duration = from_seconds(seconds);
    return phase;
}

LoadConfig read_load(const Value& v) {
    ObjectReader r(v, "load", {"arrivals", "phases"});
    LoadConfig load;
    load.arrivals = parse_enum(r, "arrivals", kArrivals, ArrivalProcess::poisson);
    const Value& phases = r.require("phases");
    if (!phases.is_array() || phases.as_array().empty()) {
        throw InvalidScenario(phases.location(), "load.phases must be a non-empty array");
    }
    if (phases.as_array().size() > kMaxPhases) {
        throw InvalidScenario(phases.location(), "load.phases has more than 10000 phases");
    }
    std::size_t index = 0;
    for (const Value& item : phases.as_array()) {
        load.phases.push_back(read_phase(item, "load.phases[" + std::to_string(index++) + "]"));
    }
    return load;
}

TokenBucketConfig read_limiter(const Value& v, const std::string& path) {
    ObjectReader r(v, path, {"type", "rate", "burst"});
    const std::string type = r.string("type", "");
    if (type != "token_bucket") {
        const Value& t = r.require("type");
        throw InvalidScenario(t.location(), r.field("type") +
                                                " must be \"token_bucket\" in scenario version 1, got \"" +
                                                type + "\"");
    }
    TokenBucketConfig config;
    config.rate = r.number("rate");
    r.check_range("rate", config.rate, 0, kMaxRate, "between 0 and 1e7 tokens per second");
    const double burst = r.number("burst");
    r.check_range("burst", burst, 0, 1e12, "between 0 and 1e12");
    r.check_integer("burst", burst);
    config.burst = static_cast<std::int64_t>(burst);
    return config;
}

ServiceTime read_service_time(const Value& v) {
    ObjectReader r(v, "pool.service_time", {"distribution", "mean_ms", "min_ms", "max_ms"});
    ServiceTime service;
    service.distribution = parse_enum(r, "distribution", kDistributions, ServiceDistribution::constant);
    if (service.distribution == ServiceDistribution::uniform) {
        const double lo = r.number("min_ms");
        const double hi = r.number("max_ms");
        r.check_range("min_ms", lo, 0, 3.6e6, "between 0 and 3600000 ms");
        r.check_range("max_ms", hi, lo, 3.6e6, "at least min_ms and at most 3600000 ms");
        service.min = from_millis(lo);
        service.max = from_millis(hi);
        service.mean = (service.min + service.max) / 2;
        return service;
    }
    const double mean = r.number("mean_ms");
    r.check_range("mean_ms", mean, 0, 3.6e6, "between 0 and 3600000 ms");
    service.mean = from_millis(mean);
    return service;
}

PoolConfig read_pool(const Value& v) {
    ObjectReader r(v, "pool", {"workers", "queue_capacity", "service_time"});
    PoolConfig pool;
    const double workers = r.number("workers");
    r.check_range("workers", workers, 1, kMaxWorkers, "between 1 and 100000");
    r.check_integer("workers", workers);
    pool.workers = static_cast<int>(workers);
    const double capacity = r.optional_number("queue_capacity").value_or(0);
    if (r.find("queue_capacity") != nullptr) {
        r.check_range("queue_capacity", capacity, 0, kMaxQueueCapacity, "between 0 and 10000000");
        r.check_integer("queue_capacity", capacity);
    }
    pool.queue_capacity = static_cast<int>(capacity);
    pool.service_time = read_service_time(r.require("service_time"));
    return pool;
}

Scenario read_scenario(const Value& root) {
    ObjectReader r(root, "", {"version", "name", "description", "seed", "sample_interval_ms",
                              "load", "limiters", "pool"});
    Scenario s;
    const double version = r.number("version");
    if (version != kScenarioVersion) {
        throw InvalidScenario(r.require("version").location(),
                              "version " + format_number(version) +
                                  " is not supported; this build reads version 1");
    }
    s.name = r.string("name", "");
    s.description = r.string("description", "");
    const double seed = r.optional_number("seed").value_or(1);
    if (r.find("seed") != nullptr) {
        r.check_range("seed", seed, 0, 9007199254740992.0, "between 0 and 2^53");
        r.check_integer("seed", seed);
    }
    s.seed = static_cast<std::uint64_t>(seed);
    const double interval_ms = r.optional_number("sample_interval_ms").value_or(100);
    if (r.find("sample_interval_ms") != nullptr) {
        r.check_range("sample_interval_ms", interval_ms, 1, 3.6e6, "between 1 and 3600000 ms");
    }
    s.sample_interval = from_millis(interval_ms);
    s.load = read_load(r.require("load"));
    if (const Value* limiters = r.find("limiters")) {
        if (!limiters->is_array()) {
            throw InvalidScenario(limiters->location(), "limiters must be an array");
        }
        if (limiters->as_array().size() > 1) {
            throw InvalidScenario(limiters->location(),
                                  "limiters holds more than one limiter; version 1 supports one");
        }
        if (!limiters->as_array().empty()) {
            s.token_bucket = read_limiter(limiters->as_array().front(), "limiters[0]");
        }
    }
    s.pool = read_pool(r.require("pool"));

    const double total_seconds = std::chrono::duration<double>(s.load_duration()).count();
    if (total_seconds > kMaxDurationSeconds) {
        throw InvalidScenario(r.require("load").location(),
                              "load phases last " + format_number(total_seconds) +
                                  " s in total; the maximum is one week");
    }
    if (total_seconds / (interval_ms / 1000.0) > kMaxSamples) {
        throw InvalidScenario(r.require("load").location(),
                              "the run would record more than 2000000 samples; raise "
                              "sample_interval_ms or shorten the load");
    }
    return s;
}

}  // namespace

Duration Scenario::load_duration() const {
    Duration total{};
    for (const LoadPhase& phase : load.phases) {
        total += phase.duration;
    }
    return total;
}

Result<Scenario> load_scenario(std::string_view json_text) {
    try {
        return read_scenario(json::parse(json_text));
    } catch (const json::ParseError& e) {
        return Error(std::make_error_code(std::errc::invalid_argument), e.what());
    } catch (const InvalidScenario& e) {
        return Error(std::make_error_code(std::errc::invalid_argument), e.what());
    }
}

Result<Scenario> load_scenario_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        return Error(errc::io_error, "cannot open scenario file " + path);
    }
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad()) {
        return Error(errc::io_error, "cannot read scenario file " + path);
    }
    return load_scenario(text.str());
}

const char* to_string(ArrivalProcess arrivals) {
    return arrivals == ArrivalProcess::poisson ? "poisson" : "even";
}

const char* to_string(ServiceDistribution distribution) {
    switch (distribution) {
        case ServiceDistribution::constant: return "constant";
        case ServiceDistribution::exponential: return "exponential";
        case ServiceDistribution::uniform: return "uniform";
    }
    return "constant";
}

namespace {

std::string quote(const std::string& text) {
    std::string out = "\"";
    for (const char c : text) {
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\n': out += "\\n"; break;
            case '\t': out += "\\t"; break;
            case '\r': out += "\\r"; break;
            default:
                if (static_cast<unsigned char>(c) < 0x20) {
                    std::ostringstream hex;
                    hex << "\\u" << std::hex << std::setw(4) << std::setfill('0')
                        << static_cast<int>(c);
                    out += hex.str();
                } else {
                    out += c;
                }
        }
    }
    return out + "\"";
}

std::string millis(Duration d) {
    return format_number(std::chrono::duration<double, std::milli>(d).count());
}

}  // namespace

std::string to_json(const Scenario& s) {
    std::ostringstream out;
    out << "{\n  \"version\": " << s.version << ",\n  \"name\": " << quote(s.name)
        << ",\n  \"description\": " << quote(s.description) << ",\n  \"seed\": " << s.seed
        << ",\n  \"sample_interval_ms\": " << millis(s.sample_interval)
        << ",\n  \"load\": {\n    \"arrivals\": \"" << to_string(s.load.arrivals)
        << "\",\n    \"phases\": [";
    for (std::size_t i = 0; i < s.load.phases.size(); ++i) {
        const LoadPhase& p = s.load.phases[i];
        out << (i ? "," : "") << "\n      {\"name\": " << quote(p.name)
            << ", \"rate\": " << format_number(p.rate) << ", \"duration_s\": "
            << format_number(std::chrono::duration<double>(p.duration).count()) << "}";
    }
    out << "\n    ]\n  },\n  \"limiters\": [";
    if (s.token_bucket) {
        out << "\n    {\"type\": \"token_bucket\", \"rate\": " << format_number(s.token_bucket->rate)
            << ", \"burst\": " << s.token_bucket->burst << "}\n  ";
    }
    const ServiceTime& st = s.pool.service_time;
    out << "],\n  \"pool\": {\n    \"workers\": " << s.pool.workers
        << ",\n    \"queue_capacity\": " << s.pool.queue_capacity
        << ",\n    \"service_time\": {\"distribution\": \"" << to_string(st.distribution) << "\", ";
    if (st.distribution == ServiceDistribution::uniform) {
        out << "\"min_ms\": " << millis(st.min) << ", \"max_ms\": " << millis(st.max);
    } else {
        out << "\"mean_ms\": " << millis(st.mean);
    }
    out << "}\n  }\n}\n";
    return out.str();
}

}  // namespace goflow::sim
