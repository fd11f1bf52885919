#include <QtTest>

#include <filesystem>

#include "goflow/sim/scenario.hpp"

using goflow::sim::load_scenario;
using goflow::sim::Scenario;

namespace {

// A valid scenario with one placeholder, "%1", that each test replaces.
const char* const kTemplate = R"({
  "version": 1,
  "name": "t",
  "load": {"arrivals": "even", "phases": [{"rate": 10, "duration_s": 1}]},
  "limiters": [{"type": "token_bucket", "rate": 5, "burst": 2}],
  "pool": {"workers": 2, "queue_capacity": 4,
           "service_time": {"distribution": "constant", "mean_ms": 10}}%1
})";

std::string with_extra(const QString& extra) {
    return QString::fromUtf8(kTemplate).arg(extra).toStdString();
}

std::string replaced(const QString& from, const QString& to) {
    return QString::fromUtf8(kTemplate).arg("").replace(from, to).toStdString();
}

}  // namespace

class TestScenario : public QObject {
    Q_OBJECT

private slots:
    void validScenarioLoads() {
        auto s = load_scenario(with_extra(""));
        QVERIFY2(s.ok(), s.ok() ? "" : s.error().message.c_str());
        QCOMPARE(s->pool.workers, 2);
        QCOMPARE(s->pool.queue_capacity, 4);
        QVERIFY(s->token_bucket.has_value());
        QCOMPARE(s->token_bucket->burst, std::int64_t{2});
        QCOMPARE(s->load.phases.size(), std::size_t{1});
        QCOMPARE(s->load_duration(), goflow::Duration(std::chrono::seconds(1)));
        QCOMPARE(s->sample_interval, goflow::Duration(std::chrono::milliseconds(100)));
    }

    void roundTripsThroughJson() {
        auto s = load_scenario(with_extra(""));
        QVERIFY(s.ok());
        auto again = load_scenario(goflow::sim::to_json(*s));
        QVERIFY2(again.ok(), again.ok() ? "" : again.error().message.c_str());
        QCOMPARE(goflow::sim::to_json(*again), goflow::sim::to_json(*s));
    }

    void malformedJsonReportsPosition() {
        auto s = load_scenario("{\n  \"version\": 1,\n  \"name\": \"x\"\n  \"pool\": {}\n}");
        QVERIFY(!s.ok());
        QVERIFY2(s.error().message.starts_with("line 4, column 3:"), s.error().message.c_str());
    }

    void invalidFieldsAreNamed_data() {
        QTest::addColumn<QString>("from");
        QTest::addColumn<QString>("to");
        QTest::addColumn<QString>("expected");
        QTest::newRow("zero workers") << "\"workers\": 2" << "\"workers\": 0"
                                      << "pool.workers must be between 1 and 100000, got 0";
        QTest::newRow("fractional workers") << "\"workers\": 2" << "\"workers\": 2.5"
                                            << "pool.workers must be a whole number, got 2.5";
        QTest::newRow("negative rate") << "\"rate\": 10" << "\"rate\": -5"
                                       << "load.phases[0].rate must be between 0 and 1e7";
        QTest::newRow("negative limiter rate") << "\"rate\": 5" << "\"rate\": -1"
                                               << "limiters[0].rate must be between 0 and 1e7";
        QTest::newRow("negative capacity") << "\"queue_capacity\": 4" << "\"queue_capacity\": -1"
                                           << "pool.queue_capacity must be between 0 and";
        QTest::newRow("workers as text") << "\"workers\": 2" << "\"workers\": \"2\""
                                         << "pool.workers must be a number, got string";
        QTest::newRow("unknown distribution") << "\"constant\"" << "\"normal\""
                                              << "pool.service_time.distribution must be one of";
        QTest::newRow("unknown limiter") << "\"token_bucket\"" << "\"leaky\""
                                         << "limiters[0].type must be \"token_bucket\"";
        QTest::newRow("wrong version") << "\"version\": 1" << "\"version\": 2"
                                       << "version 2 is not supported";
        QTest::newRow("missing pool workers") << "\"workers\": 2," << ""
                                              << "missing required field pool.workers";
        QTest::newRow("zero duration") << "\"duration_s\": 1" << "\"duration_s\": 0"
                                       << "load.phases[0].duration_s must be positive";
    }

    void invalidFieldsAreNamed() {
        QFETCH(QString, from);
        QFETCH(QString, to);
        QFETCH(QString, expected);
        auto s = load_scenario(replaced(from, to));
        QVERIFY(!s.ok());
        QVERIFY2(QString::fromStdString(s.error().message).contains(expected),
                 s.error().message.c_str());
        QVERIFY2(s.error().message.starts_with("line "), s.error().message.c_str());
    }

    void unknownFieldIsRejectedByName() {
        auto s = load_scenario(with_extra(",\n  \"wokers\": 3"));
        QVERIFY(!s.ok());
        QVERIFY2(s.error().message.find("unknown field wokers") != std::string::npos,
                 s.error().message.c_str());
        auto nested = load_scenario(replaced("\"queue_capacity\"", "\"queue_capacty\""));
        QVERIFY(!nested.ok());
        QVERIFY2(nested.error().message.find(
                     "unknown field pool.queue_capacty; did you mean pool.queue_capacity?") !=
                     std::string::npos,
                 nested.error().message.c_str());
    }

    void oversizedRunIsRefused() {
        auto s = load_scenario(replaced("\"duration_s\": 1", "\"duration_s\": 700000"));
        QVERIFY(!s.ok());
        QVERIFY2(s.error().message.find("at most one week") != std::string::npos,
                 s.error().message.c_str());
        QString many_samples = QString::fromUtf8(kTemplate)
                                   .arg(",\n  \"sample_interval_ms\": 1")
                                   .replace("\"duration_s\": 1", "\"duration_s\": 259200");
        auto samples = load_scenario(many_samples.toStdString());
        QVERIFY(!samples.ok());
        QVERIFY2(samples.error().message.find("more than 2000000 samples") != std::string::npos,
                 samples.error().message.c_str());
    }

    void missingFileIsAnIoError() {
        auto s = goflow::sim::load_scenario_file("/nonexistent/scenario.json");
        QVERIFY(!s.ok());
        QCOMPARE(s.error().code, make_error_code(goflow::errc::io_error));
    }

    void shippedScenariosLoad() {
        int count = 0;
        for (const auto& entry : std::filesystem::directory_iterator(GOFLOW_SCENARIO_DIR)) {
            if (entry.path().extension() != ".json" ||
                entry.path().filename().string().ends_with(".schema.json")) {
                continue;
            }
            auto s = goflow::sim::load_scenario_file(entry.path().string());
            QVERIFY2(s.ok(), qPrintable(QString::fromStdString(entry.path().string() + ": " +
                                                               (s.ok() ? "" : s.error().message))));
            QVERIFY(!s->description.empty());
            ++count;
        }
        QVERIFY(count >= 2);
    }

    void defaultScenarioMatchesItsDescription() {
        auto s = goflow::sim::load_scenario_file(GOFLOW_SCENARIO_DIR "/api-burst.json");
        QVERIFY(s.ok());
        QCOMPARE(s->token_bucket->rate, 100.0);
        QCOMPARE(s->token_bucket->burst, std::int64_t{200});
        QCOMPARE(s->pool.workers, 8);
        QCOMPARE(s->pool.queue_capacity, 64);
        QCOMPARE(s->pool.service_time.mean, goflow::Duration(std::chrono::milliseconds(50)));
        QCOMPARE(s->load.phases.size(), std::size_t{3});
        QCOMPARE(s->load.phases[1].rate, 400.0);
        QCOMPARE(s->load_duration(), goflow::Duration(std::chrono::seconds(30)));
    }
};

QTEST_GUILESS_MAIN(TestScenario)
#include "tst_scenario.moc"
