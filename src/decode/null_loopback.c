/* BSD loopback: DLT_NULL carries the address family in the capturing host's
 * byte order, DLT_LOOP in network order. AF_INET is 2 everywhere; AF_INET6
 * is 24 (NetBSD/OpenBSD), 28 (FreeBSD) or 30 (macOS). */
#include "decode/decode_internal.h"

enum decode_result decode_null(struct decoder *d, struct packet *pkt, const uint8_t *p,
                               uint32_t cap, uint32_t wire, bool network_order)
{
    if (cap <= 4) {
        decode_weird(d, pkt, "null_analyzer_failed", NULL);
        return DECODE_MALFORMED;
    }
    uint32_t family = network_order ? load_be32(p) : load_le32(p);
    /* A DLT_NULL file written on a big-endian host: the family sits in the top byte. */
    if (!network_order && family > 0xffff)
        family = load_be32(p);
    switch (family) {
    case 2:
    case 24:
    case 28:
    case 30:
        return decode_ip(d, pkt, p + 4, cap - 4, wire - 4);
    default:
        return DECODE_NOT_IP;
    }
}
