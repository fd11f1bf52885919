// StudioController: the Studio's view of one scenario and its run, exposed to QML.
//
// It loads a scenario file, owns the SimulationRunner that replays it, and publishes the
// scenario's parameters and the run's live totals as properties. ChartFeeder reads samples().
#pragma once

#include <QtQml/qqmlregistration.h>
#include <QList>
#include <QObject>
#include <QPointF>
#include <QString>

#include <optional>

#include "simulation_runner.h"

class StudioController : public QObject {
    Q_OBJECT
    QML_ELEMENT

    Q_PROPERTY(QString scenarioPath READ scenarioPath NOTIFY scenarioChanged)
    Q_PROPERTY(QString scenarioName READ scenarioName NOTIFY scenarioChanged)
    Q_PROPERTY(QString scenarioDescription READ scenarioDescription NOTIFY scenarioChanged)
    Q_PROPERTY(QString scenarioDetails READ scenarioDetails NOTIFY scenarioChanged)
    Q_PROPERTY(bool scenarioLoaded READ scenarioLoaded NOTIFY scenarioChanged)
    Q_PROPERTY(bool hasLimiter READ hasLimiter NOTIFY scenarioChanged)
    Q_PROPERTY(QString limiterTitle READ limiterTitle NOTIFY scenarioChanged)
    Q_PROPERTY(QString limiterValueName READ limiterValueName NOTIFY scenarioChanged)
    Q_PROPERTY(QString limiterReferenceName READ limiterReferenceName NOTIFY scenarioChanged)
    Q_PROPERTY(double limiterReference READ limiterReference NOTIFY scenarioChanged)
    Q_PROPERTY(int queueCapacity READ queueCapacity NOTIFY scenarioChanged)
    Q_PROPERTY(int workers READ workers NOTIFY scenarioChanged)
    Q_PROPERTY(double durationSeconds READ durationSeconds NOTIFY scenarioChanged)
    Q_PROPERTY(QString errorMessage READ errorMessage NOTIFY errorMessageChanged)
    Q_PROPERTY(RunState state READ state NOTIFY stateChanged)
    Q_PROPERTY(Speed speed READ speed WRITE setSpeed NOTIFY speedChanged)
    Q_PROPERTY(double elapsedSeconds READ elapsedSeconds NOTIFY progressChanged)
    Q_PROPERTY(qint64 offered READ offered NOTIFY progressChanged)
    Q_PROPERTY(qint64 admitted READ admitted NOTIFY progressChanged)
    Q_PROPERTY(qint64 rejectedByLimiter READ rejectedByLimiter NOTIFY progressChanged)
    Q_PROPERTY(qint64 rejectedByQueue READ rejectedByQueue NOTIFY progressChanged)
    Q_PROPERTY(qint64 completed READ completed NOTIFY progressChanged)
    Q_PROPERTY(double latencyP50 READ latencyP50 NOTIFY progressChanged)
    Q_PROPERTY(double latencyP95 READ latencyP95 NOTIFY progressChanged)
    Q_PROPERTY(double latencyP99 READ latencyP99 NOTIFY progressChanged)
    Q_PROPERTY(int sampleCount READ sampleCount NOTIFY progressChanged)

  public:
    enum class RunState { Idle, Running, Paused, Finished };
    Q_ENUM(RunState)
    // The replay pace: virtual seconds per wall second of 1, 10, or no pacing at all.
    enum class Speed { RealTime, Times10, AsFastAsPossible };
    Q_ENUM(Speed)

    explicit StudioController(QObject* parent = nullptr);

    // Loads a scenario from a path or a file:// URL. On failure keeps the previous scenario,
    // sets errorMessage and returns false.
    Q_INVOKABLE bool load(const QString& pathOrUrl);
    Q_INVOKABLE void run();
    Q_INVOKABLE void pause();
    Q_INVOKABLE void resume();
    Q_INVOKABLE void stop();
    Q_INVOKABLE void clearError();

    QString scenarioPath() const { return m_path; }
    QString scenarioName() const;
    QString scenarioDescription() const;
    QString scenarioDetails() const;
    bool scenarioLoaded() const { return m_scenario.has_value(); }
    bool hasLimiter() const { return m_limiterIndex >= 0; }
    // Position of the charted limiter in Sample::limiter_levels, or -1. The chart shows the
    // first token bucket of any class, or else the first limiter of any kind.
    int limiterIndex() const { return m_limiterIndex; }
    QString limiterTitle() const;
    QString limiterValueName() const;
    QString limiterReferenceName() const;
    // The line drawn with the limiter's level: burst, slack + 1 or limit, at the start.
    double limiterReference() const;
    // The same line as (time in seconds, value) steps, following the scenario's scripted
    // changes of that limiter.
    QList<QPointF> limiterReferenceSteps(double endSeconds) const;
    int queueCapacity() const;
    int workers() const;
    double durationSeconds() const;
    QString errorMessage() const { return m_error; }
    RunState state() const;
    Speed speed() const { return m_speed; }
    void setSpeed(Speed speed);
    double elapsedSeconds() const { return m_runner.elapsedSeconds(); }
    qint64 offered() const { return static_cast<qint64>(m_runner.summary().offered); }
    qint64 admitted() const { return static_cast<qint64>(m_runner.summary().admitted); }
    qint64 rejectedByLimiter() const;
    qint64 rejectedByQueue() const;
    qint64 completed() const { return static_cast<qint64>(m_runner.summary().completed); }
    double latencyP50() const { return m_runner.summary().latency_p50_ms; }
    double latencyP95() const { return m_runner.summary().latency_p95_ms; }
    double latencyP99() const { return m_runner.summary().latency_p99_ms; }
    int sampleCount() const { return static_cast<int>(m_runner.samples().size()); }

    const std::vector<goflow::sim::Sample>& samples() const { return m_runner.samples(); }
    const goflow::sim::Summary& summary() const { return m_runner.summary(); }
    // The loaded scenario, without the run's live parameter changes; empty before a load.
    const std::optional<goflow::sim::Scenario>& scenario() const { return m_scenario; }

  signals:
    void scenarioChanged();
    void errorMessageChanged();
    void stateChanged();
    void speedChanged();
    void progressChanged();

  private:
    void setError(const QString& message);
    void chooseChartedLimiter();
    const goflow::sim::LimiterConfig* chartedLimiter() const;

    goflow::app::SimulationRunner m_runner;
    std::optional<goflow::sim::Scenario> m_scenario;
    QString m_path;
    QString m_error;
    Speed m_speed = Speed::RealTime;
    int m_limiterIndex = -1;
    int m_limiterClass = -1;
    int m_limiterInClass = -1;
};
