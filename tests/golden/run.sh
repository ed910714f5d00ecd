#!/usr/bin/env bash
# Golden tests: a generated capture in, logs out, compared with the expected
# logs committed in tests/golden/<scenario>/expected/.
#   tests/golden/run.sh            compare (PASS/FAIL line per scenario)
#   tests/golden/run.sh --update   rewrite the expected files (review the diff!)
# VIGIL and VIGIL_GEN name the binaries (default: the release build).
set -uo pipefail

cd "$(dirname "$0")/../.." || exit 2
repo=$(pwd)
golden=$repo/tests/golden

# shellcheck source=tests/golden/scenarios.sh
source "$golden/scenarios.sh"

# Every log either side has is compared; Zeek TSV logs keep the run's
# wall-clock time in #open/#close, which is not.
logs_of() {
    local pinned
    pinned=$(pinned_of "${2:-}")
    if [[ -n $pinned ]]; then
        for log in $pinned; do [[ -f $1/$log ]] && echo "$log"; done
        return
    fi
    (cd "$1" 2>/dev/null && ls -- *.log *.json 2>/dev/null) | sort -u
}

update=
case ${1:-} in
    --update) update=1 ;;
    "") ;;
    *) echo "usage: tests/golden/run.sh [--update]" >&2; exit 2 ;;
esac

vigil=${VIGIL:-$repo/build/release/vigil}
gen=${VIGIL_GEN:-$repo/build/release/vigil-gen}
for bin in "$vigil" "$gen"; do
    if [[ ! -x $bin ]]; then
        echo "FAIL golden ($bin not built)"
        exit 1
    fi
done

export TZ=UTC
tmp=$(mktemp -d /tmp/vigil-golden.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

# The comparable form of a log: #open/#close lines carry the date of the run.
normalize() {
    grep -v -E '^#(open|close)' "$1"
}

# run_scenario SCENARIO: its PASS or FAIL line (and the diffs under it).
run_scenario() {
    local scenario=$1 work gen_args rc expected problems compared_logs check log
    work=$tmp/$scenario
    mkdir -p "$work/logs"
    gen_args=("${scenario%@*}" "$work/in.pcap")
    [[ $scenario == *@* ]] && gen_args+=(--linktype "${scenario#*@}")
    if ! "$gen" "${gen_args[@]}" >"$work/gen.out" 2>&1; then
        echo "FAIL golden/$scenario (vigil-gen $scenario failed: $(head -c 200 "$work/gen.out"))"
        return
    fi
    # shellcheck disable=SC2046  # options are words
    "$vigil" read -o "$work/logs" --format all -q $(args_of "$scenario") "$work/in.pcap" >"$work/vigil.out" 2>&1
    rc=$?
    if ((rc != 0 && rc != 1)); then
        echo "FAIL golden/$scenario (vigil exited $rc: $(head -c 300 "$work/vigil.out"))"
        return
    fi

    expected=$golden/$scenario/expected
    if [[ $update ]]; then
        rm -rf "$expected"
        mkdir -p "$expected"
        for log in $(logs_of "$work/logs" "$scenario"); do
            normalize "$work/logs/$log" >"$expected/$log"
        done
        [[ $scenario == incident ]] && "$golden/incident/check.sh" "$vigil" "$work/logs" "$work/incident" --update
        echo "PASS golden/$scenario (expected output updated; review with git diff)"
        return
    fi

    if [[ ! -d $expected ]]; then
        echo "FAIL golden/$scenario (no expected output; run tests/golden/run.sh --update and review)"
        return
    fi
    problems=()
    compared_logs=($( (logs_of "$expected"; logs_of "$work/logs" "$scenario") | sort -u))
    for log in "${compared_logs[@]}"; do
        if [[ -f $expected/$log && ! -f $work/logs/$log ]]; then
            problems+=("$log missing")
        elif [[ ! -f $expected/$log && -f $work/logs/$log ]]; then
            problems+=("$log unexpected")
        elif [[ -f $expected/$log ]]; then
            if ! normalize "$work/logs/$log" | diff -u "$expected/$log" - >"$work/$log.diff"; then
                problems+=("$log differs")
            fi
        fi
    done
    check=$(hunt_check_of "$scenario")
    if [[ -n $check ]]; then
        # shellcheck disable=SC2046
        "$vigil" hunt -q -o "$work/hunt" $( [[ $check == intel ]] && echo "--intel $golden/intel-feeds --no-behavior") \
            "$work/logs" >"$work/hunt.out" 2>&1
        if ! python3 "$golden/compare_hunt.py" "$check" "$work/logs" "$work/hunt" >"$work/compare.out" 2>&1; then
            problems+=("vigil hunt over the logs differs: $(tail -n 1 "$work/compare.out")")
            sed 's/^/  /' "$work/compare.out" | head -n 20
        fi
    fi
    # Incidents found while reading = incidents `vigil report` finds in the logs.
    if [[ -f $work/logs/incident.log ]] &&
        ! "$golden/incident/live_vs_report.sh" "$vigil" "$work/logs" "$work/live-vs-report" >"$work/lvr.out"; then
        problems+=("vigil report over the logs finds other incidents")
        sed 's/^/  /' "$work/lvr.out"
    fi
    # The incident scenario goes on into `vigil report` and report.html.
    if [[ $scenario == incident ]] && ! "$golden/incident/check.sh" "$vigil" "$work/logs" "$work/incident"; then
        problems+=("vigil report over the logs differs")
    fi
    if ((${#problems[@]} == 0)); then
        echo "PASS golden/$scenario"
    else
        echo "FAIL golden/$scenario (${problems[*]})"
        for log in "${compared_logs[@]}"; do
            [[ -s $work/$log.diff ]] && head -n 30 "$work/$log.diff" | sed 's/^/  /'
        done
    fi
}

# The scenarios are independent: one per core, their lines printed in order.
jobs=$(nproc 2>/dev/null || echo 2)
for scenario in "${scenarios[@]}"; do
    while (($(jobs -rp | wc -l) >= jobs)); do wait -n; done
    run_scenario "$scenario" >"$tmp/result.${scenario//@/_}" 2>&1 &
done
wait
failures=0
for scenario in "${scenarios[@]}"; do
    cat "$tmp/result.${scenario//@/_}"
    grep -q "^FAIL golden/$scenario " "$tmp/result.${scenario//@/_}" && failures=$((failures + 1))
done

((failures == 0))
