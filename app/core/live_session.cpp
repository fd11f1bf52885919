#include "live_session.h"

#include <QLoggingCategory>
#include <QMetaObject>

#include <chrono>
#include <cmath>
#include <iterator>
#include <stdexcept>
#include <utility>

Q_LOGGING_CATEGORY(lcLive, "goflow.app.live")

namespace goflow::app {
namespace {

using namespace std::chrono_literals;

// How often the pump thread polls the runner; 50 Hz keeps charts smooth at a 20 Hz refresh.
constexpr auto kPoll = 20ms;

double seconds(goflow::Duration d) {
    return std::chrono::duration<double>(d).count();
}

QString formatValue(double value) {
    return std::isnan(value) ? QStringLiteral("unset") : QString::number(value, 'g', 6);
}

}  // namespace

QString LiveSession::Marker::label() const {
    return QStringLiteral("%1 %2 → %3")
        .arg(parameter, formatValue(oldValue), formatValue(newValue));
}

LiveSession::LiveSession(QObject* parent) : QObject(parent) {}

LiveSession::~LiveSession() {
    shutdown();
}

bool LiveSession::start(const goflow::sim::Scenario& scenario, double speed) {
    std::unique_ptr<goflow::sim::LiveRunner> runner;
    try {
        runner = std::make_unique<goflow::sim::LiveRunner>(
            scenario, goflow::sim::LiveOptions{.speed = speed});
    } catch (const std::invalid_argument& error) {
        m_error = tr("Cannot start a live run: %1").arg(QString::fromUtf8(error.what()));
        qCWarning(lcLive) << m_error;
        return false;
    }
    shutdown();
    m_error.clear();
    m_samples.clear();
    m_summary = {};
    m_speed = speed;
    const bool hadMarkers = !m_markers.isEmpty();
    m_markers.clear();
    const quint64 generation = ++m_generation;
    {
        std::lock_guard guard(m_mutex);
        m_pendingSamples.clear();
        m_pendingSummary = {};
        m_pendingFinished = false;
        m_deliveryQueued = false;
    }
    m_runner = std::move(runner);
    m_runner->start();
    m_pump = std::jthread([this, generation](std::stop_token stop) { pump(stop, generation); });
    qCInfo(lcLive) << "live run started:" << QString::fromStdString(scenario.name) << "at speed"
                   << speed;
    if (hadMarkers) {
        emit markersChanged();
    }
    emit samplesAppended(0, 0);
    setState(State::Running);
    return true;
}

void LiveSession::stop() {
    const bool wasRunning = m_state == State::Running;
    shutdown();
    if (wasRunning) {
        qCInfo(lcLive) << "live run stopped after" << elapsedSeconds() << "s of scenario time";
        setState(State::Idle);
    }
}

void LiveSession::shutdown() {
    if (m_pump.joinable()) {
        m_pump.request_stop();
        m_pump.join();
    }
    if (m_runner) {
        m_runner->stop();
    }
    ++m_generation;  // drops deliveries still queued for this thread
    std::lock_guard guard(m_mutex);
    m_pendingSamples.clear();
    m_pendingFinished = false;
    m_deliveryQueued = false;
}

bool LiveSession::setParameter(const QString& parameter, double value) {
    if (m_state != State::Running || !m_runner) {
        m_error = tr("Cannot change %1: no live run is going.").arg(parameter);
        return false;
    }
    auto change = m_runner->change_parameter(parameter.toStdString(), value);
    if (!change) {
        m_error = tr("Cannot change %1 to %2: %3")
                      .arg(parameter, QString::number(value),
                           QString::fromStdString(change.error().message));
        qCWarning(lcLive) << m_error;
        return false;
    }
    m_error.clear();
    Marker marker{seconds(change.value().at), parameter, change.value().old_value,
                  change.value().new_value};
    qCInfo(lcLive) << "live change at" << marker.timeSeconds << "s:" << marker.label();
    m_markers.append(std::move(marker));
    emit markersChanged();
    return true;
}

std::optional<double> LiveSession::parameter(const QString& parameter) const {
    if (!m_runner) {
        return std::nullopt;
    }
    auto value = m_runner->parameter(parameter.toStdString());
    if (!value) {
        return std::nullopt;
    }
    return value.value();
}

double LiveSession::elapsedSeconds() const {
    if (m_state == State::Running && m_runner) {
        return seconds(m_runner->clock().now().time_since_epoch());
    }
    return m_samples.empty() ? 0.0 : seconds(m_samples.back().time);
}

void LiveSession::setState(State state) {
    if (m_state == state) {
        return;
    }
    m_state = state;
    emit stateChanged(state);
}

// Runs on the pump thread. `finished` is read before the samples: the runner records its last
// sample before it reports the run finished, so a batch marked finished contains every sample.
void LiveSession::pump(std::stop_token stop, quint64 generation) {
    while (true) {
        const bool finished = m_runner->finished();
        std::vector<goflow::sim::Sample> fresh = m_runner->take_samples();
        const goflow::sim::Summary summary = m_runner->summary();
        bool post = false;
        {
            std::lock_guard guard(m_mutex);
            m_pendingSamples.insert(m_pendingSamples.end(), std::make_move_iterator(fresh.begin()),
                                    std::make_move_iterator(fresh.end()));
            m_pendingSummary = summary;
            m_pendingFinished = finished;
            post = !m_deliveryQueued;
            m_deliveryQueued = true;
        }
        if (post) {
            QMetaObject::invokeMethod(this, "deliver", Qt::QueuedConnection,
                                      Q_ARG(quint64, generation));
        }
        if (finished) {
            return;
        }
        std::unique_lock lock(m_mutex);
        static_cast<void>(m_wake.wait_for(lock, stop, kPoll, [] { return false; }));
        if (stop.stop_requested()) {
            return;
        }
    }
}

void LiveSession::deliver(quint64 generation) {
    if (generation != m_generation) {
        return;
    }
    std::vector<goflow::sim::Sample> batch;
    bool finished = false;
    {
        std::lock_guard guard(m_mutex);
        batch.swap(m_pendingSamples);
        m_summary = m_pendingSummary;
        finished = m_pendingFinished;
        m_deliveryQueued = false;
    }
    if (batch.empty()) {
        emit samplesAppended(static_cast<int>(m_samples.endIndex()), 0);  // the totals changed
    } else {
        m_samples.appendAll(std::move(batch), [&](std::size_t first, std::size_t count) {
            emit samplesAppended(static_cast<int>(first), static_cast<int>(count));
            return generation == m_generation;
        });
    }
    // A slot connected to samplesAppended may have stopped this run or started another.
    if (finished && generation == m_generation && m_state == State::Running) {
        shutdown();
        qCInfo(lcLive) << "live run finished after" << elapsedSeconds() << "s of scenario time";
        setState(State::Finished);
    }
}

}  // namespace goflow::app
