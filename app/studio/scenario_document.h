// ScenarioDocument: the scenario that the design page edits, with its file, open/save and the
// recent-files list.
//
// Every edit goes through edit(): the change is applied to a copy, the copy is written with the
// scenario writer and read back with the scenario reader, and only a copy that the reader accepts
// replaces the document's scenario. The document therefore never contains a scenario that would
// fail to load, and the reader's message is the reason shown for a rejected edit. The document owns
// the models of the design page: the topology, the inspector of the selected element, and the load
// editor of the selected request class.
#pragma once

#include <QtQml/qqmlregistration.h>
#include <QObject>
#include <QString>
#include <QStringList>
#include <QUrl>

#include <functional>
#include <vector>

#include "goflow/sim/scenario.hpp"
#include "parameter_model.h"
#include "topology_model.h"

class ScenarioDocument : public QObject {
    Q_OBJECT
    QML_ELEMENT

    Q_PROPERTY(QString path READ path NOTIFY pathChanged)
    Q_PROPERTY(QString displayName READ displayName NOTIFY pathChanged)
    Q_PROPERTY(QString directory READ directory NOTIFY pathChanged)
    Q_PROPERTY(QUrl directoryUrl READ directoryUrl NOTIFY pathChanged)
    Q_PROPERTY(QString scenarioName READ scenarioName NOTIFY scenarioEdited)
    Q_PROPERTY(bool dirty READ dirty NOTIFY dirtyChanged)
    Q_PROPERTY(QString errorMessage READ errorMessage NOTIFY errorMessageChanged)
    Q_PROPERTY(QStringList recentFiles READ recentFiles NOTIFY recentFilesChanged)
    Q_PROPERTY(int selectedClass READ selectedClass NOTIFY selectedClassChanged)
    Q_PROPERTY(QString selectedClassName READ selectedClassName NOTIFY selectedClassNameChanged)
    Q_PROPERTY(int classCount READ classCount NOTIFY scenarioEdited)
    Q_PROPERTY(TopologyModel* topology READ topology CONSTANT)
    Q_PROPERTY(ParameterModel* inspector READ inspector CONSTANT)
    Q_PROPERTY(ParameterModel* loadParameters READ loadParameters CONSTANT)

  public:
    // The load editor's presentation of an open load's phases. The scenario stores only phases or
    // a trace, and the shape decides which parameters generate them.
    enum class LoadShape {
        Constant,    // one constant phase
        RampStages,  // consecutive linear ramps, each to a target rate
        Spike,       // a base rate with one burst at a higher rate
        Sine,        // one sine phase
        Trace,       // request times replayed from a file
        Custom,      // phases from a file that match none of the above; edited in the file
    };
    Q_ENUM(LoadShape)

    static constexpr int kMaxRecentFiles = 10;
    // The QSettings key of the recent-files list, most recent first.
    static constexpr const char* kRecentFilesKey = "design/recentFiles";

    explicit ScenarioDocument(QObject* parent = nullptr);
    ~ScenarioDocument() override;

    // Replaces the document with a small valid scenario that has no file yet.
    Q_INVOKABLE void newDocument();
    // Opens a scenario file from a path or a file:// URL. On failure keeps the current document,
    // sets errorMessage and returns false. `remember` adds the file to the recent files.
    Q_INVOKABLE bool open(const QString& pathOrUrl, bool remember = true);
    // Writes the document to its file; fails with a message when it has none yet.
    Q_INVOKABLE bool save();
    // Validates the document's JSON text with the scenario reader (relative trace files resolve
    // against the new file's directory), then writes it to `pathOrUrl` atomically. On success the
    // document takes that path and is clean.
    Q_INVOKABLE bool saveAs(const QString& pathOrUrl);
    // Returns the scenario as the JSON text that save() writes.
    Q_INVOKABLE QString toJson() const;
    Q_INVOKABLE void clearError();
    Q_INVOKABLE void clearRecentFiles();
    // Returns the folder a file dialog starts in: the document's directory, or for a document
    // without a file the directory of `fallbackPath` (for example the scenario on the run view).
    Q_INVOKABLE QUrl dialogFolder(const QString& fallbackPath) const;
    // Drops recent files that no longer exist, for example before the list is shown.
    Q_INVOKABLE void pruneRecentFiles();

    QString path() const { return m_path; }
    // The file name, or "Untitled" before the first save.
    QString displayName() const;
    // The directory that relative trace files resolve against: the file's, or the current one.
    QString directory() const;
    QUrl directoryUrl() const { return QUrl::fromLocalFile(directory()); }
    QString scenarioName() const { return QString::fromStdString(m_scenario.name); }
    bool dirty() const { return m_dirty; }
    QString errorMessage() const { return m_error; }
    // Recent files that still exist, most recent first.
    QStringList recentFiles() const { return m_recentFiles; }
    int selectedClass() const { return m_selectedClass; }
    void setSelectedClass(int classIndex);
    QString selectedClassName() const;
    int classCount() const { return static_cast<int>(m_scenario.classes.size()); }

    TopologyModel* topology() const { return m_topology; }
    ParameterModel* inspector() const { return m_inspector; }
    ParameterModel* loadParameters() const { return m_loadParameters; }

    const goflow::sim::Scenario& scenario() const { return m_scenario; }

    // Applies `change` to a copy of the scenario and validates the copy with the scenario reader.
    // `change` returns an empty string or the reason it cannot apply. On success the copy
    // replaces the scenario, the document becomes dirty, scenarioEdited() is emitted and the
    // result is an empty string. Otherwise the scenario is unchanged and the reason is returned.
    QString edit(const std::function<QString(goflow::sim::Scenario&)>& change);

    LoadShape loadShape(int classIndex) const;
    // Switches the class's open load to `shape`, generating phases from its current peak rate and
    // length. Returns the reason when it cannot (Custom, or a class without an open load).
    QString setLoadShape(int classIndex, LoadShape shape);

    // Records the shape of a class whose load was rewritten through edit(), for example after a
    // switch between the open and the closed model.
    void rememberShape(int classIndex, LoadShape shape);

    // Returns why `name` cannot name request class `classIndex`, or an empty string. A name must
    // not be empty, must contain no control characters and must differ from the names of the
    // other classes, because summaries, reports and sweep results tell classes apart by name.
    // The scenario reader does not check names, so a file may still contain duplicates.
    QString classNameProblem(int classIndex, const QString& name) const;
    // Returns the first of "class N", "class N+1", ... that no request class is named, where N is
    // one more than the number of classes.
    QString unusedClassName() const;
    // Returns the request class that Add class appends: an unused name, the default client, no
    // limiters, and a constant load of 50 requests/s like a new scenario's. The load lasts as long
    // as the longest load of the existing classes, or 30 s when none has a length.
    goflow::sim::RequestClass newRequestClass() const;
    // Applies `change`, which must erase request class `classIndex`, like edit(). On success the
    // load shapes of the later classes move down with their classes, and the selected class
    // becomes the class that took the removed one's place, or the new last class.
    QString editRemovingClass(int classIndex,
                              const std::function<QString(goflow::sim::Scenario&)>& change);

    // Returns the shape that presents `load` best.
    static LoadShape detectShape(const goflow::sim::LoadConfig& load);
    // Returns a valid scenario for a new document.
    static goflow::sim::Scenario defaultScenario();

  signals:
    void pathChanged();
    void dirtyChanged();
    void errorMessageChanged();
    void recentFilesChanged();
    void selectedClassChanged();
    // The selected class changed, or the scenario changed and with it maybe the class's name.
    void selectedClassNameChanged();
    // The whole scenario was replaced (new or open): models reset.
    void scenarioReplaced();
    // The scenario changed through edit().
    void scenarioEdited();

  private:
    // edit() with a step that runs after the edited scenario is accepted and before
    // scenarioEdited() is emitted.
    QString applyEdit(const std::function<QString(goflow::sim::Scenario&)>& change,
                      const std::function<void()>& afterAccept);
    void replace(goflow::sim::Scenario scenario, const QString& path);
    void setDirty(bool dirty);
    void setError(const QString& message);
    void setPath(const QString& path);
    void rememberRecentFile(const QString& path);
    void loadRecentFiles();
    void storeRecentFiles();

    goflow::sim::Scenario m_scenario;
    std::vector<LoadShape> m_shapes;  // one per class
    QString m_path;
    QString m_error;
    QStringList m_recentFiles;
    bool m_dirty = false;
    int m_selectedClass = 0;
    TopologyModel* m_topology = nullptr;
    ParameterModel* m_inspector = nullptr;
    ParameterModel* m_loadParameters = nullptr;
};

// Strips the reader's "line L, column C: " prefix, because for an edit the position points into
// generated text that is not shown to the user.
QString withoutPosition(const QString& readerMessage);
