#include "scenario_catalog.h"

#include <QDir>
#include <QFileInfo>

namespace goflow::app {

QList<ScenarioEntry> listScenarios(const QString& directory) {
    QList<ScenarioEntry> entries;
    const QDir dir(directory);
    const QStringList files =
        dir.entryList({QStringLiteral("*.json")}, QDir::Files | QDir::Readable, QDir::Name);
    for (const QString& file : files) {
        if (file.endsWith(QLatin1String(".schema.json"))) {
            continue;
        }
        ScenarioEntry entry;
        entry.path = dir.absoluteFilePath(file);
        entry.fileName = file;
        const auto scenario = loadScenarioFile(entry.path);
        if (scenario) {
            entry.name = QString::fromStdString(scenario->name);
            entry.description = QString::fromStdString(scenario->description);
        } else {
            entry.error = QString::fromStdString(scenario.error().message);
        }
        if (entry.name.isEmpty()) {
            entry.name = QFileInfo(file).completeBaseName();
        }
        entries.push_back(entry);
    }
    return entries;
}

QString defaultScenarioDirectory() {
    const QString fromEnvironment = qEnvironmentVariable("GOFLOW_SCENARIO_DIR");
    if (!fromEnvironment.isEmpty()) {
        return fromEnvironment;
    }
    const QString installed = QStringLiteral(GOFLOW_INSTALLED_SCENARIO_DIR);
    if (QFileInfo(installed).isDir()) {
        return installed;
    }
    return QStringLiteral(GOFLOW_SOURCE_SCENARIO_DIR);
}

QString defaultScenarioPath(const QString& directory) {
    return QDir(directory).absoluteFilePath(QStringLiteral("api-burst.json"));
}

goflow::Result<goflow::sim::Scenario> loadScenarioFile(const QString& path) {
    auto scenario = goflow::sim::load_scenario_file(path.toStdString());
    if (!scenario) {
        goflow::Error error = scenario.error();
        if (error.code != goflow::errc::io_error) {
            error.message = path.toStdString() + ": " + error.message;
        }
        return error;
    }
    return scenario;
}

}  // namespace goflow::app
