#!/usr/bin/env bash
# The golden incident scenario, after tests/golden/run.sh has pinned the
# logs `vigil read` wrote with every detector the scenario needs
# (scenarios.sh) and checked that `vigil report` over them finds the
# incidents that run found (live_vs_report.sh): run `vigil report` over
# them, and compare the incidents and the block lists with
# expected-incidents.txt / expected-block.txt (PLANTED.md says why each line
# is there); the block files through nft, named-checkzone, `vigil rules
# check` and `vigil intel check`; then report.html in headless Chromium
# with a screenshot.
#   check.sh VIGIL LOGDIR WORKDIR [--update]
# Prints PASS/FAIL/SKIP lines; exits 1 if any failed.
set -uo pipefail

vigil=$1 logs=$2 work=$3 update=${4:-}
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
check=$repo/tests/cli/check_incident.py
tmp=$work
export VIGIL_DATA_DIR=$repo TZ=UTC

failures=0
pass() { echo "PASS golden/incident-$1"; }
fail() { echo "FAIL golden/incident-$1${2:+ ($2)}"; failures=$((failures + 1)); }
skip() { echo "SKIP golden/incident-$1 ($2)"; }
# shellcheck source=tests/cli/html_check.sh
source "$repo/tests/cli/html_check.sh"
# shellcheck source=tests/cli/block_check.sh
source "$repo/tests/cli/block_check.sh"

mkdir -p "$work/all"
cp "$logs"/* "$work/all/"
"$vigil" report "$work/all" -o "$work/report" >"$work/report.out" 2>"$work/report.err"
rc=$?
if [[ $rc != 0 ]]; then
    fail report "exit $rc: $(head -c 300 "$work/report.err")"
    exit 1
fi
python3 "$check" incidents "$work/report" >"$work/incidents.txt" 2>&1
python3 "$check" block "$work/report/block" >"$work/block.txt" 2>&1
if [[ $update ]]; then
    cp "$work/incidents.txt" "$here/expected-incidents.txt"
    cp "$work/block.txt" "$here/expected-block.txt"
fi
for what in incidents block; do
    if diff -u "$here/expected-$what.txt" "$work/$what.txt" >"$work/$what.diff"; then
        pass "$what"
    else
        fail "$what" "differs"
        sed 's/^/  /' "$work/$what.diff" | head -20
    fi
done
# the block files through the tools that load them: 4 addresses, 2 names, 1 hash (expected-block.txt)
block_check block "$work/report/block" 4 2 1
shot=$repo/build/test-logs/golden-incident-report.png
html_check report "$work/report" "$shot" $(awk '{ print $5 }' "$work/incidents.txt")
exit $((failures > 0))
