// Cron expressions: calendar schedules evaluated in a time zone.
//
// Syntax: five fields "minute hour day-of-month month day-of-week", or six with a leading
// seconds field. Each field is a comma-separated list of items; an item is `*`, a value, a
// range `a-b`, or any of those with a step `/n` (`a/n` means a to the field's maximum, every
// n). Months accept JAN-DEC and weekdays SUN-SAT, in any case; weekday 7 is Sunday, as is 0.
// The macros @yearly (@annually), @monthly, @weekly, @daily (@midnight) and @hourly stand for
// their usual five-field forms, and `@every <duration>` is a fixed-rate interval such as
// `@every 1500ms` or `@every 1h30m` (units ns, us, ms, s, m, h; whole numbers).
//
// Day matching follows Vixie cron and cronie: when both day-of-month and day-of-week are
// restricted, a day matches if either matches. A field whose text starts with `*` (including
// `*/2`) counts as unrestricted for this rule, so `0 0 */2 * MON` runs on odd days that are
// Mondays, while `0 0 1,15 * MON` runs on the 1st, the 15th and every Monday.
//
// Daylight-saving time, for a schedule whose hour field does not start with `*`: a time that
// falls into the hour skipped in spring runs once, at the first instant after the jump; a time
// in the hour repeated in autumn runs once, in the first copy. A schedule whose hour field
// starts with `*` follows the wall clock: it has no runs in the skipped hour and runs in both
// copies of the repeated hour.
//
// A schedule that can never fire, such as `0 0 30 2 *`, parses, reports can_fire() == false,
// and next() returns std::nullopt. next() never returns a time at or before its argument.
//
//     auto cron = goflow::CronSchedule::parse("30 2 * * *",
//                                             goflow::TimeZone::named("America/New_York"));
//     std::optional<goflow::WallTimePoint> t = cron.next(clock->wall_now());
//
// Thread safety: CronSchedule is immutable after parse(); copies may be used from any thread.
#pragma once

#include <bitset>
#include <optional>
#include <string>
#include <string_view>

#include "goflow/clock.hpp"
#include "goflow/time_zone.hpp"

namespace goflow {

class CronSchedule {
  public:
    // Parses `expression`, evaluated in `zone`. Throws std::invalid_argument with a message
    // that quotes the expression and names the field and the bad token.
    [[nodiscard]] static CronSchedule parse(std::string_view expression,
                                            TimeZone zone = TimeZone::utc());

    // Returns the first calendar time strictly after `after` that matches, with seconds
    // resolution. Returns std::nullopt when the schedule can never fire, for `@every`
    // schedules, and when the next match lies beyond what WallTimePoint can represent.
    [[nodiscard]] std::optional<WallTimePoint> next(WallTimePoint after) const;

    // Returns the interval of an `@every` schedule, std::nullopt for calendar schedules.
    [[nodiscard]] std::optional<Duration> every() const noexcept { return every_; }

    // Returns false when no calendar date satisfies the month and day fields (30 February).
    [[nodiscard]] bool can_fire() const noexcept { return can_fire_; }

    [[nodiscard]] const std::string& expression() const noexcept { return expression_; }
    [[nodiscard]] const TimeZone& zone() const noexcept { return zone_; }

  private:
    CronSchedule() = default;

    using seconds = std::chrono::seconds;
    using sys_seconds = std::chrono::sys_seconds;

    // Returns the first local time in [from, end) that matches every field. Local times are
    // held in a sys_seconds whose value is UTC + offset.
    [[nodiscard]] std::optional<sys_seconds> next_local_match(sys_seconds from,
                                                              sys_seconds end) const;
    [[nodiscard]] bool day_matches(std::chrono::year_month_day date) const;
    [[nodiscard]] std::optional<seconds> first_time_of_day(seconds from) const;

    std::string expression_;
    TimeZone zone_;
    std::optional<Duration> every_;
    std::bitset<60> seconds_;
    std::bitset<60> minutes_;
    std::bitset<24> hours_;
    std::bitset<32> days_of_month_;  // bit 0 unused
    std::bitset<13> months_;         // bit 0 unused
    std::bitset<7> days_of_week_;    // 0 = Sunday
    bool day_of_month_star_ = false;
    bool day_of_week_star_ = false;
    bool hour_star_ = false;
    bool can_fire_ = true;
};

}  // namespace goflow
