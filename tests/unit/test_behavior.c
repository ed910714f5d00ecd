/* The behaviour detectors other than beacon scoring: long connections and
 * chains, DNS tunnels, DGA, exfiltration, name bindings, the allow-list at
 * report time, caps, ordering and determinism. Synthetic observations from
 * a seeded xorshift generator. VIGIL_TEST_VERBOSE=1 prints scores. */
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
#include <time.h>

#include "detect/allowlist.h"
#include "detect/behavior.h"
#include "unit/behavior_harness.h"
#include "detect/sketch.h"

#define US 1000000LL
#define MINUTE (60 * US)
#define HOUR (3600 * US)
#define DAY (24 * HOUR)
#define T0 (1704067200LL * US) /* Monday 2024-01-01 00:00 UTC */
#define MB 1000000ULL

/* ------------------------------------------------------------ helpers */

static void rng_chars(struct rng *r, char *out, size_t n, const char *alphabet)
{
    size_t k = strlen(alphabet);
    for (size_t i = 0; i < n; i++)
        out[i] = alphabet[rng_next(r) % k];
    out[n] = '\0';
}

static bool verbose(void)
{
    const char *v = getenv("VIGIL_TEST_VERBOSE");
    return v != NULL && v[0] == '1';
}

static struct behavior *make(const struct behavior_config *cfg, struct sink *sink)
{
    char err[256];
    struct behavior *b = behavior_new(cfg, capture, sink, err, sizeof err);
    if (b == NULL)
        fail_msg("behavior_new: %s", err);
    return b;
}

static struct behavior *make_default(struct sink *sink)
{
    struct behavior_config cfg;
    behavior_config_defaults(&cfg);
    return make(&cfg, sink);
}

struct conn_args {
    int64_t ts, dur;
    const char *uid;
    struct ip_addr src, dst;
    uint16_t port;
    uint8_t proto;
    const char *service;
    uint64_t out, in;
    bool open;
    uint16_t src_port;          /* 0: 49152 */
};

static void conn(struct behavior *b, const struct conn_args *a)
{
    struct obs_conn c = {
        .ts_us = a->ts, .duration_us = a->dur, .uid = a->uid, .orig_h = a->src, .resp_h = a->dst,
        .orig_p = a->src_port ? a->src_port : 49152, .resp_p = a->port, .proto = a->proto ? a->proto : IPPROTO_TCP, .service = a->service,
        .orig_bytes = a->out, .resp_bytes = a->in, .still_open = a->open,
    };
    behavior_conn(b, &c);
}

static void dns(struct behavior *b, int64_t ts, const struct ip_addr *client, const char *query, uint16_t qtype,
                int rcode)
{
    struct ip_addr server = v4(10, 0, 0, 53);
    struct obs_dns d = {.ts_us = ts, .uid = "Dq", .client = *client, .server = server, .query = query,
                        .qtype = qtype, .rcode = rcode};
    behavior_dns(b, &d);
}

static const struct captured *find(const struct sink *s, enum finding_kind k, const char *reason, const char *name)
{
    for (size_t i = 0; i < s->n; i++) {
        const struct finding *f = &s->v[i].f;
        if (f->kind != k)
            continue;
        if (reason != NULL && strcmp(f->reason, reason) != 0)
            continue;
        if (name != NULL && (f->name == NULL || strcmp(f->name, name) != 0))
            continue;
        return &s->v[i];
    }
    return NULL;
}

static size_t count_kind(const struct sink *s, enum finding_kind k)
{
    size_t n = 0;
    for (size_t i = 0; i < s->n; i++)
        n += s->v[i].f.kind == k;
    return n;
}

/* ------------------------------------------------------ long connections */

static void test_long_single_flow(void **state)
{
    struct sink out = {0};
    struct behavior *b = make_default(&out);
    struct ip_addr src = v4(10, 0, 0, 1), dst = v4(198, 51, 100, 1), other = v4(198, 51, 100, 2);
    conn(b, &(struct conn_args){.ts = T0, .dur = 2 * HOUR, .uid = "Clong", .src = src, .dst = dst, .port = 22,
                                .out = 5 * MB, .in = 7 * MB});
    conn(b, &(struct conn_args){.ts = T0, .dur = 59 * MINUTE, .uid = "Cshort", .src = src, .dst = other, .port = 22});
    /* internal -> internal and external -> internal are out of scope */
    conn(b, &(struct conn_args){.ts = T0, .dur = 5 * HOUR, .uid = "Cin", .src = src, .dst = v4(10, 0, 0, 2),
                                .port = 22});
    conn(b, &(struct conn_args){.ts = T0, .dur = 5 * HOUR, .uid = "Cext", .src = dst, .dst = src, .port = 22});
    behavior_flush(b, T0 + DAY, true);
    assert_int_equal(out.n, 1);
    const struct finding *f = &out.v[0].f;
    assert_int_equal(f->kind, FINDING_LONG_CONN);
    assert_string_equal(f->reason, "long connection");
    assert_string_equal(f->attack, "T1071");
    assert_int_equal(f->chain, 1);
    assert_true(f->duration_us == 2 * HOUR);
    assert_false(f->open);
    assert_string_equal(f->uid, "Clong");
    assert_int_equal(f->dst_port, 22);
    assert_int_equal(f->bytes_out, 5 * MB);
    assert_int_equal(f->bytes_in, 7 * MB);
    assert_true(fabs(f->score - 0.75) < 1e-9); /* 0.5 + 0.5 * 2h / 4h */
    behavior_flush(b, T0 + DAY, true);
    assert_int_equal(out.n, 1);
    behavior_free(b);
    sink_free(&out);
}

/* A session that reconnects: 20-minute flows 30 s apart make one chain. */
static void test_long_chain(void **state)
{
    struct sink out = {0};
    struct behavior *b = make_default(&out);
    struct ip_addr src = v4(10, 0, 0, 3), dst = v4(198, 51, 100, 3);
    char uid[16];
    int64_t t = T0;
    for (int i = 0; i < 6; i++) {
        snprintf(uid, sizeof uid, "Cch%d", i);
        conn(b, &(struct conn_args){.ts = t, .dur = 20 * MINUTE, .uid = uid, .src = src, .dst = dst, .port = 4444,
                                    .out = 1000, .in = 2000});
        t += 20 * MINUTE + 30 * US;
    }
    /* a gap over 60 s starts a new chain; the same key is not reported twice */
    for (int i = 0; i < 6; i++) {
        conn(b, &(struct conn_args){.ts = t + 10 * MINUTE, .dur = 20 * MINUTE, .uid = "Clater", .src = src,
                                    .dst = dst, .port = 4444});
        t += 20 * MINUTE + 30 * US;
    }
    behavior_flush(b, T0 + DAY, true);
    assert_int_equal(out.n, 1);
    const struct finding *f = &out.v[0].f;
    assert_string_equal(f->reason, "long connection chain");
    assert_int_equal(f->chain, 6);
    assert_int_equal(f->count, 6);
    assert_true(f->duration_us == 6 * 20 * MINUTE + 5 * 30 * US);
    assert_true(f->first_us == T0);
    assert_string_equal(f->uid, "Cch5");
    assert_int_equal(f->bytes_out, 6000);
    behavior_free(b);
    sink_free(&out);
}

/* Short flows every 50 s span hours but are not a held-open channel; a
 * chain broken by a 61 s gap is two short chains. */
static void test_long_not_for_beacons_or_gaps(void **state)
{
    struct sink out = {0};
    struct behavior *b = make_default(&out);
    struct ip_addr src = v4(10, 0, 0, 4), dst = v4(198, 51, 100, 4), dst2 = v4(198, 51, 100, 5);
    for (int i = 0; i < 200; i++)
        conn(b, &(struct conn_args){.ts = T0 + i * 50 * US, .dur = 2 * US, .uid = "Cb", .src = src, .dst = dst,
                                    .port = 443});
    conn(b, &(struct conn_args){.ts = T0, .dur = 40 * MINUTE, .uid = "Cg1", .src = src, .dst = dst2, .port = 443});
    conn(b, &(struct conn_args){.ts = T0 + 40 * MINUTE + 61 * US, .dur = 40 * MINUTE, .uid = "Cg2", .src = src,
                                .dst = dst2, .port = 443});
    behavior_flush(b, T0 + DAY, true);
    assert_int_equal(count_kind(&out, FINDING_LONG_CONN), 0);
    behavior_free(b);
    sink_free(&out);
}

/* Live: an open flow is reported while open and not again when it ends. */
static void test_long_open_flow_reported_once(void **state)
{
    struct sink out = {0};
    struct behavior *b = make_default(&out);
    struct ip_addr src = v4(10, 0, 0, 6), dst = v4(198, 51, 100, 6);
    conn(b, &(struct conn_args){.ts = T0, .dur = 30 * MINUTE, .uid = "Copen", .src = src, .dst = dst, .port = 443,
                                .open = true});
    behavior_flush(b, T0 + 30 * MINUTE, false);
    assert_int_equal(out.n, 0);
    conn(b, &(struct conn_args){.ts = T0, .dur = 70 * MINUTE, .uid = "Copen", .src = src, .dst = dst, .port = 443,
                                .open = true});
    behavior_flush(b, T0 + 70 * MINUTE, false);
    assert_int_equal(out.n, 1);
    assert_true(out.v[0].f.open);
    assert_int_equal(out.v[0].f.chain, 1);
    assert_true(out.v[0].f.duration_us == 70 * MINUTE);
    conn(b, &(struct conn_args){.ts = T0, .dur = 3 * HOUR, .uid = "Copen", .src = src, .dst = dst, .port = 443});
    behavior_flush(b, T0 + 4 * HOUR, true);
    assert_int_equal(out.n, 1);
    /* an open flow's updates are not beacon connections */
    struct behavior_stats st;
    behavior_get_stats(b, &st);
    assert_int_equal(st.findings[FINDING_LONG_CONN], 1);
    behavior_free(b);
    sink_free(&out);
}

/* ------------------------------------------------------------- DNS tunnels */

static const char base32[] = "abcdefghijklmnopqrstuvwxyz012345";
static const char hexdigits[] = "0123456789abcdef";

static void plant_iodine(struct behavior *b, struct rng *r, const struct ip_addr *client)
{
    for (int i = 0; i < 300; i++) {
        char l1[64], l2[64], q[200];
        rng_chars(r, l1, 55, base32);
        rng_chars(r, l2, 50, base32);
        snprintf(q, sizeof q, "p%s.%s.t.Example.ORG", l1, l2);
        dns(b, T0 + i * US, client, q, 10 /* NULL */, 0);
    }
}

static void plant_dnscat(struct behavior *b, struct rng *r, const struct ip_addr *client)
{
    static const uint16_t types[] = {16, 5, 15};
    for (int i = 0; i < 250; i++) {
        char l1[64], l2[64], q[200];
        rng_chars(r, l1, 62, hexdigits);
        rng_chars(r, l2, 30, hexdigits);
        snprintf(q, sizeof q, "%s.%s.dnscat.example.com", l1, l2);
        dns(b, T0 + i * US, client, q, types[i % 3], 0);
    }
}

/* dnscat2 without a domain: straight to the resolver as dnscat.<hex>. */
static void plant_dnscat_bare(struct behavior *b, struct rng *r, const struct ip_addr *client)
{
    for (int i = 0; i < 250; i++) {
        char l1[64], q[200];
        rng_chars(r, l1, 60, hexdigits);
        snprintf(q, sizeof q, "dnscat.%s", l1);
        dns(b, T0 + i * US, client, q, 16, 3);
    }
}

static void plant_benign_dns(struct behavior *b, struct rng *r, const struct ip_addr *client)
{
    char q[200];
    /* a CDN: many unique but short, plain names, each asked a few times */
    for (int rep = 0; rep < 3; rep++)
        for (int i = 1; i <= 400; i++) {
            snprintf(q, sizeof q, "img%d.cdn.example.net", i);
            dns(b, T0 + i * US, client, q, 1, 0);
        }
    /* browsing: 200 domains, www/api/static */
    static const char *const subs[] = {"www", "api", "static", "cdn", "login"};
    for (int i = 0; i < 200; i++)
        for (int k = 0; k < 5; k++) {
            snprintf(q, sizeof q, "%s.site%d-shop.com", subs[k], i);
            dns(b, T0 + i * US, client, q, k == 4 ? 28 : 1, 0);
        }
    /* reverse lookups */
    for (int i = 0; i < 500; i++) {
        snprintf(q, sizeof q, "%d.%d.%d.10.in-addr.arpa", i % 250, i / 250, i % 7);
        dns(b, T0 + i * US, client, q, 12, i % 2 ? 3 : 0);
        snprintf(q, sizeof q, "%x.%x.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa", i % 16,
                 i / 16 % 16);
        dns(b, T0 + i * US, client, q, 12, 3);
    }
    /* antivirus / telemetry: long hashed names, but few of them, asked often */
    char hashes[25][41];
    for (int i = 0; i < 25; i++)
        rng_chars(r, hashes[i], 40, hexdigits);
    for (int i = 0; i < 600; i++) {
        snprintf(q, sizeof q, "%s.avqs.av-vendor.com", hashes[i % 25]);
        dns(b, T0 + i * US, client, q, 16, 0);
    }
    /* a mail server's SPF/DKIM TXT lookups across many domains */
    for (int i = 0; i < 100; i++) {
        snprintf(q, sizeof q, "selector1._domainkey.corp%d.com", i);
        dns(b, T0 + i * US, client, q, 16, 0);
    }
}

static void test_dns_tunnels(void **state)
{
    struct behavior_config cfg;
    behavior_config_defaults(&cfg);
    cfg.tunnel_threshold = 0.0; /* every domain with its score */
    struct sink out = {0};
    struct behavior *b = make(&cfg, &out);
    struct rng r = {99};
    struct ip_addr tunnel_host = v4(10, 0, 0, 20), other_host = v4(10, 0, 0, 21), benign_host = v4(10, 0, 0, 22);
    plant_iodine(b, &r, &tunnel_host);
    plant_dnscat(b, &r, &tunnel_host);
    plant_dnscat_bare(b, &r, &tunnel_host);
    /* a second client asks a little of the iodine domain: src stays the top client */
    for (int i = 0; i < 20; i++)
        dns(b, T0, &other_host, "pabcdefabcdefabcdef.t.example.org", 10, 0);
    plant_benign_dns(b, &r, &benign_host);
    behavior_flush(b, T0 + DAY, true);

    const char *planted[] = {"example.org", "example.com", "dnscat"};
    double lowest_tunnel = 2.0;
    for (int i = 0; i < 3; i++) {
        const struct captured *c = find(&out, FINDING_DNS_TUNNEL, NULL, planted[i]);
        assert_non_null(c);
        if (verbose())
            fprintf(stderr, "tunnel %-20s score %.3f unique %llu len %.1f entropy %.2f odd %.2f\n", planted[i],
                    c->f.score, (unsigned long long)c->f.unique_names, c->f.avg_label_len, c->f.entropy,
                    c->f.odd_type_share);
        assert_true(c->f.score >= 0.70);
        assert_int_equal(ip_addr_cmp(&c->f.src, &tunnel_host), 0);
        assert_string_equal(c->f.attack, "T1071.004");
        /* the alert names the resolver the host asked */
        assert_true(c->f.has_dst);
        struct ip_addr resolver = v4(10, 0, 0, 53);
        assert_int_equal(ip_addr_cmp(&c->f.dst, &resolver), 0);
        if (c->f.score < lowest_tunnel)
            lowest_tunnel = c->f.score;
    }
    const struct captured *io = find(&out, FINDING_DNS_TUNNEL, NULL, "example.org");
    assert_int_equal(io->f.count, 320);
    assert_true(io->f.unique_names >= 290 && io->f.unique_names <= 340); /* 301 distinct, HyperLogLog +-6.5 % */
    assert_true(io->f.avg_label_len > 100);
    assert_true(io->f.odd_type_share == 1.0);
    assert_true(io->f.entropy > 4.5);

    size_t benign = 0;
    for (size_t i = 0; i < out.n; i++) {
        const struct finding *f = &out.v[i].f;
        if (f->kind != FINDING_DNS_TUNNEL || ip_addr_cmp(&f->src, &benign_host) != 0)
            continue;
        benign++;
        if (verbose() && f->score > 0.05)
            fprintf(stderr, "benign %-24s score %.3f unique %llu len %.1f entropy %.2f odd %.2f\n", f->name, f->score,
                    (unsigned long long)f->unique_names, f->avg_label_len, f->entropy, f->odd_type_share);
        assert_true(f->score < 0.70);
        assert_true(f->score < lowest_tunnel);
        assert_null(strstr(f->name, "arpa"));
    }
    assert_int_equal(benign, 1 + 200 + 1 + 100); /* cdn, sites, av vendor, corp domains; no reverse zones */
    behavior_free(b);
    sink_free(&out);

    /* at the default threshold exactly the three tunnels */
    behavior_config_defaults(&cfg);
    b = make(&cfg, &out);
    r.s = 99;
    plant_iodine(b, &r, &tunnel_host);
    plant_dnscat(b, &r, &tunnel_host);
    plant_dnscat_bare(b, &r, &tunnel_host);
    plant_benign_dns(b, &r, &benign_host);
    behavior_flush(b, T0 + DAY, true);
    assert_int_equal(out.n, 3);
    for (size_t i = 0; i + 1 < out.n; i++)
        assert_true(out.v[i].f.score >= out.v[i + 1].f.score);
    behavior_free(b);
    sink_free(&out);
}

/* ------------------------------------------------------------------- DGA */

static void test_dga(void **state)
{
    struct sink out = {0};
    struct behavior *b = make_default(&out);
    struct rng r = {5};
    struct ip_addr infected = v4(10, 0, 0, 30), typist = v4(10, 0, 0, 31), few = v4(10, 0, 0, 32);
    static const char *const tlds[] = {"com", "net", "org", "info", "biz", "ru"};
    char label[32], q[64];
    for (int i = 0; i < 60; i++) {
        size_t len = 10 + rng_next(&r) % 8;
        rng_chars(&r, label, len, "abcdefghijklmnopqrstuvwxyz");
        snprintf(q, sizeof q, "%s.%s", label, tlds[i % 6]);
        dns(b, T0 + i * US, &infected, q, 1, 3);
        dns(b, T0 + i * US, &infected, q, 1, 3); /* retries do not count twice */
    }
    /* typos and short words, 30 of them, some repeated */
    static const char *const typos[] = {
        "gogle.com", "facebok.com", "localdomain", "wpad", "yahooo.com", "amazn.com", "twiter.com",
        "githb.com", "microsfot.com", "linkdin.com", "reddit.co", "outlok.com", "gmial.com", "youtub.com",
        "wikipeda.org", "netflx.com", "instagrm.com", "dropbx.com", "printer.local", "intranet.corp",
        "sharepoint.corp", "mail.localdomain", "wetransfr.com", "stackoverflw.com", "paypl.com",
        "bankofamerca.com", "whatsap.com", "spotfy.com", "zoom.uss", "office365.con",
    };
    for (int rep = 0; rep < 3; rep++)
        for (size_t i = 0; i < sizeof typos / sizeof typos[0]; i++)
            dns(b, T0 + (int64_t)i * US, &typist, typos[i], 1, 3);
    /* random-looking, but only 19 distinct: under dga_min_nxdomains */
    for (int i = 0; i < 19; i++) {
        rng_chars(&r, label, 14, "bcdfghjklmnpqrstvwxz");
        snprintf(q, sizeof q, "%s.com", label);
        dns(b, T0 + i * US, &few, q, 1, 3);
    }
    behavior_flush(b, T0 + DAY, true);
    assert_int_equal(out.n, 1);
    const struct finding *f = &out.v[0].f;
    if (verbose())
        fprintf(stderr, "dga score %.3f count %llu nx %llu example %s\n", f->score, (unsigned long long)f->count,
                (unsigned long long)f->nxdomains, f->name);
    assert_int_equal(f->kind, FINDING_DGA);
    assert_string_equal(f->attack, "T1568.002");
    assert_int_equal(ip_addr_cmp(&f->src, &infected), 0);
    assert_true(f->count >= 54 && f->count <= 60); /* a few random strings look word-like by chance */
    assert_int_equal(f->nxdomains, 120);
    assert_non_null(f->name);
    assert_true(f->score > 0.75 && f->score <= 1.0);
    behavior_free(b);
    sink_free(&out);
}

static void test_dga_label_scores(void **state)
{
    /* exercised through the public API: one host, one name each, threshold 1 */
    struct behavior_config cfg;
    behavior_config_defaults(&cfg);
    cfg.dga_min_nxdomains = 1;
    static const struct {
        const char *name;
        bool random;
    } cases[] = {
        {"xjwqkplmzrtb.com", true},    {"hjvdwqrckjsbhgf.net", true}, {"a3f8e9b2c1d4e5f6.org", true},
        {"qwxzrtpkmnbv.info", true},   {"microsoft.com", false},      {"facebook.com", false},
        {"wikipedia.org", false},      {"googleapis.com", false},     {"cloudflare.net", false},
        {"mycompanyintranet.com", false}, {"shortone.com", false},    {"bbc.co.uk", false},
        {"international-business.com", false}, {"office365.com", false}, {"amazonaws.com", false},
        {"stackoverflow.com", false},  {"windowsupdate.com", false}, {"githubusercontent.com", false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct sink out = {0};
        struct behavior *b = make(&cfg, &out);
        struct ip_addr h = v4(10, 0, 0, 40);
        dns(b, T0, &h, cases[i].name, 1, 3);
        behavior_flush(b, T0 + DAY, true);
        if (out.n != (cases[i].random ? 1u : 0u))
            fail_msg("%s: expected %s", cases[i].name, cases[i].random ? "random" : "word-like");
        behavior_free(b);
        sink_free(&out);
    }
}

/* ---------------------------------------------------------- exfiltration */

static void test_exfil(void **state)
{
    struct sink out = {0};
    struct behavior *b = make_default(&out);
    struct ip_addr host = v4(10, 0, 0, 50);
    /* (a) one 30 MB upload to a destination first seen now */
    conn(b, &(struct conn_args){.ts = T0 + HOUR, .dur = MINUTE, .uid = "Cup", .src = host,
                                .dst = v4(198, 51, 100, 50), .port = 443, .out = 30 * MB, .in = 200000});
    /* (b) slow exfiltration: 200 uploads of 600 KB over 10 hours = 120 MB */
    struct rng r = {8};
    for (int i = 0; i < 200; i++)
        conn(b, &(struct conn_args){.ts = T0 + 8 * HOUR + (i == 0 ? 0 : (int64_t)rng_range(&r, 1, 36000) * US),
                                    .dur = US, .uid = "Cslow", .src = host, .dst = v4(198, 51, 100, 51),
                                    .port = 443, .out = 600000, .in = 5000});
    /* benign: a video call (symmetric), a download, a 2 MB upload, an old destination */
    conn(b, &(struct conn_args){.ts = T0, .dur = 50 * MINUTE, .uid = "Cvid", .src = host, .dst = v4(198, 51, 100, 52),
                                .port = 3478, .proto = IPPROTO_UDP, .out = 500 * MB, .in = 520 * MB});
    conn(b, &(struct conn_args){.ts = T0, .dur = 50 * MINUTE, .uid = "Cdl", .src = host, .dst = v4(198, 51, 100, 53),
                                .port = 443, .out = MB, .in = 1000 * MB});
    conn(b, &(struct conn_args){.ts = T0, .dur = MINUTE, .uid = "C2mb", .src = host, .dst = v4(198, 51, 100, 54),
                                .port = 443, .out = 2 * MB, .in = 1000});
    conn(b, &(struct conn_args){.ts = T0, .dur = MINUTE, .uid = "Cold0", .src = host, .dst = v4(198, 51, 100, 55),
                                .port = 443, .out = 1000, .in = 1000});
    conn(b, &(struct conn_args){.ts = T0 + 2 * DAY, .dur = MINUTE, .uid = "Cold1", .src = host,
                                .dst = v4(198, 51, 100, 55), .port = 443, .out = 30 * MB, .in = 1000});
    /* (c) HTTP bodies and mail */
    struct obs_upload post = {.kind = UPLOAD_HTTP, .ts_us = T0, .uid = "Chttp", .orig_h = host,
                              .resp_h = v4(198, 51, 100, 56), .resp_p = 80, .bytes = 15 * MB, .method = "POST",
                              .name = "upload.Example.net:8080"};
    behavior_upload(b, &post);
    struct obs_upload get = post;
    get.method = "GET";
    get.resp_h = v4(198, 51, 100, 57);
    behavior_upload(b, &get);
    struct obs_upload small = post;
    small.bytes = 5 * MB;
    small.resp_h = v4(198, 51, 100, 58);
    behavior_upload(b, &small);
    struct obs_upload mail = {.kind = UPLOAD_SMTP, .ts_us = T0, .uid = "Csmtp", .orig_h = host,
                              .resp_h = v4(198, 51, 100, 59), .resp_p = 25, .bytes = 25 * MB,
                              .name = "drop@evil.example"};
    behavior_upload(b, &mail);
    struct obs_upload internal_mail = mail;
    internal_mail.resp_h = v4(10, 0, 0, 25);
    behavior_upload(b, &internal_mail);
    behavior_flush(b, T0 + 3 * DAY, true);

    if (verbose())
        for (size_t i = 0; i < out.n; i++)
            fprintf(stderr, "exfil %-32s score %.3f out %llu\n", out.v[i].f.reason, out.v[i].f.score,
                    (unsigned long long)out.v[i].f.bytes_out);
    assert_int_equal(out.n, 4);
    const struct captured *c = find(&out, FINDING_EXFIL, "upload to new destination", NULL);
    assert_non_null(c);
    struct ip_addr expect_dst = v4(198, 51, 100, 50);
    assert_int_equal(ip_addr_cmp(&c->f.dst, &expect_dst), 0);
    assert_int_equal(c->f.bytes_out, 30 * MB);
    assert_string_equal(c->f.attack, "T1048");
    assert_string_equal(c->f.uid, "Cup");
    assert_true(fabs(c->f.score - (0.5 + 0.5 * 30.0 / 80.0)) < 1e-9);
    c = find(&out, FINDING_EXFIL, "large daily upload", NULL);
    assert_non_null(c);
    assert_int_equal(c->f.bytes_out, 120 * MB);
    assert_int_equal(c->f.count, 200);
    assert_true(c->f.first_us == T0 + 8 * HOUR);
    c = find(&out, FINDING_EXFIL, "large HTTP upload", "upload.example.net");
    assert_non_null(c);
    assert_int_equal(c->f.dst_port, 80);
    c = find(&out, FINDING_EXFIL, "large mail to external server", "drop@evil.example");
    assert_non_null(c);
    assert_int_equal(c->f.bytes_out, 25 * MB);
    /* ordered by score within the kind */
    for (size_t i = 0; i + 1 < out.n; i++)
        assert_true(out.v[i].f.score >= out.v[i + 1].f.score);
    behavior_free(b);
    sink_free(&out);
}

/* Exfiltration over a pair that also beacons is T1041. */
static void test_exfil_over_c2(void **state)
{
    struct sink out = {0};
    struct behavior *b = make_default(&out);
    struct ip_addr host = v4(10, 0, 0, 60), c2 = v4(198, 51, 100, 60);
    for (int i = 0; i < 300; i++)
        conn(b, &(struct conn_args){.ts = T0 + i * MINUTE, .dur = US, .uid = "Cbeacon", .src = host, .dst = c2,
                                    .port = 443, .service = "ssl", .out = 500, .in = 1500});
    conn(b, &(struct conn_args){.ts = T0 + 301 * MINUTE, .dur = MINUTE, .uid = "Cexfil", .src = host, .dst = c2,
                                .port = 443, .service = "ssl", .out = 150 * MB, .in = 10000});
    behavior_flush(b, T0 + DAY, true);
    assert_non_null(find(&out, FINDING_BEACON, "beacon to address", NULL));
    const struct captured *c = find(&out, FINDING_EXFIL, "large daily upload", NULL);
    assert_non_null(c);
    assert_string_equal(c->f.attack, "T1041");
    c = find(&out, FINDING_EXFIL, "upload to new destination", NULL);
    assert_non_null(c);
    assert_string_equal(c->f.attack, "T1041");
    /* order: beacon before exfil */
    assert_int_equal(out.v[0].f.kind, FINDING_BEACON);
    behavior_free(b);
    sink_free(&out);
}

/* ------------------------------------------------------------------ names */

/* SNI binds by uid; a beacon to one name across rotating addresses is found by name. */
static void test_names_by_uid(void **state)
{
    struct sink out = {0};
    struct behavior *b = make_default(&out);
    struct ip_addr host = v4(10, 0, 0, 70);
    char uid[32];
    for (int i = 0; i < 120; i++) {
        snprintf(uid, sizeof uid, "Cn%d", i);
        struct obs_name n = {.ts_us = T0 + i * MINUTE, .uid = uid, .name = "C2.Example.COM."};
        behavior_name(b, &n);
        conn(b, &(struct conn_args){.ts = T0 + i * MINUTE, .dur = US, .uid = uid, .src = host,
                                    .dst = v4(198, 51, 100, (uint8_t)(100 + i % 8)), .port = 443, .service = "ssl",
                                    .out = 400, .in = 1400});
    }
    struct behavior_stats st;
    behavior_get_stats(b, &st);
    assert_int_equal(st.name_bindings, 0); /* each binding used once */
    assert_int_equal(st.names, 120);
    behavior_flush(b, T0 + DAY, true);
    const struct captured *c = find(&out, FINDING_BEACON, "beacon to name", "c2.example.com");
    assert_non_null(c);
    assert_false(c->f.has_dst);
    assert_true(c->f.has_alert_dst); /* the EVE alert still names one address */
    assert_int_equal(c->f.count, 120);
    assert_true(fabs(c->f.interval_s - 60.0) < 0.5);
    assert_true(c->f.score >= 0.70);
    /* each address saw one connection in 8 minutes: 15 each, intervals 480 s -- also regular */
    const struct captured *a = find(&out, FINDING_BEACON, "beacon to address", NULL);
    if (a != NULL) {
        assert_string_equal(a->f.name, "c2.example.com");
        assert_true(a->f.score < c->f.score);
    }
    behavior_free(b);
    sink_free(&out);
}

/* A DNS answer names the address for the client that asked; the most recent answer wins. */
static void test_names_by_dns(void **state)
{
    struct sink out = {0};
    struct behavior *b = make_default(&out);
    struct ip_addr host = v4(10, 0, 0, 71), other = v4(10, 0, 0, 72), dst = v4(198, 51, 100, 71);
    struct obs_dns d = {.ts_us = T0, .uid = "D1", .client = host, .server = v4(10, 0, 0, 53),
                        .query = "old.example.com", .qtype = 1, .rcode = 0, .n_answer_addrs = 1, .answer_addrs = &dst};
    behavior_dns(b, &d);
    d.query = "beacon.example.com";
    behavior_dns(b, &d);
    for (int i = 0; i < 100; i++) {
        conn(b, &(struct conn_args){.ts = T0 + i * MINUTE, .dur = US, .uid = "Cx", .src = host, .dst = dst,
                                    .port = 8443, .out = 400, .in = 1400});
        /* another client, same address, never asked: no name */
        conn(b, &(struct conn_args){.ts = T0 + i * MINUTE, .dur = US, .uid = "Cy", .src = other, .dst = dst,
                                    .port = 8443, .out = 400, .in = 1400});
    }
    behavior_flush(b, T0 + DAY, true);
    /* the address only carried that name for this client, and the name led only there: one finding */
    const struct captured *c = find(&out, FINDING_BEACON, "beacon to address and name", "beacon.example.com");
    assert_non_null(c);
    assert_true(c->f.has_dst); /* one address used */
    assert_int_equal(ip_addr_cmp(&c->f.dst, &dst), 0);
    assert_int_equal(ip_addr_cmp(&c->f.src, &host), 0);
    assert_null(find(&out, FINDING_BEACON, NULL, "old.example.com"));
    size_t by_name = 0;
    for (size_t i = 0; i < out.n; i++)
        by_name += strstr(out.v[i].f.reason, "name") != NULL;
    assert_int_equal(by_name, 1);
    struct behavior_stats st;
    behavior_get_stats(b, &st);
    assert_int_equal(st.name_bindings, 1); /* (client, address) bindings stay */
    behavior_free(b);
    sink_free(&out);
}

/* Prevalence: the same 5-minute polling scores far lower to a destination
 * twenty hosts poll than to one only one host reaches; a destination below
 * prevalence_min_hosts hosts keeps its score. */
static void test_prevalence(void **state)
{
    struct sink out = {0};
    struct behavior *b = make_default(&out);
    struct ip_addr popular = v4(198, 51, 100, 20), rare = v4(203, 0, 113, 99), pair_dst = v4(203, 0, 113, 98);
    for (int i = 0; i < 40; i++) {
        int64_t t = T0 + i * 5 * MINUTE;
        for (uint8_t h = 0; h < 20; h++)
            conn(b, &(struct conn_args){.ts = t + h * US, .dur = US, .uid = "Cp", .src = v4(10, 0, 1, h),
                                        .dst = popular, .port = 443, .out = 400, .in = 900});
        conn(b, &(struct conn_args){.ts = t + 30 * US, .dur = US, .uid = "Cr", .src = v4(10, 0, 2, 1), .dst = rare,
                                    .port = 443, .out = 400, .in = 900});
        /* two hosts sharing a destination: under the floor of three */
        for (uint8_t h = 0; h < 2; h++)
            conn(b, &(struct conn_args){.ts = t + 40 * US + h * US, .dur = US, .uid = "Cs", .src = v4(10, 0, 3, h),
                                        .dst = pair_dst, .port = 443, .out = 400, .in = 900});
    }
    behavior_flush(b, T0 + DAY, true);
    size_t to_popular = 0, to_rare = 0, to_pair = 0;
    for (size_t i = 0; i < out.n; i++) {
        if (out.v[i].f.kind != FINDING_BEACON)
            continue;
        to_popular += ip_addr_cmp(&out.v[i].f.dst, &popular) == 0;
        to_rare += ip_addr_cmp(&out.v[i].f.dst, &rare) == 0;
        to_pair += ip_addr_cmp(&out.v[i].f.dst, &pair_dst) == 0;
    }
    assert_int_equal(to_popular, 0);
    assert_int_equal(to_rare, 1);
    assert_int_equal(to_pair, 2);
    behavior_free(b);
    sink_free(&out);
}

static bool beacon_to(const struct sink *s, const struct ip_addr *dst)
{
    for (size_t i = 0; i < s->n; i++)
        if (s->v[i].f.kind == FINDING_BEACON && s->v[i].f.has_dst && ip_addr_cmp(&s->v[i].f.dst, dst) == 0)
            return true;
    return false;
}

/* Periodic but not an implant: a session's keepalives (one socket, tiny
 * exchanges) and a voice server probed with requests of no steady size,
 * beside a beacon with 20 % jitter, which alone is reported; the same
 * keepalives from a new socket each time are a beacon again. */
static void test_keepalive_and_unsteady_requests(void **state)
{
    struct sink out = {0};
    struct behavior *b = make_default(&out);
    struct ip_addr session = v4(198, 51, 100, 50), fresh = v4(198, 51, 100, 51), voice = v4(203, 0, 113, 51),
                   c2 = v4(203, 0, 113, 52);
    uint32_t x = 12345;
    for (int i = 0; i < 80; i++) {
        int64_t t = T0 + i * 90 * US;
        conn(b, &(struct conn_args){.ts = t, .dur = 30000, .uid = "Ck", .src = v4(10, 0, 1, 1), .dst = session,
                                    .port = 3478, .proto = IPPROTO_UDP, .out = 20, .in = 32, .src_port = 40000});
        conn(b, &(struct conn_args){.ts = t, .dur = 30000, .uid = "Cf", .src = v4(10, 0, 1, 2), .dst = fresh,
                                    .port = 3478, .proto = IPPROTO_UDP, .out = 20, .in = 32,
                                    .src_port = (uint16_t)(40000 + i)});
        x = x * 1103515245u + 12345u;
        uint64_t media = 700 + (x >> 8) % 2500, control = 8 + (x >> 20) % 200;
        bool up = (x >> 4) & 1;
        conn(b, &(struct conn_args){.ts = t + 5 * US, .dur = US / 10, .uid = "Cv", .src = v4(10, 0, 1, 3),
                                    .dst = voice, .port = 50004, .proto = IPPROTO_UDP,
                                    .out = 74 + (up ? media : control), .in = 74 + (up ? control : media),
                                    .src_port = (uint16_t)(52000 + i)});
        int64_t jitter = (int64_t)((x >> 12) % 24) - 12;
        conn(b, &(struct conn_args){.ts = T0 + i * MINUTE + jitter * US, .dur = US, .uid = "Cb", .src = v4(10, 0, 1, 4),
                                    .dst = c2, .port = 443, .out = 400 + (x >> 24) % 8, .in = 900,
                                    .src_port = (uint16_t)(45000 + i)});
    }
    behavior_flush(b, T0 + DAY, true);
    assert_false(beacon_to(&out, &session));
    assert_false(beacon_to(&out, &voice));
    assert_true(beacon_to(&out, &fresh));
    assert_true(beacon_to(&out, &c2));
    behavior_free(b);
    sink_free(&out);
}

static void test_name_bindings_bounded(void **state)
{
    struct behavior_config cfg;
    behavior_config_defaults(&cfg);
    cfg.max_names = 100;
    struct sink out = {0};
    struct behavior *b = make(&cfg, &out);
    char uid[32], name[64];
    for (int i = 0; i < 10000; i++) {
        snprintf(uid, sizeof uid, "Cu%d", i);
        snprintf(name, sizeof name, "host%d.example.com", i);
        struct obs_name n = {.ts_us = T0, .uid = uid, .name = name};
        behavior_name(b, &n);
    }
    struct behavior_stats st;
    behavior_get_stats(b, &st);
    assert_int_equal(st.name_bindings, 100);
    assert_int_equal(st.evicted, 9900);
    /* the newest survive, the oldest went */
    struct ip_addr host = v4(10, 0, 0, 73);
    for (int i = 0; i < 30; i++)
        conn(b, &(struct conn_args){.ts = T0 + i * MINUTE, .dur = US, .uid = "Cu9999", .src = host,
                                    .dst = v4(198, 51, 100, 73), .port = 443, .out = 400, .in = 1400});
    behavior_get_stats(b, &st);
    assert_int_equal(st.name_bindings, 99);
    /* hostile names are refused, not stored */
    static const char *const bad[] = {"", ".", "1.2.3.4", "[2001:db8::1]:443", "a b.com", "2001:db8::1",
                                      "tab\tname.com"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct obs_name n = {.ts_us = T0, .uid = "Cbad", .name = bad[i]};
        behavior_name(b, &n);
    }
    char longname[400];
    memset(longname, 'a', sizeof longname - 1);
    longname[sizeof longname - 1] = '\0';
    struct obs_name n = {.ts_us = T0, .uid = "Cbad", .name = longname};
    behavior_name(b, &n);
    n.name = NULL;
    behavior_name(b, &n);
    behavior_get_stats(b, &st);
    assert_int_equal(st.name_bindings, 99);
    behavior_free(b);
    sink_free(&out);
}

/* ---------------------------------------------------------- allow-list */

static void test_allowlist_at_report_time(void **state)
{
    static const char rules[] = "10.0.0.80 198.51.100.80 beacon\n"
                                "* updates.example.com\n"
                                "10.0.0.82 :4444 long_conn\n";
    char err[256];
    struct allowlist *allow = allowlist_parse(rules, sizeof rules - 1, "test", err, sizeof err);
    assert_non_null(allow);
    struct behavior_config cfg;
    behavior_config_defaults(&cfg);
    cfg.allow = allow;
    struct sink out = {0};
    struct behavior *b = make(&cfg, &out);
    char uid[32];
    for (int i = 0; i < 100; i++) {
        /* allowed by address */
        conn(b, &(struct conn_args){.ts = T0 + i * MINUTE, .dur = US, .uid = "Ca", .src = v4(10, 0, 0, 80),
                                    .dst = v4(198, 51, 100, 80), .port = 443, .out = 400, .in = 1400});
        /* allowed by name, both the name pair and the address pair that carries it */
        snprintf(uid, sizeof uid, "Cb%d", i);
        struct obs_name n = {.ts_us = T0 + i * MINUTE, .uid = uid, .name = "dl.updates.example.com"};
        behavior_name(b, &n);
        conn(b, &(struct conn_args){.ts = T0 + i * MINUTE, .dur = US, .uid = uid, .src = v4(10, 0, 0, 81),
                                    .dst = v4(198, 51, 100, 81), .port = 443, .out = 400, .in = 1400});
        /* not allowed: kind restriction does not cover beacons */
        conn(b, &(struct conn_args){.ts = T0 + i * MINUTE, .dur = US, .uid = "Cc", .src = v4(10, 0, 0, 82),
                                    .dst = v4(198, 51, 100, 82), .port = 4444, .out = 400, .in = 1400});
    }
    conn(b, &(struct conn_args){.ts = T0, .dur = 3 * HOUR, .uid = "Cd", .src = v4(10, 0, 0, 82),
                                .dst = v4(198, 51, 100, 83), .port = 4444});
    behavior_flush(b, T0 + DAY, true);
    assert_int_equal(out.n, 1);
    assert_int_equal(out.v[0].f.kind, FINDING_BEACON);
    struct ip_addr expect_src = v4(10, 0, 0, 82);
    assert_int_equal(ip_addr_cmp(&out.v[0].f.src, &expect_src), 0);
    assert_int_equal(out.v[0].f.dst_port, 4444);
    behavior_free(b);
    allowlist_free(allow);
    sink_free(&out);
}

/* ----------------------------------------------------------------- caps */

static void test_caps_bound_memory(void **state)
{
    struct behavior_config cfg;
    behavior_config_defaults(&cfg);
    cfg.max_pairs = 10000;
    cfg.max_domains = 1000;
    cfg.max_hosts = 100;
    cfg.max_names = 1000;
    struct sink out = {0};
    struct behavior *b = make(&cfg, &out);
    /* a steady beacon that must survive the churn: it has the most evidence */
    struct ip_addr beacon_src = v4(10, 9, 9, 9), beacon_dst = v4(198, 51, 100, 9);
    char name[64];
    for (uint32_t i = 0; i < 2000000; i++) {
        struct ip_addr src = v4(10, (uint8_t)(i >> 16), (uint8_t)(i >> 8), (uint8_t)i);
        struct ip_addr dst = v4(203, 0, (uint8_t)(i >> 8), (uint8_t)(i * 7));
        dst.b[12] = (uint8_t)(1 + i % 200);
        conn(b, &(struct conn_args){.ts = T0 + i * 100000LL, .dur = US, .uid = "Cz", .src = src, .dst = dst,
                                    .port = (uint16_t)(1024 + i % 50000), .out = 100, .in = 100});
        if (i % 1000 == 0)
            conn(b, &(struct conn_args){.ts = T0 + i * 100000LL, .dur = US, .uid = "Cbeacon", .src = beacon_src,
                                        .dst = beacon_dst, .port = 443, .out = 400, .in = 1400});
        if (i % 10 == 0) {
            snprintf(name, sizeof name, "x%u.dom%u.com", i, i);
            struct ip_addr client = v4(10, 1, (uint8_t)(i >> 8), (uint8_t)i);
            dns(b, T0, &client, name, 1, 3);
            struct obs_name n = {.ts_us = T0, .uid = name, .name = name};
            behavior_name(b, &n);
        }
    }
    struct behavior_stats st;
    behavior_get_stats(b, &st);
    if (verbose())
        fprintf(stderr, "pairs %llu chains %llu domains %llu hosts %llu names %llu evicted %llu\n",
                (unsigned long long)st.pairs, (unsigned long long)st.chains, (unsigned long long)st.domains,
                (unsigned long long)st.hosts, (unsigned long long)st.name_bindings, (unsigned long long)st.evicted);
    assert_true(st.pairs <= 10000 && st.pairs >= 9000);
    assert_true(st.chains <= 10000);
    assert_true(st.domains <= 1000);
    assert_true(st.hosts <= 100);
    assert_true(st.name_bindings <= 1000);
    assert_true(st.evicted >= 2000000 - 10000);
    assert_int_equal(st.conns, 2002000);
    behavior_flush(b, T0 + 3 * DAY, true);
    const struct captured *c = find(&out, FINDING_BEACON, "beacon to address", NULL);
    assert_non_null(c);
    assert_int_equal(ip_addr_cmp(&c->f.src, &beacon_src), 0);
    assert_int_equal(c->f.count, 2000);
    behavior_free(b);
    sink_free(&out);
}

/* ------------------------------------------------------------ determinism */

/* Sixteen streams advanced in a seeded random interleaving: six identical
 * beacons (equal scores: ties broken by address), four long connections,
 * four DNS tunnels, two uploads. */
static void feed_mixture(struct behavior *b, uint64_t seed)
{
    struct rng r = {seed};
    int step[16] = {0};
    char uid[32], q[200], l[64];
    for (int i = 0; i < 20000; i++) {
        int k = (int)(rng_next(&r) % 16);
        int n = step[k]++;
        struct ip_addr src = v4(10, 0, 3, (uint8_t)k), dst = v4(198, 51, 100, (uint8_t)(k % 3));
        snprintf(uid, sizeof uid, "Cm%d", i);
        if (k < 6) {
            conn(b, &(struct conn_args){.ts = T0 + n * MINUTE, .dur = US, .uid = uid, .src = src, .dst = dst,
                                        .port = 443, .out = 300, .in = 300});
        } else if (k < 10) {
            /* a session each time, from its own source port (one socket would be a keepalive) */
            conn(b, &(struct conn_args){.ts = T0 + n * 4 * HOUR, .dur = 3 * HOUR, .uid = uid, .src = src, .dst = dst,
                                        .port = 22, .src_port = (uint16_t)(50000 + n)});
        } else if (k < 14) {
            rng_chars(&r, l, 40, hexdigits);
            snprintf(q, sizeof q, "%s.t%d-tunnel.com", l, k);
            dns(b, T0 + n * US, &src, q, 16, 0);
        } else {
            conn(b, &(struct conn_args){.ts = T0 + n * HOUR, .dur = MINUTE, .uid = uid, .src = src, .dst = dst,
                                        .port = 443, .out = 25 * MB, .in = 1000});
        }
    }
}

static void test_deterministic_order(void **state)
{
    struct sink runs[2] = {{0}};
    for (int run = 0; run < 2; run++) {
        struct behavior *b = make_default(&runs[run]);
        feed_mixture(b, 31337);
        behavior_flush(b, T0 + DAY, true);
        behavior_free(b);
    }
    if (verbose())
        for (size_t i = 0; i < runs[0].n; i++)
            fprintf(stderr, "%s %s %.4f %s\n", finding_kind_name(runs[0].v[i].f.kind), runs[0].v[i].f.reason,
                    runs[0].v[i].f.score, runs[0].v[i].name);
    /* 12 beacons (the six, and the long connections and uploads are periodic
     * too), 4 long connections, 4 tunnels, 2 new-destination and 2 daily uploads */
    assert_int_equal(runs[0].n, 24);
    assert_int_equal(runs[0].v[23].f.kind, FINDING_EXFIL);
    assert_string_equal(runs[0].v[23].f.attack, "T1041");
    assert_int_equal(runs[0].n, runs[1].n);
    for (size_t i = 0; i < runs[0].n; i++) {
        const struct finding *x = &runs[0].v[i].f, *y = &runs[1].v[i].f;
        assert_int_equal(x->kind, y->kind);
        assert_memory_equal(&x->score, &y->score, sizeof x->score); /* bit for bit */
        assert_memory_equal(&x->ts_score, &y->ts_score, sizeof x->ts_score);
        assert_int_equal(ip_addr_cmp(&x->src, &y->src), 0);
        assert_int_equal(ip_addr_cmp(&x->dst, &y->dst), 0);
        assert_string_equal(runs[0].v[i].name, runs[1].v[i].name);
        assert_string_equal(runs[0].v[i].uid, runs[1].v[i].uid);
        assert_int_equal(x->count, y->count);
        if (i > 0) {
            const struct finding *p = &runs[0].v[i - 1].f;
            assert_true(p->kind <= x->kind);
            if (p->kind == x->kind) {
                assert_true(p->score >= x->score);
                if (p->score == x->score)
                    assert_true(ip_addr_cmp(&p->src, &x->src) <= 0);
            }
        }
    }
    sink_free(&runs[0]);
    sink_free(&runs[1]);
}

/* ---------------------------------------------------------- configuration */

static void test_config_and_errors(void **state)
{
    struct behavior_config cfg;
    behavior_config_defaults(&cfg);
    assert_int_equal(cfg.beacon_min_conns, 6);
    assert_true(cfg.beacon_threshold == 0.70);
    assert_true(cfg.long_conn_us == HOUR);
    assert_true(cfg.long_conn_chain_gap_us == MINUTE);
    assert_int_equal(cfg.dga_min_nxdomains, 20);
    assert_int_equal(cfg.exfil_upload_bytes, 20 * MB);
    assert_int_equal(cfg.exfil_pair_bytes, 100 * MB);
    assert_int_equal(cfg.max_pairs, 200000);
    assert_int_equal(cfg.max_names, 1000000);
    assert_string_equal(finding_kind_name(FINDING_DNS_TUNNEL), "dns_tunnel");
    assert_string_equal(finding_kind_name(FINDING_EXFIL), "exfil");

    char err[256];
    cfg.psl_path = "/nonexistent/psl.dafsa";
    assert_null(behavior_new(&cfg, capture, NULL, err, sizeof err));
    assert_non_null(strstr(err, "/nonexistent/psl.dafsa"));

    /* custom internal networks: 192.0.2.0/24 is internal, 10/8 no longer is */
    behavior_config_defaults(&cfg);
    struct ip_prefix nets[1];
    assert_true(ip_prefix_parse("192.0.2.0/24", &nets[0]));
    cfg.local_nets = nets;
    cfg.n_local_nets = 1;
    struct sink out = {0};
    struct behavior *b = make(&cfg, &out);
    conn(b, &(struct conn_args){.ts = T0, .dur = 2 * HOUR, .uid = "C1", .src = v4(192, 0, 2, 1),
                                .dst = v4(10, 1, 1, 1), .port = 22});
    conn(b, &(struct conn_args){.ts = T0, .dur = 2 * HOUR, .uid = "C2", .src = v4(10, 1, 1, 1),
                                .dst = v4(198, 51, 100, 1), .port = 22});
    /* multicast and broadcast are never destinations */
    conn(b, &(struct conn_args){.ts = T0, .dur = 2 * HOUR, .uid = "C3", .src = v4(192, 0, 2, 1),
                                .dst = v4(239, 255, 255, 250), .port = 1900, .proto = IPPROTO_UDP});
    conn(b, &(struct conn_args){.ts = T0, .dur = 2 * HOUR, .uid = "C4", .src = v4(192, 0, 2, 1),
                                .dst = addr_of("ff02::fb"), .port = 5353, .proto = IPPROTO_UDP});
    behavior_flush(b, T0 + DAY, true);
    assert_int_equal(out.n, 1);
    assert_string_equal(out.v[0].uid, "C1");
    behavior_free(b);
    sink_free(&out);

    /* IPv6 internal source to IPv6 external destination */
    behavior_config_defaults(&cfg);
    b = make(&cfg, &out);
    conn(b, &(struct conn_args){.ts = T0, .dur = 2 * HOUR, .uid = "C6", .src = addr_of("fd00::5"),
                                .dst = addr_of("2001:db8:1::1"), .port = 443});
    behavior_flush(b, T0 + DAY, true);
    assert_int_equal(out.n, 1);
    behavior_free(b);
    sink_free(&out);
}

/* Hostile times and sizes must not crash or overflow. */
static void test_hostile_values(void **state)
{
    struct sink out = {0};
    struct behavior *b = make_default(&out);
    static const int64_t times[] = {INT64_MIN, INT64_MAX, 0, -1, INT64_MAX - 1, INT64_MIN + 1, T0};
    for (int rep = 0; rep < 20; rep++)
        for (size_t i = 0; i < sizeof times / sizeof times[0]; i++) {
            conn(b, &(struct conn_args){.ts = times[i], .dur = times[(i + rep) % 7], .uid = NULL,
                                        .src = v4(10, 0, 0, 1), .dst = v4(198, 51, 100, 1), .port = 443,
                                        .out = UINT64_MAX, .in = UINT64_MAX});
            dns(b, times[i], &(struct ip_addr){{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 10, 0, 0, 1}},
                "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.bbbbbbbbbbbbbbbbbbb.example.com", 65535, 3);
            struct obs_upload u = {.kind = UPLOAD_HTTP, .ts_us = times[i], .orig_h = v4(10, 0, 0, 1),
                                   .resp_h = v4(198, 51, 100, 1), .bytes = UINT64_MAX, .method = "put"};
            behavior_upload(b, &u);
        }
    struct obs_dns d = {.ts_us = T0, .client = v4(10, 0, 0, 1), .query = NULL, .rcode = -1};
    behavior_dns(b, &d);
    behavior_flush(b, 0, false);
    behavior_flush(b, 0, true);
    for (size_t i = 0; i < out.n; i++) {
        assert_true(out.v[i].f.score >= 0.0 && out.v[i].f.score <= 1.0);
        assert_false(isnan(out.v[i].f.score));
    }
    behavior_free(b);
    sink_free(&out);
}

/* ------------------------------------------------------- the sketch module */

static uint64_t ref_keys[300000];
static bool ref_live[300000];

static bool ref_eq(const void *ctx, uint32_t id, const void *key)
{
    return ref_keys[id] == *(const uint64_t *)key;
}

/* The hash index against a plain array, through growth and many deletions. */
static void test_sketch_hindex(void **state)
{
    struct hindex h;
    assert_true(hindex_init(&h, 4));
    memset(ref_live, 0, sizeof ref_live);
    struct rng r = {1};
    uint32_t live = 0;
    for (int it = 0; it < 2000000; it++) {
        uint32_t id = (uint32_t)(rng_next(&r) % 300000);
        uint64_t key = id * 0x9e3779b97f4a7c15ULL + 1;
        uint32_t h32 = (uint32_t)hash64(&key, sizeof key, 7);
        uint32_t found = hindex_find(&h, h32, ref_eq, NULL, &key);
        if (ref_live[id]) {
            assert_int_equal(found, id);
            if (rng_next(&r) & 1) {
                hindex_remove(&h, h32, id);
                ref_live[id] = false;
                live--;
            }
        } else {
            assert_int_equal(found, HINDEX_NONE);
            ref_keys[id] = key;
            assert_true(hindex_insert(&h, h32, id));
            ref_live[id] = true;
            live++;
        }
    }
    assert_int_equal(h.count, live);
    assert_true((size_t)h.mask + 1 >= 2 * (size_t)live);
    hindex_free(&h);
}

static void test_sketch_distinct(void **state)
{
    struct distinct d;
    memset(&d, 0, sizeof d);
    for (uint64_t i = 0; i < 64; i++) {
        distinct_add(&d, hash64(&i, sizeof i, 1));
        distinct_add(&d, hash64(&i, sizeof i, 1));
    }
    assert_int_equal(distinct_count(&d), 64); /* exact up to 64 */
    assert_false(d.hll);
    static const uint64_t sizes[] = {65, 100, 1000, 100000};
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        memset(&d, 0, sizeof d);
        for (uint64_t i = 0; i < sizes[k]; i++)
            for (int rep = 0; rep < 3; rep++)
                distinct_add(&d, hash64(&i, sizeof i, 1));
        double est = (double)distinct_count(&d);
        assert_true(d.hll);
        assert_true(fabs(est - (double)sizes[k]) <= 0.15 * (double)sizes[k]); /* 256 registers: ~6.5 % */
    }
}

static void test_sketch_loghist(void **state)
{
    struct loghist_scale s;
    loghist_scale_init(&s, 1.0, 1.055);
    struct loghist h;
    memset(&h, 0, sizeof h);
    assert_true(loghist_quantile(&h, &s, 0.5) == 0.0);
    assert_true(loghist_mad(&h, &s, 0.0) == 0.0);
    /* uniform over [50, 150]: quartiles 75/100/125, MAD 25 (to the bin resolution) */
    for (int v = 0; v < 100000; v++)
        loghist_add_bin(&h, loghist_bin(&s, 50.0 + 100.0 * (v + 0.5) / 100000.0));
    double q1 = loghist_quantile(&h, &s, 0.25), q2 = loghist_quantile(&h, &s, 0.5),
           q3 = loghist_quantile(&h, &s, 0.75);
    assert_true(fabs(q1 - 75) < 1.5 && fabs(q2 - 100) < 1.5 && fabs(q3 - 125) < 1.5);
    assert_true(fabs(loghist_mad(&h, &s, q2) - 25.0) < 1.5);
    /* saturation halves and keeps the shape */
    assert_int_equal(h.total, 100000);
    for (int v = 0; v < 70000; v++)
        loghist_add_bin(&h, loghist_bin(&s, 100.0));
    assert_true(h.total < 170000);
    assert_true(fabs(loghist_quantile(&h, &s, 0.5) - 100.0) < 3.0);
    /* out-of-range values land in the end bins */
    assert_int_equal(loghist_bin(&s, -5.0), 0);
    assert_int_equal(loghist_bin(&s, NAN), 0);
    assert_int_equal(loghist_bin(&s, 1e300), LOGHIST_BINS - 1);
    assert_int_equal(loghist_bin(&s, INFINITY), LOGHIST_BINS - 1);
    struct loghist other = h;
    loghist_merge(&h, &other);
    assert_true(fabs(loghist_quantile(&h, &s, 0.5) - 100.0) < 3.0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_long_single_flow),
        cmocka_unit_test(test_long_chain),
        cmocka_unit_test(test_long_not_for_beacons_or_gaps),
        cmocka_unit_test(test_long_open_flow_reported_once),
        cmocka_unit_test(test_dns_tunnels),
        cmocka_unit_test(test_dga),
        cmocka_unit_test(test_dga_label_scores),
        cmocka_unit_test(test_exfil),
        cmocka_unit_test(test_exfil_over_c2),
        cmocka_unit_test(test_names_by_uid),
        cmocka_unit_test(test_names_by_dns),
        cmocka_unit_test(test_prevalence),
        cmocka_unit_test(test_keepalive_and_unsteady_requests),
        cmocka_unit_test(test_name_bindings_bounded),
        cmocka_unit_test(test_allowlist_at_report_time),
        cmocka_unit_test(test_caps_bound_memory),
        cmocka_unit_test(test_deterministic_order),
        cmocka_unit_test(test_config_and_errors),
        cmocka_unit_test(test_hostile_values),
        cmocka_unit_test(test_sketch_hindex),
        cmocka_unit_test(test_sketch_distinct),
        cmocka_unit_test(test_sketch_loghist),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
