#include "topology_model.h"

#include <QRegularExpression>

#include <algorithm>
#include <chrono>

#include "scenario_document.h"

namespace {

using goflow::sim::LimiterConfig;
using goflow::sim::ParameterChange;
using goflow::sim::Scenario;
using goflow::sim::WriterConfig;

QString number(double value) {
    return QString::number(value, 'g', 10);
}

QString millis(goflow::Duration d) {
    return number(std::chrono::duration<double, std::milli>(d).count());
}

// Returns the change parameter's position in the group named by `prefix`: for prefix
// "classes[1].limiters" the index in "classes[1].limiters[3].rate", or -1 when the change is
// about another element. Class 0's limiters also match the "limiters[3]..." shorthand.
int groupIndexOf(const ParameterChange& change, const QString& prefix, bool shorthandAlso) {
    static const QRegularExpression indexed(QStringLiteral("^(.*)\\[(\\d+)\\]\\."));
    const QRegularExpressionMatch match = indexed.match(QString::fromStdString(change.parameter));
    if (!match.hasMatch()) {
        return -1;
    }
    const QString group = match.captured(1);
    if (group == prefix || (shorthandAlso && group == QLatin1String("limiters"))) {
        return match.captured(2).toInt();
    }
    return -1;
}

// Rewrites the index of every change that refers to the group, using `newIndex(old)`.
void renumberChanges(Scenario& s, const QString& prefix, bool shorthandAlso,
                     const std::function<int(int)>& newIndex) {
    static const QRegularExpression indexed(QStringLiteral("^(.*)\\[(\\d+)\\](\\..*)$"));
    for (ParameterChange& change : s.changes) {
        const int old = groupIndexOf(change, prefix, shorthandAlso);
        if (old < 0) {
            continue;
        }
        const QRegularExpressionMatch match =
            indexed.match(QString::fromStdString(change.parameter));
        change.parameter = QStringLiteral("%1[%2]%3")
                               .arg(match.captured(1))
                               .arg(newIndex(old))
                               .arg(match.captured(3))
                               .toStdString();
    }
}

// Returns the change parameter group of a limiter or stage element.
QString groupPrefix(const ElementRef& ref) {
    if (ref.kind == ElementKind::Limiter) {
        return QStringLiteral("classes[%1].limiters").arg(ref.classIndex);
    }
    return QStringLiteral("stages");
}

// Returns the request class whose parameter a scripted change sets: i for "classes[i]...", 0 for
// the "limiters[j]..." and "client..." shorthands of class 0, or -1 for any other parameter.
int classOfChange(const ParameterChange& change) {
    static const QRegularExpression indexed(QStringLiteral("^classes\\[(\\d+)\\]\\."));
    const QString parameter = QString::fromStdString(change.parameter);
    if (const QRegularExpressionMatch match = indexed.match(parameter); match.hasMatch()) {
        return match.captured(1).toInt();
    }
    if (parameter.startsWith(QLatin1String("limiters[")) ||
        parameter.startsWith(QLatin1String("client."))) {
        return 0;
    }
    return -1;
}

// Rewrites "classes[j]..." to "classes[j-1]..." for every change of a class after `removed`.
void renumberClassChanges(Scenario& s, int removed) {
    static const QRegularExpression indexed(QStringLiteral("^classes\\[(\\d+)\\](\\..*)$"));
    for (ParameterChange& change : s.changes) {
        const QRegularExpressionMatch match =
            indexed.match(QString::fromStdString(change.parameter));
        if (!match.hasMatch() || match.captured(1).toInt() <= removed) {
            continue;
        }
        change.parameter = QStringLiteral("classes[%1]%2")
                               .arg(match.captured(1).toInt() - 1)
                               .arg(match.captured(2))
                               .toStdString();
    }
}

// Erases request class `classIndex` and renumbers the scripted changes of the later classes.
// Returns an empty string, as a change for ScenarioDocument::edit() does on success.
QString eraseClass(Scenario& s, int classIndex) {
    s.classes.erase(s.classes.begin() + classIndex);
    renumberClassChanges(s, classIndex);
    return {};
}

// Returns whether a scripted change sets a writer parameter ("writer.write_ms_per_kib").
bool isWriterChange(const ParameterChange& change) {
    return QString::fromStdString(change.parameter).startsWith(QLatin1String("writer."));
}

QString limiterTypeName(LimiterConfig::Type type) {
    switch (type) {
        case LimiterConfig::Type::token_bucket:
            return TopologyModel::tr("Token bucket");
        case LimiterConfig::Type::leaky_bucket:
            return TopologyModel::tr("Leaky bucket");
        case LimiterConfig::Type::concurrency:
            return TopologyModel::tr("Concurrency limiter");
    }
    return {};
}

}  // namespace

TopologyModel::TopologyModel(ScenarioDocument* document)
    : QAbstractListModel(document), m_document(document) {
    rebuild();
    connect(document, &ScenarioDocument::scenarioReplaced, this,
            &TopologyModel::onScenarioReplaced);
    connect(document, &ScenarioDocument::scenarioEdited, this, &TopologyModel::onScenarioEdited);
}

void TopologyModel::rebuild() {
    m_rows.clear();
    const Scenario& s = m_document->scenario();
    m_rows.push_back({ElementKind::Settings, -1, 0});
    for (int c = 0; c < static_cast<int>(s.classes.size()); ++c) {
        m_rows.push_back({ElementKind::Client, c, 0});
        const auto& limiters = s.classes[static_cast<std::size_t>(c)].limiters;
        for (int i = 0; i < static_cast<int>(limiters.size()); ++i) {
            m_rows.push_back({ElementKind::Limiter, c, i});
        }
    }
    m_rows.push_back({ElementKind::Pool, -1, 0});
    for (int i = 0; i < static_cast<int>(s.stages.size()); ++i) {
        m_rows.push_back({ElementKind::Stage, -1, i});
    }
    if (s.writer) {
        m_rows.push_back({ElementKind::Writer, -1, 0});
    }
}

void TopologyModel::onScenarioReplaced() {
    beginResetModel();
    rebuild();
    endResetModel();
    clearError();
    m_selected = -1;
    select(0);
    emit hasWriterChanged();
}

void TopologyModel::onScenarioEdited() {
    if (m_structuralEdit || m_rows.empty()) {
        return;
    }
    emit dataChanged(index(0), index(rowCount() - 1));
}

int TopologyModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

QHash<int, QByteArray> TopologyModel::roleNames() const {
    return {{TitleRole, "title"},         {KindRole, "kind"},
            {SummaryRole, "summary"},     {ClassIndexRole, "classIndex"},
            {RemovableRole, "removable"}, {MovableRole, "movable"},
            {CanMoveUpRole, "canMoveUp"}, {CanMoveDownRole, "canMoveDown"},
            {SelectedRole, "selected"}};
}

QVariant TopologyModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) {
        return {};
    }
    const int row = index.row();
    const ElementRef& ref = m_rows[static_cast<std::size_t>(row)];
    const bool movable = ref.kind == ElementKind::Limiter || ref.kind == ElementKind::Stage;
    switch (role) {
        case Qt::DisplayRole:
        case TitleRole:
            return title(ref);
        case KindRole:
            switch (ref.kind) {
                case ElementKind::Settings:
                    return QStringLiteral("settings");
                case ElementKind::Client:
                    return QStringLiteral("client");
                case ElementKind::Limiter:
                    return QStringLiteral("limiter");
                case ElementKind::Pool:
                    return QStringLiteral("pool");
                case ElementKind::Stage:
                    return QStringLiteral("stage");
                case ElementKind::Writer:
                    return QStringLiteral("writer");
                case ElementKind::Load:
                    return QStringLiteral("load");
            }
            return {};
        case SummaryRole:
            return summary(ref);
        case ClassIndexRole:
            return ref.classIndex;
        case RemovableRole:
            return movable || ref.kind == ElementKind::Writer ||
                   (ref.kind == ElementKind::Client && m_document->classCount() > 1);
        case MovableRole:
            return movable;
        case CanMoveUpRole:
            return movable && row > groupOf(row).first;
        case CanMoveDownRole:
            return movable && row + 1 < groupOf(row).second;
        case SelectedRole:
            return row == m_selected;
        default:
            return {};
    }
}

QString TopologyModel::title(const ElementRef& ref) const {
    const Scenario& s = m_document->scenario();
    switch (ref.kind) {
        case ElementKind::Settings:
            return tr("Scenario settings");
        case ElementKind::Client:
        case ElementKind::Load: {
            const auto& name = s.classes[static_cast<std::size_t>(ref.classIndex)].name;
            return name.empty() ? tr("Client %1").arg(ref.classIndex + 1)
                                : tr("Client “%1”").arg(QString::fromStdString(name));
        }
        case ElementKind::Limiter:
            return limiterTypeName(s.classes[static_cast<std::size_t>(ref.classIndex)]
                                       .limiters[static_cast<std::size_t>(ref.index)]
                                       .type);
        case ElementKind::Pool:
            return tr("Worker pool");
        case ElementKind::Stage: {
            const auto& name = s.stages[static_cast<std::size_t>(ref.index)].name;
            return name.empty() ? tr("Stage %1").arg(ref.index + 1)
                                : tr("Stage “%1”").arg(QString::fromStdString(name));
        }
        case ElementKind::Writer: {
            const auto& name = s.writer->name;
            return name.empty() ? tr("Writer")
                                : tr("Writer “%1”").arg(QString::fromStdString(name));
        }
    }
    return {};
}

QString TopologyModel::summary(const ElementRef& ref) const {
    const Scenario& s = m_document->scenario();
    switch (ref.kind) {
        case ElementKind::Settings:
            return tr("seed %1, sample every %2 ms").arg(s.seed).arg(millis(s.sample_interval));
        case ElementKind::Client:
        case ElementKind::Load: {
            const auto& c = s.classes[static_cast<std::size_t>(ref.classIndex)].client;
            const QString timeout =
                c.timeout ? tr("timeout %1 ms").arg(millis(*c.timeout)) : tr("no timeout");
            return tr("%1, %n retries", nullptr, c.max_retries).arg(timeout);
        }
        case ElementKind::Limiter: {
            const LimiterConfig& l = s.classes[static_cast<std::size_t>(ref.classIndex)]
                                         .limiters[static_cast<std::size_t>(ref.index)];
            switch (l.type) {
                case LimiterConfig::Type::token_bucket:
                    return tr("%1/s, burst %2").arg(number(l.rate)).arg(l.burst);
                case LimiterConfig::Type::leaky_bucket:
                    return tr("%1/s, slack %2").arg(number(l.rate)).arg(l.slack);
                case LimiterConfig::Type::concurrency:
                    return tr("at most %1 at once").arg(l.limit);
            }
            return {};
        }
        case ElementKind::Pool:
            return tr("%n workers", nullptr, s.pool.servers) +
                   tr(", queue %1").arg(s.pool.queue_capacity);
        case ElementKind::Stage: {
            const auto& stage = s.stages[static_cast<std::size_t>(ref.index)];
            return tr("concurrency %1, queue %2").arg(stage.servers).arg(stage.queue_capacity);
        }
        case ElementKind::Writer: {
            const WriterConfig& w = *s.writer;
            const QString policy = w.full_policy == WriterConfig::FullPolicy::block
                                       ? tr("block when full")
                                       : tr("fail when full");
            return tr("buffer %1 bytes, flush %2 ms, %3")
                .arg(w.buffer_bytes)
                .arg(millis(w.flush_interval), policy);
        }
    }
    return {};
}

ElementRef TopologyModel::element(int row) const {
    if (row < 0 || row >= rowCount()) {
        return {};
    }
    return m_rows[static_cast<std::size_t>(row)];
}

int TopologyModel::rowOf(const ElementRef& ref) const {
    const auto it = std::find(m_rows.begin(), m_rows.end(), ref);
    return it == m_rows.end() ? -1 : static_cast<int>(it - m_rows.begin());
}

std::pair<int, int> TopologyModel::groupOf(int row) const {
    const ElementRef ref = element(row);
    if (ref.kind != ElementKind::Limiter && ref.kind != ElementKind::Stage) {
        return {-1, -1};
    }
    int first = row;
    int last = row + 1;
    const auto sameGroup = [&](int other) {
        const ElementRef o = element(other);
        return other >= 0 && other < rowCount() && o.kind == ref.kind &&
               o.classIndex == ref.classIndex;
    };
    while (sameGroup(first - 1)) {
        --first;
    }
    while (sameGroup(last)) {
        ++last;
    }
    return {first, last};
}

void TopologyModel::select(int row) {
    if (row < 0 || row >= rowCount() || row == m_selected) {
        return;
    }
    const int previous = m_selected;
    m_selected = row;
    if (previous >= 0 && previous < rowCount()) {
        emit dataChanged(index(previous), index(previous), {SelectedRole});
    }
    emit dataChanged(index(row), index(row), {SelectedRole});
    emit selectedRowChanged();
    emit selectionStateChanged();
}

int TopologyModel::addRowByEdit(int row, const QString& failure,
                                const std::function<QString(Scenario&)>& change) {
    m_structuralEdit = true;
    beginInsertRows(QModelIndex(), row, row);
    const QString reason = m_document->edit(change);
    rebuild();
    endInsertRows();
    m_structuralEdit = false;
    if (!reason.isEmpty()) {
        // The document rejected the edit and kept its scenario, so the row goes again.
        beginRemoveRows(QModelIndex(), row, row);
        rebuild();
        endRemoveRows();
        setError(failure.arg(reason));
        return -1;
    }
    if (m_selected >= row) {
        ++m_selected;
    }
    clearError();
    select(row);
    emit selectionStateChanged();
    return row;
}

template <typename Edit>
QString TopologyModel::removeRowsByEdit(int first, int last, Edit&& edit) {
    m_structuralEdit = true;
    beginRemoveRows(QModelIndex(), first, last);
    const QString reason = edit();
    rebuild();
    endRemoveRows();
    m_structuralEdit = false;
    return reason;
}

int TopologyModel::addLimiter(int classIndex, const QString& type) {
    const Scenario& s = m_document->scenario();
    if (classIndex < 0 || classIndex >= static_cast<int>(s.classes.size())) {
        setError(tr("Cannot add a limiter: there is no request class %1.").arg(classIndex + 1));
        return -1;
    }
    LimiterConfig limiter;
    if (type == QLatin1String("token_bucket")) {
        limiter.type = LimiterConfig::Type::token_bucket;
        limiter.rate = 100;
        limiter.burst = 100;
    } else if (type == QLatin1String("leaky_bucket")) {
        limiter.type = LimiterConfig::Type::leaky_bucket;
        limiter.rate = 100;
    } else if (type == QLatin1String("concurrency")) {
        limiter.type = LimiterConfig::Type::concurrency;
        limiter.limit = 16;
    } else {
        setError(tr("Cannot add a limiter of type “%1”; the types are token_bucket, "
                    "leaky_bucket and concurrency.")
                     .arg(type));
        return -1;
    }
    const int position =
        static_cast<int>(s.classes[static_cast<std::size_t>(classIndex)].limiters.size());
    const int row = rowOf({ElementKind::Client, classIndex, 0}) + 1 + position;
    return addRowByEdit(row, tr("Cannot add the limiter: %1"), [&](Scenario& copy) {
        copy.classes[static_cast<std::size_t>(classIndex)].limiters.push_back(limiter);
        return QString();
    });
}

int TopologyModel::addStage() {
    const Scenario& s = m_document->scenario();
    const int position = static_cast<int>(s.stages.size());
    // The new stage goes after the last stage, which is before the writer when there is one.
    const int row = rowOf({ElementKind::Pool, -1, 0}) + 1 + position;
    goflow::sim::StationConfig stage;
    stage.name = tr("stage %1").arg(position + 1).toStdString();
    stage.servers = 2;
    stage.queue_capacity = 16;
    stage.service_time.kind = goflow::sim::Distribution::Kind::exponential;
    stage.service_time.mean = std::chrono::milliseconds(20);
    return addRowByEdit(row, tr("Cannot add a stage: %1"), [&](Scenario& copy) {
        copy.stages.push_back(stage);
        return QString();
    });
}

int TopologyModel::addWriter() {
    const Scenario& s = m_document->scenario();
    if (s.writer) {
        setError(
            tr("Cannot add a writer: the scenario has one already, and a scenario has at "
               "most one."));
        return -1;
    }
    // The format's defaults, except write_time, which the format requires and has no default
    // for: a constant 5 ms per flush.
    WriterConfig writer;
    writer.write_time.kind = goflow::sim::Distribution::Kind::constant;
    writer.write_time.mean = std::chrono::milliseconds(5);
    const int row = rowCount();
    const int added = addRowByEdit(row, tr("Cannot add a writer: %1"), [&](Scenario& copy) {
        copy.writer = writer;
        return QString();
    });
    if (added >= 0) {
        emit hasWriterChanged();
    }
    return added;
}

QString TopologyModel::check(const std::function<QString(Scenario&)>& change) const {
    Scenario probe = m_document->scenario();
    if (QString reason = change(probe); !reason.isEmpty()) {
        return reason;
    }
    const auto checked = goflow::sim::load_scenario(goflow::sim::to_json(probe),
                                                    m_document->directory().toStdString());
    return checked ? QString() : withoutPosition(QString::fromStdString(checked.error().message));
}

int TopologyModel::addClass() {
    const goflow::sim::RequestClass added = m_document->newRequestClass();
    const auto change = [&](Scenario& copy) {
        copy.classes.push_back(added);
        return QString();
    };
    if (const QString reason = check(change); !reason.isEmpty()) {
        setError(tr("Cannot add a request class: %1").arg(reason));
        return -1;
    }
    // The new client goes after the last class's limiters, which is just before the pool.
    const int row = rowOf({ElementKind::Pool, -1, 0});
    // check() accepted the change, so the edit cannot fail.
    const int clientRow = addRowByEdit(row, tr("Cannot add a request class: %1"), change);
    Q_ASSERT(clientRow == row);
    emit dataChanged(index(0), index(rowCount() - 1));
    return clientRow;
}

QString TopologyModel::classRemovalProblem(int classIndex) const {
    const Scenario& s = m_document->scenario();
    const int classes = static_cast<int>(s.classes.size());
    if (classIndex < 0 || classIndex >= classes) {
        return tr("Cannot remove request class %1: there is no such class.").arg(classIndex + 1);
    }
    const std::string& className = s.classes[static_cast<std::size_t>(classIndex)].name;
    const QString name = className.empty()
                             ? tr("request class %1").arg(classIndex + 1)
                             : tr("request class “%1”").arg(QString::fromStdString(className));
    if (classes == 1) {
        return tr("Cannot remove %1: it is the only class, and a scenario needs at least one. "
                  "Add another class first.")
            .arg(name);
    }
    for (std::size_t i = 0; i < s.changes.size(); ++i) {
        if (classOfChange(s.changes[i]) == classIndex) {
            return tr("Cannot remove %1: scripted change %2 sets “%3”. Remove that change from "
                      "the file first.")
                .arg(name)
                .arg(i + 1)
                .arg(QString::fromStdString(s.changes[i].parameter));
        }
    }
    const QString reason =
        check([classIndex](Scenario& copy) { return eraseClass(copy, classIndex); });
    return reason.isEmpty() ? QString() : tr("Cannot remove %1: %2").arg(name, reason);
}

bool TopologyModel::removeClass(int classIndex) {
    if (const QString problem = classRemovalProblem(classIndex); !problem.isEmpty()) {
        setError(problem);
        return false;
    }
    const int classesBefore = m_document->classCount();
    // The class's rows: its client, then its limiters.
    const int first = rowOf({ElementKind::Client, classIndex, 0});
    const int count =
        1 +
        static_cast<int>(
            m_document->scenario().classes[static_cast<std::size_t>(classIndex)].limiters.size());
    const int last = first + count - 1;

    const QString reason = removeRowsByEdit(first, last, [&] {
        return m_document->editRemovingClass(
            classIndex, [classIndex](Scenario& copy) { return eraseClass(copy, classIndex); });
    });
    Q_ASSERT(reason.isEmpty());
    clearError();

    if (m_selected >= first && m_selected <= last) {
        // Select the client of the class that took the removed one's place, or of the new last
        // class.
        const int next = std::min(classIndex, classesBefore - 2);
        m_selected = -1;
        select(rowOf({ElementKind::Client, next, 0}));
    } else {
        if (m_selected > last) {
            m_selected -= count;
        }
        // The selected row's element may belong to a renumbered class, so the inspector and the
        // selected class follow it again.
        emit selectedRowChanged();
    }
    emit dataChanged(index(0), index(rowCount() - 1));
    emit selectionStateChanged();
    return true;
}

bool TopologyModel::removeWriter(int row) {
    const Scenario& s = m_document->scenario();
    for (std::size_t i = 0; i < s.changes.size(); ++i) {
        if (isWriterChange(s.changes[i])) {
            setError(tr("Cannot remove the writer: scripted change %1 sets “%2”. Remove that "
                        "change from the file first.")
                         .arg(i + 1)
                         .arg(QString::fromStdString(s.changes[i].parameter)));
            return false;
        }
    }
    const auto change = [](Scenario& copy) {
        copy.writer.reset();
        return QString();
    };
    Scenario probe = s;
    change(probe);
    if (const auto check = goflow::sim::load_scenario(goflow::sim::to_json(probe),
                                                      m_document->directory().toStdString());
        !check) {
        setError(tr("Cannot remove the writer: %1")
                     .arg(withoutPosition(QString::fromStdString(check.error().message))));
        return false;
    }
    const QString reason = removeRowsByEdit(row, row, [&] { return m_document->edit(change); });
    Q_ASSERT(reason.isEmpty());
    clearError();
    if (m_selected == row) {
        m_selected = -1;
        select(row - 1);
    }
    emit dataChanged(index(0), index(rowCount() - 1));
    emit selectionStateChanged();
    emit hasWriterChanged();
    return true;
}

bool TopologyModel::remove(int row) {
    const ElementRef ref = element(row);
    if (row < 0 || row >= rowCount()) {
        setError(tr("Cannot remove row %1: there is no such element.").arg(row));
        return false;
    }
    switch (ref.kind) {
        case ElementKind::Pool:
            setError(
                tr("The worker pool cannot be removed: every request passes through it. "
                   "Set its workers and queue instead."));
            return false;
        case ElementKind::Settings:
            setError(tr("The scenario settings cannot be removed."));
            return false;
        case ElementKind::Client:
        case ElementKind::Load:
            return removeClass(ref.classIndex);
        case ElementKind::Writer:
            return removeWriter(row);
        case ElementKind::Limiter:
        case ElementKind::Stage:
            break;
    }
    const QString prefix = groupPrefix(ref);
    const bool shorthand = ref.kind == ElementKind::Limiter && ref.classIndex == 0;
    const Scenario& s = m_document->scenario();
    for (std::size_t i = 0; i < s.changes.size(); ++i) {
        if (groupIndexOf(s.changes[i], prefix, shorthand) == ref.index) {
            setError(tr("Cannot remove %1: scripted change %2 sets “%3”. Remove that change "
                        "from the file first.")
                         .arg(title(ref))
                         .arg(i + 1)
                         .arg(QString::fromStdString(s.changes[i].parameter)));
            return false;
        }
    }
    // Validate on a copy first, so that the rows change only when the edit succeeds.
    const auto change = [&](Scenario& copy) {
        if (ref.kind == ElementKind::Limiter) {
            auto& limiters = copy.classes[static_cast<std::size_t>(ref.classIndex)].limiters;
            limiters.erase(limiters.begin() + ref.index);
        } else {
            copy.stages.erase(copy.stages.begin() + ref.index);
        }
        renumberChanges(copy, prefix, shorthand,
                        [&](int old) { return old > ref.index ? old - 1 : old; });
        return QString();
    };
    Scenario probe = s;
    change(probe);
    if (const auto check = goflow::sim::load_scenario(goflow::sim::to_json(probe),
                                                      m_document->directory().toStdString());
        !check) {
        setError(
            tr("Cannot remove %1: %2")
                .arg(title(ref), withoutPosition(QString::fromStdString(check.error().message))));
        return false;
    }
    const QString reason = removeRowsByEdit(row, row, [&] { return m_document->edit(change); });
    Q_ASSERT(reason.isEmpty());
    clearError();
    const int next = std::min(row, rowCount() - 1);
    if (m_selected == row) {
        m_selected = -1;
        select(next);
    } else if (m_selected > row) {
        --m_selected;
        emit selectedRowChanged();
        emit selectionStateChanged();
    }
    emit dataChanged(index(0), index(rowCount() - 1));
    emit selectionStateChanged();
    return true;
}

bool TopologyModel::moveRows(const QModelIndex& sourceParent, int sourceRow, int count,
                             const QModelIndex& destinationParent, int destinationChild) {
    if (sourceParent.isValid() || destinationParent.isValid() || count < 1) {
        return false;
    }
    if (element(sourceRow).kind == ElementKind::Writer) {
        setError(
            tr("The writer cannot move: it always comes last, after the pool and the stages."));
        return false;
    }
    const auto [first, last] = groupOf(sourceRow);
    if (element(sourceRow).kind == ElementKind::Stage && hasWriter() && destinationChild > last) {
        setError(tr("Stages cannot move past the writer: the writer always comes last."));
        return false;
    }
    if (first < 0 || sourceRow + count > last || destinationChild < first ||
        destinationChild > last) {
        setError(
            tr("Limiters move only within their client's chain and stages only among "
               "the stages."));
        return false;
    }
    if (destinationChild >= sourceRow && destinationChild <= sourceRow + count) {
        return false;  // no movement
    }
    const ElementRef ref = element(sourceRow);
    // Position in the group: new order of the old indices.
    const int size = last - first;
    std::vector<int> order(static_cast<std::size_t>(size));
    for (int i = 0; i < size; ++i) {
        order[static_cast<std::size_t>(i)] = i;
    }
    const int from = sourceRow - first;
    const int to = destinationChild - first;
    std::vector<int> moved(order.begin() + from, order.begin() + from + count);
    order.erase(order.begin() + from, order.begin() + from + count);
    const int insertAt = to > from ? to - count : to;
    order.insert(order.begin() + insertAt, moved.begin(), moved.end());
    std::vector<int> newIndex(static_cast<std::size_t>(size));
    for (int i = 0; i < size; ++i) {
        newIndex[static_cast<std::size_t>(order[static_cast<std::size_t>(i)])] = i;
    }

    const QString prefix = groupPrefix(ref);
    const bool shorthand = ref.kind == ElementKind::Limiter && ref.classIndex == 0;
    const auto change = [&](Scenario& copy) {
        const auto permute = [&](auto& items) {
            auto old = items;
            for (int i = 0; i < size; ++i) {
                items[static_cast<std::size_t>(i)] =
                    old[static_cast<std::size_t>(order[static_cast<std::size_t>(i)])];
            }
        };
        if (ref.kind == ElementKind::Limiter) {
            permute(copy.classes[static_cast<std::size_t>(ref.classIndex)].limiters);
        } else {
            permute(copy.stages);
        }
        renumberChanges(copy, prefix, shorthand,
                        [&](int old) { return newIndex[static_cast<std::size_t>(old)]; });
        return QString();
    };
    Scenario probe = m_document->scenario();
    change(probe);
    if (const auto check = goflow::sim::load_scenario(goflow::sim::to_json(probe),
                                                      m_document->directory().toStdString());
        !check) {
        setError(
            tr("Cannot move %1: %2")
                .arg(title(ref), withoutPosition(QString::fromStdString(check.error().message))));
        return false;
    }
    const int selectedInGroup = m_selected >= first && m_selected < last ? m_selected - first : -1;
    m_structuralEdit = true;
    beginMoveRows(QModelIndex(), sourceRow, sourceRow + count - 1, QModelIndex(), destinationChild);
    m_document->edit(change);
    rebuild();
    endMoveRows();
    m_structuralEdit = false;
    clearError();
    if (selectedInGroup >= 0) {
        m_selected = first + newIndex[static_cast<std::size_t>(selectedInGroup)];
        emit selectedRowChanged();
        emit selectionStateChanged();
    }
    emit dataChanged(index(first), index(last - 1));
    emit selectionStateChanged();
    return true;
}

bool TopologyModel::move(int from, int to) {
    if (from < 0 || from >= rowCount() || to < 0 || to >= rowCount()) {
        setError(tr("Cannot move row %1 to row %2: there is no such row.").arg(from).arg(to));
        return false;
    }
    if (from == to) {
        return true;
    }
    return moveRows(QModelIndex(), from, 1, QModelIndex(), to > from ? to + 1 : to);
}

bool TopologyModel::hasWriter() const {
    return m_document && m_document->scenario().writer.has_value();
}

bool TopologyModel::canMoveSelectedUp() const {
    return data(index(m_selected), CanMoveUpRole).toBool();
}

bool TopologyModel::canMoveSelectedDown() const {
    return data(index(m_selected), CanMoveDownRole).toBool();
}

void TopologyModel::clearError() {
    setError({});
}

void TopologyModel::setError(const QString& message) {
    if (m_error == message) {
        return;
    }
    m_error = message;
    emit errorMessageChanged();
}
