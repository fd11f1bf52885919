#include <QtTest>

#include <thread>

#include "goflow/context.hpp"

using namespace std::chrono_literals;
using goflow::CancelSource;
using goflow::Context;
using goflow::errc;
using goflow::ManualClock;
using goflow::TimePoint;

class TestContext : public QObject {
    Q_OBJECT

  private slots:
    void backgroundNeverEnds() {
        const Context ctx;
        QVERIFY(!ctx.canceled());
        QVERIFY(!ctx.has_deadline());
        QVERIFY(!ctx.error(TimePoint::max() - 1ns));
        QVERIFY(!ctx.stop_token().stop_possible());
    }

    void cancelReachesEveryDescendant() {
        CancelSource root;
        CancelSource child(root.context());
        CancelSource grandchild(child.context());
        const Context with_deadline = grandchild.context().with_deadline(TimePoint{1h});

        root.cancel();
        QVERIFY(child.canceled());
        QVERIFY(grandchild.canceled());
        QVERIFY(with_deadline.canceled());
        QCOMPARE(with_deadline.error(TimePoint{}), make_error_code(errc::canceled));
    }

    void childCancelLeavesParent() {
        CancelSource root;
        CancelSource child(root.context());
        child.cancel();
        QVERIFY(child.canceled());
        QVERIFY(!root.canceled());
    }

    void childOfCanceledParentStartsCanceled() {
        CancelSource root;
        root.cancel();
        CancelSource child(root.context());
        QVERIFY(child.canceled());
    }

    void childDeadlineIsTheEarlier() {
        CancelSource parent(Context{}, TimePoint{10s});
        QCOMPARE(parent.context().with_deadline(TimePoint{20s}).deadline(), TimePoint{10s});
        QCOMPARE(parent.context().with_deadline(TimePoint{5s}).deadline(), TimePoint{5s});
        CancelSource child(parent.context(), TimePoint{30s});
        QCOMPARE(child.context().deadline(), TimePoint{10s});
    }

    void deadlineReportedOnceReached() {
        ManualClock clock;
        const Context ctx = Context{}.with_timeout(clock, 100ms);
        QVERIFY(!ctx.error(clock));
        clock.advance(99ms);
        QVERIFY(!ctx.error(clock));
        clock.advance(1ms);
        QCOMPARE(ctx.error(clock), make_error_code(errc::deadline_exceeded));
    }

    void cancelWakesWaiter() {
        ManualClock clock;
        CancelSource source;
        std::mutex mutex;
        std::condition_variable_any cv;
        std::error_code result;
        std::thread waiter([&] {
            std::unique_lock lock(mutex);
            result = goflow::wait(clock, lock, cv, source.context(), [] { return false; });
        });
        QVERIFY(clock.await_waiters(1));
        source.cancel();
        waiter.join();
        QCOMPARE(result, make_error_code(errc::canceled));
    }

    void waitEndsAtContextDeadline() {
        ManualClock clock;
        const Context ctx = Context{}.with_deadline(TimePoint{50ms});
        std::mutex mutex;
        std::condition_variable_any cv;
        std::error_code result;
        std::thread waiter([&] {
            std::unique_lock lock(mutex);
            result = goflow::wait(clock, lock, cv, ctx, [] { return false; });
        });
        QVERIFY(clock.await_waiters(1));
        clock.advance(50ms);
        waiter.join();
        QCOMPARE(result, make_error_code(errc::deadline_exceeded));
    }

    void sleepPastDeadlineFailsAtOnce() {
        ManualClock clock;
        const Context ctx = Context{}.with_deadline(TimePoint{100ms});
        // No other thread advances the clock: a sleep that blocked would hang the test.
        QCOMPARE(goflow::sleep_until(clock, ctx, TimePoint{200ms}),
                 make_error_code(errc::deadline_exceeded));
        QCOMPARE(clock.waiters(), std::size_t{0});
    }

    void sleepReachesItsTime() {
        ManualClock clock;
        std::error_code result = make_error_code(errc::canceled);
        std::thread sleeper([&] { result = goflow::sleep_until(clock, Context{}, TimePoint{1s}); });
        QVERIFY(clock.await_waiters(1));
        clock.advance(1s);
        sleeper.join();
        QVERIFY(!result);
    }

    void cancelRacingChildCreationIsSafe() {
        for (int round = 0; round < 1000; ++round) {
            CancelSource root;
            std::thread canceler([&] { root.cancel(); });
            CancelSource child(root.context());
            canceler.join();
            QVERIFY(child.canceled());
        }
    }
};

QTEST_GUILESS_MAIN(TestContext)
#include "tst_context.moc"
