#include <QtTest>

#include <atomic>
#include <barrier>
#include <cmath>
#include <functional>
#include <random>
#include <thread>
#include <vector>

#include "goflow/token_bucket.hpp"

using namespace std::chrono_literals;
using goflow::CancelSource;
using goflow::Context;
using goflow::errc;
using goflow::ManualClock;
using goflow::TimePoint;
using goflow::TokenBucket;

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

}  // namespace

class TestTokenBucket : public QObject {
    Q_OBJECT

  private slots:
    void newBucketIsFull() {
        auto clock = make_clock();
        TokenBucket bucket({.rate = 10, .burst = 5, .clock = clock});
        QCOMPARE(bucket.tokens(), 5.0);
        QCOMPARE(bucket.snapshot().burst, std::int64_t{5});
    }

    void initialTokensHonoured() {
        auto clock = make_clock();
        TokenBucket bucket({.rate = 10, .burst = 5, .initial_tokens = 1.5, .clock = clock});
        QCOMPARE(bucket.tokens(), 1.5);
        QVERIFY(bucket.allow());
        QVERIFY(!bucket.allow());
    }

    void burstThenOnePerInterval() {
        auto clock = make_clock();
        TokenBucket bucket({.rate = 10, .burst = 5, .clock = clock});
        for (int i = 0; i < 5; ++i) {
            QVERIFY2(bucket.allow(), qPrintable(QString("burst request %1").arg(i)));
        }
        QVERIFY(!bucket.allow());
        for (int step = 0; step < 20; ++step) {
            clock->advance(99ms);
            QVERIFY2(!bucket.allow(), qPrintable(QString("early at step %1").arg(step)));
            clock->advance(1ms);
            QVERIFY2(bucket.allow(), qPrintable(QString("due at step %1").arg(step)));
            QVERIFY(!bucket.allow());
        }
    }

    void fractionalTokensCarryOver() {
        auto clock = make_clock();
        TokenBucket bucket({.rate = 10, .burst = 2, .initial_tokens = 0.0, .clock = clock});
        // 30 ms earns 0.3 tokens, which a truncating bucket would lose at every call. The burst
        // of 2 is never reached, so no token is lost to the cap either.
        int admitted = 0;
        for (int i = 0; i < 10'000; ++i) {
            clock->advance(30ms);
            admitted += bucket.allow() ? 1 : 0;
        }
        // 300 s at 10/s is 3000 tokens; the last fraction may still be accruing.
        QVERIFY2(admitted >= 2999 && admitted <= 3000, qPrintable(QString::number(admitted)));
    }

    void waitReturnsWhenTokensAreDue() {
        auto clock = make_clock();
        TokenBucket bucket({.rate = 10, .burst = 5, .initial_tokens = 0.0, .clock = clock});
        TimePoint returned_at{};
        std::thread waiter([&] {
            QVERIFY(bucket.wait(3).ok());
            returned_at = clock->now();
        });
        QVERIFY(clock->await_waiters(1));
        QCOMPARE(clock->next_deadline().value(), TimePoint{300ms});
        clock->advance(299ms);
        QCOMPARE(clock->waiters(), std::size_t{1});
        clock->advance(1ms);
        waiter.join();
        QCOMPARE(returned_at, TimePoint{300ms});
        QCOMPARE(bucket.tokens(), 0.0);
    }

    void waitWithTokensAvailableDoesNotBlock() {
        auto clock = make_clock();
        TokenBucket bucket({.rate = 1, .burst = 3, .clock = clock});
        QVERIFY(bucket.wait(3).ok());
        QCOMPARE(bucket.tokens(), 0.0);
    }

    void requestAboveBurstFailsUntouched() {
        auto clock = make_clock();
        TokenBucket bucket({.rate = 1, .burst = 300, .clock = clock});
        QVERIFY(!bucket.allow(301));
        QCOMPARE(bucket.tokens(), 300.0);
        auto result = bucket.wait(301);
        QVERIFY(!result.ok());
        QCOMPARE(result.error().code, make_error_code(errc::exceeds_burst));
        QCOMPARE(bucket.tokens(), 300.0);
    }

    void waitPastDeadlineFailsAtOnce() {
        auto clock = make_clock();
        TokenBucket bucket({.rate = 1, .burst = 1, .clock = clock});
        QVERIFY(bucket.allow());
        const Context ctx = Context{}.with_timeout(*clock, 200ms);
        auto result = bucket.wait(1, ctx);
        QVERIFY(!result.ok());
        QCOMPARE(result.error().code, make_error_code(errc::deadline_exceeded));
        QCOMPARE(clock->now(), TimePoint{});
        clock->advance(1s);
        QVERIFY(bucket.allow());
    }

    void canceledWaitReturnsTokens() {
        auto clock = make_clock();
        TokenBucket bucket({.rate = 1, .burst = 2, .initial_tokens = 1.0, .clock = clock});
        CancelSource source;
        goflow::Result<void> result;
        std::thread waiter([&] { result = bucket.wait(2, source.context()); });
        QVERIFY(clock->await_waiters(1));
        QCOMPARE(bucket.tokens(), -1.0);
        source.cancel();
        waiter.join();
        QVERIFY(!result.ok());
        QCOMPARE(result.error().code, make_error_code(errc::canceled));
        QCOMPARE(bucket.tokens(), 1.0);
    }

    void unlimitedAdmitsEverything() {
        auto clock = make_clock();
        TokenBucket bucket({.rate = TokenBucket::unlimited, .burst = 0, .clock = clock});
        QVERIFY(bucket.allow(1000));
        QVERIFY(bucket.wait(5).ok());
        QCOMPARE(bucket.time_until(1'000'000), goflow::Duration::zero());
    }

    void zeroRateAdmitsOnlyTheBurst() {
        auto clock = make_clock();
        TokenBucket bucket({.rate = 0, .burst = 1, .clock = clock});
        QVERIFY(bucket.allow());
        clock->advance(1h);
        QVERIFY(!bucket.allow());
        QCOMPARE(bucket.time_until(1), goflow::Duration::max());
    }

    void earlierTimePointAddsNothing() {
        auto clock = make_clock();
        TokenBucket bucket({.rate = 10, .burst = 1, .clock = clock});
        QVERIFY(bucket.allow_at(TimePoint{1s}));
        QVERIFY(!bucket.allow_at(TimePoint{500ms}));
        QVERIFY(!bucket.allow_at(TimePoint{1s + 99ms}));
        QVERIFY(bucket.allow_at(TimePoint{1s + 100ms}));
    }

    void tinyRateStillLimits() {
        auto clock = make_clock();
        TokenBucket bucket({.rate = 1e-12, .burst = 1, .clock = clock});
        QVERIFY(bucket.allow());
        QVERIFY(!bucket.allow());
        QCOMPARE(bucket.time_until(1), goflow::Duration::max());
        clock->advance(24h * 365);
        QVERIFY(!bucket.allow());
    }

    void zeroRateWaitWithDeadlineFailsAtOnce() {
        auto clock = make_clock();
        TokenBucket bucket({.rate = 0, .burst = 1, .clock = clock});
        QVERIFY(bucket.allow());
        auto with_deadline = bucket.wait(1, Context{}.with_timeout(*clock, 100ms));
        QCOMPARE(with_deadline.error().code, make_error_code(errc::deadline_exceeded));
        auto without_deadline = bucket.wait(1);
        QCOMPARE(without_deadline.error().code, make_error_code(errc::rate_limited));
        QCOMPARE(clock->now(), TimePoint{});
        QCOMPARE(bucket.tokens(), 0.0);
    }

    void zeroBurstWaitFailsWithExceedsBurst() {
        auto clock = make_clock();
        TokenBucket bucket({.rate = 10, .burst = 0, .clock = clock});
        auto result = bucket.wait(1);
        QVERIFY(!result.ok());
        QCOMPARE(result.error().code, make_error_code(errc::exceeds_burst));
        QVERIFY2(result.error().message.find("burst is 0") != std::string::npos,
                 result.error().message.c_str());
    }

    void zeroBurstIsNeverUnlimited() {
        auto clock = make_clock();
        TokenBucket bucket({.rate = 1, .burst = 0, .clock = clock});
        int admitted = 0;
        for (int i = 0; i < 100; ++i) {
            clock->advance(10ms);
            admitted += bucket.allow() ? 1 : 0;
        }
        QCOMPARE(admitted, 0);
        QCOMPARE(bucket.snapshot().rejected, std::uint64_t{100});
    }

    void oversizedRequestsLeaveLevelUntouched() {
        auto clock = make_clock();
        TokenBucket bucket({.rate = 1, .burst = 300, .clock = clock});
        QVERIFY(!bucket.allow(301));
        QCOMPARE(bucket.tokens(), 300.0);
        QVERIFY(bucket.allow(1));
        QCOMPARE(bucket.tokens(), 299.0);
        auto result = bucket.wait(301);
        QCOMPARE(result.error().code, make_error_code(errc::exceeds_burst));
        QCOMPARE(bucket.tokens(), 299.0);
        auto reservation = bucket.reserve(301);
        QCOMPARE(reservation.error().code, make_error_code(errc::exceeds_burst));
        QCOMPARE(bucket.tokens(), 299.0);
    }

    void waitsAfterIdleReturnOnSchedule_data() {
        QTest::addColumn<qint64>("burst");
        QTest::addColumn<QList<qint64>>("expected_ms");
        QTest::newRow("burst 1") << qint64(1) << QList<qint64>{4000, 5000, 6000};
        QTest::newRow("burst 3") << qint64(3) << QList<qint64>{4000, 4000, 4000, 5000};
    }

    void waitsAfterIdleReturnOnSchedule() {
        QFETCH(qint64, burst);
        QFETCH(QList<qint64>, expected_ms);
        auto clock = make_clock();
        TokenBucket bucket({.rate = 1, .burst = burst, .clock = clock});
        QList<qint64> returned_ms;
        goflow::Result<void> first;
        run_driving_clock(*clock, [&] {
            first = bucket.wait();
            clock->sleep_until(TimePoint{4s});
            for (qsizetype i = 0; i < expected_ms.size(); ++i) {
                if (!bucket.wait().ok()) {
                    return;
                }
                returned_ms.append((clock->now() - TimePoint{}) / 1ms);
            }
        });
        QVERIFY(first.ok());
        QCOMPARE(returned_ms, expected_ms);
    }

    void deadlineErrorIsDistinct() {
        auto clock = make_clock();
        TokenBucket bucket({.rate = 1, .burst = 1, .clock = clock});
        QVERIFY(bucket.allow());
        auto result = bucket.wait(1, Context{}.with_timeout(*clock, 200ms));
        QVERIFY(!result.ok());
        QCOMPARE(result.error().code, make_error_code(errc::deadline_exceeded));
        QVERIFY(result.error().code != make_error_code(errc::canceled));
        QVERIFY(result.error().code != make_error_code(errc::exceeds_burst));
        QCOMPARE(bucket.tokens(), 0.0);
        QVERIFY(!bucket.allow_at(TimePoint{999ms}));
        QVERIFY(bucket.allow_at(TimePoint{1s}));
    }

    void loweredBurstClampsLevel() {
        auto clock = make_clock();
        TokenBucket bucket({.rate = 10, .burst = 10, .clock = clock});
        bucket.set_burst(5);
        QCOMPARE(bucket.burst(), std::int64_t{5});
        QCOMPARE(bucket.tokens(), 5.0);
        QVERIFY(bucket.allow(5));
        QVERIFY(!bucket.allow(1));
        for (int step = 1; step <= 10; ++step) {
            QVERIFY2(bucket.tokens_at(TimePoint{step * 100ms}) <= 5.0,
                     qPrintable(QString::number(step)));
        }
        clock->advance(1s);
        QCOMPARE(bucket.tokens(), 5.0);
        QVERIFY(bucket.allow(5));
        clock->advance(10s);
        QCOMPARE(bucket.tokens(), 5.0);
        QVERIFY(!bucket.allow(6));
    }

    void setRateKeepsEarnedTokens() {
        auto clock = make_clock();
        TokenBucket bucket({.rate = 10, .burst = 100, .initial_tokens = 0.0, .clock = clock});
        clock->advance(1s);
        bucket.set_rate(1);
        QCOMPARE(bucket.rate(), 1.0);
        QCOMPARE(bucket.tokens(), 10.0);
        clock->advance(1s);
        QCOMPARE(bucket.tokens(), 11.0);
        QVERIFY(bucket.allow(1));
        // 1.5 s is earlier than the admission at 2 s, so the new rate applies from 2 s.
        bucket.set_rate_at(TimePoint{1500ms}, 1000);
        QCOMPARE(bucket.tokens(), 10.0);
        clock->advance(1ms);
        QCOMPARE(bucket.tokens(), 11.0);
    }

    void unlimitedToFiniteStartsFull() {
        auto clock = make_clock();
        TokenBucket bucket(
            {.rate = TokenBucket::unlimited, .burst = 3, .initial_tokens = 0.0, .clock = clock});
        QVERIFY(bucket.allow(100));
        bucket.set_rate(1);
        QCOMPARE(bucket.tokens(), 3.0);
        QVERIFY(bucket.allow(3));
        QVERIFY(!bucket.allow());
        bucket.set_rate(TokenBucket::unlimited);
        QVERIFY(bucket.allow(1000));
    }

    void reconfigurationRejectsInvalidValues() {
        auto clock = make_clock();
        TokenBucket bucket({.rate = 1, .burst = 1, .clock = clock});
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, bucket.set_rate(-1));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, bucket.set_rate(std::nan("")));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, bucket.set_burst(-1));
        QCOMPARE(bucket.rate(), 1.0);
        QCOMPARE(bucket.burst(), std::int64_t{1});
    }

    void reservationReportsDelay() {
        auto clock = make_clock();
        TokenBucket bucket({.rate = 10, .burst = 5, .initial_tokens = 1.0, .clock = clock});
        auto now = bucket.reserve(1);
        QVERIFY(now.ok());
        QCOMPARE(now->delay(), goflow::Duration::zero());
        auto later = bucket.reserve(3);
        QVERIFY(later.ok());
        QCOMPARE(later->delay(), goflow::Duration(300ms));
        QCOMPARE(later->time_to_act(), TimePoint{300ms});
        QCOMPARE(bucket.tokens(), -3.0);
        QCOMPARE(bucket.snapshot().admitted, std::uint64_t{2});
    }

    void cancelHandsBackUnclaimedTokens() {
        auto clock = make_clock();
        TokenBucket bucket({.rate = 1, .burst = 2, .initial_tokens = 0.0, .clock = clock});
        auto first = bucket.reserve(1);
        auto second = bucket.reserve(1);
        QCOMPARE(first->time_to_act(), TimePoint{1s});
        QCOMPARE(second->time_to_act(), TimePoint{2s});
        // The second reservation counted on the token the first one waits for.
        QCOMPARE(first->cancel(), 0.0);
        QCOMPARE(bucket.tokens(), -2.0);
        QCOMPARE(second->cancel(), 1.0);
        QCOMPARE(bucket.tokens(), -1.0);
    }

    void cancelInReverseOrderHandsBackAll() {
        auto clock = make_clock();
        TokenBucket bucket({.rate = 1, .burst = 2, .initial_tokens = 0.0, .clock = clock});
        auto first = bucket.reserve(1);
        auto second = bucket.reserve(1);
        QCOMPARE(second->cancel(), 1.0);
        QCOMPARE(first->cancel(), 1.0);
        QCOMPARE(bucket.tokens(), 0.0);
        auto again = bucket.reserve(1);
        QCOMPARE(again->time_to_act(), TimePoint{1s});
    }

    void cancelTwiceOrLateGivesNothing() {
        auto clock = make_clock();
        TokenBucket bucket({.rate = 1, .burst = 2, .initial_tokens = 0.0, .clock = clock});
        auto twice = bucket.reserve(1);
        QCOMPARE(twice->cancel(), 1.0);
        QCOMPARE(twice->cancel(), 0.0);
        QCOMPARE(bucket.tokens(), 0.0);

        auto late = bucket.reserve(1);
        clock->advance(1s);
        QCOMPARE(late->cancel(), 0.0);
        QCOMPARE(bucket.tokens(), 0.0);

        TokenBucket::Reservation empty;
        QCOMPARE(empty.cancel(), 0.0);
        auto moved = bucket.reserve(1);
        TokenBucket::Reservation target = std::move(*moved);
        QCOMPARE(moved->cancel(), 0.0);
        QCOMPARE(target.cancel(), 1.0);
    }

    void reservationNeverDueIsRejected() {
        auto clock = make_clock();
        TokenBucket bucket({.rate = 0, .burst = 1, .initial_tokens = 0.0, .clock = clock});
        auto result = bucket.reserve(1);
        QCOMPARE(result.error().code, make_error_code(errc::rate_limited));
        QCOMPARE(bucket.tokens(), 0.0);
    }

    void longWaitDoesNotOverflow() {
        auto clock = make_clock();
        // One token every 1e8 s (about 3.2 years) is still representable in nanoseconds.
        TokenBucket slow({.rate = 1e-8, .burst = 1, .initial_tokens = 0.0, .clock = clock});
        QCOMPARE(slow.time_until(1), goflow::Duration(100'000'000'000'000'000));
        auto reservation = slow.reserve(1);
        QCOMPARE(reservation->delay(), goflow::Duration(100'000'000'000'000'000));

        // One token every 1e12 s is beyond the range of a nanosecond duration: never.
        TokenBucket tiny({.rate = 1e-12, .burst = 1, .initial_tokens = 0.0, .clock = clock});
        QCOMPARE(tiny.time_until(1), goflow::Duration::max());
        auto result = tiny.wait(1);
        QCOMPARE(result.error().code, make_error_code(errc::rate_limited));
        QCOMPARE(tiny.tokens(), 0.0);
    }

    void earlierTimePointDoesNotDateEarlier() {
        auto clock = make_clock();
        TokenBucket bucket({.rate = 1, .burst = 1, .clock = clock});
        QVERIFY(bucket.allow_at(TimePoint{10s}));
        auto reservation = bucket.reserve_at(TimePoint{5s}, 1);
        QCOMPARE(reservation->time_to_act(), TimePoint{11s});
        QCOMPARE(bucket.tokens_at(TimePoint{5s}), -1.0);
        QCOMPARE(bucket.time_until_at(TimePoint{5s}, 1), goflow::Duration(2s));
        bucket.set_burst_at(TimePoint{1s}, 1);
        QCOMPARE(bucket.tokens_at(TimePoint{10s}), -1.0);
    }

    void waitIsRejectedWhenAlreadyCanceled() {
        auto clock = make_clock();
        TokenBucket bucket({.rate = 1, .burst = 1, .clock = clock});
        CancelSource source;
        source.cancel();
        auto result = bucket.wait(1, source.context());
        QCOMPARE(result.error().code, make_error_code(errc::canceled));
        QCOMPARE(bucket.tokens(), 1.0);
    }

    // Threads hammer one bucket in lock-step rounds of the manual clock. Every round's
    // admissions happen at one known time point, so the admitted count over every window of
    // rounds can be checked against burst + rate * window.
    void contendedAdmissionsStayWithinBound() {
        constexpr int kThreads = 4;
        constexpr int kRounds = 400;
        constexpr double kRate = 1000;
        constexpr std::int64_t kBurst = 20;
        auto clock = make_clock();
        TokenBucket bucket({.rate = kRate, .burst = kBurst, .clock = clock});
        std::vector<std::atomic<std::int64_t>> admitted_in_round(kRounds);
        std::vector<TimePoint> round_time(kRounds);
        std::mt19937 random(42);
        std::uniform_int_distribution<int> step_us(0, 30'000);
        std::barrier sync(kThreads + 1);

        std::vector<std::thread> threads;
        for (int id = 0; id < kThreads; ++id) {
            threads.emplace_back([&, id] {
                for (int round = 0; round < kRounds; ++round) {
                    sync.arrive_and_wait();  // the clock is set for this round
                    for (int i = 0; i < 20; ++i) {
                        const std::int64_t n = 1 + (i + id) % 3;
                        if (bucket.allow(n)) {
                            admitted_in_round[round] += n;
                        }
                    }
                    sync.arrive_and_wait();  // the round is over
                }
            });
        }
        for (int round = 0; round < kRounds; ++round) {
            clock->advance(std::chrono::microseconds(step_us(random)));
            round_time[round] = clock->now();
            sync.arrive_and_wait();
            sync.arrive_and_wait();
        }
        for (auto& thread : threads) {
            thread.join();
        }

        std::int64_t total = 0;
        for (int first = 0; first < kRounds; ++first) {
            std::int64_t window = 0;
            for (int last = first; last < kRounds; ++last) {
                window += admitted_in_round[last];
                const double seconds =
                    std::chrono::duration<double>(round_time[last] - round_time[first]).count();
                const double bound = static_cast<double>(kBurst) + kRate * seconds;
                if (static_cast<double>(window) > bound + 1e-9) {
                    QFAIL(qPrintable(QString("rounds %1..%2 admitted %3 tokens, bound %4")
                                         .arg(first)
                                         .arg(last)
                                         .arg(window)
                                         .arg(bound)));
                }
            }
            total += admitted_in_round[first];
        }
        // The rounds are long enough on average for the bucket to refill, so most must pass.
        QVERIFY2(total > kRounds * 5, qPrintable(QString::number(total)));
    }

    // Threads call allow() while another thread moves the clock freely. The admitted total can
    // never exceed the burst plus what the rate earned between the first and last time point.
    void freeRunningAdmissionsStayWithinBound() {
        constexpr int kThreads = 3;
        constexpr double kRate = 10'000;
        constexpr std::int64_t kBurst = 50;
        auto clock = make_clock();
        TokenBucket bucket({.rate = kRate, .burst = kBurst, .clock = clock});
        std::atomic<bool> stop{false};
        std::atomic<std::int64_t> admitted{0};
        std::vector<std::thread> threads;
        for (int id = 0; id < kThreads; ++id) {
            threads.emplace_back([&] {
                std::int64_t own = 0;
                while (!stop) {
                    own += bucket.allow() ? 1 : 0;
                }
                admitted += own;
            });
        }
        for (int step = 0; step < 500; ++step) {
            clock->advance(37us);
            std::this_thread::yield();
        }
        stop = true;
        for (auto& thread : threads) {
            thread.join();
        }
        const double seconds = std::chrono::duration<double>(clock->now() - TimePoint{}).count();
        const double bound = static_cast<double>(kBurst) + kRate * seconds;
        QVERIFY2(static_cast<double>(admitted.load()) <= bound,
                 qPrintable(QString("admitted %1, bound %2").arg(admitted.load()).arg(bound)));
        QCOMPARE(bucket.snapshot().admitted, static_cast<std::uint64_t>(admitted.load()));
    }

    // With rate 0 the bucket hands out exactly its burst, however the threads interleave; a lost
    // update under contention would admit more or fewer.
    void contendedAllowsCountExactly() {
        constexpr int kThreads = 4;
        constexpr std::int64_t kBurst = 200'000;
        auto clock = make_clock();
        TokenBucket bucket({.rate = 0, .burst = kBurst, .clock = clock});
        std::atomic<std::int64_t> admitted{0};
        std::vector<std::thread> threads;
        for (int id = 0; id < kThreads; ++id) {
            threads.emplace_back([&] {
                std::int64_t own = 0;
                while (bucket.allow()) {
                    ++own;
                }
                admitted += own;
            });
        }
        for (auto& thread : threads) {
            thread.join();
        }
        QCOMPARE(admitted.load(), kBurst);
        QCOMPARE(bucket.tokens(), 0.0);
        const auto snapshot = bucket.snapshot();
        QCOMPARE(snapshot.admitted, static_cast<std::uint64_t>(kBurst));
        QCOMPARE(snapshot.rejected, static_cast<std::uint64_t>(kThreads));
    }

    void everyConvertsIntervalToRate() {
        QCOMPARE(goflow::TokenBucketOptions::every(250ms), 4.0);
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                                 (void)goflow::TokenBucketOptions::every(0ms));
    }

    void invalidOptionsNameTheField_data() {
        QTest::addColumn<double>("rate");
        QTest::addColumn<qint64>("burst");
        QTest::addColumn<double>("initial");
        QTest::addColumn<QString>("field");
        QTest::newRow("negative rate") << -1.0 << qint64(1) << 0.0 << "rate";
        QTest::newRow("NaN rate") << std::nan("") << qint64(1) << 0.0 << "rate";
        QTest::newRow("negative burst") << 1.0 << qint64(-2) << 0.0 << "burst";
        QTest::newRow("initial above burst") << 1.0 << qint64(2) << 3.0 << "initial_tokens";
        QTest::newRow("NaN initial") << 1.0 << qint64(2) << std::nan("") << "initial_tokens";
    }

    void invalidOptionsNameTheField() {
        QFETCH(double, rate);
        QFETCH(qint64, burst);
        QFETCH(double, initial);
        QFETCH(QString, field);
        try {
            TokenBucket bucket({.rate = rate, .burst = burst, .initial_tokens = initial});
            QFAIL("options were accepted");
        } catch (const std::invalid_argument& e) {
            const QString message = QString::fromUtf8(e.what());
            QVERIFY2(message.startsWith(field + " must be"), qPrintable(message));
        }
    }
};

QTEST_GUILESS_MAIN(TestTokenBucket)
#include "tst_token_bucket.moc"
