// Text and CSV reports of a simulation run, shared by goflow-sim and the Studio's export.
#pragma once

#include <QString>

#include <vector>

#include "goflow/sim/engine.hpp"

namespace goflow::app {

// Formats the run's totals as an aligned, human-readable table.
QString formatSummary(const goflow::sim::Scenario& scenario, const goflow::sim::Summary& summary);

// Returns the time series as CSV with a header row; times in seconds, latencies in ms.
QString samplesToCsv(const std::vector<goflow::sim::Sample>& samples);

// Writes `text` to `path`. Returns an empty string on success, otherwise the reason.
QString writeTextFile(const QString& path, const QString& text);

}  // namespace goflow::app
