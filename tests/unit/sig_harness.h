/* What the signature unit tests share: a rule set built from strings, a
 * detector sink that records which rules fired (their sids, the last
 * alert's rule file and EVE extras), a matcher worker writing to it, and
 * the packets and stream chunks fed to it. Included by one test file each
 * (static functions, no object). */
#ifndef VIGIL_TESTS_UNIT_SIG_HARNESS_H
#define VIGIL_TESTS_UNIT_SIG_HARNESS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detect/alert-t.h"
#include "decode/packet-t.h"
#include "proto/conn-t.h"
#include "detect/sink-t.h"
#include "sig/sig.h"

struct fired {
    unsigned n;
    uint32_t sids[64];
    char file[256];
    char extra[1024];
    struct detect_sink sink;
};

static inline void on_alert(void *ctx, const struct alert *a)
{
    struct fired *f = ctx;
    if (f->n < 64)
        f->sids[f->n] = a->signature_id;
    f->n++;
    snprintf(f->file, sizeof f->file, "%s", a->rule_file);
    snprintf(f->extra, sizeof f->extra, "%s", a->eve_extra ? a->eve_extra : "");
}

/* A detector sink that records what fired. */
static inline struct sig_worker *worker_for(const struct sig_set *s, struct fired *f)
{
    f->sink = (struct detect_sink){.ctx = f, .alert = on_alert};
    struct sig_worker *w = sig_worker_new(s, &f->sink);
    assert_non_null(w);
    return w;
}

static inline bool fired(const struct fired *f, uint32_t sid)
{
    for (unsigned i = 0; i < f->n && i < 64; i++)
        if (f->sids[i] == sid)
            return true;
    return false;
}

/* Checks that every sid in `fire` fired and none in `quiet` did (both
 * lists of sids separated by spaces). */
static inline void expect_sids(const struct fired *f, const char *fire, const char *quiet)
{
    for (int want = 1; want >= 0; want--) {
        const char *p = want ? fire : quiet;
        while (*p) {
            char *end;
            unsigned long sid = strtoul(p, &end, 10);
            if (end == p)
                fail_msg("expect_sids: bad list '%s'", want ? fire : quiet);
            if (fired(f, (uint32_t)sid) != (want == 1))
                fail_msg("sid %lu: fired %d, expected %d", sid, fired(f, (uint32_t)sid), want);
            p = end + strspn(end, " ");
        }
    }
}

/* The rules compiled as one set read from `file` (rule i on line i + 1),
 * the prefilter cache in `cache` (NULL: none); a refused rule fails the
 * test with its reason. */
static inline struct sig_set *rules_set(const char *const *rules, size_t n, const char *file, const char *cache)
{
    struct sig_set *s = sig_set_new(NULL);
    assert_non_null(s);
    assert_true(sig_set_cache_dir(s, cache));
    for (size_t i = 0; i < n; i++) {
        char why[600] = "";
        if (sig_set_add_rule(s, rules[i], file, (unsigned)i + 1, why, sizeof why) != 0)
            fail_msg("rule %zu refused: %s", i, why);
    }
    char err[256] = "";
    if (!sig_set_compile(s, err, sizeof err))
        fail_msg("compile: %s", err);
    return s;
}

/* The client and server of the tests' connections. */
#define TEST_CLIENT "192.168.1.10"
#define TEST_SERVER "93.184.216.34"

/* A packet between two addresses with the given payload (NULL: none). */
static inline void test_packet(struct packet *p, uint8_t l4_proto, const char *src, uint16_t sp, const char *dst, uint16_t dp,
                        const char *payload)
{
    memset(p, 0, sizeof *p);
    p->ip_version = 4;
    p->ts_us = 1;
    p->l4_proto = l4_proto;
    p->sport = sp;
    p->dport = dp;
    assert_true(ip_addr_parse(src, &p->src));
    assert_true(ip_addr_parse(dst, &p->dst));
    p->ip_version = ip_addr_is_v4(&p->src) ? 4 : 6;
    p->payload = (const uint8_t *)payload;
    p->payload_caplen = p->payload_len = payload ? (uint32_t)strlen(payload) : 0;
}

/* n stream bytes of an established flow between the test client (port
 * 40000) and the server's port, at offset in their direction. */
static inline void test_stream_at(struct sig_worker *w, uint64_t flow, bool to_server, uint16_t server_port, uint64_t offset,
                           int64_t ts, const char *data, size_t n)
{
    struct sig_flow_info fi = {.flow_id = flow, .to_server = to_server, .established = true};
    struct sig_endpoints e = {.sp = 40000, .dp = server_port, .offset = offset};
    assert_true(ip_addr_parse(TEST_CLIENT, &e.src));
    assert_true(ip_addr_parse(TEST_SERVER, &e.dst));
    if (!to_server)
        e = (struct sig_endpoints){.src = e.dst, .dst = e.src, .sp = e.dp, .dp = e.sp, .offset = offset};
    sig_stream(w, &fi, &e, ts, (const uint8_t *)data, n);
}

/* The rules a fixture test runs on (its cmocka initial state), compiled as
 * one set read from file. */
struct sig_rules {
    const char *file;
    const char *const *rules;
    size_t n;
};

/* A fixture test's state: the compiled rules and one worker whose alerts
 * land in f. */
struct sig_case {
    struct sig_set *set;
    struct sig_worker *w;
    struct fired f;
};

static inline int sig_case_setup(void **state)
{
    const struct sig_rules *r = *state;
    struct sig_case *c = calloc(1, sizeof *c);
    assert_non_null(c);
    c->set = rules_set(r->rules, r->n, r->file, NULL);
    c->w = worker_for(c->set, &c->f);
    *state = c;
    return 0;
}

static inline int sig_case_teardown(void **state)
{
    struct sig_case *c = *state;
    sig_worker_free(c->w);
    sig_set_free(c->set);
    free(c);
    return 0;
}

/* A cmocka test of fn on the rules of the array `rules`, read from file. */
#define SIG_CASE_TEST(fn, file, rules)                                                                       \
    cmocka_unit_test_prestate_setup_teardown(fn, sig_case_setup, sig_case_teardown,                           \
                                             ((void *)&(const struct sig_rules){file, rules, sizeof rules / sizeof rules[0]}))

/* A connection of the given protocol to the server port, as a transaction's. */
static inline struct app_conn test_conn(uint8_t proto, uint16_t resp_p, uint64_t flow_id)
{
    struct app_conn c;
    memset(&c, 0, sizeof c);
    c.proto = proto;
    c.resp_p = resp_p;
    c.flow_id = flow_id;
    return c;
}

#endif
