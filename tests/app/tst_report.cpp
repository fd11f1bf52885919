#include <QTemporaryDir>
#include <QtTest>

#include "report.h"
#include "writer_scenario.h"

using namespace std::chrono_literals;

namespace {

goflow::sim::Scenario smallScenario() {
    auto s = goflow::sim::load_scenario(R"({
        "version": 1, "name": "report test",
        "load": {"arrivals": "even", "phases": [{"rate": 40, "duration_s": 10}]},
        "limiters": [{"type": "token_bucket", "rate": 10, "burst": 10}],
        "pool": {"workers": 100, "service_time": {"distribution": "constant", "mean_ms": 1}}})");
    if (!s) {
        qFatal("%s", s.error().message.c_str());
    }
    return *s;
}

}  // namespace

class TestReport : public QObject {
    Q_OBJECT

  private slots:
    void summaryShowsTheCounts() {
        const auto s = smallScenario();
        const auto result = goflow::sim::simulate(s);
        const QString text = goflow::app::formatSummary(s, result.summary);
        QVERIFY2(text.contains(QRegularExpression("Requests offered\\s+400\\n")), qPrintable(text));
        QVERIFY2(text.contains(QRegularExpression("Attempts admitted\\s+109 ")), qPrintable(text));
        QVERIFY2(text.contains(QRegularExpression("Rejected by limiter\\s+291 ")),
                 qPrintable(text));
        QVERIFY(text.contains(QLatin1String("Latency p50 / p95 / p99")));
    }

    void csvHasOneRowPerSample() {
        const auto result = goflow::sim::simulate(smallScenario());
        const QString csv = goflow::app::samplesToCsv(result.samples);
        const QStringList lines = csv.split('\n', Qt::SkipEmptyParts);
        QCOMPARE(static_cast<std::size_t>(lines.size()), result.samples.size() + 1);
        QVERIFY(lines.front().startsWith(QLatin1String("time_s,tokens,queue_depth")));
        QCOMPARE(lines.at(1).split(',').size(), lines.front().split(',').size());
        QVERIFY(lines.at(1).startsWith(QLatin1String("0.100,")));
    }

    void summaryShowsTheWriter() {
        const auto s = writerScenario();
        const QString text = goflow::app::formatSummary(s, goflow::sim::simulate(s).summary);
        QVERIFY2(text.contains(QLatin1String("Writer log (fail when full, 300 byte buffer)")),
                 qPrintable(text));
        QVERIFY2(text.contains(QRegularExpression("Records written\\s+17 \\(1700 bytes\\)")),
                 qPrintable(text));
        QVERIFY2(text.contains(QRegularExpression("Records dropped \\(full\\)\\s+3\\n")),
                 qPrintable(text));
        QVERIFY2(text.contains(QRegularExpression("Flushes / mean flush time\\s+6 / 37.3 ms")),
                 qPrintable(text));
        QVERIFY2(text.contains(QRegularExpression("Max buffered\\s+600 bytes")), qPrintable(text));
        const QString without = goflow::app::formatSummary(
            smallScenario(), goflow::sim::simulate(smallScenario()).summary);
        QVERIFY(!without.contains(QLatin1String("Writer")));
    }

    void csvCarriesWriterColumns() {
        const auto result = goflow::sim::simulate(writerScenario());
        const QString csv = goflow::app::samplesToCsv(result.samples, true);
        const QStringList lines = csv.split('\n', Qt::SkipEmptyParts);
        QCOMPARE(static_cast<std::size_t>(lines.size()), result.samples.size() + 1);
        QVERIFY2(lines.front().endsWith(
                     QLatin1String(",writer_buffered_bytes,writer_flushes,writer_dropped")),
                 qPrintable(lines.front()));
        int dropped = 0;
        int flushes = 0;
        for (qsizetype i = 1; i < lines.size(); ++i) {
            const QStringList cells = lines.at(i).split(',');
            QCOMPARE(cells.size(), lines.front().split(',').size());
            flushes += cells.at(cells.size() - 2).toInt();
            dropped += cells.back().toInt();
        }
        QCOMPARE(dropped, 3);
        QCOMPARE(flushes, 6);
        QVERIFY(!goflow::app::samplesToCsv(result.samples).contains(QLatin1String("writer")));
    }

    void unwritablePathIsReported() {
        const QString problem = goflow::app::writeTextFile(QStringLiteral("/nonexistent/dir/x.csv"),
                                                           QStringLiteral("a"));
        QVERIFY(problem.contains(QLatin1String("/nonexistent/dir/x.csv")));
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("ok.csv"));
        QVERIFY(goflow::app::writeTextFile(path, QStringLiteral("a,b\n")).isEmpty());
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QCOMPARE(file.readAll(), QByteArray("a,b\n"));
    }
};

QTEST_GUILESS_MAIN(TestReport)
#include "tst_report.moc"
