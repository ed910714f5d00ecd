/* Application-layer pieces that several scenarios write the same way: a
 * conversation's turns, TLS records, QUIC transport parameters, a
 * store-only ZIP and base64 mail bodies. Static inline like wire.h: each
 * scenario file uses a different subset. */
#ifndef VIGIL_GEN_APP_WIRE_H
#define VIGIL_GEN_APP_WIRE_H

#include <stdint.h>
#include <string.h>

#include "app_crypto.h"
#include "wire.h"

/* ---- a conversation ------------------------------------------------------ */

/* Application bytes, segmented by MSS, then a think time. */
static inline void app_say_bytes(struct tcp_flow *f, int dir, const void *data, size_t len)
{
    tcp_send(f, dir, data, len);
    tcp_wait(f, MS(2) + rng_below(f->g, 8000));
}

/* The application scenarios' pace: 2 to 10 ms after each turn. */
static const struct tcp_pace APP_PACE = {MS(2), 8000};

static inline void app_say(struct tcp_flow *f, int dir, const char *text)
{
    tcp_say(f, dir, text, &APP_PACE);
}

/* One turn of a scripted conversation: who speaks and what. */
struct app_turn {
    int dir;
    const char *text;
};

/* The turns in order, each paced as app_say. */
static inline void app_converse(struct tcp_flow *f, const struct app_turn *turns, size_t n)
{
    for (size_t i = 0; i < n; i++)
        app_say(f, turns[i].dir, turns[i].text);
}

/* How many turns an array holds; app_converse over all of them. */
#define APP_TURNS(turns) (sizeof(turns) / sizeof((turns)[0]))
#define APP_CONVERSE(f, turns) app_converse((f), (turns), APP_TURNS(turns))

/* ---- TLS ----------------------------------------------------------------- */

/* A record header; its length is filled in by w_close(w, at, 2). */
static inline size_t tls_record_open(struct wr *w, uint8_t type, uint16_t version)
{
    w_u8(w, type);
    w_u16(w, version);
    return w_open(w, 2);
}

/* A record of `len` random bytes: what encryption looks like from outside. */
static inline void tls_record_encrypted(struct gen *g, struct wr *w, uint8_t type, size_t len)
{
    size_t r = tls_record_open(w, type, 0x0303);
    w_random(g, w, len);
    w_close(w, r, 2);
}

/* Where a ServerHello's two open lengths are: the message's and its
 * extensions'. */
struct tls_hello_marks {
    size_t hs, exts;
};

/* A TLS 1.2-format ServerHello up to its extensions: the message header,
 * version 0x0303, a random, the session id (sid_len bytes; 0: empty), the
 * cipher, null compression, and the extensions block left open for the
 * caller's; tls_server_hello_close ends both. */
static inline struct tls_hello_marks tls_server_hello_open(struct gen *g, struct wr *w, const uint8_t *sid,
                                                           size_t sid_len, uint16_t cipher)
{
    struct tls_hello_marks m;
    w_u8(w, 2);
    m.hs = w_open(w, 3);
    w_u16(w, 0x0303);
    w_random(g, w, 32);
    w_u8(w, (uint8_t)sid_len);
    if (sid_len > 0)
        w_bytes(w, sid, sid_len);
    w_u16(w, cipher);
    w_u8(w, 0);
    m.exts = w_open(w, 2);
    return m;
}

static inline void tls_server_hello_close(struct wr *w, struct tls_hello_marks m)
{
    w_close(w, m.exts, 2);
    w_close(w, m.hs, 3);
}

static inline void tls_record_ccs(struct wr *w)
{
    size_t r = tls_record_open(w, 20 /* change_cipher_spec */, 0x0303);
    w_u8(w, 1);
    w_close(w, r, 2);
}

/* An ECDSA signature's DER shape (SEQUENCE of two positive 32-byte
 * INTEGERs) with random values, behind its 2-byte length. */
static inline void tls_fake_ecdsa_signature(struct gen *g, struct wr *w)
{
    size_t at = w_open(w, 2);
    w_u8(w, 0x30);
    w_u8(w, 0x44);
    for (int i = 0; i < 2; i++) {
        w_u8(w, 0x02);
        w_u8(w, 0x20);
        size_t v = w->len;
        w_random(g, w, 32);
        if (!w->overflow)
            w->buf[v] = (uint8_t)((w->buf[v] & 0x7f) | 0x10);
    }
    w_close(w, at, 2);
}

/* A Certificate handshake message: the leaf, then the CA. */
static inline void tls_certificate_chain(struct wr *w, const uint8_t *leaf, size_t leaf_len, const uint8_t *ca,
                                         size_t ca_len)
{
    w_u8(w, 11);
    size_t hs = w_open(w, 3);
    size_t chain = w_open(w, 3);
    size_t one = w_open(w, 3);
    w_bytes(w, leaf, leaf_len);
    w_close(w, one, 3);
    one = w_open(w, 3);
    w_bytes(w, ca, ca_len);
    w_close(w, one, 3);
    w_close(w, chain, 3);
    w_close(w, hs, 3);
}

/* ServerKeyExchange (named curve x25519, a random key, signed with
 * ecdsa_secp256r1_sha256 by a fake signature) then ServerHelloDone, inside
 * an open handshake record. */
static inline void tls_server_key_exchange_and_done(struct gen *g, struct wr *w)
{
    w_u8(w, 12);
    size_t hs = w_open(w, 3);
    w_u8(w, 3);
    w_u16(w, 0x001d);
    w_u8(w, 32);
    w_random(g, w, 32);
    w_u16(w, 0x0403);
    tls_fake_ecdsa_signature(g, w);
    w_close(w, hs, 3);
    w_u8(w, 14);
    hs = w_open(w, 3);
    w_close(w, hs, 3);
}

/* The client's second TLS 1.2 flight: ClientKeyExchange (an x25519 key),
 * ChangeCipherSpec and the encrypted Finished. */
static inline void tls_client_key_exchange_flight(struct gen *g, struct wr *w)
{
    size_t r = tls_record_open(w, 22, 0x0303);
    w_u8(w, 16);
    size_t hs = w_open(w, 3);
    w_u8(w, 32);
    w_random(g, w, 32);
    w_close(w, hs, 3);
    w_close(w, r, 2);
    tls_record_ccs(w);
    tls_record_encrypted(g, w, 22, 40);
}

/* ---- QUIC ---------------------------------------------------------------- */

/* One transport parameter with an integer value (RFC 9000 section 18). */
static inline void quic_transport_param(struct wr *w, uint64_t id, uint64_t value)
{
    uint8_t tmp[8];
    struct wr v;
    w_init(&v, tmp, sizeof tmp);
    w_varint(&v, value);
    w_varint(w, id);
    w_varint(w, v.len);
    w_bytes(w, tmp, v.len);
}

/* The connection IDs the scenarios use: 8 bytes each way. */
#define QUIC_CID_LEN 8

/* One Initial packet (RFC 9001) with dcid and scid, carrying `frames`,
 * padded with PADDING frames to `size` bytes on the wire (0: no padding),
 * packet number pn, protected with the keys; appended to w. */
static inline bool quic_initial_packet(struct wr *w, const struct quic_initial_keys *k, const uint8_t *dcid,
                                       const uint8_t *scid, uint64_t pn, const uint8_t *frames, size_t frames_len,
                                       size_t size)
{
    size_t start = w->len;
    const size_t pn_len = 2;
    w_u8(w, (uint8_t)(0xc0 | (pn_len - 1))); /* long header, Initial */
    w_u32(w, 1);
    w_u8(w, QUIC_CID_LEN);
    w_bytes(w, dcid, QUIC_CID_LEN);
    w_u8(w, QUIC_CID_LEN);
    w_bytes(w, scid, QUIC_CID_LEN);
    w_u8(w, 0); /* token length */
    size_t header = w->len - start + 2;
    size_t payload_len = frames_len;
    if (size > header + pn_len + frames_len + 16)
        payload_len = size - header - pn_len - 16;
    w_u16(w, (uint16_t)(0x4000 | (pn_len + payload_len + 16)));
    w_be(w, pn, pn_len);
    w_bytes(w, frames, frames_len);
    w_zero(w, payload_len - frames_len + 16); /* PADDING frames, then room for the tag */
    if (w->overflow)
        return false;
    return quic_protect(k, w->buf + start, header, pn_len, pn, payload_len) == header + pn_len + payload_len + 16;
}

/* A CRYPTO frame holding len bytes of the handshake stream at offset. */
static inline void quic_crypto_frame(struct wr *w, uint64_t offset, const uint8_t *data, size_t len)
{
    w_u8(w, 0x06);
    w_varint(w, offset);
    w_varint(w, len);
    w_bytes(w, data, len);
}

/* ---- files ----------------------------------------------------------------- */

struct zip_entry {
    const char *name;
    const char *data;
};

/* A store-only ZIP (what an OOXML document is, minus compression) of at
 * most 8 entries, local headers then the central directory. Fixed
 * timestamps: 2024-03-04 09:00:00 in MS-DOS format. Returns its length,
 * 0 when it does not fit. */
static inline size_t zip_store(const struct zip_entry *e, size_t n, uint8_t *out, size_t cap)
{
    const uint16_t dos_time = 9 << 11, dos_date = (44 << 9) | (3 << 5) | 4;
    size_t offsets[8];
    struct wr w;
    w_init(&w, out, cap);
    if (n > sizeof offsets / sizeof offsets[0])
        return 0;
    for (int central = 0; central < 2; central++) {
        size_t dir_start = w.len;
        for (size_t i = 0; i < n; i++) {
            size_t len = strlen(e[i].data), name_len = strlen(e[i].name);
            uint32_t crc = crc32_of((const uint8_t *)e[i].data, len);
            if (!central)
                offsets[i] = w.len;
            w_le(&w, central ? 0x02014b50 : 0x04034b50, 4);
            if (central)
                w_le(&w, 20, 2); /* version made by */
            w_le(&w, 20, 2);     /* version needed */
            w_le(&w, 0, 2);      /* flags */
            w_le(&w, 0, 2);      /* stored */
            w_le(&w, dos_time, 2);
            w_le(&w, dos_date, 2);
            w_le(&w, crc, 4);
            w_le(&w, len, 4);
            w_le(&w, len, 4);
            w_le(&w, name_len, 2);
            w_le(&w, 0, 2); /* extra */
            if (central) {
                w_le(&w, 0, 2); /* comment */
                w_le(&w, 0, 2); /* disk */
                w_le(&w, 0, 2); /* internal attributes */
                w_le(&w, 0, 4); /* external attributes */
                w_le(&w, offsets[i], 4);
            }
            w_str(&w, e[i].name);
            if (!central)
                w_str(&w, e[i].data);
        }
        if (central) {
            size_t dir_size = w.len - dir_start;
            w_le(&w, 0x06054b50, 4);
            w_le(&w, 0, 2);
            w_le(&w, 0, 2);
            w_le(&w, n, 2);
            w_le(&w, n, 2);
            w_le(&w, dir_size, 4);
            w_le(&w, dir_start, 4);
            w_le(&w, 0, 2);
        }
    }
    return w.overflow ? 0 : w.len;
}

/* Base64 in 76-column CRLF lines, as a mail attachment is sent. */
static inline void w_base64_lines(struct wr *w, const uint8_t *p, size_t n)
{
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t col = 0;
    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)p[i] << 16 | (i + 1 < n ? (uint32_t)p[i + 1] << 8 : 0) | (i + 2 < n ? p[i + 2] : 0);
        char q[4] = {alphabet[v >> 18 & 63], alphabet[v >> 12 & 63], i + 1 < n ? alphabet[v >> 6 & 63] : '=',
                     i + 2 < n ? alphabet[v & 63] : '='};
        w_bytes(w, q, 4);
        col += 4;
        if (col == 76) {
            w_str(w, "\r\n");
            col = 0;
        }
    }
    if (col)
        w_str(w, "\r\n");
}

#endif
