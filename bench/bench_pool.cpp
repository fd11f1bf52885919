// Worker pool throughput and submit-to-start latency against Boost.Asio's thread_pool and
// oneTBB's task_group, measured in the same run.
//
//   cmake --preset release -DGOFLOW_BUILD_STUDIO=OFF
//   cmake --build build/release --target bench_pool
//   ./build/release/bench/bench_pool --benchmark_repetitions=5
//     --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>

#include <atomic>
#include <chrono>
#include <thread>

#include <oneapi/tbb/global_control.h>
#include <oneapi/tbb/task_arena.h>
#include <oneapi/tbb/task_group.h>
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>

#include "goflow/worker_pool.hpp"

namespace {

constexpr int kTasks = 1'000'000;
constexpr int kWorkers = 2;

using SteadyClock = std::chrono::steady_clock;

// Throughput: one thread posts kTasks empty tasks to a fresh pool of kWorkers, then waits for
// all of them. The figure is the time per task (submit + run).

// state.range(0) is WorkerPoolOptions::timing_sample_interval: 1 (the default) times every
// task for the latency histograms, 64 times one task in 64.
void BM_Throughput_Goflow(benchmark::State& state) {
    for (auto _ : state) {
        goflow::WorkerPool pool({.workers = kWorkers,
                                 .queue_capacity = goflow::WorkerPoolOptions::unbounded,
                                 .timing_sample_interval = state.range(0)});
        std::atomic<int> ran{0};
        for (int i = 0; i < kTasks; ++i) {
            static_cast<void>(pool.post([&ran] { ran.fetch_add(1, std::memory_order_relaxed); }));
        }
        static_cast<void>(pool.wait_idle());
        benchmark::DoNotOptimize(ran.load());
    }
    state.SetItemsProcessed(state.iterations() * kTasks);
}

void BM_Throughput_AsioThreadPool(benchmark::State& state) {
    for (auto _ : state) {
        boost::asio::thread_pool pool(kWorkers);
        std::atomic<int> ran{0};
        for (int i = 0; i < kTasks; ++i) {
            boost::asio::post(pool, [&ran] { ran.fetch_add(1, std::memory_order_relaxed); });
        }
        pool.join();
        benchmark::DoNotOptimize(ran.load());
    }
    state.SetItemsProcessed(state.iterations() * kTasks);
}

// task_group::wait() lets the calling thread run tasks too, so the arena has one slot for it
// and one for a TBB worker: kWorkers threads in total.
void BM_Throughput_TbbTaskGroup(benchmark::State& state) {
    tbb::task_arena arena(kWorkers);
    for (auto _ : state) {
        std::atomic<int> ran{0};
        arena.execute([&] {
            tbb::task_group group;
            for (int i = 0; i < kTasks; ++i) {
                group.run([&ran] { ran.fetch_add(1, std::memory_order_relaxed); });
            }
            group.wait();
        });
        benchmark::DoNotOptimize(ran.load());
    }
    state.SetItemsProcessed(state.iterations() * kTasks);
}

// Latency: on an idle pool, the time from just before the submit call to the first line of the
// task. The submitter spins until the task has run, so the pool is idle again before the next
// iteration.

struct Probe {
    std::atomic<std::int64_t> started_ns{0};
    std::atomic<bool> ran{false};

    void mark() {
        started_ns.store(SteadyClock::now().time_since_epoch().count(), std::memory_order_relaxed);
        ran.store(true, std::memory_order_release);
    }
    double wait_seconds(SteadyClock::time_point submitted) {
        while (!ran.load(std::memory_order_acquire)) {
        }
        ran.store(false, std::memory_order_relaxed);
        const auto started = SteadyClock::time_point(
            SteadyClock::duration(started_ns.load(std::memory_order_relaxed)));
        return std::chrono::duration<double>(started - submitted).count();
    }
};

void BM_Latency_Goflow(benchmark::State& state) {
    goflow::WorkerPool pool({.workers = kWorkers, .queue_capacity = 16});
    Probe probe;
    for (auto _ : state) {
        std::this_thread::sleep_for(std::chrono::microseconds(50));  // let the workers park
        const auto submitted = SteadyClock::now();
        static_cast<void>(pool.post([&probe] { probe.mark(); }));
        state.SetIterationTime(probe.wait_seconds(submitted));
    }
}

void BM_Latency_AsioThreadPool(benchmark::State& state) {
    boost::asio::thread_pool pool(kWorkers);
    Probe probe;
    for (auto _ : state) {
        std::this_thread::sleep_for(std::chrono::microseconds(50));
        const auto submitted = SteadyClock::now();
        boost::asio::post(pool, [&probe] { probe.mark(); });
        state.SetIterationTime(probe.wait_seconds(submitted));
    }
    pool.join();
}

void BM_Latency_TbbTaskGroup(benchmark::State& state) {
    tbb::task_arena arena(kWorkers);
    tbb::task_group group;
    Probe probe;
    for (auto _ : state) {
        std::this_thread::sleep_for(std::chrono::microseconds(50));
        const auto submitted = SteadyClock::now();
        arena.execute([&] { group.run([&probe] { probe.mark(); }); });
        state.SetIterationTime(probe.wait_seconds(submitted));
    }
    arena.execute([&] { group.wait(); });
}

}  // namespace

BENCHMARK(BM_Throughput_Goflow)
    ->Arg(1)
    ->Arg(64)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(3);
BENCHMARK(BM_Throughput_AsioThreadPool)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(3);
BENCHMARK(BM_Throughput_TbbTaskGroup)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(3);
BENCHMARK(BM_Latency_Goflow)->Unit(benchmark::kMicrosecond)->UseManualTime()->Iterations(2000);
BENCHMARK(BM_Latency_AsioThreadPool)
    ->Unit(benchmark::kMicrosecond)
    ->UseManualTime()
    ->Iterations(2000);
BENCHMARK(BM_Latency_TbbTaskGroup)
    ->Unit(benchmark::kMicrosecond)
    ->UseManualTime()
    ->Iterations(2000);

BENCHMARK_MAIN();
