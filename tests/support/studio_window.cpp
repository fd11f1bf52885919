#include "studio_window.h"

#include <QtQml/qqmlextensionplugin.h>
#include <QImage>
#include <QMutexLocker>
#include <QQmlApplicationEngine>
#include <QSettings>

#include <atomic>

#include "studio_controller.h"

// The Goflow.Studio module is a static plugin. Importing it here links it into every test that
// uses StudioWindow.
Q_IMPORT_QML_PLUGIN(Goflow_StudioPlugin)

namespace goflow::test {
namespace {

// The recorder that record() appends to, and the handler that it passes messages on to.
std::atomic<MessageRecorder*> g_recorder{nullptr};
std::atomic<QtMessageHandler> g_previousHandler{nullptr};

}  // namespace

MessageRecorder::MessageRecorder() {
    MessageRecorder* expected = nullptr;
    if (!g_recorder.compare_exchange_strong(expected, this)) {
        qFatal("A MessageRecorder is already installed; only one may exist at a time.");
    }
    g_previousHandler = qInstallMessageHandler(record);
}

MessageRecorder::~MessageRecorder() {
    qInstallMessageHandler(g_previousHandler);
    g_recorder = nullptr;
}

QStringList MessageRecorder::messages() const {
    const QMutexLocker lock(&m_mutex);
    return m_messages;
}

void MessageRecorder::clear() {
    const QMutexLocker lock(&m_mutex);
    m_messages.clear();
}

void MessageRecorder::record(QtMsgType type, const QMessageLogContext& context,
                             const QString& message) {
    MessageRecorder* recorder = g_recorder;
    if (recorder != nullptr && type != QtDebugMsg && type != QtInfoMsg &&
        !message.startsWith(QLatin1String("QStandardPaths:"))) {
        const QMutexLocker lock(&recorder->m_mutex);
        recorder->m_messages.append(message);
    }
    if (QtMessageHandler previous = g_previousHandler) {
        previous(type, context, message);
    }
}

StudioWindow::StudioWindow() = default;

StudioWindow::~StudioWindow() {
    unload();
}

bool StudioWindow::load(const StudioOptions& options) {
    unload();
    QVariantMap properties = options.extra;
    properties.insert(QStringLiteral("scenarioDirectory"), options.scenarioDirectory);
    if (!options.scenario.isEmpty()) {
        properties.insert(QStringLiteral("initialScenario"), options.scenario);
    }
    properties.insert(QStringLiteral("autoRun"), options.autoRun);
    properties.insert(QStringLiteral("liveMode"), options.liveMode);
    if (!options.speed.isEmpty()) {
        properties.insert(QStringLiteral("initialSpeed"), options.speed);
    }

    m_engine = std::make_unique<QQmlApplicationEngine>();
    m_engine->addImportPath(QStringLiteral("qrc:/qt/qml"));
    m_engine->setInitialProperties(properties);
    m_engine->load(QUrl(QStringLiteral("qrc:/qt/qml/Goflow/Studio/Main.qml")));
    const QList<QObject*> roots = m_engine->rootObjects();
    if (roots.size() != 1) {
        m_error = QStringLiteral("Main.qml created %1 root objects instead of 1. Messages:\n%2")
                      .arg(roots.size())
                      .arg(messages().join(QLatin1Char('\n')));
        return false;
    }
    m_window = qobject_cast<QQuickWindow*>(roots.front());
    if (m_window == nullptr) {
        m_error = QStringLiteral("the root object of Main.qml is a %1, not a window")
                      .arg(QLatin1String(roots.front()->metaObject()->className()));
        return false;
    }
    m_controller = m_window->findChild<StudioController*>(QStringLiteral("controller"));
    if (m_controller == nullptr) {
        m_error = QStringLiteral("the window has no StudioController named \"controller\"");
        return false;
    }
    return true;
}

void StudioWindow::unload() {
    m_controller = nullptr;
    m_window = nullptr;
    m_engine.reset();
    m_error.clear();
}

QQuickItem* StudioWindow::findItem(const QString& name) const {
    return m_window != nullptr ? findVisualItem(m_window->contentItem(), name) : nullptr;
}

void StudioWindow::click(const QQuickItem* item) const {
    const QPointF centre = item->mapToScene(QPointF(item->width() / 2, item->height() / 2));
    QTest::mouseClick(m_window, Qt::LeftButton, Qt::NoModifier, centre.toPoint());
}

bool StudioWindow::saveScreenshot(const QString& path, std::chrono::milliseconds settle) const {
    if (m_window == nullptr) {
        return false;
    }
    if (settle.count() > 0) {
        QTest::qWait(static_cast<int>(settle.count()));
    }
    return goflow::test::saveScreenshot(m_window, path);
}

QQuickItem* findVisualItem(QQuickItem* root, const QString& name) {
    if (root->objectName() == name) {
        return root;
    }
    for (QQuickItem* child : root->childItems()) {
        if (QQuickItem* found = findVisualItem(child, name)) {
            return found;
        }
    }
    return nullptr;
}

bool useSettingsDirectory(const QTemporaryDir& directory) {
    if (!directory.isValid()) {
        return false;
    }
    QSettings::setDefaultFormat(QSettings::IniFormat);
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, directory.path());
    return true;
}

bool saveScreenshot(QQuickWindow* window, const QString& path) {
    const QImage image = window->grabWindow();
    return !image.isNull() && image.save(path);
}

}  // namespace goflow::test
