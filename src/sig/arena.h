/* Private to sig/: where a loaded rule set keeps its rules. A set holds
 * tens of thousands of rules, each a few small blocks written once at load
 * and read on every match: packed into 2 MiB chunks the kernel may back
 * with huge pages, they cost a page fault per chunk instead of one per
 * 4 KiB, and sit together in the cache. Everything lives until the set is
 * freed. */
#ifndef VIGIL_SIG_ARENA_H
#define VIGIL_SIG_ARENA_H

#include <stddef.h>

struct sig_arena_chunk;

struct sig_arena {
    struct sig_arena_chunk *chunks; /* newest first */
};

/* n bytes, 16-byte aligned, zeroed; NULL when out of memory. Valid until
 * sig_arena_free. */
void *sig_arena_alloc(struct sig_arena *a, size_t n);
/* A copy of n bytes in the arena; NULL when out of memory. Valid until
 * sig_arena_free. */
void *sig_arena_copy(struct sig_arena *a, const void *p, size_t n);
void sig_arena_free(struct sig_arena *a);

#endif
