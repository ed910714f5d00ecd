/* 64-bit bit mixers: every input bit reaches every output bit, so the low
 * bits of the result can index a power-of-two table.
 *
 * One xorshift-multiply finaliser with two pinned constant sets: splitmix64's
 * (mix64: uids, fuids, small in-memory indexes) and MurmurHash3's (mix64_murmur:
 * the distinct-count estimates of util/hash's hash64). Both sets print
 * through what they hash, so neither may change. */
#ifndef VIGIL_UTIL_MIX_H
#define VIGIL_UTIL_MIX_H

#include <stdint.h>

static inline uint64_t mix64_xorshift_multiply(uint64_t x, unsigned s1, uint64_t m1, unsigned s2, uint64_t m2,
                                               unsigned s3)
{
    x ^= x >> s1;
    x *= m1;
    x ^= x >> s2;
    x *= m2;
    x ^= x >> s3;
    return x;
}

static inline uint64_t mix64(uint64_t x)
{
    return mix64_xorshift_multiply(x, 30, 0xbf58476d1ce4e5b9ULL, 27, 0x94d049bb133111ebULL, 31);
}

static inline uint64_t mix64_murmur(uint64_t x)
{
    return mix64_xorshift_multiply(x, 33, 0xff51afd7ed558ccdULL, 33, 0xc4ceb9fe1a85ec53ULL, 33);
}

#endif
