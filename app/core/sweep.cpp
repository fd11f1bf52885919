#include "sweep.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTextStream>

#include <atomic>
#include <cmath>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace goflow::app {
namespace {

constexpr std::size_t kMaxValues = 10'000;
constexpr std::size_t kMaxCombinations = 100'000;

goflow::Error invalid(const QString& message) {
    return goflow::Error(std::make_error_code(std::errc::invalid_argument), message.toStdString());
}

double percent(std::uint64_t part, std::uint64_t whole) {
    return whole == 0 ? 0.0 : 100.0 * static_cast<double>(part) / static_cast<double>(whole);
}

}  // namespace

goflow::Result<SweepAxis> parseSweepAxis(const QString& spec) {
    const qsizetype equals = spec.indexOf(QLatin1Char('='));
    if (equals <= 0 || equals == spec.size() - 1) {
        return invalid(QStringLiteral("--set needs NAME=VALUES, for example pool.workers=2..16 or "
                                      "limiters[0].burst=50,100,200; got \"%1\"")
                           .arg(spec));
    }
    SweepAxis axis;
    axis.parameter = spec.left(equals);
    const QString values = spec.mid(equals + 1);
    const auto number = [&](const QString& text, double& out) {
        bool ok = false;
        out = text.trimmed().toDouble(&ok);
        return ok && std::isfinite(out);
    };
    const qsizetype dots = values.indexOf(QStringLiteral(".."));
    if (dots >= 0) {
        QString rest = values.mid(dots + 2);
        QString stepText = QStringLiteral("1");
        if (const qsizetype colon = rest.indexOf(QLatin1Char(':')); colon >= 0) {
            stepText = rest.mid(colon + 1);
            rest = rest.left(colon);
        }
        double from = 0;
        double to = 0;
        double step = 0;
        if (!number(values.left(dots), from) || !number(rest, to) || !number(stepText, step)) {
            return invalid(QStringLiteral("%1: a range is FROM..TO or FROM..TO:STEP with numbers, "
                                          "got \"%2\"")
                               .arg(axis.parameter, values));
        }
        if (step <= 0 || to < from) {
            return invalid(QStringLiteral("%1: a range needs FROM <= TO and a positive step, got "
                                          "\"%2\"")
                               .arg(axis.parameter, values));
        }
        const double count = std::floor((to - from) / step + 1e-9) + 1;
        if (count > static_cast<double>(kMaxValues)) {
            return invalid(QStringLiteral("%1: \"%2\" has more than 10000 values")
                               .arg(axis.parameter, values));
        }
        for (int i = 0; i < static_cast<int>(count); ++i) {
            axis.values.push_back(from + i * step);
        }
        return axis;
    }
    for (const QString& item : values.split(QLatin1Char(','))) {
        double value = 0;
        if (!number(item, value)) {
            return invalid(QStringLiteral("%1: \"%2\" is not a number").arg(axis.parameter, item));
        }
        axis.values.push_back(value);
    }
    if (axis.values.size() > kMaxValues) {
        return invalid(QStringLiteral("%1 has more than 10000 values").arg(axis.parameter));
    }
    return axis;
}

goflow::Result<std::vector<SweepPoint>> runSweep(
    const goflow::sim::Scenario& scenario, const std::vector<SweepAxis>& axes, unsigned threads,
    const std::function<void(std::size_t, std::size_t)>& progress) {
    std::size_t total = 1;
    for (const SweepAxis& axis : axes) {
        total *= axis.values.size();
        if (total > kMaxCombinations) {
            return invalid(QStringLiteral("the sweep has more than 100000 combinations"));
        }
    }
    // Build every variant first, so that a bad value fails before any run starts.
    std::vector<goflow::sim::Scenario> variants;
    std::vector<SweepPoint> points(total);
    variants.reserve(total);
    for (std::size_t index = 0; index < total; ++index) {
        goflow::sim::Scenario variant = scenario;
        std::size_t rest = index;
        std::vector<double> values(axes.size());
        for (std::size_t a = axes.size(); a-- > 0;) {
            values[a] = axes[a].values[rest % axes[a].values.size()];
            rest /= axes[a].values.size();
        }
        for (std::size_t a = 0; a < axes.size(); ++a) {
            auto ok =
                goflow::sim::set_parameter(variant, axes[a].parameter.toStdString(), values[a]);
            if (!ok) {
                return ok.error();
            }
        }
        points[index].values = std::move(values);
        variants.push_back(std::move(variant));
    }

    const unsigned workers =
        std::max(1u, std::min<unsigned>(threads ? threads : std::thread::hardware_concurrency(),
                                        static_cast<unsigned>(total)));
    std::atomic<std::size_t> next{0};
    std::mutex mutex;
    std::condition_variable finished_one;
    std::size_t done = 0;  // guarded by mutex
    std::vector<std::jthread> pool;
    for (unsigned w = 0; w < workers; ++w) {
        pool.emplace_back([&] {
            for (std::size_t i = next++; i < total; i = next++) {
                points[i].summary = goflow::sim::simulate(variants[i]).summary;
                {
                    std::lock_guard guard(mutex);
                    ++done;
                }
                finished_one.notify_one();
            }
        });
    }
    std::unique_lock lock(mutex);
    while (done < total) {
        finished_one.wait(lock);
        if (progress) {
            progress(done, total);
        }
    }
    return points;
}

QString formatSweep(const std::vector<SweepAxis>& axes, const std::vector<SweepPoint>& points) {
    QString text;
    QTextStream out(&text);
    for (const SweepAxis& axis : axes) {
        out << axis.parameter.rightJustified(std::max<qsizetype>(10, axis.parameter.size()))
            << "  ";
    }
    out << QStringLiteral("offered").rightJustified(9)
        << QStringLiteral("completed%").rightJustified(11)
        << QStringLiteral("rejected%").rightJustified(10)
        << QStringLiteral("p50 ms").rightJustified(9) << QStringLiteral("p99 ms").rightJustified(9)
        << QStringLiteral("max queue").rightJustified(10) << '\n';
    for (const SweepPoint& point : points) {
        for (std::size_t a = 0; a < axes.size(); ++a) {
            out << QString::number(point.values[a], 'g', 8)
                       .rightJustified(std::max<qsizetype>(10, axes[a].parameter.size()))
                << "  ";
        }
        const auto& s = point.summary;
        const std::uint64_t rejected = s.rejected_by_limiter + s.rejected_by_queue;
        out << QString::number(s.offered).rightJustified(9)
            << QString::number(percent(s.completed, s.offered), 'f', 1).rightJustified(11)
            << QString::number(percent(rejected, s.attempts), 'f', 1).rightJustified(10)
            << QString::number(s.latency_p50_ms, 'f', 1).rightJustified(9)
            << QString::number(s.latency_p99_ms, 'f', 1).rightJustified(9)
            << QString::number(s.max_queue_depth).rightJustified(10) << '\n';
    }
    return text;
}

QString summaryToJson(const goflow::sim::Summary& s) {
    const auto count = [](std::uint64_t v) { return static_cast<qint64>(v); };
    QJsonObject root{
        {QStringLiteral("offered"), count(s.offered)},
        {QStringLiteral("attempts"), count(s.attempts)},
        {QStringLiteral("admitted"), count(s.admitted)},
        {QStringLiteral("rejected_by_limiter"), count(s.rejected_by_limiter)},
        {QStringLiteral("rejected_by_queue"), count(s.rejected_by_queue)},
        {QStringLiteral("timed_out"), count(s.timed_out)},
        {QStringLiteral("retried"), count(s.retried)},
        {QStringLiteral("completed"), count(s.completed)},
        {QStringLiteral("failed"), count(s.failed)},
        {QStringLiteral("dropped"), count(s.dropped)},
        {QStringLiteral("wasted"), count(s.wasted)},
        {QStringLiteral("max_queue_depth"), s.max_queue_depth},
        {QStringLiteral("latency_mean_ms"), s.latency_mean_ms},
        {QStringLiteral("latency_p50_ms"), s.latency_p50_ms},
        {QStringLiteral("latency_p95_ms"), s.latency_p95_ms},
        {QStringLiteral("latency_p99_ms"), s.latency_p99_ms},
        {QStringLiteral("latency_max_ms"), s.latency_max_ms},
        {QStringLiteral("load_duration_s"), std::chrono::duration<double>(s.load_duration).count()},
        {QStringLiteral("simulated_s"), std::chrono::duration<double>(s.simulated).count()},
        {QStringLiteral("events"), count(s.events)},
        {QStringLiteral("mean_in_system"), s.mean_in_system},
        {QStringLiteral("throughput_per_s"), s.throughput_per_s},
        {QStringLiteral("mean_time_in_system_ms"), s.mean_time_in_system_ms},
    };
    QJsonArray stations;
    for (const auto& station : s.stations) {
        stations.append(QJsonObject{
            {QStringLiteral("name"), QString::fromStdString(station.name)},
            {QStringLiteral("entered"), count(station.entered)},
            {QStringLiteral("served"), count(station.served)},
            {QStringLiteral("errors"), count(station.errors)},
            {QStringLiteral("max_queue_depth"), station.max_queue_depth},
            {QStringLiteral("mean_wait_ms"), station.mean_wait_ms},
            {QStringLiteral("latency_p50_ms"), station.latency_p50_ms},
            {QStringLiteral("latency_p99_ms"), station.latency_p99_ms},
        });
    }
    root.insert(QStringLiteral("stations"), stations);
    QJsonArray classes;
    for (const auto& c : s.classes) {
        classes.append(QJsonObject{
            {QStringLiteral("name"), QString::fromStdString(c.name)},
            {QStringLiteral("offered"), count(c.offered)},
            {QStringLiteral("completed"), count(c.completed)},
            {QStringLiteral("failed"), count(c.failed)},
            {QStringLiteral("dropped"), count(c.dropped)},
            {QStringLiteral("rejected"), count(c.rejected)},
            {QStringLiteral("latency_p99_ms"), c.latency_p99_ms},
        });
    }
    root.insert(QStringLiteral("classes"), classes);
    if (s.has_writer) {
        root.insert(QStringLiteral("writer"),
                    QJsonObject{
                        {QStringLiteral("records_written"), count(s.writer_records_written)},
                        {QStringLiteral("bytes_written"), count(s.writer_bytes_written)},
                        {QStringLiteral("records_failed"), count(s.writer_records_failed)},
                        {QStringLiteral("bytes_failed"), count(s.writer_bytes_failed)},
                        {QStringLiteral("records_dropped"), count(s.writer_records_dropped)},
                        {QStringLiteral("flushes"), count(s.writer_flushes)},
                        {QStringLiteral("sink_errors"), count(s.writer_sink_errors)},
                        {QStringLiteral("mean_flush_ms"), s.writer_mean_flush_ms},
                        {QStringLiteral("max_buffered_bytes"),
                         static_cast<qint64>(s.writer_max_buffered_bytes)},
                    });
    }
    return QString::fromUtf8(QJsonDocument(root).toJson(QJsonDocument::Indented));
}

}  // namespace goflow::app
