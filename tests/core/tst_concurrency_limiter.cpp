#include <QtTest>

#include <atomic>
#include <cmath>
#include <thread>
#include <vector>

#include "goflow/concurrency_limiter.hpp"

using namespace std::chrono_literals;
using goflow::CancelSource;
using goflow::ConcurrencyLimiter;
using goflow::Context;
using goflow::errc;
using goflow::ManualClock;
using goflow::Result;

namespace {

using Permit = ConcurrencyLimiter::Permit;

std::shared_ptr<ManualClock> make_clock() {
    return std::make_shared<ManualClock>();
}

// Blocks, in real time, until `limiter` has `count` waiters or `timeout` passes.
bool await_waiting(const ConcurrencyLimiter& limiter, std::int64_t count,
                   std::chrono::milliseconds timeout = 10s) {
    const auto until = std::chrono::steady_clock::now() + timeout;
    while (limiter.waiting() < count) {
        if (std::chrono::steady_clock::now() > until) {
            return false;
        }
        std::this_thread::yield();
    }
    return true;
}

}  // namespace

class TestConcurrencyLimiter : public QObject {
    Q_OBJECT

  private slots:
    void doubleReleaseIsRejected() {
        ConcurrencyLimiter limiter({.limit = 2});
        auto permit = limiter.acquire();
        QVERIFY(permit.ok());
        QCOMPARE(limiter.in_use(), std::int64_t{1});
        QVERIFY(permit->release().ok());
        auto second = permit->release();
        QVERIFY(!second.ok());
        QCOMPARE(second.error().code, make_error_code(errc::not_acquired));
        QCOMPARE(limiter.in_use(), std::int64_t{0});

        auto a = limiter.try_acquire();
        auto b = limiter.try_acquire();
        auto c = limiter.try_acquire();
        QVERIFY(a.ok());
        QVERIFY(b.ok());
        QVERIFY(!c.ok());
        QCOMPARE(c.error().code, make_error_code(errc::rate_limited));
        QCOMPARE(limiter.available(), std::int64_t{0});
    }

    void strayReleaseAfterCanceledAcquire() {
        auto clock = make_clock();
        ConcurrencyLimiter limiter({.limit = 1, .clock = clock});
        auto a = limiter.acquire();
        QVERIFY(a.ok());

        Result<Permit> b = goflow::Error(errc::not_acquired);
        std::thread waiter([&] { b = limiter.acquire_for(20ms); });
        QVERIFY(clock->await_waiters(1));
        QCOMPARE(limiter.waiting(), std::int64_t{1});
        clock->advance(20ms);
        waiter.join();
        QVERIFY(!b.ok());
        QCOMPARE(b.error().code, make_error_code(errc::deadline_exceeded));

        // B's mistaken release: it holds no permit, so nothing happens.
        Permit nothing;
        QCOMPARE(nothing.release().error().code, make_error_code(errc::not_acquired));
        QCOMPARE(limiter.release(nothing, 1).error().code, make_error_code(errc::not_acquired));
        QCOMPARE(limiter.in_use(), std::int64_t{1});
        QCOMPARE(a->count(), std::int64_t{1});
        QVERIFY(!limiter.try_acquire().ok());
        QVERIFY(a->release().ok());
        QVERIFY(limiter.try_acquire().ok());
    }

    void canceledWaiterLeavesQueue() {
        auto clock = make_clock();
        ConcurrencyLimiter limiter({.limit = 1, .clock = clock});
        auto a = limiter.acquire();
        CancelSource source;
        Result<Permit> b = goflow::Error(errc::not_acquired);
        std::thread waiter([&] { b = limiter.acquire(1, source.context()); });
        QVERIFY(await_waiting(limiter, 1));
        source.cancel();
        waiter.join();
        QCOMPARE(b.error().code, make_error_code(errc::canceled));
        QCOMPARE(limiter.waiting(), std::int64_t{0});
        QCOMPARE(limiter.in_use(), std::int64_t{1});
        QVERIFY(a->release().ok());
        QCOMPARE(limiter.in_use(), std::int64_t{0});
    }

    void guardedCallRejectedWhenBusy() {
        ConcurrencyLimiter limiter({.limit = 1});
        auto long_task = limiter.acquire();
        bool ran = false;
        auto result = limiter.try_run([&] { ran = true; });
        QVERIFY(!result.ok());
        QCOMPARE(result.error().code, make_error_code(errc::rate_limited));
        QVERIFY(!ran);

        auto canceled = CancelSource();
        canceled.cancel();
        auto blocking = limiter.run(canceled.context(), [&] { ran = true; });
        QCOMPARE(blocking.error().code, make_error_code(errc::canceled));
        QVERIFY(!ran);

        QVERIFY(long_task->release().ok());
        auto value = limiter.try_run([&] {
            ran = true;
            return limiter.in_use();
        });
        QVERIFY(ran);
        QCOMPARE(value.value(), std::int64_t{1});
        QCOMPARE(limiter.in_use(), std::int64_t{0});
    }

    void guardedCallReleasesOnException() {
        ConcurrencyLimiter limiter({.limit = 1});
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, (void)limiter.try_run([]() -> int {
            throw std::runtime_error("task failed");
        }));
        QCOMPARE(limiter.in_use(), std::int64_t{0});
    }

    void permitReleasesOnDestruction() {
        ConcurrencyLimiter limiter({.limit = 3});
        {
            auto permit = limiter.acquire(2);
            QCOMPARE(limiter.in_use(), std::int64_t{2});
            Permit moved = std::move(*permit);
            QCOMPARE(permit->count(), std::int64_t{0});
            QCOMPARE(moved.count(), std::int64_t{2});
            QCOMPARE(limiter.in_use(), std::int64_t{2});
        }
        QCOMPARE(limiter.in_use(), std::int64_t{0});
        QCOMPARE(limiter.snapshot().released, std::uint64_t{1});
    }

    void partialReleaseKeepsTheRest() {
        ConcurrencyLimiter limiter({.limit = 4});
        auto permit = limiter.acquire(3);
        QVERIFY(permit->release(2).ok());
        QCOMPARE(permit->count(), std::int64_t{1});
        QCOMPARE(limiter.in_use(), std::int64_t{1});
        QCOMPARE(permit->release(2).error().code, make_error_code(errc::not_acquired));
        QCOMPARE(limiter.in_use(), std::int64_t{1});
        QVERIFY(permit->release(1).ok());
        QVERIFY(!*permit);
    }

    void permitOfAnotherLimiterIsRejected() {
        ConcurrencyLimiter first({.limit = 1});
        ConcurrencyLimiter second({.limit = 1});
        auto permit = first.acquire();
        QCOMPARE(second.release(*permit, 1).error().code, make_error_code(errc::not_acquired));
        QCOMPARE(first.in_use(), std::int64_t{1});
        QCOMPARE(second.in_use(), std::int64_t{0});
    }

    void largeRequestIsNotStarved() {
        ConcurrencyLimiter limiter({.limit = 3});
        auto small = limiter.acquire(1);
        Result<Permit> large = goflow::Error(errc::not_acquired);
        std::thread big([&] { large = limiter.acquire(3); });
        QVERIFY(await_waiting(limiter, 1));
        // Small requests arriving after the large one must queue behind it.
        QVERIFY(!limiter.try_acquire(1).ok());
        Result<Permit> later = goflow::Error(errc::not_acquired);
        std::thread other([&] { later = limiter.acquire(1); });
        QVERIFY(await_waiting(limiter, 2));
        QVERIFY(small->release().ok());
        big.join();
        QVERIFY(large.ok());
        QCOMPARE(limiter.in_use(), std::int64_t{3});
        QCOMPARE(limiter.waiting(), std::int64_t{1});
        QVERIFY(large->release().ok());
        other.join();
        QVERIFY(later.ok());
    }

    void waitersServedInArrivalOrder() {
        ConcurrencyLimiter limiter({.limit = 1});
        auto holder = limiter.acquire();
        constexpr int kWaiters = 6;
        std::vector<int> order;
        std::mutex order_mutex;
        std::vector<std::thread> threads;
        for (int i = 0; i < kWaiters; ++i) {
            threads.emplace_back([&, i] {
                auto permit = limiter.acquire();
                std::lock_guard guard(order_mutex);
                order.push_back(i);
            });
            QVERIFY(await_waiting(limiter, i + 1));
        }
        QVERIFY(holder->release().ok());
        for (auto& thread : threads) {
            thread.join();
        }
        QCOMPARE(order, (std::vector<int>{0, 1, 2, 3, 4, 5}));
    }

    void requestAboveLimitFailsAtOnce() {
        ConcurrencyLimiter limiter({.limit = 2});
        auto result = limiter.acquire(3);
        QCOMPARE(result.error().code, make_error_code(errc::exceeds_limit));
        QCOMPARE(limiter.try_acquire(3).error().code, make_error_code(errc::exceeds_limit));
        QCOMPARE(limiter.in_use(), std::int64_t{0});
    }

    void raisingLimitGrantsWaiters() {
        ConcurrencyLimiter limiter({.limit = 1});
        auto held = limiter.acquire();
        Result<Permit> waiting = goflow::Error(errc::not_acquired);
        std::thread waiter([&] { waiting = limiter.acquire(); });
        QVERIFY(await_waiting(limiter, 1));
        limiter.set_limit(2);
        waiter.join();
        QVERIFY(waiting.ok());
        QCOMPARE(limiter.in_use(), std::int64_t{2});
    }

    void loweringLimitRevokesNothing() {
        ConcurrencyLimiter limiter({.limit = 4});
        auto a = limiter.acquire(2);
        auto b = limiter.acquire(2);
        limiter.set_limit(1);
        QCOMPARE(limiter.in_use(), std::int64_t{4});
        QCOMPARE(limiter.available(), std::int64_t{0});
        QVERIFY(!limiter.try_acquire().ok());
        QVERIFY(a->release().ok());
        QVERIFY(!limiter.try_acquire().ok());
        QVERIFY(b->release(1).ok());
        QVERIFY(!limiter.try_acquire().ok());
        QVERIFY(b->release(1).ok());
        auto c = limiter.try_acquire();
        QVERIFY(c.ok());
        QCOMPARE(limiter.in_use(), std::int64_t{1});
    }

    void loweringLimitFailsImpossibleWaiters() {
        ConcurrencyLimiter limiter({.limit = 3});
        auto held = limiter.acquire(1);
        Result<Permit> large = goflow::Error(errc::not_acquired);
        std::thread waiter([&] { large = limiter.acquire(3); });
        QVERIFY(await_waiting(limiter, 1));
        limiter.set_limit(2);
        waiter.join();
        QCOMPARE(large.error().code, make_error_code(errc::exceeds_limit));
        QCOMPARE(limiter.waiting(), std::int64_t{0});
        QCOMPARE(limiter.in_use(), std::int64_t{1});
    }

    void invalidLimitNamesTheField_data() {
        QTest::addColumn<qint64>("limit");
        QTest::newRow("zero") << qint64(0);
        QTest::newRow("negative") << qint64(-3);
    }

    void invalidLimitNamesTheField() {
        QFETCH(qint64, limit);
        const QString expected = QString("limit must be at least 1, got %1").arg(limit);
        try {
            ConcurrencyLimiter limiter({.limit = limit});
            QFAIL("options were accepted");
        } catch (const std::invalid_argument& e) {
            QCOMPARE(QString::fromUtf8(e.what()), expected);
        }
        ConcurrencyLimiter valid({.limit = 1});
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, valid.set_limit(limit));
        QCOMPARE(valid.limit(), std::int64_t{1});
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, (void)valid.try_acquire(0));
    }

    // A release and a cancellation race for one waiter. Whichever wins, the waiter either holds
    // the permit and reports success, or holds nothing and reports the cancellation.
    void cancelRacingReleaseNeverLeaksPermit() {
        ConcurrencyLimiter limiter({.limit = 1});
        int succeeded = 0;
        int canceled = 0;
        for (int round = 0; round < 300; ++round) {
            auto holder = limiter.acquire();
            CancelSource source;
            Result<Permit> waiter_result = goflow::Error(errc::not_acquired);
            std::thread waiter([&] { waiter_result = limiter.acquire(1, source.context()); });
            QVERIFY(await_waiting(limiter, 1));
            std::atomic<bool> go{false};
            std::thread canceler([&] {
                while (!go) {
                }
                source.cancel();
            });
            std::thread releaser([&] {
                while (!go) {
                }
                (void)holder->release();
            });
            go = true;
            canceler.join();
            releaser.join();
            QVERIFY(!*holder);
            waiter.join();
            if (waiter_result.ok()) {
                ++succeeded;
                QCOMPARE(limiter.in_use(), std::int64_t{1});
                QVERIFY(waiter_result->release().ok());
            } else {
                ++canceled;
                QCOMPARE(waiter_result.error().code, make_error_code(errc::canceled));
            }
            QCOMPARE(limiter.in_use(), std::int64_t{0});
            QCOMPARE(limiter.waiting(), std::int64_t{0});
        }
        qInfo("granted %d, canceled %d", succeeded, canceled);
    }

    void contendedUseNeverExceedsLimit() {
        constexpr int kThreads = 6;
        constexpr int kIterations = 2000;
        ConcurrencyLimiter limiter({.limit = 3});
        std::atomic<int> inside{0};
        std::atomic<int> max_inside{0};
        std::atomic<int> failures{0};
        std::vector<std::thread> threads;
        for (int id = 0; id < kThreads; ++id) {
            threads.emplace_back([&, id] {
                for (int i = 0; i < kIterations; ++i) {
                    const std::int64_t n = 1 + (i + id) % 2;
                    auto permit = (i % 3 == 0) ? limiter.try_acquire(n) : limiter.acquire(n);
                    if (!permit) {
                        continue;
                    }
                    const int now = inside.fetch_add(static_cast<int>(n)) + static_cast<int>(n);
                    int seen = max_inside.load();
                    while (now > seen && !max_inside.compare_exchange_weak(seen, now)) {
                    }
                    inside.fetch_sub(static_cast<int>(n));
                    if (!permit->release().ok()) {
                        ++failures;
                    }
                }
            });
        }
        for (auto& thread : threads) {
            thread.join();
        }
        QCOMPARE(failures.load(), 0);
        QVERIFY2(max_inside.load() <= 3, qPrintable(QString::number(max_inside.load())));
        QCOMPARE(limiter.in_use(), std::int64_t{0});
        const auto snapshot = limiter.snapshot();
        QCOMPARE(snapshot.acquired, snapshot.released);
    }

    // Limits change while permits are held and waiters queue: nothing crashes or deadlocks,
    // every release succeeds, and the limiter ends empty.
    void limitChangesUnderLoad() {
        constexpr int kThreads = 4;
        ConcurrencyLimiter limiter({.limit = 2});
        std::atomic<bool> stop{false};
        std::atomic<int> release_failures{0};
        std::atomic<int> granted{0};
        std::vector<std::thread> threads;
        for (int id = 0; id < kThreads; ++id) {
            threads.emplace_back([&] {
                while (!stop) {
                    auto permit = limiter.acquire_for(5ms);
                    if (!permit) {
                        continue;
                    }
                    ++granted;
                    if (!permit->release().ok()) {
                        ++release_failures;
                    }
                }
            });
        }
        for (int i = 0; i < 2000; ++i) {
            limiter.set_limit(1 + i % 4);
            const auto snapshot = limiter.snapshot();
            QVERIFY(snapshot.in_use <= 4);
            std::this_thread::yield();
        }
        stop = true;
        for (auto& thread : threads) {
            thread.join();
        }
        QCOMPARE(release_failures.load(), 0);
        QVERIFY(granted.load() > 0);
        QCOMPARE(limiter.in_use(), std::int64_t{0});
        QCOMPARE(limiter.waiting(), std::int64_t{0});
    }
};

QTEST_GUILESS_MAIN(TestConcurrencyLimiter)
#include "tst_concurrency_limiter.moc"
