// Simulator throughput: events per second on one core for an M/M/8 queue with one million
// requests, and the process's peak memory after the run.

#include <benchmark/benchmark.h>
#include <sys/resource.h>

#include "goflow/sim/engine.hpp"

namespace {

using namespace std::chrono_literals;

goflow::sim::Scenario mm8(double requests) {
    goflow::sim::Scenario s;
    s.name = "M/M/8";
    s.seed = 7;
    s.sample_interval = 1s;
    s.classes.resize(1);
    goflow::sim::LoadPhase phase;
    phase.rate = 1400;  // 8 servers at 200/s each: utilisation 0.875
    phase.duration = goflow::Duration(static_cast<goflow::Duration::rep>(requests / 1400 * 1e9));
    s.classes[0].load.phases.push_back(phase);
    s.pool.servers = 8;
    s.pool.queue_capacity = 1'000'000;
    s.pool.service_time.kind = goflow::sim::Distribution::Kind::exponential;
    s.pool.service_time.mean = 5ms;
    return s;
}

void BM_SimulateMM8(benchmark::State& state) {
    const auto scenario = mm8(static_cast<double>(state.range(0)));
    std::uint64_t events = 0;
    for (auto _ : state) {
        const auto result = goflow::sim::simulate(scenario);
        events += result.summary.events;
        benchmark::DoNotOptimize(result.summary.completed);
    }
    state.counters["events_per_s"] =
        benchmark::Counter(static_cast<double>(events), benchmark::Counter::kIsRate);
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    state.counters["peak_rss_MiB"] = static_cast<double>(usage.ru_maxrss) / 1024.0;
}
BENCHMARK(BM_SimulateMM8)
    ->Arg(100'000)
    ->Arg(1'000'000)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
