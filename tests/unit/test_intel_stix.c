/* STIX 2.1: the pattern reader (paths, operators, escapes, qualifiers,
 * unsupported parts, garbage) and the bundle loader (relationships into
 * meta, revoked, validity, wrappers, hostile JSON); plus the OASIS examples
 * under /work/shared when present.
 *
 * JSON in these tests is written with ` for " (see stix_load_q), so STIX
 * patterns keep their own single quotes. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "intel/intel.h"
#include "unit/intel_harness.h"

/* The loader under test, through tests/unit/intel_harness.h. */
#define stix_load(text, rep) intel_harness_load(intel_load_stix, "b.json", (text), (rep))
#define stix_load_q(text, rep) intel_harness_load_quoted(intel_load_stix, "b.json", (text), '`', (rep))
#define total_added intel_harness_total_added
#define has_example intel_harness_has_example
#define print_examples intel_harness_print_examples
#define domain_meta intel_harness_domain_meta
#define addr_entry intel_harness_addr_entry
#include "intel/stix_pattern.h"

#define SHARED_STIX "/work/shared/intel/feeds/stix2.1-examples"

/* ---- the pattern reader ---- */

#define MAX_CMP 16

struct parsed {
    int rc;
    struct stix_pattern_summary sum;
    struct stix_comparison cmp[MAX_CMP];
    char arena[8192];
};

static struct parsed *parse(const char *pattern)
{
    struct parsed *r = calloc(1, sizeof *r);
    assert_non_null(r);
    size_t n = strlen(pattern);
    assert_true(n <= sizeof r->arena);
    char *copy = malloc(n ? n : 1); /* exact size: ASan sees over-reads */
    assert_non_null(copy);
    memcpy(copy, pattern, n);
    r->rc = stix_pattern_parse(copy, n, r->arena, n, r->cmp, MAX_CMP, &r->sum);
    free(copy);
    return r;
}

static void assert_comparison(const struct parsed *r, size_t i, enum intel_type t, const char *value)
{
    assert_true(i < r->sum.n_supported);
    assert_int_equal(r->cmp[i].type, t);
    assert_string_equal(r->cmp[i].value, value);
    assert_int_equal(r->cmp[i].len, strlen(value));
}

/* A pattern with exactly one supported comparison and nothing else. */
static void assert_single(const char *pattern, enum intel_type t, const char *value)
{
    struct parsed *r = parse(pattern);
    assert_int_equal(r->rc, 0);
    assert_int_equal(r->sum.n_supported, 1);
    assert_int_equal(r->sum.n_unsupported, 0);
    assert_false(r->sum.unsupported_may_match);
    assert_comparison(r, 0, t, value);
    free(r);
}

static void test_pattern_paths(void **unused)
{
    assert_single("[ipv4-addr:value = '198.51.100.1']", INTEL_ADDR, "198.51.100.1");
    assert_single("[ipv4-addr:value = '10.0.0.0/8']", INTEL_SUBNET, "10.0.0.0/8");
    assert_single("[ipv6-addr:value = '2001:db8::1']", INTEL_ADDR, "2001:db8::1");
    assert_single("[ipv6-addr:value = '2001:db8::/32']", INTEL_SUBNET, "2001:db8::/32");
    assert_single("[domain-name:value = 'evil.example']", INTEL_DOMAIN, "evil.example");
    assert_single("[url:value = 'http://evil.example/a?b=c']", INTEL_URL, "http://evil.example/a?b=c");
    assert_single("[file:hashes.MD5 = 'aa']", INTEL_FILE_HASH, "aa");
    assert_single("[file:hashes.md5 = 'aa']", INTEL_FILE_HASH, "aa");
    assert_single("[file:hashes.'MD5' = 'aa']", INTEL_FILE_HASH, "aa");
    assert_single("[file:hashes.'SHA-1' = 'bb']", INTEL_FILE_HASH, "bb");
    assert_single("[file:hashes.SHA1 = 'bb']", INTEL_FILE_HASH, "bb");
    assert_single("[file:hashes.'SHA-256' = 'cc']", INTEL_FILE_HASH, "cc");
    assert_single("[file:hashes.SHA256 = 'cc']", INTEL_FILE_HASH, "cc");
    assert_single("[email-addr:value = 'a@evil.example']", INTEL_EMAIL, "a@evil.example");
    assert_single("[email-message:from_ref.value = 'b@evil.example']", INTEL_EMAIL, "b@evil.example");
    assert_single("[email-message:sender_ref.value = 'c@evil.example']", INTEL_EMAIL, "c@evil.example");
    assert_single("[email-message:to_refs[*].value = 'd@evil.example']", INTEL_EMAIL, "d@evil.example");
    assert_single("[email-message:to_refs[0].value = 'e@evil.example']", INTEL_EMAIL, "e@evil.example");
    assert_single("[x509-certificate:hashes.'SHA-256' = 'dd']", INTEL_CERT_HASH, "dd");
    assert_single("[x509-certificate:hashes.'SHA-1' = 'ee']", INTEL_CERT_HASH, "ee");
    assert_single("[network-traffic:dst_ref.value = '198.51.100.2']", INTEL_ADDR, "198.51.100.2");
    assert_single("[network-traffic:src_ref.value = '2001:db8::2']", INTEL_ADDR, "2001:db8::2");
    assert_single("[network-traffic:dst_ref.value = 'c2.evil.example']", INTEL_DOMAIN, "c2.evil.example");
    assert_single("[network-traffic:dst_ref.value = '192.0.2.0/24']", INTEL_SUBNET, "192.0.2.0/24");
    assert_single("[network-traffic:extensions.'http-request-ext'.request_header.'User-Agent' = 'Evil/1.0 (x)']",
                  INTEL_USER_AGENT, "Evil/1.0 (x)");
}

static void test_pattern_operators(void **unused)
{
    struct parsed *r = parse("[domain-name:value = 'a.example' OR ipv4-addr:value = '192.0.2.1'] OR "
                             "[url:value = 'http://b.example/']");
    assert_int_equal(r->rc, 0);
    assert_int_equal(r->sum.n_supported, 3);
    assert_false(r->sum.unsupported_may_match);
    assert_comparison(r, 0, INTEL_DOMAIN, "a.example");
    assert_comparison(r, 1, INTEL_ADDR, "192.0.2.1");
    assert_comparison(r, 2, INTEL_URL, "http://b.example/");
    free(r);

    /* AND: each supported comparison alone; what it is ANDed with only narrows */
    r = parse("[network-traffic:dst_ref.value = '1.2.3.4' AND network-traffic:dst_port = 443]");
    assert_int_equal(r->rc, 0);
    assert_int_equal(r->sum.n_supported, 1);
    assert_int_equal(r->sum.n_unsupported, 1);
    assert_false(r->sum.unsupported_may_match);
    assert_comparison(r, 0, INTEL_ADDR, "1.2.3.4");
    free(r);
    r = parse("[file:name = 'x.exe' AND file:hashes.'SHA-256' = 'ab12']");
    assert_int_equal(r->sum.n_supported, 1);
    assert_false(r->sum.unsupported_may_match);
    assert_comparison(r, 0, INTEL_FILE_HASH, "ab12");
    free(r);

    r = parse("[domain-name:value IN ('a.example', 'b.example','c.example')]");
    assert_int_equal(r->rc, 0);
    assert_int_equal(r->sum.n_supported, 3);
    assert_comparison(r, 2, INTEL_DOMAIN, "c.example");
    free(r);

    r = parse("[ipv4-addr:value ISSUBSET '10.0.0.0/8'] AND [ipv6-addr:value ISSUBSET '2001:db8::/32']");
    assert_int_equal(r->rc, 0);
    assert_int_equal(r->sum.n_supported, 2);
    assert_comparison(r, 0, INTEL_SUBNET, "10.0.0.0/8");
    assert_comparison(r, 1, INTEL_SUBNET, "2001:db8::/32");
    free(r);

    /* precedence: AND binds tighter than OR, parentheses group */
    r = parse("[(file:name = 'a' OR file:name = 'b') AND domain-name:value = 'x.example']");
    assert_int_equal(r->sum.n_supported, 1);
    assert_false(r->sum.unsupported_may_match);
    free(r);
    r = parse("[file:name = 'a' OR file:name = 'b' AND domain-name:value = 'x.example']");
    assert_int_equal(r->sum.n_supported, 1);
    assert_true(r->sum.unsupported_may_match);
    free(r);
    r = parse("([file:name = 'a'] OR [domain-name:value = 'x.example']) FOLLOWEDBY [file:name = 'b']");
    assert_true(r->sum.unsupported_may_match);
    free(r);
    r = parse("[file:name = 'a'] OR [domain-name:value = 'x.example'] FOLLOWEDBY [url:value = 'http://u.example/']");
    assert_int_equal(r->rc, 0);
    assert_int_equal(r->sum.n_supported, 2);
    assert_false(r->sum.unsupported_may_match); /* (a OR x) FOLLOWEDBY u: u must hold */
    free(r);
}

static void test_pattern_escapes_and_spaces(void **unused)
{
    assert_single("[url:value = 'http://e.example/it\\'s']", INTEL_URL, "http://e.example/it's");
    assert_single("[url:value = 'http://e.example/a\\\\b']", INTEL_URL, "http://e.example/a\\b");
    assert_single("[url:value = 'http://e.example/a\\qb']", INTEL_URL, "http://e.example/a\\qb");
    assert_single("  \t\n[ \r domain-name:value\n=\t'sp.example'  ]  \n", INTEL_DOMAIN, "sp.example");
    assert_single("[domain-name:value='tight.example']", INTEL_DOMAIN, "tight.example");
    assert_single("[domain-name:value = '']", INTEL_DOMAIN, "");
}

static void test_pattern_qualifiers(void **unused)
{
    struct parsed *r = parse("[domain-name:value = 'q1.example'] FOLLOWEDBY [url:value = 'http://q2.example/'] "
                             "WITHIN 300 SECONDS");
    assert_int_equal(r->rc, 0);
    assert_int_equal(r->sum.n_supported, 2);
    free(r);
    r = parse("([ipv4-addr:value = '192.0.2.3'] REPEATS 5 TIMES) START t'2016-06-01T00:00:00Z' "
              "STOP t'2016-07-01T00:00:00Z'");
    assert_int_equal(r->rc, 0);
    assert_int_equal(r->sum.n_supported, 1);
    assert_comparison(r, 0, INTEL_ADDR, "192.0.2.3");
    free(r);
    r = parse("[ipv4-addr:value = '192.0.2.3'] WITHIN 1.5 SECONDS WITHIN 2 SECONDS");
    assert_int_equal(r->rc, 0);
    free(r);
}

static void test_pattern_unsupported(void **unused)
{
    static const struct {
        const char *pattern;
        const char *reason;
    } cases[] = {
        {"[file:name = 'CBricksDoc']", "object path Vigil cannot match"},
        {"[email-message:subject MATCHES '^[IMPORTANT] Please']", "object path Vigil cannot match"},
        {"[domain-name:value LIKE '%.evil.example']", "operator other than '=', IN or ISSUBSET"},
        {"[domain-name:value MATCHES '^x']", "operator other than '=', IN or ISSUBSET"},
        {"[ipv4-addr:value != '1.2.3.4']", "operator other than '=', IN or ISSUBSET"},
        {"[ipv4-addr:value NOT = '1.2.3.4']", "negated comparison"},
        {"[ipv4-addr:value ISSUPERSET '1.2.3.4']", "operator other than '=', IN or ISSUBSET"},
        {"[domain-name:value ISSUBSET 'x.example']", "ISSUBSET on a path that is not an address"},
        {"[file:size > 1000]", "object path Vigil cannot match"},
        {"[file:hashes.MD5 = h'00ff']", "value is not a string"},
        {"[file:hashes.'SHA-512' = 'aa']", "object path Vigil cannot match"},
        {"[x509-certificate:hashes.MD5 = 'aa']", "object path Vigil cannot match"},
        {"[EXISTS windows-registry-key:key]", "EXISTS"},
        {"[process:name = 'a' AND file:name = 'b']", "object path Vigil cannot match"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct parsed *r = parse(cases[i].pattern);
        assert_int_equal(r->rc, 0);
        assert_int_equal(r->sum.n_supported, 0);
        assert_true(r->sum.n_unsupported >= 1);
        assert_true(r->sum.unsupported_may_match);
        assert_string_equal(r->sum.reason, cases[i].reason);
        free(r);
    }
    /* partly supported: an unsupported comparison ORed with a supported one */
    struct parsed *r = parse("[domain-name:value = 'p.example' OR file:name = 'p.exe']");
    assert_int_equal(r->rc, 0);
    assert_int_equal(r->sum.n_supported, 1);
    assert_int_equal(r->sum.n_unsupported, 1);
    assert_true(r->sum.unsupported_may_match);
    free(r);
    r = parse("[domain-name:value IN ('a.example', 5)]");
    assert_int_equal(r->sum.n_supported, 1);
    assert_true(r->sum.unsupported_may_match);
    assert_string_equal(r->sum.reason, "value is not a string");
    free(r);
}

static void test_pattern_garbage(void **unused)
{
    static const struct {
        const char *pattern;
        const char *reason;
    } cases[] = {
        {"", "pattern ends where a comparison or '[' was expected"},
        {"   ", "pattern ends where a comparison or '[' was expected"},
        {"[", "pattern ends where a comparison or '[' was expected"},
        {"]]]", "expected a comparison or '['"},
        {"[]", "expected a comparison or '['"},
        {"[ipv4-addr:value = '1.2.3.4'", "'[' or '(' not closed"},
        {"[ipv4-addr:value = '1.2.3.4']]", "unbalanced ']' or ')'"},
        {"[ipv4-addr:value = '1.2.3.4')", "unbalanced ']' or ')'"},
        {"[ipv4-addr:value = '1.2.3.4", "unterminated string"},
        {"[ipv4-addr:value = '1.2.3.4\\']", "unterminated string"},
        {"[ipv4-addr:value = ]", "expected a value"},
        {"[ipv4-addr:value '1.2.3.4']", "expected a comparison operator"},
        {"[ipv4-addr:value = '1' OR]", "expected a comparison or '['"},
        {"[ipv4-addr:value = '1' '2']", "expected AND, OR, FOLLOWEDBY or a closing bracket"},
        {"ipv4-addr:value = '1.2.3.4'", "comparison outside '[ ]'"},
        {"[[ipv4-addr:value = '1.2.3.4']]", "'[' inside an observation"},
        {"[ipv4-addr:value = '1' FOLLOWEDBY ipv4-addr:value = '2']", "FOLLOWEDBY inside an observation"},
        {"[ipv4-addr:value = '1' WITHIN 5 SECONDS]", "qualifier not after an observation"},
        {"[ipv4-addr:value = '1'] WITHIN SECONDS", "expected a number in a qualifier"},
        {"[ipv4-addr:value = '1'] WITHIN 5 TIMES", "expected SECONDS"},
        {"[ipv4-addr:value = '1'] START t'2016-01-01T00:00:00Z'", "expected STOP"},
        {"[ipv4-addr:value IN 'a']", "expected '(' after IN"},
        {"[ipv4-addr:value IN ()]", "expected a value in the IN list"},
        {"[ipv4-addr:value IN ('a' 'b')]", "expected ',' or ')' in the IN list"},
        {"[ipv4-addr:value IN ('a',", "expected a value in the IN list"},
        {"[file:hashes.[x] = 'a']", "bad object path"},
        {"[file:hashes[ = 'a']", "bad list index in object path"},
        {"[file: = 'a']", "bad object path"},
        {"[ipv4-addr:value ! '1']", "'!' without '='"},
        {"[ipv4-addr:value = '1'] \x01", "unexpected character"},
        {"[ipv4-addr:value = '1'] AND", "pattern ends where a comparison or '[' was expected"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct parsed *r = parse(cases[i].pattern);
        if (r->rc != -1 || r->sum.reason == NULL || strcmp(r->sum.reason, cases[i].reason) != 0)
            fail_msg("pattern %zu \"%s\": rc %d reason \"%s\", want \"%s\"", i, cases[i].pattern, r->rc,
                     r->sum.reason ? r->sum.reason : "(null)", cases[i].reason);
        free(r);
    }
    /* input with a NUL in the middle: the length rules, not the NUL */
    char with_nul[] = "[ipv4-addr:value = '1.2.3.4']\0garbage";
    struct stix_comparison cmp[2];
    struct stix_pattern_summary sum;
    char arena[sizeof with_nul];
    assert_int_equal(stix_pattern_parse(with_nul, sizeof with_nul - 1, arena, sizeof arena, cmp, 2, &sum), -1);
    assert_int_equal(stix_pattern_parse(with_nul, strlen(with_nul), arena, sizeof arena, cmp, 2, &sum), 0);
}

static void test_pattern_deep_nesting(void **unused)
{
    enum { DEPTH = 10000 };
    char *p = malloc(DEPTH * 2 + 64);
    assert_non_null(p);
    char *arena = malloc(DEPTH * 2 + 64);
    assert_non_null(arena);
    struct stix_comparison cmp[2];
    struct stix_pattern_summary sum;

    memset(p, '[', DEPTH);
    assert_int_equal(stix_pattern_parse(p, DEPTH, arena, DEPTH, cmp, 2, &sum), -1);
    assert_string_equal(sum.reason, "'[' inside an observation");

    memset(p, '(', DEPTH);
    assert_int_equal(stix_pattern_parse(p, DEPTH, arena, DEPTH, cmp, 2, &sum), -1);
    assert_string_equal(sum.reason, "nested too deeply");

    /* the deepest accepted nesting still parses */
    size_t n = 0;
    for (int i = 0; i < STIX_PATTERN_MAX_DEPTH - 1; i++)
        p[n++] = '(';
    n += (size_t)snprintf(p + n, DEPTH * 2 + 64 - n, "[ipv4-addr:value = '1.2.3.4']");
    for (int i = 0; i < STIX_PATTERN_MAX_DEPTH - 1; i++)
        p[n++] = ')';
    assert_int_equal(stix_pattern_parse(p, n, arena, n, cmp, 2, &sum), 0);
    assert_int_equal(sum.n_supported, 1);

    /* and 10k nested parentheses inside an observation fail the same way */
    n = (size_t)snprintf(p, DEPTH * 2 + 64, "[");
    memset(p + n, '(', DEPTH);
    n += DEPTH;
    assert_int_equal(stix_pattern_parse(p, n, arena, n, cmp, 2, &sum), -1);
    assert_string_equal(sum.reason, "nested too deeply");
    free(p);
    free(arena);
}

static void test_pattern_more_than_max(void **unused)
{
    char p[4096];
    size_t n = (size_t)snprintf(p, sizeof p, "[");
    for (int i = 0; i < 40; i++)
        n += (size_t)snprintf(p + n, sizeof p - n, "%sdomain-name:value = 'd%d.example'", i ? " OR " : "", i);
    n += (size_t)snprintf(p + n, sizeof p - n, "]");
    char arena[4096];
    struct stix_comparison cmp[4];
    struct stix_pattern_summary sum;
    assert_int_equal(stix_pattern_parse(p, n, arena, sizeof arena, cmp, 4, &sum), 0);
    assert_int_equal(sum.n_supported, 40);
    assert_string_equal(cmp[3].value, "d3.example");
    /* an arena that is too small is reported, never overrun */
    assert_int_equal(stix_pattern_parse(p, n, arena, 20, cmp, 4, &sum), -1);
    assert_string_equal(sum.reason, "value arena too small");
}

/* ---- the loader ---- */

#define SHA256_A "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"

/* Relationships come before what they name: the loader must index first. */
static const char bundle[] =
    "{`type`: `bundle`, `id`: `bundle--1`, `objects`: ["
    " {`type`: `relationship`, `id`: `relationship--1`, `relationship_type`: `indicates`,"
    "  `source_ref`: `indicator--1`, `target_ref`: `malware--1`},"
    " {`type`: `relationship`, `id`: `relationship--2`, `relationship_type`: `indicates`,"
    "  `source_ref`: `indicator--1`, `target_ref`: `attack-pattern--1`},"
    " {`type`: `relationship`, `id`: `relationship--3`, `relationship_type`: `attributed-to`,"
    "  `source_ref`: `indicator--1`, `target_ref`: `threat-actor--1`},"
    " {`type`: `relationship`, `id`: `relationship--4`, `relationship_type`: `uses`,"
    "  `source_ref`: `malware--1`, `target_ref`: `attack-pattern--2`},"
    " {`type`: `relationship`, `id`: `relationship--5`, `relationship_type`: `attributed-to`,"
    "  `source_ref`: `malware--1`, `target_ref`: `intrusion-set--1`},"
    " {`type`: `relationship`, `id`: `relationship--6`, `relationship_type`: `mitigates`,"
    "  `source_ref`: `indicator--1`, `target_ref`: `malware--2`},"
    " {`type`: `relationship`, `id`: `relationship--7`, `relationship_type`: `indicates`,"
    "  `source_ref`: `indicator--1`, `target_ref`: `missing--1`},"
    " {`type`: `relationship`, `id`: `relationship--8`, `relationship_type`: `indicates`,"
    "  `source_ref`: `indicator--2`, `target_ref`: `campaign--1`},"
    " {`type`: `relationship`, `id`: `relationship--9`, `relationship_type`: `attributed-to`,"
    "  `source_ref`: `campaign--1`, `target_ref`: `threat-actor--1`},"
    " {`type`: `relationship`, `id`: `relationship--10`, `relationship_type`: `uses`,"
    "  `source_ref`: `intrusion-set--1`, `target_ref`: `malware--2`},"
    " {`type`: `indicator`, `spec_version`: `2.1`, `id`: `indicator--1`, `created_by_ref`: `identity--1`,"
    "  `name`: `Evil C2`, `description`: `not used when there is a name`,"
    "  `indicator_types`: [`malicious-activity`, `c2`], `labels`: [`apt`, `c2`],"
    "  `pattern_type`: `stix`, `pattern`: `[domain-name:value = 'c2.evil.example' OR ipv4-addr:value = '198.51.100.10']`,"
    "  `valid_from`: `2016-04-06T20:03:48.123456Z`, `valid_until`: `2016-04-07T02:03:48.5+05:00`},"
    " {`type`: `indicator`, `id`: `indicator--2`, `description`: `"
    "0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789"
    "0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789"
    "0123456789`, `pattern`: `[file:hashes.'SHA-256' = '" SHA256_A "']`,"
    "  `valid_from`: `2020-02-29T00:00:00Z`},"
    " {`type`: `malware`, `id`: `malware--1`, `name`: `Poison Ivy`, `is_family`: true},"
    " {`type`: `malware`, `id`: `malware--2`, `name`: `Not Related`},"
    " {`type`: `threat-actor`, `id`: `threat-actor--1`, `name`: `Evil Actor`},"
    " {`type`: `intrusion-set`, `id`: `intrusion-set--1`, `name`: `APT Nine`},"
    " {`type`: `attack-pattern`, `id`: `attack-pattern--1`, `name`: `Spearphishing Attachment`,"
    "  `external_references`: [{`source_name`: `capec`, `external_id`: `CAPEC-163`},"
    "                          {`source_name`: `mitre-attack`, `external_id`: `T1566.001`}]},"
    " {`type`: `attack-pattern`, `id`: `attack-pattern--2`, `name`: `Web Protocols, HTTP`},"
    " {`type`: `campaign`, `id`: `campaign--1`, `name`: `Operation X`},"
    " {`type`: `identity`, `id`: `identity--1`, `name`: `ACME CERT`, `identity_class`: `organization`}"
    "]}";

static void test_bundle_meta(void **unused)
{
    struct intel_load_report rep;
    struct intel_store *s = stix_load_q(bundle, &rep);
    print_examples(&rep);
    intel_harness_expect_report(&rep, "errors=0 unsupported=0 examples=0 DOMAIN=1 ADDR=1 FILE_HASH=1 total=3");

    const struct intel_meta *m = domain_meta(s, "www.c2.evil.example");
    intel_harness_expect_meta(m, "ACME CERT", "Evil C2", "stix:indicator--1", "apt,c2,malicious-activity");
    intel_harness_expect_attribution(m, "APT Nine,Evil Actor", "Poison Ivy", "Web Protocols; HTTP,T1566.001");
    assert_int_equal(m->threat_level, 0);
    assert_int_equal(m->valid_from_us, INT64_C(1459973028123456));
    assert_int_equal(m->valid_until_us, INT64_C(1459973028500000) + INT64_C(3600000000));
    const struct intel_entry *e = addr_entry(s, "198.51.100.10");
    assert_non_null(e);
    assert_ptr_equal(e->meta[0]->malware, m->malware); /* interned */

    e = intel_lookup(s, INTEL_FILE_HASH, SHA256_A, strlen(SHA256_A));
    assert_non_null(e);
    m = e->meta[0];
    assert_string_equal(m->source, "b.json");
    assert_int_equal(strlen(m->desc), 200);
    assert_int_equal(strncmp(m->desc, "0123456789", 10), 0);
    assert_string_equal(m->tags, "campaign:Operation X");
    assert_string_equal(m->actor, "Evil Actor");
    assert_null(m->malware);
    assert_null(m->attack);
    assert_int_equal(m->valid_from_us, INT64_C(1582934400000000));
    assert_int_equal(m->valid_until_us, 0);
    intel_store_free(s);
}

static void test_revoked_and_pattern_types(void **unused)
{
    struct intel_load_report rep;
    struct intel_store *s = stix_load_q(
        "{`type`: `bundle`, `objects`: ["
        " {`type`: `indicator`, `id`: `indicator--r`, `revoked`: true, `pattern`: `[domain-name:value = 'r.example']`},"
        " {`type`: `indicator`, `id`: `indicator--n`, `revoked`: false, `pattern`: `[domain-name:value = 'n.example']`},"
        " {`type`: `indicator`, `id`: `indicator--y`, `pattern_type`: `yara`, `pattern`: `rule x { condition: true }`},"
        " {`type`: `indicator`, `id`: `indicator--s`, `pattern_type`: `snort`, `pattern`: `alert tcp any any`},"
        " {`type`: `indicator`, `id`: `indicator--t`, `pattern_type`: 5, `pattern`: `[domain-name:value = 't.example']`}"
        "]}",
        &rep);
    intel_harness_expect_load(&rep, s, &(const struct intel_harness_expect){
        .counts = "revoked=1 DOMAIN=1 unsupported=3",
        .examples = {
            "b.json: indicator indicator--y: unsupported pattern_type: yara",
            "b.json: indicator indicator--s: unsupported pattern_type: snort",
            "b.json: indicator indicator--t: unsupported pattern_type",
        },
        .listed = "n.example",
        .absent = "r.example",
    });
    intel_store_free(s);
}

static void test_unsupported_patterns_listed(void **unused)
{
    struct intel_load_report rep;
    struct intel_store *s = stix_load_q(
        "[{`type`: `indicator`, `id`: `indicator--1`, `pattern`: `[file:name = 'CBricksDoc']`},"
        " {`type`: `indicator`, `id`: `indicator--2`, `pattern`: `[domain-name:value = 'p.example' OR file:name = 'p.exe']`},"
        " {`type`: `indicator`, `id`: `indicator--3`, `pattern`: `[domain-name:value = 'q.example' AND file:name = 'q.exe']`},"
        " {`type`: `indicator`, `id`: `indicator--4`, `pattern`: `[domain-name:value = 'broken.example'`},"
        " {`type`: `indicator`, `id`: `indicator--5`, `pattern`: `[ipv4-addr:value = 'not-an-address']`},"
        " {`type`: `indicator`, `id`: `indicator--6`},"
        " {`type`: `indicator`, `id`: `indicator--7`, `pattern`: [1]}]",
        &rep);
    intel_harness_expect_load(&rep, s, &(const struct intel_harness_expect){
        .counts = "DOMAIN=2 unsupported=2 errors=3 invalid=1",
        .examples = {
            "b.json: indicator indicator--1: unsupported STIX pattern (object path Vigil cannot match): "
            "[file:name = 'CBricksDoc']",
            "b.json: indicator indicator--2: STIX pattern partly unsupported (object path Vigil cannot match): "
            "[domain-name:value = 'p.example' OR file:name = 'p.exe']",
            "b.json: indicator indicator--4: bad STIX pattern ('[' or '(' not closed): "
            "[domain-name:value = 'broken.example'",
            "b.json: indicator indicator--5: invalid Intel::ADDR: not-an-address",
            "b.json: indicator indicator--6: indicator without a pattern string",
        },
        .ordered = true,
        .listed = "p.example q.example",
        .absent = "broken.example",
    });
    intel_store_free(s);
}

static void test_versions(void **unused)
{
    struct intel_load_report rep;
    struct intel_store *s = stix_load_q(
        "{`type`: `bundle`, `objects`: ["
        " {`type`: `indicator`, `id`: `indicator--1`, `modified`: `2020-01-02T00:00:00Z`, `revoked`: true,"
        "  `pattern`: `[domain-name:value = 'v1.example']`},"
        " {`type`: `indicator`, `id`: `indicator--1`, `modified`: `2020-01-01T00:00:00Z`,"
        "  `pattern`: `[domain-name:value = 'v1.example']`},"
        " {`type`: `indicator`, `id`: `indicator--2`, `modified`: `2020-01-01T00:00:00Z`,"
        "  `pattern`: `[domain-name:value = 'old.example']`},"
        " {`type`: `indicator`, `id`: `indicator--2`, `modified`: `2021-01-01T00:00:00.5Z`,"
        "  `pattern`: `[domain-name:value = 'new.example']`},"
        " {`type`: `indicator`, `id`: `indicator--2`, `modified`: `2021-01-01T00:00:00.25Z`,"
        "  `pattern`: `[domain-name:value = 'mid.example']`},"
        " {`type`: `relationship`, `id`: `relationship--1`, `relationship_type`: `indicates`,"
        "  `source_ref`: `indicator--2`, `target_ref`: `malware--1`},"
        " {`type`: `relationship`, `id`: `relationship--2`, `relationship_type`: `indicates`, `revoked`: true,"
        "  `source_ref`: `indicator--2`, `target_ref`: `threat-actor--1`},"
        " {`type`: `threat-actor`, `id`: `threat-actor--1`, `name`: `Revoked Link`},"
        " {`type`: `malware`, `id`: `malware--1`, `modified`: `2021-01-01T00:00:00Z`, `name`: `New Name`},"
        " {`type`: `malware`, `id`: `malware--1`, `modified`: `bad`, `name`: `Old Name`}"
        "]}",
        &rep);
    intel_harness_expect_load(&rep, s, &(const struct intel_harness_expect){
        .counts = "revoked=1 DOMAIN=1 errors=0",
        .absent = "v1.example old.example mid.example",
    });
    const struct intel_meta *m = domain_meta(s, "new.example");
    assert_string_equal(m->malware, "New Name");
    assert_null(m->actor);
    intel_store_free(s);
}

static void test_timestamps(void **unused)
{
    static const struct {
        const char *ts;
        int64_t us; /* 0: rejected */
    } cases[] = {
        {"1970-01-01T00:00:01Z", 1000000},
        {"2016-04-06T20:03:48Z", INT64_C(1459973028000000)},
        {"2016-04-06T20:03:48.1Z", INT64_C(1459973028100000)},
        {"2016-04-06T20:03:48.1234567Z", INT64_C(1459973028123456)},
        {"2016-04-06T22:03:48+02:00", INT64_C(1459973028000000)},
        {"2016-04-06T18:03:48-02:00", INT64_C(1459973028000000)},
        {"2016-04-06t20:03:48z", INT64_C(1459973028000000)},
        {"2000-02-29T00:00:00Z", INT64_C(951782400000000)},
        {"2100-02-29T00:00:00Z", 0},
        {"2016-13-01T00:00:00Z", 0},
        {"2016-04-06T24:00:00Z", 0},
        {"2016-04-06T20:03:48", 0},
        {"2016-04-06T20:03:48.Z", 0},
        {"2016-04-06T20:03:48Zjunk", 0},
        {"2016-04-06", 0},
        {"", 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char json[512];
        snprintf(json, sizeof json,
                 "{`type`: `indicator`, `id`: `indicator--1`, `valid_from`: `%s`,"
                 " `pattern`: `[domain-name:value = 't.example']`}",
                 cases[i].ts);
        struct intel_load_report rep;
        struct intel_store *s = stix_load_q(json, &rep);
        const struct intel_meta *m = domain_meta(s, "t.example");
        if (m->valid_from_us != cases[i].us)
            fail_msg("%s: %lld, want %lld", cases[i].ts, (long long)m->valid_from_us, (long long)cases[i].us);
        assert_int_equal(rep.n_examples, cases[i].us == 0 ? 1 : 0);
        intel_store_free(s);
    }
}

static void test_wrappers_and_malformed(void **unused)
{
    struct intel_load_report rep;
    /* a single indicator object */
    struct intel_store *s = stix_load_q(
        "{`type`: `indicator`, `id`: `indicator--1`, `pattern`: `[url:value = 'http://one.example/x']`}", &rep);
    assert_int_equal(rep.added[INTEL_URL], 1);
    intel_store_free(s);

    static const struct {
        const char *json;
        uint64_t errors;
        const char *example;
    } cases[] = {
        {"{`type`: `bundle`, `objects`: [{`type`: `indicator`, `pattern`: `[url:value", 1, NULL},
        {"", 1, NULL},
        {"{`type`: `bundle`, `objects`: `x`}", 1, "b.json: bundle objects is not a list"},
        {"{`type`: `bundle`}", 0, "b.json: no STIX object in the file"},
        {"{}", 0, "b.json: no STIX object in the file"},
        {"[]", 0, "b.json: no STIX object in the file"},
        {"[1, `x`, null, [], {}]", 0, "b.json: no STIX object in the file"},
        {"{`$schema`: `x`, `allOf`: []}", 0, "b.json: no STIX object in the file"},
        {"{`Event`: {`Attribute`: []}}", 0, "b.json: no STIX object in the file"},
        {"42", 0, "b.json: no STIX object in the file"},
        {"{`type`: `indicator`, `id`: 5, `pattern`: `[url:value = 'http://x.example/']`}", 0,
         "b.json: no STIX object in the file"},
        {"{`type`: `campaign`, `id`: `campaign--1`}", 0, NULL},
        {"[{`type`: `indicator`, `id`: `indicator--1`, `pattern`: `[domain-name:value = 'w.example']`,"
         " `labels`: `x`, `indicator_types`: [1, null], `name`: 5, `created_by_ref`: 7, `valid_from`: 1,"
         " `revoked`: `yes`},"
         " {`type`: `relationship`, `id`: `relationship--1`, `source_ref`: `indicator--1`, `target_ref`: 5,"
         "  `relationship_type`: `indicates`},"
         " {`type`: `relationship`, `id`: `relationship--2`, `source_ref`: 5}]",
         0, NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        s = stix_load_q(cases[i].json, &rep);
        print_examples(&rep);
        assert_int_equal(rep.errors, cases[i].errors);
        if (cases[i].example != NULL)
            assert_true(has_example(&rep, cases[i].example));
        else if (cases[i].errors == 0)
            assert_int_equal(rep.n_examples, 0);
        intel_store_free(s);
    }
}

static void test_huge_bundle(void **unused)
{
    /* one indicator with a 2000-way OR and a long name; 3000 relationships to one malware */
    enum { ORS = 2000, RELS = 3000 };
    size_t cap = (size_t)ORS * 64 + (size_t)RELS * 160 + 4096;
    char *json = malloc(cap);
    assert_non_null(json);
    size_t off = (size_t)snprintf(json, cap, "{`type`: `bundle`, `objects`: [{`type`: `indicator`, `id`: `indicator--1`, "
                                             "`name`: `");
    memset(json + off, 'n', 5000);
    off += 5000;
    off += (size_t)snprintf(json + off, cap - off, "`, `pattern`: `[");
    for (int i = 0; i < ORS; i++)
        off += (size_t)snprintf(json + off, cap - off, "%sdomain-name:value = 'h%d.example'", i ? " OR " : "", i);
    off += (size_t)snprintf(json + off, cap - off, "]`}");
    for (int i = 0; i < RELS; i++)
        off += (size_t)snprintf(json + off, cap - off,
                                ", {`type`: `relationship`, `id`: `relationship--%d`, `relationship_type`: `indicates`,"
                                " `source_ref`: `indicator--1`, `target_ref`: `malware--%d`}",
                                i, i % 2);
    off += (size_t)snprintf(json + off, cap - off,
                            ", {`type`: `malware`, `id`: `malware--0`, `name`: `M0`},"
                            " {`type`: `malware`, `id`: `malware--1`, `name`: `M1`}]}");
    assert_true(off < cap);
    struct intel_load_report rep;
    struct intel_store *s = stix_load_q(json, &rep);
    free(json);
    assert_int_equal(rep.errors, 0);
    assert_int_equal(rep.added[INTEL_DOMAIN], ORS);
    const struct intel_meta *m = domain_meta(s, "h1999.example");
    assert_int_equal(strlen(m->desc), 200);
    assert_string_equal(m->malware, "M0,M1");
    intel_store_free(s);
}

/* ---- the OASIS examples ---- */

static void test_real_examples(void **unused)
{
    struct stat st;
    if (stat(SHARED_STIX, &st) != 0)
        skip();
    struct intel_store *s = intel_store_new();
    assert_non_null(s);
    struct intel_harness_totals t;
    memset(&t, 0, sizeof t);
    intel_harness_load_real_dir(s, intel_load_stix, SHARED_STIX, ".json", &t);
    print_message("%s: %llu files; addr %llu subnet %llu domain %llu url %llu hash %llu email %llu cert %llu; "
                  "%llu duplicates, %llu invalid, %llu unsupported, %llu revoked\n",
                  SHARED_STIX, (unsigned long long)t.files, (unsigned long long)t.added[INTEL_ADDR],
                  (unsigned long long)t.added[INTEL_SUBNET], (unsigned long long)t.added[INTEL_DOMAIN],
                  (unsigned long long)t.added[INTEL_URL], (unsigned long long)t.added[INTEL_FILE_HASH],
                  (unsigned long long)t.added[INTEL_EMAIL], (unsigned long long)t.added[INTEL_CERT_HASH],
                  (unsigned long long)t.duplicates, (unsigned long long)t.invalid, (unsigned long long)t.unsupported,
                  (unsigned long long)t.revoked);
    assert_int_equal(t.files, 28);
    assert_true(t.added[INTEL_SUBNET] >= 4);
    assert_true(t.added[INTEL_DOMAIN] >= 20);
    assert_true(t.added[INTEL_FILE_HASH] >= 4);

    /* apt1.json: a /15 from Appendix D, indicating the threat actor */
    const struct intel_entry *e = addr_entry(s, "223.167.1.1");
    assert_non_null(e);
    assert_int_equal(e->type, INTEL_SUBNET);
    assert_string_equal(e->indicator, "223.166.0.0/15");
    /* poisonivy.json: a C2 name, indicating the malware and a campaign */
    const struct intel_meta *m = domain_meta(s, "www.webserver.dynssl.com");
    assert_string_equal(m->malware, "PIVY Variant (8010cae3e8431bb11ed6dc9acabb93b7;)");
    assert_string_equal(m->tags, "malicious-activity,attribution,campaign:admin@338");
    assert_string_equal(m->attack, "Spear Phishing Attack Pattern used by admin@338");
    assert_int_equal(m->valid_from_us, INT64_C(1431681136432678));
    /* apt1.json: a name indicating the threat actor directly */
    m = domain_meta(s, "hugesoft.org");
    assert_string_equal(m->actor, "Ugly Gorilla");
    assert_string_equal(m->desc, "FQDN hugesoft.org");
    intel_store_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pattern_paths),
        cmocka_unit_test(test_pattern_operators),
        cmocka_unit_test(test_pattern_escapes_and_spaces),
        cmocka_unit_test(test_pattern_qualifiers),
        cmocka_unit_test(test_pattern_unsupported),
        cmocka_unit_test(test_pattern_garbage),
        cmocka_unit_test(test_pattern_deep_nesting),
        cmocka_unit_test(test_pattern_more_than_max),
        cmocka_unit_test(test_bundle_meta),
        cmocka_unit_test(test_revoked_and_pattern_types),
        cmocka_unit_test(test_unsupported_patterns_listed),
        cmocka_unit_test(test_versions),
        cmocka_unit_test(test_timestamps),
        cmocka_unit_test(test_wrappers_and_malformed),
        cmocka_unit_test(test_huge_bundle),
        cmocka_unit_test(test_real_examples),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
