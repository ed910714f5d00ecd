/* Long connections: a channel held open for a long time (reverse shells,
 * tunnels, C2 over a persistent socket).
 *
 * Per (internal source, external destination, destination port, protocol):
 * one flow lasting at least long_conn_us, or a chain of flows each starting
 * within long_conn_chain_gap_us of the end of the previous ones (a session
 * that reconnects, or a flow Zeek split at an inactivity timeout) whose span
 * reaches long_conn_us. A chain starts with a flow that lasts at least the
 * chain gap (or is still open); shorter flows only extend chains. A chain
 * must also be connected most of the time:
 * its flows must cover at least half of its span. Without that, every
 * beacon with short check-ins would also be a "long connection"; beacons are
 * beacon.c's.
 *
 * Live, a still-open flow is seen repeatedly (same start, same uid) and
 * updates its chain instead of adding a flow. A key is reported once per
 * run: a flow reported while open is not reported again when it ends; a
 * chain that grows after its report is not reported again.
 *
 * score = 0.5 + 0.5 * min(1, duration / (4 * long_conn_us)): just over the
 * threshold is 0.5, four times the threshold or more is 1. ATT&CK T1071. */
#include <stdlib.h>
#include <string.h>

#include "detect/behavior_internal.h"
#include "util/hash.h"

#define CHAIN_SEED 0x636861696e736565ULL
#define UIDH_SEED 0x6c6f6e67636f6e6eULL

struct chain_key {
    const struct ip_addr *src, *dst;
    uint16_t port;
    uint8_t proto;
};

static uint32_t chain_hash(const struct chain_key *k)
{
    uint8_t buf[16 + 16 + 3];
    memcpy(buf, k->src->b, 16);
    memcpy(buf + 16, k->dst->b, 16);
    buf[32] = (uint8_t)(k->port >> 8);
    buf[33] = (uint8_t)k->port;
    buf[34] = k->proto;
    return (uint32_t)hash_keyed(buf, sizeof buf, CHAIN_SEED);
}

static bool chain_eq(const void *ctx, uint32_t id, const void *key)
{
    const struct chain *c = &((const struct chain_table *)ctx)->e[id];
    const struct chain_key *k = key;
    return c->port == k->port && c->proto == k->proto && memcmp(c->src.b, k->src->b, 16) == 0 &&
           memcmp(c->dst.b, k->dst->b, 16) == 0;
}

static uint64_t chain_evidence(const void *ctx, uint32_t id)
{
    const struct chain *c = &((const struct behavior *)ctx)->chains.e[id];
    if (c->flags & (CF_QUALIFIED | CF_DONE))
        return UINT64_MAX;
    int64_t span = time_sub(c->cur.end_us, c->cur.start_us);
    return span > 0 ? (uint64_t)span : 0;
}

static void chain_evict(void *ctx, uint32_t id)
{
    struct behavior *b = ctx;
    struct chain *c = &b->chains.e[id];
    hindex_remove(&b->chains.t.index, c->hash32, id);
    memset(c, 0, sizeof *c);
}

bool chains_init(struct behavior *b)
{
    b->chains.e = table_entries_new(&b->chains.t, b->cfg.max_pairs, sizeof *b->chains.e);
    return b->chains.e != NULL;
}

void chains_free(struct behavior *b)
{
    free(b->chains.e);
    b->chains.e = NULL;
    table_free(&b->chains.t);
}

static struct chain *chain_get(struct behavior *b, const struct chain_key *k, bool may_create, bool *created)
{
    uint32_t h = chain_hash(k);
    *created = false;
    uint32_t id = b->chains.t.index.count > 0 ? hindex_find(&b->chains.t.index, h, chain_eq, &b->chains, k)
                                              : HINDEX_NONE;
    if (id != HINDEX_NONE)
        return &b->chains.e[id];
    if (!may_create)
        return NULL;
    id = table_claim(&b->chains.t, h, chain_evidence, chain_evict, b, &b->stats.evicted);
    if (id == HINDEX_NONE)
        return NULL;
    struct chain *c = &b->chains.e[id];
    memset(c, 0, sizeof *c);
    c->src = *k->src;
    c->dst = *k->dst;
    c->port = k->port;
    c->proto = k->proto;
    c->hash32 = h;
    c->flags = CF_LIVE;
    *created = true;
    return c;
}

static int64_t max64(int64_t a, int64_t b)
{
    return a > b ? a : b;
}

static int64_t min64(int64_t a, int64_t b)
{
    return a < b ? a : b;
}

static int64_t positive(int64_t v)
{
    return v > 0 ? v : 0;
}

static void start_chain(struct chain *ch, int64_t s, int64_t e, const struct obs_conn *c)
{
    ch->cur = (struct chain_span){
        .start_us = s, .end_us = e, .covered_us = time_sub(e, s), .flows = 1, .open = c->still_open,
        .bytes_out = c->orig_bytes, .bytes_in = c->resp_bytes,
    };
    copy_uid(ch->cur.uid, c->uid);
}

/* The flow is the one seen last, again: live updates of an open flow. */
static void update_flow(struct chain *ch, int64_t e, const struct obs_conn *c)
{
    ch->cur.covered_us = time_add(ch->cur.covered_us, positive(time_sub(e, max64(ch->flow_end_us, ch->cur.end_us))));
    ch->cur.end_us = max64(ch->cur.end_us, e);
    ch->cur.open = c->still_open;
    ch->cur.bytes_out = add_sat_u64(ch->cur.bytes_out - ch->flow_out, c->orig_bytes);
    ch->cur.bytes_in = add_sat_u64(ch->cur.bytes_in - ch->flow_in, c->resp_bytes);
    copy_uid(ch->cur.uid, c->uid);
}

/* A further flow overlapping or following the chain. Covered time is the
 * union of the flows, exact when they arrive in order of start. */
static void join_flow(struct chain *ch, int64_t s, int64_t e, const struct obs_conn *c)
{
    int64_t added = time_add(positive(time_sub(e, max64(s, ch->cur.end_us))),
                             positive(time_sub(min64(e, ch->cur.start_us), s)));
    ch->cur.covered_us = time_add(ch->cur.covered_us, added);
    ch->cur.start_us = min64(ch->cur.start_us, s);
    if (e >= ch->cur.end_us) {
        ch->cur.open = c->still_open;
        copy_uid(ch->cur.uid, c->uid);
    }
    ch->cur.end_us = max64(ch->cur.end_us, e);
    ch->cur.flows++;
    ch->cur.bytes_out = add_sat_u64(ch->cur.bytes_out, c->orig_bytes);
    ch->cur.bytes_in = add_sat_u64(ch->cur.bytes_in, c->resp_bytes);
}

static bool qualifies(const struct behavior *b, const struct chain_span *s)
{
    int64_t span = time_sub(s->end_us, s->start_us);
    if (span < b->cfg.long_conn_us)
        return false;
    return s->flows == 1 || s->covered_us >= span / 2;
}

void long_conn_observe(struct behavior *b, const struct obs_conn *c)
{
    if (b->cfg.long_conn_us <= 0)
        return;
    struct chain_key k = {&c->orig_h, &c->resp_h, c->resp_p, c->proto};
    int64_t gap = positive(b->cfg.long_conn_chain_gap_us);
    /* Most flows are short: only a flow that lasts at least the chain gap (or
     * is still open) starts a chain; a shorter one can only extend one. */
    bool may_create = c->still_open || positive(c->duration_us) >= gap;
    bool created;
    struct chain *ch = chain_get(b, &k, may_create, &created);
    if (ch == NULL || (ch->flags & CF_DONE))
        return;
    int64_t s = c->ts_us;
    int64_t e = time_add(s, positive(c->duration_us));
    uint64_t uid_hash = c->uid ? hash_keyed(c->uid, strlen(c->uid), UIDH_SEED) : 0;
    if (created) {
        start_chain(ch, s, e, c);
    } else if (s == ch->flow_start_us && uid_hash == ch->flow_uid_hash) {
        update_flow(ch, e, c);
    } else if (s > time_add(ch->cur.end_us, gap)) {
        start_chain(ch, s, e, c);
    } else if (e < time_sub(ch->cur.start_us, gap)) {
        return; /* a late record of a flow before the chain: nothing to join */
    } else {
        join_flow(ch, s, e, c);
    }
    ch->flow_start_us = s;
    ch->flow_end_us = e;
    ch->flow_uid_hash = uid_hash;
    ch->flow_out = c->orig_bytes;
    ch->flow_in = c->resp_bytes;
    if (qualifies(b, &ch->cur)) {
        if (!(ch->flags & CF_QUALIFIED) ||
            time_sub(ch->cur.end_us, ch->cur.start_us) > time_sub(ch->best.end_us, ch->best.start_us))
            ch->best = ch->cur;
        ch->flags |= CF_QUALIFIED;
    }
}

void long_conn_collect(struct behavior *b, struct finding_list *out)
{
    double threshold = (double)b->cfg.long_conn_us;
    for (uint32_t id = 0; id < b->chains.t.ids.next_fresh; id++) {
        struct chain *ch = &b->chains.e[id];
        if (!(ch->flags & CF_LIVE) || !(ch->flags & CF_QUALIFIED) || (ch->flags & CF_DONE))
            continue;
        const struct chain_span *s = &ch->best;
        struct finding f = {
            .kind = FINDING_LONG_CONN,
            .reason = s->flows == 1 ? "long connection" : "long connection chain",
            .attack = "T1071",
            .first_us = s->start_us,
            .last_us = s->end_us,
            .src = ch->src,
            .has_dst = true,
            .dst = ch->dst,
            .dst_port = ch->port,
            .proto = ch->proto,
            .uid = s->uid,
            .count = s->flows,
            .duration_us = time_sub(s->end_us, s->start_us),
            .chain = s->flows,
            .open = s->open,
            .bytes_out = s->bytes_out,
            .bytes_in = s->bytes_in,
        };
        f.score = 0.5 + 0.5 * clamp01((double)f.duration_us / (4.0 * threshold));
        if (!behavior_allowed(b, &f) && !finding_list_push(out, &f))
            continue;
        ch->flags |= CF_DONE;
    }
}
