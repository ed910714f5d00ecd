/* Allow-list: every rule form, comments, kinds, matching, malformed lines
 * (the error names FILE:LINE) and hostile input. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "detect/allowlist.h"
#include "unit/addr_harness.h"
#include "unit/tmpdir_harness.h"

static struct allowlist *parse_ok(const char *text)
{
    char err[256] = "unset";
    struct allowlist *a = allowlist_parse(text, strlen(text), "rules.txt", err, sizeof err);
    if (a == NULL)
        fail_msg("unexpected error: %s", err);
    assert_string_equal(err, "");
    return a;
}

static void expect_error(const char *text, const char *expected)
{
    char err[256] = "";
    struct allowlist *a = allowlist_parse(text, strlen(text), "rules.txt", err, sizeof err);
    if (a != NULL) {
        allowlist_free(a);
        fail_msg("accepted: %s", text);
    }
    if (strstr(err, expected) == NULL)
        fail_msg("error '%s' does not contain '%s'", err, expected);
}

static bool allows(const struct allowlist *a, enum finding_kind k, const char *src, const char *dst, uint16_t port,
                   const char *name)
{
    struct ip_addr s = addr_of(src), d;
    if (dst != NULL)
        d = addr_of(dst);
    return allowlist_allows(a, k, &s, dst ? &d : NULL, port, name);
}

static void test_every_form(void **state)
{
    struct allowlist *a = parse_ok("# update servers and monitoring\n"
                                   "\n"
                                   "10.0.0.5        203.0.113.10\n"
                                   "10.1.0.0/16     198.51.100.0/24   beacon,long_conn   # backups\n"
                                   "*               updates.example.com\n"
                                   "*\t\t:123\tbeacon\r\n"
                                   "2001:db8::/32   2001:db8:ffff::1  exfil\n"
                                   "192.168.7.7     *                 dga\n"
                                   "   * *.Telemetry.Example.NET.  dns_tunnel\n"
                                   "172.16.0.1 .cdn.example.org\n");
    /* address -> address, every kind */
    for (int k = 0; k < FINDING_KIND_COUNT; k++)
        assert_true(allows(a, (enum finding_kind)k, "10.0.0.5", "203.0.113.10", 443, NULL));
    assert_false(allows(a, FINDING_BEACON, "10.0.0.6", "203.0.113.10", 443, NULL));
    assert_false(allows(a, FINDING_BEACON, "10.0.0.5", "203.0.113.11", 443, NULL));
    assert_false(allows(a, FINDING_BEACON, "10.0.0.5", NULL, 443, NULL));
    /* CIDR -> CIDR, kinds restricted */
    assert_true(allows(a, FINDING_BEACON, "10.1.200.3", "198.51.100.77", 0, NULL));
    assert_true(allows(a, FINDING_LONG_CONN, "10.1.0.0", "198.51.100.255", 0, NULL));
    assert_false(allows(a, FINDING_EXFIL, "10.1.200.3", "198.51.100.77", 0, NULL));
    assert_false(allows(a, FINDING_BEACON, "10.2.0.1", "198.51.100.77", 0, NULL));
    assert_false(allows(a, FINDING_BEACON, "10.1.0.1", "198.51.101.1", 0, NULL));
    /* domain: itself and its subdomains, case-insensitively, not look-alikes */
    assert_true(allows(a, FINDING_BEACON, "10.9.9.9", NULL, 0, "updates.example.com"));
    assert_true(allows(a, FINDING_EXFIL, "10.9.9.9", "198.18.0.1", 443, "dl.Updates.Example.com"));
    assert_true(allows(a, FINDING_BEACON, "10.9.9.9", NULL, 0, "a.b.updates.example.com."));
    assert_false(allows(a, FINDING_BEACON, "10.9.9.9", NULL, 0, "evilupdates.example.com"));
    assert_false(allows(a, FINDING_BEACON, "10.9.9.9", NULL, 0, "updates.example.com.evil.net"));
    assert_false(allows(a, FINDING_BEACON, "10.9.9.9", NULL, 0, "example.com"));
    assert_false(allows(a, FINDING_BEACON, "10.9.9.9", "203.0.113.10", 0, NULL));
    /* port, kinds restricted */
    assert_true(allows(a, FINDING_BEACON, "10.3.3.3", "198.18.5.5", 123, NULL));
    assert_false(allows(a, FINDING_LONG_CONN, "10.3.3.3", "198.18.5.5", 123, NULL));
    assert_false(allows(a, FINDING_BEACON, "10.3.3.3", "198.18.5.5", 0, NULL));
    assert_false(allows(a, FINDING_BEACON, "10.3.3.3", "198.18.5.5", 1230, NULL));
    /* IPv6 */
    assert_true(allows(a, FINDING_EXFIL, "2001:db8:1::5", "2001:db8:ffff::1", 0, NULL));
    assert_false(allows(a, FINDING_EXFIL, "2001:db9::5", "2001:db8:ffff::1", 0, NULL));
    assert_false(allows(a, FINDING_EXFIL, "2001:db8:1::5", "2001:db8:ffff::2", 0, NULL));
    /* source only */
    assert_true(allows(a, FINDING_DGA, "192.168.7.7", NULL, 0, NULL));
    assert_false(allows(a, FINDING_DNS_TUNNEL, "192.168.7.7", NULL, 0, NULL));
    /* "*." and "." prefixes and a trailing dot mean the same domain */
    assert_true(allows(a, FINDING_DNS_TUNNEL, "10.0.0.1", NULL, 0, "telemetry.example.net"));
    assert_true(allows(a, FINDING_DNS_TUNNEL, "10.0.0.1", NULL, 0, "x.telemetry.example.net"));
    assert_true(allows(a, FINDING_BEACON, "172.16.0.1", NULL, 0, "img.cdn.example.org"));
    assert_false(allows(a, FINDING_BEACON, "172.16.0.2", NULL, 0, "img.cdn.example.org"));
    /* the v4-mapped IPv6 form is the same address */
    assert_false(allows(a, FINDING_BEACON, "::ffff:10.0.0.6", "203.0.113.10", 443, NULL));
    assert_true(allows(a, FINDING_BEACON, "::ffff:10.0.0.5", "203.0.113.10", 443, NULL)); /* the same address */
    /* out-of-range kind and NULL list */
    assert_false(allowlist_allows(a, FINDING_KIND_COUNT, NULL, NULL, 0, NULL));
    assert_false(allowlist_allows(NULL, FINDING_BEACON, NULL, NULL, 0, NULL));
    allowlist_free(a);
}

static void test_empty_and_comments(void **state)
{
    struct allowlist *a = parse_ok("");
    assert_false(allows(a, FINDING_BEACON, "10.0.0.1", "198.51.100.1", 443, "x.com"));
    allowlist_free(a);
    a = parse_ok("# only comments\n   # indented\n\t\n\r\n#* * beacon\n");
    assert_false(allows(a, FINDING_BEACON, "10.0.0.1", "198.51.100.1", 443, "x.com"));
    allowlist_free(a);
    /* '#' right after a field ends it; no newline at the end */
    a = parse_ok("* *#everything");
    assert_true(allows(a, FINDING_EXFIL, "10.0.0.1", NULL, 0, NULL));
    allowlist_free(a);
    allowlist_free(NULL);
}

static void test_malformed(void **state)
{
    expect_error("10.0.0.1\n", "rules.txt:1: expected SOURCE DESTINATION");
    expect_error("# fine\n\n10.0.0.1 198.51.100.1 beacon extra\n", "rules.txt:3: unexpected field");
    expect_error("10.0.0.1 198.51.100.1 beacons\n", "rules.txt:1: unknown finding kind");
    expect_error("* * beacon,,exfil\n", "rules.txt:1: unknown finding kind");
    expect_error("* * beacon,\n", "rules.txt:1: unknown finding kind");
    expect_error("* * ,\n", "unknown finding kind");
    expect_error("* * BEACON\n", "unknown finding kind");
    expect_error("10.0.0.300 *\n", "rules.txt:1: bad source");
    expect_error("10.0.0.0/33 *\n", "bad source");
    expect_error("example.com *\n", "bad source");
    expect_error("10.0.0.0/ *\n", "bad source");
    expect_error("2001:db8::/129 *\n", "bad source");
    expect_error("* 10.0.0.0/40\n", "bad destination");
    expect_error("* :0\n", "bad destination");
    expect_error("* :65536\n", "bad destination");
    expect_error("* :80a\n", "bad destination");
    expect_error("* :\n", "bad destination");
    expect_error("* exa mple.com\n", "unknown finding kind");
    expect_error("* exa_mple..com\n", "bad destination");
    expect_error("* -.com/x\n", "bad destination");
    expect_error("* ..\n", "bad destination");
    expect_error("* *.\n", "bad destination");
    expect_error("* host:8080\n", "bad destination");
    expect_error("* ex\xc3\xa4mple.com\n", "bad destination");
    expect_error("ok.line.is.not.a.source *\n", "rules.txt:1:");
    char label64[100];
    memset(label64, 'a', 64);
    snprintf(label64 + 64, sizeof label64 - 64, ".com\n");
    char line[200];
    snprintf(line, sizeof line, "* %s", label64);
    expect_error(line, "bad destination");
    /* a NUL or control byte inside a line */
    char err[256];
    static const char nul[] = "* exam\0ple.com\n";
    assert_null(allowlist_parse(nul, sizeof nul - 1, "nul.txt", err, sizeof err));
    assert_non_null(strstr(err, "nul.txt:1: control character"));
    static const char ctl[] = "* *\n* \x01*\n";
    assert_null(allowlist_parse(ctl, sizeof ctl - 1, "ctl.txt", err, sizeof err));
    assert_non_null(strstr(err, "ctl.txt:2:"));
    /* an over-long field */
    char *huge = malloc(10000);
    assert_non_null(huge);
    memset(huge, 'a', 9999);
    huge[0] = '*';
    huge[1] = ' ';
    huge[9999] = '\0';
    expect_error(huge, "field longer than 255 bytes");
    free(huge);
    /* the error is cut to the buffer, never overflowing it */
    char tiny[8];
    assert_null(allowlist_parse("x y\n", 4, "a-very-long-file-name.txt", tiny, sizeof tiny));
    assert_int_equal(strlen(tiny), 7);
}

static void test_load_file(void **state)
{
    char path[64];
    tmpfile_with(path, sizeof path, "allow", "* :443 beacon\n10.0.0.1 bad/dst\n");
    char err[512];
    assert_null(allowlist_load(path, err, sizeof err));
    char expected[600];
    snprintf(expected, sizeof expected, "%s:2: bad destination", path);
    assert_non_null(strstr(err, expected));
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("* :443 beacon\n", f);
    fclose(f);
    struct allowlist *a = allowlist_load(path, err, sizeof err);
    assert_non_null(a);
    assert_true(allows(a, FINDING_BEACON, "10.0.0.1", "198.51.100.1", 443, NULL));
    allowlist_free(a);
    unlink(path);
    assert_null(allowlist_load("/nonexistent/allow.txt", err, sizeof err));
    assert_non_null(strstr(err, "/nonexistent/allow.txt: "));
}

static void test_many_rules(void **state)
{
    size_t cap = 50000 * 40;
    char *text = malloc(cap);
    assert_non_null(text);
    size_t off = 0;
    for (int i = 0; i < 50000; i++)
        off += (size_t)snprintf(text + off, cap - off, "10.%d.%d.0/24 host%d.example.com\n", i >> 8 & 255, i & 255, i);
    char err[256];
    struct allowlist *a = allowlist_parse(text, off, "big", err, sizeof err);
    assert_non_null(a);
    assert_true(allows(a, FINDING_BEACON, "10.195.79.9", NULL, 0, "x.host49999.example.com"));
    assert_false(allows(a, FINDING_BEACON, "10.195.79.9", NULL, 0, "x.host49998.example.com"));
    allowlist_free(a);
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_form),
        cmocka_unit_test(test_empty_and_comments),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_load_file),
        cmocka_unit_test(test_many_rules),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
