// goflow-studio: the Qt Quick application. Qt Charts' QML types need a QApplication.

#include <QtQml/qqmlextensionplugin.h>
#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QFileInfo>
#include <QQmlApplicationEngine>
#include <QQuickStyle>
#include <QQuickWindow>
#include <QTimer>

#include <cstdio>

#include "scenario_catalog.h"
#include "simulation_runner.h"
#include "studio_settings.h"

Q_IMPORT_QML_PLUGIN(Goflow_StudioPlugin)

namespace {

struct Options {
    QString scenario;
    QString scenarioDirectory;
    bool run = false;
    bool live = false;
    QString speed;
    QString screenshot;
    double quitAfterSeconds = -1;
};

// Parses the command line; exits with status 2 and a message on invalid input. The scenario and
// the speed that the command line leaves out come from `settings`: the scenario opened last, if
// the file still exists, and the replay speed used last.
Options parseOptions(const QApplication& app, const StudioSettings& settings) {
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "goflow Studio: simulate rate limiters and worker pools under load and watch them."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption scenario(
        QStringLiteral("scenario"),
        QStringLiteral("Open scenario <file> (default: the one open at the last exit, or "
                       "api-burst.json)."),
        QStringLiteral("file"));
    const QCommandLineOption directory(QStringLiteral("scenario-dir"),
                                       QStringLiteral("List the scenarios in <dir>."),
                                       QStringLiteral("dir"));
    const QCommandLineOption run(QStringLiteral("run"), QStringLiteral("Start the run at once."));
    const QCommandLineOption live(
        QStringLiteral("live"),
        QStringLiteral("Start in live mode: runs use the real primitives on real threads."));
    const QCommandLineOption speed(
        QStringLiteral("speed"),
        QStringLiteral("Replay speed in virtual seconds per wall second: a factor from 0.1 to 100 "
                       "such as 0.5 or 10 (10x also works), realtime (1) or max (no pacing). "
                       "Default: the speed used last."),
        QStringLiteral("speed"));
    const QCommandLineOption screenshot(
        QStringLiteral("screenshot"),
        QStringLiteral("Save the window as PNG <path> before quitting."), QStringLiteral("path"));
    const QCommandLineOption quitAfter(QStringLiteral("quit-after"),
                                       QStringLiteral("Quit after <seconds> of wall time."),
                                       QStringLiteral("seconds"));
    parser.addOptions({scenario, directory, run, live, speed, screenshot, quitAfter});
    parser.process(app);

    Options options;
    options.scenarioDirectory =
        parser.isSet(directory) ? parser.value(directory) : goflow::app::defaultScenarioDirectory();
    if (parser.isSet(scenario)) {
        options.scenario = QFileInfo(parser.value(scenario)).absoluteFilePath();
    } else if (!settings.lastScenario().isEmpty() && QFileInfo(settings.lastScenario()).isFile()) {
        options.scenario = settings.lastScenario();
    } else {
        options.scenario = goflow::app::defaultScenarioPath(options.scenarioDirectory);
    }
    if (parser.isSet(scenario) && !parser.isSet(directory)) {
        options.scenarioDirectory = QFileInfo(options.scenario).absolutePath();
    }
    options.run = parser.isSet(run);
    options.live = parser.isSet(live);
    options.speed = parser.isSet(speed) ? parser.value(speed)
                                        : StudioSettings::speedKey(settings.replaySpeed());
    if (!goflow::app::SimulationRunner::parseSpeedFactor(options.speed)) {
        std::fprintf(stderr,
                     "goflow-studio: --speed must be a factor from 0.1 to 100 (such as 0.5 or "
                     "10), realtime or max, got \"%s\"\n",
                     qPrintable(options.speed));
        std::exit(2);
    }
    options.screenshot = parser.value(screenshot);
    if (parser.isSet(quitAfter)) {
        bool ok = false;
        options.quitAfterSeconds = parser.value(quitAfter).toDouble(&ok);
        if (!ok || options.quitAfterSeconds < 0) {
            std::fprintf(stderr,
                         "goflow-studio: --quit-after must be a non-negative number of "
                         "seconds, got \"%s\"\n",
                         qPrintable(parser.value(quitAfter)));
            std::exit(2);
        }
    }
    if (!options.screenshot.isEmpty() && options.quitAfterSeconds < 0) {
        std::fprintf(stderr, "goflow-studio: --screenshot needs --quit-after\n");
        std::exit(2);
    }
    return options;
}

void scheduleQuit(QQmlApplicationEngine& engine, const Options& options) {
    const auto ms = static_cast<int>(options.quitAfterSeconds * 1000);
    QTimer::singleShot(ms, &engine, [&engine, options] {
        auto* window = qobject_cast<QQuickWindow*>(engine.rootObjects().value(0));
        if (!options.screenshot.isEmpty() && window != nullptr) {
            const QImage image = window->grabWindow();
            if (image.isNull() || !image.save(options.screenshot)) {
                std::fprintf(stderr, "goflow-studio: cannot save screenshot to %s\n",
                             qPrintable(options.screenshot));
                QCoreApplication::exit(3);
                return;
            }
        }
        QCoreApplication::quit();
    });
}

// Returns true when the command line requests only the help or the version text.
bool asksOnlyForText(int argc, char* argv[]) {
    for (int i = 1; i < argc; ++i) {
        const QByteArray arg(argv[i]);
        if (arg == "-h" || arg == "--help" || arg == "--help-all" || arg == "-v" ||
            arg == "--version") {
            return true;
        }
    }
    return false;
}

}  // namespace

int main(int argc, char* argv[]) {
    // Printing the help or the version needs no window, so it must not fail for want of a
    // display: without one, Qt's default platform plugin aborts before the text is printed.
    if (asksOnlyForText(argc, argv) && qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM") &&
        qEnvironmentVariableIsEmpty("DISPLAY") && qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY")) {
        qputenv("QT_QPA_PLATFORM", "offscreen");
    }
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("goflow Studio"));
    QApplication::setOrganizationName(QStringLiteral("goflow"));
    QApplication::setApplicationVersion(QStringLiteral(GOFLOW_VERSION));
    if (qEnvironmentVariableIsEmpty("QT_QUICK_CONTROLS_STYLE")) {
        QQuickStyle::setStyle(QStringLiteral("Fusion"));
    }
    StudioSettings settings;
    QQmlEngine::setObjectOwnership(&settings, QQmlEngine::CppOwnership);
    const Options options = parseOptions(app, settings);

    QQmlApplicationEngine engine;
    engine.addImportPath(QStringLiteral("qrc:/qt/qml"));
    engine.setInitialProperties({
        {QStringLiteral("scenarioDirectory"), options.scenarioDirectory},
        {QStringLiteral("initialScenario"), options.scenario},
        {QStringLiteral("autoRun"), options.run},
        {QStringLiteral("liveMode"), options.live},
        {QStringLiteral("initialSpeed"), options.speed},
        {QStringLiteral("settings"), QVariant::fromValue(&settings)},
    });
    QObject::connect(
        &engine, &QQmlApplicationEngine::objectCreationFailed, &app,
        [] { QCoreApplication::exit(1); }, Qt::QueuedConnection);
    engine.load(QUrl(QStringLiteral("qrc:/qt/qml/Goflow/Studio/Main.qml")));
    if (engine.rootObjects().isEmpty()) {
        return 1;
    }
    settings.attachWindow(qobject_cast<QQuickWindow*>(engine.rootObjects().front()));
    if (options.quitAfterSeconds >= 0) {
        scheduleQuit(engine, options);
    }
    const int status = QApplication::exec();
    settings.sync();
    return status;
}
