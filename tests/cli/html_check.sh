# Sourced by tests/cli/test_incident.sh and tests/golden/incident/check.sh:
# report.html is self-contained and loads in headless Chromium with no
# console message, its script runs to the end and every incident is on the
# page. The caller defines pass/fail/skip, $tmp and $check (check_incident.py).
# Skips (with a SKIP line) only when chromium is not installed.

# html_check NAME OUTDIR SCREENSHOT IDS...
html_check() {
    local name=$1 out=$2 shot=$3
    shift 3
    if grep -qiE '(src|href)="https?:|@import|url\(http' "$out/report.html"; then
        fail "$name-self-contained" "the page fetches from the network"
    else
        pass "$name-self-contained"
    fi
    if ! command -v chromium >/dev/null; then
        skip "$name-chromium" "chromium not installed (scripts/install-deps lists it)"
        return
    fi
    local flags=(--headless --no-sandbox --disable-gpu --no-first-run --disable-extensions
        --user-data-dir="$tmp/chromium-$name" --enable-logging=stderr --v=0)
    timeout 120 chromium "${flags[@]}" --dump-dom "file://$out/report.html" >"$tmp/$name.dom" 2>"$tmp/$name.chromium.err"
    if grep -q 'CONSOLE' "$tmp/$name.chromium.err"; then
        fail "$name-chromium-console" "$(grep CONSOLE "$tmp/$name.chromium.err" | head -3 | tr '\n' '|')"
    else
        pass "$name-chromium-console"
    fi
    if python3 "$check" html-dom "$tmp/$name.dom" "$@" >"$tmp/$name.dom.out" 2>&1; then
        pass "$name-chromium-incidents"
    else
        fail "$name-chromium-incidents" "$(tail -1 "$tmp/$name.dom.out")"
    fi
    if [[ $shot ]]; then
        mkdir -p "$(dirname "$shot")"
        timeout 120 chromium "${flags[@]}" --window-size=1280,3000 --screenshot="$shot" \
            "file://$out/report.html" >/dev/null 2>&1
        if [[ -s $shot ]]; then
            pass "$name-screenshot"
            echo "  screenshot: $shot; report.html $(wc -c <"$out/report.html") bytes"
        else
            fail "$name-screenshot"
        fi
    fi
}
