/* ICMP and ICMPv6: type and code; the checksum (with the IPv6 pseudo-header
 * for ICMPv6) is flagged like TCP's. */
#include "decode/decode_internal.h"

enum decode_result decode_icmp(struct decoder *d, struct packet *pkt, uint8_t proto, const uint8_t *l4,
                               uint32_t cap, uint32_t len)
{
    /* Zeek's ICMP_MINLEN, for both versions. */
    if (!check_header_trunc(d, pkt, 8, cap, len))
        return DECODE_MALFORMED;
    pkt->icmp_type = l4[0];
    pkt->icmp_code = l4[1];
    /* Raw type and code; flow/ maps them to Zeek's port pair. */
    pkt->sport = l4[0];
    pkt->dport = l4[1];
    pkt->payload = l4 + 8;
    pkt->payload_caplen = cap - 8;
    pkt->payload_len = len - 8;
    if (d->cfg.verify_checksums && cap == len) {
        uint64_t acc = proto == PROTO_ICMPV6 ? checksum_pseudo(pkt, PROTO_ICMPV6, len) : 0;
        pkt->l4_checksum_bad = checksum_counted_bad(d, checksum_fold(checksum_add(acc, l4, len)) != 0xffff);
    }
    return DECODE_OK;
}
