/* DTLS 1.0 and 1.2 over UDP, as Zeek's DTLS analyzer sees it: the DTLS
 * record layer (13-byte headers, several records per datagram) and the
 * fragmented handshake (12-byte headers), reassembled here and handed whole
 * to the TLS session of proto/tls.c, which fills ssl.log as for TLS.
 *
 * Each direction reassembles at most one handshake message at a time, of at
 * most DTLS_MESSAGE_MAX bytes in at most DTLS_FRAGMENTS_MAX pieces. A
 * message whose message_seq is below the next one expected is a
 * retransmission and is skipped. Records of epoch 1 and above are
 * encrypted: only their content type counts (for "established"). */
#include "proto/dtls.h"

#include <stdlib.h>
#include <string.h>

#include "proto/tls_session.h"
#include "util/grow.h"
#include "util/reader.h"

#define DTLS_RECORD_HEADER 13
#define DTLS_HS_HEADER 12
/* Zeek gives up on a message in more than 30 pieces and caps its size. */
#define DTLS_FRAGMENTS_MAX 32
#define DTLS_MESSAGE_MAX (256 * 1024)
/* Zeek's SSL::dtls_max_version_errors: non-DTLS datagrams tolerated. */
#define DTLS_MAX_VERSION_ERRORS 10
/* Zeek's SSL::max_alerts_per_record */
#define DTLS_MAX_ALERTS_PER_RECORD 10

enum { CT_ALERT = 21, CT_HANDSHAKE = 22, HS_CLIENT_HELLO = 1 };

struct byte_range {
    uint32_t start, end; /* [start, end) */
};

/* The handshake message being reassembled in one direction. */
struct dtls_dir {
    uint32_t next_seq;       /* lower message_seq values were handled already */
    bool reassembling;
    uint8_t msg_type;
    uint16_t msg_seq;
    uint32_t msg_len;
    uint8_t *buf;
    size_t cap;
    size_t n_ranges;
    struct byte_range ranges[DTLS_FRAGMENTS_MAX];
};

struct dtls_state {
    struct tls_state *tls;   /* NULL when it could not be allocated */
    struct dtls_dir dir[2];  /* [0] originator, [1] responder */
    unsigned invalid_versions;
    bool stopped;
};

static void weird(struct app_env *env, const char *name)
{
    if (env != NULL && env->weird != NULL)
        env->weird(env, name, NULL, "DTLS");
}

static bool is_dtls_version(uint32_t v)
{
    return v == 0xfeff || v == 0xfefd || v == 0xfefc;
}

static int cmp_range(const void *a, const void *b)
{
    const struct byte_range *x = a, *y = b;
    return (x->start > y->start) - (x->start < y->start);
}

/* Adds [start, end) to the covered ranges, merging overlaps. False when the
 * message is in too many pieces. */
static bool add_range(struct dtls_dir *d, uint32_t start, uint32_t end)
{
    if (d->n_ranges == DTLS_FRAGMENTS_MAX)
        return false;
    d->ranges[d->n_ranges++] = (struct byte_range){start, end};
    qsort(d->ranges, d->n_ranges, sizeof(d->ranges[0]), cmp_range);
    size_t out = 0;
    for (size_t i = 1; i < d->n_ranges; i++) {
        if (d->ranges[i].start <= d->ranges[out].end) {
            if (d->ranges[i].end > d->ranges[out].end)
                d->ranges[out].end = d->ranges[i].end;
        } else {
            d->ranges[++out] = d->ranges[i];
        }
    }
    d->n_ranges = out + 1;
    return true;
}

static bool reserve(struct dtls_dir *d, size_t need)
{
    return grow_bytes(&d->buf, &d->cap, need, 1024, DTLS_MESSAGE_MAX);
}

static void message_done(struct dtls_dir *d, uint16_t seq)
{
    d->reassembling = false;
    d->n_ranges = 0;
    if ((uint32_t)seq + 1 > d->next_seq)
        d->next_seq = (uint32_t)seq + 1;
}

/* One handshake fragment: a whole message goes straight to the session,
 * pieces are reassembled first. */
static void handshake_fragment(struct dtls_state *st, struct app_env *env, bool from_orig, uint8_t type,
                               uint32_t length, uint16_t seq, uint32_t offset, const uint8_t *frag,
                               uint32_t frag_len)
{
    struct dtls_dir *d = &st->dir[from_orig ? 0 : 1];
    if (seq < d->next_seq)
        return; /* retransmission */
    if ((uint64_t)offset + frag_len > length) {
        weird(env, "DTLS_fragment_past_message_end");
        return;
    }
    if (offset == 0 && frag_len == length) {
        message_done(d, seq);
        tls_session_handshake(st->tls, env, from_orig, type, frag, length);
        return;
    }
    if (length > DTLS_MESSAGE_MAX) {
        weird(env, "DTLS_handshake_message_too_large");
        message_done(d, seq);
        return;
    }
    if (!d->reassembling || d->msg_seq != seq || d->msg_len != length || d->msg_type != type) {
        /* a newer message: whatever was pending of an older one is lost */
        d->reassembling = true;
        d->msg_seq = seq;
        d->msg_len = length;
        d->msg_type = type;
        d->n_ranges = 0;
    }
    if (!reserve(d, length)) {
        weird(env, "DTLS_handshake_buffer_exhausted");
        message_done(d, seq);
        return;
    }
    if (frag_len == 0)
        return;
    if (!add_range(d, offset, offset + frag_len)) {
        weird(env, "DTLS_too_many_fragments");
        message_done(d, seq);
        return;
    }
    memcpy(d->buf + offset, frag, frag_len);
    if (d->n_ranges == 1 && d->ranges[0].start == 0 && d->ranges[0].end == length) {
        message_done(d, seq);
        tls_session_handshake(st->tls, env, from_orig, type, d->buf, length);
    }
}

static void handshake_record(struct dtls_state *st, struct app_env *env, bool from_orig, struct byte_reader r)
{
    while (reader_left(&r) >= DTLS_HS_HEADER && !tls_session_done(st->tls)) {
        uint8_t type = (uint8_t)reader_u8(&r);
        uint32_t length = reader_u24(&r);
        uint16_t seq = (uint16_t)reader_u16(&r);
        uint32_t offset = reader_u24(&r);
        uint32_t frag_len = reader_u24(&r);
        const uint8_t *frag = reader_bytes(&r, frag_len);
        if (frag == NULL) {
            weird(env, "DTLS_truncated_handshake_fragment");
            return;
        }
        handshake_fragment(st, env, from_orig, type, length, seq, offset, frag, frag_len);
    }
}

static void alert_record(struct dtls_state *st, struct app_env *env, bool from_orig, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i + 2 <= n && i / 2 < DTLS_MAX_ALERTS_PER_RECORD; i += 2)
        tls_session_alert(st->tls, env, from_orig, p[i], p[i + 1]);
}

static void dtls_data(void *state, struct app_env *env, bool from_orig, const uint8_t *p, size_t n)
{
    struct dtls_state *st = state;
    if (st->tls == NULL || st->stopped)
        return;
    struct byte_reader r = {p, n, 0, false};
    while (reader_left(&r) >= DTLS_RECORD_HEADER && !tls_session_done(st->tls)) {
        uint8_t type = (uint8_t)reader_u8(&r);
        uint32_t version = reader_u16(&r);
        uint32_t epoch = reader_u16(&r);
        reader_bytes(&r, 6); /* sequence number */
        size_t len = reader_u16(&r);
        if ((type & 0xe0) == 0x20)
            return; /* DTLS 1.3 unified header: encrypted */
        if (!is_dtls_version(version)) {
            /* Zeek swallows the rest of the datagram, and stops after too many */
            if (++st->invalid_versions > DTLS_MAX_VERSION_ERRORS)
                st->stopped = true;
            return;
        }
        struct byte_reader body = reader_sub(&r, len);
        if (body.bad)
            return; /* truncated record */
        enum tls_record_body kind = tls_session_record(st->tls, env, from_orig, type);
        if (epoch != 0)
            continue; /* encrypted even if its ChangeCipherSpec was lost */
        if (kind == TLS_BODY_HANDSHAKE)
            handshake_record(st, env, from_orig, body);
        else if (kind == TLS_BODY_ALERT)
            alert_record(st, env, from_orig, body.p, body.n);
    }
}

static void dtls_open(void *state)
{
    struct dtls_state *st = state;
    st->tls = tls_session_new('d');
}

static void dtls_close(void *state, struct app_env *env)
{
    struct dtls_state *st = state;
    tls_session_free(st->tls, env);
    st->tls = NULL;
    for (int i = 0; i < 2; i++) {
        free(st->dir[i].buf);
        st->dir[i].buf = NULL;
        st->dir[i].cap = 0;
    }
}

/* Zeek's dpd_dtls_client: a first record of epoch 0, sequence 0..255, that
 * starts a ClientHello of a DTLS 1.0/1.2 client. */
static enum app_probe dtls_probe(const uint8_t *p, size_t n, bool from_orig)
{
    static const uint8_t zeros[7];
    if (n < 27)
        return APP_PROBE_NO; /* a datagram is whole: no more bytes will come */
    if (p[0] != CT_HANDSHAKE || p[1] != 0xfe || (p[2] != 0xff && p[2] != 0xfd))
        return APP_PROBE_NO;
    if (memcmp(p + 3, zeros, sizeof(zeros)) != 0 || p[13] != HS_CLIENT_HELLO)
        return APP_PROBE_NO;
    if (p[25] != 0xfe || (p[26] != 0xff && p[26] != 0xfd))
        return APP_PROBE_NO;
    return APP_PROBE_YES;
}

const struct app_parser dtls_parser = {
    .name = "dtls",
    .ipproto = 17,
    .ports = NULL,
    .n_ports = 0,
    .probe = dtls_probe,
    .state_size = sizeof(struct dtls_state),
    .open = dtls_open,
    .data = dtls_data,
    .close = dtls_close,
    .worker_state_of = "ssl", /* TLS's certificate cache (proto/x509.h) */
};
