#include "theory_model.h"

#include <QLoggingCategory>
#include <QtCharts/QXYSeries>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "scenario_catalog.h"

Q_LOGGING_CATEGORY(lcTheory, "goflow.studio.theory")

namespace {

using goflow::sim::ArrivalProcess;
using goflow::sim::Distribution;
using goflow::sim::LimiterConfig;
using goflow::sim::LoadConfig;
using goflow::sim::LoadPhase;
using goflow::sim::PoolConfig;
using goflow::sim::Scenario;
namespace queueing = goflow::app::queueing;

double seconds(goflow::Duration d) {
    return std::chrono::duration<double>(d).count();
}

QString number(double value) {
    return QString::number(value, 'g', 4);
}

QString distributionName(Distribution::Kind kind) {
    switch (kind) {
        case Distribution::Kind::constant:
            return TheoryModel::tr("constant");
        case Distribution::Kind::exponential:
            return TheoryModel::tr("exponential");
        case Distribution::Kind::uniform:
            return TheoryModel::tr("uniform");
        case Distribution::Kind::lognormal:
            return TheoryModel::tr("log-normal");
        case Distribution::Kind::pareto:
            return TheoryModel::tr("Pareto");
    }
    return {};
}

QString className(const Scenario& scenario, std::size_t index) {
    const std::string& name = scenario.classes[index].name;
    if (scenario.classes.size() == 1) {
        return TheoryModel::tr("the load");
    }
    return TheoryModel::tr("class %1")
        .arg(name.empty() ? QString::number(index + 1) : QString::fromStdString(name));
}

// Returns why the arrivals at the pool are not one Poisson stream at a constant rate, or an
// empty string and the total rate in `rate`.
QString checkArrivals(const Scenario& scenario, double& rate) {
    rate = 0;
    if (scenario.classes.empty()) {
        return TheoryModel::tr("the scenario has no load");
    }
    const auto length = scenario.load_duration();
    for (std::size_t c = 0; c < scenario.classes.size(); ++c) {
        const auto& requestClass = scenario.classes[c];
        const LoadConfig& load = requestClass.load;
        const QString who = className(scenario, c);
        if (load.model == LoadConfig::Model::closed) {
            return TheoryModel::tr(
                       "%1 uses the closed model, so each client waits for its reply "
                       "and arrivals depend on the queue")
                .arg(who);
        }
        if (!load.trace.empty()) {
            return TheoryModel::tr("%1 replays a trace, not Poisson arrivals").arg(who);
        }
        if (load.arrivals != ArrivalProcess::poisson) {
            return TheoryModel::tr("%1 has evenly spaced arrivals, not random (Poisson) ones")
                .arg(who);
        }
        if (load.phases.empty()) {
            return TheoryModel::tr("%1 has no load phases").arg(who);
        }
        for (const LoadPhase& phase : load.phases) {
            if (phase.shape != LoadPhase::Shape::constant) {
                return TheoryModel::tr(
                           "the arrival rate of %1 %2, and the formulas need one "
                           "constant rate")
                    .arg(who, phase.shape == LoadPhase::Shape::ramp ? TheoryModel::tr("ramps")
                                                                    : TheoryModel::tr("swings"));
            }
            if (phase.rate != load.phases.front().rate) {
                return TheoryModel::tr(
                           "the arrival rate of %1 changes from %2/s to %3/s, and "
                           "the formulas need one constant rate")
                    .arg(who, number(load.phases.front().rate), number(phase.rate));
            }
        }
        if (load.duration() != length) {
            return TheoryModel::tr(
                       "%1 stops after %2 s while the run's load lasts %3 s, so the "
                       "total rate changes")
                .arg(who, number(seconds(load.duration())), number(seconds(length)));
        }
        if (requestClass.client.max_retries > 0) {
            return TheoryModel::tr(
                       "clients of %1 retry, which adds arrivals that depend on the "
                       "queue")
                .arg(who);
        }
        const std::int64_t inPool =
            static_cast<std::int64_t>(scenario.pool.servers) + scenario.pool.queue_capacity;
        for (const LimiterConfig& limiter : requestClass.limiters) {
            if (limiter.type == LimiterConfig::Type::token_bucket) {
                return TheoryModel::tr(
                           "a token bucket reshapes the arrivals of %1, so they are "
                           "no longer Poisson")
                    .arg(who);
            }
            if (limiter.type == LimiterConfig::Type::leaky_bucket) {
                return TheoryModel::tr(
                           "a leaky bucket spaces out the arrivals of %1, so they "
                           "are no longer Poisson")
                    .arg(who);
            }
            if (limiter.limit < inPool) {
                return TheoryModel::tr(
                           "the concurrency limit of %1 rejects before the pool is "
                           "full (workers + queue = %2)")
                    .arg(limiter.limit)
                    .arg(inPool);
            }
        }
        rate += load.phases.front().rate;
    }
    return {};
}

// Returns why the pool is not an M/M/c/K station, or an empty string.
QString checkPool(const Scenario& scenario) {
    const PoolConfig& pool = scenario.pool;
    if (pool.service_time.kind != Distribution::Kind::exponential) {
        return TheoryModel::tr("service time is %1, not exponential")
            .arg(distributionName(pool.service_time.kind));
    }
    if (pool.service_time.mean <= goflow::Duration::zero()) {
        return TheoryModel::tr("the mean service time is zero");
    }
    if (pool.timeout) {
        return TheoryModel::tr("pool tasks time out after %1 ms, which cuts service times short")
            .arg(number(seconds(*pool.timeout) * 1000));
    }
    if (pool.full_policy == PoolConfig::FullPolicy::block) {
        return TheoryModel::tr("a full queue blocks the submitter instead of rejecting");
    }
    if (!scenario.stages.empty()) {
        return TheoryModel::tr(
            "pipeline stages follow the pool, and their backpressure holds "
            "pool workers");
    }
    if (!scenario.changes.empty()) {
        return TheoryModel::tr("the scenario changes %1 at %2 s")
            .arg(QString::fromStdString(scenario.changes.front().parameter),
                 number(seconds(scenario.changes.front().at)));
    }
    return {};
}

}  // namespace

namespace {

QStringList lookForNotes(const goflow::sim::Scenario& scenario) {
    QStringList notes;
    for (const auto& note : scenario.look_for) {
        notes.append(QString::fromStdString(note));
    }
    return notes;
}

}  // namespace

TheoryModel::TheoryModel(QObject* parent) : QObject(parent) {
    m_assessment.reason = tr("Open a scenario to see what queueing theory predicts.");
}

TheoryModel::Assessment TheoryModel::assess(const goflow::sim::Scenario& scenario) {
    Assessment result;
    double lambda = 0;
    QString reason = checkArrivals(scenario, lambda);
    if (reason.isEmpty()) {
        reason = checkPool(scenario);
    }
    if (!reason.isEmpty()) {
        result.reason = tr("No prediction: %1.").arg(reason);
        return result;
    }

    const PoolConfig& pool = scenario.pool;
    const double mu = 1 / seconds(pool.service_time.mean);
    const int c = pool.servers;
    const double capacity = c * mu;
    const double loadSeconds = seconds(scenario.load_duration());
    if (lambda >= capacity) {
        // An estimate of how long the queue takes to fill from empty: pushed by the surplus
        // arrival rate, or spread by random fluctuations (a random walk covers Q steps in
        // about Q^2 of them), whichever is faster.
        const double queue = pool.queue_capacity;
        const double driftSeconds = lambda > capacity ? queue / (lambda - capacity)
                                                      : std::numeric_limits<double>::infinity();
        const double diffusionSeconds = queue * queue / (lambda + capacity);
        if (std::min(driftSeconds, diffusionSeconds) > loadSeconds) {
            result.reason = tr("No prediction: arrivals at %1/s reach the pool's capacity of "
                               "%2/s, so the queue keeps growing for the whole run instead of "
                               "settling.")
                                .arg(number(lambda), number(capacity));
            return result;
        }
    }

    try {
        auto bounded = queueing::mmck(lambda, mu, c, pool.queue_capacity);
        if (lambda < capacity && bounded.blocking_probability < kNegligibleBlocking) {
            result.prediction = c == 1 ? queueing::mm1(lambda, mu) : queueing::mmc(lambda, mu, c);
            result.modelName = c == 1 ? tr("M/M/1") : tr("M/M/%1").arg(c);
        } else {
            result.prediction = bounded;
            result.modelName =
                tr("M/M/%1/%2").arg(c).arg(static_cast<qint64>(c) + pool.queue_capacity);
        }
    } catch (const std::exception& error) {
        result.reason = tr("No prediction: %1.").arg(QString::fromUtf8(error.what()));
    }
    return result;
}

void TheoryModel::setController(StudioController* controller) {
    if (m_controller == controller) {
        return;
    }
    if (m_controller) {
        disconnect(m_controller, nullptr, this, nullptr);
    }
    m_controller = controller;
    if (m_controller) {
        connect(m_controller, &StudioController::scenarioChanged, this,
                [this] { followController(true); });
        connect(m_controller, &StudioController::progressChanged, this,
                [this] { scan(m_controller->samples()); });
    }
    followController(false);
    emit controllerChanged();
}

void TheoryModel::followController(bool skipHeldSamples) {
    setScenario(m_controller ? m_controller->scenario() : std::nullopt);
    if (!m_controller) {
        return;
    }
    if (skipHeldSamples) {
        // After a scenario change the samples still held belong to the previous scenario's run.
        m_scanned = m_controller->samples().endIndex();
    } else {
        scan(m_controller->samples());
    }
}

void TheoryModel::setScenario(std::optional<goflow::sim::Scenario> scenario) {
    m_scenario = std::move(scenario);
    if (m_scenario) {
        m_assessment = assess(*m_scenario);
    } else {
        m_assessment = {};
        m_assessment.reason = tr("Open a scenario to see what queueing theory predicts.");
    }
    emit predictionChanged();

    QStringList notes = m_scenario ? lookForNotes(*m_scenario) : QStringList();
    m_lookForFromScenario = !notes.isEmpty();
    if (notes.isEmpty() && m_scenario && !m_scenario->description.empty()) {
        notes.append(QString::fromStdString(m_scenario->description));
    }
    m_lookFor = notes;
    emit lookForChanged();

    resetMeasurement();
}

void TheoryModel::resetMeasurement() {
    m_scanned = m_samples = 0;
    m_lastTime = m_measuredSeconds = 0;
    m_queueSum = m_busySum = m_attempts = m_rejectedByQueue = m_admitted = 0;
    emit measurementChanged();
}

void TheoryModel::scan(const goflow::app::SampleWindow& samples) {
    if (samples.endIndex() < m_scanned) {
        resetMeasurement();
    }
    if (!m_scenario || m_scanned == samples.endIndex()) {
        m_scanned = samples.endIndex();
        return;
    }
    if (m_scanned < samples.firstIndex()) {
        // Samples no longer kept were never scanned (the model was connected late): measure
        // from the oldest kept, whose interval began one sample interval earlier.
        m_scanned = samples.firstIndex();
        m_lastTime = seconds(samples.front().time - m_scenario->sample_interval);
    }
    const double loadEnd = seconds(m_scenario->load_duration());
    for (; m_scanned < samples.endIndex(); ++m_scanned) {
        const auto& s = samples[m_scanned];
        const double t = seconds(s.time);
        if (m_lastTime >= loadEnd) {
            continue;  // the drain after the load: no arrivals to compare with
        }
        m_measuredSeconds += std::min(t, loadEnd) - m_lastTime;
        m_lastTime = t;
        ++m_samples;
        m_queueSum += s.queue_depth;
        // A worker that keeps a finished item until the full next stage takes it is as occupied
        // as one that serves, so both count towards the measured utilisation.
        m_busySum += s.busy_workers + (s.stations.empty() ? 0 : s.stations.front().blocked);
        m_attempts += static_cast<double>(s.offered) + s.retried;
        m_rejectedByQueue += s.rejected_by_queue;
        m_admitted += s.admitted;
    }
    emit measurementChanged();
}

double TheoryModel::queueCapacity() const {
    return available() ? static_cast<double>(m_assessment.prediction->queue_capacity) : 0.0;
}

double TheoryModel::measuredUtilisation() const {
    const int workers = m_scenario ? m_scenario->pool.servers : 0;
    return m_samples > 0 && workers > 0 ? m_busySum / (static_cast<double>(m_samples) * workers)
                                        : 0.0;
}

double TheoryModel::measuredBlockingProbability() const {
    return m_attempts > 0 ? m_rejectedByQueue / m_attempts : 0.0;
}

double TheoryModel::measuredMeanQueueLength() const {
    return m_samples > 0 ? m_queueSum / static_cast<double>(m_samples) : 0.0;
}

double TheoryModel::measuredThroughput() const {
    return m_measuredSeconds > 0 ? m_admitted / m_measuredSeconds : 0.0;
}

double TheoryModel::measuredMeanWaitMs() const {
    const double rate = measuredThroughput();
    return rate > 0 ? measuredMeanQueueLength() / rate * 1000 : 0.0;
}

QList<QPointF> TheoryModel::referenceLine(Line line, double endSeconds) const {
    if (!available()) {
        return {};
    }
    const double level = line == Line::MeanQueueLength ? meanQueueLength() : meanWaitMs();
    return {QPointF(0, level), QPointF(std::max(endSeconds, 0.0), level)};
}

void TheoryModel::updateSeries(QAbstractSeries* series, Line line, double endSeconds) const {
    auto* xy = qobject_cast<QXYSeries*>(series);
    if (xy == nullptr) {
        qCWarning(lcTheory) << "TheoryModel::updateSeries needs an XY series, got" << series;
        return;
    }
    xy->replace(referenceLine(line, endSeconds));
}
