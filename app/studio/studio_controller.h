// StudioController: the Studio's view of one scenario and its run, exposed to QML.
//
// It loads a scenario file, owns the SimulationRunner that replays it and the LiveSession that
// runs it on the real primitives, and publishes the scenario's parameters and the run's totals
// as properties. runMode picks which of the two run(), stop() and the totals refer to.
// ChartFeeder reads samples().
//
// The time cursor marks one moment of the recorded run. It follows the newest sample until the
// user moves it (setCursorSeconds, stepCursor), and follows again after followRun() or a new run.
// It can only stand on a sample still kept: a long run keeps its newest samples, not all.
#pragma once

#include <QtQml/qqmlregistration.h>
#include <QList>
#include <QObject>
#include <QPointF>
#include <QString>
#include <QStringList>
#include <QVariantList>

#include <optional>

#include "live_session.h"
#include "run_history.h"
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
    Q_PROPERTY(bool hasWriter READ hasWriter NOTIFY scenarioChanged)
    Q_PROPERTY(QString limiterTitle READ limiterTitle NOTIFY scenarioChanged)
    Q_PROPERTY(QString limiterValueName READ limiterValueName NOTIFY scenarioChanged)
    Q_PROPERTY(QString limiterReferenceName READ limiterReferenceName NOTIFY scenarioChanged)
    Q_PROPERTY(double limiterReference READ limiterReference NOTIFY scenarioChanged)
    Q_PROPERTY(int queueCapacity READ queueCapacity NOTIFY scenarioChanged)
    Q_PROPERTY(int workers READ workers NOTIFY scenarioChanged)
    Q_PROPERTY(double durationSeconds READ durationSeconds NOTIFY scenarioChanged)
    Q_PROPERTY(QString errorMessage READ errorMessage NOTIFY errorMessageChanged)
    Q_PROPERTY(RunState state READ state NOTIFY stateChanged)
    Q_PROPERTY(double speed READ speed WRITE setSpeed NOTIFY speedChanged)
    Q_PROPERTY(QString speedText READ speedText NOTIFY speedChanged)
    Q_PROPERTY(QVariantList speedSteps READ speedSteps CONSTANT)
    Q_PROPERTY(QStringList stationNames READ stationNames NOTIFY scenarioChanged)
    Q_PROPERTY(double sampleIntervalSeconds READ sampleIntervalSeconds NOTIFY scenarioChanged)
    Q_PROPERTY(double recordedSeconds READ recordedSeconds NOTIFY progressChanged)
    Q_PROPERTY(double cursorSeconds READ cursorSeconds WRITE setCursorSeconds NOTIFY cursorChanged)
    Q_PROPERTY(int cursorIndex READ cursorIndex NOTIFY cursorChanged)
    Q_PROPERTY(bool cursorFollowsRun READ cursorFollowsRun NOTIFY cursorChanged)
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
    Q_PROPERTY(int keptSampleCount READ keptSampleCount NOTIFY progressChanged)
    Q_PROPERTY(double keptFromSeconds READ keptFromSeconds NOTIFY progressChanged)
    Q_PROPERTY(RunMode runMode READ runMode WRITE setRunMode NOTIFY runModeChanged)
    // The values a live run has now, or the scenario's values while no live run is going.
    Q_PROPERTY(int liveWorkers READ liveWorkers NOTIFY liveParametersChanged)
    Q_PROPERTY(QVariantList liveLimiters READ liveLimiters NOTIFY liveParametersChanged)
    Q_PROPERTY(QVariantList liveStages READ liveStages NOTIFY liveParametersChanged)
    Q_PROPERTY(QVariantList markers READ markers NOTIFY markersChanged)
    // The finished runs of this session: each run that reaches Finished, up to
    // RunHistory::kCapacity.
    Q_PROPERTY(RunHistory* history READ history CONSTANT)

  public:
    enum class RunState { Idle, Running, Paused, Finished };
    Q_ENUM(RunState)
    // Replay: the simulator's virtual time, paced. Live: the real primitives on real threads.
    enum class RunMode { Replay, Live };
    Q_ENUM(RunMode)
    // The speed value that means "no pacing". Any other speed is virtual seconds per wall second.
    static constexpr double kAsFastAsPossible = goflow::app::SimulationRunner::kAsFastAsPossible;

    explicit StudioController(QObject* parent = nullptr);

    // Loads a scenario from a path or a file:// URL. On failure keeps the previous scenario,
    // sets errorMessage and returns false.
    Q_INVOKABLE bool load(const QString& pathOrUrl);
    // Loads a scenario from JSON text, as the design page hands over an edited scenario.
    // Relative trace files resolve against `baseDirectory`; `path` becomes scenarioPath and may
    // be empty for a scenario not saved yet. On failure keeps the previous scenario, sets
    // errorMessage and returns false.
    Q_INVOKABLE bool loadScenarioText(const QString& jsonText, const QString& baseDirectory,
                                      const QString& path);
    // Starts a paced replay, or resumes a paused one.
    Q_INVOKABLE void run();
    // Computes the whole run at once and shows it complete.
    Q_INVOKABLE void simulate();
    Q_INVOKABLE void pause();
    Q_INVOKABLE void resume();
    // Pauses a running replay or resumes a paused one. When idle or finished it starts a replay.
    Q_INVOKABLE void togglePause();
    // Moves one sample forward: the cursor when the user has placed it before the newest sample,
    // otherwise the paused run. From idle it starts a paused run and takes its first sample.
    Q_INVOKABLE void step();
    Q_INVOKABLE void stop();
    Q_INVOKABLE void clearError();
    // Sets the speed from text such as "0.5", "10x", "realtime" or "max". On invalid text sets
    // errorMessage and returns false.
    Q_INVOKABLE bool setSpeedText(const QString& text);
    // Moves to the next faster or slower entry of speedSteps.
    Q_INVOKABLE void speedUp();
    Q_INVOKABLE void speedDown();
    // Moves the cursor by `samples` samples (negative moves back) and stops it following the run.
    Q_INVOKABLE void stepCursor(int samples);
    // Makes the cursor follow the newest sample again.
    Q_INVOKABLE void followRun();
    // Returns the queue capacity or the number of servers of station `station` (0 is the pool,
    // then each stage) at the start of the run, or 0 when there is no such station.
    Q_INVOKABLE int stationCapacity(int station) const;
    Q_INVOKABLE int stationServers(int station) const;
    // Returns the same values as (time in seconds, value) steps that follow the scripted
    // changes, up to `endSeconds`. Empty when there is no such station.
    QList<QPointF> stationCapacitySteps(int station, double endSeconds) const;
    QList<QPointF> stationServerSteps(int station, double endSeconds) const;

    QString scenarioPath() const { return m_path; }
    QString scenarioName() const;
    QString scenarioDescription() const;
    QString scenarioDetails() const;
    bool scenarioLoaded() const { return m_scenario.has_value(); }
    bool hasLimiter() const { return m_limiterIndex >= 0; }
    bool hasWriter() const { return m_scenario && m_scenario->writer.has_value(); }
    // The writer's buffer size in bytes, or 0 without a writer.
    qint64 writerBufferBytes() const {
        return hasWriter() ? static_cast<qint64>(m_scenario->writer->buffer_bytes) : 0;
    }
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
    // Virtual seconds per wall second, or kAsFastAsPossible.
    double speed() const { return m_speed; }
    // Sets the replay speed; an invalid factor sets errorMessage and keeps the current speed.
    void setSpeed(double speed);
    // The fixed replay speeds of earlier versions, kept for C++ callers: 1, 10 and
    // kAsFastAsPossible. QML sets the speed as a number.
    enum class Speed { RealTime, Times10, AsFastAsPossible };
    void setSpeed(Speed speed);
    QString speedText() const;
    static QVariantList speedSteps();
    QStringList stationNames() const;
    double sampleIntervalSeconds() const;
    // Time of the newest sample in seconds, 0 before the first.
    double recordedSeconds() const;
    double cursorSeconds() const;
    void setCursorSeconds(double seconds);
    // Index of the newest sample at or before the cursor, or -1 when there is none.
    int cursorIndex() const;
    bool cursorFollowsRun() const { return m_cursorFollowsRun; }
    double elapsedSeconds() const;
    qint64 offered() const { return static_cast<qint64>(summary().offered); }
    qint64 admitted() const { return static_cast<qint64>(summary().admitted); }
    qint64 rejectedByLimiter() const;
    qint64 rejectedByQueue() const;
    qint64 completed() const { return static_cast<qint64>(summary().completed); }
    double latencyP50() const { return summary().latency_p50_ms; }
    double latencyP95() const { return summary().latency_p95_ms; }
    double latencyP99() const { return summary().latency_p99_ms; }
    // Samples recorded by the run so far, kept or not.
    int sampleCount() const { return static_cast<int>(samples().endIndex()); }
    // Samples still kept: the newest goflow::app::SampleWindow::kDefaultCapacity at most.
    int keptSampleCount() const { return static_cast<int>(samples().size()); }
    // Time of the oldest sample kept in seconds; 0 while every sample is kept.
    double keptFromSeconds() const;

    // The samples and totals of the run of the current mode. Sample indices count from the
    // start of the run, and only the newest samples are kept (see goflow::app::SampleWindow).
    const goflow::app::SampleWindow& samples() const;
    const goflow::sim::Summary& summary() const;

    RunMode runMode() const { return m_runMode; }
    // Stops the run of the mode being left.
    void setRunMode(RunMode mode);
    int liveWorkers() const;
    // One map per token or leaky bucket: classIndex, limiterIndex, title, hasBurst, rate, burst.
    QVariantList liveLimiters() const;
    // One map per pipeline stage: index, name, concurrency.
    QVariantList liveStages() const;
    // The live run's parameter changes, one map each: time (s), parameter, oldValue, newValue,
    // label. Empty in replay mode.
    QVariantList markers() const;
    const goflow::app::LiveSession& liveSession() const { return m_live; }

    // Live parameter setters. Each changes the running primitives at once and records a marker.
    // Each returns false and sets errorMessage, changing nothing, when no live run is going, an
    // index is out of range, or the value is out of range: rate must be > 0, burst, workers and
    // concurrency whole numbers >= 1. Values are never clamped.
    Q_INVOKABLE bool setLimiterRate(int classIndex, int limiterIndex, double rate);
    Q_INVOKABLE bool setLimiterBurst(int classIndex, int limiterIndex, double burst);
    Q_INVOKABLE bool setLiveWorkers(double workers);
    Q_INVOKABLE bool setStageConcurrency(int stage, double concurrency);
    // Stops any run and shows `samples` as a finished run of the loaded scenario.
    void showRecordedRun(std::vector<goflow::sim::Sample> samples, goflow::sim::Summary summary);
    // The loaded scenario, without the run's live parameter changes; empty before a load.
    const std::optional<goflow::sim::Scenario>& scenario() const { return m_scenario; }

    RunHistory* history() { return &m_history; }
    // Replaces the scenario with one built in memory (a sweep's configuration), stopping any
    // run. `path` is the file it derives from, kept as scenarioPath.
    void loadScenario(goflow::sim::Scenario scenario, const QString& path);

  signals:
    void scenarioChanged();
    void errorMessageChanged();
    void stateChanged();
    void speedChanged();
    void progressChanged();
    void runModeChanged();
    void liveParametersChanged();
    void markersChanged();
    void cursorChanged();
    // Emitted after a finished run was added to the history.
    void runFinished(int runId);

  private:
    void setError(const QString& message);
    void chooseChartedLimiter();
    const goflow::sim::LimiterConfig* chartedLimiter() const;
    bool isLive() const { return m_runMode == RunMode::Live; }
    void connectLiveSession();
    // Returns the limiter or sets errorMessage and returns nullptr.
    const goflow::sim::LimiterConfig* liveLimiter(int classIndex, int limiterIndex);
    bool checkLiveRunning(const QString& parameterDescription);
    bool applyLiveParameter(const QString& parameter, double value);
    double liveValue(const QString& parameter, double scenarioValue) const;
    const goflow::sim::StationConfig* station(int index) const;
    // Returns `initial` as (time, value) steps that follow the scripted changes of any parameter
    // in `names`, each changed value plus `offset`, up to `endSeconds`.
    QList<QPointF> parameterSteps(const QStringList& names, double initial, double offset,
                                  double endSeconds) const;
    void onSamplesAppended(int first, int count);
    void restartCursor();

    RunHistory m_history;  // declared first, so it outlives the runner that feeds it
    goflow::app::SimulationRunner m_runner;
    goflow::app::LiveSession m_live;
    RunMode m_runMode = RunMode::Replay;
    std::optional<goflow::sim::Scenario> m_scenario;
    QString m_path;
    QString m_error;
    double m_speed = 1.0;
    bool m_cursorFollowsRun = true;
    double m_cursorSeconds = 0;  // used while the cursor does not follow the run
    int m_limiterIndex = -1;
    int m_limiterClass = -1;
    int m_limiterInClass = -1;
};
