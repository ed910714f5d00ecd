# Sourced by the CLI test scripts after they set `prefix` (the name their
# PASS/FAIL lines start with): the binaries (VIGIL and VIGIL_GEN; run-tests
# passes the ASan build), pcaptool, a scratch directory $tmp removed on exit,
# and the helpers every script uses.
set -uo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 2
repo=$(pwd)
vigil=${VIGIL:-$repo/build/release/vigil}
gen=${VIGIL_GEN:-$repo/build/release/vigil-gen}
# absolute, because some checks run from another directory
[[ $vigil == /* ]] || vigil=$repo/$vigil
[[ $gen == /* ]] || gen=$repo/$gen
tool=(python3 "$repo/tests/cli/pcaptool.py")
export TZ=UTC

tmp=$(mktemp -d "/tmp/vigil-$prefix.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

failures=0
pass() { echo "PASS $prefix/$1"; }
fail() { echo "FAIL $prefix/$1${2:+ ($2)}"; failures=$((failures + 1)); }

# run NAME ARGS...: runs vigil, leaving $tmp/NAME.out, $tmp/NAME.err, $rc.
run() {
    local name=$1
    shift
    "$vigil" "$@" >"$tmp/$name.out" 2>"$tmp/$name.err"
    rc=$?
}

# Log lines without the run's dates, sorted.
log_set() {
    grep -v -E '^#(open|close)' "$1" | LC_ALL=C sort
}

# check NAME CONDITION-COMMAND...: PASS when the command succeeds.
check() {
    local name=$1
    shift
    if "$@"; then pass "$name"; else fail "$name"; fi
}

# expect_error NAME CODE PATTERN ARGS...: vigil ARGS exits CODE with one
# stderr line matching PATTERN.
expect_error() {
    local name=$1 code=$2 pattern=$3
    shift 3
    run "$name" "$@"
    error_verdict "$name" "$code" "$pattern"
}

# error_verdict NAME CODE PATTERN: PASS when the run NAME (its $rc) ended
# with CODE and one stderr line matching PATTERN.
error_verdict() {
    local name=$1 code=$2 pattern=$3 lines
    lines=$(wc -l <"$tmp/$name.err")
    if [[ $rc == "$code" && $lines == 1 ]] && grep -qE -- "$pattern" "$tmp/$name.err"; then
        pass "$name"
    else
        fail "$name" "exit $rc, $lines stderr lines: $(head -c 200 "$tmp/$name.err")"
    fi
}
