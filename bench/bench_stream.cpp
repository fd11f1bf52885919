// filter -> map -> sum over 10 million ints: goflow::Stream against a hand-written loop and a
// std::views pipeline, all in the same binary and run.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <numeric>
#include <ranges>
#include <vector>

#include "goflow/stream.hpp"

namespace {

constexpr std::size_t kElements = 10'000'000;

const std::vector<int>& input() {
    static const std::vector<int> data = [] {
        std::vector<int> v(kElements);
        std::iota(v.begin(), v.end(), 0);
        return v;
    }();
    return data;
}

void BM_HandLoop(benchmark::State& state) {
    const std::vector<int>& data = input();
    for (auto _ : state) {
        std::int64_t sum = 0;
        for (int x : data) {
            if (x % 3 == 0) {
                sum += std::int64_t{x} * 2;
            }
        }
        benchmark::DoNotOptimize(sum);
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kElements));
}

void BM_StdViews(benchmark::State& state) {
    const std::vector<int>& data = input();
    for (auto _ : state) {
        auto pipeline = data | std::views::filter([](int x) { return x % 3 == 0; }) |
                        std::views::transform([](int x) { return std::int64_t{x} * 2; });
        std::int64_t sum = 0;
        for (std::int64_t v : pipeline) {
            sum += v;
        }
        benchmark::DoNotOptimize(sum);
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kElements));
}

void BM_GoflowStream(benchmark::State& state) {
    const std::vector<int>& data = input();
    for (auto _ : state) {
        auto sum =
            goflow::streams::from(data)
                .filter([](int x) { return x % 3 == 0; })
                .map([](int x) { return std::int64_t{x} * 2; })
                .reduce(std::int64_t{0}, [](std::int64_t a, std::int64_t b) { return a + b; });
        benchmark::DoNotOptimize(*sum);
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kElements));
}

}  // namespace

BENCHMARK(BM_HandLoop)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_StdViews)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_GoflowStream)->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
