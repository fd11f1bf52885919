// goflow-sim: runs a scenario headless and prints its summary.
//
// Exit codes: 0 success, 1 the scenario is invalid or cannot be read, 2 bad command line,
// 3 an output file cannot be written.

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QTextStream>

#include <cstdio>

#include "report.h"
#include "scenario_catalog.h"

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

}  // namespace

int main(int argc, char* argv[]) {
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("goflow-sim"));
    QCoreApplication::setApplicationVersion(QStringLiteral(GOFLOW_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Simulates a goflow scenario in virtual time and prints a summary.\n\n"
        "Commands:\n  run FILE       simulate FILE (the default when only FILE is given)\n"
        "  validate FILE  check FILE without running it"));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(QStringLiteral("command"), QStringLiteral("run or validate"),
                                 QStringLiteral("[run|validate]"));
    parser.addPositionalArgument(QStringLiteral("file"), QStringLiteral("Scenario file (JSON)."));
    const QCommandLineOption csvOption(QStringLiteral("csv"),
                                       QStringLiteral("Write the time series as CSV to <file>."),
                                       QStringLiteral("file"));
    const QCommandLineOption seedOption(QStringLiteral("seed"),
                                        QStringLiteral("Override the scenario's random seed."),
                                        QStringLiteral("n"));
    parser.addOption(csvOption);
    parser.addOption(seedOption);
    parser.process(app);

    QStringList args = parser.positionalArguments();
    QString command = QStringLiteral("run");
    if (!args.isEmpty() &&
        (args.first() == QLatin1String("run") || args.first() == QLatin1String("validate"))) {
        command = args.takeFirst();
    }
    if (args.size() != 1) {
        err() << "goflow-sim: expected exactly one scenario file; see --help\n";
        return kUsage;
    }

    auto scenario = goflow::app::loadScenarioFile(args.first());
    if (!scenario) {
        err() << "goflow-sim: " << QString::fromStdString(scenario.error().describe()) << '\n';
        return kInvalidScenario;
    }
    if (parser.isSet(seedOption)) {
        bool ok = false;
        const qulonglong seed = parser.value(seedOption).toULongLong(&ok);
        if (!ok) {
            err() << "goflow-sim: --seed must be a non-negative integer, got \""
                  << parser.value(seedOption) << "\"\n";
            return kUsage;
        }
        scenario->seed = seed;
    }
    if (command == QLatin1String("validate")) {
        out() << args.first() << ": valid scenario \"" << QString::fromStdString(scenario->name)
              << "\"\n";
        return kOk;
    }

    const auto result = goflow::sim::simulate(*scenario);
    out() << goflow::app::formatSummary(*scenario, result.summary);
    out().flush();

    if (parser.isSet(csvOption)) {
        const QString problem = goflow::app::writeTextFile(
            parser.value(csvOption), goflow::app::samplesToCsv(result.samples));
        if (!problem.isEmpty()) {
            err() << "goflow-sim: " << problem << '\n';
            return kOutputFailed;
        }
    }
    return kOk;
}
