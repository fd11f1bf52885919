#include "chart_feeder.h"

#include <QLoggingCategory>
#include <QtCharts/QXYSeries>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <limits>

Q_LOGGING_CATEGORY(lcCharts, "goflow.studio.charts")

namespace {

double seconds(goflow::Duration d) {
    return std::chrono::duration<double>(d).count();
}

bool isReferenceLine(ChartFeeder::Metric metric) {
    return metric == ChartFeeder::Metric::LimiterReferenceLine ||
           metric == ChartFeeder::Metric::QueueCapacityLine ||
           metric == ChartFeeder::Metric::WorkerCountLine;
}

// Returns the value of a step line at time `t`: the last point at or before `t`.
double stepValueAt(const QList<QPointF>& steps, double t) {
    double value = std::numeric_limits<double>::quiet_NaN();
    for (const QPointF& p : steps) {
        if (p.x() > t) {
            break;
        }
        value = p.y();
    }
    return value;
}

}  // namespace

ChartFeeder::ChartFeeder(QObject* parent) : QObject(parent) {}

void ChartFeeder::setController(StudioController* controller) {
    if (m_controller == controller) {
        return;
    }
    m_controller = controller;
    emit controllerChanged();
}

std::size_t ChartFeeder::windowStart() const {
    const auto& samples = m_controller->samples();
    const auto window = static_cast<std::size_t>(kWindow);
    return std::max(samples.firstIndex(),
                    samples.endIndex() > window ? samples.endIndex() - window : 0);
}

double ChartFeeder::timeStart() const {
    if (!m_controller || m_controller->samples().empty()) {
        return 0.0;
    }
    const std::size_t first = windowStart();
    return first == 0 ? 0.0 : seconds(m_controller->samples()[first].time);
}

double ChartFeeder::timeSpan() const {
    if (!m_controller) {
        return 1.0;
    }
    const auto& samples = m_controller->samples();
    if (samples.empty()) {
        return std::max(1.0, m_controller->durationSeconds());
    }
    const std::size_t start = windowStart();
    if (start > 0) {
        // The window starts after the run did, so it ends at its newest sample.
        const std::size_t last =
            std::min(samples.endIndex(), start + static_cast<std::size_t>(kWindow)) - 1;
        return std::max(timeStart() + 1.0, seconds(samples[last].time));
    }
    return std::max({1.0, m_controller->durationSeconds(), seconds(samples.back().time)});
}

// Reads one sample's value of a data metric. Returns false when the sample has no such value
// (no limiter, or a station the sample does not list).
bool ChartFeeder::sampleValue(Metric metric, int station, std::size_t index, double& value) const {
    const auto& samples = m_controller->samples();
    const auto& s = samples[index];
    const double t = seconds(s.time);
    // The first sample's interval starts with the run. When the previous sample is no longer
    // kept, samples come every sample interval.
    const double interval = index == 0                     ? t
                            : index > samples.firstIndex() ? t - seconds(samples[index - 1].time)
                                                           : m_controller->sampleIntervalSeconds();
    const double perSecond = interval > 0 ? 1.0 / interval : 0.0;
    const bool hasStation = station >= 0 && static_cast<std::size_t>(station) < s.stations.size();
    const goflow::sim::StationSample* stationSample =
        hasStation ? &s.stations[static_cast<std::size_t>(station)] : nullptr;

    switch (metric) {
        case Metric::LimiterLevel: {
            const int limiter = m_controller->limiterIndex();
            if (limiter < 0 || static_cast<std::size_t>(limiter) >= s.limiter_levels.size()) {
                return false;
            }
            value = s.limiter_levels[static_cast<std::size_t>(limiter)];
            return true;
        }
        case Metric::QueueDepth:
            if (station == 0 && stationSample == nullptr) {
                value = s.queue_depth;
                return true;
            }
            if (stationSample == nullptr) {
                return false;
            }
            value = stationSample->queue_depth;
            return true;
        case Metric::BusyWorkers:
            if (station == 0 && stationSample == nullptr) {
                value = s.busy_workers;
                return true;
            }
            if (stationSample == nullptr) {
                return false;
            }
            value = stationSample->busy;
            return true;
        case Metric::BlockedWorkers:
            if (stationSample == nullptr) {
                return false;
            }
            value = stationSample->blocked;
            return true;
        case Metric::AdmittedPerSecond:
            value = s.admitted * perSecond;
            return true;
        case Metric::RejectedPerSecond:
            value = (s.rejected_by_limiter + s.rejected_by_queue) * perSecond;
            return true;
        case Metric::DroppedPerSecond:
            value = s.dropped * perSecond;
            return true;
        case Metric::RetriedPerSecond:
            value = s.retried * perSecond;
            return true;
        case Metric::LatencyP50:
            value = s.latency_p50_ms;
            return true;
        case Metric::LatencyP95:
            value = s.latency_p95_ms;
            return true;
        case Metric::LatencyP99:
            value = s.latency_p99_ms;
            return true;
        case Metric::StationLatencyP50:
        case Metric::StationLatencyP95:
        case Metric::StationLatencyP99:
            if (stationSample == nullptr) {
                return false;
            }
            value = metric == Metric::StationLatencyP50   ? stationSample->latency_p50_ms
                    : metric == Metric::StationLatencyP95 ? stationSample->latency_p95_ms
                                                          : stationSample->latency_p99_ms;
            return true;
        case Metric::StationMeanWait:
            if (stationSample == nullptr) {
                return false;
            }
            value = stationSample->wait_mean_ms;
            return true;
        case Metric::WriterBufferedKiB:
        case Metric::WriterFlushesPerSecond:
        case Metric::WriterDroppedPerSecond:
            if (!m_controller->hasWriter()) {
                return false;
            }
            value = metric == Metric::WriterBufferedKiB        ? s.writer_buffered_bytes / 1024.0
                    : metric == Metric::WriterFlushesPerSecond ? s.writer_flushes * perSecond
                                                               : s.writer_dropped * perSecond;
            return true;
        case Metric::LimiterReferenceLine:
        case Metric::QueueCapacityLine:
        case Metric::WorkerCountLine:
        case Metric::WriterBufferLine:
            return false;
    }
    return false;
}

QList<QPointF> ChartFeeder::points(Metric metric, int station) const {
    QList<QPointF> out;
    if (!m_controller) {
        return out;
    }
    switch (metric) {
        case Metric::LimiterReferenceLine:
            return m_controller->limiterReferenceSteps(timeSpan());
        case Metric::QueueCapacityLine:
            return m_controller->stationCapacitySteps(station, timeSpan());
        case Metric::WorkerCountLine:
            return m_controller->stationServerSteps(station, timeSpan());
        case Metric::WriterBufferLine: {
            if (!m_controller->hasWriter()) {
                return out;
            }
            // The buffer size is fixed when the writer is built, so the line is flat.
            const double kib = static_cast<double>(m_controller->writerBufferBytes()) / 1024.0;
            return {QPointF(0, kib), QPointF(timeSpan(), kib)};
        }
        default:
            break;
    }

    const auto& samples = m_controller->samples();
    const std::size_t first = windowStart();
    const std::size_t end = std::min(samples.endIndex(), first + static_cast<std::size_t>(kWindow));
    out.reserve(static_cast<qsizetype>(end - first));
    for (std::size_t i = first; i < end; ++i) {
        double value = 0;
        if (sampleValue(metric, station, i, value)) {
            out.append(QPointF(seconds(samples[i].time), value));
        }
    }
    return out;
}

namespace {

double maxValue(const QList<QPointF>& points) {
    double top = 0.0;
    for (const QPointF& p : points) {
        top = std::max(top, p.y());
    }
    return top;
}

}  // namespace

QList<QPointF> ChartFeeder::decimate(const QList<QPointF>& points, int buckets) {
    buckets = std::max(buckets, 1);
    const qsizetype limit = 4 * static_cast<qsizetype>(buckets);
    if (points.size() <= limit) {
        return points;
    }
    const double x0 = points.front().x();
    const double span = points.back().x() - x0;
    const qsizetype n = points.size();
    // The bucket of point `i`: by time, or by position when all points share one time.
    const auto bucketOf = [&](qsizetype i) {
        const double fraction = span > 0 ? (points[i].x() - x0) / span
                                         : static_cast<double>(i) / static_cast<double>(n);
        return std::clamp(static_cast<int>(fraction * buckets), 0, buckets - 1);
    };

    QList<QPointF> out;
    out.reserve(limit);
    qsizetype begin = 0;
    while (begin < n) {
        const int bucket = bucketOf(begin);
        qsizetype end = begin + 1;
        qsizetype low = begin;
        qsizetype high = begin;
        for (; end < n && bucketOf(end) == bucket; ++end) {
            const double y = points[end].y();
            // NaN compares false, so a NaN never becomes the low or the high point.
            if (y < points[low].y() || std::isnan(points[low].y())) {
                low = std::isnan(y) ? low : end;
            }
            if (y > points[high].y() || std::isnan(points[high].y())) {
                high = std::isnan(y) ? high : end;
            }
        }
        std::array<qsizetype, 4> keep = {begin, std::min(low, high), std::max(low, high), end - 1};
        qsizetype previous = -1;
        for (const qsizetype i : keep) {
            if (i != previous) {
                out.append(points[i]);
                previous = i;
            }
        }
        begin = end;
    }
    return out;
}

double ChartFeeder::update(QAbstractSeries* series, Metric metric, int station) const {
    auto* xy = qobject_cast<QXYSeries*>(series);
    if (xy == nullptr) {
        qCWarning(lcCharts) << "ChartFeeder::update needs an XY series, got" << series;
        return 0.0;
    }
    QList<QPointF> list = decimate(points(metric, station), kPlotBuckets);
    const double top = maxValue(list);
    xy->replace(std::move(list));
    return top;
}

double ChartFeeder::upperBound(Metric metric, int station) const {
    return maxValue(points(metric, station));
}

double ChartFeeder::valueAt(Metric metric, int station) const {
    constexpr double kNone = std::numeric_limits<double>::quiet_NaN();
    if (!m_controller) {
        return kNone;
    }
    const int index = m_controller->cursorIndex();
    if (index < 0) {
        return kNone;
    }
    if (isReferenceLine(metric)) {
        return stepValueAt(points(metric, station), m_controller->cursorSeconds());
    }
    double value = 0;
    return sampleValue(metric, station, static_cast<std::size_t>(index), value) ? value : kNone;
}

ChartAxes::ChartAxes(QObject* parent) : QObject(parent) {}

void ChartAxes::setFollow(bool follow) {
    if (m_follow == follow) {
        return;
    }
    m_follow = follow;
    emit followChanged();
}

double ChartAxes::niceStep(double span) {
    const double raw = std::max(span, 1e-9) / 5;
    const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
    const double fraction = raw / magnitude;
    // The tolerance keeps a span such as 1000.0000000000001, the difference of two sample
    // times, on the step of 1000.
    for (const double factor : {1.0, 2.0, 5.0}) {
        if (fraction <= factor * (1 + 1e-9)) {
            return factor * magnitude;
        }
    }
    return 10 * magnitude;
}

QString ChartAxes::labelFormat(double tick) {
    const int decimals = std::clamp(static_cast<int>(-std::floor(std::log10(tick))), 0, 6);
    return QStringLiteral("%.%1f").arg(decimals);
}

void ChartAxes::assign(double xMin, double xMax, double yMin, double yMax) {
    if (m_xMin == xMin && m_xMax == xMax && m_yMin == yMin && m_yMax == yMax) {
        return;
    }
    m_xMin = xMin;
    m_xMax = xMax;
    m_yMin = yMin;
    m_yMax = yMax;
    emit rangeChanged();
}

void ChartAxes::fit(double xMin, double xMax, double yMax) {
    if (!m_follow || !std::isfinite(xMin) || !std::isfinite(xMax) || !std::isfinite(yMax)) {
        return;
    }
    const double top = std::max(1.0, yMax * 1.1);
    // Rounds the top up to a whole tick so that the highest label sits on the frame.
    const double step = niceStep(top);
    // The time range moves in half ticks. A window that slides with the run then changes the
    // axis, and makes Qt Charts repaint its grid and labels, once per half tick instead of on
    // every refresh.
    const double xStep = niceStep(std::max(xMax - xMin, 1e-6)) / 2;
    const double left = std::floor(xMin / xStep + 1e-9) * xStep;
    const double right = std::max(std::ceil(xMax / xStep - 1e-9) * xStep, left + xStep);
    assign(left, right, 0.0, std::ceil(top / step) * step);
}

bool ChartAxes::setRange(double xMin, double xMax, double yMin, double yMax) {
    const bool finite =
        std::isfinite(xMin) && std::isfinite(xMax) && std::isfinite(yMin) && std::isfinite(yMax);
    if (!finite || xMin >= xMax || yMin >= yMax) {
        return false;
    }
    setFollow(false);
    assign(xMin, xMax, yMin, yMax);
    return true;
}

void ChartAxes::zoom(double xFraction, double yFraction, double factor) {
    if (!std::isfinite(factor) || factor <= 0 || !std::isfinite(xFraction) ||
        !std::isfinite(yFraction)) {
        return;
    }
    xFraction = std::clamp(xFraction, 0.0, 1.0);
    yFraction = std::clamp(yFraction, 0.0, 1.0);
    // Ranges narrower than this would show only rounding noise.
    constexpr double kMinSpan = 1e-6;
    const double xSpan = std::max((m_xMax - m_xMin) / factor, kMinSpan);
    const double ySpan = std::max((m_yMax - m_yMin) / factor, kMinSpan);
    const double xAnchor = m_xMin + (m_xMax - m_xMin) * xFraction;
    const double yAnchor = m_yMin + (m_yMax - m_yMin) * yFraction;
    setFollow(false);
    assign(xAnchor - xSpan * xFraction, xAnchor + xSpan * (1 - xFraction),
           yAnchor - ySpan * yFraction, yAnchor + ySpan * (1 - yFraction));
}

void ChartAxes::reset() {
    setFollow(true);
}
