// Starts the Studio's main window offscreen on each shipped scenario, runs it, and checks that
// every chart received points for every station it can show, that the cursor readout shows
// values, that a screenshot can be taken, and that QML printed nothing.

#include <QApplication>
#include <QJSValue>
#include <QQuickItem>
#include <QQuickWindow>
#include <QSGRendererInterface>
#include <QWheelEvent>
#include <QtCharts/QXYSeries>
#include <QtTest>

#include <chrono>

#include "chart_feeder.h"
#include "scenario_catalog.h"
#include "studio_controller.h"
#include "studio_window.h"

using goflow::test::StudioWindow;
using namespace std::chrono_literals;

namespace {

const QString kApiBurst = QStringLiteral(GOFLOW_SOURCE_SCENARIO_DIR "/api-burst.json");

const char* const kCharts[] = {"tokenChart",          "queueChart",   "busyChart",  "ratesChart",
                               "stationLatencyChart", "latencyChart", "writerChart"};

// Returns the series a ChartPanel created, in the order of its seriesSpecs.
QList<QXYSeries*> seriesOf(QObject* chart) {
    QList<QXYSeries*> list;
    const QJSValue objects = chart->property("seriesObjects").value<QJSValue>();
    const int length = objects.property(QStringLiteral("length")).toInt();
    for (int i = 0; i < length; ++i) {
        list.append(
            qobject_cast<QXYSeries*>(objects.property(static_cast<quint32>(i)).toQObject()));
    }
    return list;
}

// Checks that every series of `chart` has points. A data series has one per sample while the run
// has at most ChartFeeder::kMaxPlotPoints samples. A longer run gives a decimation that still
// starts at the window's first sample and ends at the last one. A reference line has at least two.
// A queueing-theory line has points only on the pool's chart of a scenario that theory
// describes, and none otherwise.
void checkChartHasPoints(QObject* chart, const QString& label,
                         const goflow::app::SampleWindow& samples) {
    const std::size_t sampleCount = samples.size();
    const QList<QXYSeries*> series = seriesOf(chart);
    const QJSValue specList = chart->property("seriesSpecs").value<QJSValue>();
    const int specs = specList.property(QStringLiteral("length")).toInt();
    QVERIFY2(specs >= 2, qPrintable(label));
    QCOMPARE(series.size(), specs);
    for (int i = 0; i < series.size(); ++i) {
        QXYSeries* xy = series[i];
        QVERIFY2(xy != nullptr, qPrintable(label));
        const QString what = QStringLiteral("%1 series %2 (%3)").arg(label).arg(i).arg(xy->name());
        const QJSValue theory =
            specList.property(static_cast<quint32>(i)).property(QStringLiteral("theory"));
        if (!theory.isUndefined()) {
            const QObject* model = theory.toQObject();
            const bool drawn = model != nullptr && model->property("available").toBool() &&
                               chart->property("station").toInt() == 0;
            QVERIFY2(drawn ? xy->count() >= 2 : xy->count() == 0,
                     qPrintable(QStringLiteral("%1 has %2 points").arg(what).arg(xy->count())));
            continue;
        }
        QVERIFY2(xy->count() >= 2,
                 qPrintable(QStringLiteral("%1 has %2 points").arg(what).arg(xy->count())));
        if (xy->pen().style() == Qt::DashLine) {
            continue;
        }
        const auto points = static_cast<std::size_t>(xy->count());
        if (sampleCount <= static_cast<std::size_t>(ChartFeeder::kMaxPlotPoints)) {
            QVERIFY2(points == sampleCount,
                     qPrintable(QStringLiteral("%1 has %2 points for %3 samples")
                                    .arg(what)
                                    .arg(points)
                                    .arg(sampleCount)));
        } else {
            QVERIFY2(points <= static_cast<std::size_t>(ChartFeeder::kMaxPlotPoints),
                     qPrintable(QStringLiteral("%1 has %2 points").arg(what).arg(points)));
            const auto seconds = [](goflow::Duration d) {
                return std::chrono::duration<double>(d).count();
            };
            const std::size_t first =
                sampleCount > static_cast<std::size_t>(ChartFeeder::kWindow)
                    ? samples.endIndex() - static_cast<std::size_t>(ChartFeeder::kWindow)
                    : samples.firstIndex();
            QCOMPARE(xy->at(0).x(), seconds(samples[first].time));
            QCOMPARE(xy->at(xy->count() - 1).x(), seconds(samples.back().time));
        }
    }
}

}  // namespace

class TestStudioSmoke : public QObject {
    Q_OBJECT

  private slots:
    void scenarioRunsAndCharts_data() {
        QTest::addColumn<QString>("path");
        for (const auto& entry :
             goflow::app::listScenarios(QStringLiteral(GOFLOW_SOURCE_SCENARIO_DIR))) {
            QTest::newRow(qPrintable(entry.fileName)) << entry.path;
        }
    }

    void scenarioRunsAndCharts() {
        QFETCH(QString, path);
        StudioWindow studio;
        QVERIFY2(studio.load({.scenario = path, .autoRun = true, .speed = QStringLiteral("max")}),
                 qPrintable(studio.errorString()));
        QQuickWindow* window = studio.window();
        StudioController* controller = studio.controller();
        QTRY_COMPARE_WITH_TIMEOUT(controller->state(), StudioController::RunState::Finished, 30000);
        QVERIFY(QTest::qWaitForWindowExposed(window));

        const std::size_t sampleCount = controller->samples().size();
        const int stations = static_cast<int>(controller->stationNames().size());
        QVERIFY(stations >= 1);
        // The textbook scenario is the one shipped case where queueing theory applies, so its
        // queue chart must draw the theory line.
        QObject* theory = studio.find(QStringLiteral("theory"));
        QVERIFY(theory != nullptr);
        QCOMPARE(theory->property("available").toBool(),
                 path.endsWith(QLatin1String("textbook-queue.json")));
        for (const char* chartName : kCharts) {
            QObject* chart = studio.find(QString::fromLatin1(chartName));
            QVERIFY2(chart != nullptr, chartName);
            if (QLatin1String(chartName) == QLatin1String("tokenChart") &&
                !controller->hasLimiter()) {
                continue;  // the chart shows its "no limiter" text instead
            }
            if (QLatin1String(chartName) == QLatin1String("writerChart") &&
                !controller->hasWriter()) {
                continue;  // the chart shows its "no writer" text instead
            }
            if (!chart->property("stationSelectable").toBool()) {
                checkChartHasPoints(chart, QString::fromLatin1(chartName), controller->samples());
                continue;
            }
            auto* stationBox = chart->findChild<QObject*>(QStringLiteral("stationBox"));
            QVERIFY2(stationBox != nullptr, chartName);
            QCOMPARE(stationBox->property("count").toInt(), stations);
            for (int station = 0; station < stations; ++station) {
                QVERIFY(stationBox->setProperty("currentIndex", station));
                QCOMPARE(chart->property("station").toInt(), station);
                checkChartHasPoints(chart,
                                    QStringLiteral("%1 station %2").arg(chartName).arg(station),
                                    controller->samples());
            }
            QVERIFY(stationBox->setProperty("currentIndex", 0));
        }

        // On an OpenGL scene graph the queue chart draws its solid "queued" line with OpenGL and
        // keeps the dashed capacity line in its painted image. The software scene graph (the
        // offscreen platform) paints every series.
        const bool openGL =
            window->rendererInterface()->graphicsApi() == QSGRendererInterface::OpenGL;
        const QList<QXYSeries*> queueSeries = seriesOf(studio.find(QStringLiteral("queueChart")));
        QVERIFY(queueSeries.size() >= 2);
        QTRY_COMPARE(queueSeries[0]->useOpenGL(), openGL);
        QVERIFY(!queueSeries[1]->useOpenGL());

        // A cursor in the middle of the run moves the readouts to that sample.
        const auto middle = controller->samples()[sampleCount / 2];
        controller->setCursorSeconds(std::chrono::duration<double>(middle.time).count());
        QCOMPARE(controller->cursorIndex(), static_cast<int>(sampleCount / 2));
        QObject* queueChart = studio.find(QStringLiteral("queueChart"));
        const QJSValue readout = queueChart->property("readoutValues").value<QJSValue>();
        QCOMPARE(readout.property(0).toString(),
                 QLocale().toString(static_cast<double>(middle.queue_depth), 'f', 0));
        QCOMPARE(readout.property(1).toString(),
                 QLocale().toString(static_cast<double>(controller->queueCapacity()), 'f', 0));
        controller->followRun();

        // ChartView redraws from a queued scene update, so the grab waits for pending events.
        const QString shotBase =
            QStringLiteral(GOFLOW_SCREENSHOT_DIR "/") + QFileInfo(path).completeBaseName();
        QVERIFY(studio.saveScreenshot(shotBase + QStringLiteral(".png"), 100ms));

        // The lower charts, scrolled into view.
        auto* scroll = studio.find(QStringLiteral("chartScroll"));
        QVERIFY(scroll != nullptr);
        auto* flickable = scroll->property("contentItem").value<QObject*>();
        QVERIFY(flickable != nullptr);
        const double bottom = flickable->property("contentHeight").toDouble() -
                              flickable->property("height").toDouble();
        QVERIFY2(bottom > 0, "the charts are expected to need scrolling at 1280x820");
        QVERIFY(flickable->setProperty("contentY", bottom));
        QVERIFY(studio.saveScreenshot(shotBase + QStringLiteral("-lower.png"), 100ms));

        GOFLOW_VERIFY_NO_MESSAGES(studio);
    }

    void hiddenChartRefreshesWhenShown() {
        StudioWindow studio;
        QVERIFY2(
            studio.load({.scenario = kApiBurst, .autoRun = true, .speed = QStringLiteral("max")}),
            qPrintable(studio.errorString()));
        StudioController* controller = studio.controller();
        QTRY_COMPARE_WITH_TIMEOUT(controller->state(), StudioController::RunState::Finished, 30000);
        QObject* chart = studio.find(QStringLiteral("queueChart"));
        QVERIFY(chart != nullptr);
        const QList<QXYSeries*> series = seriesOf(chart);
        QVERIFY(!series.isEmpty());
        const std::size_t fullCount = controller->samples().size();
        QVERIFY(fullCount > 10);
        QCOMPARE(static_cast<std::size_t>(series.front()->count()), fullCount);

        // While hidden, the panel skips the refresh that a new run requests.
        QVERIFY(chart->setProperty("visible", false));
        std::vector<goflow::sim::Sample> firstTen(controller->samples().begin(),
                                                  controller->samples().begin() + 10);
        controller->showRecordedRun(std::move(firstTen), {});
        QCOMPARE(controller->sampleCount(), 10);
        QCOMPARE(static_cast<std::size_t>(series.front()->count()), fullCount);
        QVERIFY(chart->property("stale").toBool());

        // Shown again, it catches up at once.
        QVERIFY(chart->setProperty("visible", true));
        QCOMPARE(series.front()->count(), 10);
        QVERIFY(!chart->property("stale").toBool());
        GOFLOW_VERIFY_NO_MESSAGES(studio);
    }

    void shortcutsDriveReplay() {
        StudioWindow studio;
        QVERIFY2(studio.load({.scenario = kApiBurst, .speed = QStringLiteral("0.5")}),
                 qPrintable(studio.errorString()));
        QQuickWindow* window = studio.window();
        window->requestActivate();
        QVERIFY(QTest::qWaitForWindowActive(window));
        StudioController* controller = studio.controller();
        QCOMPARE(controller->speed(), 0.5);
        QCOMPARE(controller->state(), StudioController::RunState::Idle);

        // Right arrow and Ctrl+. step a paused run by one sample each.
        QTest::keyClick(window, Qt::Key_Right);
        QCOMPARE(controller->state(), StudioController::RunState::Paused);
        QTRY_COMPARE_WITH_TIMEOUT(controller->sampleCount(), 1, 10000);
        QTest::keyClick(window, Qt::Key_Right);
        QTRY_COMPARE_WITH_TIMEOUT(controller->sampleCount(), 2, 10000);
        QTest::keyClick(window, Qt::Key_Period, Qt::ControlModifier);
        QTRY_COMPARE_WITH_TIMEOUT(controller->sampleCount(), 3, 10000);

        // Left arrow moves the cursor back one sample.
        QTest::keyClick(window, Qt::Key_Left);
        QCOMPARE(controller->cursorIndex(), 1);
        QVERIFY(!controller->cursorFollowsRun());

        // Ctrl++ (also Ctrl+=) and Ctrl+- walk the speed steps.
        QTest::keyClick(window, Qt::Key_Plus, Qt::ControlModifier);
        QCOMPARE(controller->speed(), 1.0);
        QTest::keyClick(window, Qt::Key_Equal, Qt::ControlModifier);
        QCOMPARE(controller->speed(), 2.0);
        QTest::keyClick(window, Qt::Key_Minus, Qt::ControlModifier);
        QCOMPARE(controller->speed(), 1.0);

        // Space resumes and pauses, Esc stops, Ctrl+R runs again.
        QTest::keyClick(window, Qt::Key_Space);
        QCOMPARE(controller->state(), StudioController::RunState::Running);
        QTest::keyClick(window, Qt::Key_Space);
        QCOMPARE(controller->state(), StudioController::RunState::Paused);
        QTest::keyClick(window, Qt::Key_Escape);
        QCOMPARE(controller->state(), StudioController::RunState::Idle);
        QTest::keyClick(window, Qt::Key_R, Qt::ControlModifier);
        QCOMPARE(controller->state(), StudioController::RunState::Running);
        QTest::keyClick(window, Qt::Key_Escape);
        QCOMPARE(controller->state(), StudioController::RunState::Idle);

        GOFLOW_VERIFY_NO_MESSAGES(studio);
    }

    void wheelZoomFixesAxes() {
        StudioWindow studio;
        QVERIFY2(studio.load({.scenario = kApiBurst, .speed = QStringLiteral("max")}),
                 qPrintable(studio.errorString()));
        QQuickWindow* window = studio.window();
        QVERIFY(QTest::qWaitForWindowExposed(window));
        StudioController* controller = studio.controller();
        controller->simulate();
        QTRY_COMPARE_WITH_TIMEOUT(controller->state(), StudioController::RunState::Finished, 30000);

        auto* chart = studio.find<QQuickItem>(QStringLiteral("tokenChart"));
        QVERIFY(chart != nullptr);
        auto* axes = chart->property("axes").value<QObject*>();
        QVERIFY(axes != nullptr);
        QVERIFY(axes->property("follow").toBool());
        const double followedMax = axes->property("xMax").toDouble();

        // A plain wheel turn scrolls the page and leaves the axes alone.
        const QPointF centre =
            chart->mapToScene(QPointF(chart->width() / 2, chart->height() * 0.6));
        QWheelEvent plain(centre, window->mapToGlobal(centre), QPoint(), QPoint(0, 120),
                          Qt::NoButton, Qt::NoModifier, Qt::NoScrollPhase, false);
        QCoreApplication::sendEvent(window, &plain);
        QVERIFY(axes->property("follow").toBool());

        // Ctrl + wheel zooms in around the pointer and fixes the axes.
        QWheelEvent zoom(centre, window->mapToGlobal(centre), QPoint(), QPoint(0, 120),
                         Qt::NoButton, Qt::ControlModifier, Qt::NoScrollPhase, false);
        QCoreApplication::sendEvent(window, &zoom);
        QVERIFY(!axes->property("follow").toBool());
        const double zoomedSpan =
            axes->property("xMax").toDouble() - axes->property("xMin").toDouble();
        QVERIFY2(zoomedSpan < followedMax, qPrintable(QString::number(zoomedSpan)));

        // A refresh keeps the fixed range; reset follows the data again.
        QMetaObject::invokeMethod(chart, "refresh");
        QCOMPARE(axes->property("xMax").toDouble() - axes->property("xMin").toDouble(), zoomedSpan);
        QMetaObject::invokeMethod(axes, "reset");
        QVERIFY(axes->property("follow").toBool());
        QCOMPARE(axes->property("xMin").toDouble(), 0.0);
        QCOMPARE(axes->property("xMax").toDouble(), followedMax);

        // The axes popup fixes a typed range and rejects an invalid one.
        auto* popup = chart->findChild<QObject*>(QStringLiteral("axesPopup"));
        QVERIFY(popup != nullptr);
        QVERIFY(QMetaObject::invokeMethod(popup, "open"));
        QTRY_VERIFY(popup->property("opened").toBool());
        const auto field = [popup](const char* name) {
            return popup->findChild<QObject*>(QString::fromLatin1(name));
        };
        for (const char* name : {"xFromField", "xToField", "yFromField", "yToField"}) {
            QVERIFY2(field(name) != nullptr, name);
        }
        QObject* apply = field("applyAxesButton");
        QVERIFY(apply != nullptr);
        QObject* rangeError = field("rangeError");
        QVERIFY(rangeError != nullptr);
        QVERIFY(field("xFromField")->setProperty("text", QStringLiteral("20")));
        QVERIFY(field("xToField")->setProperty("text", QStringLiteral("10")));
        QVERIFY(QMetaObject::invokeMethod(apply, "clicked"));
        QVERIFY(rangeError->property("visible").toBool());
        QVERIFY(axes->property("follow").toBool());
        // Lets ChartView and the popup redraw before the grab.
        QVERIFY(
            studio.saveScreenshot(QStringLiteral(GOFLOW_SCREENSHOT_DIR "/axes-popup.png"), 100ms));
        QVERIFY(field("xToField")->setProperty("text", QStringLiteral("25")));
        QVERIFY(field("yFromField")->setProperty("text", QStringLiteral("50")));
        QVERIFY(field("yToField")->setProperty("text", QStringLiteral("150")));
        QVERIFY(QMetaObject::invokeMethod(apply, "clicked"));
        QVERIFY(!axes->property("follow").toBool());
        QCOMPARE(axes->property("xMin").toDouble(), 20.0);
        QCOMPARE(axes->property("xMax").toDouble(), 25.0);
        QCOMPARE(axes->property("yMin").toDouble(), 50.0);
        QCOMPARE(axes->property("yMax").toDouble(), 150.0);
        QTRY_VERIFY(!popup->property("opened").toBool());

        GOFLOW_VERIFY_NO_MESSAGES(studio);
    }
};

QTEST_MAIN(TestStudioSmoke)
#include "tst_studio_smoke.moc"
