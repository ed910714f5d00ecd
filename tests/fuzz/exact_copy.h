/* The input of a fuzz target copied into a buffer of its exact size, so
 * that ASan catches a read past the end (libFuzzer's own buffer may be
 * larger). */
#ifndef VIGIL_TESTS_FUZZ_EXACT_COPY_H
#define VIGIL_TESTS_FUZZ_EXACT_COPY_H

#include <stdbool.h>
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

/* An input whose first byte picks a mode: the mode, and the rest in an
 * exact-size copy the caller frees. */
struct fuzz_moded_input {
    uint8_t mode;
    uint8_t *data;
    size_t len;
};

/* False when the input is empty or out of memory (nothing to free). */
static inline bool fuzz_mode_and_copy(const uint8_t *d, size_t n, struct fuzz_moded_input *in)
{
    if (n < 1)
        return false;
    in->mode = d[0];
    in->len = n - 1;
    in->data = fuzz_exact_copy(d + 1, n - 1);
    return in->data != NULL;
}

#endif
