// SweepGridModel: the result of a parameter sweep as a table, one cell per combination.
//
// Rows are the values of the first swept parameter, columns those of the second (one column when
// only one parameter was swept). SweepController fills it and refills it when the chosen metric
// or target changes. Each cell carries the metric, its text, its rank between the best and the
// worst cell (for colouring) and whether the combination meets the target.
#pragma once

#include <QtQml/qqmlregistration.h>
#include <QAbstractTableModel>
#include <QStringList>

#include <vector>

class SweepGridModel : public QAbstractTableModel {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("SweepGridModel belongs to a SweepController; use SweepController.grid.")

    Q_PROPERTY(QStringList rowLabels READ rowLabels NOTIFY layoutLabelsChanged)
    Q_PROPERTY(QStringList columnLabels READ columnLabels NOTIFY layoutLabelsChanged)

  public:
    enum Role {
        ValueRole = Qt::UserRole + 1,
        // 0 for the best cell of the grid, 1 for the worst, by rank in between.
        BadnessRole,
        MeetsTargetRole,
    };
    Q_ENUM(Role)

    struct Cell {
        double value = 0;
        QString text;
        double badness = 0;
        bool meetsTarget = false;
    };

    explicit SweepGridModel(QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    QStringList rowLabels() const { return m_rowLabels; }
    QStringList columnLabels() const { return m_columnLabels; }

    // Replaces the grid. `cells` contains rowLabels.size() x columnLabels.size() cells, row by row.
    void setGrid(QStringList rowLabels, QStringList columnLabels, std::vector<Cell> cells);
    // Replaces the cells of a grid of the same shape, keeping rows and columns.
    void updateCells(std::vector<Cell> cells);
    void clear();

    const Cell* cell(int row, int column) const;

  signals:
    void layoutLabelsChanged();

  private:
    QStringList m_rowLabels;
    QStringList m_columnLabels;
    std::vector<Cell> m_cells;
};
