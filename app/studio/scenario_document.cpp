#include "scenario_document.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLoggingCategory>
#include <QRegularExpression>
#include <QSaveFile>
#include <QSettings>
#include <QUrl>

#include <algorithm>
#include <chrono>

#include "parameter_model.h"
#include "topology_model.h"

Q_LOGGING_CATEGORY(lcDocument, "goflow.studio.document")

namespace {

using goflow::Duration;
using goflow::sim::LoadConfig;
using goflow::sim::LoadPhase;
using goflow::sim::Scenario;

QString localPath(const QString& pathOrUrl) {
    const QUrl url(pathOrUrl);
    return url.isLocalFile() ? url.toLocalFile() : pathOrUrl;
}

Duration seconds(double value) {
    return std::chrono::duration_cast<Duration>(std::chrono::duration<double>(value));
}

double toSeconds(Duration d) {
    return std::chrono::duration<double>(d).count();
}

LoadPhase constantPhase(const char* name, double rate, double durationSeconds) {
    LoadPhase phase;
    phase.name = name;
    phase.shape = LoadPhase::Shape::constant;
    phase.rate = rate;
    phase.duration = seconds(durationSeconds);
    return phase;
}

LoadPhase rampPhase(const std::string& name, double from, double to, double durationSeconds) {
    LoadPhase phase;
    phase.name = name;
    phase.shape = LoadPhase::Shape::ramp;
    phase.from = from;
    phase.to = to;
    phase.duration = seconds(durationSeconds);
    return phase;
}

}  // namespace

QString withoutPosition(const QString& readerMessage) {
    static const QRegularExpression position(QStringLiteral("^line \\d+, column \\d+: "));
    QString message = readerMessage;
    return message.remove(position);
}

ScenarioDocument::ScenarioDocument(QObject* parent)
    : QObject(parent),
      m_scenario(defaultScenario()),
      m_shapes(m_scenario.classes.size(), LoadShape::Constant) {
    m_topology = new TopologyModel(this);
    m_inspector = new ParameterModel(this, this);
    m_loadParameters = new ParameterModel(this, this);
    m_inspector->setElement(m_topology->selectedElement());
    m_loadParameters->setElement({ElementKind::Load, 0, 0});
    connect(this, &ScenarioDocument::selectedClassChanged, this,
            &ScenarioDocument::selectedClassNameChanged);
    connect(this, &ScenarioDocument::scenarioEdited, this,
            &ScenarioDocument::selectedClassNameChanged);
    connect(m_topology, &TopologyModel::selectedRowChanged, this, [this] {
        const ElementRef selected = m_topology->selectedElement();
        m_inspector->setElement(selected);
        if (selected.classIndex >= 0) {
            setSelectedClass(selected.classIndex);
        }
    });
    loadRecentFiles();
}

ScenarioDocument::~ScenarioDocument() = default;

Scenario ScenarioDocument::defaultScenario() {
    Scenario s;
    s.name = tr("New scenario").toStdString();
    s.seed = 1;
    goflow::sim::RequestClass c;
    c.name = "default";
    c.load.phases.push_back(constantPhase("steady", 50, 30));
    goflow::sim::LimiterConfig limiter;
    limiter.type = goflow::sim::LimiterConfig::Type::token_bucket;
    limiter.rate = 100;
    limiter.burst = 100;
    c.limiters.push_back(limiter);
    s.classes.push_back(std::move(c));
    s.pool.name = "pool";
    s.pool.servers = 4;
    s.pool.queue_capacity = 16;
    s.pool.service_time.kind = goflow::sim::Distribution::Kind::exponential;
    s.pool.service_time.mean = std::chrono::milliseconds(50);
    return s;
}

void ScenarioDocument::newDocument() {
    replace(defaultScenario(), QString());
    clearError();
}

bool ScenarioDocument::open(const QString& pathOrUrl, bool remember) {
    const QString path = localPath(pathOrUrl);
    if (path.isEmpty()) {
        setError(tr("Cannot open a scenario: no file was given."));
        return false;
    }
    auto scenario = goflow::sim::load_scenario_file(path.toStdString());
    if (!scenario) {
        const QString reason = QString::fromStdString(scenario.error().message);
        // A read failure names the file already; a parse error gives only a position.
        setError(reason.contains(path)
                     ? reason
                     : tr("Cannot open %1: %2").arg(QDir::toNativeSeparators(path), reason));
        qCWarning(lcDocument) << "open failed:" << m_error;
        return false;
    }
    const QString absolute = QFileInfo(path).absoluteFilePath();
    replace(std::move(*scenario), absolute);
    clearError();
    if (remember) {
        rememberRecentFile(absolute);
    }
    return true;
}

bool ScenarioDocument::save() {
    if (m_path.isEmpty()) {
        setError(tr("This scenario has no file yet; use Save As to choose one."));
        return false;
    }
    return saveAs(m_path);
}

bool ScenarioDocument::saveAs(const QString& pathOrUrl) {
    const QString path = localPath(pathOrUrl);
    if (path.isEmpty()) {
        setError(tr("Cannot save: no file name was given."));
        return false;
    }
    const QFileInfo target(path);
    const std::string text = goflow::sim::to_json(m_scenario);
    const auto check =
        goflow::sim::load_scenario(text, target.absoluteDir().absolutePath().toStdString());
    if (!check) {
        setError(tr("Not saved: the scenario would not load from %1: %2")
                     .arg(QDir::toNativeSeparators(path),
                          withoutPosition(QString::fromStdString(check.error().message))));
        return false;
    }
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate)) {
        setError(tr("Cannot save %1: %2").arg(QDir::toNativeSeparators(path), file.errorString()));
        return false;
    }
    file.write(text.data(), static_cast<qint64>(text.size()));
    if (!file.commit()) {
        setError(tr("Cannot save %1: %2").arg(QDir::toNativeSeparators(path), file.errorString()));
        return false;
    }
    setPath(target.absoluteFilePath());
    setDirty(false);
    clearError();
    rememberRecentFile(m_path);
    return true;
}

QString ScenarioDocument::toJson() const {
    return QString::fromStdString(goflow::sim::to_json(m_scenario));
}

void ScenarioDocument::clearError() {
    setError({});
}

QString ScenarioDocument::displayName() const {
    return m_path.isEmpty() ? tr("Untitled") : QFileInfo(m_path).fileName();
}

QString ScenarioDocument::directory() const {
    return m_path.isEmpty() ? QDir::currentPath() : QFileInfo(m_path).absolutePath();
}

QUrl ScenarioDocument::dialogFolder(const QString& fallbackPath) const {
    if (m_path.isEmpty() && !fallbackPath.isEmpty()) {
        return QUrl::fromLocalFile(QFileInfo(localPath(fallbackPath)).absolutePath());
    }
    return directoryUrl();
}

void ScenarioDocument::setSelectedClass(int classIndex) {
    if (classIndex < 0 || classIndex >= static_cast<int>(m_scenario.classes.size()) ||
        classIndex == m_selectedClass) {
        return;
    }
    m_selectedClass = classIndex;
    m_loadParameters->setElement({ElementKind::Load, classIndex, 0});
    emit selectedClassChanged();
}

QString ScenarioDocument::selectedClassName() const {
    if (m_selectedClass < 0 || m_selectedClass >= classCount()) {
        return {};
    }
    return QString::fromStdString(
        m_scenario.classes[static_cast<std::size_t>(m_selectedClass)].name);
}

QString ScenarioDocument::classNameProblem(int classIndex, const QString& name) const {
    if (name.trimmed().isEmpty()) {
        return tr("enter a name, because summaries and reports tell request classes apart by name");
    }
    for (const QChar ch : name) {
        if (ch.category() == QChar::Other_Control) {
            return tr(
                "a class name must not contain control characters such as tabs or line "
                "breaks");
        }
    }
    const std::string text = name.toStdString();
    for (int i = 0; i < classCount(); ++i) {
        if (i != classIndex && m_scenario.classes[static_cast<std::size_t>(i)].name == text) {
            return tr("class %1 is named “%2” already, and class names must be unique")
                .arg(i + 1)
                .arg(name);
        }
    }
    return {};
}

QString ScenarioDocument::unusedClassName() const {
    for (int n = classCount() + 1;; ++n) {
        const QString name = tr("class %1").arg(n);
        if (classNameProblem(-1, name).isEmpty()) {
            return name;
        }
    }
}

goflow::sim::RequestClass ScenarioDocument::newRequestClass() const {
    Duration longest{};
    for (const auto& c : m_scenario.classes) {
        longest = std::max(longest, c.load.duration());
    }
    goflow::sim::RequestClass c;
    c.name = unusedClassName().toStdString();
    c.load.phases.push_back(
        constantPhase("steady", 50, longest > Duration::zero() ? toSeconds(longest) : 30));
    return c;
}

QString ScenarioDocument::edit(const std::function<QString(Scenario&)>& change) {
    return applyEdit(change, {});
}

QString ScenarioDocument::editRemovingClass(int classIndex,
                                            const std::function<QString(Scenario&)>& change) {
    if (classIndex < 0 || classIndex >= classCount()) {
        return tr("There is no request class %1.").arg(classIndex + 1);
    }
    const auto removal = [&](Scenario& copy) {
        const std::size_t before = copy.classes.size();
        if (QString reason = change(copy); !reason.isEmpty()) {
            return reason;
        }
        return copy.classes.size() + 1 == before
                   ? QString()
                   : tr("The change did not remove exactly one request class.");
    };
    std::vector<LoadShape> shapes = m_shapes;
    shapes.erase(shapes.begin() + classIndex);
    return applyEdit(removal, [this, classIndex, &shapes] {
        m_shapes = std::move(shapes);
        if (m_selectedClass > classIndex) {
            --m_selectedClass;
        }
        m_selectedClass = std::min(m_selectedClass, classCount() - 1);
        m_loadParameters->setElement({ElementKind::Load, m_selectedClass, 0});
        emit selectedClassChanged();
    });
}

QString ScenarioDocument::applyEdit(const std::function<QString(Scenario&)>& change,
                                    const std::function<void()>& afterAccept) {
    // NOTE: the reader reads a trace file again on every edit, which is slow for traces of
    // millions of requests.
    Scenario copy = m_scenario;
    if (QString reason = change(copy); !reason.isEmpty()) {
        return reason;
    }
    const auto check =
        goflow::sim::load_scenario(goflow::sim::to_json(copy), directory().toStdString());
    if (!check) {
        return withoutPosition(QString::fromStdString(check.error().message));
    }
    // Keep the scenario as the reader returns it, so derived fields (a distribution's mean, a
    // trace's request times) match the text.
    m_scenario = std::move(*check);
    m_shapes.resize(m_scenario.classes.size(), LoadShape::Constant);
    if (afterAccept) {
        afterAccept();
    }
    setDirty(true);
    emit scenarioEdited();
    return {};
}

ScenarioDocument::LoadShape ScenarioDocument::loadShape(int classIndex) const {
    if (classIndex < 0 || classIndex >= static_cast<int>(m_shapes.size())) {
        return LoadShape::Custom;
    }
    return m_shapes[static_cast<std::size_t>(classIndex)];
}

QString ScenarioDocument::setLoadShape(int classIndex, LoadShape shape) {
    if (classIndex < 0 || classIndex >= static_cast<int>(m_scenario.classes.size())) {
        return tr("There is no request class %1.").arg(classIndex);
    }
    if (shape == LoadShape::Custom) {
        return tr("Custom phases come only from a scenario file; choose another shape.");
    }
    const LoadConfig& current = m_scenario.classes[static_cast<std::size_t>(classIndex)].load;
    if (current.model != LoadConfig::Model::open) {
        return tr("A closed load has no shape; switch the model to open first.");
    }
    double peak = 0;
    for (const LoadPhase& phase : current.phases) {
        peak = std::max(peak, phase.peak_rate());
    }
    if (peak <= 0) {
        peak = 50;
    }
    double length = current.trace.empty() ? toSeconds(current.duration()) : 0;
    if (length <= 0) {
        length = 30;
    }
    const QString reason = edit([&](Scenario& s) {
        LoadConfig& load = s.classes[static_cast<std::size_t>(classIndex)].load;
        if (shape == LoadShape::Trace) {
            // The phases stay until the user names a trace file; the file row shows that.
            return QString();
        }
        load.trace.clear();
        load.trace_file.clear();
        load.trace_format.clear();
        load.phases.clear();
        switch (shape) {
            case LoadShape::Constant:
                load.phases.push_back(constantPhase("steady", peak, length));
                break;
            case LoadShape::RampStages:
                load.phases.push_back(rampPhase("ramp up", 0, peak, length / 3));
                load.phases.push_back(rampPhase("hold", peak, peak, length / 3));
                load.phases.push_back(rampPhase("ramp down", peak, 0, length / 3));
                break;
            case LoadShape::Spike:
                load.phases.push_back(constantPhase("base", peak, length / 3));
                load.phases.push_back(constantPhase("spike", std::min(peak * 4, 1e7), length / 6));
                load.phases.push_back(constantPhase("base", peak, length - length / 2));
                break;
            case LoadShape::Sine: {
                LoadPhase phase;
                phase.name = "wave";
                phase.shape = LoadPhase::Shape::sine;
                phase.mean = peak;
                phase.amplitude = peak / 2;
                phase.period = seconds(length / 3);
                phase.duration = seconds(length);
                load.phases.push_back(phase);
                break;
            }
            case LoadShape::Trace:
            case LoadShape::Custom:
                break;
        }
        return QString();
    });
    if (!reason.isEmpty()) {
        return reason;
    }
    m_shapes[static_cast<std::size_t>(classIndex)] = shape;
    // The row set depends on the shape, which edit() could not know when it emitted.
    emit scenarioEdited();
    return {};
}

ScenarioDocument::LoadShape ScenarioDocument::detectShape(const LoadConfig& load) {
    if (!load.trace_file.empty()) {
        return LoadShape::Trace;
    }
    const auto& p = load.phases;
    const auto all = [&](LoadPhase::Shape shape) {
        return std::all_of(p.begin(), p.end(),
                           [shape](const LoadPhase& phase) { return phase.shape == shape; });
    };
    if (p.size() == 1 && p[0].shape == LoadPhase::Shape::constant) {
        return LoadShape::Constant;
    }
    if (p.size() == 1 && p[0].shape == LoadPhase::Shape::sine) {
        return LoadShape::Sine;
    }
    // A spike rises above the base rate. A drop, such as an idle phase at the end, is no spike.
    if ((p.size() == 2 || p.size() == 3) && all(LoadPhase::Shape::constant) &&
        p[1].rate > p[0].rate && (p.size() == 2 || p[2].rate == p[0].rate)) {
        return LoadShape::Spike;
    }
    if (!p.empty() && all(LoadPhase::Shape::ramp)) {
        bool continuous = true;
        for (std::size_t i = 1; i < p.size(); ++i) {
            continuous = continuous && p[i].from == p[i - 1].to;
        }
        if (continuous) {
            return LoadShape::RampStages;
        }
    }
    return LoadShape::Custom;
}

void ScenarioDocument::rememberShape(int classIndex, LoadShape shape) {
    if (classIndex < 0 || classIndex >= static_cast<int>(m_shapes.size())) {
        return;
    }
    m_shapes[static_cast<std::size_t>(classIndex)] = shape;
    emit scenarioEdited();
}

void ScenarioDocument::replace(Scenario scenario, const QString& path) {
    m_scenario = std::move(scenario);
    m_shapes.clear();
    for (const auto& c : m_scenario.classes) {
        m_shapes.push_back(detectShape(c.load));
    }
    setPath(path);
    setDirty(false);
    m_selectedClass = 0;
    emit scenarioReplaced();
    m_loadParameters->setElement({ElementKind::Load, 0, 0});
    emit selectedClassChanged();
    emit scenarioEdited();
}

void ScenarioDocument::setDirty(bool dirty) {
    if (m_dirty == dirty) {
        return;
    }
    m_dirty = dirty;
    emit dirtyChanged();
}

void ScenarioDocument::setError(const QString& message) {
    if (m_error == message) {
        return;
    }
    m_error = message;
    emit errorMessageChanged();
}

void ScenarioDocument::setPath(const QString& path) {
    if (m_path == path) {
        return;
    }
    m_path = path;
    emit pathChanged();
}

void ScenarioDocument::rememberRecentFile(const QString& path) {
    QStringList files = m_recentFiles;
    files.removeAll(path);
    files.prepend(path);
    while (files.size() > kMaxRecentFiles) {
        files.removeLast();
    }
    m_recentFiles = files;
    storeRecentFiles();
    emit recentFilesChanged();
}

void ScenarioDocument::clearRecentFiles() {
    m_recentFiles.clear();
    storeRecentFiles();
    emit recentFilesChanged();
}

void ScenarioDocument::pruneRecentFiles() {
    const QStringList before = m_recentFiles;
    loadRecentFiles();
    if (m_recentFiles != before) {
        emit recentFilesChanged();
    }
}

void ScenarioDocument::loadRecentFiles() {
    const QStringList stored = QSettings().value(QLatin1String(kRecentFilesKey)).toStringList();
    QStringList files;
    for (const QString& file : stored) {
        if (!file.isEmpty() && QFileInfo::exists(file) && !files.contains(file)) {
            files.append(file);
        }
        if (files.size() == kMaxRecentFiles) {
            break;
        }
    }
    m_recentFiles = files;
    if (files != stored) {
        storeRecentFiles();
    }
}

void ScenarioDocument::storeRecentFiles() {
    QSettings().setValue(QLatin1String(kRecentFilesKey), m_recentFiles);
}
