/* TLS parser: hand-built handshakes, delivered whole and byte by byte,
 * every truncation, garbage certificates and cap-busting messages. The
 * expected JA3/JA4 values were computed by hand from the specs (the
 * SHA-256/MD5 of the strings written in the comments). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "parser_harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto/tls.h"
#include "proto/x509.h"
#include "unit/bytes_harness.h"

struct capture {
    int n_tls, n_x509;
    struct tls_txn last;
    /* the certificate lists, copied: the txn's pointers live during publish only */
    size_t server_chain_len, client_chain_len;
    uint8_t server_chain[256], client_chain[256];
    int n_encrypted;            /* payload_encrypted calls */
};

static void cap_publish(struct app_env *env, enum event_kind kind, const void *txn)
{
    struct capture *c = env->ctx;
    if (kind == EVENT_TLS) {
        c->n_tls++;
        memcpy(&c->last, txn, sizeof(c->last));
        const struct tls_txn *t = txn;
        c->server_chain_len = t->server_chain_len < sizeof(c->server_chain) ? t->server_chain_len : 0;
        if (c->server_chain_len > 0)
            memcpy(c->server_chain, t->server_chain, c->server_chain_len);
        c->client_chain_len = t->client_chain_len < sizeof(c->client_chain) ? t->client_chain_len : 0;
        if (c->client_chain_len > 0)
            memcpy(c->client_chain, t->client_chain, c->client_chain_len);
    } else if (kind == EVENT_X509) {
        c->n_x509++;
    }
}

static void cap_service(struct app_env *env, const char *service) {}

static void cap_encrypted(struct app_env *env)
{
    struct capture *c = env->ctx;
    c->n_encrypted++;
}

/* Wraps body[0..n) as one handshake message in one record. */
static void record_hs(struct byte_builder *out, uint8_t type, const struct byte_builder *body)
{
    put8(out, 22);
    put16(out, 0x0301);
    put16(out, (unsigned)(body->n + 4));
    put8(out, type);
    put24(out, (unsigned)body->n);
    putn(out, body->b, body->n);
}

/* ClientHello: ciphers 1301, GREASE 0a0a, c02b, 002f; extensions GREASE
 * 2a2a, SNI example.com, groups {1a1a, 001d, 0017}, points {0}, sigalgs
 * {0403, 0804}, ALPN {h2, http/1.1}, versions {3a3a, 0304, 0303}. */
static void client_hello(struct byte_builder *rec)
{
    struct byte_builder m = {.n = 0};
    put16(&m, 0x0303);
    for (int i = 0; i < 32; i++)
        put8(&m, i);
    put8(&m, 0); /* session id */
    put16(&m, 8);
    put16(&m, 0x1301);
    put16(&m, 0x0a0a);
    put16(&m, 0xc02b);
    put16(&m, 0x002f);
    put8(&m, 1);
    put8(&m, 0);
    size_t ext_len_at = m.n;
    put16(&m, 0);
    put16(&m, 0x2a2a);
    put16(&m, 0);
    put16(&m, 0); /* SNI */
    put16(&m, 16);
    put16(&m, 14);
    put8(&m, 0);
    put16(&m, 11);
    putn(&m, "example.com", 11);
    put16(&m, 10);
    put16(&m, 8);
    put16(&m, 6);
    put16(&m, 0x1a1a);
    put16(&m, 0x001d);
    put16(&m, 0x0017);
    put16(&m, 11);
    put16(&m, 2);
    put8(&m, 1);
    put8(&m, 0);
    put16(&m, 13);
    put16(&m, 6);
    put16(&m, 4);
    put16(&m, 0x0403);
    put16(&m, 0x0804);
    put16(&m, 16);
    put16(&m, 14);
    put16(&m, 12);
    put8(&m, 2);
    putn(&m, "h2", 2);
    put8(&m, 8);
    putn(&m, "http/1.1", 8);
    put16(&m, 43);
    put16(&m, 7);
    put8(&m, 6);
    put16(&m, 0x3a3a);
    put16(&m, 0x0304);
    put16(&m, 0x0303);
    patch16(&m, ext_len_at, m.n - ext_len_at - 2);
    record_hs(rec, 1, &m);
}

/* ServerHello TLS 1.2, cipher c02f, ALPN h2. */
static void server_hello(struct byte_builder *rec)
{
    struct byte_builder m = {.n = 0};
    put16(&m, 0x0303);
    for (int i = 0; i < 32; i++)
        put8(&m, 0x40 + i);
    put8(&m, 0);
    put16(&m, 0xc02f);
    put8(&m, 0);
    put16(&m, 9);
    put16(&m, 16);
    put16(&m, 5);
    put16(&m, 3);
    put8(&m, 2);
    putn(&m, "h2", 2);
    record_hs(rec, 2, &m);
}

static void ccs(struct byte_builder *rec)
{
    put8(rec, 20);
    put16(rec, 0x0303);
    put16(rec, 1);
    put8(rec, 1);
}

static void app_data(struct byte_builder *rec)
{
    put8(rec, 23);
    put16(rec, 0x0303);
    put16(rec, 4);
    put16(rec, 0xdead);
    put16(rec, 0xbeef);
}

struct session {
    struct parser_run run;
    struct capture cap;
};

static const struct app_env hooks = {
    .publish = cap_publish, .add_service = cap_service, .payload_encrypted = cap_encrypted};

static void session_open(struct session *s)
{
    memset(&s->cap, 0, sizeof s->cap);
    parser_run_open(&s->run, &tls_parser, &hooks, &s->cap);
}

static void session_feed(struct session *s, bool from_orig, const struct byte_builder *b, size_t step)
{
    parser_run_feed(&s->run, from_orig, b->b, b->n, step);
}


static void run_full_handshake(struct session *s, size_t step)
{
    struct byte_builder c1 = {.n = 0}, s1 = {.n = 0}, c2 = {.n = 0}, s2 = {.n = 0};
    client_hello(&c1);
    server_hello(&s1);
    ccs(&s1);
    ccs(&c2);
    app_data(&c2);
    app_data(&s2);
    session_feed(s, true, &c1, step);
    session_feed(s, false, &s1, step);
    session_feed(s, true, &c2, step);
    session_feed(s, false, &s2, step);
}

static void check_full_handshake(const struct capture *cap)
{
    const struct tls_txn *t = &cap->last;
    assert_int_equal(cap->n_tls, 1);
    assert_true(t->established);
    assert_true(cap->n_encrypted > 0); /* application data: signatures leave the payload alone */
    assert_string_equal(t->history, "CsiI");
    assert_true(t->has_version);
    assert_int_equal(t->version_num, 0x0303);
    assert_int_equal(t->cipher, 0xc02f);
    assert_string_equal(t->server_name.text, "example.com");
    assert_string_equal(t->next_protocol.text, "h2");
    assert_false(t->resumed);
    assert_false(t->has_cert_chains);
    /* "771,4865-49195-47,0-10-11-13-16-43,29-23,0" */
    assert_string_equal(t->ja3, "771,4865-49195-47,0-10-11-13-16-43,29-23,0");
    assert_string_equal(t->ja3_hash, "0f92d7a0e8b92db0367a29764a06d32a");
    /* "771,49199,16" */
    assert_string_equal(t->ja3s, "771,49199,16");
    assert_string_equal(t->ja3s_hash, "896415616b22361262d7a961b6325cfd");
    /* b: sha256("002f,1301,c02b"); c: sha256("000a,000b,000d,002b_0403,0804") */
    assert_string_equal(t->ja4, "t13d0306h2_58a34ed92d94_fb71836bce29");
    assert_int_equal(t->n_client_alpns, 2);
}

static void test_full_handshake(void **unused)
{
    struct session s;
    session_open(&s);
    run_full_handshake(&s, 100000);
    parser_run_close(&s.run);
    check_full_handshake(&s.cap);
}

static void test_byte_by_byte(void **unused)
{
    struct session s;
    session_open(&s);
    run_full_handshake(&s, 1);
    parser_run_close(&s.run);
    check_full_handshake(&s.cap);
}

/* Two handshake messages in one record, then one message split over two records. */
static void test_record_packing(void **unused)
{
    struct byte_builder sh = {.n = 0}, sh2 = {.n = 0}, packed = {.n = 0};
    server_hello(&sh);
    /* sh: 5-byte record header + message; append a ServerHelloDone to the same record */
    memcpy(packed.b, sh.b, sh.n);
    packed.n = sh.n;
    put8(&packed, 14);
    put24(&packed, 0);
    patch16(&packed, 3, packed.n - 5);

    struct session s;
    session_open(&s);
    struct byte_builder c1 = {.n = 0};
    client_hello(&c1);
    session_feed(&s, true, &c1, c1.n);
    session_feed(&s, false, &packed, packed.n);
    parser_run_close(&s.run);
    assert_string_equal(s.cap.last.history, "Csn");
    assert_false(s.cap.last.established);

    /* the ClientHello message split across two records */
    struct byte_builder split = {.n = 0};
    size_t msg = c1.n - 5, first = msg / 3;
    put8(&split, 22);
    put16(&split, 0x0301);
    put16(&split, (unsigned)first);
    putn(&split, c1.b + 5, first);
    put8(&split, 22);
    put16(&split, 0x0301);
    put16(&split, (unsigned)(msg - first));
    putn(&split, c1.b + 5 + first, msg - first);
    session_open(&s);
    session_feed(&s, true, &split, 7);
    server_hello(&sh2);
    session_feed(&s, false, &sh2, sh2.n);
    parser_run_close(&s.run);
    assert_string_equal(s.cap.last.history, "Cs");
    assert_string_equal(s.cap.last.ja4, "t13d0306h2_58a34ed92d94_fb71836bce29");
}

static void test_every_truncation(void **unused)
{
    struct byte_builder c1 = {.n = 0};
    client_hello(&c1);
    for (size_t cut = 0; cut < c1.n; cut++) {
        struct byte_builder part = {.n = 0};
        putn(&part, c1.b, cut);
        /* also lie about the lengths inside: shrink the record to the cut */
        struct session s;
        session_open(&s);
        session_feed(&s, true, &part, part.n);
        parser_run_close(&s.run);
        assert_int_equal(s.cap.n_tls, 0);
        if (cut > 9) {
            struct byte_builder lie = {.n = 0};
            putn(&lie, c1.b, cut);
            patch16(&lie, 3, cut - 5);
            patch24(&lie, 6, cut - 9);
            session_open(&s);
            session_feed(&s, true, &lie, lie.n);
            parser_run_close(&s.run);
        }
    }
}

static void test_alert_and_failure(void **unused)
{
    struct session s;
    session_open(&s);
    struct byte_builder c1 = {.n = 0}, a = {.n = 0};
    client_hello(&c1);
    put8(&a, 21);
    put16(&a, 0x0303);
    put16(&a, 2);
    put8(&a, 2);
    put8(&a, 40);
    session_feed(&s, true, &c1, c1.n);
    struct byte_builder one = {.n = 0};
    put8(&one, 21);
    session_feed(&s, false, &one, one.n); /* a stray byte: the next header is garbage */
    session_feed(&s, false, &a, a.n);
    parser_run_close(&s.run);
    assert_int_equal(s.cap.n_tls, 1);
    assert_string_equal(s.cap.last.history, "C");
    assert_false(s.cap.last.established);

    session_open(&s);
    session_feed(&s, true, &c1, c1.n);
    session_feed(&s, false, &a, a.n);
    parser_run_close(&s.run);
    assert_string_equal(s.cap.last.history, "Cl");
    assert_true(s.cap.last.has_last_alert);
    assert_int_equal(s.cap.last.last_alert, 40);
}

static void test_garbage_certificate(void **unused)
{
    struct byte_builder cert = {.n = 0}, rec = {.n = 0};
    put24(&cert, 3 + 10);
    put24(&cert, 10);
    for (int i = 0; i < 10; i++)
        put8(&cert, 0x30 + i);
    record_hs(&rec, 11, &cert);
    struct session s;
    session_open(&s);
    struct byte_builder c1 = {.n = 0}, sh = {.n = 0};
    client_hello(&c1);
    server_hello(&sh);
    session_feed(&s, true, &c1, c1.n);
    session_feed(&s, false, &sh, sh.n);
    session_feed(&s, false, &rec, 3);
    struct byte_builder rest = {.n = 0};
    putn(&rest, rec.b + 3, rec.n - 3);
    session_feed(&s, false, &rest, rest.n);
    parser_run_close(&s.run);
    assert_int_equal(s.cap.n_x509, 0);
    assert_string_equal(s.run.weirds.last, "x509_certificate_parse_error");
    assert_string_equal(s.cap.last.history, "Csx");
    assert_true(s.cap.last.has_cert_chains);
    assert_int_equal(s.cap.last.n_server_fps, 0);
}

/* Each side's first Certificate message is kept as sent, parseable or not,
 * for EVE's certificate/chain fields; a second one does not replace it. */
static void test_certificate_lists_kept(void **unused)
{
    struct byte_builder scert = {.n = 0}, ccert = {.n = 0}, again = {.n = 0};
    struct byte_builder srec = {.n = 0}, crec = {.n = 0}, arec = {.n = 0};
    put24(&scert, 3 + 4 + 3 + 2);
    put24(&scert, 4);
    putn(&scert, "abcd", 4);
    put24(&scert, 2);
    putn(&scert, "ef", 2);
    record_hs(&srec, 11, &scert);
    put24(&ccert, 3 + 3);
    put24(&ccert, 3);
    putn(&ccert, "xyz", 3);
    record_hs(&crec, 11, &ccert);
    put24(&again, 3 + 1);
    put24(&again, 1);
    put8(&again, 'Z');
    record_hs(&arec, 11, &again);
    for (size_t step = 1; step <= 64; step += 63) {
        struct session s;
        session_open(&s);
        struct byte_builder c1 = {.n = 0}, sh = {.n = 0};
        client_hello(&c1);
        server_hello(&sh);
        session_feed(&s, true, &c1, step);
        session_feed(&s, false, &sh, step);
        session_feed(&s, false, &srec, step);
        session_feed(&s, false, &arec, step);
        session_feed(&s, true, &crec, step);
        parser_run_close(&s.run);
        assert_int_equal(s.cap.n_tls, 1);
        assert_int_equal(s.cap.server_chain_len, scert.n - 3);
        assert_memory_equal(s.cap.server_chain, scert.b + 3, scert.n - 3);
        assert_int_equal(s.cap.client_chain_len, ccert.n - 3);
        assert_memory_equal(s.cap.client_chain, ccert.b + 3, ccert.n - 3);
        assert_false(s.cap.last.has_client_cert);
    }
}

static void test_oversized_message(void **unused)
{
    /* a 1 MiB ServerKeyExchange, announced and then sent in 16 KiB records */
    struct session s;
    session_open(&s);
    struct byte_builder c1 = {.n = 0};
    client_hello(&c1);
    session_feed(&s, true, &c1, c1.n);
    size_t total = 1u << 20, sent = 0;
    bool first = true;
    while (sent < total + 4) {
        struct byte_builder r = {.n = 0};
        size_t body = 4000;
        put8(&r, 22);
        put16(&r, 0x0303);
        put16(&r, (unsigned)body);
        size_t start = r.n;
        if (first) {
            put8(&r, 12);
            put24(&r, (unsigned)total);
            first = false;
        }
        while (r.n - start < body)
            put8(&r, 0x41);
        session_feed(&s, false, &r, r.n);
        sent += body;
    }
    parser_run_close(&s.run);
    assert_string_equal(s.run.weirds.last, "SSL_handshake_message_too_large");
}

static void test_probe(void **unused)
{
    struct byte_builder c1 = {.n = 0};
    client_hello(&c1);
    assert_int_equal(tls_parser.probe(c1.b, c1.n, true), APP_PROBE_YES);
    assert_int_equal(tls_parser.probe(c1.b, 3, true), APP_PROBE_MAYBE);
    assert_int_equal(tls_parser.probe((const uint8_t *)"GET / HTTP/1.1\r\n", 16, true),
                     APP_PROBE_NO);
    assert_int_equal(tls_parser.probe(c1.b, c1.n, false), APP_PROBE_NO);
    assert_string_equal(tls_parser.name, "ssl");
}

static void test_not_tls_stops(void **unused)
{
    struct session s;
    session_open(&s);
    struct byte_builder junk = {.n = 0};
    putn(&junk, "SSH-2.0-OpenSSH\r\n", 17);
    session_feed(&s, true, &junk, junk.n);
    parser_run_close(&s.run);
    assert_int_equal(s.cap.n_tls, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_full_handshake),
        cmocka_unit_test(test_byte_by_byte),
        cmocka_unit_test(test_record_packing),
        cmocka_unit_test(test_every_truncation),
        cmocka_unit_test(test_alert_and_failure),
        cmocka_unit_test(test_garbage_certificate),
        cmocka_unit_test(test_certificate_lists_kept),
        cmocka_unit_test(test_oversized_message),
        cmocka_unit_test(test_probe),
        cmocka_unit_test(test_not_tls_stops),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
