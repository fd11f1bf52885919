// Pipeline overhead per item and per stage against calling the stage functions directly.
//
//   cmake --build build/release --target bench_pipeline
//   ./build/release/bench/bench_pipeline --benchmark_repetitions=5
//     --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>

#include <memory>
#include <vector>

#include "goflow/pipeline.hpp"

namespace {

int add_one(int v) {
    benchmark::DoNotOptimize(v);
    return v + 1;
}

// Direct calls: the floor that the pipeline's overhead is measured against.
void BM_Direct(benchmark::State& state) {
    const auto stages = static_cast<int>(state.range(0));
    int value = 0;
    for (auto _ : state) {
        for (int s = 0; s < stages; ++s) {
            value = add_one(value);
        }
        benchmark::DoNotOptimize(value);
    }
    state.SetItemsProcessed(state.iterations());
}

std::unique_ptr<goflow::DynamicPipeline> make_pipeline(int stages) {
    auto pipeline =
        std::make_unique<goflow::DynamicPipeline>(goflow::PipelineOptions{.max_in_flight = 4096});
    for (int s = 0; s < stages; ++s) {
        pipeline->add_stage("add one",
                            [](const goflow::Context&, std::any v) -> goflow::Result<std::any> {
                                return std::any(add_one(std::any_cast<int>(v)));
                            },
                            {.concurrency = 2, .queue_capacity = 4096});
    }
    return pipeline;
}

// One item at a time, synchronously: the latency an execute() caller sees.
void BM_PipelineExecute(benchmark::State& state) {
    const auto stages = static_cast<int>(state.range(0));
    auto pipeline = make_pipeline(stages);
    for (auto _ : state) {
        auto r = pipeline->execute(0);
        benchmark::DoNotOptimize(r);
    }
    state.SetItemsProcessed(state.iterations());
}

// Many items in flight: the cost per item when the pipeline is kept busy.
void BM_PipelineThroughput(benchmark::State& state) {
    const auto stages = static_cast<int>(state.range(0));
    constexpr int kItems = 10'000;
    auto pipeline = make_pipeline(stages);
    std::vector<goflow::PipelineHandle<std::any>> handles;
    handles.reserve(kItems);
    for (auto _ : state) {
        handles.clear();
        for (int i = 0; i < kItems; ++i) {
            handles.push_back(pipeline->submit(i));
        }
        for (auto& h : handles) {
            benchmark::DoNotOptimize(h.get());
        }
    }
    state.SetItemsProcessed(state.iterations() * kItems);
}

}  // namespace

BENCHMARK(BM_Direct)->Arg(1)->Arg(3);
BENCHMARK(BM_PipelineExecute)->Arg(1)->Arg(3)->Unit(benchmark::kMicrosecond)->UseRealTime();
BENCHMARK(BM_PipelineThroughput)->Arg(1)->Arg(3)->Unit(benchmark::kMillisecond)->UseRealTime();

BENCHMARK_MAIN();
