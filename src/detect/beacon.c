/* Beaconing, after RITA: a host that checks in with the same destination at
 * a steady rhythm, with steady small sizes, hour after hour.
 *
 * Tracked per (internal source, external address) and per (internal source,
 * name) -- the name from SNI/Host or the DNS answer the address came from, so
 * a beacon that rotates through a CDN's addresses still shows up. Both kinds
 * are scored; a beacon whose address only ever carried one name (and whose
 * name only ever led to that address) is one finding naming both ("beacon
 * to address and name"), else each is its own ("beacon to address",
 * "beacon to name").
 *
 * Not counted: ICMP, and UDP to ports 53, 67, 68, 123, 137, 138 and 5353
 * (resolvers, DHCP, NTP and local discovery are regular by design).
 *
 * State per pair is fixed-size: connection count, first/last time, byte
 * totals, a 16-timestamp reorder window (conn records arrive in order of
 * flow end, not start), a 256-bin log histogram of intervals (1 s .. ~10
 * days, 5.5 % per bin), a 256-bin log histogram of connection sizes (9 %
 * per bin) and per-hour counters. Timestamps are folded into the summary in
 * sorted order, 8 at a time, as the window fills; a start less than 1 s
 * after the previous check-in is the same check-in (RITA counts distinct
 * timestamps). About 500 bytes per pair, plus 1.5 KiB of histograms (the
 * request sizes too) once it has 16 connections.
 *
 * BASE = 0.50 * TS + 0.15 * HIST + 0.15 * SIZE + 0.20 * COUNT
 * SCORE = BASE * (1 - 0.50 * PREVALENCE) * (1 - 0.50 * KEEPALIVE) * (1 - 0.40 * UNSTEADY)
 * (the weights are data/beacon_weights.tsv's, shown with their shipped values)
 *
 * TS (timing): Q1, Q2, Q3 are the quartiles of the intervals, MAD their
 *   median absolute deviation from Q2, k the number of intervals.
 *     skew   = (Q3 + Q1 - 2 Q2) / (Q3 - Q1)                 (0 when Q3 == Q1)
 *     spread = (Q3 - Q1) / Q2
 *     jitter = MAD / Q2
 *     TS = (1 - |skew| * min(1, spread / 0.5))
 *          * (1 - min(1, jitter / 0.45)^2)
 *          * min(1, k / 24)
 *   RITA scores MAD against a fixed 30 s; relative MAD keeps a 1 h beacon
 *   with 10 % jitter as regular as a 10 s one. A +-30 % uniform jitter has
 *   jitter 0.15 (0.89); intervals uniform over 1-15 min 0.44 (0.05);
 *   exponential (Poisson) arrivals 0.69 (0). Skew only counts in proportion
 *   to the spread it is measured on (within a 10 % jitter it is sampling
 *   noise), and a handful of intervals can look regular by chance, hence
 *   the last factor: six perfect connections are not a report on their own.
 * HIST (hours): the hours of day and days of week with activity define the
 *   active period (the circle minus its longest idle run, so a beacon that
 *   sleeps at night and at weekends is judged on working hours only).
 *     coverage    = active hours / hours of the active period in the window
 *     consistency = 1 - min(1, coefficient of variation of connections per active hour)
 *     persistence = min(1, (last - first) / 2 h)
 *     HIST = persistence * (coverage + consistency) / 2
 *   The window's first and last hours are partial and left out when there
 *   are hours between them.
 * SIZE: sizes are orig_bytes + resp_bytes per connection (both directions:
 *   a check-in is request and answer), with the same quartile skew and MAD,
 *   plus smallness (1 up to 8 KiB, falling log-linearly to 0 at 1 MiB):
 *     SIZE = ((1 - |skew| * min(1, spread / 0.5)) + (1 - min(1, MAD / median)) + smallness) / 3
 * COUNT: how many of the check-ins the typical interval predicts happened,
 *   and enough of them to trust the rest:
 *     expected = active-period time between first and last / interval + 1
 *     COUNT = min(1, check-ins / expected) * min(1, check-ins / 24)
 *   (interval = Q2, or the exact mean when it lies within a bin of Q2.)
 *
 * Tuned on synthetic traffic (tests/unit/test_beacon.c): beacons every 10 s,
 * 60 s, 5 min (2 h) and 1 h (26 h) with 0-30 % jitter score 0.83-1.0; a
 * 5-minute beacon sleeping outside 09:00-17:00 on weekdays 0.99; Poisson
 * browsing, bursty visits, 4-a-day update checks and mail polled every
 * 1-15 min 0.16-0.59.
 *
 * PREVALENCE, after RITA: the internal hosts with a pair to the destination
 *   (its address; for a name pair, or an address that only carried one name,
 *   its name: the larger) over the internal hosts with any pair, counted
 *   from prevalence_min_hosts hosts on (0 below). Twenty hosts polling one
 *   update server score half what one host polling a rare server does.
 *
 * KEEPALIVE (1 or 0): every connection on one 5-tuple (one socket whose
 *   records the inactivity timeout split: a UDP, TCP or NAT keepalive, a
 *   STUN refresh) with a median exchange of at most keepalive_max_bytes
 *   (512). A session keeping itself alive is steady by design; an implant
 *   opens a new connection, from a new source port, for each check-in.
 * UNSTEADY (0..1): RITA scores the data size of what the source sends, as
 *   an implant sends the same check-in each time (the answer varies with
 *   its tasking). SHARE = the largest share of the requests (orig_bytes)
 *   within request_band_percent (40 %) of one size; UNSTEADY = 0 from
 *   request_share_high (0.60) up, 1 at request_share_low (0.30) and below,
 *   linear between. Voice and video probes, chat and games send whatever
 *   they have (nDPI's discord.pcap: a voice server probed every 60 s from a
 *   new socket, requests of 74 to 3296 bytes, SHARE about a third).
 *
 * A pair is scored once it has beacon_min_conns connections and reported
 * when SCORE >= beacon_threshold: once per pair per run. ATT&CK T1573 when
 * every connection was TLS/QUIC/DTLS (by service, or by port 443, 853, 993
 * or 995 when no service was recognised), T1071 otherwise. */
#include <math.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "detect/behavior_internal.h"
#include "util/hash.h"

#define PAIR_SEED 0x7061697273656564ULL

#define CHECKIN_GAP_US US_PER_S
#define JITTER_ZERO 0.45           /* relative MAD at which regularity is gone */
#define SKEW_FULL_SPREAD 0.5       /* (Q3 - Q1) / Q2 from which skew counts fully */
#define FULL_COUNT 24.0            /* check-ins for a full count score */
#define TS_FULL_INTERVALS 24.0     /* intervals for a full-weight timing score */
#define PERSIST_US (2 * US_PER_HOUR)
#define SMALL_BYTES 8192.0
#define LARGE_BYTES (1024.0 * 1024.0)

#define INTERVAL_BASE_S 1.0
#define INTERVAL_RATIO 1.055
#define SIZE_BASE 1.0
#define SIZE_RATIO 1.09

/* -------------------------------------------------------------- prevalence */

/* A destination (address or name) or a source, as a sketch key. */
enum prevalence_key { PREV_DST_ADDR = 1, PREV_DST_NAME, PREV_SRC };

static uint32_t prevalence_update(struct prevalence *pv, enum prevalence_key kind, const struct ip_addr *a,
                                  uint32_t name_id, int delta)
{
    uint8_t key[1 + 16] = {(uint8_t)kind};
    if (a != NULL)
        memcpy(key + 1, a->b, 16);
    else
        memcpy(key + 1, &name_id, sizeof name_id);
    uint32_t estimate = UINT32_MAX;
    for (unsigned row = 0; row < PREVALENCE_ROWS; row++) {
        uint32_t *c = &pv->count[row][hash_keyed(key, sizeof key, PAIR_SEED + row + 1) & (PREVALENCE_SLOTS - 1)];
        if (delta > 0 && *c < UINT32_MAX)
            (*c)++;
        else if (delta < 0 && *c > 0)
            (*c)--;
        if (*c < estimate)
            estimate = *c;
    }
    return estimate;
}

static void prevalence_pair(struct behavior *b, const struct pair *p, int delta)
{
    struct prevalence *pv = b->prevalence;
    if (p->kind == PAIR_NAME) {
        prevalence_update(pv, PREV_DST_NAME, NULL, p->name_id, delta);
        return;
    }
    prevalence_update(pv, PREV_DST_ADDR, &p->dst, 0, delta);
    uint32_t left = prevalence_update(pv, PREV_SRC, &p->src, 0, delta);
    if (delta > 0 && left == 1)
        pv->sources++;
    else if (delta < 0 && left == 0 && pv->sources > 0)
        pv->sources--;
}

/* The share of internal hosts reaching the pair's destination, 0..1. */
static double prevalence_of(const struct behavior *b, const struct pair *p)
{
    struct prevalence *pv = b->prevalence;
    uint32_t hosts = 0;
    if (p->kind == PAIR_ADDR)
        hosts = prevalence_update(pv, PREV_DST_ADDR, &p->dst, 0, 0);
    if (p->name_id != STRPOOL_NONE && (p->kind == PAIR_NAME || !(p->flags & PF_MULTI_NAME))) {
        uint32_t by_name = prevalence_update(pv, PREV_DST_NAME, NULL, p->name_id, 0);
        if (by_name > hosts)
            hosts = by_name;
    }
    if (hosts < b->weights.prevalence_min_hosts || pv->sources == 0)
        return 0.0;
    return clamp01((double)hosts / (double)pv->sources);
}

/* ------------------------------------------------------------- the table */

/* Name pairs are keyed by the interned name's id: the pair holds a
 * reference, so the id cannot be reused while the pair lives. */
struct pair_key {
    uint8_t kind;
    const struct ip_addr *src;
    const struct ip_addr *dst;
    uint32_t name_id;
};

static uint32_t pair_hash(const struct pair_key *k)
{
    uint8_t buf[1 + 16 + 16];
    buf[0] = k->kind;
    memcpy(buf + 1, k->src->b, 16);
    if (k->kind == PAIR_ADDR) {
        memcpy(buf + 17, k->dst->b, 16);
    } else {
        memcpy(buf + 17, &k->name_id, 4);
        memset(buf + 21, 0, 12);
    }
    return (uint32_t)hash_keyed(buf, sizeof buf, PAIR_SEED);
}

static bool pair_eq(const void *ctx, uint32_t id, const void *key)
{
    const struct pair *p = &((const struct pair_table *)ctx)->e[id];
    const struct pair_key *k = key;
    if (p->kind != k->kind || memcmp(p->src.b, k->src->b, 16) != 0)
        return false;
    return k->kind == PAIR_ADDR ? memcmp(p->dst.b, k->dst->b, 16) == 0 : p->name_id == k->name_id;
}

static uint64_t pair_evidence(const void *ctx, uint32_t id)
{
    const struct pair *p = &((const struct behavior *)ctx)->pairs.e[id];
    /* A pair already reported (or about to be) is kept so it is not reported twice. */
    if (p->flags & (PF_BEACON_DONE | PF_BEACON_REPORTED | PF_DAILY_HIT | PF_DAILY_DONE))
        return UINT64_MAX;
    return p->n; /* in the entry's first cache line: eviction samples 8 entries */
}

static void pair_evict(void *ctx, uint32_t id)
{
    struct behavior *b = ctx;
    struct pair *p = &b->pairs.e[id];
    if (p->kind == PAIR_ADDR || p->name_id != STRPOOL_NONE)
        prevalence_pair(b, p, -1);
    hindex_remove(&b->pairs.t.index, p->hash32, id);
    strpool_unref(&b->pool, p->name_id);
    free(p->hist);
    memset(p, 0, sizeof *p);
}

bool pairs_init(struct behavior *b)
{
    loghist_scale_init(&b->interval_scale, INTERVAL_BASE_S, INTERVAL_RATIO);
    loghist_scale_init(&b->size_scale, SIZE_BASE, SIZE_RATIO);
    b->prevalence = calloc(1, sizeof *b->prevalence);
    if (b->prevalence == NULL)
        return false;
    b->pairs.e = table_entries_new(&b->pairs.t, b->cfg.max_pairs, sizeof *b->pairs.e);
    return b->pairs.e != NULL;
}

void pairs_free(struct behavior *b)
{
    if (b->pairs.e != NULL) {
        for (uint32_t i = 0; i < b->pairs.t.ids.next_fresh; i++)
            if (b->pairs.e[i].kind != PAIR_FREE)
                pair_evict(b, i);
    }
    free(b->pairs.e);
    b->pairs.e = NULL;
    table_free(&b->pairs.t);
    free(b->prevalence);
    b->prevalence = NULL;
}

static struct pair *pairs_lookup(struct behavior *b, const struct pair_key *k, uint32_t h)
{
    uint32_t id = hindex_find(&b->pairs.t.index, h, pair_eq, &b->pairs, k);
    return id == HINDEX_NONE ? NULL : &b->pairs.e[id];
}

static struct pair *pairs_create(struct behavior *b, const struct pair_key *k, uint32_t h)
{
    uint32_t id = table_claim(&b->pairs.t, h, pair_evidence, pair_evict, b, &b->stats.evicted);
    if (id == HINDEX_NONE)
        return NULL;
    struct pair *p = &b->pairs.e[id];
    memset(p, 0, sizeof *p);
    p->kind = k->kind;
    p->src = *k->src;
    if (k->kind == PAIR_ADDR)
        p->dst = *k->dst;
    p->hash32 = h;
    p->name_id = STRPOOL_NONE;
    if (p->kind == PAIR_ADDR)
        prevalence_pair(b, p, +1);
    return p;
}

struct pair *pairs_find_addr(struct behavior *b, const struct ip_addr *src, const struct ip_addr *dst)
{
    struct pair_key k = {PAIR_ADDR, src, dst, 0};
    return pairs_lookup(b, &k, pair_hash(&k));
}

uint32_t pairs_addr_hash(const struct ip_addr *src, const struct ip_addr *dst)
{
    struct pair_key k = {PAIR_ADDR, src, dst, 0};
    return pair_hash(&k);
}

uint32_t pairs_name_hash(const struct ip_addr *src, uint32_t name_id)
{
    struct pair_key k = {PAIR_NAME, src, NULL, name_id};
    return pair_hash(&k);
}

void pairs_prefetch(const struct behavior *b, uint32_t hash)
{
    __builtin_prefetch(&b->pairs.t.index.slots[hash & b->pairs.t.index.mask]);
}

struct pair *pairs_get_addr(struct behavior *b, const struct ip_addr *src, const struct ip_addr *dst, uint32_t hash)
{
    struct pair_key k = {PAIR_ADDR, src, dst, 0};
    struct pair *p = pairs_lookup(b, &k, hash);
    return p ? p : pairs_create(b, &k, hash);
}

struct pair *pairs_get_name(struct behavior *b, const struct ip_addr *src, uint32_t name_id, uint32_t hash)
{
    if (name_id == STRPOOL_NONE)
        return NULL;
    struct pair_key k = {PAIR_NAME, src, NULL, name_id};
    struct pair *p = pairs_lookup(b, &k, hash);
    if (p != NULL)
        return p;
    p = pairs_create(b, &k, hash);
    if (p != NULL) {
        strpool_ref(&b->pool, name_id);
        p->name_id = name_id;
        prevalence_pair(b, p, +1);
    }
    return p;
}

/* --------------------------------------------------------------- observing */

bool beacon_eligible(const struct obs_conn *c)
{
    if (c->proto == IPPROTO_ICMP || c->proto == IPPROTO_ICMPV6)
        return false;
    if (c->proto == IPPROTO_UDP) {
        switch (c->resp_p) {
        case 53: case 67: case 68: case 123: case 137: case 138: case 5353:
            return false;
        default:
            break;
        }
    }
    return true;
}

static bool service_is_encrypted(const char *service)
{
    /* Zeek's service is a comma list ("ssl,http" never happens, but be lenient). */
    const char *p = service;
    while (*p != '\0') {
        const char *end = strchr(p, ',');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        if ((n == 3 && memcmp(p, "ssl", 3) == 0) || (n == 3 && memcmp(p, "tls", 3) == 0) ||
            (n == 4 && memcmp(p, "quic", 4) == 0) || (n == 4 && memcmp(p, "dtls", 4) == 0))
            return true;
        if (end == NULL)
            break;
        p = end + 1;
    }
    return false;
}

static bool conn_is_encrypted(const struct obs_conn *c)
{
    if (c->service != NULL && c->service[0] != '\0' && strcmp(c->service, "-") != 0)
        return service_is_encrypted(c->service);
    return c->resp_p == 443 || c->resp_p == 853 || c->resp_p == 993 || c->resp_p == 995;
}

static int32_t hour_of(int64_t ts_us)
{
    int64_t h = floor_div(ts_us, US_PER_HOUR);
    return h > INT32_MAX ? INT32_MAX : h < INT32_MIN ? INT32_MIN : (int32_t)h;
}

static unsigned hour_of_day(int32_t hour)
{
    return (unsigned)((int64_t)hour - floor_div(hour, 24) * 24);
}

/* Monday = 0; 1970-01-01 was a Thursday. */
static unsigned day_of_week(int32_t hour)
{
    int64_t day = floor_div(hour, 24);
    return (unsigned)(day + 3 - floor_div(day + 3, 7) * 7);
}

/* One timestamp leaves the reorder window, oldest first. */
static void track_fold(struct beacon_track *t, const struct loghist_scale *scale, struct loghist *interval, int64_t ts)
{
    if (t->has_anchor) {
        int64_t d = time_sub(ts, t->anchor_us);
        if (d < 0)
            return; /* later than the window could fix: counted, but not timed */
        if (d >= CHECKIN_GAP_US) {
            if (interval != NULL) {
                loghist_add_bin(interval, loghist_bin(scale, (double)d / (double)US_PER_S));
                t->interval_sum_s += (double)d / (double)US_PER_S;
            }
            t->anchor_us = ts;
        }
    } else {
        t->has_anchor = true;
        t->anchor_us = ts;
    }
    int32_t hour = hour_of(ts);
    if (!t->has_hours) {
        t->has_hours = true;
        t->first_hour = t->cur_hour = hour;
        t->cur_count = 1;
    } else if (hour == t->cur_hour) {
        t->cur_count++;
    } else if (hour > t->cur_hour) {
        if (t->cur_hour == t->first_hour) {
            t->first_count = t->cur_count;
        } else {
            t->hours_closed++;
            t->hour_sum += t->cur_count;
            t->hour_sumsq += (uint64_t)t->cur_count * t->cur_count;
        }
        t->cur_hour = hour;
        t->cur_count = 1;
    } else {
        return;
    }
    t->hod_mask |= 1u << hour_of_day(hour);
    t->dow_mask |= (uint8_t)(1u << day_of_week(hour));
}

static bool ensure_hist(struct pair *p)
{
    if (p->hist == NULL)
        p->hist = calloc(1, sizeof *p->hist);
    return p->hist != NULL;
}

/* The oldest half of a full window goes into the summary, with the sizes
 * waiting alongside: the histograms (a separate allocation) are touched once
 * per BEACON_FOLD connections, not on every one. */
static void fold_batch(const struct behavior *b, struct pair *p)
{
    struct beacon_track *t = &p->track;
    bool have = ensure_hist(p);
    for (unsigned i = 0; i < BEACON_FOLD; i++)
        track_fold(t, &b->interval_scale, have ? &p->hist->interval : NULL, t->win[i]);
    memmove(t->win, t->win + BEACON_FOLD, (size_t)(t->n_win - BEACON_FOLD) * sizeof t->win[0]);
    t->n_win -= BEACON_FOLD;
    if (have) {
        for (unsigned i = 0; i < t->n_sizes; i++) {
            loghist_add_bin(&p->hist->size, t->sizes[i]);
            loghist_add_bin(&p->hist->request, t->requests[i]);
        }
        t->n_sizes = 0;
    }
}

static void window_insert(const struct behavior *b, struct pair *p, int64_t ts)
{
    struct beacon_track *t = &p->track;
    unsigned i = t->n_win;
    while (i > 0 && t->win[i - 1] > ts) {
        t->win[i] = t->win[i - 1];
        i--;
    }
    t->win[i] = ts;
    if (++t->n_win == BEACON_WINDOW)
        fold_batch(b, p);
}

static void record_size(const struct behavior *b, struct pair *p, uint64_t request, uint64_t answer)
{
    unsigned bin = loghist_bin(&b->size_scale, (double)add_sat_u64(request, answer) + 1.0);
    unsigned request_bin = loghist_bin(&b->size_scale, (double)request + 1.0);
    if (p->track.n_sizes < BEACON_WINDOW) {
        p->track.requests[p->track.n_sizes] = (uint8_t)request_bin;
        p->track.sizes[p->track.n_sizes++] = (uint8_t)bin;
    } else if (p->hist != NULL) {
        loghist_add_bin(&p->hist->size, bin);
        loghist_add_bin(&p->hist->request, request_bin);
    }
}

void beacon_observe(struct behavior *b, struct pair *p, const struct obs_conn *c, uint32_t name_id)
{
    if (p->n == 0) {
        p->first_us = p->last_us = c->ts_us;
        p->port = c->resp_p;
        p->src_port = c->orig_p;
        p->proto = c->proto;
        if (p->kind == PAIR_NAME)
            p->dst = c->resp_h;
    } else {
        if (p->port != c->resp_p)
            p->flags |= PF_MULTI_PORT;
        if (p->src_port != c->orig_p)
            p->flags |= PF_MULTI_SRC_PORT;
        if (p->proto != c->proto)
            p->flags |= PF_MULTI_PROTO;
        if (p->kind == PAIR_NAME && memcmp(p->dst.b, c->resp_h.b, 16) != 0)
            p->flags |= PF_MULTI_DST;
        if (c->ts_us < p->first_us)
            p->first_us = c->ts_us;
    }
    if (p->kind == PAIR_ADDR && name_id != STRPOOL_NONE) {
        if (p->name_id == STRPOOL_NONE) {
            strpool_ref(&b->pool, name_id);
            p->name_id = name_id;
        } else if (p->name_id != name_id) {
            p->flags |= PF_MULTI_NAME;
        }
    }
    if (c->ts_us >= p->last_us) {
        p->last_us = c->ts_us;
        copy_uid(p->uid, c->uid);
    }
    if (!conn_is_encrypted(c))
        p->flags |= PF_NOT_TLS;
    p->n++;
    p->bytes_out = add_sat_u64(p->bytes_out, c->orig_bytes);
    p->bytes_in = add_sat_u64(p->bytes_in, c->resp_bytes);
    record_size(b, p, c->orig_bytes, c->resp_bytes);
    window_insert(b, p, c->ts_us);
    p->flags |= PF_DIRTY;
}

/* ----------------------------------------------------------------- scoring */

struct beacon_view {
    struct beacon_track t;
    struct loghist interval, size, request;
};

/* The pair's summary with its window folded in, leaving the pair as it was. */
static void view_of(const struct behavior *b, const struct pair *p, struct beacon_view *v)
{
    v->t = p->track;
    if (p->hist != NULL) {
        v->interval = p->hist->interval;
        v->size = p->hist->size;
        v->request = p->hist->request;
    } else {
        memset(&v->interval, 0, sizeof v->interval);
        memset(&v->size, 0, sizeof v->size);
        memset(&v->request, 0, sizeof v->request);
    }
    for (unsigned i = 0; i < v->t.n_win; i++)
        track_fold(&v->t, &b->interval_scale, &v->interval, v->t.win[i]);
    v->t.n_win = 0;
    for (unsigned i = 0; i < v->t.n_sizes; i++) {
        loghist_add_bin(&v->size, v->t.sizes[i]);
        loghist_add_bin(&v->request, v->t.requests[i]);
    }
    v->t.n_sizes = 0;
}

/* The active period on a circle of `width` slots: all but the longest idle run. */
static uint32_t active_period(uint32_t mask, unsigned width)
{
    uint32_t full = width == 32 ? UINT32_MAX : (1u << width) - 1;
    mask &= full;
    if (mask == 0 || mask == full)
        return mask;
    unsigned best_start = 0, best_len = 0;
    for (unsigned start = 0; start < width; start++) {
        unsigned prev = (start + width - 1) % width;
        if ((mask >> start) & 1u || !((mask >> prev) & 1u))
            continue; /* not the first slot of an idle run */
        unsigned len = 0;
        while (len < width && !((mask >> ((start + len) % width)) & 1u))
            len++;
        if (len > best_len) {
            best_len = len;
            best_start = start;
        }
    }
    uint32_t period = full;
    for (unsigned i = 0; i < best_len; i++)
        period &= ~(1u << ((best_start + i) % width));
    return period;
}

/* Hours in [from, to] whose hour of day and day of week are in the period. */
static uint64_t period_hours(int32_t from, int32_t to, uint32_t hod, uint8_t dow)
{
    if (to < from)
        return 0;
    uint64_t total = (uint64_t)((int64_t)to - from) + 1;
    uint64_t weeks = total / 168;
    uint64_t count = weeks * (uint64_t)__builtin_popcount(hod) * (uint64_t)__builtin_popcount(dow);
    for (int64_t h = (int64_t)from + (int64_t)(weeks * 168); h <= to; h++)
        if (((hod >> hour_of_day((int32_t)h)) & 1u) && ((dow >> day_of_week((int32_t)h)) & 1u))
            count++;
    return count;
}

struct quartiles {
    double q1, q2, q3, mad;
};

static void quartiles_of(const struct loghist *h, const struct loghist_scale *s, struct quartiles *q)
{
    q->q1 = loghist_quantile(h, s, 0.25);
    q->q2 = loghist_quantile(h, s, 0.5);
    q->q3 = loghist_quantile(h, s, 0.75);
    q->mad = loghist_mad(h, s, q->q2);
}

/* Bowley skew counts in proportion to the spread it is measured on: within a
 * spread of a few percent (a jittered beacon) it is sampling noise. */
static double skew_score(const struct quartiles *q)
{
    double spread = q->q3 - q->q1;
    if (!(spread > 1e-9 * q->q2) || !(q->q2 > 0.0))
        return 1.0;
    double skew = fabs((q->q3 + q->q1 - 2.0 * q->q2) / spread);
    return 1.0 - clamp01(skew) * clamp01(spread / q->q2 / SKEW_FULL_SPREAD);
}

static double timing_score(const struct quartiles *q, double *jitter)
{
    *jitter = q->q2 > 0.0 ? q->mad / q->q2 : 1.0;
    double j = clamp01(*jitter / JITTER_ZERO);
    return skew_score(q) * (1.0 - j * j);
}

static double size_score(const struct loghist *h, const struct loghist_scale *scale)
{
    struct quartiles q;
    quartiles_of(h, scale, &q);
    double dispersion = 1.0 - clamp01(q.q2 > 0.0 ? q.mad / q.q2 : 1.0);
    double median = q.q2 - 1.0; /* sizes are stored plus one */
    double small = 1.0;
    if (median > SMALL_BYTES)
        small = 1.0 - clamp01(log(median / SMALL_BYTES) / log(LARGE_BYTES / SMALL_BYTES));
    return (skew_score(&q) + dispersion + small) / 3.0;
}

static double mean_cv(uint64_t n, double sum, double sumsq)
{
    if (n == 0 || sum <= 0.0)
        return 1.0;
    double mean = sum / (double)n;
    double var = sumsq / (double)n - mean * mean;
    return var > 0.0 ? sqrt(var) / mean : 0.0;
}

static double hist_score(const struct pair *p, const struct beacon_track *t, uint64_t *ineligible_hours)
{
    *ineligible_hours = 0;
    if (!t->has_hours)
        return 0.0;
    uint32_t hod = active_period(t->hod_mask, 24);
    uint8_t dow = (uint8_t)active_period(t->dow_mask, 7);
    uint64_t span_hours = (uint64_t)((int64_t)t->cur_hour - t->first_hour) + 1;
    uint64_t eligible_all = period_hours(t->first_hour, t->cur_hour, hod, dow);
    *ineligible_hours = span_hours - eligible_all;
    double coverage, cv;
    uint64_t inner = t->cur_hour - (int64_t)t->first_hour >= 2
                         ? period_hours(t->first_hour + 1, t->cur_hour - 1, hod, dow) : 0;
    if (inner > 0 && t->hours_closed > 0) {
        coverage = (double)t->hours_closed / (double)inner;
        cv = mean_cv(t->hours_closed, (double)t->hour_sum, (double)t->hour_sumsq);
    } else {
        uint64_t active = t->hours_closed + 1;
        double sum = (double)t->hour_sum + t->cur_count;
        double sumsq = (double)t->hour_sumsq + (double)t->cur_count * t->cur_count;
        if (t->cur_hour != t->first_hour) {
            active++;
            sum += t->first_count;
            sumsq += (double)t->first_count * t->first_count;
        }
        coverage = eligible_all > 0 ? (double)active / (double)eligible_all : 0.0;
        cv = mean_cv(active, sum, sumsq);
    }
    double persistence = clamp01(((double)p->last_us - (double)p->first_us) / (double)PERSIST_US);
    return persistence * (clamp01(coverage) + 1.0 - clamp01(cv)) / 2.0;
}

static double count_score(const struct pair *p, uint64_t checkins, double median_s, uint64_t ineligible_hours)
{
    if (median_s <= 0.0)
        return 0.0;
    double active_s = ((double)p->last_us - (double)p->first_us) / (double)US_PER_S - 3600.0 * (double)ineligible_hours;
    if (active_s < median_s)
        active_s = median_s;
    double expected = active_s / median_s + 1.0;
    return clamp01((double)checkins / expected) * clamp01((double)checkins / FULL_COUNT);
}

/* A session's keepalives: one socket (every connection on one 5-tuple,
 * records split by the inactivity timeout) exchanging tiny fixed messages. */
static bool keepalive_shaped(const struct behavior *b, const struct pair *p, const struct beacon_view *v)
{
    if (p->flags & (PF_MULTI_SRC_PORT | PF_MULTI_PORT | PF_MULTI_PROTO | PF_MULTI_DST))
        return false;
    double median = loghist_quantile(&v->size, &b->size_scale, 0.5) - 1.0; /* sizes are stored plus one */
    return median <= (double)b->weights.keepalive_max_bytes;
}

/* The largest share of the histogram's entries within `ratio` of one value. */
static double densest_share(const struct loghist *h, const struct loghist_scale *s, double ratio)
{
    if (h->total == 0)
        return 1.0;
    unsigned width = (unsigned)lround(log(ratio) / s->log_ratio);
    if (width < 1)
        width = 1;
    if (width > LOGHIST_BINS)
        width = LOGHIST_BINS;
    uint64_t in = 0, best = 0;
    for (unsigned i = 0; i < LOGHIST_BINS; i++) {
        in += h->c[i];
        if (i >= width)
            in -= h->c[i - width];
        if (in > best)
            best = in;
    }
    return (double)best / (double)h->total;
}

/* 0 for requests of a steady size (an implant's check-in, the odd tasking
 * result aside), up to 1 for requests of no steady size at all (media
 * probes, chat, games). */
static double request_unsteadiness(const struct behavior *b, const struct beacon_view *v)
{
    const struct beacon_weights *w = &b->weights;
    double share = densest_share(&v->request, &b->size_scale, 1.0 + w->request_band_percent / 100.0);
    return clamp01((w->request_share_high - share) / (w->request_share_high - w->request_share_low));
}

bool beacon_score(const struct behavior *b, const struct pair *p, struct finding *f)
{
    if (p->n < b->cfg.beacon_min_conns)
        return false;
    struct beacon_view v;
    view_of(b, p, &v);
    memset(f, 0, sizeof *f);
    struct quartiles q = {0};
    double jitter = 1.0, ts = 0.0;
    uint64_t checkins = v.interval.total + 1;
    if (v.interval.total >= 2) {
        quartiles_of(&v.interval, &b->interval_scale, &q);
        /* A handful of intervals can look regular by chance. */
        ts = timing_score(&q, &jitter) * clamp01((double)v.interval.total / TS_FULL_INTERVALS);
    }
    /* The bins are 5.5 % wide: when the exact mean falls within a bin of
     * the median the distribution is tight and symmetric, and the mean is
     * the better figure for the typical interval. */
    double interval = q.q2;
    if (v.interval.total > 0) {
        double mean = v.t.interval_sum_s / (double)v.interval.total;
        if (fabs(mean - q.q2) <= q.q2 * (b->interval_scale.ratio - 1.0))
            interval = mean;
    }
    uint64_t ineligible = 0;
    double hist = hist_score(p, &v.t, &ineligible);
    double size = size_score(&v.size, &b->size_scale);
    double count = count_score(p, checkins, interval, ineligible);

    f->kind = FINDING_BEACON;
    f->reason = p->kind == PAIR_ADDR ? "beacon to address" : "beacon to name";
    f->attack = (p->flags & PF_NOT_TLS) ? "T1071" : "T1573";
    const struct beacon_weights *w = &b->weights;
    double base = w->timing * ts + w->hours * hist + w->size * size + w->count * count;
    f->score = base * (1.0 - w->prevalence_weight * prevalence_of(b, p));
    if (keepalive_shaped(b, p, &v))
        f->score *= 1.0 - w->keepalive_weight;
    double unsteady = request_unsteadiness(b, &v);
    if (unsteady > 0.0)
        f->score *= 1.0 - w->request_weight * unsteady;
    f->first_us = p->first_us;
    f->last_us = p->last_us;
    f->src = p->src;
    f->has_dst = p->kind == PAIR_ADDR || !(p->flags & PF_MULTI_DST);
    if (f->has_dst)
        f->dst = p->dst;
    f->has_alert_dst = !f->has_dst;
    f->alert_dst = p->dst; /* a name beacon's first address */
    f->dst_port = (p->flags & PF_MULTI_PORT) ? 0 : p->port;
    f->proto = (p->flags & PF_MULTI_PROTO) ? 0 : p->proto;
    f->name = (p->kind == PAIR_NAME || !(p->flags & PF_MULTI_NAME)) ? strpool_str(&b->pool, p->name_id) : NULL;
    f->uid = p->uid;
    f->count = p->n;
    f->interval_s = interval;
    f->jitter = jitter;
    f->ts_score = ts;
    f->size_score = size;
    f->hist_score = hist;
    f->count_score = count;
    f->bytes_out = p->bytes_out;
    f->bytes_in = p->bytes_in;
    return true;
}

/* The other pair of the same beacon: the (source, name) pair of an address
 * that only ever carried that name, and the reverse, when the name only
 * ever led to that address. One beacon, one finding naming both. */
static struct pair *twin_of(struct behavior *b, const struct pair *p)
{
    if (p->kind == PAIR_ADDR) {
        if (p->name_id == STRPOOL_NONE || (p->flags & PF_MULTI_NAME))
            return NULL;
        struct pair_key k = {PAIR_NAME, &p->src, NULL, p->name_id};
        struct pair *np = pairs_lookup(b, &k, pair_hash(&k));
        return np && !(np->flags & PF_MULTI_DST) && memcmp(np->dst.b, p->dst.b, 16) == 0 ? np : NULL;
    }
    if (p->flags & PF_MULTI_DST)
        return NULL;
    struct pair *ap = pairs_find_addr(b, &p->src, &p->dst);
    return ap && ap->name_id == p->name_id && !(ap->flags & PF_MULTI_NAME) ? ap : NULL;
}

void beacon_collect(struct behavior *b, struct finding_list *out)
{
    for (uint32_t id = 0; id < b->pairs.t.ids.next_fresh; id++) {
        struct pair *p = &b->pairs.e[id];
        if (p->kind == PAIR_FREE || !(p->flags & PF_DIRTY) || (p->flags & PF_BEACON_DONE))
            continue;
        struct finding f;
        if (!beacon_score(b, p, &f))
            continue;
        p->flags &= ~(uint32_t)PF_DIRTY;
        struct pair *twin = twin_of(b, p);
        if (twin != NULL)
            f.reason = "beacon to address and name";
        if (f.score < b->cfg.beacon_threshold)
            continue;
        if (behavior_allowed(b, &f)) {
            p->flags |= PF_BEACON_DONE;
            continue;
        }
        if (!finding_list_push(out, &f)) {
            p->flags |= PF_DIRTY;
            continue;
        }
        p->flags |= PF_BEACON_DONE;
        if (twin != NULL)
            twin->flags |= PF_BEACON_DONE;
        struct pair *ap = p->kind == PAIR_ADDR ? p : f.has_dst ? pairs_find_addr(b, &p->src, &p->dst) : NULL;
        if (ap != NULL)
            ap->flags |= PF_BEACON_REPORTED;
    }
}
