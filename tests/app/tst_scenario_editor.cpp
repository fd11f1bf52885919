// Tests of the design page's C++ side: ScenarioDocument (open, edit, save, recent files),
// TopologyModel and ParameterModel under QAbstractItemModelTester, and the load preview's rates.

#include <QAbstractItemModelTester>
#include <QFile>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtCharts/QLineSeries>
#include <QtTest>

#include <cmath>
#include <memory>
#include <set>

#include "load_preview.h"
#include "parameter_model.h"
#include "run_history.h"
#include "scenario_document.h"
#include "studio_controller.h"
#include "topology_model.h"

namespace {

using Mode = QAbstractItemModelTester::FailureReportingMode;
using goflow::sim::LoadConfig;
using goflow::sim::LoadPhase;

const QString kScenarioDir = QStringLiteral(GOFLOW_SOURCE_SCENARIO_DIR);

QString scenarioFile(const char* name) {
    return kScenarioDir + QLatin1Char('/') + QLatin1String(name);
}

bool writeFile(const QString& path, const QByteArray& text) {
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(text) == text.size();
}

QString valueOf(const ParameterModel& model, int row) {
    return model.data(model.index(row), ParameterModel::ValueRole).toString();
}

QString errorOf(const ParameterModel& model, int row) {
    return model.data(model.index(row), ParameterModel::ErrorRole).toString();
}

// Returns a value in the row's range that differs from the current one, or an empty string when
// the row has no other valid value that does not depend on other fields.
QString otherValidValue(const ParameterModel::Row& row, const QString& current) {
    if (row.kind == ParameterModel::Kind::Text) {
        return row.key == QLatin1String("load.stages") ? QStringLiteral("120:5, 40:10")
                                                       : QStringLiteral("edited text");
    }
    bool ok = false;
    const double now = current.toDouble(&ok);
    double candidate = 0;
    if (!ok) {
        candidate = std::min(250.0, row.maximum);  // an empty optional field
    } else if (now != 0) {
        candidate = now * 1.5 <= row.maximum ? now * 1.5 : (now + row.minimum) / 2;
    } else {
        candidate = row.minimum + (row.maximum - row.minimum) * 0.001;
    }
    if (row.kind == ParameterModel::Kind::Integer) {
        candidate = std::ceil(candidate);
        if (candidate == now) {
            candidate = now + 1 <= row.maximum ? now + 1 : now - 1;
        }
    }
    return QString::number(candidate, 'g', 12);
}

// A scenario with every element kind: all three limiter types, a client with a timeout, a pool
// that blocks, and two stages with other distributions.
const char* kFullScenario = R"({
  "version": 1,
  "name": "everything",
  "seed": 7,
  "load": {"phases": [{"rate": 50, "duration_s": 30}]},
  "limiters": [
    {"type": "token_bucket", "rate": 100, "burst": 20},
    {"type": "leaky_bucket", "rate": 80, "slack": 2},
    {"type": "concurrency", "limit": 12}
  ],
  "client": {"timeout_ms": 500, "retries": 2, "backoff_ms": 50, "jitter": 0.2},
  "pool": {
    "workers": 4, "queue_capacity": 8, "full_policy": "block", "block_timeout_ms": 100,
    "task_timeout_ms": 900, "error_rate": 0.01,
    "service_time": {"distribution": "uniform", "min_ms": 10, "max_ms": 30}
  },
  "stages": [
    {"name": "parse", "concurrency": 2, "service_time": {"distribution": "lognormal", "median_ms": 5, "sigma": 0.5}},
    {"name": "store", "concurrency": 1, "queue_capacity": 4, "service_time": {"distribution": "pareto", "scale_ms": 2, "alpha": 2.5}}
  ]
})";

// A scenario with a writer whose every field differs from the default and whose record sizes are
// a range, so that each writer row can take another valid value on its own.
const char* kWriterScenario = R"({
  "version": 1,
  "name": "writer",
  "load": {"phases": [{"rate": 50, "duration_s": 30}]},
  "pool": {"workers": 4, "service_time": {"mean_ms": 2}},
  "stages": [{"name": "encode", "concurrency": 2, "service_time": {"mean_ms": 1}}],
  "writer": {
    "name": "audit", "buffer_bytes": 8192, "flush_interval_ms": 40, "full_policy": "fail",
    "record_bytes": {"min": 100, "max": 4000},
    "write_time": {"distribution": "exponential", "mean_ms": 4},
    "write_ms_per_kib": 0.5, "error_rate": 0.05, "max_retries": 3, "retry_backoff_ms": 20
  }
})";

}  // namespace

class TestScenarioEditor : public QObject {
    Q_OBJECT

  private slots:
    void initTestCase() {
        QVERIFY(m_settingsDir.isValid());
        QCoreApplication::setOrganizationName(QStringLiteral("goflow-tests"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_scenario_editor"));
        QSettings::setDefaultFormat(QSettings::IniFormat);
        QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, m_settingsDir.path());
    }

    void init() { QSettings().remove(QLatin1String(ScenarioDocument::kRecentFilesKey)); }

    void newDocumentIsValidAndClean() {
        ScenarioDocument document;
        QCOMPARE(document.displayName(), QStringLiteral("Untitled"));
        QVERIFY(!document.dirty());
        QVERIFY(document.path().isEmpty());
        QVERIFY(static_cast<bool>(goflow::sim::load_scenario(document.toJson().toStdString())));
        QVERIFY(!document.save());
        QVERIFY(document.errorMessage().contains(QLatin1String("Save As")));
        QCOMPARE(document.dialogFolder(scenarioFile("api-burst.json")),
                 QUrl::fromLocalFile(kScenarioDir));
        QCOMPARE(document.dialogFolder(QString()), QUrl::fromLocalFile(QDir::currentPath()));
    }

    void documentOpenEditSaveReopen() {
        QTemporaryDir dir;
        ScenarioDocument document;
        QSignalSpy dirtySpy(&document, &ScenarioDocument::dirtyChanged);
        QVERIFY(document.open(scenarioFile("api-burst.json")));
        QCOMPARE(document.displayName(), QStringLiteral("api-burst.json"));
        QVERIFY(!document.dirty());

        TopologyModel* topology = document.topology();
        topology->select(topology->rowOf({ElementKind::Pool, -1, 0}));
        ParameterModel* inspector = document.inspector();
        const int workers = inspector->rowOfKey(QStringLiteral("pool.workers"));
        QVERIFY(workers >= 0);
        QVERIFY(inspector->setValue(workers, QStringLiteral("12")));
        QCOMPARE(document.scenario().pool.servers, 12);
        QVERIFY(document.dirty());
        QCOMPARE(dirtySpy.count(), 1);

        const QString saved = dir.filePath(QStringLiteral("edited.json"));
        QVERIFY2(document.saveAs(saved), qPrintable(document.errorMessage()));
        QVERIFY(!document.dirty());
        QCOMPARE(document.path(), saved);
        QCOMPARE(document.displayName(), QStringLiteral("edited.json"));

        ScenarioDocument reopened;
        QVERIFY(reopened.open(saved));
        QCOMPARE(reopened.scenario().pool.servers, 12);
        QCOMPARE(reopened.toJson(), document.toJson());

        // save() writes to the same file again.
        QVERIFY(inspector->setValue(workers, QStringLiteral("9")));
        QVERIFY(document.save());
        QVERIFY(reopened.open(saved));
        QCOMPARE(reopened.scenario().pool.servers, 9);
    }

    void documentOpenErrorsKeepDocument() {
        QTemporaryDir dir;
        ScenarioDocument document;
        QVERIFY(document.open(scenarioFile("api-burst.json")));
        const std::string before = goflow::sim::to_json(document.scenario());

        const QString missing = dir.filePath(QStringLiteral("missing.json"));
        QVERIFY(!document.open(missing));
        QVERIFY(document.errorMessage().contains(QLatin1String("missing.json")));
        QCOMPARE(goflow::sim::to_json(document.scenario()), before);

        const QString broken = dir.filePath(QStringLiteral("broken.json"));
        QVERIFY(writeFile(broken, R"({"version": 1, "pool": {"workers": 0}})"));
        QVERIFY(!document.open(broken));
        QVERIFY2(document.errorMessage().contains(QLatin1String("line 1")),
                 qPrintable(document.errorMessage()));
        QCOMPARE(document.path(), scenarioFile("api-burst.json"));
        QVERIFY(!document.open(QString()));
        QVERIFY(!document.errorMessage().isEmpty());
        document.clearError();
        QVERIFY(document.errorMessage().isEmpty());
    }

    void documentSaveErrors() {
        QTemporaryDir dir;
        ScenarioDocument document;
        QVERIFY(!document.saveAs(dir.filePath(QStringLiteral("no/such/dir/x.json"))));
        QVERIFY(document.errorMessage().contains(QLatin1String("Cannot save")));

        // A relative trace file resolves against the target directory, where it is missing.
        QVERIFY(writeFile(dir.filePath(QStringLiteral("times.csv")), "0\n0.5\n1\n"));
        const QString withTrace = dir.filePath(QStringLiteral("trace.json"));
        QVERIFY(writeFile(withTrace, R"({"version": 1,
            "load": {"trace": {"file": "times.csv"}},
            "pool": {"workers": 1, "service_time": {"mean_ms": 1}}})"));
        QVERIFY(document.open(withTrace));
        QTemporaryDir elsewhere;
        const QString target = elsewhere.filePath(QStringLiteral("copy.json"));
        QVERIFY(!document.saveAs(target));
        QVERIFY2(document.errorMessage().contains(QLatin1String("times.csv")),
                 qPrintable(document.errorMessage()));
        QVERIFY(!QFile::exists(target));
        QCOMPARE(document.path(), withTrace);
    }

    void recentFilesOrderAndPruning() {
        QTemporaryDir dir;
        QStringList files;
        for (int i = 0; i < 12; ++i) {
            const QString path = dir.filePath(QStringLiteral("s%1.json").arg(i));
            QVERIFY(QFile::copy(scenarioFile("api-burst.json"), path));
            files.append(path);
        }
        {
            ScenarioDocument document;
            QSignalSpy spy(&document, &ScenarioDocument::recentFilesChanged);
            QVERIFY(document.open(files[0]));
            QVERIFY(document.open(files[1]));
            QVERIFY(document.open(files[0]));
            QCOMPARE(document.recentFiles(), (QStringList{files[0], files[1]}));
            QCOMPARE(spy.count(), 3);
            QVERIFY(document.open(files[2], false));
            QCOMPARE(document.recentFiles().size(), 2);
            for (const QString& file : files) {
                QVERIFY(document.open(file));
            }
            QCOMPARE(document.recentFiles().size(), ScenarioDocument::kMaxRecentFiles);
            QCOMPARE(document.recentFiles().front(), files[11]);
            QCOMPARE(document.recentFiles().back(), files[2]);
        }
        QVERIFY(QFile::remove(files[5]));
        ScenarioDocument later;
        QCOMPARE(later.recentFiles().size(), ScenarioDocument::kMaxRecentFiles - 1);
        QVERIFY(!later.recentFiles().contains(files[5]));
        QCOMPARE(later.recentFiles().front(), files[11]);
        QCOMPARE(QSettings().value(QLatin1String(ScenarioDocument::kRecentFilesKey)).toStringList(),
                 later.recentFiles());
        QVERIFY(QFile::remove(files[11]));
        QSignalSpy pruned(&later, &ScenarioDocument::recentFilesChanged);
        later.pruneRecentFiles();
        QCOMPARE(pruned.count(), 1);
        QCOMPARE(later.recentFiles().front(), files[10]);
        later.clearRecentFiles();
        QVERIFY(later.recentFiles().isEmpty());
    }

    void topologyRowsAndRemoval() {
        ScenarioDocument document;
        TopologyModel* model = document.topology();
        QAbstractItemModelTester tester(model, Mode::QtTest);
        QVERIFY(document.open(scenarioFile("api-burst.json")));
        // settings, client, one token bucket, pool
        QCOMPARE(model->rowCount(), 4);
        QCOMPARE(model->data(model->index(2), TopologyModel::KindRole).toString(),
                 QStringLiteral("limiter"));

        const int pool = model->rowOf({ElementKind::Pool, -1, 0});
        QVERIFY(!model->remove(pool));
        QVERIFY(model->errorMessage().contains(QLatin1String("worker pool cannot be removed")));
        QVERIFY(!model->remove(0));
        QVERIFY(!model->remove(1));
        QVERIFY(!model->remove(99));
        QCOMPARE(model->rowCount(), 4);
        QVERIFY(!document.dirty());

        QVERIFY(model->remove(2));
        QCOMPARE(model->rowCount(), 3);
        QVERIFY(document.scenario().classes[0].limiters.empty());
        QVERIFY(document.dirty());
        QVERIFY(model->errorMessage().isEmpty());
    }

    void topologyAddAndMove() {
        ScenarioDocument document;
        TopologyModel* model = document.topology();
        QAbstractItemModelTester tester(model, Mode::QtTest);
        QVERIFY(document.open(scenarioFile("api-burst.json")));

        const int leaky = model->addLimiter(0, QStringLiteral("leaky_bucket"));
        QCOMPARE(leaky, 3);
        QCOMPARE(model->selectedRow(), 3);
        QCOMPARE(model->addLimiter(0, QStringLiteral("concurrency")), 4);
        QCOMPARE(model->addLimiter(0, QStringLiteral("bogus")), -1);
        QVERIFY(model->errorMessage().contains(QLatin1String("bogus")));
        QCOMPARE(model->addLimiter(5, QStringLiteral("token_bucket")), -1);
        const auto& limiters = document.scenario().classes[0].limiters;
        QCOMPARE(limiters.size(), std::size_t{3});

        // Move the concurrency limiter to the front of the chain.
        QVERIFY(model->move(4, 2));
        QCOMPARE(limiters[0].type, goflow::sim::LimiterConfig::Type::concurrency);
        QCOMPARE(limiters[1].type, goflow::sim::LimiterConfig::Type::token_bucket);
        QCOMPARE(limiters[2].type, goflow::sim::LimiterConfig::Type::leaky_bucket);
        QCOMPARE(model->selectedRow(), 2);
        QCOMPARE(document.inspector()->rowAt(0).key, QStringLiteral("limiter.type"));
        QVERIFY(!model->canMoveSelectedUp());
        QVERIFY(model->canMoveSelectedDown());
        QVERIFY(model->moveRows(QModelIndex(), 2, 1, QModelIndex(), 5));
        QCOMPARE(limiters[2].type, goflow::sim::LimiterConfig::Type::concurrency);

        // A limiter cannot leave its chain, and a stage cannot move above the pool.
        const int pool = model->rowOf({ElementKind::Pool, -1, 0});
        QVERIFY(!model->move(2, pool));
        QVERIFY(!model->move(pool, 2));
        QVERIFY(!model->errorMessage().isEmpty());

        const int first = model->addStage();
        const int second = model->addStage();
        QCOMPARE(second, first + 1);
        QCOMPARE(document.scenario().stages.size(), std::size_t{2});
        QCOMPARE(document.scenario().stages[0].name, std::string("stage 1"));
        QVERIFY(model->move(second, first));
        QCOMPARE(document.scenario().stages[0].name, std::string("stage 2"));
        QVERIFY(!model->move(first, pool));
        QVERIFY(model->remove(first));
        QCOMPARE(document.scenario().stages.size(), std::size_t{1});
        QCOMPARE(document.scenario().stages[0].name, std::string("stage 1"));
    }

    void topologyChangesFollowMoves() {
        ScenarioDocument document;
        TopologyModel* model = document.topology();
        QAbstractItemModelTester tester(model, Mode::QtTest);
        QVERIFY(document.open(scenarioFile("noisy-neighbour.json")));
        QCOMPARE(document.scenario().classes.size(), std::size_t{2});
        const int bulkLimiter = model->rowOf({ElementKind::Limiter, 1, 0});
        QVERIFY(bulkLimiter > 0);
        QVERIFY(!model->remove(bulkLimiter));
        QVERIFY2(model->errorMessage().contains(QLatin1String("classes[1].limiters[0]")),
                 qPrintable(model->errorMessage()));

        QCOMPARE(model->addLimiter(1, QStringLiteral("concurrency")), bulkLimiter + 1);
        QVERIFY(model->move(bulkLimiter + 1, bulkLimiter));
        for (const auto& change : document.scenario().changes) {
            QVERIFY2(change.parameter.rfind("classes[1].limiters[1].", 0) == 0,
                     change.parameter.c_str());
        }
        QVERIFY(model->remove(bulkLimiter));
        for (const auto& change : document.scenario().changes) {
            QVERIFY2(change.parameter.rfind("classes[1].limiters[0].", 0) == 0,
                     change.parameter.c_str());
        }
        QCOMPARE(document.selectedClass(), 1);
    }

    void everyParameterAcceptsAndRejects() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("full.json"));
        QVERIFY(writeFile(path, kFullScenario));
        ScenarioDocument document;
        QVERIFY2(document.open(path), qPrintable(document.errorMessage()));
        TopologyModel* topology = document.topology();
        ParameterModel* inspector = document.inspector();
        QAbstractItemModelTester topologyTester(topology, Mode::QtTest);
        QAbstractItemModelTester inspectorTester(inspector, Mode::QtTest);

        QStringList covered;
        for (int element = 0; element < topology->rowCount(); ++element) {
            topology->select(element);
            QVERIFY(inspector->rowCount() > 0);
            checkEveryRow(*inspector, covered);
        }
        for (const char* key : {"name",
                                "seed",
                                "sample_interval_ms",
                                "client.timeout_ms",
                                "client.retries",
                                "client.backoff_ms",
                                "client.backoff_multiplier",
                                "client.jitter",
                                "limiter.rate",
                                "limiter.burst",
                                "limiter.slack",
                                "limiter.limit",
                                "pool.workers",
                                "queue_capacity",
                                "pool.full_policy",
                                "pool.block_timeout_ms",
                                "pool.task_timeout_ms",
                                "error_rate",
                                "service.min_ms",
                                "service.max_ms",
                                "stage.concurrency",
                                "stage.timeout_ms",
                                "service.median_ms",
                                "service.sigma",
                                "service.scale_ms",
                                "service.alpha"}) {
            QVERIFY2(covered.contains(QLatin1String(key)), key);
        }
    }

    void writerAddAndRemove() {
        ScenarioDocument document;
        TopologyModel* model = document.topology();
        QAbstractItemModelTester tester(model, Mode::QtTest);
        QSignalSpy hasWriterSpy(model, &TopologyModel::hasWriterChanged);
        QVERIFY(document.open(scenarioFile("api-burst.json")));
        QVERIFY(!model->hasWriter());
        QCOMPARE(model->rowCount(), 4);
        QCOMPARE(model->rowOf({ElementKind::Writer, -1, 0}), -1);

        hasWriterSpy.clear();
        const int writer = model->addWriter();
        QCOMPARE(writer, 4);
        QCOMPARE(model->rowCount(), 5);
        QCOMPARE(model->selectedRow(), writer);
        QVERIFY(model->hasWriter());
        QCOMPARE(hasWriterSpy.count(), 1);
        QVERIFY(document.dirty());
        QCOMPARE(model->data(model->index(writer), TopologyModel::KindRole).toString(),
                 QStringLiteral("writer"));
        QVERIFY(model->data(model->index(writer), TopologyModel::RemovableRole).toBool());
        QVERIFY(!model->data(model->index(writer), TopologyModel::MovableRole).toBool());
        QCOMPARE(document.inspector()->title(), QStringLiteral("Async writer"));

        // The new writer has the format's defaults.
        QVERIFY(document.scenario().writer.has_value());
        const goflow::sim::WriterConfig& added = *document.scenario().writer;
        const goflow::sim::WriterConfig defaults;
        QCOMPARE(added.name, defaults.name);
        QCOMPARE(added.buffer_bytes, std::int64_t{65536});
        QCOMPARE(added.flush_interval, goflow::Duration(std::chrono::milliseconds(100)));
        QCOMPARE(added.full_policy, goflow::sim::WriterConfig::FullPolicy::block);
        QCOMPARE(added.record_bytes_min, std::int64_t{100});
        QCOMPARE(added.record_bytes_max, std::int64_t{100});
        QCOMPARE(added.write_ms_per_kib, 0.0);
        QCOMPARE(added.error_rate, 0.0);
        QCOMPARE(added.max_retries, 2);
        QCOMPARE(added.retry_backoff, goflow::Duration(std::chrono::milliseconds(10)));

        // A scenario has at most one writer.
        QCOMPARE(model->addWriter(), -1);
        QVERIFY2(model->errorMessage().contains(QLatin1String("has one already")),
                 qPrintable(model->errorMessage()));
        QCOMPARE(model->rowCount(), 5);

        // A new stage goes before the writer, and the writer stays selected.
        model->select(writer);
        const int stage = model->addStage();
        QCOMPARE(stage, 4);
        QCOMPARE(model->rowOf({ElementKind::Writer, -1, 0}), 5);
        QCOMPARE(model->element(stage).kind, ElementKind::Stage);
        QCOMPARE(model->selectedRow(), stage);

        // Removing the selected writer selects the last stage.
        model->select(5);
        hasWriterSpy.clear();
        QVERIFY2(model->remove(5), qPrintable(model->errorMessage()));
        QVERIFY(!document.scenario().writer.has_value());
        QVERIFY(!model->hasWriter());
        QCOMPARE(hasWriterSpy.count(), 1);
        QCOMPARE(model->rowCount(), 5);
        QCOMPARE(model->selectedRow(), 4);
        QCOMPARE(document.inspector()->title(), QStringLiteral("Pipeline stage"));
        QVERIFY(model->errorMessage().isEmpty());
    }

    void writerCannotMove() {
        ScenarioDocument document;
        TopologyModel* model = document.topology();
        QAbstractItemModelTester tester(model, Mode::QtTest);
        QVERIFY(document.open(scenarioFile("slow-writer.json")));
        QVERIFY(model->hasWriter());
        // settings, client, pool, serialize, writer
        QCOMPARE(model->rowCount(), 5);
        const int writer = model->rowOf({ElementKind::Writer, -1, 0});
        QCOMPARE(writer, 4);
        QCOMPARE(model->data(model->index(writer), TopologyModel::TitleRole).toString(),
                 QStringLiteral("Writer “audit log”"));
        QVERIFY(!model->data(model->index(writer), TopologyModel::CanMoveUpRole).toBool());
        QVERIFY(!model->data(model->index(writer), TopologyModel::CanMoveDownRole).toBool());
        model->select(writer);
        QVERIFY(!model->canMoveSelectedUp());
        QVERIFY(!model->canMoveSelectedDown());

        QVERIFY(!model->move(writer, writer - 1));
        QVERIFY2(model->errorMessage().contains(QLatin1String("writer cannot move")),
                 qPrintable(model->errorMessage()));
        QVERIFY(!model->moveRows(QModelIndex(), writer, 1, QModelIndex(), 0));
        QVERIFY(model->errorMessage().contains(QLatin1String("writer cannot move")));

        // The last stage cannot move below the writer either.
        model->clearError();
        const int stage = model->rowOf({ElementKind::Stage, -1, 0});
        QVERIFY(!model->data(model->index(stage), TopologyModel::CanMoveDownRole).toBool());
        QVERIFY(!model->move(stage, writer));
        QVERIFY2(model->errorMessage().contains(QLatin1String("past the writer")),
                 qPrintable(model->errorMessage()));
        QCOMPARE(model->element(writer).kind, ElementKind::Writer);
        QVERIFY(!document.dirty());

        // The scripted changes set writer.write_ms_per_kib, so the writer stays.
        QVERIFY(!model->remove(writer));
        QVERIFY2(model->errorMessage().contains(QLatin1String("writer.write_ms_per_kib")),
                 qPrintable(model->errorMessage()));
        QVERIFY(document.scenario().writer.has_value());
        QCOMPARE(model->rowCount(), 5);
        QVERIFY(!document.dirty());
    }

    void writerParametersAcceptAndReject() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("writer.json"));
        QVERIFY(writeFile(path, kWriterScenario));
        ScenarioDocument document;
        QVERIFY2(document.open(path), qPrintable(document.errorMessage()));
        TopologyModel* topology = document.topology();
        ParameterModel* inspector = document.inspector();
        QAbstractItemModelTester topologyTester(topology, Mode::QtTest);
        QAbstractItemModelTester inspectorTester(inspector, Mode::QtTest);
        topology->select(topology->rowOf({ElementKind::Writer, -1, 0}));
        QCOMPARE(inspector->title(), QStringLiteral("Async writer"));

        for (int row = 0; row < inspector->rowCount(); ++row) {
            const ParameterModel::Row& r = inspector->rowAt(row);
            QVERIFY2(!r.tooltip.isEmpty(), qPrintable(r.key));
        }
        const auto unitOf = [&](const char* key) {
            return inspector->rowAt(inspector->rowOfKey(QLatin1String(key))).unit;
        };
        QCOMPARE(unitOf("writer.buffer_bytes"), QStringLiteral("bytes"));
        QCOMPARE(unitOf("writer.flush_interval_ms"), QStringLiteral("ms"));
        QCOMPARE(unitOf("writer.record_bytes_min"), QStringLiteral("bytes"));
        QCOMPARE(unitOf("writer.write_ms_per_kib"), QStringLiteral("ms"));
        QCOMPARE(unitOf("writer.retry_backoff_ms"), QStringLiteral("ms"));

        QStringList covered;
        checkEveryRow(*inspector, covered);
        for (const char* key :
             {"writer.name", "writer.buffer_bytes", "writer.flush_interval_ms",
              "writer.full_policy", "writer.record_bytes_min", "writer.record_bytes_max",
              "writer.write_time.distribution", "writer.write_time.mean_ms",
              "writer.write_ms_per_kib", "writer.error_rate", "writer.max_retries",
              "writer.retry_backoff_ms"}) {
            QVERIFY2(covered.contains(QLatin1String(key)), key);
        }
        const goflow::sim::WriterConfig& w = *document.scenario().writer;
        QCOMPARE(w.name, std::string("edited text"));
        QCOMPARE(w.buffer_bytes, std::int64_t{12288});
        QCOMPARE(w.max_retries, 5);

        // The reader's rule that the minimum record size is at most the maximum shows on the field.
        const int minimum = inspector->rowOfKey(QStringLiteral("writer.record_bytes_min"));
        const QString maximum = QString::number(w.record_bytes_max);
        QVERIFY(!inspector->setValue(minimum, QString::number(w.record_bytes_max + 1)));
        QVERIFY2(errorOf(*inspector, minimum).contains(QLatin1String("at least min")),
                 qPrintable(errorOf(*inspector, minimum)));
        QVERIFY(inspector->setValue(minimum, maximum));
        QVERIFY(errorOf(*inspector, minimum).isEmpty());
        QCOMPARE(document.scenario().writer->record_bytes_min,
                 document.scenario().writer->record_bytes_max);

        // The full policy is a choice of block or fail.
        const int policy = inspector->rowOfKey(QStringLiteral("writer.full_policy"));
        QCOMPARE(
            inspector->data(inspector->index(policy), ParameterModel::ChoicesRole).toStringList(),
            (QStringList{QStringLiteral("block"), QStringLiteral("fail")}));
        QVERIFY(inspector->setValue(policy, QStringLiteral("block")));
        QCOMPARE(document.scenario().writer->full_policy,
                 goflow::sim::WriterConfig::FullPolicy::block);
        QVERIFY(!inspector->setValue(policy, QStringLiteral("drop")));
        QVERIFY(errorOf(*inspector, policy).contains(QLatin1String("must be one of")));

        // The write time is a distribution with the rows of each kind, as a stage's service time.
        for (const QString& kind :
             {QStringLiteral("constant"), QStringLiteral("exponential"), QStringLiteral("uniform"),
              QStringLiteral("lognormal"), QStringLiteral("pareto")}) {
            QVERIFY(inspector->setValue(
                inspector->rowOfKey(QStringLiteral("writer.write_time.distribution")), kind));
            QCOMPARE(valueOf(*inspector,
                             inspector->rowOfKey(QStringLiteral("writer.write_time.distribution"))),
                     kind);
            checkEveryRow(*inspector, covered, QStringLiteral("writer.write_time."));
        }
        for (const char* key :
             {"writer.write_time.min_ms", "writer.write_time.max_ms", "writer.write_time.median_ms",
              "writer.write_time.sigma", "writer.write_time.scale_ms", "writer.write_time.alpha"}) {
            QVERIFY2(covered.contains(QLatin1String(key)), key);
        }

        // Everything edited still saves and reopens.
        const QString saved = dir.filePath(QStringLiteral("saved.json"));
        QVERIFY2(document.saveAs(saved), qPrintable(document.errorMessage()));
        ScenarioDocument reopened;
        QVERIFY2(reopened.open(saved), qPrintable(reopened.errorMessage()));
        QCOMPARE(reopened.toJson(), document.toJson());
    }

    void writerDocumentSavesAndReopens() {
        QTemporaryDir dir;
        ScenarioDocument document;
        QAbstractItemModelTester tester(document.topology(), Mode::QtTest);
        QVERIFY(document.open(scenarioFile("slow-writer.json")));
        const QString saved = dir.filePath(QStringLiteral("slow-writer.json"));
        QVERIFY2(document.saveAs(saved), qPrintable(document.errorMessage()));

        ScenarioDocument reopened;
        QAbstractItemModelTester reopenedTester(reopened.topology(), Mode::QtTest);
        QVERIFY2(reopened.open(saved), qPrintable(reopened.errorMessage()));
        QCOMPARE(reopened.toJson(), document.toJson());
        QVERIFY(reopened.scenario().writer.has_value());
        const goflow::sim::WriterConfig& w = *reopened.scenario().writer;
        QCOMPARE(w.name, std::string("audit log"));
        QCOMPARE(w.buffer_bytes, std::int64_t{32768});
        QCOMPARE(w.flush_interval, goflow::Duration(std::chrono::milliseconds(50)));
        QCOMPARE(w.record_bytes_min, std::int64_t{1024});
        QCOMPARE(w.record_bytes_max, std::int64_t{1024});
        QCOMPARE(w.write_time.mean, goflow::Duration(std::chrono::milliseconds(5)));
        QCOMPARE(w.write_ms_per_kib, 1.0);
        QCOMPARE(reopened.scenario().changes.size(), std::size_t{2});
        QCOMPARE(reopened.topology()->rowCount(), document.topology()->rowCount());
        QCOMPARE(reopened.topology()->element(reopened.topology()->rowCount() - 1).kind,
                 ElementKind::Writer);
    }

    void choiceRowsSwitchKinds() {
        ScenarioDocument document;
        TopologyModel* topology = document.topology();
        ParameterModel* inspector = document.inspector();
        QAbstractItemModelTester tester(inspector, Mode::QtTest);
        topology->select(topology->rowOf({ElementKind::Limiter, 0, 0}));
        const QStringList types{QStringLiteral("leaky_bucket"), QStringLiteral("concurrency"),
                                QStringLiteral("token_bucket")};
        const QStringList expected{QStringLiteral("limiter.slack"), QStringLiteral("limiter.limit"),
                                   QStringLiteral("limiter.burst")};
        for (int i = 0; i < types.size(); ++i) {
            QVERIFY(
                inspector->setValue(inspector->rowOfKey(QStringLiteral("limiter.type")), types[i]));
            QVERIFY2(inspector->rowOfKey(expected[i]) >= 0, qPrintable(expected[i]));
        }
        QVERIFY(!inspector->setValue(0, QStringLiteral("bogus")));
        QVERIFY(errorOf(*inspector, 0).contains(QLatin1String("must be one of")));

        topology->select(topology->rowOf({ElementKind::Pool, -1, 0}));
        QCOMPARE(inspector->rowOfKey(QStringLiteral("pool.block_timeout_ms")), -1);
        QVERIFY(inspector->setValue(inspector->rowOfKey(QStringLiteral("pool.full_policy")),
                                    QStringLiteral("block")));
        QVERIFY(inspector->rowOfKey(QStringLiteral("pool.block_timeout_ms")) >= 0);
        QStringList covered;
        for (const QString& kind :
             {QStringLiteral("constant"), QStringLiteral("exponential"), QStringLiteral("uniform"),
              QStringLiteral("lognormal"), QStringLiteral("pareto")}) {
            QVERIFY(inspector->setValue(inspector->rowOfKey(QStringLiteral("service.distribution")),
                                        kind));
            checkEveryRow(*inspector, covered);
        }
        QVERIFY(covered.contains(QStringLiteral("service.mean_ms")));
        QVERIFY(covered.contains(QStringLiteral("service.alpha")));
    }

    void loadShapesAndModels() {
        QTemporaryDir dir;
        QVERIFY(writeFile(dir.filePath(QStringLiteral("times.csv")), "0\n0.25\n0.5\n1.5\n"));
        const QString path = dir.filePath(QStringLiteral("load.json"));
        QVERIFY(writeFile(path, R"({"version": 1,
            "load": {"phases": [{"rate": 10, "duration_s": 20}]},
            "pool": {"workers": 1, "service_time": {"mean_ms": 1}}})"));
        ScenarioDocument document;
        QVERIFY(document.open(path));
        ParameterModel* load = document.loadParameters();
        QAbstractItemModelTester tester(load, Mode::QtTest);
        QCOMPARE(valueOf(*load, load->rowOfKey(QStringLiteral("load.shape"))),
                 QStringLiteral("constant"));

        QStringList covered;
        for (const QString& shape : {QStringLiteral("constant"), QStringLiteral("ramp stages"),
                                     QStringLiteral("spike"), QStringLiteral("sine")}) {
            QVERIFY2(load->setValue(load->rowOfKey(QStringLiteral("load.shape")), shape),
                     qPrintable(shape));
            QCOMPARE(document.loadShape(0),
                     ScenarioDocument::detectShape(document.scenario().classes[0].load));
            checkEveryRow(*load, covered);
        }
        for (const char* key :
             {"load.rate", "load.duration_s", "load.start_rate", "load.stages", "load.base_rate",
              "load.spike_rate", "load.spike_start_s", "load.spike_length_s", "load.mean",
              "load.amplitude", "load.period_s", "load.arrivals", "load.model"}) {
            QVERIFY2(covered.contains(QLatin1String(key)), key);
        }

        // Custom phases come only from a file.
        const int shapeRow = load->rowOfKey(QStringLiteral("load.shape"));
        QVERIFY(!load->setValue(shapeRow, QStringLiteral("phases from file")));
        QVERIFY(!errorOf(*load, shapeRow).isEmpty());

        // The spike must end within the load.
        QVERIFY(
            load->setValue(load->rowOfKey(QStringLiteral("load.shape")), QStringLiteral("spike")));
        const int start = load->rowOfKey(QStringLiteral("load.spike_start_s"));
        QVERIFY(!load->setValue(start, QStringLiteral("1000")));
        QVERIFY2(errorOf(*load, start).contains(QLatin1String("after the load's duration")),
                 qPrintable(errorOf(*load, start)));

        // Trace: the phases stay until a file is named.
        QVERIFY(load->setValue(load->rowOfKey(QStringLiteral("load.shape")),
                               QStringLiteral("trace file")));
        const int file = load->rowOfKey(QStringLiteral("load.trace_file"));
        QVERIFY(file >= 0);
        QVERIFY(!errorOf(*load, file).isEmpty());
        QVERIFY(!load->setValue(file, QStringLiteral("nowhere.csv")));
        QVERIFY(errorOf(*load, file).contains(QLatin1String("nowhere.csv")));
        QVERIFY(!load->setValue(file, QString()));
        QVERIFY(load->setValue(file, QStringLiteral("times.csv")));
        QVERIFY(errorOf(*load, file).isEmpty());
        QCOMPARE(document.scenario().classes[0].load.trace.size(), std::size_t{4});

        // The closed model has clients, a think time and a duration.
        QVERIFY(
            load->setValue(load->rowOfKey(QStringLiteral("load.model")), QStringLiteral("closed")));
        QVERIFY(load->rowOfKey(QStringLiteral("load.clients")) >= 0);
        QVERIFY(load->rowOfKey(QStringLiteral("think.distribution")) >= 0);
        checkEveryRow(*load, covered);
        QVERIFY(covered.contains(QStringLiteral("load.clients")));
        QVERIFY(
            load->setValue(load->rowOfKey(QStringLiteral("load.model")), QStringLiteral("open")));
        QCOMPARE(document.scenario().classes[0].load.phases.size(), std::size_t{1});

        // Everything edited still saves and reopens.
        const QString saved = dir.filePath(QStringLiteral("saved.json"));
        QVERIFY2(document.saveAs(saved), qPrintable(document.errorMessage()));
        ScenarioDocument reopened;
        QVERIFY(reopened.open(saved));
        QCOMPARE(reopened.toJson(), document.toJson());
    }

    void controllerLoadsScenarioText() {
        ScenarioDocument document;
        StudioController controller;
        QVERIFY(controller.loadScenarioText(document.toJson(), document.directory(), QString()));
        QCOMPARE(controller.scenarioName(), document.scenarioName());
        QCOMPARE(controller.workers(), 4);
        QVERIFY(controller.scenarioPath().isEmpty());
        QVERIFY(!controller.loadScenarioText(QStringLiteral("{"), QString(), QString()));
        QVERIFY(controller.errorMessage().contains(QLatin1String("line 1")));
        QCOMPARE(controller.workers(), 4);
    }

    void setValueOutOfRangeRowIsHarmless() {
        ScenarioDocument document;
        QVERIFY(!document.inspector()->setValue(-1, QStringLiteral("1")));
        QVERIFY(!document.inspector()->setValue(1000, QStringLiteral("1")));
        QVERIFY(!document.dirty());
    }

    void offeredRateMatchesHandComputed() {
        LoadConfig load;
        LoadPhase steady;
        steady.rate = 50;
        steady.duration = std::chrono::seconds(10);
        LoadPhase ramp;
        ramp.shape = LoadPhase::Shape::ramp;
        ramp.from = 0;
        ramp.to = 100;
        ramp.duration = std::chrono::seconds(10);
        LoadPhase wave;
        wave.shape = LoadPhase::Shape::sine;
        wave.mean = 100;
        wave.amplitude = 50;
        wave.period = std::chrono::seconds(4);
        wave.duration = std::chrono::seconds(8);
        load.phases = {steady, ramp, wave};

        using goflow::app::offeredRateAt;
        QCOMPARE(offeredRateAt(load, -1), 0.0);
        QCOMPARE(offeredRateAt(load, 0), 50.0);
        QCOMPARE(offeredRateAt(load, 9.5), 50.0);
        QCOMPARE(offeredRateAt(load, 10), 0.0);  // the boundary belongs to the ramp
        QCOMPARE(offeredRateAt(load, 12.5), 25.0);
        QCOMPARE(offeredRateAt(load, 17.5), 75.0);
        QCOMPARE(offeredRateAt(load, 21), 150.0);  // a quarter period into the sine
        QVERIFY(std::abs(offeredRateAt(load, 23) - 50.0) < 1e-9);
        QCOMPARE(offeredRateAt(load, 28), 0.0);

        const QList<QPointF> points = goflow::app::offeredRatePoints(load);
        QCOMPARE(points[0], QPointF(0, 50));
        QCOMPARE(points[1], QPointF(10, 50));
        QCOMPARE(points[2], QPointF(10, 0));
        QCOMPARE(points[3], QPointF(20, 100));
        QCOMPARE(points.back().x(), 28.0);
        for (const QPointF& p : points) {
            QVERIFY(std::abs(p.y() - offeredRateAt(load, p.x() - 1e-9)) < 1e-6 ||
                    std::abs(p.y() - offeredRateAt(load, p.x())) < 1e-6);
        }

        LoadConfig trace;
        trace.trace = {std::chrono::milliseconds(0), std::chrono::milliseconds(200),
                       std::chrono::milliseconds(500), std::chrono::milliseconds(1500)};
        QCOMPARE(offeredRateAt(trace, 0), 3.0);
        QCOMPARE(offeredRateAt(trace, 0.5), 1.0);  // [0.5 s, 1.5 s) holds only 0.5 s
        QCOMPARE(offeredRateAt(trace, 0.1), 2.0);
        QCOMPARE(offeredRateAt(trace, 2), 0.0);
        const QList<QPointF> bins = goflow::app::offeredRatePoints(trace, 6);
        // Six points: three bins of 0.5 s holding 2, 1 and 1 requests.
        QCOMPARE(bins.size(), 6);
        QCOMPARE(bins[0], QPointF(0, 4));
        QCOMPARE(bins[2], QPointF(0.5, 2));
        QCOMPARE(bins[5], QPointF(1.5, 2));

        LoadConfig closed;
        closed.model = LoadConfig::Model::closed;
        closed.clients = 5;
        QCOMPARE(offeredRateAt(closed, 1), 0.0);
        QVERIFY(goflow::app::offeredRatePoints(closed).isEmpty());
    }

    void previewFollowsDocument() {
        ScenarioDocument document;
        LoadPreview preview;
        QSignalSpy changed(&preview, &LoadPreview::previewChanged);
        preview.setDocument(&document);
        QCOMPARE(preview.durationSeconds(), 30.0);
        QCOMPARE(preview.peakRate(), 50.0);
        QCOMPARE(preview.totalRequests(), 1500.0);
        QVERIFY(preview.emptyText().isEmpty());
        QLineSeries series;
        preview.update(&series);
        QCOMPARE(series.count(), 2);

        ParameterModel* load = document.loadParameters();
        QVERIFY(
            load->setValue(load->rowOfKey(QStringLiteral("load.shape")), QStringLiteral("spike")));
        const int before = changed.count();
        QVERIFY(load->setValue(load->rowOfKey(QStringLiteral("load.spike_rate")),
                               QStringLiteral("400")));
        QVERIFY(changed.count() > before);
        preview.update(&series);
        QCOMPARE(series.count(), 6);
        QCOMPARE(preview.peakRate(), 400.0);
        // base 50/s for 10 s and 15 s, 400/s for 5 s
        QCOMPARE(preview.totalRequests(), 50.0 * 25 + 400.0 * 5);

        QVERIFY(
            load->setValue(load->rowOfKey(QStringLiteral("load.model")), QStringLiteral("closed")));
        QVERIFY(!preview.emptyText().isEmpty());
        preview.update(&series);
        QCOMPARE(series.count(), 0);
    }

    void classAddSelectsNewClass() {
        ScenarioDocument document;
        TopologyModel* model = document.topology();
        QAbstractItemModelTester tester(model, Mode::QtTest);
        QAbstractItemModelTester loadTester(document.loadParameters(), Mode::QtTest);
        QSignalSpy selectedClassSpy(&document, &ScenarioDocument::selectedClassChanged);
        QSignalSpy nameSpy(&document, &ScenarioDocument::selectedClassNameChanged);
        // settings, client, token bucket, pool
        QCOMPARE(model->rowCount(), 4);
        QVERIFY(!model->data(model->index(1), TopologyModel::RemovableRole).toBool());

        const int row = model->addClass();
        QCOMPARE(row, 3);
        QVERIFY2(model->errorMessage().isEmpty(), qPrintable(model->errorMessage()));
        QCOMPARE(model->rowCount(), 5);
        QCOMPARE(model->element(row), (ElementRef{ElementKind::Client, 1, 0}));
        QCOMPARE(model->rowOf({ElementKind::Pool, -1, 0}), 4);
        QCOMPARE(model->selectedRow(), row);
        QCOMPARE(document.selectedClass(), 1);
        QCOMPARE(selectedClassSpy.count(), 1);
        QVERIFY(nameSpy.count() >= 1);
        QCOMPARE(document.classCount(), 2);
        QCOMPARE(document.selectedClassName(), QStringLiteral("class 2"));
        QCOMPARE(document.inspector()->title(), QStringLiteral("Client"));
        QCOMPARE(document.loadParameters()->element(), (ElementRef{ElementKind::Load, 1, 0}));
        QVERIFY(document.dirty());
        // Both clients can be removed now that there are two classes.
        QVERIFY(model->data(model->index(1), TopologyModel::RemovableRole).toBool());
        QVERIFY(model->data(model->index(row), TopologyModel::RemovableRole).toBool());

        // The new class has the default client, no limiters and a new scenario's constant load.
        const goflow::sim::RequestClass& added = document.scenario().classes[1];
        QCOMPARE(added.name, std::string("class 2"));
        QVERIFY(added.limiters.empty());
        QVERIFY(!added.client.timeout.has_value());
        QCOMPARE(added.client.max_retries, 0);
        QCOMPARE(added.load.model, LoadConfig::Model::open);
        QCOMPARE(added.load.phases.size(), std::size_t{1});
        QCOMPARE(added.load.phases[0].shape, LoadPhase::Shape::constant);
        QCOMPARE(added.load.phases[0].rate, 50.0);
        QCOMPARE(added.load.duration(), goflow::Duration(std::chrono::seconds(30)));
        QCOMPARE(document.loadShape(1), ScenarioDocument::LoadShape::Constant);
        ParameterModel* load = document.loadParameters();
        QCOMPARE(valueOf(*load, load->rowOfKey(QStringLiteral("load.shape"))),
                 QStringLiteral("constant"));

        // The class's limiters go into its own chain, before the pool.
        QCOMPARE(model->addLimiter(1, QStringLiteral("concurrency")), row + 1);
        QCOMPARE(model->rowOf({ElementKind::Pool, -1, 0}), row + 2);
        QVERIFY(document.scenario().classes[0].limiters.size() == 1);
        QVERIFY(document.scenario().classes[1].limiters.size() == 1);
    }

    void classAddMatchesLongestLoad() {
        ScenarioDocument document;
        QVERIFY(document.open(scenarioFile("noisy-neighbour.json")));
        TopologyModel* model = document.topology();
        QAbstractItemModelTester tester(model, Mode::QtTest);
        model->select(model->rowOf({ElementKind::Pool, -1, 0}));
        const int row = model->addClass();
        QVERIFY2(row > 0, qPrintable(model->errorMessage()));
        // steady and bulk both run for 50 s
        const auto& added = document.scenario().classes[2];
        QCOMPARE(added.name, std::string("class 3"));
        QCOMPARE(added.load.duration(), goflow::Duration(std::chrono::seconds(50)));
        QCOMPARE(model->selectedRow(), row);
        QCOMPARE(document.selectedClass(), 2);
        // The scripted changes of class 1 are untouched.
        for (const auto& change : document.scenario().changes) {
            QVERIFY2(change.parameter.rfind("classes[1].limiters[0].", 0) == 0,
                     change.parameter.c_str());
        }
    }

    void classAddStopsAtMaximum() {
        ScenarioDocument document;
        TopologyModel* model = document.topology();
        QAbstractItemModelTester tester(model, Mode::QtTest);
        while (document.classCount() < 64) {
            QVERIFY2(model->addClass() > 0, qPrintable(model->errorMessage()));
        }
        const int rows = model->rowCount();
        QCOMPARE(model->addClass(), -1);
        QVERIFY2(model->errorMessage().contains(QLatin1String("64")),
                 qPrintable(model->errorMessage()));
        QCOMPARE(model->rowCount(), rows);
        QCOMPARE(document.classCount(), 64);
        // Every generated name is unique.
        std::set<std::string> names;
        for (const auto& c : document.scenario().classes) {
            names.insert(c.name);
        }
        QCOMPARE(names.size(), std::size_t{64});
    }

    void classNamesStayUnique() {
        ScenarioDocument document;
        TopologyModel* model = document.topology();
        QAbstractItemModelTester tester(model, Mode::QtTest);
        QAbstractItemModelTester inspectorTester(document.inspector(), Mode::QtTest);
        QVERIFY(model->addClass() > 0);
        QVERIFY(model->addClass() > 0);
        QCOMPARE(document.scenario().classes[2].name, std::string("class 3"));

        // Rename class 2 so that the next generated name would collide with it.
        ParameterModel* inspector = document.inspector();
        model->select(model->rowOf({ElementKind::Client, 1, 0}));
        const int name = inspector->rowOfKey(QStringLiteral("class.name"));
        QVERIFY(name >= 0);
        QCOMPARE(valueOf(*inspector, name), QStringLiteral("class 2"));
        QVERIFY(inspector->setValue(name, QStringLiteral("class 4")));
        QCOMPARE(document.scenario().classes[1].name, std::string("class 4"));
        QVERIFY(model->addClass() > 0);
        QCOMPARE(document.scenario().classes[3].name, std::string("class 5"));

        // Invalid names are rejected with the reason in the row, and nothing changes.
        model->select(model->rowOf({ElementKind::Client, 1, 0}));
        const struct {
            QString text;
            const char* reason;
        } invalid[] = {
            {QStringLiteral("default"), "unique"},          {QStringLiteral("class 3"), "unique"},
            {QStringLiteral("   "), "enter a name"},        {QString(), "enter a name"},
            {QStringLiteral("a\tb"), "control characters"},
        };
        for (const auto& [text, reason] : invalid) {
            QVERIFY2(!inspector->setValue(name, text), qPrintable(text));
            QVERIFY2(errorOf(*inspector, name).contains(QLatin1String(reason)),
                     qPrintable(errorOf(*inspector, name)));
            QCOMPARE(document.scenario().classes[1].name, std::string("class 4"));
        }
        // A class keeps its own name, and a valid rename clears the message.
        QVERIFY(inspector->setValue(name, QStringLiteral("class 4")));
        QVERIFY(errorOf(*inspector, name).isEmpty());
        QVERIFY(inspector->setValue(name, QStringLiteral("  batch  ")));
        QCOMPARE(document.scenario().classes[1].name, std::string("batch"));
        QCOMPARE(document.selectedClassName(), QStringLiteral("batch"));
        QCOMPARE(
            model->data(model->index(model->selectedRow()), TopologyModel::TitleRole).toString(),
            QStringLiteral("Client “batch”"));

        QVERIFY(document.classNameProblem(-1, QStringLiteral("batch")).contains("unique"));
        QVERIFY(document.classNameProblem(1, QStringLiteral("batch")).isEmpty());
        QVERIFY(document.classNameProblem(-1, QStringLiteral("Batch")).isEmpty());
    }

    void classRemoveRejectsLastClass() {
        ScenarioDocument document;
        TopologyModel* model = document.topology();
        QAbstractItemModelTester tester(model, Mode::QtTest);
        QVERIFY(document.open(scenarioFile("api-burst.json")));
        QVERIFY(!model->removeClass(0));
        QVERIFY2(model->errorMessage().contains(QLatin1String("it is the only class")),
                 qPrintable(model->errorMessage()));
        model->clearError();
        QVERIFY(!model->remove(1));
        QVERIFY(model->errorMessage().contains(QLatin1String("it is the only class")));
        QVERIFY(!model->removeClass(1));
        QVERIFY(model->errorMessage().contains(QLatin1String("no such class")));
        QVERIFY(!model->removeClass(-1));
        QCOMPARE(model->rowCount(), 4);
        QCOMPARE(document.classCount(), 1);
        QVERIFY(!document.dirty());

        // After adding a class, either one can go, but not both.
        QVERIFY(model->addClass() > 0);
        QVERIFY2(model->removeClass(0), qPrintable(model->errorMessage()));
        QCOMPARE(document.scenario().classes[0].name, std::string("class 2"));
        QVERIFY(!model->removeClass(0));
        QVERIFY(model->errorMessage().contains(QLatin1String("it is the only class")));
        QCOMPARE(document.classCount(), 1);
    }

    void classRemoveTakesItsLimiters() {
        ScenarioDocument document;
        TopologyModel* model = document.topology();
        QAbstractItemModelTester tester(model, Mode::QtTest);
        QAbstractItemModelTester inspectorTester(document.inspector(), Mode::QtTest);
        QAbstractItemModelTester loadTester(document.loadParameters(), Mode::QtTest);
        // Three classes: the default one with a token bucket, then two with two limiters each.
        for (int c = 1; c <= 2; ++c) {
            QVERIFY(model->addClass() > 0);
            QVERIFY(model->addLimiter(c, QStringLiteral("concurrency")) > 0);
            QVERIFY(model->addLimiter(c, QStringLiteral("leaky_bucket")) > 0);
        }
        // settings, client 0 + 1 limiter, client 1 + 2 limiters, client 2 + 2 limiters, pool
        QCOMPARE(model->rowCount(), 10);
        // Class 0 gets a spike load and class 2 a sine load. Class 1 keeps its constant load.
        ParameterModel* load = document.loadParameters();
        QCOMPARE(document.setLoadShape(0, ScenarioDocument::LoadShape::Spike), QString());
        QCOMPARE(document.setLoadShape(2, ScenarioDocument::LoadShape::Sine), QString());

        // Remove class 1 while a limiter of class 2 is selected: the selection follows it.
        const int selected = model->rowOf({ElementKind::Limiter, 2, 1});
        model->select(selected);
        QCOMPARE(document.selectedClass(), 2);
        QVERIFY2(model->removeClass(1), qPrintable(model->errorMessage()));
        QVERIFY(model->errorMessage().isEmpty());
        QCOMPARE(model->rowCount(), 7);
        QCOMPARE(document.classCount(), 2);
        QCOMPARE(document.scenario().classes[1].name, std::string("class 3"));
        QCOMPARE(document.scenario().classes[0].limiters.size(), std::size_t{1});
        QCOMPARE(document.scenario().classes[1].limiters.size(), std::size_t{2});
        QCOMPARE(model->selectedRow(), selected - 3);
        QCOMPARE(model->selectedElement(), (ElementRef{ElementKind::Limiter, 1, 1}));
        QCOMPARE(document.inspector()->element(), (ElementRef{ElementKind::Limiter, 1, 1}));
        QCOMPARE(document.selectedClass(), 1);
        QCOMPARE(load->element(), (ElementRef{ElementKind::Load, 1, 0}));
        QCOMPARE(document.selectedClassName(), QStringLiteral("class 3"));
        // The load shapes stay with their classes.
        QCOMPARE(document.loadShape(0), ScenarioDocument::LoadShape::Spike);
        QCOMPARE(document.loadShape(1), ScenarioDocument::LoadShape::Sine);
        QCOMPARE(valueOf(*load, load->rowOfKey(QStringLiteral("load.shape"))),
                 QStringLiteral("sine"));

        // Removing the selected last class through its client row selects the class before it.
        model->select(model->rowOf({ElementKind::Client, 1, 0}));
        QVERIFY2(model->remove(model->selectedRow()), qPrintable(model->errorMessage()));
        QCOMPARE(model->rowCount(), 4);
        QCOMPARE(document.classCount(), 1);
        QCOMPARE(model->selectedRow(), 1);
        QCOMPARE(model->selectedElement(), (ElementRef{ElementKind::Client, 0, 0}));
        QCOMPARE(document.selectedClass(), 0);
        QCOMPARE(load->element(), (ElementRef{ElementKind::Load, 0, 0}));
        QCOMPARE(document.loadShape(0), ScenarioDocument::LoadShape::Spike);
        QVERIFY(!model->data(model->index(1), TopologyModel::RemovableRole).toBool());
    }

    void classRemoveRenumbersChanges() {
        ScenarioDocument document;
        TopologyModel* model = document.topology();
        QAbstractItemModelTester tester(model, Mode::QtTest);
        QVERIFY(document.open(scenarioFile("noisy-neighbour.json")));
        // settings, steady, bulk, bulk's token bucket, pool
        QCOMPARE(model->rowCount(), 5);

        // Scripted changes set bulk's limiter, so bulk cannot go.
        QVERIFY(!model->removeClass(1));
        QVERIFY2(model->errorMessage().contains(QLatin1String("classes[1].limiters[0]")),
                 qPrintable(model->errorMessage()));
        QCOMPARE(document.classCount(), 2);
        QVERIFY(!document.dirty());

        // Removing steady moves bulk and its changes to class 0.
        model->select(model->rowOf({ElementKind::Pool, -1, 0}));
        QVERIFY2(model->removeClass(0), qPrintable(model->errorMessage()));
        QCOMPARE(model->rowCount(), 4);
        QCOMPARE(document.scenario().classes[0].name, std::string("bulk"));
        QCOMPARE(document.scenario().classes[0].limiters.size(), std::size_t{1});
        QCOMPARE(document.scenario().changes.size(), std::size_t{2});
        for (const auto& change : document.scenario().changes) {
            QVERIFY2(change.parameter.rfind("classes[0].limiters[0].", 0) == 0,
                     change.parameter.c_str());
        }
        QCOMPARE(model->selectedElement(), (ElementRef{ElementKind::Pool, -1, 0}));
        QCOMPARE(document.selectedClass(), 0);
        QCOMPARE(document.loadShape(0), ScenarioDocument::LoadShape::Custom);

        // A class that the class 0 shorthand refers to cannot go either.
        QVERIFY(model->addClass() > 0);
        QVERIFY(document
                    .edit([](goflow::sim::Scenario& s) {
                        s.changes.clear();
                        goflow::sim::ParameterChange change;
                        change.at = std::chrono::seconds(5);
                        change.parameter = "client.retries";
                        change.value = 2;
                        s.changes.push_back(change);
                        return QString();
                    })
                    .isEmpty());
        QVERIFY(!model->removeClass(0));
        QVERIFY2(model->errorMessage().contains(QLatin1String("client.retries")),
                 qPrintable(model->errorMessage()));
        QVERIFY2(model->removeClass(1), qPrintable(model->errorMessage()));
    }

    void classesSaveAndReopen() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("classes.json"));
        ScenarioDocument document;
        TopologyModel* model = document.topology();
        QAbstractItemModelTester tester(model, Mode::QtTest);
        QVERIFY(model->addClass() > 0);
        QVERIFY(model->addLimiter(1, QStringLiteral("token_bucket")) > 0);
        model->select(model->rowOf({ElementKind::Client, 1, 0}));
        ParameterModel* inspector = document.inspector();
        // A name with quotes and non-ASCII letters survives the JSON text.
        QVERIFY(inspector->setValue(inspector->rowOfKey(QStringLiteral("class.name")),
                                    QStringLiteral("batch \"β\"")));
        QVERIFY(model->addClass() > 0);
        QVERIFY2(document.saveAs(path), qPrintable(document.errorMessage()));
        QVERIFY(!document.dirty());

        ScenarioDocument reopened;
        QVERIFY2(reopened.open(path), qPrintable(reopened.errorMessage()));
        QCOMPARE(reopened.classCount(), 3);
        QCOMPARE(reopened.scenario().classes[0].name, std::string("default"));
        QCOMPARE(reopened.scenario().classes[1].name, std::string("batch \"β\""));
        QCOMPARE(reopened.scenario().classes[2].name, std::string("class 3"));
        QCOMPARE(reopened.scenario().classes[1].limiters.size(), std::size_t{1});
        QVERIFY(reopened.scenario().classes[2].limiters.empty());
        QCOMPARE(reopened.loadShape(2), ScenarioDocument::LoadShape::Constant);
        QCOMPARE(reopened.toJson(), document.toJson());
        // settings, 3 clients, 2 limiters, pool
        QCOMPARE(reopened.topology()->rowCount(), 7);

        // Removing a class makes the document dirty, and save() writes it.
        QVERIFY(model->removeClass(1));
        QVERIFY(document.dirty());
        QVERIFY(document.save());
        QVERIFY(reopened.open(path));
        QCOMPARE(reopened.classCount(), 2);
        QCOMPARE(reopened.scenario().classes[1].name, std::string("class 3"));
        QCOMPARE(reopened.toJson(), document.toJson());
    }

    void runUsesEditedClasses() {
        ScenarioDocument document;
        TopologyModel* model = document.topology();
        QVERIFY(model->addClass() > 0);
        // The new class gets a tight token bucket: 10 requests/s with a burst of 10.
        QVERIFY(model->addLimiter(1, QStringLiteral("token_bucket")) > 0);
        ParameterModel* inspector = document.inspector();
        QVERIFY(inspector->setValue(inspector->rowOfKey(QStringLiteral("limiter.rate")),
                                    QStringLiteral("10")));
        QVERIFY(inspector->setValue(inspector->rowOfKey(QStringLiteral("limiter.burst")),
                                    QStringLiteral("10")));

        StudioController controller;
        QVERIFY(controller.loadScenarioText(document.toJson(), document.directory(), QString()));
        controller.simulate();
        QTRY_COMPARE_WITH_TIMEOUT(controller.state(), StudioController::RunState::Finished, 20000);
        RunHistory* history = controller.history();
        QCOMPARE(history->count(), 1);
        const RunRecord* run = history->find(history->idAt(0));
        QVERIFY(run != nullptr);
        const goflow::sim::Summary& summary = run->summary;
        QCOMPARE(summary.classes.size(), std::size_t{2});
        QCOMPARE(summary.classes[0].name, std::string("default"));
        QCOMPARE(summary.classes[1].name, std::string("class 2"));
        QCOMPARE(static_cast<std::uint64_t>(controller.offered()),
                 summary.classes[0].offered + summary.classes[1].offered);
        // Each class offers about 50 requests/s for 30 s (Poisson, so within 5 standard
        // deviations of 1500).
        for (const auto& c : summary.classes) {
            QVERIFY2(c.offered > 1300 && c.offered < 1700, c.name.c_str());
        }
        // The new class's bucket admits at most its burst plus 10 per second; the default class's
        // bucket of 100/s stays far above its 50/s.
        QVERIFY(summary.classes[1].completed <= 10 + 10 * 30 + 1);
        QVERIFY(summary.classes[1].rejected >= summary.classes[1].offered - 311);
        QVERIFY(summary.rejected_by_limiter >= summary.classes[1].offered - 311);
        QVERIFY(summary.classes[0].completed > summary.classes[0].offered * 9 / 10);
    }

  private:
    // For each editable row whose key starts with `keyPrefix`: an invalid value is rejected with a
    // message and changes nothing, and a different valid value is accepted. Choice rows are
    // checked by the callers.
    static void checkEveryRow(ParameterModel& model, QStringList& covered,
                              const QString& keyPrefix = QString()) {
        for (int row = 0; row < model.rowCount(); ++row) {
            const ParameterModel::Row& r = model.rowAt(row);
            const QString key = r.key;
            if (!key.startsWith(keyPrefix)) {
                continue;
            }
            covered.append(key);
            if (!r.editable || r.kind == ParameterModel::Kind::Choice) {
                continue;
            }
            const QString before = valueOf(model, row);
            QStringList invalid;
            if (r.kind == ParameterModel::Kind::Number || r.kind == ParameterModel::Kind::Integer) {
                invalid << QStringLiteral("abc") << QString::number(r.maximum * 2 + 1, 'g', 17)
                        << QStringLiteral("-1e300");
                if (!r.optional) {
                    invalid << QString();
                }
                if (r.kind == ParameterModel::Kind::Integer) {
                    invalid << QStringLiteral("1.5");
                }
            } else if (key == QLatin1String("load.stages")) {
                invalid << QStringLiteral("100") << QStringLiteral("100:0");
            }
            for (const QString& text : invalid) {
                QVERIFY2(!model.setValue(row, text), qPrintable(key + " accepted " + text));
                QVERIFY2(!errorOf(model, row).isEmpty(), qPrintable(key + " has no message"));
                QCOMPARE(valueOf(model, row), before);
            }
            const QString valid = otherValidValue(r, before);
            QVERIFY2(model.setValue(row, valid),
                     qPrintable(key + " rejected " + valid + ": " + errorOf(model, row)));
            QVERIFY2(errorOf(model, row).isEmpty(), qPrintable(key));
            QVERIFY2(valueOf(model, row) != before, qPrintable(key + " did not change"));
        }
    }

    QTemporaryDir m_settingsDir;
};

QTEST_MAIN(TestScenarioEditor)
#include "tst_scenario_editor.moc"
