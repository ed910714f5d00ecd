/* The Internet checksum (RFC 1071). Summing 64-bit words with end-around
 * carry gives the same one's-complement result as summing 16-bit words
 * (2^16 == 1 mod 0xffff), and working in native byte order is valid as long
 * as the result is only compared with values read the same way. */
#include "decode/decode_internal.h"

static inline uint64_t load64_native(const uint8_t *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

/* One's-complement addition of 64-bit words: the carry out of bit 63 is
 * added back in (2^64 == 1 mod 0xffff), so a word costs one add and one
 * compare. */
static inline uint64_t add_carry(uint64_t acc, uint64_t w)
{
    acc += w;
    return acc + (acc < w);
}

/* Adds the next word of the tail when width (4, 2 or 1, a constant at each
 * call so that the copy is a single load) bytes remain. The word sits in the
 * low bytes of a zero 64-bit word: on a little-endian host that is its value
 * as a 32- or 16-bit load, and an odd last byte is the high byte of a
 * zero-padded network-order word as RFC 1071 wants; on a big-endian host the
 * bytes land 32, 48 or 56 bits higher, a shift by a multiple of 16 for the
 * 4- and 2-byte words (2^16 == 1 mod 0xffff) and the network-order high byte
 * for the odd one. */
static inline uint64_t add_tail_word(uint64_t acc, const uint8_t **pp, size_t *np, size_t width)
{
    if (*np < width)
        return acc;
    uint64_t w = 0;
    memcpy(&w, *pp, width);
    *pp += width;
    *np -= width;
    return add_carry(acc, w);
}

#ifdef __SSE2__
#include <emmintrin.h>

/* The bulk of a payload, 32 bytes a step: 32-bit words widened into four
 * 64-bit lanes (SSE2 is part of every x86-64), added up at the end. */
static uint64_t checksum_bulk(uint64_t acc, const uint8_t **pp, size_t *np)
{
    const uint8_t *p = *pp;
    size_t n = *np;
    __m128i zero = _mm_setzero_si128(), s0 = zero, s1 = zero, s2 = zero, s3 = zero;
    while (n >= 32) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
        __m128i u = _mm_loadu_si128((const __m128i *)(const void *)(p + 16));
        s0 = _mm_add_epi64(s0, _mm_unpacklo_epi32(v, zero));
        s1 = _mm_add_epi64(s1, _mm_unpackhi_epi32(v, zero));
        s2 = _mm_add_epi64(s2, _mm_unpacklo_epi32(u, zero));
        s3 = _mm_add_epi64(s3, _mm_unpackhi_epi32(u, zero));
        p += 32;
        n -= 32;
    }
    s0 = _mm_add_epi64(_mm_add_epi64(s0, s1), _mm_add_epi64(s2, s3));
    uint64_t lanes[2];
    _mm_storeu_si128((__m128i *)(void *)lanes, s0);
    *pp = p;
    *np = n;
    return add_carry(add_carry(acc, lanes[0]), lanes[1]);
}
#endif

uint64_t checksum_add(uint64_t acc, const uint8_t *p, size_t n)
{
#ifdef __SSE2__
    if (n >= 64)
        acc = checksum_bulk(acc, &p, &n);
#endif
    while (n >= 32) {
        acc = add_carry(acc, load64_native(p));
        acc = add_carry(acc, load64_native(p + 8));
        acc = add_carry(acc, load64_native(p + 16));
        acc = add_carry(acc, load64_native(p + 24));
        p += 32;
        n -= 32;
    }
    while (n >= 8) {
        acc = add_carry(acc, load64_native(p));
        p += 8;
        n -= 8;
    }
    /* The tail: a 4-byte, a 2-byte and an odd 1-byte word, each a load of
     * a constant width (a zero-padded copy of a variable length costs a
     * memcpy call per packet on this hot path). */
    acc = add_tail_word(acc, &p, &n, 4);
    acc = add_tail_word(acc, &p, &n, 2);
    return add_tail_word(acc, &p, &n, 1);
}

uint16_t checksum_fold(uint64_t acc)
{
    acc = (acc & 0xffffffffu) + (acc >> 32);
    acc = (acc & 0xffffffffu) + (acc >> 32);
    acc = (acc & 0xffffu) + (acc >> 16);
    acc = (acc & 0xffffu) + (acc >> 16);
    acc = (acc & 0xffffu) + (acc >> 16);
    return (uint16_t)acc;
}

uint64_t checksum_pseudo(const struct packet *pkt, uint8_t proto, uint32_t len)
{
    uint8_t tail[8] = {
        (uint8_t)(len >> 24), (uint8_t)(len >> 16), (uint8_t)(len >> 8), (uint8_t)len,
        0, 0, 0, proto,
    };
    uint64_t acc;
    if (pkt->ip_version == 4) {
        acc = checksum_add(0, pkt->src.b + 12, 4);
        acc = checksum_add(acc, pkt->dst.b + 12, 4);
    } else {
        acc = checksum_add(0, pkt->src.b, 16);
        acc = checksum_add(acc, pkt->dst.b, 16);
    }
    /* IPv4's 12-byte pseudo-header and IPv6's 40-byte one differ only in how
     * wide the length field is; both sum to the same value here. */
    return checksum_add(acc, tail, sizeof tail);
}
