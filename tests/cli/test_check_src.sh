#!/usr/bin/env bash
# scripts/check-src on the project (it must pass) and on copies of it with
# one planted violation each (it must fail and name the violation): a
# banned function, an include from a lower stage to a higher one, a
# proto/ API header in a stage that takes only its type headers, another
# stage's API from a stage not built directly on it, a type header that
# includes an API header or declares a function or data, a README
# "Depends on" line that lies, a call circle between two files, and a
# header function returning a pointer without an ownership comment.
# Prints PASS/FAIL per check; exits 1 if any failed.
prefix=check-src
# shellcheck source=tests/cli/common.sh
source "$(dirname "$0")/common.sh"
check=$repo/scripts/check-src
cc=${CC:-cc}

# A fresh copy of the sources check-src reads.
copy_tree() {
    rm -rf "$tmp/tree"
    mkdir -p "$tmp/tree"
    cp -r "$repo/src" "$repo/tests" "$tmp/tree/"
    [[ -d $repo/bench ]] && cp -r "$repo/bench" "$tmp/tree/"
}

# expect_fail NAME PATTERN ARGS...: check-src exits 1 and prints PATTERN.
expect_fail() {
    local name=$1 pattern=$2
    shift 2
    "$check" "$@" >"$tmp/$name.out" 2>&1
    local rc=$?
    if [[ $rc == 1 ]] && grep -qE -- "$pattern" "$tmp/$name.out"; then
        pass "$name"
    else
        fail "$name" "exit $rc: $(head -c 300 "$tmp/$name.out")"
    fi
}

expect_pass() {
    local name=$1
    shift
    if "$check" "$@" >"$tmp/$name.out" 2>&1; then
        pass "$name"
    else
        fail "$name" "$(head -c 300 "$tmp/$name.out")"
    fi
}

expect_pass project --root "$repo"

copy_tree
expect_pass copy --root "$tmp/tree"

# Banned names in comments and strings are not calls.
copy_tree
printf '/* strcpy(a, b) is banned */\nstatic const char *const banned_text = "sprintf(";\n' >>"$tmp/tree/src/util/buf.c"
expect_pass banned-in-comment --root "$tmp/tree"

copy_tree
printf 'int check_src_planted(const char *s);\nint check_src_planted(const char *s) { return atoi(s); }\n' \
    >>"$tmp/tree/src/util/addr.c"
expect_fail banned-function 'src/util/addr.c:[0-9]+: banned function atoi\(\)' --root "$tmp/tree"

copy_tree
sed -i '1a #include "output/output.h"' "$tmp/tree/src/detect/detect.c"
expect_fail upward-include 'src/detect/detect.c:2: detect/ includes output/, a later stage' --root "$tmp/tree"

copy_tree
sed -i '1a #include "proto/dns.h"' "$tmp/tree/src/output/http_log.c"
expect_fail type-only-include 'src/output/http_log.c:2: output/ includes proto/dns.h: it takes only type headers' \
    --root "$tmp/tree"

copy_tree
sed -i '1a #include "flow/flow.h"' "$tmp/tree/src/sig/match.c"
expect_fail api-not-directly-below 'src/sig/match.c:2: sig/ includes flow/flow.h: it takes only type headers' \
    --root "$tmp/tree"

# An API header of a stage named in API_FROM (detect/ is built on intel/).
copy_tree
sed -i '1a #include "intel/intel.h"' "$tmp/tree/src/detect/fanout.c"
expect_pass api-directly-below --root "$tmp/tree"

copy_tree
sed -i '1a #include "proto/dns.h"' "$tmp/tree/src/proto/http-t.h"
expect_fail type-header-includes-api 'src/proto/http-t.h:2: a type header includes proto/dns.h' --root "$tmp/tree"

copy_tree
printf 'int planted_function(int v);\nstatic const char *const planted_names[] = {"a"};\n' >>"$tmp/tree/src/proto/http-t.h"
expect_fail type-header-declares 'src/proto/http-t.h:[0-9]+: a type header declares a function or data.*planted_function' \
    --root "$tmp/tree"
if grep -q 'planted_names' "$tmp/type-header-declares.out"; then
    pass type-header-data
else
    fail type-header-data "static data in a type header not reported"
fi

# A value-name function, static inline in a type header, is allowed.
copy_tree
printf '/* "one" or "-": a static string. */\nstatic inline const char *planted_name(int v)\n{\n    switch (v) {\n    case 1:\n        return "one";\n    default:\n        return "-";\n    }\n}\n' \
    >>"$tmp/tree/src/proto/http-t.h"
expect_pass type-header-inline-name --root "$tmp/tree"

# A type header of the same stage is what the rule asks for.
copy_tree
sed -i '1a #include "proto/dns-t.h"' "$tmp/tree/src/output/http_log.c"
expect_pass type-header-include --root "$tmp/tree"

copy_tree
sed -i 's#^Depends on: util/ ([^)]*) and libc.#Depends on: libc.#' "$tmp/tree/src/decode/README.md"
expect_fail readme-missing "src/decode/README.md:[0-9]+: 'Depends on' does not name util/" --root "$tmp/tree"

copy_tree
sed -i 's#^Depends on: util/ (\([^)]*\)) and libc.#Depends on: util/ (\1), flow/ and libc.#' "$tmp/tree/src/decode/README.md"
expect_fail readme-extra "src/decode/README.md:[0-9]+: 'Depends on' names flow/" --root "$tmp/tree"

copy_tree
mkdir -p "$tmp/tree/src/sonar"
printf '# sonar/\n\nDepends on: util/.\n' >"$tmp/tree/src/sonar/README.md"
expect_fail unknown-stage 'src/sonar/: a stage check-src does not know' --root "$tmp/tree"

# A header function returning a pointer says who frees it or how long it
# lives (docs/STYLE.md): a comment that only names the value does not, nor
# does none at all, static inline functions included. A group comment above
# declarations with no blank line between covers them all.
copy_tree
printf '%s\n' '/* The planted name. */' 'const char *planted_name(int k);' '' \
    'static inline char *planted_skip(char *s) { return s + 1; }' >"$tmp/tree/src/util/planted.h"
expect_fail ownership-comment 'src/util/planted.h:2: planted_name\(\) returns a pointer with no ownership comment' \
    --root "$tmp/tree"
expect_fail ownership-comment-inline 'src/util/planted.h:4: planted_skip\(\) returns a pointer with no ownership' \
    --root "$tmp/tree"

copy_tree
printf '%s\n' '/* Static strings, NULL when unknown. */' 'const char *planted_name(int k);' \
    'const char *planted_label(int k);' '' 'char *planted_dup(const char *s); /* the caller frees it with free() */' \
    >"$tmp/tree/src/util/planted.h"
expect_pass ownership-comment-group --root "$tmp/tree"

# Call circles, from the objects' symbols: two flow/ files calling each
# other fail; the same in decode/ (recursive encapsulation) is allowed.
copy_tree
for stage in flow decode; do
    mkdir -p "$tmp/objs-$stage/src/$stage"
    printf 'int ping(int n);\nint pong(int n);\nint ping(int n) { return n ? pong(n - 1) : 0; }\n' >"$tmp/ping.c"
    printf 'int ping(int n);\nint pong(int n);\nint pong(int n) { return n ? ping(n - 1) : 1; }\n' >"$tmp/pong.c"
    printf 'int ping(int n);\nint leaf(int n);\nint leaf(int n) { return ping(n); }\n' >"$tmp/leaf.c"
    for f in ping pong leaf; do
        "$cc" -c -o "$tmp/objs-$stage/src/$stage/$f.o" "$tmp/$f.c" || fail "compile-$f"
    done
done
expect_fail call-circle 'call circle: src/flow/ping.c <-> src/flow/pong.c' --root "$tmp/tree" --objects "$tmp/objs-flow"
expect_pass call-circle-decode --root "$tmp/tree" --objects "$tmp/objs-decode"

exit $((failures > 0))
