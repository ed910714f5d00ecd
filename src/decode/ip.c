/* What IPv4 and IPv6 share: the version dispatch in front of them and the
 * protocol dispatch behind them. */
#include "decode/decode_internal.h"

enum decode_result decode_ip(struct decoder *d, struct packet *pkt, const uint8_t *p,
                             uint32_t cap, uint32_t wire)
{
    /* Zeek checks for an IPv4-sized header first, whatever the version. */
    if (cap < 20) {
        decode_weird(d, pkt, "truncated_IP", NULL);
        return DECODE_MALFORMED;
    }
    switch (p[0] >> 4) {
    case 4:
        return decode_ipv4(d, pkt, p, cap, wire);
    case 6:
        if (cap < 40) {
            decode_weird(d, pkt, "truncated_IP", NULL);
            return DECODE_MALFORMED;
        }
        return decode_ipv6(d, pkt, p, cap, wire);
    default:
        decode_weird(d, pkt, "unknown_ip_version", NULL);
        return DECODE_MALFORMED;
    }
}

bool check_header_trunc(struct decoder *d, struct packet *pkt, uint32_t min_len, uint32_t cap, uint32_t len)
{
    /* A zero IP payload length comes from segmentation offload: ignored. */
    if (len && len < min_len) {
        decode_weird(d, pkt, "truncated_header", NULL);
        return false;
    }
    if (cap < min_len) {
        decode_weird(d, pkt, "internally_truncated_header", NULL);
        return false;
    }
    return true;
}

enum decode_result decode_transport(struct decoder *d, struct packet *pkt, uint8_t proto,
                                    const uint8_t *l4, uint32_t cap, uint32_t len)
{
    pkt->l4_proto = proto;
    pkt->l4 = l4;
    pkt->l4_caplen = cap;
    pkt->l4_len = len;
    switch (proto) {
    case PROTO_TCP:
        return decode_tcp(d, pkt, l4, cap, len);
    case PROTO_UDP:
        return decode_udp(d, pkt, l4, cap, len);
    case PROTO_ICMP:
    case PROTO_ICMPV6:
        return decode_icmp(d, pkt, proto, l4, cap, len);
    case PROTO_IPIP:
    case PROTO_IPV6:
        return decode_ip_tunnel(d, pkt, l4, cap, len);
    case PROTO_GRE:
        return decode_gre(d, pkt, l4, cap, len);
    case 132: /* SCTP: ports only, for the flow key and Community ID */
        if (cap >= 4) {
            pkt->sport = load_be16(l4);
            pkt->dport = load_be16(l4 + 2);
        }
        return DECODE_OK;
    case PROTO_NONE:
        /* No Teredo here, so no bubble to excuse it. */
        decode_weird(d, pkt, "ipv6_no_next", NULL);
        return DECODE_MALFORMED;
    default:
        /* ESP, SCTP, unknown: addresses only (Zeek stops at ESP as well). */
        return DECODE_OK;
    }
}
