/* libFuzzer target for MS-OVBA decompression (doc/ovba.c): copy tokens
 * whose offsets reach before the chunk, raw chunks, truncated headers.
 * Input: a CompressedContainer. */
#include <stdlib.h>

#include "doc/doc_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t n = 0;
    uint8_t *out = ovba_decompress(data, size, 1u << 20, &n);
    if (out != NULL && n > 0) {
        volatile uint8_t sink = out[n - 1];
        (void)sink;
    }
    free(out);
    return 0;
}
