// Writing a scenario back to JSON in the format the reader accepts, for "save as" and tests.

#include <iomanip>
#include <sstream>

#include "goflow/sim/scenario.hpp"
#include "json_reader.hpp"

namespace goflow::sim {
namespace {

using detail::format_number;

std::string quote(const std::string& text) {
    std::ostringstream out;
    out << '"';
    for (const char c : text) {
        switch (c) {
            case '"':
                out << "\\\"";
                break;
            case '\\':
                out << "\\\\";
                break;
            case '\n':
                out << "\\n";
                break;
            case '\t':
                out << "\\t";
                break;
            case '\r':
                out << "\\r";
                break;
            default:
                if (static_cast<unsigned char>(c) < 0x20) {
                    out << "\\u" << std::hex << std::setw(4) << std::setfill('0')
                        << static_cast<int>(c) << std::dec;
                } else {
                    out << c;
                }
        }
    }
    out << '"';
    return out.str();
}

std::string ms(Duration d) {
    return format_number(std::chrono::duration<double, std::milli>(d).count());
}

std::string seconds(Duration d) {
    return format_number(std::chrono::duration<double>(d).count());
}

std::string distribution(const Distribution& d) {
    switch (d.kind) {
        case Distribution::Kind::constant:
            return "{\"distribution\": \"constant\", \"mean_ms\": " + ms(d.mean) + "}";
        case Distribution::Kind::exponential:
            return "{\"distribution\": \"exponential\", \"mean_ms\": " + ms(d.mean) + "}";
        case Distribution::Kind::uniform:
            return "{\"distribution\": \"uniform\", \"min_ms\": " + ms(d.min) +
                   ", \"max_ms\": " + ms(d.max) + "}";
        case Distribution::Kind::lognormal:
            return "{\"distribution\": \"lognormal\", \"median_ms\": " + ms(d.median) +
                   ", \"sigma\": " + format_number(d.sigma) + "}";
        case Distribution::Kind::pareto:
            return "{\"distribution\": \"pareto\", \"scale_ms\": " + ms(d.scale) +
                   ", \"alpha\": " + format_number(d.alpha) + "}";
    }
    return "{}";
}

std::string phase(const LoadPhase& p) {
    std::string out = "{\"name\": " + quote(p.name) + ", ";
    switch (p.shape) {
        case LoadPhase::Shape::constant:
            out += "\"rate\": " + format_number(p.rate);
            break;
        case LoadPhase::Shape::ramp:
            out += "\"from\": " + format_number(p.from) + ", \"to\": " + format_number(p.to);
            break;
        case LoadPhase::Shape::sine:
            out += "\"mean\": " + format_number(p.mean) +
                   ", \"amplitude\": " + format_number(p.amplitude) +
                   ", \"period_s\": " + seconds(p.period);
            break;
    }
    return out + ", \"duration_s\": " + seconds(p.duration) + "}";
}

std::string load(const LoadConfig& l, const std::string& indent) {
    std::string out = "{";
    if (l.model == LoadConfig::Model::closed) {
        out += "\"model\": \"closed\", \"clients\": " + std::to_string(l.clients) +
               ", \"think_time\": " + distribution(l.think_time) +
               ", \"duration_s\": " + seconds(l.closed_duration) + "}";
        return out;
    }
    out += "\"arrivals\": ";
    out += l.arrivals == ArrivalProcess::poisson ? "\"poisson\"" : "\"even\"";
    if (!l.trace_file.empty()) {
        return out + ", \"trace\": {\"file\": " + quote(l.trace_file) +
               ", \"format\": " + quote(l.trace_format) + "}}";
    }
    out += ", \"phases\": [";
    for (std::size_t i = 0; i < l.phases.size(); ++i) {
        out += (i ? "," : "") + ("\n" + indent + "  ") + phase(l.phases[i]);
    }
    return out + "\n" + indent + "]}";
}

std::string limiter(const LimiterConfig& l) {
    switch (l.type) {
        case LimiterConfig::Type::token_bucket:
            return "{\"type\": \"token_bucket\", \"rate\": " + format_number(l.rate) +
                   ", \"burst\": " + std::to_string(l.burst) + "}";
        case LimiterConfig::Type::leaky_bucket:
            return "{\"type\": \"leaky_bucket\", \"rate\": " + format_number(l.rate) +
                   ", \"slack\": " + std::to_string(l.slack) + "}";
        case LimiterConfig::Type::concurrency:
            return "{\"type\": \"concurrency\", \"limit\": " + std::to_string(l.limit) + "}";
    }
    return "{}";
}

std::string client(const ClientConfig& c) {
    std::string out = "{";
    if (c.timeout) {
        out += "\"timeout_ms\": " + ms(*c.timeout) + ", ";
    }
    return out + "\"retries\": " + std::to_string(c.max_retries) +
           ", \"backoff_ms\": " + ms(c.backoff) +
           ", \"backoff_multiplier\": " + format_number(c.backoff_multiplier) +
           ", \"jitter\": " + format_number(c.jitter) + "}";
}

std::string request_class(const RequestClass& c) {
    std::string out = "{\"name\": " + quote(c.name) +
                      ",\n      \"load\": " + load(c.load, "      ") + ",\n      \"limiters\": [";
    for (std::size_t i = 0; i < c.limiters.size(); ++i) {
        out += (i ? ", " : "") + limiter(c.limiters[i]);
    }
    return out + "],\n      \"client\": " + client(c.client) + "}";
}

std::string station(const StationConfig& s, const char* servers_key, const char* timeout_key) {
    std::string out = "{\"name\": " + quote(s.name) + ", \"" + servers_key +
                      "\": " + std::to_string(s.servers) +
                      ", \"queue_capacity\": " + std::to_string(s.queue_capacity) +
                      ", \"service_time\": " + distribution(s.service_time);
    if (s.timeout) {
        out += std::string(", \"") + timeout_key + "\": " + ms(*s.timeout);
    }
    if (s.error_rate > 0) {
        out += ", \"error_rate\": " + format_number(s.error_rate);
    }
    return out;
}

std::string writer(const WriterConfig& w) {
    std::string out = "{\"name\": " + quote(w.name) +
                      ", \"buffer_bytes\": " + std::to_string(w.buffer_bytes) +
                      ", \"flush_interval_ms\": " + ms(w.flush_interval) + ", \"full_policy\": " +
                      (w.full_policy == WriterConfig::FullPolicy::block ? "\"block\"" : "\"fail\"");
    if (w.record_bytes_min == w.record_bytes_max) {
        out += ", \"record_bytes\": " + std::to_string(w.record_bytes_min);
    } else {
        out += ", \"record_bytes\": {\"min\": " + std::to_string(w.record_bytes_min) +
               ", \"max\": " + std::to_string(w.record_bytes_max) + "}";
    }
    out += ",\n    \"write_time\": " + distribution(w.write_time) +
           ", \"write_ms_per_kib\": " + format_number(w.write_ms_per_kib) +
           ", \"error_rate\": " + format_number(w.error_rate) +
           ", \"max_retries\": " + std::to_string(w.max_retries) +
           ", \"retry_backoff_ms\": " + ms(w.retry_backoff) + "}";
    return out;
}

}  // namespace

std::string to_json(const Scenario& s) {
    std::ostringstream out;
    out << "{\n  \"version\": " << s.version << ",\n  \"name\": " << quote(s.name)
        << ",\n  \"description\": " << quote(s.description) << ",\n  \"seed\": " << s.seed
        << ",\n  \"sample_interval_ms\": " << ms(s.sample_interval) << ",\n  \"classes\": [";
    for (std::size_t i = 0; i < s.classes.size(); ++i) {
        out << (i ? "," : "") << "\n    " << request_class(s.classes[i]);
    }
    out << "\n  ],\n  \"pool\": " << station(s.pool, "workers", "task_timeout_ms");
    out << ", \"full_policy\": "
        << (s.pool.full_policy == PoolConfig::FullPolicy::block ? "\"block\"" : "\"reject\"");
    if (s.pool.block_timeout) {
        out << ", \"block_timeout_ms\": " << ms(*s.pool.block_timeout);
    }
    out << "},\n  \"stages\": [";
    for (std::size_t i = 0; i < s.stages.size(); ++i) {
        out << (i ? "," : "") << "\n    " << station(s.stages[i], "concurrency", "timeout_ms")
            << "}";
    }
    out << "\n  ],";
    if (s.writer) {
        out << "\n  \"writer\": " << writer(*s.writer) << ",";
    }
    out << "\n  \"changes\": [";
    for (std::size_t i = 0; i < s.changes.size(); ++i) {
        const ParameterChange& c = s.changes[i];
        out << (i ? "," : "") << "\n    {\"at_s\": " << seconds(c.at)
            << ", \"set\": " << quote(c.parameter) << ", \"value\": " << format_number(c.value)
            << "}";
    }
    out << "\n  ]";
    if (!s.look_for.empty()) {
        out << ",\n  \"look_for\": [";
        for (std::size_t i = 0; i < s.look_for.size(); ++i) {
            out << (i ? "," : "") << "\n    " << quote(s.look_for[i]);
        }
        out << "\n  ]";
    }
    out << "\n}\n";
    return out.str();
}

}  // namespace goflow::sim
