#include "exporter.h"

#include <QDir>
#include <QFileInfo>
#include <QImageWriter>
#include <QQuickItem>
#include <QStringList>
#include <QUrl>

#include <charconv>
#include <cmath>
#include <sstream>

#include "report.h"
#include "sweep.h"

namespace goflow::app {

namespace {

QString number(double value) {
    return std::isnan(value) ? QString() : QString::number(value, 'f', 3);
}

}  // namespace

QString samplesToFullCsv(const std::vector<goflow::sim::Sample>& samples) {
    const QStringList base = samplesToCsv(samples).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    const std::size_t stations = samples.empty() ? 0 : samples.front().stations.size();
    const std::size_t limiters = samples.empty() ? 0 : samples.front().limiter_levels.size();

    QString header = base.value(0) + QStringLiteral(",pool_blocked");
    for (std::size_t i = 0; i < stations; ++i) {
        const QString name = i == 0 ? QStringLiteral("pool") : QStringLiteral("stage%1").arg(i);
        header +=
            QStringLiteral(",%1_latency_p50_ms,%1_latency_p95_ms,%1_latency_p99_ms,%1_wait_mean_ms")
                .arg(name);
    }
    for (std::size_t k = 0; k < limiters; ++k) {
        header += QStringLiteral(",limiter%1_level").arg(k + 1);
    }

    QString text = header + QLatin1Char('\n');
    for (std::size_t row = 0; row < samples.size(); ++row) {
        const auto& sample = samples[row];
        QString line = base.value(static_cast<qsizetype>(row) + 1);
        line += QLatin1Char(',');
        if (!sample.stations.empty()) {
            line += QString::number(sample.stations.front().blocked);
        }
        for (std::size_t i = 0; i < stations; ++i) {
            if (i < sample.stations.size()) {
                const auto& station = sample.stations[i];
                line += QLatin1Char(',') + number(station.latency_p50_ms) + QLatin1Char(',') +
                        number(station.latency_p95_ms) + QLatin1Char(',') +
                        number(station.latency_p99_ms) + QLatin1Char(',') +
                        number(station.wait_mean_ms);
            } else {
                line += QStringLiteral(",,,,");
            }
        }
        for (std::size_t k = 0; k < limiters; ++k) {
            line += QLatin1Char(',');
            if (k < sample.limiter_levels.size()) {
                line += number(sample.limiter_levels[k]);
            }
        }
        text += line + QLatin1Char('\n');
    }
    return text;
}

namespace {

// Formats a double so that it reads back as the same value.
std::string cppDouble(double value) {
    char buffer[64];
    const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
    std::string text(buffer, ec == std::errc() ? end : buffer);
    if (text.find_first_of(".eEn") == std::string::npos) {
        text += ".0";
    }
    return text;
}

std::string cppDuration(goflow::Duration duration) {
    const auto ns = duration.count();
    if (ns % 1'000'000 == 0) {
        return "std::chrono::milliseconds(" + std::to_string(ns / 1'000'000) + ")";
    }
    return "std::chrono::nanoseconds(" + std::to_string(ns) + ")";
}

// Returns `text` as a C++ string literal.
std::string cppString(const std::string& text) {
    std::string literal = "\"";
    for (char c : text) {
        switch (c) {
            case '"':
                literal += "\\\"";
                break;
            case '\\':
                literal += "\\\\";
                break;
            case '\n':
                literal += "\\n";
                break;
            default:
                literal += c;
        }
    }
    return literal + '"';
}

// Returns `text` on one line, for a // comment.
std::string oneLine(const std::string& text) {
    std::string line;
    for (char c : text) {
        line += (c == '\n' || c == '\r') ? ' ' : c;
    }
    return line;
}

// Returns `text` as // comment lines of at most about 96 characters, broken between words.
std::string commentBlock(const std::string& text) {
    std::istringstream words(oneLine(text));
    std::string block;
    std::string line = "//";
    std::string word;
    while (words >> word) {
        if (line.size() + 1 + word.size() > 96 && line != "//") {
            block += line + "\n";
            line = "//";
        }
        line += " " + word;
    }
    return line == "//" ? block : block + line + "\n";
}

}  // namespace

std::string libgoflowSnippet(const goflow::sim::Scenario& scenario) {
    using goflow::sim::LimiterConfig;
    using goflow::sim::PoolConfig;
    std::ostringstream out;
    out << "// libgoflow configured like the scenario \"" << oneLine(scenario.name)
        << "\", as exported by goflow Studio.\n";
    out << commentBlock(scenario.description);
    out << "// Build: g++ -std=c++20 -I<goflow>/core/include this.cpp -lgoflow_core -pthread\n"
           "// The objects have the scenario's settings at its start; its scripted parameter\n"
           "// changes are not applied. Submit real work to `pool` and pass requests through\n"
           "// each class's limiters in order.\n"
           "#include <chrono>\n"
           "#include <cstdio>\n"
           "#include <memory>\n"
           "#include <vector>\n"
           "\n"
           "#include \"goflow/concurrency_limiter.hpp\"\n"
           "#include \"goflow/leaky_bucket.hpp\"\n"
           "#include \"goflow/pipeline.hpp\"\n"
           "#include \"goflow/token_bucket.hpp\"\n"
           "#include \"goflow/worker_pool.hpp\"\n"
           "\n"
           "int main() {\n";

    int limiterCount = 0;
    for (std::size_t c = 0; c < scenario.classes.size(); ++c) {
        const auto& requestClass = scenario.classes[c];
        out << "    // Request class " << c + 1 << ": \"" << oneLine(requestClass.name) << "\"";
        if (requestClass.limiters.empty()) {
            out << ", without limiters.\n";
        } else {
            out << ", its limiters in the order a request passes them.\n";
        }
        for (std::size_t l = 0; l < requestClass.limiters.size(); ++l) {
            const LimiterConfig& limiter = requestClass.limiters[l];
            const std::string name =
                "class" + std::to_string(c + 1) + "_limiter" + std::to_string(l + 1);
            ++limiterCount;
            switch (limiter.type) {
                case LimiterConfig::Type::token_bucket:
                    out << "    goflow::TokenBucketOptions " << name << "_options;\n"
                        << "    " << name << "_options.rate = " << cppDouble(limiter.rate)
                        << ";  // tokens per second\n"
                        << "    " << name << "_options.burst = " << limiter.burst << ";\n"
                        << "    goflow::TokenBucket " << name << "(" << name << "_options);\n";
                    break;
                case LimiterConfig::Type::leaky_bucket:
                    out << "    goflow::LeakyBucketOptions " << name << "_options;\n"
                        << "    " << name << "_options.rate = " << cppDouble(limiter.rate)
                        << ";  // admissions per second\n"
                        << "    " << name << "_options.slack = " << limiter.slack << ";\n"
                        << "    goflow::LeakyBucket " << name << "(" << name << "_options);\n";
                    break;
                case LimiterConfig::Type::concurrency:
                    out << "    goflow::ConcurrencyLimiterOptions " << name << "_options;\n"
                        << "    " << name << "_options.limit = " << limiter.limit << ";\n"
                        << "    goflow::ConcurrencyLimiter " << name << "(" << name
                        << "_options);\n";
                    break;
            }
        }
    }

    const PoolConfig& pool = scenario.pool;
    out << "\n    goflow::WorkerPoolOptions pool_options;\n"
        << "    pool_options.name = " << cppString(pool.name.empty() ? "pool" : pool.name) << ";\n"
        << "    pool_options.workers = " << pool.servers << ";\n"
        << "    pool_options.queue_capacity = " << pool.queue_capacity << ";\n";
    if (pool.timeout) {
        out << "    pool_options.task_timeout = " << cppDuration(*pool.timeout) << ";\n";
    }
    if (pool.full_policy == PoolConfig::FullPolicy::reject) {
        out << "    pool_options.full_policy = goflow::FullPolicy::reject;\n";
    } else if (pool.block_timeout) {
        out << "    pool_options.full_policy = goflow::FullPolicy::block_for;\n"
            << "    pool_options.block_timeout = " << cppDuration(*pool.block_timeout) << ";\n";
    } else {
        out << "    pool_options.full_policy = goflow::FullPolicy::block;\n";
    }
    out << "    auto pool = std::make_shared<goflow::WorkerPool>(pool_options);\n";

    out << "\n    // Options of the pipeline stages after the pool, for "
           "PipelineBuilder::stage(name, "
           "fn, options)\n"
           "    // with PipelineOptions::pool = pool.\n"
           "    std::vector<goflow::StageOptions> stage_options;\n";
    for (std::size_t s = 0; s < scenario.stages.size(); ++s) {
        const auto& stage = scenario.stages[s];
        out << "    {  // stage " << s + 1 << ": \"" << oneLine(stage.name) << "\"\n"
            << "        goflow::StageOptions options;\n"
            << "        options.concurrency = " << stage.servers << ";\n"
            << "        options.queue_capacity = " << stage.queue_capacity << ";\n";
        if (stage.timeout) {
            out << "        options.timeout = " << cppDuration(*stage.timeout) << ";\n";
        }
        out << "        stage_options.push_back(options);\n"
            << "    }\n";
    }

    out << "\n    std::printf(\"%d limiter(s), a pool of %d worker(s), %zu stage(s)\\n\", "
        << limiterCount << ", " << pool.servers << ", stage_options.size());\n"
        << "    pool->shutdown();\n"
        << "    return 0;\n"
        << "}\n";
    return out.str();
}

}  // namespace goflow::app

Exporter::Exporter(QObject* parent) : QObject(parent) {}

void Exporter::setController(StudioController* controller) {
    if (m_controller == controller) {
        return;
    }
    if (m_controller) {
        disconnect(m_controller, nullptr, this, nullptr);
    }
    m_controller = controller;
    if (m_controller) {
        connect(m_controller, &StudioController::progressChanged, this,
                &Exporter::availabilityChanged);
        connect(m_controller, &StudioController::stateChanged, this,
                &Exporter::availabilityChanged);
        connect(m_controller, &StudioController::scenarioChanged, this,
                &Exporter::availabilityChanged);
    }
    emit controllerChanged();
    emit availabilityChanged();
}

bool Exporter::hasRun() const {
    return m_controller && !m_controller->samples().empty();
}

QString Exporter::resolvePath(const QString& pathOrUrl, const QString& suffix, QString& error) {
    const QString trimmed = pathOrUrl.trimmed();
    if (trimmed.isEmpty()) {
        error = tr("no file name given: choose where to save the .%1 file").arg(suffix);
        return {};
    }
    QString path = trimmed;
    if (trimmed.contains(QLatin1String("://"))) {
        const QUrl url(trimmed);
        if (!url.isLocalFile()) {
            error = tr("%1 is not a local file: choose a file on this computer").arg(trimmed);
            return {};
        }
        path = url.toLocalFile();
    }
    QFileInfo info(path);
    if (info.suffix().isEmpty()) {
        path += QLatin1Char('.') + suffix;
        info.setFile(path);
    } else if (info.suffix().compare(suffix, Qt::CaseInsensitive) != 0) {
        error = tr("%1 does not end in .%2: use a .%2 file name").arg(path, suffix);
        return {};
    }
    if (info.isDir()) {
        error = tr("%1 is a folder: choose a file name").arg(path);
        return {};
    }
    const QDir folder = info.absoluteDir();
    if (!folder.exists()) {
        error = tr("the folder %1 does not exist").arg(folder.path());
        return {};
    }
    return info.absoluteFilePath();
}

bool Exporter::fail(const QString& message) {
    m_error = message;
    emit resultChanged();
    return false;
}

bool Exporter::succeed(const QString& path) {
    m_error.clear();
    m_savedPath = path;
    emit resultChanged();
    return true;
}

void Exporter::clearError() {
    if (!m_error.isEmpty()) {
        m_error.clear();
        emit resultChanged();
    }
}

bool Exporter::saveImage(const QImage& image, const QString& pathOrUrl) {
    QString error;
    const QString path = resolvePath(pathOrUrl, QStringLiteral("png"), error);
    if (path.isEmpty()) {
        return fail(tr("Cannot save the image: %1.").arg(error));
    }
    if (image.isNull()) {
        return fail(tr("Cannot save the image: nothing was captured."));
    }
    QImageWriter writer(path, "png");
    if (!writer.write(image)) {
        return fail(tr("Cannot save the image to %1: %2.").arg(path, writer.errorString()));
    }
    return succeed(path);
}

bool Exporter::saveWindow(QQuickWindow* window, const QString& pathOrUrl) {
    if (window == nullptr) {
        return fail(tr("Cannot save the window: no window given."));
    }
    return saveImage(window->grabWindow(), pathOrUrl);
}

bool Exporter::writeText(const QString& pathOrUrl, const QString& suffix, const QString& text) {
    QString error;
    const QString path = resolvePath(pathOrUrl, suffix, error);
    if (path.isEmpty()) {
        return fail(tr("Cannot export: %1.").arg(error));
    }
    if (const QString writeError = goflow::app::writeTextFile(path, text); !writeError.isEmpty()) {
        return fail(tr("Cannot export: %1.").arg(writeError));
    }
    return succeed(path);
}

bool Exporter::exportCsv(const QString& pathOrUrl) {
    if (!hasRun()) {
        return fail(tr("Cannot export the time series: run the scenario first."));
    }
    return writeText(pathOrUrl, QStringLiteral("csv"),
                     goflow::app::samplesToFullCsv(m_controller->samples().toVector()));
}

bool Exporter::exportJson(const QString& pathOrUrl) {
    if (!hasRun()) {
        return fail(tr("Cannot export the summary: run the scenario first."));
    }
    return writeText(pathOrUrl, QStringLiteral("json"),
                     goflow::app::summaryToJson(m_controller->summary()));
}

bool Exporter::exportSnippet(const QString& pathOrUrl) {
    const QString text = snippet();
    if (text.isEmpty()) {
        return fail(tr("Cannot export the C++ configuration: load a scenario first."));
    }
    return writeText(pathOrUrl, QStringLiteral("cpp"), text);
}

QQuickItem* Exporter::findItem(QObject* root, const QString& objectName) {
    QQuickItem* item = root ? root->findChild<QQuickItem*>(objectName) : nullptr;
    if (item == nullptr) {
        fail(tr("Cannot save the image: the page has no item named %1.").arg(objectName));
    }
    return item;
}

QString Exporter::snippet() const {
    if (!m_controller || !m_controller->scenario()) {
        return {};
    }
    return QString::fromStdString(goflow::app::libgoflowSnippet(*m_controller->scenario()));
}
