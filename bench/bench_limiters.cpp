// Costs of the rate limiters against the primitives they are built from and a plain
// std::mutex-guarded token bucket, all measured in the same run.
//
//     cmake --preset release && cmake --build build/release -j2 --target bench_limiters
//     ./build/release/bench/bench_limiters --benchmark_repetitions=5
//         --benchmark_report_aggregates_only=true   (one command line)
#include <benchmark/benchmark.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>

#include "goflow/concurrency_limiter.hpp"
#include "goflow/leaky_bucket.hpp"
#include "goflow/token_bucket.hpp"

namespace {

// The baseline: the token bucket most code bases write by hand, one mutex around a double
// level and a timestamp, reading std::chrono::steady_clock directly.
class PlainMutexBucket {
  public:
    PlainMutexBucket(double rate, double burst)
        : rate_per_ns_(rate / 1e9), burst_(burst), tokens_(burst), last_ns_(now_ns()) {}

    bool allow() { return allow_at(now_ns()); }

    bool allow_at(std::int64_t t_ns) {
        std::lock_guard guard(mutex_);
        if (t_ns > last_ns_) {
            tokens_ =
                std::min(burst_, tokens_ + static_cast<double>(t_ns - last_ns_) * rate_per_ns_);
            last_ns_ = t_ns;
        }
        if (tokens_ < 1) {
            return false;
        }
        tokens_ -= 1;
        return true;
    }

  private:
    static std::int64_t now_ns() {
        return std::chrono::duration_cast<std::chrono::nanoseconds>(
                   std::chrono::steady_clock::now().time_since_epoch())
            .count();
    }

    const double rate_per_ns_;
    const double burst_;
    std::mutex mutex_;
    double tokens_;         // guarded by mutex_
    std::int64_t last_ns_;  // guarded by mutex_
};

// The baseline for the concurrency limiter: a counter under a mutex, no queue, no ownership.
class PlainMutexSemaphore {
  public:
    explicit PlainMutexSemaphore(std::int64_t limit) : free_(limit) {}

    bool try_acquire() {
        std::lock_guard guard(mutex_);
        if (free_ == 0) {
            return false;
        }
        --free_;
        return true;
    }

    void release() {
        std::lock_guard guard(mutex_);
        ++free_;
    }

  private:
    std::mutex mutex_;
    std::int64_t free_;  // guarded by mutex_
};

// High enough that the benchmarks measure the admission path, not rejections.
constexpr double kRate = 1e12;
constexpr std::int64_t kBurst = std::int64_t{1} << 40;

// ---- Hardware and library floors ----

void BM_AtomicCompareExchange(benchmark::State& state) {
    std::atomic<std::int64_t> word{0};
    std::int64_t expected = 0;
    for (auto _ : state) {
        while (!word.compare_exchange_weak(expected, expected + 1)) {
        }
        ++expected;
    }
    benchmark::DoNotOptimize(word.load());
}
BENCHMARK(BM_AtomicCompareExchange);

void BM_MutexLockUnlock(benchmark::State& state) {
    std::mutex mutex;
    for (auto _ : state) {
        mutex.lock();
        mutex.unlock();
    }
}
BENCHMARK(BM_MutexLockUnlock);

void BM_SteadyClockNow(benchmark::State& state) {
    const auto clock = goflow::system_clock();
    for (auto _ : state) {
        benchmark::DoNotOptimize(clock->now());
    }
}
BENCHMARK(BM_SteadyClockNow);

// ---- Token bucket, one thread ----

void BM_PlainMutexBucket_Allow(benchmark::State& state) {
    PlainMutexBucket bucket(kRate, static_cast<double>(kBurst));
    for (auto _ : state) {
        benchmark::DoNotOptimize(bucket.allow());
    }
}
BENCHMARK(BM_PlainMutexBucket_Allow);

void BM_TokenBucket_Allow(benchmark::State& state) {
    goflow::TokenBucket bucket({.rate = kRate, .burst = kBurst});
    for (auto _ : state) {
        benchmark::DoNotOptimize(bucket.allow());
    }
}
BENCHMARK(BM_TokenBucket_Allow);

// Without the clock read: the time point advances by 1 ns per call, as on virtual time.
void BM_PlainMutexBucket_AllowAt(benchmark::State& state) {
    PlainMutexBucket bucket(kRate, static_cast<double>(kBurst));
    std::int64_t t = 0;
    for (auto _ : state) {
        benchmark::DoNotOptimize(bucket.allow_at(++t));
    }
}
BENCHMARK(BM_PlainMutexBucket_AllowAt);

void BM_TokenBucket_AllowAt(benchmark::State& state) {
    auto clock = std::make_shared<goflow::ManualClock>();
    goflow::TokenBucket bucket({.rate = kRate, .burst = kBurst, .clock = clock});
    goflow::TimePoint t{};
    for (auto _ : state) {
        t += goflow::Duration(1);
        benchmark::DoNotOptimize(bucket.allow_at(t));
    }
}
BENCHMARK(BM_TokenBucket_AllowAt);

// ---- Token bucket, shared by 1 and 2 threads ----

PlainMutexBucket& shared_plain_bucket() {
    static PlainMutexBucket bucket(kRate, static_cast<double>(kBurst));
    return bucket;
}

goflow::TokenBucket& shared_token_bucket() {
    static goflow::TokenBucket bucket({.rate = kRate, .burst = kBurst});
    return bucket;
}

void BM_PlainMutexBucket_Shared(benchmark::State& state) {
    PlainMutexBucket& bucket = shared_plain_bucket();
    for (auto _ : state) {
        benchmark::DoNotOptimize(bucket.allow());
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_PlainMutexBucket_Shared)->Threads(1)->Threads(2)->UseRealTime();

void BM_TokenBucket_Shared(benchmark::State& state) {
    goflow::TokenBucket& bucket = shared_token_bucket();
    for (auto _ : state) {
        benchmark::DoNotOptimize(bucket.allow());
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_TokenBucket_Shared)->Threads(1)->Threads(2)->UseRealTime();

// ---- Leaky bucket ----

void BM_LeakyBucket_TryTake(benchmark::State& state) {
    goflow::LeakyBucket pacer({.rate = kRate, .slack = kBurst});
    for (auto _ : state) {
        benchmark::DoNotOptimize(pacer.try_take());
    }
}
BENCHMARK(BM_LeakyBucket_TryTake);

// ---- Concurrency limiter ----

void BM_PlainMutexSemaphore_TryAcquireRelease(benchmark::State& state) {
    PlainMutexSemaphore semaphore(4);
    for (auto _ : state) {
        if (semaphore.try_acquire()) {
            semaphore.release();
        }
    }
}
BENCHMARK(BM_PlainMutexSemaphore_TryAcquireRelease);

void BM_ConcurrencyLimiter_TryAcquireRelease(benchmark::State& state) {
    goflow::ConcurrencyLimiter limiter({.limit = 4});
    for (auto _ : state) {
        auto permit = limiter.try_acquire();
        benchmark::DoNotOptimize(permit.ok());
    }
}
BENCHMARK(BM_ConcurrencyLimiter_TryAcquireRelease);

}  // namespace

BENCHMARK_MAIN();
