/* Kerberos parser: AS and TGS exchanges built here in DER, over UDP and over
 * TCP delivered byte by byte; the kerberos.log row Zeek would write; and
 * hostile input: nesting 10,000 deep, lengths past the end, records that
 * claim more than the cap, garbage. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "parser_harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto/krb.h"
#include "util/ber.h"
#include "unit/bytes_harness.h"

struct capture {
    int n_msgs, n_rows;
    struct krb_message msgs[8];
    struct krb_row row;
};

static void cap_publish(struct app_env *env, enum event_kind kind, const void *txn)
{
    struct capture *c = env->ctx;
    assert_int_equal(kind, EVENT_KRB);
    const struct krb_txn *t = txn;
    if (t->msg && c->n_msgs < 8)
        c->msgs[c->n_msgs++] = *t->msg;
    if (t->row) {
        c->n_rows++;
        c->row = *t->row;
    }
}

static const struct app_env hooks = {.publish = cap_publish};

/* ---- a DER builder: each call appends one element around bytes built before ---- */

struct der {
    uint8_t p[4096];
    size_t n;
};

static void tlv(struct der *d, uint8_t tag, const void *v, size_t n)
{
    assert_true(n < 65536 && d->n + n + 4 <= sizeof d->p);
    d->p[d->n++] = tag;
    if (n < 128) {
        d->p[d->n++] = (uint8_t)n;
    } else {
        d->p[d->n++] = 0x82;
        d->p[d->n++] = (uint8_t)(n >> 8);
        d->p[d->n++] = (uint8_t)n;
    }
    memmove(d->p + d->n, v, n);
    d->n += n;
}

static void wrap(struct der *d, uint8_t tag, const struct der *in)
{
    tlv(d, tag, in->p, in->n);
}

static void ctx_int(struct der *d, unsigned ctx, uint8_t v)
{
    uint8_t i[3] = {0x02, 0x01, v};
    tlv(d, (uint8_t)(0xa0 | ctx), i, 3);
}

static void ctx_str(struct der *d, unsigned ctx, uint8_t tag, const char *s)
{
    struct der in = {0};
    tlv(&in, tag, s, strlen(s));
    wrap(d, (uint8_t)(0xa0 | ctx), &in);
}

static void principal(struct der *d, unsigned ctx, const char *a, const char *b)
{
    struct der names = {0}, seq = {0}, pn = {0}, inner = {0};
    tlv(&names, 0x1b, a, strlen(a));
    if (b)
        tlv(&names, 0x1b, b, strlen(b));
    ctx_int(&seq, 0, 1);
    wrap(&inner, 0x30, &names);
    wrap(&seq, 0xa1, &inner);
    wrap(&pn, 0x30, &seq);
    wrap(d, (uint8_t)(0xa0 | ctx), &pn);
}

static void encrypted(struct der *d, unsigned ctx, uint8_t etype)
{
    struct der seq = {0}, ed = {0}, c = {0};
    static const uint8_t cipher[16] = {1, 2, 3};
    ctx_int(&seq, 0, etype);
    tlv(&c, 0x04, cipher, sizeof cipher);
    wrap(&seq, 0xa2, &c);
    wrap(&ed, 0x30, &seq);
    wrap(d, (uint8_t)(0xa0 | ctx), &ed);
}

static size_t as_req(uint8_t *out, bool preauth)
{
    struct der body = {0}, b = {0}, req = {0}, seq = {0}, msg = {0}, opt = {0}, ets = {0}, et = {0};
    static const uint8_t options[] = {0x00, 0x40, 0x80, 0x00, 0x10};
    tlv(&opt, 0x03, options, sizeof options);
    wrap(&body, 0xa0, &opt);
    principal(&body, 1, "alice", NULL);
    ctx_str(&body, 2, 0x1b, "EXAMPLE.ORG");
    principal(&body, 3, "krbtgt", "EXAMPLE.ORG");
    ctx_str(&body, 5, 0x18, "20370913024805Z");
    ctx_int(&body, 7, 42);
    static const uint8_t e[] = {0x02, 0x01, 18, 0x02, 0x01, 23};
    tlv(&et, 0x30, e, sizeof e);
    (void)ets;
    wrap(&body, 0xa8, &et);
    wrap(&b, 0x30, &body);
    ctx_int(&req, 1, 5);
    ctx_int(&req, 2, 10);
    if (preauth) {
        struct der pa = {0}, pav = {0}, pas = {0}, val = {0};
        ctx_int(&pa, 1, 2);
        tlv(&val, 0x04, "xx", 2);
        wrap(&pa, 0xa2, &val);
        wrap(&pav, 0x30, &pa);
        wrap(&pas, 0x30, &pav);
        wrap(&req, 0xa3, &pas);
    }
    wrap(&req, 0xa4, &b);
    wrap(&seq, 0x30, &req);
    wrap(&msg, 0x6a, &seq);
    memcpy(out, msg.p, msg.n);
    return msg.n;
}

static size_t kdc_rep(uint8_t *out, uint8_t type, const char *svc_a, const char *svc_b, uint8_t ticket_etype)
{
    struct der rep = {0}, t = {0}, tseq = {0}, ticket = {0}, seq = {0}, msg = {0};
    ctx_int(&rep, 0, 5);
    ctx_int(&rep, 1, type);
    ctx_str(&rep, 3, 0x1b, "EXAMPLE.ORG");
    principal(&rep, 4, "alice", NULL);
    ctx_int(&t, 0, 5);
    ctx_str(&t, 1, 0x1b, "EXAMPLE.ORG");
    principal(&t, 2, svc_a, svc_b);
    encrypted(&t, 3, ticket_etype);
    wrap(&tseq, 0x30, &t);
    wrap(&ticket, 0x61, &tseq);
    wrap(&rep, 0xa5, &ticket);
    encrypted(&rep, 6, 18);
    wrap(&seq, 0x30, &rep);
    wrap(&msg, (uint8_t)(0x60 | type), &seq);
    memcpy(out, msg.p, msg.n);
    return msg.n;
}

static size_t krb_error_msg(uint8_t *out, uint8_t code, const char *etext)
{
    struct der e = {0}, seq = {0}, msg = {0};
    ctx_int(&e, 0, 5);
    ctx_int(&e, 1, 30);
    ctx_int(&e, 6, code);
    ctx_str(&e, 9, 0x1b, "EXAMPLE.ORG");
    principal(&e, 10, "krbtgt", "EXAMPLE.ORG");
    if (etext)
        ctx_str(&e, 11, 0x1b, etext);
    wrap(&seq, 0x30, &e);
    wrap(&msg, 0x7e, &seq);
    memcpy(out, msg.p, msg.n);
    return msg.n;
}

/* ---- tests ---- */

static void test_as_exchange_udp(void **unused)
{
    struct parser_run r;
    struct capture c = {0};
    uint8_t req[4096], rep[4096];
    size_t nq = as_req(req, true), np = kdc_rep(rep, 11, "krbtgt", "EXAMPLE.ORG", 18);
    parser_run_open(&r, &krb_parser, &hooks, &c);
    parser_run_feed(&r, true, req, nq, 0);
    parser_run_feed(&r, false, rep, np, 0);
    parser_run_close(&r);
    assert_int_equal(c.n_msgs, 2);
    assert_int_equal(c.n_rows, 1);
    assert_int_equal(r.weirds.n, 0);
    assert_int_equal(c.msgs[0].msg_type, KRB_MSG_AS_REQ);
    assert_true(c.msgs[0].preauth);
    assert_int_equal(c.msgs[0].n_etypes, 2);
    assert_int_equal(c.msgs[0].etypes[1], 23);
    assert_string_equal(c.row.request_type, "AS");
    assert_string_equal(c.row.client.text, "alice/EXAMPLE.ORG");
    assert_string_equal(c.row.service.text, "krbtgt/EXAMPLE.ORG");
    assert_true(c.row.has_success && c.row.success);
    assert_true(c.row.options.has_till);
    assert_int_equal(c.row.options.till_us, 2136422885LL * 1000000);
    assert_false(c.row.options.has_from);
    assert_true(c.row.has_cipher);
    assert_string_equal(krb_cipher_name(c.row.cipher), "aes256-cts-hmac-sha1-96");
    assert_true(c.row.options.forwardable);
    assert_true(c.row.options.renewable);
}

/* TCP records arrive byte by byte; the row is written once per connection,
 * as Zeek's c$krb$logged makes it. */
static void test_tcp_bytewise_one_row(void **unused)
{
    struct parser_run r;
    struct capture c = {0};
    uint8_t req[4100], rep[4100];
    size_t nq = as_req(req + 4, false), np = kdc_rep(rep + 4, 13, "cifs", "fs01", 23);
    for (int i = 0; i < 4; i++) {
        req[i] = (uint8_t)(nq >> (24 - 8 * i));
        rep[i] = (uint8_t)(np >> (24 - 8 * i));
    }
    parser_run_open(&r, &krb_tcp_parser, &hooks, &c);
    for (int k = 0; k < 2; k++) {
        parser_run_feed(&r, true, req, nq + 4, 1);
        parser_run_feed(&r, false, rep, np + 4, 1);
    }
    parser_run_close(&r);
    assert_int_equal(c.n_msgs, 4);
    assert_int_equal(c.n_rows, 1);
    assert_int_equal(c.msgs[1].msg_type, KRB_MSG_TGS_REP);
    assert_true(c.msgs[1].has_ticket_etype);
    assert_int_equal(c.msgs[1].ticket_etype, KRB_ETYPE_RC4_HMAC);
    assert_string_equal(c.msgs[1].sname.text, "cifs/fs01");
    assert_string_equal(c.row.cipher == 23 ? "rc4" : "other", "rc4");
}

static void test_error_row(void **unused)
{
    struct parser_run r;
    struct capture c = {0};
    uint8_t req[4096], rep[4096];
    size_t nq = as_req(req, false), np = krb_error_msg(rep, 25, NULL);
    parser_run_open(&r, &krb_parser, &hooks, &c);
    parser_run_feed(&r, true, req, nq, 0);
    parser_run_feed(&r, false, rep, np, 0);
    parser_run_close(&r);
    assert_int_equal(c.n_rows, 1);
    assert_true(c.row.has_success && !c.row.success);
    assert_string_equal(c.row.error_msg.text, "KDC_ERR_PREAUTH_REQUIRED");
    assert_int_equal(c.msgs[1].failed_request, KRB_MSG_AS_REQ);
}

/* KRB::ignored_errors: the row so far is dropped; the next exchange gets one. */
static void test_ignored_error_text(void **unused)
{
    struct parser_run r;
    struct capture c = {0};
    uint8_t req[4096], err[4096], rep[4096];
    size_t nq = as_req(req, false), ne = krb_error_msg(err, 25, "NEEDED_PREAUTH");
    size_t np = kdc_rep(rep, 11, "krbtgt", "EXAMPLE.ORG", 18);
    parser_run_open(&r, &krb_parser, &hooks, &c);
    parser_run_feed(&r, true, req, nq, 0);
    parser_run_feed(&r, false, err, ne, 0);
    assert_int_equal(c.n_rows, 0);
    parser_run_feed(&r, true, req, nq, 0);
    parser_run_feed(&r, false, rep, np, 0);
    parser_run_close(&r);
    assert_int_equal(c.n_rows, 1);
    assert_true(c.row.success);
}

/* 10,000 nested constructed elements: a weird, no recursion, no crash. */
static void test_deep_nesting(void **unused)
{
    size_t depth = 10000;
    uint8_t *p = malloc(depth * 6 + 2);
    assert_non_null(p);
    size_t n = der_deep_nest(p, depth, 0x6a, 0xa4); /* AS-REQ, req-body */
    struct parser_run r;
    struct capture c = {0};
    parser_run_open(&r, &krb_parser, &hooks, &c);
    parser_run_feed(&r, true, p, n, 0);
    parser_run_close(&r);
    assert_int_equal(c.n_msgs, 0);
    assert_int_equal(r.weirds.n, 1);
    free(p);
}

/* Every truncation of a valid reply, and a length that runs past the end. */
static void test_truncations_and_lengths(void **unused)
{
    uint8_t rep[4096];
    size_t np = kdc_rep(rep, 13, "HTTP", "web", 23);
    for (size_t cut = 0; cut < np; cut++) {
        struct parser_run r;
        struct capture c = {0};
        parser_run_open(&r, &krb_parser, &hooks, &c);
        parser_run_feed(&r, false, rep, cut, 0);
        parser_run_close(&r);
        assert_int_equal(c.n_msgs, 0);
    }
    assert_int_equal(rep[1], 0x82);
    rep[2] += 0x10; /* claims 4 KB more than there is */
    struct parser_run r;
    struct capture c = {0};
    parser_run_open(&r, &krb_parser, &hooks, &c);
    parser_run_feed(&r, false, rep, np, 0);
    parser_run_close(&r);
    assert_int_equal(c.n_msgs, 0);
    assert_int_equal(r.weirds.n, 1);
}

static void test_tcp_record_cap(void **unused)
{
    static const uint8_t huge[] = {0x7f, 0xff, 0xff, 0xff, 0x6a, 0x00};
    struct parser_run r;
    struct capture c = {0};
    parser_run_open(&r, &krb_tcp_parser, &hooks, &c);
    parser_run_feed(&r, true, huge, sizeof huge, 0);
    parser_run_feed(&r, true, huge, sizeof huge, 0);
    parser_run_close(&r);
    assert_int_equal(r.weirds.n, 1);
    assert_int_equal(c.n_msgs, 0);
}

/* A record mark of zero bytes, then data: a weird, not a loop. */
static void test_tcp_empty_record(void **unused)
{
    static const uint8_t empty[] = {0x00, 0x00, 0x00, 0x00, 0x6a, 0x03, 0x30, 0x01, 0x00};
    struct parser_run r;
    struct capture c = {0};
    parser_run_open(&r, &krb_tcp_parser, &hooks, &c);
    parser_run_feed(&r, true, empty, sizeof empty, 0);
    parser_run_feed(&r, true, empty, sizeof empty, 1);
    parser_run_close(&r);
    assert_int_equal(r.weirds.n, 1);
    assert_int_equal(c.n_msgs, 0);
}

static void test_probe(void **unused)
{
    uint8_t req[4096];
    size_t nq = as_req(req, false);
    assert_int_equal(krb_parser.probe(req, nq, true), APP_PROBE_YES);
    assert_int_equal(krb_parser.probe((const uint8_t *)"GET / HTTP/1.1", 14, true), APP_PROBE_NO);
    assert_int_equal(krb_parser.probe(req, 1, true), APP_PROBE_MAYBE);
}

static void test_ber_reader(void **unused)
{
    static const uint8_t indefinite[] = {0x30, 0x80, 0x00, 0x00};
    static const uint8_t high_tag[] = {0x9f, 0x81, 0x01, 0x01, 0xaa};
    struct byte_reader r = {indefinite, sizeof indefinite, 0, false};
    struct ber_item it;
    assert_false(ber_next(&r, &it));
    struct byte_reader h = {high_tag, sizeof high_tag, 0, false};
    assert_true(ber_next(&h, &it));
    assert_int_equal(it.cls, BER_CONTEXT);
    assert_int_equal(it.tag, 129);
    assert_int_equal(it.len, 1);
    int64_t v;
    static const uint8_t neg[] = {0xff, 0x79};
    struct ber_item n = {BER_UNIVERSAL, false, BER_TAG_INTEGER, neg, 2};
    assert_true(ber_int(&n, &v));
    assert_int_equal(v, -135);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_as_exchange_udp),
        cmocka_unit_test(test_tcp_bytewise_one_row),
        cmocka_unit_test(test_error_row),
        cmocka_unit_test(test_ignored_error_text),
        cmocka_unit_test(test_deep_nesting),
        cmocka_unit_test(test_truncations_and_lengths),
        cmocka_unit_test(test_tcp_record_cap),
        cmocka_unit_test(test_tcp_empty_record),
        cmocka_unit_test(test_probe),
        cmocka_unit_test(test_ber_reader),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
