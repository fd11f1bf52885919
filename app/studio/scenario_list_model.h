// ScenarioListModel: the scenario files of one directory, for the Studio's library list.
#pragma once

#include <QtQml/qqmlregistration.h>
#include <QAbstractListModel>

#include "scenario_catalog.h"

class ScenarioListModel : public QAbstractListModel {
    Q_OBJECT
    QML_ELEMENT

    Q_PROPERTY(QString directory READ directory WRITE setDirectory NOTIFY directoryChanged)
    Q_PROPERTY(int count READ count NOTIFY countChanged)

  public:
    enum Role {
        NameRole = Qt::UserRole + 1,
        FileNameRole,
        PathRole,
        DescriptionRole,
        ErrorRole,
    };
    Q_ENUM(Role)

    explicit ScenarioListModel(QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    QString directory() const { return m_directory; }
    void setDirectory(const QString& directory);
    int count() const { return static_cast<int>(m_entries.size()); }

    // Returns the row of the scenario at `path`, or -1.
    Q_INVOKABLE int indexOfPath(const QString& path) const;
    // Re-reads the directory.
    Q_INVOKABLE void reload();

  signals:
    void directoryChanged();
    void countChanged();

  private:
    QString m_directory;
    QList<goflow::app::ScenarioEntry> m_entries;
};
