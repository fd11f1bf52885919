// Scheduler benchmarks: adding and cancelling many jobs, dispatching due jobs in order, and the
// CPU a scheduler holding 10,000 future jobs uses while idle. The baseline for adding and
// cancelling is Boost.Asio's steady_timer, whose io_context keeps timers in a heap.
#include <benchmark/benchmark.h>

#include <atomic>
#include <chrono>
#include <ctime>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "goflow/scheduler.hpp"

using namespace std::chrono_literals;

namespace {

void noop(const goflow::Context&) {}

// Adds state.range(0) one-shot jobs with distinct due times, then cancels them all.
void BM_Scheduler_AddCancel(benchmark::State& state) {
    const auto count = static_cast<int>(state.range(0));
    auto clock = std::make_shared<goflow::ManualClock>();
    goflow::Scheduler scheduler({.clock = clock});
    scheduler.start();
    std::vector<std::string> ids;
    ids.reserve(static_cast<std::size_t>(count));
    for (auto _ : state) {
        ids.clear();
        for (int i = 0; i < count; ++i) {
            ids.push_back(scheduler.add(goflow::Trigger::after(1h + i * 1us), noop));
        }
        for (const std::string& id : ids) {
            scheduler.cancel(id);
        }
    }
    state.SetItemsProcessed(state.iterations() * count);
}

void BM_AsioTimer_AddCancel(benchmark::State& state) {
    const auto count = static_cast<int>(state.range(0));
    boost::asio::io_context io;
    std::vector<std::unique_ptr<boost::asio::steady_timer>> timers;
    timers.reserve(static_cast<std::size_t>(count));
    for (auto _ : state) {
        timers.clear();
        for (int i = 0; i < count; ++i) {
            auto timer = std::make_unique<boost::asio::steady_timer>(io);
            timer->expires_after(1h + i * 1us);
            timer->async_wait([](const boost::system::error_code&) {});
            timers.push_back(std::move(timer));
        }
        for (auto& timer : timers) {
            timer->cancel();
        }
        io.restart();
        io.poll();  // run the cancelled handlers so the next round starts empty
    }
    state.SetItemsProcessed(state.iterations() * count);
}

// Queues state.range(0) jobs due at distinct times, moves the clock past all of them and
// waits until each has run. Runs execute inline, so the figure is the scheduler's own cost
// of finding the next due job, re-queuing nothing and dispatching.
void BM_Scheduler_DispatchDue(benchmark::State& state) {
    const auto count = static_cast<int>(state.range(0));
    for (auto _ : state) {
        state.PauseTiming();
        auto clock = std::make_shared<goflow::ManualClock>();
        std::atomic<int> runs{0};
        goflow::Scheduler scheduler(
            {.clock = clock, .executor = [](std::function<void()> work) { work(); }});
        for (int i = 0; i < count; ++i) {
            scheduler.add(goflow::Trigger::after(1ms + i * 1us),
                          [&runs](const goflow::Context&) { runs.fetch_add(1); });
        }
        scheduler.start();
        clock->await_waiters(1);
        state.ResumeTiming();
        clock->advance(1s);
        while (runs.load() < count) {
            std::this_thread::yield();
        }
        state.PauseTiming();
        scheduler.stop();
        state.ResumeTiming();
    }
    state.SetItemsProcessed(state.iterations() * count);
}

double process_cpu_seconds() {
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

// Holds 10,000 jobs due in an hour on the steady clock and measures the process's CPU time
// over 500 ms of wall time while the scheduler waits.
void BM_Scheduler_IdleCpu(benchmark::State& state) {
    goflow::Scheduler scheduler;
    for (int i = 0; i < 10000; ++i) {
        scheduler.add(goflow::Trigger::after(1h + i * 1ms), noop);
    }
    scheduler.start();
    std::this_thread::sleep_for(50ms);
    double cpu = 0;
    for (auto _ : state) {
        const double before = process_cpu_seconds();
        std::this_thread::sleep_for(500ms);
        cpu += process_cpu_seconds() - before;
    }
    state.counters["cpu_ms_per_500ms"] =
        benchmark::Counter(cpu * 1000 / static_cast<double>(state.iterations()));
}

}  // namespace

BENCHMARK(BM_Scheduler_AddCancel)->Arg(100000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_AsioTimer_AddCancel)->Arg(100000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Scheduler_DispatchDue)->Arg(1000)->Arg(100000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Scheduler_IdleCpu)->Iterations(4)->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
