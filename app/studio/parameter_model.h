// ParameterModel: the parameters of one scenario element as rows of an inspector form.
//
// Each row has a name, the value as text, a unit, the valid range, a kind (number, integer,
// choice or text), the choices, a one-sentence tooltip and the message of the last rejected
// value. setValue() parses and range-checks the text, then applies it through
// ScenarioDocument::edit(), which also runs the scenario reader. An invalid value is rejected and
// its reason stored in the row; nothing is clamped. Choosing another limiter type, distribution or
// load shape changes which rows exist, and the model resets.
#pragma once

#include <QtQml/qqmlregistration.h>
#include <QAbstractListModel>
#include <QPointer>
#include <QString>
#include <QStringList>

#include <functional>
#include <limits>
#include <vector>

#include "topology_model.h"

class ScenarioDocument;

class ParameterModel : public QAbstractListModel {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("ParameterModel belongs to a ScenarioDocument; use document.inspector.")

    Q_PROPERTY(QString title READ title NOTIFY titleChanged)

  public:
    enum class Kind { Number, Integer, Choice, Text };
    Q_ENUM(Kind)

    enum Role {
        NameRole = Qt::UserRole + 1,
        KeyRole,
        ValueRole,
        UnitRole,
        MinimumRole,
        MaximumRole,
        KindRole,  // "number", "integer", "choice" or "text"
        ChoicesRole,
        ChoiceIndexRole,
        TooltipRole,
        ErrorRole,
        EditableRole,
        OptionalRole,
    };
    Q_ENUM(Role)

    // One parameter. `apply` receives the parsed value: the number (NaN for an empty optional
    // field), the trimmed text, and for a choice the index in `choices`. It returns the reason the
    // value cannot apply, or an empty string.
    struct Row {
        QString key;  // stable identifier, for example "service.mean_ms"
        QString name;
        QString unit;
        Kind kind = Kind::Number;
        double minimum = 0;
        double maximum = 0;
        bool minimumExclusive = false;  // the value must be above `minimum`
        bool optional = false;          // an empty field means "none"
        bool editable = true;
        QStringList choices;
        QString tooltip;
        std::function<QString()> value;
        std::function<QString(double number, const QString& text)> apply;
        QString error;
    };

    ParameterModel(ScenarioDocument* document, QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = QModelIndex()) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    // Shows the parameters of `element`; the model resets.
    void setElement(const ElementRef& element);
    ElementRef element() const { return m_element; }
    QString title() const { return m_title; }

    // Parses `text` for `row` and applies it. Returns true on success; otherwise stores the reason
    // in the row's error and returns false.
    Q_INVOKABLE bool setValue(int row, const QString& text);
    // Returns the row with `key`, or -1.
    Q_INVOKABLE int rowOfKey(const QString& key) const;

    const Row& rowAt(int row) const { return m_rows.at(static_cast<std::size_t>(row)); }

  signals:
    void titleChanged();

  private:
    void rebuild();
    void refresh();
    QString parseAndApply(const Row& row, const QString& text);

    QPointer<ScenarioDocument> m_document;
    ElementRef m_element;
    std::vector<Row> m_rows;
    QString m_title;
};
