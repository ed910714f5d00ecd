/* pcapng after libpcap's sf-pcapng.c: the same checks in the same order and
 * the same wording, so a damaged file reads the same through either path;
 * what differs is that each interface keeps its own link type and snapshot
 * length and each section its own byte order. */
#include "capture/pcapng.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

enum {
    BT_SHB = 0x0A0D0D0A, /* the same in both byte orders */
    BT_IDB = 1,
    BT_PB = 2,
    BT_SPB = 3,
    BT_EPB = 6,
    BYTE_ORDER_MAGIC = 0x1A2B3C4D,
    BLOCK_HDR = 8,
    BLOCK_TRAILER = 4,
    OPT_ENDOFOPT = 0,
    IF_TSRESOL = 9,
    IF_TSOFFSET = 14,
    LINKTYPE_NFLOG = 239,
};

/* libpcap's max_snaplen_for_dlt for every link type the decoders read. */
#define MAX_SNAPLEN 262144u
#define USER_TSRESOL 1000000u

struct pcapng_iface {
    int linktype;
    uint32_t snaplen; /* adjusted as libpcap does: 0 or too large means the maximum */
    uint64_t tsresol; /* units per second */
    bool binary;      /* tsresol is a power of 2 */
    int64_t tsoffset; /* seconds added to every timestamp */
};

struct pcapng_reader {
    FILE *f;
    uint64_t pos, resume_at;
    bool swapped; /* the current section was written on a host of the other byte order */
    uint8_t *buf; /* the current block, header to trailer */
    size_t buf_cap;
    uint32_t type;         /* of the current block */
    uint8_t *body;         /* the current block's body, header and trailer left out */
    size_t body_len;       /* what is left of it to read */
    struct pcapng_iface *ifaces; /* of the current section */
    uint32_t n_ifaces, ifaces_cap;
};

struct pcapng_reader *pcapng_open(FILE *f, uint64_t resume_at)
{
    struct pcapng_reader *r = calloc(1, sizeof *r);
    if (!r) {
        fclose(f);
        return NULL;
    }
    r->f = f;
    r->resume_at = resume_at;
    return r;
}

uint64_t pcapng_position(const struct pcapng_reader *r)
{
    return r->pos;
}

void pcapng_close(struct pcapng_reader *r)
{
    if (!r)
        return;
    fclose(r->f);
    free(r->buf);
    free(r->ifaces);
    free(r);
}

static uint16_t get16(const struct pcapng_reader *r, const uint8_t *p)
{
    uint16_t v;
    memcpy(&v, p, 2);
    return r->swapped ? __builtin_bswap16(v) : v;
}

static uint32_t get32(const struct pcapng_reader *r, const uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return r->swapped ? __builtin_bswap32(v) : v;
}

static uint64_t get64(const struct pcapng_reader *r, const uint8_t *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return r->swapped ? __builtin_bswap64(v) : v;
}

/* 1: all n bytes read; 0: the stream ended before the first (when eof_ok);
 * -1: a read error or a short read, in msg. */
static int read_exact(struct pcapng_reader *r, uint8_t *dst, size_t n, bool eof_ok, char *msg, size_t msglen)
{
    size_t got = fread(dst, 1, n, r->f);
    r->pos += got;
    if (got == n)
        return 1;
    if (ferror(r->f)) {
        snprintf(msg, msglen, "error reading dump file: %s", strerror(errno));
        return -1;
    }
    if (got == 0 && eof_ok)
        return 0;
    snprintf(msg, msglen, "truncated pcapng dump file; tried to read %zu bytes, only got %zu", n, got);
    return -1;
}

/* The next block into r->buf (a new section's byte order is taken from its
 * SHB before its length is read). 1: a block; 0: clean end; -1: damage. */
static int read_block(struct pcapng_reader *r, char *msg, size_t msglen)
{
    uint8_t hdr[BLOCK_HDR + 4];
    size_t have = BLOCK_HDR;
    int rc = read_exact(r, hdr, BLOCK_HDR, true, msg, msglen);
    if (rc <= 0)
        return rc;
    uint32_t raw_type;
    memcpy(&raw_type, hdr, 4);
    if (raw_type == BT_SHB) {
        if (read_exact(r, hdr + BLOCK_HDR, 4, false, msg, msglen) < 0)
            return -1;
        have += 4;
        uint32_t bom;
        memcpy(&bom, hdr + BLOCK_HDR, 4);
        if (bom == BYTE_ORDER_MAGIC) {
            r->swapped = false;
        } else if (__builtin_bswap32(bom) == BYTE_ORDER_MAGIC) {
            r->swapped = true;
        } else {
            snprintf(msg, msglen, "the file has a section with a bad byte order magic field");
            return -1;
        }
    }
    uint32_t type = get32(r, hdr), total = get32(r, hdr + 4);
    if (total < BLOCK_HDR + BLOCK_TRAILER) {
        snprintf(msg, msglen, "block in pcapng dump file has a length of %u < %u", total,
                 (unsigned)(BLOCK_HDR + BLOCK_TRAILER));
        return -1;
    }
    if (total % 4 != 0) {
        snprintf(msg, msglen, "block in pcapng dump file has a length of %u that is not a multiple of 4", total);
        return -1;
    }
    if (total > PCAPNG_MAX_BLOCK) {
        snprintf(msg, msglen, "pcapng block size %u > maximum %u", total, PCAPNG_MAX_BLOCK);
        return -1;
    }
    if (total < have) { /* an SHB of 12 bytes: its byte-order field is its trailer */
        snprintf(msg, msglen, "block of type %u in pcapng dump file is too short", type);
        return -1;
    }
    if (r->buf_cap < total) {
        uint8_t *nb = realloc(r->buf, total);
        if (!nb) {
            snprintf(msg, msglen, "out of memory");
            return -1;
        }
        r->buf = nb;
        r->buf_cap = total;
    }
    memcpy(r->buf, hdr, have);
    if (read_exact(r, r->buf + have, total - have, false, msg, msglen) < 0)
        return -1;
    uint32_t trailer = get32(r, r->buf + total - BLOCK_TRAILER);
    if (trailer != total) {
        snprintf(msg, msglen, "block total length in header %u and trailer %u don't match", total, trailer);
        return -1;
    }
    r->type = type;
    r->body = r->buf + BLOCK_HDR;
    r->body_len = total - BLOCK_HDR - BLOCK_TRAILER;
    return 1;
}

/* The next n bytes of the block's body, or NULL and libpcap's message. */
static uint8_t *take(struct pcapng_reader *r, size_t n, char *msg, size_t msglen)
{
    if (r->body_len < n) {
        snprintf(msg, msglen, "block of type %u in pcapng dump file is too short", r->type);
        return NULL;
    }
    uint8_t *p = r->body;
    r->body += n;
    r->body_len -= n;
    return p;
}

/* libpcap's checks of a single-valued IDB option: its length, and once only. */
static bool option_once(uint16_t len, uint16_t want, bool *saw, const char *name, char *msg, size_t msglen)
{
    if (len != want) {
        snprintf(msg, msglen, "Interface Description Block has %s option with length %u != %u", name, len, want);
        return false;
    }
    if (*saw) {
        snprintf(msg, msglen, "Interface Description Block has more than one %s option", name);
        return false;
    }
    *saw = true;
    return true;
}

/* if_tsresol and if_tsoffset, with libpcap's checks; false on damage. */
static bool read_idb_options(struct pcapng_reader *r, struct pcapng_iface *ifc, char *msg, size_t msglen)
{
    bool saw_tsresol = false, saw_tsoffset = false;
    while (r->body_len != 0) {
        const uint8_t *oh = take(r, 4, msg, msglen);
        if (!oh)
            return false;
        uint16_t code = get16(r, oh), len = get16(r, oh + 2);
        const uint8_t *val = take(r, ((size_t)len + 3) / 4 * 4, msg, msglen);
        if (!val)
            return false;
        switch (code) {
        case OPT_ENDOFOPT:
            if (len != 0) {
                snprintf(msg, msglen, "Interface Description Block has opt_endofopt option with length %u != 0",
                         len);
                return false;
            }
            return true;
        case IF_TSRESOL:
            if (!option_once(len, 1, &saw_tsresol, "if_tsresol", msg, msglen))
                return false;
            if (val[0] & 0x80) {
                unsigned shift = val[0] & 0x7f;
                if (shift > 63) {
                    snprintf(msg, msglen, "Interface Description Block if_tsresol option resolution 2^-%u is too high",
                             shift);
                    return false;
                }
                ifc->binary = true;
                ifc->tsresol = (uint64_t)1 << shift;
            } else {
                if (val[0] > 19) {
                    snprintf(msg, msglen,
                             "Interface Description Block if_tsresol option resolution 10^-%u is too high", val[0]);
                    return false;
                }
                ifc->binary = false;
                ifc->tsresol = 1;
                for (unsigned i = 0; i < val[0]; i++)
                    ifc->tsresol *= 10;
            }
            break;
        case IF_TSOFFSET:
            if (!option_once(len, 8, &saw_tsoffset, "if_tsoffset", msg, msglen))
                return false;
            ifc->tsoffset = (int64_t)get64(r, val);
            break;
        default:
            break;
        }
    }
    return true;
}

static bool add_interface(struct pcapng_reader *r, char *msg, size_t msglen)
{
    const uint8_t *idb = take(r, 8, msg, msglen);
    if (!idb)
        return false;
    if (r->n_ifaces >= PCAPNG_MAX_IFACES) {
        snprintf(msg, msglen, "more than %u interfaces in a section", PCAPNG_MAX_IFACES);
        return false;
    }
    if (r->n_ifaces == r->ifaces_cap) {
        uint32_t cap = r->ifaces_cap ? r->ifaces_cap * 2 : 8;
        struct pcapng_iface *ni = realloc(r->ifaces, cap * sizeof *ni);
        if (!ni) {
            snprintf(msg, msglen, "out of memory for per-interface information (%u interfaces)", r->n_ifaces + 1);
            return false;
        }
        r->ifaces = ni;
        r->ifaces_cap = cap;
    }
    uint32_t snaplen = get32(r, idb + 4);
    struct pcapng_iface ifc = {
        .linktype = get16(r, idb),
        .snaplen = snaplen == 0 || snaplen > MAX_SNAPLEN ? MAX_SNAPLEN : snaplen,
        .tsresol = USER_TSRESOL,
    };
    if (!read_idb_options(r, &ifc, msg, msglen))
        return false;
    r->ifaces[r->n_ifaces++] = ifc;
    return true;
}

/* A new section: its own interfaces, its major version checked. */
static bool start_section(struct pcapng_reader *r, char *msg, size_t msglen)
{
    const uint8_t *shb = take(r, 16, msg, msglen);
    if (!shb)
        return false;
    uint16_t major = get16(r, shb + 4);
    if (major != 1) {
        snprintf(msg, msglen, "unknown pcapng savefile major version number %u", major);
        return false;
    }
    r->n_ifaces = 0;
    return true;
}

/* libpcap's conversion to a micro-precision timeval, overflows included
 * (unsigned, so wrapping), so both paths stamp a packet alike. */
static struct timeval packet_time(const struct pcapng_iface *ifc, uint64_t t)
{
    uint64_t sec = t / ifc->tsresol + (uint64_t)ifc->tsoffset;
    uint64_t frac = t % ifc->tsresol;
    if (ifc->tsresol != USER_TSRESOL) {
        if (ifc->binary)
            frac = frac * USER_TSRESOL / ifc->tsresol;
        else if (ifc->tsresol > USER_TSRESOL)
            frac /= ifc->tsresol / USER_TSRESOL;
        else
            frac *= USER_TSRESOL / ifc->tsresol;
    }
    return (struct timeval){.tv_sec = (time_t)sec, .tv_usec = (suseconds_t)(int)frac};
}

/* NFLOG's TLV length and type are in the writer's byte order: libpcap
 * swaps them for the decoder (swap_nflog_header), and so do we. */
static void swap_nflog(uint8_t *p, uint32_t caplen, uint32_t wirelen)
{
    if (caplen < 4 || wirelen < 4 || p[1] != 0)
        return;
    uint32_t off = 4, left_cap = caplen - 4, left_wire = wirelen - 4;
    while (left_cap >= 4) {
        uint16_t len, type;
        memcpy(&len, p + off, 2);
        memcpy(&type, p + off + 2, 2);
        len = __builtin_bswap16(len);
        type = __builtin_bswap16(type);
        memcpy(p + off, &len, 2);
        memcpy(p + off + 2, &type, 2);
        uint32_t size = (len + 3u) & ~3u;
        if (size < 4 || left_cap < size || left_wire < size)
            return;
        left_cap -= size;
        left_wire -= size;
        off += size;
    }
}

/* The packet block in r->buf into *pkt; false on damage. */
static bool read_packet(struct pcapng_reader *r, struct pcapng_packet *pkt, char *msg, size_t msglen)
{
    uint32_t iface, caplen, wirelen;
    uint64_t t;
    const uint8_t *h;
    switch (r->type) {
    case BT_EPB:
    case BT_PB:
        if (!(h = take(r, 20, msg, msglen)))
            return false;
        /* the obsolete PB: a 16-bit interface id, then a 16-bit drop count */
        iface = r->type == BT_EPB ? get32(r, h) : get16(r, h);
        t = (uint64_t)get32(r, h + 4) << 32 | get32(r, h + 8);
        caplen = get32(r, h + 12);
        wirelen = get32(r, h + 16);
        break;
    default: /* BT_SPB: on the first interface, no time, captured up to its snapshot length */
        if (!(h = take(r, 4, msg, msglen)))
            return false;
        iface = 0;
        t = 0;
        wirelen = get32(r, h);
        caplen = wirelen;
        if (r->n_ifaces > 0 && caplen > r->ifaces[0].snaplen)
            caplen = r->ifaces[0].snaplen;
        break;
    }
    if (iface >= r->n_ifaces) {
        snprintf(msg, msglen,
                 "a packet arrived on interface %u, but there's no Interface Description Block for that interface",
                 iface);
        return false;
    }
    const struct pcapng_iface *ifc = &r->ifaces[iface];
    if (caplen > ifc->snaplen) {
        snprintf(msg, msglen, "invalid packet capture length %u, bigger than snaplen of %u", caplen, ifc->snaplen);
        return false;
    }
    uint8_t *data = take(r, caplen, msg, msglen);
    if (!data)
        return false;
    if (r->swapped && ifc->linktype == LINKTYPE_NFLOG)
        swap_nflog(data, caplen, wirelen);
    pkt->linktype = ifc->linktype;
    pkt->ts = packet_time(ifc, t);
    pkt->data = data;
    pkt->caplen = caplen;
    pkt->wirelen = wirelen;
    return true;
}

enum pcapng_status pcapng_next(struct pcapng_reader *r, struct pcapng_packet *pkt, char *msg, size_t msglen)
{
    for (;;) {
        uint64_t start = r->pos;
        int rc = read_block(r, msg, msglen);
        if (rc == 0)
            return PCAPNG_END;
        if (rc < 0)
            return PCAPNG_DAMAGED;
        bool ok = true;
        switch (r->type) {
        case BT_SHB:
            ok = start_section(r, msg, msglen);
            break;
        case BT_IDB:
            ok = add_interface(r, msg, msglen);
            break;
        case BT_EPB:
        case BT_SPB:
        case BT_PB:
            if (start < r->resume_at)
                break; /* libpcap delivered it before it gave up */
            if (!read_packet(r, pkt, msg, msglen))
                return PCAPNG_DAMAGED;
            return PCAPNG_PACKET;
        default:
            break; /* name resolution, statistics, secrets, custom blocks */
        }
        if (!ok)
            return PCAPNG_DAMAGED;
    }
}
