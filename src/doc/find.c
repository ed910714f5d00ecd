/* Byte search the readers share (doc_internal.h). */
#include "doc/doc_internal.h"

#include <string.h>
#include <strings.h>

const uint8_t *find_ci(const uint8_t *p, size_t n, const char *needle)
{
    size_t k = strlen(needle);
    if (k == 0 || n < k)
        return NULL;
    uint8_t lo = (uint8_t)(needle[0] | 0x20), up = (uint8_t)(needle[0] & ~0x20);
    bool alpha = (lo >= 'a' && lo <= 'z');
    for (size_t i = 0; i + k <= n; i++) {
        uint8_t c = p[i];
        if (alpha ? (c != lo && c != up) : c != (uint8_t)needle[0])
            continue;
        if (strncasecmp((const char *)p + i, needle, k) == 0)
            return p + i;
    }
    return NULL;
}
