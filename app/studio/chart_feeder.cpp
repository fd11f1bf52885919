#include "chart_feeder.h"

#include <QLoggingCategory>
#include <QtCharts/QXYSeries>

#include <algorithm>
#include <chrono>
#include <cmath>

Q_LOGGING_CATEGORY(lcCharts, "goflow.studio.charts")

namespace {

double seconds(goflow::Duration d) {
    return std::chrono::duration<double>(d).count();
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

double ChartFeeder::timeSpan() const {
    if (!m_controller) {
        return 1.0;
    }
    const auto& samples = m_controller->samples();
    const double reached = samples.empty() ? 0.0 : seconds(samples.back().time);
    return std::max({1.0, m_controller->durationSeconds(), reached});
}

QList<QPointF> ChartFeeder::points(Metric metric) const {
    QList<QPointF> out;
    if (!m_controller) {
        return out;
    }
    if (metric == Metric::LimiterReferenceLine) {
        return m_controller->limiterReferenceSteps(timeSpan());
    }
    if (metric == Metric::QueueCapacityLine) {
        const double level = m_controller->queueCapacity();
        out = {QPointF(0, level), QPointF(timeSpan(), level)};
        return out;
    }

    const auto& samples = m_controller->samples();
    const std::size_t first = samples.size() > kWindow ? samples.size() - kWindow : 0;
    out.reserve(static_cast<qsizetype>(samples.size() - first));
    for (std::size_t i = first; i < samples.size(); ++i) {
        const auto& s = samples[i];
        const double t = seconds(s.time);
        const double interval = i == 0 ? t : t - seconds(samples[i - 1].time);
        const double perSecond = interval > 0 ? 1.0 / interval : 0.0;
        double value = 0;
        switch (metric) {
            case Metric::LimiterLevel: {
                const int index = m_controller->limiterIndex();
                if (index < 0 || static_cast<std::size_t>(index) >= s.limiter_levels.size()) {
                    continue;
                }
                value = s.limiter_levels[static_cast<std::size_t>(index)];
                break;
            }
            case Metric::QueueDepth:
                value = s.queue_depth;
                break;
            case Metric::BusyWorkers:
                value = s.busy_workers;
                break;
            case Metric::AdmittedPerSecond:
                value = s.admitted * perSecond;
                break;
            case Metric::RejectedPerSecond:
                value = (s.rejected_by_limiter + s.rejected_by_queue) * perSecond;
                break;
            case Metric::LatencyP99:
                value = s.latency_p99_ms;
                break;
            case Metric::LimiterReferenceLine:
            case Metric::QueueCapacityLine:
                break;
        }
        out.append(QPointF(t, value));
    }
    return out;
}

void ChartFeeder::update(QAbstractSeries* series, Metric metric) const {
    auto* xy = qobject_cast<QXYSeries*>(series);
    if (xy == nullptr) {
        qCWarning(lcCharts) << "ChartFeeder::update needs an XY series, got" << series;
        return;
    }
    xy->replace(points(metric));
}

double ChartFeeder::upperBound(Metric metric) const {
    double top = 1.0;
    if (m_controller) {
        switch (metric) {
            case Metric::LimiterLevel:
            case Metric::LimiterReferenceLine:
                for (const QPointF& p : points(Metric::LimiterReferenceLine)) {
                    top = std::max(top, p.y());
                }
                for (const QPointF& p : points(Metric::LimiterLevel)) {
                    top = std::max(top, p.y());
                }
                break;
            case Metric::QueueDepth:
            case Metric::QueueCapacityLine:
                top = std::max<double>(top, m_controller->queueCapacity());
                break;
            case Metric::BusyWorkers:
                top = std::max<double>(top, m_controller->workers());
                break;
            default:
                for (const QPointF& p : points(metric)) {
                    top = std::max(top, p.y());
                }
                break;
        }
    }
    return top * 1.1;
}
