/* DTLS parser: a hand-built DTLS 1.2 handshake with a cookie exchange, a
 * fragmented ClientHello (in order, out of order, retransmitted), every
 * truncation of a datagram, and cap-busting fragments. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "parser_harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto/dtls.h"
#include "proto/tls.h"
#include "unit/bytes_harness.h"

struct capture {
    int n_tls;
    struct tls_txn last;
};

static void cap_publish(struct app_env *env, enum event_kind kind, const void *txn)
{
    struct capture *c = env->ctx;
    if (kind == EVENT_TLS) {
        c->n_tls++;
        memcpy(&c->last, txn, sizeof(c->last));
    }
}

/* Appends one record holding body[0..n). */
static void record(struct byte_builder *out, uint8_t type, unsigned epoch, uint64_t seq, const void *body, size_t n)
{
    put8(out, type);
    put16(out, 0xfefd);
    put16(out, epoch);
    put48(out, seq);
    put16(out, (unsigned)n);
    putn(out, body, n);
}

/* A handshake fragment's header: the message's type and length, its
 * sequence number, and the fragment's offset and length. */
static void hs_header(struct byte_builder *b, uint8_t type, unsigned msg_len, unsigned msg_seq, unsigned off,
                      unsigned frag_len)
{
    put8(b, type);
    put24(b, msg_len);
    put16(b, msg_seq);
    put24(b, off);
    put24(b, frag_len);
}

/* Appends one handshake record carrying msg[off..off+len) of a message. */
static void hs_fragment(struct byte_builder *out, uint64_t rec_seq, uint8_t type, uint16_t msg_seq, const struct byte_builder *msg,
                        size_t off, size_t len)
{
    struct byte_builder body = {.n = 0};
    hs_header(&body, type, (unsigned)msg->n, msg_seq, (unsigned)off, (unsigned)len);
    putn(&body, msg->b + off, len);
    record(out, 22, 0, rec_seq, body.b, body.n);
}

static void client_hello(struct byte_builder *m, size_t cookie_len)
{
    m->n = 0;
    put16(m, 0xfefd);
    for (int i = 0; i < 32; i++)
        put8(m, (unsigned)i);
    put8(m, 0);                   /* session id */
    put8(m, (unsigned)cookie_len); /* cookie */
    for (size_t i = 0; i < cookie_len; i++)
        put8(m, 0xc0);
    put16(m, 4);
    put16(m, 0xc02f);
    put16(m, 0xc030);
    put8(m, 1);
    put8(m, 0);
    put16(m, 4 + 9);              /* extensions: SNI dtls.test */
    put16(m, 0);
    put16(m, 9 - 0 + 0);
    put16(m, 7);
    put8(m, 0);
    put16(m, 4);
    putn(m, "dtls", 4);
}

static void server_hello(struct byte_builder *m)
{
    m->n = 0;
    put16(m, 0xfefd);
    for (int i = 0; i < 32; i++)
        put8(m, 0x40);
    put8(m, 0);
    put16(m, 0xc02f);
    put8(m, 0);
}

struct session {
    struct parser_run run;
    struct capture cap;
};

static const struct app_env hooks = {.ts_us = 5000000, .publish = cap_publish};

static void session_open(struct session *s)
{
    memset(&s->cap, 0, sizeof s->cap);
    parser_run_open(&s->run, &dtls_parser, &hooks, &s->cap);
}

static void datagram(struct session *s, bool from_orig, const struct byte_builder *d)
{
    parser_run_feed(&s->run, from_orig, d->b, d->n, 0);
}


enum hello_delivery { HELLO_IN_ORDER, HELLO_REVERSED, HELLO_RETRANSMITTED };

/* The whole exchange: ClientHello (two fragments), HelloVerifyRequest,
 * ClientHello with cookie, ServerHello + ServerHelloDone, ClientKeyExchange
 * + CCS + encrypted Finished, CCS + encrypted Finished. */
static void handshake(struct session *s, enum hello_delivery how)
{
    struct byte_builder msg, d;
    client_hello(&msg, 0);
    struct byte_builder first = {.n = 0}, second = {.n = 0};
    hs_fragment(&first, 0, 1, 0, &msg, 0, 20);
    hs_fragment(&second, 1, 1, 0, &msg, 20, msg.n - 20);
    if (how == HELLO_REVERSED) {
        datagram(s, true, &second);
        datagram(s, true, &first);
    } else {
        datagram(s, true, &first);
        datagram(s, true, &second);
    }

    struct byte_builder hvr = {.n = 0};
    put16(&hvr, 0xfefd);
    put8(&hvr, 4);
    put16(&hvr, 0xabcd);
    put16(&hvr, 0xef01);
    d.n = 0;
    hs_fragment(&d, 0, 3, 0, &hvr, 0, hvr.n);
    datagram(s, false, &d);

    if (how == HELLO_RETRANSMITTED) {
        datagram(s, true, &first);
        datagram(s, true, &second);
    }

    client_hello(&msg, 4);
    d.n = 0;
    hs_fragment(&d, 2, 1, 1, &msg, 0, msg.n);
    datagram(s, true, &d);

    server_hello(&msg);
    struct byte_builder empty = {.n = 0};
    d.n = 0;
    hs_fragment(&d, 1, 2, 1, &msg, 0, msg.n);
    hs_fragment(&d, 2, 14, 2, &empty, 0, 0);
    datagram(s, false, &d);
    if (how == HELLO_RETRANSMITTED)
        datagram(s, false, &d); /* the server's flight again */

    struct byte_builder cke = {.n = 0};
    put8(&cke, 1);
    put8(&cke, 0x55);
    static const uint8_t ccs = 1, sealed[24] = {0};
    d.n = 0;
    hs_fragment(&d, 3, 16, 2, &cke, 0, cke.n);
    record(&d, 20, 0, 4, &ccs, 1);
    record(&d, 22, 1, 0, sealed, sizeof(sealed));
    datagram(s, true, &d);
    assert_int_equal(s->cap.n_tls, 0);

    d.n = 0;
    record(&d, 20, 0, 3, &ccs, 1);
    record(&d, 22, 1, 0, sealed, sizeof(sealed));
    datagram(s, false, &d);
}

static void check_row(const struct capture *c)
{
    assert_int_equal(c->n_tls, 1);
    const struct tls_txn *t = &c->last;
    assert_true(t->has_version);
    assert_int_equal(t->version_num, 0xfefd);
    assert_true(t->has_cipher);
    assert_int_equal(t->cipher, 0xc02f);
    assert_true(t->established);
    assert_string_equal(t->history, "CvCsnGIi");
    assert_true(t->server_name.set);
    assert_string_equal(t->server_name.text, "dtls");
    assert_true(t->has_ja4);
    assert_int_equal(t->ja4[0], 'd');
    assert_memory_equal(t->ja4, "dd2d", 4);
}

static void test_handshake(void **unused)
{
    const enum hello_delivery ways[] = {HELLO_IN_ORDER, HELLO_REVERSED, HELLO_RETRANSMITTED};
    for (size_t i = 0; i < 3; i++) {
        struct session s;
        session_open(&s);
        handshake(&s, ways[i]);
        check_row(&s.cap);
        parser_run_close(&s.run);
        assert_int_equal(s.cap.n_tls, 1); /* not again at close */
        assert_int_equal(s.run.weirds.n, 0);
    }
}

static void test_close_publishes_unfinished(void **unused)
{
    struct byte_builder msg, d = {.n = 0};
    client_hello(&msg, 0);
    hs_fragment(&d, 0, 1, 0, &msg, 0, msg.n);
    struct session s;
    session_open(&s);
    datagram(&s, true, &d);
    assert_int_equal(s.cap.n_tls, 0);
    parser_run_close(&s.run);
    assert_int_equal(s.cap.n_tls, 1);
    assert_false(s.cap.last.established);
    assert_string_equal(s.cap.last.history, "C");
}

static void test_every_truncation(void **unused)
{
    struct byte_builder msg, d = {.n = 0};
    client_hello(&msg, 0);
    hs_fragment(&d, 0, 1, 0, &msg, 0, msg.n);
    for (size_t cut = 0; cut < d.n; cut++) {
        struct byte_builder part = d;
        part.n = cut;
        struct session s;
        session_open(&s);
        datagram(&s, true, &part);
        parser_run_close(&s.run);
        assert_int_equal(s.cap.n_tls, 0);
    }
}

static void test_too_many_fragments(void **unused)
{
    struct byte_builder msg, d;
    client_hello(&msg, 100);
    struct session s;
    session_open(&s);
    /* every other byte: the pieces never merge */
    for (size_t off = 0, seq = 0; off < msg.n; off += 2, seq++) {
        d.n = 0;
        hs_fragment(&d, seq, 1, 0, &msg, off, 1);
        datagram(&s, true, &d);
    }
    assert_string_equal(s.run.weirds.last, "DTLS_too_many_fragments");
    parser_run_close(&s.run);
    assert_int_equal(s.cap.n_tls, 0);
}

/* A handshake header that lies about its sizes, with a 4-byte body, in a
 * record of its own: the weird it raises. */
struct lying_fragment {
    bool from_orig;
    uint64_t record_seq;
    uint8_t msg_type;
    unsigned msg_len, off, frag_len;
    const char *weird;
};

static void test_oversized_and_lying_fragments(void **unused)
{
    static const struct lying_fragment cases[] = {
        {false, 0, 11, 0xffffff, 0, 4, "DTLS_handshake_message_too_large"}, /* a 16 MiB certificate */
        {true, 1, 1, 10, 8, 4, "DTLS_fragment_past_message_end"},       /* past the message's end */
        {true, 2, 1, 10, 0, 500, "DTLS_truncated_handshake_fragment"},  /* longer than the record */
    };
    struct session s;
    session_open(&s);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const struct lying_fragment *c = &cases[i];
        struct byte_builder body = {.n = 0}, d = {.n = 0};
        hs_header(&body, c->msg_type, c->msg_len, 0, c->off, c->frag_len);
        putn(&body, "abcd", 4);
        record(&d, 22, 0, c->record_seq, body.b, body.n);
        datagram(&s, c->from_orig, &d);
        assert_string_equal(s.run.weirds.last, c->weird);
    }
    parser_run_close(&s.run);
}

static void test_not_dtls_stops(void **unused)
{
    struct session s;
    session_open(&s);
    struct byte_builder junk = {.n = 0};
    for (int i = 0; i < 20; i++)
        put8(&junk, 0x17);
    for (int i = 0; i < 11; i++)
        datagram(&s, true, &junk);
    struct byte_builder msg, d = {.n = 0};
    client_hello(&msg, 0);
    hs_fragment(&d, 0, 1, 0, &msg, 0, msg.n);
    datagram(&s, true, &d);
    parser_run_close(&s.run);
    assert_int_equal(s.cap.n_tls, 0);
}

static void test_probe(void **unused)
{
    struct byte_builder msg, d = {.n = 0};
    client_hello(&msg, 0);
    hs_fragment(&d, 0, 1, 0, &msg, 0, msg.n);
    assert_int_equal(dtls_parser.probe(d.b, d.n, true), APP_PROBE_YES);
    assert_int_equal(dtls_parser.probe(d.b, 26, true), APP_PROBE_NO);
    d.b[2] = 0xfc; /* not DTLS 1.0/1.2 */
    assert_int_equal(dtls_parser.probe(d.b, d.n, true), APP_PROBE_NO);
    d.b[2] = 0xfd;
    d.b[13] = 2; /* a ServerHello */
    assert_int_equal(dtls_parser.probe(d.b, d.n, true), APP_PROBE_NO);
    static const uint8_t quic[32] = {0xc3, 0, 0, 0, 1};
    assert_int_equal(dtls_parser.probe(quic, sizeof(quic), true), APP_PROBE_NO);
}

/* DTLS certificates go through the TLS parser's worker state, the
 * certificate cache (proto/x509.h), rather than plain d2i_X509 each time. */
static void test_shares_tls_certificate_cache(void **unused)
{
    assert_non_null(dtls_parser.worker_state_of);
    assert_string_equal(dtls_parser.worker_state_of, tls_parser.name);
    assert_non_null(tls_parser.worker_open);
    assert_null(dtls_parser.worker_open);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_handshake),
        cmocka_unit_test(test_close_publishes_unfinished),
        cmocka_unit_test(test_every_truncation),
        cmocka_unit_test(test_too_many_fragments),
        cmocka_unit_test(test_oversized_and_lying_fragments),
        cmocka_unit_test(test_not_dtls_stops),
        cmocka_unit_test(test_probe),
        cmocka_unit_test(test_shares_tls_certificate_cache),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
