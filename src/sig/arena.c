#include "sig/arena.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

/* The x86-64 huge page: a chunk aligned on it can be one page. */
#define CHUNK_BYTES ((size_t)2 << 20)

struct sig_arena_chunk {
    struct sig_arena_chunk *next;
    size_t used, size;          /* bytes of data[] */
    _Alignas(16) unsigned char data[];
};

static struct sig_arena_chunk *chunk_new(size_t need)
{
    size_t head = offsetof(struct sig_arena_chunk, data);
    size_t total = need + head > CHUNK_BYTES ? need + head : CHUNK_BYTES;
    void *mem = NULL;
    if (posix_memalign(&mem, CHUNK_BYTES, total) != 0)
        return NULL;
    /* Advice only: without transparent huge pages the chunk is ordinary memory. */
    (void)madvise(mem, total, MADV_HUGEPAGE);
    struct sig_arena_chunk *c = mem;
    c->next = NULL;
    c->used = 0;
    c->size = total - head;
    return c;
}

void *sig_arena_alloc(struct sig_arena *a, size_t n)
{
    size_t want = (n + 15) & ~(size_t)15;
    if (want < n)
        return NULL;
    struct sig_arena_chunk *c = a->chunks;
    if (!c || c->size - c->used < want) {
        c = chunk_new(want);
        if (!c)
            return NULL;
        c->next = a->chunks;
        a->chunks = c;
    }
    void *p = c->data + c->used;
    c->used += want;
    memset(p, 0, n);
    return p;
}

void *sig_arena_copy(struct sig_arena *a, const void *p, size_t n)
{
    void *q = sig_arena_alloc(a, n);
    if (q && n)
        memcpy(q, p, n);
    return q;
}

void sig_arena_free(struct sig_arena *a)
{
    while (a->chunks) {
        struct sig_arena_chunk *next = a->chunks->next;
        free(a->chunks);
        a->chunks = next;
    }
}
