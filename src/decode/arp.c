#include <string.h>

#include "decode/decode_internal.h"
#include "decode/neighbor.h"

enum { ARP_LEN = 28, ARP_HTYPE_ETHERNET = 1, ARP_PTYPE_IPV4 = 0x0800 };

bool arp_parse(const uint8_t *p, uint32_t n, struct neighbor_binding *out)
{
    if (p == NULL || n < ARP_LEN)
        return false;
    if (load_be16(p) != ARP_HTYPE_ETHERNET || load_be16(p + 2) != ARP_PTYPE_IPV4 || p[4] != 6 || p[5] != 4)
        return false;
    uint16_t op = load_be16(p + 6);
    if (op != 1 && op != 2)
        return false;
    static const uint8_t unspecified[4];
    if (memcmp(p + 14, unspecified, 4) == 0)
        return false; /* a probe: the sender has no address yet */
    memcpy(out->mac, p + 8, 6);
    ip_addr_from_v4(&out->ip, p + 14);
    return true;
}
