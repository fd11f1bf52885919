// goflow-log-stream: top N status codes or paths of a Common Log Format access log.
//
// The program reads the log with a goflow::Stream. It parses each line, skips the lines that
// are not in Common Log Format, keeps the requests whose status is at least --min-status,
// groups them by status code or path, and sorts the groups by request count (ties by key). It
// writes the first --top groups through a goflow::AsyncWriter to stdout or to --output.
//
// Usage: goflow-log-stream --input FILE [--group-by status|path] [--top N] [--min-status N]
//                          [--output FILE]

#include <charconv>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "goflow/result.hpp"
#include "goflow/stream.hpp"
#include "goflow/writer.hpp"

namespace {

constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;
constexpr const char* kUsage =
    "usage: goflow-log-stream --input FILE [--group-by status|path] [--top N] [--min-status N]\n"
    "                         [--output FILE]\n";

struct Options {
    std::string input;
    std::string output;  // empty: stdout
    bool group_by_path = false;
    std::int64_t top = 5;
    std::int64_t min_status = 0;
};

// One request of the access log.
struct Request {
    std::string method;
    std::string path;
    int status = 0;
    std::int64_t bytes = 0;  // 0 when the log has "-"
};

// Requests that share a key, summed.
struct Group {
    std::string key;
    std::int64_t requests = 0;
    std::int64_t bytes = 0;
};

[[noreturn]] void usage_error(const std::string& message) {
    std::cerr << "goflow-log-stream: " << message << "\n" << kUsage;
    std::exit(kExitUsage);
}

template <class T>
bool parse_integer(std::string_view text, T& value) {
    const char* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, value);
    return ec == std::errc() && ptr == end;
}

Options parse_options(int argc, char* argv[]) {
    Options options;
    for (int i = 1; i < argc; ++i) {
        const std::string_view name = argv[i];
        if (name == "--help") {
            std::cout << kUsage
                      << "Prints the N most frequent status codes or paths (default: 5 status "
                         "codes) of requests with a\n"
                         "status of at least --min-status in a Common Log Format file.\n";
            std::exit(0);
        }
        if (i + 1 >= argc) {
            usage_error("missing value for " + std::string(name));
        }
        const std::string_view value = argv[++i];
        bool ok = true;
        if (name == "--input") {
            options.input = value;
        } else if (name == "--output") {
            options.output = value;
        } else if (name == "--group-by") {
            ok = value == "status" || value == "path";
            options.group_by_path = value == "path";
        } else if (name == "--top") {
            ok = parse_integer(value, options.top) && options.top >= 1;
        } else if (name == "--min-status") {
            ok = parse_integer(value, options.min_status) && options.min_status >= 0;
        } else {
            usage_error("unknown option " + std::string(name));
        }
        if (!ok) {
            usage_error("invalid value for " + std::string(name) + ": \"" + std::string(value) +
                        "\"");
        }
    }
    if (options.input.empty()) {
        usage_error("missing --input FILE");
    }
    return options;
}

// Parses `host ident user [time] "METHOD PATH PROTOCOL" STATUS BYTES`. Returns std::nullopt for
// a line in another format.
std::optional<Request> parse_clf(std::string_view line) {
    const std::size_t time_end = line.find("] \"");
    if (line.find(" [") == std::string_view::npos || time_end == std::string_view::npos) {
        return std::nullopt;
    }
    const std::size_t request_start = time_end + 3;
    const std::size_t request_end = line.find('"', request_start);
    if (request_end == std::string_view::npos) {
        return std::nullopt;
    }
    const std::string_view request_line = line.substr(request_start, request_end - request_start);
    const std::size_t method_end = request_line.find(' ');
    const std::size_t path_end = request_line.find(' ', method_end + 1);
    if (method_end == std::string_view::npos || path_end == std::string_view::npos) {
        return std::nullopt;
    }

    // After the closing quote: " STATUS BYTES".
    const std::string_view rest = line.substr(request_end + 1);
    if (rest.size() < 2 || rest[0] != ' ') {
        return std::nullopt;
    }
    const std::size_t status_end = rest.find(' ', 1);
    if (status_end == std::string_view::npos) {
        return std::nullopt;
    }
    Request request;
    request.method = request_line.substr(0, method_end);
    request.path = request_line.substr(method_end + 1, path_end - method_end - 1);
    if (!parse_integer(rest.substr(1, status_end - 1), request.status) || request.status < 100 ||
        request.status > 599) {
        return std::nullopt;
    }
    const std::string_view bytes = rest.substr(status_end + 1);
    if (bytes != "-" && !parse_integer(bytes, request.bytes)) {
        return std::nullopt;
    }
    return request;
}

}  // namespace

int main(int argc, char* argv[]) {
    const Options options = parse_options(argc, argv);

    std::ifstream input(options.input);
    if (!input) {
        std::cerr << "goflow-log-stream: cannot open input file \"" << options.input
                  << "\": not found or not readable\n";
        return kExitFailure;
    }

    // Every line goes through the stream once: it counts the lines, drops the malformed ones,
    // applies the status filter and groups what is left.
    std::int64_t lines = 0;
    std::int64_t malformed = 0;
    std::int64_t matched = 0;
    const bool by_path = options.group_by_path;
    const int min_status = static_cast<int>(options.min_status);
    auto grouped =
        goflow::streams::generate([&input]() -> std::optional<std::string> {
            std::string line;
            if (!std::getline(input, line)) {
                return std::nullopt;
            }
            return line;
        })
            .peek([&lines](const std::string&) { ++lines; })
            .filter([](const std::string& line) { return !line.empty(); })
            .map([](const std::string& line) { return parse_clf(line); })
            .peek([&malformed](const std::optional<Request>& r) { malformed += r ? 0 : 1; })
            .filter([](const std::optional<Request>& r) { return r.has_value(); })
            .map([](std::optional<Request> r) { return std::move(*r); })
            .filter([min_status](const Request& r) { return r.status >= min_status; })
            .peek([&matched](const Request&) { ++matched; })
            .group_by([by_path](const Request& r) {
                return by_path ? r.path : std::to_string(r.status);
            });
    if (!grouped) {
        std::cerr << "goflow-log-stream: reading \"" << options.input
                  << "\" failed: " << grouped.error().describe() << "\n";
        return kExitFailure;
    }
    if (input.bad()) {
        std::cerr << "goflow-log-stream: reading \"" << options.input << "\" failed\n";
        return kExitFailure;
    }

    // The groups come out of a std::map in key order. sorted() is a stable sort, so groups with
    // equal counts keep that order and the output is the same on every run.
    auto top = goflow::streams::from(std::move(grouped.value()))
                   .map([](std::pair<const std::string, std::vector<Request>> entry) {
                       Group group{entry.first, 0, 0};
                       for (const Request& r : entry.second) {
                           ++group.requests;
                           group.bytes += r.bytes;
                       }
                       return group;
                   })
                   .sorted([](const Group& a, const Group& b) { return a.requests > b.requests; })
                   .limit(static_cast<std::size_t>(options.top))
                   .collect();
    if (!top) {
        std::cerr << "goflow-log-stream: ranking failed: " << top.error().describe() << "\n";
        return kExitFailure;
    }

    goflow::WriterSink sink = goflow::ostream_sink(std::cout);
    if (!options.output.empty()) {
        sink = goflow::file_sink(options.output, /*truncate=*/true);
    }
    goflow::AsyncWriter writer({}, std::move(sink));
    const std::string key_name = by_path ? "path" : "status";
    std::string header =
        "top " + std::to_string(top.value().size()) + " by " + key_name + " of " +
        std::to_string(matched) + " requests with status >= " + std::to_string(min_status) + " (" +
        std::to_string(lines) + " lines, " + std::to_string(malformed) + " malformed)\n";
    goflow::Result<void> written = writer.write(header);
    for (const Group& group : top.value()) {
        if (!written) {
            break;
        }
        written = writer.write(key_name + " " + group.key + ": " + std::to_string(group.requests) +
                               (group.requests == 1 ? " request, " : " requests, ") +
                               std::to_string(group.bytes) + " bytes\n");
    }
    const goflow::Result<void> closed = writer.close();
    if (!written || !closed) {
        std::cerr << "goflow-log-stream: writing the results to "
                  << (options.output.empty() ? std::string("stdout") : "\"" + options.output + "\"")
                  << " failed: " << (!written ? written : closed).error().describe() << "\n";
        return kExitFailure;
    }
    return 0;
}
