#include "trace.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <cmath>
#include <fstream>

namespace goflow::sim {
namespace {

constexpr std::size_t kMaxTraceRequests = 10'000'000;

std::optional<double> parse_seconds(std::string_view field) {
    while (!field.empty() && (field.front() == ' ' || field.front() == '\t')) {
        field.remove_prefix(1);
    }
    double value = 0;
    const auto [end, ec] = std::from_chars(field.data(), field.data() + field.size(), value);
    if (ec != std::errc() || end == field.data() || !std::isfinite(value)) {
        return std::nullopt;
    }
    return value;
}

int month_number(std::string_view name) {
    static constexpr std::array<std::string_view, 12> kMonths = {
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    for (std::size_t i = 0; i < kMonths.size(); ++i) {
        if (kMonths[i] == name) {
            return static_cast<int>(i) + 1;
        }
    }
    return 0;
}

int parse_int(std::string_view text) {
    int value = -1;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    return ec == std::errc() && end == text.data() + text.size() ? value : -1;
}

// Parses "[10/Oct/2000:13:55:36 -0700]" anywhere in the line into seconds since the epoch (UTC).
std::optional<double> parse_access_log_time(std::string_view line) {
    const auto open = line.find('[');
    const auto close = line.find(']', open);
    if (open == std::string_view::npos || close == std::string_view::npos || close - open < 27) {
        return std::nullopt;
    }
    const std::string_view t =
        line.substr(open + 1, close - open - 1);  // 10/Oct/2000:13:55:36 -0700
    if (t.size() != 26 || t[2] != '/' || t[6] != '/' || t[11] != ':' || t[20] != ' ') {
        return std::nullopt;
    }
    const int day = parse_int(t.substr(0, 2));
    const int month = month_number(t.substr(3, 3));
    const int year = parse_int(t.substr(7, 4));
    const int hour = parse_int(t.substr(12, 2));
    const int minute = parse_int(t.substr(15, 2));
    const int second = parse_int(t.substr(18, 2));
    const int zone = parse_int(t.substr(22, 4));
    if (day < 1 || month == 0 || year < 0 || hour < 0 || minute < 0 || second < 0 || zone < 0 ||
        (t[21] != '+' && t[21] != '-')) {
        return std::nullopt;
    }
    const std::chrono::year_month_day date{std::chrono::year{year},
                                           std::chrono::month{static_cast<unsigned>(month)},
                                           std::chrono::day{static_cast<unsigned>(day)}};
    if (!date.ok()) {
        return std::nullopt;
    }
    const int offset_seconds = (zone / 100 * 3600 + zone % 100 * 60) * (t[21] == '-' ? -1 : 1);
    const auto days = std::chrono::sys_days(date).time_since_epoch().count();
    return static_cast<double>(days) * 86400.0 + hour * 3600.0 + minute * 60.0 + second -
           offset_seconds;
}

}  // namespace

Result<std::vector<Duration>> read_trace_file(const std::string& path, const std::string& format) {
    if (format != "csv" && format != "access_log") {
        return Error(std::make_error_code(std::errc::invalid_argument),
                     "trace format must be \"csv\" or \"access_log\", got \"" + format + "\"");
    }
    std::ifstream in(path);
    if (!in) {
        return Error(errc::io_error, "cannot open trace file " + path);
    }
    std::vector<double> seconds;
    std::string line;
    std::size_t line_number = 0;
    while (std::getline(in, line)) {
        ++line_number;
        if (line.empty() || line.front() == '#') {
            continue;
        }
        std::optional<double> value;
        if (format == "csv") {
            value = parse_seconds(std::string_view(line).substr(0, line.find(',')));
            if (!value && seconds.empty() && line_number == 1) {
                continue;  // a header row
            }
        } else {
            value = parse_access_log_time(line);
        }
        if (!value) {
            return Error(std::make_error_code(std::errc::invalid_argument),
                         path + ":" + std::to_string(line_number) + ": no request time in \"" +
                             line.substr(0, 80) + "\"");
        }
        if (seconds.size() == kMaxTraceRequests) {
            return Error(std::make_error_code(std::errc::value_too_large),
                         path + " holds more than 10000000 requests");
        }
        seconds.push_back(*value);
    }
    if (seconds.empty()) {
        return Error(std::make_error_code(std::errc::invalid_argument),
                     path + " holds no request times");
    }
    std::sort(seconds.begin(), seconds.end());
    const double first = seconds.front();
    // The scenario's own limit of one week applies later; this bound only keeps the conversion
    // to nanoseconds from overflowing.
    if (seconds.back() - first > 1e9) {
        return Error(std::make_error_code(std::errc::value_too_large),
                     path + " spans more than 10^9 seconds");
    }
    std::vector<Duration> times;
    times.reserve(seconds.size());
    for (const double s : seconds) {
        times.push_back(
            std::chrono::duration_cast<Duration>(std::chrono::duration<double>(s - first)));
    }
    return times;
}

}  // namespace goflow::sim
