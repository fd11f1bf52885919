#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include "scenario_list_model.h"
#include "studio_controller.h"

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

        controller.setSpeed(StudioController::Speed::AsFastAsPossible);
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

    void runWithoutScenarioExplains() {
        StudioController controller;
        controller.run();
        QVERIFY(!controller.errorMessage().isEmpty());
        QCOMPARE(controller.state(), StudioController::RunState::Idle);
    }
};

QTEST_GUILESS_MAIN(TestStudioModels)
#include "tst_studio_models.moc"
