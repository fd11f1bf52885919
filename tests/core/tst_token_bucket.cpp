#include <QtTest>

#include <cmath>
#include <thread>

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

    void everyConvertsIntervalToRate() {
        QCOMPARE(goflow::TokenBucketOptions::every(250ms), 4.0);
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, (void)goflow::TokenBucketOptions::every(0ms));
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
