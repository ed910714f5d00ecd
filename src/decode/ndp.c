#include <netinet/in.h>
#include <string.h>

#include "decode/decode_internal.h"
#include "decode/neighbor.h"

enum {
    NDP_SOLICIT = 135, NDP_ADVERT = 136,
    NDP_HDR = 24,                 /* type, code, checksum, flags/reserved, target */
    OPT_SOURCE_LL = 1, OPT_TARGET_LL = 2,
};

/* The link-layer address option of that type, NULL when absent. */
static const uint8_t *ll_option(const uint8_t *p, uint32_t n, uint8_t type)
{
    uint32_t off = NDP_HDR;
    while (off + 2 <= n) {
        uint32_t len = (uint32_t)p[off + 1] * 8;
        if (len == 0 || off + len > n)
            return NULL;
        if (p[off] == type && len >= 8)
            return p + off + 2;
        off += len;
    }
    return NULL;
}

bool ndp_parse(const struct packet *pkt, struct neighbor_binding *out)
{
    if (pkt->l4_proto != IPPROTO_ICMPV6 || pkt->l4 == NULL || pkt->l4_caplen < NDP_HDR)
        return false;
    const uint8_t *p = pkt->l4;
    uint32_t n = pkt->l4_caplen;
    if (p[0] == NDP_ADVERT) {
        const uint8_t *ll = ll_option(p, n, OPT_TARGET_LL);
        if (ll == NULL)
            return false;
        memcpy(out->mac, ll, 6);
        ip_addr_from_v6(&out->ip, p + 8);
        return true;
    }
    if (p[0] == NDP_SOLICIT) {
        static const uint8_t unspecified[16];
        const uint8_t *ll = ll_option(p, n, OPT_SOURCE_LL);
        if (ll == NULL || memcmp(pkt->src.b, unspecified, 16) == 0)
            return false; /* duplicate address detection: no owner yet */
        memcpy(out->mac, ll, 6);
        out->ip = pkt->src;
        return true;
    }
    return false;
}
