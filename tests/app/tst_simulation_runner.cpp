#include <QSignalSpy>
#include <QtTest>

#include <chrono>
#include <cmath>
#include <limits>

#include "scenario_catalog.h"
#include "simulation_runner.h"

using goflow::app::SimulationRunner;

namespace {

goflow::sim::Scenario defaultScenario() {
    const QString dir = QStringLiteral(GOFLOW_SOURCE_SCENARIO_DIR);
    auto scenario = goflow::app::loadScenarioFile(goflow::app::defaultScenarioPath(dir));
    if (!scenario) {
        qFatal("cannot load the default scenario: %s", scenario.error().describe().c_str());
    }
    return *scenario;
}

}  // namespace

class TestSimulationRunner : public QObject {
    Q_OBJECT

  private slots:
    void fastRunMatchesDirectSimulation() {
        const auto scenario = defaultScenario();
        const auto expected = goflow::sim::simulate(scenario);

        SimulationRunner runner;
        QSignalSpy appended(&runner, &SimulationRunner::samplesAppended);
        runner.start(scenario, SimulationRunner::kAsFastAsPossible);
        QCOMPARE(runner.state(), SimulationRunner::State::Running);
        QTRY_COMPARE_WITH_TIMEOUT(runner.state(), SimulationRunner::State::Finished, 20000);

        QCOMPARE(runner.samples().size(), expected.samples.size());
        QCOMPARE(runner.summary().admitted, expected.summary.admitted);
        QCOMPARE(runner.summary().rejected_by_limiter, expected.summary.rejected_by_limiter);
        QCOMPARE(runner.summary().completed, expected.summary.completed);
        QVERIFY(appended.count() >= 2);
        int total = 0;
        for (const auto& call : appended) {
            total += call.at(1).toInt();
        }
        QCOMPARE(static_cast<std::size_t>(total), expected.samples.size());
    }

    void realTimeRunAdvancesAndStops() {
        SimulationRunner runner;
        runner.start(defaultScenario(), 10.0);
        // At 10x, 100 ms of wall time is a second of virtual time: ten samples.
        QTRY_VERIFY_WITH_TIMEOUT(runner.samples().size() >= 5, 10000);
        QVERIFY(runner.elapsedSeconds() > 0);
        QVERIFY(runner.elapsedSeconds() < 30);
        runner.stop();
        QCOMPARE(runner.state(), SimulationRunner::State::Idle);
        const auto kept = runner.samples().size();
        QTest::qWait(100);  // a batch posted before stop() must not arrive afterwards
        QCOMPARE(runner.samples().size(), kept);
    }

    void pauseHoldsVirtualTime() {
        SimulationRunner runner;
        runner.start(defaultScenario(), 10.0);
        QTRY_VERIFY_WITH_TIMEOUT(runner.samples().size() >= 2, 10000);
        runner.pause();
        QCOMPARE(runner.state(), SimulationRunner::State::Paused);
        QTest::qWait(100);  // drain batches that were already queued
        const auto paused = runner.samples().size();
        QTest::qWait(300);
        QCOMPARE(runner.samples().size(), paused);
        runner.resume();
        QTRY_VERIFY_WITH_TIMEOUT(runner.samples().size() > paused, 10000);
        runner.stop();
    }

    void restartDiscardsEarlierRun() {
        SimulationRunner runner;
        runner.start(defaultScenario(), 10.0);
        QTRY_VERIFY_WITH_TIMEOUT(runner.samples().size() >= 3, 10000);
        runner.start(defaultScenario(), SimulationRunner::kAsFastAsPossible);
        QTRY_COMPARE_WITH_TIMEOUT(runner.state(), SimulationRunner::State::Finished, 20000);
        const auto expected = goflow::sim::simulate(defaultScenario());
        QCOMPARE(runner.samples().size(), expected.samples.size());
    }

    void parseSpeedFactor_data() {
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("valid");
        QTest::addColumn<double>("factor");
        QTest::newRow("realtime") << "realtime" << true << 1.0;
        QTest::newRow("max") << "max" << true << SimulationRunner::kAsFastAsPossible;
        QTest::newRow("upper case") << "MAX" << true << SimulationRunner::kAsFastAsPossible;
        QTest::newRow("half") << "0.5" << true << 0.5;
        QTest::newRow("ten") << "10" << true << 10.0;
        QTest::newRow("ten with x") << "10x" << true << 10.0;
        QTest::newRow("times sign") << QString::fromUtf8("25\u00d7") << true << 25.0;
        QTest::newRow("spaces") << " 2 " << true << 2.0;
        QTest::newRow("minimum") << "0.1" << true << 0.1;
        QTest::newRow("maximum") << "100" << true << 100.0;
        QTest::newRow("below minimum") << "0.05" << false << 0.0;
        QTest::newRow("above maximum") << "101" << false << 0.0;
        QTest::newRow("zero") << "0" << false << 0.0;
        QTest::newRow("negative") << "-1" << false << 0.0;
        QTest::newRow("word") << "fast" << false << 0.0;
        QTest::newRow("empty") << "" << false << 0.0;
        QTest::newRow("nan") << "nan" << false << 0.0;
        QTest::newRow("infinity") << "inf" << false << 0.0;
    }

    void parseSpeedFactor() {
        QFETCH(QString, text);
        QFETCH(bool, valid);
        QFETCH(double, factor);
        const auto parsed = SimulationRunner::parseSpeedFactor(text);
        QCOMPARE(parsed.has_value(), valid);
        if (valid) {
            QCOMPARE(*parsed, factor);
        }
    }

    void speedStepsRiseToAsFastAsPossible() {
        const QList<double> steps = SimulationRunner::speedSteps();
        const QList<double> expected{
            0.1, 0.25, 0.5, 1, 2, 5, 10, 25, 50, 100, SimulationRunner::kAsFastAsPossible};
        QCOMPARE(steps, expected);
        for (const double step : steps) {
            QVERIFY2(SimulationRunner::isValidSpeedFactor(step), qPrintable(QString::number(step)));
        }
    }

    void setSpeedFactorRejectsInvalid() {
        SimulationRunner runner;
        QVERIFY(runner.setSpeedFactor(2.5));
        QCOMPARE(runner.speedFactor(), 2.5);
        QVERIFY(!runner.setSpeedFactor(0.01));
        QVERIFY(!runner.setSpeedFactor(1000));
        QVERIFY(!runner.setSpeedFactor(-1));
        QVERIFY(!runner.setSpeedFactor(std::numeric_limits<double>::quiet_NaN()));
        QCOMPARE(runner.speedFactor(), 2.5);
        QVERIFY(runner.setSpeedFactor(SimulationRunner::kAsFastAsPossible));
        QCOMPARE(runner.speedFactor(), SimulationRunner::kAsFastAsPossible);
    }

    void startWithInvalidFactorReplaysAtOne() {
        SimulationRunner runner;
        QTest::ignoreMessage(QtWarningMsg, "invalid speed factor 500 - replaying at 1x");
        runner.start(defaultScenario(), 500, true);
        QCOMPARE(runner.speedFactor(), 1.0);
        runner.stop();
    }

    void stepAddsOneSampleEach() {
        const auto scenario = defaultScenario();
        const auto expected = goflow::sim::simulate(scenario);
        const double interval = std::chrono::duration<double>(scenario.sample_interval).count();

        SimulationRunner runner;
        runner.start(scenario, 1.0, true);
        QCOMPARE(runner.state(), SimulationRunner::State::Paused);
        QTest::qWait(50);  // a paused run computes nothing before a step
        QCOMPARE(runner.samples().size(), std::size_t{0});

        for (std::size_t count = 1; count <= 3; ++count) {
            runner.step();
            QTRY_COMPARE_WITH_TIMEOUT(runner.samples().size(), count, 10000);
            const double time = std::chrono::duration<double>(runner.samples().back().time).count();
            QVERIFY(std::abs(time - interval * static_cast<double>(count)) < 1e-9);
            QCOMPARE(runner.samples().back().admitted, expected.samples[count - 1].admitted);
            QCOMPARE(runner.state(), SimulationRunner::State::Paused);
        }
        runner.resume();
        QTRY_VERIFY_WITH_TIMEOUT(runner.samples().size() > 3, 10000);
        runner.stop();
    }

    void stepIgnoredUnlessPaused() {
        SimulationRunner runner;
        runner.step();
        QCOMPARE(runner.state(), SimulationRunner::State::Idle);
        QCOMPARE(runner.samples().size(), std::size_t{0});
    }

    void simulateDeliversWholeRunAtOnce() {
        const auto scenario = defaultScenario();
        const auto expected = goflow::sim::simulate(scenario);

        SimulationRunner runner;
        QSignalSpy appended(&runner, &SimulationRunner::samplesAppended);
        runner.simulate(scenario);
        QTRY_COMPARE_WITH_TIMEOUT(runner.state(), SimulationRunner::State::Finished, 20000);
        // One empty signal when the run starts, then the whole run in one batch.
        QCOMPARE(appended.count(), 2);
        QCOMPARE(appended.at(1).at(0).toInt(), 0);
        QCOMPARE(static_cast<std::size_t>(appended.at(1).at(1).toInt()), expected.samples.size());
        QCOMPARE(runner.samples().size(), expected.samples.size());
        QCOMPARE(runner.summary().completed, expected.summary.completed);
    }

    void longRunKeepsNewestSamplesAndAnnouncesAll_data() {
        QTest::addColumn<bool>("simulate");
        QTest::newRow("simulate") << true;
        QTest::newRow("as fast as possible") << false;
    }

    void longRunKeepsNewestSamplesAndAnnouncesAll() {
        QFETCH(bool, simulate);
        // 25,000 samples, two and a half times what the runner keeps.
        auto scenario = goflow::sim::load_scenario(R"({
            "version": 1, "name": "long", "sample_interval_ms": 10,
            "load": {"phases": [{"rate": 40, "duration_s": 250}]},
            "pool": {"workers": 2, "queue_capacity": 10,
                     "service_time": {"distribution": "constant", "mean_ms": 5}}})");
        QVERIFY(scenario.ok());
        const auto expected = goflow::sim::simulate(*scenario);
        const std::size_t capacity = goflow::app::SampleWindow::kDefaultCapacity;
        QVERIFY(expected.samples.size() > 2 * capacity);

        SimulationRunner runner;
        std::size_t nextIndex = 0;
        bool contiguous = true;
        bool withinWindow = true;
        std::uint64_t admitted = 0;
        QObject::connect(
            &runner, &SimulationRunner::samplesAppended, &runner, [&](int first, int count) {
                contiguous = contiguous && static_cast<std::size_t>(first) == nextIndex;
                withinWindow = withinWindow && static_cast<std::size_t>(count) <= capacity &&
                               runner.samples().firstIndex() <= static_cast<std::size_t>(first);
                for (int i = first; i < first + count; ++i) {
                    admitted += runner.samples()[static_cast<std::size_t>(i)].admitted;
                }
                nextIndex = static_cast<std::size_t>(first + count);
            });
        if (simulate) {
            runner.simulate(*scenario);
        } else {
            runner.start(*scenario, SimulationRunner::kAsFastAsPossible);
        }
        QTRY_COMPARE_WITH_TIMEOUT(runner.state(), SimulationRunner::State::Finished, 30000);
        QVERIFY(contiguous);
        QVERIFY(withinWindow);
        QCOMPARE(nextIndex, expected.samples.size());
        // A slot that reads each piece as it arrives reads every sample.
        QCOMPARE(admitted, expected.summary.admitted);
        QCOMPARE(runner.samples().size(), capacity);
        QCOMPARE(runner.samples().endIndex(), expected.samples.size());
        QCOMPARE(runner.samples().back().time, expected.samples.back().time);
        QCOMPARE(runner.samples().front().time,
                 expected.samples[expected.samples.size() - capacity].time);
        QCOMPARE(runner.summary().completed, expected.summary.completed);
    }

    void showRecordedRunReplacesSamples() {
        SimulationRunner runner;
        goflow::sim::Sample sample;
        sample.time = std::chrono::milliseconds(250);
        sample.admitted = 7;
        goflow::sim::Summary summary;
        summary.admitted = 7;
        QSignalSpy appended(&runner, &SimulationRunner::samplesAppended);
        runner.showRecordedRun({sample}, summary);
        QCOMPARE(runner.state(), SimulationRunner::State::Finished);
        QCOMPARE(runner.samples().size(), std::size_t{1});
        QCOMPARE(runner.summary().admitted, std::uint64_t{7});
        QCOMPARE(runner.elapsedSeconds(), 0.25);
        QCOMPARE(appended.count(), 1);
    }

    void destructorStopsWorker() {
        auto runner = std::make_unique<SimulationRunner>();
        runner->start(defaultScenario(), 1.0);
        runner.reset();  // must join the worker without hanging
        QVERIFY(true);
    }
};

QTEST_GUILESS_MAIN(TestSimulationRunner)
#include "tst_simulation_runner.moc"
