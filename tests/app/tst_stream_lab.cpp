// Tests StepModel (editing, validation, moves under QAbstractItemModelTester) and StreamLab
// (per-step counts of real goflow streams against hand-computed values, errors, cancel).

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QtTest>

#include <set>

#include "step_model.h"
#include "stream_lab.h"
#include "studio_controller.h"

namespace {

using Kind = StepModel::Kind;
using Counts = std::vector<std::pair<qint64, qint64>>;

// Adds a step and sets its variant and parameter texts.
int addStep(StepModel& model, Kind kind, int variant = 0, const QString& first = {},
            const QString& second = {}) {
    const int row = model.addStep(static_cast<int>(kind));
    model.setVariant(row, variant);
    if (!first.isNull()) {
        model.setFirstText(row, first);
    }
    if (!second.isNull()) {
        model.setSecondText(row, second);
    }
    return row;
}

void useRange(StreamLab& lab, const QString& start, const QString& end,
              const QString& step = QStringLiteral("1")) {
    lab.setSourceKind(StreamLab::SourceKind::Range);
    lab.setRangeStart(start);
    lab.setRangeEnd(end);
    lab.setRangeStep(step);
}

// Runs the lab and waits for the run to end. Returns false when run() rejected the pipeline.
bool runToEnd(StreamLab& lab) {
    QSignalSpy finished(&lab, &StreamLab::finished);
    if (!lab.run()) {
        return false;
    }
    return finished.wait(30000);
}

Counts stepCounts(const StepModel& model) {
    Counts counts;
    for (const auto& step : model.steps()) {
        counts.emplace_back(step.entered, step.left);
    }
    return counts;
}

QList<double> previewValues(const StreamLab& lab) {
    QList<double> values;
    for (const QVariant& value : lab.preview()) {
        values.append(value.toDouble());
    }
    return values;
}

QString stepError(const StepModel& model, int row) {
    return model.data(model.index(row), StepModel::ErrorRole).toString();
}

}  // namespace

class TestStreamLab : public QObject {
    Q_OBJECT

  private slots:
    void stepModelEditsUnderTester() {
        StepModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy pipelineChanged(&model, &StepModel::pipelineChanged);
        QCOMPARE(model.addStep(static_cast<int>(Kind::Filter)), 0);
        QCOMPARE(model.addStep(static_cast<int>(Kind::Map)), 1);
        QCOMPARE(model.addStep(static_cast<int>(Kind::Limit)), 2);
        QCOMPARE(model.addStep(99), -1);
        QCOMPARE(model.count(), 3);
        QCOMPARE(pipelineChanged.count(), 3);
        QVERIFY(model.valid());

        QVERIFY(model.moveStep(0, 2));
        QCOMPARE(model.steps()[0].kind, Kind::Map);
        QCOMPARE(model.steps()[1].kind, Kind::Limit);
        QCOMPARE(model.steps()[2].kind, Kind::Filter);
        QVERIFY(model.moveStep(2, 0));
        QCOMPARE(model.steps()[0].kind, Kind::Filter);
        QCOMPARE(model.steps()[1].kind, Kind::Map);
        QVERIFY(!model.moveStep(0, 3));
        QVERIFY(!model.moveStep(-1, 0));
        QVERIFY(!model.moveStep(1, 1));

        QVERIFY(model.setData(model.index(1), static_cast<int>(StepModel::MapOperation::Square),
                              StepModel::VariantRole));
        QCOMPARE(model.data(model.index(1), StepModel::DescriptionRole).toString(),
                 QStringLiteral("x * x"));
        QVERIFY(model.data(model.index(1), StepModel::FirstLabelRole).toString().isEmpty());
        QVERIFY(!model.setVariant(1, 4));
        QVERIFY(model.setData(model.index(0), QStringLiteral("7"), StepModel::FirstTextRole));
        QCOMPARE(model.data(model.index(0), StepModel::DescriptionRole).toString(),
                 QStringLiteral("keep x > 7"));
        QVERIFY(!model.data(model.index(0), StepModel::FirstToolTipRole).toString().isEmpty());

        QVERIFY(model.removeStep(1));
        QCOMPARE(model.count(), 2);
        QVERIFY(!model.removeStep(2));
        model.clear();
        QCOMPARE(model.count(), 0);
    }

    void stepModelValidationMessages_data() {
        QTest::addColumn<int>("kind");
        QTest::addColumn<int>("variant");
        QTest::addColumn<QString>("first");
        QTest::addColumn<QString>("second");
        QTest::addColumn<QString>("error");

        const int filter = static_cast<int>(Kind::Filter);
        const int map = static_cast<int>(Kind::Map);
        const int within = static_cast<int>(StepModel::FilterTest::WithinRange);
        const int modulo = static_cast<int>(StepModel::MapOperation::Modulo);
        QTest::newRow("limit negative") << static_cast<int>(Kind::Limit) << 0 << "-1"
                                        << ""
                                        << "the limit must be >= 0, not -1";
        QTest::newRow("limit fraction") << static_cast<int>(Kind::Limit) << 0 << "2.5"
                                        << ""
                                        << "the limit must be a whole number, not 2.5";
        QTest::newRow("skip text") << static_cast<int>(Kind::Skip) << 0 << "abc"
                                   << ""
                                   << "the skip count \"abc\" is not a number";
        QTest::newRow("window zero") << static_cast<int>(Kind::Window) << 0 << "0"
                                     << ""
                                     << "the window size must be >= 1, not 0";
        QTest::newRow("window huge") << static_cast<int>(Kind::Window) << 0 << "100001"
                                     << ""
                                     << "the window size must be <= 100000, not 100001";
        QTest::newRow("filter empty") << filter << 0 << " "
                                      << ""
                                      << "the threshold is missing: enter a number";
        QTest::newRow("range reversed") << filter << within << "5"
                                        << "1"
                                        << "the range start 5 is greater than its end 1";
        QTest::newRow("modulo zero") << map << modulo << "0"
                                     << ""
                                     << "the divisor must not be 0";
        QTest::newRow("multiply inf") << map << 0 << "inf"
                                      << ""
                                      << "the operand must be a finite number";
        QTest::newRow("limit valid") << static_cast<int>(Kind::Limit) << 0 << "0"
                                     << ""
                                     << "";
    }

    void stepModelValidationMessages() {
        QFETCH(int, kind);
        QFETCH(int, variant);
        QFETCH(QString, first);
        QFETCH(QString, second);
        QFETCH(QString, error);

        StepModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        addStep(model, static_cast<Kind>(kind), variant, first, second);
        QCOMPARE(stepError(model, 0), error);
        QCOMPARE(model.valid(), error.isEmpty());
        if (!error.isEmpty()) {
            QVERIFY(model.firstError().startsWith(QStringLiteral("step 1 (")));
        }
    }

    void validitySignalFollowsEdits() {
        StepModel model;
        QSignalSpy validChanged(&model, &StepModel::validChanged);
        addStep(model, Kind::Limit);
        QVERIFY(model.valid());
        model.setFirstText(0, QStringLiteral("-3"));
        QVERIFY(!model.valid());
        QCOMPARE(validChanged.count(), 1);
        model.setFirstText(0, QStringLiteral("3"));
        QVERIFY(model.valid());
        QCOMPARE(validChanged.count(), 2);
    }

    void sourceValidationMessages() {
        StreamLab lab;
        useRange(lab, QStringLiteral("0"), QStringLiteral("10"), QStringLiteral("0"));
        QCOMPARE(lab.sourceError(), QStringLiteral("the range step must not be 0"));
        useRange(lab, QStringLiteral("0"), QStringLiteral("20000000"));
        QCOMPARE(lab.sourceError(),
                 QStringLiteral("the range has 20000000 elements, more than the maximum of "
                                "10000000: narrow it or take a larger step"));
        useRange(lab, QStringLiteral("x"), QStringLiteral("10"));
        QCOMPARE(lab.sourceError(), QStringLiteral("the range start \"x\" is not a whole number"));
        useRange(lab, QStringLiteral("10"), QStringLiteral("0"), QStringLiteral("-3"));
        QCOMPARE(lab.sourceError(), QString());

        lab.setSourceKind(StreamLab::SourceKind::RandomIntegers);
        lab.setRandomMinimum(QStringLiteral("5"));
        lab.setRandomMaximum(QStringLiteral("1"));
        QCOMPARE(lab.sourceError(), QStringLiteral("the minimum 5 is greater than the maximum 1"));
        lab.setRandomMaximum(QStringLiteral("9"));
        lab.setCount(QStringLiteral("10000001"));
        QCOMPARE(lab.sourceError(),
                 QStringLiteral("the count must be between 0 and 10000000, not 10000001"));
        lab.setSourceKind(StreamLab::SourceKind::Latencies);
        lab.setCount(QStringLiteral("-1"));
        QCOMPARE(lab.sourceError(),
                 QStringLiteral("the count must be between 0 and 10000000, not -1"));

        QVERIFY(!lab.run());
        QCOMPARE(lab.errorMessage(),
                 QStringLiteral("Invalid source: the count must be between 0 and 10000000, not "
                                "-1."));
    }

    void invalidStepBlocksRun() {
        StreamLab lab;
        useRange(lab, QStringLiteral("0"), QStringLiteral("10"));
        addStep(*lab.steps(), Kind::Map);
        addStep(*lab.steps(), Kind::Window, 0, QStringLiteral("0"));
        QVERIFY(!lab.run());
        QCOMPARE(lab.errorMessage(),
                 QStringLiteral("Invalid step 2 (window): the window size must be >= 1, not 0."));
        QVERIFY(!lab.running());
    }

    // Hand-computed counts. A limit stops its upstream, so earlier steps see fewer elements.
    void pipelineCounts_data() {
        QTest::addColumn<QString>("start");
        QTest::addColumn<QString>("end");
        QTest::addColumn<QList<QVariantList>>("steps");  // kind, variant, first, second
        QTest::addColumn<qint64>("produced");
        QTest::addColumn<Counts>("counts");
        QTest::addColumn<QList<double>>("output");

        const auto step = [](Kind kind, int variant, const QString& first = {},
                             const QString& second = {}) {
            return QVariantList{static_cast<int>(kind), variant, first, second};
        };
        const int even = static_cast<int>(StepModel::FilterTest::Even);
        const int within = static_cast<int>(StepModel::FilterTest::WithinRange);
        const int modulo = static_cast<int>(StepModel::MapOperation::Modulo);
        const int descending = static_cast<int>(StepModel::SortOrder::Descending);
        const int mean = static_cast<int>(StepModel::WindowReduction::Mean);

        // 1..100: the filter passes 2, 4, ...; the limit stops the source after 10.
        QTest::newRow("filter even then limit")
            << "1"
            << "101" << QList<QVariantList>{step(Kind::Filter, even), step(Kind::Limit, 0, "5")}
            << 10LL << Counts{{10, 5}, {5, 5}} << QList<double>{2, 4, 6, 8, 10};
        // 1..20 mod 5 gives 1, 2, 3, 4, 0 four times; distinct keeps 5 values.
        QTest::newRow("modulo distinct sorted")
            << "1"
            << "21"
            << QList<QVariantList>{step(Kind::Map, modulo, "5"), step(Kind::Distinct, 0),
                                   step(Kind::Sorted, descending)}
            << 20LL << Counts{{20, 20}, {20, 5}, {5, 5}} << QList<double>{4, 3, 2, 1, 0};
        // 0..9 without 0, 1, 2, in windows of 3 summed: 3+4+5, 6+7+8, 9.
        QTest::newRow("skip then window sum")
            << "0"
            << "10" << QList<QVariantList>{step(Kind::Skip, 0, "3"), step(Kind::Window, 0, "3")}
            << 10LL << Counts{{10, 7}, {7, 3}} << QList<double>{12, 21, 9};
        // sorted pulls all 1000, but passes on only the 3 that the limit takes.
        QTest::newRow("sorted then limit")
            << "1"
            << "1001"
            << QList<QVariantList>{step(Kind::Sorted, descending), step(Kind::Limit, 0, "3")}
            << 1000LL << Counts{{1000, 3}, {3, 3}} << QList<double>{1000, 999, 998};
        // 10..20 in windows of 4: means of 10..13, 14..17 and 18..20.
        QTest::newRow("within range then window mean")
            << "0"
            << "30"
            << QList<QVariantList>{step(Kind::Filter, within, "10", "20"),
                                   step(Kind::Window, mean, "4")}
            << 30LL << Counts{{30, 11}, {11, 3}} << QList<double>{11.5, 15.5, 19};
        // limit 0 never pulls from upstream.
        QTest::newRow("limit zero")
            << "1"
            << "101" << QList<QVariantList>{step(Kind::Map, 0, "3"), step(Kind::Limit, 0, "0")}
            << 0LL << Counts{{0, 0}, {0, 0}} << QList<double>{};
        QTest::newRow("no steps") << "5"
                                  << "8" << QList<QVariantList>{} << 3LL << Counts{}
                                  << QList<double>{5, 6, 7};
    }

    void pipelineCounts() {
        QFETCH(QString, start);
        QFETCH(QString, end);
        QFETCH(QList<QVariantList>, steps);
        QFETCH(qint64, produced);
        QFETCH(Counts, counts);
        QFETCH(QList<double>, output);

        StreamLab lab;
        QAbstractItemModelTester tester(lab.steps(),
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        useRange(lab, start, end);
        for (const QVariantList& step : steps) {
            addStep(*lab.steps(), static_cast<Kind>(step[0].toInt()), step[1].toInt(),
                    step[2].toString(), step[3].toString());
        }
        QVERIFY(runToEnd(lab));
        QVERIFY2(lab.errorMessage().isEmpty(), qPrintable(lab.errorMessage()));
        QVERIFY(lab.hasResult());
        QVERIFY(!lab.canceled());
        QCOMPARE(lab.sourceProduced(), produced);
        QCOMPARE(stepCounts(*lab.steps()), counts);
        QCOMPARE(lab.outputCount(), static_cast<qint64>(output.size()));
        QCOMPARE(previewValues(lab), output);
        QVERIFY(lab.elapsedSeconds() > 0);
        if (!counts.empty()) {
            QCOMPARE(lab.steps()->data(lab.steps()->index(0), StepModel::EnteredRole).toLongLong(),
                     counts.front().first);
            QCOMPARE(lab.steps()->data(lab.steps()->index(0), StepModel::LeftRole).toLongLong(),
                     counts.front().second);
        }
    }

    void previewKeepsFirstHundred() {
        StreamLab lab;
        useRange(lab, QStringLiteral("0"), QStringLiteral("1000"));
        QVERIFY(runToEnd(lab));
        QCOMPARE(lab.outputCount(), 1000);
        QCOMPARE(lab.preview().size(), StreamLab::kPreviewSize);
        QCOMPARE(lab.preview().front().toDouble(), 0.0);
        QCOMPARE(lab.preview().back().toDouble(), 99.0);
        QVERIFY(lab.elementsPerSecond() > 0);
    }

    void throwingStepReportsError() {
        StreamLab lab;
        useRange(lab, QStringLiteral("1"), QStringLiteral("11"));
        addStep(*lab.steps(), Kind::Map, 0, QStringLiteral("1e308"));
        addStep(*lab.steps(), Kind::Map, 0, QStringLiteral("10"));
        addStep(*lab.steps(), Kind::Limit, 0, QStringLiteral("5"));
        QVERIFY(runToEnd(lab));
        QVERIFY(!lab.hasResult());
        QVERIFY(lab.hasCounts());
        QVERIFY(!lab.canceled());
        QCOMPARE(lab.errorMessage(),
                 QStringLiteral("The stream failed: step 2 (x * 10) produced inf from 1e+308"));
        QCOMPARE(lab.sourceProduced(), 1);
        QCOMPARE(stepCounts(*lab.steps()), (Counts{{1, 1}, {1, 0}, {0, 0}}));
        QVERIFY(!lab.running());

        // The lab stays usable after a failure.
        lab.steps()->removeStep(0);
        QVERIFY(runToEnd(lab));
        QVERIFY(lab.hasResult());
        QCOMPARE(lab.outputCount(), 5);
    }

    void cancelStopsBigRun() {
        StreamLab lab;
        useRange(lab, QStringLiteral("0"), QString::number(StreamLab::kMaxSourceElements));
        addStep(*lab.steps(), Kind::Sorted, static_cast<int>(StepModel::SortOrder::Descending));
        QSignalSpy finished(&lab, &StreamLab::finished);
        QVERIFY(lab.run());
        QVERIFY(lab.running());
        QVERIFY(!lab.run());  // a second run while one is going is rejected
        QCOMPARE(lab.errorMessage(),
                 QStringLiteral("a run is already going: wait for it or cancel it"));
        lab.cancel();
        QVERIFY(finished.wait(30000));
        QVERIFY(lab.canceled());
        QVERIFY(!lab.hasResult());
        QVERIFY(!lab.running());
        QVERIFY(lab.errorMessage().startsWith(QStringLiteral("Run canceled after")));
        QVERIFY(lab.sourceProduced() < StreamLab::kMaxSourceElements);
        QCOMPARE(lab.steps()->steps().front().left, 0);
    }

    void destroyingRunningLabJoins() {
        auto lab = std::make_unique<StreamLab>();
        useRange(*lab, QStringLiteral("0"), QString::number(StreamLab::kMaxSourceElements));
        addStep(*lab->steps(), Kind::Sorted);
        QVERIFY(lab->run());
        lab.reset();  // cancels and joins the worker; a crash or hang here fails the test
    }

    void randomSourceRepeatsWithSeed() {
        StreamLab lab;
        lab.setSourceKind(StreamLab::SourceKind::RandomIntegers);
        lab.setSeed(QStringLiteral("7"));
        lab.setCount(QStringLiteral("500"));
        lab.setRandomMinimum(QStringLiteral("-3"));
        lab.setRandomMaximum(QStringLiteral("3"));
        QVERIFY(runToEnd(lab));
        QCOMPARE(lab.sourceProduced(), 500);
        const QList<double> first = previewValues(lab);
        for (double value : first) {
            QVERIFY(value >= -3 && value <= 3);
        }
        QVERIFY(runToEnd(lab));
        QCOMPARE(previewValues(lab), first);
        lab.setSeed(QStringLiteral("8"));
        QVERIFY(runToEnd(lab));
        QVERIFY(previewValues(lab) != first);
    }

    void requestLogSources() {
        StreamLab lab;
        lab.setSourceKind(StreamLab::SourceKind::StatusCodes);
        lab.setCount(QStringLiteral("2000"));
        addStep(*lab.steps(), Kind::Distinct);
        addStep(*lab.steps(), Kind::Sorted);
        QVERIFY(runToEnd(lab));
        QCOMPARE(lab.sourceProduced(), 2000);
        const std::set<double> known{200, 201, 204, 301, 304, 400, 401, 404, 429, 500, 502, 503};
        const QList<double> codes = previewValues(lab);
        QVERIFY(codes.size() >= 5);
        QVERIFY(std::is_sorted(codes.begin(), codes.end()));
        for (double code : codes) {
            QVERIFY2(known.count(code) == 1, qPrintable(QString::number(code)));
        }

        lab.steps()->clear();
        lab.setSourceKind(StreamLab::SourceKind::Latencies);
        addStep(*lab.steps(), Kind::Filter, static_cast<int>(StepModel::FilterTest::LessThan),
                QStringLiteral("1"));
        QVERIFY(runToEnd(lab));
        QCOMPARE(lab.outputCount(), 0);  // every latency is at least 1 ms
        QCOMPARE(stepCounts(*lab.steps()), (Counts{{2000, 0}}));
    }

    void scenarioSamplesSource() {
        StreamLab lab;
        lab.setSourceKind(StreamLab::SourceKind::ScenarioSamples);
        QVERIFY(!lab.run());
        QCOMPARE(lab.errorMessage(),
                 QStringLiteral("Invalid source: no scenario is connected to the stream lab."));

        StudioController controller;
        lab.setController(&controller);
        QVERIFY(
            controller.load(QStringLiteral(GOFLOW_SOURCE_SCENARIO_DIR "/undersized-pool.json")));
        QVERIFY(!lab.run());
        QVERIFY(lab.errorMessage().contains(QStringLiteral("run it on the Run tab first")));

        controller.setSpeed(StudioController::Speed::AsFastAsPossible);
        controller.run();
        QTRY_COMPARE_WITH_TIMEOUT(controller.state(), StudioController::RunState::Finished, 30000);
        lab.setSampleField(StreamLab::SampleField::QueueDepth);
        addStep(*lab.steps(), Kind::Sorted, static_cast<int>(StepModel::SortOrder::Descending));
        addStep(*lab.steps(), Kind::Limit, 0, QStringLiteral("1"));
        QVERIFY(runToEnd(lab));
        QCOMPARE(lab.sourceProduced(), static_cast<qint64>(controller.samples().size()));
        int deepest = 0;
        for (const auto& sample : controller.samples()) {
            deepest = std::max(deepest, sample.queue_depth);
        }
        QCOMPARE(previewValues(lab), QList<double>{static_cast<double>(deepest)});
    }

    void editDuringRunCancels() {
        StreamLab lab;
        useRange(lab, QStringLiteral("0"), QString::number(StreamLab::kMaxSourceElements));
        addStep(*lab.steps(), Kind::Sorted);
        QSignalSpy finished(&lab, &StreamLab::finished);
        QVERIFY(lab.run());
        addStep(*lab.steps(), Kind::Distinct);
        QVERIFY(finished.wait(30000));
        QVERIFY(lab.canceled());
        QCOMPARE(lab.steps()->steps().back().entered, -1);  // the new step never ran
        QVERIFY(!lab.hasCounts());
    }

    void countsResetWhenPipelineChanges() {
        StreamLab lab;
        useRange(lab, QStringLiteral("0"), QStringLiteral("10"));
        addStep(*lab.steps(), Kind::Limit, 0, QStringLiteral("4"));
        QVERIFY(!lab.hasCounts());
        QVERIFY(runToEnd(lab));
        QVERIFY(lab.hasCounts());
        QCOMPARE(lab.largestCount(), 4);
        lab.steps()->setFirstText(0, QStringLiteral("6"));
        QVERIFY(!lab.hasCounts());
        QCOMPARE(lab.steps()->steps().front().entered, -1);
        QVERIFY(runToEnd(lab));
        QCOMPARE(lab.largestCount(), 6);
        lab.setRangeEnd(QStringLiteral("3"));
        QVERIFY(!lab.hasCounts());
        QCOMPARE(lab.steps()->steps().front().left, -1);
    }
};

QTEST_MAIN(TestStreamLab)
#include "tst_stream_lab.moc"
