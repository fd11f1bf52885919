#include "report.h"

#include <QFile>
#include <QSaveFile>
#include <QTextStream>

#include <chrono>
#include <cmath>

namespace goflow::app {
namespace {

double seconds(goflow::Duration d) {
    return std::chrono::duration<double>(d).count();
}

QString count(std::uint64_t value) {
    return QString::number(value);
}

QString percentOf(std::uint64_t part, std::uint64_t whole) {
    if (whole == 0) {
        return {};
    }
    return QStringLiteral("  (%1 %)").arg(100.0 * static_cast<double>(part) / static_cast<double>(whole), 0, 'f', 1);
}

}  // namespace

QString formatSummary(const goflow::sim::Scenario& scenario, const goflow::sim::Summary& s) {
    QString text;
    QTextStream out(&text);
    const auto row = [&out](const QString& label, const QString& value) {
        out << "  " << label.leftJustified(28, QLatin1Char(' ')) << value << '\n';
    };
    out << "Scenario: " << QString::fromStdString(scenario.name) << '\n';
    out << "Simulated " << QString::number(seconds(s.load_duration), 'f', 1) << " s of load ("
        << QString::number(seconds(s.simulated), 'f', 1) << " s including drain), seed "
        << scenario.seed << "\n\n";
    row(QStringLiteral("Requests offered"), count(s.offered));
    row(QStringLiteral("Admitted"), count(s.admitted) + percentOf(s.admitted, s.offered));
    row(QStringLiteral("Rejected by limiter"),
        count(s.rejected_by_limiter) + percentOf(s.rejected_by_limiter, s.offered));
    row(QStringLiteral("Rejected by full queue"),
        count(s.rejected_by_queue) + percentOf(s.rejected_by_queue, s.offered));
    row(QStringLiteral("Completed"), count(s.completed));
    row(QStringLiteral("Max queue depth"),
        QStringLiteral("%1 of %2").arg(s.max_queue_depth).arg(scenario.pool.queue_capacity));
    row(QStringLiteral("Latency p50 / p95 / p99"),
        QStringLiteral("%1 / %2 / %3 ms")
            .arg(s.latency_p50_ms, 0, 'f', 1)
            .arg(s.latency_p95_ms, 0, 'f', 1)
            .arg(s.latency_p99_ms, 0, 'f', 1));
    row(QStringLiteral("Latency mean / max"), QStringLiteral("%1 / %2 ms")
                                                  .arg(s.latency_mean_ms, 0, 'f', 1)
                                                  .arg(s.latency_max_ms, 0, 'f', 1));
    return text;
}

QString samplesToCsv(const std::vector<goflow::sim::Sample>& samples) {
    QString text;
    QTextStream out(&text);
    out << "time_s,tokens,queue_depth,busy_workers,offered,admitted,rejected_by_limiter,"
           "rejected_by_queue,completed,latency_p50_ms,latency_p95_ms,latency_p99_ms\n";
    for (const auto& s : samples) {
        out << QString::number(seconds(s.time), 'f', 3) << ','
            << (std::isnan(s.tokens) ? QString() : QString::number(s.tokens, 'f', 3)) << ','
            << s.queue_depth << ',' << s.busy_workers << ',' << s.offered << ',' << s.admitted
            << ',' << s.rejected_by_limiter << ',' << s.rejected_by_queue << ',' << s.completed
            << ',' << QString::number(s.latency_p50_ms, 'f', 3) << ','
            << QString::number(s.latency_p95_ms, 'f', 3) << ','
            << QString::number(s.latency_p99_ms, 'f', 3) << '\n';
    }
    return text;
}

QString writeTextFile(const QString& path, const QString& text) {
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Text)) {
        return QStringLiteral("cannot open %1 for writing: %2").arg(path, file.errorString());
    }
    file.write(text.toUtf8());
    if (!file.commit()) {
        return QStringLiteral("cannot write %1: %2").arg(path, file.errorString());
    }
    return {};
}

}  // namespace goflow::app
