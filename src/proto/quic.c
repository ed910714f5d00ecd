/* QUIC as Zeek's QUIC analyzer (src/analyzer/protocol/quic/QUIC.spicy and
 * base/protocols/quic/main.zeek) sees it.
 *
 * Every datagram is a sequence of packets. Long-header packets are parsed
 * for their connection IDs and history letters; Initial packets are
 * decrypted with the keys RFC 9001 §5.2 derives from the client's first
 * Destination Connection ID (both directions, until each side's first TLS
 * handshake message is complete); their frames are parsed and the CRYPTO
 * frames reassembled (out of order, overlapping, at most QUIC_CRYPTO_MAX
 * bytes per direction). The ClientHello goes through the TLS parser's own
 * code (tls_parse_client_hello) for SNI, ALPN, JA3 and JA4 ('q' prefix); both
 * hellos are also fed, wrapped in a TLS record as Zeek does, to an embedded
 * TLS parser whose ssl.log row is published as EVENT_TLS ("quic,ssl").
 *
 * A parse error is Zeek's analyzer violation: the rest of the datagram is
 * dropped and, within the first DPD_IGNORE_VIOLATIONS_AFTER bytes of the
 * connection, the analyzer is disabled (Zeek's DPD framework does that). */
#include "proto/quic.h"
#include "util/grow.h"
#include "util/reader.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>

/* CRYPTO stream bytes reassembled per direction; a hello needs a few KiB
 * (post-quantum key shares push Chrome's past 1.2 KiB). */
#define QUIC_CRYPTO_MAX (64 * 1024)
/* RFC 8446: a handshake message handed over in one record is at most this. */
#define QUIC_HS_MSG_MAX ((1u << 14) + 256)
/* Zeek's DPD::ignore_violations_after: later violations keep the analyzer. */
#define DPD_IGNORE_VIOLATIONS_AFTER 10240
/* Zeek's QUIC::max_discarded_packet_events. */
#define QUIC_MAX_DISCARDED_EVENTS 100

enum quic_packet_type {
    PKT_INITIAL,
    PKT_ZERO_RTT,
    PKT_HANDSHAKE,
    PKT_RETRY,
};

enum {
    DIR_CLIENT = 0,
    DIR_SERVER = 1,
};

struct quic_keys {
    uint8_t key[16];
    uint8_t iv[12];
    uint8_t hp[16];
};

/* One direction's CRYPTO stream at the Initial level. */
struct crypto_stream {
    uint8_t *buf;
    uint8_t *have;          /* one bit per byte of buf received */
    size_t cap;
    size_t contig;          /* [0, contig) all received */
    size_t msg_len;         /* 4 + the first handshake message's length; 0 unknown */
    bool finished;          /* handed over or given up: Initials no longer decrypted */
};

struct quic_state {
    bool disabled;
    uint64_t bytes_seen;

    bool has_record;        /* Zeek's c$quic */
    bool record_has_hello;
    struct quic_txn rec;

    bool has_initial_dcid;
    uint8_t initial_dcid_len;
    uint8_t initial_dcid[QUIC_CID_MAX];
    bool keys_ready;
    uint32_t keys_version;
    struct quic_keys keys[2];   /* [DIR_CLIENT] protects client packets */
    uint8_t client_cid_len;
    uint64_t total_decrypted, total_discarded;
    uint64_t short_total[2], short_next[2];
    struct crypto_stream crypto[2];
    uint8_t *scratch;           /* header copy + plaintext of one packet */
    size_t scratch_cap;

    struct tls_txn *hello;      /* the ClientHello's view (tls_parse_client_hello) */
    bool has_hello;
    void *tls;                  /* embedded TLS parser state (ssl.log) */
    struct tls_txn *tls_seen;   /* what it published, JA4 in QUIC form */
    bool has_tls_seen;
};

/* The engine's env with the TLS parser's publish routed through us. */
struct tls_sub_env {
    struct app_env env;     /* first: the TLS parser gets &sub.env */
    struct quic_state *st;
    struct app_env *outer;
};

static void weird(struct app_env *env, const char *name, const char *addl)
{
    if (env != NULL && env->weird != NULL)
        env->weird(env, name, addl, "QUIC");
}

/* RFC 9000 §16 variable-length integer. */
static uint64_t rd_varint(struct byte_reader *r)
{
    if (r->bad || r->n - r->off < 1) {
        r->bad = true;
        return 0;
    }
    size_t len = (size_t)1 << (r->p[r->off] >> 6);
    if (r->n - r->off < len) {
        r->bad = true;
        return 0;
    }
    uint64_t v = r->p[r->off] & 0x3f;
    for (size_t i = 1; i < len; i++)
        v = v << 8 | r->p[r->off + i];
    r->off += len;
    return v;
}

/* ---- versions and their Initial secrets ---- */

static const uint8_t salt_v1[20] = {0x38, 0x76, 0x2c, 0xf7, 0xf5, 0x59, 0x34, 0xb3, 0x4d, 0x17,
                                    0x9a, 0xe6, 0xa4, 0xc8, 0x0c, 0xad, 0xcc, 0xbb, 0x7f, 0x0a};
static const uint8_t salt_v2[20] = {0x0d, 0xed, 0xe3, 0xde, 0xf7, 0x00, 0xa6, 0xdb, 0x81, 0x93,
                                    0x81, 0xbe, 0x6e, 0x26, 0x9d, 0xcb, 0xf9, 0xbd, 0x2e, 0xd9};
static const uint8_t salt_draft29[20] = {0xaf, 0xbf, 0xec, 0x28, 0x99, 0x93, 0xd2, 0x4c, 0x9e, 0x97,
                                         0x86, 0xf1, 0x9c, 0x61, 0x11, 0xe0, 0x43, 0x90, 0xa8, 0x99};
static const uint8_t salt_draft23[20] = {0xc3, 0xee, 0xf7, 0x12, 0xc7, 0x2e, 0xbb, 0x5a, 0x11, 0xa7,
                                         0xd2, 0x43, 0x2b, 0xb4, 0x63, 0x65, 0xbe, 0xf9, 0xf5, 0x02};
static const uint8_t salt_draft22[20] = {0x7f, 0xbc, 0xdb, 0x0e, 0x7c, 0x66, 0xbb, 0xe9, 0x19, 0x3a,
                                         0x96, 0xcd, 0x21, 0x51, 0x9e, 0xbd, 0x7a, 0x02, 0x64, 0x4a};

#define QUIC_V1 0x00000001u
#define QUIC_V2 0x6b3343cfu

/* The versions Zeek's analyzer parses (others are "unhandled"). */
static bool version_known(uint32_t v)
{
    if (v == QUIC_V1 || v == QUIC_V2)
        return true;
    if (v >= 0xff000016u && v <= 0xff000022u) /* drafts 22..34 */
        return true;
    switch (v) {
    case 0xfaceb001u: case 0xfaceb002u: case 0xfaceb00eu:
    case 0xfaceb011u: case 0xfaceb012u: case 0xfaceb013u:
        return true;
    default:
        return false;
    }
}

static const uint8_t *version_salt(uint32_t v)
{
    if (v == QUIC_V2)
        return salt_v2;
    if (v == QUIC_V1 || v == 0xff000021u || v == 0xff000022u)
        return salt_v1;
    if (v >= 0xff00001du && v <= 0xff000020u) /* drafts 29..32 */
        return salt_draft29;
    if (v >= 0xff000017u && v <= 0xff00001cu) /* drafts 23..28 */
        return salt_draft23;
    if (v == 0xff000016u || v == 0xfaceb001u)
        return salt_draft22;
    if (v == 0xfaceb002u || v == 0xfaceb00eu)
        return salt_draft23;
    return salt_draft29; /* mvfst faceb011.. follow draft-29 */
}

static enum quic_packet_type packet_type(uint32_t version, uint8_t first)
{
    unsigned bits = (first >> 4) & 3;
    if (version == QUIC_V2) {
        static const enum quic_packet_type v2[4] = {PKT_RETRY, PKT_INITIAL, PKT_ZERO_RTT, PKT_HANDSHAKE};
        return v2[bits];
    }
    return (enum quic_packet_type)bits;
}

static bool hkdf(int mode, const uint8_t *key, size_t key_len, const uint8_t *salt, size_t salt_len,
                 const uint8_t *info, size_t info_len, uint8_t *out, size_t out_len)
{
    EVP_KDF *kdf = EVP_KDF_fetch(NULL, "HKDF", NULL);
    if (kdf == NULL)
        return false;
    EVP_KDF_CTX *ctx = EVP_KDF_CTX_new(kdf);
    EVP_KDF_free(kdf);
    if (ctx == NULL)
        return false;
    char digest[] = "SHA256";
    OSSL_PARAM params[6];
    size_t k = 0;
    params[k++] = OSSL_PARAM_construct_int(OSSL_KDF_PARAM_MODE, &mode);
    params[k++] = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, digest, 0);
    params[k++] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, (void *)key, key_len);
    if (salt != NULL)
        params[k++] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, (void *)salt, salt_len);
    if (info != NULL)
        params[k++] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, (void *)info, info_len);
    params[k] = OSSL_PARAM_construct_end();
    bool ok = EVP_KDF_derive(ctx, out, out_len, params) == 1;
    EVP_KDF_CTX_free(ctx);
    return ok;
}

/* TLS 1.3's HKDF-Expand-Label with an empty context (RFC 8446 §7.1). */
static bool expand_label(const uint8_t secret[32], const char *label, uint8_t *out, size_t out_len)
{
    uint8_t info[2 + 1 + 255 + 1];
    size_t label_len = strlen(label);
    if (6 + label_len > 255)
        return false;
    info[0] = (uint8_t)(out_len >> 8);
    info[1] = (uint8_t)out_len;
    info[2] = (uint8_t)(6 + label_len);
    memcpy(info + 3, "tls13 ", 6);
    memcpy(info + 9, label, label_len);
    info[9 + label_len] = 0;
    return hkdf(EVP_KDF_HKDF_MODE_EXPAND_ONLY, secret, 32, NULL, 0, info, 10 + label_len, out, out_len);
}

static bool derive_keys(uint32_t version, const uint8_t *dcid, size_t dcid_len, struct quic_keys out[2])
{
    uint8_t initial[32], secret[32];
    size_t initial_len = 0;
    /* HKDF-Extract is HMAC(salt, DCID); done as a MAC because the KDF
     * refuses an empty key and a DCID may be empty. */
    if (EVP_Q_mac(NULL, "HMAC", NULL, "SHA256", NULL, version_salt(version), 20, dcid, dcid_len, initial,
                  sizeof(initial), &initial_len) == NULL ||
        initial_len != sizeof(initial))
        return false;
    bool v2 = version == QUIC_V2;
    const char *labels[2] = {"client in", "server in"};
    for (int d = 0; d < 2; d++) {
        if (!expand_label(initial, labels[d], secret, sizeof(secret)) ||
            !expand_label(secret, v2 ? "quicv2 key" : "quic key", out[d].key, 16) ||
            !expand_label(secret, v2 ? "quicv2 iv" : "quic iv", out[d].iv, 12) ||
            !expand_label(secret, v2 ? "quicv2 hp" : "quic hp", out[d].hp, 16))
            return false;
    }
    return true;
}

static bool aes_ecb_block(const uint8_t key[16], const uint8_t in[16], uint8_t out[16])
{
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    if (ctx == NULL)
        return false;
    int len = 0;
    bool ok = EVP_EncryptInit_ex(ctx, EVP_aes_128_ecb(), NULL, key, NULL) == 1 &&
              EVP_CIPHER_CTX_set_padding(ctx, 0) == 1 && EVP_EncryptUpdate(ctx, out, &len, in, 16) == 1 &&
              len == 16;
    EVP_CIPHER_CTX_free(ctx);
    return ok;
}

static bool aes_gcm_open(const struct quic_keys *k, const uint8_t nonce[12], const uint8_t *aad, size_t aad_len,
                         const uint8_t *ct, size_t ct_len, const uint8_t tag[16], uint8_t *out)
{
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    if (ctx == NULL)
        return false;
    int len = 0;
    bool ok = EVP_DecryptInit_ex(ctx, EVP_aes_128_gcm(), NULL, NULL, NULL) == 1 &&
              EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, 12, NULL) == 1 &&
              EVP_DecryptInit_ex(ctx, NULL, NULL, k->key, nonce) == 1 &&
              EVP_DecryptUpdate(ctx, NULL, &len, aad, (int)aad_len) == 1 &&
              (ct_len == 0 || EVP_DecryptUpdate(ctx, out, &len, ct, (int)ct_len) == 1) &&
              EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, 16, (void *)tag) == 1 &&
              EVP_DecryptFinal_ex(ctx, out + (ct_len == 0 ? 0 : (size_t)len), &len) == 1;
    EVP_CIPHER_CTX_free(ctx);
    return ok;
}

static bool scratch_reserve(struct quic_state *st, size_t need)
{
    return grow_bytes(&st->scratch, &st->scratch_cap, need, need, SIZE_MAX);
}

/* Removes header protection and decrypts the Initial packet pkt[0, end),
 * whose packet number starts at pn_off. The plaintext lands in the scratch
 * buffer: *plain, *plain_len. */
static bool decrypt_initial(struct quic_state *st, const struct quic_keys *k, const uint8_t *pkt, size_t pn_off,
                            size_t end, const uint8_t **plain, size_t *plain_len)
{
    if (end < pn_off + 4 + 16 || end - pn_off < 20)
        return false;
    uint8_t mask[16];
    if (!aes_ecb_block(k->hp, pkt + pn_off + 4, mask))
        return false;
    uint8_t first = pkt[0] ^ (mask[0] & 0x0f);
    size_t pn_len = (size_t)(first & 3) + 1;
    size_t hdr_len = pn_off + pn_len;
    if (end < hdr_len + 16)
        return false;
    size_t ct_len = end - hdr_len - 16;
    if (!scratch_reserve(st, hdr_len + ct_len + 16))
        return false;
    uint8_t *hdr = st->scratch;
    memcpy(hdr, pkt, hdr_len);
    hdr[0] = first;
    uint8_t nonce[12];
    memcpy(nonce, k->iv, 12);
    for (size_t i = 0; i < pn_len; i++) {
        hdr[pn_off + i] = pkt[pn_off + i] ^ mask[1 + i];
        nonce[12 - pn_len + i] ^= hdr[pn_off + i];
    }
    uint8_t *out = st->scratch + hdr_len;
    if (!aes_gcm_open(k, nonce, hdr, hdr_len, pkt + hdr_len, ct_len, pkt + end - 16, out))
        return false;
    *plain = out;
    *plain_len = ct_len;
    return true;
}

/* ---- the quic.log record (Zeek's c$quic) ---- */

static void violation(struct quic_state *st)
{
    if (st->bytes_seen <= DPD_IGNORE_VIOLATIONS_AFTER)
        st->disabled = true;
}

static void cid_set(struct quic_cid *c, const uint8_t *p, size_t n)
{
    c->set = true;
    c->len = (uint8_t)n;
    if (n > 0)
        memcpy(c->bytes, p, n);
}

static void set_session(struct quic_state *st, struct app_env *env, bool from_client, uint32_t version,
                        const uint8_t *dcid, size_t dcid_len, const uint8_t *scid, size_t scid_len)
{
    struct quic_txn *r = &st->rec;
    if (!st->has_record) {
        memset(r, 0, sizeof(*r));
        st->has_record = true;
        st->record_has_hello = false;
        r->ts_us = env->ts_us;
        r->version = version;
    }
    if (from_client && dcid_len > 0 && !r->client_initial_dcid.set)
        cid_set(&r->client_initial_dcid, dcid, dcid_len);
    if (from_client)
        cid_set(&r->client_scid, scid, scid_len);
    else
        cid_set(&r->server_scid, scid, scid_len);
}

static void add_history(struct quic_state *st, struct app_env *env, bool from_client, char letter)
{
    struct quic_txn *r = &st->rec;
    if (r->history_len >= QUIC_HISTORY_MAX)
        return;
    char c = letter;
    if (!from_client && c >= 'A' && c <= 'Z')
        c = (char)(c - 'A' + 'a');
    r->history[r->history_len++] = c;
    r->history[r->history_len] = '\0';
    if (r->history_len == QUIC_HISTORY_MAX)
        weird(env, "QUIC_max_history_length_reached", NULL);
}

static void log_record(struct quic_state *st, struct app_env *env)
{
    if (!st->has_record)
        return;
    struct quic_txn *r = &st->rec;
    r->client_hello = st->record_has_hello && st->has_hello ? st->hello : NULL;
    r->server_hello = st->has_tls_seen && st->tls_seen->has_ja3s ? st->tls_seen : NULL;
    if (env->publish != NULL)
        env->publish(env, EVENT_QUIC, r);
    st->has_record = false;
    st->record_has_hello = false;
}

/* ---- the embedded TLS parser ---- */

static void tls_publish_hook(struct app_env *env, enum event_kind kind, const void *txn)
{
    struct tls_sub_env *sub = (struct tls_sub_env *)env;
    struct quic_state *st = sub->st;
    struct app_env *outer = sub->outer;
    if (kind == EVENT_TLS) {
        if (st->tls_seen == NULL)
            st->tls_seen = malloc(sizeof(*st->tls_seen));
        if (st->tls_seen == NULL)
            return;
        memcpy(st->tls_seen, txn, sizeof(*st->tls_seen));
        st->has_tls_seen = true;
        if (st->tls_seen->has_ja4)
            st->tls_seen->ja4[0] = 'q';
        txn = st->tls_seen;
    }
    if (outer->publish != NULL)
        outer->publish(outer, kind, txn);
    if (kind == EVENT_TLS && outer->add_service != NULL)
        outer->add_service(outer, "ssl");
}

static void make_sub_env(struct tls_sub_env *sub, struct quic_state *st, struct app_env *env)
{
    sub->env = *env;
    sub->env.publish = tls_publish_hook;
    sub->st = st;
    sub->outer = env;
}

/* Hands one handshake message to the TLS parser in a TLS 1.2-versioned
 * record, as Zeek's QUIC analyzer does. */
static void feed_tls(struct quic_state *st, struct app_env *env, bool from_client, const uint8_t *msg, size_t len)
{
    if (st->tls == NULL) {
        st->tls = calloc(1, tls_parser.state_size);
        if (st->tls == NULL)
            return;
        tls_parser.open(st->tls);
    }
    struct tls_sub_env sub;
    make_sub_env(&sub, st, env);
    uint8_t hdr[5] = {22, 3, 3, (uint8_t)(len >> 8), (uint8_t)len};
    tls_parser.data(st->tls, &sub.env, from_client, hdr, sizeof(hdr));
    tls_parser.data(st->tls, &sub.env, from_client, msg, len);
}

/* ---- ClientHello extensions for EVE ---- */

static void ext_add_value(struct quic_txn *r, struct quic_ext *e, size_t *pool_used, const uint8_t *p, size_t n)
{
    if (e->n_values >= QUIC_EXT_VALUES_MAX || QUIC_EXT_POOL - *pool_used < n)
        return;
    memcpy(r->ext_pool + *pool_used, p, n);
    e->value_off[e->n_values] = (uint16_t)*pool_used;
    e->value_len[e->n_values] = (uint16_t)n;
    e->n_values++;
    *pool_used += n;
}

static void collect_extensions(struct quic_txn *r, const uint8_t *body, size_t n)
{
    struct byte_reader h = {body, n, 0, false};
    reader_bytes(&h, 2 + 32);
    reader_bytes(&h, reader_u8(&h));
    uint8_t a = reader_u8(&h), b = reader_u8(&h);
    reader_bytes(&h, (size_t)a << 8 | b);
    reader_bytes(&h, reader_u8(&h));
    a = reader_u8(&h);
    b = reader_u8(&h);
    const uint8_t *list = reader_bytes(&h, (size_t)a << 8 | b);
    if (h.bad)
        return;
    struct byte_reader e = {list, (size_t)a << 8 | b, 0, false};
    size_t pool_used = 0;
    r->n_exts = 0;
    while (reader_left(&e) >= 4 && r->n_exts < QUIC_MAX_EXTS) {
        uint16_t type = (uint16_t)(reader_u8(&e) << 8);
        type |= reader_u8(&e);
        size_t len = (size_t)reader_u8(&e) << 8;
        len |= reader_u8(&e);
        const uint8_t *p = reader_bytes(&e, len);
        if (e.bad)
            break;
        struct quic_ext *x = &r->exts[r->n_exts++];
        memset(x, 0, sizeof(*x));
        x->type = type;
        struct byte_reader v = {p, len, 0, false};
        if (type == 0 && len >= 2) { /* server_name: (type, name) entries */
            reader_bytes(&v, 2);
            while (reader_left(&v) >= 3) {
                reader_u8(&v);
                size_t l = (size_t)reader_u8(&v) << 8;
                l |= reader_u8(&v);
                const uint8_t *name = reader_bytes(&v, l);
                if (v.bad)
                    break;
                ext_add_value(r, x, &pool_used, name, l);
            }
        } else if (type == 16 && len >= 2) { /* ALPN: length-prefixed names */
            reader_bytes(&v, 2);
            while (reader_left(&v) >= 1) {
                size_t l = reader_u8(&v);
                const uint8_t *name = reader_bytes(&v, l);
                if (v.bad)
                    break;
                ext_add_value(r, x, &pool_used, name, l);
            }
        }
    }
}

/* Zeek's cat() of a string vector: "[h3, h3-29]". */
static void alpn_list_text(const struct tls_txn *t, char *out, size_t cap)
{
    size_t k = 0;
    int w = snprintf(out, cap, "[");
    k = w > 0 ? (size_t)w : 0;
    for (size_t i = 0; i < t->n_client_alpns && k < cap; i++) {
        w = snprintf(out + k, cap - k, "%s%s", i > 0 ? ", " : "", t->client_alpns[i].text);
        if (w < 0)
            break;
        k += (size_t)w;
    }
    if (k < cap)
        snprintf(out + k, cap - k, "]");
}

static void client_hello_done(struct quic_state *st, struct app_env *env, const uint8_t *msg, size_t len)
{
    if (st->hello == NULL)
        st->hello = calloc(1, sizeof(*st->hello));
    if (st->hello == NULL)
        return;
    if (!tls_parse_client_hello(msg + 4, len - 4, 'q', st->hello))
        return;
    st->has_hello = true;
    if (!st->has_record)
        return; /* Zeek's ssl events need c$quic */
    struct quic_txn *r = &st->rec;
    const struct tls_txn *h = st->hello;
    if (h->server_name.set)
        r->server_name = h->server_name;
    if (h->n_client_alpns > 0) {
        r->client_protocol = h->client_alpns[0];
        if (h->n_client_alpns > 1) {
            char addl[512];
            alpn_list_text(h, addl, sizeof(addl));
            weird(env, "QUIC_many_protocols", addl);
        }
    }
    collect_extensions(r, msg + 4, len - 4);
    st->record_has_hello = true;
    add_history(st, env, true, 'S');
}

/* ---- CRYPTO reassembly ---- */

static bool crypto_reserve(struct crypto_stream *cs, size_t need)
{
    if (need <= cs->cap)
        return true;
    /* the bitmap grows first, to the capacity grow_bytes gives the bytes */
    size_t cap = grow_capacity(cs->cap, need, 4096, QUIC_CRYPTO_MAX);
    uint8_t *h = realloc(cs->have, cap / 8);
    if (h == NULL)
        return false;
    memset(h + cs->cap / 8, 0, (cap - cs->cap) / 8);
    cs->have = h;
    return grow_bytes(&cs->buf, &cs->cap, need, 4096, QUIC_CRYPTO_MAX);
}

static void crypto_release(struct crypto_stream *cs)
{
    free(cs->buf);
    free(cs->have);
    cs->buf = cs->have = NULL;
    cs->cap = 0;
}

static void crypto_write(struct quic_state *st, struct app_env *env, bool from_client, uint64_t offset,
                         const uint8_t *p, size_t n)
{
    struct crypto_stream *cs = &st->crypto[from_client ? DIR_CLIENT : DIR_SERVER];
    if (cs->finished || n == 0)
        return;
    if (offset >= QUIC_CRYPTO_MAX || n > QUIC_CRYPTO_MAX - offset) {
        weird(env, "QUIC_crypto_buffer_exceeded", NULL);
        cs->finished = true;
        crypto_release(cs);
        violation(st);
        return;
    }
    size_t start = (size_t)offset, end = start + n;
    if (!crypto_reserve(cs, end)) {
        cs->finished = true;
        crypto_release(cs);
        return;
    }
    /* the first copy of a byte wins, as a reassembler keeps what it has */
    for (size_t i = start; i < end; i++) {
        if (!(cs->have[i >> 3] & (1u << (i & 7)))) {
            cs->buf[i] = p[i - start];
            cs->have[i >> 3] |= (uint8_t)(1u << (i & 7));
        }
    }
    while (cs->contig < cs->cap && (cs->have[cs->contig >> 3] & (1u << (cs->contig & 7))))
        cs->contig++;
    if (cs->msg_len == 0 && cs->contig >= 4) {
        size_t len = (size_t)cs->buf[1] << 16 | (size_t)cs->buf[2] << 8 | cs->buf[3];
        if (len + 4 > QUIC_HS_MSG_MAX) {
            weird(env, "QUIC_handshake_message_too_large", NULL);
            cs->finished = true;
            crypto_release(cs);
            violation(st);
            return;
        }
        cs->msg_len = len + 4;
    }
    if (cs->msg_len == 0 || cs->contig < cs->msg_len)
        return;
    cs->finished = true;
    if (from_client && cs->buf[0] == 1)
        client_hello_done(st, env, cs->buf, cs->msg_len);
    feed_tls(st, env, from_client, cs->buf, cs->msg_len);
    if (!from_client && cs->buf[0] == 2 && cs->msg_len >= 4 + 38 && st->has_record)
        add_history(st, env, false, 'S');
    crypto_release(cs);
}

/* ---- frames of a decrypted Initial ---- */

/* False on a frame Zeek's analyzer does not accept (a violation). */
static bool parse_frames(struct quic_state *st, struct app_env *env, bool from_client, const uint8_t *p, size_t n)
{
    struct byte_reader r = {p, n, 0, false};
    while (reader_left(&r) > 0 && !st->disabled) {
        uint8_t type = reader_u8(&r);
        switch (type) {
        case 0x00: /* PADDING */
            while (reader_left(&r) > 0 && r.p[r.off] == 0)
                r.off++;
            break;
        case 0x01: /* PING */
            break;
        case 0x02:
        case 0x03: { /* ACK */
            rd_varint(&r);
            rd_varint(&r);
            uint64_t ranges = rd_varint(&r);
            rd_varint(&r);
            for (uint64_t i = 0; i < ranges && !r.bad; i++) {
                rd_varint(&r);
                rd_varint(&r);
            }
            if (type == 0x03) {
                rd_varint(&r);
                rd_varint(&r);
                rd_varint(&r);
            }
            break;
        }
        case 0x06: { /* CRYPTO */
            uint64_t offset = rd_varint(&r);
            uint64_t len = rd_varint(&r);
            const uint8_t *data = reader_bytes(&r, len);
            if (r.bad)
                return false;
            crypto_write(st, env, from_client, offset, data, (size_t)len);
            break;
        }
        case 0x1c: { /* CONNECTION_CLOSE (transport) */
            rd_varint(&r);
            rd_varint(&r);
            reader_bytes(&r, rd_varint(&r));
            if (r.bad)
                return false;
            if (st->has_record) {
                add_history(st, env, from_client, 'C');
                log_record(st, env);
            }
            break;
        }
        default:
            return false;
        }
        if (r.bad)
            return false;
    }
    return true;
}

/* ---- packets ---- */

static void short_header(struct quic_state *st, struct app_env *env, bool from_client, size_t n)
{
    if (n - 1 < st->client_cid_len) {
        violation(st);
        return;
    }
    int d = from_client ? DIR_CLIENT : DIR_SERVER;
    st->short_total[d]++;
    if (st->short_total[d] != st->short_next[d])
        return;
    st->short_next[d] *= 2;
    if (!st->has_record) {
        char addl[24];
        snprintf(addl, sizeof(addl), "%llu", (unsigned long long)st->short_total[d]);
        weird(env, "QUIC_spurious_short_packet_threshold_crossed", addl);
        return;
    }
    add_history(st, env, from_client, 'O');
}

static void discarded(struct quic_state *st, struct app_env *env, bool from_client)
{
    st->total_discarded++;
    if (st->total_decrypted == 0 || st->total_discarded > QUIC_MAX_DISCARDED_EVENTS)
        return;
    if (!st->has_record) {
        weird(env, "QUIC_spurious_discarded_packet", NULL);
        return;
    }
    add_history(st, env, from_client, 'X');
}

static void reset_crypto(struct quic_state *st)
{
    for (int d = 0; d < 2; d++) {
        crypto_release(&st->crypto[d]);
        memset(&st->crypto[d], 0, sizeof(st->crypto[d]));
    }
    st->has_initial_dcid = false;
    st->keys_ready = false;
}

static void try_decrypt(struct quic_state *st, struct app_env *env, bool from_client, uint32_t version,
                        const uint8_t *pkt, size_t pn_off, size_t end, const uint8_t *dcid, size_t dcid_len,
                        size_t scid_len)
{
    int d = from_client ? DIR_CLIENT : DIR_SERVER;
    if (st->crypto[d].finished || (!from_client && !st->has_initial_dcid))
        return;
    if (from_client) {
        st->client_cid_len = (uint8_t)scid_len;
        if (!st->has_initial_dcid) {
            st->has_initial_dcid = true;
            st->initial_dcid_len = (uint8_t)dcid_len;
            memcpy(st->initial_dcid, dcid, dcid_len);
        }
    } else {
        st->client_cid_len = (uint8_t)dcid_len;
    }
    if (!st->keys_ready || st->keys_version != version) {
        st->keys_ready = derive_keys(version, st->initial_dcid, st->initial_dcid_len, st->keys);
        st->keys_version = version;
    }
    const uint8_t *plain = NULL;
    size_t plain_len = 0;
    if (!st->keys_ready || !decrypt_initial(st, &st->keys[d], pkt, pn_off, end, &plain, &plain_len)) {
        violation(st);
        return;
    }
    st->total_decrypted++;
    if (!parse_frames(st, env, from_client, plain, plain_len))
        violation(st);
}

/* Parses the packet at p; returns the bytes it used, 0 to drop the rest of
 * the datagram. */
static size_t parse_packet(struct quic_state *st, struct app_env *env, bool from_client, const uint8_t *p, size_t n)
{
    uint8_t first = p[0];
    if (!(first & 0x40)) {
        discarded(st, env, from_client);
        return 0;
    }
    if (!(first & 0x80)) {
        short_header(st, env, from_client, n);
        return 0;
    }
    struct byte_reader r = {p, n, 0, false};
    reader_u8(&r);
    uint32_t version = reader_u32(&r);
    size_t dcid_len = reader_u8(&r);
    const uint8_t *dcid = reader_bytes(&r, dcid_len);
    size_t scid_len = reader_u8(&r);
    const uint8_t *scid = reader_bytes(&r, scid_len);
    if (r.bad) {
        violation(st);
        return 0;
    }
    if (!version_known(version)) {
        if (!st->has_record)
            set_session(st, env, from_client, version, dcid, dcid_len, scid, scid_len);
        add_history(st, env, from_client, 'U');
        log_record(st, env);
        violation(st);
        return 0;
    }
    enum quic_packet_type type = packet_type(version, first);
    if (type == PKT_RETRY) {
        reset_crypto(st);
        if (!st->has_record)
            set_session(st, env, from_client, version, dcid, dcid_len, scid, scid_len);
        add_history(st, env, from_client, 'R');
        log_record(st, env);
        return n;
    }
    if (type == PKT_INITIAL) {
        reader_bytes(&r, rd_varint(&r)); /* token */
    }
    uint64_t length = rd_varint(&r);
    if (r.bad || (type == PKT_INITIAL && length < 20) || length > reader_left(&r)) {
        violation(st);
        return 0;
    }
    size_t pn_off = r.off;
    size_t end = r.off + (size_t)length;
    set_session(st, env, from_client, version, dcid, dcid_len, scid, scid_len);
    switch (type) {
    case PKT_INITIAL:
        add_history(st, env, from_client, 'I');
        try_decrypt(st, env, from_client, version, p, pn_off, end, dcid, dcid_len, scid_len);
        break;
    case PKT_HANDSHAKE:
        add_history(st, env, from_client, 'H');
        break;
    case PKT_ZERO_RTT:
        add_history(st, env, from_client, 'Z');
        break;
    default:
        break;
    }
    return st->disabled ? 0 : end;
}

static void quic_data(void *state, struct app_env *env, bool from_orig, const uint8_t *p, size_t n)
{
    struct quic_state *st = state;
    st->bytes_seen += n;
    size_t off = 0;
    while (off < n && !st->disabled) {
        size_t used = parse_packet(st, env, from_orig, p + off, n - off);
        if (used == 0)
            break;
        off += used;
    }
}

static void quic_gap(void *state, struct app_env *env, bool from_orig, uint64_t len)
{
}

static void quic_open(void *state)
{
    struct quic_state *st = state;
    st->short_next[0] = st->short_next[1] = 1;
}

static void quic_close(void *state, struct app_env *env)
{
    struct quic_state *st = state;
    if (st->tls != NULL) {
        struct tls_sub_env sub;
        make_sub_env(&sub, st, env);
        tls_parser.close(st->tls, &sub.env);
        free(st->tls);
        st->tls = NULL;
    }
    log_record(st, env);
    reset_crypto(st);
    free(st->scratch);
    free(st->hello);
    free(st->tls_seen);
    st->scratch = NULL;
    st->hello = st->tls_seen = NULL;
    st->scratch_cap = 0;
    st->has_hello = st->has_tls_seen = false;
}

/* A long header with the fixed bit, a version Zeek parses (or a version
 * negotiation from the server). A client Initial of full size (RFC 9000
 * §14.1: at least 1200 bytes) is proof enough on any port; anything else
 * with the fixed bit is left to the port. */
static enum app_probe quic_probe(const uint8_t *p, size_t n, bool from_orig)
{
    if (n == 0)
        return APP_PROBE_MAYBE;
    if (!(p[0] & 0x40))
        return APP_PROBE_NO;
    if (!(p[0] & 0x80))
        return APP_PROBE_MAYBE;
    if (n < 7)
        return APP_PROBE_NO;
    uint32_t version = (uint32_t)p[1] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 8 | p[4];
    if (!version_known(version))
        return version == 0 && !from_orig ? APP_PROBE_MAYBE : APP_PROBE_NO;
    if (p[5] > 20)
        return APP_PROBE_NO;
    if (from_orig && n >= 1200 && packet_type(version, p[0]) == PKT_INITIAL)
        return APP_PROBE_YES;
    return APP_PROBE_MAYBE;
}

static const uint16_t quic_ports[] = {443, 784, 853};

const struct app_parser quic_parser = {
    .name = "quic",
    .ipproto = 17,
    .ports = quic_ports,
    .n_ports = sizeof(quic_ports) / sizeof(quic_ports[0]),
    .probe = quic_probe,
    .state_size = sizeof(struct quic_state),
    .open = quic_open,
    .data = quic_data,
    .gap = quic_gap,
    .close = quic_close,
};
