/* A bounded byte writer and DNS messages with any set of records, for the
 * scenarios (app_wire.h adds the application-layer pieces on top).
 * Everything is static inline: each scenario file uses a different subset. */
#ifndef VIGIL_GEN_WIRE_H
#define VIGIL_GEN_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "session.h"

/* Writes into a fixed buffer; the first write that does not fit sets
 * `overflow` and every later write is dropped, so callers check once. */
struct wr {
    uint8_t *buf;
    size_t cap, len;
    bool overflow;
};

static inline void w_init(struct wr *w, uint8_t *buf, size_t cap)
{
    w->buf = buf;
    w->cap = cap;
    w->len = 0;
    w->overflow = false;
}

static inline uint8_t *w_take(struct wr *w, size_t n)
{
    if (w->overflow || n > w->cap - w->len) {
        w->overflow = true;
        return NULL;
    }
    uint8_t *p = w->buf + w->len;
    w->len += n;
    return p;
}

static inline void w_bytes(struct wr *w, const void *data, size_t n)
{
    uint8_t *p = w_take(w, n);
    if (p && n)
        memcpy(p, data, n);
}

static inline void w_u8(struct wr *w, uint8_t v) { w_bytes(w, &v, 1); }

static inline void w_be(struct wr *w, uint64_t v, size_t width)
{
    uint8_t *p = w_take(w, width);
    for (size_t i = 0; p && i < width; i++)
        p[i] = (uint8_t)(v >> (8 * (width - 1 - i)));
}

static inline void w_le(struct wr *w, uint64_t v, size_t width)
{
    uint8_t *p = w_take(w, width);
    for (size_t i = 0; p && i < width; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static inline void w_u16(struct wr *w, uint16_t v) { w_be(w, v, 2); }
static inline void w_u32(struct wr *w, uint32_t v) { w_be(w, v, 4); }
static inline void w_str(struct wr *w, const char *s) { w_bytes(w, s, strlen(s)); }

static inline void w_zero(struct wr *w, size_t n)
{
    uint8_t *p = w_take(w, n);
    if (p)
        memset(p, 0, n);
}

static inline void w_random(struct gen *g, struct wr *w, size_t n)
{
    uint8_t *p = w_take(w, n);
    for (size_t i = 0; p && i < n; i++)
        p[i] = (uint8_t)rng_next(g);
}

/* A big-endian length field of `width` bytes, filled in by w_close with the
 * number of bytes written after it. */
static inline size_t w_open(struct wr *w, size_t width)
{
    size_t at = w->len;
    w_zero(w, width);
    return at;
}

static inline void w_close(struct wr *w, size_t at, size_t width)
{
    if (w->overflow)
        return;
    size_t n = w->len - at - width;
    for (size_t i = 0; i < width; i++)
        w->buf[at + i] = (uint8_t)(n >> (8 * (width - 1 - i)));
}

/* QUIC variable-length integer (RFC 9000 section 16). */
static inline void w_varint(struct wr *w, uint64_t v)
{
    if (v < 64)
        w_u8(w, (uint8_t)v);
    else if (v < 16384)
        w_u16(w, (uint16_t)(0x4000 | v));
    else if (v < (1u << 30))
        w_u32(w, (uint32_t)(0x80000000u | v));
    else
        w_be(w, 0xc000000000000000ull | v, 8);
}

/* ---- DNS ---------------------------------------------------------------- */

enum {
    WDNS_QUERY = 0x0100,     /* RD */
    WDNS_ANSWER = 0x8180,    /* QR RD RA, NOERROR */
    WDNS_NXDOMAIN = 0x8183,
    WDNS_A = 1, WDNS_NS = 2, WDNS_CNAME = 5, WDNS_SOA = 6, WDNS_NULL = 10, WDNS_MX = 15, WDNS_TXT = 16,
    WDNS_AAAA = 28,
};

/* A name as labels; a label longer than 63 bytes marks the writer overflowed. */
static inline void wdns_name(struct wr *w, const char *name)
{
    while (*name) {
        const char *dot = strchr(name, '.');
        size_t label = dot ? (size_t)(dot - name) : strlen(name);
        if (label == 0 || label > 63) {
            w->overflow = true;
            return;
        }
        w_u8(w, (uint8_t)label);
        w_bytes(w, name, label);
        name += label;
        if (*name == '.')
            name++;
    }
    w_u8(w, 0);
}

/* The 12-byte DNS header: id, flags and the four section counts. */
static inline void wdns_fixed_header(struct wr *w, uint16_t id, uint16_t flags, uint16_t questions, uint16_t answers,
                                     uint16_t authority, uint16_t additional)
{
    w_u16(w, id);
    w_u16(w, flags);
    w_u16(w, questions);
    w_u16(w, answers);
    w_u16(w, authority);
    w_u16(w, additional);
}

/* Header and the one question; the record counts must match the rr calls. */
static inline void wdns_header(struct wr *w, uint16_t id, uint16_t flags, const char *qname, uint16_t qtype,
                               uint16_t answers, uint16_t authority)
{
    wdns_fixed_header(w, id, flags, 1, answers, authority, 0);
    wdns_name(w, qname);
    w_u16(w, qtype);
    w_u16(w, 1);
}

/* Owner NULL: a compression pointer to the question name (offset 12).
 * Returns where the RDLENGTH field is, for wdns_rr_close. */
static inline size_t wdns_rr_open(struct wr *w, const char *owner, uint16_t type, uint32_t ttl)
{
    if (owner)
        wdns_name(w, owner);
    else
        w_u16(w, 0xc00c);
    w_u16(w, type);
    w_u16(w, 1);
    w_u32(w, ttl);
    return w_open(w, 2);
}

static inline void wdns_rr_close(struct wr *w, size_t at) { w_close(w, at, 2); }

/* An A or AAAA record (as addr->v6 says) for the address in addr->src. */
static inline void wdns_rr_addr(struct wr *w, const char *owner, uint32_t ttl, const struct ip_pair *addr)
{
    size_t at = wdns_rr_open(w, owner, addr->v6 ? WDNS_AAAA : WDNS_A, ttl);
    w_bytes(w, addr->src, addr->v6 ? 16 : 4);
    wdns_rr_close(w, at);
}

/* CNAME, NS (preference < 0) or MX (preference >= 0) pointing at target. */
static inline void wdns_rr_target(struct wr *w, const char *owner, uint16_t type, uint32_t ttl, int preference,
                                  const char *target)
{
    size_t at = wdns_rr_open(w, owner, type, ttl);
    if (preference >= 0)
        w_u16(w, (uint16_t)preference);
    wdns_name(w, target);
    wdns_rr_close(w, at);
}

/* TXT with one character-string (at most 255 bytes). */
static inline void wdns_rr_txt(struct wr *w, const char *owner, uint32_t ttl, const char *text)
{
    size_t len = strlen(text);
    if (len > 255) {
        w->overflow = true;
        return;
    }
    size_t at = wdns_rr_open(w, owner, WDNS_TXT, ttl);
    w_u8(w, (uint8_t)len);
    w_bytes(w, text, len);
    wdns_rr_close(w, at);
}

/* Any record type with opaque RDATA (NULL records). */
static inline void wdns_rr_raw(struct wr *w, const char *owner, uint16_t type, uint32_t ttl, const uint8_t *rdata,
                               size_t len)
{
    size_t at = wdns_rr_open(w, owner, type, ttl);
    w_bytes(w, rdata, len);
    wdns_rr_close(w, at);
}

/* The SOA an NXDOMAIN carries in its authority section. */
static inline void wdns_rr_soa(struct wr *w, const char *zone, uint32_t ttl)
{
    size_t at = wdns_rr_open(w, zone, WDNS_SOA, ttl);
    wdns_name(w, "a.gtld-servers.net");
    wdns_name(w, "nstld.verisign-grs.com");
    w_u32(w, 1709540000);
    w_u32(w, 1800);
    w_u32(w, 900);
    w_u32(w, 604800);
    w_u32(w, 86400);
    wdns_rr_close(w, at);
}

/* A query and its answer, each one UDP datagram, rtt_us apart. */
static inline void wdns_exchange(struct gen *g, struct path *pa, const struct ip_pair *ip, uint16_t sport, uint64_t t,
                                 const struct wr *query, const struct wr *answer, uint32_t rtt_us)
{
    udp_datagram(g, pa, ip, sport, 53, 0, t, query->buf, query->len);
    udp_datagram(g, pa, ip, sport, 53, 1, t + rtt_us, answer->buf, answer->len);
}

/* One DNS exchange being written: the query of one question and its
 * answer, which repeats the id and the question; the buffers are the
 * struct's (do not copy it once started). */
struct wdns_pair {
    uint8_t qb[512], ab[1024];
    struct wr q, a;
    uint16_t id, qtype;
    const char *name;
};

/* Writes the query and readies the answer. */
static inline void wdns_pair_query(struct wdns_pair *d, uint16_t id, const char *name, uint16_t qtype)
{
    d->id = id;
    d->name = name;
    d->qtype = qtype;
    w_init(&d->q, d->qb, sizeof d->qb);
    wdns_header(&d->q, id, WDNS_QUERY, name, qtype, 0, 0);
    w_init(&d->a, d->ab, sizeof d->ab);
}

/* The answer's header: flags (WDNS_ANSWER, WDNS_NXDOMAIN...) and the
 * answer and authority counts of the records that follow. */
static inline void wdns_pair_answer(struct wdns_pair *d, uint16_t flags, uint16_t an, uint16_t ns)
{
    wdns_header(&d->a, d->id, flags, d->name, d->qtype, an, ns);
}

/* An NXDOMAIN answer with the SOA of the name's top-level domain. */
static inline void wdns_pair_nxdomain(struct wdns_pair *d)
{
    const char *tld = strrchr(d->name, '.');
    wdns_pair_answer(d, WDNS_NXDOMAIN, 0, 1);
    wdns_rr_soa(&d->a, tld ? tld + 1 : d->name, 900);
}

/* Sends the query and the answer rtt_us later; false, and the run failed,
 * when either did not fit. */
static inline bool wdns_pair_send(struct gen *g, struct wdns_pair *d, struct path *pa, const struct ip_pair *ip,
                                  uint16_t sport, uint64_t t, uint32_t rtt_us)
{
    if (d->q.overflow || d->a.overflow) {
        g->failed = true;
        return false;
    }
    wdns_exchange(g, pa, ip, sport, t, &d->q, &d->a, rtt_us);
    return true;
}

#endif
