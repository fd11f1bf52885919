// Tests that the Design tab's load editor presents a scenario's load as its file states it: a
// burst above the base rate as a spike, a drop such as an idle tail as the file's phases. Also
// checks in the window that the topology pane shows every element's summary in full.

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QQuickItem>
#include <QQuickWindow>
#include <QTemporaryDir>
#include <QtTest>

#include "goflow/sim/scenario.hpp"
#include "parameter_model.h"
#include "scenario_document.h"
#include "studio_controller.h"
#include "studio_window.h"

using goflow::test::StudioWindow;
using LoadShape = ScenarioDocument::LoadShape;

namespace {

const QString kSlowWriter = QStringLiteral(GOFLOW_SOURCE_SCENARIO_DIR "/slow-writer.json");
const QString kApiBurst = QStringLiteral(GOFLOW_SOURCE_SCENARIO_DIR "/api-burst.json");

// A scenario whose one class offers `phases`, a JSON array of load phases.
QByteArray scenarioWithPhases(const QByteArray& phases) {
    return R"({"version": 1, "name": "phases", "load": {"phases": )" + phases +
           R"(}, "pool": {"workers": 2, "service_time": {"distribution": "constant", "mean_ms": 5}}})";
}

// Returns the value of the row `key` of `model`, or a message that names the missing key.
QString rowValue(const ParameterModel& model, const QString& key) {
    const int row = model.rowOfKey(key);
    if (row < 0) {
        return QStringLiteral("<no row %1>").arg(key);
    }
    return model.data(model.index(row), ParameterModel::ValueRole).toString();
}

QString rowUnit(const ParameterModel& model, const QString& key) {
    const int row = model.rowOfKey(key);
    return row < 0 ? QString() : model.data(model.index(row), ParameterModel::UnitRole).toString();
}

// Collects the visual descendants of `root` named `name`.
void collectItems(QQuickItem* root, const QString& name, QList<QQuickItem*>& found) {
    if (root->objectName() == name) {
        found.append(root);
    }
    for (QQuickItem* child : root->childItems()) {
        collectItems(child, name, found);
    }
}

}  // namespace

class TestLoadEditor : public QObject {
    Q_OBJECT

  private slots:
    void initTestCase() { QVERIFY(goflow::test::useSettingsDirectory(m_settingsDir)); }

    void detectShapeOfPhases_data() {
        QTest::addColumn<QByteArray>("phases");
        QTest::addColumn<LoadShape>("shape");
        QTest::newRow("one constant phase")
            << QByteArray(R"([{"rate": 50, "duration_s": 10}])") << LoadShape::Constant;
        QTest::newRow("burst in the middle") << QByteArray(R"([{"rate": 50, "duration_s": 10},
            {"rate": 200, "duration_s": 5}, {"rate": 50, "duration_s": 10}])")
                                             << LoadShape::Spike;
        QTest::newRow("burst until the end") << QByteArray(R"([{"rate": 50, "duration_s": 10},
            {"rate": 200, "duration_s": 5}])")
                                             << LoadShape::Spike;
        QTest::newRow("idle tail") << QByteArray(R"([{"rate": 120, "duration_s": 25},
            {"rate": 0, "duration_s": 5}])")
                                   << LoadShape::Custom;
        QTest::newRow("dip in the middle") << QByteArray(R"([{"rate": 100, "duration_s": 10},
            {"rate": 20, "duration_s": 5}, {"rate": 100, "duration_s": 10}])")
                                           << LoadShape::Custom;
        QTest::newRow("burst to another base") << QByteArray(R"([{"rate": 50, "duration_s": 10},
            {"rate": 200, "duration_s": 5}, {"rate": 80, "duration_s": 10}])")
                                               << LoadShape::Custom;
        QTest::newRow("two equal phases") << QByteArray(R"([{"rate": 50, "duration_s": 10},
            {"rate": 50, "duration_s": 5}])")
                                          << LoadShape::Custom;
    }

    void detectShapeOfPhases() {
        QFETCH(QByteArray, phases);
        QFETCH(LoadShape, shape);
        const auto scenario = goflow::sim::load_scenario(scenarioWithPhases(phases).toStdString());
        QVERIFY2(static_cast<bool>(scenario), scenario ? "" : scenario.error().describe().c_str());
        QCOMPARE(ScenarioDocument::detectShape(scenario->classes.front().load), shape);
    }

    // slow-writer offers 120 requests/s for 25 s and then nothing for 5 s: no spike of rate 0.
    void slowWriterShowsFilePhases() {
        ScenarioDocument document;
        QAbstractItemModelTester tester(document.loadParameters(),
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QVERIFY2(document.open(kSlowWriter, false), qPrintable(document.errorMessage()));
        QCOMPARE(document.loadShape(0), LoadShape::Custom);
        const ParameterModel& load = *document.loadParameters();
        QCOMPARE(rowValue(load, QStringLiteral("load.shape")), QStringLiteral("phases from file"));
        QCOMPARE(rowValue(load, QStringLiteral("load.phases")),
                 QStringLiteral("120 for 25 s, then 0 for 5 s"));
        QCOMPARE(rowUnit(load, QStringLiteral("load.phases")), QStringLiteral("requests/s"));
        QCOMPARE(load.rowOfKey(QStringLiteral("load.spike_rate")), -1);
    }

    void apiBurstStaysSpike() {
        ScenarioDocument document;
        QAbstractItemModelTester tester(document.loadParameters(),
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QVERIFY2(document.open(kApiBurst, false), qPrintable(document.errorMessage()));
        QCOMPARE(document.loadShape(0), LoadShape::Spike);
        const ParameterModel& load = *document.loadParameters();
        QCOMPARE(rowValue(load, QStringLiteral("load.shape")), QStringLiteral("spike"));
        QCOMPARE(rowValue(load, QStringLiteral("load.base_rate")), QStringLiteral("60"));
        QCOMPARE(rowValue(load, QStringLiteral("load.spike_rate")), QStringLiteral("400"));
        QCOMPARE(rowValue(load, QStringLiteral("load.spike_start_s")), QStringLiteral("10"));
        QCOMPARE(rowValue(load, QStringLiteral("load.spike_length_s")), QStringLiteral("5"));
    }

    // Every phase shape is described, and phases past the fourth are counted.
    void filePhasesDescribeEachShape() {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString path = dir.filePath(QStringLiteral("phases.json"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(scenarioWithPhases(R"([
            {"from": 0, "to": 80, "duration_s": 10},
            {"rate": 80, "duration_s": 20},
            {"mean": 50, "amplitude": 20, "period_s": 4, "duration_s": 8},
            {"rate": 10, "duration_s": 2.5},
            {"rate": 30, "duration_s": 1},
            {"rate": 40, "duration_s": 1}])"));
        file.close();

        ScenarioDocument document;
        QVERIFY2(document.open(path, false), qPrintable(document.errorMessage()));
        QCOMPARE(document.loadShape(0), LoadShape::Custom);
        QCOMPARE(rowValue(*document.loadParameters(), QStringLiteral("load.phases")),
                 QStringLiteral("0 to 80 for 10 s, then 80 for 20 s, then 50 ± 20 every 4 s for "
                                "8 s, then 10 for 2.5 s, and 2 more phases"));
    }

    void designTabShowsSlowWriter() {
        StudioWindow studio;
        QVERIFY2(studio.load({.scenario = kSlowWriter}), qPrintable(studio.errorString()));
        QObject* pageBar = studio.find(QStringLiteral("pageBar"));
        QVERIFY(pageBar != nullptr);
        QVERIFY(pageBar->setProperty("currentIndex", 1));
        auto* page = studio.find<QQuickItem>(QStringLiteral("designPage"));
        QVERIFY(page != nullptr);
        QTRY_VERIFY(page->isVisible());
        QVERIFY(QTest::qWaitForWindowExposed(studio.window()));

        // The load form shows the file's phases, not a spike.
        QTRY_VERIFY(studio.findItem(QStringLiteral("choice_load.shape")) != nullptr);
        QQuickItem* shape = studio.findItem(QStringLiteral("choice_load.shape"));
        QCOMPARE(shape->property("displayText").toString(), QStringLiteral("phases from file"));
        QQuickItem* phases = studio.findItem(QStringLiteral("field_load.phases"));
        QVERIFY(phases != nullptr);
        QCOMPARE(phases->property("text").toString(),
                 QStringLiteral("120 for 25 s, then 0 for 5 s"));
        QCOMPARE(studio.findItem(QStringLiteral("field_load.spike_rate")), nullptr);

        // Every summary in the topology pane is shown in full, the writer's long one too.
        QList<QQuickItem*> summaries;
        collectItems(studio.window()->contentItem(), QStringLiteral("topologySummary"), summaries);
        QVERIFY(summaries.size() >= 5);
        bool writerSeen = false;
        for (QQuickItem* summary : summaries) {
            const QString text = summary->property("text").toString();
            writerSeen = writerSeen || text.startsWith(QLatin1String("buffer 32768 bytes"));
            QVERIFY2(!summary->property("truncated").toBool(), qPrintable(text));
        }
        QVERIFY(writerSeen);
        QVERIFY(studio.saveScreenshot(QStringLiteral(GOFLOW_SCREENSHOT_DIR "/load-editor.png")));

        GOFLOW_VERIFY_NO_MESSAGES(studio);
    }

  private:
    QTemporaryDir m_settingsDir;
};

QTEST_MAIN(TestLoadEditor)
#include "tst_load_editor.moc"
