// Reading a scenario from JSON: every field is validated where it is read, and the first problem
// is reported with its position and the field's full path.

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "goflow/sim/scenario.hpp"
#include "json_reader.hpp"
#include "trace.hpp"

namespace goflow::sim {
namespace {

using detail::InvalidScenario;
using detail::ObjectReader;
using json::Value;

// Limits that keep a run's memory bounded: samples are kept for the whole run, and a trace is
// held in memory.
constexpr double kMaxDurationSeconds = 7 * 24 * 3600.0;
constexpr double kMaxSamples = 2'000'000;
constexpr double kMaxRate = 1e7;
constexpr double kMaxServers = 100'000;
constexpr double kMaxQueueCapacity = 10'000'000;
constexpr double kMaxMillis = 3.6e6;
constexpr std::size_t kMaxPhases = 10'000;
constexpr std::size_t kMaxStages = 64;
constexpr std::size_t kMaxClasses = 64;
// The live runner allocates the writer's buffer and builds every record as a string.
constexpr double kMaxBufferBytes = 1e8;
constexpr double kMaxRecordBytes = 16 * 1024 * 1024;
constexpr std::size_t kMaxLookFor = 16;

Duration from_seconds(double seconds) {
    return std::chrono::duration_cast<Duration>(std::chrono::duration<double>(seconds));
}

Duration from_millis(double ms) {
    return std::chrono::duration_cast<Duration>(std::chrono::duration<double, std::milli>(ms));
}

template <class Enum, std::size_t N>
Enum read_enum(const ObjectReader& reader, std::string_view key,
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
    throw InvalidScenario(
        v->location(), reader.field(key) + " must be one of " + valid + ", got \"" + text + "\"");
}

constexpr std::pair<std::string_view, Distribution::Kind> kDistributions[] = {
    {"constant", Distribution::Kind::constant},
    {"exponential", Distribution::Kind::exponential},
    {"uniform", Distribution::Kind::uniform},
    {"lognormal", Distribution::Kind::lognormal},
    {"pareto", Distribution::Kind::pareto}};

constexpr std::pair<std::string_view, ArrivalProcess> kArrivals[] = {
    {"poisson", ArrivalProcess::poisson}, {"even", ArrivalProcess::even}};

constexpr std::pair<std::string_view, LoadConfig::Model> kModels[] = {
    {"open", LoadConfig::Model::open}, {"closed", LoadConfig::Model::closed}};

constexpr std::pair<std::string_view, LimiterConfig::Type> kLimiterTypes[] = {
    {"token_bucket", LimiterConfig::Type::token_bucket},
    {"leaky_bucket", LimiterConfig::Type::leaky_bucket},
    {"concurrency", LimiterConfig::Type::concurrency}};

constexpr std::pair<std::string_view, PoolConfig::FullPolicy> kFullPolicies[] = {
    {"reject", PoolConfig::FullPolicy::reject}, {"block", PoolConfig::FullPolicy::block}};

constexpr std::pair<std::string_view, WriterConfig::FullPolicy> kWriterPolicies[] = {
    {"block", WriterConfig::FullPolicy::block}, {"fail", WriterConfig::FullPolicy::fail}};

Distribution read_distribution(const Value& v, const std::string& path) {
    ObjectReader r(
        v, path,
        {"distribution", "mean_ms", "min_ms", "max_ms", "median_ms", "sigma", "scale_ms", "alpha"});
    Distribution d;
    d.kind = read_enum(r, "distribution", kDistributions, Distribution::Kind::constant);
    const std::string ms_rule = "between 0 and 3600000 ms";
    switch (d.kind) {
        case Distribution::Kind::constant:
        case Distribution::Kind::exponential:
            d.mean = from_millis(r.number_in("mean_ms", 0, kMaxMillis, ms_rule));
            break;
        case Distribution::Kind::uniform: {
            const double lo = r.number_in("min_ms", 0, kMaxMillis, ms_rule);
            const double hi =
                r.number_in("max_ms", lo, kMaxMillis, "at least min_ms and at most 3600000 ms");
            d.min = from_millis(lo);
            d.max = from_millis(hi);
            d.mean = (d.min + d.max) / 2;
            break;
        }
        case Distribution::Kind::lognormal:
            d.median = from_millis(r.number_in("median_ms", 0, kMaxMillis, ms_rule));
            d.sigma = r.number_in("sigma", 0, 10, "between 0 and 10");
            break;
        case Distribution::Kind::pareto:
            d.scale = from_millis(
                r.number_in("scale_ms", 1e-6, kMaxMillis, "above 0 and at most 3600000 ms"));
            d.alpha = r.number_in("alpha", 0.1, 100, "between 0.1 and 100");
            break;
    }
    d.mean = d.expected();
    return d;
}

LoadPhase read_phase(const Value& v, const std::string& path) {
    ObjectReader r(v, path,
                   {"name", "rate", "from", "to", "mean", "amplitude", "period_s", "duration_s"});
    LoadPhase phase;
    phase.name = r.string("name", "");
    const std::string rate_rule = "between 0 and 1e7 requests per second";
    if (r.find("rate") != nullptr) {
        phase.shape = LoadPhase::Shape::constant;
        phase.rate = r.number_in("rate", 0, kMaxRate, rate_rule);
    } else if (r.find("from") != nullptr || r.find("to") != nullptr) {
        phase.shape = LoadPhase::Shape::ramp;
        phase.from = r.number_in("from", 0, kMaxRate, rate_rule);
        phase.to = r.number_in("to", 0, kMaxRate, rate_rule);
    } else if (r.find("mean") != nullptr) {
        phase.shape = LoadPhase::Shape::sine;
        phase.mean = r.number_in("mean", 0, kMaxRate, rate_rule);
        phase.amplitude = r.number_in("amplitude", 0, phase.mean, "between 0 and the mean rate");
        phase.period = from_seconds(
            r.number_in("period_s", 1e-3, kMaxDurationSeconds, "between 0.001 s and one week"));
    } else {
        throw InvalidScenario(v.location(), path +
                                                " needs \"rate\" (constant), \"from\" and "
                                                "\"to\" (ramp), or \"mean\" (sine)");
    }
    phase.duration = from_seconds(
        r.number_in("duration_s", 1e-9, kMaxDurationSeconds, "positive and at most one week"));
    return phase;
}

void read_trace(const Value& v, const std::string& path, const std::string& base,
                LoadConfig& load) {
    ObjectReader r(v, path, {"file", "format"});
    load.trace_file = r.string("file", "");
    if (load.trace_file.empty()) {
        throw InvalidScenario(v.location(), "missing required field " + r.field("file"));
    }
    load.trace_format = r.string("format", "csv");
    std::filesystem::path file(load.trace_file);
    if (file.is_relative()) {
        file = std::filesystem::path(base) / file;
    }
    auto times = read_trace_file(file.string(), load.trace_format);
    if (!times) {
        throw InvalidScenario(r.require("file").location(),
                              r.field("file") + ": " + times.error().message);
    }
    load.trace = std::move(*times);
}

LoadConfig read_load(const Value& v, const std::string& path, const std::string& base) {
    ObjectReader r(v, path,
                   {"model", "arrivals", "phases", "trace", "clients", "think_time", "duration_s"});
    LoadConfig load;
    load.model = read_enum(r, "model", kModels, LoadConfig::Model::open);
    if (load.model == LoadConfig::Model::closed) {
        load.clients =
            static_cast<int>(r.whole_in("clients", 1, 1'000'000, "between 1 and 1000000"));
        if (const Value* think = r.find("think_time")) {
            load.think_time = read_distribution(*think, r.field("think_time"));
        }
        load.closed_duration = from_seconds(
            r.number_in("duration_s", 1e-9, kMaxDurationSeconds, "positive and at most one week"));
        return load;
    }
    load.arrivals = read_enum(r, "arrivals", kArrivals, ArrivalProcess::poisson);
    if (const Value* trace = r.find("trace")) {
        if (r.find("phases") != nullptr) {
            throw InvalidScenario(trace->location(), path + " has both phases and trace; use one");
        }
        read_trace(*trace, r.field("trace"), base, load);
        return load;
    }
    const Value& phases = r.require("phases");
    if (!phases.is_array() || phases.as_array().empty()) {
        throw InvalidScenario(phases.location(), r.field("phases") + " must be a non-empty array");
    }
    if (phases.as_array().size() > kMaxPhases) {
        throw InvalidScenario(phases.location(), r.field("phases") + " has more than 10000 phases");
    }
    std::size_t index = 0;
    for (const Value& item : phases.as_array()) {
        load.phases.push_back(
            read_phase(item, r.field("phases") + "[" + std::to_string(index++) + "]"));
    }
    return load;
}

LimiterConfig read_limiter(const Value& v, const std::string& path) {
    ObjectReader r(v, path, {"type", "rate", "burst", "slack", "limit"});
    LimiterConfig config;
    if (r.find("type") == nullptr) {
        throw InvalidScenario(v.location(), "missing required field " + r.field("type"));
    }
    config.type = read_enum(r, "type", kLimiterTypes, LimiterConfig::Type::token_bucket);
    const auto reject_field = [&](std::string_view key, const char* why) {
        if (const Value* extra = r.find(key)) {
            throw InvalidScenario(extra->location(), r.field(key) + " does not apply to " + why);
        }
    };
    switch (config.type) {
        case LimiterConfig::Type::token_bucket:
            config.rate = r.number_in("rate", 0, kMaxRate, "between 0 and 1e7 tokens per second");
            config.burst = r.whole_in("burst", 0, 1e12, "between 0 and 1e12");
            reject_field("slack", "a token bucket");
            reject_field("limit", "a token bucket");
            break;
        case LimiterConfig::Type::leaky_bucket:
            config.rate = r.number_in("rate", 1e-9, kMaxRate, "above 0 and at most 1e7 per second");
            config.slack = r.whole_in("slack", 0, 1e9, "between 0 and 1e9", 0);
            reject_field("burst", "a leaky bucket");
            reject_field("limit", "a leaky bucket");
            break;
        case LimiterConfig::Type::concurrency:
            config.limit = r.whole_in("limit", 1, 1e9, "between 1 and 1e9");
            reject_field("rate", "a concurrency limiter");
            reject_field("burst", "a concurrency limiter");
            reject_field("slack", "a concurrency limiter");
            break;
    }
    return config;
}

ClientConfig read_client(const Value& v, const std::string& path) {
    ObjectReader r(v, path,
                   {"timeout_ms", "retries", "backoff_ms", "backoff_multiplier", "jitter"});
    ClientConfig client;
    if (auto timeout =
            r.optional_number_in("timeout_ms", 1e-3, kMaxMillis, "between 0.001 and 3600000 ms")) {
        client.timeout = from_millis(*timeout);
    }
    client.max_retries = static_cast<int>(r.whole_in("retries", 0, 100, "between 0 and 100", 0));
    client.backoff =
        from_millis(r.optional_number_in("backoff_ms", 0, kMaxMillis, "between 0 and 3600000 ms")
                        .value_or(100));
    client.backoff_multiplier =
        r.optional_number_in("backoff_multiplier", 1, 100, "between 1 and 100").value_or(2);
    client.jitter = r.optional_number_in("jitter", 0, 1, "between 0 and 1").value_or(0);
    return client;
}

std::vector<LimiterConfig> read_limiters(const Value* v, const std::string& path) {
    std::vector<LimiterConfig> limiters;
    if (v == nullptr) {
        return limiters;
    }
    if (!v->is_array()) {
        throw InvalidScenario(v->location(), path + " must be an array");
    }
    std::size_t index = 0;
    for (const Value& item : v->as_array()) {
        limiters.push_back(read_limiter(item, path + "[" + std::to_string(index++) + "]"));
    }
    return limiters;
}

RequestClass read_class(const Value& v, const std::string& path, const std::string& base) {
    ObjectReader r(v, path, {"name", "load", "limiters", "client"});
    RequestClass c;
    c.name = r.string("name", "");
    c.load = read_load(r.require("load"), r.field("load"), base);
    c.limiters = read_limiters(r.find("limiters"), r.field("limiters"));
    if (const Value* client = r.find("client")) {
        c.client = read_client(*client, r.field("client"));
    }
    return c;
}

void read_station(const ObjectReader& r, StationConfig& station, const char* servers_key,
                  const char* timeout_key) {
    station.name = r.string("name", station.name);
    station.servers =
        static_cast<int>(r.whole_in(servers_key, 1, kMaxServers, "between 1 and 100000"));
    station.queue_capacity = static_cast<int>(
        r.whole_in("queue_capacity", 0, kMaxQueueCapacity, "between 0 and 10000000", 0));
    station.service_time = read_distribution(r.require("service_time"), r.field("service_time"));
    if (auto timeout =
            r.optional_number_in(timeout_key, 1e-3, kMaxMillis, "between 0.001 and 3600000 ms")) {
        station.timeout = from_millis(*timeout);
    }
    station.error_rate = r.optional_number_in("error_rate", 0, 1, "between 0 and 1").value_or(0);
}

PoolConfig read_pool(const Value& v) {
    ObjectReader r(v, "pool",
                   {"name", "workers", "queue_capacity", "service_time", "task_timeout_ms",
                    "error_rate", "full_policy", "block_timeout_ms"});
    PoolConfig pool;
    pool.name = "pool";
    read_station(r, pool, "workers", "task_timeout_ms");
    pool.full_policy = read_enum(r, "full_policy", kFullPolicies, PoolConfig::FullPolicy::reject);
    if (auto timeout =
            r.optional_number_in("block_timeout_ms", 0, kMaxMillis, "between 0 and 3600000 ms")) {
        if (pool.full_policy != PoolConfig::FullPolicy::block) {
            throw InvalidScenario(r.require("block_timeout_ms").location(),
                                  "pool.block_timeout_ms needs pool.full_policy \"block\"");
        }
        pool.block_timeout = from_millis(*timeout);
    }
    return pool;
}

StationConfig read_stage(const Value& v, const std::string& path) {
    ObjectReader r(
        v, path,
        {"name", "concurrency", "queue_capacity", "service_time", "timeout_ms", "error_rate"});
    StationConfig stage;
    read_station(r, stage, "concurrency", "timeout_ms");
    return stage;
}

// "record_bytes" is a whole number (every record has that size) or {"min": A, "max": B} (sizes
// uniform between A and B, both included).
void read_record_bytes(const ObjectReader& r, WriterConfig& writer) {
    const std::string rule = "between 1 and 16777216 bytes";
    const Value* v = r.find("record_bytes");
    if (v == nullptr) {
        return;
    }
    if (!v->is_object()) {
        writer.record_bytes_min = r.whole_in("record_bytes", 1, kMaxRecordBytes, rule);
        writer.record_bytes_max = writer.record_bytes_min;
        return;
    }
    ObjectReader sizes(*v, r.field("record_bytes"), {"min", "max"});
    writer.record_bytes_min = sizes.whole_in("min", 1, kMaxRecordBytes, rule);
    writer.record_bytes_max =
        sizes.whole_in("max", static_cast<double>(writer.record_bytes_min), kMaxRecordBytes,
                       "at least min and at most 16777216 bytes");
}

WriterConfig read_writer(const Value& v) {
    ObjectReader r(
        v, "writer",
        {"name", "buffer_bytes", "flush_interval_ms", "full_policy", "record_bytes", "write_time",
         "write_ms_per_kib", "error_rate", "max_retries", "retry_backoff_ms"});
    WriterConfig writer;
    writer.name = r.string("name", writer.name);
    writer.buffer_bytes =
        r.whole_in("buffer_bytes", 1, kMaxBufferBytes, "between 1 and 100000000 bytes", 64 * 1024);
    writer.flush_interval = from_millis(
        r.optional_number_in("flush_interval_ms", 1e-3, kMaxMillis, "between 0.001 and 3600000 ms")
            .value_or(100));
    writer.full_policy =
        read_enum(r, "full_policy", kWriterPolicies, WriterConfig::FullPolicy::block);
    read_record_bytes(r, writer);
    writer.write_time = read_distribution(r.require("write_time"), r.field("write_time"));
    writer.write_ms_per_kib =
        r.optional_number_in("write_ms_per_kib", 0, 1e4, "between 0 and 10000 ms").value_or(0);
    writer.error_rate = r.optional_number_in("error_rate", 0, 1, "between 0 and 1").value_or(0);
    writer.max_retries =
        static_cast<int>(r.whole_in("max_retries", 0, 100, "between 0 and 100", 2));
    writer.retry_backoff = from_millis(
        r.optional_number_in("retry_backoff_ms", 0, kMaxMillis, "between 0 and 3600000 ms")
            .value_or(10));
    return writer;
}

std::vector<std::string> read_look_for(const Value* v) {
    std::vector<std::string> notes;
    if (v == nullptr) {
        return notes;
    }
    if (!v->is_array()) {
        throw InvalidScenario(v->location(), "look_for must be an array of strings");
    }
    if (v->as_array().size() > kMaxLookFor) {
        throw InvalidScenario(v->location(), "look_for has more than 16 entries");
    }
    std::size_t index = 0;
    for (const Value& item : v->as_array()) {
        const std::string path = "look_for[" + std::to_string(index++) + "]";
        if (!item.is_string()) {
            throw InvalidScenario(item.location(),
                                  path + " must be a string, got " + item.type_name());
        }
        if (item.as_string().empty()) {
            throw InvalidScenario(item.location(), path + " must not be empty");
        }
        notes.push_back(item.as_string());
    }
    return notes;
}

ParameterChange read_change(const Value& v, const std::string& path) {
    ObjectReader r(v, path, {"at_s", "set", "value"});
    ParameterChange change;
    change.at = from_seconds(r.number_in("at_s", 0, kMaxDurationSeconds, "between 0 and one week"));
    change.parameter = r.string("set", "");
    change.value = r.number("value");
    return change;
}

template <class T, class Read>
std::vector<T> read_array(const Value* v, const std::string& path, std::size_t max, Read read) {
    std::vector<T> items;
    if (v == nullptr) {
        return items;
    }
    if (!v->is_array()) {
        throw InvalidScenario(v->location(), path + " must be an array");
    }
    if (v->as_array().size() > max) {
        throw InvalidScenario(v->location(),
                              path + " has more than " + std::to_string(max) + " entries");
    }
    std::size_t index = 0;
    for (const Value& item : v->as_array()) {
        items.push_back(read(item, path + "[" + std::to_string(index++) + "]"));
    }
    return items;
}

void check_size(const Scenario& s, const ObjectReader& r) {
    const double seconds = std::chrono::duration<double>(s.load_duration()).count();
    const json::Location at = r.object().location();
    if (seconds > kMaxDurationSeconds) {
        throw InvalidScenario(
            at, "the load lasts " + detail::format_number(seconds) + " s; the maximum is one week");
    }
    const double interval = std::chrono::duration<double>(s.sample_interval).count();
    if (seconds / interval > kMaxSamples) {
        throw InvalidScenario(at,
                              "the run would record more than 2000000 samples; raise "
                              "sample_interval_ms or shorten the load");
    }
}

Scenario read_scenario(const Value& root, const std::string& base) {
    ObjectReader r(
        root, "",
        {"version", "name", "description", "seed", "sample_interval_ms", "load", "limiters",
         "client", "classes", "pool", "stages", "writer", "changes", "look_for"});
    Scenario s;
    const double version = r.number("version");
    if (version != kScenarioVersion) {
        throw InvalidScenario(r.require("version").location(),
                              "version " + detail::format_number(version) +
                                  " is not supported; this build reads version 1");
    }
    s.name = r.string("name", "");
    s.description = r.string("description", "");
    s.seed = static_cast<std::uint64_t>(
        r.whole_in("seed", 0, 9007199254740992.0, "between 0 and 2^53", 1));
    s.sample_interval = from_millis(
        r.optional_number_in("sample_interval_ms", 1, kMaxMillis, "between 1 and 3600000 ms")
            .value_or(100));

    if (const Value* classes = r.find("classes")) {
        for (const char* single : {"load", "limiters", "client"}) {
            if (const Value* extra = r.find(single)) {
                throw InvalidScenario(extra->location(), std::string(single) +
                                                             " belongs inside classes[] when "
                                                             "classes is given");
            }
        }
        s.classes = read_array<RequestClass>(
            classes, "classes", kMaxClasses,
            [&](const Value& v, const std::string& path) { return read_class(v, path, base); });
        if (s.classes.empty()) {
            throw InvalidScenario(classes->location(), "classes must not be empty");
        }
    } else {
        RequestClass c;
        c.name = "default";
        c.load = read_load(r.require("load"), "load", base);
        c.limiters = read_limiters(r.find("limiters"), "limiters");
        if (const Value* client = r.find("client")) {
            c.client = read_client(*client, "client");
        }
        s.classes.push_back(std::move(c));
    }
    s.pool = read_pool(r.require("pool"));
    s.stages = read_array<StationConfig>(r.find("stages"), "stages", kMaxStages, read_stage);
    if (const Value* writer = r.find("writer")) {
        s.writer = read_writer(*writer);
    }
    s.changes = read_array<ParameterChange>(r.find("changes"), "changes", 10'000, read_change);
    s.look_for = read_look_for(r.find("look_for"));
    for (std::size_t i = 0; i < s.changes.size(); ++i) {
        Scenario probe = s;
        if (auto ok = set_parameter(probe, s.changes[i].parameter, s.changes[i].value); !ok) {
            const Value& item = r.require("changes").as_array()[i];
            throw InvalidScenario(item.location(),
                                  "changes[" + std::to_string(i) + "]: " + ok.error().message);
        }
    }
    check_size(s, r);
    return s;
}

}  // namespace

Result<Scenario> load_scenario(std::string_view json_text, const std::string& base_directory) {
    try {
        return read_scenario(json::parse(json_text), base_directory);
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
    const std::string base = std::filesystem::path(path).parent_path().string();
    return load_scenario(text.str(), base.empty() ? "." : base);
}

}  // namespace goflow::sim
