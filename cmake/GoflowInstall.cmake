# Install rules for libgoflow: headers, libraries, the CMake package (goflowConfig.cmake with the
# exported targets goflow::core and goflow::sim) and goflow.pc for pkg-config.
#
# Install components, which the Debian packages follow:
#   runtime  the shared libraries with their SONAME links (package libgoflow<soversion>)
#   dev      headers, static libraries, the .so links, CMake and pkg-config files (libgoflow-dev)
#   studio   goflow-studio, goflow-sim, scenarios, desktop entry, metainfo, icons (goflow)
#
# The libraries are built as the one kind that BUILD_SHARED_LIBS selects. A shared build also
# archives the same PIC object files into libgoflow.a and libgoflow_sim.a, so one install holds
# both kinds. Each kind has its own export file. goflowConfig.cmake loads one of them, so a
# consumer always links goflow::core and goflow::sim whichever kind it picked.

include(CMakePackageConfigHelpers)
# The static copies link Threads::Threads too; the core directory imported it only for itself.
find_package(Threads REQUIRED)

set(GOFLOW_CMAKE_INSTALL_DIR "${CMAKE_INSTALL_LIBDIR}/cmake/goflow")

# Replaces goflow's shared targets in a link interface with their static copies.
function(goflow_map_to_static out_var)
    set(mapped "")
    foreach(item IN LISTS ARGN)
        if(item STREQUAL "goflow::core" OR item STREQUAL "goflow_core")
            list(APPEND mapped goflow_core_static)
        elseif(item STREQUAL "goflow::sim" OR item STREQUAL "goflow_sim")
            list(APPEND mapped goflow_sim_static)
        else()
            list(APPEND mapped "${item}")
        endif()
    endforeach()
    set(${out_var} "${mapped}" PARENT_SCOPE)
endfunction()

# Creates <target>_static, an archive of <target>'s object files with the same usage
# requirements. The objects are compiled once, as position-independent code.
function(goflow_add_static_copy target)
    get_target_property(pic ${target} POSITION_INDEPENDENT_CODE)
    if(NOT pic)
        message(FATAL_ERROR "${target} must set POSITION_INDEPENDENT_CODE to get a static copy")
    endif()
    set(copy ${target}_static)
    add_library(${copy} STATIC $<TARGET_OBJECTS:${target}>)
    foreach(property IN ITEMS INTERFACE_INCLUDE_DIRECTORIES INTERFACE_COMPILE_DEFINITIONS
                              INTERFACE_COMPILE_FEATURES INTERFACE_COMPILE_OPTIONS)
        get_target_property(value ${target} ${property})
        if(value)
            set_property(TARGET ${copy} PROPERTY ${property} "${value}")
        endif()
    endforeach()

    # A shared library's private dependencies become link-only dependencies of the archive.
    get_target_property(public_libs ${target} INTERFACE_LINK_LIBRARIES)
    get_target_property(all_libs ${target} LINK_LIBRARIES)
    if(NOT public_libs)
        set(public_libs "")
    endif()
    if(NOT all_libs)
        set(all_libs "")
    endif()
    set(private_libs ${all_libs})
    if(public_libs)
        list(REMOVE_ITEM private_libs ${public_libs})
    endif()
    goflow_map_to_static(public_libs ${public_libs})
    goflow_map_to_static(private_libs ${private_libs})
    target_link_libraries(${copy} PUBLIC ${public_libs} PRIVATE ${private_libs})

    get_target_property(output_name ${target} OUTPUT_NAME)
    get_target_property(export_name ${target} EXPORT_NAME)
    set_target_properties(${copy} PROPERTIES OUTPUT_NAME ${output_name} EXPORT_NAME ${export_name})
endfunction()

get_target_property(goflow_library_type goflow_core TYPE)
if(goflow_library_type STREQUAL "SHARED_LIBRARY")
    goflow_add_static_copy(goflow_core)
    goflow_add_static_copy(goflow_sim)
    set(goflow_shared_targets goflow_core goflow_sim)
    set(goflow_static_targets goflow_core_static goflow_sim_static)
else()
    set(goflow_shared_targets "")
    set(goflow_static_targets goflow_core goflow_sim)
endif()

if(goflow_shared_targets)
    install(TARGETS ${goflow_shared_targets}
        EXPORT goflowSharedTargets
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
            COMPONENT runtime
            NAMELINK_COMPONENT dev
        RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT runtime)
    install(EXPORT goflowSharedTargets
        NAMESPACE goflow::
        FILE goflow-shared-targets.cmake
        DESTINATION ${GOFLOW_CMAKE_INSTALL_DIR}
        COMPONENT dev)
endif()
install(TARGETS ${goflow_static_targets}
    EXPORT goflowStaticTargets
    ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT dev)
install(EXPORT goflowStaticTargets
    NAMESPACE goflow::
    FILE goflow-static-targets.cmake
    DESTINATION ${GOFLOW_CMAKE_INSTALL_DIR}
    COMPONENT dev)

install(DIRECTORY ${PROJECT_SOURCE_DIR}/core/include/goflow ${PROJECT_SOURCE_DIR}/core/sim/include/goflow
    DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
    COMPONENT dev
    FILES_MATCHING PATTERN "*.hpp")

configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/goflowConfig.cmake.in
    ${PROJECT_BINARY_DIR}/goflowConfig.cmake
    INSTALL_DESTINATION ${GOFLOW_CMAKE_INSTALL_DIR})
# Before 1.0 a minor release may break the API, so only the same major.minor is compatible.
if(PROJECT_VERSION_MAJOR EQUAL 0)
    set(goflow_compatibility SameMinorVersion)
else()
    set(goflow_compatibility SameMajorVersion)
endif()
write_basic_package_version_file(${PROJECT_BINARY_DIR}/goflowConfigVersion.cmake
    COMPATIBILITY ${goflow_compatibility})
install(FILES ${PROJECT_BINARY_DIR}/goflowConfig.cmake ${PROJECT_BINARY_DIR}/goflowConfigVersion.cmake
    DESTINATION ${GOFLOW_CMAKE_INSTALL_DIR}
    COMPONENT dev)

# pkg-config wants paths relative to ${prefix} so that a relocated tree keeps working; an
# absolute CMAKE_INSTALL_LIBDIR (allowed by GNUInstallDirs) is written as it is.
foreach(dir IN ITEMS LIBDIR INCLUDEDIR)
    if(IS_ABSOLUTE "${CMAKE_INSTALL_${dir}}")
        set(GOFLOW_PC_${dir} "${CMAKE_INSTALL_${dir}}")
    else()
        set(GOFLOW_PC_${dir} "\${prefix}/${CMAKE_INSTALL_${dir}}")
    endif()
endforeach()
# A static libgoflow built with date/tz needs libdate-tz at link time.
set(GOFLOW_PC_DATE_TZ "")
if(GOFLOW_USES_DATE_TZ)
    set(GOFLOW_PC_DATE_TZ "-ldate-tz")
endif()
foreach(pc IN ITEMS goflow goflow-sim)
    configure_file(${PROJECT_SOURCE_DIR}/cmake/${pc}.pc.in ${PROJECT_BINARY_DIR}/${pc}.pc @ONLY)
    install(FILES ${PROJECT_BINARY_DIR}/${pc}.pc
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig
        COMPONENT dev)
endforeach()

if(GOFLOW_BUILD_STUDIO)
    install(TARGETS goflow-studio goflow-sim RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT studio)
    install(DIRECTORY ${PROJECT_SOURCE_DIR}/scenarios/
        DESTINATION ${CMAKE_INSTALL_DATADIR}/goflow/scenarios
        COMPONENT studio
        FILES_MATCHING PATTERN "*.json")
endif()

# A shared libgoflow installed outside the system library directories (for example under /opt
# or a home directory) is found through relative RUNPATHs: libgoflow_sim looks next to itself
# for libgoflow, and the executables look in the library directory, as qt_standard_project_setup
# arranges for them. A system install (/usr) gets no RUNPATH, as Debian policy asks.
if("${CMAKE_INSTALL_FULL_LIBDIR}" IN_LIST CMAKE_CXX_IMPLICIT_LINK_DIRECTORIES)
    if(GOFLOW_BUILD_STUDIO)
        set_target_properties(goflow-studio goflow-sim PROPERTIES INSTALL_RPATH "")
    endif()
elseif(goflow_shared_targets)
    set_target_properties(goflow_sim PROPERTIES INSTALL_RPATH "$ORIGIN")
endif()
