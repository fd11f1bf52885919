// Opens the Studio's Compare and Sweep tabs offscreen after two runs and a small sweep, checks
// that the charts and the grid received their data, saves screenshots, and fails on any QML
// warning.

#include <QApplication>
#include <QQuickItem>
#include <QQuickWindow>
#include <QtCharts/QXYSeries>
#include <QtTest>

#include "compare_feeder.h"
#include "studio_controller.h"
#include "studio_window.h"
#include "sweep_controller.h"

using goflow::test::StudioWindow;
using namespace std::chrono_literals;

namespace {

// Saves a screenshot named `name` after letting the event loop run for 100 ms, so that the charts
// have drawn their new data. The pause only affects the picture, and no check depends on it.
void saveScreenshot(const StudioWindow& studio, const QString& name) {
    QVERIFY(studio.saveScreenshot(QStringLiteral(GOFLOW_SCREENSHOT_DIR "/") + name, 100ms));
}

}  // namespace

class TestCompareSweepPages : public QObject {
    Q_OBJECT

  private slots:
    void compareAndSweepTabs() {
        StudioWindow studio;
        QVERIFY2(studio.load({.scenario = QStringLiteral(GOFLOW_SOURCE_SCENARIO_DIR
                                                         "/undersized-pool.json"),
                              .autoRun = true,
                              .speed = QStringLiteral("max")}),
                 qPrintable(studio.errorString()));
        QQuickWindow* window = studio.window();
        QVERIFY(QTest::qWaitForWindowExposed(window));
        StudioController* controller = studio.controller();
        QObject* pageBar = studio.find(QStringLiteral("pageBar"));
        QVERIFY(pageBar != nullptr);

        // The Compare tab before any run finished shows its hint.
        QVERIFY(pageBar->setProperty("currentIndex", 2));
        QTRY_COMPARE_WITH_TIMEOUT(controller->history()->count(), 1, 30000);
        auto* feeder = studio.find<CompareFeeder>(QStringLiteral("compareFeeder"));
        QVERIFY(feeder != nullptr);
        QVERIFY(!feeder->ready());
        saveScreenshot(studio, QStringLiteral("compare-one-run.png"));

        // A second run with a bigger pool.
        auto* sweep = studio.find<SweepController>(QStringLiteral("sweepController"));
        QVERIFY(sweep != nullptr);
        auto scenario = *controller->scenario();
        scenario.pool.servers *= 2;
        scenario.name += " (twice the workers)";
        controller->loadScenario(scenario, controller->scenarioPath());
        controller->run();
        QTRY_COMPARE_WITH_TIMEOUT(controller->history()->count(), 2, 30000);
        QVERIFY(feeder->ready());
        QCOMPARE(feeder->secondRunId(), controller->history()->idAt(1));

        for (const char* chartName :
             {"compareQueueChart", "compareLimiterChart", "compareLatencyChart",
              "compareAdmittedChart", "compareRejectedChart"}) {
            QObject* chart = studio.find(QString::fromLatin1(chartName));
            QVERIFY2(chart != nullptr, chartName);
            for (const char* seriesName : {"firstSeries", "secondSeries"}) {
                auto* series =
                    qobject_cast<QXYSeries*>(chart->property(seriesName).value<QObject*>());
                QVERIFY2(series != nullptr, seriesName);
                QVERIFY2(series->count() >= 2, qPrintable(QStringLiteral("%1.%2 has %3 points")
                                                              .arg(chartName, seriesName)
                                                              .arg(series->count())));
            }
            auto* second =
                qobject_cast<QXYSeries*>(chart->property("secondSeries").value<QObject*>());
            QCOMPARE(second->name(), feeder->secondName());
        }
        saveScreenshot(studio, QStringLiteral("compare.png"));

        // Renaming the second run renames its chart series.
        QObject* page = studio.find(QStringLiteral("comparePage"));
        QVERIFY(page != nullptr);
        QVERIFY(
            QMetaObject::invokeMethod(page, "openRename", Q_ARG(QVariant, feeder->secondRunId())));
        auto* dialog = studio.find(QStringLiteral("renameDialog"));
        auto* field = studio.find(QStringLiteral("renameField"));
        QVERIFY(dialog != nullptr);
        QVERIFY(field != nullptr);
        QTRY_VERIFY(dialog->property("opened").toBool());
        QVERIFY(field->setProperty("text", QStringLiteral("eight workers")));
        saveScreenshot(studio, QStringLiteral("compare-rename.png"));
        QVERIFY(QMetaObject::invokeMethod(dialog, "accept"));
        QCOMPARE(feeder->secondName(), QStringLiteral("eight workers"));
        QObject* queueChart = studio.find(QStringLiteral("compareQueueChart"));
        auto* renamed =
            qobject_cast<QXYSeries*>(queueChart->property("secondSeries").value<QObject*>());
        QCOMPARE(renamed->name(), QStringLiteral("eight workers"));
        QTRY_VERIFY(!dialog->property("visible").toBool());

        // A two-parameter sweep shows a grid.
        QVERIFY(pageBar->setProperty("currentIndex", 3));
        sweep->setFirstParameter(QStringLiteral("pool.workers"));
        sweep->setFirstRange(QStringLiteral("4..10:2"));
        sweep->setSecondParameter(QStringLiteral("pool.queue_capacity"));
        sweep->setSecondRange(QStringLiteral("50,100,200"));
        QVERIFY2(sweep->validationError().isEmpty(), qPrintable(sweep->validationError()));
        QSignalSpy finished(sweep, &SweepController::finished);
        QVERIFY(sweep->start());
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 120000);
        QCOMPARE(sweep->resultDimensions(), 2);
        saveScreenshot(studio, QStringLiteral("sweep-grid.png"));

        // Clicking a cell loads its configuration and switches to the Run tab.
        auto* table = studio.find<QQuickItem>(QStringLiteral("sweepTable"));
        QVERIFY(table != nullptr);
        QQuickItem* cell = nullptr;
        QVERIFY(QMetaObject::invokeMethod(table, "itemAtCell", Q_RETURN_ARG(QQuickItem*, cell),
                                          Q_ARG(QPoint, QPoint(2, 1))));
        QVERIFY(cell != nullptr);
        const QPointF center = cell->mapToScene(QPointF(cell->width() / 2, cell->height() / 2));
        QTest::mouseClick(window, Qt::LeftButton, {}, center.toPoint());
        QTRY_COMPARE(pageBar->property("currentIndex").toInt(), 0);
        QCOMPARE(controller->workers(), 6);
        QCOMPARE(controller->queueCapacity(), 200);
        QVERIFY2(controller->scenarioName().endsWith(
                     QLatin1String("(pool.workers=6, pool.queue_capacity=200)")),
                 qPrintable(controller->scenarioName()));
        QVERIFY(pageBar->setProperty("currentIndex", 3));

        // A one-parameter sweep shows a line chart.
        sweep->setSecondParameter(QString());
        QVERIFY(sweep->start());
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 2, 120000);
        QCOMPARE(sweep->resultDimensions(), 1);
        QObject* lineChart = studio.find(QStringLiteral("sweepLineChart"));
        QVERIFY(lineChart != nullptr);
        QVERIFY(lineChart->property("visible").toBool());
        QTRY_VERIFY(lineChart->property("width").toDouble() > 200);  // after the next polish
        saveScreenshot(studio, QStringLiteral("sweep-line.png"));

        // Bad input shows its message.
        sweep->setFirstRange(QStringLiteral("two..ten"));
        QVERIFY(!sweep->validationError().isEmpty());
        saveScreenshot(studio, QStringLiteral("sweep-invalid.png"));

        GOFLOW_VERIFY_NO_MESSAGES(studio);
    }
};

QTEST_MAIN(TestCompareSweepPages)
#include "tst_compare_sweep_pages.moc"
