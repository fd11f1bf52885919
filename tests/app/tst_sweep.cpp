#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

#include "sweep.h"
#include "writer_scenario.h"

using goflow::app::parseSweepAxis;

namespace {

goflow::sim::Scenario smallScenario() {
    auto s = goflow::sim::load_scenario(R"({
        "version": 1, "name": "sweep test",
        "load": {"arrivals": "even", "phases": [{"rate": 40, "duration_s": 5}]},
        "limiters": [{"type": "token_bucket", "rate": 10, "burst": 10}],
        "pool": {"workers": 1, "queue_capacity": 5,
                 "service_time": {"distribution": "constant", "mean_ms": 50}}})");
    if (!s) {
        qFatal("%s", s.error().message.c_str());
    }
    return *s;
}

}  // namespace

class TestSweep : public QObject {
    Q_OBJECT

  private slots:
    void parsesRangesAndLists_data() {
        QTest::addColumn<QString>("spec");
        QTest::addColumn<QString>("parameter");
        QTest::addColumn<QList<double>>("values");
        QTest::newRow("range") << "pool.workers=2..5"
                               << "pool.workers" << QList<double>{2, 3, 4, 5};
        QTest::newRow("range with step")
            << "limiters[0].rate=1..2:0.25"
            << "limiters[0].rate" << QList<double>{1, 1.25, 1.5, 1.75, 2};
        QTest::newRow("list") << "limiters[0].burst=50,100,200"
                              << "limiters[0].burst" << QList<double>{50, 100, 200};
        QTest::newRow("single value") << "pool.queue_capacity=7"
                                      << "pool.queue_capacity" << QList<double>{7};
    }

    void parsesRangesAndLists() {
        QFETCH(QString, spec);
        QFETCH(QString, parameter);
        QFETCH(QList<double>, values);
        auto axis = parseSweepAxis(spec);
        QVERIFY2(axis.ok(), axis.ok() ? "" : axis.error().message.c_str());
        QCOMPARE(axis->parameter, parameter);
        QCOMPARE(QList<double>(axis->values.begin(), axis->values.end()), values);
    }

    void rejectsMalformedSpecs_data() {
        QTest::addColumn<QString>("spec");
        QTest::addColumn<QString>("expected");
        QTest::newRow("no equals") << "pool.workers"
                                   << "--set needs NAME=VALUES";
        QTest::newRow("no values") << "pool.workers="
                                   << "--set needs NAME=VALUES";
        QTest::newRow("reversed range") << "pool.workers=5..2"
                                        << "FROM <= TO";
        QTest::newRow("zero step") << "pool.workers=1..5:0"
                                   << "positive step";
        QTest::newRow("text in list") << "pool.workers=1,two"
                                      << "\"two\" is not a number";
        QTest::newRow("huge range") << "pool.workers=1..100000"
                                    << "more than 10000 values";
    }

    void rejectsMalformedSpecs() {
        QFETCH(QString, spec);
        QFETCH(QString, expected);
        auto axis = parseSweepAxis(spec);
        QVERIFY(!axis.ok());
        QVERIFY2(QString::fromStdString(axis.error().message).contains(expected),
                 axis.error().message.c_str());
    }

    void runsTheGridInOrder() {
        const auto workers = *parseSweepAxis(QStringLiteral("pool.workers=1,4"));
        const auto burst = *parseSweepAxis(QStringLiteral("limiters[0].burst=1,10,100"));
        auto points = goflow::app::runSweep(smallScenario(), {workers, burst}, 2);
        QVERIFY(points.ok());
        QCOMPARE(points->size(), std::size_t{6});
        QCOMPARE((*points)[0].values, (std::vector<double>{1, 1}));
        QCOMPARE((*points)[1].values, (std::vector<double>{1, 10}));
        QCOMPARE((*points)[5].values, (std::vector<double>{4, 100}));
        for (const auto& point : *points) {
            auto variant = smallScenario();
            QVERIFY(goflow::sim::set_parameter(variant, "pool.workers", point.values[0]).ok());
            QVERIFY(goflow::sim::set_parameter(variant, "limiters[0].burst", point.values[1]).ok());
            const auto expected = goflow::sim::simulate(variant).summary;
            QCOMPARE(point.summary.completed, expected.completed);
            QCOMPARE(point.summary.rejected_by_limiter, expected.rejected_by_limiter);
        }
        // A bigger burst admits more, and more workers reject fewer at the queue.
        QVERIFY((*points)[2].summary.admitted >= (*points)[0].summary.admitted);
        QVERIFY((*points)[5].summary.rejected_by_queue <= (*points)[2].summary.rejected_by_queue);

        const QString table = goflow::app::formatSweep({workers, burst}, *points);
        QCOMPARE(table.count(QLatin1Char('\n')), 7);
        QVERIFY(table.startsWith(QLatin1String("pool.workers")));
    }

    void badValueFailsBeforeRunning() {
        const auto workers = *parseSweepAxis(QStringLiteral("pool.workers=1,0"));
        int calls = 0;
        auto points = goflow::app::runSweep(smallScenario(), {workers}, 1,
                                            [&](std::size_t, std::size_t) { ++calls; });
        QVERIFY(!points.ok());
        QVERIFY2(points.error().message.find("pool.workers must be between 1 and 100000, got 0") !=
                     std::string::npos,
                 points.error().message.c_str());
        QCOMPARE(calls, 0);
    }

    void sweepsWriterParameters() {
        const auto time = *parseSweepAxis(QStringLiteral("writer.write_time_ms=5,37.3,60"));
        auto points = goflow::app::runSweep(writerScenario(), {time}, 1);
        QVERIFY2(points.ok(), points.ok() ? "" : points.error().message.c_str());
        QCOMPARE(points->size(), std::size_t{3});
        QCOMPARE((*points)[0].summary.writer_records_dropped, std::uint64_t{0});
        QCOMPARE((*points)[1].summary.writer_records_dropped, std::uint64_t{3});
        QVERIFY((*points)[2].summary.writer_records_dropped > 3);

        const auto buffer = *parseSweepAxis(QStringLiteral("writer.buffer_bytes=300,0"));
        auto bad = goflow::app::runSweep(writerScenario(), {buffer}, 1);
        QVERIFY(!bad.ok());
        QVERIFY2(bad.error().message.find("writer.buffer_bytes must be between 1 and 100000000") !=
                     std::string::npos,
                 bad.error().message.c_str());
        const auto missing = *parseSweepAxis(QStringLiteral("writer.error_rate=0,0.5"));
        QVERIFY(!goflow::app::runSweep(smallScenario(), {missing}, 1).ok());
    }

    void tooManyCombinationsAreRejected() {
        const auto a = *parseSweepAxis(QStringLiteral("pool.workers=1..400"));
        const auto b = *parseSweepAxis(QStringLiteral("pool.queue_capacity=0..300"));
        auto points = goflow::app::runSweep(smallScenario(), {a, b}, 1);
        QVERIFY(!points.ok());
        QVERIFY(points.error().message.find("100000 combinations") != std::string::npos);
    }

    void summaryJsonHoldsTheCounts() {
        const auto summary = goflow::sim::simulate(smallScenario()).summary;
        const auto doc = QJsonDocument::fromJson(goflow::app::summaryToJson(summary).toUtf8());
        QVERIFY(doc.isObject());
        QCOMPARE(doc.object().value("offered").toInteger(), static_cast<qint64>(summary.offered));
        QCOMPARE(doc.object().value("completed").toInteger(),
                 static_cast<qint64>(summary.completed));
        QCOMPARE(doc.object().value("stations").toArray().size(), 1);
        QVERIFY(!doc.object().contains("writer"));
    }

    void summaryJsonHoldsTheWriter() {
        const auto summary = goflow::sim::simulate(writerScenario()).summary;
        const auto doc = QJsonDocument::fromJson(goflow::app::summaryToJson(summary).toUtf8());
        const QJsonObject writer = doc.object().value("writer").toObject();
        QCOMPARE(writer.value("records_written").toInteger(), 17);
        QCOMPARE(writer.value("bytes_written").toInteger(), 1700);
        QCOMPARE(writer.value("records_dropped").toInteger(), 3);
        QCOMPARE(writer.value("flushes").toInteger(), 6);
        QCOMPARE(writer.value("sink_errors").toInteger(), 0);
        QCOMPARE(writer.value("max_buffered_bytes").toInteger(), 600);
        QCOMPARE(writer.value("mean_flush_ms").toDouble(), 37.3);
    }
};

QTEST_GUILESS_MAIN(TestSweep)
#include "tst_sweep.moc"
