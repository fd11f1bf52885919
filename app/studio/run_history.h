// RunHistory: the finished runs of the session, newest last, for the Compare page.
//
// Each entry keeps the scenario as it was run, every sample and the summary, so a run can be
// charted again after the controller has moved on. The history keeps at most kCapacity runs and
// evicts the oldest when a new one arrives. A run is addressed by its id, which stays the same
// while rows move. Thread safety: none; use it from the GUI thread.
#pragma once

#include <QtQml/qqmlregistration.h>
#include <QAbstractListModel>
#include <QDateTime>
#include <QHash>
#include <QString>

#include <deque>
#include <vector>

#include "goflow/sim/engine.hpp"

struct RunRecord {
    int id = 0;
    QString name;
    QDateTime finishedAt;
    goflow::sim::Scenario scenario;
    std::vector<goflow::sim::Sample> samples;
    goflow::sim::Summary summary;
    // Position in Sample::limiter_levels of the limiter the charts show, or -1 when the scenario
    // has none: the first token bucket of any class, or else the first limiter of any kind.
    int limiterIndex = -1;
};

class RunHistory : public QAbstractListModel {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("RunHistory belongs to a StudioController; use StudioController.history.")

    Q_PROPERTY(int count READ count NOTIFY countChanged)
    Q_PROPERTY(int capacity READ capacity CONSTANT)

  public:
    enum Role {
        RunIdRole = Qt::UserRole + 1,
        NameRole,
        ScenarioNameRole,
        FinishedAtRole,
        OfferedRole,
        RejectedPercentRole,
        LatencyP99Role,
    };
    Q_ENUM(Role)

    // Each run keeps the samples the controller kept when it finished, at most
    // goflow::app::SampleWindow::kDefaultCapacity, so a full history keeps at most 200,000.
    static constexpr int kCapacity = 20;

    explicit RunHistory(QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    int count() const { return static_cast<int>(m_runs.size()); }
    static int capacity() { return kCapacity; }

    // Appends a finished run named "<scenario name> #<n>", where n counts the runs of that
    // scenario in this session, evicting the oldest run when the history is full. Returns the
    // new run's id.
    int add(goflow::sim::Scenario scenario, std::vector<goflow::sim::Sample> samples,
            goflow::sim::Summary summary);

    // Renames the run with `runId`; a name that is empty after trimming is rejected.
    Q_INVOKABLE bool rename(int runId, const QString& name);
    Q_INVOKABLE bool remove(int runId);
    Q_INVOKABLE void clear();

    // Returns the row of the run with `runId`, or -1.
    Q_INVOKABLE int rowOf(int runId) const;
    // Returns the id of the run in `row`, or -1.
    Q_INVOKABLE int idAt(int row) const;
    Q_INVOKABLE QString nameOf(int runId) const;

    // Returns the run with `runId`, or nullptr. The pointer is valid until the history changes.
    const RunRecord* find(int runId) const;

    // Returns the limiter index RunRecord::limiterIndex describes for `scenario`.
    static int chartedLimiterIndex(const goflow::sim::Scenario& scenario);

  signals:
    void countChanged();
    // Emitted when a run is added, renamed or removed, with the id of that run.
    void runChanged(int runId);

  private:
    std::deque<RunRecord> m_runs;
    QHash<QString, int> m_runsPerScenario;
    int m_nextId = 1;
};
