/* Growable memory: an array's room (grow_array), a byte buffer's room up
 * to a limit (grow_bytes) and appends to it (grow_bytes_append).
 *
 * grow_array: *p (of *cap elements of elem bytes each) grows
 * to hold at least need, its capacity doubling from first. 0, or -1 when
 * out of memory (the array is then unchanged). */
#ifndef VIGIL_UTIL_GROW_H
#define VIGIL_UTIL_GROW_H

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static inline int grow_array(void **p, size_t *cap, size_t need, size_t elem, size_t first)
{
    if (*cap >= need)
        return 0;
    size_t n = *cap ? *cap * 2 : first;
    while (n < need)
        n *= 2;
    void *q = realloc(*p, n * elem);
    if (q == NULL)
        return -1;
    *p = q;
    *cap = n;
    return 0;
}

/* The capacity a buffer of cap bytes grows to so as to hold need bytes:
 * doubling from first, never past limit (SIZE_MAX: no limit). The caller
 * decides what a need beyond limit means. */
static inline size_t grow_capacity(size_t cap, size_t need, size_t first, size_t limit)
{
    size_t n = cap ? cap : first;
    while (n < need)
        n *= 2;
    return n > limit ? limit : n;
}

/* A byte buffer's room: *buf (of *cap bytes) grows to hold need bytes, see
 * grow_capacity. false when need is past limit or memory is out (the
 * buffer is then unchanged). */
static inline bool grow_bytes(uint8_t **buf, size_t *cap, size_t need, size_t first, size_t limit)
{
    if (need <= *cap)
        return true;
    if (need > limit)
        return false;
    size_t n = grow_capacity(*cap, need, first, limit);
    uint8_t *q = realloc(*buf, n);
    if (q == NULL)
        return false;
    *buf = q;
    *cap = n;
    return true;
}

/* Appends p[0..n) to *buf of *len bytes, growing it as grow_bytes does;
 * false (nothing appended) when out of memory or past limit. */
static inline bool grow_bytes_append(uint8_t **buf, size_t *len, size_t *cap, const uint8_t *p, size_t n,
                                     size_t first, size_t limit)
{
    if (n == 0) /* an empty append on an empty buffer: no pointer arithmetic on NULL */
        return true;
    if (!grow_bytes(buf, cap, *len + n, first, limit))
        return false;
    memcpy(*buf + *len, p, n);
    *len += n;
    return true;
}

#endif
