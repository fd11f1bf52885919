// Opens the Studio's main window offscreen, switches to the Streams tab, builds and runs a
// pipeline, opens the Export menu, saves a screenshot and checks that QML printed nothing.

#include <QtQml/qqmlextensionplugin.h>
#include <QApplication>
#include <QDir>
#include <QQmlApplicationEngine>
#include <QQuickItem>
#include <QQuickWindow>
#include <QSignalSpy>
#include <QtTest>

#include "exporter.h"
#include "step_model.h"
#include "stream_lab.h"
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

QQuickItem* findItem(QObject* root, const char* name) {
    return root->findChild<QQuickItem*>(QString::fromLatin1(name));
}

// Clicks the middle of `item`.
void click(QQuickWindow* window, QQuickItem* item) {
    const QPointF centre = item->mapToScene(QPointF(item->width() / 2, item->height() / 2));
    QTest::mouseClick(window, Qt::LeftButton, Qt::NoModifier, centre.toPoint());
}

}  // namespace

class TestStreamPage : public QObject {
    Q_OBJECT

  private slots:
    void initTestCase() { g_previousHandler = qInstallMessageHandler(recordMessage); }

    void cleanupTestCase() { qInstallMessageHandler(g_previousHandler); }

    void streamsTabRunsPipeline() {
        g_messages.clear();
        QQmlApplicationEngine engine;
        engine.addImportPath(QStringLiteral("qrc:/qt/qml"));
        engine.setInitialProperties({
            {QStringLiteral("scenarioDirectory"), QStringLiteral(GOFLOW_SOURCE_SCENARIO_DIR)},
            {QStringLiteral("initialScenario"),
             QStringLiteral(GOFLOW_SOURCE_SCENARIO_DIR "/api-burst.json")},
            {QStringLiteral("autoRun"), true},
            {QStringLiteral("initialSpeed"), QStringLiteral("max")},
        });
        engine.load(QUrl(QStringLiteral("qrc:/qt/qml/Goflow/Studio/Main.qml")));
        QCOMPARE(engine.rootObjects().size(), 1);
        auto* window = qobject_cast<QQuickWindow*>(engine.rootObjects().front());
        QVERIFY(window != nullptr);
        QVERIFY(QTest::qWaitForWindowExposed(window));
        auto* controller = window->findChild<StudioController*>(QStringLiteral("controller"));
        QVERIFY(controller != nullptr);
        QTRY_COMPARE_WITH_TIMEOUT(controller->state(), StudioController::RunState::Finished, 30000);

        // The Export menu's chart export grabs the queue chart through QML's grabToImage.
        auto* exporter = window->findChild<Exporter*>(QStringLiteral("exporter"));
        QVERIFY(exporter != nullptr);
        QObject* exportMenu = exporter->parent();
        QVERIFY(exportMenu != nullptr);
        QTemporaryDir dir;
        const QString chartPath = dir.filePath(QStringLiteral("queue.png"));
        QVariant started;
        QVERIFY(QMetaObject::invokeMethod(exportMenu, "exportTo", Q_RETURN_ARG(QVariant, started),
                                          Q_ARG(QVariant, QStringLiteral("queueChart")),
                                          Q_ARG(QVariant, chartPath)));
        QVERIFY(started.toBool());
        QTRY_COMPARE(exporter->lastSavedPath(), chartPath);
        QVERIFY2(exporter->lastError().isEmpty(), qPrintable(exporter->lastError()));
        QVERIFY(!QImage(chartPath).isNull());

        QObject* pageBar = findItem(window, "pageBar");
        QVERIFY(pageBar != nullptr);
        QVERIFY(pageBar->setProperty("currentIndex", 4));
        QQuickItem* page = findItem(window, "streamPage");
        QVERIFY(page != nullptr);
        QTRY_VERIFY(page->isVisible());

        auto* lab = window->findChild<StreamLab*>(QStringLiteral("streamLab"));
        QVERIFY(lab != nullptr);

        // Add three steps through the page's own controls: filter, then limit, then window.
        QQuickItem* kindBox = findItem(page, "stepKindBox");
        QQuickItem* addButton = findItem(page, "addStepButton");
        QVERIFY(kindBox != nullptr);
        QVERIFY(addButton != nullptr);
        for (StepModel::Kind kind :
             {StepModel::Kind::Filter, StepModel::Kind::Limit, StepModel::Kind::Window}) {
            QVERIFY(kindBox->setProperty("currentIndex", static_cast<int>(kind)));
            click(window, addButton);
        }
        QCOMPARE(lab->steps()->count(), 3);
        lab->steps()->setVariant(0, static_cast<int>(StepModel::FilterTest::Even));
        lab->steps()->setFirstText(1, QStringLiteral("20"));
        lab->steps()->setVariant(2, static_cast<int>(StepModel::WindowReduction::Mean));

        // An invalid parameter shows its message and disables the Run button.
        QQuickItem* runButton = findItem(page, "runStreamButton");
        QVERIFY(runButton != nullptr);
        lab->steps()->setFirstText(1, QStringLiteral("-2"));
        QTRY_VERIFY(!runButton->isEnabled());
        lab->steps()->setFirstText(1, QStringLiteral("20"));
        QTRY_VERIFY(runButton->isEnabled());

        // mouseClick() processes events, so a short run may finish before it returns.
        QSignalSpy finished(lab, &StreamLab::finished);
        click(window, runButton);
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 30000);
        QVERIFY2(lab->errorMessage().isEmpty(), qPrintable(lab->errorMessage()));
        // 1..100: 40 elements reach the filter before the limit has 20 even numbers (2..40),
        // which windows of 5 turn into 4 means.
        QCOMPARE(lab->sourceProduced(), 40);
        QCOMPARE(lab->outputCount(), 4);
        QCOMPARE(lab->preview().front().toDouble(), 6.0);

        QQuickItem* preview = findItem(page, "previewFlow");
        QVERIFY(preview != nullptr);
        QTRY_COMPARE(preview->childItems().size(), 5);  // four labels and the Repeater

        // The Export menu opens, and a snippet export works from the window.
        QQuickItem* exportButton = findItem(window, "exportButton");
        QVERIFY(exportButton != nullptr);
        QVERIFY(exportButton->isEnabled());
        QVERIFY(exporter->hasRun());
        QVERIFY(exporter->exportSnippet(dir.filePath(QStringLiteral("api-burst.cpp"))));

        QTest::qWait(50);  // lets the scene graph render the results before the grab
        const QImage image = window->grabWindow();
        QVERIFY(!image.isNull());
        const QString shot =
            QDir(QStringLiteral(GOFLOW_SCREENSHOT_DIR)).filePath(QStringLiteral("streams.png"));
        QVERIFY(image.save(shot));

        // The scenario's samples as the source, and a step that fails with an overflow.
        lab->setSourceKind(StreamLab::SourceKind::ScenarioSamples);
        lab->setSampleField(StreamLab::SampleField::LatencyP99);
        lab->steps()->clear();
        lab->steps()->addStep(static_cast<int>(StepModel::Kind::Map));
        lab->steps()->setFirstText(0, QStringLiteral("1e308"));
        lab->steps()->addStep(static_cast<int>(StepModel::Kind::Sorted));
        QVERIFY(lab->run());
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 2, 30000);
        QVERIFY(lab->errorMessage().startsWith(QStringLiteral("The stream failed: step 1")));
        QQuickItem* errorBanner = findItem(page, "streamError");
        QVERIFY(errorBanner != nullptr);
        QTRY_VERIFY(errorBanner->isVisible());
        QTest::qWait(50);
        QVERIFY(window->grabWindow().save(QDir(QStringLiteral(GOFLOW_SCREENSHOT_DIR))
                                              .filePath(QStringLiteral("streams-error.png"))));

        click(window, exportButton);
        QTest::qWait(50);
        const QImage menuImage = window->grabWindow();
        QVERIFY(menuImage.save(QDir(QStringLiteral(GOFLOW_SCREENSHOT_DIR))
                                   .filePath(QStringLiteral("export-menu.png"))));

        QVERIFY2(g_messages.isEmpty(), qPrintable(g_messages.join(QLatin1Char('\n'))));
    }
};

QTEST_MAIN(TestStreamPage)
#include "tst_stream_page.moc"
