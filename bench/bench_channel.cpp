// Items per second through a queue of capacity 1024, with one producer and one consumer and
// with two of each. goflow::Channel runs against a std::mutex + std::deque queue and against
// moodycamel::BlockingConcurrentQueue. The moodycamel queue has no capacity bound, so it is a
// lock-free reference point rather than a like-for-like bounded queue.
#include <benchmark/benchmark.h>

#include <concurrentqueue/blockingconcurrentqueue.h>

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "goflow/channel.hpp"

namespace {

constexpr std::size_t kCapacity = 1024;
constexpr std::int64_t kItems = 1'000'000;

// The textbook bounded queue: one mutex, two condition variables, notify on every operation.
class MutexDequeQueue {
  public:
    void push(std::int64_t v) {
        std::unique_lock lock(mutex_);
        not_full_.wait(lock, [&] { return items_.size() < kCapacity; });
        items_.push_back(v);
        lock.unlock();
        not_empty_.notify_one();
    }
    std::int64_t pop() {
        std::unique_lock lock(mutex_);
        not_empty_.wait(lock, [&] { return !items_.empty(); });
        const std::int64_t v = items_.front();
        items_.pop_front();
        lock.unlock();
        not_full_.notify_one();
        return v;
    }

  private:
    std::mutex mutex_;
    std::condition_variable not_empty_;
    std::condition_variable not_full_;
    std::deque<std::int64_t> items_;  // guarded by mutex_
};

// Runs `producers` threads that push kItems in total and `consumers` threads that pop them all,
// and checks the sum so that no item is lost.
template <class Push, class Pop>
void run_transfer(benchmark::State& state, int producers, int consumers, Push push, Pop pop) {
    for (auto _ : state) {
        std::vector<std::thread> threads;
        std::atomic<std::int64_t> sum{0};
        const std::int64_t per_producer = kItems / producers;
        const std::int64_t per_consumer = kItems / consumers;
        for (int p = 0; p < producers; ++p) {
            threads.emplace_back([&] {
                for (std::int64_t i = 0; i < per_producer; ++i) {
                    push(i);
                }
            });
        }
        for (int c = 0; c < consumers; ++c) {
            threads.emplace_back([&] {
                std::int64_t local = 0;
                for (std::int64_t i = 0; i < per_consumer; ++i) {
                    local += pop();
                }
                sum += local;
            });
        }
        for (auto& t : threads) {
            t.join();
        }
        const std::int64_t expected = producers * (per_producer * (per_producer - 1) / 2);
        if (sum != expected) {
            state.SkipWithError("items were lost");
        }
    }
    state.SetItemsProcessed(state.iterations() * kItems);
}

void BM_GoflowChannel(benchmark::State& state) {
    const int threads = static_cast<int>(state.range(0));
    goflow::Channel<std::int64_t> channel({.capacity = kCapacity});
    run_transfer(
        state, threads, threads, [&](std::int64_t v) { (void)channel.send(v); },
        [&] { return channel.receive().value(); });
}

void BM_MutexDeque(benchmark::State& state) {
    const int threads = static_cast<int>(state.range(0));
    MutexDequeQueue queue;
    run_transfer(
        state, threads, threads, [&](std::int64_t v) { queue.push(v); },
        [&] { return queue.pop(); });
}

void BM_MoodycamelBlocking(benchmark::State& state) {
    const int threads = static_cast<int>(state.range(0));
    moodycamel::BlockingConcurrentQueue<std::int64_t> queue(kCapacity);
    run_transfer(
        state, threads, threads, [&](std::int64_t v) { queue.enqueue(v); },
        [&] {
            std::int64_t v = 0;
            queue.wait_dequeue(v);
            return v;
        });
}

}  // namespace

BENCHMARK(BM_GoflowChannel)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_MutexDeque)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_MoodycamelBlocking)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

BENCHMARK_MAIN();
