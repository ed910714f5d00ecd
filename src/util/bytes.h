/* A view of bytes owned by someone else: it lives no longer than the buffer
 * it points into. */
#ifndef VIGIL_UTIL_BYTES_H
#define VIGIL_UTIL_BYTES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* p is NULL when the value is unset, and may be non-NULL with n == 0 when it
 * is present but empty. */
struct byte_view {
    const uint8_t *p;
    size_t n;
};

/* Copies p[0..n) into dst[cap] as a C string, cut to cap - 1 bytes (cap > 0);
 * returns the length kept. */
static inline size_t bytes_copy_cstr(char *dst, size_t cap, const void *p, size_t n)
{
    if (n >= cap)
        n = cap - 1;
    if (n > 0)
        memcpy(dst, p, n);
    dst[n] = '\0';
    return n;
}

/* Moves bytes from the front of the input (*p, *n bytes) to the end of dst
 * (*len bytes held) until dst holds want bytes or the input is spent, as a
 * framed parser gathers a header or a message; the bytes moved. */
static inline size_t bytes_fill(uint8_t *dst, size_t *len, size_t want, const uint8_t **p, size_t *n)
{
    size_t take = want - *len < *n ? want - *len : *n;
    if (take > 0)
        memcpy(dst + *len, *p, take);
    *len += take;
    *p += take;
    *n -= take;
    return take;
}

/* A 2-byte big-endian length prefix gathered from the input as bytes_fill
 * does (DNS and OpenVPN over TCP put one before each message): true once
 * its two bytes are in prefix (*have == 2), with its value in *len. */
static inline bool bytes_fill_be16(uint8_t prefix[2], size_t *have, const uint8_t **p, size_t *n, size_t *len)
{
    bytes_fill(prefix, have, 2, p, n);
    if (*have < 2)
        return false;
    *len = (size_t)prefix[0] << 8 | prefix[1];
    return true;
}

#endif
