/* libFuzzer target for the STIX pattern reader: the input is one pattern.
 * Checks what the reader promises: values inside the arena, NUL-terminated,
 * never more stored than asked for. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "intel/stix_pattern.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

#define FUZZ_MAX_CMP 8

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    char *pattern = malloc(n ? n : 1); /* exact sizes: over-reads and overruns are caught */
    char *arena = malloc(n ? n : 1);
    if (pattern == NULL || arena == NULL) {
        free(pattern);
        free(arena);
        return 0;
    }
    memcpy(pattern, d, n);
    struct stix_comparison cmp[FUZZ_MAX_CMP];
    struct stix_pattern_summary sum;
    int rc = stix_pattern_parse(pattern, n, arena, n, cmp, FUZZ_MAX_CMP, &sum);
    if (rc != 0 && rc != -1)
        __builtin_trap();
    if (rc == -1 && sum.reason == NULL)
        __builtin_trap();
    if (rc == 0) {
        size_t stored = sum.n_supported < FUZZ_MAX_CMP ? sum.n_supported : FUZZ_MAX_CMP;
        if (sum.n_supported == 0 && !sum.unsupported_may_match)
            __builtin_trap();
        for (size_t i = 0; i < stored; i++) {
            if (cmp[i].type >= INTEL_TYPE_COUNT || cmp[i].value < arena || cmp[i].value + cmp[i].len >= arena + n ||
                cmp[i].value[cmp[i].len] != '\0')
                __builtin_trap();
        }
    }
    free(pattern);
    free(arena);
    return 0;
}
