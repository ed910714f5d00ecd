/* util/strcut: n bytes copied into a fixed buffer as a C string, cut to
 * fit (the log reader's names, observed host names, feed fields, asset
 * text). */
#ifndef VIGIL_UTIL_STRCUT_H
#define VIGIL_UTIL_STRCUT_H

#include <stddef.h>
#include <string.h>

/* At most cap-1 of src's n bytes and a NUL into dst; nothing when cap is 0. */
static inline void strcut_copy(char *dst, size_t cap, const void *src, size_t n)
{
    if (cap == 0)
        return;
    if (n >= cap)
        n = cap - 1;
    memcpy(dst, src, n);
    dst[n] = '\0';
}

#endif
