/* IPv4 and IPv6 fragment reassembly with Zeek's weirds (src/Frag.cc).
 *
 * A datagram keeps the header of its first fragment (offset 0 once seen),
 * a payload buffer that grows to the highest byte received, and a sorted
 * list of the byte ranges it holds. The first copy of a byte wins; a later
 * copy is only compared with it (fragment_overlap / fragment_inconsistency).
 * Everything held is bounded by the memcap, the datagram count and the
 * timeout, all driven by packet time. */
#include "decode/decode_internal.h"

#include <stdlib.h>
#include <string.h>

#include "util/grow.h"
#include "util/hash.h"

#define FRAG_MAX_RANGES 64     /* disjoint pieces per datagram before we give up */
#define FRAG_MAX_HDR 512       /* IPv4 header or IPv6 unfragmentable part */
#define FRAG_MIN_ACCEPTABLE 64 /* Zeek's MIN_ACCEPTABLE_FRAG_SIZE */
#define FRAG_MAX_ACCEPTABLE 64000 /* Zeek's MAX_ACCEPTABLE_FRAG_SIZE */
#define FRAG_MAX_PAYLOAD 65535u
#define FRAG_HASH_DOMAIN 0x66726167ULL /* "frag" */

struct frag_range {
    uint32_t start, end;
};

struct frag_datagram {
    struct frag_datagram *hash_next;
    struct frag_datagram *older, *newer; /* creation order, for expiry and eviction */
    uint32_t hash;
    uint8_t version, proto;
    uint32_t id;
    uint8_t src[16], dst[16];
    int64_t first_ts;
    uint8_t *data;
    uint32_t data_cap;
    uint32_t frag_size; /* payload size once the last fragment was seen, 0 before */
    uint16_t hdr_len;
    bool have_first;    /* hdr is from the offset-0 fragment */
    uint8_t next_proto; /* IPv6: the fragmentable part's first header */
    uint16_t nh_off;    /* IPv6: where hdr names the fragment header */
    uint16_t n_ranges;
    struct frag_range ranges[FRAG_MAX_RANGES];
    uint8_t hdr[FRAG_MAX_HDR];
};

struct frag_table {
    struct frag_datagram **buckets;
    uint32_t mask;
    uint32_t count;
    uint64_t bytes;
    struct frag_datagram *oldest, *newest;
    uint32_t memcap, max_datagrams;
    int64_t timeout_us;
};

struct frag_table *frag_table_new(const struct decode_config *cfg)
{
    struct frag_table *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    uint32_t n = 16;
    while (n < cfg->frag_max_datagrams && n < (1u << 16))
        n <<= 1;
    t->buckets = calloc(n, sizeof *t->buckets);
    if (!t->buckets) {
        free(t);
        return NULL;
    }
    t->mask = n - 1;
    t->memcap = cfg->frag_memcap;
    t->max_datagrams = cfg->frag_max_datagrams;
    t->timeout_us = cfg->frag_timeout_us;
    return t;
}

static void datagram_unlink_and_free(struct frag_table *t, struct frag_datagram *g)
{
    struct frag_datagram **pp = &t->buckets[g->hash & t->mask];
    while (*pp && *pp != g)
        pp = &(*pp)->hash_next;
    if (*pp)
        *pp = g->hash_next;
    if (g->older)
        g->older->newer = g->newer;
    else
        t->oldest = g->newer;
    if (g->newer)
        g->newer->older = g->older;
    else
        t->newest = g->older;
    t->count--;
    t->bytes -= sizeof *g + g->data_cap;
    free(g->data);
    free(g);
}

void frag_table_free(struct frag_table *t)
{
    if (!t)
        return;
    while (t->oldest)
        datagram_unlink_and_free(t, t->oldest);
    free(t->buckets);
    free(t);
}

uint32_t frag_longest_chain(const struct decoder *d)
{
    const struct frag_table *t = d->frags;
    uint32_t longest = 0;
    for (uint32_t b = 0; b <= t->mask; b++) {
        uint32_t n = 0;
        for (const struct frag_datagram *g = t->buckets[b]; g; g = g->hash_next)
            n++;
        if (n > longest)
            longest = n;
    }
    return longest;
}

void frag_expire(struct decoder *d, int64_t now_us)
{
    struct frag_table *t = d->frags;
    if (!t->timeout_us)
        return;
    while (t->oldest && now_us - t->oldest->first_ts > t->timeout_us) {
        datagram_unlink_and_free(t, t->oldest);
        d->stats.frag_dropped++;
    }
}

/* Keyed: the (source, id) pairs come from the wire, and a fixed hash lets
 * a sender aim every fragment at one chain (issue 10.7). */
static uint32_t key_hash(uint8_t version, uint8_t proto, uint32_t id, const uint8_t *src, const uint8_t *dst, size_t alen)
{
    uint8_t key[2 + 4 + 32];
    if (alen > 16)
        alen = 16;
    key[0] = version;
    key[1] = proto;
    memcpy(key + 2, &id, 4);
    memcpy(key + 6, src, alen);
    memcpy(key + 6 + alen, dst, alen);
    return (uint32_t)hash_keyed(key, 6 + 2 * alen, FRAG_HASH_DOMAIN);
}

static struct frag_datagram *datagram_find(struct frag_table *t, uint32_t hash, uint8_t version, uint8_t proto,
                                           uint32_t id, const uint8_t *src, const uint8_t *dst, size_t alen)
{
    for (struct frag_datagram *g = t->buckets[hash & t->mask]; g; g = g->hash_next) {
        if (g->hash == hash && g->version == version && g->proto == proto && g->id == id &&
            memcmp(g->src, src, alen) == 0 && memcmp(g->dst, dst, alen) == 0)
            return g;
    }
    return NULL;
}

/* Makes room for `need` more bytes by evicting the oldest datagrams other
 * than `keep`. False when it cannot. */
static bool make_room(struct decoder *d, uint64_t need, const struct frag_datagram *keep)
{
    struct frag_table *t = d->frags;
    if (t->bytes + need <= t->memcap)
        return true;
    d->stats.frag_memcap_hits++;
    while (t->bytes + need > t->memcap) {
        struct frag_datagram *victim = t->oldest;
        if (victim == keep)
            victim = victim->newer;
        if (!victim)
            return false;
        datagram_unlink_and_free(t, victim);
        d->stats.frag_dropped++;
    }
    return true;
}

static struct frag_datagram *datagram_new(struct decoder *d, uint32_t hash, uint8_t version, uint8_t proto,
                                          uint32_t id, const uint8_t *src, const uint8_t *dst, size_t alen,
                                          int64_t now)
{
    struct frag_table *t = d->frags;
    if (t->max_datagrams == 0)
        return NULL;
    if (t->count >= t->max_datagrams) {
        datagram_unlink_and_free(t, t->oldest);
        d->stats.frag_dropped++;
    }
    if (!make_room(d, sizeof(struct frag_datagram), NULL))
        return NULL;
    struct frag_datagram *g = calloc(1, sizeof *g);
    if (!g)
        return NULL;
    g->hash = hash;
    g->version = version;
    g->proto = proto;
    g->id = id;
    memcpy(g->src, src, alen);
    memcpy(g->dst, dst, alen);
    g->first_ts = now;
    g->hash_next = t->buckets[hash & t->mask];
    t->buckets[hash & t->mask] = g;
    g->older = t->newest;
    if (t->newest)
        t->newest->newer = g;
    else
        t->oldest = g;
    t->newest = g;
    t->count++;
    t->bytes += sizeof *g;
    return g;
}

static bool grow_data(struct decoder *d, struct frag_datagram *g, uint32_t end)
{
    if (end <= g->data_cap)
        return true;
    uint32_t cap = (uint32_t)grow_capacity(g->data_cap, end, 1024, FRAG_MAX_PAYLOAD);
    if (!make_room(d, cap - g->data_cap, g))
        return false;
    uint8_t *nd = realloc(g->data, cap);
    if (!nd)
        return false;
    d->frags->bytes += cap - g->data_cap;
    g->data = nd;
    g->data_cap = cap;
    return true;
}

/* Copies the bytes of [start, end) not held yet; compares those held.
 * False when the datagram has too many disjoint pieces. */
static bool insert_range(struct decoder *d, struct packet *pkt, struct frag_datagram *g,
                         uint32_t start, uint32_t end, const uint8_t *bytes)
{
    bool overlap = false, conflict = false;
    uint32_t pos = start;
    uint16_t i = 0;
    while (i < g->n_ranges && g->ranges[i].end <= start)
        i++;
    uint16_t first = i;
    for (; i < g->n_ranges && g->ranges[i].start < end; i++) {
        struct frag_range r = g->ranges[i];
        if (r.start > pos)
            memcpy(g->data + pos, bytes + (pos - start), r.start - pos);
        uint32_t os = r.start > start ? r.start : start;
        uint32_t oe = r.end < end ? r.end : end;
        if (oe > os) {
            overlap = true;
            if (memcmp(g->data + os, bytes + (os - start), oe - os) != 0)
                conflict = true;
        }
        pos = r.end > pos ? r.end : pos;
    }
    uint16_t last = i; /* ranges [first, last) touch the new one */
    if (pos < end)
        memcpy(g->data + pos, bytes + (pos - start), end - pos);

    /* Merge: the new range swallows the touching ones; also join neighbours
     * that now abut. */
    uint32_t ns = start, ne = end;
    if (first < last) {
        if (g->ranges[first].start < ns)
            ns = g->ranges[first].start;
        if (g->ranges[last - 1].end > ne)
            ne = g->ranges[last - 1].end;
    }
    if (first > 0 && g->ranges[first - 1].end == ns) {
        first--;
        ns = g->ranges[first].start;
    }
    if (last < g->n_ranges && g->ranges[last].start == ne) {
        ne = g->ranges[last].end;
        last++;
    }
    uint16_t removed = (uint16_t)(last - first);
    if (removed == 0 && g->n_ranges >= FRAG_MAX_RANGES)
        return false;
    if (removed != 1) {
        memmove(&g->ranges[first + 1], &g->ranges[last], (size_t)(g->n_ranges - last) * sizeof g->ranges[0]);
        g->n_ranges = (uint16_t)(g->n_ranges + 1 - removed);
    }
    g->ranges[first].start = ns;
    g->ranges[first].end = ne;

    if (overlap)
        decode_weird(d, pkt, conflict ? "fragment_inconsistency" : "fragment_overlap", NULL);
    return true;
}

struct frag_piece {
    uint8_t version, proto;
    uint32_t id;
    const uint8_t *src, *dst;
    size_t alen;
    const uint8_t *hdr;  /* header to keep for the reassembled datagram */
    uint32_t hdr_len;
    uint8_t next_proto;
    uint32_t nh_off;
    uint32_t offset;     /* payload offset in bytes */
    bool more, dont_fragment;
    uint32_t total_len;  /* the fragment's IP total length, as Zeek's TotalLen() */
    const uint8_t *payload;
    uint32_t payload_len;
};

static uint8_t *reasm_buffer(struct decoder *d, const struct packet *pkt)
{
    unsigned layer = pkt->tunnel_depth < DECODE_MAX_IP_LAYERS ? pkt->tunnel_depth : DECODE_MAX_IP_LAYERS - 1;
    if (!d->reasm_buf[layer])
        d->reasm_buf[layer] = malloc(DECODE_REASM_BUF_SIZE);
    return d->reasm_buf[layer];
}

static void drop_datagram(struct decoder *d, struct frag_datagram *g)
{
    datagram_unlink_and_free(d->frags, g);
    d->stats.frag_dropped++;
}

/* Adds a piece; returns the finished datagram's bytes (header + payload) in
 * the reassembly buffer, NULL while incomplete or dropped. */
static const uint8_t *frag_add(struct decoder *d, struct packet *pkt, const struct frag_piece *f,
                               uint32_t *out_len)
{
    struct frag_table *t = d->frags;
    uint32_t hash = key_hash(f->version, f->proto, f->id, f->src, f->dst, f->alen);
    struct frag_datagram *g = datagram_find(t, hash, f->version, f->proto, f->id, f->src, f->dst, f->alen);
    if (!g) {
        if (f->hdr_len > FRAG_MAX_HDR) {
            d->stats.frag_dropped++;
            return NULL;
        }
        g = datagram_new(d, hash, f->version, f->proto, f->id, f->src, f->dst, f->alen, pkt->ts_us);
        if (!g) {
            d->stats.frag_dropped++;
            return NULL;
        }
        memcpy(g->hdr, f->hdr, f->hdr_len);
        g->hdr_len = (uint16_t)f->hdr_len;
        g->next_proto = f->next_proto;
        g->nh_off = (uint16_t)f->nh_off;
    } else if (g->hdr_len != f->hdr_len || (f->version == 6 && g->next_proto != f->next_proto)) {
        decode_weird(d, pkt, "fragment_protocol_inconsistency", NULL);
    }

    if (f->dont_fragment)
        decode_weird(d, pkt, "fragment_with_DF", NULL);

    uint64_t upper = (uint64_t)f->offset + f->payload_len;
    if (f->offset == 0 && !g->have_first && f->hdr_len <= FRAG_MAX_HDR) {
        /* The first fragment's header carries the options that are not copied. */
        memcpy(g->hdr, f->hdr, f->hdr_len);
        g->hdr_len = (uint16_t)f->hdr_len;
        g->next_proto = f->next_proto;
        g->nh_off = (uint16_t)f->nh_off;
        g->have_first = true;
    }

    if (!f->more) {
        if (g->frag_size == 0) {
            g->frag_size = (uint32_t)upper;
        } else if (upper != g->frag_size) {
            decode_weird(d, pkt, "fragment_size_inconsistency", NULL);
            if (upper > g->frag_size)
                g->frag_size = (uint32_t)upper;
        }
    } else if (f->total_len < FRAG_MIN_ACCEPTABLE) {
        decode_weird(d, pkt, "excessively_small_fragment", NULL);
    }
    if (upper > FRAG_MAX_ACCEPTABLE)
        decode_weird(d, pkt, "excessively_large_fragment", NULL);
    if (g->frag_size && upper > g->frag_size) {
        decode_weird(d, pkt, "fragment_size_inconsistency", NULL);
        g->frag_size = (uint32_t)upper;
    }

    /* The rebuilt datagram must fit its 16-bit length field. */
    uint64_t limit = f->version == 4 ? FRAG_MAX_PAYLOAD - g->hdr_len : FRAG_MAX_PAYLOAD + 40u - g->hdr_len;
    if (upper > limit || g->frag_size > limit) {
        drop_datagram(d, g);
        return NULL;
    }

    if (f->payload_len) {
        if (!grow_data(d, g, (uint32_t)upper) ||
            !insert_range(d, pkt, g, f->offset, (uint32_t)upper, f->payload)) {
            drop_datagram(d, g);
            return NULL;
        }
    }

    /* Complete when [0, frag_size) is held; trailing pieces beyond a hole
     * past frag_size are Zeek's "stuck" case: analyse the contiguous part. */
    if (!g->frag_size || g->n_ranges == 0 || g->ranges[0].start != 0 || g->ranges[0].end < g->frag_size)
        return NULL;
    if (g->n_ranges > 1 || g->ranges[0].end > g->frag_size) {
        decode_weird(d, pkt, "fragment_size_inconsistency", NULL);
        g->frag_size = g->ranges[0].end;
    }

    uint8_t *buf = reasm_buffer(d, pkt);
    if (!buf) {
        drop_datagram(d, g);
        return NULL;
    }
    uint32_t n = g->hdr_len + g->frag_size;
    memcpy(buf, g->hdr, g->hdr_len);
    memcpy(buf + g->hdr_len, g->data, g->frag_size);
    if (g->version == 4) {
        buf[2] = (uint8_t)(n >> 8);
        buf[3] = (uint8_t)n;
        buf[6] &= 0x40; /* keep DF, clear MF and the offset */
        buf[7] = 0;
        buf[10] = buf[11] = 0;
        uint16_t sum = (uint16_t)~checksum_fold(checksum_add(0, buf, g->hdr_len));
        memcpy(buf + 10, &sum, 2);
    } else {
        uint32_t plen = n - 40;
        buf[4] = (uint8_t)(plen >> 8);
        buf[5] = (uint8_t)plen;
        /* The header that named the fragment header now names what it carried. */
        buf[g->nh_off] = g->next_proto;
    }
    datagram_unlink_and_free(t, g);
    d->stats.reassembled++;
    *out_len = n;
    return buf;
}

const uint8_t *frag_add_ipv4(struct decoder *d, struct packet *pkt, const uint8_t *p, uint32_t hdr_len,
                             uint32_t total_len, uint32_t *out_len)
{
    uint16_t frag = load_be16(p + 6);
    struct frag_piece f = {
        .version = 4,
        .proto = p[9],
        .id = load_be16(p + 4),
        .src = p + 12,
        .dst = p + 16,
        .alen = 4,
        .hdr = p,
        .hdr_len = hdr_len,
        .next_proto = p[9],
        .offset = (uint32_t)(frag & 0x1fff) * 8,
        .more = (frag & 0x2000) != 0,
        .dont_fragment = (frag & 0x4000) != 0,
        .total_len = total_len,
        .payload = p + hdr_len,
        .payload_len = total_len - hdr_len,
    };
    return frag_add(d, pkt, &f, out_len);
}

const uint8_t *frag_add_ipv6(struct decoder *d, struct packet *pkt, const uint8_t *p, uint32_t frag_hdr_off,
                             uint32_t prev_nh_off, uint32_t total_len, uint32_t *out_len)
{
    const uint8_t *fh = p + frag_hdr_off;
    uint16_t off_flags = load_be16(fh + 2);
    struct frag_piece f = {
        .version = 6,
        .proto = 0,
        .id = load_be32(fh + 4),
        .src = p + 8,
        .dst = p + 24,
        .alen = 16,
        .hdr = p,
        .hdr_len = frag_hdr_off,
        .next_proto = fh[0],
        .nh_off = prev_nh_off,
        .offset = off_flags & 0xfff8,
        .more = (off_flags & 1) != 0,
        .dont_fragment = false,
        .total_len = total_len,
        .payload = fh + 8,
        .payload_len = total_len - frag_hdr_off - 8,
    };
    return frag_add(d, pkt, &f, out_len);
}
