// ChartFeeder: turns the controller's samples into chart points and swaps them into a series.
// ChartAxes: the axis ranges of one chart, either following the data or fixed by the user.
//
// QML decides when to refresh (a timer) and which series shows which metric. ChartFeeder builds
// the whole point list in C++ and hands it over with QXYSeries::replace(), one call per series.
// A refresh therefore costs one allocation per series and no per-point QML work. A series covers
// the samples the controller keeps, the newest kWindow at most. When those are more than
// kMaxPlotPoints, update() hands the series a
// min/max decimation of them (see decimate()), because Qt Charts strokes every point on each
// refresh and a plot a thousand pixels wide cannot show more anyway.
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
    // A charted quantity. Queue, server and station latency metrics take a station index
    // (0 is the worker pool, then each pipeline stage); the others ignore it. Rates are counts of
    // one sample interval divided by its length. Latencies are in milliseconds.
    enum class Metric {
        LimiterLevel,
        LimiterReferenceLine,  // burst, slack + 1 or limit, following scripted changes
        QueueDepth,
        QueueCapacityLine,
        BusyWorkers,
        BlockedWorkers,  // holding a finished item that the next stage has no room for
        WorkerCountLine,
        AdmittedPerSecond,
        RejectedPerSecond,  // by a limiter or a full queue
        DroppedPerSecond,
        RetriedPerSecond,
        LatencyP50,  // end to end
        LatencyP95,
        LatencyP99,
        StationLatencyP50,
        StationLatencyP95,
        StationLatencyP99,
        StationMeanWait,    // mean queue wait of the items that started service, in ms
        WriterBufferedKiB,  // accepted bytes not yet written, as AsyncWriter's snapshot counts them
        WriterBufferLine,   // the writer's buffer size in KiB
        WriterFlushesPerSecond,
        WriterDroppedPerSecond,  // records dropped by a full writer under the fail policy
    };
    Q_ENUM(Metric)

    // The samples a series covers: every sample the controller keeps.
    static constexpr int kWindow = static_cast<int>(goflow::app::SampleWindow::kDefaultCapacity);
    // The max points update() passes to a series. Up to this many, a series has one point per
    // sample. More are cut into kPlotBuckets time buckets of at most 4 points each, which is a
    // bucket per 2 px of a chart in the Run page's two-column grid at the default 1280 px window.
    // The limit keeps 6 series' replace() calls under 5 ms of CPU time with the software scene
    // graph (bench_studio_charts, see BENCHMARKS.md).
    static constexpr int kMaxPlotPoints = 1'200;
    static constexpr int kPlotBuckets = kMaxPlotPoints / 4;

    explicit ChartFeeder(QObject* parent = nullptr);

    StudioController* controller() const { return m_controller; }
    void setController(StudioController* controller);

    // Replaces the points of `series` (an XY series) with the current values of `metric`,
    // decimated to at most kMaxPlotPoints. Returns the largest value, at least 0, so that a chart
    // can fit its axis in one pass.
    Q_INVOKABLE double update(QAbstractSeries* series, ChartFeeder::Metric metric,
                              int station = 0) const;

    // Returns the largest value of `metric` in the window, at least 0.
    Q_INVOKABLE double upperBound(ChartFeeder::Metric metric, int station = 0) const;

    // Returns the value of `metric` at the controller's cursor, or NaN when there is none.
    Q_INVOKABLE double valueAt(ChartFeeder::Metric metric, int station = 0) const;

    // Returns the x-axis minimum in seconds: 0, or the first charted sample's time when the
    // window starts after the run did (more samples than the window, or the oldest no longer
    // kept).
    Q_INVOKABLE double timeStart() const;

    // Returns the x-axis maximum in seconds: the load's length, or further if the run drained
    // past it. Once the window starts after the run did, the newest charted sample's time.
    Q_INVOKABLE double timeSpan() const;

    // Returns the points of `metric` in the window, one per sample, before decimation.
    QList<QPointF> points(Metric metric, int station = 0) const;

    // Returns `points` (in time order) unchanged when they are at most 4 * `buckets`. Otherwise
    // cuts the time they span into `buckets` equal intervals and keeps each interval's first,
    // lowest, highest and last point, in time order and each once. So a one-sample spike survives
    // and the line's ends stay in place. `buckets` below 1 counts as 1. A NaN value is kept only
    // as a bucket's first or last point.
    static QList<QPointF> decimate(const QList<QPointF>& points, int buckets);

  signals:
    void controllerChanged();

  private:
    std::size_t windowStart() const;
    bool sampleValue(Metric metric, int station, std::size_t index, double& value) const;

    QPointer<StudioController> m_controller;
};

class ChartAxes : public QObject {
    Q_OBJECT
    QML_ELEMENT

    Q_PROPERTY(bool follow READ follow WRITE setFollow NOTIFY followChanged)
    Q_PROPERTY(double xMin READ xMin NOTIFY rangeChanged)
    Q_PROPERTY(double xMax READ xMax NOTIFY rangeChanged)
    Q_PROPERTY(double yMin READ yMin NOTIFY rangeChanged)
    Q_PROPERTY(double yMax READ yMax NOTIFY rangeChanged)
    Q_PROPERTY(double xTick READ xTick NOTIFY rangeChanged)
    Q_PROPERTY(double yTick READ yTick NOTIFY rangeChanged)
    Q_PROPERTY(QString xLabelFormat READ xLabelFormat NOTIFY rangeChanged)
    Q_PROPERTY(QString yLabelFormat READ yLabelFormat NOTIFY rangeChanged)

  public:
    explicit ChartAxes(QObject* parent = nullptr);

    bool follow() const { return m_follow; }
    void setFollow(bool follow);
    double xMin() const { return m_xMin; }
    double xMax() const { return m_xMax; }
    double yMin() const { return m_yMin; }
    double yMax() const { return m_yMax; }
    double xTick() const { return niceStep(m_xMax - m_xMin); }
    double yTick() const { return niceStep(m_yMax - m_yMin); }
    QString xLabelFormat() const { return labelFormat(xTick()); }
    QString yLabelFormat() const { return labelFormat(yTick()); }

    // Fits the axes to the data while following: time from `xMin` to `xMax` widened to whole
    // half ticks, values from 0 to `yMax` plus 10 % headroom, at least 1. Does nothing while the
    // range is fixed.
    Q_INVOKABLE void fit(double xMin, double xMax, double yMax);
    // Fixes the range. Returns false and changes nothing unless every bound is finite and each
    // minimum is below its maximum.
    Q_INVOKABLE bool setRange(double xMin, double xMax, double yMin, double yMax);
    // Zooms in by `factor` (above 1) or out (below 1) around the point at `xFraction` of the
    // width from the left and `yFraction` of the height from the bottom, and fixes the range.
    Q_INVOKABLE void zoom(double xFraction, double yFraction, double factor);
    // Follows the data again.
    Q_INVOKABLE void reset();

    // Returns 1, 2 or 5 times a power of ten, so that `span` shows about five ticks.
    static double niceStep(double span);
    // Returns a printf format with enough decimals to tell ticks `tick` apart.
    static QString labelFormat(double tick);

  signals:
    void followChanged();
    void rangeChanged();

  private:
    void assign(double xMin, double xMax, double yMin, double yMax);

    bool m_follow = true;
    double m_xMin = 0;
    double m_xMax = 1;
    double m_yMin = 0;
    double m_yMax = 1;
};
