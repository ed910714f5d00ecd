#include "flow/stream.h"

#include <stdlib.h>
#include <string.h>

#include "flow/app_layer.h"

struct ooo_segment {
    struct ooo_segment *next;
    uint32_t lo, hi;      /* relative sequence range [lo, hi) */
    bool has_data;        /* false: only the range is known (over budget) */
    uint8_t data[];
};

static bool from_orig(const struct flow *f, const struct tcp_endpoint *ep)
{
    return ep == &f->ep[0];
}

static void deliver(struct flow_table *t, struct flow *f, struct tcp_endpoint *ep, const uint8_t *data, uint32_t n)
{
    app_layer_data(t, f, from_orig(f, ep), data, n);
}

static uint32_t segment_bytes(const struct ooo_segment *s)
{
    return s->has_data ? s->hi - s->lo : 0;
}

static void drop_segment(struct flow_table *t, struct ooo_segment *s)
{
    flow_table_stream_release(t, segment_bytes(s));
    free(s);
}

/* Delivers held segments that the stream now reaches. */
static void drain(struct flow_table *t, struct flow *f, struct tcp_endpoint *ep)
{
    while (ep->ooo && ep->ooo->lo <= ep->reassem_rel) {
        struct ooo_segment *s = ep->ooo;
        ep->ooo = s->next;
        if (s->hi > ep->reassem_rel) {
            uint32_t skip = ep->reassem_rel - s->lo;
            ep->reassem_rel = s->hi;
            if (s->has_data)
                deliver(t, f, ep, s->data + skip, s->hi - s->lo - skip);
        }
        drop_segment(t, s);
    }
}

static unsigned count_segments(const struct tcp_endpoint *ep, uint32_t *bytes)
{
    unsigned n = 0;
    *bytes = 0;
    for (const struct ooo_segment *s = ep->ooo; s; s = s->next) {
        n++;
        *bytes += segment_bytes(s);
    }
    return n;
}

/* A retransmission that disagrees with bytes already held: first seen wins,
 * and the disagreement is worth a weird (evasion or a broken stack). */
static void check_overlaps(struct flow_table *t, struct flow *f, const struct tcp_endpoint *ep, uint32_t lo,
                           uint32_t hi, const uint8_t *data)
{
    for (const struct ooo_segment *s = ep->ooo; s && s->lo < hi; s = s->next) {
        if (!s->has_data || s->hi <= lo)
            continue;
        uint32_t a = lo > s->lo ? lo : s->lo, b = hi < s->hi ? hi : s->hi;
        if (memcmp(data + (a - lo), s->data + (a - s->lo), b - a) != 0) {
            flow_weird(t, f, "rexmit_inconsistency", NULL);
            return;
        }
    }
}

/* First seen bytes win: only the parts of [lo, hi) not yet held are added. */
static void hold(struct flow_table *t, struct flow *f, struct tcp_endpoint *ep, uint32_t lo, uint32_t hi,
                 const uint8_t *data)
{
    check_overlaps(t, f, ep, lo, hi, data);
    struct ooo_segment **link = &ep->ooo;
    while (*link && (*link)->hi <= lo)
        link = &(*link)->next;
    if (*link && (*link)->lo <= lo)
        return; /* starts inside a held segment: a retransmission (the tail is re-sent later if needed) */
    if (*link && (*link)->lo < hi)
        hi = (*link)->lo;
    if (hi <= lo)
        return;
    uint32_t held;
    if (count_segments(ep, &held) >= STREAM_MAX_SEGMENTS)
        return;
    uint32_t len = hi - lo;
    bool with_data = data && held + len <= STREAM_MAX_BYTES && flow_table_stream_reserve(t, len);
    struct ooo_segment *s = malloc(sizeof *s + (with_data ? len : 0));
    if (!s) {
        if (with_data)
            flow_table_stream_release(t, len);
        return;
    }
    s->lo = lo;
    s->hi = hi;
    s->has_data = with_data;
    if (with_data)
        memcpy(s->data, data, len);
    s->next = *link;
    *link = s;
}

void stream_data(struct flow_table *t, struct flow *f, struct tcp_endpoint *ep, uint64_t rel, const uint8_t *data,
                 uint32_t len)
{
    uint64_t upper = rel + len;
    if (len == 0 || upper <= ep->reassem_rel || upper > UINT32_MAX)
        return;
    if (!data) /* not captured: the ack will reveal the gap */
        return;
    if (rel <= ep->reassem_rel) {
        uint32_t skip = (uint32_t)(ep->reassem_rel - rel);
        ep->reassem_rel = (uint32_t)upper;
        deliver(t, f, ep, data + skip, len - skip);
        drain(t, f, ep);
    } else {
        hold(t, f, ep, (uint32_t)rel, (uint32_t)upper, data);
    }
}

static bool is_clean(const struct tcp_endpoint *e)
{
    return e->state == TCP_EP_ESTABLISHED || (e->state == TCP_EP_CLOSED && e->prev_state == TCP_EP_ESTABLISHED);
}

static void content_gap(struct flow_table *t, struct flow *f, struct tcp_endpoint *ep, struct tcp_endpoint *peer,
                        uint32_t len)
{
    app_layer_gap(t, f, from_orig(f, ep), len);
    /* Gaps outside a cleanly established connection are artefacts (RSTs, partial connections). */
    if (!(is_clean(ep) && is_clean(peer)))
        return;
    flow_scaled_history(f, &ep->gap, from_orig(f, ep) ? 'G' : 'g');
    f->missed_bytes += len;
}

void stream_ack(struct flow_table *t, struct flow *f, struct tcp_endpoint *ep, struct tcp_endpoint *peer,
                uint32_t up_to)
{
    while (up_to > ep->reassem_rel) {
        struct ooo_segment *s = ep->ooo;
        uint32_t hole_end = s && s->lo < up_to ? s->lo : up_to;
        if (hole_end > ep->reassem_rel) {
            content_gap(t, f, ep, peer, hole_end - ep->reassem_rel);
            ep->reassem_rel = hole_end;
        }
        drain(t, f, ep);
        if (!s)
            break;
    }
}

void stream_free(struct flow_table *t, struct tcp_endpoint *ep)
{
    while (ep->ooo) {
        struct ooo_segment *s = ep->ooo;
        ep->ooo = s->next;
        drop_segment(t, s);
    }
}
