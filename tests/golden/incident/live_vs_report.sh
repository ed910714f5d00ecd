#!/usr/bin/env bash
# The correlator inside `vigil read` and `vigil report` over the logs that
# run wrote must find the same incidents: host, severity, score, stages,
# events, bytes out and peers of each incident's last revision (ids aside:
# each run numbers its incidents in the order it opens them).
#   live_vs_report.sh VIGIL LOGDIR WORKDIR
# Silent and exit 0 when they agree; else the difference and exit 1.
set -uo pipefail

vigil=$1 logs=$2 work=$3
repo=$(cd "$(dirname "$0")/../../.." && pwd)
check=$repo/tests/cli/check_incident.py
export VIGIL_DATA_DIR=$repo TZ=UTC
mkdir -p "$work"
if ! "$vigil" report "$logs" -o "$work/report" -q >"$work/report.out" 2>&1; then
    echo "vigil report over the logs failed: $(head -c 200 "$work/report.out")"
    exit 1
fi
python3 "$check" final "$logs" >"$work/live.txt" 2>&1
python3 "$check" final "$work/report" >"$work/offline.txt" 2>&1
if ! diff -u "$work/live.txt" "$work/offline.txt" >"$work/diff"; then
    echo "incidents of vigil read (-) and of vigil report over its logs (+) differ:"
    sed -n '3,12p' "$work/diff"
    exit 1
fi
