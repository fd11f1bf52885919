// Starts the Studio's main window offscreen in live mode, changes parameters while the run goes,
// and checks that the live controls show the new values, that each chart draws a marker line per
// change, and that QML printed nothing. Saves a screenshot of the run page.

#include <QApplication>
#include <QQuickItem>
#include <QQuickWindow>
#include <QtTest>

#include "studio_controller.h"
#include "studio_window.h"

using goflow::test::StudioWindow;

namespace {

// Counts the visible marker lines under `chart`: the ChartMarkers delegates.
int visibleMarkers(QObject* chart) {
    int count = 0;
    for (auto* item : chart->findChildren<QQuickItem*>()) {
        if (QByteArray(item->metaObject()->className()).startsWith("ChartMarkers")) {
            for (auto* line : item->childItems()) {
                count += line->isVisible() && line->height() > 0 ? 1 : 0;
            }
        }
    }
    return count;
}

}  // namespace

class TestStudioLiveSmoke : public QObject {
    Q_OBJECT

  private slots:
    void liveRunShowsMarkers() {
        StudioWindow studio;
        QVERIFY2(
            studio.load({.scenario = QStringLiteral(GOFLOW_SOURCE_SCENARIO_DIR "/api-burst.json"),
                         .autoRun = true,
                         .liveMode = true,
                         .speed = QStringLiteral("10x")}),
            qPrintable(studio.errorString()));
        QVERIFY(QTest::qWaitForWindowExposed(studio.window()));

        StudioController* controller = studio.controller();
        QCOMPARE(controller->runMode(), StudioController::RunMode::Live);
        QCOMPARE(controller->state(), StudioController::RunState::Running);
        QTRY_VERIFY(controller->elapsedSeconds() > 3);

        QVERIFY(controller->setLiveWorkers(2));
        QVERIFY(controller->setLimiterBurst(0, 0, 50));
        auto* workersBox = studio.find(QStringLiteral("liveWorkersBox"));
        QVERIFY(workersBox != nullptr);
        QCOMPARE(workersBox->property("value").toInt(), 2);

        QTRY_VERIFY(controller->elapsedSeconds() > 8);
        for (const char* chartName : {"tokenChart", "queueChart"}) {
            QObject* chart = studio.find(QString::fromLatin1(chartName));
            QVERIFY2(chart != nullptr, chartName);
            QTRY_COMPARE(visibleMarkers(chart), 2);
        }

        QVERIFY(studio.saveScreenshot(QStringLiteral(GOFLOW_SCREENSHOT_DIR "/live.png")));
        controller->stop();
        QCOMPARE(controller->state(), StudioController::RunState::Idle);

        GOFLOW_VERIFY_NO_MESSAGES(studio);
    }
};

QTEST_MAIN(TestStudioLiveSmoke)
#include "tst_studio_live_smoke.moc"
