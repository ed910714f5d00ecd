#include "hunt/sightings.h"

#include <stdlib.h>
#include <string.h>

#include "detect/sighting.h"
#include "util/grow.h"
#include "util/hindex.h"
#include "util/mix.h"

/* Few distinct sightings are expected (each one is an incident), so a
 * growable array with a small index is plenty. */
struct sightings {
    struct sighting_summary *items;
    size_t n, cap;
    struct hindex index;  /* (entry, where) -> item */
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
    hindex_free(&s->index);
    free(s);
}

size_t sightings_count(const struct sightings *s)
{
    return s->n;
}

static uint32_t key_hash(const struct intel_entry *entry, const char *where)
{
    uint64_t h = 1469598103934665603ull ^ entry->id;
    for (const char *p = where; *p; p++)
        h = (h ^ (uint8_t)*p) * 1099511628211ull;
    return (uint32_t)mix64(h);
}

static bool key_eq(const void *ctx, uint32_t id, const void *key)
{
    const struct sighting_summary *it = &((const struct sightings *)ctx)->items[id];
    const struct intel_sighting *hit = key;
    return it->entry == hit->entry && strcmp(it->where, hit->where) == 0;
}

static struct sighting_summary *find_or_add(struct sightings *s, const struct intel_sighting *hit)
{
    uint32_t h = key_hash(hit->entry, hit->where);
    uint32_t id = hindex_find(&s->index, h, key_eq, s, hit);
    if (id != HINDEX_NONE)
        return &s->items[id];
    if (grow_array((void **)&s->items, &s->cap, s->n + 1, sizeof *s->items, 64) < 0 ||
        !hindex_insert(&s->index, h, (uint32_t)s->n))
        return NULL;
    struct sighting_summary *it = &s->items[s->n++];
    memset(it, 0, sizeof *it);
    it->entry = hit->entry;
    it->where = hit->where; /* the key; sighting_tally sets the rest */
    return it;
}

/* A summary keeps all it has room for. */
static const struct sighting_caps summary_caps = {
    .seen = sizeof(((struct sighting_summary *)0)->seen),
    .hosts = SIGHTING_MAX_HOSTS,
    .uids = SIGHTING_MAX_UIDS,
};

void sightings_add(struct sightings *s, const struct intel_sighting *hit)
{
    struct sighting_summary *it = find_or_add(s, hit);
    if (it != NULL)
        sighting_tally(it, hit, &summary_caps);
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
    /* the index points at old positions: renumber it for later adds */
    hindex_clear(&s->index);
    for (size_t i = 0; i < s->n; i++)
        hindex_insert(&s->index, key_hash(s->items[i].entry, s->items[i].where), (uint32_t)i);
    for (size_t i = 0; i < s->n; i++)
        fn(ctx, &s->items[i]);
}
