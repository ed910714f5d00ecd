/* The flow table: a fixed pool of flows (max_flows), chained hash buckets
 * of pool indices, and one LRU list per timeout class so that the oldest
 * idle flow is always at a list head. Nothing here allocates per packet. */
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <string.h>

#include "flow/app_layer.h"
#include "flow/community_id.h"
#include "flow/stream.h"
#include "flow/flow_internal.h"
#include "util/uid.h"

/* Zeek's Site::private_address_space, which it counts as local by default. */
static const char *const private_space[] = {
    "0.0.0.0/8",     "10.0.0.0/8",      "100.64.0.0/10",   "127.0.0.0/8",    "169.254.0.0/16", "172.16.0.0/12",
    "192.0.0.0/24",  "192.0.2.0/24",    "192.88.99.0/24",  "192.168.0.0/16", "198.18.0.0/15",  "198.51.100.0/24",
    "203.0.113.0/24", "224.0.0.0/4",    "240.0.0.0/4",     "::1/128",        "100::/64",       "2001:2::/48",
    "2001:db8::/32", "fc00::/7",        "fe80::/10",
};

static enum lru_class class_of(const struct flow *f)
{
    uint8_t proto = f->key.proto;
    if (f->eve_held)
        return LRU_HELD;
    return proto == IPPROTO_TCP ? LRU_TCP : proto == IPPROTO_UDP ? LRU_UDP : LRU_OTHER;
}

static struct flow *flow_at(const struct flow_table *t, uint32_t idx)
{
    return &t->pool[idx];
}

static uint32_t index_of(const struct flow_table *t, const struct flow *f)
{
    return (uint32_t)(f - t->pool);
}

static void lru_unlink(struct flow_table *t, struct flow *f)
{
    struct lru_list *l = &t->lru[class_of(f)];
    if (f->lru_prev != FLOW_NONE)
        flow_at(t, f->lru_prev)->lru_next = f->lru_next;
    else
        l->head = f->lru_next;
    if (f->lru_next != FLOW_NONE)
        flow_at(t, f->lru_next)->lru_prev = f->lru_prev;
    else
        l->tail = f->lru_prev;
}

static void lru_append(struct flow_table *t, struct flow *f)
{
    struct lru_list *l = &t->lru[class_of(f)];
    uint32_t idx = index_of(t, f);
    f->lru_next = FLOW_NONE;
    f->lru_prev = l->tail;
    if (l->tail != FLOW_NONE)
        flow_at(t, l->tail)->lru_next = idx;
    else
        l->head = idx;
    l->tail = idx;
}

/* Moving a flow to the tail costs two random accesses (its neighbours): with
 * a million flows that is two cache misses per packet. Flows are moved at
 * most once per second of packet time, so the lists are ordered to the
 * second, which is all that timeouts of a minute need. */
static void lru_touch(struct flow_table *t, struct flow *f)
{
    struct lru_list *l = &t->lru[class_of(f)];
    uint32_t sec = (uint32_t)(t->now_us / 1000000);
    if (f->lru_sec == sec || l->tail == index_of(t, f))
        return;
    f->lru_sec = sec;
    lru_unlink(t, f);
    lru_append(t, f);
}

static void add_local_net(struct flow_table *t, const struct ip_prefix *p)
{
    if (t->n_local < MAX_LOCAL_NETS)
        t->local[t->n_local++] = *p;
}

/* Flows are reached at random: with a million of them every lookup would
 * also miss the TLB on 4 KiB pages. Transparent huge pages where the kernel
 * offers them (a hint; nothing changes where it does not). */
static void advise_huge_pages(void *p, size_t len)
{
#ifdef MADV_HUGEPAGE
    uintptr_t start = ((uintptr_t)p + (2u << 20) - 1) & ~(uintptr_t)((2u << 20) - 1);
    uintptr_t end = ((uintptr_t)p + len) & ~(uintptr_t)((2u << 20) - 1);
    if (end > start)
        madvise((void *)start, end - start, MADV_HUGEPAGE);
#else
    (void)p;
    (void)len;
#endif
}

struct flow_table *flow_table_new(const struct flow_config *cfg, const struct flow_sink *sink)
{
    struct flow_table *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->cfg = *cfg;
    t->sink = *sink;
    t->capacity = cfg->max_flows ? cfg->max_flows : 1;
    /* Buckets start small and double with the flow count (flow_table_grow):
     * a table sized for max_flows up front costs page faults on every run. */
    uint32_t nb = 4096;
    t->bucket_mask = nb - 1;
    /* calloc maps zero pages lazily: untouched slots cost no memory. */
    t->pool = calloc(t->capacity, sizeof *t->pool);
    t->buckets = calloc(nb, sizeof *t->buckets);
    if (t->pool)
        advise_huge_pages(t->pool, (size_t)t->capacity * sizeof *t->pool);
    if (!t->pool || !t->buckets) {
        flow_table_free(t);
        return NULL;
    }
    t->free_head = FLOW_NONE;
    t->hasher = community_hasher_new();
    if (getrandom(&t->hash_seed, sizeof t->hash_seed, 0) != sizeof t->hash_seed)
        t->hash_seed = (uint64_t)(uintptr_t)t ^ 0x6a09e667f3bcc909ULL;
    for (int c = 0; c < LRU_CLASSES; c++)
        t->lru[c].head = t->lru[c].tail = FLOW_NONE;
    for (size_t i = 0; i < sizeof private_space / sizeof *private_space; i++) {
        struct ip_prefix p;
        if (ip_prefix_parse(private_space[i], &p))
            add_local_net(t, &p);
    }
    for (unsigned i = 0; i < cfg->n_local_nets; i++)
        add_local_net(t, &cfg->local_nets[i]);
    t->cfg.local_nets = NULL;
    return t;
}

void flow_table_free(struct flow_table *t)
{
    if (!t)
        return;
    app_layer_finish_worker(t);
    free(t->pool);
    free(t->buckets);
    community_hasher_free(t->hasher);
    free(t);
}

const struct flow_stats *flow_table_stats(const struct flow_table *t)
{
    return &t->stats;
}

/* --- records --- */


/* Zeek names the outer connection of a UDP tunnel after the tunnel. */
static const char *tunnel_service(uint8_t type)
{
    switch (type) {
    case TUNNEL_VXLAN:
        return "vxlan";
    case TUNNEL_GTPV1:
        return "gtpv1";
    case TUNNEL_GENEVE:
        return "geneve";
    case TUNNEL_TEREDO:
        return "teredo";
    default:
        return NULL;
    }
}

static const char *non_tcp_state(const struct flow *f)
{
    if (f->key.proto != IPPROTO_UDP)
        return "OTH";
    bool o = f->udp_orig_len >= 0, r = f->udp_resp_len >= 0;
    return o ? (r ? "SF" : "S0") : (r ? "SHR" : "OTH");
}

static const char *eve_state(const struct flow *f)
{
    if (f->key.proto == IPPROTO_TCP) {
        const char *suricata = eve_tcp_flow_state(f->sc_state);
        return suricata ? suricata : tcp_eve_state(f);
    }
    return f->resp_pkts && f->orig_pkts ? "established" : "new";
}

/* What the records of a connection and of a held EVE flow share: identity,
 * times, counters and the EVE extras. */
static void record_common(const struct flow_table *t, const struct flow *f, enum flow_end_reason why,
                          struct conn_record *rec)
{
    memset(rec, 0, offsetof(struct conn_record, history));
    rec->ts_us = f->start_us;
    rec->last_ts_us = f->last_us;
    flow_uid_fill(t, f, rec->uid, &rec->flow_id);
    flow_endpoints(f, &rec->orig_h, &rec->orig_p, &rec->resp_h, &rec->resp_p);
    rec->proto = f->key.proto;
    rec->vlan = f->key.vlan;
    rec->inner_vlan = f->key.inner_vlan;
    rec->middle_vlan = f->key.middle_vlan;
    rec->duration_us = f->last_us - f->start_us;
    rec->has_duration = rec->duration_us > 0;
    rec->local_orig = flow_is_local(t, &rec->orig_h);
    rec->local_resp = flow_is_local(t, &rec->resp_h);
    rec->orig_pkts = f->orig_pkts;
    rec->orig_ip_bytes = f->orig_ip_bytes;
    rec->resp_pkts = f->resp_pkts;
    rec->resp_ip_bytes = f->resp_ip_bytes;
    flow_community_id(t, f, &rec->orig_h, rec->orig_p, &rec->resp_h, rec->resp_p, rec->community_id);
    rec->logs = CONN_LOGS_ALL;
    rec->end_reason = why;
    rec->eve_state = eve_state(f);
    rec->eve_tcp_state = f->key.proto == IPPROTO_TCP ? eve_tcp_state_name(f->sc_state) : NULL;
    rec->tcp_flags_ts = f->flags_orig;
    rec->tcp_flags_tc = f->flags_resp;
    rec->orig_frame_bytes = f->orig_frame_bytes;
    rec->resp_frame_bytes = f->resp_frame_bytes;
    rec->alerted = false; /* the engine adds the matcher's marks */
    rec->n_traffic_ids = rec->n_traffic_labels = 0;
}

/* A held EVE flow's record: EVE's alone (its connections were logged). */
static void held_record(const struct flow_table *t, const struct flow *f, enum flow_end_reason why,
                        struct conn_record *rec)
{
    record_common(t, f, why, rec);
    rec->eve_parts = NULL;
    rec->n_eve_parts = 0;
    rec->service = f->held.service;
    rec->eve_app_proto = f->held.eve_app_proto;
    rec->history[0] = '\0';
    rec->n_tunnel_parents = 0;
    rec->has_l2 = false;
    rec->logs = CONN_LOGS_EVE;
}

void flow_make_record(const struct flow_table *t, const struct flow *f, enum flow_end_reason why,
                      struct conn_record *rec)
{
    if (f->eve_held) {
        held_record(t, f, why, rec);
        return;
    }
    record_common(t, f, why, rec);
    flow_eve_record(f, rec);
    rec->service = app_layer_service(f, rec->service_buf, sizeof rec->service_buf);
    if (!rec->service)
        rec->service = tunnel_service(f->outer_tunnel);
    rec->eve_app_proto = app_layer_eve_app_proto(f);
    if (f->key.proto == IPPROTO_TCP) {
        rec->orig_bytes = tcp_endpoint_size(&f->ep[0], &f->ep[1]);
        rec->resp_bytes = tcp_endpoint_size(&f->ep[1], &f->ep[0]);
        rec->conn_state = tcp_conn_state(f);
    } else {
        rec->orig_bytes = f->udp_orig_len > 0 ? (uint64_t)f->udp_orig_len : 0;
        rec->resp_bytes = f->udp_resp_len > 0 ? (uint64_t)f->udp_resp_len : 0;
        rec->conn_state = non_tcp_state(f);
    }
    rec->missed_bytes = f->missed_bytes;
    memcpy(rec->history, f->history, sizeof f->history);
    rec->history[sizeof f->history] = '\0';
    rec->n_tunnel_parents = f->n_tunnel_parents;
    if (f->n_tunnel_parents)
        uid_format(f->tunnel_parent_hash, 'C', rec->tunnel_parents[0]);
    memcpy(rec->orig_l2, f->orig_l2, 6);
    memcpy(rec->resp_l2, f->resp_l2, 6);
    rec->has_l2 = true;
}

/* --- table maintenance --- */

/* Per packet, so cheap: a multiply-xorshift chain over the key's 64-bit
 * words (non-linear, so structured addresses and ports still spread). The
 * seed is random per table so that crafted keys cannot aim at one bucket
 * (it changes nothing in the output: lists are ordered by time, not hash). */
static uint32_t key_hash(const struct flow_table *t, const struct flow_key *k)
{
    _Static_assert(sizeof(struct flow_key) == 44, "flow_key is hashed as 5 words and a half");
    uint64_t w[6] = {0};
    memcpy(w, k, sizeof *k);
    uint64_t h = t->hash_seed;
    for (int i = 0; i < 6; i++) {
        h = (h ^ w[i]) * 0x9e3779b97f4a7c15ULL;
        h ^= h >> 32;
    }
    h *= 0xbf58476d1ce4e5b9ULL;
    return (uint32_t)(h >> 32);
}

static void bucket_remove(struct flow_table *t, struct flow *f)
{
    uint32_t idx = index_of(t, f);
    uint32_t *slot = &t->buckets[f->hash & t->bucket_mask];
    if (*slot == idx + 1) {
        *slot = f->next_in_bucket == FLOW_NONE ? 0 : f->next_in_bucket + 1;
        return;
    }
    uint32_t cur = *slot ? *slot - 1 : FLOW_NONE;
    while (cur != FLOW_NONE) {
        struct flow *c = flow_at(t, cur);
        if (c->next_in_bucket == idx) {
            c->next_in_bucket = f->next_in_bucket;
            return;
        }
        cur = c->next_in_bucket;
    }
}

static void bucket_insert(struct flow_table *t, struct flow *f)
{
    uint32_t *slot = &t->buckets[f->hash & t->bucket_mask];
    f->next_in_bucket = *slot ? *slot - 1 : FLOW_NONE;
    *slot = index_of(t, f) + 1;
}

/* The parser and streams of a connection: gone when it ends or is held. */
static void flow_drop_state(struct flow_table *t, struct flow *f)
{
    free(f->app);
    f->app = NULL;
    if (f->key.proto == IPPROTO_TCP) {
        stream_free(t, &f->ep[0]);
        stream_free(t, &f->ep[1]);
    }
    flow_eve_free(f);
}

static void flow_release(struct flow_table *t, struct flow *f)
{
    if (f->eve_held == EVE_HELD_WAITING)
        t->n_held--;
    if (f->eve_held != EVE_HELD_CONTINUED) {
        bucket_remove(t, f);
        lru_unlink(t, f);
    }
    if (!f->eve_held)
        flow_drop_state(t, f);
    f->eve_held = EVE_HELD_NONE;
    f->next_in_bucket = t->free_head;
    t->free_head = index_of(t, f);
    t->stats.active--;
}

/* --- EVE flows held past Zeek's connection ---
 * Suricata keeps a TCP flow whose session it saw closed for its closed
 * timeout after the last packet (flow-timeouts tcp closed, 60 s), and
 * later packets of the 5-tuple that are not a SYN (a reused port) count in
 * it; Zeek ends the connection tcp_close_delay after the close and makes
 * a new one of such packets (conn.log's ^f rows). The held EVE flow keeps
 * its slot in the pool (counted in max_flows, evicted before any live
 * connection) without parser or streams; the connection that continues it
 * points at it (eve_parent), shares its flow_id, and adds its counters to
 * it when it ends (eve_tcp_fold). */

static bool eve_should_hold(const struct flow_table *t, const struct flow *f, enum flow_end_reason why)
{
    return t->cfg.eve_tcp_closed_timeout_us > 0 && f->key.proto == IPPROTO_TCP && eve_tcp_is_closed(f->sc_state) &&
           (why == FLOW_END_TIMEOUT || why == FLOW_END_CLOSED) &&
           t->now_us - f->last_us < t->cfg.eve_tcp_closed_timeout_us;
}

static void held_write(struct flow_table *t, struct flow *h, enum flow_end_reason why)
{
    if (t->sink.conn) {
        struct conn_record rec;
        held_record(t, h, why, &rec);
        t->sink.conn(t->sink.ctx, &rec);
    }
    flow_release(t, h);
}

static void held_wait(struct flow_table *t, struct flow *h)
{
    h->eve_held = EVE_HELD_WAITING;
    t->n_held++;
    bucket_insert(t, h);
    lru_append(t, h);
}

/* The packet's flow is held h: it continues it (h's index), or ends it
 * (a SYN, or past the closed timeout) and starts afresh (FLOW_NONE). */
static uint32_t held_claim(struct flow_table *t, struct flow *h, const struct packet *pkt)
{
    if ((pkt->tcp_flags & TCP_SYN) || pkt->ts_us - h->last_us >= t->cfg.eve_tcp_closed_timeout_us) {
        held_write(t, h, FLOW_END_TIMEOUT);
        return FLOW_NONE;
    }
    bucket_remove(t, h);
    lru_unlink(t, h);
    t->n_held--;
    h->eve_held = EVE_HELD_CONTINUED;
    return index_of(t, h);
}

/* Ends f; returns the EVE flow it leaves held (f's slot or the one it
 * continued), else NULL. */
static struct flow *flow_finish_as(struct flow_table *t, struct flow *f, enum flow_end_reason why, bool may_hold)
{
    flow_ack_release_all(t, f);
    app_layer_close(t, f);
    struct flow *parent = f->eve_parent == FLOW_NONE ? NULL : flow_at(t, f->eve_parent);
    bool hold = may_hold && eve_should_hold(t, f, why);
    if (t->sink.conn) {
        struct conn_record rec;
        flow_make_record(t, f, why, &rec);
        if (hold || parent)
            rec.logs = CONN_LOGS_ZEEK;
        t->sink.conn(t->sink.ctx, &rec);
    }
    t->stats.flows_logged++;
    if (parent == NULL && !hold) {
        flow_release(t, f);
        return NULL;
    }
    const char *service = app_layer_first_service(f), *eve_app_proto = app_layer_eve_app_proto(f);
    if (parent == NULL) {
        /* this slot becomes the held EVE flow */
        lru_unlink(t, f);
        bucket_remove(t, f);
        flow_drop_state(t, f);
        f->held.service = service;
        f->held.eve_app_proto = eve_app_proto;
        held_wait(t, f);
        return f;
    }
    eve_tcp_fold(parent, f, service, eve_app_proto);
    f->eve_parent = FLOW_NONE;
    flow_release(t, f);
    if (!hold) {
        held_write(t, parent, why);
        return NULL;
    }
    held_wait(t, parent);
    return parent;
}

static void flow_finish(struct flow_table *t, struct flow *f, enum flow_end_reason why)
{
    if (f->eve_held)
        held_write(t, f, why);
    else
        (void)flow_finish_as(t, f, why, true);
}

static int64_t inactivity_of(const struct flow_table *t, const struct flow *f)
{
    if (f->key.proto == IPPROTO_TCP)
        return f->tcp_long_timeout ? t->cfg.tcp_timeout_us : t->cfg.udp_timeout_us;
    if (f->key.proto == IPPROTO_UDP)
        return t->cfg.udp_timeout_us;
    return t->cfg.icmp_timeout_us;
}

static bool flow_expired(const struct flow_table *t, const struct flow *f, int64_t now)
{
    if (f->eve_held)
        return now - f->last_us >= t->cfg.eve_tcp_closed_timeout_us;
    int64_t timeout = inactivity_of(t, f);
    if (f->key.proto == IPPROTO_TCP)
        return tcp_flow_expired(f, now, timeout);
    return now - f->last_us >= timeout;
}

void flow_table_sweep(struct flow_table *t, int64_t now)
{
    for (int c = 0; c < LRU_CLASSES; c++) {
        /* Heads are the least recently active; stop at the first one still alive.
         * Flows behind it with shorter timers are found at their next packet or sweep. */
        while (t->lru[c].head != FLOW_NONE) {
            struct flow *f = flow_at(t, t->lru[c].head);
            if (!flow_expired(t, f, now))
                break;
            t->stats.flows_timed_out++;
            flow_finish(t, f, FLOW_END_TIMEOUT);
        }
    }
    t->last_sweep_us = now;
}

void flow_table_flush(struct flow_table *t, int64_t now)
{
    for (int c = 0; c < LRU_CLASSES; c++) {
        while (t->lru[c].head != FLOW_NONE) {
            struct flow *f = flow_at(t, t->lru[c].head);
            bool expired = flow_expired(t, f, now);
            if (expired)
                t->stats.flows_timed_out++;
            flow_finish(t, f, expired ? FLOW_END_TIMEOUT : FLOW_END_SHUTDOWN);
        }
    }
    app_layer_finish_worker(t);
}

void flow_table_visit_open(struct flow_table *t, int64_t started_before,
                           void (*fn)(void *ctx, const struct conn_record *rec), void *ctx)
{
    struct conn_record rec;
    for (int c = 0; c < LRU_CLASSES; c++) {
        for (uint32_t i = t->lru[c].head; i != FLOW_NONE;) {
            const struct flow *f = flow_at(t, i);
            i = f->lru_next;
            if (f->start_us > started_before || f->eve_held)
                continue;
            flow_make_record(t, f, FLOW_END_SHUTDOWN, &rec);
            fn(ctx, &rec);
        }
    }
}

static void evict_oldest(struct flow_table *t)
{
    /* a held EVE flow before any connection: its connections were logged */
    struct flow *oldest = t->lru[LRU_HELD].head == FLOW_NONE ? NULL : flow_at(t, t->lru[LRU_HELD].head);
    for (int c = 0; c < LRU_CLASSES && !oldest; c++) {
        if (t->lru[c].head == FLOW_NONE)
            continue;
        struct flow *f = flow_at(t, t->lru[c].head);
        if (!oldest || f->last_us < oldest->last_us)
            oldest = f;
    }
    if (oldest) {
        t->stats.flows_evicted++;
        flow_finish(t, oldest, FLOW_END_EVICTED);
    }
}

static struct flow *flow_alloc(struct flow_table *t)
{
    if (t->free_head == FLOW_NONE && t->high_water == t->capacity)
        evict_oldest(t);
    uint32_t idx;
    if (t->free_head != FLOW_NONE) {
        idx = t->free_head;
        t->free_head = flow_at(t, idx)->next_in_bucket;
    } else if (t->high_water < t->capacity) {
        idx = t->high_water++;
    } else {
        return NULL;
    }
    t->stats.active++;
    t->stats.flows_created++;
    return flow_at(t, idx);
}

/* --- per packet --- */

struct packet_view {
    struct flow_key key;
    bool src_is_a;
    uint16_t sport, dport; /* as seen in this packet (ICMP: type, counterpart) */
};

static bool endpoint_lt(const struct ip_addr *a, uint16_t pa, const struct ip_addr *b, uint16_t pb)
{
    int c = ip_addr_cmp(a, b);
    return c < 0 || (c == 0 && pa < pb);
}

static void make_view(const struct packet *pkt, struct packet_view *v)
{
    memset(v, 0, sizeof *v);
    uint16_t sp = 0, dp = 0;
    switch (pkt->l4_proto) {
    case IPPROTO_TCP:
    case IPPROTO_UDP:
    case IPPROTO_SCTP:
        sp = pkt->sport;
        dp = pkt->dport;
        break;
    case IPPROTO_ICMP:
    case IPPROTO_ICMPV6: {
        bool one_way;
        sp = pkt->icmp_type;
        dp = icmp_counterpart(pkt->l4_proto == IPPROTO_ICMPV6, pkt->icmp_type, pkt->icmp_code, &one_way);
        break;
    }
    default:
        break;
    }
    v->sport = sp;
    v->dport = dp;
    v->src_is_a = endpoint_lt(&pkt->src, sp, &pkt->dst, dp) || (ip_addr_cmp(&pkt->src, &pkt->dst) == 0 && sp == dp);
    if (v->src_is_a) {
        v->key.a = pkt->src, v->key.port_a = sp, v->key.b = pkt->dst, v->key.port_b = dp;
    } else {
        v->key.a = pkt->dst, v->key.port_a = dp, v->key.b = pkt->src, v->key.port_b = sp;
    }
    v->key.vlan = pkt->vlan;
    v->key.inner_vlan = pkt->inner_vlan;
    v->key.middle_vlan = pkt->middle_vlan;
    v->key.proto = pkt->l4_proto;
}

static bool key_equal(const struct flow_key *x, const struct flow_key *y)
{
    uint64_t a[5], b[5];
    uint32_t at, bt;
    memcpy(a, x, 40);
    memcpy(b, y, 40);
    memcpy(&at, (const uint8_t *)x + 40, 4);
    memcpy(&bt, (const uint8_t *)y + 40, 4);
    return ((a[0] ^ b[0]) | (a[1] ^ b[1]) | (a[2] ^ b[2]) | (a[3] ^ b[3]) | (a[4] ^ b[4]) | (at ^ bt)) == 0;
}

static struct flow *lookup(struct flow_table *t, const struct flow_key *k, uint32_t h)
{
    uint32_t slot = t->buckets[h & t->bucket_mask];
    uint32_t idx = slot ? slot - 1 : FLOW_NONE;
    while (idx != FLOW_NONE) {
        struct flow *f = flow_at(t, idx);
        if (f->hash == h && key_equal(&f->key, k))
            return f;
        idx = f->next_in_bucket;
    }
    return NULL;
}

/* Zeek's WantConnection: pick the originator of a new connection. */
static bool should_flip(const struct packet *pkt)
{
    /* Zeek never flips a connection to the IPv4 broadcast address (a DHCP
     * server's 67 -> 255.255.255.255:68 stays as sent). */
    static const uint8_t broadcast[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    if (memcmp(pkt->dst.b, broadcast, sizeof broadcast) == 0)
        return false;
    if (pkt->l4_proto == IPPROTO_UDP)
        return likely_server_port(IPPROTO_UDP, pkt->sport) && !likely_server_port(IPPROTO_UDP, pkt->dport);
    if (pkt->l4_proto != IPPROTO_TCP)
        return false;
    uint8_t fl = pkt->tcp_flags;
    if ((fl & TCP_SYN) && !(fl & TCP_ACK))
        return false;
    if (!likely_server_port(IPPROTO_TCP, pkt->sport))
        return false;
    if (likely_server_port(IPPROTO_TCP, pkt->dport))
        return !(fl & TCP_SYN) && pkt->sport < pkt->dport;
    return true;
}

/* Doubles the buckets once flows outnumber them, keeping chains short. */
static void maybe_grow_buckets(struct flow_table *t)
{
    uint64_t nb = (uint64_t)t->bucket_mask + 1;
    if (t->stats.active <= nb || nb >= (1u << 30))
        return;
    uint32_t *grown = calloc(nb * 2, sizeof *grown);
    if (!grown)
        return; /* longer chains, still correct */
    free(t->buckets);
    t->buckets = grown;
    t->bucket_mask = (uint32_t)(nb * 2 - 1);
    for (int c = 0; c < LRU_CLASSES; c++) {
        for (uint32_t idx = t->lru[c].head; idx != FLOW_NONE; idx = flow_at(t, idx)->lru_next) {
            struct flow *f = flow_at(t, idx);
            uint32_t *slot = &t->buckets[f->hash & t->bucket_mask];
            f->next_in_bucket = *slot ? *slot - 1 : FLOW_NONE;
            *slot = idx + 1;
        }
    }
}

/* The uid's hash (core/config.h: uid_key, uid_window_us). */
static uint64_t flow_uid(const struct flow_table *t, const struct flow *f, const struct packet *pkt)
{
    int64_t window = t->cfg.uid_window_us;
    if (window <= 0 && t->cfg.uid_key == 0)
        return hash64_bytes(&f->key, sizeof f->key, (uint64_t)f->start_us); /* read's uids, as they always were */
    struct {
        int64_t when;
        uint64_t key;
        uint32_t tcp_seq;
    } extra;
    memset(&extra, 0, sizeof extra); /* the padding is hashed too */
    extra.when = window > 0 ? f->start_us / window - (f->start_us % window < 0) : f->start_us;
    extra.key = t->cfg.uid_key;
    extra.tcp_seq = f->key.proto == IPPROTO_TCP ? pkt->tcp_seq : 0;
    return hash64_bytes(&f->key, sizeof f->key, hash64_bytes(&extra, sizeof extra, 0x5e750125));
}

static struct flow *flow_create(struct flow_table *t, const struct packet_view *v, uint32_t h,
                                const struct packet *pkt, const uint64_t *parents, unsigned n_parents)
{
    maybe_grow_buckets(t);
    struct flow *f = flow_alloc(t);
    if (!f)
        return NULL;
    memset(f, 0, sizeof *f);
    f->eve_parent = FLOW_NONE;
    f->key = v->key;
    f->hash = h;
    f->start_us = f->last_us = pkt->ts_us;
    f->uid_hash = flow_uid(t, f, pkt);
    f->orig_is_a = v->src_is_a;
    if (f->key.proto == IPPROTO_TCP)
        tcp_flow_init(f);
    else
        f->udp_orig_len = f->udp_resp_len = -1;
    f->n_tunnel_parents = n_parents ? 1 : 0;
    if (n_parents)
        f->tunnel_parent_hash = parents[n_parents - 1];
    bucket_insert(t, f);
    f->lru_sec = (uint32_t)(pkt->ts_us / 1000000);
    lru_append(t, f);
    if (should_flip(pkt))
        flow_flip_roles(f);
    return f;
}

static bool is_from_orig(const struct flow *f, const struct packet_view *v)
{
    return f->orig_is_a == v->src_is_a;
}

static bool udp_packet(struct flow_table *t, struct flow *f, const struct packet *pkt, bool is_orig)
{
    uint32_t mask_shift = is_orig ? 0 : 16;
    if (pkt->l4_checksum_bad) {
        flow_weird(t, f, "bad_UDP_checksum", NULL);
        flow_check_history(f, (uint32_t)HIST_CORRUPT_PKT << mask_shift, is_orig ? 'C' : 'c');
        return false;
    }
    uint32_t ulen = pkt->l4_caplen >= 6 ? ((uint32_t)pkt->l4[4] << 8 | pkt->l4[5]) : pkt->l4_len;
    if (ulen != pkt->l4_len)
        flow_weird(t, f, "UDP_datagram_length_mismatch", NULL);
    f->last_us = pkt->ts_us;
    flow_check_history(f, (uint32_t)HIST_DATA_PKT << mask_shift, is_orig ? 'D' : 'd');
    int64_t payload = ulen >= 8 ? (int64_t)ulen - 8 : 0;
    int64_t *len = is_orig ? &f->udp_orig_len : &f->udp_resp_len;
    *len = *len < 0 ? payload : *len + payload;
    if (pkt->payload) {
        uint32_t n = pkt->payload_caplen < pkt->payload_len ? pkt->payload_caplen : pkt->payload_len;
        app_layer_data(t, f, is_orig, pkt->payload, n);
    }
    return true;
}

static bool icmp_packet(struct flow_table *t, struct flow *f, const struct packet *pkt, bool is_orig)
{
    if (pkt->l4_checksum_bad) {
        flow_weird(t, f, "bad_ICMP_checksum", NULL);
        return false;
    }
    f->last_us = pkt->ts_us;
    int64_t payload = pkt->l4_len >= 8 ? (int64_t)pkt->l4_len - 8 : 0;
    int64_t *len = is_orig ? &f->udp_orig_len : &f->udp_resp_len;
    *len = *len < 0 ? payload : *len + payload;
    return true;
}

/* One direction's counters; its first packet gives its MAC address. */
static inline void count_side(uint64_t *pkts, uint64_t *ip_bytes, uint64_t *frame_bytes, uint8_t *flags, uint8_t *l2,
                              const struct packet *pkt)
{
    ++*pkts;
    *ip_bytes += pkt->ip_len;
    *frame_bytes += pkt->wirelen;
    *flags |= pkt->tcp_flags;
    if (pkt->eth_src && *pkts == 1)
        memcpy(l2, pkt->eth_src, 6);
}

static void count_packet(struct flow *f, const struct packet *pkt, bool is_orig)
{
    if (is_orig)
        count_side(&f->orig_pkts, &f->orig_ip_bytes, &f->orig_frame_bytes, &f->flags_orig, f->orig_l2, pkt);
    else
        count_side(&f->resp_pkts, &f->resp_ip_bytes, &f->resp_frame_bytes, &f->flags_resp, f->resp_l2, pkt);
}

static bool deliver(struct flow_table *t, struct flow *f, const struct packet *pkt, bool is_orig)
{
    switch (pkt->l4_proto) {
    case IPPROTO_TCP:
        return tcp_flow_segment(t, f, pkt, is_orig);
    case IPPROTO_UDP:
        return udp_packet(t, f, pkt, is_orig);
    case IPPROTO_ICMP:
    case IPPROTO_ICMPV6:
        return icmp_packet(t, f, pkt, is_orig);
    default:
        f->last_us = pkt->ts_us;
        return true;
    }
}

/* A packet for a connection Zeek would already have removed starts a new
 * one (NULL); *held: the EVE flow the old one left held, else NULL. */
static struct flow *retire_if_stale(struct flow_table *t, struct flow *f, const struct packet *pkt,
                                    const struct packet_view *v, struct flow **held)
{
    if (flow_expired(t, f, pkt->ts_us)) {
        t->stats.flows_timed_out++;
        *held = flow_finish_as(t, f, FLOW_END_TIMEOUT, true);
        return NULL;
    }
    if (pkt->l4_proto == IPPROTO_TCP && tcp_flow_is_reuse(t, f, pkt, is_from_orig(f, v))) {
        (void)flow_finish_as(t, f, FLOW_END_CLOSED, false); /* a new SYN: Suricata's port reuse, a new EVE flow too */
        return NULL;
    }
    return f;
}

/* A new connection of the tuple: it continues held, the EVE flow held for
 * the tuple (NULL: none), unless the packet ends that. */
static struct flow *flow_start(struct flow_table *t, struct flow *held, const struct packet_view *v, uint32_t h,
                               const struct packet *pkt, const uint64_t *parents, unsigned n_parents)
{
    uint32_t parent = held && held->eve_held == EVE_HELD_WAITING ? held_claim(t, held, pkt) : FLOW_NONE;
    struct flow *f = flow_create(t, v, h, pkt, parents, n_parents);
    if (parent == FLOW_NONE)
        return f;
    struct flow *p = flow_at(t, parent);
    if (f == NULL) {
        held_write(t, p, FLOW_END_EVICTED);
        return NULL;
    }
    f->eve_parent = parent;
    f->sc_state = p->sc_state;
    return f;
}

uint64_t flow_table_packet(struct flow_table *t, const struct packet *pkt, const uint64_t *parents,
                           unsigned n_parents)
{
    if (!pkt->ip_version)
        return 0;
    t->now_us = pkt->ts_us;
    if (pkt->ts_us - t->last_sweep_us >= 1000000 || pkt->ts_us < t->last_sweep_us)
        flow_table_sweep(t, pkt->ts_us);

    struct packet_view v;
    make_view(pkt, &v);
    uint32_t h = key_hash(t, &v.key);
    struct flow *f = lookup(t, &v.key, h), *held = NULL;
    if (f && f->eve_held) {
        held = f;
        f = NULL;
    } else if (f) {
        f = retire_if_stale(t, f, pkt, &v, &held);
    }
    if (!f)
        f = flow_start(t, held, &v, h, pkt, parents, n_parents);
    if (!f)
        return 0;
    bool is_orig = is_from_orig(f, &v);
    if (pkt->outer_tunnel)
        f->outer_tunnel = pkt->outer_tunnel;
    f->packet_number = pkt->number;
    flow_eve_packet(f, pkt, is_orig);
    if (deliver(t, f, pkt, is_orig)) {
        /* The TCP machine may have flipped roles. */
        count_packet(f, pkt, is_from_orig(f, &v));
        app_layer_packet_counted(f, is_from_orig(f, &v));
    }
    const struct app_hooks *hooks = t->cfg.app;
    if (hooks && hooks->packet) {
        struct flow_ref ref;
        flow_make_ref(t, f, is_from_orig(f, &v), &ref);
        ref.app_proto = app_layer_parser_name(f);
        hooks->packet(hooks->ctx, pkt, &ref);
    }
    f->packet_number = 0;
    lru_touch(t, f);
    return flow_uid_hash(f);
}
