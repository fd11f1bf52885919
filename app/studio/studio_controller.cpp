#include "studio_controller.h"

#include <QLoggingCategory>
#include <QUrl>

#include <chrono>

#include "scenario_catalog.h"

Q_LOGGING_CATEGORY(lcController, "goflow.studio.controller")

namespace {

using Runner = goflow::app::SimulationRunner;

Runner::Speed toRunnerSpeed(StudioController::Speed speed) {
    switch (speed) {
        case StudioController::Speed::RealTime:
            return Runner::Speed::RealTime;
        case StudioController::Speed::Times10:
            return Runner::Speed::Times10;
        case StudioController::Speed::AsFastAsPossible:
            return Runner::Speed::AsFastAsPossible;
    }
    return Runner::Speed::RealTime;
}

QString describeServiceTime(const goflow::sim::Distribution& st) {
    using Kind = goflow::sim::Distribution::Kind;
    const auto ms = [](goflow::Duration d) {
        return QString::number(std::chrono::duration<double, std::milli>(d).count(), 'g', 6);
    };
    switch (st.kind) {
        case Kind::constant:
            return StudioController::tr("constant %1 ms").arg(ms(st.mean));
        case Kind::exponential:
            return StudioController::tr("exponential, mean %1 ms").arg(ms(st.mean));
        case Kind::uniform:
            return StudioController::tr("uniform %1–%2 ms").arg(ms(st.min), ms(st.max));
        case Kind::lognormal:
            return StudioController::tr("log-normal, median %1 ms").arg(ms(st.median));
        case Kind::pareto:
            return StudioController::tr("Pareto, from %1 ms, alpha %2")
                .arg(ms(st.scale))
                .arg(st.alpha);
    }
    return {};
}

QString describeLimiter(const goflow::sim::LimiterConfig& limiter) {
    using Type = goflow::sim::LimiterConfig::Type;
    switch (limiter.type) {
        case Type::token_bucket:
            return StudioController::tr("token bucket %1/s, burst %2")
                .arg(limiter.rate)
                .arg(limiter.burst);
        case Type::leaky_bucket:
            return StudioController::tr("leaky bucket %1/s, slack %2")
                .arg(limiter.rate)
                .arg(limiter.slack);
        case Type::concurrency:
            return StudioController::tr("concurrency limit %1").arg(limiter.limit);
    }
    return {};
}

}  // namespace

StudioController::StudioController(QObject* parent) : QObject(parent) {
    connect(&m_runner, &Runner::samplesAppended, this, &StudioController::progressChanged);
    connect(&m_runner, &Runner::stateChanged, this, &StudioController::stateChanged);
}

bool StudioController::load(const QString& pathOrUrl) {
    const QUrl url(pathOrUrl);
    const QString path = url.isLocalFile() ? url.toLocalFile() : pathOrUrl;
    auto scenario = goflow::app::loadScenarioFile(path);
    if (!scenario) {
        setError(QString::fromStdString(scenario.error().describe()));
        qCWarning(lcController) << "cannot load scenario:" << m_error;
        return false;
    }
    m_runner.stop();
    m_scenario = std::move(*scenario);
    m_path = path;
    clearError();
    emit scenarioChanged();
    emit progressChanged();
    return true;
}

void StudioController::run() {
    if (!m_scenario) {
        setError(tr("Open a scenario before running it."));
        return;
    }
    if (m_runner.state() == Runner::State::Paused) {
        m_runner.resume();
        return;
    }
    m_runner.start(*m_scenario, toRunnerSpeed(m_speed));
}

void StudioController::pause() {
    m_runner.pause();
}

void StudioController::resume() {
    m_runner.resume();
}

void StudioController::stop() {
    m_runner.stop();
}

void StudioController::clearError() {
    setError({});
}

void StudioController::setError(const QString& message) {
    if (m_error == message) {
        return;
    }
    m_error = message;
    emit errorMessageChanged();
}

QString StudioController::scenarioName() const {
    return m_scenario ? QString::fromStdString(m_scenario->name) : QString();
}

QString StudioController::scenarioDescription() const {
    return m_scenario ? QString::fromStdString(m_scenario->description) : QString();
}

QString StudioController::scenarioDetails() const {
    if (!m_scenario) {
        return {};
    }
    const auto& pool = m_scenario->pool;
    QStringList limiters;
    for (const auto& requestClass : m_scenario->classes) {
        for (const auto& limiter : requestClass.limiters) {
            limiters.append(describeLimiter(limiter));
        }
    }
    if (limiters.isEmpty()) {
        limiters.append(tr("no limiter"));
    }
    QString details = tr("%1 · %2 workers, queue %3 · service %4")
                          .arg(limiters.join(QStringLiteral(", ")))
                          .arg(pool.servers)
                          .arg(pool.queue_capacity)
                          .arg(describeServiceTime(pool.service_time));
    if (!m_scenario->stages.empty()) {
        details +=
            tr(" · %n pipeline stage(s)", nullptr, static_cast<int>(m_scenario->stages.size()));
    }
    return details;
}

bool StudioController::hasTokenBucket() const {
    return m_scenario && m_scenario->first_token_bucket() != nullptr;
}

double StudioController::burst() const {
    return hasTokenBucket() ? static_cast<double>(m_scenario->first_token_bucket()->burst) : 0.0;
}

int StudioController::queueCapacity() const {
    return m_scenario ? m_scenario->pool.queue_capacity : 0;
}

int StudioController::workers() const {
    return m_scenario ? m_scenario->pool.servers : 0;
}

double StudioController::durationSeconds() const {
    return m_scenario ? std::chrono::duration<double>(m_scenario->load_duration()).count() : 0.0;
}

StudioController::RunState StudioController::state() const {
    switch (m_runner.state()) {
        case Runner::State::Idle:
            return RunState::Idle;
        case Runner::State::Running:
            return RunState::Running;
        case Runner::State::Paused:
            return RunState::Paused;
        case Runner::State::Finished:
            return RunState::Finished;
    }
    return RunState::Idle;
}

void StudioController::setSpeed(Speed speed) {
    if (m_speed == speed) {
        return;
    }
    m_speed = speed;
    m_runner.setSpeed(toRunnerSpeed(speed));
    emit speedChanged();
}

qint64 StudioController::rejectedByLimiter() const {
    return static_cast<qint64>(m_runner.summary().rejected_by_limiter);
}

qint64 StudioController::rejectedByQueue() const {
    return static_cast<qint64>(m_runner.summary().rejected_by_queue);
}
