#!/usr/bin/env bash
# Installs the Debian 12 packages that goflow needs to build, test and run, skipping those that
# are already installed. Runs apt-get through sudo unless it already runs as root.
set -euo pipefail

packages=(
    # toolchain
    g++ clang cmake ninja-build pkg-config git
    # Qt 6.4 for goflow-studio and goflow-sim
    qt6-base-dev qt6-declarative-dev qt6-charts-dev libgl-dev
    qml6-module-qtquick qml6-module-qtquick-controls qml6-module-qtquick-layouts
    qml6-module-qtquick-templates qml6-module-qtquick-window qml6-module-qtqml-workerscript
    qml6-module-qtcharts qml6-module-qtquick-dialogs
    qml6-module-qt-labs-folderlistmodel fonts-dejavu-core
    # the QtTest QML module that the Qt Quick Tests (tst_qml_components) import
    qml6-module-qttest
    # optional time-zone support for cron schedules, and the tz database
    libhowardhinnant-date-dev tzdata
    # benchmarks and their baselines
    libbenchmark-dev libboost-dev libtbb-dev libconcurrentqueue-dev
    # running the Studio without a display, and the OpenGL variant of its smoke test (Mesa's
    # software OpenGL under Xvfb)
    xvfb xauth libgl1-mesa-dri
    # the HTTP rate limit example (examples/http_rate_limit)
    libcpp-httplib-dev
    # packaging: Debian packages (dpkg-shlibdeps), the API reference, desktop file validators
    dpkg-dev file doxygen appstream desktop-file-utils
)

missing=()
for package in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$package")
    fi
done

if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
    sudo="sudo"
fi
echo "Installing: ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
