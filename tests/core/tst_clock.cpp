#include <QtTest>

#include <atomic>
#include <thread>

#include "goflow/clock.hpp"

using namespace std::chrono_literals;
using goflow::ManualClock;
using goflow::TimePoint;

class TestClock : public QObject {
    Q_OBJECT

  private slots:
    void manualClockStartsWhereTold() {
        const TimePoint start{5s};
        ManualClock clock(start);
        QCOMPARE(clock.now(), start);
        clock.advance(250ms);
        QCOMPARE(clock.now(), start + 250ms);
        clock.advance_to(start + 1s);
        QCOMPARE(clock.now(), start + 1s);
    }

    void manualClockRejectsGoingBack() {
        ManualClock clock(TimePoint{1s});
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, clock.advance(-1ns));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, clock.advance_to(TimePoint{999ms}));
        QCOMPARE(clock.now(), TimePoint{1s});
    }

    void wallTimeFollowsManualTime() {
        const goflow::WallTimePoint wall{std::chrono::sys_days{std::chrono::year{2026} / 3 / 8}};
        ManualClock clock(TimePoint{}, wall);
        clock.advance(90min);
        QCOMPARE(clock.wall_now(), wall + 90min);
    }

    void sleeperWakesExactlyAtDeadline() {
        ManualClock clock;
        std::atomic<bool> woke{false};
        TimePoint woke_at{};
        std::thread sleeper([&] {
            QVERIFY(clock.sleep_until(TimePoint{100ms}));
            woke_at = clock.now();
            woke = true;
        });
        QVERIFY(clock.await_waiters(1));
        QCOMPARE(clock.next_deadline().value(), TimePoint{100ms});

        clock.advance(99ms);
        QCOMPARE(clock.waiters(), std::size_t{1});
        QVERIFY(!woke.load());

        clock.advance(1ms);
        sleeper.join();
        QVERIFY(woke.load());
        QCOMPARE(woke_at, TimePoint{100ms});
        QCOMPARE(clock.waiters(), std::size_t{0});
    }

    void advancePastSeveralDeadlinesWakesEach() {
        ManualClock clock;
        std::atomic<int> awake{0};
        std::vector<std::thread> sleepers;
        for (int i = 1; i <= 3; ++i) {
            sleepers.emplace_back([&clock, &awake, i] {
                clock.sleep_until(TimePoint{i * 10ms});
                ++awake;
            });
        }
        QVERIFY(clock.await_waiters(3));
        clock.advance(20ms);
        QTRY_COMPARE(awake.load(), 2);
        QCOMPARE(clock.waiters(), std::size_t{1});
        clock.advance(10ms);
        for (auto& t : sleepers) {
            t.join();
        }
        QCOMPARE(awake.load(), 3);
    }

    void stopRequestWakesManualSleeper() {
        ManualClock clock;
        std::stop_source stop;
        bool reached = true;
        std::thread sleeper([&] { reached = clock.sleep_until(TimePoint{1h}, stop.get_token()); });
        QVERIFY(clock.await_waiters(1));
        stop.request_stop();
        sleeper.join();
        QVERIFY(!reached);
        QCOMPARE(clock.now(), TimePoint{});
    }

    void pastDeadlineReturnsAtOnce() {
        ManualClock clock(TimePoint{10s});
        QVERIFY(clock.sleep_until(TimePoint{9s}));
        QCOMPARE(clock.waiters(), std::size_t{0});
    }

    void predicateWaitWakesOnNotify() {
        ManualClock clock;
        std::mutex mutex;
        std::condition_variable_any cv;
        bool ready = false;
        std::thread waiter([&] {
            std::unique_lock lock(mutex);
            QVERIFY(clock.wait_until(lock, cv, {}, goflow::kNoDeadline, [&] { return ready; }));
        });
        QVERIFY(clock.await_waiters(1));
        {
            std::lock_guard guard(mutex);
            ready = true;
        }
        cv.notify_all();
        waiter.join();
        QCOMPARE(clock.waiters(), std::size_t{0});
    }

    void steadyClockSleepStopsOnRequest() {
        const auto& clock = *goflow::system_clock();
        std::stop_source stop;
        const auto start = std::chrono::steady_clock::now();
        std::thread stopper([&] { stop.request_stop(); });
        const bool reached = clock.sleep_until(clock.now() + 1h, stop.get_token());
        stopper.join();
        const auto took = std::chrono::steady_clock::now() - start;
        QVERIFY(!reached);
        // Tolerance: generous, a loaded CI machine may deschedule the thread for a while.
        QVERIFY2(took < 5s, qPrintable(QString("took %1 ms").arg(took / 1ms)));
    }

    void steadyClockReachesShortDeadline() {
        const auto& clock = *goflow::system_clock();
        const TimePoint deadline = clock.now() + 2ms;
        QVERIFY(clock.sleep_until(deadline));
        QVERIFY(clock.now() >= deadline);
    }
};

QTEST_GUILESS_MAIN(TestClock)
#include "tst_clock.moc"
