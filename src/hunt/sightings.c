#include "hunt/sightings.h"

#include <stdlib.h>
#include <string.h>

#include "util/grow.h"
#include "util/mix.h"

/* Few distinct sightings are expected (each one is an incident), so a
 * growable array with a small open-addressing index is plenty. */
struct sightings {
    struct sighting_summary *items;
    size_t n, cap;
    uint32_t *index;      /* slot -> item + 1, 0 empty */
    size_t index_cap;     /* power of two */
};

struct sightings *sightings_new(void)
{
    return calloc(1, sizeof(struct sightings));
}

void sightings_free(struct sightings *s)
{
    if (s == NULL)
        return;
    free(s->items);
    free(s->index);
    free(s);
}

size_t sightings_count(const struct sightings *s)
{
    return s->n;
}

static uint64_t key_hash(uint32_t entry_id, const char *where)
{
    uint64_t h = 1469598103934665603ull ^ entry_id;
    for (const char *p = where; *p; p++)
        h = (h ^ (uint8_t)*p) * 1099511628211ull;
    return mix64(h);
}

static bool grow_index(struct sightings *s)
{
    size_t cap = s->index_cap ? s->index_cap * 2 : 256;
    while (cap < (s->n + 1) * 2)
        cap *= 2;
    uint32_t *idx = calloc(cap, sizeof *idx);
    if (idx == NULL)
        return false;
    for (size_t i = 0; i < s->n; i++) {
        size_t slot = key_hash(s->items[i].entry->id, s->items[i].where) & (cap - 1);
        while (idx[slot])
            slot = (slot + 1) & (cap - 1);
        idx[slot] = (uint32_t)i + 1;
    }
    free(s->index);
    s->index = idx;
    s->index_cap = cap;
    return true;
}

static struct sighting_summary *find_or_add(struct sightings *s, const struct intel_sighting *hit)
{
    if ((s->n + 1) * 2 > s->index_cap && !grow_index(s))
        return NULL;
    size_t slot = key_hash(hit->entry->id, hit->where) & (s->index_cap - 1);
    while (s->index[slot]) {
        struct sighting_summary *it = &s->items[s->index[slot] - 1];
        if (it->entry == hit->entry && strcmp(it->where, hit->where) == 0)
            return it;
        slot = (slot + 1) & (s->index_cap - 1);
    }
    if (grow_array((void **)&s->items, &s->cap, s->n + 1, sizeof *s->items, 64) < 0)
        return NULL;
    struct sighting_summary *it = &s->items[s->n];
    memset(it, 0, sizeof *it);
    it->entry = hit->entry;
    it->where = hit->where; /* string literals of the match points */
    size_t n = hit->seen_len < sizeof it->seen - 1 ? hit->seen_len : sizeof it->seen - 1;
    memcpy(it->seen, hit->seen, n);
    it->seen_type = hit->seen_type;
    it->first_us = it->last_us = hit->ts_us;
    s->index[slot] = (uint32_t)++s->n;
    return it;
}

static void add_host(struct sighting_summary *it, const struct ip_addr *a)
{
    for (unsigned i = 0; i < it->n_hosts; i++)
        if (memcmp(&it->hosts[i], a, sizeof *a) == 0)
            return;
    if (it->n_hosts < SIGHTING_MAX_HOSTS)
        it->hosts[it->n_hosts++] = *a;
}

void sightings_add(struct sightings *s, const struct intel_sighting *hit)
{
    struct sighting_summary *it = find_or_add(s, hit);
    if (it == NULL)
        return;
    it->count++;
    if ((unsigned)hit->validity < INTEL_VALIDITY_COUNT)
        it->by_validity[hit->validity]++;
    if (hit->ts_us < it->first_us)
        it->first_us = hit->ts_us;
    if (hit->ts_us > it->last_us)
        it->last_us = hit->ts_us;
    if (hit->has_conn) {
        add_host(it, &hit->orig_h);
        add_host(it, &hit->resp_h);
    }
    if (hit->uid && hit->uid[0] && it->n_uids < SIGHTING_MAX_UIDS) {
        bool dup = false;
        for (unsigned i = 0; i < it->n_uids && !dup; i++)
            dup = strcmp(it->uids[i], hit->uid) == 0;
        if (!dup) {
            size_t n = strlen(hit->uid);
            if (n >= sizeof it->uids[0])
                n = sizeof it->uids[0] - 1;
            memcpy(it->uids[it->n_uids], hit->uid, n);
            it->uids[it->n_uids][n] = '\0';
            it->n_uids++;
        }
    }
}

static int compare_summaries(const void *a, const void *b)
{
    const struct sighting_summary *x = a, *y = b;
    if (x->first_us != y->first_us)
        return x->first_us < y->first_us ? -1 : 1;
    int c = strcmp(x->entry->indicator, y->entry->indicator);
    return c ? c : strcmp(x->where, y->where);
}

void sightings_each(struct sightings *s, void (*fn)(void *ctx, const struct sighting_summary *), void *ctx)
{
    if (s->n == 0)
        return;
    qsort(s->items, s->n, sizeof *s->items, compare_summaries);
    /* the index points at old positions: rebuild it for later adds */
    free(s->index);
    s->index = NULL;
    s->index_cap = 0;
    grow_index(s);
    for (size_t i = 0; i < s->n; i++)
        fn(ctx, &s->items[i]);
}
