/* Base64 alphabet lookups shared by the parsers that decode it (HTTP Basic
 * auth, MIME bodies). Streaming decoders keep their own state. */
#ifndef VIGIL_UTIL_BASE64_H
#define VIGIL_UTIL_BASE64_H

#include <stdint.h>

/* The 6-bit value of a base64 character, or -1 outside the alphabet. */
static inline int base64_value(uint8_t c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+')
        return 62;
    if (c == '/')
        return 63;
    return -1;
}

#endif
