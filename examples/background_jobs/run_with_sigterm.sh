#!/bin/sh
# Starts goflow-background-jobs with jobs that outlast the test, sends SIGTERM once it runs,
# and checks that it exits 0 having accounted for every job.
# Usage: run_with_sigterm.sh PROGRAM
set -u
program=$1
output=$(mktemp)
trap 'rm -f "$output"' EXIT

"$program" --jobs 500 --workers 2 --job-ms 20 --grace-ms 100 >"$output" 2>&1 &
pid=$!
tries=0
until grep -q "running 500 jobs" "$output"; do
    tries=$((tries + 1))
    if [ "$tries" -gt 100 ]; then
        echo "FAIL: the program did not start within 10 s"; cat "$output"; kill "$pid"; exit 1
    fi
    sleep 0.1
done
sleep 0.2
kill -TERM "$pid"
wait "$pid"
status=$?
cat "$output"
if [ "$status" -ne 0 ]; then
    echo "FAIL: exit status $status, expected 0"; exit 1
fi
for expected in "received SIGTERM, shutting down" "discarding queued jobs" \
    "all 500 jobs accounted for"; do
    if ! grep -q "$expected" "$output"; then
        echo "FAIL: output lacks \"$expected\""; exit 1
    fi
done
if grep -q " 0 discarded" "$output"; then
    echo "FAIL: expected the forced shutdown to discard queued jobs"; exit 1
fi
echo PASS
