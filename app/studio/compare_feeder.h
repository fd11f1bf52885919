// CompareFeeder: charts and summary numbers of two runs from a RunHistory, side by side.
//
// The Compare page picks two runs by id (first and second) and requests chart points per run and
// metric. Like ChartFeeder, points are built in C++ and swapped into a series with
// QXYSeries::replace(). A run longer than kMaxPoints samples is charted from buckets of
// consecutive samples: counts are summed over the bucket, levels are taken at its end and the
// p99 latency is the highest p99 in the bucket.
#pragma once

#include <QtQml/qqmlregistration.h>
#include <QObject>
#include <QPointer>
#include <QVariantList>
#include <QtCharts/QAbstractSeries>

#include "run_history.h"

class CompareFeeder : public QObject {
    Q_OBJECT
    QML_ELEMENT

    Q_PROPERTY(RunHistory* history READ history WRITE setHistory NOTIFY historyChanged)
    Q_PROPERTY(int firstRunId READ firstRunId WRITE setFirstRunId NOTIFY runsChanged)
    Q_PROPERTY(int secondRunId READ secondRunId WRITE setSecondRunId NOTIFY runsChanged)
    Q_PROPERTY(QString firstName READ firstName NOTIFY runsChanged)
    Q_PROPERTY(QString secondName READ secondName NOTIFY runsChanged)
    // True when both chosen runs exist in the history.
    Q_PROPERTY(bool ready READ ready NOTIFY runsChanged)
    // Rows of {label, first, second, difference, worse}: the summary numbers of both runs, the
    // second minus the first, and whether the second run is worse on that row (1), better (-1)
    // or neither (0).
    Q_PROPERTY(QVariantList summaryRows READ summaryRows NOTIFY runsChanged)

  public:
    enum class Metric {
        QueueDepth,
        LimiterLevel,
        AdmittedPerSecond,
        RejectedPerSecond,
        LatencyP99
    };
    Q_ENUM(Metric)

    static constexpr int kMaxPoints = 5'000;

    explicit CompareFeeder(QObject* parent = nullptr);

    RunHistory* history() const { return m_history; }
    void setHistory(RunHistory* history);
    int firstRunId() const { return m_firstRunId; }
    void setFirstRunId(int runId);
    int secondRunId() const { return m_secondRunId; }
    void setSecondRunId(int runId);
    QString firstName() const;
    QString secondName() const;
    bool ready() const;
    QVariantList summaryRows() const;

    // Chooses the two newest runs: the newest as second, the one before it as first.
    Q_INVOKABLE void chooseLatest();

    // Replaces the points of `series` with `metric` of the first run (`side` 0) or the second
    // (`side` 1). A missing run leaves the series empty.
    Q_INVOKABLE void update(QAbstractSeries* series, int side, CompareFeeder::Metric metric) const;

    // Returns a y-axis maximum that fits `metric` of both runs, with headroom.
    Q_INVOKABLE double upperBound(CompareFeeder::Metric metric) const;

    // Returns the x-axis maximum in seconds: the longer of the two runs.
    Q_INVOKABLE double timeSpan() const;

    // Returns the points of `metric` for one run.
    static QList<QPointF> points(const RunRecord& run, Metric metric);

  signals:
    void historyChanged();
    void runsChanged();

  private:
    const RunRecord* run(int side) const;
    void onRunChanged(int runId);

    QPointer<RunHistory> m_history;
    int m_firstRunId = -1;
    int m_secondRunId = -1;
};
