// Finding and reading scenario files for the Studio and the CLI.
#pragma once

#include <QList>
#include <QString>

#include "goflow/result.hpp"
#include "goflow/sim/scenario.hpp"

namespace goflow::app {

struct ScenarioEntry {
    QString path;
    QString fileName;
    QString name;         // from the file; the file name when the file does not load
    QString description;  // from the file
    QString error;        // why the file does not load; empty when it does
};

// Lists the scenario files (*.json, except *.schema.json) in `directory`, sorted by file name.
// Files that fail to load are listed with their error, so the user can see and fix them.
QList<ScenarioEntry> listScenarios(const QString& directory);

// Returns the directory of shipped scenarios: $GOFLOW_SCENARIO_DIR when set, else the installed
// data directory when it exists, else the source tree's scenarios/.
QString defaultScenarioDirectory();

// Returns the default scenario (api-burst.json) inside `directory`.
QString defaultScenarioPath(const QString& directory);

// Loads a scenario file; the error message names the file.
goflow::Result<goflow::sim::Scenario> loadScenarioFile(const QString& path);

}  // namespace goflow::app
