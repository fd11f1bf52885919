#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtCharts/QLineSeries>
#include <QtTest>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>

#include "chart_feeder.h"
#include "scenario_list_model.h"
#include "studio_controller.h"

namespace {

using namespace std::chrono_literals;
using Metric = ChartFeeder::Metric;

const QString kApiBurst = QStringLiteral(GOFLOW_SOURCE_SCENARIO_DIR "/api-burst.json");
const QString kSlowStage =
    QStringLiteral(GOFLOW_SOURCE_SCENARIO_DIR "/slow-stage-backpressure.json");

// Three samples 100 ms apart whose every field differs by sample and by station, so that a
// metric read from the wrong field or station shows up. Stations: the pool, then three stages.
std::vector<goflow::sim::Sample> handMadeSamples() {
    std::vector<goflow::sim::Sample> samples;
    for (int i = 0; i < 3; ++i) {
        goflow::sim::Sample s;
        s.time = 100ms * (i + 1);
        s.admitted = static_cast<std::uint32_t>(5 * (i + 1));
        s.rejected_by_limiter = static_cast<std::uint32_t>(i);
        s.rejected_by_queue = 1;
        s.dropped = 2;
        s.retried = static_cast<std::uint32_t>(3 * i);
        s.latency_p50_ms = 10 + i;
        s.latency_p95_ms = 20 + i;
        s.latency_p99_ms = 30 + i;
        s.limiter_levels = {50.0 + i, 7.0};
        for (int k = 0; k < 4; ++k) {
            goflow::sim::StationSample station;
            station.queue_depth = 100 * k + i;
            station.busy = 10 * k + i;
            station.blocked = 20 * k + i;
            station.latency_p50_ms = 1000 * k + i;
            station.latency_p95_ms = 1000 * k + 100 + i;
            station.latency_p99_ms = 1000 * k + 200 + i;
            s.stations.push_back(station);
        }
        s.queue_depth = s.stations[0].queue_depth;
        s.busy_workers = s.stations[0].busy;
        samples.push_back(s);
    }
    return samples;
}

// Returns the points (0.1, f(0)), (0.2, f(1)), (0.3, f(2)) of the hand-made samples.
template <class F>
QList<QPointF> expectedPoints(F value) {
    QList<QPointF> points;
    for (int i = 0; i < 3; ++i) {
        points.append(QPointF(0.1 * (i + 1), value(i)));
    }
    return points;
}

std::vector<goflow::sim::Sample> evenlySpacedSamples(std::size_t count) {
    std::vector<goflow::sim::Sample> samples(count);
    for (std::size_t i = 0; i < count; ++i) {
        samples[i].time = 100ms * static_cast<int>(i + 1);
        samples[i].queue_depth = static_cast<int>(i);
    }
    return samples;
}

}  // namespace

class TestStudioModels : public QObject {
    Q_OBJECT

  private slots:
    void scenarioListModelPassesModelTester() {
        ScenarioListModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setDirectory(QStringLiteral(GOFLOW_SOURCE_SCENARIO_DIR));
        QVERIFY(model.rowCount() >= 2);
        const QString path = QStringLiteral(GOFLOW_SOURCE_SCENARIO_DIR "/api-burst.json");
        const int row = model.indexOfPath(path);
        QVERIFY(row >= 0);
        QCOMPARE(model.data(model.index(row), ScenarioListModel::NameRole).toString(),
                 QStringLiteral("API burst"));
        QVERIFY(
            !model.data(model.index(row), ScenarioListModel::DescriptionRole).toString().isEmpty());
        QCOMPARE(model.indexOfPath(QStringLiteral("/nowhere.json")), -1);
        model.reload();
        QVERIFY(model.rowCount() >= 2);
    }

    void controllerLoadsAndRuns() {
        StudioController controller;
        QSignalSpy scenarioChanged(&controller, &StudioController::scenarioChanged);
        QVERIFY(controller.load(QStringLiteral(GOFLOW_SOURCE_SCENARIO_DIR "/api-burst.json")));
        QCOMPARE(scenarioChanged.count(), 1);
        QVERIFY(controller.hasLimiter());
        QCOMPARE(controller.limiterReference(), 200.0);
        QCOMPARE(controller.limiterReferenceName(), QStringLiteral("burst"));
        QCOMPARE(controller.queueCapacity(), 64);
        QCOMPARE(controller.workers(), 8);
        QCOMPARE(controller.durationSeconds(), 30.0);
        QVERIFY(controller.scenarioDetails().contains(QLatin1String("burst 200")));

        controller.setSpeed(StudioController::kAsFastAsPossible);
        controller.run();
        QTRY_COMPARE_WITH_TIMEOUT(controller.state(), StudioController::RunState::Finished, 20000);
        QVERIFY(controller.admitted() > 0);
        QCOMPARE(controller.offered(), controller.admitted() + controller.rejectedByLimiter() +
                                           controller.rejectedByQueue());
        QVERIFY(controller.sampleCount() >= 300);
    }

    void controllerKeepsScenarioOnLoadError() {
        StudioController controller;
        QVERIFY(controller.load(QStringLiteral(GOFLOW_SOURCE_SCENARIO_DIR "/api-burst.json")));
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("bad.json"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("{\"version\": 1, \"wokers\": 2}");
        file.close();
        QVERIFY(!controller.load(QUrl::fromLocalFile(path).toString()));
        QVERIFY2(controller.errorMessage().contains(QLatin1String("unknown field wokers")),
                 qPrintable(controller.errorMessage()));
        QCOMPARE(controller.scenarioName(), QStringLiteral("API burst"));
        controller.clearError();
        QVERIFY(controller.errorMessage().isEmpty());
    }

    void referenceLineFollowsScriptedChanges() {
        StudioController controller;
        QVERIFY(
            controller.load(QStringLiteral(GOFLOW_SOURCE_SCENARIO_DIR "/noisy-neighbour.json")));
        QVERIFY(controller.limiterTitle().contains(QLatin1String("bulk")));
        const QList<QPointF> steps = controller.limiterReferenceSteps(50);
        const QList<QPointF> expected{QPointF(0, 1000), QPointF(30, 1000), QPointF(30, 60),
                                      QPointF(50, 60)};
        QCOMPARE(steps, expected);
    }

    void speedTextAndSteps() {
        StudioController controller;
        QSignalSpy speedChanged(&controller, &StudioController::speedChanged);
        QCOMPARE(controller.speed(), 1.0);
        QCOMPARE(controller.speedText(), QString::fromUtf8("1\u00d7"));
        controller.setSpeed(0.5);
        QCOMPARE(controller.speed(), 0.5);
        QCOMPARE(speedChanged.count(), 1);
        QVERIFY(controller.setSpeedText(QStringLiteral("max")));
        QCOMPARE(controller.speed(), StudioController::kAsFastAsPossible);
        QCOMPARE(controller.speedText(), QStringLiteral("max"));
        QVERIFY(controller.setSpeedText(QStringLiteral("realtime")));
        QCOMPARE(controller.speed(), 1.0);
        QVERIFY(controller.setSpeedText(QStringLiteral("10x")));
        QCOMPARE(controller.speed(), 10.0);
        QCOMPARE(controller.speedSteps().size(), 11);
        controller.setSpeed(StudioController::Speed::Times10);
        QCOMPARE(controller.speed(), 10.0);
        controller.setSpeed(StudioController::Speed::AsFastAsPossible);
        QCOMPARE(controller.speed(), StudioController::kAsFastAsPossible);
        controller.setSpeed(StudioController::Speed::RealTime);
        QCOMPARE(controller.speed(), 1.0);
    }

    void invalidSpeedSetsError() {
        StudioController controller;
        controller.setSpeed(2);
        QVERIFY(!controller.setSpeedText(QStringLiteral("warp")));
        QVERIFY2(controller.errorMessage().contains(QLatin1String("warp")),
                 qPrintable(controller.errorMessage()));
        QCOMPARE(controller.speed(), 2.0);
        controller.clearError();
        controller.setSpeed(250);
        QVERIFY(!controller.errorMessage().isEmpty());
        QCOMPARE(controller.speed(), 2.0);
    }

    void speedUpAndDownWalkSteps() {
        StudioController controller;
        controller.setSpeed(1);
        controller.speedUp();
        QCOMPARE(controller.speed(), 2.0);
        controller.setSpeed(3);  // between two steps
        controller.speedUp();
        QCOMPARE(controller.speed(), 5.0);
        controller.setSpeed(3);
        controller.speedDown();
        QCOMPARE(controller.speed(), 2.0);
        controller.setSpeed(100);
        controller.speedUp();
        QCOMPARE(controller.speed(), StudioController::kAsFastAsPossible);
        controller.speedUp();
        QCOMPARE(controller.speed(), StudioController::kAsFastAsPossible);
        controller.speedDown();
        QCOMPARE(controller.speed(), 100.0);
        controller.setSpeed(0.1);
        controller.speedDown();
        QCOMPARE(controller.speed(), 0.1);
        controller.speedUp();
        QCOMPARE(controller.speed(), 0.25);
    }

    void cursorFollowsAndSeeks() {
        StudioController controller;
        QVERIFY(controller.load(kApiBurst));
        QCOMPARE(controller.cursorIndex(), -1);
        controller.simulate();
        QTRY_COMPARE_WITH_TIMEOUT(controller.state(), StudioController::RunState::Finished, 20000);
        const int last = controller.sampleCount() - 1;
        QVERIFY(controller.cursorFollowsRun());
        QCOMPARE(controller.cursorIndex(), last);
        QCOMPARE(controller.cursorSeconds(), controller.recordedSeconds());

        QSignalSpy cursorChanged(&controller, &StudioController::cursorChanged);
        controller.setCursorSeconds(10.05);
        QCOMPARE(cursorChanged.count(), 1);
        QVERIFY(!controller.cursorFollowsRun());
        QCOMPARE(controller.cursorIndex(), 99);  // the sample at 10.0 s
        controller.setCursorSeconds(10.0);
        QCOMPARE(controller.cursorIndex(), 99);
        controller.stepCursor(1);
        QCOMPARE(controller.cursorIndex(), 100);
        QVERIFY(std::abs(controller.cursorSeconds() - 10.1) < 1e-9);
        controller.stepCursor(-1000);
        QCOMPARE(controller.cursorIndex(), 0);
        controller.setCursorSeconds(0.01);  // before the first sample
        QCOMPARE(controller.cursorIndex(), -1);
        controller.setCursorSeconds(-5);
        QCOMPARE(controller.cursorSeconds(), 0.0);
        controller.setCursorSeconds(1e9);
        QCOMPARE(controller.cursorSeconds(), controller.recordedSeconds());
        QCOMPARE(controller.cursorIndex(), last);
        QVERIFY(!controller.cursorFollowsRun());

        controller.setCursorSeconds(5.0);
        controller.followRun();
        QVERIFY(controller.cursorFollowsRun());
        QCOMPARE(controller.cursorIndex(), last);

        controller.setCursorSeconds(5.0);
        controller.run();
        QVERIFY2(controller.cursorFollowsRun(), "a new run makes the cursor follow again");
        controller.stop();
    }

    void stepFromIdleTakesOneSample() {
        StudioController controller;
        QVERIFY(controller.load(kApiBurst));
        controller.step();
        QCOMPARE(controller.state(), StudioController::RunState::Paused);
        QTRY_COMPARE_WITH_TIMEOUT(controller.sampleCount(), 1, 10000);
        controller.step();
        QTRY_COMPARE_WITH_TIMEOUT(controller.sampleCount(), 2, 10000);
        QCOMPARE(controller.cursorIndex(), 1);

        // With the cursor placed before the newest sample, a step moves the cursor only.
        controller.setCursorSeconds(0.1);
        QCOMPARE(controller.cursorIndex(), 0);
        controller.step();
        QCOMPARE(controller.cursorIndex(), 1);
        QTest::qWait(50);
        QCOMPARE(controller.sampleCount(), 2);
        controller.step();  // the cursor is at the newest sample, so the run steps
        QTRY_COMPARE_WITH_TIMEOUT(controller.sampleCount(), 3, 10000);
        QVERIFY(controller.cursorFollowsRun());
        QCOMPARE(controller.cursorIndex(), 2);

        controller.togglePause();
        QCOMPARE(controller.state(), StudioController::RunState::Running);
        controller.togglePause();
        QCOMPARE(controller.state(), StudioController::RunState::Paused);
        controller.stop();
    }

    void stationsOfPipeline() {
        StudioController controller;
        QVERIFY(controller.load(kSlowStage));
        const QStringList expected{QStringLiteral("Worker pool"), QStringLiteral("Stage: parse"),
                                   QStringLiteral("Stage: enrich"), QStringLiteral("Stage: store")};
        QCOMPARE(controller.stationNames(), expected);
        QCOMPARE(controller.stationCapacity(0), 32);
        QCOMPARE(controller.stationServers(0), 8);
        QCOMPARE(controller.stationCapacity(2), 10);
        QCOMPARE(controller.stationServers(2), 2);
        QCOMPARE(controller.stationServers(4), 0);
        QCOMPARE(controller.stationCapacity(-1), 0);
        QCOMPARE(controller.sampleIntervalSeconds(), 0.1);
    }

    void feederChartsEveryMetric() {
        StudioController controller;
        QVERIFY(controller.load(kSlowStage));
        controller.showRecordedRun(handMadeSamples(), {});
        QCOMPARE(controller.state(), StudioController::RunState::Finished);
        ChartFeeder feeder;
        feeder.setController(&controller);

        // Rates divide a sample's count by the 0.1 s interval it covers.
        QCOMPARE(feeder.points(Metric::AdmittedPerSecond),
                 expectedPoints([](int i) { return 50.0 * (i + 1); }));
        QCOMPARE(feeder.points(Metric::RejectedPerSecond),
                 expectedPoints([](int i) { return 10.0 * (i + 1); }));
        QCOMPARE(feeder.points(Metric::DroppedPerSecond), expectedPoints([](int) { return 20.0; }));
        QCOMPARE(feeder.points(Metric::RetriedPerSecond),
                 expectedPoints([](int i) { return 30.0 * i; }));
        QCOMPARE(feeder.points(Metric::LatencyP50), expectedPoints([](int i) { return 10.0 + i; }));
        QCOMPARE(feeder.points(Metric::LatencyP95), expectedPoints([](int i) { return 20.0 + i; }));
        QCOMPARE(feeder.points(Metric::LatencyP99), expectedPoints([](int i) { return 30.0 + i; }));
        // The pipeline scenario has no limiter.
        QVERIFY(feeder.points(Metric::LimiterLevel).isEmpty());
        QVERIFY(feeder.points(Metric::LimiterReferenceLine).isEmpty());

        for (int k = 0; k < 4; ++k) {
            const QByteArray station = QByteArray::number(k);
            QVERIFY2(feeder.points(Metric::QueueDepth, k) ==
                         expectedPoints([k](int i) { return 100.0 * k + i; }),
                     station);
            QVERIFY2(feeder.points(Metric::BusyWorkers, k) ==
                         expectedPoints([k](int i) { return 10.0 * k + i; }),
                     station);
            QVERIFY2(feeder.points(Metric::BlockedWorkers, k) ==
                         expectedPoints([k](int i) { return 20.0 * k + i; }),
                     station);
            QVERIFY2(feeder.points(Metric::StationLatencyP50, k) ==
                         expectedPoints([k](int i) { return 1000.0 * k + i; }),
                     station);
            QVERIFY2(feeder.points(Metric::StationLatencyP95, k) ==
                         expectedPoints([k](int i) { return 1000.0 * k + 100 + i; }),
                     station);
            QVERIFY2(feeder.points(Metric::StationLatencyP99, k) ==
                         expectedPoints([k](int i) { return 1000.0 * k + 200 + i; }),
                     station);
        }
        QVERIFY(feeder.points(Metric::QueueDepth, 4).isEmpty());
        QVERIFY(feeder.points(Metric::StationLatencyP99, -1).isEmpty());

        // Reference lines run from 0 to the load's 30 s.
        QCOMPARE(feeder.timeSpan(), 30.0);
        QCOMPARE(feeder.timeStart(), 0.0);
        const QList<QPointF> poolCapacity{QPointF(0, 32), QPointF(30, 32)};
        QCOMPARE(feeder.points(Metric::QueueCapacityLine, 0), poolCapacity);
        const QList<QPointF> enrichCapacity{QPointF(0, 10), QPointF(30, 10)};
        QCOMPARE(feeder.points(Metric::QueueCapacityLine, 2), enrichCapacity);
        const QList<QPointF> poolWorkers{QPointF(0, 8), QPointF(30, 8)};
        QCOMPARE(feeder.points(Metric::WorkerCountLine, 0), poolWorkers);
        const QList<QPointF> enrichWorkers{QPointF(0, 2), QPointF(30, 2)};
        QCOMPARE(feeder.points(Metric::WorkerCountLine, 2), enrichWorkers);
        QVERIFY(feeder.points(Metric::WorkerCountLine, 9).isEmpty());

        QCOMPARE(feeder.upperBound(Metric::QueueDepth, 3), 302.0);
        QCOMPARE(feeder.upperBound(Metric::AdmittedPerSecond), 150.0);
        QCOMPARE(feeder.upperBound(Metric::WorkerCountLine, 1), 4.0);
    }

    void feederReadsValuesAtCursor() {
        StudioController controller;
        QVERIFY(controller.load(kSlowStage));
        ChartFeeder feeder;
        feeder.setController(&controller);
        QVERIFY(std::isnan(feeder.valueAt(Metric::QueueDepth)));

        controller.showRecordedRun(handMadeSamples(), {});
        QCOMPARE(feeder.valueAt(Metric::QueueDepth, 1), 102.0);  // follows the newest sample
        controller.setCursorSeconds(0.2);
        QCOMPARE(feeder.valueAt(Metric::QueueDepth, 1), 101.0);
        QCOMPARE(feeder.valueAt(Metric::BusyWorkers, 3), 31.0);
        QCOMPARE(feeder.valueAt(Metric::BlockedWorkers, 3), 61.0);
        QCOMPARE(feeder.valueAt(Metric::AdmittedPerSecond), 100.0);
        QCOMPARE(feeder.valueAt(Metric::StationLatencyP95, 2), 2101.0);
        QCOMPARE(feeder.valueAt(Metric::LatencyP99), 31.0);
        QCOMPARE(feeder.valueAt(Metric::QueueCapacityLine, 3), 10.0);
        QCOMPARE(feeder.valueAt(Metric::WorkerCountLine, 0), 8.0);
        QVERIFY(std::isnan(feeder.valueAt(Metric::QueueDepth, 7)));
        QVERIFY(std::isnan(feeder.valueAt(Metric::LimiterLevel)));
        controller.setCursorSeconds(0.05);
        QVERIFY(std::isnan(feeder.valueAt(Metric::AdmittedPerSecond)));
    }

    void feederChartsLimiterLevel() {
        StudioController controller;
        QVERIFY(controller.load(kApiBurst));
        QCOMPARE(controller.limiterIndex(), 0);
        controller.showRecordedRun(handMadeSamples(), {});
        ChartFeeder feeder;
        feeder.setController(&controller);
        QCOMPARE(feeder.points(Metric::LimiterLevel),
                 expectedPoints([](int i) { return 50.0 + i; }));
        const QList<QPointF> burst{QPointF(0, 200), QPointF(30, 200)};
        QCOMPARE(feeder.points(Metric::LimiterReferenceLine), burst);
        controller.setCursorSeconds(0.1);
        QCOMPARE(feeder.valueAt(Metric::LimiterLevel), 50.0);
        QCOMPARE(feeder.valueAt(Metric::LimiterReferenceLine), 200.0);
    }

    void feederPoolFallsBackWithoutStations() {
        StudioController controller;
        QVERIFY(controller.load(kApiBurst));
        auto samples = handMadeSamples();
        for (auto& s : samples) {
            s.stations.clear();
        }
        controller.showRecordedRun(samples, {});
        ChartFeeder feeder;
        feeder.setController(&controller);
        QCOMPARE(feeder.points(Metric::QueueDepth, 0),
                 expectedPoints([](int i) { return 0.0 + i; }));
        QCOMPARE(feeder.points(Metric::BusyWorkers, 0),
                 expectedPoints([](int i) { return 0.0 + i; }));
        QVERIFY(feeder.points(Metric::QueueDepth, 1).isEmpty());
        QVERIFY(feeder.points(Metric::StationLatencyP50, 0).isEmpty());
        QVERIFY(feeder.points(Metric::BlockedWorkers, 0).isEmpty());
    }

    void feederKeepsBoundedWindow() {
        StudioController controller;
        QVERIFY(controller.load(kApiBurst));
        const std::size_t count = ChartFeeder::kWindow + 50;
        auto samples = evenlySpacedSamples(count);
        for (auto& sample : samples) {
            sample.admitted = 3;
        }
        controller.showRecordedRun(std::move(samples), {});
        ChartFeeder feeder;
        feeder.setController(&controller);

        // The controller keeps the newest kWindow samples, and the series covers all of them.
        QCOMPARE(controller.sampleCount(), static_cast<int>(count));
        QCOMPARE(controller.keptSampleCount(), ChartFeeder::kWindow);
        QVERIFY(std::abs(controller.keptFromSeconds() - 5.1) < 1e-9);
        QList<QPointF> points = feeder.points(Metric::QueueDepth);
        QCOMPARE(points.size(), ChartFeeder::kWindow);
        QCOMPARE(points.front().y(), 50.0);
        QCOMPARE(points.back().y(), static_cast<double>(count - 1));
        QVERIFY(std::abs(feeder.timeStart() - 5.1) < 1e-9);
        QVERIFY(std::abs(feeder.timeSpan() - 0.1 * count) < 1e-9);

        // The cursor cannot go before the oldest sample kept, so it moves to that sample.
        controller.setCursorSeconds(0.1);
        QVERIFY(std::abs(controller.cursorSeconds() - 5.1) < 1e-9);
        QCOMPARE(controller.cursorIndex(), 50);
        QCOMPARE(feeder.valueAt(Metric::QueueDepth), 50.0);
        controller.stepCursor(-5);
        QCOMPARE(controller.cursorIndex(), 50);
        // Stepping forward reaches the newest sample and stops there.
        controller.stepCursor(ChartFeeder::kWindow + 7);
        QCOMPARE(controller.cursorIndex(), static_cast<int>(count) - 1);
        QCOMPARE(feeder.valueAt(Metric::QueueDepth), static_cast<double>(count - 1));
        // The points do not depend on the cursor.
        QCOMPARE(feeder.points(Metric::QueueDepth), points);
        // The rate of the oldest kept sample divides by the scenario's sample interval, since
        // the sample before it is gone.
        controller.setCursorSeconds(0);
        QCOMPARE(controller.cursorIndex(), 50);
        QVERIFY(std::abs(feeder.valueAt(Metric::AdmittedPerSecond) -
                         3 / controller.sampleIntervalSeconds()) < 1e-9);
        controller.stepCursor(1);
        QVERIFY(std::abs(feeder.valueAt(Metric::AdmittedPerSecond) - 30.0) < 1e-9);
    }

    void decimatePassesShortSeriesThrough() {
        QVERIFY(ChartFeeder::decimate({}, ChartFeeder::kPlotBuckets).isEmpty());
        QList<QPointF> points;
        for (int i = 0; i < ChartFeeder::kMaxPlotPoints; ++i) {
            points.append(QPointF(0.1 * i, (i * 37) % 101));
        }
        QCOMPARE(ChartFeeder::decimate(points, ChartFeeder::kPlotBuckets), points);
        // One point more than the limit is decimated.
        points.append(QPointF(0.1 * ChartFeeder::kMaxPlotPoints, 5));
        QVERIFY(ChartFeeder::decimate(points, ChartFeeder::kPlotBuckets).size() < points.size());
    }

    void decimateKeepsSpikesEndsAndOrder() {
        QList<QPointF> points;
        for (int i = 0; i < ChartFeeder::kWindow; ++i) {
            points.append(QPointF(5.0 + 0.1 * i, 10.0 + (i * 37) % 11));
        }
        points[4321].setY(1000.0);  // a one-sample spike
        points[7777].setY(-500.0);  // a one-sample dip
        points[4322].setY(999.0);   // next to the spike, in the same bucket, lower
        const QList<QPointF> out = ChartFeeder::decimate(points, ChartFeeder::kPlotBuckets);

        QVERIFY(out.size() <= ChartFeeder::kMaxPlotPoints);
        QVERIFY(out.size() > 2 * ChartFeeder::kPlotBuckets);
        QCOMPARE(out.front(), points.front());
        QCOMPARE(out.back(), points.back());
        QVERIFY(out.contains(points[4321]));
        QVERIFY(out.contains(points[7777]));
        qsizetype from = 0;
        for (qsizetype i = 0; i < out.size(); ++i) {
            if (i > 0) {
                QVERIFY2(out[i].x() > out[i - 1].x(), qPrintable(QString::number(i)));
            }
            // Every kept point is an input point, found after the previous one.
            const qsizetype at = points.indexOf(out[i], from);
            QVERIFY2(at >= 0, qPrintable(QString::number(i)));
            from = at + 1;
        }
        // Each bucket's range is the range of its input points.
        double top = 0;
        double bottom = 0;
        for (const QPointF& p : out) {
            top = std::max(top, p.y());
            bottom = std::min(bottom, p.y());
        }
        QCOMPARE(top, 1000.0);
        QCOMPARE(bottom, -500.0);
    }

    void decimateHandlesOddInput() {
        // All points at one time: buckets by position, ends kept.
        QList<QPointF> sameTime;
        for (int i = 0; i < 100; ++i) {
            sameTime.append(QPointF(2.0, i == 50 ? 90.0 : 1.0));
        }
        QList<QPointF> out = ChartFeeder::decimate(sameTime, 5);
        QVERIFY(out.size() <= 20);
        QCOMPARE(out.front(), sameTime.front());
        QCOMPARE(out.back(), sameTime.back());
        QVERIFY(
            std::any_of(out.begin(), out.end(), [](const QPointF& p) { return p.y() == 90.0; }));

        // NaN values never stand for a bucket's low or high.
        QList<QPointF> withNan;
        for (int i = 0; i < 100; ++i) {
            withNan.append(
                QPointF(i, i % 2 == 0 ? std::numeric_limits<double>::quiet_NaN() : double(i)));
        }
        out = ChartFeeder::decimate(withNan, 1);
        // The first (NaN), the lowest (1 at time 1) and the highest, which is also the last.
        QCOMPARE(out.size(), 3);
        QVERIFY(std::isnan(out[0].y()));
        QCOMPARE(out[1], QPointF(1, 1));
        QCOMPARE(out[2], QPointF(99, 99));

        // Fewer than one bucket counts as one.
        QVERIFY(ChartFeeder::decimate(withNan, 0).size() <= 4);
    }

    void feederUpdateDecimatesLongWindows() {
        StudioController controller;
        QVERIFY(controller.load(kApiBurst));
        ChartFeeder feeder;
        feeder.setController(&controller);
        QLineSeries series;

        // A short run: one point per sample.
        controller.showRecordedRun(evenlySpacedSamples(ChartFeeder::kMaxPlotPoints), {});
        QCOMPARE(feeder.update(&series, Metric::QueueDepth),
                 double(ChartFeeder::kMaxPlotPoints - 1));
        QCOMPARE(series.count(), ChartFeeder::kMaxPlotPoints);
        QCOMPARE(series.points(), feeder.points(Metric::QueueDepth));

        // A long run: the window decimated, with the same ends and the same largest value.
        const std::size_t count = ChartFeeder::kWindow + 50;
        controller.showRecordedRun(evenlySpacedSamples(count), {});
        const QList<QPointF> full = feeder.points(Metric::QueueDepth);
        QCOMPARE(feeder.update(&series, Metric::QueueDepth), double(count - 1));
        QVERIFY(series.count() <= ChartFeeder::kMaxPlotPoints);
        QCOMPARE(series.at(0), full.front());
        QCOMPARE(series.at(series.count() - 1), full.back());
    }

    void axesFollowData() {
        ChartAxes axes;
        QVERIFY(axes.follow());
        QSignalSpy rangeChanged(&axes, &ChartAxes::rangeChanged);
        axes.fit(0, 30, 200);
        QCOMPARE(rangeChanged.count(), 1);
        QCOMPARE(axes.xMin(), 0.0);
        QCOMPARE(axes.xMax(), 30.0);
        QCOMPARE(axes.yMin(), 0.0);
        QCOMPARE(axes.yMax(), 250.0);  // 220 with headroom, rounded up to the 50 tick
        QCOMPARE(axes.yTick(), 50.0);
        QCOMPARE(axes.xTick(), 10.0);
        axes.fit(0, 30, 0);
        QCOMPARE(axes.yMax(), 1.0);
        QCOMPARE(axes.yLabelFormat(), QStringLiteral("%.1f"));
        axes.fit(0, 30, std::numeric_limits<double>::quiet_NaN());
        QCOMPARE(axes.yMax(), 1.0);

        // A window sliding with the run moves the time axis in half ticks of 100 s, not on
        // every refresh.
        axes.fit(5.1, 1005.1, 10);
        QCOMPARE(axes.xMin(), 0.0);
        QCOMPARE(axes.xMax(), 1100.0);
        const int changes = rangeChanged.count();
        axes.fit(7.3, 1007.3, 10);
        axes.fit(99.9, 1099.9, 10);
        QCOMPARE(rangeChanged.count(), changes);
        axes.fit(100.1, 1100.1, 10);
        QCOMPARE(axes.xMin(), 100.0);
        QCOMPARE(axes.xMax(), 1200.0);
        QCOMPARE(rangeChanged.count(), changes + 1);
    }

    void axesStayWhereSet() {
        ChartAxes axes;
        QSignalSpy followChanged(&axes, &ChartAxes::followChanged);
        QVERIFY(!axes.setRange(10, 5, 0, 1));
        QVERIFY(!axes.setRange(0, 5, 3, 3));
        QVERIFY(!axes.setRange(0, std::numeric_limits<double>::infinity(), 0, 1));
        QVERIFY(axes.follow());
        QVERIFY(axes.setRange(2, 12, -1, 4));
        QVERIFY(!axes.follow());
        QCOMPARE(followChanged.count(), 1);
        axes.fit(0, 100, 1000);  // ignored while fixed
        QCOMPARE(axes.xMin(), 2.0);
        QCOMPARE(axes.xMax(), 12.0);
        QCOMPARE(axes.yMin(), -1.0);
        QCOMPARE(axes.yMax(), 4.0);
        axes.reset();
        QVERIFY(axes.follow());
        axes.fit(0, 100, 1000);
        QCOMPARE(axes.xMax(), 100.0);
    }

    void axesZoomAroundPoint() {
        ChartAxes axes;
        axes.fit(0, 100, 90);  // y 0..100
        QCOMPARE(axes.yMax(), 100.0);
        axes.zoom(0.5, 0.25, 2.0);
        QVERIFY(!axes.follow());
        QCOMPARE(axes.xMin(), 25.0);
        QCOMPARE(axes.xMax(), 75.0);
        QCOMPARE(axes.yMin(), 12.5);
        QCOMPARE(axes.yMax(), 62.5);
        axes.zoom(0.0, 0.0, 0.5);  // zoom out around the bottom-left corner
        QCOMPARE(axes.xMin(), 25.0);
        QCOMPARE(axes.xMax(), 125.0);
        QCOMPARE(axes.yMin(), 12.5);
        QCOMPARE(axes.yMax(), 112.5);
        axes.zoom(0.5, 0.5, -1);  // ignored
        QCOMPARE(axes.xMax(), 125.0);
    }

    void axesNiceSteps() {
        QCOMPARE(ChartAxes::niceStep(30), 10.0);
        QCOMPARE(ChartAxes::niceStep(10), 2.0);
        QCOMPARE(ChartAxes::niceStep(5), 1.0);
        QCOMPARE(ChartAxes::niceStep(0.5), 0.1);
        QCOMPARE(ChartAxes::labelFormat(10), QStringLiteral("%.0f"));
        QCOMPARE(ChartAxes::labelFormat(0.5), QStringLiteral("%.1f"));
        QCOMPARE(ChartAxes::labelFormat(0.02), QStringLiteral("%.2f"));
    }

    void runWithoutScenarioExplains() {
        StudioController controller;
        controller.run();
        QVERIFY(!controller.errorMessage().isEmpty());
        QCOMPARE(controller.state(), StudioController::RunState::Idle);
        controller.clearError();
        controller.simulate();
        QVERIFY(!controller.errorMessage().isEmpty());
        controller.clearError();
        controller.step();
        QVERIFY(!controller.errorMessage().isEmpty());
        QCOMPARE(controller.state(), StudioController::RunState::Idle);
    }
};

QTEST_GUILESS_MAIN(TestStudioModels)
#include "tst_studio_models.moc"
