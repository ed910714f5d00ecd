/* The short-capture detectors' pieces: the thresholds file, the windowed
 * table, the name split, and the verdicts over evidence shaped like each
 * tunnel and like its benign look-alike (ping, a big-MTU ping, a CDN's
 * hashed names, SPF records). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detect/dns_name.h"
#include "detect/short_config.h"
#include "detect/short_score.h"
#include "detect/short_window.h"
#include "unit/tmpdir_harness.h"

static uint64_t lcg = 0x2545f4914f6cdd1dULL;

static uint8_t next_byte(void)
{
    lcg = lcg * 6364136223846793005ULL + 1442695040888963407ULL;
    return (uint8_t)(lcg >> 33);
}

static void random_text(char *out, size_t n, const char *alphabet)
{
    size_t k = strlen(alphabet);
    for (size_t i = 0; i < n; i++)
        out[i] = alphabet[next_byte() % k];
    out[n] = '\0';
}

static struct short_thresholds shipped(void)
{
    struct short_thresholds t;
    char err[256] = "";
    assert_true(short_thresholds_load("data/short_capture.tsv", &t, err, sizeof err));
    return t;
}

static void test_shipped_thresholds(void **unused)
{
    struct short_thresholds t = shipped();
    assert_int_equal(t.icmp_window_us, 120LL * 1000000);
    assert_int_equal(t.icmp_min_requests, 20);
    assert_true(t.dns_tunnel_min_entropy > 3.0 && t.dns_tunnel_min_entropy < 4.0);
    assert_int_equal(t.txt_window_us, 300LL * 1000000);
}

/* The thresholds in text fail to load with expect_in_err in one error line naming the file. */
static void load_expecting(const char *text, const char *expect_in_err)
{
    char path[64];
    tmpfile_with(path, sizeof path, "short", text);
    struct short_thresholds t;
    char err[256] = "";
    assert_false(short_thresholds_load(path, &t, err, sizeof err));
    assert_non_null(strstr(err, expect_in_err));
    assert_non_null(strstr(err, path));
    assert_null(strchr(err, '\n'));
    unlink(path);
}

static void test_bad_thresholds(void **unused)
{
    load_expecting("icmp_window_seconds\t120\n", "is missing");
    load_expecting("icmp_window_seconds\t120\nno_such_setting\t1\n", "unknown setting 'no_such_setting'");
    load_expecting("icmp_varying_share\t1.5\n", "bad value for 'icmp_varying_share'");
    load_expecting("icmp_min_requests\t-3\n", "bad value for 'icmp_min_requests'");
    load_expecting("dns_tunnel_min_entropy\t9\n", "bad value");
    load_expecting("icmp_window_seconds 120\n", "expected setting<TAB>value");
    struct short_thresholds t;
    char err[256];
    assert_false(short_thresholds_load("/nonexistent/short.tsv", &t, err, sizeof err));
    assert_non_null(strstr(err, "/nonexistent/short.tsv"));
}

struct tiny_entry {
    struct short_slot slot;
    unsigned count;
};

static void test_window_table(void **unused)
{
    struct short_table t;
    assert_true(short_table_init(&t, sizeof(struct tiny_entry), 4));
    struct tiny_entry *e = short_table_get(&t, 42, 1000000, 60000000, "Cfirst");
    e->count = 5;
    e = short_table_get(&t, 42, 30000000, 60000000, "Clater");
    assert_int_equal(e->count, 5);
    assert_string_equal(e->slot.first_uid, "Cfirst");
    e = short_table_get(&t, 42, 62000000, 60000000, "Cnext"); /* the window is over: it starts again */
    assert_int_equal(e->count, 0);
    assert_string_equal(e->slot.first_uid, "Cnext");
    for (uint64_t k = 100; k < 200; k++) /* far more keys than room: the table starts again, never grows */
        assert_non_null(short_table_get(&t, k, 0, 60000000, NULL));
    assert_true(t.resets > 0);
    assert_true(t.used <= t.cap / 2);
    short_table_free(&t);
}

static void test_name_split(void **unused)
{
    bool owned;
    char err[256];
    psl_ctx_t *psl = dns_psl_load(NULL, &owned, err, sizeof err);
    assert_non_null(psl);
    struct dns_name_parts p;
    const char *q = "paaab2c.t.pirate-tunnel.net";
    assert_true(dns_name_split(psl, q, strlen(q), &p));
    assert_true(p.registered);
    assert_int_equal(p.key_len, strlen("pirate-tunnel.net"));
    assert_memory_equal(p.key, "pirate-tunnel.net", p.key_len);
    assert_int_equal(p.sub_len, strlen("paaab2c.t"));
    q = "dnscat.0a1b2c3d4e.5f6a7b";
    assert_true(dns_name_split(psl, q, strlen(q), &p));
    assert_false(p.registered);
    assert_int_equal(p.key_len, 6);
    q = "4.3.2.1.in-addr.arpa";
    assert_false(dns_name_split(psl, q, strlen(q), &p));
    assert_true(dns_qtype_is_odd(10) && dns_qtype_is_odd(16) && dns_qtype_is_odd(65399));
    assert_false(dns_qtype_is_odd(1) || dns_qtype_is_odd(28));
    if (owned)
        psl_free(psl);
}

static void test_payload_entropy(void **unused)
{
    uint8_t p[600];
    for (size_t i = 0; i < sizeof p; i++)
        p[i] = next_byte();
    assert_true(payload_entropy_ratio(p, sizeof p) > 0.9);
    assert_true(payload_entropy_ratio(p, 64) > 0.85);
    memset(p, 0, sizeof p);
    assert_true(payload_entropy_ratio(p, sizeof p) < 0.01);
    assert_true(payload_entropy_ratio(p, 15) == 0.0); /* too short to tell */
}

static void test_icmp_verdicts(void **unused)
{
    struct short_thresholds th = shipped();
    char why[160] = "";
    /* ping: 100 requests, one pattern (the clock aside), mirrored replies; its incrementing pattern looks random */
    struct icmp_evidence ping = {.requests = 100, .varying = 0, .replies = 100, .asymmetric = 0, .random = 200,
                                 .payload_bytes = 200 * 56};
    assert_false(icmp_tunnel_verdict(&ping, &th, why, sizeof why));
    /* a big-MTU ping test: large, but the same payload every time */
    struct icmp_evidence mtu = ping;
    mtu.payload_bytes = 200 * 1472;
    assert_false(icmp_tunnel_verdict(&mtu, &th, why, sizeof why));
    /* replies lost or answered by another stack, still one pattern */
    struct icmp_evidence lossy = ping;
    lossy.asymmetric = 100;
    assert_false(icmp_tunnel_verdict(&lossy, &th, why, sizeof why));
    /* a tunnel: every request different, random, the replies other data */
    struct icmp_evidence tunnel = {.requests = 30, .varying = 29, .replies = 30, .asymmetric = 30, .random = 60,
                                   .payload_bytes = 60 * 500};
    assert_true(icmp_tunnel_verdict(&tunnel, &th, why, sizeof why));
    assert_non_null(strstr(why, "varying 100%"));
    /* the same, too few requests yet */
    tunnel.requests = 10;
    tunnel.varying = 9;
    assert_false(icmp_tunnel_verdict(&tunnel, &th, NULL, 0));
    /* varying but small, printable and mirrored: a counter in the payload, not data */
    struct icmp_evidence counter = {.requests = 60, .varying = 59, .replies = 60, .random = 0,
                                    .payload_bytes = 120 * 32};
    assert_false(icmp_tunnel_verdict(&counter, &th, NULL, 0));
}

static void add_names(struct dns_domain_evidence *e, unsigned n, size_t len, const char *alphabet, const char *suffix,
                      uint16_t qtype, int64_t step_us)
{
    char sub[200];
    for (unsigned i = 0; i < n; i++) {
        random_text(sub, len, alphabet);
        if (suffix)
            snprintf(sub + len, sizeof sub - len, "%s", suffix);
        dns_domain_add_query(e, sub, strlen(sub), qtype, (int64_t)i * step_us);
    }
}

static void test_dns_tunnel_verdicts(void **unused)
{
    struct short_thresholds th = shipped();
    struct dns_domain_evidence iodine = {0};
    add_names(&iodine, 60, 110, "abcdefghijklmnopqrstuvwxyz012345", NULL, 10, 400000);
    assert_true(dns_tunnel_verdict(&iodine, &th));
    assert_true(dns_domain_mean_length(&iodine) > 100);
    /* iodine over A records: the rate gives it away */
    struct dns_domain_evidence fast = {0};
    add_names(&fast, 120, 110, "abcdefghijklmnopqrstuvwxyz012345", NULL, 1, 250000);
    assert_true(dns_tunnel_verdict(&fast, &th));
    /* a CDN: 32-hex names, A lookups at a browser's pace */
    struct dns_domain_evidence cdn = {0};
    add_names(&cdn, 80, 32, "0123456789abcdef", ".edge", 1, 1400000);
    assert_false(dns_tunnel_verdict(&cdn, &th));
    /* a CDN's short names in many odd records (CNAME chains): too short */
    struct dns_domain_evidence chains = {0};
    add_names(&chains, 80, 12, "abcdefghijklmnopqrstuvwxyz", NULL, 5, 1000000);
    assert_false(dns_tunnel_verdict(&chains, &th));
    /* the same long name again and again: not many distinct */
    struct dns_domain_evidence same = {0};
    for (int i = 0; i < 80; i++)
        dns_domain_add_query(&same, "k8f2j9d0s7a6g5h4j3k2l1z0x9c8v7b6n5m4", 36, 16, i * 100000);
    assert_false(dns_tunnel_verdict(&same, &th));
}

static void test_encoded_text(void **unused)
{
    char t[200];
    random_text(t, 80, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/");
    assert_true(text_looks_encoded(t, strlen(t)));
    random_text(t, 32, "0123456789abcdef");
    assert_true(text_looks_encoded(t, strlen(t)));
    const char *spf = "v=spf1 include:_spf.mail-example.com ~all";
    assert_false(text_looks_encoded(spf, strlen(spf)));
    const char *words = "thisisaverylongwordthatrepeatsitselfthisisaverylongword";
    assert_false(text_looks_encoded(words, strlen(words)));
    const char *runs = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA0000";
    assert_false(text_looks_encoded(runs, strlen(runs)));
    assert_false(text_looks_encoded("aGVsbG8gd29ybGQ", 15)); /* under 16 characters */
}

static void test_txt_verdicts(void **unused)
{
    struct short_thresholds th = shipped();
    struct dns_domain_evidence c2 = {0}, spf = {0};
    for (int i = 0; i < 12; i++) {
        char answer[100];
        random_text(answer, 60, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/");
        dns_domain_add_query(&c2, "cmd", 3, 16, i * 10000000LL);
        c2.txt_answers++;
        distinct_add(&c2.answers, hash64(answer, 60, 1));
        c2.encoded_answers += text_looks_encoded(answer, 60);
        dns_domain_add_query(&spf, "", 0, 16, i * 10000000LL);
        spf.txt_answers++;
        distinct_add(&spf.answers, 7);
    }
    assert_true(txt_channel_verdict(&c2, &th));
    assert_false(txt_channel_verdict(&spf, &th));
    /* long encoded query names are the tunnel's, not a command channel's */
    struct dns_domain_evidence upload = c2;
    upload.sub_chars = (uint64_t)upload.queries * 90;
    assert_false(txt_channel_verdict(&upload, &th));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shipped_thresholds), cmocka_unit_test(test_bad_thresholds),
        cmocka_unit_test(test_window_table),       cmocka_unit_test(test_name_split),
        cmocka_unit_test(test_payload_entropy),    cmocka_unit_test(test_icmp_verdicts),
        cmocka_unit_test(test_dns_tunnel_verdicts), cmocka_unit_test(test_encoded_text),
        cmocka_unit_test(test_txt_verdicts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
