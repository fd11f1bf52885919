// TheoryModel: what queueing theory predicts for the open scenario's worker pool, next to what
// the run measured, plus the scenario's "what to look for" notes.
//
// The prediction is offered only where the formulas hold exactly in the long run: the pool must
// see Poisson arrivals at one constant rate and serve them with exponential service times.
// Concretely every class uses the open model with random (Poisson) arrivals, its phases share
// one constant rate and all loads last equally long. Clients do not retry, as retries add
// arrivals that depend on the queue. A limiter is accepted only when it can never bind: a
// concurrency limit of at least workers + queue capacity. A token or leaky bucket always
// reshapes the arrivals, so it makes the prediction unavailable. The pool rejects when full
// (no blocking), has no task timeout, there are no pipeline stages (their backpressure holds
// pool workers) and no scripted parameter changes. Several such classes merge into one Poisson
// stream with the summed rate.
//
// The model is M/M/c/K with K = workers + queue capacity. When the queue practically never
// fills (blocking probability below 1e-9) and the load is below capacity it is reported as
// M/M/c (M/M/1 for one worker). At or above capacity (lambda >= c * mu) the queue settles only
// once it is full. When an estimate of that filling time exceeds the load's length the run
// never reaches the steady state, so no prediction is offered either.
//
// Measured values cover the samples up to the end of the load, as the drain afterwards has no
// arrivals. They are time averages of the sampled queue depth and busy workers, the share of
// attempts rejected by the full queue and the admitted rate. The mean wait comes from Little's
// law, Wq = Lq / throughput, because samples record no per-request waits. A run starts empty,
// so short runs read below the steady-state values.
//
// Thread safety: a GUI-thread object, like the controller it follows.
#pragma once

#include <QtQml/qqmlregistration.h>
#include <QList>
#include <QObject>
#include <QPointF>
#include <QPointer>
#include <QStringList>
#include <QtCharts/QAbstractSeries>

#include <optional>
#include <vector>

#include "goflow/sim/engine.hpp"
#include "queueing_theory.h"
#include "studio_controller.h"

class TheoryModel : public QObject {
    Q_OBJECT
    QML_ELEMENT

    Q_PROPERTY(
        StudioController* controller READ controller WRITE setController NOTIFY controllerChanged)
    Q_PROPERTY(bool available READ available NOTIFY predictionChanged)
    Q_PROPERTY(QString unavailableReason READ unavailableReason NOTIFY predictionChanged)
    Q_PROPERTY(QString modelName READ modelName NOTIFY predictionChanged)
    Q_PROPERTY(double arrivalRate READ arrivalRate NOTIFY predictionChanged)
    Q_PROPERTY(double serviceRate READ serviceRate NOTIFY predictionChanged)
    Q_PROPERTY(int servers READ servers NOTIFY predictionChanged)
    Q_PROPERTY(double queueCapacity READ queueCapacity NOTIFY predictionChanged)
    Q_PROPERTY(double utilisation READ utilisation NOTIFY predictionChanged)
    Q_PROPERTY(double waitProbability READ waitProbability NOTIFY predictionChanged)
    Q_PROPERTY(double blockingProbability READ blockingProbability NOTIFY predictionChanged)
    Q_PROPERTY(double meanQueueLength READ meanQueueLength NOTIFY predictionChanged)
    Q_PROPERTY(double meanWaitMs READ meanWaitMs NOTIFY predictionChanged)
    Q_PROPERTY(double throughput READ throughput NOTIFY predictionChanged)

    Q_PROPERTY(bool hasMeasurement READ hasMeasurement NOTIFY measurementChanged)
    Q_PROPERTY(double measuredSeconds READ measuredSeconds NOTIFY measurementChanged)
    Q_PROPERTY(double measuredUtilisation READ measuredUtilisation NOTIFY measurementChanged)
    Q_PROPERTY(double measuredBlockingProbability READ measuredBlockingProbability NOTIFY
                   measurementChanged)
    Q_PROPERTY(
        double measuredMeanQueueLength READ measuredMeanQueueLength NOTIFY measurementChanged)
    Q_PROPERTY(double measuredMeanWaitMs READ measuredMeanWaitMs NOTIFY measurementChanged)
    Q_PROPERTY(double measuredThroughput READ measuredThroughput NOTIFY measurementChanged)

    Q_PROPERTY(QStringList lookFor READ lookFor NOTIFY lookForChanged)
    Q_PROPERTY(bool lookForFromScenario READ lookForFromScenario NOTIFY lookForChanged)

  public:
    // The reference lines the charts can draw.
    enum class Line {
        MeanQueueLength,  // Lq, in requests, for the queue depth chart
        MeanWait,         // Wq, in ms, for a latency or wait chart
    };
    Q_ENUM(Line)

    // The verdict on one scenario: a prediction and its model's name, or why there is none.
    struct Assessment {
        std::optional<goflow::app::queueing::Prediction> prediction;
        QString modelName;  // "M/M/1", "M/M/8" or "M/M/4/10"
        QString reason;     // why there is no prediction, empty when there is one
    };

    static constexpr double kNegligibleBlocking = 1e-9;

    explicit TheoryModel(QObject* parent = nullptr);

    // Decides whether the formulas apply to `scenario` and computes them if so.
    static Assessment assess(const goflow::sim::Scenario& scenario);

    StudioController* controller() const { return m_controller; }
    void setController(StudioController* controller);

    // Replaces the scenario (nothing open for nullopt) and clears the measurement.
    void setScenario(std::optional<goflow::sim::Scenario> scenario);
    // Adds the samples after those already measured. Fewer samples than last time start a new
    // run.
    void scan(const goflow::app::SampleWindow& samples);

    bool available() const { return m_assessment.prediction.has_value(); }
    QString unavailableReason() const { return m_assessment.reason; }
    QString modelName() const { return m_assessment.modelName; }
    double arrivalRate() const { return predicted(&Prediction::arrival_rate); }
    double serviceRate() const { return predicted(&Prediction::service_rate); }
    int servers() const { return available() ? m_assessment.prediction->servers : 0; }
    // The pool's waiting room, or -1 when unbounded. A double, as QML has no 64-bit integers.
    double queueCapacity() const;
    double utilisation() const { return predicted(&Prediction::utilisation); }
    double waitProbability() const { return predicted(&Prediction::wait_probability); }
    double blockingProbability() const { return predicted(&Prediction::blocking_probability); }
    double meanQueueLength() const { return predicted(&Prediction::mean_queue_length); }
    double meanWaitMs() const { return predicted(&Prediction::mean_wait) * 1000; }
    double throughput() const { return predicted(&Prediction::throughput); }

    bool hasMeasurement() const { return m_samples > 0 && m_measuredSeconds > 0; }
    double measuredSeconds() const { return m_measuredSeconds; }
    double measuredUtilisation() const;
    double measuredBlockingProbability() const;
    double measuredMeanQueueLength() const;
    double measuredMeanWaitMs() const;
    double measuredThroughput() const;

    // The scenario's "what to look for" notes, or its description when it has none.
    QStringList lookFor() const { return m_lookFor; }
    // True when lookFor() contains the scenario's own notes rather than its description.
    bool lookForFromScenario() const { return m_lookForFromScenario; }

    // Returns the points of a reference line from 0 to `endSeconds`, or none when unavailable.
    Q_INVOKABLE QList<QPointF> referenceLine(TheoryModel::Line line, double endSeconds) const;
    // Replaces the points of `series` (an XY series) with referenceLine(line, endSeconds).
    Q_INVOKABLE void updateSeries(QAbstractSeries* series, TheoryModel::Line line,
                                  double endSeconds) const;

  signals:
    void controllerChanged();
    void predictionChanged();
    void measurementChanged();
    void lookForChanged();

  private:
    using Prediction = goflow::app::queueing::Prediction;

    double predicted(double Prediction::*field) const {
        return available() ? (*m_assessment.prediction).*field : 0.0;
    }
    void followController(bool skipHeldSamples);
    void resetMeasurement();

    QPointer<StudioController> m_controller;
    std::optional<goflow::sim::Scenario> m_scenario;
    Assessment m_assessment;
    QStringList m_lookFor;
    bool m_lookForFromScenario = false;

    std::size_t m_scanned = 0;
    std::size_t m_samples = 0;  // samples within the load
    double m_lastTime = 0;
    double m_measuredSeconds = 0;
    double m_queueSum = 0;
    double m_busySum = 0;
    double m_attempts = 0;
    double m_rejectedByQueue = 0;
    double m_admitted = 0;
};
