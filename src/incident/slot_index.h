/* incident/slot_index: an open-addressing index from a 64-bit hash to the
 * position of an entry in the caller's array. The caller owns the entries
 * and says which one equals the key, so any key type works. */
#ifndef VIGIL_INCIDENT_SLOT_INDEX_H
#define VIGIL_INCIDENT_SLOT_INDEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct slot_index {
    uint32_t *slots;   /* 0 = empty, else entry position + 1 */
    size_t cap;        /* a power of two */
    size_t n;
};

typedef bool (*slot_eq_fn)(const void *ctx, uint32_t pos);
typedef uint64_t (*slot_hash_fn)(const void *ctx, uint32_t pos);

/* The position of the entry equal to the key, or -1. */
int64_t slot_find(const struct slot_index *ix, uint64_t hash, slot_eq_fn eq, const void *ctx);
/* Records `pos` for a key known to be absent; grows (rehashing every entry
 * through hash_of) at half load. False when memory runs out. */
bool slot_insert(struct slot_index *ix, uint64_t hash, uint32_t pos, slot_hash_fn hash_of, const void *ctx);
void slot_free(struct slot_index *ix);

uint64_t slot_hash_bytes(const void *p, size_t n);

#endif
