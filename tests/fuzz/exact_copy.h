/* The input of a fuzz target copied into a buffer of its exact size, so
 * that ASan catches a read past the end (libFuzzer's own buffer may be
 * larger). */
#ifndef VIGIL_TESTS_FUZZ_EXACT_COPY_H
#define VIGIL_TESTS_FUZZ_EXACT_COPY_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* d[0..n) in a new buffer the caller frees (one byte when n is 0), or NULL
 * when out of memory. */
static inline void *fuzz_exact_copy(const uint8_t *d, size_t n)
{
    void *p = malloc(n ? n : 1);
    if (p != NULL && n > 0)
        memcpy(p, d, n);
    return p;
}

#endif
