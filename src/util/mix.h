/* splitmix64's finaliser: every input bit reaches every output bit, so the
 * low bits of the result can index a power-of-two table. */
#ifndef VIGIL_UTIL_MIX_H
#define VIGIL_UTIL_MIX_H

#include <stdint.h>

static inline uint64_t mix64(uint64_t x)
{
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    x ^= x >> 31;
    return x;
}

#endif
