/* The Internet checksum (RFC 1071). Summing 32-bit words into a 64-bit
 * accumulator gives the same one's-complement result as summing 16-bit words
 * (2^16 == 1 mod 0xffff), and working in native byte order is valid as long
 * as the result is only compared with values read the same way. */
#include "decode/decode_internal.h"

static inline uint64_t load64_native(const uint8_t *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

uint64_t checksum_add(uint64_t acc, const uint8_t *p, size_t n)
{
    while (n >= 32) {
        uint64_t a = load64_native(p), b = load64_native(p + 8);
        uint64_t c = load64_native(p + 16), e = load64_native(p + 24);
        acc += (a & 0xffffffffu) + (a >> 32) + (b & 0xffffffffu) + (b >> 32);
        acc += (c & 0xffffffffu) + (c >> 32) + (e & 0xffffffffu) + (e >> 32);
        p += 32;
        n -= 32;
    }
    while (n >= 8) {
        uint64_t a = load64_native(p);
        acc += (a & 0xffffffffu) + (a >> 32);
        p += 8;
        n -= 8;
    }
    if (n >= 4) {
        uint32_t w;
        memcpy(&w, p, 4);
        acc += w;
        p += 4;
        n -= 4;
    }
    if (n >= 2) {
        uint16_t w;
        memcpy(&w, p, 2);
        acc += w;
        p += 2;
        n -= 2;
    }
    if (n) {
        /* The odd byte is the high byte of a zero-padded network-order word. */
        uint8_t last[2] = {p[0], 0};
        uint16_t w;
        memcpy(&w, last, 2);
        acc += w;
    }
    return acc;
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
