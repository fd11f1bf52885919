// Runs a scenario live through goflow::sim::LiveRunner (the real primitives on real threads)
// and hands its samples to the thread that owns the session in batches.
//
// A pump thread polls the runner about 50 times a second. It takes the new samples and the
// running totals into a buffer guarded by m_mutex and, when no delivery is queued yet, posts one
// queued call by method name that drains the buffer on the owner's thread. The samples cross
// threads through m_mutex, not through Qt's event queue, so ThreadSanitizer tracks each hand-over
// even though Qt itself is not instrumented. Each run has a generation number, and a delivery
// from an earlier run that arrives after stop() or a new start() is dropped.
//
// setParameter() changes the running primitives at once (limiter rates and bursts, worker
// count, stage concurrency) and records each accepted change as a Marker for the charts.
//
// Thread safety: create and use a session from one thread, normally the GUI thread.
#pragma once

#include <QList>
#include <QObject>
#include <QString>

#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <stop_token>
#include <thread>
#include <vector>

#include "goflow/sim/engine.hpp"
#include "goflow/sim/live_runner.hpp"
#include "sample_window.h"

namespace goflow::app {

class LiveSession : public QObject {
    Q_OBJECT

  public:
    enum class State { Idle, Running, Finished };
    Q_ENUM(State)

    // A parameter change made during a live run.
    struct Marker {
        double timeSeconds = 0;  // scenario time at which the change took effect
        QString parameter;       // as in goflow::sim::ParameterChange, e.g. "pool.workers"
        double oldValue = 0;     // NaN when the parameter had no value before
        double newValue = 0;

        // Returns "pool.workers 2 → 5".
        [[nodiscard]] QString label() const;
    };

    explicit LiveSession(QObject* parent = nullptr);
    // Stops a running run and joins every thread without emitting signals.
    ~LiveSession() override;

    LiveSession(const LiveSession&) = delete;
    LiveSession& operator=(const LiveSession&) = delete;

    // Starts a live run of `scenario` at `speed` scenario seconds per wall second. The samples,
    // totals and markers of any previous run are discarded. Returns false and sets
    // errorString() when `speed` is not positive and finite.
    bool start(const goflow::sim::Scenario& scenario, double speed);
    // Stops the run: no more requests, queued tasks are discarded and running ones finish. The
    // samples and markers received so far are kept.
    void stop();

    // Changes `parameter` (named as in goflow::sim::ParameterChange) in the running primitives
    // and records a marker. Returns false and sets errorString() when no run is going or the
    // runner rejects the name or the value.
    bool setParameter(const QString& parameter, double value);
    // Returns the current value of `parameter` in the last run started, with every change
    // applied so far. Returns nullopt before the first run or for a name the runner cannot read.
    [[nodiscard]] std::optional<double> parameter(const QString& parameter) const;

    [[nodiscard]] State state() const { return m_state; }
    [[nodiscard]] double speed() const { return m_speed; }
    // The newest samples of the run (SampleWindow::kDefaultCapacity at most), indexed from the
    // start of the run.
    [[nodiscard]] const SampleWindow& samples() const { return m_samples; }
    [[nodiscard]] const goflow::sim::Summary& summary() const { return m_summary; }
    [[nodiscard]] const QList<Marker>& markers() const { return m_markers; }
    // Scenario time the run has reached, in seconds.
    [[nodiscard]] double elapsedSeconds() const;
    [[nodiscard]] QString errorString() const { return m_error; }

  signals:
    // As SimulationRunner::samplesAppended: run-wide indices, never more than the window keeps
    // at once, count 0 when only the totals changed.
    void samplesAppended(int first, int count);
    void stateChanged(goflow::app::LiveSession::State state);
    void markersChanged();

  private:
    // Drains the pending batch on the owner's thread; posted by the pump thread.
    Q_INVOKABLE void deliver(quint64 generation);

    void pump(std::stop_token stop, quint64 generation);
    // Joins the pump thread and stops the runner; emits nothing.
    void shutdown();
    void setState(State state);

    State m_state = State::Idle;
    double m_speed = 1.0;
    SampleWindow m_samples;
    goflow::sim::Summary m_summary;
    QList<Marker> m_markers;
    QString m_error;
    quint64 m_generation = 0;

    // The runner is thread-safe. The owner's thread creates, starts, stops and destroys it, and
    // the pump thread only reads from it between start() and shutdown().
    std::unique_ptr<goflow::sim::LiveRunner> m_runner;
    std::jthread m_pump;

    std::mutex m_mutex;
    std::condition_variable_any m_wake;                 // the pump thread waits here between polls
    std::vector<goflow::sim::Sample> m_pendingSamples;  // guarded by m_mutex
    goflow::sim::Summary m_pendingSummary;              // guarded by m_mutex
    bool m_pendingFinished = false;                     // guarded by m_mutex
    bool m_deliveryQueued = false;                      // guarded by m_mutex
};

}  // namespace goflow::app
