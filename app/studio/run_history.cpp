#include "run_history.h"

#include <QLocale>

#include <algorithm>

namespace {

double rejectedPercent(const goflow::sim::Summary& summary) {
    if (summary.attempts == 0) {
        return 0.0;
    }
    const auto rejected = summary.rejected_by_limiter + summary.rejected_by_queue;
    return 100.0 * static_cast<double>(rejected) / static_cast<double>(summary.attempts);
}

}  // namespace

RunHistory::RunHistory(QObject* parent) : QAbstractListModel(parent) {}

int RunHistory::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : count();
}

QVariant RunHistory::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) {
        return {};
    }
    const RunRecord& run = m_runs[static_cast<std::size_t>(index.row())];
    switch (role) {
        case Qt::DisplayRole:
        case NameRole:
            return run.name;
        case RunIdRole:
            return run.id;
        case ScenarioNameRole:
            return QString::fromStdString(run.scenario.name);
        case FinishedAtRole:
            return QLocale().toString(run.finishedAt.time(), QLocale::ShortFormat);
        case OfferedRole:
            return static_cast<qint64>(run.summary.offered);
        case RejectedPercentRole:
            return rejectedPercent(run.summary);
        case LatencyP99Role:
            return run.summary.latency_p99_ms;
        default:
            return {};
    }
}

QHash<int, QByteArray> RunHistory::roleNames() const {
    return {
        {RunIdRole, "runId"},
        {NameRole, "name"},
        {ScenarioNameRole, "scenarioName"},
        {FinishedAtRole, "finishedAt"},
        {OfferedRole, "offered"},
        {RejectedPercentRole, "rejectedPercent"},
        {LatencyP99Role, "latencyP99"},
    };
}

int RunHistory::add(goflow::sim::Scenario scenario, std::vector<goflow::sim::Sample> samples,
                    goflow::sim::Summary summary) {
    if (m_runs.size() >= static_cast<std::size_t>(kCapacity)) {
        const int evicted = m_runs.front().id;
        beginRemoveRows({}, 0, 0);
        m_runs.pop_front();
        endRemoveRows();
        emit runChanged(evicted);
    }
    RunRecord run;
    run.id = m_nextId++;
    const QString scenarioName = QString::fromStdString(scenario.name);
    const int number = ++m_runsPerScenario[scenarioName];
    run.name = tr("%1 #%2").arg(scenarioName.isEmpty() ? tr("Run") : scenarioName).arg(number);
    run.finishedAt = QDateTime::currentDateTime();
    run.limiterIndex = chartedLimiterIndex(scenario);
    run.scenario = std::move(scenario);
    run.samples = std::move(samples);
    run.summary = std::move(summary);

    const int row = count();
    beginInsertRows({}, row, row);
    m_runs.push_back(std::move(run));
    endInsertRows();
    emit countChanged();
    emit runChanged(m_runs.back().id);
    return m_runs.back().id;
}

bool RunHistory::rename(int runId, const QString& name) {
    const int row = rowOf(runId);
    const QString trimmed = name.trimmed();
    if (row < 0 || trimmed.isEmpty()) {
        return false;
    }
    RunRecord& run = m_runs[static_cast<std::size_t>(row)];
    if (run.name == trimmed) {
        return true;
    }
    run.name = trimmed;
    const QModelIndex changed = index(row);
    emit dataChanged(changed, changed, {Qt::DisplayRole, NameRole});
    emit runChanged(runId);
    return true;
}

bool RunHistory::remove(int runId) {
    const int row = rowOf(runId);
    if (row < 0) {
        return false;
    }
    beginRemoveRows({}, row, row);
    m_runs.erase(m_runs.begin() + row);
    endRemoveRows();
    emit countChanged();
    emit runChanged(runId);
    return true;
}

void RunHistory::clear() {
    if (m_runs.empty()) {
        return;
    }
    beginResetModel();
    std::deque<RunRecord> removed;
    removed.swap(m_runs);
    endResetModel();
    emit countChanged();
    for (const RunRecord& run : removed) {
        emit runChanged(run.id);
    }
}

int RunHistory::rowOf(int runId) const {
    const auto it = std::find_if(m_runs.begin(), m_runs.end(),
                                 [runId](const RunRecord& run) { return run.id == runId; });
    return it == m_runs.end() ? -1 : static_cast<int>(it - m_runs.begin());
}

int RunHistory::idAt(int row) const {
    if (row < 0 || row >= count()) {
        return -1;
    }
    return m_runs[static_cast<std::size_t>(row)].id;
}

QString RunHistory::nameOf(int runId) const {
    const RunRecord* run = find(runId);
    return run ? run->name : QString();
}

const RunRecord* RunHistory::find(int runId) const {
    const int row = rowOf(runId);
    return row < 0 ? nullptr : &m_runs[static_cast<std::size_t>(row)];
}

int RunHistory::chartedLimiterIndex(const goflow::sim::Scenario& scenario) {
    using Type = goflow::sim::LimiterConfig::Type;
    for (const bool tokenBucketsOnly : {true, false}) {
        int flat = 0;
        for (const auto& requestClass : scenario.classes) {
            for (const auto& limiter : requestClass.limiters) {
                if (!tokenBucketsOnly || limiter.type == Type::token_bucket) {
                    return flat;
                }
                ++flat;
            }
        }
    }
    return -1;
}
