#include <QTemporaryDir>
#include <QtTest>

#include "report.h"

using namespace std::chrono_literals;

namespace {

goflow::sim::Scenario smallScenario() {
    goflow::sim::Scenario s;
    s.name = "report test";
    s.load.arrivals = goflow::sim::ArrivalProcess::even;
    s.load.phases.push_back({"only", 40, 10s});
    s.token_bucket = goflow::sim::TokenBucketConfig{10, 10};
    s.pool.workers = 100;
    s.pool.service_time = {goflow::sim::ServiceDistribution::constant, 1ms, {}, {}};
    return s;
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
        QVERIFY2(text.contains(QRegularExpression("Admitted\\s+109 ")), qPrintable(text));
        QVERIFY2(text.contains(QRegularExpression("Rejected by limiter\\s+291 ")), qPrintable(text));
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
