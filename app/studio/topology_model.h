// TopologyModel: the elements of the edited scenario in the order a request meets them.
//
// Rows: the scenario's settings, then for each request class its client followed by its limiters,
// then the worker pool, then the pipeline stages, then the async writer when the scenario has one.
// The user adds and removes request classes, adds, removes and reorders limiters (within their
// class) and stages, adds and removes the writer (which always stays last), and selects the
// element that the inspector shows. Structural changes go through ScenarioDocument::edit(), so a
// change that would leave an invalid scenario is rejected with the reader's reason. Scripted
// parameter changes ("changes" in the file) follow a moved or renumbered limiter, stage or class,
// and removing an element that a change refers to is rejected.
#pragma once

#include <QtQml/qqmlregistration.h>
#include <QAbstractListModel>
#include <QPointer>
#include <QString>

#include <functional>
#include <vector>

class ScenarioDocument;
namespace goflow::sim {
struct Scenario;
}

// The kind of element a topology row represents. Load is not a topology row: it selects the load
// editor's rows in ParameterModel.
enum class ElementKind { Settings, Client, Limiter, Pool, Stage, Writer, Load };

// One element: its kind, its request class (client, limiter, load) and its position in its
// group (limiter within the class, stage within the stages).
struct ElementRef {
    ElementKind kind = ElementKind::Settings;
    int classIndex = -1;
    int index = -1;

    bool operator==(const ElementRef&) const = default;
};

class TopologyModel : public QAbstractListModel {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("TopologyModel belongs to a ScenarioDocument; use document.topology.")

    Q_PROPERTY(int selectedRow READ selectedRow WRITE select NOTIFY selectedRowChanged)
    Q_PROPERTY(QString errorMessage READ errorMessage NOTIFY errorMessageChanged)
    Q_PROPERTY(bool canMoveSelectedUp READ canMoveSelectedUp NOTIFY selectionStateChanged)
    Q_PROPERTY(bool canMoveSelectedDown READ canMoveSelectedDown NOTIFY selectionStateChanged)
    Q_PROPERTY(bool hasWriter READ hasWriter NOTIFY hasWriterChanged)

  public:
    enum Role {
        TitleRole = Qt::UserRole + 1,
        KindRole,  // "settings", "client", "limiter", "pool", "stage" or "writer"
        SummaryRole,
        ClassIndexRole,
        RemovableRole,
        MovableRole,
        CanMoveUpRole,
        CanMoveDownRole,
        SelectedRole,
    };
    Q_ENUM(Role)

    explicit TopologyModel(ScenarioDocument* document);

    int rowCount(const QModelIndex& parent = QModelIndex()) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;
    // Moves rows within one group (the limiters of one class, or the stages); other moves fail.
    bool moveRows(const QModelIndex& sourceParent, int sourceRow, int count,
                  const QModelIndex& destinationParent, int destinationChild) override;

    // Appends a limiter of `type` ("token_bucket", "leaky_bucket" or "concurrency") to the class
    // and selects it. Returns its row, or -1 with errorMessage set.
    Q_INVOKABLE int addLimiter(int classIndex, const QString& type);
    // Appends a pipeline stage and selects it. Returns its row, or -1 with errorMessage set.
    Q_INVOKABLE int addStage();
    // Adds the async writer with the scenario format's defaults after the last stage and selects
    // it. Returns its row, or -1 with errorMessage set (for example when there is one already).
    Q_INVOKABLE int addWriter();
    // Appends a request class (ScenarioDocument::newRequestClass()) after the last one and selects
    // its client, which makes it the selected class. Returns the client's row, or -1 with
    // errorMessage set (for example when the scenario has the maximum of 64 classes).
    Q_INVOKABLE int addClass();
    // Removes a request class with its client and limiters, and renumbers the scripted changes of
    // the later classes. Rejected, with errorMessage set, for the only class and for a class that
    // a scripted change refers to.
    Q_INVOKABLE bool removeClass(int classIndex);
    // Removes a limiter, stage or the writer, or for a client row its request class (see
    // removeClass()). The settings and the pool cannot be removed: returns false and sets
    // errorMessage to the reason.
    Q_INVOKABLE bool remove(int row);
    // Moves the element at `from` so that it ends up at row `to`, within its group.
    Q_INVOKABLE bool move(int from, int to);
    Q_INVOKABLE void clearError();

    int selectedRow() const { return m_selected; }
    void select(int row);
    QString errorMessage() const { return m_error; }
    bool canMoveSelectedUp() const;
    bool canMoveSelectedDown() const;
    bool hasWriter() const;
    ElementRef element(int row) const;
    ElementRef selectedElement() const { return element(m_selected); }
    // Returns the row of `ref`, or -1.
    int rowOf(const ElementRef& ref) const;

  signals:
    void selectedRowChanged();
    void errorMessageChanged();
    // The selected row moved or its group changed size.
    void selectionStateChanged();
    void hasWriterChanged();

  private:
    void rebuild();
    // Applies `change` to the document as the insertion of `row`, so that views see the row
    // appear, and selects it. A rejected change removes the row again, sets errorMessage to
    // `failure` with the reason as %1, and returns -1. Returns the row otherwise.
    int addRowByEdit(int row, const QString& failure,
                     const std::function<QString(goflow::sim::Scenario&)>& change);
    // Runs `edit`, which edits the document and returns its reason for rejecting the edit
    // (empty when applied), as the removal of rows `first` to `last`.
    template <typename Edit>
    QString removeRowsByEdit(int first, int last, Edit&& edit);
    bool removeWriter(int row);
    // Returns why removeClass() rejects removing `classIndex`, or an empty string.
    QString classRemovalProblem(int classIndex) const;
    // Returns why `change` cannot apply to the scenario (its own reason or the reader's), or an
    // empty string. Nothing changes.
    QString check(const std::function<QString(goflow::sim::Scenario&)>& change) const;
    void onScenarioReplaced();
    void onScenarioEdited();
    void setError(const QString& message);
    QString title(const ElementRef& ref) const;
    QString summary(const ElementRef& ref) const;
    // The first and one-past-last rows of the group that `row` belongs to, or {-1, -1}.
    std::pair<int, int> groupOf(int row) const;

    QPointer<ScenarioDocument> m_document;
    std::vector<ElementRef> m_rows;
    int m_selected = 0;
    QString m_error;
    bool m_structuralEdit = false;
};
