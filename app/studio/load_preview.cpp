#include "load_preview.h"

#include <QtCharts/QXYSeries>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numbers>

#include "scenario_document.h"

namespace goflow::app {
namespace {

using goflow::sim::LoadConfig;
using goflow::sim::LoadPhase;

double toSeconds(goflow::Duration d) {
    return std::chrono::duration<double>(d).count();
}

// Returns the expected number of requests of one phase: the integral of its rate.
double phaseRequests(const LoadPhase& p) {
    const double length = toSeconds(p.duration);
    switch (p.shape) {
        case LoadPhase::Shape::constant:
            return p.rate * length;
        case LoadPhase::Shape::ramp:
            return (p.from + p.to) / 2 * length;
        case LoadPhase::Shape::sine: {
            const double period = toSeconds(p.period);
            const double angle = 2 * std::numbers::pi * length / period;
            return p.mean * length +
                   p.amplitude * period / (2 * std::numbers::pi) * (1 - std::cos(angle));
        }
    }
    return 0;
}

}  // namespace

double offeredRateAt(const LoadConfig& load, double seconds) {
    if (load.model == LoadConfig::Model::closed || seconds < 0) {
        return 0;
    }
    if (!load.trace.empty()) {
        const auto from =
            std::chrono::duration_cast<goflow::Duration>(std::chrono::duration<double>(seconds));
        const auto to = std::chrono::duration_cast<goflow::Duration>(
            std::chrono::duration<double>(seconds + 1));
        const auto first = std::lower_bound(load.trace.begin(), load.trace.end(), from);
        const auto last = std::lower_bound(load.trace.begin(), load.trace.end(), to);
        return static_cast<double>(last - first);
    }
    double start = 0;
    for (const LoadPhase& phase : load.phases) {
        const double end = start + toSeconds(phase.duration);
        if (seconds < end) {
            return phase.rate_at(std::chrono::duration_cast<goflow::Duration>(
                std::chrono::duration<double>(seconds - start)));
        }
        start = end;
    }
    return 0;
}

QList<QPointF> offeredRatePoints(const LoadConfig& load, int maxPoints) {
    QList<QPointF> points;
    if (load.model == LoadConfig::Model::closed) {
        return points;
    }
    maxPoints = std::max(maxPoints, 2);
    if (!load.trace.empty()) {
        const double length = std::max(toSeconds(load.trace.back()), 1e-3);
        const int bins = std::max(1, maxPoints / 2);
        const double width = length / bins;
        std::vector<double> counts(static_cast<std::size_t>(bins), 0.0);
        for (const goflow::Duration t : load.trace) {
            const auto bin = std::min<std::size_t>(static_cast<std::size_t>(toSeconds(t) / width),
                                                   counts.size() - 1);
            counts[bin] += 1;
        }
        points.reserve(bins * 2);
        for (int b = 0; b < bins; ++b) {
            const double rate = counts[static_cast<std::size_t>(b)] / width;
            points.append({b * width, rate});
            points.append({(b + 1) * width, rate});
        }
        return points;
    }
    const int perPhaseBudget =
        std::max(16, maxPoints / std::max<int>(1, static_cast<int>(load.phases.size())));
    double start = 0;
    for (const LoadPhase& phase : load.phases) {
        const double length = toSeconds(phase.duration);
        const double end = start + length;
        switch (phase.shape) {
            case LoadPhase::Shape::constant:
                points.append({start, phase.rate});
                points.append({end, phase.rate});
                break;
            case LoadPhase::Shape::ramp:
                points.append({start, phase.from});
                points.append({end, phase.to});
                break;
            case LoadPhase::Shape::sine: {
                // 32 points per period draw a smooth wave.
                const double periods = length / toSeconds(phase.period);
                const int count =
                    std::clamp(static_cast<int>(std::ceil(periods * 32)) + 1, 16, perPhaseBudget);
                for (int k = 0; k < count; ++k) {
                    const double offset = length * k / (count - 1);
                    points.append(
                        {start + offset, phase.rate_at(std::chrono::duration_cast<goflow::Duration>(
                                             std::chrono::duration<double>(offset)))});
                }
                break;
            }
        }
        start = end;
    }
    return points;
}

}  // namespace goflow::app

LoadPreview::LoadPreview(QObject* parent) : QObject(parent) {}

void LoadPreview::setDocument(ScenarioDocument* document) {
    if (m_document == document) {
        return;
    }
    if (m_document) {
        disconnect(m_document, nullptr, this, nullptr);
    }
    m_document = document;
    if (m_document) {
        connect(m_document, &ScenarioDocument::scenarioEdited, this, &LoadPreview::previewChanged);
        connect(m_document, &ScenarioDocument::scenarioReplaced, this,
                &LoadPreview::previewChanged);
    }
    emit documentChanged();
    emit previewChanged();
}

void LoadPreview::setClassIndex(int index) {
    if (m_classIndex == index) {
        return;
    }
    m_classIndex = index;
    emit classIndexChanged();
    emit previewChanged();
}

const goflow::sim::LoadConfig* LoadPreview::load() const {
    if (!m_document) {
        return nullptr;
    }
    const auto& classes = m_document->scenario().classes;
    if (m_classIndex < 0 || m_classIndex >= static_cast<int>(classes.size())) {
        return nullptr;
    }
    return &classes[static_cast<std::size_t>(m_classIndex)].load;
}

double LoadPreview::durationSeconds() const {
    const auto* l = load();
    return l != nullptr ? std::chrono::duration<double>(l->duration()).count() : 0;
}

double LoadPreview::peakRate() const {
    const auto* l = load();
    if (l == nullptr) {
        return 0;
    }
    double peak = 0;
    for (const QPointF& point : goflow::app::offeredRatePoints(*l)) {
        peak = std::max(peak, point.y());
    }
    return peak;
}

double LoadPreview::totalRequests() const {
    const auto* l = load();
    if (l == nullptr || l->model == goflow::sim::LoadConfig::Model::closed) {
        return 0;
    }
    if (!l->trace.empty()) {
        return static_cast<double>(l->trace.size());
    }
    double total = 0;
    for (const auto& phase : l->phases) {
        total += goflow::app::phaseRequests(phase);
    }
    return total;
}

QString LoadPreview::emptyText() const {
    const auto* l = load();
    if (l == nullptr) {
        return tr("No load to preview.");
    }
    if (l->model == goflow::sim::LoadConfig::Model::closed) {
        return tr(
            "A closed load has no fixed rate: %n clients send as fast as responses and "
            "think time allow.",
            nullptr, l->clients);
    }
    return {};
}

void LoadPreview::update(QAbstractSeries* series) const {
    auto* xy = qobject_cast<QXYSeries*>(series);
    if (xy == nullptr) {
        return;
    }
    const auto* l = load();
    xy->replace(l != nullptr ? goflow::app::offeredRatePoints(*l) : QList<QPointF>());
}
