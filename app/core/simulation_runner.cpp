#include "simulation_runner.h"

#include <QMetaObject>

#include <chrono>

namespace goflow::app {
namespace {

using namespace std::chrono_literals;

// How often the worker posts a batch while pacing; 50 Hz keeps charts smooth at 10 Hz refresh.
constexpr auto kTick = 20ms;
// Virtual time one step covers at AsFastAsPossible, so that stop() is noticed promptly.
constexpr goflow::Duration kFastStep = 1s;

}  // namespace

SimulationRunner::SimulationRunner(QObject* parent) : QObject(parent) {}

SimulationRunner::~SimulationRunner() {
    joinWorker();
}

double SimulationRunner::speedFactor(Speed speed) {
    switch (speed) {
        case Speed::RealTime:
            return 1.0;
        case Speed::Times10:
            return 10.0;
        case Speed::AsFastAsPossible:
            return 0.0;
    }
    return 1.0;
}

double SimulationRunner::elapsedSeconds() const {
    return std::chrono::duration<double>(m_reached).count();
}

void SimulationRunner::start(const goflow::sim::Scenario& scenario, Speed speed) {
    joinWorker();
    m_samples.clear();
    m_summary = {};
    m_reached = {};
    m_speed = speed;
    const quint64 generation = ++m_generation;
    {
        std::lock_guard guard(m_mutex);
        m_stopRequested = false;
        m_paused = false;
        m_factor = speedFactor(speed);
        ++m_paceVersion;
    }
    emit samplesAppended(0, 0);
    setState(State::Running);
    m_worker = std::thread([this, scenario, generation] { runWorker(scenario, generation); });
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
        ++m_paceVersion;
    }
    m_changed.notify_all();
    setState(State::Running);
}

void SimulationRunner::stop() {
    joinWorker();
    ++m_generation;  // drops batches still queued for this thread
    if (m_state == State::Running || m_state == State::Paused) {
        setState(State::Idle);
    }
}

void SimulationRunner::setSpeed(Speed speed) {
    m_speed = speed;
    {
        std::lock_guard guard(m_mutex);
        m_factor = speedFactor(speed);
        ++m_paceVersion;
    }
    m_changed.notify_all();
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
void SimulationRunner::runWorker(goflow::sim::Scenario scenario, quint64 generation) {
    goflow::sim::Engine engine(std::move(scenario));
    std::size_t posted = 0;
    quint64 paceVersion = ~quint64{0};
    auto baseWall = std::chrono::steady_clock::now();
    goflow::Duration baseVirtual{};
    double factor = 1.0;

    while (true) {
        {
            std::unique_lock lock(m_mutex);
            m_changed.wait(lock, [this] { return m_stopRequested || !m_paused; });
            if (m_stopRequested) {
                return;
            }
            if (paceVersion != m_paceVersion) {
                paceVersion = m_paceVersion;
                factor = m_factor;
                baseWall = std::chrono::steady_clock::now();
                baseVirtual = engine.now();
            }
        }

        if (factor == 0.0) {
            engine.run_until(engine.now() + kFastStep);
        } else {
            const auto wall = std::chrono::steady_clock::now() - baseWall;
            engine.run_until(baseVirtual +
                             std::chrono::duration_cast<goflow::Duration>(wall * factor));
        }

        Batch batch;
        const auto& samples = engine.samples();
        batch.samples.assign(samples.begin() + static_cast<std::ptrdiff_t>(posted), samples.end());
        posted = samples.size();
        batch.summary = engine.summary();
        batch.reached = engine.now();
        batch.finished = engine.finished();
        QMetaObject::invokeMethod(
            this, [this, generation, b = std::move(batch)] { receive(generation, b); },
            Qt::QueuedConnection);
        if (engine.finished()) {
            return;
        }
        if (factor != 0.0) {
            std::unique_lock lock(m_mutex);
            m_changed.wait_for(lock, kTick, [this, paceVersion] {
                return m_stopRequested || m_paceVersion != paceVersion;
            });
        }
    }
}

void SimulationRunner::receive(quint64 generation, const Batch& batch) {
    if (generation != m_generation) {
        return;
    }
    const int first = static_cast<int>(m_samples.size());
    m_samples.insert(m_samples.end(), batch.samples.begin(), batch.samples.end());
    m_summary = batch.summary;
    m_reached = batch.reached;
    emit samplesAppended(first, static_cast<int>(batch.samples.size()));
    if (batch.finished) {
        joinWorker();
        setState(State::Finished);
    }
}

}  // namespace goflow::app
