# Warning flags for goflow's own code. Call goflow_set_warnings(<target>) on each goflow target;
# third-party code and sources that Qt generates keep their defaults.
set(GOFLOW_WARNING_FLAGS
    -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast -Woverloaded-virtual
    # Options structs are filled with designated initializers that leave fields at their
    # defaults on purpose.
    -Wno-missing-field-initializers)
if(GOFLOW_WARNINGS_AS_ERRORS)
    list(APPEND GOFLOW_WARNING_FLAGS -Werror)
endif()

function(goflow_set_warnings target)
    if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
        target_compile_options(${target} PRIVATE ${GOFLOW_WARNING_FLAGS})
    endif()
endfunction()

# Applies the warning flags to individual sources, for targets that also compile generated code.
function(goflow_set_source_warnings)
    if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
        set_source_files_properties(${ARGN} PROPERTIES COMPILE_OPTIONS "${GOFLOW_WARNING_FLAGS}")
    endif()
endfunction()
