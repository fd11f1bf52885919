#include "sweep_grid_model.h"

SweepGridModel::SweepGridModel(QObject* parent) : QAbstractTableModel(parent) {}

int SweepGridModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(m_rowLabels.size());
}

int SweepGridModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(m_columnLabels.size());
}

const SweepGridModel::Cell* SweepGridModel::cell(int row, int column) const {
    if (row < 0 || column < 0 || row >= rowCount() || column >= columnCount()) {
        return nullptr;
    }
    return &m_cells[static_cast<std::size_t>(row * columnCount() + column)];
}

QVariant SweepGridModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) {
        return {};
    }
    const Cell* c = cell(index.row(), index.column());
    switch (role) {
        case Qt::DisplayRole:
            return c->text;
        case ValueRole:
            return c->value;
        case BadnessRole:
            return c->badness;
        case MeetsTargetRole:
            return c->meetsTarget;
        default:
            return {};
    }
}

QVariant SweepGridModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (role != Qt::DisplayRole || section < 0) {
        return {};
    }
    const QStringList& labels = orientation == Qt::Vertical ? m_rowLabels : m_columnLabels;
    return section < labels.size() ? QVariant(labels[section]) : QVariant();
}

QHash<int, QByteArray> SweepGridModel::roleNames() const {
    return {
        {Qt::DisplayRole, "display"},
        {ValueRole, "value"},
        {BadnessRole, "badness"},
        {MeetsTargetRole, "meetsTarget"},
    };
}

void SweepGridModel::setGrid(QStringList rowLabels, QStringList columnLabels,
                             std::vector<Cell> cells) {
    Q_ASSERT(cells.size() == static_cast<std::size_t>(rowLabels.size() * columnLabels.size()));
    beginResetModel();
    m_rowLabels = std::move(rowLabels);
    m_columnLabels = std::move(columnLabels);
    m_cells = std::move(cells);
    endResetModel();
    emit layoutLabelsChanged();
}

void SweepGridModel::updateCells(std::vector<Cell> cells) {
    Q_ASSERT(cells.size() == m_cells.size());
    m_cells = std::move(cells);
    if (!m_cells.empty()) {
        emit dataChanged(index(0, 0), index(rowCount() - 1, columnCount() - 1));
    }
}

void SweepGridModel::clear() {
    setGrid({}, {}, {});
}
