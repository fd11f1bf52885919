#include <QtTest>

#include <any>
#include <atomic>
#include <chrono>
#include <latch>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "goflow/pipeline.hpp"

using namespace std::chrono_literals;
using goflow::Context;
using goflow::DynamicPipeline;
using goflow::errc;
using goflow::ErrorPolicy;
using goflow::ManualClock;
using goflow::PipelineBuilder;
using goflow::PipelineResult;
using goflow::PipelineStats;
using goflow::Result;
using goflow::WorkerPool;

namespace {

// Checks the per-stage identities that hold at every moment under the stop policy. Returns an
// empty string when they hold.
QString flow_error(const PipelineStats& s) {
    for (std::size_t k = 0; k < s.stages.size(); ++k) {
        const goflow::StageStats& st = s.stages[k];
        if (st.in < st.out + st.failed) {
            return QString("stage %1: in %2 < out %3 + failed %4")
                .arg(k)
                .arg(st.in)
                .arg(st.out)
                .arg(st.failed);
        }
        if (st.queued != st.in - st.out - st.failed) {
            return QString("stage %1: queued %2 != in - out - failed").arg(k).arg(st.queued);
        }
        if (st.queued != st.waiting + st.running + st.blocked) {
            return QString("stage %1: queued %2 != waiting %3 + running %4 + blocked %5")
                .arg(k)
                .arg(st.queued)
                .arg(st.waiting)
                .arg(st.running)
                .arg(st.blocked);
        }
        if (st.waiting > static_cast<std::uint64_t>(st.queue_capacity)) {
            return QString("stage %1: %2 waiting, capacity %3")
                .arg(k)
                .arg(st.waiting)
                .arg(st.queue_capacity);
        }
        if (k > 0 && st.in != s.stages[k - 1].out) {
            return QString("stage %1: in %2 != previous out %3")
                .arg(k)
                .arg(st.in)
                .arg(s.stages[k - 1].out);
        }
    }
    return {};
}

double elapsed_ms(std::chrono::steady_clock::time_point since) {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - since)
        .count();
}

}  // namespace

class TestPipeline : public QObject {
    Q_OBJECT

  private slots:
    void typedStagesTransformInOrder() {
        auto pipeline = PipelineBuilder<std::string>()
                            .stage("parse", [](std::string text) { return std::stoi(text); })
                            .stage("double", [](const Context&, int v) { return 2 * v; })
                            .stage("describe", [](int v) { return "v=" + std::to_string(v); })
                            .build();
        PipelineResult<std::string> r = pipeline.execute("21");
        QVERIFY(r.ok());
        QCOMPARE(r.output.value(), std::string("v=42"));
        QCOMPARE(r.stages.size(), std::size_t{3});
        QCOMPARE(r.stages[0].stage, std::string("parse"));
        QCOMPARE(r.stages[2].stage, std::string("describe"));
        QVERIFY(r.first_error() == nullptr);
    }

    void emptyPipelineReturnsInput() {
        auto pipeline = PipelineBuilder<int>().build();
        PipelineResult<int> r = pipeline.execute(7);
        QCOMPARE(r.output.value(), 7);
        QVERIFY(r.stages.empty());
    }

    void failingStageStopsItem() {
        auto pipeline =
            PipelineBuilder<int>()
                .stage("validate",
                       [](int v) -> Result<int> {
                           if (v < 0) {
                               return goflow::Error(errc::task_failed, "negative input");
                           }
                           return v;
                       })
                .stage("square", [](int v) { return v * v; })
                .build();
        PipelineResult<int> r = pipeline.execute(-3);
        QVERIFY(!r.output.ok());
        QVERIFY(r.output.error() == errc::task_failed);
        QVERIFY2(r.output.error().message.find("validate") != std::string::npos,
                 r.output.error().message.c_str());
        QVERIFY(r.first_error() != nullptr);
        QCOMPARE(r.first_error()->stage, std::string("validate"));
        QCOMPARE(r.stages.size(), std::size_t{1});
        const PipelineStats s = pipeline.stats();
        QCOMPARE(s.stages[0].failed, std::uint64_t{1});
        QCOMPARE(s.stages[1].in, std::uint64_t{0});
        QCOMPARE(s.failed, std::uint64_t{1});
    }

    void continueOnErrorKeepsGoingAndReports() {
        auto pipeline = PipelineBuilder<int>()
                            .stage("flaky", [](int) -> int { throw std::runtime_error("flake"); })
                            .stage("add one", [](int v) { return v + 1; })
                            .build({.error_policy = ErrorPolicy::continue_on_error});
        PipelineResult<int> r = pipeline.execute(10);
        QVERIFY(r.output.ok());
        QCOMPARE(r.output.value(), 11);
        QVERIFY(!r.ok());
        QVERIFY(r.first_error() != nullptr);
        QCOMPARE(r.first_error()->stage, std::string("flaky"));
        QVERIFY(r.first_error()->error.message.find("flake") != std::string::npos);
        const PipelineStats s = pipeline.stats();
        QCOMPARE(s.stages[0].failed, std::uint64_t{1});
        QCOMPARE(s.stages[0].forwarded_failures, std::uint64_t{1});
        QCOMPARE(s.stages[1].in, std::uint64_t{1});
    }

    void continueOnErrorStopsWhenTypesDiffer() {
        auto pipeline = PipelineBuilder<int>()
                            .stage("to text", [](int) -> std::string { throw 5; })
                            .stage("length", [](std::string t) { return t.size(); })
                            .build({.error_policy = ErrorPolicy::continue_on_error});
        PipelineResult<std::size_t> r = pipeline.execute(1);
        QVERIFY(!r.output.ok());
        QCOMPARE(r.stages.size(), std::size_t{1});
    }

    void statsCountItemBeforeGetReturns() {
        auto pipeline = PipelineBuilder<int>()
                            .stage("double", [](int v) { return v * 2; }, {.concurrency = 2})
                            .build();
        for (std::uint64_t round = 1; round <= 500; ++round) {
            PipelineResult<int> r = pipeline.submit(static_cast<int>(round)).get();
            QVERIFY(r.output.ok());
            const PipelineStats s = pipeline.stats();
            QCOMPARE(s.succeeded, round);
        }
    }

    void throwingStageFailsOnlyThatItem() {
        auto pipeline = PipelineBuilder<int>()
                            .stage("check",
                                   [](int v) {
                                       if (v == 3) {
                                           throw std::invalid_argument("three");
                                       }
                                       return v;
                                   },
                                   {.concurrency = 2})
                            .build();
        std::vector<goflow::PipelineHandle<int>> handles;
        for (int i = 0; i < 6; ++i) {
            handles.push_back(pipeline.submit(i));
        }
        for (int i = 0; i < 6; ++i) {
            PipelineResult<int> r = handles[static_cast<std::size_t>(i)].get();
            if (i == 3) {
                QVERIFY(!r.output.ok());
                QVERIFY(r.output.error().message.find("three") != std::string::npos);
            } else {
                QCOMPARE(r.output.value(), i);
            }
        }
        const PipelineStats s = pipeline.stats();
        QCOMPARE(s.succeeded, std::uint64_t{5});
        QCOMPARE(s.failed, std::uint64_t{1});
    }

    // Three stages, the second slow (10 ms per item), 100 items: every snapshot keeps
    // queued = in − out − failed ≥ 0 and in(k) = out(k−1); at the end in = out + failed.
    void slowStageAppliesBackpressure() {
        auto pool = std::make_shared<WorkerPool>(goflow::WorkerPoolOptions{
            .workers = 4, .queue_capacity = goflow::WorkerPoolOptions::unbounded});
        auto pipeline = PipelineBuilder<int>()
                            .stage("first", [](int v) { return v + 1; }, {.queue_capacity = 4})
                            .stage("slow",
                                   [](int v) {
                                       std::this_thread::sleep_for(10ms);
                                       return v * 2;
                                   },
                                   {.concurrency = 1, .queue_capacity = 3})
                            .stage("last", [](int v) { return v - 1; }, {.queue_capacity = 4})
                            .build({.max_in_flight = 10, .pool = pool});
        std::atomic<bool> done{false};
        QString problem;
        std::uint64_t max_in_flight = 0;
        std::uint64_t max_blocked = 0;
        std::thread poller([&] {
            while (!done.load() && problem.isEmpty()) {
                const PipelineStats s = pipeline.stats();
                problem = flow_error(s);
                max_in_flight = std::max(max_in_flight, s.in_flight);
                max_blocked = std::max(max_blocked, s.stages[0].blocked);
                std::this_thread::sleep_for(200us);
            }
        });
        std::vector<goflow::PipelineHandle<int>> handles;
        for (int i = 0; i < 100; ++i) {
            handles.push_back(pipeline.submit(i));
        }
        for (int i = 0; i < 100; ++i) {
            QCOMPARE(handles[static_cast<std::size_t>(i)].get().output.value(), (i + 1) * 2 - 1);
        }
        done = true;
        poller.join();
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
        QVERIFY2(max_in_flight <= 10, qPrintable(QString::number(max_in_flight)));
        QVERIFY2(max_blocked >= 1, "the first stage never waited for the slow one");

        const PipelineStats s = pipeline.stats();
        QVERIFY2(flow_error(s).isEmpty(), qPrintable(flow_error(s)));
        QCOMPARE(s.stages[0].in, std::uint64_t{100});
        for (std::size_t k = 0; k < 3; ++k) {
            QCOMPARE(s.stages[k].in, s.stages[k].out + s.stages[k].failed);
            QCOMPARE(s.stages[k].queued, std::uint64_t{0});
        }
        QCOMPARE(s.stages[1].in, s.stages[0].out);
        QCOMPARE(s.stages[2].in, s.stages[1].out);
        QCOMPARE(s.succeeded, std::uint64_t{100});
        QVERIFY(s.stages[1].processing.percentile(0.5) >= goflow::Duration(10ms));
        QCOMPARE(s.end_to_end.count, std::uint64_t{100});
    }

    void stageConcurrencyIsALimit() {
        auto pool = std::make_shared<WorkerPool>(goflow::WorkerPoolOptions{
            .workers = 4, .queue_capacity = goflow::WorkerPoolOptions::unbounded});
        std::atomic<int> running{0};
        std::atomic<int> peak{0};
        auto pipeline =
            PipelineBuilder<int>()
                .stage("limited",
                       [&](int v) {
                           const int now = running.fetch_add(1) + 1;
                           int seen = peak.load();
                           while (now > seen && !peak.compare_exchange_weak(seen, now)) {
                           }
                           std::this_thread::sleep_for(2ms);
                           running.fetch_sub(1);
                           return v;
                       },
                       {.concurrency = 2, .queue_capacity = 100})
                .build({.pool = pool});
        std::vector<goflow::PipelineHandle<int>> handles;
        for (int i = 0; i < 20; ++i) {
            handles.push_back(pipeline.submit(i));
        }
        for (auto& h : handles) {
            QVERIFY(h.get().output.ok());
        }
        QVERIFY2(peak.load() <= 2, qPrintable(QString::number(peak.load())));
    }

    // A stage that ignores its context and never returns on its own, with a 10 ms timeout on a
    // manual clock: the item fails as timed out in that stage when the clock reaches 10 ms.
    void stageTimeoutInterruptsIgnoringStage() {
        auto clock = std::make_shared<ManualClock>();
        std::latch release(1);
        std::atomic<bool> returned{false};
        {
            auto pipeline = PipelineBuilder<int>()
                                .stage("fast", [](int v) { return v; })
                                .stage("stuck",
                                       [&](int v) {
                                           release.wait();
                                           returned = true;
                                           return v;
                                       },
                                       {.timeout = 10ms})
                                .stage("after", [](int v) { return v; })
                                .build({.clock = clock});
            auto handle = pipeline.submit(1);
            QVERIFY(clock->await_waiters(1));  // the timeout timer waits for the deadline
            clock->advance(9ms);
            QVERIFY(!handle.ready());
            clock->advance(1ms);
            PipelineResult<int> r = handle.get();
            QVERIFY(!r.output.ok());
            QVERIFY(r.output.error() == errc::timed_out);
            QVERIFY(r.first_error() != nullptr);
            QCOMPARE(r.first_error()->stage, std::string("stuck"));
            QCOMPARE(r.total, goflow::Duration(10ms));
            QCOMPARE(r.stages.size(), std::size_t{2});

            PipelineStats s = pipeline.stats();
            QCOMPARE(s.stages[1].timed_out, std::uint64_t{1});
            QCOMPARE(s.stages[1].failed, std::uint64_t{1});
            QCOMPARE(s.stages[1].abandoned, std::uint64_t{1});
            QCOMPARE(s.stages[1].queued, std::uint64_t{0});
            QCOMPARE(s.stages[2].in, std::uint64_t{0});
            QVERIFY(!returned.load());

            release.count_down();
            const auto until = std::chrono::steady_clock::now() + 10s;
            while (pipeline.stats().stages[1].abandoned != 0 &&
                   std::chrono::steady_clock::now() < until) {
                std::this_thread::sleep_for(100us);
            }
            s = pipeline.stats();
            QCOMPARE(s.stages[1].abandoned, std::uint64_t{0});
            QCOMPARE(s.stages[1].in, s.stages[1].out + s.stages[1].failed);
        }
        QVERIFY(returned.load());
    }

    // The same on real time: a stage that sleeps 1 s with a 10 ms timeout fails its item after
    // about 10 ms (tolerance 500 ms for a loaded machine).
    void stageTimeoutOnRealTime() {
        auto pipeline = PipelineBuilder<int>()
                            .stage("sleepy",
                                   [](int v) {
                                       std::this_thread::sleep_for(1s);
                                       return v;
                                   },
                                   {.timeout = 10ms})
                            .build();
        const auto start = std::chrono::steady_clock::now();
        PipelineResult<int> r = pipeline.execute(1);
        const double ms = elapsed_ms(start);
        QVERIFY(r.output.error() == errc::timed_out);
        QCOMPARE(r.first_error()->stage, std::string("sleepy"));
        QVERIFY2(ms >= 9 && ms < 500, qPrintable(QString("item failed after %1 ms").arg(ms)));
    }

    void observerSeesEveryStage() {
        std::atomic<int> starts{0};
        std::atomic<int> completions{0};
        std::atomic<int> failures{0};
        goflow::PipelineObserver observer{[&](const goflow::StageEvent&) { starts.fetch_add(1); },
                                          [&](const goflow::StageEvent& e) {
                                              completions.fetch_add(1);
                                              if (e.error != nullptr) {
                                                  failures.fetch_add(1);
                                              }
                                          }};
        auto pipeline = PipelineBuilder<int>()
                            .stage("a", [](int v) { return v; })
                            .stage("b",
                                   [](int v) -> Result<int> {
                                       if (v % 2 == 1) {
                                           return goflow::Error(errc::task_failed, "odd");
                                       }
                                       return v;
                                   })
                            .build({.observer = observer});
        for (int i = 0; i < 10; ++i) {
            static_cast<void>(pipeline.execute(i));
        }
        QCOMPARE(starts.load(), 20);
        QCOMPARE(completions.load(), 20);
        QCOMPARE(failures.load(), 5);
    }

    void tryExecuteReportsFull() {
        auto clock = std::make_shared<ManualClock>();
        std::latch release(1);
        auto pipeline = PipelineBuilder<int>()
                            .stage("gate",
                                   [&](int v) {
                                       release.wait();
                                       return v;
                                   },
                                   {.queue_capacity = 0})
                            .build({.max_in_flight = 1, .clock = clock});
        auto first = pipeline.try_submit(1);
        QVERIFY(first.ok());
        auto second = pipeline.try_submit(2);
        QVERIFY(!second.ok());
        QVERIFY(second.error() == errc::queue_full);
        QCOMPARE(pipeline.stats().rejected, std::uint64_t{1});

        goflow::CancelSource cancel;
        std::thread blocked([&] {
            PipelineResult<int> r = pipeline.submit(3, cancel.context()).get();
            QVERIFY(r.output.error() == errc::canceled);
        });
        QVERIFY(clock->await_waiters(1));
        cancel.cancel();
        blocked.join();
        release.count_down();
        QCOMPARE(first.value().get().output.value(), 1);
    }

    void dynamicStagesUseAnyValues() {
        DynamicPipeline pipeline;
        pipeline.add_stage("length", [](const Context&, std::any v) -> Result<std::any> {
            return std::any(std::any_cast<std::string>(v).size());
        });
        pipeline.add_stage(
            "check",
            [](const Context&, std::any v) -> Result<std::any> {
                if (std::any_cast<std::size_t>(v) == 0) {
                    return goflow::Error(errc::task_failed, "empty");
                }
                return v;
            },
            {}, true);
        PipelineResult<std::any> r = pipeline.execute(std::string("four"));
        QCOMPARE(std::any_cast<std::size_t>(r.output.value()), std::size_t{4});
        PipelineResult<std::any> empty = pipeline.execute(std::string());
        QVERIFY(!empty.output.ok());
        QCOMPARE(empty.first_error()->stage, std::string("check"));
    }

    void addingStagesWhileRunningIsSafe() {
        DynamicPipeline pipeline;
        auto add_one = [](const Context&, std::any v) -> Result<std::any> {
            return std::any(std::any_cast<int>(v) + 1);
        };
        pipeline.add_stage("s0", add_one);
        std::atomic<bool> done{false};
        std::vector<goflow::PipelineHandle<std::any>> handles;
        std::thread submitter([&] {
            for (int i = 0; i < 200; ++i) {
                handles.push_back(pipeline.submit(0));
            }
            done = true;
        });
        for (int k = 1; k < 10; ++k) {
            pipeline.add_stage("s" + std::to_string(k), add_one);
        }
        submitter.join();
        for (auto& h : handles) {
            PipelineResult<std::any> r = h.get();
            QVERIFY(r.output.ok());
            // Each item passed through exactly the stages that existed when it was admitted.
            QCOMPARE(static_cast<std::size_t>(std::any_cast<int>(r.output.value())),
                     r.stages.size());
        }
        QCOMPARE(pipeline.stage_count(), std::size_t{10});
        const PipelineStats s = pipeline.stats();
        QCOMPARE(s.stages[0].in, std::uint64_t{200});
        for (std::size_t k = 0; k < s.stages.size(); ++k) {
            QCOMPARE(s.stages[k].in, s.stages[k].out);
            if (k > 0) {
                // Items admitted before stage k existed end after stage k - 1.
                QVERIFY(s.stages[k].in <= s.stages[k - 1].out);
            }
        }
    }

    void invalidOptionsNameTheField() {
        try {
            DynamicPipeline pipeline({.max_in_flight = 0});
            QFAIL("max_in_flight 0 accepted");
        } catch (const std::invalid_argument& e) {
            QVERIFY2(QString(e.what()).startsWith("max_in_flight"), e.what());
        }
        DynamicPipeline pipeline;
        auto same = [](const Context&, std::any v) -> Result<std::any> { return v; };
        try {
            pipeline.add_stage("bad", same, {.concurrency = 0});
            QFAIL("concurrency 0 accepted");
        } catch (const std::invalid_argument& e) {
            QVERIFY2(QString(e.what()).startsWith("concurrency"), e.what());
        }
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                                 pipeline.add_stage("bad", same, {.queue_capacity = -1}));
        QCOMPARE(pipeline.stage_count(), std::size_t{0});
    }

    void executeFromOwnPoolWouldDeadlock() {
        auto pool = std::make_shared<WorkerPool>(goflow::WorkerPoolOptions{.workers = 1});
        auto pipeline =
            PipelineBuilder<int>().stage("id", [](int v) { return v; }).build({.pool = pool});
        auto handle = pool->submit([&] { return pipeline.execute(1); });
        PipelineResult<int> r = handle.get().value();
        QVERIFY(r.output.error() == errc::would_deadlock);
    }
};

QTEST_GUILESS_MAIN(TestPipeline)
#include "tst_pipeline.moc"
