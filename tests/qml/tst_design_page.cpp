// Opens the Studio's main window offscreen, switches to the Design tab, edits the scenario through
// the page's fields, and checks the unsaved-changes prompt and the hand-over to the run view. It
// also selects an async writer, saves screenshots, and fails on any QML warning.

#include <QApplication>
#include <QQuickItem>
#include <QQuickWindow>
#include <QTemporaryDir>
#include <QtCharts/QXYSeries>
#include <QtTest>

#include "scenario_document.h"
#include "studio_controller.h"
#include "studio_window.h"

using goflow::test::StudioWindow;

namespace {

const QString kScenario = QStringLiteral(GOFLOW_SOURCE_SCENARIO_DIR "/api-burst.json");

bool saveShot(QQuickWindow* window, const char* name) {
    return goflow::test::saveScreenshot(window, QStringLiteral(GOFLOW_SCREENSHOT_DIR "/") + name);
}

// Finds an item by object name among the visual descendants of `root`: ListView delegates are
// items of the view, not QObject children of the window.
QQuickItem* findItem(QQuickItem* root, const QString& name) {
    return goflow::test::findVisualItem(root, name);
}

}  // namespace

class TestDesignPage : public QObject {
    Q_OBJECT

  private slots:
    void initTestCase() { QVERIFY(goflow::test::useSettingsDirectory(m_settingsDir)); }

    void designPageEditsAndRuns() {
        StudioWindow studio;
        QVERIFY2(studio.load({.scenario = kScenario}), qPrintable(studio.errorString()));
        QQuickWindow* window = studio.window();
        StudioController* controller = studio.controller();

        QObject* pageBar = window->findChild<QObject*>(QStringLiteral("pageBar"));
        QVERIFY(pageBar != nullptr);
        pageBar->setProperty("currentIndex", 1);
        auto* page = window->findChild<QQuickItem*>(QStringLiteral("designPage"));
        QVERIFY(page != nullptr);
        QTRY_VERIFY(page->isVisible());
        QVERIFY(QTest::qWaitForWindowExposed(window));

        auto* document = window->findChild<ScenarioDocument*>(QStringLiteral("scenarioDocument"));
        QVERIFY(document != nullptr);
        QCOMPARE(document->path(), kScenario);
        QVERIFY(!document->dirty());
        QVERIFY(document->recentFiles().isEmpty());  // opened for the run view, not by the user

        QObject* chart = window->findChild<QObject*>(QStringLiteral("loadPreviewChart"));
        QVERIFY(chart != nullptr);
        auto* series = qobject_cast<QXYSeries*>(chart->property("series").value<QObject*>());
        QVERIFY(series != nullptr);
        QCOMPARE(series->count(), 6);  // three constant phases, two points each
        QVERIFY(saveShot(window, "design-page.png"));

        // Select the pool and type an invalid, then a valid worker count into its field.
        TopologyModel* topology = document->topology();
        topology->select(topology->rowOf({ElementKind::Pool, -1, 0}));
        const QString field = QStringLiteral("field_pool.workers");
        QTRY_VERIFY(findItem(window->contentItem(), field) != nullptr);
        QQuickItem* workers = findItem(window->contentItem(), field);
        workers->setProperty("text", QStringLiteral("0"));
        QVERIFY(QMetaObject::invokeMethod(workers, "editingFinished"));
        QQuickItem* error = findItem(window->contentItem(), QStringLiteral("error_pool.workers"));
        QVERIFY(error != nullptr);
        QTRY_VERIFY(error->property("visible").toBool());
        QVERIFY(error->property("text").toString().contains(QLatin1String("between 1 and")));
        QVERIFY(!document->dirty());
        QVERIFY(saveShot(window, "design-page-error.png"));

        workers->setProperty("text", QStringLiteral("3"));
        QVERIFY(QMetaObject::invokeMethod(workers, "editingFinished"));
        QTRY_VERIFY(!error->property("visible").toBool());
        QCOMPARE(document->scenario().pool.servers, 3);
        QVERIFY(document->dirty());
        QQuickItem* title = findItem(window->contentItem(), QStringLiteral("documentTitle"));
        QVERIFY(title != nullptr);
        QVERIFY(title->property("text").toString().startsWith(QStringLiteral("● ")));

        // New opens the unsaved-changes prompt first, and Cancel keeps the edits.
        QObject* prompt = window->findChild<QObject*>(QStringLiteral("unsavedDialog"));
        QVERIFY(prompt != nullptr);
        QVERIFY(QMetaObject::invokeMethod(page, "newDocument"));
        QTRY_VERIFY(prompt->property("opened").toBool());
        QVERIFY(saveShot(window, "design-page-prompt.png"));
        QVERIFY(QMetaObject::invokeMethod(prompt, "reject"));
        QTRY_VERIFY(!prompt->property("visible").toBool());
        QCOMPARE(document->path(), kScenario);
        QVERIFY(document->dirty());

        // Closing the window with unsaved changes opens the prompt too, and Cancel keeps it open.
        window->close();
        QTRY_VERIFY(prompt->property("opened").toBool());
        QVERIFY(window->isVisible());
        QVERIFY(QMetaObject::invokeMethod(prompt, "reject"));
        QTRY_VERIFY(!prompt->property("visible").toBool());

        // Run this scenario hands the edited scenario over and shows the run view.
        QVERIFY(QMetaObject::invokeMethod(page, "runScenario"));
        QCOMPARE(pageBar->property("currentIndex").toInt(), 0);
        QCOMPARE(controller->workers(), 3);
        QVERIFY(document->dirty());  // the run does not save

        // Discard drops the edits and starts the new document.
        pageBar->setProperty("currentIndex", 1);
        QVERIFY(QMetaObject::invokeMethod(page, "newDocument"));
        QTRY_VERIFY(prompt->property("opened").toBool());
        QVERIFY(QMetaObject::invokeMethod(prompt, "discarded"));
        QTRY_VERIFY(document->path().isEmpty());
        QVERIFY(!document->dirty());
        QCOMPARE(document->displayName(), QStringLiteral("Untitled"));
        // The preview shows the new document's constant load of 50 requests/s.
        QTRY_COMPARE(series->count(), 2);
        QCOMPARE(series->at(0).y(), 50.0);

        // With nothing unsaved, Open shows the file dialog at once.
        QVERIFY(QMetaObject::invokeMethod(page, "openFile"));
        QObject* openDialog = window->findChild<QObject*>(QStringLiteral("openDialog"));
        QVERIFY(openDialog != nullptr);
        QTRY_VERIFY(openDialog->property("visible").toBool());
        QVERIFY(saveShot(window, "design-page-open.png"));
        QVERIFY(QMetaObject::invokeMethod(openDialog, "reject"));
        QTRY_VERIFY(!openDialog->property("visible").toBool());

        // Add a stage and a limiter through the topology, then show the new stage.
        QVERIFY(topology->addStage() > 0);
        QVERIFY(topology->addLimiter(0, QStringLiteral("concurrency")) > 0);
        topology->select(topology->rowOf({ElementKind::Stage, -1, 0}));
        // Choosing another distribution in the form rebuilds the rows under the combo box.
        const QString choice = QStringLiteral("choice_service.distribution");
        QTRY_VERIFY(findItem(window->contentItem(), choice) != nullptr);
        QQuickItem* distribution = findItem(window->contentItem(), choice);
        QVERIFY(QMetaObject::invokeMethod(distribution, "activated", Q_ARG(int, 2)));
        QTRY_VERIFY(findItem(window->contentItem(), QStringLiteral("field_service.min_ms")) !=
                    nullptr);
        QCOMPARE(document->scenario().stages[0].service_time.kind,
                 goflow::sim::Distribution::Kind::uniform);

        // The chart redraws from the event loop, so let it catch up before the screenshot.
        QTest::qWait(600);
        QVERIFY(saveShot(window, "design-page-topology.png"));

        // Open a scenario with a writer: Add writer is disabled, and the writer's form shows.
        QVERIFY2(document->open(QStringLiteral(GOFLOW_SOURCE_SCENARIO_DIR "/slow-writer.json")),
                 qPrintable(document->errorMessage()));
        QQuickItem* addWriter = findItem(window->contentItem(), QStringLiteral("addWriterButton"));
        QVERIFY(addWriter != nullptr);
        QTRY_VERIFY(!addWriter->isEnabled());
        topology->select(topology->rowOf({ElementKind::Writer, -1, 0}));
        QTRY_VERIFY(findItem(window->contentItem(), QStringLiteral("field_writer.buffer_bytes")) !=
                    nullptr);
        QVERIFY(findItem(window->contentItem(),
                         QStringLiteral("choice_writer.write_time.distribution")) != nullptr);
        QTest::qWait(600);
        QVERIFY(saveShot(window, "design-page-writer.png"));

        // Removing the writer enables the button again.
        QVERIFY(document
                    ->edit([](goflow::sim::Scenario& s) {
                        s.changes.clear();
                        return QString();
                    })
                    .isEmpty());
        QVERIFY2(topology->remove(topology->selectedRow()), qPrintable(topology->errorMessage()));
        QTRY_VERIFY(addWriter->isEnabled());

        GOFLOW_VERIFY_NO_MESSAGES(studio);
    }

  private:
    QTemporaryDir m_settingsDir;
};

QTEST_MAIN(TestDesignPage)
#include "tst_design_page.moc"
