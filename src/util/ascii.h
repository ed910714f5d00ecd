/* ASCII helpers that parsers of wire and feed text share, and the 8-byte
 * word tests of the log writers' string scans: no locale, no allocation. */
#ifndef VIGIL_UTIL_ASCII_H
#define VIGIL_UTIL_ASCII_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

/* The value of one hexadecimal digit, or -1; takes a char or an unsigned byte. */
static inline int hex_value(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* v (0..255) in decimal, no leading zero, at out: 1 to 3 bytes, no NUL;
 * returns how many. By hand, for the dotted quads of every log line. */
static inline size_t ascii_u8_decimal(char *out, unsigned v)
{
    size_t len = 0;
    if (v >= 100)
        out[len++] = (char)('0' + v / 100);
    if (v >= 10)
        out[len++] = (char)('0' + v / 10 % 10);
    out[len++] = (char)('0' + v % 10);
    return len;
}

/* Eight bytes at a time, for the writers' scans of log strings (the bit
 * tricks of "Bit Twiddling Hacks": haszero, hasless). Each is exact as a
 * yes/no over the word w loaded with memcpy. Whether a byte of w is c: */
static inline bool ascii_word_has(uint64_t w, uint8_t c)
{
    const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
    uint64_t x = w ^ (ones * c);
    return ((x - ones) & ~x & highs) != 0;
}

/* Whether a byte of w is below 0x20 or 0x7f and up (not printable ASCII). */
static inline bool ascii_word_unprintable(uint64_t w)
{
    const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
    uint64_t below_space = (w - ones * 0x20) & ~w;
    uint64_t from_del = (w + ones) | w; /* a byte above 0x7e sets its high bit */
    return ((below_space | from_del) & highs) != 0;
}

/* ASCII only, whatever the locale. */
static inline char ascii_lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

/* Whether p[0..n) is s, ignoring ASCII case. */
static inline bool bytes_eq_nocase(const void *p, size_t n, const char *s)
{
    size_t k = strlen(s);
    return n == k && strncasecmp((const char *)p, s, k) == 0;
}

/* Whether p[0..n) starts with s, ignoring ASCII case. */
static inline bool bytes_prefix_nocase(const void *p, size_t n, const char *s)
{
    size_t k = strlen(s);
    return n >= k && strncasecmp((const char *)p, s, k) == 0;
}

/* A domain as feeds and allow-lists write it, cut to the name: a leading
 * "*." or "." (which only say "and its subdomains") and one trailing dot
 * (the root) go. */
static inline void domain_text_trim(const char **p, size_t *n)
{
    if (*n >= 2 && (*p)[0] == '*' && (*p)[1] == '.') {
        *p += 2;
        *n -= 2;
    } else if (*n >= 1 && (*p)[0] == '.') {
        (*p)++;
        (*n)--;
    }
    if (*n > 0 && (*p)[*n - 1] == '.')
        (*n)--;
}

#endif
