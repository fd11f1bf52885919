// StepModel: the intermediate operations of the Stream Lab's pipeline, in order, with their
// parameters, validation messages and the element counts of the last run.
//
// Each row is one goflow::Stream operation on numbers (double): filter, map, distinct, sorted,
// limit, skip or window. QML edits a parameter as text, so the model can report why "abc" or "-1"
// is not accepted. StreamLab reads steps() to build the stream and writes the counts back.
#pragma once

#include <QtQml/qqmlregistration.h>
#include <QAbstractListModel>
#include <QStringList>

#include <cstdint>
#include <vector>

class StepModel : public QAbstractListModel {
    Q_OBJECT
    QML_ELEMENT

    Q_PROPERTY(int count READ count NOTIFY countChanged)
    Q_PROPERTY(bool valid READ valid NOTIFY validChanged)
    Q_PROPERTY(QStringList kindNames READ kindNames CONSTANT)

  public:
    enum class Kind { Filter, Map, Distinct, Sorted, Limit, Skip, Window };
    Q_ENUM(Kind)
    // The variant of each kind, stored in the Variant role as an int.
    enum class FilterTest { GreaterThan, LessThan, Even, Odd, WithinRange };
    Q_ENUM(FilterTest)
    enum class MapOperation { MultiplyBy, Add, Square, Modulo };
    Q_ENUM(MapOperation)
    enum class SortOrder { Ascending, Descending };
    Q_ENUM(SortOrder)
    enum class WindowReduction { Sum, Mean, Max };
    Q_ENUM(WindowReduction)

    enum Role {
        KindRole = Qt::UserRole + 1,
        TitleRole,          // "filter", "map", ...
        DescriptionRole,    // the operation in words, for example "keep x > 10"
        VariantRole,        // FilterTest, MapOperation, SortOrder or WindowReduction; else 0
        VariantNamesRole,   // the choices of VariantRole; empty when the kind has none
        FirstTextRole,      // the first parameter as the user typed it
        SecondTextRole,     // the second parameter (only "within range" has one)
        FirstLabelRole,     // empty when the step has no first parameter
        SecondLabelRole,    // empty when the step has no second parameter
        FirstToolTipRole,   // one sentence on what the first parameter does
        SecondToolTipRole,  // one sentence on what the second parameter does
        ErrorRole,          // why the parameters are invalid; empty when they are valid
        EnteredRole,        // elements that entered the step in the last run; -1 before one
        LeftRole,           // elements that left the step in the last run; -1 before one
    };
    Q_ENUM(Role)

    // One step as StreamLab runs it. `first` and `second` are valid only when error() of the
    // step is empty.
    struct Step {
        Kind kind = Kind::Filter;
        int variant = 0;
        QString firstText;
        QString secondText;
        double first = 0;
        double second = 0;
        QString error;
        std::int64_t entered = -1;
        std::int64_t left = -1;
    };

    // The largest window size: the library reserves room for a whole window up front.
    static constexpr std::int64_t kMaxWindowSize = 100'000;
    // The largest limit or skip count, so that the count is exact as a double.
    static constexpr std::int64_t kMaxCount = std::int64_t{1} << 53;

    explicit StepModel(QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    bool setData(const QModelIndex& index, const QVariant& value, int role) override;
    Qt::ItemFlags flags(const QModelIndex& index) const override;
    QHash<int, QByteArray> roleNames() const override;

    int count() const { return static_cast<int>(m_steps.size()); }
    bool valid() const;
    QStringList kindNames() const;

    // Appends a step of `kind` with default parameters and returns its row, or -1 for an
    // unknown kind.
    Q_INVOKABLE int addStep(int kind);
    Q_INVOKABLE bool removeStep(int row);
    // Moves the step at `from` so that it ends up at row `to`.
    Q_INVOKABLE bool moveStep(int from, int to);
    Q_INVOKABLE bool setVariant(int row, int variant);
    Q_INVOKABLE bool setFirstText(int row, const QString& text);
    Q_INVOKABLE bool setSecondText(int row, const QString& text);
    Q_INVOKABLE void clear();
    // Returns the first invalid step's row and reason as "step N (kind): reason", or an empty
    // string when every step is valid.
    Q_INVOKABLE QString firstError() const;

    const std::vector<Step>& steps() const { return m_steps; }
    // Stores the counts of a run, one pair (entered, left) per step in row order.
    void setCounts(const std::vector<std::pair<std::int64_t, std::int64_t>>& counts);
    // Forgets the counts of the last run, for example when the pipeline changed.
    void clearCounts();

    static QString kindTitle(Kind kind);
    static QStringList variantNames(Kind kind);
    // Parses and checks the step's parameters into first, second and error.
    static void validate(Step& step);
    static QString describe(const Step& step);

  signals:
    void countChanged();
    void validChanged();
    // Emitted when a step was added, removed, moved or edited, but not when counts change.
    void pipelineChanged();

  private:
    void stepEdited(int row);

    std::vector<Step> m_steps;
    bool m_valid = true;
};
