#include "compare_feeder.h"

#include <QLocale>
#include <QLoggingCategory>
#include <QVariantMap>
#include <QtCharts/QXYSeries>

#include <algorithm>
#include <chrono>
#include <cmath>

Q_LOGGING_CATEGORY(lcCompare, "goflow.studio.compare")

namespace {

double seconds(goflow::Duration d) {
    return std::chrono::duration<double>(d).count();
}

double rejectedPercent(const goflow::sim::Summary& s) {
    if (s.attempts == 0) {
        return 0.0;
    }
    return 100.0 * static_cast<double>(s.rejected_by_limiter + s.rejected_by_queue) /
           static_cast<double>(s.attempts);
}

// One line of the summary table. `higherIsWorse` is +1 when a higher value is worse (latency,
// rejections), -1 when a higher value is better (completed) and 0 when neither applies (offered).
struct SummaryLine {
    QString label;
    double (*value)(const goflow::sim::Summary&);
    int decimals;
    int higherIsWorse;
};

QString formatNumber(double value, int decimals) {
    return QLocale().toString(value, 'f', decimals);
}

QString formatDifference(double first, double second, int decimals) {
    const double difference = second - first;
    QString text =
        (difference > 0 ? QStringLiteral("+") : QString()) + formatNumber(difference, decimals);
    if (first != 0.0 && difference != 0.0) {
        const double relative = 100.0 * difference / std::abs(first);
        text += QStringLiteral(" (%1%2%)")
                    .arg(relative > 0 ? QStringLiteral("+") : QString(), formatNumber(relative, 1));
    }
    return text;
}

}  // namespace

CompareFeeder::CompareFeeder(QObject* parent) : QObject(parent) {}

void CompareFeeder::setHistory(RunHistory* history) {
    if (m_history == history) {
        return;
    }
    if (m_history) {
        disconnect(m_history, nullptr, this, nullptr);
    }
    m_history = history;
    if (m_history) {
        connect(m_history, &RunHistory::runChanged, this, &CompareFeeder::onRunChanged);
    }
    emit historyChanged();
    emit runsChanged();
}

void CompareFeeder::setFirstRunId(int runId) {
    if (m_firstRunId == runId) {
        return;
    }
    m_firstRunId = runId;
    emit runsChanged();
}

void CompareFeeder::setSecondRunId(int runId) {
    if (m_secondRunId == runId) {
        return;
    }
    m_secondRunId = runId;
    emit runsChanged();
}

void CompareFeeder::chooseLatest() {
    if (!m_history) {
        return;
    }
    const int count = m_history->count();
    const int second = m_history->idAt(count - 1);
    const int first = count >= 2 ? m_history->idAt(count - 2) : -1;
    if (first == m_firstRunId && second == m_secondRunId) {
        return;
    }
    m_firstRunId = first;
    m_secondRunId = second;
    emit runsChanged();
}

void CompareFeeder::onRunChanged(int runId) {
    // Renames, removals and evictions of a chosen run change its name or its presence.
    if (runId == m_firstRunId || runId == m_secondRunId) {
        emit runsChanged();
    }
}

const RunRecord* CompareFeeder::run(int side) const {
    if (!m_history) {
        return nullptr;
    }
    return m_history->find(side == 0 ? m_firstRunId : m_secondRunId);
}

QString CompareFeeder::firstName() const {
    const RunRecord* r = run(0);
    return r ? r->name : QString();
}

QString CompareFeeder::secondName() const {
    const RunRecord* r = run(1);
    return r ? r->name : QString();
}

bool CompareFeeder::ready() const {
    return run(0) != nullptr && run(1) != nullptr;
}

QList<QPointF> CompareFeeder::points(const RunRecord& run, Metric metric) {
    QList<QPointF> out;
    const auto& samples = run.samples;
    if (samples.empty()) {
        return out;
    }
    if (metric == Metric::LimiterLevel && run.limiterIndex < 0) {
        return out;
    }
    const std::size_t bucket = (samples.size() + kMaxPoints - 1) / kMaxPoints;
    out.reserve(static_cast<qsizetype>(samples.size() / bucket + 1));
    double previousEnd = 0.0;
    for (std::size_t first = 0; first < samples.size(); first += bucket) {
        const std::size_t last = std::min(samples.size(), first + bucket) - 1;
        const auto& end = samples[last];
        const double t = seconds(end.time);
        const double interval = t - previousEnd;
        previousEnd = t;
        double counted = 0;
        double p99 = 0;
        for (std::size_t i = first; i <= last; ++i) {
            const auto& s = samples[i];
            if (metric == Metric::AdmittedPerSecond) {
                counted += s.admitted;
            } else if (metric == Metric::RejectedPerSecond) {
                counted += s.rejected_by_limiter + s.rejected_by_queue;
            }
            p99 = std::max(p99, s.latency_p99_ms);
        }
        double value = 0;
        switch (metric) {
            case Metric::QueueDepth:
                value = end.queue_depth;
                break;
            case Metric::LimiterLevel: {
                const auto index = static_cast<std::size_t>(run.limiterIndex);
                if (index >= end.limiter_levels.size()) {
                    continue;
                }
                value = end.limiter_levels[index];
                break;
            }
            case Metric::AdmittedPerSecond:
            case Metric::RejectedPerSecond:
                value = interval > 0 ? counted / interval : 0.0;
                break;
            case Metric::LatencyP99:
                value = p99;
                break;
        }
        out.append(QPointF(t, value));
    }
    return out;
}

void CompareFeeder::update(QAbstractSeries* series, int side, Metric metric) const {
    auto* xy = qobject_cast<QXYSeries*>(series);
    if (xy == nullptr) {
        qCWarning(lcCompare) << "CompareFeeder::update needs an XY series, got" << series;
        return;
    }
    const RunRecord* r = run(side);
    xy->replace(r ? points(*r, metric) : QList<QPointF>());
}

double CompareFeeder::upperBound(Metric metric) const {
    double top = 1.0;
    for (const int side : {0, 1}) {
        const RunRecord* r = run(side);
        if (r == nullptr) {
            continue;
        }
        if (metric == Metric::QueueDepth) {
            top = std::max<double>(top, r->scenario.pool.queue_capacity);
        }
        for (const QPointF& p : points(*r, metric)) {
            top = std::max(top, p.y());
        }
    }
    return top * 1.1;
}

double CompareFeeder::timeSpan() const {
    double span = 1.0;
    for (const int side : {0, 1}) {
        if (const RunRecord* r = run(side); r != nullptr && !r->samples.empty()) {
            span = std::max(span, seconds(r->samples.back().time));
        }
    }
    return span;
}

QVariantList CompareFeeder::summaryRows() const {
    const RunRecord* a = run(0);
    const RunRecord* b = run(1);
    QVariantList rows;
    if (a == nullptr || b == nullptr) {
        return rows;
    }
    using S = goflow::sim::Summary;
    const SummaryLine lines[] = {
        {tr("Offered"), [](const S& s) { return static_cast<double>(s.offered); }, 0, 0},
        {tr("Admitted"), [](const S& s) { return static_cast<double>(s.admitted); }, 0, 0},
        {tr("Rejected, limiter"),
         [](const S& s) { return static_cast<double>(s.rejected_by_limiter); }, 0, 1},
        {tr("Rejected, queue"), [](const S& s) { return static_cast<double>(s.rejected_by_queue); },
         0, 1},
        {tr("Rejected %"), [](const S& s) { return rejectedPercent(s); }, 2, 1},
        {tr("Completed"), [](const S& s) { return static_cast<double>(s.completed); }, 0, -1},
        {tr("Failed"), [](const S& s) { return static_cast<double>(s.failed); }, 0, 1},
        {tr("Timed out"), [](const S& s) { return static_cast<double>(s.timed_out); }, 0, 1},
        {tr("Retried"), [](const S& s) { return static_cast<double>(s.retried); }, 0, 1},
        {tr("Max queue depth"), [](const S& s) { return static_cast<double>(s.max_queue_depth); },
         0, 1},
        {tr("p50 latency (ms)"), [](const S& s) { return s.latency_p50_ms; }, 1, 1},
        {tr("p95 latency (ms)"), [](const S& s) { return s.latency_p95_ms; }, 1, 1},
        {tr("p99 latency (ms)"), [](const S& s) { return s.latency_p99_ms; }, 1, 1},
        {tr("Max latency (ms)"), [](const S& s) { return s.latency_max_ms; }, 1, 1},
        {tr("Throughput /s"), [](const S& s) { return s.throughput_per_s; }, 1, -1},
    };
    for (const SummaryLine& line : lines) {
        const double first = line.value(a->summary);
        const double second = line.value(b->summary);
        int worse = 0;
        if (second != first && line.higherIsWorse != 0) {
            worse = (second > first ? 1 : -1) * line.higherIsWorse;
        }
        rows.append(QVariantMap{
            {QStringLiteral("label"), line.label},
            {QStringLiteral("first"), formatNumber(first, line.decimals)},
            {QStringLiteral("second"), formatNumber(second, line.decimals)},
            {QStringLiteral("difference"), formatDifference(first, second, line.decimals)},
            {QStringLiteral("worse"), worse},
        });
    }
    return rows;
}
