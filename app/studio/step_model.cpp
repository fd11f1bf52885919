#include "step_model.h"

#include <cmath>

namespace {

bool usesFirst(const StepModel::Step& step) {
    using Kind = StepModel::Kind;
    switch (step.kind) {
        case Kind::Filter: {
            const auto test = static_cast<StepModel::FilterTest>(step.variant);
            return test != StepModel::FilterTest::Even && test != StepModel::FilterTest::Odd;
        }
        case Kind::Map:
            return static_cast<StepModel::MapOperation>(step.variant) !=
                   StepModel::MapOperation::Square;
        case Kind::Limit:
        case Kind::Skip:
        case Kind::Window:
            return true;
        case Kind::Distinct:
        case Kind::Sorted:
            return false;
    }
    return false;
}

bool usesSecond(const StepModel::Step& step) {
    return step.kind == StepModel::Kind::Filter &&
           static_cast<StepModel::FilterTest>(step.variant) == StepModel::FilterTest::WithinRange;
}

QString firstLabel(const StepModel::Step& step) {
    using Kind = StepModel::Kind;
    if (!usesFirst(step)) {
        return {};
    }
    switch (step.kind) {
        case Kind::Filter:
            return usesSecond(step) ? QObject::tr("from") : QObject::tr("x");
        case Kind::Map:
            return static_cast<StepModel::MapOperation>(step.variant) ==
                           StepModel::MapOperation::Modulo
                       ? QObject::tr("divisor")
                       : QObject::tr("by");
        case Kind::Limit:
            return QObject::tr("n");
        case Kind::Skip:
            return QObject::tr("n");
        case Kind::Window:
            return QObject::tr("size");
        default:
            return {};
    }
}

QString firstToolTip(const StepModel::Step& step) {
    using Kind = StepModel::Kind;
    if (!usesFirst(step)) {
        return {};
    }
    switch (step.kind) {
        case Kind::Filter:
            switch (static_cast<StepModel::FilterTest>(step.variant)) {
                case StepModel::FilterTest::GreaterThan:
                    return QObject::tr(
                        "Elements greater than this number pass; the rest are dropped.");
                case StepModel::FilterTest::LessThan:
                    return QObject::tr(
                        "Elements less than this number pass; the rest are dropped.");
                default:
                    return QObject::tr("The lower end of the range; elements equal to it pass.");
            }
        case Kind::Map:
            switch (static_cast<StepModel::MapOperation>(step.variant)) {
                case StepModel::MapOperation::MultiplyBy:
                    return QObject::tr("Each element is multiplied by this number.");
                case StepModel::MapOperation::Add:
                    return QObject::tr(
                        "This number is added to each element (negative subtracts).");
                default:
                    return QObject::tr(
                        "Each element is replaced by its remainder after division by this "
                        "non-zero number (sign of the element, as std::fmod).");
            }
        case Kind::Limit:
            return QObject::tr(
                "At most this many elements pass, and the step stops pulling from "
                "upstream once they have.");
        case Kind::Skip:
            return QObject::tr("This many elements are dropped first; the rest pass.");
        case Kind::Window:
            return QObject::tr(
                "Elements are grouped into windows of this many (the last may be "
                "shorter), and each window leaves as one number.");
        default:
            return {};
    }
}

// Parses `text` as a finite number. Returns an error message naming `what`, or empty.
QString parseNumber(const QString& text, const QString& what, double& value) {
    const QString trimmed = text.trimmed();
    if (trimmed.isEmpty()) {
        return QObject::tr("%1 is missing: enter a number").arg(what);
    }
    bool ok = false;
    value = trimmed.toDouble(&ok);
    if (!ok) {
        return QObject::tr("%1 \"%2\" is not a number").arg(what, trimmed);
    }
    if (!std::isfinite(value)) {
        return QObject::tr("%1 must be a finite number").arg(what);
    }
    return {};
}

// Parses `text` as a whole number in [minimum, maximum].
QString parseCount(const QString& text, const QString& what, std::int64_t minimum,
                   std::int64_t maximum, double& value) {
    if (QString error = parseNumber(text, what, value); !error.isEmpty()) {
        return error;
    }
    if (value != std::floor(value)) {
        return QObject::tr("%1 must be a whole number, not %2").arg(what, text.trimmed());
    }
    if (value < static_cast<double>(minimum)) {
        return QObject::tr("%1 must be >= %2, not %3").arg(what).arg(minimum).arg(text.trimmed());
    }
    if (value > static_cast<double>(maximum)) {
        return QObject::tr("%1 must be <= %2, not %3").arg(what).arg(maximum).arg(text.trimmed());
    }
    return {};
}

QString formatNumber(double value) {
    return QString::number(value, 'g', 12);
}

}  // namespace

StepModel::StepModel(QObject* parent) : QAbstractListModel(parent) {}

int StepModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : count();
}

QVariant StepModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) {
        return {};
    }
    const Step& step = m_steps[static_cast<std::size_t>(index.row())];
    switch (role) {
        case Qt::DisplayRole:
        case DescriptionRole:
            return describe(step);
        case KindRole:
            return static_cast<int>(step.kind);
        case TitleRole:
            return kindTitle(step.kind);
        case VariantRole:
            return step.variant;
        case VariantNamesRole:
            return variantNames(step.kind);
        case FirstTextRole:
            return step.firstText;
        case SecondTextRole:
            return step.secondText;
        case FirstLabelRole:
            return firstLabel(step);
        case SecondLabelRole:
            return usesSecond(step) ? tr("to") : QString();
        case FirstToolTipRole:
            return firstToolTip(step);
        case SecondToolTipRole:
            return usesSecond(step) ? tr("The upper end of the range; elements equal to it pass.")
                                    : QString();
        case ErrorRole:
            return step.error;
        case EnteredRole:
            return static_cast<qint64>(step.entered);
        case LeftRole:
            return static_cast<qint64>(step.left);
        default:
            return {};
    }
}

bool StepModel::setData(const QModelIndex& index, const QVariant& value, int role) {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) {
        return false;
    }
    switch (role) {
        case VariantRole:
            return setVariant(index.row(), value.toInt());
        case FirstTextRole:
            return setFirstText(index.row(), value.toString());
        case SecondTextRole:
            return setSecondText(index.row(), value.toString());
        default:
            return false;
    }
}

Qt::ItemFlags StepModel::flags(const QModelIndex& index) const {
    if (!index.isValid()) {
        return Qt::NoItemFlags;
    }
    return Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemIsEditable;
}

QHash<int, QByteArray> StepModel::roleNames() const {
    return {
        {KindRole, "kind"},
        {TitleRole, "title"},
        {DescriptionRole, "description"},
        {VariantRole, "variant"},
        {VariantNamesRole, "variantNames"},
        {FirstTextRole, "firstText"},
        {SecondTextRole, "secondText"},
        {FirstLabelRole, "firstLabel"},
        {SecondLabelRole, "secondLabel"},
        {FirstToolTipRole, "firstToolTip"},
        {SecondToolTipRole, "secondToolTip"},
        {ErrorRole, "error"},
        {EnteredRole, "enteredCount"},
        {LeftRole, "leftCount"},
    };
}

bool StepModel::valid() const {
    for (const Step& step : m_steps) {
        if (!step.error.isEmpty()) {
            return false;
        }
    }
    return true;
}

QStringList StepModel::kindNames() const {
    QStringList names;
    for (Kind kind : {Kind::Filter, Kind::Map, Kind::Distinct, Kind::Sorted, Kind::Limit,
                      Kind::Skip, Kind::Window}) {
        names.append(kindTitle(kind));
    }
    return names;
}

int StepModel::addStep(int kind) {
    if (kind < static_cast<int>(Kind::Filter) || kind > static_cast<int>(Kind::Window)) {
        return -1;
    }
    Step step;
    step.kind = static_cast<Kind>(kind);
    switch (step.kind) {
        case Kind::Filter:
            step.firstText = QStringLiteral("10");
            step.secondText = QStringLiteral("20");
            break;
        case Kind::Map:
            step.firstText = QStringLiteral("2");
            break;
        case Kind::Limit:
            step.firstText = QStringLiteral("10");
            break;
        case Kind::Skip:
            step.firstText = QStringLiteral("1");
            break;
        case Kind::Window:
            step.firstText = QStringLiteral("5");
            break;
        case Kind::Distinct:
        case Kind::Sorted:
            break;
    }
    validate(step);
    const int row = count();
    beginInsertRows({}, row, row);
    m_steps.push_back(std::move(step));
    endInsertRows();
    emit countChanged();
    stepEdited(-1);
    return row;
}

bool StepModel::removeStep(int row) {
    if (row < 0 || row >= count()) {
        return false;
    }
    beginRemoveRows({}, row, row);
    m_steps.erase(m_steps.begin() + row);
    endRemoveRows();
    emit countChanged();
    stepEdited(-1);
    return true;
}

bool StepModel::moveStep(int from, int to) {
    if (from < 0 || from >= count() || to < 0 || to >= count() || from == to) {
        return false;
    }
    // beginMoveRows takes the row before which the item is inserted, in the old numbering.
    const int destination = to > from ? to + 1 : to;
    beginMoveRows({}, from, from, {}, destination);
    Step step = std::move(m_steps[static_cast<std::size_t>(from)]);
    m_steps.erase(m_steps.begin() + from);
    m_steps.insert(m_steps.begin() + to, std::move(step));
    endMoveRows();
    stepEdited(-1);
    return true;
}

bool StepModel::setVariant(int row, int variant) {
    if (row < 0 || row >= count()) {
        return false;
    }
    Step& step = m_steps[static_cast<std::size_t>(row)];
    if (variant < 0 || variant >= variantNames(step.kind).size()) {
        return false;
    }
    if (step.variant == variant) {
        return true;
    }
    step.variant = variant;
    stepEdited(row);
    return true;
}

bool StepModel::setFirstText(int row, const QString& text) {
    if (row < 0 || row >= count()) {
        return false;
    }
    Step& step = m_steps[static_cast<std::size_t>(row)];
    if (step.firstText == text) {
        return true;
    }
    step.firstText = text;
    stepEdited(row);
    return true;
}

bool StepModel::setSecondText(int row, const QString& text) {
    if (row < 0 || row >= count()) {
        return false;
    }
    Step& step = m_steps[static_cast<std::size_t>(row)];
    if (step.secondText == text) {
        return true;
    }
    step.secondText = text;
    stepEdited(row);
    return true;
}

void StepModel::clear() {
    if (m_steps.empty()) {
        return;
    }
    beginResetModel();
    m_steps.clear();
    endResetModel();
    emit countChanged();
    stepEdited(-1);
}

QString StepModel::firstError() const {
    for (std::size_t i = 0; i < m_steps.size(); ++i) {
        if (!m_steps[i].error.isEmpty()) {
            return tr("step %1 (%2): %3")
                .arg(i + 1)
                .arg(kindTitle(m_steps[i].kind), m_steps[i].error);
        }
    }
    return {};
}

void StepModel::setCounts(const std::vector<std::pair<std::int64_t, std::int64_t>>& counts) {
    const std::size_t n = std::min(counts.size(), m_steps.size());
    for (std::size_t i = 0; i < n; ++i) {
        m_steps[i].entered = counts[i].first;
        m_steps[i].left = counts[i].second;
    }
    if (n > 0) {
        emit dataChanged(index(0), index(static_cast<int>(n) - 1), {EnteredRole, LeftRole});
    }
}

void StepModel::clearCounts() {
    bool changed = false;
    for (Step& step : m_steps) {
        changed = changed || step.entered != -1 || step.left != -1;
        step.entered = -1;
        step.left = -1;
    }
    if (changed) {
        emit dataChanged(index(0), index(count() - 1), {EnteredRole, LeftRole});
    }
}

QString StepModel::kindTitle(Kind kind) {
    switch (kind) {
        case Kind::Filter:
            return tr("filter");
        case Kind::Map:
            return tr("map");
        case Kind::Distinct:
            return tr("distinct");
        case Kind::Sorted:
            return tr("sorted");
        case Kind::Limit:
            return tr("limit");
        case Kind::Skip:
            return tr("skip");
        case Kind::Window:
            return tr("window");
    }
    return {};
}

QStringList StepModel::variantNames(Kind kind) {
    switch (kind) {
        case Kind::Filter:
            return {tr("greater than"), tr("less than"), tr("even"), tr("odd"), tr("within range")};
        case Kind::Map:
            return {tr("multiply by"), tr("add"), tr("square"), tr("modulo")};
        case Kind::Sorted:
            return {tr("ascending"), tr("descending")};
        case Kind::Window:
            return {tr("sum"), tr("mean"), tr("max")};
        default:
            return {};
    }
}

void StepModel::validate(Step& step) {
    step.first = 0;
    step.second = 0;
    step.error.clear();
    switch (step.kind) {
        case Kind::Filter:
            if (!usesFirst(step)) {
                return;
            }
            if (!usesSecond(step)) {
                step.error = parseNumber(step.firstText, tr("the threshold"), step.first);
                return;
            }
            step.error = parseNumber(step.firstText, tr("the range start"), step.first);
            if (step.error.isEmpty()) {
                step.error = parseNumber(step.secondText, tr("the range end"), step.second);
            }
            if (step.error.isEmpty() && step.first > step.second) {
                step.error = tr("the range start %1 is greater than its end %2")
                                 .arg(formatNumber(step.first), formatNumber(step.second));
            }
            return;
        case Kind::Map:
            if (!usesFirst(step)) {
                return;
            }
            step.error = parseNumber(step.firstText, tr("the operand"), step.first);
            if (step.error.isEmpty() &&
                static_cast<MapOperation>(step.variant) == MapOperation::Modulo &&
                step.first == 0) {
                step.error = tr("the divisor must not be 0");
            }
            return;
        case Kind::Limit:
            step.error = parseCount(step.firstText, tr("the limit"), 0, kMaxCount, step.first);
            return;
        case Kind::Skip:
            step.error = parseCount(step.firstText, tr("the skip count"), 0, kMaxCount, step.first);
            return;
        case Kind::Window:
            step.error =
                parseCount(step.firstText, tr("the window size"), 1, kMaxWindowSize, step.first);
            return;
        case Kind::Distinct:
        case Kind::Sorted:
            return;
    }
}

QString StepModel::describe(const Step& step) {
    const QString a = step.firstText.trimmed();
    const QString b = step.secondText.trimmed();
    switch (step.kind) {
        case Kind::Filter:
            switch (static_cast<FilterTest>(step.variant)) {
                case FilterTest::GreaterThan:
                    return tr("keep x > %1").arg(a);
                case FilterTest::LessThan:
                    return tr("keep x < %1").arg(a);
                case FilterTest::Even:
                    return tr("keep even x");
                case FilterTest::Odd:
                    return tr("keep odd x");
                case FilterTest::WithinRange:
                    return tr("keep %1 <= x <= %2").arg(a, b);
            }
            break;
        case Kind::Map:
            switch (static_cast<MapOperation>(step.variant)) {
                case MapOperation::MultiplyBy:
                    return tr("x * %1").arg(a);
                case MapOperation::Add:
                    return tr("x + %1").arg(a);
                case MapOperation::Square:
                    return tr("x * x");
                case MapOperation::Modulo:
                    return tr("x mod %1").arg(a);
            }
            break;
        case Kind::Distinct:
            return tr("drop repeated values");
        case Kind::Sorted:
            return static_cast<SortOrder>(step.variant) == SortOrder::Descending
                       ? tr("sort, largest first")
                       : tr("sort, smallest first");
        case Kind::Limit:
            return tr("first %1 elements").arg(a);
        case Kind::Skip:
            return tr("drop the first %1 elements").arg(a);
        case Kind::Window:
            return tr("%1 of each window of %2")
                .arg(variantNames(Kind::Window).value(step.variant), a);
    }
    return {};
}

void StepModel::stepEdited(int row) {
    if (row >= 0) {
        Step& step = m_steps[static_cast<std::size_t>(row)];
        validate(step);
        step.entered = -1;
        step.left = -1;
        const QModelIndex changed = index(row);
        emit dataChanged(changed, changed);
    }
    const bool nowValid = valid();
    if (nowValid != m_valid) {
        m_valid = nowValid;
        emit validChanged();
    }
    emit pipelineChanged();
}
