// Runs a scenario's simulation on a worker thread, paced for replay, and hands the samples to
// the thread that owns the runner in batches.
//
// The worker advances the engine to "virtual time = elapsed wall time x speed factor" about 50
// times a second (or as fast as it can at kAsFastAsPossible), then posts the new samples and the
// running totals to the owner's thread with a queued call. While paused, step() advances the run
// by one sample interval. simulate() computes the whole run without pacing. Each run has a
// generation number, and batches from an earlier run that arrive after stop() or a new start()
// are dropped. The engine hands its samples over with each batch and the runner keeps the newest
// ones in a SampleWindow. The worker waits while two batches are on their way, so a run computed
// as fast as possible cannot fill the event queue either, and memory stays flat however long the
// run.
//
// Thread safety: create and use a runner from one thread, normally the GUI thread. The worker
// thread touches only its engine and the pacing state guarded by m_mutex.
#pragma once

#include <QObject>

#include <QList>
#include <QString>

#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "goflow/sim/engine.hpp"
#include "sample_window.h"

namespace goflow::app {

class SimulationRunner : public QObject {
    Q_OBJECT

  public:
    enum class State { Idle, Running, Paused, Finished };
    Q_ENUM(State)

    explicit SimulationRunner(QObject* parent = nullptr);
    ~SimulationRunner() override;

    // The speed factor that means "no pacing": the worker runs the engine as fast as it can.
    static constexpr double kAsFastAsPossible = 0.0;
    // The paced speed factors accepted by start() and setSpeedFactor(), in virtual seconds per
    // wall second.
    static constexpr double kMinSpeedFactor = 0.1;
    static constexpr double kMaxSpeedFactor = 100.0;

    // Returns true for kAsFastAsPossible and for factors from kMinSpeedFactor to kMaxSpeedFactor.
    static bool isValidSpeedFactor(double factor);
    // Parses a speed as written on a command line: "realtime" (1), "max" (kAsFastAsPossible), or
    // a factor such as "0.5", "10" or "10x". Returns nothing for any other text or a factor out of
    // range.
    static std::optional<double> parseSpeedFactor(const QString& text);
    // The speeds a user steps through, slowest first, ending with kAsFastAsPossible.
    static QList<double> speedSteps();

    // Starts a new paced run of `scenario`, discarding the samples of any previous run. An invalid
    // factor is replaced by 1 with a warning. With `startPaused` the run waits for step() or
    // resume() before computing anything.
    void start(const goflow::sim::Scenario& scenario, double speedFactor, bool startPaused = false);
    // Starts a new run that is computed to the end without pacing and delivered in batches of
    // up to 2,000 samples, one right after another.
    void simulate(const goflow::sim::Scenario& scenario);
    void pause();
    void resume();
    // Advances a paused run by one sample interval. Does nothing unless the run is paused.
    void step();
    // Stops the run and joins the worker; the samples received so far are kept.
    void stop();
    // Stops any run and shows `samples` and `summary` as a finished run, for example one
    // computed elsewhere or read back from a report.
    void showRecordedRun(std::vector<goflow::sim::Sample> samples, goflow::sim::Summary summary);
    // Changes the pace of the current run from now on. Returns false and keeps the current
    // factor when `factor` is invalid.
    bool setSpeedFactor(double factor);

    [[nodiscard]] State state() const { return m_state; }
    [[nodiscard]] double speedFactor() const { return m_speedFactor; }
    // The newest samples of the run (SampleWindow::kDefaultCapacity at most), indexed from the
    // start of the run.
    [[nodiscard]] const SampleWindow& samples() const { return m_samples; }
    [[nodiscard]] const goflow::sim::Summary& summary() const { return m_summary; }
    // Virtual time reached by the run, in seconds.
    [[nodiscard]] double elapsedSeconds() const;

  signals:
    // Samples `first` to `first + count - 1` (run-wide indices) were appended. A batch larger
    // than the window arrives as several signals, so a slot that reads the new samples each
    // time reads every sample. count is 0 when only the totals changed, and after a new start()
    // first is 0 as well.
    void samplesAppended(int first, int count);
    void stateChanged(goflow::app::SimulationRunner::State state);

  private:
    struct Batch {
        std::vector<goflow::sim::Sample> samples;
        goflow::sim::Summary summary;
        goflow::Duration reached{};
        bool finished = false;
    };

    enum class Mode { Paced, WholeRun };

    void launch(const goflow::sim::Scenario& scenario, double factor, bool startPaused, Mode mode);
    void runWorker(goflow::sim::Scenario scenario, quint64 generation, Mode mode);
    void receive(quint64 generation, Batch&& batch);
    // Appends `samples` and emits samplesAppended for each piece. Returns false when a slot
    // stopped this run or started another, after which the rest is dropped.
    bool appendAndAnnounce(quint64 generation, std::vector<goflow::sim::Sample>&& samples);
    void setState(State state);
    void joinWorker();

    State m_state = State::Idle;
    double m_speedFactor = 1.0;
    SampleWindow m_samples;
    goflow::sim::Summary m_summary;
    goflow::Duration m_reached{};
    quint64 m_generation = 0;

    std::thread m_worker;
    std::mutex m_mutex;
    // Signalled on pause, resume, step, speed change, stop and the receipt of a batch.
    std::condition_variable m_changed;
    bool m_stopRequested = false;  // guarded by m_mutex
    bool m_paused = false;         // guarded by m_mutex
    int m_stepsRequested = 0;      // guarded by m_mutex; steps not yet taken while paused
    double m_factor = 1.0;         // guarded by m_mutex; 0 means as fast as possible
    quint64 m_paceVersion = 0;     // guarded by m_mutex; bumped when the pace changes
    int m_batchesInFlight = 0;     // guarded by m_mutex; posted by this run, not yet received
};

}  // namespace goflow::app
