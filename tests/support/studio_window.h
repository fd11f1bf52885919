// Test support for the Studio's offscreen window tests: loads Main.qml from the Goflow.Studio
// module, finds its objects, and records every warning and error that Qt logs meanwhile, so that
// a test can fail on any QML warning with GOFLOW_VERIFY_NO_MESSAGES.
#pragma once

#include <QMutex>
#include <QQuickItem>
#include <QQuickWindow>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>
#include <QVariantMap>
#include <QtTest>

#include <chrono>
#include <memory>

class QQmlApplicationEngine;
class StudioController;

namespace goflow::test {

// Records the warnings, critical messages and errors that Qt logs while it exists, and passes
// every message on to the handler installed before it, so Qt Test's output still appears. Debug
// and info messages, and Qt's "QStandardPaths:" notes about the runtime directory, are not
// recorded. Messages that QTest::ignoreMessage() announced are recorded too, because the
// recorder receives them before Qt Test's handler. At most one recorder may exist at a time.
class MessageRecorder {
  public:
    MessageRecorder();
    ~MessageRecorder();
    MessageRecorder(const MessageRecorder&) = delete;
    MessageRecorder& operator=(const MessageRecorder&) = delete;

    QStringList messages() const;
    void clear();

  private:
    static void record(QtMsgType type, const QMessageLogContext& context, const QString& message);

    mutable QMutex m_mutex;
    QStringList m_messages;
};

// The initial properties of Main.qml that the tests set. An empty string leaves Main.qml's
// default in place.
struct StudioOptions {
    QString scenarioDirectory = QStringLiteral(GOFLOW_SOURCE_SCENARIO_DIR);
    QString scenario;  // initialScenario: the path of the scenario to open
    bool autoRun = false;
    bool liveMode = false;
    QString speed;      // initialSpeed, for example "max" or "10x"
    QVariantMap extra;  // further initial properties, for example "settings"
};

// The Studio's main window, loaded from qrc:/qt/qml/Goflow/Studio/Main.qml, with a
// MessageRecorder that starts before the engine exists and stops after it is destroyed.
class StudioWindow {
  public:
    StudioWindow();
    ~StudioWindow();
    StudioWindow(const StudioWindow&) = delete;
    StudioWindow& operator=(const StudioWindow&) = delete;

    // Creates the engine and loads Main.qml with `options`. Returns false, with the reason in
    // errorString(), when Main.qml does not create exactly one window or the window has no
    // StudioController named "controller".
    [[nodiscard]] bool load(const StudioOptions& options);
    // Destroys the engine and its window. The recorder keeps recording, so a test can check
    // the messages printed during destruction too.
    void unload();

    QString errorString() const { return m_error; }
    QQuickWindow* window() const { return m_window; }
    StudioController* controller() const { return m_controller; }

    // Returns the QObject descendant of the window named `name` that is a T, or nullptr.
    template <typename T = QObject>
    T* find(const QString& name) const {
        return m_window != nullptr ? m_window->findChild<T*>(name) : nullptr;
    }
    // Returns the visual descendant of the window's content item named `name`, or nullptr. Unlike
    // find(), this reaches the delegates of views, which are items of the view but not QObject
    // children of the window.
    QQuickItem* findItem(const QString& name) const;

    // Clicks the left mouse button in the middle of `item`.
    void click(const QQuickItem* item) const;
    // Grabs the window and saves the picture as `path`, after letting the event loop run for
    // `settle` when it is positive. Qt Charts in QML draws a chart into a texture on a later
    // frame, so a grab right after a change can show the previous drawing. Returns false when
    // there is no window, the grab is empty or the file cannot be written.
    [[nodiscard]] bool saveScreenshot(const QString& path,
                                      std::chrono::milliseconds settle = {}) const;

    QStringList messages() const { return m_recorder.messages(); }
    void clearMessages() { m_recorder.clear(); }

  private:
    MessageRecorder m_recorder;  // declared first: it outlives the engine
    std::unique_ptr<QQmlApplicationEngine> m_engine;
    QQuickWindow* m_window = nullptr;
    StudioController* m_controller = nullptr;
    QString m_error;
};

// Returns the item named `name` among the visual descendants of `root`, including `root`.
QQuickItem* findVisualItem(QQuickItem* root, const QString& name);

// Makes QSettings store user settings as INI files in `directory`, so that a test reads and
// writes none of the user's own settings, such as the Design tab's recent files. Returns false
// when the directory could not be created.
[[nodiscard]] bool useSettingsDirectory(const QTemporaryDir& directory);

// Grabs `window` and saves the picture as `path`. Returns false when the grab is empty or the
// file cannot be written.
[[nodiscard]] bool saveScreenshot(QQuickWindow* window, const QString& path);

}  // namespace goflow::test

// Fails the current test function, listing the messages, when `studio` (a StudioWindow) recorded
// any warning or error. A macro, so that the failure names the line of the test.
#define GOFLOW_VERIFY_NO_MESSAGES(studio) \
    QVERIFY2((studio).messages().isEmpty(), qPrintable((studio).messages().join(QLatin1Char('\n'))))
