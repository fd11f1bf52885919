// Opens the Studio's main window offscreen, switches to the Streams tab, builds and runs a
// pipeline, opens the Export menu, saves a screenshot and checks that QML printed nothing.

#include <QApplication>
#include <QQuickItem>
#include <QQuickWindow>
#include <QSignalSpy>
#include <QtTest>

#include "exporter.h"
#include "step_model.h"
#include "stream_lab.h"
#include "studio_controller.h"
#include "studio_window.h"

using goflow::test::StudioWindow;
using namespace std::chrono_literals;

class TestStreamPage : public QObject {
    Q_OBJECT

  private slots:
    void streamsTabRunsPipeline() {
        StudioWindow studio;
        QVERIFY2(
            studio.load({.scenario = QStringLiteral(GOFLOW_SOURCE_SCENARIO_DIR "/api-burst.json"),
                         .autoRun = true,
                         .speed = QStringLiteral("max")}),
            qPrintable(studio.errorString()));
        QQuickWindow* window = studio.window();
        QVERIFY(QTest::qWaitForWindowExposed(window));
        StudioController* controller = studio.controller();
        QTRY_COMPARE_WITH_TIMEOUT(controller->state(), StudioController::RunState::Finished, 30000);

        // The Export menu's chart export grabs the queue chart through QML's grabToImage.
        auto* exporter = studio.find<Exporter>(QStringLiteral("exporter"));
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

        QObject* pageBar = studio.find<QQuickItem>(QStringLiteral("pageBar"));
        QVERIFY(pageBar != nullptr);
        QVERIFY(pageBar->setProperty("currentIndex", 4));
        QQuickItem* page = studio.find<QQuickItem>(QStringLiteral("streamPage"));
        QVERIFY(page != nullptr);
        QTRY_VERIFY(page->isVisible());

        auto* lab = studio.find<StreamLab>(QStringLiteral("streamLab"));
        QVERIFY(lab != nullptr);

        // Add three steps through the page's own controls: filter, then limit, then window.
        QQuickItem* kindBox = page->findChild<QQuickItem*>(QStringLiteral("stepKindBox"));
        QQuickItem* addButton = page->findChild<QQuickItem*>(QStringLiteral("addStepButton"));
        QVERIFY(kindBox != nullptr);
        QVERIFY(addButton != nullptr);
        for (StepModel::Kind kind :
             {StepModel::Kind::Filter, StepModel::Kind::Limit, StepModel::Kind::Window}) {
            QVERIFY(kindBox->setProperty("currentIndex", static_cast<int>(kind)));
            studio.click(addButton);
        }
        QCOMPARE(lab->steps()->count(), 3);
        lab->steps()->setVariant(0, static_cast<int>(StepModel::FilterTest::Even));
        lab->steps()->setFirstText(1, QStringLiteral("20"));
        lab->steps()->setVariant(2, static_cast<int>(StepModel::WindowReduction::Mean));

        // An invalid parameter shows its message and disables the Run button.
        QQuickItem* runButton = page->findChild<QQuickItem*>(QStringLiteral("runStreamButton"));
        QVERIFY(runButton != nullptr);
        lab->steps()->setFirstText(1, QStringLiteral("-2"));
        QTRY_VERIFY(!runButton->isEnabled());
        lab->steps()->setFirstText(1, QStringLiteral("20"));
        QTRY_VERIFY(runButton->isEnabled());

        // mouseClick() processes events, so a short run may finish before it returns.
        QSignalSpy finished(lab, &StreamLab::finished);
        studio.click(runButton);
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 30000);
        QVERIFY2(lab->errorMessage().isEmpty(), qPrintable(lab->errorMessage()));
        // 1..100: 40 elements reach the filter before the limit has 20 even numbers (2..40),
        // which windows of 5 turn into 4 means.
        QCOMPARE(lab->sourceProduced(), 40);
        QCOMPARE(lab->outputCount(), 4);
        QCOMPARE(lab->preview().front().toDouble(), 6.0);

        QQuickItem* preview = page->findChild<QQuickItem*>(QStringLiteral("previewFlow"));
        QVERIFY(preview != nullptr);
        QTRY_COMPARE(preview->childItems().size(), 5);  // four labels and the Repeater

        // The Export menu opens, and a snippet export works from the window.
        QQuickItem* exportButton = studio.find<QQuickItem>(QStringLiteral("exportButton"));
        QVERIFY(exportButton != nullptr);
        QVERIFY(exportButton->isEnabled());
        QVERIFY(exporter->hasRun());
        QVERIFY(exporter->exportSnippet(dir.filePath(QStringLiteral("api-burst.cpp"))));

        // Lets the scene graph render the results before the grab.
        QVERIFY(studio.saveScreenshot(QStringLiteral(GOFLOW_SCREENSHOT_DIR "/streams.png"), 50ms));

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
        QQuickItem* errorBanner = page->findChild<QQuickItem*>(QStringLiteral("streamError"));
        QVERIFY(errorBanner != nullptr);
        QTRY_VERIFY(errorBanner->isVisible());
        QVERIFY(studio.saveScreenshot(QStringLiteral(GOFLOW_SCREENSHOT_DIR "/streams-error.png"),
                                      50ms));

        studio.click(exportButton);
        QVERIFY(
            studio.saveScreenshot(QStringLiteral(GOFLOW_SCREENSHOT_DIR "/export-menu.png"), 50ms));

        GOFLOW_VERIFY_NO_MESSAGES(studio);
    }
};

QTEST_MAIN(TestStreamPage)
#include "tst_stream_page.moc"
