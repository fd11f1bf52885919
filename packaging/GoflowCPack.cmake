# CPack configuration: Debian packages and a tarball.
#
#   cmake --preset package && cmake --build build/package && (cd build/package && cpack)
#
# gives, for the shared-library build that the package preset makes:
#   goflow_<version>_<arch>.deb            goflow-studio, goflow-sim, scenarios, desktop files
#   libgoflow<soversion>_<version>_<arch>.deb   libgoflow.so.<soversion>, libgoflow_sim.so.<soversion>
#   libgoflow-dev_<version>_<arch>.deb     headers, static libraries, CMake and pkg-config files
#   goflow-<version>-Linux.tar.gz          the files of all three packages in one tree
# Library dependencies (Qt, libstdc++) come from dpkg-shlibdeps; the QML modules that the Studio
# imports at run time are declared below because no linker sees them.

set(CPACK_PACKAGE_NAME goflow)
set(CPACK_PACKAGE_VENDOR "goflow developers")
set(CPACK_PACKAGE_CONTACT "goflow developers <maintainers@goflow.invalid>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGE_HOMEPAGE_URL "${PROJECT_HOMEPAGE_URL}")
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_INSTALL_DIRECTORY goflow)
set(CPACK_STRIP_FILES ON)
set(CPACK_GENERATOR DEB TGZ)
set(CPACK_SOURCE_GENERATOR TGZ)
set(CPACK_SOURCE_IGNORE_FILES "/\\\\.git" "/build/" "/out/")

get_target_property(goflow_library_type goflow_core TYPE)
set(CPACK_COMPONENTS_ALL dev)
if(goflow_library_type STREQUAL "SHARED_LIBRARY")
    list(PREPEND CPACK_COMPONENTS_ALL runtime)
endif()
if(GOFLOW_BUILD_STUDIO)
    list(APPEND CPACK_COMPONENTS_ALL studio)
endif()

set(goflow_runtime_package "libgoflow${GOFLOW_SOVERSION}")
set(goflow_exact_version "(= ${PROJECT_VERSION})")

# Debian: one package per component.
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# dpkg-shlibdeps finds the goflow libraries that the executables need in the build tree; it has
# no Debian dependency information for them, so the studio package names its runtime package
# itself.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS_PRIVATE_DIRS
    ${PROJECT_BINARY_DIR}/core ${PROJECT_BINARY_DIR}/core/sim)

set(CPACK_DEBIAN_RUNTIME_PACKAGE_NAME ${goflow_runtime_package})
set(CPACK_DEBIAN_RUNTIME_PACKAGE_SECTION libs)
set(CPACK_COMPONENT_RUNTIME_DESCRIPTION
    "goflow concurrency primitives for C++20 (shared libraries)
 libgoflow provides rate limiters, worker pools, schedulers, pipelines, streams,
 channels and an async writer with injected clocks and cancellation contexts.
 libgoflow_sim simulates load scenarios over them in virtual time.")

set(CPACK_DEBIAN_DEV_PACKAGE_NAME libgoflow-dev)
set(CPACK_DEBIAN_DEV_PACKAGE_SECTION libdevel)
set(CPACK_DEBIAN_DEV_PACKAGE_DEPENDS "libstdc++-12-dev | libstdc++-dev")
if(goflow_library_type STREQUAL "SHARED_LIBRARY")
    string(PREPEND CPACK_DEBIAN_DEV_PACKAGE_DEPENDS "${goflow_runtime_package} ${goflow_exact_version}, ")
endif()
set(CPACK_COMPONENT_DEV_DESCRIPTION
    "goflow concurrency primitives for C++20 (development files)
 Headers, static libraries, the CMake package (find_package(goflow), targets
 goflow::core and goflow::sim) and pkg-config files (goflow, goflow-sim).")

set(CPACK_DEBIAN_STUDIO_PACKAGE_NAME goflow)
set(CPACK_DEBIAN_STUDIO_PACKAGE_SECTION science)
set(CPACK_DEBIAN_STUDIO_PACKAGE_DEPENDS
    "qml6-module-qtquick, qml6-module-qtquick-controls, qml6-module-qtquick-layouts, qml6-module-qtquick-templates, qml6-module-qtquick-window, qml6-module-qtqml-workerscript, qml6-module-qtcharts, qml6-module-qtquick-dialogs, qml6-module-qt-labs-folderlistmodel")
if(goflow_library_type STREQUAL "SHARED_LIBRARY")
    string(PREPEND CPACK_DEBIAN_STUDIO_PACKAGE_DEPENDS "${goflow_runtime_package} ${goflow_exact_version}, ")
endif()
set(CPACK_COMPONENT_STUDIO_DESCRIPTION
    "simulate rate limiters and worker pools under load
 goflow Studio runs load scenarios through the goflow concurrency primitives in a
 discrete-event simulator and charts token levels, queue depth, admitted and
 rejected requests and latency percentiles. goflow-sim is its command-line twin.")

include(CPack)

cpack_add_component(runtime DISPLAY_NAME "Shared libraries")
cpack_add_component(dev DISPLAY_NAME "Development files")
cpack_add_component(studio DISPLAY_NAME "goflow Studio and goflow-sim")
