#include "goflow/cron.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <limits>
#include <stdexcept>
#include <vector>

namespace goflow {

namespace {

using std::chrono::days;
using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;
using std::chrono::sys_days;
using std::chrono::sys_seconds;

struct FieldSpec {
    const char* name;
    int min;
    int max;
    const std::array<const char*, 13>* names;  // index = value; null entries are unnamed
};

constexpr std::array<const char*, 13> kMonthNames = {
    nullptr, "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"};
constexpr std::array<const char*, 13> kWeekdayNames = {"sun", "mon", "tue", "wed",
                                                       "thu", "fri", "sat", nullptr};

constexpr FieldSpec kSecond{"second", 0, 59, nullptr};
constexpr FieldSpec kMinute{"minute", 0, 59, nullptr};
constexpr FieldSpec kHour{"hour", 0, 23, nullptr};
constexpr FieldSpec kDayOfMonth{"day-of-month", 1, 31, nullptr};
constexpr FieldSpec kMonth{"month", 1, 12, &kMonthNames};
constexpr FieldSpec kDayOfWeek{"day-of-week", 0, 7, &kWeekdayNames};

// The search for a matching date gives up after this many years. Any date that some year
// contains recurs on every weekday within 40 years, including across century years that are
// not leap years (2100), so a schedule that can fire always fires within the limit.
constexpr int kSearchYears = 60;

[[noreturn]] void fail(std::string_view expression, std::string_view detail) {
    throw std::invalid_argument("invalid cron expression '" + std::string(expression) +
                                "': " + std::string(detail));
}

[[noreturn]] void fail_token(std::string_view expression, const FieldSpec& field,
                             std::string_view token, std::string_view reason) {
    fail(expression, std::string(field.name) + " field has invalid token '" + std::string(token) +
                         "' (" + std::string(reason) + ")");
}

std::string lower(std::string_view text) {
    std::string out(text);
    for (char& c : out) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return out;
}

// Parses a non-negative decimal integer that fills `text`; std::nullopt otherwise.
std::optional<long long> parse_number(std::string_view text) {
    if (text.empty() || text.size() > 18) {
        return std::nullopt;
    }
    long long value = 0;
    for (char c : text) {
        if (c < '0' || c > '9') {
            return std::nullopt;
        }
        value = value * 10 + (c - '0');
    }
    return value;
}

int parse_value(std::string_view expression, const FieldSpec& field, std::string_view item,
                std::string_view text) {
    if (auto number = parse_number(text)) {
        if (*number < field.min || *number > field.max) {
            fail_token(expression, field, item,
                       "value " + std::string(text) + " is outside " + std::to_string(field.min) +
                           "-" + std::to_string(field.max));
        }
        return static_cast<int>(*number);
    }
    if (field.names != nullptr) {
        const std::string name = lower(text);
        for (std::size_t i = 0; i < field.names->size(); ++i) {
            if ((*field.names)[i] != nullptr && name == (*field.names)[i]) {
                return static_cast<int>(i);
            }
        }
    }
    fail_token(expression, field, item,
               text.empty() ? "missing value" : "'" + std::string(text) + "' is not a value");
}

std::vector<std::string_view> split(std::string_view text, char separator) {
    std::vector<std::string_view> parts;
    std::size_t start = 0;
    while (true) {
        const std::size_t end = text.find(separator, start);
        parts.push_back(text.substr(start, end == std::string_view::npos ? end : end - start));
        if (end == std::string_view::npos) {
            return parts;
        }
        start = end + 1;
    }
}

// Parses one field into a bitset indexed by value. Returns whether the text starts with '*'.
template <std::size_t N>
bool parse_field(std::string_view expression, const FieldSpec& field, std::string_view text,
                 std::bitset<N>& bits) {
    for (std::string_view item : split(text, ',')) {
        if (item.empty()) {
            fail_token(expression, field, text, "empty list item");
        }
        std::string_view range = item;
        int step = 1;
        bool has_step = false;
        if (const std::size_t slash = item.find('/'); slash != std::string_view::npos) {
            range = item.substr(0, slash);
            const auto parsed = parse_number(item.substr(slash + 1));
            if (!parsed || *parsed == 0 || *parsed > field.max + 1) {
                fail_token(
                    expression, field, item,
                    "step must be a whole number from 1 to " + std::to_string(field.max + 1));
            }
            step = static_cast<int>(*parsed);
            has_step = true;
        }
        int low = field.min;
        int high = field.max;
        if (range == "*") {
            if (field.names == &kWeekdayNames) {
                high = 6;  // 7 is an alias of Sunday, not an eighth day
            }
        } else if (const std::size_t dash = range.find('-'); dash != std::string_view::npos) {
            low = parse_value(expression, field, item, range.substr(0, dash));
            high = parse_value(expression, field, item, range.substr(dash + 1));
            if (low > high) {
                fail_token(expression, field, item, "range start is after its end");
            }
        } else {
            low = parse_value(expression, field, item, range);
            if (!has_step) {
                high = low;
            }
        }
        for (int value = low; value <= high; value += step) {
            const int index = (field.names == &kWeekdayNames && value == 7) ? 0 : value;
            bits.set(static_cast<std::size_t>(index));
        }
    }
    return !text.empty() && text.front() == '*';
}

Duration parse_every(std::string_view expression, std::string_view text) {
    if (text.empty()) {
        fail(expression, "@every needs a duration such as 1500ms, 30s or 1h30m");
    }
    Duration total{0};
    std::size_t pos = 0;
    while (pos < text.size()) {
        std::size_t digits_end = pos;
        while (digits_end < text.size() &&
               std::isdigit(static_cast<unsigned char>(text[digits_end]))) {
            ++digits_end;
        }
        std::size_t unit_end = digits_end;
        while (unit_end < text.size() && std::isalpha(static_cast<unsigned char>(text[unit_end]))) {
            ++unit_end;
        }
        const std::string_view token = text.substr(pos, unit_end - pos);
        const auto number = parse_number(text.substr(pos, digits_end - pos));
        const std::string_view unit = text.substr(digits_end, unit_end - digits_end);
        if (!number || unit.empty()) {
            fail(expression, "@every has invalid duration token '" + std::string(text.substr(pos)) +
                                 "' (expected a whole number and a unit: ns, us, ms, s, m, h)");
        }
        Duration scale{0};
        if (unit == "ns") {
            scale = std::chrono::nanoseconds{1};
        } else if (unit == "us") {
            scale = std::chrono::microseconds{1};
        } else if (unit == "ms") {
            scale = std::chrono::milliseconds{1};
        } else if (unit == "s") {
            scale = seconds{1};
        } else if (unit == "m") {
            scale = minutes{1};
        } else if (unit == "h") {
            scale = hours{1};
        } else {
            fail(expression, "@every has invalid duration token '" + std::string(token) +
                                 "' (unknown unit '" + std::string(unit) +
                                 "'; use ns, us, ms, s, m or h)");
        }
        if (*number > (std::numeric_limits<Duration::rep>::max() - total.count()) / scale.count()) {
            fail(expression, "@every duration '" + std::string(text) + "' is too long");
        }
        total += *number * scale;
        pos = unit_end;
    }
    if (total <= Duration::zero()) {
        fail(expression, "@every duration '" + std::string(text) + "' must be positive");
    }
    return total;
}

std::vector<std::string_view> split_whitespace(std::string_view text) {
    std::vector<std::string_view> words;
    std::size_t pos = 0;
    while (pos < text.size()) {
        while (pos < text.size() && std::isspace(static_cast<unsigned char>(text[pos]))) {
            ++pos;
        }
        std::size_t end = pos;
        while (end < text.size() && !std::isspace(static_cast<unsigned char>(text[end]))) {
            ++end;
        }
        if (end > pos) {
            words.push_back(text.substr(pos, end - pos));
        }
        pos = end;
    }
    return words;
}

unsigned days_in_month(unsigned month) {
    constexpr std::array<unsigned, 13> kDays = {0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return kDays[month];
}

}  // namespace

CronSchedule CronSchedule::parse(std::string_view expression, TimeZone zone) {
    CronSchedule schedule;
    schedule.expression_ = std::string(expression);
    schedule.zone_ = std::move(zone);

    const std::vector<std::string_view> words = split_whitespace(expression);
    if (words.empty()) {
        fail(expression,
             "the expression is empty; expected 5 or 6 fields or a macro such as @daily");
    }
    std::vector<std::string_view> fields = words;
    if (words.front().front() == '@') {
        const std::string macro = lower(words.front());
        if (macro == "@every") {
            if (words.size() != 2) {
                fail(expression, "@every takes exactly one duration, such as @every 1500ms");
            }
            schedule.every_ = parse_every(expression, words[1]);
            return schedule;
        }
        if (words.size() != 1) {
            fail(expression, "macro '" + std::string(words.front()) + "' takes no fields");
        }
        std::string_view replacement;
        if (macro == "@yearly" || macro == "@annually") {
            replacement = "0 0 1 1 *";
        } else if (macro == "@monthly") {
            replacement = "0 0 1 * *";
        } else if (macro == "@weekly") {
            replacement = "0 0 * * 0";
        } else if (macro == "@daily" || macro == "@midnight") {
            replacement = "0 0 * * *";
        } else if (macro == "@hourly") {
            replacement = "0 * * * *";
        } else {
            fail(expression, "unknown macro '" + std::string(words.front()) +
                                 "'; use @yearly, @monthly, @weekly, @daily, @hourly or @every");
        }
        fields = split_whitespace(replacement);
    }
    if (fields.size() != 5 && fields.size() != 6) {
        fail(expression,
             "expected 5 fields (minute hour day-of-month month day-of-week) or 6 "
             "with leading seconds, got " +
                 std::to_string(fields.size()));
    }
    std::size_t i = 0;
    if (fields.size() == 6) {
        parse_field(expression, kSecond, fields[i++], schedule.seconds_);
    } else {
        schedule.seconds_.set(0);
    }
    parse_field(expression, kMinute, fields[i++], schedule.minutes_);
    schedule.hour_star_ = parse_field(expression, kHour, fields[i++], schedule.hours_);
    schedule.day_of_month_star_ =
        parse_field(expression, kDayOfMonth, fields[i++], schedule.days_of_month_);
    parse_field(expression, kMonth, fields[i++], schedule.months_);
    schedule.day_of_week_star_ =
        parse_field(expression, kDayOfWeek, fields[i++], schedule.days_of_week_);

    // With OR semantics any restricted weekday fires. Otherwise some (month, day) pair must be
    // a real date; 29 February counts because leap years have it.
    if (schedule.day_of_month_star_ || schedule.day_of_week_star_) {
        bool any = false;
        for (unsigned month = 1; month <= 12 && !any; ++month) {
            for (unsigned day = 1; day <= days_in_month(month) && !any; ++day) {
                any = schedule.months_.test(month) && schedule.days_of_month_.test(day);
            }
        }
        schedule.can_fire_ = any;
    }
    return schedule;
}

bool CronSchedule::day_matches(std::chrono::year_month_day date) const {
    const bool dom = days_of_month_.test(static_cast<unsigned>(date.day()));
    const bool dow = days_of_week_.test(std::chrono::weekday(sys_days(date)).c_encoding());
    if (day_of_month_star_ || day_of_week_star_) {
        return dom && dow;
    }
    return dom || dow;
}

std::optional<seconds> CronSchedule::first_time_of_day(seconds from) const {
    const auto start_hour = static_cast<std::size_t>(from.count() / 3600);
    const auto start_minute = static_cast<std::size_t>(from.count() / 60 % 60);
    const auto start_second = static_cast<std::size_t>(from.count() % 60);
    for (std::size_t h = start_hour; h < 24; ++h) {
        if (!hours_.test(h)) {
            continue;
        }
        const std::size_t m0 = (h == start_hour) ? start_minute : 0;
        for (std::size_t m = m0; m < 60; ++m) {
            if (!minutes_.test(m)) {
                continue;
            }
            const std::size_t s0 = (h == start_hour && m == start_minute) ? start_second : 0;
            for (std::size_t s = s0; s < 60; ++s) {
                if (seconds_.test(s)) {
                    return seconds{static_cast<long long>(h * 3600 + m * 60 + s)};
                }
            }
        }
    }
    return std::nullopt;
}

std::optional<sys_seconds> CronSchedule::next_local_match(sys_seconds from, sys_seconds end) const {
    sys_days day = std::chrono::floor<days>(from);
    seconds time_of_day = from - day;
    while (day < end) {
        const std::chrono::year_month_day date(day);
        if (!months_.test(static_cast<unsigned>(date.month()))) {
            // Jump to the first day of the next month.
            const auto next_month =
                std::chrono::year_month(date.year(), date.month()) + std::chrono::months{1};
            day = sys_days(next_month / std::chrono::day{1});
            time_of_day = seconds{0};
            continue;
        }
        if (day_matches(date)) {
            if (auto t = first_time_of_day(time_of_day)) {
                const sys_seconds match = day + *t;
                return match < end ? std::optional(match) : std::nullopt;
            }
        }
        day += days{1};
        time_of_day = seconds{0};
    }
    return std::nullopt;
}

std::optional<WallTimePoint> CronSchedule::next(WallTimePoint after) const {
    if (every_ || !can_fire_) {
        return std::nullopt;
    }
    const sys_seconds from = std::chrono::floor<seconds>(after) + seconds{1};
    const sys_seconds limit = from + days{366 * kSearchYears};
    // WallTimePoint counts nanoseconds in 64 bits, which ends in the year 2262.
    const sys_seconds representable = std::chrono::floor<seconds>(WallTimePoint::max()) - days{1};
    if (from > representable) {
        return std::nullopt;
    }
    const auto to_wall = [&](sys_seconds t) -> std::optional<WallTimePoint> {
        if (t > representable) {
            return std::nullopt;
        }
        return std::chrono::time_point_cast<Duration>(t);
    };

    sys_seconds cursor = from;
    ZoneSegment segment = zone_.segment_at(cursor);
    while (cursor < limit) {
        // The previous segment tells whether local times early in this one are a second copy.
        const ZoneSegment previous = zone_.segment_at(segment.begin - seconds{1});
        const bool repeats = previous.offset > segment.offset;
        const sys_seconds local_end = segment.end + segment.offset;
        sys_seconds local_from = cursor + segment.offset;
        while (auto local = next_local_match(local_from, local_end)) {
            const bool second_copy = repeats && *local < segment.begin + previous.offset;
            if (second_copy && !hour_star_) {
                local_from = *local + seconds{1};
                continue;
            }
            return to_wall(*local - segment.offset);
        }
        const ZoneSegment following = zone_.segment_at(segment.end);
        if (following.offset > segment.offset && !hour_star_) {
            // Local times in [end + old offset, end + new offset) do not exist; a fixed-hour
            // schedule that wanted one of them runs at the jump.
            if (next_local_match(segment.end + segment.offset, segment.end + following.offset)) {
                return to_wall(segment.end);
            }
        }
        cursor = segment.end;
        segment = following;
    }
    return std::nullopt;
}

}  // namespace goflow
