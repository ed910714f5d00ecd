/* flowbits per flow and threshold/detection_filter counters, per worker. */
#include <stdlib.h>
#include <string.h>

#include "sig/state.h"

#include "util/mix.h"

#define FLOW_SLOTS (1u << 14)
#define THR_SLOTS (1u << 14)
#define PROBES 8
#define SIG_STATE_HASH_DOMAIN 0x7369677374617465ULL /* "sigstate" */

bool sig_state_init(struct sig_state *st)
{
    st->flows = calloc(FLOW_SLOTS, sizeof *st->flows);
    st->thr = calloc(THR_SLOTS, sizeof *st->thr);
    hash_domain_key(SIG_STATE_HASH_DOMAIN, &st->key);
    return st->flows && st->thr;
}

void sig_state_free(struct sig_state *st)
{
    free(st->flows);
    free(st->thr);
    st->flows = NULL;
    st->thr = NULL;
}

/* The tables' slots and the threshold entries' identity come from keyed
 * hashes: the addresses a threshold tracks are the attacker's, and under a
 * fixed hash one could plan a source that shares a victim's counter (and so
 * spends its `limit`) or a flood of sources that evicts it. */
static uint64_t keyed_mix(const struct sig_state *st, uint64_t x)
{
    return mix64(x ^ st->key.k0) ^ st->key.k1;
}

/* The flow's entry; create: claim one (replacing the least recently used
 * of its bucket) when there is none. */
static struct sig_flow_bits *flow_entry(struct sig_state *st, uint64_t flow_id, bool create)
{
    if (flow_id == 0)
        return NULL;
    uint64_t h = keyed_mix(st, flow_id);
    struct sig_flow_bits *victim = NULL;
    for (unsigned i = 0; i < PROBES; i++) {
        struct sig_flow_bits *f = &st->flows[(h + i) & (FLOW_SLOTS - 1)];
        if (f->flow_id == flow_id) {
            f->used = ++st->clock;
            return f;
        }
        if (!victim || (victim->flow_id != 0 && (f->flow_id == 0 || f->used < victim->used)))
            victim = f;
    }
    if (!create)
        return NULL;
    memset(victim, 0, sizeof *victim);
    victim->flow_id = flow_id;
    victim->used = ++st->clock;
    return victim;
}

static bool has_bit(const struct sig_flow_bits *f, uint16_t id)
{
    for (unsigned i = 0; f && i < f->n; i++)
        if (f->ids[i] == id)
            return true;
    return false;
}

static void set_bit(struct sig_flow_bits *f, uint16_t id)
{
    if (has_bit(f, id))
        return;
    if (f->n == SIG_FLOWBITS_PER_FLOW) {
        memmove(f->ids, f->ids + 1, (SIG_FLOWBITS_PER_FLOW - 1) * sizeof f->ids[0]);
        f->n--;
    }
    f->ids[f->n++] = id;
}

static void unset_bit(struct sig_flow_bits *f, uint16_t id)
{
    for (unsigned i = 0; i < f->n; i++) {
        if (f->ids[i] == id) {
            memmove(f->ids + i, f->ids + i + 1, (f->n - i - 1) * sizeof f->ids[0]);
            f->n--;
            return;
        }
    }
}

void sig_flow_alerted(struct sig_state *st, uint64_t flow_id)
{
    struct sig_flow_bits *f = flow_entry(st, flow_id, true);
    if (f)
        f->alerted = true;
}

void sig_flow_pass(struct sig_state *st, uint64_t flow_id)
{
    struct sig_flow_bits *f = flow_entry(st, flow_id, true);
    if (f)
        f->passed = true;
}

bool sig_flow_passed(struct sig_state *st, uint64_t flow_id)
{
    const struct sig_flow_bits *f = flow_entry(st, flow_id, false);
    return f && f->passed;
}

const struct sig_flow_bits *sig_flow_state(struct sig_state *st, uint64_t flow_id)
{
    return flow_entry(st, flow_id, false);
}

bool sig_flowbits_check(struct sig_state *st, const struct sig_rule *r, uint64_t flow_id)
{
    const struct sig_flow_bits *f = NULL;
    bool looked = false;
    for (unsigned i = 0; i < r->n_flowbits; i++) {
        const struct sig_flowbit *fb = &r->flowbits[i];
        if (fb->cmd != SIG_FB_ISSET && fb->cmd != SIG_FB_ISNOTSET)
            continue;
        if (!looked) {
            f = flow_entry(st, flow_id, false);
            looked = true;
        }
        unsigned hits = 0;
        for (unsigned k = 0; k < fb->n; k++)
            hits += has_bit(f, fb->ids[k]);
        bool isset = fb->any_of ? hits > 0 : hits == fb->n;
        bool isnotset = fb->any_of ? hits < fb->n : hits == 0;
        if (fb->cmd == SIG_FB_ISSET ? !isset : !isnotset)
            return false;
    }
    return true;
}

void sig_flowbits_apply(struct sig_state *st, const struct sig_rule *r, uint64_t flow_id)
{
    for (unsigned i = 0; i < r->n_flowbits; i++) {
        const struct sig_flowbit *fb = &r->flowbits[i];
        if (fb->cmd == SIG_FB_ISSET || fb->cmd == SIG_FB_ISNOTSET)
            continue;
        struct sig_flow_bits *f = flow_entry(st, flow_id, fb->cmd != SIG_FB_UNSET);
        if (!f)
            continue;
        for (unsigned k = 0; k < fb->n; k++) {
            uint16_t id = fb->ids[k];
            if (fb->cmd == SIG_FB_SET || (fb->cmd == SIG_FB_TOGGLE && !has_bit(f, id)))
                set_bit(f, id);
            else
                unset_bit(f, id);
        }
    }
}

bool sig_iponly_first(struct sig_state *st, uint64_t flow_id, bool to_server)
{
    struct sig_flow_bits *f = flow_entry(st, flow_id, true);
    if (!f)
        return true; /* no flow: every packet */
    uint8_t bit = to_server ? 1 : 2;
    if (f->iponly_done & bit)
        return false;
    f->iponly_done |= bit;
    return true;
}

static uint64_t addr_hash(const struct sig_state *st, const struct ip_addr *a)
{
    return siphash13(&st->key, a->b, sizeof a->b);
}

bool sig_threshold_pass(struct sig_state *st, const struct sig_rule *r, const struct ip_addr *src,
                        const struct ip_addr *dst, uint64_t flow_id, int64_t ts_us)
{
    const struct sig_threshold *t = &r->threshold;
    if (t->type == SIG_THR_NONE)
        return true;
    uint64_t key = keyed_mix(st, (uint64_t)r->gid << 32 | r->sid);
    if (t->track == SIG_TRACK_SRC)
        key ^= addr_hash(st, src);
    else if (t->track == SIG_TRACK_DST)
        key ^= addr_hash(st, dst);
    else if (t->track == SIG_TRACK_BOTH)
        key ^= addr_hash(st, src) * 3 + addr_hash(st, dst);
    else if (t->track == SIG_TRACK_FLOW)
        key ^= keyed_mix(st, flow_id + 1);
    if (key == 0)
        key = 1;
    struct sig_thr_entry *e = NULL, *victim = NULL;
    for (unsigned i = 0; i < PROBES; i++) {
        struct sig_thr_entry *c = &st->thr[(mix64(key) + i) & (THR_SLOTS - 1)];
        if (c->key == key) {
            e = c;
            break;
        }
        if (!victim || (victim->key != 0 && (c->key == 0 || c->window_start_us < victim->window_start_us)))
            victim = c;
    }
    int64_t window = t->type == SIG_THR_BACKOFF ? INT64_MAX : (int64_t)t->seconds * 1000000;
    if (!e || (t->type != SIG_THR_BACKOFF && (ts_us - e->window_start_us >= window || ts_us < e->window_start_us))) {
        e = e ? e : victim;
        e->key = key;
        e->window_start_us = ts_us;
        e->count = 0;
        e->next = t->count;
    }
    e->count++;
    switch (t->type) {
    case SIG_THR_LIMIT: return e->count <= t->count;
    case SIG_THR_THRESHOLD:
        if (e->count < t->count)
            return false;
        e->count = 0; /* every count-th match in the window */
        return true;
    case SIG_THR_BOTH: return e->count == t->count;
    case SIG_THR_BACKOFF:
        if (e->count != e->next)
            return false;
        e->next = e->next > UINT32_MAX / t->multiplier ? UINT32_MAX : e->next * t->multiplier;
        return true;
    default: return e->count > t->count; /* detection_filter: after the first count matches */
    }
}
