/* The prefilter: one Hyperscan literal database per inspected buffer (and
 * transform chain), holding every rule's fast pattern in that buffer. A
 * buffer is scanned once; only the rules whose fast pattern occurs, plus
 * the few with no content at all, are evaluated in full. */
#include <stdlib.h>
#include <string.h>

#include <hs.h>

#include "sig/hs_cache.h"
#include "sig/prefilter.h"
#include "util/grow.h"

static bool same_chain(const struct sig_pf_db *db, const struct sig_list *l, uint8_t ipproto, uint8_t dir)
{
    return db->buffer == l->buffer && db->ipproto == ipproto && db->dir == dir && db->n_transforms == l->n_transforms &&
           memcmp(db->transforms, l->transforms, l->n_transforms) == 0;
}

static struct sig_pf_db *db_for(struct sig_prefilter *pf, const struct sig_list *l, uint8_t ipproto, uint8_t dir)
{
    for (size_t i = 0; i < pf->n_dbs; i++)
        if (same_chain(&pf->dbs[i], l, ipproto, dir))
            return &pf->dbs[i];
    struct sig_pf_db *nd = realloc(pf->dbs, (pf->n_dbs + 1) * sizeof *nd);
    if (!nd)
        return NULL;
    pf->dbs = nd;
    struct sig_pf_db *db = &nd[pf->n_dbs++];
    memset(db, 0, sizeof *db);
    db->buffer = l->buffer;
    db->ipproto = ipproto;
    db->dir = dir;
    db->n_transforms = l->n_transforms;
    memcpy(db->transforms, l->transforms, l->n_transforms);
    return db;
}

static bool push_u32(uint32_t **v, size_t *n, size_t *cap, uint32_t x)
{
    if (grow_array((void **)v, cap, *n + 1, sizeof **v, 64) != 0)
        return false;
    (*v)[(*n)++] = x;
    return true;
}

struct pf_patterns {
    const char **pats;
    size_t *lens;
    unsigned *flags, *ids;
    size_t n, cap;
};

/* Pattern i has id i: the key needs the patterns, their lengths and flags. */
static bool db_key(const char *const *pats, const size_t *lens, const unsigned *flags, size_t n, char hex[65])
{
    struct sig_hs_key k;
    sig_hs_key_init(&k);
    uint64_t count = n;
    sig_hs_key_add(&k, &count, sizeof count);
    for (size_t i = 0; i < n; i++) {
        uint64_t head[2] = {lens[i], flags[i]};
        sig_hs_key_add(&k, head, sizeof head);
        sig_hs_key_add(&k, pats[i], lens[i]);
    }
    return sig_hs_key_end(&k, hex);
}

static bool compile_db(struct sig_pf_db *db, struct sig_set *s, char *err, size_t errlen)
{
    size_t n = db->n_rules;
    if (n == 0)
        return true;
    const char **pats = calloc(n, sizeof *pats);
    size_t *lens = calloc(n, sizeof *lens);
    unsigned *flags = calloc(n, sizeof *flags), *ids = calloc(n, sizeof *ids);
    bool ok = pats && lens && flags && ids;
    for (size_t i = 0; ok && i < n; i++) {
        const struct sig_rule *r = s->rules[db->rules[i]];
        const struct sig_content *c = &r->lists[r->fp_list].sm[r->fp_sm].u.content;
        pats[i] = (const char *)c->pat;
        lens[i] = c->len;
        flags[i] = HS_FLAG_SINGLEMATCH | (c->nocase ? HS_FLAG_CASELESS : 0);
        ids[i] = (unsigned)i;
    }
    char key[65];
    bool keyed = ok && s->hs_cache_dir && db_key(pats, lens, flags, n, key);
    if (keyed)
        db->db = sig_hs_cache_load(s->hs_cache_dir, key, &s->arena, &db->in_arena);
    hs_compile_error_t *ce = NULL;
    if (ok && !db->db) {
        if (hs_compile_lit_multi(pats, flags, ids, lens, (unsigned)n, HS_MODE_BLOCK, NULL, &db->db, &ce) !=
            HS_SUCCESS) {
            snprintf(err, errlen, "hyperscan: %s", ce && ce->message ? ce->message : "compile failed");
            hs_free_compile_error(ce);
            ok = false;
        } else if (keyed) {
            sig_hs_cache_store(s->hs_cache_dir, key, db->db);
        }
    }
    if (!ok && !*err)
        snprintf(err, errlen, "out of memory");
    free(pats);
    free(lens);
    free(flags);
    free(ids);
    return ok;
}

/* --- the address index --- */

static void masks_of(unsigned len, uint64_t *mhi, uint64_t *mlo)
{
    *mhi = len >= 64 ? UINT64_MAX : len == 0 ? 0 : UINT64_MAX << (64 - len);
    *mlo = len <= 64 ? 0 : len >= 128 ? UINT64_MAX : UINT64_MAX << (128 - len);
}

static bool index_add(struct sig_addr_index *x, const struct ip_prefix *p, uint32_t rule)
{
    struct sig_addr_table *t = NULL;
    for (size_t i = 0; i < x->n_tables; i++)
        if (x->tables[i].len == p->len)
            t = &x->tables[i];
    if (!t) {
        struct sig_addr_table *nt = realloc(x->tables, (x->n_tables + 1) * sizeof *nt);
        if (!nt)
            return false;
        x->tables = nt;
        t = &nt[x->n_tables++];
        memset(t, 0, sizeof *t);
        t->len = p->len;
        masks_of(p->len, &t->mask_hi, &t->mask_lo);
    }
    if (grow_array((void **)&t->v, &t->cap, t->n + 1, sizeof *t->v, 64) != 0)
        return false;
    struct sig_addr_entry *e = &t->v[t->n++];
    ip_addr_halves(&p->addr, &e->hi, &e->lo);
    e->hi &= t->mask_hi;
    e->lo &= t->mask_lo;
    e->rule = rule;
    return true;
}

static int cmp_entry(const void *a, const void *b)
{
    const struct sig_addr_entry *x = a, *y = b;
    if (x->hi != y->hi)
        return x->hi < y->hi ? -1 : 1;
    if (x->lo != y->lo)
        return x->lo < y->lo ? -1 : 1;
    return (x->rule > y->rule) - (x->rule < y->rule);
}

static uint32_t bloom_bit(const struct sig_addr_table *t, uint64_t hi, uint64_t lo)
{
    uint64_t h = hi * 0x9e3779b97f4a7c15ULL ^ lo * 0xc2b2ae3d27d4eb4fULL;
    return (uint32_t)(h >> 32 ^ h) & t->bloom_mask;
}

/* Sorted for the binary search, with a filter of 16 bits per entry. */
static bool index_finish(struct sig_addr_index *x)
{
    for (size_t i = 0; i < x->n_tables; i++) {
        struct sig_addr_table *t = &x->tables[i];
        qsort(t->v, t->n, sizeof *t->v, cmp_entry);
        size_t bits = 1024;
        while (bits < 16 * t->n && bits < (1u << 24))
            bits <<= 1;
        t->bloom = calloc(bits / 64, sizeof *t->bloom);
        if (!t->bloom)
            return false;
        t->bloom_mask = (uint32_t)(bits - 1);
        for (size_t k = 0; k < t->n; k++) {
            uint32_t b = bloom_bit(t, t->v[k].hi, t->v[k].lo);
            t->bloom[b / 64] |= 1ULL << (b % 64);
        }
    }
    return true;
}

void sig_addr_lookup(const struct sig_addr_index *x, const struct ip_addr *a, void (*found)(void *, uint32_t),
                     void *ctx)
{
    uint64_t ahi, alo;
    ip_addr_halves(a, &ahi, &alo); /* every packet and stream chunk: both its addresses */
    for (size_t i = 0; i < x->n_tables; i++) {
        const struct sig_addr_table *t = &x->tables[i];
        uint64_t hi = ahi & t->mask_hi, lo = alo & t->mask_lo;
        uint32_t b = bloom_bit(t, hi, lo);
        if (!(t->bloom[b / 64] >> (b % 64) & 1))
            continue;
        size_t l = 0, h = t->n;
        while (l < h) {
            size_t mid = l + (h - l) / 2;
            const struct sig_addr_entry *e = &t->v[mid];
            if (e->hi < hi || (e->hi == hi && e->lo < lo))
                l = mid + 1;
            else
                h = mid;
        }
        for (; l < t->n && t->v[l].hi == hi && t->v[l].lo == lo; l++)
            found(ctx, t->v[l].rule);
    }
}

/* A group of plain addresses and networks: no `any`, no negation. */
static bool plain_list(const struct sig_net *n)
{
    if (n->neg || n->any)
        return false;
    if (!n->is_group)
        return true;
    for (size_t i = 0; i < n->n; i++)
        if (!plain_list(&n->kids[i]))
            return false;
    return true;
}

static bool index_net(struct sig_addr_index *x, const struct sig_net *n, uint32_t rule)
{
    if (!n->is_group)
        return index_add(x, &n->prefix, rule);
    for (size_t i = 0; i < n->n; i++)
        if (!index_net(x, &n->kids[i], rule))
            return false;
    return true;
}

/* The narrowest prefix of a plain list: the larger, the more selective. */
static unsigned list_min_len(const struct sig_net *n)
{
    if (!n->is_group)
        return n->prefix.len;
    unsigned m = 128;
    for (size_t i = 0; i < n->n; i++) {
        unsigned k = list_min_len(&n->kids[i]);
        if (k < m)
            m = k;
    }
    return m;
}

/* Ports a plain port list names, up to max; 0 when it is not one. */
static size_t list_ports(const struct sig_net *n, uint16_t *out, size_t have, size_t max)
{
    if (n->neg || n->any)
        return 0;
    if (!n->is_group) {
        if ((size_t)(n->hi - n->lo) + 1 > max - have)
            return 0;
        for (uint32_t p = n->lo; p <= n->hi; p++)
            out[have++] = (uint16_t)p;
        return have;
    }
    for (size_t i = 0; i < n->n; i++) {
        have = list_ports(&n->kids[i], out, have, max);
        if (have == 0)
            return 0;
    }
    return have;
}

static bool port_add(struct sig_port_index *x, uint16_t port, uint32_t rule)
{
    if (grow_array((void **)&x->v, &x->cap, x->n + 1, sizeof *x->v, 64) != 0)
        return false;
    x->v[x->n++] = (struct sig_port_entry){.port = port, .rule = rule};
    return true;
}

static int cmp_port(const void *a, const void *b)
{
    const struct sig_port_entry *x = a, *y = b;
    if (x->port != y->port)
        return x->port < y->port ? -1 : 1;
    return (x->rule > y->rule) - (x->rule < y->rule);
}

void sig_port_lookup(const struct sig_port_index *x, uint16_t port, void (*found)(void *, uint32_t), void *ctx)
{
    size_t l = 0, h = x->n;
    while (l < h) {
        size_t mid = l + (h - l) / 2;
        if (x->v[mid].port < port)
            l = mid + 1;
        else
            h = mid;
    }
    for (; l < x->n && x->v[l].port == port; l++)
        found(ctx, x->v[l].rule);
}

#define PORT_INDEX_MAX 64
/* An address list at least this narrow (a /24 for IPv4) beats a port. */
#define NARROW_PREFIX 120

static bool index_ports(struct sig_prefilter *pf, const struct sig_rule *r, uint32_t i, bool dst, bool *ok)
{
    uint16_t ports[PORT_INDEX_MAX];
    size_t n = list_ports(dst ? &r->dp : &r->sp, ports, 0, PORT_INDEX_MAX);
    if (n == 0)
        return false;
    for (size_t k = 0; k < n && *ok; k++) {
        *ok = port_add(dst ? &pf->by_dport : &pf->by_sport, ports[k], i) &&
              (!r->bidir || port_add(dst ? &pf->by_sport : &pf->by_dport, ports[k], i));
    }
    return true;
}

/* Indexes a header-only rule by its most selective plain address list or
 * port list; false when it has none (it is then evaluated on every packet). */
static bool index_rule(struct sig_prefilter *pf, const struct sig_rule *r, uint32_t i, bool *ok)
{
    unsigned src_len = plain_list(&r->src) ? list_min_len(&r->src) : 0;
    unsigned dst_len = plain_list(&r->dst) ? list_min_len(&r->dst) : 0;
    const struct sig_net *side = NULL;
    if (src_len || dst_len)
        side = src_len >= dst_len ? &r->src : &r->dst;
    unsigned best = src_len > dst_len ? src_len : dst_len;
    if (best < NARROW_PREFIX && (index_ports(pf, r, i, true, ok) || index_ports(pf, r, i, false, ok)))
        return true;
    if (!side)
        return false;
    bool src_side = side == &r->src;
    /* A bidirectional rule's list may stand on either end of the packet. */
    *ok = index_net(src_side || r->bidir ? &pf->by_src : &pf->by_dst, side, i) &&
          (!r->bidir || index_net(src_side ? &pf->by_dst : &pf->by_src, side, i));
    return true;
}

static void index_free(struct sig_addr_index *x)
{
    for (size_t i = 0; i < x->n_tables; i++) {
        free(x->tables[i].v);
        free(x->tables[i].bloom);
    }
    free(x->tables);
}

/* Which event a rule is evaluated on: the app of its sticky buffers, or
 * packets and streams when it only has the payload. */
static bool is_app_rule(const struct sig_rule *r)
{
    if (r->dcerpc.has_iface || r->dcerpc.n_opnums)
        return true; /* a DCE-RPC request's fields */
    for (size_t i = 0; i < r->n_lists; i++)
        if (r->lists[i].buffer != SIG_BUF_PAYLOAD && r->lists[i].buffer != SIG_BUF_BASE64)
            return true;
    return false;
}

static bool add_to_db(struct sig_prefilter *pf, const struct sig_rule *r, size_t i, uint8_t proto, uint8_t dir)
{
    struct sig_pf_db *db = db_for(pf, &r->lists[r->fp_list], proto, dir);
    size_t cap = db ? db->cap_rules : 0;
    if (!db || !push_u32(&db->rules, &db->n_rules, &cap, (uint32_t)i))
        return false;
    db->cap_rules = cap;
    return true;
}

/* A payload rule goes into the database of each transport it names (every
 * one for `ip`) and each direction its flow keyword lets it match, as
 * Suricata splits its groups by flow:to_server / to_client. */
static bool add_payload_rule(struct sig_prefilter *pf, const struct sig_rule *r, size_t i)
{
    static const uint8_t transports[] = {6, 17, 1, 0};
    for (size_t k = 0; k < sizeof transports; k++) {
        if (r->ipproto && r->ipproto != transports[k])
            continue;
        uint8_t proto = r->tcp_pkt_only ? SIG_PF_TCP_PACKET : transports[k];
        if (!(r->flow & SIG_FLOW_TO_CLIENT) && !add_to_db(pf, r, i, proto, SIG_PF_TO_SERVER))
            return false;
        if (!(r->flow & SIG_FLOW_TO_SERVER) && !add_to_db(pf, r, i, proto, SIG_PF_TO_CLIENT))
            return false;
    }
    return true;
}

bool sig_prefilter_build(struct sig_set *s, char *err, size_t errlen)
{
    struct sig_prefilter *pf = calloc(1, sizeof *pf);
    if (!pf) {
        snprintf(err, errlen, "out of memory");
        return false;
    }
    s->prefilter = pf;
    size_t cap_always[SIG_APP_COUNT] = {0}, cap_pkt = 0;
    for (size_t i = 0; i < s->n_rules; i++) {
        struct sig_rule *r = s->rules[i];
        bool app_rule = is_app_rule(r);
        if (app_rule && r->app == SIG_APP_NONE)
            r->app = SIG_APP_HTTP; /* file.data alone: HTTP bodies */
        if (r->fp_list >= 0 && (app_rule || r->lists[r->fp_list].buffer == SIG_BUF_PAYLOAD)) {
            if (!(app_rule ? add_to_db(pf, r, i, 0, 0) : add_payload_rule(pf, r, i))) {
                snprintf(err, errlen, "out of memory");
                return false;
            }
            continue;
        }
        bool indexed_ok = true;
        if (!app_rule && index_rule(pf, r, (uint32_t)i, &indexed_ok)) {
            if (!indexed_ok) {
                snprintf(err, errlen, "out of memory");
                return false;
            }
            continue;
        }
        bool pushed = app_rule ? push_u32(&pf->always[r->app], &pf->n_always[r->app], &cap_always[r->app], (uint32_t)i)
                               : push_u32(&pf->always_pkt, &pf->n_always_pkt, &cap_pkt, (uint32_t)i);
        if (!pushed) {
            snprintf(err, errlen, "out of memory");
            return false;
        }
    }
    if (!index_finish(&pf->by_src) || !index_finish(&pf->by_dst)) {
        snprintf(err, errlen, "out of memory");
        return false;
    }
    if (pf->by_sport.n)
        qsort(pf->by_sport.v, pf->by_sport.n, sizeof *pf->by_sport.v, cmp_port);
    if (pf->by_dport.n)
        qsort(pf->by_dport.v, pf->by_dport.n, sizeof *pf->by_dport.v, cmp_port);
    for (size_t i = 0; i < pf->n_dbs; i++) {
        if (!compile_db(&pf->dbs[i], s, err, errlen))
            return false;
        hs_error_t e = hs_alloc_scratch(pf->dbs[i].db, &pf->proto_scratch);
        if (e != HS_SUCCESS) {
            snprintf(err, errlen, "hyperscan: cannot allocate scratch");
            return false;
        }
    }
    return true;
}

void sig_prefilter_free(struct sig_prefilter *pf)
{
    if (!pf)
        return;
    for (size_t i = 0; i < pf->n_dbs; i++) {
        if (!pf->dbs[i].in_arena)
            hs_free_database(pf->dbs[i].db);
        free(pf->dbs[i].rules);
    }
    free(pf->dbs);
    for (size_t i = 0; i < SIG_APP_COUNT; i++)
        free(pf->always[i]);
    free(pf->always_pkt);
    index_free(&pf->by_src);
    index_free(&pf->by_dst);
    free(pf->by_sport.v);
    free(pf->by_dport.v);
    hs_free_scratch(pf->proto_scratch);
    free(pf);
}

bool sig_set_compile(struct sig_set *s, char *err, size_t errlen)
{
    if (s->compiled)
        return true;
    for (size_t i = 0; i < s->n_rules; i++)
        for (size_t l = 0; l < s->rules[i]->n_lists; l++)
            for (size_t k = 0; k < s->rules[i]->lists[l].n; k++)
                if (s->rules[i]->lists[l].sm[k].type == SIG_SM_PCRE)
                    s->rules[i]->lists[l].sm[k].u.pcre.index = (uint32_t)s->n_pcres++;
    if (!sig_prefilter_build(s, err, errlen))
        return false;
    s->compiled = true;
    return true;
}
