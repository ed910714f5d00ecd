/* DNS tunnelling and DGA, from the names internal clients ask for.
 *
 * Tunnels (iodine, dnscat2, DNSExfiltrator...) carry data in the labels left
 * of a domain the attacker serves: many distinct, long, random-looking
 * names under one registered domain, often with TXT/NULL/CNAME/MX replies.
 * Per registered domain (libpsl's registrable domain of the lower-cased
 * query; names without one and reverse zones under .arpa are skipped; a
 * name under a top-level label that no registry lists, such as dnscat2's
 * "dnscat.<hex>" sent straight to the resolver, is grouped by its first
 * label instead, the rest being the data):
 * queries, distinct subdomain parts (exact up to 64, HyperLogLog beyond),
 * their mean length, the Shannon entropy of their characters (aggregated
 * over all queries, dots excluded), the share of odd query types (CNAME,
 * NULL, MX, TXT, ANY and the private range 65280-65534), NXDOMAINs, and the
 * clients asking most (space-saving top 4).
 *
 *   unique = min(1, log(distinct / 20) / log(5))      0 up to 20, 1 from 100
 *   length = clamp((mean subdomain length - 12) / 18)  1 from 30 characters
 *   random = clamp((entropy - 2.8) / 1.0)              1 from 3.8 bits
 *   types  = min(1, odd type share / 0.5)
 *   score  = unique * (0.4 length + 0.4 random + 0.2 types)
 * Many distinct names are necessary (a telemetry domain with a few long
 * hashed names is not a tunnel), and not sufficient (a CDN's img1..img400
 * are short and plain). Reported at tunnel_threshold; src is the client
 * that asked most. ATT&CK T1071.004.
 *
 * DGA: per internal client, the distinct registered domains it got NXDOMAIN
 * for whose label left of the public suffix looks random (dga_label_score
 * >= 0.55). Reported from dga_min_nxdomains such domains;
 *   score = 0.5 + 0.25 min(1, n / (4 dga_min_nxdomains)) + 0.25 mean randomness.
 * ATT&CK T1568.002. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "detect/behavior_internal.h"
#include "detect/dns_name.h"
#include "util/hash.h"

#define DOMAIN_SEED 0x646f6d61696e7321ULL
#define SUB_SEED 0x7375626e616d6573ULL
#define HOST_SEED 0x686f737473656564ULL
#define DGA_RANDOM_MIN 0.55

/* ------------------------------------------------------------- the tables */

struct domain_key {
    const char *name;
    size_t len;
};

static bool domain_eq(const void *ctx, uint32_t id, const void *key)
{
    const struct behavior *b = ctx;
    const struct domain_key *k = key;
    const char *s = strpool_str(&b->pool, b->domains.e[id].name_id);
    return s != NULL && strlen(s) == k->len && memcmp(s, k->name, k->len) == 0;
}

static uint64_t domain_evidence(const void *ctx, uint32_t id)
{
    const struct domain *d = &((const struct behavior *)ctx)->domains.e[id];
    return d->done ? UINT64_MAX : d->queries;
}

static void domain_evict(void *ctx, uint32_t id)
{
    struct behavior *b = ctx;
    struct domain *d = &b->domains.e[id];
    hindex_remove(&b->domains.t.index, d->hash32, id);
    strpool_unref(&b->pool, d->name_id);
    memset(d, 0, sizeof *d);
}

static bool host_eq(const void *ctx, uint32_t id, const void *key)
{
    const struct behavior *b = ctx;
    return memcmp(b->hosts.e[id].addr.b, ((const struct ip_addr *)key)->b, 16) == 0;
}

static uint64_t host_evidence(const void *ctx, uint32_t id)
{
    const struct host *h = &((const struct behavior *)ctx)->hosts.e[id];
    return h->done ? UINT64_MAX : h->random_answers;
}

static void host_evict(void *ctx, uint32_t id)
{
    struct behavior *b = ctx;
    struct host *h = &b->hosts.e[id];
    hindex_remove(&b->hosts.t.index, h->hash32, id);
    if (h->has_example)
        strpool_unref(&b->pool, h->example_id);
    memset(h, 0, sizeof *h);
}

bool dns_init(struct behavior *b)
{
    b->domains.e = table_entries_new(&b->domains.t, b->cfg.max_domains, sizeof *b->domains.e);
    b->hosts.e = table_entries_new(&b->hosts.t, b->cfg.max_hosts, sizeof *b->hosts.e);
    return b->domains.e != NULL && b->hosts.e != NULL;
}

void dns_free(struct behavior *b)
{
    if (b->domains.e != NULL)
        for (uint32_t i = 0; i < b->domains.t.ids.next_fresh; i++)
            if (b->domains.e[i].live)
                strpool_unref(&b->pool, b->domains.e[i].name_id);
    if (b->hosts.e != NULL)
        for (uint32_t i = 0; i < b->hosts.t.ids.next_fresh; i++)
            if (b->hosts.e[i].has_example)
                strpool_unref(&b->pool, b->hosts.e[i].example_id);
    free(b->domains.e);
    free(b->hosts.e);
    b->domains.e = NULL;
    b->hosts.e = NULL;
    table_free(&b->domains.t);
    table_free(&b->hosts.t);
}

static struct domain *domain_get(struct behavior *b, const char *name, size_t len)
{
    struct domain_key k = {name, len};
    uint32_t h = (uint32_t)hash_keyed(name, len, DOMAIN_SEED);
    uint32_t id = hindex_find(&b->domains.t.index, h, domain_eq, b, &k);
    if (id != HINDEX_NONE)
        return &b->domains.e[id];
    uint32_t name_id = strpool_intern(&b->pool, name, len);
    if (name_id == STRPOOL_NONE)
        return NULL;
    id = table_claim(&b->domains.t, h, domain_evidence, domain_evict, b, &b->stats.evicted);
    if (id == HINDEX_NONE) {
        strpool_unref(&b->pool, name_id);
        return NULL;
    }
    struct domain *d = &b->domains.e[id];
    memset(d, 0, sizeof *d);
    d->name_id = name_id;
    d->hash32 = h;
    d->live = true;
    return d;
}

static struct host *host_get(struct behavior *b, const struct ip_addr *addr)
{
    uint32_t h = (uint32_t)hash_keyed(addr->b, 16, HOST_SEED);
    uint32_t id = hindex_find(&b->hosts.t.index, h, host_eq, b, addr);
    if (id != HINDEX_NONE)
        return &b->hosts.e[id];
    id = table_claim(&b->hosts.t, h, host_evidence, host_evict, b, &b->stats.evicted);
    if (id == HINDEX_NONE)
        return NULL;
    struct host *ho = &b->hosts.e[id];
    memset(ho, 0, sizeof *ho);
    ho->addr = *addr;
    ho->hash32 = h;
    ho->live = true;
    return ho;
}

/* ---------------------------------------------------------------- features */

/* The 263 most frequent letter pairs of English text (about 39 % of all
 * pairs): bit j of row i is the pair ('a' + i, 'a' + j). Words and names
 * built from words are mostly such pairs; random letters only by chance. */
static const uint32_t common_bigrams[26] = {
    0x17ebd6e, 0x1164911, 0x11a4d95, 0x1164119, 0x1eef97d, 0x01a4931,
    0x0166991, 0x11a4111, 0x22efc7f, 0x0104010, 0x0042110, 0x11c4939,
    0x114d113, 0x13c6d7d, 0x17efd6f, 0x01ec991, 0x0100000, 0x13efd5d,
    0x11cdd95, 0x15e4991, 0x00eb95f, 0x0004111, 0x0046191, 0x0088000,
    0x0044010, 0x0000010,
};

static bool is_letter(unsigned char ch)
{
    return ch >= 'a' && ch <= 'z';
}

static bool is_vowel(unsigned char ch)
{
    return ch == 'a' || ch == 'e' || ch == 'i' || ch == 'o' || ch == 'u' || ch == 'y';
}

/* Word-like labels are made of common letter pairs, have vowels every few
 * letters and no digits mixed into letters; generated ones (random letters
 * or hex) are made of rare pairs, have high entropy for their length, few
 * vowels and long consonant runs, or letters and digits interleaved.
 *   rare  = clamp((0.8 - share of common pairs) / 0.3)
 *   score = 0.5 rare + 0.2 clamp(entropy - 2.5) + 0.3 max(few vowels, interleaved digits, consonant run)
 * About 5 % of random a-z labels of 10-17 letters look word-like enough to
 * score under 0.55; no common brand or word tested scores over 0.5. */
double dga_label_score(const char *label, size_t n)
{
    if (n < 8)
        return 0.0;
    uint32_t counts[DNS_CHAR_BINS] = {0};
    size_t vowels = 0, letters = 0, run = 0, longest_run = 0, common = 0, switches = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)label[i];
        counts[dns_char_bin(ch)]++;
        bool letter = is_letter(ch);
        bool digit = ch >= '0' && ch <= '9';
        letters += letter;
        if (i > 0 && (letter || digit)) {
            unsigned char prev = (unsigned char)label[i - 1];
            bool prev_digit = prev >= '0' && prev <= '9';
            if ((letter && prev_digit) || (digit && is_letter(prev)))
                switches++;
        }
        if (letter && is_vowel(ch)) {
            vowels++;
            run = 0;
        } else if (letter || digit) {
            if (++run > longest_run)
                longest_run = run;
        } else {
            run = 0;
        }
        if (i > 0 && letter && is_letter((unsigned char)label[i - 1]) &&
            ((common_bigrams[label[i - 1] - 'a'] >> (ch - 'a')) & 1u))
            common++;
    }
    double common_share = (double)common / (double)(n - 1);
    double s_rare = clamp01((0.8 - common_share) / 0.3);
    double s_entropy = clamp01((entropy_bits(counts, DNS_CHAR_BINS) - 2.5) / 1.0);
    double vowel_share = letters ? (double)vowels / (double)letters : 0.0;
    double s_vowels = letters ? clamp01((0.38 - vowel_share) / 0.2) : 0.0;
    double s_digits = clamp01(((double)switches - 1.0) / 3.0); /* hex: letters and digits interleaved */
    double s_run = clamp01(((double)longest_run - 2.0) / 3.0);
    double shape = s_vowels;
    if (s_digits > shape)
        shape = s_digits;
    if (s_run > shape)
        shape = s_run;
    return 0.5 * s_rare + 0.2 * s_entropy + 0.3 * shape;
}

static void top_add(struct top_client *top, const struct ip_addr *a)
{
    unsigned least = 0;
    for (unsigned i = 0; i < TOP_CLIENTS; i++) {
        if (top[i].count > 0 && memcmp(top[i].addr.b, a->b, 16) == 0) {
            top[i].count++;
            return;
        }
        if (top[i].count < top[least].count)
            least = i;
    }
    /* Space-saving: the newcomer inherits the smallest count (0 for an empty slot). */
    top[least].addr = *a;
    top[least].count++;
}

static const struct top_client *top_first(const struct top_client *top)
{
    const struct top_client *best = &top[0];
    for (unsigned i = 1; i < TOP_CLIENTS; i++)
        if (top[i].count > best->count ||
            (top[i].count == best->count && top[i].count > 0 && ip_addr_cmp(&top[i].addr, &best->addr) < 0))
            best = &top[i];
    return best;
}

/* ---------------------------------------------------------------- observing */

static void observe_tunnel(struct behavior *b, const struct obs_dns *dq, const char *key, size_t key_len,
                           const char *sub, size_t sub_len)
{
    struct domain *d = domain_get(b, key, key_len);
    if (d == NULL)
        return;
    d->queries++;
    if (sub_len > 0) {
        d->with_sub++;
        d->sub_len_sum += sub_len;
        for (size_t i = 0; i < sub_len; i++) {
            if (sub[i] == '.')
                continue;
            uint32_t *c = &d->chars[dns_char_bin((unsigned char)sub[i])];
            if (*c == UINT32_MAX)
                for (unsigned k = 0; k < DNS_CHAR_BINS; k++)
                    d->chars[k] /= 2;
            (*c)++;
        }
        distinct_add(&d->subs, hash64(sub, sub_len, SUB_SEED));
    }
    if (dns_qtype_is_odd(dq->qtype))
        d->odd_types++;
    if (dq->rcode == 3)
        d->nxdomain++;
    top_add(d->top, &dq->client);
    if (d->queries == 1 || dq->ts_us < d->first_us)
        d->first_us = dq->ts_us;
    if (d->queries == 1 || dq->ts_us >= d->last_us) {
        d->last_us = dq->ts_us;
        copy_uid(d->uid, dq->uid);
        d->resolver = dq->server;
    }
    d->dirty = true;
}

static void observe_dga(struct behavior *b, const struct obs_dns *dq, const char *reg, size_t reg_len)
{
    struct host *h = host_get(b, &dq->client);
    if (h == NULL)
        return;
    h->nxdomains++;
    const char *dot = memchr(reg, '.', reg_len);
    size_t label_len = dot ? (size_t)(dot - reg) : reg_len;
    double r = dga_label_score(reg, label_len);
    if (r < DGA_RANDOM_MIN)
        return;
    h->random_answers++;
    h->random_sum += r;
    if (h->random_answers == 1 || dq->ts_us < h->first_us)
        h->first_us = dq->ts_us;
    distinct_add(&h->random_names, hash64(reg, reg_len, DOMAIN_SEED));
    if (h->random_answers == 1 || dq->ts_us >= h->last_us) {
        h->last_us = dq->ts_us;
        copy_uid(h->uid, dq->uid);
        h->resolver = dq->server;
        uint32_t id = strpool_intern(&b->pool, reg, reg_len);
        if (id != STRPOOL_NONE) {
            if (h->has_example)
                strpool_unref(&b->pool, h->example_id);
            h->example_id = id;
            h->has_example = true;
        }
    }
}

void dns_observe(struct behavior *b, const struct obs_dns *d)
{
    char q[NAME_MAX_LEN + 1];
    size_t n = behavior_normalize_name(d->query, false, q);
    struct dns_name_parts parts;
    if (n == 0 || !dns_name_split_cached(b->psl, &b->dns_names, q, n, &parts))
        return;
    observe_tunnel(b, d, parts.key, parts.key_len, parts.sub, parts.sub_len);
    if (parts.registered && d->rcode == 3)
        observe_dga(b, d, parts.key, parts.key_len);
}

/* ----------------------------------------------------------------- scoring */

static double tunnel_score(const struct domain *d, uint64_t unique, double *mean_len, double *entropy,
                           double *odd_share)
{
    *mean_len = d->with_sub ? (double)d->sub_len_sum / (double)d->with_sub : 0.0;
    *entropy = entropy_bits(d->chars, DNS_CHAR_BINS);
    *odd_share = d->queries ? (double)d->odd_types / (double)d->queries : 0.0;
    double s_unique = unique > 20 ? clamp01(log((double)unique / 20.0) / log(5.0)) : 0.0;
    double s_len = clamp01((*mean_len - 12.0) / 18.0);
    double s_random = clamp01((*entropy - 2.8) / 1.0);
    double s_types = clamp01(*odd_share / 0.5);
    return s_unique * (0.4 * s_len + 0.4 * s_random + 0.2 * s_types);
}

void dns_tunnel_collect(struct behavior *b, struct finding_list *out)
{
    for (uint32_t id = 0; id < b->domains.t.ids.next_fresh; id++) {
        struct domain *d = &b->domains.e[id];
        if (!d->live || d->done || !d->dirty)
            continue;
        d->dirty = false;
        uint64_t unique = distinct_count(&d->subs);
        struct finding f = {
            .kind = FINDING_DNS_TUNNEL,
            .reason = "dns tunnel",
            .attack = "T1071.004",
            .first_us = d->first_us,
            .last_us = d->last_us,
            .src = top_first(d->top)->addr,
            /* every alert names both ends: the host and the resolver it asked */
            .has_dst = true,
            .dst = d->resolver,
            .dst_port = 53,
            .proto = 17,
            .name = strpool_str(&b->pool, d->name_id),
            .uid = d->uid,
            .count = d->queries,
            .unique_names = unique,
            .nxdomains = d->nxdomain,
        };
        f.score = tunnel_score(d, unique, &f.avg_label_len, &f.entropy, &f.odd_type_share);
        if (f.score < b->cfg.tunnel_threshold)
            continue;
        if (!behavior_allowed(b, &f) && !finding_list_push(out, &f)) {
            d->dirty = true;
            continue;
        }
        d->done = true;
    }
}

void dga_collect(struct behavior *b, struct finding_list *out)
{
    unsigned min = b->cfg.dga_min_nxdomains ? b->cfg.dga_min_nxdomains : 1;
    for (uint32_t id = 0; id < b->hosts.t.ids.next_fresh; id++) {
        struct host *h = &b->hosts.e[id];
        if (!h->live || h->done || h->random_answers < min)
            continue;
        uint64_t distinct = distinct_count(&h->random_names);
        if (distinct < min)
            continue;
        double mean_random = h->random_sum / (double)h->random_answers;
        struct finding f = {
            .kind = FINDING_DGA,
            .reason = "nxdomain for random-looking domains",
            .attack = "T1568.002",
            .score = 0.5 + 0.25 * clamp01((double)distinct / (4.0 * min)) + 0.25 * clamp01(mean_random),
            .first_us = h->first_us,
            .last_us = h->last_us,
            .src = h->addr,
            .has_dst = true,
            .dst = h->resolver,
            .dst_port = 53,
            .proto = 17,
            .name = h->has_example ? strpool_str(&b->pool, h->example_id) : NULL,
            .uid = h->uid,
            .count = distinct,
            .nxdomains = h->nxdomains,
            .unique_names = distinct,
        };
        /* The example name is one of many: only source rules may silence a host. */
        struct finding probe = f;
        probe.name = NULL;
        if (!behavior_allowed(b, &probe) && !finding_list_push(out, &f))
            continue;
        h->done = true;
    }
}
