#include "event_log_model.h"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "theory_model.h"

namespace {

using goflow::sim::LimiterConfig;
using goflow::sim::PoolConfig;

double seconds(goflow::Duration d) {
    return std::chrono::duration<double>(d).count();
}

// Sample times are whole nanoseconds turned into seconds; this absorbs the rounding.
constexpr double kTimeTolerance = 1e-9;

// Returns `text` with its first letter in upper case, for names that open a sentence.
QString capitalized(QString text) {
    if (!text.isEmpty()) {
        text[0] = text[0].toUpper();
    }
    return text;
}

QString number(double value) {
    return QString::number(value, 'g', 4);
}

}  // namespace

EventLogModel::EventLogModel(QObject* parent) : QAbstractListModel(parent) {}

void EventLogModel::setController(StudioController* controller) {
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
        connect(m_controller, &StudioController::stateChanged, this, [this] {
            const auto state = m_controller->state();
            // Running after Idle or Finished is a new run; after Paused it is the same run.
            if (state == StudioController::RunState::Running &&
                m_lastState != StudioController::RunState::Paused) {
                restartRun();
            }
            m_lastState = state;
        });
    }
    followController(false);
    emit controllerChanged();
}

void EventLogModel::followController(bool skipHeldSamples) {
    setScenario(m_controller ? m_controller->scenario() : std::nullopt);
    if (!m_controller) {
        return;
    }
    m_lastState = m_controller->state();
    if (skipHeldSamples) {
        // After a scenario change the samples still held belong to the previous scenario's run.
        m_scanned = m_controller->samples().endIndex();
    } else {
        scan(m_controller->samples());
    }
}

void EventLogModel::setScenario(std::optional<goflow::sim::Scenario> scenario) {
    m_scenario = std::move(scenario);
    m_changeOrder.clear();
    if (m_scenario) {
        for (std::size_t i = 0; i < m_scenario->changes.size(); ++i) {
            m_changeOrder.push_back(i);
        }
        std::stable_sort(m_changeOrder.begin(), m_changeOrder.end(),
                         [this](std::size_t a, std::size_t b) {
                             return m_scenario->changes[a].at < m_scenario->changes[b].at;
                         });
    }
    restartRun();
}

void EventLogModel::restartRun() {
    const bool hadEvents = !m_events.empty();
    beginResetModel();
    m_events.clear();
    m_scanned = 0;
    m_lastTime = 0;
    m_nextChange = 0;
    m_current = m_scenario ? *m_scenario : goflow::sim::Scenario{};
    m_buckets.clear();
    std::size_t level = 0;
    for (std::size_t c = 0; m_scenario && c < m_current.classes.size(); ++c) {
        const auto& limiters = m_current.classes[c].limiters;
        for (std::size_t i = 0; i < limiters.size(); ++i, ++level) {
            if (limiters[i].type == LimiterConfig::Type::token_bucket) {
                m_buckets.push_back({level, c, i, false});
            }
        }
    }
    m_queueFull.assign(m_scenario ? 1 + m_current.stages.size() : 0, false);
    m_limiterRejected = m_queueRejected = m_timedOut = false;
    m_storm = {};
    m_latency = {};
    endResetModel();
    if (hadEvents) {
        emit countChanged();
    }
}

void EventLogModel::scan(const goflow::app::SampleWindow& samples) {
    if (samples.endIndex() < m_scanned) {
        restartRun();
    }
    if (!m_scenario) {
        m_scanned = samples.endIndex();
        return;
    }
    if (m_scanned < samples.firstIndex()) {
        // Samples no longer kept were never scanned (the model was connected late): start at
        // the oldest kept, one interval after the one before it.
        m_scanned = samples.firstIndex();
        m_lastTime = seconds(samples.front().time - m_scenario->sample_interval);
    }
    for (; m_scanned < samples.endIndex(); ++m_scanned) {
        const auto& sample = samples[m_scanned];
        const double t = seconds(sample.time);
        applyChangesUntil(sample.time);
        scanSample(sample, std::max(0.0, t - m_lastTime));
        m_lastTime = t;
    }
}

void EventLogModel::applyChangesUntil(goflow::Duration time) {
    while (m_nextChange < m_changeOrder.size()) {
        const auto& change = m_scenario->changes[m_changeOrder[m_nextChange]];
        if (change.at > time) {
            return;
        }
        // The scenario was validated on load, so a change that fails here changes nothing.
        (void)goflow::sim::set_parameter(m_current, change.parameter, change.value);
        ++m_nextChange;
    }
}

void EventLogModel::scanSample(const goflow::sim::Sample& sample, double intervalSeconds) {
    const double t = seconds(sample.time);
    const double start = t - intervalSeconds;
    scanBuckets(sample, t);
    scanQueues(sample, t);
    scanFirsts(sample, t);
    scanRetryStorm(sample, t, start);
    scanLatency(sample, t, start);
}

void EventLogModel::scanBuckets(const goflow::sim::Sample& sample, double t) {
    for (Bucket& bucket : m_buckets) {
        if (bucket.level >= sample.limiter_levels.size()) {
            continue;
        }
        const double level = sample.limiter_levels[bucket.level];
        const auto& config = m_current.classes[bucket.requestClass].limiters[bucket.limiter];
        const auto burst = static_cast<double>(config.burst);
        if (!std::isfinite(level) || burst < 1) {
            continue;  // a bucket of burst 0 is always empty: nothing to report
        }
        const QString name = limiterName(bucket.requestClass, bucket.limiter);
        if (!bucket.exhausted && level < 1) {
            bucket.exhausted = true;
            add(t, Kind::BurstExhausted,
                tr("%1 ran out of tokens: requests above %2/s are rejected")
                    .arg(capitalized(name), number(config.rate)),
                name);
        } else if (bucket.exhausted && level >= std::max(1.0, burst / 2)) {
            bucket.exhausted = false;
            add(t, Kind::TokensRecovered,
                tr("%1 refilled to %2 tokens, half its burst or more")
                    .arg(capitalized(name), number(level)),
                name);
        }
    }
}

void EventLogModel::scanQueues(const goflow::sim::Sample& sample, double t) {
    for (std::size_t i = 0; i < m_queueFull.size(); ++i) {
        int depth = 0;
        if (i < sample.stations.size()) {
            depth = sample.stations[i].queue_depth;
        } else if (i == 0) {
            depth = sample.queue_depth;
        } else {
            continue;
        }
        const int capacity =
            i == 0 ? m_current.pool.queue_capacity : m_current.stages[i - 1].queue_capacity;
        const QString name = stationName(i);
        if (!m_queueFull[i] && capacity > 0 && depth >= capacity) {
            m_queueFull[i] = true;
            QString consequence;
            if (i > 0) {
                consequence = tr("the station before it holds finished items");
            } else if (m_current.pool.full_policy == PoolConfig::FullPolicy::block) {
                consequence = tr("submitters block");
            } else {
                consequence = tr("new requests are rejected");
            }
            add(t, Kind::QueueFull,
                tr("Queue full in %1 at %2 requests: %3").arg(name).arg(depth).arg(consequence),
                name);
        } else if (m_queueFull[i] && depth == 0) {
            m_queueFull[i] = false;
            add(t, Kind::QueueDrained, tr("Queue drained in %1").arg(name), name);
        }
    }
}

void EventLogModel::scanFirsts(const goflow::sim::Sample& sample, double t) {
    if (!m_limiterRejected && sample.rejected_by_limiter > 0) {
        m_limiterRejected = true;
        // Samples count rejections over all limiters. Name the limiter when only one can have
        // rejected: the scenario has one, or exactly one token bucket is empty right now.
        QString subject = tr("limiters");
        std::vector<const Bucket*> empty;
        for (const Bucket& bucket : m_buckets) {
            if (bucket.level < sample.limiter_levels.size() &&
                sample.limiter_levels[bucket.level] < 1) {
                empty.push_back(&bucket);
            }
        }
        std::size_t limiterCount = 0;
        std::size_t onlyClass = 0;
        for (std::size_t c = 0; c < m_current.classes.size(); ++c) {
            limiterCount += m_current.classes[c].limiters.size();
            if (!m_current.classes[c].limiters.empty()) {
                onlyClass = c;
            }
        }
        if (limiterCount == 1) {
            subject = limiterName(onlyClass, 0);
        } else if (empty.size() == 1) {
            subject = limiterName(empty.front()->requestClass, empty.front()->limiter);
        }
        add(t, Kind::FirstLimiterRejection,
            tr("First rejection by %1: %2 in this interval")
                .arg(subject)
                .arg(sample.rejected_by_limiter),
            subject);
    }
    if (!m_queueRejected && sample.rejected_by_queue > 0) {
        m_queueRejected = true;
        const QString pool = stationName(0);
        add(t, Kind::FirstQueueRejection,
            tr("First rejection by a full queue in %1: %2 in this interval")
                .arg(pool)
                .arg(sample.rejected_by_queue),
            pool);
    }
    if (!m_timedOut && sample.timed_out > 0) {
        m_timedOut = true;
        const auto timeout = clientTimeoutMs();
        const QString clients = clientsName();
        const QString message =
            timeout ? tr("First timeout: a client gave up after %1 ms").arg(number(*timeout))
                    : tr("First timeout: an attempt gave up waiting");
        add(t, Kind::FirstTimeout, message, clients);
    }
}

std::optional<double> EventLogModel::advance(Episode& episode, bool breached, double t,
                                             double start) {
    // A stretch of samples on the other side of the threshold from the episode's state.
    const bool against = episode.active ? !breached : breached;
    if (!against) {
        episode.stretchStart = episode.stretchFirstSample = -1;
        return std::nullopt;
    }
    if (episode.stretchStart < 0) {
        episode.stretchStart = start;
        episode.stretchFirstSample = t;
    }
    const double needed = episode.active ? kQuietSeconds : kSustainSeconds;
    if (t - episode.stretchStart < needed - kTimeTolerance) {
        return std::nullopt;
    }
    // A start is dated by its first breaching sample, an end by the moment the calm began.
    const double when = episode.active ? episode.stretchStart : episode.stretchFirstSample;
    episode = Episode{!episode.active, -1, -1};
    return when;
}

void EventLogModel::scanRetryStorm(const goflow::sim::Sample& sample, double t, double start) {
    const double offered = sample.offered;
    const double retried = sample.retried;
    const bool breached = m_storm.active ? retried > kStormEndFraction * offered
                                         : sample.retried >= kStormMinRetries &&
                                               retried >= kStormStartFraction * offered;
    const auto when = advance(m_storm, breached, t, start);
    if (!when) {
        return;
    }
    if (m_storm.active) {
        add(*when, Kind::RetryStormStarted,
            tr("Retry storm: retries reach %1% of new requests (%2 against %3 per interval)")
                .arg(kStormStartFraction * 100)
                .arg(sample.retried)
                .arg(sample.offered),
            clientsName());
    } else {
        add(*when, Kind::RetryStormEnded,
            tr("Retry storm over: retries at or below %1% of new requests")
                .arg(kStormEndFraction * 100),
            clientsName());
    }
}

void EventLogModel::scanLatency(const goflow::sim::Sample& sample, double t, double start) {
    const auto timeout = clientTimeoutMs();
    if (!timeout || sample.completed == 0) {
        return;  // no timeout to compare with, or no latency measured in this interval
    }
    const double p99 = sample.latency_p99_ms;
    const auto when = advance(m_latency, p99 >= *timeout, t, start);
    if (!when) {
        return;
    }
    if (m_latency.active) {
        add(*when, Kind::LatencyAboveTimeout,
            tr("p99 latency stays above the client timeout of %1 ms (%2 ms now)")
                .arg(number(*timeout), number(p99)),
            clientsName());
    } else {
        add(*when, Kind::LatencyBelowTimeout,
            tr("p99 latency back under the client timeout of %1 ms").arg(number(*timeout)),
            clientsName());
    }
}

void EventLogModel::add(double seconds, Kind kind, const QString& message, const QString& subject) {
    // An episode's end is found after its calm stretch, so it may precede events already listed.
    const auto at = std::upper_bound(m_events.begin(), m_events.end(), seconds,
                                     [](double s, const Event& e) { return s < e.seconds; });
    const int row = static_cast<int>(at - m_events.begin());
    beginInsertRows(QModelIndex(), row, row);
    m_events.insert(at, Event{seconds, kind, message, subject});
    endInsertRows();
    emit countChanged();
}

QString EventLogModel::limiterName(std::size_t requestClass, std::size_t limiter) const {
    QString type;
    switch (m_current.classes[requestClass].limiters[limiter].type) {
        case LimiterConfig::Type::token_bucket:
            type = tr("token bucket");
            break;
        case LimiterConfig::Type::leaky_bucket:
            type = tr("leaky bucket");
            break;
        case LimiterConfig::Type::concurrency:
            type = tr("concurrency limiter");
            break;
    }
    std::size_t sameType = 0;
    for (const auto& l : m_current.classes[requestClass].limiters) {
        sameType += l.type == m_current.classes[requestClass].limiters[limiter].type ? 1 : 0;
    }
    QString name = sameType > 1 ? tr("%1 %2").arg(type).arg(limiter + 1) : type;
    if (m_current.classes.size() > 1) {
        name = tr("%1 of class %2")
                   .arg(name, QString::fromStdString(m_current.classes[requestClass].name));
    }
    return name;
}

QString EventLogModel::stationName(std::size_t station) const {
    if (station == 0) {
        const std::string& name = m_current.pool.name;
        return name.empty() || name == "pool" ? tr("the pool")
                                              : tr("pool %1").arg(QString::fromStdString(name));
    }
    const auto& stage = m_current.stages[station - 1];
    return tr("stage %1")
        .arg(stage.name.empty() ? QString::number(station) : QString::fromStdString(stage.name));
}

QString EventLogModel::clientsName() const {
    if (m_current.classes.size() == 1 || m_current.classes.empty()) {
        return tr("clients");
    }
    QStringList names;
    for (const auto& c : m_current.classes) {
        if (c.client.timeout || c.client.max_retries > 0) {
            names.append(QString::fromStdString(c.name));
        }
    }
    return names.isEmpty() ? tr("clients") : tr("clients of %1").arg(names.join(tr(", ")));
}

std::optional<double> EventLogModel::clientTimeoutMs() const {
    std::optional<double> smallest;
    for (const auto& c : m_current.classes) {
        if (c.client.timeout) {
            const double ms = std::chrono::duration<double, std::milli>(*c.client.timeout).count();
            smallest = smallest ? std::min(*smallest, ms) : ms;
        }
    }
    return smallest;
}

int EventLogModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : count();
}

QVariant EventLogModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) {
        return {};
    }
    const Event& event = m_events[static_cast<std::size_t>(index.row())];
    switch (role) {
        case Qt::DisplayRole:
        case MessageRole:
            return event.message;
        case SecondsRole:
            return event.seconds;
        case KindRole:
            return static_cast<int>(event.kind);
        case SubjectRole:
            return event.subject;
        default:
            return {};
    }
}

QHash<int, QByteArray> EventLogModel::roleNames() const {
    return {
        {SecondsRole, "seconds"},
        {KindRole, "kind"},
        {MessageRole, "message"},
        {SubjectRole, "subject"},
    };
}

void EventLogModel::activate(int row) {
    if (row < 0 || row >= count()) {
        return;
    }
    emit jumpRequested(m_events[static_cast<std::size_t>(row)].seconds);
}
