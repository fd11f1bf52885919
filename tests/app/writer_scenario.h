// A scenario shared by the report and sweep tests.
#pragma once

#include <QtGlobal>

#include "goflow/sim/scenario.hpp"

// Returns a fail-policy writer too slow for its load: of 20 records, 3 are dropped and 6 flushes
// write the rest (tests/sim/tst_sim_writer.cpp works out the timeline).
inline goflow::sim::Scenario writerScenario() {
    auto s = goflow::sim::load_scenario(R"({
        "version": 1, "name": "writer test",
        "load": {"arrivals": "even", "phases": [{"rate": 100, "duration_s": 0.2}]},
        "pool": {"workers": 1000, "service_time": {"distribution": "constant", "mean_ms": 1}},
        "writer": {"name": "log", "buffer_bytes": 300, "record_bytes": 100,
                   "flush_interval_ms": 1000, "full_policy": "fail",
                   "write_time": {"distribution": "constant", "mean_ms": 37.3}}})");
    if (!s) {
        qFatal("%s", s.error().message.c_str());
    }
    return *s;
}
