#include <QtTest>

#include <atomic>
#include <barrier>
#include <chrono>
#include <latch>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "goflow/worker_pool.hpp"

using namespace std::chrono_literals;
using goflow::CancelSource;
using goflow::Context;
using goflow::errc;
using goflow::FullPolicy;
using goflow::ManualClock;
using goflow::Result;
using goflow::WorkerPool;
using goflow::WorkerPoolSnapshot;

namespace {

struct CustomFailure {
    int code;
};

// Returns an empty string when the snapshot's counters add up, otherwise what is off.
QString accounting_error(const WorkerPoolSnapshot& s) {
    const std::uint64_t ended =
        s.queued + s.running + s.completed + s.failed + s.timed_out + s.discarded;
    if (s.accepted != ended) {
        return QString(
                   "accepted %1 != queued %2 + running %3 + completed %4 + failed %5 + "
                   "timed out %6 + discarded %7")
            .arg(s.accepted)
            .arg(s.queued)
            .arg(s.running)
            .arg(s.completed)
            .arg(s.failed)
            .arg(s.timed_out)
            .arg(s.discarded);
    }
    if (s.accepted + s.rejected != s.submit_calls) {
        return QString("accepted %1 + rejected %2 != submit calls %3")
            .arg(s.accepted)
            .arg(s.rejected)
            .arg(s.submit_calls);
    }
    return {};
}

// Polls `pred` in real time until it holds or `timeout` passes; for states that no clock
// waiter reveals, such as "a worker is running the task".
template <class Pred>
bool eventually(Pred pred, std::chrono::milliseconds timeout = 10s) {
    const auto until = std::chrono::steady_clock::now() + timeout;
    while (!pred()) {
        if (std::chrono::steady_clock::now() > until) {
            return false;
        }
        std::this_thread::sleep_for(100us);
    }
    return true;
}

double elapsed_ms(std::chrono::steady_clock::time_point since) {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - since)
        .count();
}

}  // namespace

class TestWorkerPool : public QObject {
    Q_OBJECT

  private slots:
    void invalidOptionsNameTheField_data() {
        QTest::addColumn<std::int64_t>("workers");
        QTest::addColumn<std::int64_t>("capacity");
        QTest::addColumn<qint64>("taskTimeoutNs");
        QTest::addColumn<qint64>("blockTimeoutNs");
        QTest::addColumn<QString>("field");
        QTest::newRow("zero workers")
            << std::int64_t{0} << std::int64_t{1} << qint64{0} << qint64{0} << "workers";
        QTest::newRow("negative workers")
            << std::int64_t{-3} << std::int64_t{1} << qint64{0} << qint64{0} << "workers";
        QTest::newRow("negative capacity")
            << std::int64_t{1} << std::int64_t{-1} << qint64{0} << qint64{0} << "queue_capacity";
        QTest::newRow("negative task timeout")
            << std::int64_t{1} << std::int64_t{1} << qint64{-1} << qint64{0} << "task_timeout";
        QTest::newRow("negative block timeout")
            << std::int64_t{1} << std::int64_t{1} << qint64{0} << qint64{-5} << "block_timeout";
    }

    void invalidOptionsNameTheField() {
        QFETCH(std::int64_t, workers);
        QFETCH(std::int64_t, capacity);
        QFETCH(qint64, taskTimeoutNs);
        QFETCH(qint64, blockTimeoutNs);
        QFETCH(QString, field);
        try {
            WorkerPool pool({.workers = workers,
                             .queue_capacity = capacity,
                             .task_timeout = goflow::Duration(taskTimeoutNs),
                             .block_timeout = goflow::Duration(blockTimeoutNs)});
            QFAIL("options were accepted");
        } catch (const std::invalid_argument& e) {
            QVERIFY2(QString(e.what()).startsWith(field), e.what());
        }
    }

    void submitReturnsTaskValue() {
        WorkerPool pool({.workers = 2});
        auto with_context = pool.submit([](const Context& ctx) { return ctx.canceled() ? 0 : 42; });
        auto without_context = pool.submit([] { return std::string("text"); });
        auto nothing = pool.submit([] {});
        QCOMPARE(with_context.get().value(), 42);
        QCOMPARE(without_context.get().value(), std::string("text"));
        QVERIFY(nothing.get().ok());
    }

    void taskReturningErrorFails() {
        WorkerPool pool({.workers = 1});
        auto handle =
            pool.submit([]() -> Result<int> { return goflow::Error(errc::io_error, "disk gone"); });
        const Result<int>& r = handle.wait();
        QVERIFY(!r.ok());
        QVERIFY(r.error() == errc::io_error);
        QVERIFY(pool.wait_idle().ok());
        QCOMPARE(pool.snapshot().failed, std::uint64_t{1});
        QCOMPARE(pool.snapshot().last_failure.message, std::string("disk gone"));
    }

    // 4 workers, queue 100: eight threads submit 1,000 no-op tasks each while a ninth shuts
    // the pool down after 5 ms. Every submit is accepted or fails with "shut down", and when
    // the shutdown has finished every accepted task has completed.
    void shutdownDuringConcurrentSubmits() {
        constexpr int kRepeats = 100;
        for (int round = 0; round < kRepeats; ++round) {
            WorkerPool pool(
                {.workers = 4, .queue_capacity = 100, .full_policy = FullPolicy::block});
            std::atomic<std::uint64_t> accepted{0};
            std::atomic<std::uint64_t> ran{0};
            std::atomic<int> unexpected{0};
            std::atomic<bool> stop_polling{false};
            std::vector<std::thread> submitters;
            for (int t = 0; t < 8; ++t) {
                submitters.emplace_back([&, t] {
                    std::vector<goflow::TaskHandle<void>> handles;
                    for (int i = 0; i < 1000; ++i) {
                        if (t % 2 == 0) {
                            Result<void> r = pool.post([&ran] { ran.fetch_add(1); });
                            if (r) {
                                accepted.fetch_add(1);
                            } else if (!(r.error() == errc::shut_down)) {
                                unexpected.fetch_add(1);
                            }
                        } else {
                            handles.push_back(pool.submit([&ran] { ran.fetch_add(1); }));
                        }
                    }
                    for (auto& h : handles) {
                        const Result<void>& r = h.wait();
                        if (r) {
                            accepted.fetch_add(1);
                        } else if (!(r.error() == errc::shut_down)) {
                            unexpected.fetch_add(1);
                        }
                    }
                });
            }
            QString accounting;
            std::thread poller([&] {
                while (!stop_polling.load() && accounting.isEmpty()) {
                    accounting = accounting_error(pool.snapshot());
                }
            });
            std::thread closer([&] {
                std::this_thread::sleep_for(5ms);
                QVERIFY(pool.shutdown().wait().ok());
            });
            closer.join();
            const WorkerPoolSnapshot after_shutdown = pool.snapshot();
            for (auto& s : submitters) {
                s.join();
            }
            stop_polling = true;
            poller.join();

            const WorkerPoolSnapshot s = pool.snapshot();
            QVERIFY2(accounting.isEmpty(), qPrintable(accounting));
            QCOMPARE(unexpected.load(), 0);
            QVERIFY(after_shutdown.stopped);
            QCOMPARE(after_shutdown.completed, after_shutdown.accepted);
            QCOMPARE(s.accepted, accepted.load());
            QCOMPARE(s.completed, s.accepted);
            QCOMPARE(ran.load(), s.completed);
            QCOMPARE(s.submit_calls, std::uint64_t{8000});
            QVERIFY2(accounting_error(s).isEmpty(), qPrintable(accounting_error(s)));
        }
    }

    // 1 worker, queue 10: five 20 ms tasks, then an immediate graceful shutdown; all five run
    // before the shutdown finishes.
    void gracefulShutdownRunsQueuedTasks() {
        WorkerPool pool({.workers = 1, .queue_capacity = 10});
        std::atomic<int> ran{0};
        std::vector<goflow::TaskHandle<void>> handles;
        for (int i = 0; i < 5; ++i) {
            handles.push_back(pool.submit([&ran] {
                std::this_thread::sleep_for(20ms);
                ran.fetch_add(1);
            }));
        }
        QVERIFY(pool.shutdown().wait().ok());
        QCOMPARE(ran.load(), 5);
        for (auto& h : handles) {
            QVERIFY(h.ready());
            QVERIFY(h.wait().ok());
        }
        QCOMPARE(pool.snapshot().completed, std::uint64_t{5});
    }

    // 1 worker: five tasks throw std::runtime_error("boom") after 10 ms; all five errors carry
    // "boom" and arrive well within 500 ms, and the worker goes on to run a sixth task.
    void throwingTasksKeepTheWorker() {
        WorkerPool pool({.workers = 1});
        const auto start = std::chrono::steady_clock::now();
        std::vector<goflow::TaskHandle<int>> handles;
        for (int i = 0; i < 5; ++i) {
            handles.push_back(pool.submit([]() -> int {
                std::this_thread::sleep_for(10ms);
                throw std::runtime_error("boom");
            }));
        }
        auto normal = pool.submit([] { return 6; });
        for (auto& h : handles) {
            const Result<int>& r = h.wait();
            QVERIFY(!r.ok());
            QVERIFY(r.error() == errc::task_failed);
            QVERIFY2(r.error().message.find("boom") != std::string::npos,
                     r.error().message.c_str());
        }
        const double ms = elapsed_ms(start);
        QVERIFY2(ms < 500, qPrintable(QString("five errors took %1 ms").arg(ms)));
        QCOMPARE(normal.get().value(), 6);
        const WorkerPoolSnapshot s = pool.snapshot();
        QCOMPARE(s.workers, std::int64_t{1});
        QCOMPARE(s.failed, std::uint64_t{5});
        QCOMPARE(s.completed, std::uint64_t{1});
    }

    // 2 workers: one task throws an int and three succeed; the graceful shutdown returns
    // promptly with one failure and three completions.
    void nonStandardExceptionIsReported() {
        WorkerPool pool({.workers = 2});
        auto thrower = pool.submit([]() -> int { throw 7; });
        std::vector<goflow::TaskHandle<int>> good;
        for (int i = 0; i < 3; ++i) {
            good.push_back(pool.submit([i] { return i; }));
        }
        const auto start = std::chrono::steady_clock::now();
        QVERIFY(pool.shutdown().wait().ok());
        const double ms = elapsed_ms(start);
        QVERIFY2(ms < 1000, qPrintable(QString("shutdown took %1 ms").arg(ms)));
        const WorkerPoolSnapshot s = pool.snapshot();
        QCOMPARE(s.failed, std::uint64_t{1});
        QCOMPARE(s.completed, std::uint64_t{3});
        const Result<int>& r = thrower.wait();
        QVERIFY(!r.ok());
        QVERIFY2(r.error().message.find("int") != std::string::npos, r.error().message.c_str());
        QVERIFY2(r.error().message.find('7') != std::string::npos, r.error().message.c_str());
        for (int i = 0; i < 3; ++i) {
            QCOMPARE(good[static_cast<std::size_t>(i)].wait().value(), i);
        }
    }

    void customExceptionTypeIsNamed() {
        WorkerPool pool({.workers = 1});
        auto handle = pool.submit([] { throw CustomFailure{3}; });
        const Result<void>& r = handle.wait();
        QVERIFY(!r.ok());
        QVERIFY2(r.error().message.find("CustomFailure") != std::string::npos,
                 r.error().message.c_str());
    }

    // 1 worker: after a task throws, waiting on its handle and waiting until idle both return
    // at once, and the error message is there.
    void failedTaskReleasesWaiters() {
        WorkerPool pool({.workers = 1});
        auto handle = pool.submit([] { throw std::logic_error("broken invariant"); });
        const auto start = std::chrono::steady_clock::now();
        const Result<void>& r = handle.wait();
        QVERIFY(pool.wait_idle().ok());
        const double ms = elapsed_ms(start);
        QVERIFY2(ms < 1000, qPrintable(QString("waits took %1 ms").arg(ms)));
        QVERIFY(!r.ok());
        QCOMPARE(r.error().message, std::string("broken invariant"));
        QCOMPARE(r.error().describe(), std::string("task failed: broken invariant"));
    }

    // 1 worker, one 2 ms task on a manual clock, two threads blocked in wait_idle: both return
    // when the task ends. Repeated 10,000 times.
    void twoIdleWaitersBothWake() {
        auto clock = std::make_shared<ManualClock>();
        WorkerPool pool({.workers = 1, .clock = clock});
        for (int round = 0; round < 10'000; ++round) {
            QCOMPARE(clock->waiters(), std::size_t{0});
            const auto until = clock->now() + 2ms;
            QVERIFY(pool.post([&clock, until](const Context& ctx) {
                            return goflow::sleep_until(*clock, ctx, until);
                        })
                        .ok());
            QVERIFY(clock->await_waiters(1));
            std::atomic<int> woke{0};
            std::barrier start(2);
            auto waiter = [&] {
                start.arrive_and_wait();
                if (pool.wait_idle().ok()) {
                    woke.fetch_add(1);
                }
            };
            std::thread a(waiter);
            std::thread b(waiter);
            QVERIFY(clock->await_waiters(3));
            clock->advance(2ms);
            a.join();
            b.join();
            QCOMPARE(woke.load(), 2);
        }
        QCOMPARE(pool.snapshot().completed, std::uint64_t{10'000});
    }

    // Same race on real time: the task ends while the two waiters arrive.
    void idleWaitersRaceTaskEnd() {
        WorkerPool pool({.workers = 1});
        for (int round = 0; round < 300; ++round) {
            QVERIFY(pool.post([] { std::this_thread::sleep_for(2ms); }).ok());
            std::atomic<int> woke{0};
            std::barrier start(2);
            auto waiter = [&] {
                start.arrive_and_wait();
                if (pool.wait_idle().ok()) {
                    woke.fetch_add(1);
                }
            };
            std::thread a(waiter);
            std::thread b(waiter);
            a.join();
            b.join();
            QCOMPARE(woke.load(), 2);
        }
    }

    void taskTimeoutCancelsContext() {
        auto clock = std::make_shared<ManualClock>();
        WorkerPool pool({.workers = 1, .task_timeout = 10ms, .clock = clock});
        std::atomic<bool> saw_cancel{false};
        auto handle = pool.submit([&](const Context& ctx) {
            // Waits only for cancellation, so that the timer's cancel is what ends it.
            std::mutex m;
            std::condition_variable_any cv;
            std::unique_lock lock(m);
            cv.wait(lock, ctx.stop_token(), [] { return false; });
            saw_cancel = ctx.canceled();
            return 1;
        });
        QVERIFY(clock->await_waiters(1));  // the timer thread waits for the task's deadline
        clock->advance(9ms);
        QVERIFY(!handle.ready());
        clock->advance(1ms);
        const Result<int>& r = handle.wait();
        QVERIFY(!r.ok());
        QVERIFY(r.error() == errc::timed_out);
        QVERIFY(saw_cancel.load());
        QVERIFY(pool.wait_idle().ok());
        QCOMPARE(pool.snapshot().timed_out, std::uint64_t{1});
        QVERIFY(pool.snapshot().last_failure == errc::timed_out);
    }

    void taskIgnoringContextStillTimesOut() {
        auto clock = std::make_shared<ManualClock>();
        WorkerPool pool({.workers = 1, .task_timeout = 10ms, .clock = clock});
        std::latch release(1);
        auto handle = pool.submit([&] {
            release.wait();
            return 5;
        });
        QVERIFY(clock->await_waiters(1));
        clock->advance(25ms);
        release.count_down();
        const Result<int>& r = handle.wait();
        QVERIFY(!r.ok());
        QVERIFY(r.error() == errc::timed_out);
        QVERIFY2(r.error().message.find("25.000 ms") != std::string::npos,
                 r.error().message.c_str());

        auto quick = pool.submit([] { return 3; });
        QCOMPARE(quick.get().value(), 3);
    }

    void rejectPolicyReportsQueueFull() {
        WorkerPool pool({.workers = 1, .queue_capacity = 2});
        pool.pause();
        QVERIFY(pool.try_post([] {}).ok());
        QVERIFY(pool.try_post([] {}).ok());
        auto rejected = pool.try_submit([] { return 1; });
        QVERIFY(!rejected.ok());
        QVERIFY(rejected.error() == errc::queue_full);
        auto handle = pool.submit([] { return 1; });
        QVERIFY(handle.ready());
        QVERIFY(handle.wait().error() == errc::queue_full);
        QVERIFY(pool.post([] {}).error() == errc::queue_full);
        const WorkerPoolSnapshot s = pool.snapshot();
        QCOMPARE(s.rejected, std::uint64_t{3});
        QCOMPARE(s.queued, std::uint64_t{2});
        QVERIFY2(accounting_error(s).isEmpty(), qPrintable(accounting_error(s)));
        pool.resume();
        QVERIFY(pool.wait_idle().ok());
        QCOMPARE(pool.snapshot().completed, std::uint64_t{2});
    }

    void blockPolicyWaitsForRoom() {
        auto clock = std::make_shared<ManualClock>();
        WorkerPool pool(
            {.workers = 1, .queue_capacity = 1, .full_policy = FullPolicy::block, .clock = clock});
        pool.pause();
        QVERIFY(pool.post([] {}).ok());
        std::atomic<bool> accepted{false};
        std::thread submitter([&] { accepted = pool.post([] {}).ok(); });
        QVERIFY(clock->await_waiters(1));
        QVERIFY(!accepted.load());
        pool.resume();
        submitter.join();
        QVERIFY(accepted.load());
        QVERIFY(pool.wait_idle().ok());
        QCOMPARE(pool.snapshot().completed, std::uint64_t{2});
    }

    void blockPolicyGivesUpWhenCanceled() {
        auto clock = std::make_shared<ManualClock>();
        WorkerPool pool(
            {.workers = 1, .queue_capacity = 1, .full_policy = FullPolicy::block, .clock = clock});
        pool.pause();
        QVERIFY(pool.post([] {}).ok());
        CancelSource cancel;
        goflow::Error error;
        std::thread submitter([&] {
            auto handle = pool.submit([] {}, cancel.context());
            error = handle.wait().error();
        });
        QVERIFY(clock->await_waiters(1));
        cancel.cancel();
        submitter.join();
        QVERIFY(error == errc::canceled);
        QCOMPARE(pool.snapshot().rejected, std::uint64_t{1});
        pool.resume();
    }

    void blockForPolicyTimesOut() {
        auto clock = std::make_shared<ManualClock>();
        WorkerPool pool({.workers = 1,
                         .queue_capacity = 1,
                         .full_policy = FullPolicy::block_for,
                         .block_timeout = 5ms,
                         .clock = clock});
        pool.pause();
        QVERIFY(pool.post([] {}).ok());
        Result<void> outcome;
        std::thread submitter([&] { outcome = pool.post([] {}); });
        QVERIFY(clock->await_waiters(1));
        clock->advance(4ms);
        QVERIFY(clock->await_waiters(1));
        clock->advance(1ms);
        submitter.join();
        QVERIFY(!outcome.ok());
        QVERIFY(outcome.error() == errc::queue_full);
        pool.resume();
    }

    void handOffQueueNeedsIdleWorker() {
        WorkerPool pool({.workers = 1, .queue_capacity = 0, .full_policy = FullPolicy::block});
        std::latch release(1);
        QVERIFY(pool.post([&] { release.wait(); }).ok());  // waits until the worker is idle
        QVERIFY(eventually([&] { return pool.snapshot().running == 1; }));
        auto rejected = pool.try_post([] {});
        QVERIFY(rejected.error() == errc::queue_full);
        release.count_down();
        QVERIFY(pool.post([] {}).ok());
        QVERIFY(pool.wait_idle().ok());
        QCOMPARE(pool.snapshot().completed, std::uint64_t{2});
    }

    void selfSubmitThatWouldBlockFails() {
        WorkerPool pool({.workers = 1, .queue_capacity = 1, .full_policy = FullPolicy::block});
        auto outer = pool.submit([&pool]() -> Result<int> {
            auto first = pool.submit([] { return 1; });  // fills the queue
            auto second = pool.submit([] { return 2; });
            if (!second.ready()) {
                return goflow::Error(errc::task_failed, "second submit did not fail at once");
            }
            const Result<int>& r = second.wait();
            return r.ok() ? 0 : static_cast<int>(r.error().code.value());
        });
        const Result<int>& r = outer.wait();
        QVERIFY2(r.ok(), r.ok() ? "" : r.error().describe().c_str());
        QCOMPARE(r.value(), static_cast<int>(errc::would_deadlock));
        QVERIFY(pool.wait_idle().ok());
        QCOMPARE(pool.snapshot().completed, std::uint64_t{2});
    }

    void shutdownFromOwnTaskDoesNotDeadlock() {
        WorkerPool pool({.workers = 2});
        auto handle = pool.submit([&pool]() -> Result<void> {
            goflow::ShutdownHandle done = pool.shutdown();
            static_cast<void>(pool.shutdown_now());
            Result<void> wait = done.wait();
            if (wait.ok() || !(wait.error() == errc::would_deadlock)) {
                return goflow::Error(errc::task_failed, "waiting inside the pool did not fail");
            }
            return pool.wait_idle();
        });
        const Result<void>& r = handle.wait();
        QVERIFY(!r.ok());
        QVERIFY(r.error() == errc::would_deadlock);
        QVERIFY(pool.shutdown().wait().ok());
        QVERIFY(pool.submit([] {}).wait().error() == errc::shut_down);
    }

    void concurrentShutdownCallsAreSafe() {
        for (int round = 0; round < 200; ++round) {
            WorkerPool pool({.workers = 2});
            for (int i = 0; i < 20; ++i) {
                static_cast<void>(pool.post([] {}));
            }
            std::vector<std::thread> closers;
            for (int t = 0; t < 4; ++t) {
                closers.emplace_back([&pool, t] {
                    auto handle = t % 2 == 0 ? pool.shutdown() : pool.shutdown_now();
                    QVERIFY(handle.wait().ok());
                });
            }
            for (auto& c : closers) {
                c.join();
            }
            const WorkerPoolSnapshot s = pool.snapshot();
            QVERIFY(s.stopped);
            QCOMPARE(s.completed + s.discarded, std::uint64_t{20});
        }
    }

    void forcedShutdownDiscardsQueueAndCancelsRunning() {
        WorkerPool pool({.workers = 1});
        std::atomic<bool> started{false};
        auto running = pool.submit([&](const Context& ctx) -> Result<void> {
            started = true;
            std::mutex m;
            std::condition_variable_any cv;
            std::unique_lock lock(m);
            cv.wait(lock, ctx.stop_token(), [] { return false; });
            return goflow::Error(errc::canceled, "stopped by shutdown");
        });
        QVERIFY(eventually([&] { return started.load(); }));
        std::vector<goflow::TaskHandle<int>> queued;
        for (int i = 0; i < 3; ++i) {
            queued.push_back(pool.submit([i] { return i; }));
        }
        QVERIFY(pool.shutdown_now().wait().ok());
        QVERIFY(running.wait().error() == errc::canceled);
        for (auto& h : queued) {
            QVERIFY(h.ready());
            QVERIFY(h.wait().error() == errc::discarded);
        }
        const WorkerPoolSnapshot s = pool.snapshot();
        QCOMPARE(s.discarded, std::uint64_t{3});
        QCOMPARE(s.failed, std::uint64_t{1});
        QVERIFY2(accounting_error(s).isEmpty(), qPrintable(accounting_error(s)));
    }

    void pauseHoldsQueuedTasks() {
        WorkerPool pool({.workers = 2});
        pool.pause();
        auto handle = pool.submit([] { return 9; });
        QVERIFY(pool.snapshot().paused);
        QCOMPARE(pool.snapshot().queued, std::uint64_t{1});
        auto ctx = CancelSource().context().with_timeout(pool.clock(), 20ms);
        QVERIFY(pool.wait_idle(ctx).error() == errc::deadline_exceeded);
        QVERIFY(!handle.ready());
        pool.resume();
        QCOMPARE(handle.get().value(), 9);
    }

    void shutdownRunsQueueEvenWhenPaused() {
        WorkerPool pool({.workers = 1});
        pool.pause();
        auto handle = pool.submit([] { return 4; });
        QVERIFY(pool.shutdown().wait().ok());
        QCOMPARE(handle.get().value(), 4);
    }

    void setWorkersGrowsAndShrinks() {
        WorkerPool pool({.workers = 1});
        QVERIFY(pool.set_workers(3).ok());
        QCOMPARE(pool.snapshot().workers, std::int64_t{3});
        std::latch all_running(3);
        std::latch release(1);
        for (int i = 0; i < 3; ++i) {
            QVERIFY(pool.post([&] {
                            all_running.count_down();
                            release.wait();
                        })
                        .ok());
        }
        QVERIFY(eventually([&] { return pool.snapshot().running == 3; }));
        release.count_down();
        QVERIFY(pool.wait_idle().ok());

        QVERIFY(pool.set_workers(1).ok());
        QCOMPARE(pool.snapshot().workers, std::int64_t{1});
        std::vector<goflow::TaskHandle<int>> handles;
        for (int i = 0; i < 10; ++i) {
            handles.push_back(pool.submit([i] { return i; }));
        }
        for (int i = 0; i < 10; ++i) {
            QCOMPARE(handles[static_cast<std::size_t>(i)].get().value(), i);
        }
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, static_cast<void>(pool.set_workers(0)));
        static_cast<void>(pool.shutdown());
        QVERIFY(pool.set_workers(2).error() == errc::shut_down);
    }

    void histogramsRecordQueueWaitAndRunTime() {
        auto clock = std::make_shared<ManualClock>();
        WorkerPool pool({.workers = 1, .clock = clock});
        pool.pause();
        QVERIFY(pool.post([&](const Context& ctx) {
                        return goflow::sleep_until(*clock, ctx, clock->now() + 3ms);
                    })
                    .ok());
        clock->advance(7ms);
        pool.resume();
        QVERIFY(clock->await_waiters(1));
        clock->advance(3ms);
        QVERIFY(pool.wait_idle().ok());
        const WorkerPoolSnapshot s = pool.snapshot();
        QCOMPARE(s.queue_wait.count, std::uint64_t{1});
        QCOMPARE(s.queue_wait.max(), goflow::Duration(7ms));
        QCOMPARE(s.run_time.max(), goflow::Duration(3ms));
    }

    void timingSampleLeavesCountersExact() {
        auto clock = std::make_shared<ManualClock>();
        WorkerPool pool({.workers = 1, .clock = clock, .timing_sample_interval = 4});
        for (int i = 0; i < 8; ++i) {
            QVERIFY(pool.post([] {}).ok());
        }
        QVERIFY(pool.wait_idle().ok());
        const WorkerPoolSnapshot s = pool.snapshot();
        QCOMPARE(s.completed, std::uint64_t{8});
        QCOMPARE(s.queue_wait.count, std::uint64_t{2});
        QCOMPARE(s.run_time.count, std::uint64_t{2});
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                                 WorkerPool({.workers = 1, .timing_sample_interval = 0}));
    }

    void handleWaitHonoursContext() {
        WorkerPool pool({.workers = 1});
        std::latch release(1);
        auto handle = pool.submit([&] {
            release.wait();
            return 1;
        });
        CancelSource cancel;
        cancel.cancel();
        QVERIFY(handle.get(cancel.context()).error() == errc::canceled);
        release.count_down();
        QCOMPARE(handle.get().value(), 1);
    }
};

QTEST_GUILESS_MAIN(TestWorkerPool)
#include "tst_worker_pool.moc"
