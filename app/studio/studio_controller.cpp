#include "studio_controller.h"

#include <QLoggingCategory>
#include <QUrl>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <utility>
#include <vector>

#include "scenario_catalog.h"

Q_LOGGING_CATEGORY(lcController, "goflow.studio.controller")

namespace {

using Runner = goflow::app::SimulationRunner;

// Returns the scenario seconds per wall second of a live run. A live run has no "as fast as
// possible": its tasks really sleep, so that speed runs at 10, the fastest speed that keeps tasks
// of a few milliseconds faithful (see goflow/sim/live_runner.hpp). A ScaledClock's speed is fixed,
// so a speed change during a live run applies from the next run.
double liveSpeedFactor(double speed) {
    return speed == StudioController::kAsFastAsPossible ? 10.0 : speed;
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
    connect(&m_runner, &Runner::samplesAppended, this, &StudioController::onSamplesAppended);
    connect(&m_runner, &Runner::stateChanged, this, &StudioController::stateChanged);
    connectLiveSession();
    connect(&m_runner, &Runner::stateChanged, this, [this](Runner::State state) {
        if (state == Runner::State::Finished && m_scenario) {
            emit runFinished(
                m_history.add(*m_scenario, m_runner.samples().toVector(), m_runner.summary()));
        }
    });
    connect(&m_live, &goflow::app::LiveSession::stateChanged, this, [this] {
        if (m_live.state() == goflow::app::LiveSession::State::Finished && m_scenario) {
            emit runFinished(
                m_history.add(*m_scenario, m_live.samples().toVector(), m_live.summary()));
        }
    });
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
    loadScenario(std::move(*scenario), path);
    return true;
}

void StudioController::loadScenario(goflow::sim::Scenario scenario, const QString& path) {
    m_runner.stop();
    m_live.stop();
    restartCursor();
    m_scenario = std::move(scenario);
    m_path = path;
    chooseChartedLimiter();
    clearError();
    emit scenarioChanged();
    emit progressChanged();
    emit liveParametersChanged();
}

bool StudioController::loadScenarioText(const QString& jsonText, const QString& baseDirectory,
                                        const QString& path) {
    auto scenario = goflow::sim::load_scenario(
        jsonText.toStdString(), baseDirectory.isEmpty() ? "." : baseDirectory.toStdString());
    if (!scenario) {
        setError(tr("Cannot run the edited scenario: %1")
                     .arg(QString::fromStdString(scenario.error().message)));
        qCWarning(lcController) << "cannot load edited scenario:" << m_error;
        return false;
    }
    loadScenario(std::move(*scenario), path);
    return true;
}

void StudioController::run() {
    if (!m_scenario) {
        setError(tr("Open a scenario before running it."));
        return;
    }
    if (isLive()) {
        restartCursor();
        if (!m_live.start(*m_scenario, liveSpeedFactor(m_speed))) {
            setError(m_live.errorString());
        }
        return;
    }
    if (m_runner.state() == Runner::State::Paused) {
        m_runner.resume();
        return;
    }
    restartCursor();
    m_runner.start(*m_scenario, m_speed);
}

void StudioController::simulate() {
    if (!m_scenario) {
        setError(tr("Open a scenario before simulating it."));
        return;
    }
    setRunMode(RunMode::Replay);
    restartCursor();
    m_runner.simulate(*m_scenario);
}

void StudioController::showRecordedRun(std::vector<goflow::sim::Sample> samples,
                                       goflow::sim::Summary summary) {
    restartCursor();
    m_runner.showRecordedRun(std::move(samples), std::move(summary));
}

void StudioController::togglePause() {
    if (isLive()) {
        if (m_live.state() == goflow::app::LiveSession::State::Running) {
            pause();  // sets the error that explains why a live run cannot pause
        } else {
            run();
        }
        return;
    }
    switch (m_runner.state()) {
        case Runner::State::Running:
            m_runner.pause();
            break;
        case Runner::State::Paused:
            m_runner.resume();
            break;
        case Runner::State::Idle:
        case Runner::State::Finished:
            run();
            break;
    }
}

void StudioController::step() {
    if (!m_cursorFollowsRun && cursorIndex() + 1 < sampleCount()) {
        stepCursor(1);
        return;
    }
    if (isLive()) {
        return;  // a live run advances with the wall clock; only the cursor can step
    }
    if (m_runner.state() == Runner::State::Idle) {
        if (!m_scenario) {
            setError(tr("Open a scenario before stepping through it."));
            return;
        }
        restartCursor();
        m_runner.start(*m_scenario, m_speed, true);
    }
    if (m_runner.state() == Runner::State::Paused) {
        followRun();
        m_runner.step();
    }
}

void StudioController::restartCursor() {
    m_cursorFollowsRun = true;
    m_cursorSeconds = 0;
    emit cursorChanged();
}

void StudioController::onSamplesAppended(int /*first*/, int /*count*/) {
    emit progressChanged();
    if (m_cursorFollowsRun) {
        emit cursorChanged();
    }
}

double StudioController::recordedSeconds() const {
    const auto& recorded = samples();
    return recorded.empty() ? 0.0 : std::chrono::duration<double>(recorded.back().time).count();
}

double StudioController::keptFromSeconds() const {
    const auto& recorded = samples();
    return recorded.firstIndex() == 0
               ? 0.0
               : std::chrono::duration<double>(recorded.front().time).count();
}

double StudioController::cursorSeconds() const {
    return m_cursorFollowsRun ? recordedSeconds()
                              : std::clamp(m_cursorSeconds, keptFromSeconds(), recordedSeconds());
}

void StudioController::setCursorSeconds(double seconds) {
    if (!std::isfinite(seconds)) {
        return;
    }
    const double clamped = std::clamp(seconds, keptFromSeconds(), recordedSeconds());
    if (!m_cursorFollowsRun && clamped == m_cursorSeconds) {
        return;
    }
    m_cursorFollowsRun = false;
    m_cursorSeconds = clamped;
    emit cursorChanged();
}

int StudioController::cursorIndex() const {
    const auto& samples = this->samples();
    if (samples.empty()) {
        return -1;
    }
    if (m_cursorFollowsRun) {
        return static_cast<int>(samples.endIndex()) - 1;
    }
    // Sample times rise strictly, so the newest sample at or before the cursor is found by
    // binary search. A small tolerance absorbs the rounding of seconds back from the slider.
    const double cursor = cursorSeconds() + 1e-9;
    const auto after = std::upper_bound(
        samples.begin(), samples.end(), cursor, [](double t, const goflow::sim::Sample& sample) {
            return t < std::chrono::duration<double>(sample.time).count();
        });
    if (after == samples.begin()) {
        // Before the first sample of the run there is none; once older samples are gone the
        // cursor stands on the oldest kept.
        return samples.firstIndex() == 0 ? -1 : static_cast<int>(samples.firstIndex());
    }
    return static_cast<int>(after.index()) - 1;
}

void StudioController::stepCursor(int samples) {
    const auto& recorded = this->samples();
    if (recorded.empty() || samples == 0) {
        return;
    }
    const int first = static_cast<int>(recorded.firstIndex());
    const int last = static_cast<int>(recorded.endIndex()) - 1;
    const int index = std::clamp(cursorIndex() + samples, first, last);
    m_cursorFollowsRun = false;
    m_cursorSeconds =
        std::chrono::duration<double>(recorded[static_cast<std::size_t>(index)].time).count();
    emit cursorChanged();
}

void StudioController::followRun() {
    if (m_cursorFollowsRun) {
        return;
    }
    m_cursorFollowsRun = true;
    emit cursorChanged();
}

void StudioController::pause() {
    if (isLive()) {
        if (m_live.state() == goflow::app::LiveSession::State::Running) {
            setError(
                tr("A live run cannot pause because its primitives run on real threads. "
                   "Stop it instead."));
        }
        return;
    }
    m_runner.pause();
}

void StudioController::resume() {
    if (!isLive()) {
        m_runner.resume();
    }
}

void StudioController::stop() {
    if (isLive()) {
        m_live.stop();
        return;
    }
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
    QStringList names{QStringLiteral("classes[%1].limiters[%2].%3")
                          .arg(m_limiterClass)
                          .arg(m_limiterInClass)
                          .arg(QLatin1String(field))};
    if (m_limiterClass == 0) {
        names.append(
            QStringLiteral("limiters[%1].%2").arg(m_limiterInClass).arg(QLatin1String(field)));
    }
    return parameterSteps(names, limiterReference(), offset, endSeconds);
}

QList<QPointF> StudioController::parameterSteps(const QStringList& names, double initial,
                                                double offset, double endSeconds) const {
    // (time in seconds, new value) of the scripted changes and, in live mode, the live ones.
    std::vector<std::pair<double, double>> changes;
    for (const auto& change : m_scenario->changes) {
        if (names.contains(QString::fromStdString(change.parameter))) {
            changes.emplace_back(std::chrono::duration<double>(change.at).count(), change.value);
        }
    }
    if (isLive()) {
        for (const auto& marker : m_live.markers()) {
            if (names.contains(marker.parameter)) {
                changes.emplace_back(marker.timeSeconds, marker.newValue);
            }
        }
    }
    std::stable_sort(changes.begin(), changes.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    double level = initial;
    QList<QPointF> steps{QPointF(0, level)};
    for (const auto& [at, value] : changes) {
        steps.append(QPointF(at, level));
        level = value + offset;
        steps.append(QPointF(at, level));
    }
    steps.append(QPointF(std::max(endSeconds, steps.back().x()), level));
    return steps;
}

const goflow::sim::StationConfig* StudioController::station(int index) const {
    if (!m_scenario || index < 0 || static_cast<std::size_t>(index) > m_scenario->stages.size()) {
        return nullptr;
    }
    if (index == 0) {
        return &m_scenario->pool;
    }
    return &m_scenario->stages[static_cast<std::size_t>(index - 1)];
}

QStringList StudioController::stationNames() const {
    QStringList names;
    if (!m_scenario) {
        return names;
    }
    names.append(tr("Worker pool"));
    for (std::size_t i = 0; i < m_scenario->stages.size(); ++i) {
        const QString name = QString::fromStdString(m_scenario->stages[i].name);
        names.append(name.isEmpty() ? tr("Stage %1").arg(i + 1) : tr("Stage: %1").arg(name));
    }
    return names;
}

int StudioController::stationCapacity(int index) const {
    const auto* config = station(index);
    return config == nullptr ? 0 : config->queue_capacity;
}

int StudioController::stationServers(int index) const {
    const auto* config = station(index);
    return config == nullptr ? 0 : config->servers;
}

QList<QPointF> StudioController::stationCapacitySteps(int index, double endSeconds) const {
    if (station(index) == nullptr) {
        return {};
    }
    const QString name = index == 0 ? QStringLiteral("pool.queue_capacity")
                                    : QStringLiteral("stages[%1].queue_capacity").arg(index - 1);
    return parameterSteps({name}, stationCapacity(index), 0, endSeconds);
}

QList<QPointF> StudioController::stationServerSteps(int index, double endSeconds) const {
    if (station(index) == nullptr) {
        return {};
    }
    const QString name = index == 0 ? QStringLiteral("pool.workers")
                                    : QStringLiteral("stages[%1].concurrency").arg(index - 1);
    return parameterSteps({name}, stationServers(index), 0, endSeconds);
}

double StudioController::sampleIntervalSeconds() const {
    return m_scenario ? std::chrono::duration<double>(m_scenario->sample_interval).count() : 0.0;
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
    if (isLive()) {
        switch (m_live.state()) {
            case goflow::app::LiveSession::State::Idle:
                return RunState::Idle;
            case goflow::app::LiveSession::State::Running:
                return RunState::Running;
            case goflow::app::LiveSession::State::Finished:
                return RunState::Finished;
        }
        return RunState::Idle;
    }
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

void StudioController::setSpeed(double speed) {
    if (!Runner::isValidSpeedFactor(speed)) {
        setError(tr("Invalid replay speed %1: use a factor from %2 to %3, or as fast as possible.")
                     .arg(speed)
                     .arg(Runner::kMinSpeedFactor)
                     .arg(Runner::kMaxSpeedFactor));
        return;
    }
    if (m_speed == speed) {
        return;
    }
    m_speed = speed;
    m_runner.setSpeedFactor(speed);
    emit speedChanged();
}

void StudioController::setSpeed(Speed speed) {
    switch (speed) {
        case Speed::RealTime:
            setSpeed(1.0);
            return;
        case Speed::Times10:
            setSpeed(10.0);
            return;
        case Speed::AsFastAsPossible:
            setSpeed(kAsFastAsPossible);
            return;
    }
}

bool StudioController::setSpeedText(const QString& text) {
    const auto factor = Runner::parseSpeedFactor(text);
    if (!factor) {
        setError(tr("Invalid replay speed \"%1\": use a factor from %2 to %3 such as 0.5 or 10, "
                    "\"realtime\" or \"max\".")
                     .arg(text)
                     .arg(Runner::kMinSpeedFactor)
                     .arg(Runner::kMaxSpeedFactor));
        return false;
    }
    setSpeed(*factor);
    return true;
}

QString StudioController::speedText() const {
    if (m_speed == kAsFastAsPossible) {
        return tr("max");
    }
    return tr("%1×").arg(m_speed);
}

QVariantList StudioController::speedSteps() {
    QVariantList steps;
    for (const double step : Runner::speedSteps()) {
        steps.append(step);
    }
    return steps;
}

// The speed steps run from slowest to fastest with kAsFastAsPossible last, so "faster" moves
// towards the end of the list. A speed between two steps moves to the neighbouring step.
void StudioController::speedUp() {
    const QList<double> steps = Runner::speedSteps();
    if (m_speed == kAsFastAsPossible) {
        return;
    }
    for (const double step : steps) {
        if (step == kAsFastAsPossible || step > m_speed) {
            setSpeed(step);
            return;
        }
    }
}

void StudioController::speedDown() {
    const QList<double> steps = Runner::speedSteps();
    if (m_speed == kAsFastAsPossible) {
        setSpeed(steps[steps.size() - 2]);
        return;
    }
    for (auto it = steps.rbegin(); it != steps.rend(); ++it) {
        if (*it != kAsFastAsPossible && *it < m_speed) {
            setSpeed(*it);
            return;
        }
    }
}

qint64 StudioController::rejectedByLimiter() const {
    return static_cast<qint64>(summary().rejected_by_limiter);
}

qint64 StudioController::rejectedByQueue() const {
    return static_cast<qint64>(summary().rejected_by_queue);
}
