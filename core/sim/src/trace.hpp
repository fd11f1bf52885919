// Reading request timestamps for trace replay. Private to goflow::sim.
#pragma once

#include <string>
#include <vector>

#include "goflow/clock.hpp"
#include "goflow/result.hpp"

namespace goflow::sim {

// Reads request times from `path` and returns them relative to the earliest, sorted.
// Formats: "csv", one time in seconds per line (the first column when there are several; a
// header line that is not a number is skipped), and "access_log", the Common Log Format's
// "[10/Oct/2000:13:55:36 -0700]" field. At most 10 million requests.
[[nodiscard]] Result<std::vector<Duration>> read_trace_file(const std::string& path,
                                                            const std::string& format);

}  // namespace goflow::sim
