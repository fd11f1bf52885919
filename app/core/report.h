// Text and CSV reports of a simulation run, shared by goflow-sim and the Studio's export.
#pragma once

#include <QString>

#include <vector>

#include "goflow/sim/engine.hpp"

namespace goflow::app {

// Formats the run's totals as an aligned, human-readable table.
QString formatSummary(const goflow::sim::Scenario& scenario, const goflow::sim::Summary& summary);

// Returns the time series as CSV with a header row; times in seconds, latencies in ms. With
// `writerColumns`, each row ends with the writer's buffered bytes, flushes and dropped records.
QString samplesToCsv(const std::vector<goflow::sim::Sample>& samples, bool writerColumns = false);

// Writes `text` to `path`. Returns an empty string on success, otherwise the reason.
QString writeTextFile(const QString& path, const QString& text);

}  // namespace goflow::app
