// Time zones for calendar schedules: UTC, the process's local zone, and named IANA zones.
//
// A TimeZone answers one question: which UTC offset holds at a given instant, and over which
// span of instants that offset stays the same (a ZoneSegment). Cron schedules walk from segment
// to segment, which is how they find the hour skipped in spring and the hour repeated in autumn.
//
// Named zones ("America/New_York") need Howard Hinnant's date/tz library (Debian package
// libhowardhinnant-date-dev), which reads the system tz database in /usr/share/zoneinfo. It is
// optional at build time: without it, TimeZone::named() rejects every name except "UTC" and
// "local" and says why. The library is the reference implementation of C++20's
// std::chrono::tzdb, so this file is the only place that would change when the standard library
// provides the time-zone database. The local zone always comes from the C library
// (localtime_r), so it follows the TZ environment variable.
//
//     auto ny = goflow::TimeZone::named("America/New_York");
//     goflow::ZoneSegment s = ny.segment_at(std::chrono::sys_seconds{...});
//
// Thread safety: TimeZone is an immutable value; copies may be used from any thread.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

namespace goflow {

// A span of instants [begin, end) over which a zone's UTC offset does not change. Local time is
// UTC + offset. Adjacent segments may have the same offset.
struct ZoneSegment {
    std::chrono::sys_seconds begin;
    std::chrono::sys_seconds end;
    std::chrono::seconds offset;
};

class TimeZone {
  public:
    // UTC.
    TimeZone();

    [[nodiscard]] static TimeZone utc();
    // The process's local zone, as the C library's localtime_r sees it.
    [[nodiscard]] static TimeZone local();
    // An IANA zone such as "Europe/Berlin"; "UTC" and "local" are accepted in every build.
    // Throws std::invalid_argument naming the zone when it is unknown, or when the build has no
    // time-zone database.
    [[nodiscard]] static TimeZone named(std::string_view name);
    // Returns whether named IANA zones are available in this build.
    [[nodiscard]] static bool has_tz_database() noexcept;

    [[nodiscard]] const std::string& name() const noexcept;

    // Returns the segment that contains `t`.
    [[nodiscard]] ZoneSegment segment_at(std::chrono::sys_seconds t) const;

    class Impl;

  private:
    explicit TimeZone(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
    std::shared_ptr<const Impl> impl_;
};

}  // namespace goflow
