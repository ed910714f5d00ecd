/* The correlator. Linking rules (docs/INCIDENTS.md):
 *   same host      every event of an internal host joins that host's incident
 *   dns answer     an event whose peer is an address that a DNS answer gave
 *                  takes the name, so infrastructure groups by registered domain
 *   template       a document delivered to a host names its remote template;
 *                  that host's later HTTP request to the template host joins
 *                  the incident as an installation event (T1221)
 *   same peer      incidents whose events share an external address,
 *                  registered domain, certificate or JA4 are related */
#include "incident/correlate.h"

#include <libpsl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/hash.h"
#include "util/hindex.h"

#define DEFAULT_PSL_FILE "/usr/share/publicsuffix/public_suffix_list.dafsa"
#define POPULAR_MAX 32
#define RESOLVER_CAP 256
#define ASSET_CAP 100000
#define INFRA_CAP 200000

struct binding {
    struct ip_addr addr;
    char name[96];
};

struct destination {
    struct ip_addr addr;
    uint32_t n_hosts;
    uint32_t hosts[POPULAR_MAX];   /* hashes of the internal hosts seen */
};

/* A growable array of fixed-size entries with its index. */
struct table {
    void *items;
    size_t size, n, alloc, max;
    struct hindex ix;  /* key hash -> position */
};

struct correlator {
    struct correlator_config cfg;
    struct ip_prefix *local;
    unsigned n_local;
    psl_ctx_t *psl;
    bool psl_owned;
    struct incident **incidents;       /* in creation order: id - 1 */
    size_t n_incidents, alloc_incidents;
    struct hindex incident_ix;         /* host -> position in incidents */
    struct incident **sorted;          /* correlator_finish's order */
    struct table names, dests, talkers, infra, assets;
    struct ip_addr resolvers[RESOLVER_CAP];
    unsigned n_resolvers;
    struct correlator_stats st;
};

static const char *const severity_names[] = {"none", "low", "medium", "high", "critical"};

const char *incident_severity_name(enum incident_severity s)
{
    return (unsigned)s <= SEV_CRITICAL ? severity_names[s] : "none";
}

void incident_format_id(unsigned id, char *out, size_t n) { snprintf(out, n, "INC-%04u", id); }

void correlator_config_defaults(struct correlator_config *c)
{
    memset(c, 0, sizeof *c);
    c->max_incidents = 65536;
    c->max_names = 500000;
    c->max_destinations = 500000;
    c->max_talkers = 200000;
    c->popular_hosts = 10;
}

/* Copies as much of src as fits, always terminated. */
static void copy_str(char *dst, size_t cap, const char *src)
{
    size_t n = src ? strnlen(src, cap - 1) : 0;
    memcpy(dst, src ? src : "", n);
    dst[n] = '\0';
}

/* dst = a + sep + b (sep only when both are non-empty), truncated. */
static void join_str(char *dst, size_t cap, const char *a, const char *sep, const char *b)
{
    copy_str(dst, cap, a);
    size_t n = strlen(dst);
    if (a[0] && b[0])
        copy_str(dst + n, cap - n, sep);
    n = strlen(dst);
    copy_str(dst + n, cap - n, b);
}

/* ------------------------------------------------------------------ tables */

static void *table_at(const struct table *t, size_t i) { return (char *)t->items + i * t->size; }

/* The tables fill from the wire and from logs: keyed hashes (util/hash);
 * nothing is ever walked in slot order. */
enum { ADDR_DOMAIN = 0xc0dd, INFRA_DOMAIN = 0x1f7a };

static uint32_t addr_hash(const struct ip_addr *a)
{
    uint64_t x, y;
    memcpy(&x, a->b, 8);
    memcpy(&y, a->b + 8, 8);
    return (uint32_t)hash_keyed_pair(x, y, ADDR_DOMAIN);
}

/* Appends a zeroed entry starting with the key bytes and indexes it under
 * hash; NULL when the table is full or memory runs out. */
static void *table_push(struct table *t, uint32_t hash, const void *key, size_t key_len)
{
    if (t->n >= t->max)
        return NULL;
    if (t->n == t->alloc) {
        size_t alloc = t->alloc ? t->alloc * 2 : 256;
        void *items = realloc(t->items, alloc * t->size);
        if (items == NULL)
            return NULL;
        t->items = items;
        t->alloc = alloc;
    }
    void *e = table_at(t, t->n);
    memset(e, 0, t->size);
    memcpy(e, key, key_len);
    if (!hindex_insert(&t->ix, hash, (uint32_t)t->n))
        return NULL;
    t->n++;
    return e;
}

/* Entries whose first member is a struct ip_addr. */
static bool addr_entry_eq(const void *ctx, uint32_t pos, const void *key)
{
    return memcmp(table_at(ctx, pos), key, sizeof(struct ip_addr)) == 0;
}

/* The entry for address a; created zeroed (with its address) when absent
 * and `create`; NULL when absent, or full, or out of memory. */
static void *table_addr(struct table *t, const struct ip_addr *a, bool create)
{
    uint32_t h = addr_hash(a);
    uint32_t pos = hindex_find(&t->ix, h, addr_entry_eq, t, a);
    if (pos != HINDEX_NONE)
        return table_at(t, pos);
    return create ? table_push(t, h, a, sizeof *a) : NULL;
}

static void table_init(struct table *t, size_t size, size_t max)
{
    memset(t, 0, sizeof *t);
    t->size = size;
    t->max = max;
}

static void table_free(struct table *t)
{
    free(t->items);
    hindex_free(&t->ix);
}

/* Infrastructure entries are keyed by their text. */
static bool infra_eq(const void *ctx, uint32_t pos, const void *key)
{
    return strcmp(((const struct infra *)table_at(ctx, pos))->key, key) == 0;
}

static struct infra *infra_get(struct correlator *c, const char *text)
{
    struct table *t = &c->infra;
    char key[sizeof((struct infra *)0)->key]; /* the key as stored: cut to fit */
    copy_str(key, sizeof key, text);
    uint32_t h = (uint32_t)hash_keyed(key, strlen(key), INFRA_DOMAIN);
    uint32_t pos = hindex_find(&t->ix, h, infra_eq, t, key);
    if (pos != HINDEX_NONE)
        return table_at(t, pos);
    return table_push(t, h, key, sizeof key);
}

/* --------------------------------------------------------------- lifecycle */

static bool load_local(struct correlator *c)
{
    unsigned n = c->cfg.local_nets ? c->cfg.n_local_nets : 0;
    unsigned count = n ? n : IP_PRIVATE_PREFIXES;
    c->local = calloc(count, sizeof *c->local);
    if (c->local == NULL)
        return false;
    if (n)
        memcpy(c->local, c->cfg.local_nets, n * sizeof *c->local);
    else
        ip_private_prefixes(c->local);
    c->n_local = count;
    return true;
}

static bool load_psl(struct correlator *c, char *err, size_t errlen)
{
    const char *path = c->cfg.psl_path ? c->cfg.psl_path : DEFAULT_PSL_FILE;
    c->psl = psl_load_file(path);
    if (c->psl) {
        c->psl_owned = true;
        return true;
    }
    if (c->cfg.psl_path) {
        snprintf(err, errlen, "%s: cannot load the public suffix list", path);
        return false;
    }
    c->psl = (psl_ctx_t *)psl_builtin();
    return true; /* without any list, a name is its own registered domain */
}

struct correlator *correlator_new(const struct correlator_config *cfg, char *err, size_t errlen)
{
    struct correlator *c = calloc(1, sizeof *c);
    if (c == NULL) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    c->cfg = *cfg;
    if (c->cfg.popular_hosts == 0 || c->cfg.popular_hosts > POPULAR_MAX)
        c->cfg.popular_hosts = c->cfg.popular_hosts ? POPULAR_MAX : 10;
    table_init(&c->names, sizeof(struct binding), cfg->max_names);
    table_init(&c->dests, sizeof(struct destination), cfg->max_destinations);
    table_init(&c->talkers, sizeof(struct talker), cfg->max_talkers);
    table_init(&c->infra, sizeof(struct infra), INFRA_CAP);
    table_init(&c->assets, sizeof(struct asset), ASSET_CAP);
    if (cfg->map == NULL) {
        snprintf(err, errlen, "no kill-chain map");
        correlator_free(c);
        return NULL;
    }
    if (!load_local(c)) {
        snprintf(err, errlen, "out of memory");
        correlator_free(c);
        return NULL;
    }
    if (!load_psl(c, err, errlen)) {
        correlator_free(c);
        return NULL;
    }
    return c;
}

void correlator_free(struct correlator *c)
{
    if (c == NULL)
        return;
    for (size_t i = 0; i < c->n_incidents; i++) {
        free(c->incidents[i]->evidence);
        free(c->incidents[i]->hours);
        free(c->incidents[i]);
    }
    free(c->incidents);
    free(c->sorted);
    hindex_free(&c->incident_ix);
    table_free(&c->names);
    table_free(&c->dests);
    table_free(&c->talkers);
    table_free(&c->infra);
    table_free(&c->assets);
    if (c->psl_owned)
        psl_free(c->psl);
    free(c->local);
    free(c);
}

bool correlator_is_internal(const struct correlator *c, const struct ip_addr *a)
{
    for (unsigned i = 0; i < c->n_local; i++)
        if (ip_prefix_contains(&c->local[i], a))
            return true;
    return false;
}

void correlator_assign_ends(const struct correlator *c, struct incident_event *ev, const struct ip_addr *a,
                            bool has_a, const struct ip_addr *b, bool has_b, bool victim_is_b)
{
    bool ai = has_a && correlator_is_internal(c, a);
    bool bi = has_b && correlator_is_internal(c, b);
    const struct ip_addr *host = NULL, *peer = NULL;
    if (ai && bi) {
        host = victim_is_b ? b : a;
        peer = victim_is_b ? a : b;
    } else if (bi) {
        host = b;
        peer = has_a ? a : NULL;
    } else if (has_a) {
        host = a;
        peer = has_b ? b : NULL;
    } else if (has_b) {
        host = b;
    }
    if (host) {
        ev->host = *host;
        ev->has_host = true;
    }
    if (peer) {
        ev->peer = *peer;
        ev->has_peer = true;
    }
}

/* --------------------------------------------------------------- incidents */

static bool incident_eq(const void *ctx, uint32_t pos, const void *key)
{
    const struct correlator *c = ctx;
    return memcmp(&c->incidents[pos]->host, key, sizeof(struct ip_addr)) == 0;
}

static struct incident *find_incident(const struct correlator *c, const struct ip_addr *host)
{
    uint32_t pos = hindex_find(&c->incident_ix, addr_hash(host), incident_eq, c, host);
    return pos != HINDEX_NONE ? c->incidents[pos] : NULL;
}

static struct incident *new_incident(struct correlator *c, const struct ip_addr *host)
{
    if (c->n_incidents >= c->cfg.max_incidents)
        return NULL;
    if (c->n_incidents == c->alloc_incidents) {
        size_t alloc = c->alloc_incidents ? c->alloc_incidents * 2 : 16;
        struct incident **v = realloc(c->incidents, alloc * sizeof *v);
        if (v == NULL)
            return NULL;
        c->incidents = v;
        c->alloc_incidents = alloc;
    }
    struct incident *inc = calloc(1, sizeof *inc);
    struct evidence *ev = calloc(INCIDENT_EVIDENCE_CAP, sizeof *ev);
    if (inc == NULL || ev == NULL || !hindex_insert(&c->incident_ix, addr_hash(host), (uint32_t)c->n_incidents)) {
        free(inc);
        free(ev);
        return NULL;
    }
    inc->id = (unsigned)c->n_incidents + 1;
    inc->host = *host;
    inc->evidence = ev;
    const struct asset *as = table_addr(&c->assets, host, false);
    if (as) {
        join_str(inc->device, sizeof inc->device, as->vendor, " ", as->model);
        inc->device_flagged = as->flagged;
    }
    /* what the host sent out before its first event (live: traffic comes first) */
    const struct talker *t = table_addr(&c->talkers, host, false);
    if (t)
        inc->bytes_out = t->bytes_out;
    c->incidents[c->n_incidents++] = inc;
    return inc;
}

static void count_kind(struct incident *inc, const struct incident_event *ev)
{
    for (unsigned i = 0; i < inc->n_kinds; i++)
        if (strcmp(inc->kinds[i].kind, ev->kind) == 0) {
            inc->kinds[i].count++;
            return;
        }
    if (inc->n_kinds == INCIDENT_KIND_CAP) {
        inc->other_kinds++;
        return;
    }
    struct kind_count *k = &inc->kinds[inc->n_kinds++];
    copy_str(k->kind, sizeof k->kind, ev->kind);
    k->stage = ev->stage;
    k->count = 1;
}

static void count_peer(struct incident *inc, const struct incident_event *ev)
{
    if (!ev->has_peer && ev->peer_name[0] == '\0')
        return;
    for (unsigned i = 0; i < inc->n_peers; i++) {
        struct peer_ref *p = &inc->peers[i];
        bool same = ev->has_peer ? (p->has_addr && memcmp(&p->addr, &ev->peer, sizeof p->addr) == 0)
                                 : (!p->has_addr && strcmp(p->name, ev->peer_name) == 0);
        if (same) {
            p->count++;
            p->stage_mask |= 1u << ev->stage;
            if (ev->stage > p->stage)
                p->stage = ev->stage;
            if (p->name[0] == '\0')
                copy_str(p->name, sizeof p->name, ev->peer_name);
            return;
        }
    }
    if (inc->n_peers == INCIDENT_PEER_CAP) {
        inc->other_peers++;
        return;
    }
    struct peer_ref *p = &inc->peers[inc->n_peers++];
    p->has_addr = ev->has_peer;
    if (ev->has_peer)
        p->addr = ev->peer;
    copy_str(p->name, sizeof p->name, ev->peer_name);
    p->stage = ev->stage;
    p->stage_mask = 1u << ev->stage;
    p->count = 1;
}

/* v added once to a char[INCIDENT_TECH_CAP][width] list (the incident's
 * techniques and tactics); "" and "-" are no value. */
static void add_unique(char *list, size_t width, unsigned *n, const char *v)
{
    if (v[0] == '\0' || strcmp(v, "-") == 0)
        return;
    for (unsigned i = 0; i < *n; i++)
        if (strcmp(list + i * width, v) == 0)
            return;
    if (*n < INCIDENT_TECH_CAP)
        copy_str(list + (*n)++ * width, width, v);
}

static void format_peer(const struct incident_event *ev, char *out, size_t n)
{
    char a[IP_ADDR_STRLEN] = "";
    if (ev->has_peer)
        ip_addr_format(&ev->peer, a, sizeof a);
    if (ev->peer_name[0] && a[0]) {
        char with_paren[IP_ADDR_STRLEN + 3];
        snprintf(with_paren, sizeof with_paren, "(%s)", a);
        join_str(out, n, ev->peer_name, " ", with_paren);
    } else {
        copy_str(out, n, a[0] ? a : ev->peer_name);
    }
}

static uint64_t kind_count_of(const struct incident *inc, const char *kind)
{
    for (unsigned i = 0; i < inc->n_kinds; i++)
        if (strcmp(inc->kinds[i].kind, kind) == 0)
            return inc->kinds[i].count;
    return 0;
}

static unsigned kept_of_kind(const struct incident *inc, const char *kind)
{
    unsigned n = 0;
    for (unsigned i = 0; i < inc->n_evidence; i++)
        n += strcmp(inc->evidence[i].kind, kind) == 0;
    return n;
}

/* The slot to overwrite for an event that must be kept: the newest piece
 * of the kind with the most pieces kept, when it has at least two; else
 * none (INCIDENT_EVIDENCE_CAP). */
static unsigned evidence_victim(const struct incident *inc)
{
    unsigned best = INCIDENT_EVIDENCE_CAP, best_n = 1;
    for (unsigned i = inc->n_evidence; i-- > 0;) {
        unsigned n = kept_of_kind(inc, inc->evidence[i].kind);
        if (n > best_n) {
            best = i;
            best_n = n;
        }
    }
    return best;
}

/* Evidence is capped per incident and per kind (INCIDENT_EVIDENCE_PER_KIND),
 * so 39 intel hits leave room for the mail that started it all. The first
 * event of every stage and of every kind is always kept: once the cap is
 * reached it takes the slot of the newest piece of the most represented
 * kind. Counts stay exact whatever is kept. */
static void keep_evidence(struct incident *inc, const struct incident_event *ev, const char *link)
{
    bool first = inc->stage_events[ev->stage] == 1 || kind_count_of(inc, ev->kind) == 1;
    if (!first && kept_of_kind(inc, ev->kind) >= INCIDENT_EVIDENCE_PER_KIND)
        return;
    unsigned slot = inc->n_evidence;
    if (slot == INCIDENT_EVIDENCE_CAP) {
        if (!first)
            return;
        slot = evidence_victim(inc);
        if (slot == INCIDENT_EVIDENCE_CAP)
            return;
        memmove(&inc->evidence[slot], &inc->evidence[slot + 1],
                (inc->n_evidence - slot - 1) * sizeof inc->evidence[0]);
        slot = inc->n_evidence - 1;
    } else {
        inc->n_evidence++;
    }
    struct evidence *e = &inc->evidence[slot];
    memset(e, 0, sizeof *e);
    e->ts_us = ev->ts_us;
    e->stage = ev->stage;
    e->sid = ev->sid;
    copy_str(e->kind, sizeof e->kind, ev->kind);
    copy_str(e->source, sizeof e->source, ev->source);
    copy_str(e->technique, sizeof e->technique, ev->technique);
    copy_str(e->tactic, sizeof e->tactic, ev->tactic);
    format_peer(ev, e->peer, sizeof e->peer);
    copy_str(e->uid, sizeof e->uid, ev->uid);
    copy_str(e->community_id, sizeof e->community_id, ev->community_id);
    copy_str(e->file_hash, sizeof e->file_hash, ev->file_hash);
    copy_str(e->rule_file, sizeof e->rule_file, ev->rule_file);
    copy_str(e->reason, sizeof e->reason, ev->reason);
    copy_str(e->link, sizeof e->link, link);
}

static void remember_template(struct incident *inc, const char *host)
{
    if (host[0] == '\0')
        return;
    for (unsigned i = 0; i < inc->n_templates; i++)
        if (strcasecmp(inc->templates[i], host) == 0)
            return;
    if (inc->n_templates < INCIDENT_TEMPLATE_CAP)
        copy_str(inc->templates[inc->n_templates++], sizeof inc->templates[0], host);
}

static void note_infra(struct correlator *c, const char *key, const struct incident *inc, int64_t ts)
{
    struct infra *f = infra_get(c, key);
    if (f == NULL)
        return;
    if (f->events == 0 || ts < f->first_us)
        f->first_us = ts;
    if (ts > f->last_us)
        f->last_us = ts;
    f->events++;
    for (unsigned i = 0; i < f->n_incidents && i < INFRA_INCIDENT_CAP; i++)
        if (f->incidents[i] == inc->id)
            return;
    if (f->n_incidents < INFRA_INCIDENT_CAP)
        f->incidents[f->n_incidents] = inc->id;
    f->n_incidents++;
}

void correlator_registered_domain(const struct correlator *c, const char *name, char *out, size_t n)
{
    const char *reg = c->psl ? psl_registrable_domain(c->psl, name) : NULL;
    copy_str(out, n, reg ? reg : name);
}

static void note_event_infra(struct correlator *c, const struct incident_event *ev, const struct incident *inc)
{
    char key[112];
    if (ev->has_peer && !correlator_is_internal(c, &ev->peer)) {
        char a[IP_ADDR_STRLEN];
        ip_addr_format(&ev->peer, a, sizeof a);
        join_str(key, sizeof key, "address", " ", a);
        note_infra(c, key, inc, ev->ts_us);
    }
    if (ev->peer_name[0] && !ip_addr_parse(ev->peer_name, &(struct ip_addr){0})) {
        char reg[96];
        correlator_registered_domain(c, ev->peer_name, reg, sizeof reg);
        join_str(key, sizeof key, "domain", " ", reg);
        note_infra(c, key, inc, ev->ts_us);
    }
    if (ev->cert[0]) {
        join_str(key, sizeof key, "certificate", " ", ev->cert);
        note_infra(c, key, inc, ev->ts_us);
    }
    if (ev->ja4[0]) {
        join_str(key, sizeof key, "ja4", " ", ev->ja4);
        note_infra(c, key, inc, ev->ts_us);
    }
}

const char *correlator_name_of(const struct correlator *c, const struct ip_addr *a)
{
    const struct binding *b = table_addr((struct table *)&c->names, a, false);
    return b ? b->name : NULL;
}

static struct incident *add_classified(struct correlator *c, struct incident_event *ev, const char *link)
{
    if (!ev->has_host) {
        c->st.no_host++;
        return NULL;
    }
    struct incident *inc = find_incident(c, &ev->host);
    if (inc == NULL)
        inc = new_incident(c, &ev->host);
    if (inc == NULL) {
        c->st.over_cap++;
        return NULL;
    }
    if (inc->events == 0 || ev->ts_us < inc->first_us)
        inc->first_us = ev->ts_us;
    int64_t last = ev->last_us > ev->ts_us ? ev->last_us : ev->ts_us;
    if (last > inc->last_us)
        inc->last_us = last;
    inc->events++;
    unsigned s = ev->stage;
    if (inc->stage_events[s] == 0 || ev->ts_us < inc->stage_first[s])
        inc->stage_first[s] = ev->ts_us;
    if (last > inc->stage_last[s])
        inc->stage_last[s] = last;
    inc->stage_events[s]++;
    count_kind(inc, ev);
    count_peer(inc, ev);
    add_unique((char *)inc->techniques, sizeof inc->techniques[0], &inc->n_techniques, ev->technique);
    add_unique((char *)inc->tactics, sizeof inc->tactics[0], &inc->n_tactics, ev->tactic);
    remember_template(inc, ev->template_host);
    if (ev->device[0] && inc->device[0] == '\0')
        copy_str(inc->device, sizeof inc->device, ev->device);
    keep_evidence(inc, ev, link);
    note_event_infra(c, ev, inc);
    inc->revision++;
    return inc;
}

struct incident *correlator_add(struct correlator *c, struct incident_event *ev)
{
    c->st.events++;
    if (!killchain_classify(c->cfg.map, ev) || ev->stage == KC_NONE) {
        c->st.unmapped++;
        return NULL;
    }
    c->st.classified++;
    const char *link = "";
    if (ev->has_peer && ev->peer_name[0] == '\0') {
        const char *name = correlator_name_of(c, &ev->peer);
        if (name) {
            copy_str(ev->peer_name, sizeof ev->peer_name, name);
            c->st.linked_dns++;
            link = "dns_answer";
        }
    }
    return add_classified(c, ev, link);
}

/* ----------------------------------------------------------------- context */

void correlator_dns_answer(struct correlator *c, const struct ip_addr *client, const struct ip_addr *resolver,
                           const char *name, const struct ip_addr *answer)
{
    (void)client;
    if (resolver) {
        bool known = false;
        for (unsigned i = 0; i < c->n_resolvers && !known; i++)
            known = memcmp(&c->resolvers[i], resolver, sizeof *resolver) == 0;
        if (!known && c->n_resolvers < RESOLVER_CAP)
            c->resolvers[c->n_resolvers++] = *resolver;
    }
    if (answer == NULL || name == NULL || name[0] == '\0')
        return;
    struct binding *b = table_addr(&c->names, answer, true);
    if (b == NULL) {
        c->st.dropped_bindings++;
        return;
    }
    if (b->name[0] == '\0')
        c->st.dns_bindings++;
    size_t i = 0;
    for (; name[i] && i + 1 < sizeof b->name; i++)
        b->name[i] = (char)((name[i] >= 'A' && name[i] <= 'Z') ? name[i] + 32 : name[i]);
    b->name[i] = '\0';
}

static void add_hour(struct incident *inc, int64_t ts_us, uint64_t bytes)
{
    if (inc->hours == NULL) {
        inc->hours = calloc(INCIDENT_HOURS_CAP, sizeof *inc->hours);
        if (inc->hours == NULL)
            return;
    }
    int64_t hour = ts_us / (3600 * 1000000ll);
    for (unsigned i = inc->n_hours; i-- > 0;)
        if (inc->hours[i].hour == hour) {
            inc->hours[i].bytes += bytes;
            return;
        }
    if (inc->n_hours == INCIDENT_HOURS_CAP)
        return;
    unsigned at = inc->n_hours;
    while (at > 0 && inc->hours[at - 1].hour > hour)
        at--;
    memmove(&inc->hours[at + 1], &inc->hours[at], (inc->n_hours - at) * sizeof inc->hours[0]);
    inc->hours[at] = (struct hour_bytes){hour, bytes};
    inc->n_hours++;
}

static bool is_beacon_peer(const struct incident *inc, const struct ip_addr *peer)
{
    for (unsigned i = 0; i < inc->n_peers; i++) {
        const struct peer_ref *p = &inc->peers[i];
        if (p->has_addr && (p->stage_mask & (1u << KC_C2)) && memcmp(&p->addr, peer, sizeof *peer) == 0)
            return true;
    }
    return false;
}

static void add_interval(struct incident *inc, int64_t ts_us, const struct ip_addr *peer)
{
    struct beacon_hist *b = NULL;
    for (unsigned i = 0; i < inc->n_beacons && !b; i++)
        if (memcmp(&inc->beacons[i].peer, peer, sizeof *peer) == 0)
            b = &inc->beacons[i];
    if (b == NULL) {
        if (inc->n_beacons == INCIDENT_BEACON_CAP || !is_beacon_peer(inc, peer))
            return;
        b = &inc->beacons[inc->n_beacons++];
        b->peer = *peer;
        b->last_us = ts_us;
        return;
    }
    int64_t d = ts_us - b->last_us;
    b->last_us = ts_us;
    if (d <= 0)
        return;
    double secs = (double)d / 1e6;
    int bin = secs < 1 ? 0 : (int)log2(secs);
    if (bin >= INCIDENT_HIST_BINS)
        bin = INCIDENT_HIST_BINS - 1;
    b->bins[bin]++;
}

void correlator_conn(struct correlator *c, int64_t ts_us, const struct ip_addr *orig, const struct ip_addr *resp,
                     uint64_t orig_bytes)
{
    c->st.conn_rows++;
    if (!correlator_is_internal(c, orig) || correlator_is_internal(c, resp))
        return;
    struct talker *t = table_addr(&c->talkers, orig, true);
    if (t) {
        t->bytes_out += orig_bytes;
        t->connections++;
    }
    struct destination *d = table_addr(&c->dests, resp, true);
    if (d && d->n_hosts < c->cfg.popular_hosts) {
        uint32_t h = addr_hash(orig);
        bool seen = false;
        for (uint32_t i = 0; i < d->n_hosts && !seen; i++)
            seen = d->hosts[i] == h;
        if (!seen)
            d->hosts[d->n_hosts++] = h;
    }
    struct incident *inc = find_incident(c, orig);
    if (inc) {
        inc->bytes_out += orig_bytes;
        add_hour(inc, ts_us, orig_bytes);
        add_interval(inc, ts_us, resp);
    }
}

struct incident *correlator_http(struct correlator *c, int64_t ts_us, const struct ip_addr *client,
                                 const struct ip_addr *server, const char *host, const char *uri, const char *uid)
{
    struct incident *inc = find_incident(c, client);
    if (inc == NULL || host == NULL || host[0] == '\0')
        return NULL;
    for (unsigned i = 0; i < inc->n_templates; i++) {
        if (strcasecmp(inc->templates[i], host) != 0)
            continue;
        struct incident_event ev;
        memset(&ev, 0, sizeof ev);
        ev.ts_us = ts_us;
        ev.host = *client;
        ev.has_host = true;
        if (server) {
            ev.peer = *server;
            ev.has_peer = true;
        }
        copy_str(ev.peer_name, sizeof ev.peer_name, host);
        copy_str(ev.source, sizeof ev.source, "http");
        copy_str(ev.kind, sizeof ev.kind, "template_fetch");
        copy_str(ev.uid, sizeof ev.uid, uid);
        snprintf(ev.reason, sizeof ev.reason, "fetched the remote template of a delivered document: http://%.100s%.140s",
                 host, uri ? uri : "");
        c->st.events++;
        if (!killchain_classify(c->cfg.map, &ev) || ev.stage == KC_NONE) {
            c->st.unmapped++;
            return NULL;
        }
        c->st.classified++;
        c->st.linked_template++;
        return add_classified(c, &ev, "template");
    }
    return NULL;
}

void correlator_asset(struct correlator *c, const struct ip_addr *host, const char *vendor, const char *model,
                      const char *type, bool flagged, const char *reason)
{
    struct asset *a = table_addr(&c->assets, host, true);
    if (a == NULL)
        return;
    if (vendor && vendor[0])
        copy_str(a->vendor, sizeof a->vendor, vendor);
    if (model && model[0])
        copy_str(a->model, sizeof a->model, model);
    if (type && type[0])
        copy_str(a->type, sizeof a->type, type);
    if (reason && reason[0])
        copy_str(a->reason, sizeof a->reason, reason);
    a->flagged = a->flagged || flagged;
    struct incident *inc = find_incident(c, host);
    if (inc && inc->device[0] == '\0')
        join_str(inc->device, sizeof inc->device, a->vendor, " ", a->model);
    if (inc)
        inc->device_flagged = a->flagged;
}

/* ------------------------------------------------------------------ rating */

static bool reached(const struct incident *inc, enum kc_stage s) { return inc->stage_events[s] > 0; }

/* Chained: an entry stage (delivery, exploitation) seen no later than a
 * following stage (installation, C2, actions) was last seen. */
static bool stages_chain(const struct incident *inc)
{
    static const enum kc_stage entry[] = {KC_DELIVERY, KC_EXPLOITATION};
    static const enum kc_stage later[] = {KC_INSTALLATION, KC_C2, KC_ACTIONS};
    for (size_t i = 0; i < 2; i++)
        for (size_t j = 0; j < 3; j++)
            if (reached(inc, entry[i]) && reached(inc, later[j]) &&
                inc->stage_first[entry[i]] <= inc->stage_last[later[j]])
                return true;
    return false;
}

static void rate(struct incident *inc)
{
    unsigned stages = 0;
    for (unsigned s = KC_DELIVERY; s < KC_STAGE_COUNT; s++)
        stages += reached(inc, (enum kc_stage)s);
    inc->chained = stages_chain(inc);
    bool actions = reached(inc, KC_ACTIONS), c2 = reached(inc, KC_C2);
    unsigned score = 12 * stages + (inc->chained ? 25 : 0) + (actions ? 10 : 0) + (c2 ? 5 : 0) +
                     (inc->device_flagged ? 5 : 0);
    unsigned volume = 0;
    for (uint64_t e = inc->events; e > 1 && volume < 10; e >>= 2)
        volume++;
    score += volume;
    inc->score = score > 100 ? 100 : score;
    if (inc->chained && (actions || stages >= 3))
        inc->severity = SEV_CRITICAL;
    else if (inc->chained || actions)
        inc->severity = SEV_HIGH;
    else if (c2 || stages >= 2 || reached(inc, KC_EXPLOITATION) || reached(inc, KC_INSTALLATION))
        inc->severity = SEV_MEDIUM;
    else
        inc->severity = SEV_LOW;
}

static void relate(struct correlator *c)
{
    for (size_t i = 0; i < c->n_incidents; i++)
        c->incidents[i]->n_related = 0;
    for (size_t i = 0; i < c->infra.n; i++) {
        const struct infra *f = table_at(&c->infra, i);
        unsigned n = f->n_incidents < INFRA_INCIDENT_CAP ? f->n_incidents : INFRA_INCIDENT_CAP;
        if (n < 2)
            continue;
        for (unsigned a = 0; a < n; a++) {
            struct incident *inc = c->incidents[f->incidents[a] - 1];
            for (unsigned b = 0; b < n; b++) {
                unsigned other = f->incidents[b];
                bool known = other == inc->id;
                for (unsigned k = 0; k < inc->n_related && !known; k++)
                    known = inc->related[k] == other;
                if (!known && inc->n_related < INCIDENT_RELATED_CAP) {
                    inc->related[inc->n_related++] = other;
                    c->st.linked_infra++;
                }
            }
        }
    }
}

static int by_severity(const void *pa, const void *pb)
{
    const struct incident *a = *(const struct incident *const *)pa, *b = *(const struct incident *const *)pb;
    if (a->severity != b->severity)
        return a->severity > b->severity ? -1 : 1;
    if (a->score != b->score)
        return a->score > b->score ? -1 : 1;
    if (a->first_us != b->first_us)
        return a->first_us < b->first_us ? -1 : 1;
    return a->id < b->id ? -1 : 1;
}

static int by_time(const void *pa, const void *pb)
{
    const struct evidence *a = pa, *b = pb;
    if (a->ts_us != b->ts_us)
        return a->ts_us < b->ts_us ? -1 : 1;
    int k = strcmp(a->kind, b->kind);
    return k ? k : strcmp(a->uid, b->uid);
}

void correlator_finish(struct correlator *c)
{
    for (size_t i = 0; i < c->n_incidents; i++) {
        rate(c->incidents[i]);
        qsort(c->incidents[i]->evidence, c->incidents[i]->n_evidence, sizeof(struct evidence), by_time);
    }
    c->st.linked_infra = 0;
    relate(c);
    free(c->sorted);
    c->sorted = malloc((c->n_incidents ? c->n_incidents : 1) * sizeof *c->sorted);
    if (c->sorted == NULL)
        return;
    if (c->n_incidents == 0)
        return;
    memcpy(c->sorted, c->incidents, c->n_incidents * sizeof *c->sorted);
    qsort(c->sorted, c->n_incidents, sizeof *c->sorted, by_severity);
}

/* ----------------------------------------------------------------- results */

size_t correlator_incident_count(const struct correlator *c) { return c->sorted ? c->n_incidents : 0; }

const struct incident *correlator_incident(const struct correlator *c, size_t i)
{
    return c->sorted && i < c->n_incidents ? c->sorted[i] : NULL;
}

const struct incident *correlator_incident_by_id(const struct correlator *c, unsigned id)
{
    return id >= 1 && id <= c->n_incidents ? c->incidents[id - 1] : NULL;
}

const struct incident *correlator_incident_of(const struct correlator *c, const struct ip_addr *host)
{
    return find_incident(c, host);
}

size_t correlator_infra_count(const struct correlator *c) { return c->infra.n; }

const struct infra *correlator_infra(const struct correlator *c, size_t i)
{
    return i < c->infra.n ? table_at(&c->infra, i) : NULL;
}

bool correlator_is_resolver(const struct correlator *c, const struct ip_addr *a)
{
    for (unsigned i = 0; i < c->n_resolvers; i++)
        if (memcmp(&c->resolvers[i], a, sizeof *a) == 0)
            return true;
    return false;
}

unsigned correlator_host_count(const struct correlator *c, const struct ip_addr *dst)
{
    const struct destination *d = table_addr((struct table *)&c->dests, dst, false);
    return d ? d->n_hosts : 0;
}

bool correlator_is_popular(const struct correlator *c, const struct ip_addr *dst)
{
    return correlator_host_count(c, dst) >= c->cfg.popular_hosts;
}

size_t correlator_top_talkers(const struct correlator *c, struct talker *out, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < c->talkers.n; i++) {
        const struct talker *t = table_at(&c->talkers, i);
        size_t at = k;
        while (at > 0 && out[at - 1].bytes_out < t->bytes_out)
            at--;
        if (at >= n)
            continue;
        size_t move = (k < n ? k : n - 1) - at;
        memmove(&out[at + 1], &out[at], move * sizeof *out);
        out[at] = *t;
        if (k < n)
            k++;
    }
    return k;
}

size_t correlator_asset_count(const struct correlator *c) { return c->assets.n; }

const struct asset *correlator_asset_at(const struct correlator *c, size_t i)
{
    return i < c->assets.n ? table_at(&c->assets, i) : NULL;
}

void correlator_get_stats(const struct correlator *c, struct correlator_stats *st)
{
    *st = c->st;
}
