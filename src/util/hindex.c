#include "util/hindex.h"

#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ hindex */

static uint32_t slot_id(uint64_t slot)
{
    return (uint32_t)slot - 1;
}

static uint32_t slot_hash(uint64_t slot)
{
    return (uint32_t)(slot >> 32);
}

static bool hindex_alloc(struct hindex *h, size_t n_slots)
{
    h->slots = calloc(n_slots, sizeof *h->slots);
    if (h->slots == NULL)
        return false;
    h->mask = (uint32_t)(n_slots - 1);
    return true;
}

bool hindex_init(struct hindex *h, size_t cap)
{
    memset(h, 0, sizeof *h);
    size_t n = 16;
    while (n < 2 * cap && n < ((size_t)1 << 31))
        n *= 2;
    return hindex_alloc(h, n);
}

void hindex_free(struct hindex *h)
{
    free(h->slots);
    memset(h, 0, sizeof *h);
}

void hindex_clear(struct hindex *h)
{
    if (h->slots != NULL)
        memset(h->slots, 0, ((size_t)h->mask + 1) * sizeof *h->slots);
    h->count = 0;
}

uint32_t hindex_find(const struct hindex *h, uint32_t hash32, hindex_eq_fn eq, const void *ctx, const void *key)
{
    if (h->slots == NULL)
        return HINDEX_NONE;
    uint32_t i = hash32 & h->mask;
    for (;;) {
        uint64_t s = h->slots[i];
        if (s == 0)
            return HINDEX_NONE;
        if (slot_hash(s) == hash32 && eq(ctx, slot_id(s), key))
            return slot_id(s);
        i = (i + 1) & h->mask;
    }
}

static void place(uint64_t *slots, uint32_t mask, uint64_t s)
{
    uint32_t i = slot_hash(s) & mask;
    while (slots[i] != 0)
        i = (i + 1) & mask;
    slots[i] = s;
}

static bool hindex_grow(struct hindex *h)
{
    size_t old_n = (size_t)h->mask + 1;
    if (old_n >= ((size_t)1 << 31))
        return false;
    uint64_t *old = h->slots;
    if (!hindex_alloc(h, old_n * 2)) {
        h->slots = old;
        return false;
    }
    for (size_t i = 0; i < old_n; i++)
        if (old[i] != 0)
            place(h->slots, h->mask, old[i]);
    free(old);
    return true;
}

bool hindex_insert(struct hindex *h, uint32_t hash32, uint32_t id)
{
    if (h->slots == NULL && !hindex_init(h, 8))
        return false;
    if (((size_t)h->count + 1) * 2 > (size_t)h->mask + 1 && !hindex_grow(h))
        return false;
    place(h->slots, h->mask, ((uint64_t)hash32 << 32) | ((uint64_t)id + 1));
    h->count++;
    return true;
}

/* Is `home` cyclically outside (hole, j]? Then the entry at j may move back into the hole. */
static bool may_move(uint32_t hole, uint32_t j, uint32_t home)
{
    if (hole <= j)
        return home <= hole || home > j;
    return home <= hole && home > j;
}

void hindex_remove(struct hindex *h, uint32_t hash32, uint32_t id)
{
    if (h->slots == NULL)
        return;
    uint32_t i = hash32 & h->mask;
    for (;;) {
        uint64_t s = h->slots[i];
        if (s == 0)
            return;
        if (slot_id(s) == id)
            break;
        i = (i + 1) & h->mask;
    }
    uint32_t hole = i, j = i;
    for (;;) {
        j = (j + 1) & h->mask;
        uint64_t s = h->slots[j];
        if (s == 0)
            break;
        if (may_move(hole, j, slot_hash(s) & h->mask)) {
            h->slots[hole] = s;
            hole = j;
        }
    }
    h->slots[hole] = 0;
    h->count--;
}

/* -------------------------------------------------------- tables of slots */

bool hindex_slots_regrow(void **slots, size_t *cap, size_t new_cap, size_t size, int empty,
                         bool (*used)(const void *slot), uint64_t (*hash)(const void *ctx, const void *slot),
                         const void *ctx)
{
    unsigned char *fresh = malloc(new_cap * size);
    if (fresh == NULL)
        return false;
    memset(fresh, empty, new_cap * size);
    const unsigned char *old = *slots;
    for (size_t i = 0; i < *cap; i++) {
        const unsigned char *o = old + i * size;
        if (!used(o))
            continue;
        size_t j = hash(ctx, o) & (new_cap - 1);
        while (used(fresh + j * size))
            j = (j + 1) & (new_cap - 1);
        memcpy(fresh + j * size, o, size);
    }
    free(*slots);
    *slots = fresh;
    *cap = new_cap;
    return true;
}

/* ----------------------------------------------------------------- idalloc */

bool idalloc_init(struct idalloc *a, size_t cap)
{
    memset(a, 0, sizeof *a);
    if (cap == 0 || cap >= HINDEX_NONE)
        return false;
    a->free_ids = malloc(cap * sizeof *a->free_ids);
    if (a->free_ids == NULL)
        return false;
    a->cap = (uint32_t)cap;
    return true;
}

void idalloc_free(struct idalloc *a)
{
    free(a->free_ids);
    memset(a, 0, sizeof *a);
}

uint32_t idalloc_get(struct idalloc *a)
{
    uint32_t id;
    if (a->n_free > 0)
        id = a->free_ids[--a->n_free];
    else if (a->next_fresh < a->cap)
        id = a->next_fresh++;
    else
        return HINDEX_NONE;
    a->used++;
    return id;
}

void idalloc_put(struct idalloc *a, uint32_t id)
{
    a->free_ids[a->n_free++] = id;
    a->used--;
}

uint32_t idalloc_clock(struct idalloc *a)
{
    uint32_t id = a->hand;
    a->hand = a->hand + 1 >= a->cap ? 0 : a->hand + 1;
    return id;
}
