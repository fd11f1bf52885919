#include <QSignalSpy>
#include <QtTest>

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
        runner.start(scenario, SimulationRunner::Speed::AsFastAsPossible);
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
        runner.start(defaultScenario(), SimulationRunner::Speed::Times10);
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
        runner.start(defaultScenario(), SimulationRunner::Speed::Times10);
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
        runner.start(defaultScenario(), SimulationRunner::Speed::Times10);
        QTRY_VERIFY_WITH_TIMEOUT(runner.samples().size() >= 3, 10000);
        runner.start(defaultScenario(), SimulationRunner::Speed::AsFastAsPossible);
        QTRY_COMPARE_WITH_TIMEOUT(runner.state(), SimulationRunner::State::Finished, 20000);
        const auto expected = goflow::sim::simulate(defaultScenario());
        QCOMPARE(runner.samples().size(), expected.samples.size());
    }

    void destructorStopsWorker() {
        auto runner = std::make_unique<SimulationRunner>();
        runner->start(defaultScenario(), SimulationRunner::Speed::RealTime);
        runner.reset();  // must join the worker without hanging
        QVERIFY(true);
    }
};

QTEST_GUILESS_MAIN(TestSimulationRunner)
#include "tst_simulation_runner.moc"
