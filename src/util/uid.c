#include "util/uid.h"

#include <string.h>

#include "util/mix.h"

uint64_t hash64_bytes(const void *p, size_t n, uint64_t seed)
{
    const uint8_t *b = p;
    uint64_t h = mix64(seed ^ (n * 0x9e3779b97f4a7c15ULL));
    while (n >= 8) {
        uint64_t w;
        memcpy(&w, b, 8);
        h = mix64(h ^ w) * 0x9e3779b97f4a7c15ULL;
        b += 8;
        n -= 8;
    }
    uint64_t tail = 0;
    memcpy(&tail, b, n);
    return mix64(h ^ tail ^ (uint64_t)n);
}

void uid_format(uint64_t h, char prefix, char out[UID_LEN])
{
    static const char digits[] = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    /* 96 bits, like Zeek's uids: the hash and a second mix of it. */
    uint64_t parts[2] = {h, mix64(h + 0x632be59bd9b4e019ULL) & 0xffffffffULL};
    size_t n = 0;
    out[n++] = prefix;
    for (int i = 0; i < 2; i++) {
        uint64_t v = parts[i];
        do {
            out[n++] = digits[v % 62];
            v /= 62;
        } while (v && n < UID_LEN - 1);
    }
    out[n] = '\0';
}

uint64_t uid_flow_id(uint64_t h)
{
    uint64_t id = h & ((1ULL << 52) - 1);
    return id ? id : 1;
}
