/* Base64 alphabet lookups shared by the parsers that decode it (HTTP Basic
 * auth, MIME bodies). Streaming decoders keep their own state. */
#ifndef VIGIL_UTIL_BASE64_H
#define VIGIL_UTIL_BASE64_H

#include <ctype.h>
#include <stdbool.h>
#include <stddef.h>
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

/* What base64_decode_lenient does with a byte outside the alphabet. */
enum base64_stray {
    BASE64_STOP,           /* stop there (HTTP's Authorization, like Zeek's) */
    BASE64_SKIP_PAD_SPACE, /* pass over '=' and white space, stop at others (Suricata's from_base64) */
    BASE64_SKIP_ANY,       /* pass over every one (MIME encoded words) */
};

/* Decodes in[0, n) into out (cap bytes at most); the bytes written. */
static inline size_t base64_decode_lenient(const uint8_t *in, size_t n, uint8_t *out, size_t cap,
                                           enum base64_stray stray)
{
    uint32_t acc = 0;
    int bits = 0;
    size_t o = 0;
    for (size_t i = 0; i < n && o < cap; i++) {
        int v = base64_value(in[i]);
        if (v < 0) {
            if (stray == BASE64_SKIP_ANY || (stray == BASE64_SKIP_PAD_SPACE && (in[i] == '=' || isspace(in[i]))))
                continue;
            break;
        }
        acc = acc << 6 | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[o++] = (uint8_t)(acc >> bits);
        }
    }
    return o;
}

#endif
