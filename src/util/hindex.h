/* Two containers for tables of fixed-size entries that the caller keeps in
 * arrays:
 *  - hindex: open addressing (linear probing, backward-shift deletion) from a
 *    32-bit hash to a caller's entry id;
 *  - idalloc: hands out entry ids 0..cap-1 and takes them back, with a clock
 *    for choosing what a full table evicts.
 * Both own their arrays: *_free releases them. */
#ifndef VIGIL_UTIL_HINDEX_H
#define VIGIL_UTIL_HINDEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct hindex {
    uint64_t *slots;   /* (hash32 << 32) | (id + 1); 0 = empty */
    uint32_t mask;
    uint32_t count;
};

typedef bool (*hindex_eq_fn)(const void *ctx, uint32_t id, const void *key);

#define HINDEX_NONE UINT32_MAX

/* Starts with room for `cap` ids at load <= 1/2 and grows (doubling) past
 * that. False on allocation failure. A zeroed struct hindex is an empty
 * index too: its first insert allocates. */
bool hindex_init(struct hindex *h, size_t cap);
void hindex_free(struct hindex *h);
/* Empties h and keeps its room: as many inserts as it held before cannot
 * fail (the entries renumbered, say). */
void hindex_clear(struct hindex *h);
uint32_t hindex_find(const struct hindex *h, uint32_t hash32, hindex_eq_fn eq, const void *ctx, const void *key);
/* The caller guarantees the key is absent. False when growing failed. */
bool hindex_insert(struct hindex *h, uint32_t hash32, uint32_t id);
/* Removes the slot holding id (found from hash32); no-op when absent. */
void hindex_remove(struct hindex *h, uint32_t hash32, uint32_t id);

/* A table that keeps its entries in its own slots (linear probing, no
 * deletion) grows here: *slots, of *cap slots of `size` bytes each (a
 * power of two, or 0), becomes a fresh table of new_cap slots (a power of
 * two, larger), every byte `empty` (0, or 0xff for tables whose empty slot
 * holds an all-ones id), and each used slot moves to the first empty one
 * from hash(ctx, slot) & (new_cap - 1), in slot order: the table inserting
 * them again would give. used(slot) tells a used slot; hash gives back the
 * hash its key was placed by. False (the table unchanged) when out of
 * memory. */
bool hindex_slots_regrow(void **slots, size_t *cap, size_t new_cap, size_t size, int empty,
                         bool (*used)(const void *slot), uint64_t (*hash)(const void *ctx, const void *slot),
                         const void *ctx);

/* idalloc */

struct idalloc {
    uint32_t cap, used, next_fresh, n_free;
    uint32_t *free_ids;
    uint32_t hand;     /* eviction clock */
};

bool idalloc_init(struct idalloc *a, size_t cap);
void idalloc_free(struct idalloc *a);
/* HINDEX_NONE when all cap ids are in use. */
uint32_t idalloc_get(struct idalloc *a);
void idalloc_put(struct idalloc *a, uint32_t id);
/* The next id of the eviction clock: a full table samples its eviction
 * candidates here, so which entry goes depends on nothing but the input. */
uint32_t idalloc_clock(struct idalloc *a);

#endif
