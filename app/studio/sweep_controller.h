// SweepController: runs a parameter sweep of the loaded scenario for the Sweep page.
//
// The user picks one or two parameters of the StudioController's scenario, a range for each in
// the `goflow-sim sweep` syntax (FROM..TO, FROM..TO:STEP or a comma list), a metric and an
// optional target (p99 latency and rejected share below thresholds). start() copies the scenario
// and calls goflow::app::runSweep() on a background thread, which spreads the runs over all cores
// but one. The GUI thread only receives progress and the result. A sweep has at most
// kMaxCombinations combinations. loadCell() puts one combination into the StudioController.
#pragma once

#include <QtQml/qqmlregistration.h>
#include <QObject>
#include <QPointer>
#include <QVariantList>
#include <QtCharts/QAbstractSeries>

#include <optional>
#include <thread>
#include <vector>

#include "studio_controller.h"
#include "sweep.h"
#include "sweep_grid_model.h"

class SweepController : public QObject {
    Q_OBJECT
    QML_ELEMENT

    Q_PROPERTY(
        StudioController* controller READ controller WRITE setController NOTIFY controllerChanged)
    // The sweepable parameters of the loaded scenario as {key, value, label} maps.
    Q_PROPERTY(QVariantList parameters READ parameters NOTIFY parametersChanged)
    Q_PROPERTY(
        QString firstParameter READ firstParameter WRITE setFirstParameter NOTIFY inputsChanged)
    Q_PROPERTY(QString firstRange READ firstRange WRITE setFirstRange NOTIFY inputsChanged)
    // Empty for a sweep of one parameter.
    Q_PROPERTY(
        QString secondParameter READ secondParameter WRITE setSecondParameter NOTIFY inputsChanged)
    Q_PROPERTY(QString secondRange READ secondRange WRITE setSecondRange NOTIFY inputsChanged)
    // The first problem with the inputs, or empty when start() would run them.
    Q_PROPERTY(QString validationError READ validationError NOTIFY inputsChanged)
    Q_PROPERTY(int combinationCount READ combinationCount NOTIFY inputsChanged)
    Q_PROPERTY(Metric metric READ metric WRITE setMetric NOTIFY metricChanged)
    Q_PROPERTY(QString metricName READ metricName NOTIFY metricChanged)
    Q_PROPERTY(bool latencyTargetEnabled READ latencyTargetEnabled WRITE setLatencyTargetEnabled
                   NOTIFY targetChanged)
    Q_PROPERTY(
        double latencyTargetMs READ latencyTargetMs WRITE setLatencyTargetMs NOTIFY targetChanged)
    Q_PROPERTY(bool rejectedTargetEnabled READ rejectedTargetEnabled WRITE setRejectedTargetEnabled
                   NOTIFY targetChanged)
    Q_PROPERTY(double rejectedTargetPercent READ rejectedTargetPercent WRITE
                   setRejectedTargetPercent NOTIFY targetChanged)
    Q_PROPERTY(bool running READ running NOTIFY runningChanged)
    Q_PROPERTY(int done READ done NOTIFY progressChanged)
    Q_PROPERTY(int total READ total NOTIFY progressChanged)
    // What the last sweep did: an error, a cancellation or how many combinations met the target.
    Q_PROPERTY(QString statusText READ statusText NOTIFY statusChanged)
    Q_PROPERTY(bool statusIsError READ statusIsError NOTIFY statusChanged)
    // 0 before any result, else the number of parameters of the shown result.
    Q_PROPERTY(int resultDimensions READ resultDimensions NOTIFY resultChanged)
    Q_PROPERTY(QString resultRowParameter READ resultRowParameter NOTIFY resultChanged)
    Q_PROPERTY(QString resultColumnParameter READ resultColumnParameter NOTIFY resultChanged)
    Q_PROPERTY(SweepGridModel* grid READ grid CONSTANT)
    Q_PROPERTY(int maxCombinations READ maxCombinations CONSTANT)

  public:
    enum class Metric {
        LatencyP99,
        LatencyP50,
        RejectedPercent,
        CompletedPercent,
        MaxQueueDepth,
        Throughput,
    };
    Q_ENUM(Metric)

    // Upper limit on the combinations of one sweep. An estimate from the offscreen Studio test:
    // a run of a shipped 40-second scenario takes well under a second, so 400 runs end within
    // minutes even on one core.
    static constexpr int kMaxCombinations = 400;

    explicit SweepController(QObject* parent = nullptr);
    ~SweepController() override;

    StudioController* controller() const { return m_controller; }
    void setController(StudioController* controller);
    QVariantList parameters() const { return m_parameters; }

    QString firstParameter() const { return m_firstParameter; }
    void setFirstParameter(const QString& key);
    QString firstRange() const { return m_firstRange; }
    void setFirstRange(const QString& range);
    QString secondParameter() const { return m_secondParameter; }
    void setSecondParameter(const QString& key);
    QString secondRange() const { return m_secondRange; }
    void setSecondRange(const QString& range);
    QString validationError() const { return m_validationError; }
    int combinationCount() const { return m_combinationCount; }

    Metric metric() const { return m_metric; }
    void setMetric(Metric metric);
    QString metricName() const;
    bool latencyTargetEnabled() const { return m_latencyTargetEnabled; }
    void setLatencyTargetEnabled(bool enabled);
    double latencyTargetMs() const { return m_latencyTargetMs; }
    void setLatencyTargetMs(double ms);
    bool rejectedTargetEnabled() const { return m_rejectedTargetEnabled; }
    void setRejectedTargetEnabled(bool enabled);
    double rejectedTargetPercent() const { return m_rejectedTargetPercent; }
    void setRejectedTargetPercent(double percent);

    bool running() const { return m_running; }
    int done() const { return m_done; }
    int total() const { return m_total; }
    QString statusText() const { return m_statusText; }
    bool statusIsError() const { return m_statusIsError; }
    int resultDimensions() const { return static_cast<int>(m_resultAxes.size()); }
    QString resultRowParameter() const;
    QString resultColumnParameter() const;
    SweepGridModel* grid() { return &m_grid; }
    static int maxCombinations() { return kMaxCombinations; }

    // Returns a range of about eight values around the parameter's current value.
    Q_INVOKABLE QString suggestedRange(const QString& key) const;

    // Starts the sweep; returns false and sets the status when the inputs are invalid or a
    // sweep is running.
    Q_INVOKABLE bool start();
    // Asks the running sweep to stop; the result arrives as a cancellation shortly after.
    Q_INVOKABLE void cancel();

    // Loads the base scenario with the values of cell (row, column) into the StudioController.
    Q_INVOKABLE bool loadCell(int row, int column);

    // Fills `line` with (first parameter value, metric) of a one-parameter result, and
    // `targetPoints` with the points that meet the target.
    Q_INVOKABLE void updateLine(QAbstractSeries* line, QAbstractSeries* targetPoints) const;
    Q_INVOKABLE double lineMinX() const;
    Q_INVOKABLE double lineMaxX() const;
    Q_INVOKABLE double lineMaxY() const;

    // Returns the metric of a summary, and whether it meets the current target.
    double metricValue(const goflow::sim::Summary& summary) const;
    bool meetsTarget(const goflow::sim::Summary& summary) const;
    bool hasTarget() const { return m_latencyTargetEnabled || m_rejectedTargetEnabled; }
    const std::vector<goflow::app::SweepPoint>& resultPoints() const { return m_resultPoints; }

  signals:
    void controllerChanged();
    void parametersChanged();
    void inputsChanged();
    void metricChanged();
    void targetChanged();
    void runningChanged();
    void progressChanged();
    void statusChanged();
    void resultChanged();
    // Emitted when a sweep ends, whether it finished, failed or was cancelled.
    void finished();

  private:
    void refreshParameters();
    void validate();
    std::optional<std::vector<goflow::app::SweepAxis>> parseAxes(QString& error) const;
    void setStatus(const QString& text, bool isError);
    void setRunning(bool running);
    void receiveProgress(int done, int total);
    void receiveResult(goflow::Result<std::vector<goflow::app::SweepPoint>> result);
    void rebuildGrid(bool reshape);

    QPointer<StudioController> m_controller;
    QVariantList m_parameters;
    QString m_firstParameter;
    QString m_firstRange;
    QString m_secondParameter;
    QString m_secondRange;
    QString m_validationError;
    int m_combinationCount = 0;
    Metric m_metric = Metric::LatencyP99;
    bool m_latencyTargetEnabled = true;
    double m_latencyTargetMs = 200;
    bool m_rejectedTargetEnabled = true;
    double m_rejectedTargetPercent = 1;

    bool m_running = false;
    int m_done = 0;
    int m_total = 0;
    QString m_statusText;
    bool m_statusIsError = false;

    goflow::sim::Scenario m_runningBase;
    QString m_runningPath;
    std::vector<goflow::app::SweepAxis> m_runningAxes;
    goflow::sim::Scenario m_resultBase;
    QString m_resultPath;
    std::vector<goflow::app::SweepAxis> m_resultAxes;
    std::vector<goflow::app::SweepPoint> m_resultPoints;
    SweepGridModel m_grid;

    std::jthread m_thread;  // last member: joined before the state it reports into is destroyed
};
