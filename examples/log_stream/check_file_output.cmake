# Runs goflow-log-stream with --output and compares the file it writes with the expected text.
# Usage: cmake -DPROGRAM=... -DINPUT=... -DOUTPUT=... -P check_file_output.cmake
file(REMOVE ${OUTPUT})
execute_process(
    COMMAND ${PROGRAM} --input ${INPUT} --group-by path --top 3 --min-status 400
            --output ${OUTPUT}
    RESULT_VARIABLE status)
if(NOT status EQUAL 0)
    message(FATAL_ERROR "goflow-log-stream exited with ${status}, expected 0")
endif()
if(NOT EXISTS ${OUTPUT})
    message(FATAL_ERROR "goflow-log-stream did not create ${OUTPUT}")
endif()
file(READ ${OUTPUT} actual)
set(expected "top 3 by path of 10 requests with status >= 400 (26 lines, 2 malformed)
path /missing: 4 requests, 836 bytes
path /api/orders: 3 requests, 291 bytes
path /login: 2 requests, 116 bytes
")
if(NOT actual STREQUAL expected)
    message(FATAL_ERROR "unexpected output in ${OUTPUT}:\n${actual}\nexpected:\n${expected}")
endif()
