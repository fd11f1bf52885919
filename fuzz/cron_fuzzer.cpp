// libFuzzer target for the cron parser and the next-time search.
//
// Every input must either parse or throw std::invalid_argument, and a parsed schedule's next()
// must return a time strictly after its argument, or std::nullopt. Any other exception, a
// crash or a sanitizer report is a finding.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <stdexcept>
#include <string_view>

#include "goflow/cron.hpp"

namespace {

const goflow::TimeZone& zone_for(std::uint8_t selector) {
    static const goflow::TimeZone utc = goflow::TimeZone::utc();
    static const goflow::TimeZone named = goflow::TimeZone::has_tz_database()
                                              ? goflow::TimeZone::named("America/New_York")
                                              : goflow::TimeZone::utc();
    return selector % 2 == 0 ? utc : named;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) {
        return 0;
    }
    // The first byte picks the zone and the start time; the rest is the expression.
    const std::uint8_t selector = data[0];
    const std::string_view expression(reinterpret_cast<const char*>(data + 1), size - 1);
    try {
        const auto cron = goflow::CronSchedule::parse(expression, zone_for(selector));
        using namespace std::chrono;
        // Start times from 1970 to about 2225, in steps of roughly one year.
        goflow::WallTimePoint t(hours(24 * 365) * static_cast<int>(selector));
        for (int i = 0; i < 4; ++i) {
            const auto next = cron.next(t);
            if (!next) {
                break;
            }
            if (*next <= t) {
                std::abort();  // next() must move forward
            }
            t = *next;
        }
    } catch (const std::invalid_argument&) {
        // A rejected expression is an expected outcome.
    }
    return 0;
}
