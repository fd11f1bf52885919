#!/usr/bin/env bash
# Checks that goflow installs and packages the way its users need. CI runs both parts.
#
#   scripts/check-packaging.sh library   install libgoflow alone (no Qt) into a temporary prefix,
#                                         then build and run examples/consumer against it through
#                                         find_package (shared and static), pkg-config (shared
#                                         and static), add_subdirectory and FetchContent; build
#                                         the API reference with Doxygen warnings as errors
#   scripts/check-packaging.sh packages  build the .deb files and the tarball with CPack, unpack
#                                         the .debs into a throwaway root (dpkg -x) and check
#                                         their dependencies, ldd and --version there
#
# Needs the packages from scripts/install-deps.sh. Exits non-zero on the first failed check.
set -euo pipefail
cd "$(dirname "$0")/.."
source_dir=$PWD

fail() {
    echo "check-packaging: FAILED: $*" >&2
    exit 1
}

project_version=$(sed -n '/^project(goflow/,/)/s/^ *VERSION \([0-9.]*\)$/\1/p' CMakeLists.txt)
[ -n "$project_version" ] || fail "cannot read the version from project() in CMakeLists.txt"

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT

check_library() {
    local prefix="$stage/prefix"
    echo "== library: configure without Qt, build shared and static, install into $prefix"
    cmake -S . -B "$stage/lib" -G Ninja -DCMAKE_BUILD_TYPE=Release -DBUILD_SHARED_LIBS=ON \
        -DGOFLOW_BUILD_STUDIO=OFF -DGOFLOW_BUILD_TESTS=OFF -DGOFLOW_BUILD_EXAMPLES=OFF \
        -DGOFLOW_DOCS_WARNINGS_AS_ERRORS=ON -DCMAKE_INSTALL_PREFIX="$prefix" >/dev/null
    if grep -q '^Qt6_DIR' "$stage/lib/CMakeCache.txt"; then
        fail "the library-only configure looked for Qt"
    fi
    cmake --build "$stage/lib"
    cmake --install "$stage/lib" >/dev/null
    local libdir
    libdir=$(dirname "$(find "$prefix" -name 'libgoflow.so' -print -quit)")
    [ -f "$libdir/libgoflow.a" ] || fail "libgoflow.a is not installed next to libgoflow.so"
    local soname
    soname=$(readelf -d "$libdir/libgoflow.so" | sed -n 's/.*Library soname: \[\(.*\)\]/\1/p')
    [ "$soname" = "libgoflow.so.${project_version%.*}" ] || fail "unexpected SONAME '$soname'"
    if grep -rq 'Qt6' "$libdir/cmake/goflow"; then
        fail "the installed CMake package refers to Qt"
    fi

    echo "== library: examples/consumer through find_package"
    for shared in ON OFF; do
        local build="$stage/consumer-find-$shared"
        cmake -S examples/consumer -B "$build" -G Ninja -DCMAKE_PREFIX_PATH="$prefix" \
            -DGOFLOW_SHARED_LIBS=$shared >/dev/null
        cmake --build "$build" >/dev/null
        "$build/goflow-consumer" >/dev/null || fail "goflow-consumer (find_package, shared=$shared)"
        if [ $shared = ON ]; then
            ldd "$build/goflow-consumer" | grep -q "$soname" || fail "the shared consumer does not load $soname"
        else
            ! ldd "$build/goflow-consumer" | grep -q libgoflow || fail "the static consumer loads libgoflow"
        fi
    done

    echo "== library: examples/consumer through pkg-config"
    export PKG_CONFIG_PATH="$libdir/pkgconfig"
    [ "$(pkg-config --modversion goflow)" = "$project_version" ] || fail "goflow.pc has the wrong version"
    # shellcheck disable=SC2046 # pkg-config prints several words on purpose
    c++ -std=c++20 examples/consumer/main.cpp $(pkg-config --cflags --libs goflow-sim) \
        -o "$stage/consumer-pc-shared"
    LD_LIBRARY_PATH="$libdir" "$stage/consumer-pc-shared" >/dev/null || fail "goflow-consumer (pkg-config, shared)"
    # shellcheck disable=SC2046
    c++ -std=c++20 examples/consumer/main.cpp $(pkg-config --cflags goflow-sim) \
        -Wl,-Bstatic $(pkg-config --libs-only-l goflow-sim) -Wl,-Bdynamic \
        $(pkg-config --libs-only-L goflow-sim) $(pkg-config --static --libs-only-other goflow-sim) \
        -o "$stage/consumer-pc-static"
    "$stage/consumer-pc-static" >/dev/null || fail "goflow-consumer (pkg-config, static)"
    unset PKG_CONFIG_PATH

    echo "== library: examples/consumer through add_subdirectory and FetchContent"
    for route in add_subdirectory FetchContent; do
        local build="$stage/consumer-$route"
        cmake -S examples/consumer -B "$build" -G Ninja -DGOFLOW_CONSUMER_ROUTE=$route \
            -DGOFLOW_SOURCE_DIR="$source_dir" >/dev/null
        if grep -q '^Qt6_DIR' "$build/CMakeCache.txt"; then
            fail "the $route route looked for Qt"
        fi
        cmake --build "$build" >/dev/null
        "$build/goflow-consumer" >/dev/null || fail "goflow-consumer ($route)"
    done

    if command -v doxygen >/dev/null; then
        echo "== library: API reference (Doxygen warnings are errors)"
        cmake --build "$stage/lib" --target goflow_docs
    else
        fail "doxygen is not installed (scripts/install-deps.sh installs it)"
    fi
}

check_packages() {
    echo "== packages: build the package preset and run cpack"
    cmake --preset package >/dev/null
    cmake --build build/package
    rm -f build/package/*.deb build/package/*.tar.gz
    (cd build/package && cpack >/dev/null)

    local root="$stage/root"
    mkdir -p "$root"
    local deb
    for deb in build/package/*.deb; do
        echo "$(basename "$deb"): $(dpkg-deb -f "$deb" Depends)"
        dpkg-deb --info "$deb" >/dev/null
        dpkg -x "$deb" "$root"
    done
    [ -f "build/package/goflow-$project_version-Linux.tar.gz" ] || fail "the tarball is missing"
    dpkg-deb -f "build/package/goflow_${project_version}_$(dpkg --print-architecture).deb" Depends \
        | grep -q 'libqt6quick6' || fail "the goflow package does not depend on the Qt runtime"

    # apt resolves every dependency the packages declare against this Debian system, without
    # installing anything; an unknown or uninstallable package fails here.
    local debs=()
    for deb in build/package/*.deb; do
        debs+=("./$deb")
    done
    apt-get install --simulate "${debs[@]}" >"$stage/apt-simulate.log" 2>&1 \
        || { cat "$stage/apt-simulate.log"; fail "the packages' dependencies cannot be met"; }

    local libdir
    libdir=$(dirname "$(find "$root" -name 'libgoflow.so.*' -print -quit)")
    local program
    for program in goflow-studio goflow-sim; do
        if LD_LIBRARY_PATH="$libdir" ldd "$root/usr/bin/$program" | grep 'not found'; then
            fail "$program has unresolved libraries"
        fi
        if readelf -d "$root/usr/bin/$program" | grep -q RUNPATH; then
            fail "$program in /usr/bin has a RUNPATH"
        fi
    done
    local version
    version=$(LD_LIBRARY_PATH="$libdir" QT_QPA_PLATFORM=offscreen "$root/usr/bin/goflow-studio" --version 2>/dev/null)
    [ "$version" = "goflow Studio $project_version" ] || fail "goflow-studio --version printed '$version'"
    version=$(LD_LIBRARY_PATH="$libdir" "$root/usr/bin/goflow-sim" --version)
    [ "$version" = "goflow-sim $project_version" ] || fail "goflow-sim --version printed '$version'"
    LD_LIBRARY_PATH="$libdir" "$root/usr/bin/goflow-sim" run "$root/usr/share/goflow/scenarios/api-burst.json" \
        >/dev/null || fail "the packaged goflow-sim cannot run the packaged api-burst scenario"
    # The packaged Studio must load its QML and render a run of a packaged scenario.
    LD_LIBRARY_PATH="$libdir" QT_QPA_PLATFORM=offscreen timeout 120 "$root/usr/bin/goflow-studio" \
        --scenario-dir "$root/usr/share/goflow/scenarios" --run --speed max \
        --screenshot "$stage/studio.png" --quit-after 2 2>/dev/null \
        || fail "the packaged goflow-studio did not run a scenario"
    [ -s "$stage/studio.png" ] || fail "the packaged goflow-studio saved no screenshot"
    echo "goflow-studio and goflow-sim report $project_version and run from the unpacked packages"

    appstreamcli validate --no-net "$root"/usr/share/metainfo/*.metainfo.xml
    desktop-file-validate "$root"/usr/share/applications/*.desktop
}

case "${1:-}" in
    library) check_library ;;
    packages) check_packages ;;
    *) echo "usage: $0 library|packages" >&2; exit 2 ;;
esac
echo "check-packaging: $1 checks passed"
