// Runs the Qt Quick Tests in this directory (tst_*.qml) against the Goflow.Studio module.
//
// Every warning printed while the tests run is recorded. StudioTestCase.qml fails the test
// function that printed one (its cleanup() takes the record), and main() fails the whole run if
// warnings came outside any test function, such as while a test file loads.

#include <QtQml/qqmlextensionplugin.h>
#include <QApplication>
#include <QMutex>
#include <QMutexLocker>
#include <QQmlEngine>
#include <QSettings>
#include <QStandardPaths>
#include <QStringList>
#include <QTemporaryDir>
#include <QtQuickTest>

#include <cstdio>

Q_IMPORT_QML_PLUGIN(Goflow_StudioPlugin)

namespace {

QMutex g_mutex;
QStringList g_warnings;  // guarded by g_mutex
QtMessageHandler g_beforeLogging = nullptr;
QtMessageHandler g_qtTestHandler = nullptr;

void record(QtMsgType type, const QString& message) {
    // The offscreen platform warns about XDG_RUNTIME_DIR, which is unrelated to the QML.
    if (type != QtDebugMsg && type != QtInfoMsg &&
        !message.startsWith(QLatin1String("QStandardPaths:"))) {
        const QMutexLocker lock(&g_mutex);
        g_warnings.append(message);
    }
}

// Installed by main() before Qt Test starts logging, which happens when the first TestCase
// runs. Qt Test's handler then replaces it without forwarding to it.
void recordBeforeLogging(QtMsgType type, const QMessageLogContext& context,
                         const QString& message) {
    record(type, message);
    g_beforeLogging(type, context, message);
}

// Installed on top of Qt Test's handler by WarningLog::attach(); Qt Test still prints the message.
void recordWhileLogging(QtMsgType type, const QMessageLogContext& context, const QString& message) {
    record(type, message);
    g_qtTestHandler(type, context, message);
}

QStringList takeWarnings() {
    const QMutexLocker lock(&g_mutex);
    QStringList taken;
    taken.swap(g_warnings);
    return taken;
}

}  // namespace

// The warnings printed since the last take(), for StudioTestCase.qml.
class WarningLog : public QObject {
    Q_OBJECT

  public:
    // Starts recording on top of Qt Test's message handler. Call it from inside a test function,
    // when Qt Test's handler is installed; later calls do nothing.
    Q_INVOKABLE void attach() const {
        if (g_qtTestHandler == nullptr) {
            g_qtTestHandler = qInstallMessageHandler(recordWhileLogging);
        }
    }

    // Returns the recorded warnings, one a line, and clears the record.
    Q_INVOKABLE QString take() const { return takeWarnings().join(QLatin1Char('\n')); }
};

// Facts about the source tree that the QML tests need.
class TestData : public QObject {
    Q_OBJECT
    Q_PROPERTY(QString scenarioDirectory READ scenarioDirectory CONSTANT)

  public:
    QString scenarioDirectory() const { return QStringLiteral(GOFLOW_SOURCE_SCENARIO_DIR); }
};

class Setup : public QObject {
    Q_OBJECT

  public slots:
    void qmlEngineAvailable(QQmlEngine* engine) {
        engine->addImportPath(QStringLiteral("qrc:/qt/qml"));
    }
};

int main(int argc, char** argv) {
    // Qt Charts' QML types need a QApplication; quick_test_main uses the one that exists.
    QApplication app(argc, argv);

    // Settings written by the components under test go to a directory that is removed at exit.
    QStandardPaths::setTestModeEnabled(true);
    const QTemporaryDir settingsDirectory;
    if (!settingsDirectory.isValid()) {
        std::fprintf(stderr, "tst_qml_components: cannot create a temporary directory: %s\n",
                     qPrintable(settingsDirectory.errorString()));
        return 1;
    }
    QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, settingsDirectory.path());
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, settingsDirectory.path());

    WarningLog warningLog;
    TestData testData;
    qmlRegisterSingletonType<WarningLog>(
        "Goflow.Testing", 1, 0, "WarningLog", [&warningLog](QQmlEngine*, QJSEngine*) -> QObject* {
            QQmlEngine::setObjectOwnership(&warningLog, QQmlEngine::CppOwnership);
            return &warningLog;
        });
    qmlRegisterSingletonType<TestData>(
        "Goflow.Testing", 1, 0, "TestData", [&testData](QQmlEngine*, QJSEngine*) -> QObject* {
            QQmlEngine::setObjectOwnership(&testData, QQmlEngine::CppOwnership);
            return &testData;
        });

    g_beforeLogging = qInstallMessageHandler(recordBeforeLogging);
    Setup setup;
    int failures =
        quick_test_main_with_setup(argc, argv, "tst_qml_components", QUICK_TEST_SOURCE_DIR, &setup);
    const QStringList left = takeWarnings();
    if (!left.isEmpty()) {
        std::fprintf(stderr, "FAIL: %lld warning(s) outside any test function:\n%s\n",
                     static_cast<long long>(left.size()), qPrintable(left.join(QLatin1Char('\n'))));
        ++failures;
    }
    return failures;
}

#include "tst_qml_components.moc"
