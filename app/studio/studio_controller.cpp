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
    connect(&m_runner, &Runner::stateChanged, this, [this](Runner::State state) {
        if (state == Runner::State::Finished && m_scenario) {
            emit runFinished(m_history.add(*m_scenario, m_runner.samples(), m_runner.summary()));
        }
    });
}

void StudioController::loadScenario(goflow::sim::Scenario scenario, const QString& path) {
    m_runner.stop();
    m_scenario = std::move(scenario);
    m_path = path;
    chooseChartedLimiter();
    clearError();
    emit scenarioChanged();
    emit progressChanged();
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
    chooseChartedLimiter();
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

void StudioController::chooseChartedLimiter() {
    m_limiterIndex = m_limiterClass = m_limiterInClass = -1;
    if (!m_scenario) {
        return;
    }
    using Type = goflow::sim::LimiterConfig::Type;
    for (const bool tokenBucketsOnly : {true, false}) {
        int flat = 0;
        for (std::size_t c = 0; c < m_scenario->classes.size(); ++c) {
            const auto& limiters = m_scenario->classes[c].limiters;
            for (std::size_t i = 0; i < limiters.size(); ++i, ++flat) {
                if (!tokenBucketsOnly || limiters[i].type == Type::token_bucket) {
                    m_limiterIndex = flat;
                    m_limiterClass = static_cast<int>(c);
                    m_limiterInClass = static_cast<int>(i);
                    return;
                }
            }
        }
    }
}

const goflow::sim::LimiterConfig* StudioController::chartedLimiter() const {
    if (!m_scenario || m_limiterIndex < 0) {
        return nullptr;
    }
    return &m_scenario->classes[static_cast<std::size_t>(m_limiterClass)]
                .limiters[static_cast<std::size_t>(m_limiterInClass)];
}

QString StudioController::limiterTitle() const {
    const auto* limiter = chartedLimiter();
    if (limiter == nullptr) {
        return tr("Limiter");
    }
    QString title;
    switch (limiter->type) {
        case goflow::sim::LimiterConfig::Type::token_bucket:
            title = tr("Token bucket level");
            break;
        case goflow::sim::LimiterConfig::Type::leaky_bucket:
            title = tr("Leaky bucket backlog");
            break;
        case goflow::sim::LimiterConfig::Type::concurrency:
            title = tr("Concurrency limiter permits");
            break;
    }
    if (m_scenario->classes.size() > 1) {
        title +=
            tr(" (class %1)").arg(QString::fromStdString(m_scenario->classes[m_limiterClass].name));
    }
    return title;
}

QString StudioController::limiterValueName() const {
    const auto* limiter = chartedLimiter();
    if (limiter == nullptr) {
        return {};
    }
    switch (limiter->type) {
        case goflow::sim::LimiterConfig::Type::token_bucket:
            return tr("tokens");
        case goflow::sim::LimiterConfig::Type::leaky_bucket:
            return tr("slots promised");
        case goflow::sim::LimiterConfig::Type::concurrency:
            return tr("permits in use");
    }
    return {};
}

QString StudioController::limiterReferenceName() const {
    const auto* limiter = chartedLimiter();
    if (limiter == nullptr) {
        return {};
    }
    switch (limiter->type) {
        case goflow::sim::LimiterConfig::Type::token_bucket:
            return tr("burst");
        case goflow::sim::LimiterConfig::Type::leaky_bucket:
            return tr("slack + 1");
        case goflow::sim::LimiterConfig::Type::concurrency:
            return tr("limit");
    }
    return {};
}

QList<QPointF> StudioController::limiterReferenceSteps(double endSeconds) const {
    const auto* limiter = chartedLimiter();
    if (limiter == nullptr) {
        return {};
    }
    const char* field = "burst";
    double offset = 0;
    if (limiter->type == goflow::sim::LimiterConfig::Type::leaky_bucket) {
        field = "slack";
        offset = 1;
    } else if (limiter->type == goflow::sim::LimiterConfig::Type::concurrency) {
        field = "limit";
    }
    const QString longName = QStringLiteral("classes[%1].limiters[%2].%3")
                                 .arg(m_limiterClass)
                                 .arg(m_limiterInClass)
                                 .arg(QLatin1String(field));
    const QString shortName =
        QStringLiteral("limiters[%1].%2").arg(m_limiterInClass).arg(QLatin1String(field));
    double level = limiterReference();
    QList<QPointF> steps{QPointF(0, level)};
    for (const auto& change : m_scenario->changes) {
        const QString name = QString::fromStdString(change.parameter);
        if (name != longName && !(m_limiterClass == 0 && name == shortName)) {
            continue;
        }
        const double at = std::chrono::duration<double>(change.at).count();
        steps.append(QPointF(at, level));
        level = change.value + offset;
        steps.append(QPointF(at, level));
    }
    steps.append(QPointF(std::max(endSeconds, steps.back().x()), level));
    return steps;
}

double StudioController::limiterReference() const {
    const auto* limiter = chartedLimiter();
    if (limiter == nullptr) {
        return 0.0;
    }
    switch (limiter->type) {
        case goflow::sim::LimiterConfig::Type::token_bucket:
            return static_cast<double>(limiter->burst);
        case goflow::sim::LimiterConfig::Type::leaky_bucket:
            return static_cast<double>(limiter->slack + 1);
        case goflow::sim::LimiterConfig::Type::concurrency:
            return static_cast<double>(limiter->limit);
    }
    return 0.0;
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
