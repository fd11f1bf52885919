// Runs a scenario's simulation on a worker thread, paced for replay, and hands the samples to
// the thread that owns the runner in batches.
//
// The worker advances the engine to "virtual time = elapsed wall time x speed" about 50 times a
// second (or as fast as it can at AsFastAsPossible), then posts the new samples and the running
// totals to the owner's thread with a queued call. Each run has a generation number, and batches
// from an earlier run that arrive after stop() or a new start() are dropped.
//
// Thread safety: create and use a runner from one thread, normally the GUI thread. The worker
// thread touches only its engine and the pacing state guarded by m_mutex.
#pragma once

#include <QObject>

#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "goflow/sim/engine.hpp"

namespace goflow::app {

class SimulationRunner : public QObject {
    Q_OBJECT

  public:
    enum class Speed { RealTime, Times10, AsFastAsPossible };
    Q_ENUM(Speed)
    enum class State { Idle, Running, Paused, Finished };
    Q_ENUM(State)

    explicit SimulationRunner(QObject* parent = nullptr);
    ~SimulationRunner() override;

    // Starts a new run of `scenario`, discarding the samples of any previous run.
    void start(const goflow::sim::Scenario& scenario, Speed speed);
    void pause();
    void resume();
    // Stops the run and joins the worker; the samples received so far are kept.
    void stop();
    // Changes the pace of the current run from now on.
    void setSpeed(Speed speed);

    [[nodiscard]] State state() const { return m_state; }
    [[nodiscard]] Speed speed() const { return m_speed; }
    [[nodiscard]] const std::vector<goflow::sim::Sample>& samples() const { return m_samples; }
    [[nodiscard]] const goflow::sim::Summary& summary() const { return m_summary; }
    // Virtual time reached by the run, in seconds.
    [[nodiscard]] double elapsedSeconds() const;

    // Returns the virtual seconds per wall second for `speed`; 0 for AsFastAsPossible.
    static double speedFactor(Speed speed);

  signals:
    void samplesAppended(int first, int count);
    void stateChanged(goflow::app::SimulationRunner::State state);

  private:
    struct Batch {
        std::vector<goflow::sim::Sample> samples;
        goflow::sim::Summary summary;
        goflow::Duration reached{};
        bool finished = false;
    };

    void runWorker(goflow::sim::Scenario scenario, quint64 generation);
    void receive(quint64 generation, const Batch& batch);
    void setState(State state);
    void joinWorker();

    State m_state = State::Idle;
    Speed m_speed = Speed::RealTime;
    std::vector<goflow::sim::Sample> m_samples;
    goflow::sim::Summary m_summary;
    goflow::Duration m_reached{};
    quint64 m_generation = 0;

    std::thread m_worker;
    std::mutex m_mutex;
    std::condition_variable m_changed;  // signalled on pause, resume, speed change and stop
    bool m_stopRequested = false;       // guarded by m_mutex
    bool m_paused = false;              // guarded by m_mutex
    double m_factor = 1.0;              // guarded by m_mutex; 0 means as fast as possible
    quint64 m_paceVersion = 0;          // guarded by m_mutex; bumped when the pace changes
};

}  // namespace goflow::app
