#include <QtTest>

#include <atomic>
#include <cmath>
#include <functional>
#include <thread>
#include <vector>

#include "goflow/leaky_bucket.hpp"
#include "goflow/token_bucket.hpp"

using namespace std::chrono_literals;
using goflow::CancelSource;
using goflow::Context;
using goflow::Duration;
using goflow::errc;
using goflow::LeakyBucket;
using goflow::ManualClock;
using goflow::TimePoint;

namespace {

std::shared_ptr<ManualClock> make_clock() {
    return std::make_shared<ManualClock>();
}

// Runs `body` on a thread and, while it runs, advances `clock` to each deadline that a blocked
// thread waits for, so blocking calls return at exactly their due time.
void run_driving_clock(ManualClock& clock, const std::function<void()>& body) {
    std::atomic<bool> done{false};
    std::thread worker([&] {
        body();
        done = true;
    });
    while (!done) {
        if (clock.await_waiters(1, 20ms)) {
            if (auto next = clock.next_deadline()) {
                clock.advance_to(std::max(*next, clock.now()));
            }
        }
    }
    worker.join();
}

qint64 ms_since_start(TimePoint t) {
    return (t - TimePoint{}) / 1ms;
}

// Takes `count` times on `pacer` and returns the clock time after each take.
QList<qint64> take_times_ms(LeakyBucket& pacer, ManualClock& clock, int count) {
    QList<qint64> times;
    for (int i = 0; i < count; ++i) {
        if (!pacer.take().ok()) {
            break;
        }
        times.append(ms_since_start(clock.now()));
    }
    return times;
}

}  // namespace

class TestLeakyBucket : public QObject {
    Q_OBJECT

  private slots:
    void takesAfterIdleAreSpaced_data() {
        QTest::addColumn<qint64>("slack");
        QTest::newRow("no slack") << qint64(0);
        QTest::newRow("slack 1") << qint64(1);
        QTest::newRow("slack 4") << qint64(4);
    }

    void takesAfterIdleAreSpaced() {
        QFETCH(qint64, slack);
        auto clock = make_clock();
        LeakyBucket pacer({.rate = 10, .slack = slack, .clock = clock});
        QList<qint64> times;
        run_driving_clock(*clock, [&] {
            QVERIFY(pacer.take().ok());
            clock->sleep_until(TimePoint{2s});
            times = take_times_ms(pacer, *clock, 25);
        });
        QList<qint64> expected;
        for (qint64 i = 0; i <= slack; ++i) {
            expected.append(2000);
        }
        for (qint64 i = 1; expected.size() < 25; ++i) {
            expected.append(2000 + 100 * i);
        }
        QCOMPARE(times, expected);
        if (slack == 0) {
            QCOMPARE(times.last(), qint64{4400});
        }
    }

    void spacingHoldsAfterLongIdle_data() {
        QTest::addColumn<qint64>("slack");
        QTest::newRow("no slack") << qint64(0);
        QTest::newRow("slack 3") << qint64(3);
    }

    void spacingHoldsAfterLongIdle() {
        QFETCH(qint64, slack);
        auto clock = make_clock();
        LeakyBucket pacer({.rate = 10, .slack = slack, .clock = clock});
        QList<qint64> before;
        QList<qint64> after;
        run_driving_clock(*clock, [&] {
            before = take_times_ms(pacer, *clock, 10);
            clock->sleep_until(clock->now() + 30s);
            after = take_times_ms(pacer, *clock, 100);
        });
        QCOMPARE(before.size(), 10);
        QCOMPARE(after.size(), 100);
        for (qsizetype i = slack + 1; i < before.size(); ++i) {
            QVERIFY2(before[i] - before[i - 1] >= 100,
                     qPrintable(QString("before, take %1").arg(i)));
        }
        for (qsizetype i = 0; i <= slack; ++i) {
            QCOMPARE(after[i], after[0]);
        }
        for (qsizetype i = slack + 1; i < after.size(); ++i) {
            QVERIFY2(after[i] - after[i - 1] >= 100,
                     qPrintable(QString("after, take %1: %2 ms then %3 ms")
                                    .arg(i)
                                    .arg(after[i - 1])
                                    .arg(after[i])));
        }
    }

    // The token bucket lets a full burst through after idling; the pacer with no slack spaces
    // the same requests 1/rate apart.
    void differsFromTokenBucketAfterIdle() {
        auto clock = make_clock();
        goflow::TokenBucket bucket({.rate = 10, .burst = 10, .clock = clock});
        LeakyBucket pacer({.rate = 10, .slack = 0, .clock = clock});
        clock->advance(2s);
        int bucket_admitted = 0;
        int pacer_admitted = 0;
        for (int i = 0; i < 10; ++i) {
            bucket_admitted += bucket.allow() ? 1 : 0;
            pacer_admitted += pacer.try_take() ? 1 : 0;
        }
        QCOMPARE(bucket_admitted, 10);
        QCOMPARE(pacer_admitted, 1);
        QCOMPARE(pacer.time_until(), Duration(100ms));
    }

    // For single-token requests, slack k admits what a token bucket with burst k + 1 admits.
    void slackMatchesTokenBucketBurst() {
        auto clock = make_clock();
        constexpr std::int64_t kSlack = 3;
        goflow::TokenBucket bucket({.rate = 7, .burst = kSlack + 1, .clock = clock});
        LeakyBucket pacer({.rate = 7, .slack = kSlack, .clock = clock});
        std::uint64_t state = 12345;
        for (int i = 0; i < 5000; ++i) {
            state = state * 6364136223846793005ULL + 1442695040888963407ULL;
            clock->advance(Duration(static_cast<std::int64_t>((state >> 33) % 400'000'000)));
            const bool bucket_admits = bucket.allow();
            const bool pacer_admits = pacer.try_take();
            QVERIFY2(bucket_admits == pacer_admits, qPrintable(QString("request %1").arg(i)));
        }
    }

    void tryTakeAdmitsOnlyDueSlots() {
        auto clock = make_clock();
        LeakyBucket pacer({.rate = 4, .slack = 0, .clock = clock});
        QVERIFY(pacer.try_take());
        QVERIFY(!pacer.try_take());
        clock->advance(249ms);
        QVERIFY(!pacer.try_take());
        clock->advance(1ms);
        QVERIFY(pacer.try_take());
        const auto snapshot = pacer.snapshot();
        QCOMPARE(snapshot.admitted, std::uint64_t{2});
        QCOMPARE(snapshot.rejected, std::uint64_t{2});
    }

    void reserveAssignsConsecutiveSlots() {
        auto clock = make_clock();
        LeakyBucket pacer({.rate = 3, .slack = 0, .clock = clock});
        std::vector<TimePoint> slot_times;
        for (int i = 0; i < 3001; ++i) {
            slot_times.push_back(pacer.reserve_at(TimePoint{}).value());
        }
        // Slot k is at ceil(k / 3 s): no drift after thousands of slots.
        QCOMPARE(slot_times[1], TimePoint{Duration(333'333'334)});
        QCOMPARE(slot_times[3], TimePoint{1s});
        QCOMPARE(slot_times[3000], TimePoint{1000s});
        QCOMPARE(pacer.snapshot().backlog, 3001.0);
    }

    void earlierTimePointDoesNotDateEarlier() {
        auto clock = make_clock();
        LeakyBucket pacer({.rate = 10, .slack = 0, .clock = clock});
        QVERIFY(pacer.try_take_at(TimePoint{10s}));
        QVERIFY(!pacer.try_take_at(TimePoint{5s}));
        QCOMPARE(pacer.reserve_at(TimePoint{5s}).value(), TimePoint{10s + 100ms});
    }

    void takePastDeadlineFailsAtOnce() {
        auto clock = make_clock();
        LeakyBucket pacer({.rate = 1, .slack = 0, .clock = clock});
        QVERIFY(pacer.try_take());
        auto result = pacer.take(Context{}.with_timeout(*clock, 500ms));
        QVERIFY(!result.ok());
        QCOMPARE(result.error().code, make_error_code(errc::deadline_exceeded));
        QCOMPARE(clock->now(), TimePoint{});
        // No slot was taken: the next one is still at 1 s.
        QCOMPARE(pacer.time_until(), Duration(1s));
    }

    void canceledTakeFreesLastSlot() {
        auto clock = make_clock();
        LeakyBucket pacer({.rate = 1, .slack = 0, .clock = clock});
        QVERIFY(pacer.try_take());
        CancelSource source;
        goflow::Result<void> result;
        std::thread waiter([&] { result = pacer.take(source.context()); });
        QVERIFY(clock->await_waiters(1));
        QCOMPARE(pacer.time_until(), Duration(2s));
        source.cancel();
        waiter.join();
        QCOMPARE(result.error().code, make_error_code(errc::canceled));
        QCOMPARE(pacer.time_until(), Duration(1s));
    }

    void canceledTakeKeepsLaterSlots() {
        auto clock = make_clock();
        LeakyBucket pacer({.rate = 1, .slack = 0, .clock = clock});
        QVERIFY(pacer.try_take());
        CancelSource source;
        goflow::Result<void> result;
        std::thread waiter([&] { result = pacer.take(source.context()); });
        QVERIFY(clock->await_waiters(1));
        const TimePoint later = pacer.reserve().value();
        QCOMPARE(later, TimePoint{2s});
        source.cancel();
        waiter.join();
        QCOMPARE(result.error().code, make_error_code(errc::canceled));
        // The canceled slot at 1 s stays unused; the next free slot is still after 2 s.
        QCOMPARE(pacer.time_until(), Duration(3s));
    }

    void unlimitedAdmitsEverything() {
        auto clock = make_clock();
        LeakyBucket pacer({.rate = LeakyBucket::unlimited, .clock = clock});
        for (int i = 0; i < 1000; ++i) {
            QVERIFY(pacer.try_take());
        }
        QVERIFY(pacer.take().ok());
        QCOMPARE(pacer.time_until(), Duration::zero());
    }

    void tinyRateNeverOverflows() {
        auto clock = make_clock();
        LeakyBucket pacer({.rate = 1e-12, .slack = 0, .clock = clock});
        QVERIFY(pacer.try_take());
        QVERIFY(!pacer.try_take());
        QCOMPARE(pacer.time_until(), Duration::max());
        QCOMPARE(pacer.take().error().code, make_error_code(errc::rate_limited));
        auto with_deadline = pacer.take(Context{}.with_timeout(*clock, 1h));
        QCOMPARE(with_deadline.error().code, make_error_code(errc::deadline_exceeded));
        QCOMPARE(pacer.reserve().error().code, make_error_code(errc::rate_limited));
        clock->advance(24h * 365);
        QVERIFY(!pacer.try_take());
    }

    void invalidOptionsNameTheField_data() {
        QTest::addColumn<double>("rate");
        QTest::addColumn<qint64>("slack");
        QTest::addColumn<QString>("message");
        QTest::newRow("zero rate")
            << 0.0 << qint64(0) << "rate must be positive or unlimited, got 0";
        QTest::newRow("negative rate")
            << -5.0 << qint64(0) << "rate must be positive or unlimited, got -5";
        QTest::newRow("NaN rate") << std::nan("") << qint64(0)
                                  << "rate must be positive or unlimited, got nan";
        QTest::newRow("negative slack")
            << 1.0 << qint64(-1) << "slack must be non-negative, got -1";
    }

    void invalidOptionsNameTheField() {
        QFETCH(double, rate);
        QFETCH(qint64, slack);
        QFETCH(QString, message);
        try {
            LeakyBucket pacer({.rate = rate, .slack = slack});
            QFAIL("options were accepted");
        } catch (const std::invalid_argument& e) {
            QCOMPARE(QString::fromUtf8(e.what()), message);
        }
    }

    // Threads race on one pacer while the clock moves; the reserved slots must still be spaced.
    void contendedReservationsStaySpaced() {
        constexpr int kThreads = 4;
        constexpr int kPerThread = 500;
        auto clock = make_clock();
        LeakyBucket pacer({.rate = 1000, .slack = 2, .clock = clock});
        std::vector<std::vector<TimePoint>> per_thread(kThreads);
        std::atomic<bool> stop{false};
        std::thread ticker([&] {
            while (!stop) {
                clock->advance(700us);
                std::this_thread::yield();
            }
        });
        std::vector<std::thread> threads;
        for (int id = 0; id < kThreads; ++id) {
            threads.emplace_back([&, id] {
                for (int i = 0; i < kPerThread; ++i) {
                    per_thread[id].push_back(pacer.reserve().value());
                }
            });
        }
        for (auto& thread : threads) {
            thread.join();
        }
        stop = true;
        ticker.join();

        std::vector<TimePoint> all;
        for (const auto& own : per_thread) {
            all.insert(all.end(), own.begin(), own.end());
        }
        std::sort(all.begin(), all.end());
        // With slack 2, slot i is at least 1/rate after slot i - 3, whatever the interleaving.
        for (std::size_t i = 3; i < all.size(); ++i) {
            QVERIFY2(all[i] - all[i - 3] >= 1ms,
                     qPrintable(QString("slots %1..%2 within %3 ns")
                                    .arg(i - 3)
                                    .arg(i)
                                    .arg((all[i] - all[i - 3]).count())));
        }
    }
};

QTEST_GUILESS_MAIN(TestLeakyBucket)
#include "tst_leaky_bucket.moc"
