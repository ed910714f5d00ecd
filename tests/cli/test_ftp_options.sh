#!/usr/bin/env bash
# Zeek's FTP options on the generated ftp capture (vigil-gen ftp): the
# logged command set (replaced, added to, from --config), password capture,
# the length caps with their weirds, the command length cap (its weird and
# conn.log's X; EVE keeps every command), and bad values (one line, exit 2).
# VIGIL and VIGIL_GEN name the binaries (run-tests passes the ASan build).
# Prints PASS/FAIL per check; exits 1 if any failed.
prefix=ftp-options
# shellcheck source=tests/cli/common.sh
source "$(dirname "$0")/common.sh"

"$gen" ftp "$tmp/ftp.pcap" >/dev/null 2>&1 || { fail gen "vigil-gen ftp failed"; exit 1; }

# read NAME ARGS...: vigil read of the capture into $tmp/NAME/.
read_ftp() {
    local name=$1
    shift
    run "$name" read -q -o "$tmp/$name" "$@" "$tmp/ftp.pcap"
}
# rows NAME: ftp.log's user, password, command and arg columns.
rows() {
    grep -v '^#' "$tmp/$1/ftp.log" | cut -f7-10
}
eve_ftp() {
    grep -c '"event_type":"ftp"' "$tmp/$1/eve.json"
}

read_ftp default
check default-exit test "$rc" = 0
check default-no-user-row test "$(rows default | awk -F'\t' '$3 == "USER"' | wc -l)" = 0
check default-password-hidden test "$(rows default | awk -F'\t' '$2 != "<hidden>"' | wc -l)" = 0
check default-dele-url grep -qP '\tDELE\tftp://10\.21\.0\.21/home/alice/reports/q0\.csv\t' "$tmp/default/ftp.log"

read_ftp add --ftp-logged-commands +USER,pass,SYST --ftp-capture-password
check add-user-row grep -qxP 'alice\t-\tUSER\talice' <(rows add)
check add-pass-row grep -qxP 'alice\ts3cret-Pw\tPASS\ts3cret-Pw' <(rows add)
check add-syst-row grep -qxP 'alice\ts3cret-Pw\tSYST\t-' <(rows add)
check add-keeps-default grep -qP '\tRETR\t' <(rows add)
check add-same-eve test "$(eve_ftp add)" = "$(eve_ftp default)"

read_ftp hidden --ftp-logged-commands +PASS
check hidden-pass-arg grep -qxP 'alice\t<hidden>\tPASS\t<hidden>' <(rows hidden)

read_ftp replace --ftp-logged-commands USER
check replace-only-user test "$(rows replace | cut -f3 | sort -u)" = USER

printf '# Zeek FTP settings\nftp-logged-commands = SYST\nftp-capture-password\n' >"$tmp/ftp.conf"
read_ftp config --config "$tmp/ftp.conf"
check config-keys grep -qxP 'alice\ts3cret-Pw\tSYST\t-' <(rows config)
check config-only-syst test "$(rows config | wc -l)" = 1

read_ftp caps --ftp-capture-password --ftp-max-user-length 3 --ftp-max-password-length 2 \
    --ftp-max-arg-length 20 --ftp-max-reply-msg-length 5
check caps-user-password test "$(rows caps | cut -f1,2 | sort -u)" = "$(printf 'ali\ts3')"
check caps-arg grep -qP '\tRETR\tftp://10\.21\.0\.21/hom\t' "$tmp/caps/ftp.log"
check caps-reply test "$(grep -v '^#' "$tmp/caps/ftp.log" | cut -f14 | sort -u | awk 'length > 5' | wc -l)" = 0
for w in 'FTP_user_too_long	5' 'FTP_password_too_long	9' 'FTP_arg_too_long	43' 'FTP_reply_msg_too_long	'; do
    check "caps-weird-${w%%	*}" grep -qP "\t${w}" "$tmp/caps/weird.log"
done

read_ftp cmdlen --ftp-max-command-length 3
check cmdlen-weird grep -qP '\tFTP_max_command_length_exceeded\t4 > 3\t' "$tmp/cmdlen/weird.log"
check cmdlen-history test "$(awk -F'\t' '$6 == 21 {print $16}' "$tmp/cmdlen/conn.log")" = ShAdDaXfF
check cmdlen-no-rows test ! -e "$tmp/cmdlen/ftp.log"
check cmdlen-same-eve test "$(eve_ftp cmdlen)" = "$(eve_ftp default)"

# bad values: one line naming the option, exit 2
expect_error bad-arg-length 2 "^vigil: --ftp-max-arg-length takes a number of bytes, not '-1'" \
    read --ftp-max-arg-length -1 "$tmp/ftp.pcap"
expect_error bad-user-length 2 "^vigil: --ftp-max-user-length takes a number of bytes, not 'abc'" \
    read --ftp-max-user-length abc "$tmp/ftp.pcap"
for list in '' '+' 'USER,,PASS' "$(printf 'X%.0s' {1..40})"; do
    expect_error "bad-logged-commands-'${list:0:12}'" 2 "^vigil: --ftp-logged-commands takes a comma list" \
        read --ftp-logged-commands "$list" "$tmp/ftp.pcap"
done
printf 'ftp-max-command-length = many\n' >"$tmp/bad.conf"
expect_error bad-config-value 2 "^vigil: --ftp-max-command-length takes a number" read --config "$tmp/bad.conf" "$tmp/ftp.pcap"

exit $((failures > 0))
