#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "parser_harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "proto/quic.h"

/* ---- a fake engine ------------------------------------------------------ */

#define MAX_TXNS 8

struct capture {
    int n_quic;
    struct quic_txn quic[MAX_TXNS];
    bool quic_had_hello[MAX_TXNS];
    char quic_ja4[MAX_TXNS][TLS_JA4_MAX];
    int n_tls;
    uint16_t tls_cipher;
    bool tls_has_cipher;
    int weirds;
    char last_weird[128];
    char services[64];
};

static void fake_publish(struct app_env *env, enum event_kind kind, const void *txn)
{
    struct capture *cap = env->ctx;
    if (kind == EVENT_TLS) {
        const struct tls_txn *t = txn;
        cap->n_tls++;
        cap->tls_has_cipher = t->has_cipher;
        cap->tls_cipher = t->cipher;
        return;
    }
    assert_int_equal(kind, EVENT_QUIC);
    assert_true(cap->n_quic < MAX_TXNS);
    const struct quic_txn *q = txn;
    memcpy(&cap->quic[cap->n_quic], q, sizeof(*q));
    cap->quic_had_hello[cap->n_quic] = q->client_hello != NULL;
    if (q->client_hello != NULL)
        memcpy(cap->quic_ja4[cap->n_quic], q->client_hello->ja4, TLS_JA4_MAX);
    cap->n_quic++;
}

static void fake_service(struct app_env *env, const char *service)
{
    struct capture *cap = env->ctx;
    size_t k = strlen(cap->services);
    snprintf(cap->services + k, sizeof cap->services - k, "%s%s", k ? "," : "", service);
}

struct session {
    struct parser_run run;
    struct capture cap;
};

static const struct app_env hooks = {.publish = fake_publish, .add_service = fake_service};

static struct session *session_open(void)
{
    struct session *s = calloc(1, sizeof(*s));
    assert_non_null(s);
    parser_run_open(&s->run, &quic_parser, &hooks, &s->cap);
    return s;
}

static void session_feed(struct session *s, bool from_orig, const void *p, size_t n)
{
    s->run.env.ts_us += 1000;
    parser_run_feed(&s->run, from_orig, p, n, 0);
}


/* ---- RFC 9001 Appendix A ------------------------------------------------ */

static size_t unhex(const char *h, uint8_t *out, size_t cap)
{
    size_t n = 0;
    while (h[0] && h[1] && n < cap) {
        unsigned v;
        sscanf(h, "%2x", &v);
        out[n++] = (uint8_t)v;
        h += 2;
    }
    return n;
}

/* A.1: client Initial keys for DCID 8394c8f03e515708. */
static const char *const rfc_client_key = "1f369613dd76d5467730efcbe3b1a22d";
static const char *const rfc_client_iv = "fa044b2f42a3fd3b46fb255c";
static const char *const rfc_client_hp = "9f50449e04a0e810283a1e9933adedd2";

/* A.2: the CRYPTO frame of the client Initial (padded to 1162 bytes). */
static const char *const rfc_client_crypto =
    "060040f1010000ed0303ebf8fa56f12939b9584a3896472ec40bb863cfd3e868"
    "04fe3a47f06a2b69484c00000413011302010000c000000010000e00000b6578"
    "616d706c652e636f6dff01000100000a00080006001d00170018001000070005"
    "04616c706e000500050100000000003300260024001d00209370b2c9caa47fba"
    "baf4559fedba753de171fa71f50f1ce15d43e994ec74d748002b000302030400"
    "0d0010000e0403050306030203080408050806002d00020101001c0002400100"
    "3900320408ffffffffffffffff05048000ffff07048000ffff08011001048000"
    "75300901100f088394c8f03e51570806048000ffff";
static const char *const rfc_client_header = "c300000001088394c8f03e5157080000449e00000002";
static const char *const rfc_client_protected_prefix =
    "c000000001088394c8f03e5157080000449e7b9aec34d1b1c98dd7689fb8ec11";
static const char *const rfc_client_protected_suffix =
    "7e78bfe706ca4cf5e9c5453e9f7cfd2b8b4c8d169a44e55c88d4a9a7f9474241e221af44860018ab0856972e194cd934";

/* A.3: the server Initial, protected. */
static const char *const rfc_server_packet =
    "cf000000010008f067a5502a4262b5004075c0d95a482cd0991cd25b0aac406a"
    "5816b6394100f37a1c69797554780bb38cc5a99f5ede4cf73c3ec2493a1839b3"
    "dbcba3f6ea46c5b7684df3548e7ddeb9c3bf9c73cc3f3bded74b562bfb19fb84"
    "022f8ef4cdd93795d77d06edbb7aaf2f58891850abbdca3d20398c276456cbc4"
    "2158407dd074ee";

struct keys {
    uint8_t key[16], iv[12], hp[16];
};

static void rfc_keys(struct keys *k)
{
    unhex(rfc_client_key, k->key, 16);
    unhex(rfc_client_iv, k->iv, 12);
    unhex(rfc_client_hp, k->hp, 16);
}

/* RFC 9369 Appendix A.1: the same DCID's client keys for QUIC v2. */
static void rfc_v2_keys(struct keys *k)
{
    unhex("8b1a0bc121284290a29e0971b5cd045d", k->key, 16);
    unhex("91f73e2351d8fa91660e909f", k->iv, 12);
    unhex("45b95e15235d6f45a6b19cbcb0294ba9", k->hp, 16);
}

/* Protects a long-header packet: hdr ends with a pn_len-byte packet number
 * (pn_len from hdr[0]); out receives header + ciphertext + tag. */
static size_t protect(const struct keys *k, const uint8_t *hdr, size_t hdr_len, const uint8_t *payload,
                      size_t payload_len, uint8_t *out)
{
    size_t pn_len = (size_t)(hdr[0] & 3) + 1;
    size_t pn_off = hdr_len - pn_len;
    uint8_t nonce[12];
    memcpy(nonce, k->iv, 12);
    for (size_t i = 0; i < pn_len; i++)
        nonce[12 - pn_len + i] ^= hdr[pn_off + i];
    memcpy(out, hdr, hdr_len);
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    int len = 0;
    assert_int_equal(EVP_EncryptInit_ex(ctx, EVP_aes_128_gcm(), NULL, k->key, nonce), 1);
    assert_int_equal(EVP_EncryptUpdate(ctx, NULL, &len, hdr, (int)hdr_len), 1);
    assert_int_equal(EVP_EncryptUpdate(ctx, out + hdr_len, &len, payload, (int)payload_len), 1);
    assert_int_equal(EVP_EncryptFinal_ex(ctx, out + hdr_len + len, &len), 1);
    assert_int_equal(EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, 16, out + hdr_len + payload_len), 1);
    EVP_CIPHER_CTX_free(ctx);
    uint8_t mask[16];
    ctx = EVP_CIPHER_CTX_new();
    assert_int_equal(EVP_EncryptInit_ex(ctx, EVP_aes_128_ecb(), NULL, k->hp, NULL), 1);
    EVP_CIPHER_CTX_set_padding(ctx, 0);
    assert_int_equal(EVP_EncryptUpdate(ctx, mask, &len, out + pn_off + 4, 16), 1);
    EVP_CIPHER_CTX_free(ctx);
    out[0] ^= mask[0] & 0x0f;
    for (size_t i = 0; i < pn_len; i++)
        out[pn_off + i] ^= mask[1 + i];
    return hdr_len + payload_len + 16;
}

/* The RFC's client Initial, protected by the test itself. */
static size_t rfc_client_initial(uint8_t *out)
{
    uint8_t hdr[64], payload[1162];
    size_t hdr_len = unhex(rfc_client_header, hdr, sizeof hdr);
    memset(payload, 0, sizeof payload);
    unhex(rfc_client_crypto, payload, sizeof payload);
    struct keys k;
    rfc_keys(&k);
    return protect(&k, hdr, hdr_len, payload, sizeof payload, out);
}

static size_t put_varint(uint8_t *p, uint64_t v)
{
    if (v < 64) {
        p[0] = (uint8_t)v;
        return 1;
    }
    if (v < 16384) {
        p[0] = (uint8_t)(0x40 | v >> 8);
        p[1] = (uint8_t)v;
        return 2;
    }
    p[0] = (uint8_t)(0x80 | v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
    return 4;
}

/* A client Initial of `version` with DCID 8394c8f03e515708 carrying
 * `frames` (padded to 1162 bytes), packet number pn. */
static size_t client_initial(const struct keys *k, uint32_t version, uint8_t first_type_bits, uint32_t pn,
                             const uint8_t *frames, size_t frames_len, uint8_t *out)
{
    uint8_t payload[1162];
    assert_true(frames_len <= sizeof payload);
    memset(payload, 0, sizeof payload);
    memcpy(payload, frames, frames_len);
    uint8_t hdr[64];
    size_t h = 0;
    hdr[h++] = (uint8_t)(0xc3 | first_type_bits << 4);
    hdr[h++] = (uint8_t)(version >> 24);
    hdr[h++] = (uint8_t)(version >> 16);
    hdr[h++] = (uint8_t)(version >> 8);
    hdr[h++] = (uint8_t)version;
    hdr[h++] = 8;
    h += unhex("8394c8f03e515708", hdr + h, 8);
    hdr[h++] = 0; /* SCID */
    hdr[h++] = 0; /* token */
    hdr[h++] = 0x40 | (uint8_t)((sizeof payload + 4 + 16) >> 8);
    hdr[h++] = (uint8_t)(sizeof payload + 4 + 16);
    hdr[h++] = (uint8_t)(pn >> 24);
    hdr[h++] = (uint8_t)(pn >> 16);
    hdr[h++] = (uint8_t)(pn >> 8);
    hdr[h++] = (uint8_t)pn;
    return protect(k, hdr, h, payload, sizeof payload, out);
}

static size_t crypto_frame(uint8_t *p, uint64_t offset, const uint8_t *data, size_t n)
{
    size_t k = 0;
    p[k++] = 0x06;
    k += put_varint(p + k, offset);
    k += put_varint(p + k, n);
    memcpy(p + k, data, n);
    return k + n;
}

/* The ClientHello handshake message of A.2 (its CRYPTO frame's data,
 * handshake header included). */
static size_t rfc_client_hello(uint8_t *out)
{
    uint8_t frame[400];
    size_t n = unhex(rfc_client_crypto, frame, sizeof frame);
    memcpy(out, frame + 4, n - 4);
    return n - 4;
}

static void expect_rfc_record(const struct capture *cap, int i)
{
    const struct quic_txn *t = &cap->quic[i];
    assert_int_equal(t->version, 1);
    assert_true(t->client_initial_dcid.set);
    assert_int_equal(t->client_initial_dcid.len, 8);
    uint8_t dcid[8];
    unhex("8394c8f03e515708", dcid, 8);
    assert_memory_equal(t->client_initial_dcid.bytes, dcid, 8);
    assert_true(t->client_scid.set);
    assert_int_equal(t->client_scid.len, 0);
    assert_true(t->server_name.set);
    assert_string_equal(t->server_name.text, "example.com");
    assert_true(t->client_protocol.set);
    assert_string_equal(t->client_protocol.text, "alpn");
    assert_true(cap->quic_had_hello[i]);
    assert_int_equal(cap->quic_ja4[i][0], 'q');
}

/* ---- tests -------------------------------------------------------------- */

static void test_rfc_protection_matches(void **unused)
{
    uint8_t pkt[1300], want[64];
    size_t n = rfc_client_initial(pkt);
    assert_int_equal(n, 1200);
    size_t k = unhex(rfc_client_protected_prefix, want, sizeof want);
    assert_memory_equal(pkt, want, k);
    k = unhex(rfc_client_protected_suffix, want, sizeof want);
    assert_memory_equal(pkt + n - k, want, k);
}

static void test_rfc_client_initial(void **unused)
{
    uint8_t pkt[1300];
    size_t n = rfc_client_initial(pkt);
    assert_int_equal(quic_parser.probe(pkt, n, true), APP_PROBE_YES);
    struct session *s = session_open();
    session_feed(s, true, pkt, n);
    parser_run_close(&s->run);
    assert_int_equal(s->cap.n_quic, 1);
    expect_rfc_record(&s->cap, 0);
    assert_string_equal(s->cap.quic[0].history, "IS");
    assert_false(s->cap.quic[0].server_scid.set);
    /* the TLS parser saw the ClientHello too (ssl.log) */
    assert_int_equal(s->cap.n_tls, 1);
    assert_string_equal(s->cap.services, "ssl");
    /* EVE extensions: server_name carries its value */
    const struct quic_txn *t = &s->cap.quic[0];
    assert_true(t->n_exts > 2);
    assert_int_equal(t->exts[0].type, 0);
    assert_int_equal(t->exts[0].n_values, 1);
    assert_memory_equal(t->ext_pool + t->exts[0].value_off[0], "example.com", 11);
    free(s);
}

static void test_rfc_server_initial(void **unused)
{
    uint8_t pkt[1300], srv[300];
    size_t n = rfc_client_initial(pkt);
    size_t m = unhex(rfc_server_packet, srv, sizeof srv);
    struct session *s = session_open();
    session_feed(s, true, pkt, n);
    session_feed(s, false, srv, m);
    parser_run_close(&s->run);
    assert_int_equal(s->cap.n_quic, 1);
    expect_rfc_record(&s->cap, 0);
    assert_string_equal(s->cap.quic[0].history, "ISis");
    assert_true(s->cap.quic[0].server_scid.set);
    uint8_t scid[8];
    unhex("f067a5502a4262b5", scid, 8);
    assert_memory_equal(s->cap.quic[0].server_scid.bytes, scid, 8);
    assert_int_equal(s->cap.n_tls, 1);
    assert_true(s->cap.tls_has_cipher);
    assert_int_equal(s->cap.tls_cipher, 0x1301);
    free(s);
}

static void test_every_truncation(void **unused)
{
    uint8_t pkt[1300];
    size_t n = rfc_client_initial(pkt);
    for (size_t len = 1; len < n; len++) {
        uint8_t *copy = malloc(len); /* exact size: ASan sees any overread */
        memcpy(copy, pkt, len);
        struct session *s = session_open();
        session_feed(s, true, copy, len);
        parser_run_close(&s->run);
        for (int i = 0; i < s->cap.n_quic; i++)
            assert_false(s->cap.quic[i].server_name.set);
        free(copy);
        free(s);
    }
}

static void test_tampered_payload(void **unused)
{
    uint8_t pkt[1300];
    size_t n = rfc_client_initial(pkt);
    pkt[100] ^= 1;
    struct session *s = session_open();
    session_feed(s, true, pkt, n);
    session_feed(s, true, pkt, n); /* the analyzer was disabled: no second I */
    parser_run_close(&s->run);
    assert_int_equal(s->cap.n_quic, 1);
    assert_string_equal(s->cap.quic[0].history, "I");
    assert_false(s->cap.quic[0].server_name.set);
    free(s);
}

static void test_unknown_version(void **unused)
{
    uint8_t pkt[1300];
    size_t n = rfc_client_initial(pkt);
    pkt[1] = 0x0a, pkt[2] = 0x1a, pkt[3] = 0x2a, pkt[4] = 0x3a;
    assert_int_equal(quic_parser.probe(pkt, n, true), APP_PROBE_NO);
    struct session *s = session_open();
    session_feed(s, true, pkt, n);
    assert_int_equal(s->cap.n_quic, 1); /* logged at once, as Zeek does */
    parser_run_close(&s->run);
    assert_int_equal(s->cap.n_quic, 1);
    assert_int_equal(s->cap.quic[0].version, 0x0a1a2a3a);
    assert_string_equal(s->cap.quic[0].history, "U");
    free(s);
}

static void test_bogus_lengths(void **unused)
{
    uint8_t pkt[1300];
    size_t n = rfc_client_initial(pkt);
    /* length field (449e) larger than the datagram */
    pkt[16] = 0x7f;
    struct session *s = session_open();
    session_feed(s, true, pkt, n);
    parser_run_close(&s->run);
    assert_int_equal(s->cap.n_quic, 0);
    free(s);

    /* a CID length past the end */
    uint8_t tiny[7] = {0xc0, 0, 0, 0, 1, 200, 1};
    s = session_open();
    session_feed(s, true, tiny, sizeof tiny);
    parser_run_close(&s->run);
    assert_int_equal(s->cap.n_quic, 0);
    free(s);

    /* an Initial whose length is below the 20 bytes header protection needs */
    uint8_t shortlen[] = {0xc0, 0, 0, 0, 1, 0, 0, 0, 5, 1, 2, 3, 4, 5};
    s = session_open();
    session_feed(s, true, shortlen, sizeof shortlen);
    parser_run_close(&s->run);
    assert_int_equal(s->cap.n_quic, 0);
    free(s);
}

static void test_crypto_split_out_of_order_overlapping(void **unused)
{
    uint8_t msg[400];
    size_t mn = rfc_client_hello(msg);
    struct keys k;
    rfc_keys(&k);
    /* packet 1: bytes [150, mn) then [100, 160) (overlap); packet 2: [0, 120) */
    uint8_t frames[800], pkt1[1300], pkt2[1300];
    size_t f = crypto_frame(frames, 150, msg + 150, mn - 150);
    f += crypto_frame(frames + f, 100, msg + 100, 60);
    size_t n1 = client_initial(&k, 1, 0, 0, frames, f, pkt1);
    f = crypto_frame(frames, 0, msg, 120);
    size_t n2 = client_initial(&k, 1, 0, 1, frames, f, pkt2);
    struct session *s = session_open();
    session_feed(s, true, pkt1, n1);
    session_feed(s, true, pkt2, n2);
    session_feed(s, true, pkt2, n2); /* finished: not decrypted again */
    parser_run_close(&s->run);
    assert_int_equal(s->cap.n_quic, 1);
    expect_rfc_record(&s->cap, 0);
    assert_string_equal(s->cap.quic[0].history, "IISI");
    free(s);
}

static void test_crypto_beyond_cap(void **unused)
{
    struct keys k;
    rfc_keys(&k);
    uint8_t frames[64], pkt[1300];
    uint8_t data[4] = {1, 2, 3, 4};
    size_t f = crypto_frame(frames, 1u << 20, data, sizeof data);
    size_t n = client_initial(&k, 1, 0, 0, frames, f, pkt);
    struct session *s = session_open();
    session_feed(s, true, pkt, n);
    parser_run_close(&s->run);
    assert_string_equal(s->run.weirds.last, "QUIC_crypto_buffer_exceeded");
    assert_int_equal(s->cap.n_quic, 1);
    assert_false(s->cap.quic[0].server_name.set);
    free(s);
}

static void test_connection_close_logs(void **unused)
{
    struct keys k;
    rfc_keys(&k);
    uint8_t frames[64] = {0x1c, 0x01, 0x00, 0x03, 'b', 'y', 'e', 0x01 /* PING */};
    uint8_t pkt[1300];
    size_t n = client_initial(&k, 1, 0, 0, frames, 8, pkt);
    struct session *s = session_open();
    session_feed(s, true, pkt, n);
    assert_int_equal(s->cap.n_quic, 1);
    assert_string_equal(s->cap.quic[0].history, "IC");
    session_feed(s, true, pkt, n);
    parser_run_close(&s->run);
    assert_int_equal(s->cap.n_quic, 2);
    assert_string_equal(s->cap.quic[1].history, "IC");
    free(s);
}

static void test_unknown_frame_is_violation(void **unused)
{
    struct keys k;
    rfc_keys(&k);
    uint8_t frames[8] = {0x1e}; /* HANDSHAKE_DONE has no place in an Initial */
    uint8_t pkt[1300];
    size_t n = client_initial(&k, 1, 0, 0, frames, 1, pkt);
    struct session *s = session_open();
    session_feed(s, true, pkt, n);
    session_feed(s, true, pkt, n);
    parser_run_close(&s->run);
    assert_int_equal(s->cap.n_quic, 1);
    assert_string_equal(s->cap.quic[0].history, "I");
    free(s);
}

static void test_quic_v2(void **unused)
{
    uint8_t msg[400], frames[500], pkt[1300];
    size_t mn = rfc_client_hello(msg);
    size_t f = crypto_frame(frames, 0, msg, mn);
    struct keys k;
    rfc_v2_keys(&k);
    size_t n = client_initial(&k, 0x6b3343cf, 1, 2, frames, f, pkt);
    assert_int_equal(quic_parser.probe(pkt, n, true), APP_PROBE_YES);
    struct session *s = session_open();
    session_feed(s, true, pkt, n);
    parser_run_close(&s->run);
    assert_int_equal(s->cap.n_quic, 1);
    assert_int_equal(s->cap.quic[0].version, 0x6b3343cf);
    assert_string_equal(s->cap.quic[0].history, "IS");
    assert_string_equal(s->cap.quic[0].server_name.text, "example.com");
    free(s);
}

static void test_retry_short_and_discarded(void **unused)
{
    uint8_t pkt[1300];
    size_t n = rfc_client_initial(pkt);
    struct session *s = session_open();
    session_feed(s, true, pkt, n);
    uint8_t shortpkt[40];
    memset(shortpkt, 0x55, sizeof shortpkt);
    shortpkt[0] = 0x41;
    for (int i = 0; i < 5; i++)
        session_feed(s, true, shortpkt, sizeof shortpkt); /* O at 1, 2, 4 */
    uint8_t zeros[16] = {0};
    session_feed(s, false, zeros, sizeof zeros);          /* x: fixed bit clear */
    uint8_t retry[64] = {0xf0, 0, 0, 0, 1, 0, 8, 1, 2, 3, 4, 5, 6, 7, 8};
    session_feed(s, false, retry, sizeof retry);
    assert_int_equal(s->cap.n_quic, 1);
    assert_string_equal(s->cap.quic[0].history, "ISOOOxr");
    parser_run_close(&s->run);
    assert_int_equal(s->cap.n_quic, 1);
    free(s);
}

static void test_short_without_session_is_weird(void **unused)
{
    uint8_t shortpkt[40];
    memset(shortpkt, 0x55, sizeof shortpkt);
    shortpkt[0] = 0x41;
    struct session *s = session_open();
    session_feed(s, true, shortpkt, sizeof shortpkt);
    parser_run_close(&s->run);
    assert_int_equal(s->cap.n_quic, 0);
    assert_string_equal(s->run.weirds.last, "QUIC_spurious_short_packet_threshold_crossed");
    free(s);
}

static void test_history_cap(void **unused)
{
    uint8_t pkt[1300];
    size_t n = rfc_client_initial(pkt);
    struct session *s = session_open();
    for (int i = 0; i < 150; i++)
        session_feed(s, true, pkt, n);
    parser_run_close(&s->run);
    assert_int_equal(s->cap.n_quic, 1);
    assert_int_equal(s->cap.quic[0].history_len, QUIC_HISTORY_MAX);
    assert_string_equal(s->run.weirds.last, "QUIC_max_history_length_reached");
    free(s);
}

static void test_garbage_does_not_crash(void **unused)
{
    uint8_t buf[1500];
    uint32_t seed = 12345;
    for (int round = 0; round < 2000; round++) {
        size_t n = 1 + (seed % sizeof buf);
        for (size_t i = 0; i < n; i++) {
            seed = seed * 1103515245u + 12345u;
            buf[i] = (uint8_t)(seed >> 16);
        }
        buf[0] |= 0xc0;
        buf[1] = buf[2] = buf[3] = 0;
        buf[4] = 1;
        struct session *s = session_open();
        session_feed(s, round & 1, buf, n);
        parser_run_close(&s->run);
        free(s);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rfc_protection_matches),
        cmocka_unit_test(test_rfc_client_initial),
        cmocka_unit_test(test_rfc_server_initial),
        cmocka_unit_test(test_every_truncation),
        cmocka_unit_test(test_tampered_payload),
        cmocka_unit_test(test_unknown_version),
        cmocka_unit_test(test_bogus_lengths),
        cmocka_unit_test(test_crypto_split_out_of_order_overlapping),
        cmocka_unit_test(test_crypto_beyond_cap),
        cmocka_unit_test(test_connection_close_logs),
        cmocka_unit_test(test_unknown_frame_is_violation),
        cmocka_unit_test(test_quic_v2),
        cmocka_unit_test(test_retry_short_and_discarded),
        cmocka_unit_test(test_short_without_session_is_weird),
        cmocka_unit_test(test_history_cap),
        cmocka_unit_test(test_garbage_does_not_crash),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
