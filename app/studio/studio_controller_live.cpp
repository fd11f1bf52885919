// StudioController's run mode and its live parameters: the part that routes to LiveSession.

#include <QVariantMap>

#include <chrono>
#include <cmath>

#include "studio_controller.h"

namespace {

using goflow::app::LiveSession;
using LimiterType = goflow::sim::LimiterConfig::Type;

bool isWholeNumber(double value) {
    return std::isfinite(value) && std::floor(value) == value;
}

}  // namespace

void StudioController::connectLiveSession() {
    connect(&m_live, &LiveSession::samplesAppended, this, &StudioController::onSamplesAppended);
    connect(&m_live, &LiveSession::stateChanged, this, [this] {
        emit stateChanged();
        emit liveParametersChanged();
    });
    connect(&m_live, &LiveSession::markersChanged, this, [this] {
        emit markersChanged();
        emit liveParametersChanged();
    });
}

const goflow::app::SampleWindow& StudioController::samples() const {
    return isLive() ? m_live.samples() : m_runner.samples();
}

const goflow::sim::Summary& StudioController::summary() const {
    return isLive() ? m_live.summary() : m_runner.summary();
}

double StudioController::elapsedSeconds() const {
    return isLive() ? m_live.elapsedSeconds() : m_runner.elapsedSeconds();
}

void StudioController::setRunMode(RunMode mode) {
    if (m_runMode == mode) {
        return;
    }
    if (isLive()) {
        m_live.stop();
    } else {
        m_runner.stop();
    }
    m_runMode = mode;
    restartCursor();
    emit runModeChanged();
    emit stateChanged();
    emit progressChanged();
    emit markersChanged();
    emit liveParametersChanged();
}

double StudioController::liveValue(const QString& parameter, double scenarioValue) const {
    if (isLive() && m_live.state() == LiveSession::State::Running) {
        return m_live.parameter(parameter).value_or(scenarioValue);
    }
    return scenarioValue;
}

int StudioController::liveWorkers() const {
    if (!m_scenario) {
        return 0;
    }
    return static_cast<int>(liveValue(QStringLiteral("pool.workers"), m_scenario->pool.servers));
}

QVariantList StudioController::liveLimiters() const {
    QVariantList out;
    if (!m_scenario) {
        return out;
    }
    const bool severalClasses = m_scenario->classes.size() > 1;
    for (std::size_t c = 0; c < m_scenario->classes.size(); ++c) {
        const auto& requestClass = m_scenario->classes[c];
        for (std::size_t i = 0; i < requestClass.limiters.size(); ++i) {
            const auto& limiter = requestClass.limiters[i];
            if (limiter.type == LimiterType::concurrency) {
                continue;  // it has neither a rate nor a burst
            }
            const QString prefix = QStringLiteral("classes[%1].limiters[%2].").arg(c).arg(i);
            const bool tokenBucket = limiter.type == LimiterType::token_bucket;
            QString title =
                tokenBucket ? tr("Token bucket %1").arg(i + 1) : tr("Leaky bucket %1").arg(i + 1);
            if (severalClasses) {
                title += tr(" (class %1)").arg(QString::fromStdString(requestClass.name));
            }
            QVariantMap entry;
            entry[QStringLiteral("classIndex")] = static_cast<int>(c);
            entry[QStringLiteral("limiterIndex")] = static_cast<int>(i);
            entry[QStringLiteral("title")] = title;
            entry[QStringLiteral("hasBurst")] = tokenBucket;
            entry[QStringLiteral("rate")] =
                liveValue(prefix + QStringLiteral("rate"), limiter.rate);
            entry[QStringLiteral("burst")] = tokenBucket
                                                 ? liveValue(prefix + QStringLiteral("burst"),
                                                             static_cast<double>(limiter.burst))
                                                 : 0.0;
            out.append(entry);
        }
    }
    return out;
}

QVariantList StudioController::liveStages() const {
    QVariantList out;
    if (!m_scenario) {
        return out;
    }
    for (std::size_t s = 0; s < m_scenario->stages.size(); ++s) {
        const auto& stage = m_scenario->stages[s];
        QVariantMap entry;
        entry[QStringLiteral("index")] = static_cast<int>(s);
        entry[QStringLiteral("name")] = QString::fromStdString(stage.name);
        entry[QStringLiteral("concurrency")] = static_cast<int>(
            liveValue(QStringLiteral("stages[%1].concurrency").arg(s), stage.servers));
        out.append(entry);
    }
    return out;
}

QVariantList StudioController::markers() const {
    QVariantList out;
    if (!isLive()) {
        return out;
    }
    for (const auto& marker : m_live.markers()) {
        QVariantMap entry;
        entry[QStringLiteral("time")] = marker.timeSeconds;
        entry[QStringLiteral("parameter")] = marker.parameter;
        entry[QStringLiteral("oldValue")] = marker.oldValue;
        entry[QStringLiteral("newValue")] = marker.newValue;
        entry[QStringLiteral("label")] = marker.label();
        out.append(entry);
    }
    return out;
}

bool StudioController::checkLiveRunning(const QString& parameterDescription) {
    if (!m_scenario) {
        setError(tr("Cannot change %1: open a scenario and start a live run first.")
                     .arg(parameterDescription));
        return false;
    }
    if (!isLive() || m_live.state() != LiveSession::State::Running) {
        setError(tr("Cannot change %1: switch to live mode and start a run first.")
                     .arg(parameterDescription));
        return false;
    }
    return true;
}

const goflow::sim::LimiterConfig* StudioController::liveLimiter(int classIndex, int limiterIndex) {
    const auto& classes = m_scenario->classes;
    if (classIndex < 0 || static_cast<std::size_t>(classIndex) >= classes.size()) {
        setError(tr("There is no request class %1; the scenario has %2.")
                     .arg(classIndex)
                     .arg(classes.size()));
        return nullptr;
    }
    const auto& limiters = classes[static_cast<std::size_t>(classIndex)].limiters;
    if (limiterIndex < 0 || static_cast<std::size_t>(limiterIndex) >= limiters.size()) {
        setError(tr("There is no limiter %1 in class %2; it has %3.")
                     .arg(limiterIndex)
                     .arg(classIndex)
                     .arg(limiters.size()));
        return nullptr;
    }
    return &limiters[static_cast<std::size_t>(limiterIndex)];
}

bool StudioController::applyLiveParameter(const QString& parameter, double value) {
    if (!m_live.setParameter(parameter, value)) {
        setError(m_live.errorString());
        return false;
    }
    clearError();
    return true;
}

bool StudioController::setLimiterRate(int classIndex, int limiterIndex, double rate) {
    if (!checkLiveRunning(tr("the limiter rate"))) {
        return false;
    }
    const auto* limiter = liveLimiter(classIndex, limiterIndex);
    if (limiter == nullptr) {
        return false;
    }
    if (limiter->type == LimiterType::concurrency) {
        setError(tr("Limiter %1 is a concurrency limiter and has no rate.").arg(limiterIndex));
        return false;
    }
    if (!std::isfinite(rate) || rate <= 0) {
        setError(tr("The rate must be greater than 0 requests per second, got %1.").arg(rate));
        return false;
    }
    return applyLiveParameter(
        QStringLiteral("classes[%1].limiters[%2].rate").arg(classIndex).arg(limiterIndex), rate);
}

bool StudioController::setLimiterBurst(int classIndex, int limiterIndex, double burst) {
    if (!checkLiveRunning(tr("the limiter burst"))) {
        return false;
    }
    const auto* limiter = liveLimiter(classIndex, limiterIndex);
    if (limiter == nullptr) {
        return false;
    }
    if (limiter->type != LimiterType::token_bucket) {
        setError(tr("Limiter %1 is not a token bucket and has no burst.").arg(limiterIndex));
        return false;
    }
    if (!isWholeNumber(burst) || burst < 1) {
        setError(tr("The burst must be a whole number of at least 1 token, got %1.").arg(burst));
        return false;
    }
    return applyLiveParameter(
        QStringLiteral("classes[%1].limiters[%2].burst").arg(classIndex).arg(limiterIndex), burst);
}

bool StudioController::setLiveWorkers(double workers) {
    if (!checkLiveRunning(tr("the worker count"))) {
        return false;
    }
    if (!isWholeNumber(workers) || workers < 1) {
        setError(tr("The worker count must be a whole number of at least 1, got %1.").arg(workers));
        return false;
    }
    return applyLiveParameter(QStringLiteral("pool.workers"), workers);
}

bool StudioController::setStageConcurrency(int stage, double concurrency) {
    if (!checkLiveRunning(tr("the stage concurrency"))) {
        return false;
    }
    if (stage < 0 || static_cast<std::size_t>(stage) >= m_scenario->stages.size()) {
        setError(tr("There is no pipeline stage %1; the scenario has %2.")
                     .arg(stage)
                     .arg(m_scenario->stages.size()));
        return false;
    }
    if (!isWholeNumber(concurrency) || concurrency < 1) {
        setError(tr("The stage concurrency must be a whole number of at least 1, got %1.")
                     .arg(concurrency));
        return false;
    }
    return applyLiveParameter(QStringLiteral("stages[%1].concurrency").arg(stage), concurrency);
}
