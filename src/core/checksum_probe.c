/* The held sample and its verdict. */
#include <stdlib.h>
#include <string.h>

#include "core/checksum_probe.h"

/* Suricata's CHECKSUM_SAMPLE_COUNT and CHECKSUM_INVALID_RATIO. */
#define SAMPLE_CHECKSUMS 1000
#define INVALID_RATIO 10
/* A live capture at a low rate does not wait long for its sample. */
#define SAMPLE_MAX_BYTES (16u << 20)
#define SAMPLE_MAX_SPAN_US (10 * 1000000LL)

struct held_frame {
    int64_t ts_us;
    uint32_t caplen, wirelen;
    int linktype;
    unsigned lane;
};

struct checksum_probe {
    struct decoder *decoder;  /* verification on, weirds ignored */
    uint8_t *held;            /* held_frame headers, each followed by its bytes */
    size_t used, cap;
    uint64_t packets;
    int64_t first_ts_us;
};

static void ignore_weird(void *ctx, const struct packet *pkt, const char *name, const char *addl)
{
    (void)ctx;
    (void)pkt;
    (void)name;
    (void)addl;
}

struct checksum_probe *checksum_probe_new(const struct decode_config *cfg)
{
    struct checksum_probe *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    struct decode_config dc = *cfg;
    dc.verify_checksums = true;
    p->decoder = decoder_new(&dc, ignore_weird, NULL);
    if (!p->decoder) {
        free(p);
        return NULL;
    }
    return p;
}

void checksum_probe_free(struct checksum_probe *p)
{
    if (!p)
        return;
    decoder_free(p->decoder);
    free(p->held);
    free(p);
}

static bool hold(struct checksum_probe *p, const struct held_frame *h, const uint8_t *data)
{
    size_t need = sizeof *h + h->caplen;
    if (p->used + need > p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 64 * 1024;
        while (cap < p->used + need)
            cap *= 2;
        uint8_t *grown = realloc(p->held, cap);
        if (!grown)
            return false;
        p->held = grown;
        p->cap = cap;
    }
    memcpy(p->held + p->used, h, sizeof *h);
    memcpy(p->held + p->used + sizeof *h, data, h->caplen);
    p->used += need;
    return true;
}

bool checksum_probe_add(struct checksum_probe *p, unsigned lane, int linktype, int64_t ts_us, const uint8_t *data,
                        uint32_t caplen, uint32_t wirelen)
{
    struct held_frame h = {.ts_us = ts_us, .caplen = caplen, .wirelen = wirelen, .linktype = linktype, .lane = lane};
    if (!hold(p, &h, data))
        return true;
    if (p->packets++ == 0)
        p->first_ts_us = ts_us;
    struct packet pkt;
    decode_packet(p->decoder, linktype, ts_us, data, caplen, wirelen, &pkt);
    return decoder_stats(p->decoder)->checksums_verified >= SAMPLE_CHECKSUMS || p->used >= SAMPLE_MAX_BYTES ||
           ts_us - p->first_ts_us >= SAMPLE_MAX_SPAN_US;
}

void checksum_probe_decide(struct checksum_probe *p, struct checksum_verdict *v)
{
    const struct decode_stats *s = decoder_stats(p->decoder);
    v->verified = s->checksums_verified;
    v->bad = s->checksums_bad;
    v->packets = p->packets;
    v->offloaded = v->bad > 0 && v->bad * INVALID_RATIO > v->verified;
}

static void replay_held(const struct checksum_probe *p, bool every_lane, unsigned lane, checksum_probe_replay_fn fn,
                        void *ctx)
{
    size_t off = 0;
    while (off < p->used) {
        struct held_frame h;
        memcpy(&h, p->held + off, sizeof h);
        if (every_lane || h.lane == lane)
            fn(ctx, h.lane, h.linktype, h.ts_us, p->held + off + sizeof h, h.caplen, h.wirelen);
        off += sizeof h + h.caplen;
    }
}

void checksum_probe_replay(struct checksum_probe *p, checksum_probe_replay_fn fn, void *ctx)
{
    replay_held(p, true, 0, fn, ctx);
    free(p->held);
    p->held = NULL;
    p->used = p->cap = 0;
}

void checksum_probe_replay_lane(const struct checksum_probe *p, unsigned lane, checksum_probe_replay_fn fn, void *ctx)
{
    replay_held(p, false, lane, fn, ctx);
}
