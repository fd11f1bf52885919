// LoadPreview: the offered load of one request class as requests per second over time, for the
// design page's preview chart.
//
// The rate comes from the load description alone (phases, or a trace's request times), so the
// preview needs no simulation run. The functions below hold the arithmetic so that tests can check
// it against hand-computed rates.
#pragma once

#include <QtQml/qqmlregistration.h>
#include <QList>
#include <QObject>
#include <QPointF>
#include <QPointer>
#include <QtCharts/QAbstractSeries>

#include "goflow/sim/scenario.hpp"
#include "scenario_document.h"

namespace goflow::app {

// Returns the offered rate in requests per second at `seconds` after the load starts: the rate of
// the phase that contains that moment, or 0 before the start and after the end. A phase boundary
// belongs to the later phase. For a trace, returns the requests in the 1-second window starting
// at `seconds`. Returns 0 for the closed model, whose rate depends on response times.
double offeredRateAt(const goflow::sim::LoadConfig& load, double seconds);

// Returns the offered rate as (seconds, requests per second) points that a line series draws as
// the exact shape: two points per constant or ramp phase, so steps stay vertical, and enough
// points per sine period to look smooth. At most about `maxPoints` points; a sine with more
// periods than that allows is sampled evenly and loses detail. A trace is binned into about
// `maxPoints / 2` equal windows. Returns no points for the closed model.
QList<QPointF> offeredRatePoints(const goflow::sim::LoadConfig& load, int maxPoints = 2000);

}  // namespace goflow::app

class LoadPreview : public QObject {
    Q_OBJECT
    QML_ELEMENT

    Q_PROPERTY(ScenarioDocument* document READ document WRITE setDocument NOTIFY documentChanged)
    Q_PROPERTY(int classIndex READ classIndex WRITE setClassIndex NOTIFY classIndexChanged)
    Q_PROPERTY(double durationSeconds READ durationSeconds NOTIFY previewChanged)
    Q_PROPERTY(double peakRate READ peakRate NOTIFY previewChanged)
    Q_PROPERTY(double totalRequests READ totalRequests NOTIFY previewChanged)
    Q_PROPERTY(QString emptyText READ emptyText NOTIFY previewChanged)

  public:
    explicit LoadPreview(QObject* parent = nullptr);

    ScenarioDocument* document() const { return m_document; }
    void setDocument(ScenarioDocument* document);
    int classIndex() const { return m_classIndex; }
    void setClassIndex(int index);

    double durationSeconds() const;
    double peakRate() const;
    // The expected number of requests of an open load (the integral of the rate), or the
    // trace's length. 0 for the closed model.
    double totalRequests() const;
    // Why the chart is empty (the closed model), or an empty string.
    QString emptyText() const;

    // Replaces the points of `series` (an XY series) with the class's offered rate.
    Q_INVOKABLE void update(QAbstractSeries* series) const;

  signals:
    void documentChanged();
    void classIndexChanged();
    // The load changed: the chart should call update() again.
    void previewChanged();

  private:
    const goflow::sim::LoadConfig* load() const;

    QPointer<ScenarioDocument> m_document;
    int m_classIndex = 0;
};
