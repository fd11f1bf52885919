// Tests of the Compare and Sweep pages' C++ side: RunHistory, CompareFeeder, SweepController
// and SweepGridModel, against real simulation runs of small scenarios.

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtCharts/QLineSeries>
#include <QtCharts/QScatterSeries>
#include <QtTest>

#include <chrono>

#include "compare_feeder.h"
#include "run_history.h"
#include "studio_controller.h"
#include "sweep_controller.h"
#include "sweep_grid_model.h"

namespace {

// One worker serves 100 requests per second and the limiter admits up to 150, so the queue
// fills with one worker and stays short with two or more.
constexpr const char* kTinyScenario = R"({
    "version": 1, "name": "tiny",
    "load": {"arrivals": "even", "phases": [{"rate": 200, "duration_s": 5}]},
    "limiters": [{"type": "token_bucket", "rate": 150, "burst": 20}],
    "pool": {"workers": 1, "queue_capacity": 50,
             "service_time": {"distribution": "constant", "mean_ms": 10}}})";

// Long enough that a 400-combination sweep of it cannot finish before cancel() is called.
constexpr const char* kLongScenario = R"({
    "version": 1, "name": "long",
    "load": {"arrivals": "poisson", "phases": [{"rate": 2000, "duration_s": 600}]},
    "pool": {"workers": 30, "queue_capacity": 100,
             "service_time": {"distribution": "exponential", "mean_ms": 10}}})";

goflow::sim::Scenario parse(const char* json) {
    auto scenario = goflow::sim::load_scenario(json);
    if (!scenario) {
        qFatal("%s", scenario.error().message.c_str());
    }
    return *scenario;
}

// Adds a real run of `scenario` to `history` and returns its id.
int addRun(RunHistory& history, const goflow::sim::Scenario& scenario) {
    auto result = goflow::sim::simulate(scenario);
    return history.add(scenario, std::move(result.samples), result.summary);
}

QString writeScenario(const QTemporaryDir& dir, const char* json) {
    const QString path = dir.filePath(QStringLiteral("scenario.json"));
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly)) {
        qFatal("cannot write %s", qPrintable(path));
    }
    file.write(json);
    return path;
}

}  // namespace

class TestCompareSweep : public QObject {
    Q_OBJECT

  private slots:
    void runHistoryAddsAndNamesRuns() {
        RunHistory history;
        QAbstractItemModelTester tester(&history,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy countChanged(&history, &RunHistory::countChanged);
        const auto scenario = parse(kTinyScenario);
        const int first = addRun(history, scenario);
        const int second = addRun(history, scenario);
        QCOMPARE(history.count(), 2);
        QCOMPARE(countChanged.count(), 2);
        QVERIFY(first != second);
        QCOMPARE(history.nameOf(first), QStringLiteral("tiny #1"));
        QCOMPARE(history.nameOf(second), QStringLiteral("tiny #2"));
        QCOMPARE(history.data(history.index(1), RunHistory::NameRole).toString(),
                 QStringLiteral("tiny #2"));
        QCOMPARE(history.data(history.index(0), RunHistory::RunIdRole).toInt(), first);
        QCOMPARE(history.rowOf(second), 1);
        QCOMPARE(history.idAt(0), first);
        QCOMPARE(history.idAt(2), -1);
        QCOMPARE(history.find(first)->limiterIndex, 0);
        QVERIFY(!history.find(first)->samples.empty());
    }

    void runHistoryRenamesRemovesClears() {
        RunHistory history;
        QAbstractItemModelTester tester(&history,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        const auto scenario = parse(kTinyScenario);
        const int first = addRun(history, scenario);
        const int second = addRun(history, scenario);
        QSignalSpy dataChanged(&history, &QAbstractItemModel::dataChanged);
        QVERIFY(history.rename(first, QStringLiteral("  baseline  ")));
        QCOMPARE(history.nameOf(first), QStringLiteral("baseline"));
        QCOMPARE(dataChanged.count(), 1);
        QVERIFY(!history.rename(first, QStringLiteral("   ")));
        QCOMPARE(history.nameOf(first), QStringLiteral("baseline"));
        QVERIFY(!history.rename(12345, QStringLiteral("x")));

        QVERIFY(history.remove(first));
        QVERIFY(!history.remove(first));
        QCOMPARE(history.count(), 1);
        QCOMPARE(history.idAt(0), second);
        history.clear();
        QCOMPARE(history.count(), 0);
        QVERIFY(history.find(second) == nullptr);
        // Numbering continues after a clear, so a new run never repeats an old name.
        const int third = addRun(history, scenario);
        QCOMPARE(history.nameOf(third), QStringLiteral("tiny #3"));
    }

    void runHistoryEvictsOldest() {
        RunHistory history;
        QAbstractItemModelTester tester(&history,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        const auto scenario = parse(kTinyScenario);
        const auto result = goflow::sim::simulate(scenario);
        std::vector<int> ids;
        for (int i = 0; i < RunHistory::kCapacity + 2; ++i) {
            ids.push_back(history.add(scenario, result.samples, result.summary));
        }
        QCOMPARE(history.count(), RunHistory::kCapacity);
        QVERIFY(history.find(ids[0]) == nullptr);
        QVERIFY(history.find(ids[1]) == nullptr);
        QCOMPARE(history.idAt(0), ids[2]);
        QCOMPARE(history.idAt(RunHistory::kCapacity - 1), ids.back());
    }

    void controllerRecordsFinishedRun() {
        QTemporaryDir dir;
        StudioController controller;
        QVERIFY(controller.load(writeScenario(dir, kTinyScenario)));
        QSignalSpy finished(&controller, &StudioController::runFinished);
        controller.setSpeed(StudioController::Speed::AsFastAsPossible);
        controller.run();
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 20000);
        QCOMPARE(controller.history()->count(), 1);
        const RunRecord* run = controller.history()->find(finished.front().front().toInt());
        QVERIFY(run != nullptr);
        QCOMPARE(run->samples.size(), controller.samples().size());
        QCOMPARE(static_cast<qint64>(run->summary.admitted), controller.admitted());
        QCOMPARE(run->scenario.name, std::string("tiny"));
        QCOMPARE(run->name, QStringLiteral("tiny #1"));
    }

    void compareFeederChartsBothRuns() {
        RunHistory history;
        auto scenario = parse(kTinyScenario);
        const int first = addRun(history, scenario);
        scenario.pool.servers = 2;
        const int second = addRun(history, scenario);

        CompareFeeder feeder;
        QSignalSpy runsChanged(&feeder, &CompareFeeder::runsChanged);
        feeder.setHistory(&history);
        QVERIFY(!feeder.ready());
        feeder.chooseLatest();
        QCOMPARE(feeder.firstRunId(), first);
        QCOMPARE(feeder.secondRunId(), second);
        QVERIFY(feeder.ready());
        QCOMPARE(feeder.firstName(), QStringLiteral("tiny #1"));
        QCOMPARE(feeder.secondName(), QStringLiteral("tiny #2"));

        const RunRecord* a = history.find(first);
        const RunRecord* b = history.find(second);
        QLineSeries seriesA;
        QLineSeries seriesB;
        feeder.update(&seriesA, 0, CompareFeeder::Metric::QueueDepth);
        feeder.update(&seriesB, 1, CompareFeeder::Metric::QueueDepth);
        QCOMPARE(static_cast<std::size_t>(seriesA.count()), a->samples.size());
        QCOMPARE(static_cast<std::size_t>(seriesB.count()), b->samples.size());
        QCOMPARE(seriesA.at(10).y(), static_cast<double>(a->samples[10].queue_depth));
        QCOMPARE(seriesB.at(10).y(), static_cast<double>(b->samples[10].queue_depth));

        // Per-second rates are the interval's count over the interval's length.
        feeder.update(&seriesA, 0, CompareFeeder::Metric::AdmittedPerSecond);
        const double interval = std::chrono::duration<double>(a->samples[5].time).count() -
                                std::chrono::duration<double>(a->samples[4].time).count();
        QCOMPARE(seriesA.at(5).y(), a->samples[5].admitted / interval);

        feeder.update(&seriesA, 0, CompareFeeder::Metric::LimiterLevel);
        QCOMPARE(seriesA.at(3).y(), a->samples[3].limiter_levels[0]);
        QVERIFY(feeder.upperBound(CompareFeeder::Metric::QueueDepth) >= 50);
        QVERIFY(feeder.timeSpan() >= 5.0);
    }

    void compareFeederSummaryRows() {
        RunHistory history;
        auto scenario = parse(kTinyScenario);
        const int first = addRun(history, scenario);
        scenario.pool.servers = 2;
        const int second = addRun(history, scenario);
        CompareFeeder feeder;
        feeder.setHistory(&history);
        feeder.setFirstRunId(first);
        feeder.setSecondRunId(second);

        const QVariantList rows = feeder.summaryRows();
        QVERIFY(rows.size() >= 10);
        QVariantMap queueRow;
        for (const QVariant& row : rows) {
            if (row.toMap().value(QStringLiteral("label")).toString() ==
                QStringLiteral("Max queue depth")) {
                queueRow = row.toMap();
            }
        }
        QVERIFY(!queueRow.isEmpty());
        const int depthA = history.find(first)->summary.max_queue_depth;
        const int depthB = history.find(second)->summary.max_queue_depth;
        QVERIFY2(depthB < depthA, "a second worker must shorten the queue");
        QCOMPARE(queueRow.value(QStringLiteral("first")).toString(), QLocale().toString(depthA));
        QCOMPARE(queueRow.value(QStringLiteral("second")).toString(), QLocale().toString(depthB));
        QVERIFY(queueRow.value(QStringLiteral("difference"))
                    .toString()
                    .startsWith(QLocale().toString(depthB - depthA)));
        QCOMPARE(queueRow.value(QStringLiteral("worse")).toInt(), -1);
    }

    void compareFeederFollowsHistory() {
        RunHistory history;
        const auto scenario = parse(kTinyScenario);
        const int first = addRun(history, scenario);
        const int second = addRun(history, scenario);
        CompareFeeder feeder;
        feeder.setHistory(&history);
        feeder.chooseLatest();
        QSignalSpy runsChanged(&feeder, &CompareFeeder::runsChanged);
        QVERIFY(history.rename(second, QStringLiteral("wider pool")));
        QCOMPARE(runsChanged.count(), 1);
        QCOMPARE(feeder.secondName(), QStringLiteral("wider pool"));
        QVERIFY(history.remove(first));
        QCOMPARE(runsChanged.count(), 2);
        QVERIFY(!feeder.ready());
        QVERIFY(feeder.summaryRows().isEmpty());
        QLineSeries series;
        series.append(1, 1);
        feeder.update(&series, 0, CompareFeeder::Metric::QueueDepth);
        QCOMPARE(series.count(), 0);
    }

    void compareFeederBucketsLongRuns() {
        auto scenario = parse(kTinyScenario);
        scenario.sample_interval = std::chrono::milliseconds(1);  // 5000+ samples
        scenario.classes[0].load.phases[0].duration = std::chrono::seconds(8);
        RunHistory history;
        const int id = addRun(history, scenario);
        const RunRecord* run = history.find(id);
        QVERIFY(run->samples.size() > static_cast<std::size_t>(CompareFeeder::kMaxPoints));
        const QList<QPointF> points =
            CompareFeeder::points(*run, CompareFeeder::Metric::AdmittedPerSecond);
        QVERIFY(points.size() <= CompareFeeder::kMaxPoints);
        // Rates times bucket lengths add up to the run's admitted total.
        double admitted = 0;
        double previous = 0;
        for (const QPointF& p : points) {
            admitted += p.y() * (p.x() - previous);
            previous = p.x();
        }
        QCOMPARE(qRound64(admitted), static_cast<qint64>(run->summary.admitted));
    }

    void sweepListsParameters() {
        QTemporaryDir dir;
        StudioController controller;
        QVERIFY(controller.load(writeScenario(dir, kTinyScenario)));
        SweepController sweep;
        sweep.setController(&controller);
        QStringList keys;
        for (const QVariant& entry : sweep.parameters()) {
            keys.append(entry.toMap().value(QStringLiteral("key")).toString());
        }
        for (const char* key : {"pool.workers", "pool.queue_capacity", "pool.service_time_ms",
                                "limiters[0].rate", "limiters[0].burst", "client.retries"}) {
            QVERIFY2(keys.contains(QLatin1String(key)), key);
        }
        QCOMPARE(sweep.firstParameter(), QStringLiteral("pool.workers"));
        QCOMPARE(sweep.firstRange(), QStringLiteral("1..2"));
        QVERIFY2(sweep.validationError().isEmpty(), qPrintable(sweep.validationError()));
        QCOMPARE(sweep.suggestedRange(QStringLiteral("limiters[0].burst")),
                 QStringLiteral("10..40:5"));
    }

    void sweepValidatesInputs_data() {
        QTest::addColumn<QString>("first");
        QTest::addColumn<QString>("firstRange");
        QTest::addColumn<QString>("second");
        QTest::addColumn<QString>("secondRange");
        QTest::addColumn<QString>("message");
        QTest::newRow("empty range") << "pool.workers"
                                     << "  "
                                     << ""
                                     << ""
                                     << "Enter the values of pool.workers";
        QTest::newRow("not a number") << "pool.workers"
                                      << "2,x"
                                      << ""
                                      << ""
                                      << "\"x\" is not a number";
        QTest::newRow("bad range") << "pool.workers"
                                   << "8..2"
                                   << ""
                                   << ""
                                   << "FROM <= TO";
        QTest::newRow("out of range") << "pool.workers"
                                      << "0..3"
                                      << ""
                                      << ""
                                      << "pool.workers must be between 1 and 100000";
        QTest::newRow("same parameter twice") << "pool.workers"
                                              << "1..3"
                                              << "pool.workers"
                                              << "1..3"
                                              << "two different parameters";
        QTest::newRow("too many combinations") << "pool.workers"
                                               << "1..40"
                                               << "pool.queue_capacity"
                                               << "0..10"
                                               << "more than 400 combinations";
        QTest::newRow("unknown parameter") << "pool.wokers"
                                           << "1..3"
                                           << ""
                                           << ""
                                           << "not a parameter of this scenario";
    }

    void sweepValidatesInputs() {
        QFETCH(QString, first);
        QFETCH(QString, firstRange);
        QFETCH(QString, second);
        QFETCH(QString, secondRange);
        QFETCH(QString, message);
        QTemporaryDir dir;
        StudioController controller;
        QVERIFY(controller.load(writeScenario(dir, kTinyScenario)));
        SweepController sweep;
        sweep.setController(&controller);
        sweep.setFirstParameter(first);
        sweep.setFirstRange(firstRange);
        sweep.setSecondParameter(second);
        sweep.setSecondRange(secondRange);
        QVERIFY2(sweep.validationError().contains(message), qPrintable(sweep.validationError()));
        QCOMPARE(sweep.combinationCount(), 0);
        QVERIFY(!sweep.start());
        QVERIFY(!sweep.running());
        QVERIFY(sweep.statusIsError());
        QCOMPARE(sweep.statusText(), sweep.validationError());
    }

    void sweepWithoutScenarioIsInvalid() {
        SweepController sweep;
        QVERIFY(!sweep.validationError().isEmpty());
        QVERIFY(!sweep.start());
    }

    void sweepOfWorkersShortensQueue() {
        QTemporaryDir dir;
        StudioController controller;
        QVERIFY(controller.load(writeScenario(dir, kTinyScenario)));
        SweepController sweep;
        sweep.setController(&controller);
        QAbstractItemModelTester tester(sweep.grid(),
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        sweep.setFirstParameter(QStringLiteral("pool.workers"));
        sweep.setFirstRange(QStringLiteral("1..4"));
        QCOMPARE(sweep.combinationCount(), 4);
        sweep.setMetric(SweepController::Metric::MaxQueueDepth);
        QSignalSpy finished(&sweep, &SweepController::finished);
        QVERIFY(sweep.start());
        QVERIFY(sweep.running());
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 30000);
        QVERIFY(!sweep.running());
        QCOMPARE(sweep.done(), 4);
        QCOMPARE(sweep.resultDimensions(), 1);
        QCOMPARE(sweep.resultRowParameter(), QStringLiteral("pool.workers"));

        const auto& points = sweep.resultPoints();
        QCOMPARE(points.size(), std::size_t{4});
        for (std::size_t i = 1; i < points.size(); ++i) {
            QCOMPARE(points[i].values[0], points[i - 1].values[0] + 1);
            QVERIFY2(points[i].summary.max_queue_depth <= points[i - 1].summary.max_queue_depth,
                     qPrintable(QStringLiteral("max queue %1 with %2 workers, %3 with %4")
                                    .arg(points[i].summary.max_queue_depth)
                                    .arg(points[i].values[0])
                                    .arg(points[i - 1].summary.max_queue_depth)
                                    .arg(points[i - 1].values[0])));
        }
        QVERIFY(points.front().summary.max_queue_depth > points.back().summary.max_queue_depth);

        SweepGridModel* grid = sweep.grid();
        QCOMPARE(grid->rowCount(), 4);
        QCOMPARE(grid->columnCount(), 1);
        QCOMPARE(grid->rowLabels(), (QStringList{"1", "2", "3", "4"}));
        QCOMPARE(grid->data(grid->index(0, 0), SweepGridModel::ValueRole).toDouble(),
                 static_cast<double>(points[0].summary.max_queue_depth));
        // One worker has the longest queue, so its cell is the worst.
        QCOMPARE(grid->data(grid->index(0, 0), SweepGridModel::BadnessRole).toDouble(), 1.0);
        QCOMPARE(grid->data(grid->index(3, 0), SweepGridModel::BadnessRole).toDouble(), 0.0);

        QLineSeries line;
        QScatterSeries meeting;
        sweep.updateLine(&line, &meeting);
        QCOMPARE(line.count(), 4);
        QCOMPARE(line.at(2), QPointF(3, points[2].summary.max_queue_depth));
        QCOMPARE(sweep.lineMinX(), 1.0);
        QCOMPARE(sweep.lineMaxX(), 4.0);
    }

    void sweepMarksTarget() {
        QTemporaryDir dir;
        StudioController controller;
        QVERIFY(controller.load(writeScenario(dir, kTinyScenario)));
        SweepController sweep;
        sweep.setController(&controller);
        QAbstractItemModelTester tester(sweep.grid(),
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        sweep.setFirstParameter(QStringLiteral("pool.workers"));
        sweep.setFirstRange(QStringLiteral("1..3"));
        sweep.setSecondParameter(QStringLiteral("limiters[0].rate"));
        sweep.setSecondRange(QStringLiteral("100,150,250"));
        QCOMPARE(sweep.combinationCount(), 9);
        QSignalSpy finished(&sweep, &SweepController::finished);
        QVERIFY(sweep.start());
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 30000);
        QCOMPARE(sweep.resultDimensions(), 2);
        SweepGridModel* grid = sweep.grid();
        QCOMPARE(grid->rowCount(), 3);
        QCOMPARE(grid->columnCount(), 3);
        QCOMPARE(grid->columnLabels(), (QStringList{"100", "150", "250"}));

        // Pick thresholds from the results, so that some cells pass and some fail.
        const auto& points = sweep.resultPoints();
        const auto rejected = [](const goflow::sim::Summary& s) {
            return 100.0 * static_cast<double>(s.rejected_by_limiter + s.rejected_by_queue) /
                   static_cast<double>(s.attempts);
        };
        sweep.setLatencyTargetMs(points[4].summary.latency_p99_ms + 0.001);
        sweep.setRejectedTargetPercent(50);
        int meeting = 0;
        for (int row = 0; row < 3; ++row) {
            for (int column = 0; column < 3; ++column) {
                const auto& s = points[static_cast<std::size_t>(row * 3 + column)].summary;
                const bool expected =
                    s.latency_p99_ms < points[4].summary.latency_p99_ms + 0.001 && rejected(s) < 50;
                meeting += expected ? 1 : 0;
                QCOMPARE(
                    grid->data(grid->index(row, column), SweepGridModel::MeetsTargetRole).toBool(),
                    expected);
            }
        }
        QVERIFY(meeting > 0);
        QVERIFY(meeting < 9);
        QVERIFY2(sweep.statusText().startsWith(QString::number(meeting)),
                 qPrintable(sweep.statusText()));

        sweep.setLatencyTargetEnabled(false);
        sweep.setRejectedTargetEnabled(false);
        for (int row = 0; row < 3; ++row) {
            for (int column = 0; column < 3; ++column) {
                QVERIFY(!grid->data(grid->index(row, column), SweepGridModel::MeetsTargetRole)
                             .toBool());
            }
        }
    }

    void sweepCellLoadsConfiguration() {
        QTemporaryDir dir;
        StudioController controller;
        const QString path = writeScenario(dir, kTinyScenario);
        QVERIFY(controller.load(path));
        SweepController sweep;
        sweep.setController(&controller);
        sweep.setFirstParameter(QStringLiteral("pool.workers"));
        sweep.setFirstRange(QStringLiteral("1,3"));
        sweep.setSecondParameter(QStringLiteral("limiters[0].burst"));
        sweep.setSecondRange(QStringLiteral("5,40"));
        QSignalSpy finished(&sweep, &SweepController::finished);
        QVERIFY(sweep.start());
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 30000);

        QVERIFY(!sweep.loadCell(2, 0));
        QVERIFY(!sweep.loadCell(0, 2));
        QSignalSpy scenarioChanged(&controller, &StudioController::scenarioChanged);
        QVERIFY(sweep.loadCell(1, 0));
        QCOMPARE(scenarioChanged.count(), 1);
        QCOMPARE(controller.workers(), 3);
        QCOMPARE(controller.limiterReference(), 5.0);
        QCOMPARE(controller.scenarioPath(), path);
        QCOMPARE(controller.scenarioName(),
                 QStringLiteral("tiny (pool.workers=3, limiters[0].burst=5)"));

        // Running the loaded configuration reproduces the sweep's numbers exactly.
        controller.setSpeed(StudioController::Speed::AsFastAsPossible);
        controller.run();
        QTRY_COMPARE_WITH_TIMEOUT(controller.state(), StudioController::RunState::Finished, 20000);
        const auto& expected = sweep.resultPoints()[2].summary;
        QCOMPARE(controller.offered(), static_cast<qint64>(expected.offered));
        QCOMPARE(controller.admitted(), static_cast<qint64>(expected.admitted));
        QCOMPARE(controller.rejectedByLimiter(), static_cast<qint64>(expected.rejected_by_limiter));
        QCOMPARE(controller.latencyP99(), expected.latency_p99_ms);

        // The parameter list now shows the loaded configuration's values.
        for (const QVariant& entry : sweep.parameters()) {
            const QVariantMap map = entry.toMap();
            if (map.value(QStringLiteral("key")).toString() == QStringLiteral("pool.workers")) {
                QCOMPARE(map.value(QStringLiteral("value")).toDouble(), 3.0);
            }
        }
    }

    void sweepCancels() {
        QTemporaryDir dir;
        StudioController controller;
        QVERIFY(controller.load(writeScenario(dir, kLongScenario)));
        SweepController sweep;
        sweep.setController(&controller);
        sweep.setFirstParameter(QStringLiteral("pool.workers"));
        sweep.setFirstRange(QStringLiteral("20..419"));
        QCOMPARE(sweep.combinationCount(), 400);
        QSignalSpy finished(&sweep, &SweepController::finished);
        QVERIFY(sweep.start());
        QVERIFY(!sweep.start());  // one sweep at a time
        sweep.cancel();
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 30000);
        QVERIFY(!sweep.running());
        QVERIFY2(sweep.statusText().startsWith(QLatin1String("Cancelled")),
                 qPrintable(sweep.statusText()));
        QVERIFY(!sweep.statusIsError());
        QCOMPARE(sweep.resultDimensions(), 0);
        QCOMPARE(sweep.grid()->rowCount(), 0);

        // A new sweep can start after a cancellation.
        QVERIFY(controller.load(writeScenario(dir, kTinyScenario)));
        sweep.setFirstRange(QStringLiteral("1..2"));
        QVERIFY(sweep.start());
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 2, 60000);
        QCOMPARE(sweep.resultDimensions(), 1);
    }

    void runSweepStopsOnRequest() {
        const auto scenario = parse(kLongScenario);
        auto axis = goflow::app::parseSweepAxis(QStringLiteral("pool.workers=20..60"));
        QVERIFY(axis);
        std::stop_source source;
        source.request_stop();
        auto result = goflow::app::runSweep(scenario, {*axis}, 1, {}, source.get_token());
        QVERIFY(!result);
        QVERIFY(result.error().code == std::errc::operation_canceled);
    }
};

QTEST_MAIN(TestCompareSweep)
#include "tst_compare_sweep.moc"
