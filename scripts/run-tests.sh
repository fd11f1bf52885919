#!/usr/bin/env bash
# Installs what is missing, builds goflow in the CI preset (debug, warnings are errors) and runs
# every test: library, simulator, Qt library and the Studio offscreen.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
cmake --preset ci
cmake --build build/ci
ctest --preset ci
