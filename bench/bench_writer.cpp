// MB/s written into a file: goflow::AsyncWriter with a file sink against std::ofstream writing
// the same 100-byte lines directly. Both end with the data flushed to the operating system.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "goflow/writer.hpp"

namespace {

constexpr std::size_t kLineBytes = 100;
constexpr std::size_t kLines = 500'000;  // 50 MB per iteration

std::filesystem::path scratch_file(const char* name) {
    return std::filesystem::temp_directory_path() / name;
}

std::string make_line() {
    std::string line(kLineBytes - 1, 'x');
    line += '\n';
    return line;
}

void BM_Ofstream(benchmark::State& state) {
    const std::string line = make_line();
    const auto path = scratch_file("goflow_bench_ofstream.log");
    for (auto _ : state) {
        std::ofstream out(path, std::ios::binary | std::ios::trunc);
        for (std::size_t i = 0; i < kLines; ++i) {
            out.write(line.data(), static_cast<std::streamsize>(line.size()));
        }
        out.flush();
        if (!out) {
            state.SkipWithError("ofstream write failed");
        }
    }
    std::filesystem::remove(path);
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * kLines * kLineBytes));
}

void BM_AsyncWriter(benchmark::State& state) {
    const std::string line = make_line();
    const auto path = scratch_file("goflow_bench_writer.log");
    const auto capacity = static_cast<std::size_t>(state.range(0));
    for (auto _ : state) {
        goflow::AsyncWriter writer({.buffer_capacity = capacity},
                                   goflow::file_sink(path, /*truncate=*/true));
        for (std::size_t i = 0; i < kLines; ++i) {
            (void)writer.write(line);
        }
        if (!writer.close().ok() || writer.snapshot().written != kLines * kLineBytes) {
            state.SkipWithError("AsyncWriter lost bytes");
        }
    }
    std::filesystem::remove(path);
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * kLines * kLineBytes));
}

}  // namespace

BENCHMARK(BM_Ofstream)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_AsyncWriter)
    ->Arg(64 << 10)
    ->Arg(1 << 20)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

BENCHMARK_MAIN();
