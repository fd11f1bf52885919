#include "scenario_list_model.h"

#include <QFileInfo>

ScenarioListModel::ScenarioListModel(QObject* parent) : QAbstractListModel(parent) {}

int ScenarioListModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : count();
}

QVariant ScenarioListModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) {
        return {};
    }
    const auto& entry = m_entries.at(index.row());
    switch (role) {
        case Qt::DisplayRole:
        case NameRole:
            return entry.name;
        case FileNameRole:
            return entry.fileName;
        case PathRole:
            return entry.path;
        case DescriptionRole:
            return entry.description;
        case ErrorRole:
            return entry.error;
        default:
            return {};
    }
}

QHash<int, QByteArray> ScenarioListModel::roleNames() const {
    return {{NameRole, "name"},
            {FileNameRole, "fileName"},
            {PathRole, "path"},
            {DescriptionRole, "description"},
            {ErrorRole, "error"}};
}

void ScenarioListModel::setDirectory(const QString& directory) {
    if (m_directory == directory) {
        return;
    }
    m_directory = directory;
    emit directoryChanged();
    reload();
}

void ScenarioListModel::reload() {
    beginResetModel();
    m_entries = goflow::app::listScenarios(m_directory);
    endResetModel();
    emit countChanged();
}

int ScenarioListModel::indexOfPath(const QString& path) const {
    const QString requested = QFileInfo(path).absoluteFilePath();
    for (qsizetype i = 0; i < m_entries.size(); ++i) {
        if (m_entries.at(i).path == requested) {
            return static_cast<int>(i);
        }
    }
    return -1;
}
