/* Beacon scoring: planted beacons of every period and jitter score over the
 * threshold and above every benign pattern; benign patterns stay below it.
 * All traffic is synthetic, from a seeded xorshift generator, fed as
 * conn.log rows in order of flow end (so starts arrive slightly out of
 * order, as they do from a real conn.log). VIGIL_TEST_VERBOSE=1 prints the
 * score table. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detect/behavior.h"
#include "unit/behavior_harness.h"

#define US 1000000LL
#define MINUTE (60 * US)
#define HOUR (3600 * US)
#define DAY (24 * HOUR)
/* Monday 2024-01-01 00:00 UTC */
#define T0 (1704067200LL * US)

/* ------------------------------------------------------------ generators */

static double rng_exp(struct rng *r, double mean)
{
    return -mean * log(1.0 - rng_unit(r));
}

struct gconn {
    int64_t ts, dur;
    uint64_t out, in;
};

struct glist {
    struct gconn *v;
    size_t n, cap;
};

static void glist_add(struct glist *l, int64_t ts, int64_t dur, uint64_t out, uint64_t in)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 256;
        l->v = realloc(l->v, l->cap * sizeof *l->v);
        assert_non_null(l->v);
    }
    l->v[l->n++] = (struct gconn){ts, dur, out, in};
}

/* A small request/response of roughly constant size (+-10 %). */
static void small_exchange(struct rng *r, uint64_t *out, uint64_t *in)
{
    *out = (uint64_t)(400 * rng_range(r, 0.9, 1.1));
    *in = (uint64_t)(1500 * rng_range(r, 0.9, 1.1));
}

/* Every `period` s with uniform jitter +-jitter*period, from start for span. */
static void gen_beacon(struct glist *l, struct rng *r, int64_t start, int64_t span, double period, double jitter)
{
    double t = 0;
    while (t < (double)span) {
        uint64_t out, in;
        small_exchange(r, &out, &in);
        glist_add(l, start + (int64_t)t, (int64_t)(rng_range(r, 0.05, 2.0) * US), out, in);
        t += period * US * (1.0 + jitter * rng_range(r, -1.0, 1.0));
    }
}

/* Every 5 min (10 % jitter), 09:00-17:00 on Monday to Friday. */
static void gen_sleeping_beacon(struct glist *l, struct rng *r)
{
    for (int day = 0; day < 5; day++)
        gen_beacon(l, r, T0 + day * DAY + 9 * HOUR, 8 * HOUR, 300, 0.1);
}

static uint64_t lognormal_size(struct rng *r)
{
    /* log-uniform-ish between 500 B and 2 MB, heavier in the middle */
    double u = (rng_unit(r) + rng_unit(r) + rng_unit(r)) / 3.0;
    return (uint64_t)exp(log(500.0) + u * (log(2e6) - log(500.0)));
}

/* Poisson arrivals, mean 3 min, over 8 h of a working day. */
static void gen_browsing(struct glist *l, struct rng *r)
{
    double t = 0;
    while (t < 8.0 * 3600) {
        uint64_t size = lognormal_size(r);
        glist_add(l, T0 + 9 * HOUR + (int64_t)(t * US), (int64_t)(rng_range(r, 0.1, 20) * US), size / 20, size);
        t += rng_exp(r, 180.0);
    }
}

/* A user visiting one site: bursts of 10 connections within 30 s, 4 times a day at random times, 3 days. */
static void gen_bursty_user(struct glist *l, struct rng *r)
{
    for (int day = 0; day < 3; day++)
        for (int burst = 0; burst < 4; burst++) {
            int64_t at = T0 + day * DAY + 8 * HOUR + (int64_t)(rng_range(r, 0, 10 * 3600) * US);
            for (int k = 0; k < 10; k++) {
                uint64_t size = lognormal_size(r);
                glist_add(l, at + (int64_t)(rng_range(r, 0, 30) * US), (int64_t)(rng_range(r, 0.1, 5) * US),
                          size / 20, size);
            }
        }
}

/* A software update check 4 times a day at random hours, a week; near-constant small sizes. */
static void gen_update_check(struct glist *l, struct rng *r)
{
    for (int day = 0; day < 7; day++)
        for (int k = 0; k < 4; k++) {
            uint64_t out, in;
            small_exchange(r, &out, &in);
            glist_add(l, T0 + day * DAY + (int64_t)(rng_range(r, 0, 24 * 3600) * US), US / 2, out, in);
        }
}

/* A mail client that polls irregularly: whenever the user is active, every
 * 1 to 15 minutes (uniform), over a working day; small near-constant sizes. */
static void gen_mail_polling(struct glist *l, struct rng *r)
{
    double t = 0;
    while (t < 8.0 * 3600) {
        uint64_t out, in;
        small_exchange(r, &out, &in);
        glist_add(l, T0 + 9 * HOUR + (int64_t)(t * US), US, out, in);
        t += rng_range(r, 60, 900);
    }
}

/* ------------------------------------------------------------ the harness */

static int cmp_end(const void *a, const void *b)
{
    const struct gconn *x = a, *y = b;
    int64_t ex = x->ts + x->dur, ey = y->ts + y->dur;
    return ex < ey ? -1 : ex > ey;
}

struct flow_spec {
    struct ip_addr src, dst;
    uint16_t port;
    uint8_t proto;
    const char *service;
};

/* Feeds the list as conn.log would write it: in order of flow end. */
static void feed(struct behavior *b, const struct flow_spec *s, struct glist *l, unsigned *uid_seq)
{
    qsort(l->v, l->n, sizeof *l->v, cmp_end);
    for (size_t i = 0; i < l->n; i++) {
        char uid[32];
        snprintf(uid, sizeof uid, "C%08u", (*uid_seq)++);
        struct obs_conn c = {
            .ts_us = l->v[i].ts, .duration_us = l->v[i].dur, .uid = uid, .orig_h = s->src, .resp_h = s->dst,
            .orig_p = 50000, .resp_p = s->port, .proto = s->proto, .service = s->service,
            .conn_state = "SF", .orig_bytes = l->v[i].out, .resp_bytes = l->v[i].in,
        };
        behavior_conn(b, &c);
    }
}

static struct behavior *new_behavior(double threshold, struct sink *sink)
{
    struct behavior_config cfg;
    behavior_config_defaults(&cfg);
    cfg.beacon_threshold = threshold;
    char err[256];
    struct behavior *b = behavior_new(&cfg, capture, sink, err, sizeof err);
    assert_non_null(b);
    return b;
}

static const struct captured *find_beacon(const struct sink *s, const struct ip_addr *src, const char *reason)
{
    for (size_t i = 0; i < s->n; i++)
        if (s->v[i].f.kind == FINDING_BEACON && ip_addr_cmp(&s->v[i].f.src, src) == 0 &&
            strcmp(s->v[i].f.reason, reason) == 0)
            return &s->v[i];
    return NULL;
}

static bool verbose(void)
{
    const char *v = getenv("VIGIL_TEST_VERBOSE");
    return v != NULL && v[0] == '1';
}

static void print_finding(const char *label, const struct finding *f)
{
    if (!verbose())
        return;
    fprintf(stderr, "%-28s score %.3f ts %.3f hist %.3f size %.3f count %.3f n %4llu ivl %8.1f jit %.3f %s\n", label,
            f->score, f->ts_score, f->hist_score, f->size_score, f->count_score, (unsigned long long)f->count,
            f->interval_s, f->jitter, f->attack);
}

/* ------------------------------------------------------------ scenarios */

enum { N_PERIODS = 4, N_JITTERS = 3, N_BEACONS = N_PERIODS * N_JITTERS + 1 };
static const double periods[N_PERIODS] = {10, 60, 300, 3600};
static const double jitters[N_JITTERS] = {0.0, 0.1, 0.3};

enum benign { BENIGN_BROWSING, BENIGN_BURSTY, BENIGN_UPDATE, BENIGN_MAIL, N_BENIGN };
static const char *const benign_names[N_BENIGN] = {"random browsing", "bursty user", "update check",
                                                   "irregular mail poll"};

/* Plants every beacon on 10.0.1.i -> 198.51.100.i and every benign pattern
 * on 10.0.2.i -> 203.0.113.i, with the given seed. */
static void plant_all(struct behavior *b, uint64_t seed)
{
    struct rng r = {seed};
    unsigned uid = 0;
    for (int i = 0; i < N_BEACONS; i++) {
        struct glist l = {0};
        if (i < N_PERIODS * N_JITTERS) {
            double period = periods[i / N_JITTERS], jitter = jitters[i % N_JITTERS];
            int64_t span = period >= 3600 ? 26 * HOUR : 2 * HOUR;
            gen_beacon(&l, &r, T0 + 10 * HOUR + (int64_t)(rng_range(&r, 0, 3600) * US), span, period, jitter);
        } else {
            gen_sleeping_beacon(&l, &r);
        }
        struct flow_spec s = {v4(10, 0, 1, (uint8_t)i), v4(198, 51, 100, (uint8_t)i), 443, IPPROTO_TCP, "ssl"};
        feed(b, &s, &l, &uid);
        free(l.v);
    }
    for (int i = 0; i < N_BENIGN; i++) {
        struct glist l = {0};
        switch (i) {
        case BENIGN_BROWSING: gen_browsing(&l, &r); break;
        case BENIGN_BURSTY: gen_bursty_user(&l, &r); break;
        case BENIGN_UPDATE: gen_update_check(&l, &r); break;
        default: gen_mail_polling(&l, &r); break;
        }
        struct flow_spec s = {v4(10, 0, 2, (uint8_t)i), v4(203, 0, 113, (uint8_t)i), i == BENIGN_MAIL ? 993 : 80,
                              IPPROTO_TCP, i == BENIGN_MAIL ? NULL : "http"};
        feed(b, &s, &l, &uid);
        free(l.v);
    }
}

static void check_separation(uint64_t seed)
{
    struct sink all = {0};
    struct behavior *b = new_behavior(0.0, &all); /* threshold 0: every scored pair comes out with its score */
    plant_all(b, seed);
    behavior_flush(b, T0 + 8 * DAY, true);

    double lowest_beacon = 2.0, highest_benign = -1.0;
    for (int i = 0; i < N_BEACONS; i++) {
        struct ip_addr src = v4(10, 0, 1, (uint8_t)i);
        const struct captured *c = find_beacon(&all, &src, "beacon to address");
        char label[64];
        if (i < N_PERIODS * N_JITTERS)
            snprintf(label, sizeof label, "beacon %4.0fs jitter %2.0f%%", periods[i / N_JITTERS],
                     100 * jitters[i % N_JITTERS]);
        else
            snprintf(label, sizeof label, "sleeping beacon 5 min");
        assert_non_null(c);
        print_finding(label, &c->f);
        assert_true(c->f.score >= 0.70);
        assert_string_equal(c->f.attack, "T1573");
        if (c->f.score < lowest_beacon)
            lowest_beacon = c->f.score;
    }
    for (int i = 0; i < N_BENIGN; i++) {
        struct ip_addr src = v4(10, 0, 2, (uint8_t)i);
        const struct captured *c = find_beacon(&all, &src, "beacon to address");
        assert_non_null(c);
        print_finding(benign_names[i], &c->f);
        assert_true(c->f.score < 0.70);
        if (c->f.score > highest_benign)
            highest_benign = c->f.score;
    }
    assert_true(lowest_beacon > highest_benign);
    behavior_free(b);

    /* At the default threshold exactly the beacons are reported. */
    struct sink reported = {0};
    b = new_behavior(0.70, &reported);
    plant_all(b, seed);
    behavior_flush(b, T0 + 8 * DAY, true);
    assert_int_equal(reported.n, N_BEACONS);
    for (size_t i = 0; i < reported.n; i++) {
        assert_int_equal(reported.v[i].f.kind, FINDING_BEACON);
        static const uint8_t beacon_net[3] = {10, 0, 1};
        assert_memory_equal(reported.v[i].f.src.b + 12, beacon_net, 3);
    }
    behavior_free(b);
    free(all.v);
    free(reported.v);
}

static void test_separation_seed1(void **state)
{
    check_separation(0x9e3779b97f4a7c15ULL);
}

static void test_separation_seed2(void **state)
{
    check_separation(12345);
}

static void test_separation_seed3(void **state)
{
    check_separation(0xdeadbeefcafeULL);
}

/* Many short random pairs (6 to 30 Poisson arrivals, constant small sizes:
 * the worst case for chance regularity) never reach the threshold. */
static void test_small_random_pairs(void **state)
{
    struct sink all = {0};
    struct behavior *b = new_behavior(0.0, &all);
    struct rng r = {777};
    unsigned uid = 0;
    for (int i = 0; i < 20000; i++) {
        struct glist l = {0};
        int n = 6 + (int)(rng_next(&r) % 55);
        double mean = rng_range(&r, 30, 3600);
        double t = 0;
        for (int k = 0; k < n; k++) {
            glist_add(&l, T0 + (int64_t)(t * US), US, 300, 1200);
            t += rng_exp(&r, mean);
        }
        struct flow_spec s = {v4(10, 1, (uint8_t)(i >> 8), (uint8_t)i), v4(198, 18, 0, 1), 443, IPPROTO_TCP, "ssl"};
        s.dst = v4(203, 0, (uint8_t)(i >> 8), (uint8_t)i);
        feed(b, &s, &l, &uid);
        free(l.v);
    }
    behavior_flush(b, T0 + 8 * DAY, true);
    double top = 0;
    size_t over = 0;
    for (size_t i = 0; i < all.n; i++) {
        if (all.v[i].f.score > top)
            top = all.v[i].f.score;
        over += all.v[i].f.score >= 0.70;
        if (all.v[i].f.score >= 0.70)
            print_finding("small random over", &all.v[i].f);
    }
    if (verbose())
        fprintf(stderr, "small random pairs: %zu scored, top %.3f, %zu over 0.70\n", all.n, top, over);
    /* Chance regularity exists (16 exponential intervals can have a MAD of a
     * fifth of their median); it must stay rarer than 1 in 10,000 and never
     * win with few connections. */
    assert_int_equal(all.n, 20000);
    assert_true(over <= 2);
    for (size_t i = 0; i < all.n; i++)
        if (all.v[i].f.count < 16)
            assert_true(all.v[i].f.score < 0.70);
    behavior_free(b);
    free(all.v);
}

/* Perfectly periodic, but 5 connections: never scored, even at threshold 0. */
static void test_five_connections_never_reported(void **state)
{
    struct sink all = {0};
    struct behavior *b = new_behavior(0.0, &all);
    struct glist l = {0};
    for (int k = 0; k < 5; k++)
        glist_add(&l, T0 + k * 60 * US, US, 400, 1500);
    struct flow_spec s = {v4(10, 0, 0, 5), v4(198, 51, 100, 5), 443, IPPROTO_TCP, "ssl"};
    unsigned uid = 0;
    feed(b, &s, &l, &uid);
    behavior_flush(b, T0 + DAY, true);
    assert_int_equal(all.n, 0);
    /* The sixth makes it scored, but six perfect check-ins are not enough for a report. */
    l.n = 0;
    glist_add(&l, T0 + 5 * 60 * US, US, 400, 1500);
    feed(b, &s, &l, &uid);
    behavior_flush(b, T0 + DAY, true);
    assert_int_equal(all.n, 1);
    assert_int_equal(all.v[0].f.count, 6);
    assert_true(all.v[0].f.ts_score > 0.0 && all.v[0].f.ts_score < 0.5);
    assert_true(all.v[0].f.score < 0.70);
    behavior_free(b);
    free(l.v);
    free(all.v);
}

/* The finding's fields for a plain-HTTP 60 s beacon. */
static void test_beacon_fields(void **state)
{
    struct sink out = {0};
    struct behavior *b = new_behavior(0.70, &out);
    struct glist l = {0};
    for (int k = 0; k < 100; k++)
        glist_add(&l, T0 + k * 60 * US, 2 * US, 300, 700);
    struct flow_spec s = {v4(10, 0, 0, 7), v4(198, 51, 100, 7), 8080, IPPROTO_TCP, "http"};
    unsigned uid = 0;
    feed(b, &s, &l, &uid);
    behavior_flush(b, T0 + DAY, true);
    assert_int_equal(out.n, 1);
    const struct finding *f = &out.v[0].f;
    assert_int_equal(f->kind, FINDING_BEACON);
    assert_string_equal(f->reason, "beacon to address");
    assert_string_equal(f->attack, "T1071");
    assert_true(f->has_dst);
    assert_int_equal(ip_addr_cmp(&f->dst, &s.dst), 0);
    assert_int_equal(ip_addr_cmp(&f->src, &s.src), 0);
    assert_int_equal(f->dst_port, 8080);
    assert_int_equal(f->proto, IPPROTO_TCP);
    assert_int_equal(f->count, 100);
    assert_int_equal(f->bytes_out, 30000);
    assert_int_equal(f->bytes_in, 70000);
    assert_true(f->first_us == T0);
    assert_true(f->last_us == T0 + 99 * 60 * US);
    assert_string_equal(f->uid, "C00000099");
    assert_true(fabs(f->interval_s - 60.0) < 0.01);
    assert_true(f->jitter < 0.02);
    assert_null(f->name);
    assert_true(f->score > 0.95 && f->score <= 1.0);
    /* reported once per run */
    behavior_flush(b, T0 + DAY, true);
    assert_int_equal(out.n, 1);
    struct behavior_stats st;
    behavior_get_stats(b, &st);
    assert_int_equal(st.findings[FINDING_BEACON], 1);
    assert_int_equal(st.conns, 100);
    behavior_free(b);
    free(l.v);
    free(out.v);
}

/* Resolvers, NTP, DHCP, NetBIOS, mDNS over UDP and ICMP are regular by design. */
static void test_excluded_services(void **state)
{
    struct sink out = {0};
    struct behavior *b = new_behavior(0.0, &out);
    static const uint16_t ports[] = {53, 67, 68, 123, 137, 138, 5353};
    unsigned uid = 0;
    for (unsigned i = 0; i <= sizeof ports / sizeof ports[0]; i++) {
        struct glist l = {0};
        for (int k = 0; k < 100; k++)
            glist_add(&l, T0 + k * 60 * US, US / 10, 60, 120);
        bool icmp = i == sizeof ports / sizeof ports[0];
        struct flow_spec s = {v4(10, 0, 0, (uint8_t)i), v4(198, 51, 100, 53), icmp ? 0 : ports[i],
                              icmp ? IPPROTO_ICMP : IPPROTO_UDP, NULL};
        feed(b, &s, &l, &uid);
        free(l.v);
    }
    /* the same rhythm to UDP 443 (QUIC) is a beacon, encrypted */
    struct glist l = {0};
    for (int k = 0; k < 100; k++)
        glist_add(&l, T0 + k * 60 * US, US / 10, 600, 1200);
    struct flow_spec s = {v4(10, 0, 0, 99), v4(198, 51, 100, 53), 443, IPPROTO_UDP, "quic"};
    feed(b, &s, &l, &uid);
    free(l.v);
    behavior_flush(b, T0 + DAY, true);
    assert_int_equal(out.n, 1);
    assert_int_equal(out.v[0].f.dst_port, 443);
    assert_string_equal(out.v[0].f.attack, "T1573");
    behavior_free(b);
    free(out.v);
}

/* conn.log order (by flow end) and start order give the same score; two
 * connections per check-in 100 ms apart are one check-in. */
static void test_order_and_duplicates(void **state)
{
    double scores[2];
    for (int pass = 0; pass < 2; pass++) {
        struct sink out = {0};
        struct behavior *b = new_behavior(0.0, &out);
        struct rng r = {42};
        struct glist l = {0};
        for (int k = 0; k < 200; k++) {
            int64_t at = T0 + (int64_t)(k * 60 * US * 1.0) + (int64_t)(rng_range(&r, -6, 6) * US);
            glist_add(&l, at, (int64_t)(rng_range(&r, 0.1, 30) * US), 500, 900);
            glist_add(&l, at + US / 10, (int64_t)(rng_range(&r, 0.1, 30) * US), 500, 900);
        }
        struct flow_spec s = {v4(10, 0, 0, 8), v4(198, 51, 100, 8), 443, IPPROTO_TCP, "ssl"};
        unsigned uid = 0;
        if (pass == 0) {
            feed(b, &s, &l, &uid); /* by end */
        } else {
            for (size_t i = 0; i < l.n; i++) /* by start */
                l.v[i].dur = 0;
            feed(b, &s, &l, &uid);
        }
        behavior_flush(b, T0 + DAY, true);
        assert_int_equal(out.n, 1);
        assert_int_equal(out.v[0].f.count, 400);
        assert_true(fabs(out.v[0].f.interval_s - 60.0) < 1.0);
        assert_true(out.v[0].f.score >= 0.70);
        scores[pass] = out.v[0].f.ts_score;
        behavior_free(b);
        free(l.v);
        free(out.v);
    }
    assert_true(fabs(scores[0] - scores[1]) < 0.02);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_separation_seed1),
        cmocka_unit_test(test_separation_seed2),
        cmocka_unit_test(test_separation_seed3),
        cmocka_unit_test(test_small_random_pairs),
        cmocka_unit_test(test_five_connections_never_reported),
        cmocka_unit_test(test_beacon_fields),
        cmocka_unit_test(test_excluded_services),
        cmocka_unit_test(test_order_and_duplicates),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
