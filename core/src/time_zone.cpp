#include "goflow/time_zone.hpp"

#include <ctime>
#include <stdexcept>
#include <utility>

#if GOFLOW_HAS_DATE_TZ
#include <date/tz.h>
#endif

namespace goflow {

using std::chrono::days;
using std::chrono::seconds;
using std::chrono::sys_seconds;

class TimeZone::Impl {
  public:
    explicit Impl(std::string name) : name_(std::move(name)) {}
    virtual ~Impl() = default;
    [[nodiscard]] virtual ZoneSegment segment_at(sys_seconds t) const = 0;
    [[nodiscard]] const std::string& name() const noexcept { return name_; }

  private:
    std::string name_;
};

namespace {

// Segments of fixed-offset zones are reported one year wide, so that callers never do
// arithmetic near the limits of sys_seconds.
constexpr days kSpan{366};

class UtcZone final : public TimeZone::Impl {
  public:
    UtcZone() : Impl("UTC") {}
    ZoneSegment segment_at(sys_seconds t) const override {
        return {t - kSpan, t + kSpan, seconds{0}};
    }
};

// The C library's local zone. localtime_r gives only the offset at an instant, so segment
// boundaries are found by stepping a day at a time and then bisecting to the second.
class LocalZone final : public TimeZone::Impl {
  public:
    LocalZone() : Impl("local") {}

    ZoneSegment segment_at(sys_seconds t) const override {
        const seconds offset = offset_at(t);
        return {boundary(t, offset, -1), boundary(t, offset, +1), offset};
    }

  private:
    static seconds offset_at(sys_seconds t) {
        const std::time_t raw = static_cast<std::time_t>(t.time_since_epoch().count());
        std::tm fields{};
        if (localtime_r(&raw, &fields) == nullptr) {
            return seconds{0};
        }
        return seconds{fields.tm_gmtoff};
    }

    // Returns the end (direction +1) or the start (direction -1) of the run of instants around
    // `t` whose offset is `offset`. The search stops at kSpan from `t`.
    static sys_seconds boundary(sys_seconds t, seconds offset, int direction) {
        sys_seconds inside = t;
        sys_seconds outside = t;
        bool found = false;
        for (int step = 1; step <= kSpan.count(); ++step) {
            const sys_seconds probe = t + direction * days{step};
            if (offset_at(probe) != offset) {
                outside = probe;
                found = true;
                break;
            }
            inside = probe;
        }
        if (!found) {
            return inside;
        }
        // Invariant: offset_at(inside) == offset, offset_at(outside) != offset.
        while ((direction > 0 ? outside - inside : inside - outside) > seconds{1}) {
            const sys_seconds middle = inside + (outside - inside) / 2;
            if (offset_at(middle) == offset) {
                inside = middle;
            } else {
                outside = middle;
            }
        }
        return direction > 0 ? outside : inside;
    }
};

#if GOFLOW_HAS_DATE_TZ
class NamedZone final : public TimeZone::Impl {
  public:
    NamedZone(std::string name, const date::time_zone* zone) : Impl(std::move(name)), zone_(zone) {}

    ZoneSegment segment_at(sys_seconds t) const override {
        const date::sys_info info = zone_->get_info(t);
        // The first and last segments of a zone reach the limits of sys_seconds.
        const sys_seconds begin = std::max(info.begin, t - days{400 * 366});
        const sys_seconds end = std::min(info.end, t + days{400 * 366});
        return {begin, end, info.offset};
    }

  private:
    const date::time_zone* zone_;  // owned by the date library's database, never freed
};
#endif

}  // namespace

TimeZone::TimeZone() : impl_(utc().impl_) {}

TimeZone TimeZone::utc() {
    static const auto zone = std::make_shared<const UtcZone>();
    return TimeZone(zone);
}

TimeZone TimeZone::local() {
    static const auto zone = std::make_shared<const LocalZone>();
    return TimeZone(zone);
}

bool TimeZone::has_tz_database() noexcept {
    return GOFLOW_HAS_DATE_TZ != 0;
}

TimeZone TimeZone::named(std::string_view name) {
    if (name == "UTC") {
        return utc();
    }
    if (name == "local") {
        return local();
    }
#if GOFLOW_HAS_DATE_TZ
    try {
        const date::time_zone* zone = date::locate_zone(name);
        return TimeZone(std::make_shared<const NamedZone>(std::string(name), zone));
    } catch (const std::runtime_error& e) {
        throw std::invalid_argument("time zone '" + std::string(name) +
                                    "' is not in the tz database: " + e.what());
    }
#else
    throw std::invalid_argument("time zone '" + std::string(name) +
                                "' needs the tz database, but goflow was built without "
                                "date/tz (libhowardhinnant-date-dev); use \"UTC\" or \"local\"");
#endif
}

const std::string& TimeZone::name() const noexcept {
    return impl_->name();
}

ZoneSegment TimeZone::segment_at(sys_seconds t) const {
    return impl_->segment_at(t);
}

}  // namespace goflow
