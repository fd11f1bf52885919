#!/usr/bin/env bash
# Installs what is missing, builds goflow, and opens goflow Studio on the default scenario.
# Without a display it prints goflow-sim's summary of the same scenario instead.
# Extra arguments go to goflow-studio, for example --speed 10x or --scenario FILE.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
cmake --preset release -DGOFLOW_BUILD_BENCHMARKS=OFF >/dev/null
cmake --build build/release --target goflow-studio goflow-sim

if [ -n "${DISPLAY:-}" ] || [ -n "${WAYLAND_DISPLAY:-}" ]; then
    exec build/release/app/studio/goflow-studio --run "$@"
fi
echo "No display found (DISPLAY and WAYLAND_DISPLAY are unset): printing the headless summary."
echo "Run under Xvfb to see the Studio: xvfb-run -a build/release/app/studio/goflow-studio --run"
echo
exec build/release/app/sim/goflow-sim run scenarios/api-burst.json
