// libFuzzer target for the scenario loader: any input must produce a scenario or an error
// message, never a crash, a hang or unbounded memory. A scenario that loads must also survive
// a round trip through to_json().

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "goflow/sim/scenario.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    // Trace files are read relative to this directory; one that does not exist is an error.
    auto scenario = goflow::sim::load_scenario(text, "/nonexistent");
    if (!scenario) {
        if (scenario.error().message.empty()) {
            __builtin_trap();
        }
        return 0;
    }
    const auto again = goflow::sim::load_scenario(goflow::sim::to_json(*scenario), "/nonexistent");
    if (!again && scenario->classes.front().load.trace.empty()) {
        __builtin_trap();
    }
    return 0;
}
