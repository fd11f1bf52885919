# Warning flags for goflow's own targets. Call goflow_set_warnings(<target>) on each of them;
# third-party code and generated Qt sources keep their defaults.
function(goflow_set_warnings target)
    target_compile_options(${target} PRIVATE
        $<$<CXX_COMPILER_ID:GNU,Clang>:-Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor
            -Wold-style-cast -Woverloaded-virtual
            # Options structs are filled with designated initializers that leave fields at
            # their defaults on purpose.
            -Wno-missing-field-initializers>)
    if(GOFLOW_WARNINGS_AS_ERRORS)
        target_compile_options(${target} PRIVATE $<$<CXX_COMPILER_ID:GNU,Clang>:-Werror>)
    endif()
endfunction()
