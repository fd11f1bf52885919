// Starts the Studio's main window offscreen in live mode, changes parameters while the run goes,
// and checks that the live controls show the new values, that each chart draws a marker line per
// change, and that QML printed nothing. Saves a screenshot of the run page.

#include <QtQml/qqmlextensionplugin.h>
#include <QApplication>
#include <QDir>
#include <QQmlApplicationEngine>
#include <QQuickItem>
#include <QQuickWindow>
#include <QtTest>

#include "studio_controller.h"

Q_IMPORT_QML_PLUGIN(Goflow_StudioPlugin)

namespace {

QStringList g_messages;
QtMessageHandler g_previousHandler = nullptr;

// Records every warning and error; Qt Test's own output still goes through.
void recordMessage(QtMsgType type, const QMessageLogContext& context, const QString& message) {
    if (type != QtDebugMsg && type != QtInfoMsg &&
        !message.startsWith(QLatin1String("QStandardPaths:"))) {
        g_messages.append(message);
    }
    g_previousHandler(type, context, message);
}

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
    void initTestCase() { g_previousHandler = qInstallMessageHandler(recordMessage); }

    void cleanupTestCase() { qInstallMessageHandler(g_previousHandler); }

    void liveRunShowsMarkers() {
        QQmlApplicationEngine engine;
        engine.addImportPath(QStringLiteral("qrc:/qt/qml"));
        engine.setInitialProperties({
            {QStringLiteral("scenarioDirectory"), QStringLiteral(GOFLOW_SOURCE_SCENARIO_DIR)},
            {QStringLiteral("initialScenario"),
             QStringLiteral(GOFLOW_SOURCE_SCENARIO_DIR "/api-burst.json")},
            {QStringLiteral("autoRun"), true},
            {QStringLiteral("liveMode"), true},
            {QStringLiteral("initialSpeed"), QStringLiteral("10x")},
        });
        engine.load(QUrl(QStringLiteral("qrc:/qt/qml/Goflow/Studio/Main.qml")));
        QCOMPARE(engine.rootObjects().size(), 1);
        auto* window = qobject_cast<QQuickWindow*>(engine.rootObjects().front());
        QVERIFY(window != nullptr);
        QVERIFY(QTest::qWaitForWindowExposed(window));

        auto* controller = window->findChild<StudioController*>(QStringLiteral("controller"));
        QVERIFY(controller != nullptr);
        QCOMPARE(controller->runMode(), StudioController::RunMode::Live);
        QCOMPARE(controller->state(), StudioController::RunState::Running);
        QTRY_VERIFY(controller->elapsedSeconds() > 3);

        QVERIFY(controller->setLiveWorkers(2));
        QVERIFY(controller->setLimiterBurst(0, 0, 50));
        auto* workersBox = window->findChild<QObject*>(QStringLiteral("liveWorkersBox"));
        QVERIFY(workersBox != nullptr);
        QCOMPARE(workersBox->property("value").toInt(), 2);

        QTRY_VERIFY(controller->elapsedSeconds() > 8);
        for (const char* chartName : {"tokenChart", "queueChart"}) {
            QObject* chart = window->findChild<QObject*>(QString::fromLatin1(chartName));
            QVERIFY2(chart != nullptr, chartName);
            QTRY_COMPARE(visibleMarkers(chart), 2);
        }

        const QImage image = window->grabWindow();
        QVERIFY(!image.isNull());
        QVERIFY(image.save(
            QDir(QStringLiteral(GOFLOW_SCREENSHOT_DIR)).filePath(QStringLiteral("live.png"))));
        controller->stop();
        QCOMPARE(controller->state(), StudioController::RunState::Idle);

        QVERIFY2(g_messages.isEmpty(), qPrintable(g_messages.join(QLatin1Char('\n'))));
    }
};

QTEST_MAIN(TestStudioLiveSmoke)
#include "tst_studio_live_smoke.moc"
