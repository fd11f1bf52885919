// goflow-sim: runs, sweeps and validates scenarios without a display.
//
// Exit codes: 0 success; 1 the scenario is invalid or cannot be read; 2 bad command line;
// 3 an output file cannot be written.

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QTextStream>

#include <chrono>
#include <cmath>

#include "goflow/sim/live_runner.hpp"
#include "report.h"
#include "scenario_catalog.h"
#include "sweep.h"

namespace {

enum ExitCode { kOk = 0, kInvalidScenario = 1, kUsage = 2, kOutputFailed = 3 };

QTextStream& err() {
    static QTextStream stream(stderr);
    return stream;
}

QTextStream& out() {
    static QTextStream stream(stdout);
    return stream;
}

// Shows progress on stderr once a job has taken more than a second, so short runs print nothing.
class Progress {
  public:
    Progress() { m_timer.start(); }

    void report(double fraction, const QString& what) {
        if (m_timer.elapsed() < 1000) {
            return;
        }
        if (m_lastShown.isValid() && m_lastShown.elapsed() < 250) {
            return;
        }
        m_lastShown.start();
        err() << "\r" << what << ": " << QString::number(fraction * 100, 'f', 0) << " %"
              << Qt::flush;
        m_shown = true;
    }

    void finish() {
        if (m_shown) {
            err() << "\r" << QString(40, QLatin1Char(' ')) << "\r" << Qt::flush;
        }
    }

  private:
    QElapsedTimer m_timer;
    QElapsedTimer m_lastShown;
    bool m_shown = false;
};

int writeOutput(const QString& path, const QString& text) {
    const QString problem = goflow::app::writeTextFile(path, text);
    if (!problem.isEmpty()) {
        err() << "goflow-sim: " << problem << '\n';
        return kOutputFailed;
    }
    return kOk;
}

int writeRunOutputs(const goflow::sim::Scenario& scenario, const QCommandLineParser& parser,
                    const goflow::sim::SimulationResult& result) {
    if (parser.isSet(QStringLiteral("csv"))) {
        if (int code = writeOutput(
                parser.value(QStringLiteral("csv")),
                goflow::app::samplesToCsv(result.samples, scenario.writer.has_value()))) {
            return code;
        }
    }
    if (parser.isSet(QStringLiteral("json"))) {
        return writeOutput(parser.value(QStringLiteral("json")),
                           goflow::app::summaryToJson(result.summary));
    }
    return kOk;
}

int runLive(const goflow::sim::Scenario& scenario, const QCommandLineParser& parser) {
    double speed = 1;
    if (parser.isSet(QStringLiteral("speed"))) {
        bool ok = false;
        speed = parser.value(QStringLiteral("speed")).toDouble(&ok);
        if (!ok || !(speed > 0) || !std::isfinite(speed)) {
            err() << "goflow-sim: --speed must be a positive number, got \""
                  << parser.value(QStringLiteral("speed")) << "\"\n";
            return kUsage;
        }
    }
    goflow::sim::LiveRunner runner(scenario, {.speed = speed});
    Progress progress;
    runner.start();
    const double length = std::chrono::duration<double>(scenario.load_duration()).count();
    while (!runner.wait(std::chrono::milliseconds(200))) {
        const double reached = runner.clock().now().time_since_epoch().count() / 1e9;
        progress.report(std::min(1.0, reached / std::max(length, 1e-9)),
                        QStringLiteral("running live at %1x").arg(speed));
    }
    progress.finish();
    runner.stop();
    const goflow::sim::SimulationResult result{runner.samples(), runner.summary()};
    out() << "Live run at " << speed << "x speed\n"
          << goflow::app::formatSummary(scenario, result.summary) << Qt::flush;
    return writeRunOutputs(scenario, parser, result);
}

int runScenario(const goflow::sim::Scenario& scenario, const QCommandLineParser& parser) {
    if (parser.isSet(QStringLiteral("live"))) {
        return runLive(scenario, parser);
    }
    if (parser.isSet(QStringLiteral("speed"))) {
        err() << "goflow-sim: --speed applies to --live runs\n";
        return kUsage;
    }
    goflow::sim::Engine engine(scenario);
    Progress progress;
    const auto length = scenario.load_duration();
    const auto step = std::max(length / 100, goflow::Duration(std::chrono::milliseconds(1)));
    while (!engine.finished()) {
        engine.run_until(engine.now() + step);
        progress.report(std::min(1.0, static_cast<double>(engine.now().count()) /
                                          static_cast<double>(
                                              std::max<goflow::Duration::rep>(1, length.count()))),
                        QStringLiteral("simulating"));
    }
    progress.finish();
    const auto summary = engine.summary();
    out() << goflow::app::formatSummary(scenario, summary) << Qt::flush;
    if (parser.isSet(QStringLiteral("csv"))) {
        if (int code = writeOutput(
                parser.value(QStringLiteral("csv")),
                goflow::app::samplesToCsv(engine.samples(), scenario.writer.has_value()))) {
            return code;
        }
    }
    if (parser.isSet(QStringLiteral("json"))) {
        return writeOutput(parser.value(QStringLiteral("json")),
                           goflow::app::summaryToJson(summary));
    }
    return kOk;
}

int sweepScenario(const goflow::sim::Scenario& scenario, const QCommandLineParser& parser) {
    std::vector<goflow::app::SweepAxis> axes;
    for (const QString& spec : parser.values(QStringLiteral("set"))) {
        auto axis = goflow::app::parseSweepAxis(spec);
        if (!axis) {
            err() << "goflow-sim: " << QString::fromStdString(axis.error().message) << '\n';
            return kUsage;
        }
        axes.push_back(std::move(*axis));
    }
    if (axes.empty()) {
        err() << "goflow-sim: sweep needs at least one --set NAME=VALUES\n";
        return kUsage;
    }
    Progress progress;
    auto points =
        goflow::app::runSweep(scenario, axes, 0, [&](std::size_t done, std::size_t total) {
            progress.report(static_cast<double>(done) / static_cast<double>(total),
                            QStringLiteral("sweeping %1 runs").arg(total));
        });
    progress.finish();
    if (!points) {
        err() << "goflow-sim: " << QString::fromStdString(points.error().message) << '\n';
        return kUsage;
    }
    out() << goflow::app::formatSweep(axes, *points) << Qt::flush;
    return kOk;
}

}  // namespace

int main(int argc, char* argv[]) {
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("goflow-sim"));
    QCoreApplication::setApplicationVersion(QStringLiteral(GOFLOW_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Simulates goflow scenarios in virtual time.\n\n"
        "Commands:\n"
        "  run FILE       simulate FILE and print a summary (the default when only FILE is given)\n"
        "  sweep FILE     simulate FILE for every combination of --set values, in parallel\n"
        "  validate FILE  check FILE without running it\n\n"
        "Exit codes: 0 success, 1 invalid or unreadable scenario, 2 bad command line,\n"
        "3 an output file cannot be written."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(QStringLiteral("command"),
                                 QStringLiteral("run, sweep or validate"),
                                 QStringLiteral("[run|sweep|validate]"));
    parser.addPositionalArgument(QStringLiteral("file"), QStringLiteral("Scenario file (JSON)."));
    parser.addOptions({
        {QStringLiteral("csv"), QStringLiteral("run: write the time series as CSV to <file>."),
         QStringLiteral("file")},
        {QStringLiteral("json"), QStringLiteral("run: write the summary as JSON to <file>."),
         QStringLiteral("file")},
        {QStringLiteral("seed"), QStringLiteral("Override the scenario's random seed."),
         QStringLiteral("n")},
        {QStringLiteral("live"),
         QStringLiteral("run: drive the real primitives on real threads instead of simulating.")},
        {QStringLiteral("speed"),
         QStringLiteral("run --live: scenario seconds per wall-clock second (default 1)."),
         QStringLiteral("x")},
        {QStringLiteral("set"),
         QStringLiteral("sweep: a parameter and its values, as NAME=FROM..TO[:STEP] or "
                        "NAME=V1,V2,...; repeat for a grid. Example: pool.workers=2..16."),
         QStringLiteral("spec")},
    });
    parser.process(app);

    QStringList args = parser.positionalArguments();
    QString command = QStringLiteral("run");
    if (!args.isEmpty() &&
        (args.first() == QLatin1String("run") || args.first() == QLatin1String("sweep") ||
         args.first() == QLatin1String("validate"))) {
        command = args.takeFirst();
    }
    if (args.size() != 1) {
        err() << "goflow-sim: expected one command and one scenario file; see --help\n";
        return kUsage;
    }
    if (command != QLatin1String("sweep") && parser.isSet(QStringLiteral("set"))) {
        err() << "goflow-sim: --set belongs to the sweep command\n";
        return kUsage;
    }

    auto scenario = goflow::app::loadScenarioFile(args.first());
    if (!scenario) {
        err() << "goflow-sim: " << QString::fromStdString(scenario.error().describe()) << '\n';
        return kInvalidScenario;
    }
    if (parser.isSet(QStringLiteral("seed"))) {
        bool ok = false;
        const qulonglong seed = parser.value(QStringLiteral("seed")).toULongLong(&ok);
        if (!ok) {
            err() << "goflow-sim: --seed must be a non-negative integer, got \""
                  << parser.value(QStringLiteral("seed")) << "\"\n";
            return kUsage;
        }
        scenario->seed = seed;
    }
    if (command == QLatin1String("validate")) {
        out() << args.first() << ": valid scenario \"" << QString::fromStdString(scenario->name)
              << "\"\n";
        return kOk;
    }
    if (command == QLatin1String("sweep")) {
        return sweepScenario(*scenario, parser);
    }
    return runScenario(*scenario, parser);
}
