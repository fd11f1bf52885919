// Parameter sweeps: run a scenario over a grid of parameter values, in parallel.
#pragma once

#include <QList>
#include <QString>
#include <QStringList>

#include <functional>
#include <stop_token>
#include <vector>

#include "goflow/result.hpp"
#include "goflow/sim/engine.hpp"

namespace goflow::app {

// One swept parameter and its values, parsed from "name=2..16", "name=1..2:0.25" or
// "name=50,100,200".
struct SweepAxis {
    QString parameter;
    std::vector<double> values;
};

// Parses one --set argument. The range form includes both ends; at most 10,000 values.
goflow::Result<SweepAxis> parseSweepAxis(const QString& spec);

struct SweepPoint {
    std::vector<double> values;  // one per axis, in axis order
    goflow::sim::Summary summary;
};

// Runs `scenario` once for every combination of the axes' values, on up to `threads` threads
// (0 means one per core), and returns the points in grid order: the last axis varies fastest.
// `progress` is called from the calling thread with (done, total) as runs finish. Fails before
// running anything when a value is out of range for its parameter, naming both; at most
// 100,000 combinations. A stop request on `stop` ends every run within about one simulated
// second of its work and makes the sweep fail with errc::operation_canceled.
goflow::Result<std::vector<SweepPoint>> runSweep(
    const goflow::sim::Scenario& scenario, const std::vector<SweepAxis>& axes, unsigned threads,
    const std::function<void(std::size_t, std::size_t)>& progress = {}, std::stop_token stop = {});

// Formats the points as an aligned table: the axes, then offered, completed %, rejected %,
// p50 and p99 latency and the pool's maximum queue depth.
QString formatSweep(const std::vector<SweepAxis>& axes, const std::vector<SweepPoint>& points);

// Returns the summary as a JSON object (counts, latencies, stations, classes).
QString summaryToJson(const goflow::sim::Summary& summary);

}  // namespace goflow::app
