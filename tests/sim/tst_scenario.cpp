#include <QtTest>

#include <cmath>
#include <filesystem>

#include "goflow/sim/json.hpp"
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
        QCOMPARE(s->pool.servers, 2);
        QCOMPARE(s->pool.queue_capacity, 4);
        QVERIFY(s->first_token_bucket() != nullptr);
        QCOMPARE(s->first_token_bucket()->burst, std::int64_t{2});
        QCOMPARE(s->classes.size(), std::size_t{1});
        QCOMPARE(s->classes[0].load.phases.size(), std::size_t{1});
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
        QTest::newRow("zero workers") << "\"workers\": 2"
                                      << "\"workers\": 0"
                                      << "pool.workers must be between 1 and 100000, got 0";
        QTest::newRow("fractional workers") << "\"workers\": 2"
                                            << "\"workers\": 2.5"
                                            << "pool.workers must be a whole number, got 2.5";
        QTest::newRow("negative rate") << "\"rate\": 10"
                                       << "\"rate\": -5"
                                       << "load.phases[0].rate must be between 0 and 1e7";
        QTest::newRow("negative limiter rate") << "\"rate\": 5"
                                               << "\"rate\": -1"
                                               << "limiters[0].rate must be between 0 and 1e7";
        QTest::newRow("negative capacity") << "\"queue_capacity\": 4"
                                           << "\"queue_capacity\": -1"
                                           << "pool.queue_capacity must be between 0 and";
        QTest::newRow("workers as text") << "\"workers\": 2"
                                         << "\"workers\": \"2\""
                                         << "pool.workers must be a number, got string";
        QTest::newRow("unknown distribution") << "\"constant\""
                                              << "\"normal\""
                                              << "pool.service_time.distribution must be one of";
        QTest::newRow("unknown limiter")
            << "\"token_bucket\""
            << "\"leaky\""
            << "limiters[0].type must be one of token_bucket, leaky_bucket, concurrency";
        QTest::newRow("wrong version") << "\"version\": 1"
                                       << "\"version\": 2"
                                       << "version 2 is not supported";
        QTest::newRow("missing pool workers") << "\"workers\": 2,"
                                              << ""
                                              << "missing required field pool.workers";
        QTest::newRow("burst on concurrency limiter")
            << "\"type\": \"token_bucket\", \"rate\": 5, \"burst\": 2"
            << "\"type\": \"concurrency\", \"limit\": 2, \"burst\": 2"
            << "limiters[0].burst does not apply to a concurrency limiter";
        QTest::newRow("error rate above one") << "\"queue_capacity\": 4"
                                              << "\"queue_capacity\": 4, \"error_rate\": 1.5"
                                              << "pool.error_rate must be between 0 and 1, got 1.5";
        QTest::newRow("block timeout without block")
            << "\"queue_capacity\": 4"
            << "\"queue_capacity\": 4, \"block_timeout_ms\": 5"
            << "pool.block_timeout_ms needs pool.full_policy";
        QTest::newRow("zero duration") << "\"duration_s\": 1"
                                       << "\"duration_s\": 0"
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

    void oversizedRunIsRejected() {
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

    void fullTopologyLoads() {
        auto s = load_scenario(R"({
          "version": 1, "name": "full",
          "classes": [
            {"name": "a", "load": {"phases": [{"from": 0, "to": 50, "duration_s": 10},
                                              {"mean": 20, "amplitude": 10, "period_s": 5, "duration_s": 10}]},
             "limiters": [{"type": "leaky_bucket", "rate": 10, "slack": 2}],
             "client": {"timeout_ms": 500, "retries": 2, "backoff_ms": 50, "jitter": 0.2}},
            {"name": "b", "load": {"model": "closed", "clients": 5, "duration_s": 30,
                                   "think_time": {"distribution": "lognormal", "median_ms": 100, "sigma": 0.5}},
             "limiters": [{"type": "concurrency", "limit": 3}]}
          ],
          "pool": {"workers": 4, "queue_capacity": 8, "full_policy": "block", "block_timeout_ms": 100,
                   "task_timeout_ms": 900,
                   "service_time": {"distribution": "pareto", "scale_ms": 5, "alpha": 2.5}},
          "stages": [{"name": "parse", "concurrency": 2, "queue_capacity": 4, "error_rate": 0.01,
                      "service_time": {"distribution": "uniform", "min_ms": 1, "max_ms": 3}}],
          "changes": [{"at_s": 5, "set": "pool.workers", "value": 8},
                      {"at_s": 6, "set": "classes[1].limiters[0].limit", "value": 6}]
        })");
        QVERIFY2(s.ok(), s.ok() ? "" : s.error().message.c_str());
        QCOMPARE(s->classes.size(), std::size_t{2});
        QCOMPARE(s->classes[0].load.phases[0].shape, goflow::sim::LoadPhase::Shape::ramp);
        QCOMPARE(s->classes[0].load.phases[1].shape, goflow::sim::LoadPhase::Shape::sine);
        QCOMPARE(s->classes[1].load.model, goflow::sim::LoadConfig::Model::closed);
        QCOMPARE(s->classes[0].client.max_retries, 2);
        QCOMPARE(s->stages.size(), std::size_t{1});
        QCOMPARE(s->changes.size(), std::size_t{2});
        QCOMPARE(s->load_duration(), goflow::Duration(std::chrono::seconds(30)));
        // Pareto with alpha 2.5 and scale 5 ms has mean 5 * 2.5 / 1.5 ms.
        QVERIFY(
            std::abs(std::chrono::duration<double, std::milli>(s->pool.service_time.mean).count() -
                     25.0 / 3) < 1e-6);
        auto again = load_scenario(goflow::sim::to_json(*s));
        QVERIFY2(again.ok(), again.ok() ? "" : again.error().message.c_str());
        QCOMPARE(goflow::sim::to_json(*again), goflow::sim::to_json(*s));
    }

    void invalidChangeIsRejected() {
        auto s = load_scenario(with_extra(R"(,
  "changes": [{"at_s": 1, "set": "pool.wrokers", "value": 3}])"));
        QVERIFY(!s.ok());
        QVERIFY2(s.error().message.find("changes[0]: unknown parameter pool.wrokers") !=
                     std::string::npos,
                 s.error().message.c_str());
    }

    void setParameterChecksRange() {
        auto s = load_scenario(with_extra(""));
        QVERIFY(s.ok());
        QVERIFY(goflow::sim::set_parameter(*s, "pool.workers", 16).ok());
        QCOMPARE(s->pool.servers, 16);
        QVERIFY(goflow::sim::set_parameter(*s, "limiters[0].burst", 50).ok());
        QCOMPARE(s->first_token_bucket()->burst, std::int64_t{50});
        auto bad = goflow::sim::set_parameter(*s, "pool.workers", 0);
        QVERIFY(!bad.ok());
        QVERIFY2(bad.error().message.find("pool.workers must be between 1 and 100000, got 0") !=
                     std::string::npos,
                 bad.error().message.c_str());
        QVERIFY(!goflow::sim::set_parameter(*s, "limiters[3].rate", 1).ok());
        QVERIFY(!goflow::sim::set_parameter(*s, "pool.workers", std::nan("")).ok());
        QCOMPARE(s->pool.servers, 16);
    }

    void traceFileIsReplayed() {
        QTemporaryDir dir;
        QFile csv(dir.filePath("times.csv"));
        QVERIFY(csv.open(QIODevice::WriteOnly));
        csv.write("time_s\n100.5\n100.0\n101.25\n");
        csv.close();
        QFile log(dir.filePath("access.log"));
        QVERIFY(log.open(QIODevice::WriteOnly));
        log.write(
            "127.0.0.1 - - [10/Oct/2000:13:55:36 -0700] \"GET / HTTP/1.0\" 200 2326\n"
            "127.0.0.1 - - [10/Oct/2000:13:55:38 -0700] \"GET /a HTTP/1.0\" 200 10\n");
        log.close();
        const std::string base = dir.path().toStdString();
        auto s = load_scenario(
            replaced(R"("arrivals": "even", "phases": [{"rate": 10, "duration_s": 1}])",
                     R"("trace": {"file": "times.csv"})"),
            base);
        QVERIFY2(s.ok(), s.ok() ? "" : s.error().message.c_str());
        const auto& trace = s->classes[0].load.trace;
        QCOMPARE(trace.size(), std::size_t{3});
        QCOMPARE(trace[1], goflow::Duration(std::chrono::milliseconds(500)));
        QCOMPARE(trace[2], goflow::Duration(std::chrono::milliseconds(1250)));
        auto a = load_scenario(
            replaced(R"("arrivals": "even", "phases": [{"rate": 10, "duration_s": 1}])",
                     R"("trace": {"file": "access.log", "format": "access_log"})"),
            base);
        QVERIFY2(a.ok(), a.ok() ? "" : a.error().message.c_str());
        QCOMPARE(a->classes[0].load.trace.back(), goflow::Duration(std::chrono::seconds(2)));
        auto missing = load_scenario(
            replaced(R"("arrivals": "even", "phases": [{"rate": 10, "duration_s": 1}])",
                     R"("trace": {"file": "nope.csv"})"),
            base);
        QVERIFY(!missing.ok());
        QVERIFY2(missing.error().message.find("load.trace.file: cannot open trace file") !=
                     std::string::npos,
                 missing.error().message.c_str());
    }

    // For each object kind, an unknown member makes the reader list its valid fields. That list
    // must equal the properties the JSON Schema declares for the same object.
    void schemaAgreesWithReader_data() {
        QTest::addColumn<QString>("marker");
        QTest::addColumn<QString>("definition");
        QTest::newRow("root") << "ROOT"
                              << "";
        QTest::newRow("class") << "CLASS"
                               << "class";
        QTest::newRow("load") << "LOAD"
                              << "load";
        QTest::newRow("phase") << "PHASE"
                               << "phase";
        QTest::newRow("limiter") << "LIMITER"
                                 << "limiter";
        QTest::newRow("client") << "CLIENT"
                                << "client";
        QTest::newRow("pool") << "POOL"
                              << "pool";
        QTest::newRow("stage") << "STAGE"
                               << "stage";
        QTest::newRow("distribution") << "DIST"
                                      << "distribution";
        QTest::newRow("change") << "CHANGE"
                                << "change";
        QTest::newRow("writer") << "WRITER"
                                << "writer";
        QTest::newRow("record sizes") << "SIZES"
                                      << "record_bytes";
    }

    void schemaAgreesWithReader() {
        QFETCH(QString, marker);
        QFETCH(QString, definition);
        QString text = QStringLiteral(R"({ROOT "version": 1,
          "classes": [{CLASS "name": "a",
            "load": {LOAD "phases": [{PHASE "rate": 1, "duration_s": 1}]},
            "limiters": [{LIMITER "type": "concurrency", "limit": 1}],
            "client": {CLIENT "retries": 1}}],
          "pool": {POOL "workers": 1, "service_time": {DIST "mean_ms": 1}},
          "stages": [{STAGE "concurrency": 1, "service_time": {"mean_ms": 1}}],
          "writer": {WRITER "record_bytes": {SIZES "min": 1, "max": 2},
                     "write_time": {"mean_ms": 1}},
          "changes": [{CHANGE "at_s": 1, "set": "pool.workers", "value": 2}]})");
        for (const char* m : {"ROOT", "CLASS", "LOAD", "PHASE", "LIMITER", "CLIENT", "POOL",
                              "STAGE", "DIST", "CHANGE", "WRITER", "SIZES"}) {
            text.replace(QLatin1String(m),
                         QLatin1String(m) == marker ? "\"qqqqqqqqqqqqqqqqqq\": 0," : "");
        }
        auto scenario = load_scenario(text.toStdString());
        QVERIFY(!scenario.ok());
        const QString message = QString::fromStdString(scenario.error().message);
        const QString prefix = QStringLiteral("valid fields are ");
        QVERIFY2(message.contains(prefix), qPrintable(message));
        QStringList readerFields = message.mid(message.indexOf(prefix) + prefix.size()).split(' ');
        readerFields.sort();

        QFile file(QStringLiteral(GOFLOW_SCENARIO_DIR "/scenario.schema.json"));
        QVERIFY(file.open(QIODevice::ReadOnly));
        const auto schema = goflow::sim::json::parse(file.readAll().toStdString());
        const auto* object =
            definition.isEmpty() ? &schema : schema.find("$defs")->find(definition.toStdString());
        QVERIFY(object != nullptr);
        QStringList schemaFields;
        for (const auto& [name, value] : object->find("properties")->as_object()) {
            schemaFields.append(QString::fromStdString(name));
        }
        schemaFields.sort();
        QCOMPARE(readerFields, schemaFields);
    }

    void writerLoadsWithDefaults() {
        auto s = load_scenario(with_extra(R"(,
  "writer": {"write_time": {"distribution": "constant", "mean_ms": 4}})"));
        QVERIFY2(s.ok(), s.ok() ? "" : s.error().message.c_str());
        QVERIFY(s->writer.has_value());
        const auto& w = *s->writer;
        QCOMPARE(w.name, std::string("writer"));
        QCOMPARE(w.buffer_bytes, std::int64_t{65536});
        QCOMPARE(w.flush_interval, goflow::Duration(std::chrono::milliseconds(100)));
        QVERIFY(w.full_policy == goflow::sim::WriterConfig::FullPolicy::block);
        QCOMPARE(w.record_bytes_min, std::int64_t{100});
        QCOMPARE(w.record_bytes_max, std::int64_t{100});
        QCOMPARE(w.write_time.mean, goflow::Duration(std::chrono::milliseconds(4)));
        QCOMPARE(w.max_retries, 2);
        QCOMPARE(w.retry_backoff, goflow::Duration(std::chrono::milliseconds(10)));
        QVERIFY(!load_scenario(with_extra("")).value().writer.has_value());
    }

    void writerFieldsAreValidated_data() {
        QTest::addColumn<QString>("writer");
        QTest::addColumn<QString>("expected");
        const QString time = QStringLiteral(R"("write_time": {"mean_ms": 1})");
        QTest::newRow("misspelled field")
            << QStringLiteral(R"({"bufer_bytes": 10, %1})").arg(time)
            << "unknown field writer.bufer_bytes; did you mean writer.buffer_bytes?";
        QTest::newRow("zero buffer") << QStringLiteral(R"({"buffer_bytes": 0, %1})").arg(time)
                                     << "writer.buffer_bytes must be between 1 and 100000000 "
                                        "bytes, got 0";
        QTest::newRow("fractional buffer")
            << QStringLiteral(R"({"buffer_bytes": 10.5, %1})").arg(time)
            << "writer.buffer_bytes must be a whole number, got 10.5";
        QTest::newRow("unknown policy")
            << QStringLiteral(R"({"full_policy": "reject", %1})").arg(time)
            << "writer.full_policy must be one of block, fail, got \"reject\"";
        QTest::newRow("zero interval")
            << QStringLiteral(R"({"flush_interval_ms": 0, %1})").arg(time)
            << "writer.flush_interval_ms must be between 0.001 and 3600000 ms, got 0";
        QTest::newRow("zero record") << QStringLiteral(R"({"record_bytes": 0, %1})").arg(time)
                                     << "writer.record_bytes must be between 1 and 16777216 "
                                        "bytes, got 0";
        QTest::newRow("record range reversed")
            << QStringLiteral(R"({"record_bytes": {"min": 10, "max": 5}, %1})").arg(time)
            << "writer.record_bytes.max must be at least min and at most 16777216 bytes, got 5";
        QTest::newRow("record range misspelled")
            << QStringLiteral(R"({"record_bytes": {"min": 10, "maxx": 20}, %1})").arg(time)
            << "unknown field writer.record_bytes.maxx; did you mean writer.record_bytes.max?";
        QTest::newRow("missing write time") << QStringLiteral(R"({"buffer_bytes": 10})")
                                            << "missing required field "
                                               "writer.write_time";
        QTest::newRow("negative write time")
            << QStringLiteral(R"({"write_time": {"mean_ms": -1}})")
            << "writer.write_time.mean_ms must be between 0 and 3600000 ms, got -1";
        QTest::newRow("error rate above one")
            << QStringLiteral(R"({"error_rate": 1.5, %1})").arg(time)
            << "writer.error_rate must be between 0 and 1, got 1.5";
        QTest::newRow("negative retries") << QStringLiteral(R"({"max_retries": -1, %1})").arg(time)
                                          << "writer.max_retries must be between 0 and 100, got -1";
        QTest::newRow("negative time per KiB")
            << QStringLiteral(R"({"write_ms_per_kib": -2, %1})").arg(time)
            << "writer.write_ms_per_kib must be between 0 and 10000 ms, got -2";
        QTest::newRow("not an object")
            << QStringLiteral("12") << "writer must be an object, got number";
    }

    void writerFieldsAreValidated() {
        QFETCH(QString, writer);
        QFETCH(QString, expected);
        auto s = load_scenario(with_extra(",\n  \"writer\": " + writer));
        QVERIFY(!s.ok());
        QVERIFY2(QString::fromStdString(s.error().message).contains(expected),
                 s.error().message.c_str());
        QVERIFY2(s.error().message.starts_with("line "), s.error().message.c_str());
    }

    void writerRoundTripsThroughJson() {
        auto s = load_scenario(with_extra(R"(,
  "writer": {"name": "log", "buffer_bytes": 4096, "flush_interval_ms": 25,
             "full_policy": "fail", "record_bytes": {"min": 50, "max": 150},
             "write_time": {"distribution": "uniform", "min_ms": 1, "max_ms": 3},
             "write_ms_per_kib": 0.5, "error_rate": 0.01, "max_retries": 4,
             "retry_backoff_ms": 7},
  "changes": [{"at_s": 0.5, "set": "writer.write_ms_per_kib", "value": 2}],
  "look_for": ["Watch the writer chart.", )"
                                          "\"Second \\\"note\\\".\"]"));
        QVERIFY2(s.ok(), s.ok() ? "" : s.error().message.c_str());
        const std::string json = goflow::sim::to_json(*s);
        auto again = load_scenario(json);
        QVERIFY2(again.ok(), again.ok() ? "" : again.error().message.c_str());
        QCOMPARE(goflow::sim::to_json(*again), json);
        QVERIFY(again->writer.has_value());
        const auto& w = *again->writer;
        QCOMPARE(w.name, std::string("log"));
        QCOMPARE(w.buffer_bytes, std::int64_t{4096});
        QVERIFY(w.full_policy == goflow::sim::WriterConfig::FullPolicy::fail);
        QCOMPARE(w.record_bytes_min, std::int64_t{50});
        QCOMPARE(w.record_bytes_max, std::int64_t{150});
        QCOMPARE(w.write_ms_per_kib, 0.5);
        QCOMPARE(w.error_rate, 0.01);
        QCOMPARE(w.max_retries, 4);
        QCOMPARE(w.retry_backoff, goflow::Duration(std::chrono::milliseconds(7)));
        QCOMPARE(again->look_for.size(), std::size_t{2});
        QCOMPARE(again->look_for[1], std::string("Second \"note\"."));
    }

    void lookForIsValidated() {
        auto number = load_scenario(with_extra(",\n  \"look_for\": [\"fine\", 3]"));
        QVERIFY(!number.ok());
        QVERIFY2(number.error().message.find("look_for[1] must be a string, got number") !=
                     std::string::npos,
                 number.error().message.c_str());
        auto empty = load_scenario(with_extra(",\n  \"look_for\": [\"\"]"));
        QVERIFY(!empty.ok());
        QVERIFY2(empty.error().message.find("look_for[0] must not be empty") != std::string::npos,
                 empty.error().message.c_str());
        auto text = load_scenario(with_extra(",\n  \"look_for\": \"one note\""));
        QVERIFY(!text.ok());
        QVERIFY2(
            text.error().message.find("look_for must be an array of strings") != std::string::npos,
            text.error().message.c_str());
    }

    void writerParametersCanBeSet() {
        auto s = load_scenario(with_extra(R"(,
  "writer": {"write_time": {"distribution": "constant", "mean_ms": 4}})"));
        QVERIFY(s.ok());
        Scenario scenario = *s;
        QVERIFY(goflow::sim::set_parameter(scenario, "writer.write_time_ms", 9).ok());
        QCOMPARE(scenario.writer->write_time.mean, goflow::Duration(std::chrono::milliseconds(9)));
        QVERIFY(goflow::sim::set_parameter(scenario, "writer.buffer_bytes", 1000).ok());
        QCOMPARE(scenario.writer->buffer_bytes, std::int64_t{1000});
        QVERIFY(goflow::sim::set_parameter(scenario, "writer.flush_interval_ms", 20).ok());
        QCOMPARE(scenario.writer->flush_interval, goflow::Duration(std::chrono::milliseconds(20)));
        QVERIFY(goflow::sim::set_parameter(scenario, "writer.error_rate", 0.25).ok());
        QCOMPARE(scenario.writer->error_rate, 0.25);

        const auto zero = goflow::sim::set_parameter(scenario, "writer.buffer_bytes", 0);
        QVERIFY(!zero.ok());
        QVERIFY2(zero.error().message.find("writer.buffer_bytes must be between 1 and 100000000") !=
                     std::string::npos,
                 zero.error().message.c_str());
        const auto unknown = goflow::sim::set_parameter(scenario, "writer.bufer_bytes", 10);
        QVERIFY(!unknown.ok());
        QVERIFY2(unknown.error().message.find("unknown parameter writer.bufer_bytes") !=
                     std::string::npos,
                 unknown.error().message.c_str());

        Scenario without = load_scenario(with_extra("")).value();
        const auto missing = goflow::sim::set_parameter(without, "writer.error_rate", 0.1);
        QVERIFY(!missing.ok());
        QVERIFY2(missing.error().message.find("the scenario has no writer") != std::string::npos,
                 missing.error().message.c_str());
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
            QVERIFY2(s->look_for.size() >= 2 && s->look_for.size() <= 4,
                     qPrintable(QString::fromStdString(entry.path().string())));
            ++count;
        }
        QVERIFY(count >= 2);
    }

    void defaultScenarioMatchesItsDescription() {
        auto s = goflow::sim::load_scenario_file(GOFLOW_SCENARIO_DIR "/api-burst.json");
        QVERIFY(s.ok());
        QCOMPARE(s->first_token_bucket()->rate, 100.0);
        QCOMPARE(s->first_token_bucket()->burst, std::int64_t{200});
        QCOMPARE(s->pool.servers, 8);
        QCOMPARE(s->pool.queue_capacity, 64);
        QCOMPARE(s->pool.service_time.mean, goflow::Duration(std::chrono::milliseconds(50)));
        QCOMPARE(s->classes[0].load.phases.size(), std::size_t{3});
        QCOMPARE(s->classes[0].load.phases[1].rate, 400.0);
        QCOMPARE(s->load_duration(), goflow::Duration(std::chrono::seconds(30)));
    }
};

QTEST_GUILESS_MAIN(TestScenario)
#include "tst_scenario.moc"
