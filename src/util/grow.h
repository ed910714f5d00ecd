/* A growable array's room: *p (of *cap elements of elem bytes each) grows
 * to hold at least need, its capacity doubling from first. 0, or -1 when
 * out of memory (the array is then unchanged). */
#ifndef VIGIL_UTIL_GROW_H
#define VIGIL_UTIL_GROW_H

#include <stdlib.h>

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

#endif
