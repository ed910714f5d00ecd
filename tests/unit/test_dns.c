/* DNS parser: pairing, record formatting, framing, and hostile input. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "parser_harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto/dns.h"
#include "unit/bytes_harness.h"

#define MAX_SEEN 256

/* What the fake engine saw: a flattened copy of each published txn. */
struct seen_row {
    bool has_msg, has_row, msg_qr;
    uint16_t trans_id;
    char query[DNS_NAME_MAX + 1];
    bool has_query, has_rcode, has_rtt, rejected, AA, RA, RD;
    uint8_t rcode;
    char answers[2048];     /* joined with ',' */
    size_t n_answers;
    size_t n_rrs;
};

struct capture {
    size_t n;
    struct seen_row rows[MAX_SEEN];
    int flips, violations;
};

static void fake_publish(struct app_env *env, enum event_kind kind, const void *txn)
{
    struct capture *cap = env->ctx;
    assert_int_equal(kind, EVENT_DNS);
    const struct dns_txn *t = txn;
    if (cap->n >= MAX_SEEN)
        return;
    struct seen_row *s = &cap->rows[cap->n++];
    memset(s, 0, sizeof *s);
    if (t->msg) {
        s->has_msg = true;
        s->msg_qr = t->msg->qr;
        s->n_rrs = t->msg->n_rrs;
    }
    if (t->row) {
        const struct dns_row *r = t->row;
        s->has_row = true;
        s->trans_id = r->trans_id;
        s->has_query = r->has_query;
        if (r->has_query)
            bytes_copy_cstr(s->query, sizeof s->query, r->query.p, r->query.n);
        s->has_rcode = r->has_rcode;
        s->rcode = r->rcode;
        s->has_rtt = r->has_rtt;
        s->rejected = r->rejected;
        s->AA = r->AA;
        s->RA = r->RA;
        s->RD = r->RD;
        s->n_answers = r->n_answers;
        size_t off = 0;
        for (size_t i = 0; i < r->n_answers; i++) {
            if (i && off + 1 < sizeof s->answers)
                s->answers[off++] = ',';
            size_t n = r->answers[i].n;
            if (n > sizeof s->answers - off - 1)
                n = sizeof s->answers - off - 1;
            memcpy(s->answers + off, r->answers[i].p, n);
            off += n;
        }
        s->answers[off] = '\0';
    }
}

static void fake_flip_roles(struct app_env *env)
{
    struct capture *cap = env->ctx;
    cap->flips++;
}

static void fake_violation(struct app_env *env)
{
    struct capture *cap = env->ctx;
    cap->violations++;
}

static void fake_add_service(struct app_env *env, const char *service) {}

struct harness {
    struct parser_run run;
    struct capture cap;
};

static const struct app_env hooks = {.publish = fake_publish, .add_service = fake_add_service};

static struct harness *harness_new(uint8_t proto, uint16_t resp_p)
{
    struct harness *h = calloc(1, sizeof *h);
    assert_non_null(h);
    parser_run_open(&h->run, proto == 6 ? &dns_tcp_parser : &dns_parser, &hooks, &h->cap);
    h->run.env.ts_us = 0;
    h->run.conn.proto = proto;
    h->run.conn.orig_p = 40000;
    h->run.conn.resp_p = resp_p;
    snprintf(h->run.conn.uid, sizeof h->run.conn.uid, "Ctest");
    return h;
}

static void harness_feed(struct harness *h, int64_t ts, bool from_orig, const uint8_t *p, size_t n)
{
    h->run.env.ts_us = ts;
    parser_run_feed(&h->run, from_orig, p, n, 0);
}

static void harness_free(struct harness *h)
{
    parser_run_close(&h->run);
    free(h);
}


/* ---- message builder ------------------------------------------------------ */

static void put_name(struct byte_builder *m, const char *name)
{
    while (*name) {
        const char *dot = strchr(name, '.');
        size_t len = dot ? (size_t)(dot - name) : strlen(name);
        put8(m, (uint8_t)len);
        memcpy(m->b + m->n, name, len);
        m->n += len;
        name += len + (dot ? 1 : 0);
    }
    put8(m, 0);
}

static void header(struct byte_builder *m, uint16_t id, uint16_t flags, uint16_t qd, uint16_t an, uint16_t ns, uint16_t ar)
{
    m->n = 0;
    put16(m, id); put16(m, flags); put16(m, qd); put16(m, an); put16(m, ns); put16(m, ar);
}

static void question(struct byte_builder *m, const char *name, uint16_t type)
{
    put_name(m, name);
    put16(m, type);
    put16(m, 1);
}

static void rr_head(struct byte_builder *m, uint16_t ptr_or_0, const char *name, uint16_t type, uint32_t ttl, uint16_t rdlen)
{
    if (ptr_or_0)
        put16(m, (uint16_t)(0xc000 | ptr_or_0));
    else
        put_name(m, name);
    put16(m, type);
    put16(m, 1);
    put32(m, ttl);
    put16(m, rdlen);
}

static void build_query(struct byte_builder *m, uint16_t id, const char *name, uint16_t type)
{
    header(m, id, 0x0100, 1, 0, 0, 0);
    question(m, name, type);
}

/* Response to "WWW.Example.com A": CNAME example.com, A 192.0.2.1 */
static void build_response(struct byte_builder *m, uint16_t id)
{
    header(m, id, 0x8180, 1, 2, 0, 0);
    question(m, "WWW.Example.com", 1);
    rr_head(m, 12, NULL, 5, 300, 2);
    put16(m, 0xc000 | 16);  /* "Example.com" inside the question */
    rr_head(m, 16, NULL, 1, 60, 4);
    put8(m, 192); put8(m, 0); put8(m, 2); put8(m, 1);
}

/* ---- tests ------------------------------------------------------------------ */

static void test_udp_pairing(void **unused)
{
    struct harness *h = harness_new(17, 53);
    struct byte_builder q, r;
    build_query(&q, 0x1234, "WWW.Example.com", 1);
    build_response(&r, 0x1234);
    harness_feed(h, 1000000, true, q.b, q.n);
    harness_feed(h, 1000392, false, r.b, r.n);
    assert_int_equal(h->cap.n, 2);
    assert_true(h->cap.rows[0].has_msg);
    assert_false(h->cap.rows[0].has_row);          /* the query waits */
    const struct seen_row *s = &h->cap.rows[1];
    assert_true(s->has_row && s->has_msg && s->msg_qr);
    assert_string_equal(s->query, "www.example.com");  /* Zeek lower-cases */
    assert_string_equal(s->answers, "example.com,192.0.2.1");
    assert_true(s->has_rtt && s->RA && s->RD && !s->AA);
    assert_int_equal(s->rcode, 0);
    harness_free(h);
}

static void test_unanswered_and_unsolicited(void **unused)
{
    struct harness *h = harness_new(17, 53);
    struct byte_builder q, r;
    build_query(&q, 1, "a.example", 28);
    harness_feed(h, 1, true, q.b, q.n);
    build_response(&r, 2);
    harness_feed(h, 2, false, r.b, r.n);
    assert_int_equal(h->cap.n, 2);
    assert_true(h->cap.rows[1].has_row);
    assert_false(h->cap.rows[1].has_rtt);           /* no query seen: no rtt */
    assert_string_equal(h->cap.rows[1].query, "www.example.com");  /* from the answer */
    h->run.parser->close(h->run.state, &h->run.env);
    assert_int_equal(h->cap.n, 3);
    assert_true(h->cap.rows[2].has_row && !h->cap.rows[2].has_msg);
    assert_false(h->cap.rows[2].has_rcode);
    assert_string_equal(h->cap.rows[2].query, "a.example");
    free(h->run.state);
    free(h);
}

static void test_rejected_and_txt(void **unused)
{
    struct harness *h = harness_new(17, 53);
    struct byte_builder m;
    header(&m, 7, 0x8185, 1, 0, 0, 0);  /* REFUSED, nothing else */
    question(&m, "x.test", 1);
    harness_feed(h, 5, false, m.b, m.n);
    assert_true(h->cap.rows[0].rejected);
    header(&m, 8, 0x8180, 1, 1, 0, 0);
    question(&m, "t.test", 16);
    rr_head(&m, 12, NULL, 16, 10, 11);
    put8(&m, 4); memcpy(m.b + m.n, "ab c", 4); m.n += 4;
    put8(&m, 5); memcpy(m.b + m.n, "hello", 5); m.n += 5;
    harness_feed(h, 6, false, m.b, m.n);
    assert_string_equal(h->cap.rows[1].answers, "TXT 4 ab c TXT 5 hello");
    harness_free(h);
}

static void test_unknown_type(void **unused)
{
    struct harness *h = harness_new(17, 53);
    struct byte_builder m;
    header(&m, 9, 0x8180, 1, 1, 0, 0);
    question(&m, "n.test", 10);
    rr_head(&m, 12, NULL, 10, 10, 3);
    put8(&m, 1); put8(&m, 2); put8(&m, 3);
    harness_feed(h, 6, false, m.b, m.n);
    assert_string_equal(h->cap.rows[0].answers, "<unknown type=10>");
    assert_true(parser_weirds_saw(&h->run.weirds, "DNS_RR_unknown_type"));
    harness_free(h);
}

static void test_compression_loop_and_forward_pointer(void **unused)
{
    struct harness *h = harness_new(17, 53);
    struct byte_builder m;
    header(&m, 1, 0x0100, 1, 0, 0, 0);
    put16(&m, 0xc000 | 12);   /* points at itself */
    put16(&m, 1); put16(&m, 1);
    harness_feed(h, 1, true, m.b, m.n);
    assert_true(parser_weirds_saw(&h->run.weirds, "DNS_label_forward_compress_offset"));
    harness_free(h);
}

static void test_compression_chain_depth(void **unused)
{
    struct harness *h = harness_new(17, 53);
    struct byte_builder m;
    header(&m, 1, 0x8180, 1, 2, 0, 0);
    question(&m, "a", 1);           /* name at 12 */
    /* a NULL record whose rdata is a chain of 60 pointers, each to the
     * previous one; a second record is named by the last pointer */
    rr_head(&m, 12, NULL, 10, 1, 120);
    size_t prev = 12;
    for (int i = 0; i < 60; i++) {
        size_t here = m.n;
        put16(&m, (uint16_t)(0xc000 | prev));
        prev = here;
    }
    rr_head(&m, (uint16_t)prev, NULL, 1, 1, 4);
    put32(&m, 0x7f000001);
    harness_feed(h, 1, false, m.b, m.n);
    assert_true(parser_weirds_saw(&h->run.weirds, "DNS_max_compression_chain_depth_exceeded"));
    harness_free(h);
}

/* A reply whose seven answers are each named by a pointer to the previous
 * answer's name (max-compression-depth.pcap's shape): the last name is six
 * pointers deep. */
static void chained_answers(struct byte_builder *m)
{
    header(m, 0x1234, 0x8180, 1, 7, 0, 0);
    question(m, "a", 1);
    size_t prev = m->n;
    rr_head(m, 0, "a", 1, 300, 4);
    put32(m, 0x7f000001);
    for (uint32_t i = 2; i <= 7; i++) {
        size_t here = m->n;
        rr_head(m, (uint16_t)prev, NULL, 1, 300, 4);
        put32(m, 0x7f000000 + i);
        prev = here;
    }
}

/* Zeek's dns_max_compression_chain_depth as --dns-max-compression-depth
 * sets it: one pointer beyond is the weird (the depth reached as addl), an
 * analyzer violation and no truncation weird besides. */
static void test_compression_depth_limit(void **unused)
{
    static const uint32_t depths[] = {5, 6};
    for (size_t k = 0; k < 2; k++) {
        struct harness *h = harness_new(17, 53);
        struct app_limits limits = {.ldap_max_pending_searches = 100, .dns_max_compression_depth = depths[k]};
        const struct app_settings settings = {.limits = &limits};
        h->run.env.settings = &settings;
        h->run.env.violation = fake_violation;
        struct byte_builder m;
        chained_answers(&m);
        harness_feed(h, 1, false, m.b, m.n);
        if (depths[k] == 5) {
            assert_int_equal(h->run.weirds.n, 1);
            assert_string_equal(h->run.weirds.names[0], "DNS_max_compression_chain_depth_exceeded");
            assert_string_equal(h->run.weirds.addls[0], "6");
            assert_int_equal(h->cap.violations, 1);
        } else {
            assert_int_equal(h->run.weirds.n, 0);
            assert_int_equal(h->cap.violations, 0);
            assert_int_equal(h->cap.rows[0].n_answers, 7);
        }
        harness_free(h);
    }
}

/* Zeek flips a connection whose first message is a reply sent by its
 * originator, unless the responder is a multicast group; later messages
 * and queries never flip. */
static void test_reply_from_originator_flips(void **unused)
{
    static const uint8_t multicast[16] = {[10] = 0xff, [11] = 0xff, [12] = 224, [15] = 251};
    static const uint8_t unicast[16] = {[10] = 0xff, [11] = 0xff, [12] = 5, [13] = 6, [14] = 7, [15] = 8};
    for (int k = 0; k < 3; k++) {
        struct harness *h = harness_new(17, 53);
        h->run.env.flip_roles = fake_flip_roles;
        memcpy(h->run.conn.resp_h.b, k == 1 ? multicast : unicast, 16);
        struct byte_builder m;
        if (k == 2) {
            header(&m, 7, 0x0100, 1, 0, 0, 0);  /* a query first */
            question(&m, "a", 1);
            harness_feed(h, 1, true, m.b, m.n);
        }
        chained_answers(&m);
        harness_feed(h, 2, true, m.b, m.n);
        harness_feed(h, 3, true, m.b, m.n);
        assert_int_equal(h->cap.flips, k == 0 ? 1 : 0);
        harness_free(h);
    }
}

static void test_label_too_long(void **unused)
{
    struct harness *h = harness_new(17, 53);
    struct byte_builder m;
    header(&m, 1, 0x0100, 1, 0, 0, 0);
    put8(&m, 64);
    memset(m.b + m.n, 'a', 64);
    m.n += 64;
    put8(&m, 0); put16(&m, 1); put16(&m, 1);
    harness_feed(h, 1, true, m.b, m.n);
    assert_true(parser_weirds_saw(&h->run.weirds, "DNS_label_too_long"));
    harness_free(h);
}

static void test_every_truncation(void **unused)
{
    struct byte_builder r;
    build_response(&r, 3);
    for (size_t cut = 0; cut <= r.n; cut++) {
        struct harness *h = harness_new(17, 53);
        uint8_t *copy = malloc(cut ? cut : 1);   /* exact size: ASan sees over-reads */
        memcpy(copy, r.b, cut);
        harness_feed(h, 1, false, copy, cut);
        if (cut < 12)
            assert_true(parser_weirds_saw(&h->run.weirds, "DNS_truncated_len_lt_hdr_len"));
        else
            assert_int_equal(h->cap.n, 1);
        free(copy);
        harness_free(h);
    }
}

static void run_tcp(struct harness *h, const uint8_t *stream, size_t n, size_t chunk)
{
    for (size_t off = 0; off < n; off += chunk) {
        size_t take = n - off < chunk ? n - off : chunk;
        harness_feed(h, 1 + (int64_t)off, true, stream + off, take);
    }
}

static void test_tcp_framing_incremental(void **unused)
{
    struct byte_builder q1, q2;
    build_query(&q1, 10, "one.test", 1);
    build_query(&q2, 11, "two.test", 28);
    uint8_t stream[512];
    size_t n = 0;
    stream[n++] = (uint8_t)(q1.n >> 8); stream[n++] = (uint8_t)q1.n;
    memcpy(stream + n, q1.b, q1.n); n += q1.n;
    stream[n++] = (uint8_t)(q2.n >> 8); stream[n++] = (uint8_t)q2.n;
    memcpy(stream + n, q2.b, q2.n); n += q2.n;

    size_t chunks[] = {n, 1, 2, 3, 7};
    for (size_t c = 0; c < sizeof chunks / sizeof chunks[0]; c++) {
        struct harness *h = harness_new(6, 53);
        run_tcp(h, stream, n, chunks[c]);
        assert_int_equal(h->cap.n, 2);      /* two EVE requests */
        h->run.parser->close(h->run.state, &h->run.env);
        assert_int_equal(h->cap.n, 4);      /* and two unanswered rows */
        assert_string_equal(h->cap.rows[2].query, "one.test");
        assert_string_equal(h->cap.rows[3].query, "two.test");
        free(h->run.state);
        free(h);
    }
}

static void test_tcp_gap_resync(void **unused)
{
    struct byte_builder q;
    build_query(&q, 10, "one.test", 1);
    uint8_t framed[256];
    framed[0] = (uint8_t)(q.n >> 8);
    framed[1] = (uint8_t)q.n;
    memcpy(framed + 2, q.b, q.n);
    struct harness *h = harness_new(6, 53);
    harness_feed(h, 1, true, framed, 5);            /* part of a message */
    h->run.parser->gap(h->run.state, &h->run.env, true, 100);
    harness_feed(h, 2, true, framed + 7, 3);        /* garbage: ignored */
    harness_feed(h, 3, true, framed, q.n + 2);      /* a whole message again */
    assert_int_equal(h->cap.n, 1);
    harness_free(h);
}

static void test_pending_cap(void **unused)
{
    struct harness *h = harness_new(17, 53);
    struct byte_builder q;
    for (int i = 0; i < 100; i++) {
        build_query(&q, (uint16_t)i, "p.test", 1);
        harness_feed(h, i, true, q.b, q.n);
    }
    assert_true(parser_weirds_saw(&h->run.weirds, "DNS_too_many_pending_queries"));
    h->run.parser->close(h->run.state, &h->run.env);
    size_t rows = 0;
    for (size_t i = 0; i < h->cap.n; i++)
        rows += h->cap.rows[i].has_row;
    assert_int_equal(rows, 100);    /* evicted early or flushed at close: none lost */
    free(h->run.state);
    free(h);
}

static void test_mdns_no_pairing(void **unused)
{
    struct harness *h = harness_new(17, 5353);
    struct byte_builder q, r;
    build_query(&q, 0, "host.local", 1);
    build_response(&r, 0);
    harness_feed(h, 1, true, q.b, q.n);
    harness_feed(h, 2, true, r.b, r.n);
    assert_int_equal(h->cap.n, 2);
    assert_true(h->cap.rows[0].has_row && h->cap.rows[1].has_row);
    assert_false(h->cap.rows[1].has_rtt);
    harness_free(h);
}

static void test_netbios_name(void **unused)
{
    struct harness *h = harness_new(17, 137);
    struct byte_builder q;
    /* "WORKGROUP" padded with spaces, suffix 0x00, first-level encoded */
    char enc[33];
    const char *plain = "WORKGROUP      ";
    for (int i = 0; i < 16; i++) {
        uint8_t c = i < 15 ? (uint8_t)plain[i] : 0;
        enc[2 * i] = (char)('A' + (c >> 4));
        enc[2 * i + 1] = (char)('A' + (c & 15));
    }
    enc[32] = '\0';
    build_query(&q, 5, enc, 32);
    harness_feed(h, 1, true, q.b, q.n);
    h->run.parser->close(h->run.state, &h->run.env);
    assert_string_equal(h->cap.rows[1].query, "WORKGROUP");
    free(h->run.state);
    free(h);
}

static void test_probe(void **unused)
{
    struct byte_builder q;
    build_query(&q, 1, "www.example.com", 1);
    assert_int_equal(dns_parser.probe(q.b, q.n, true), APP_PROBE_YES);
    assert_int_equal(dns_parser.probe(q.b, 6, true), APP_PROBE_MAYBE);
    uint8_t framed[256];
    framed[0] = 0;
    framed[1] = (uint8_t)q.n;
    memcpy(framed + 2, q.b, q.n);
    assert_int_equal(dns_tcp_parser.probe(framed, q.n + 2, true), APP_PROBE_YES);
    const char *http = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
    assert_int_equal(dns_parser.probe((const uint8_t *)http, strlen(http), true), APP_PROBE_NO);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_udp_pairing),
        cmocka_unit_test(test_unanswered_and_unsolicited),
        cmocka_unit_test(test_rejected_and_txt),
        cmocka_unit_test(test_unknown_type),
        cmocka_unit_test(test_compression_loop_and_forward_pointer),
        cmocka_unit_test(test_compression_chain_depth),
        cmocka_unit_test(test_compression_depth_limit),
        cmocka_unit_test(test_reply_from_originator_flips),
        cmocka_unit_test(test_label_too_long),
        cmocka_unit_test(test_every_truncation),
        cmocka_unit_test(test_tcp_framing_incremental),
        cmocka_unit_test(test_tcp_gap_resync),
        cmocka_unit_test(test_pending_cap),
        cmocka_unit_test(test_mdns_no_pairing),
        cmocka_unit_test(test_netbios_name),
        cmocka_unit_test(test_probe),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
