/* util/strcut: n bytes copied into a fixed buffer as a C string, cut to
 * fit (the log reader's names, observed host names, feed fields, asset
 * text), or whole or not at all (data-file fields). */
#ifndef VIGIL_UTIL_STRCUT_H
#define VIGIL_UTIL_STRCUT_H

#include <stdbool.h>
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

/* The whole of s into dst, for a data-file field that must not be cut:
 * false, dst untouched, when s is empty or does not fit. */
static inline bool strcut_copy_whole(char *dst, size_t cap, const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n >= cap)
        return false;
    memcpy(dst, s, n + 1);
    return true;
}

#endif
