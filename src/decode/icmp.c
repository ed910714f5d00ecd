/* ICMP and ICMPv6: type and code; the checksum (with the IPv6 pseudo-header
 * for ICMPv6) is flagged like TCP's. */
#include "decode/decode_internal.h"

/* The ICMPv4 types Suricata decodes and the highest code of each
 * (decode-icmpv4.c), -1 for a type it does not know: any other type is its
 * decoder.icmpv4.unknown_type, a higher code decoder.icmpv4.unknown_code.
 * Zeek has no weird for either; data/anomaly_events.tsv keeps them out of
 * weird.log. */
static const int8_t icmpv4_max_code[] = {
    [0] = 0,  [1] = -1, [2] = -1, [3] = 15, [4] = 0,   [5] = 3,   [6] = -1,  [7] = -1,  [8] = 0, [9] = -1,
    [10] = -1, [11] = 1, [12] = 0, [13] = 0, [14] = 0, [15] = 0, [16] = 0, [17] = 0, [18] = 0,
};

static void check_icmpv4_type(struct decoder *d, const struct packet *pkt, uint8_t type, uint8_t code)
{
    int max_code = type < sizeof icmpv4_max_code ? icmpv4_max_code[type] : -1;
    if (max_code < 0)
        decode_weird(d, pkt, "ICMP_unknown_type", NULL);
    else if (code > max_code)
        decode_weird(d, pkt, "ICMP_unknown_code", NULL);
}

enum decode_result decode_icmp(struct decoder *d, struct packet *pkt, uint8_t proto, const uint8_t *l4,
                               uint32_t cap, uint32_t len)
{
    /* Zeek's ICMP_MINLEN, for both versions. */
    if (!check_header_trunc(d, pkt, 8, cap, len))
        return DECODE_MALFORMED;
    pkt->icmp_type = l4[0];
    pkt->icmp_code = l4[1];
    if (proto != PROTO_ICMPV6)
        check_icmpv4_type(d, pkt, l4[0], l4[1]);
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
