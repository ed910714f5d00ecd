#include "incident/slot_index.h"

#include <stdlib.h>

uint64_t slot_hash_bytes(const void *p, size_t n)
{
    const uint8_t *b = p;
    uint64_t h = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < n; i++) {
        h ^= b[i];
        h *= 0x100000001b3ull;
    }
    h ^= h >> 29;
    h *= 0xbf58476d1ce4e5b9ull;
    return h ^ (h >> 32);
}

int64_t slot_find(const struct slot_index *ix, uint64_t hash, slot_eq_fn eq, const void *ctx)
{
    if (ix->cap == 0)
        return -1;
    size_t mask = ix->cap - 1;
    for (size_t i = hash & mask;; i = (i + 1) & mask) {
        uint32_t s = ix->slots[i];
        if (s == 0)
            return -1;
        if (eq(ctx, s - 1))
            return s - 1;
    }
}

static void place(uint32_t *slots, size_t cap, uint64_t hash, uint32_t pos)
{
    size_t mask = cap - 1;
    size_t i = hash & mask;
    while (slots[i] != 0)
        i = (i + 1) & mask;
    slots[i] = pos + 1;
}

bool slot_insert(struct slot_index *ix, uint64_t hash, uint32_t pos, slot_hash_fn hash_of, const void *ctx)
{
    if ((ix->n + 1) * 2 > ix->cap) {
        size_t cap = ix->cap ? ix->cap * 2 : 64;
        uint32_t *slots = calloc(cap, sizeof *slots);
        if (slots == NULL)
            return false;
        for (size_t i = 0; i < ix->cap; i++)
            if (ix->slots[i])
                place(slots, cap, hash_of(ctx, ix->slots[i] - 1), ix->slots[i] - 1);
        free(ix->slots);
        ix->slots = slots;
        ix->cap = cap;
    }
    place(ix->slots, ix->cap, hash, pos);
    ix->n++;
    return true;
}

void slot_free(struct slot_index *ix)
{
    free(ix->slots);
    ix->slots = NULL;
    ix->cap = ix->n = 0;
}
