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

// The Design tab of a loaded window.
struct DesignTab {
    QObject* pageBar = nullptr;
    QQuickItem* page = nullptr;
    ScenarioDocument* document = nullptr;  // null unless the page showed
};

// Switches `window` to the Design tab and waits until the page shows.
DesignTab showDesignTab(QQuickWindow* window) {
    DesignTab tab;
    tab.pageBar = window->findChild<QObject*>(QStringLiteral("pageBar"));
    tab.page = window->findChild<QQuickItem*>(QStringLiteral("designPage"));
    if (tab.pageBar == nullptr || tab.page == nullptr) {
        return tab;
    }
    tab.pageBar->setProperty("currentIndex", 1);
    QQuickItem* page = tab.page;
    if (QTest::qWaitFor([page] { return page->isVisible(); }) &&
        QTest::qWaitForWindowExposed(window)) {
        tab.document = window->findChild<ScenarioDocument*>(QStringLiteral("scenarioDocument"));
    }
    return tab;
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

        const DesignTab tab = showDesignTab(window);
        QVERIFY2(tab.document != nullptr, "the Design tab did not show");
        QObject* pageBar = tab.pageBar;
        QQuickItem* page = tab.page;

        ScenarioDocument* document = tab.document;
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

    // Adds a request class with the Add class button, renames it in the inspector, runs the
    // scenario, then removes the class with the keyboard and checks that the only class stays.
    // Saves design-page-classes.png (two classes) and design-page-last-class.png.
    void designPageAddsAndRemovesClass() {
        StudioWindow studio;
        QVERIFY2(studio.load({.scenario = kScenario}), qPrintable(studio.errorString()));
        QQuickWindow* window = studio.window();
        StudioController* controller = studio.controller();
        const DesignTab tab = showDesignTab(window);
        QVERIFY2(tab.document != nullptr, "the Design tab did not show");
        QObject* pageBar = tab.pageBar;
        QQuickItem* page = tab.page;
        ScenarioDocument* document = tab.document;
        QCOMPARE(document->classCount(), 1);
        TopologyModel* topology = document->topology();
        QQuickItem* root = window->contentItem();

        const auto click = [window](QQuickItem* item) {
            const QPointF center = item->mapToScene(QPointF(item->width() / 2, item->height() / 2));
            QTest::mouseClick(window, Qt::LeftButton, Qt::NoModifier, center.toPoint());
        };

        // Add class appends a class after the default one and selects its client.
        QQuickItem* addClass = findItem(root, QStringLiteral("addClassButton"));
        QVERIFY(addClass != nullptr);
        QVERIFY(addClass->isVisible());
        click(addClass);
        QTRY_COMPARE(document->classCount(), 2);
        QCOMPARE(document->scenario().classes[1].name, std::string("class 2"));
        QCOMPARE(document->selectedClass(), 1);
        QCOMPARE(topology->selectedElement(), (ElementRef{ElementKind::Client, 1, 0}));
        QVERIFY(document->dirty());
        QQuickItem* title = findItem(root, QStringLiteral("documentTitle"));
        QVERIFY(title != nullptr);
        QTRY_VERIFY(title->property("text").toString().startsWith(QStringLiteral("● ")));

        // The added class counts as an unsaved change: New prompts first, and Cancel keeps it.
        QObject* prompt = window->findChild<QObject*>(QStringLiteral("unsavedDialog"));
        QVERIFY(prompt != nullptr);
        QVERIFY(QMetaObject::invokeMethod(page, "newDocument"));
        QTRY_VERIFY(prompt->property("opened").toBool());
        QVERIFY(QMetaObject::invokeMethod(prompt, "reject"));
        QTRY_VERIFY(!prompt->property("visible").toBool());
        QCOMPARE(document->classCount(), 2);

        QQuickItem* loadEditor = findItem(root, QStringLiteral("loadEditor"));
        QVERIFY(loadEditor != nullptr);
        QTRY_COMPARE(loadEditor->property("title").toString(), QStringLiteral("Load of “class 2”"));

        // The field shows why a duplicate name is rejected, and a unique name is applied.
        const QString nameField = QStringLiteral("field_class.name");
        QTRY_VERIFY(findItem(root, nameField) != nullptr);
        QQuickItem* name = findItem(root, nameField);
        QCOMPARE(name->property("text").toString(), QStringLiteral("class 2"));
        name->setProperty("text", QStringLiteral("default"));
        QVERIFY(QMetaObject::invokeMethod(name, "editingFinished"));
        QQuickItem* nameError = findItem(root, QStringLiteral("error_class.name"));
        QVERIFY(nameError != nullptr);
        QTRY_VERIFY(nameError->property("visible").toBool());
        QVERIFY2(nameError->property("text").toString().contains(QLatin1String("unique")),
                 qPrintable(nameError->property("text").toString()));
        QCOMPARE(document->scenario().classes[1].name, std::string("class 2"));
        name->setProperty("text", QStringLiteral("batch"));
        QVERIFY(QMetaObject::invokeMethod(name, "editingFinished"));
        QTRY_VERIFY(!nameError->property("visible").toBool());
        QCOMPARE(document->scenario().classes[1].name, std::string("batch"));
        QTRY_COMPARE(loadEditor->property("title").toString(), QStringLiteral("Load of “batch”"));

        // Give the new class a limiter and a spike load, so that the screenshot shows both chains.
        QVERIFY(topology->addLimiter(1, QStringLiteral("concurrency")) > 0);
        ParameterModel* load = document->loadParameters();
        QVERIFY(
            load->setValue(load->rowOfKey(QStringLiteral("load.shape")), QStringLiteral("spike")));
        QTest::qWait(600);
        QVERIFY(saveShot(window, "design-page-classes.png"));

        // Run this scenario hands both classes to the run view. Showing the run view again
        // brings back the side panes, whose return once made the window's layout loop: let it
        // lay out and paint before going back.
        QVERIFY(QMetaObject::invokeMethod(page, "runScenario"));
        QCOMPARE(pageBar->property("currentIndex").toInt(), 0);
        auto* runPage = window->findChild<QQuickItem*>(QStringLiteral("runPage"));
        QVERIFY(runPage != nullptr);
        QTRY_VERIFY(runPage->isVisible());
        QVERIFY(!window->grabWindow().isNull());
        pageBar->setProperty("currentIndex", 1);
        controller->simulate();
        QTRY_COMPARE_WITH_TIMEOUT(controller->state(), StudioController::RunState::Finished, 20000);
        RunHistory* history = controller->history();
        const RunRecord* run = history->find(history->idAt(history->count() - 1));
        QVERIFY(run != nullptr);
        QCOMPARE(run->summary.classes.size(), std::size_t{2});
        QCOMPARE(run->summary.classes[0].name, std::string("default"));
        QCOMPARE(run->summary.classes[1].name, std::string("batch"));
        QVERIFY(run->summary.classes[1].offered > 0);
        QCOMPARE(static_cast<std::uint64_t>(controller->offered()),
                 run->summary.classes[0].offered + run->summary.classes[1].offered);

        // Remove class, pressed with the keyboard, removes the selected class with its limiter.
        topology->select(topology->rowOf({ElementKind::Limiter, 1, 0}));
        QCOMPARE(document->selectedClass(), 1);
        QQuickItem* removeClass = findItem(root, QStringLiteral("removeClassButton"));
        QVERIFY(removeClass != nullptr);
        window->requestActivate();
        QVERIFY(QTest::qWaitForWindowActive(window));
        removeClass->forceActiveFocus(Qt::TabFocusReason);
        QTRY_VERIFY(removeClass->hasActiveFocus());
        QTest::keyClick(window, Qt::Key_Space);
        QTRY_COMPARE(document->classCount(), 1);
        // Space clicked the button and did not reach the window's pause shortcut.
        QCOMPARE(controller->state(), StudioController::RunState::Finished);
        QCOMPARE(document->scenario().classes[0].name, std::string("default"));
        QCOMPARE(document->selectedClass(), 0);
        QCOMPARE(topology->selectedElement(), (ElementRef{ElementKind::Client, 0, 0}));
        QCOMPARE(topology->rowCount(), 4);  // settings, client, token bucket, pool
        QTRY_COMPARE(loadEditor->property("title").toString(), QStringLiteral("Load"));

        // The only class cannot be removed, and the pane shows the reason.
        click(removeClass);
        QQuickItem* topologyError = findItem(root, QStringLiteral("topologyError"));
        QVERIFY(topologyError != nullptr);
        QTRY_VERIFY(topologyError->property("visible").toBool());
        QVERIFY2(topologyError->property("text").toString().contains(
                     QLatin1String("it is the only class")),
                 qPrintable(topologyError->property("text").toString()));
        QCOMPARE(document->classCount(), 1);
        QTest::qWait(600);
        QVERIFY(saveShot(window, "design-page-last-class.png"));

        GOFLOW_VERIFY_NO_MESSAGES(studio);
    }

  private:
    QTemporaryDir m_settingsDir;
};

QTEST_MAIN(TestDesignPage)
#include "tst_design_page.moc"
