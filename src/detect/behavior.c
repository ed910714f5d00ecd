/* The behaviour detectors' facade: configuration, which observations reach
 * which detector, the name bindings that give connections their names, and
 * the ordered hand-over of findings.
 *
 * Scope: every detector looks at internal source -> external destination
 * only; DNS tunnelling and DGA look at the names internal clients asked
 * for, whatever resolver they asked. Destinations that are not routable
 * (multicast, broadcast, loopback, unspecified) are neither internal nor
 * external and never tracked.
 *
 * Names: behavior_name binds uid -> SNI/Host; a DNS answer binds (client,
 * address) -> query name. A connection takes the name bound to its uid (and
 * drops that binding), else the one bound to (orig_h, resp_h). Both kinds
 * share one ring of max_names bindings; a full ring drops the oldest. Bound
 * uids are kept as 64-bit hashes.
 *
 * The allow-list is consulted when a finding is about to be reported, with
 * its source, destination (when it has one), port and name. An address
 * pair's name is the one name seen on it (none when several were), so a
 * domain rule silences a beacon to an address only when that address was
 * only ever reached under the allowed name. DGA findings are checked
 * without their example name: only source rules silence a host. An
 * allow-listed finding counts as reported: it is not scored again.
 *
 * Caps: max_pairs bounds each of the pair tables (beacon/exfil pairs,
 * address and name pairs together; long-connection keys; aggregated
 * uploads), max_domains the DNS domains, max_hosts the DGA hosts,
 * max_names the bindings. A full table evicts the entry with the least
 * evidence among the next 8 of a clock over its slots; already-reported
 * entries are kept unless all 8 are. */
#include "detect/behavior.h"
#include "util/hash.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "detect/allowlist.h"
#include "detect/behavior_internal.h"

#define UID_SEED 0x75696462696e6431ULL
#define HOSTADDR_SEED 0x686f737461646472ULL

void behavior_config_defaults(struct behavior_config *c)
{
    memset(c, 0, sizeof *c);
    c->beacon_min_conns = 6;
    c->beacon_threshold = 0.70;
    c->long_conn_us = US_PER_HOUR;
    c->long_conn_chain_gap_us = 60 * US_PER_S;
    c->tunnel_threshold = 0.70;
    c->dga_min_nxdomains = 20;
    c->exfil_upload_bytes = 20ull * 1000 * 1000;
    c->exfil_pair_bytes = 100ull * 1000 * 1000;
    c->exfil_ratio = 10.0;
    c->exfil_http_body_bytes = 10ull * 1000 * 1000;
    c->exfil_smtp_bytes = 20ull * 1000 * 1000;
    c->max_pairs = 200000;
    c->max_domains = 100000;
    c->max_hosts = 100000;
    c->max_names = 1000000;
}

/* ------------------------------------------------------- internal / external */

static bool is_v4(const struct ip_addr *a)
{
    static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    return memcmp(a->b, mapped, 12) == 0;
}

bool behavior_is_internal(const struct behavior *b, const struct ip_addr *a)
{
    for (unsigned i = 0; i < b->n_local; i++)
        if (ip_prefix_contains(&b->local[i], a))
            return true;
    return false;
}

/* Multicast, broadcast, loopback, unspecified and "this network": never a peer worth tracking. */
static bool is_unroutable(const struct ip_addr *a)
{
    if (is_v4(a)) {
        const uint8_t *q = a->b + 12;
        return q[0] == 0 || q[0] == 127 || q[0] >= 224;
    }
    static const uint8_t zero[15] = {0};
    if (memcmp(a->b, zero, 15) == 0)
        return a->b[15] <= 1; /* :: and ::1 */
    return a->b[0] == 0xff;
}

bool behavior_is_external(const struct behavior *b, const struct ip_addr *a)
{
    return !is_unroutable(a) && !behavior_is_internal(b, a);
}

/* ------------------------------------------------------------ name bindings */

static bool binding_eq(const void *ctx, uint32_t id, const void *key)
{
    const struct names *n = ctx;
    return n->ring[id].key == *(const uint64_t *)key;
}

static uint32_t key_hash32(uint64_t key)
{
    return (uint32_t)(key >> 32) ^ (uint32_t)key;
}

static bool names_init(struct names *n, size_t cap)
{
    memset(n, 0, sizeof *n);
    if (cap == 0)
        return true;
    n->ring = calloc(cap, sizeof *n->ring);
    if (n->ring == NULL || !hindex_init(&n->index, cap < 4096 ? cap : 4096)) {
        free(n->ring);
        n->ring = NULL;
        return false;
    }
    n->cap = cap;
    return true;
}

static void names_free(struct behavior *b)
{
    struct names *n = &b->names;
    for (size_t i = 0; i < n->cap; i++)
        if (n->ring[i].live)
            strpool_unref(&b->pool, n->ring[i].name_id);
    free(n->ring);
    hindex_free(&n->index);
    memset(n, 0, sizeof *n);
}

static void binding_drop(struct behavior *b, uint32_t id)
{
    struct binding *e = &b->names.ring[id];
    hindex_remove(&b->names.index, key_hash32(e->key), id);
    strpool_unref(&b->pool, e->name_id);
    e->live = false;
    b->names.live--;
}

/* Binds key -> name; a binding for the same key is replaced (most recent wins). */
static void names_bind(struct behavior *b, uint64_t key, const char *name, size_t len)
{
    struct names *n = &b->names;
    if (n->cap == 0)
        return;
    uint32_t old = hindex_find(&n->index, key_hash32(key), binding_eq, n, &key);
    if (old != HINDEX_NONE)
        binding_drop(b, old);
    uint32_t slot = (uint32_t)n->head;
    if (n->ring[slot].live) {
        binding_drop(b, slot);
        b->stats.evicted++;
    }
    uint32_t name_id = strpool_intern(&b->pool, name, len);
    if (name_id == STRPOOL_NONE)
        return;
    if (!hindex_insert(&n->index, key_hash32(key), slot)) {
        strpool_unref(&b->pool, name_id);
        return;
    }
    n->ring[slot] = (struct binding){.key = key, .name_id = name_id, .live = true};
    n->live++;
    n->head = n->head + 1 == n->cap ? 0 : n->head + 1;
}

/* The name bound to key with its reference, or STRPOOL_NONE; `take` drops the binding. */
static uint32_t names_lookup(struct behavior *b, uint64_t key, bool take)
{
    struct names *n = &b->names;
    if (n->live == 0)
        return STRPOOL_NONE;
    uint32_t id = hindex_find(&n->index, key_hash32(key), binding_eq, n, &key);
    if (id == HINDEX_NONE)
        return STRPOOL_NONE;
    uint32_t name_id = n->ring[id].name_id;
    strpool_ref(&b->pool, name_id);
    if (take)
        binding_drop(b, id);
    return name_id;
}

static uint64_t uid_key(const char *uid)
{
    return hash_keyed(uid, strlen(uid), UID_SEED);
}

static uint64_t hostaddr_key(const struct ip_addr *client, const struct ip_addr *addr)
{
    uint8_t k[32];
    memcpy(k, client->b, 16);
    memcpy(k + 16, addr->b, 16);
    return hash_keyed(k, sizeof k, HOSTADDR_SEED);
}

/* ----------------------------------------------------------------- lifecycle */

static bool load_local_nets(struct behavior *b, const struct behavior_config *cfg)
{
    unsigned n = cfg->n_local_nets;
    if (n > 0 && cfg->local_nets == NULL)
        n = 0;
    unsigned count = n ? n : IP_PRIVATE_PREFIXES;
    b->local = calloc(count, sizeof *b->local);
    if (b->local == NULL)
        return false;
    if (n > 0)
        memcpy(b->local, cfg->local_nets, n * sizeof *b->local);
    else
        ip_private_prefixes(b->local);
    b->n_local = count;
    return true;
}

static bool load_psl(struct behavior *b, const char *path, char *err, size_t errlen)
{
    b->psl = dns_psl_load(path, &b->psl_owned, err, errlen);
    return b->psl != NULL;
}

struct behavior *behavior_new(const struct behavior_config *cfg, finding_fn emit, void *ctx, char *err,
                              size_t errlen)
{
    if (errlen > 0)
        err[0] = '\0';
    struct behavior *b = calloc(1, sizeof *b);
    if (b == NULL) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    b->cfg = *cfg;
    b->cfg.local_nets = NULL;
    b->emit = emit;
    b->emit_ctx = ctx;
    if (b->cfg.beacon_min_conns < 3)
        b->cfg.beacon_min_conns = 3; /* quartiles need a few intervals */
    /* Every table needs room for one entry (0 would mean nothing is ever tracked). */
    size_t *caps[] = {&b->cfg.max_pairs, &b->cfg.max_domains, &b->cfg.max_hosts};
    for (size_t i = 0; i < sizeof caps / sizeof caps[0]; i++)
        if (*caps[i] == 0)
            *caps[i] = 1;
    bool ok = load_local_nets(b, cfg) && strpool_init(&b->pool) && names_init(&b->names, b->cfg.max_names) &&
              pairs_init(b) && chains_init(b) && dns_init(b) && uploads_init(b);
    if (!ok) {
        snprintf(err, errlen, "out of memory for the behaviour tables (check the max_* caps)");
        behavior_free(b);
        return NULL;
    }
    if (!load_psl(b, cfg->psl_path, err, errlen) ||
        !beacon_weights_load(cfg->beacon_weights_path, &b->weights, err, errlen)) {
        behavior_free(b);
        return NULL;
    }
    return b;
}

void behavior_free(struct behavior *b)
{
    if (b == NULL)
        return;
    uploads_free(b);
    dns_free(b);
    chains_free(b);
    pairs_free(b);
    names_free(b);
    strpool_free(&b->pool);
    if (b->psl_owned)
        psl_free(b->psl);
    free(b->local);
    free(b);
}

/* -------------------------------------------------------------- observations */

void behavior_conn(struct behavior *b, const struct obs_conn *c)
{
    b->stats.conns++;
    bool final = !c->still_open;
    /* A connection's uid binding is used once: drop it whatever the direction. */
    uint32_t name_id = STRPOOL_NONE;
    if (final && c->uid != NULL && b->names.live > 0)
        name_id = names_lookup(b, uid_key(c->uid), true);
    if (!behavior_is_internal(b, &c->orig_h) || !behavior_is_external(b, &c->resp_h)) {
        strpool_unref(&b->pool, name_id);
        return;
    }
    uint32_t addr_hash = 0;
    if (final) {
        addr_hash = pairs_addr_hash(&c->orig_h, &c->resp_h);
        pairs_prefetch(b, addr_hash);
    }
    long_conn_observe(b, c);
    if (!final)
        return;
    if (name_id == STRPOOL_NONE && b->names.live > 0)
        name_id = names_lookup(b, hostaddr_key(&c->orig_h, &c->resp_h), false);
    bool eligible = beacon_eligible(c);
    uint32_t name_hash = 0;
    if (eligible && name_id != STRPOOL_NONE) {
        name_hash = pairs_name_hash(&c->orig_h, name_id);
        pairs_prefetch(b, name_hash);
    }
    struct pair *p = pairs_get_addr(b, &c->orig_h, &c->resp_h, addr_hash);
    if (p != NULL) {
        exfil_observe_conn(b, p, c, name_id);
        if (eligible)
            beacon_observe(b, p, c, name_id);
    }
    if (eligible && name_id != STRPOOL_NONE) {
        struct pair *np = pairs_get_name(b, &c->orig_h, name_id, name_hash);
        if (np != NULL)
            beacon_observe(b, np, c, name_id);
    }
    strpool_unref(&b->pool, name_id);
}

void behavior_dns(struct behavior *b, const struct obs_dns *d)
{
    b->stats.dns++;
    if (!behavior_is_internal(b, &d->client))
        return;
    if (d->query != NULL && d->n_answer_addrs > 0 && d->answer_addrs != NULL && b->names.cap > 0) {
        char name[NAME_MAX_LEN + 1];
        size_t len = behavior_normalize_name(d->query, false, name);
        for (unsigned i = 0; len > 0 && i < d->n_answer_addrs; i++)
            if (behavior_is_external(b, &d->answer_addrs[i]))
                names_bind(b, hostaddr_key(&d->client, &d->answer_addrs[i]), name, len);
    }
    dns_observe(b, d);
}

void behavior_name(struct behavior *b, const struct obs_name *n)
{
    b->stats.names++;
    if (n->uid == NULL || n->uid[0] == '\0' || b->names.cap == 0)
        return;
    char name[NAME_MAX_LEN + 1];
    size_t len = behavior_normalize_name(n->name, true, name);
    if (len == 0)
        return;
    names_bind(b, uid_key(n->uid), name, len);
}

void behavior_upload(struct behavior *b, const struct obs_upload *u)
{
    b->stats.uploads++;
    if (!behavior_is_internal(b, &u->orig_h) || !behavior_is_external(b, &u->resp_h))
        return;
    exfil_observe_upload(b, u);
}

/* ------------------------------------------------------------------ findings */

static int cmp_str(const char *x, const char *y)
{
    if (x == NULL || y == NULL)
        return (x != NULL) - (y != NULL);
    return strcmp(x, y);
}

/* The header's order (kind, score descending, src, dst, name), then enough
 * further keys that no two different findings tie. */
static int cmp_finding(const void *pa, const void *pb)
{
    const struct finding *a = pa, *b = pb;
    if (a->kind != b->kind)
        return a->kind < b->kind ? -1 : 1;
    if (a->score != b->score)
        return a->score > b->score ? -1 : 1;
    int c = ip_addr_cmp(&a->src, &b->src);
    if (c != 0)
        return c;
    if (a->has_dst != b->has_dst)
        return a->has_dst ? 1 : -1;
    if (a->has_dst && (c = ip_addr_cmp(&a->dst, &b->dst)) != 0)
        return c;
    if ((c = cmp_str(a->name, b->name)) != 0)
        return c;
    if ((c = cmp_str(a->reason, b->reason)) != 0)
        return c;
    if (a->dst_port != b->dst_port)
        return a->dst_port < b->dst_port ? -1 : 1;
    if (a->proto != b->proto)
        return a->proto < b->proto ? -1 : 1;
    if (a->first_us != b->first_us)
        return a->first_us < b->first_us ? -1 : 1;
    if (a->last_us != b->last_us)
        return a->last_us < b->last_us ? -1 : 1;
    if (a->count != b->count)
        return a->count < b->count ? -1 : 1;
    return cmp_str(a->uid, b->uid);
}

void behavior_flush(struct behavior *b, int64_t now_us, bool final)
{
    struct finding_list list = {0};
    /* Beacons first: exfiltration asks whether its pair also beacons. */
    beacon_collect(b, &list);
    long_conn_collect(b, &list);
    dns_tunnel_collect(b, &list);
    dga_collect(b, &list);
    exfil_collect(b, &list);
    if (list.n > 1)
        qsort(list.v, list.n, sizeof *list.v, cmp_finding);
    for (size_t i = 0; i < list.n; i++) {
        b->stats.findings[list.v[i].kind]++;
        if (b->emit != NULL)
            b->emit(b->emit_ctx, &list.v[i]);
    }
    free(list.v);
}

void behavior_get_stats(const struct behavior *b, struct behavior_stats *st)
{
    *st = b->stats;
    st->pairs = b->pairs.t.ids.used;
    st->chains = b->chains.t.ids.used;
    st->domains = b->domains.t.ids.used;
    st->hosts = b->hosts.t.ids.used;
    st->uploads_tracked = b->uploads.t.ids.used;
    st->name_bindings = b->names.live;
}
