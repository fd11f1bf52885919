#include "simulation_runner.h"

#include <QLoggingCategory>
#include <QMetaObject>

#include <chrono>
#include <cmath>

namespace goflow::app {
namespace {

using namespace std::chrono_literals;

// How often the worker posts a batch while pacing; 50 Hz keeps charts smooth at 10 Hz refresh.
constexpr auto kTick = 20ms;
// Virtual time of one engine step when computing as fast as possible.
constexpr goflow::Duration kFastStep = 1s;
// Samples per batch when simulate() computes a whole run: large enough that a long run arrives
// in a few batches, small enough that a batch never keeps a long run in memory.
constexpr std::size_t kWholeRunBatch = 2'000;
// Batches posted and not yet received that make the worker wait before posting another.
constexpr int kMaxBatchesInFlight = 2;

Q_LOGGING_CATEGORY(lcRunner, "goflow.app.runner")

}  // namespace

SimulationRunner::SimulationRunner(QObject* parent) : QObject(parent) {}

SimulationRunner::~SimulationRunner() {
    joinWorker();
}

bool SimulationRunner::isValidSpeedFactor(double factor) {
    return factor == kAsFastAsPossible || (factor >= kMinSpeedFactor && factor <= kMaxSpeedFactor);
}

std::optional<double> SimulationRunner::parseSpeedFactor(const QString& text) {
    QString trimmed = text.trimmed().toLower();
    if (trimmed == QLatin1String("max")) {
        return kAsFastAsPossible;
    }
    if (trimmed == QLatin1String("realtime")) {
        return 1.0;
    }
    if (trimmed.endsWith(QLatin1Char('x')) || trimmed.endsWith(QChar(0x00D7))) {
        trimmed.chop(1);
    }
    bool ok = false;
    const double factor = trimmed.toDouble(&ok);
    if (!ok || !std::isfinite(factor) || factor == kAsFastAsPossible ||
        !isValidSpeedFactor(factor)) {
        return std::nullopt;
    }
    return factor;
}

QList<double> SimulationRunner::speedSteps() {
    return {0.1, 0.25, 0.5, 1, 2, 5, 10, 25, 50, 100, kAsFastAsPossible};
}

double SimulationRunner::elapsedSeconds() const {
    return std::chrono::duration<double>(m_reached).count();
}

void SimulationRunner::start(const goflow::sim::Scenario& scenario, double speedFactor,
                             bool startPaused) {
    if (!isValidSpeedFactor(speedFactor)) {
        qCWarning(lcRunner) << "invalid speed factor" << speedFactor << "- replaying at 1x";
        speedFactor = 1.0;
    }
    launch(scenario, speedFactor, startPaused, Mode::Paced);
}

void SimulationRunner::simulate(const goflow::sim::Scenario& scenario) {
    launch(scenario, m_speedFactor, false, Mode::WholeRun);
}

void SimulationRunner::launch(const goflow::sim::Scenario& scenario, double factor,
                              bool startPaused, Mode mode) {
    joinWorker();
    m_samples.clear();
    m_summary = {};
    m_reached = {};
    m_speedFactor = factor;
    const quint64 generation = ++m_generation;
    {
        std::lock_guard guard(m_mutex);
        m_stopRequested = false;
        m_paused = startPaused;
        m_stepsRequested = 0;
        m_batchesInFlight = 0;  // batches of earlier runs no longer count
        m_factor = factor;
        ++m_paceVersion;
    }
    emit samplesAppended(0, 0);
    setState(startPaused ? State::Paused : State::Running);
    m_worker =
        std::thread([this, scenario, generation, mode] { runWorker(scenario, generation, mode); });
}

void SimulationRunner::pause() {
    if (m_state != State::Running) {
        return;
    }
    {
        std::lock_guard guard(m_mutex);
        m_paused = true;
        ++m_paceVersion;
    }
    m_changed.notify_all();
    setState(State::Paused);
}

void SimulationRunner::resume() {
    if (m_state != State::Paused) {
        return;
    }
    {
        std::lock_guard guard(m_mutex);
        m_paused = false;
        m_stepsRequested = 0;
        ++m_paceVersion;
    }
    m_changed.notify_all();
    setState(State::Running);
}

void SimulationRunner::showRecordedRun(std::vector<goflow::sim::Sample> samples,
                                       goflow::sim::Summary summary) {
    joinWorker();
    const quint64 generation = ++m_generation;  // drops batches still queued for this thread
    m_samples.clear();
    m_summary = std::move(summary);
    m_reached = samples.empty() ? goflow::Duration{} : samples.back().time;
    if (appendAndAnnounce(generation, std::move(samples))) {
        setState(State::Finished);
    }
}

void SimulationRunner::step() {
    if (m_state != State::Paused) {
        return;
    }
    {
        std::lock_guard guard(m_mutex);
        ++m_stepsRequested;
    }
    m_changed.notify_all();
}

void SimulationRunner::stop() {
    joinWorker();
    ++m_generation;  // drops batches still queued for this thread
    if (m_state == State::Running || m_state == State::Paused) {
        setState(State::Idle);
    }
}

bool SimulationRunner::setSpeedFactor(double factor) {
    if (!isValidSpeedFactor(factor)) {
        return false;
    }
    m_speedFactor = factor;
    {
        std::lock_guard guard(m_mutex);
        m_factor = factor;
        ++m_paceVersion;
    }
    m_changed.notify_all();
    return true;
}

void SimulationRunner::joinWorker() {
    if (!m_worker.joinable()) {
        return;
    }
    {
        std::lock_guard guard(m_mutex);
        m_stopRequested = true;
    }
    m_changed.notify_all();
    m_worker.join();
}

void SimulationRunner::setState(State state) {
    if (m_state == state) {
        return;
    }
    m_state = state;
    emit stateChanged(state);
}

// Pacing: the worker remembers the wall time and virtual time at which the current pace began
// and targets virtual = base_virtual + (wall - base_wall) * factor. Any pause, resume or speed
// change bumps m_paceVersion, which makes the worker restart the pace from where the engine is.
// A step while paused runs the engine to the time of the next sample, which the engine takes at
// every multiple of the scenario's sample interval.
void SimulationRunner::runWorker(goflow::sim::Scenario scenario, quint64 generation, Mode mode) {
    goflow::sim::Engine engine(std::move(scenario));
    const goflow::Duration interval = engine.scenario().sample_interval;
    quint64 paceVersion = ~quint64{0};
    auto baseWall = std::chrono::steady_clock::now();
    goflow::Duration baseVirtual{};
    double factor = 1.0;

    // Returns false when the run was stopped while waiting for the owner's thread to take the
    // batches already posted. Waiting there is the backpressure that keeps a run computed as
    // fast as possible from queueing batches faster than the owner's thread takes them.
    const auto post = [&] {
        {
            std::unique_lock lock(m_mutex);
            m_changed.wait(lock, [this] {
                return m_stopRequested || m_batchesInFlight < kMaxBatchesInFlight;
            });
            if (m_stopRequested) {
                return false;
            }
            ++m_batchesInFlight;
        }
        Batch batch;
        batch.samples = engine.take_samples();
        batch.summary = engine.summary();
        batch.reached = engine.now();
        batch.finished = engine.finished();
        QMetaObject::invokeMethod(
            this,
            [this, generation, b = std::move(batch)]() mutable {
                receive(generation, std::move(b));
            },
            Qt::QueuedConnection);
        return true;
    };

    if (mode == Mode::WholeRun) {
        // The run is posted in batches so that neither the engine nor a queued batch ever keeps
        // more than kWholeRunBatch samples. They arrive one after another without pacing.
        while (!engine.finished()) {
            {
                std::lock_guard guard(m_mutex);
                if (m_stopRequested) {
                    return;
                }
            }
            engine.run_until(engine.now() + kFastStep);
            if (engine.samples().size() >= kWholeRunBatch && !post()) {
                return;
            }
        }
        static_cast<void>(post());
        return;
    }

    while (true) {
        bool stepping = false;
        {
            std::unique_lock lock(m_mutex);
            m_changed.wait(lock,
                           [this] { return m_stopRequested || !m_paused || m_stepsRequested > 0; });
            if (m_stopRequested) {
                return;
            }
            if (m_paused) {
                --m_stepsRequested;
                stepping = true;
            } else if (paceVersion != m_paceVersion) {
                paceVersion = m_paceVersion;
                factor = m_factor;
                baseWall = std::chrono::steady_clock::now();
                baseVirtual = engine.now();
            }
        }

        if (stepping) {
            const auto count = static_cast<goflow::Duration::rep>(engine.sample_count());
            engine.run_until(interval * (count + 1));
        } else if (factor == kAsFastAsPossible) {
            // About one tick of computing per batch, so that a fast run arrives in a few large
            // batches rather than one per virtual second.
            const auto until = std::chrono::steady_clock::now() + kTick;
            do {
                engine.run_until(engine.now() + kFastStep);
            } while (!engine.finished() && engine.samples().size() < kWholeRunBatch &&
                     std::chrono::steady_clock::now() < until);
        } else {
            const auto wall = std::chrono::steady_clock::now() - baseWall;
            engine.run_until(baseVirtual +
                             std::chrono::duration_cast<goflow::Duration>(wall * factor));
        }

        if (!post() || engine.finished()) {
            return;
        }
        if (!stepping && factor != kAsFastAsPossible) {
            std::unique_lock lock(m_mutex);
            m_changed.wait_for(lock, kTick, [this, paceVersion] {
                return m_stopRequested || m_paceVersion != paceVersion;
            });
        }
    }
}

void SimulationRunner::receive(quint64 generation, Batch&& batch) {
    if (generation != m_generation) {
        return;
    }
    {
        std::lock_guard guard(m_mutex);
        --m_batchesInFlight;
    }
    m_changed.notify_all();
    m_summary = std::move(batch.summary);
    m_reached = batch.reached;
    if (!appendAndAnnounce(generation, std::move(batch.samples))) {
        return;  // a slot stopped this run or started another
    }
    if (batch.finished) {
        joinWorker();
        setState(State::Finished);
    }
}

bool SimulationRunner::appendAndAnnounce(quint64 generation,
                                         std::vector<goflow::sim::Sample>&& samples) {
    if (samples.empty()) {
        // The totals may still have changed.
        emit samplesAppended(static_cast<int>(m_samples.endIndex()), 0);
        return generation == m_generation;
    }
    bool current = true;
    m_samples.appendAll(std::move(samples), [&](std::size_t first, std::size_t count) {
        emit samplesAppended(static_cast<int>(first), static_cast<int>(count));
        current = generation == m_generation;
        return current;
    });
    return current;
}

}  // namespace goflow::app
