// goflow-consumer: checks that an installed libgoflow links and works, using both exported
// libraries. A token bucket on a manual clock must admit its burst, reject the next request and
// admit one more after exactly one refill interval. A latency histogram must report the
// percentiles of the values it recorded. Prints each check and exits with 1 if any fails.

#include <chrono>
#include <cstdint>
#include <iostream>
#include <memory>
#include <string_view>

#include "goflow/clock.hpp"
#include "goflow/sim/histogram.hpp"
#include "goflow/token_bucket.hpp"

namespace {

int failures = 0;

void check(bool ok, std::string_view description) {
    std::cout << (ok ? "ok     " : "FAILED ") << description << '\n';
    if (!ok) {
        ++failures;
    }
}

}  // namespace

int main() {
    using namespace std::chrono_literals;

    auto clock = std::make_shared<goflow::ManualClock>();
    goflow::TokenBucket bucket({.rate = 4, .burst = 3, .clock = clock});
    int admitted = 0;
    for (int i = 0; i < 3; ++i) {
        admitted += bucket.allow() ? 1 : 0;
    }
    check(admitted == 3, "a full bucket admits its burst of 3");
    check(!bucket.allow(), "the 4th request in the same instant is rejected");
    clock->advance(249ms);
    check(!bucket.allow(), "at 4 tokens/s no token is due after 249 ms");
    clock->advance(1ms);
    check(bucket.allow(), "one token is due after 250 ms");

    goflow::sim::LatencyHistogram histogram;
    for (std::uint64_t value = 1; value <= 100; ++value) {
        histogram.record(value);
    }
    check(histogram.count() == 100, "the histogram counts 100 values");
    check(histogram.percentile(50) == 50, "the median of 1..100 is 50");
    check(histogram.max() == 100, "the maximum is 100");

    std::cout << (failures == 0 ? "goflow-consumer: all checks passed\n"
                                : "goflow-consumer: some checks failed\n");
    return failures == 0 ? 0 : 1;
}
