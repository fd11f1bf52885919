// Writes the libgoflow C++ configuration of a scenario file, as the Studio's export does.
// Usage: goflow_snippet_generator SCENARIO.json OUTPUT.cpp
// The build compiles and runs the output for every shipped scenario (the snippet_* tests).

#include <cstdio>
#include <fstream>
#include <string>

#include "exporter.h"
#include "goflow/sim/scenario.hpp"

int main(int argc, char** argv) {
    if (argc != 3) {
        std::fprintf(stderr, "usage: %s SCENARIO.json OUTPUT.cpp\n", argv[0]);
        return 2;
    }
    auto scenario = goflow::sim::load_scenario_file(argv[1]);
    if (!scenario) {
        std::fprintf(stderr, "%s: invalid scenario: %s\n", argv[1],
                     scenario.error().describe().c_str());
        return 1;
    }
    std::ofstream out(argv[2], std::ios::binary | std::ios::trunc);
    out << goflow::app::libgoflowSnippet(*scenario);
    out.close();
    if (!out) {
        std::fprintf(
            stderr,
            "%s: failed to write the snippet: check that its folder exists and is writable\n",
            argv[2]);
        return 3;
    }
    return 0;
}
