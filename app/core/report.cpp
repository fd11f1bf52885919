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

// Returns "  (12.5 % of <wholeName>)", or nothing when `whole` is 0. Attempt counts and
// request counts have different wholes once clients retry, so the text names its whole.
QString percentOf(std::uint64_t part, std::uint64_t whole, const QString& wholeName) {
    if (whole == 0) {
        return {};
    }
    return QStringLiteral("  (%1 % of %2)")
        .arg(100.0 * static_cast<double>(part) / static_cast<double>(whole), 0, 'f', 1)
        .arg(wholeName);
}

}  // namespace

QString formatSummary(const goflow::sim::Scenario& scenario, const goflow::sim::Summary& s) {
    QString text;
    QTextStream out(&text);
    const auto row = [&out](const QString& label, const QString& value) {
        out << "  " << label.leftJustified(28, QLatin1Char(' ')) << value << '\n';
    };
    const auto ms = [](double value) { return QString::number(value, 'f', 1); };
    out << "Scenario: " << QString::fromStdString(scenario.name) << '\n';
    out << "Simulated " << QString::number(seconds(s.load_duration), 'f', 1) << " s of load ("
        << QString::number(seconds(s.simulated), 'f', 1) << " s including drain), seed "
        << scenario.seed << "\n\n";
    const QString attempts = QStringLiteral("attempts");
    const QString requests = QStringLiteral("requests");
    row(QStringLiteral("Requests offered"), count(s.offered));
    if (s.retried > 0) {
        row(QStringLiteral("Retries"), count(s.retried));
    }
    row(QStringLiteral("Attempts admitted"),
        count(s.admitted) + percentOf(s.admitted, s.attempts, attempts));
    row(QStringLiteral("Rejected by limiter"),
        count(s.rejected_by_limiter) + percentOf(s.rejected_by_limiter, s.attempts, attempts));
    row(QStringLiteral("Rejected by full queue"),
        count(s.rejected_by_queue) + percentOf(s.rejected_by_queue, s.attempts, attempts));
    if (s.timed_out > 0) {
        row(QStringLiteral("Timed out at the client"), count(s.timed_out));
    }
    row(QStringLiteral("Completed"),
        count(s.completed) + percentOf(s.completed, s.offered, requests));
    if (s.failed > 0) {
        row(QStringLiteral("Failed"), count(s.failed) + percentOf(s.failed, s.offered, requests));
    }
    if (s.dropped > 0) {
        row(QStringLiteral("Dropped"),
            count(s.dropped) + percentOf(s.dropped, s.offered, requests));
    }
    if (s.wasted > 0) {
        row(QStringLiteral("Served after client gave up"), count(s.wasted));
    }
    row(QStringLiteral("Max queue depth"),
        QStringLiteral("%1 of %2").arg(s.max_queue_depth).arg(scenario.pool.queue_capacity));
    row(QStringLiteral("Latency p50 / p95 / p99"),
        QStringLiteral("%1 / %2 / %3 ms")
            .arg(ms(s.latency_p50_ms), ms(s.latency_p95_ms), ms(s.latency_p99_ms)));
    row(QStringLiteral("Latency mean / max"),
        QStringLiteral("%1 / %2 ms").arg(ms(s.latency_mean_ms), ms(s.latency_max_ms)));
    if (s.throughput_per_s > 0) {
        row(QStringLiteral("Little's law L / X*W"),
            QStringLiteral("%1 / %2")
                .arg(s.mean_in_system, 0, 'f', 3)
                .arg(s.throughput_per_s * s.mean_time_in_system_ms / 1000.0, 0, 'f', 3));
    }

    if (s.has_writer && scenario.writer) {
        const auto& w = *scenario.writer;
        out << "\n  Writer " << QString::fromStdString(w.name) << " ("
            << (w.full_policy == goflow::sim::WriterConfig::FullPolicy::block
                    ? QStringLiteral("block")
                    : QStringLiteral("fail"))
            << " when full, " << w.buffer_bytes << " byte buffer)\n";
        row(QStringLiteral("Records written"), QStringLiteral("%1 (%2 bytes)")
                                                   .arg(count(s.writer_records_written))
                                                   .arg(count(s.writer_bytes_written)));
        row(QStringLiteral("Records dropped (full)"), count(s.writer_records_dropped));
        if (s.writer_records_failed > 0 || s.writer_sink_errors > 0) {
            row(QStringLiteral("Records lost to sink errors"),
                QStringLiteral("%1 (%2 failed sink calls)")
                    .arg(count(s.writer_records_failed))
                    .arg(count(s.writer_sink_errors)));
        }
        row(QStringLiteral("Flushes / mean flush time"),
            QStringLiteral("%1 / %2 ms").arg(count(s.writer_flushes), ms(s.writer_mean_flush_ms)));
        row(QStringLiteral("Max buffered"),
            QStringLiteral("%1 bytes").arg(s.writer_max_buffered_bytes));
    }

    if (s.stations.size() > 1) {
        out << "\n  " << QStringLiteral("Station").leftJustified(20, QLatin1Char(' '))
            << QStringLiteral("entered").rightJustified(10)
            << QStringLiteral("errors").rightJustified(9)
            << QStringLiteral("max queue").rightJustified(11)
            << QStringLiteral("wait ms").rightJustified(10)
            << QStringLiteral("p99 ms").rightJustified(10) << '\n';
        for (const auto& station : s.stations) {
            out << "  " << QString::fromStdString(station.name).leftJustified(20, QLatin1Char(' '))
                << count(station.entered).rightJustified(10)
                << count(station.errors).rightJustified(9)
                << QString::number(station.max_queue_depth).rightJustified(11)
                << ms(station.mean_wait_ms).rightJustified(10)
                << ms(station.latency_p99_ms).rightJustified(10) << '\n';
        }
    }
    if (s.classes.size() > 1) {
        out << "\n  " << QStringLiteral("Class").leftJustified(20, QLatin1Char(' '))
            << QStringLiteral("offered").rightJustified(10)
            << QStringLiteral("completed").rightJustified(11)
            << QStringLiteral("rejected").rightJustified(10)
            << QStringLiteral("p99 ms").rightJustified(10) << '\n';
        for (const auto& c : s.classes) {
            out << "  " << QString::fromStdString(c.name).leftJustified(20, QLatin1Char(' '))
                << count(c.offered).rightJustified(10) << count(c.completed).rightJustified(11)
                << count(c.rejected).rightJustified(10) << ms(c.latency_p99_ms).rightJustified(10)
                << '\n';
        }
    }
    return text;
}

QString samplesToCsv(const std::vector<goflow::sim::Sample>& samples, bool writerColumns) {
    QString text;
    QTextStream out(&text);
    out << "time_s,tokens,queue_depth,busy_workers,offered,admitted,rejected_by_limiter,"
           "rejected_by_queue,timed_out,retried,completed,failed,dropped,latency_p50_ms,"
           "latency_p95_ms,latency_p99_ms";
    const std::size_t stations = samples.empty() ? 0 : samples.front().stations.size();
    for (std::size_t i = 1; i < stations; ++i) {
        out << ",stage" << i << "_queue_depth,stage" << i << "_busy,stage" << i << "_blocked";
    }
    if (writerColumns) {
        out << ",writer_buffered_bytes,writer_flushes,writer_dropped";
    }
    out << '\n';
    for (const auto& s : samples) {
        out << QString::number(seconds(s.time), 'f', 3) << ','
            << (std::isnan(s.tokens) ? QString() : QString::number(s.tokens, 'f', 3)) << ','
            << s.queue_depth << ',' << s.busy_workers << ',' << s.offered << ',' << s.admitted
            << ',' << s.rejected_by_limiter << ',' << s.rejected_by_queue << ',' << s.timed_out
            << ',' << s.retried << ',' << s.completed << ',' << s.failed << ',' << s.dropped << ','
            << QString::number(s.latency_p50_ms, 'f', 3) << ','
            << QString::number(s.latency_p95_ms, 'f', 3) << ','
            << QString::number(s.latency_p99_ms, 'f', 3);
        for (std::size_t i = 1; i < s.stations.size() && i < stations; ++i) {
            out << ',' << s.stations[i].queue_depth << ',' << s.stations[i].busy << ','
                << s.stations[i].blocked;
        }
        if (writerColumns) {
            out << ',' << s.writer_buffered_bytes << ',' << s.writer_flushes << ','
                << s.writer_dropped;
        }
        out << '\n';
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
