// ChartFeeder: turns the controller's samples into chart points and swaps them into a series.
//
// QML decides when to refresh (a timer) and which series shows which metric. This class builds
// the whole point list in C++ and hands it over with QXYSeries::replace(), one call per series.
// A refresh therefore costs one allocation per series and no per-point QML work. A series keeps at
// most kWindow points, the newest ones.
#pragma once

#include <QtQml/qqmlregistration.h>
#include <QObject>
#include <QPointer>
#include <QtCharts/QAbstractSeries>

#include "studio_controller.h"

class ChartFeeder : public QObject {
    Q_OBJECT
    QML_ELEMENT

    Q_PROPERTY(
        StudioController* controller READ controller WRITE setController NOTIFY controllerChanged)

  public:
    enum class Metric {
        LimiterLevel,
        LimiterReferenceLine,
        QueueDepth,
        QueueCapacityLine,
        BusyWorkers,
        AdmittedPerSecond,
        RejectedPerSecond,
        LatencyP99,
    };
    Q_ENUM(Metric)

    static constexpr int kWindow = 10'000;

    explicit ChartFeeder(QObject* parent = nullptr);

    StudioController* controller() const { return m_controller; }
    void setController(StudioController* controller);

    // Replaces the points of `series` (an XY series) with the current values of `metric`.
    Q_INVOKABLE void update(QAbstractSeries* series, ChartFeeder::Metric metric) const;

    // Returns a y-axis maximum that fits both `metric` and its reference line, with headroom.
    Q_INVOKABLE double upperBound(ChartFeeder::Metric metric) const;

    // Returns the x-axis maximum in seconds: the load's length, or further if the run drained
    // past it.
    Q_INVOKABLE double timeSpan() const;

  signals:
    void controllerChanged();

  private:
    QList<QPointF> points(Metric metric) const;

    QPointer<StudioController> m_controller;
};
