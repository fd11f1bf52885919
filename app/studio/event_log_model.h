// EventLogModel: the notable moments of a run, found in its samples as they arrive.
//
// Each new batch of samples is scanned once, from where the previous scan stopped. An episode
// (a token bucket running dry, a queue filling up, a retry storm, latency above the client
// timeout) is reported when it begins and again when it ends, never once per sample. The rules:
//   - burst exhausted: a token bucket's level falls below one token. Tokens recovered: it climbs
//     back to half its burst (at least one token), so a bucket that hovers around empty does not
//     report every refill.
//   - queue full: the pool's or a stage's queue depth reaches its capacity (stations without a
//     waiting room are skipped). Queue drained: the depth is back to zero.
//   - first rejection by a limiter, first rejection by a full queue, first timeout: once a run.
//   - retry storm: retries reach kStormStartFraction of an interval's new requests, with at
//     least kStormMinRetries retries, in every interval of a stretch of kSustainSeconds. It
//     ends once retries stay at or below kStormEndFraction of new requests for kQuietSeconds.
//   - latency above timeout: the p99 latency of every interval of a kSustainSeconds stretch
//     reaches the smallest client timeout. It ends once p99 stays below the timeout for
//     kQuietSeconds. Intervals without completions have no latency and are skipped.
// The sustain and quiet stretches keep a single noisy interval (a p99 of a dozen requests is
// nearly their maximum) from opening or closing an episode. A start is dated at its first
// interval and an end at the moment the calm began, so an event may be inserted before events
// already listed.
// Scripted parameter changes apply at their time, so a burst or capacity changed mid-run is
// judged against its new value. Events are listed in time order.
//
// Thread safety: a GUI-thread object, like the controller it follows.
#pragma once

#include <QtQml/qqmlregistration.h>
#include <QAbstractListModel>
#include <QPointer>
#include <QString>

#include <optional>
#include <vector>

#include "goflow/sim/engine.hpp"
#include "studio_controller.h"

class EventLogModel : public QAbstractListModel {
    Q_OBJECT
    QML_ELEMENT

    Q_PROPERTY(
        StudioController* controller READ controller WRITE setController NOTIFY controllerChanged)
    Q_PROPERTY(int count READ count NOTIFY countChanged)

  public:
    enum class Kind {
        BurstExhausted,
        TokensRecovered,
        QueueFull,
        QueueDrained,
        FirstLimiterRejection,
        FirstQueueRejection,
        FirstTimeout,
        RetryStormStarted,
        RetryStormEnded,
        LatencyAboveTimeout,
        LatencyBelowTimeout,
        // TODO: add "writer buffer full" once Sample carries the writer's buffer fields.
    };
    Q_ENUM(Kind)

    enum Role {
        SecondsRole = Qt::UserRole + 1,
        KindRole,
        MessageRole,
        SubjectRole,
    };

    struct Event {
        double seconds = 0;  // the sample time at which the episode began or ended
        Kind kind = Kind::BurstExhausted;
        QString message;
        QString subject;  // the station, limiter or clients concerned
    };

    static constexpr double kStormStartFraction = 0.5;
    static constexpr double kStormEndFraction = 0.1;
    static constexpr std::uint32_t kStormMinRetries = 3;
    static constexpr double kSustainSeconds = 0.5;
    static constexpr double kQuietSeconds = 1.0;

    explicit EventLogModel(QObject* parent = nullptr);

    StudioController* controller() const { return m_controller; }
    void setController(StudioController* controller);

    // Forgets every event and scanned sample and judges the next samples against `scenario`
    // (nothing is reported without one).
    void setScenario(std::optional<goflow::sim::Scenario> scenario);
    // Scans the samples after those already scanned. Fewer samples than last time means a new
    // run: the events are cleared and the scan starts over.
    void scan(const goflow::app::SampleWindow& samples);

    int count() const { return static_cast<int>(m_events.size()); }
    const std::vector<Event>& events() const { return m_events; }

    int rowCount(const QModelIndex& parent = QModelIndex()) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    // Emits jumpRequested() with the time of the event in `row`. A row out of range is ignored.
    Q_INVOKABLE void activate(int row);

  signals:
    void controllerChanged();
    void countChanged();
    // The user picked an event: the run page moves its replay cursor to `seconds`.
    void jumpRequested(double seconds);

  private:
    struct Bucket {
        std::size_t level = 0;  // index in Sample::limiter_levels
        std::size_t requestClass = 0;
        std::size_t limiter = 0;
        bool exhausted = false;
    };
    // An episode that starts after kSustainSeconds of breaches and ends after kQuietSeconds
    // of calm.
    struct Episode {
        bool active = false;
        double stretchStart = -1;        // start of the current stretch against the state, or -1
        double stretchFirstSample = -1;  // time of that stretch's first sample
    };

    // Reads the controller's scenario. With `skipHeldSamples` the samples it has now are not
    // scanned, because they belong to the previous scenario's run.
    void followController(bool skipHeldSamples);
    void restartRun();
    void applyChangesUntil(goflow::Duration time);
    void scanSample(const goflow::sim::Sample& sample, double intervalSeconds);
    void scanBuckets(const goflow::sim::Sample& sample, double t);
    void scanQueues(const goflow::sim::Sample& sample, double t);
    void scanFirsts(const goflow::sim::Sample& sample, double t);
    // Feeds one sample to `episode` and returns the time of the start or end it completes.
    static std::optional<double> advance(Episode& episode, bool breached, double t, double start);
    void scanRetryStorm(const goflow::sim::Sample& sample, double t, double start);
    void scanLatency(const goflow::sim::Sample& sample, double t, double start);
    void add(double seconds, Kind kind, const QString& message, const QString& subject);
    QString limiterName(std::size_t requestClass, std::size_t limiter) const;
    QString stationName(std::size_t station) const;
    QString clientsName() const;
    std::optional<double> clientTimeoutMs() const;

    QPointer<StudioController> m_controller;
    StudioController::RunState m_lastState = StudioController::RunState::Idle;
    std::optional<goflow::sim::Scenario> m_scenario;  // as loaded
    goflow::sim::Scenario m_current;                  // with the changes applied so far
    std::vector<std::size_t> m_changeOrder;           // m_scenario->changes sorted by time
    std::size_t m_nextChange = 0;
    std::size_t m_scanned = 0;
    double m_lastTime = 0;
    std::vector<Bucket> m_buckets;
    std::vector<bool> m_queueFull;
    bool m_limiterRejected = false;
    bool m_queueRejected = false;
    bool m_timedOut = false;
    Episode m_storm;
    Episode m_latency;
    std::vector<Event> m_events;
};
