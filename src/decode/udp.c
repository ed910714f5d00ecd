/* UDP header and checksum; hands the payload to the UDP tunnels (VXLAN,
 * Geneve, GTP-U) on their ports. */
#include "decode/decode_internal.h"

enum decode_result decode_udp(struct decoder *d, struct packet *pkt, const uint8_t *l4, uint32_t cap, uint32_t len)
{
    if (!check_header_trunc(d, pkt, 8, cap, len))
        return DECODE_MALFORMED;
    pkt->sport = load_be16(l4);
    pkt->dport = load_be16(l4 + 2);
    pkt->payload = l4 + 8;
    pkt->payload_caplen = cap - 8;
    pkt->payload_len = len - 8;
    if (d->cfg.verify_checksums && cap == len) {
        uint16_t field = load_be16(l4 + 6);
        /* Zero means "no checksum" for IPv4 only. */
        if (field != 0 || pkt->ip_version == 6) {
            uint64_t acc = checksum_pseudo(pkt, PROTO_UDP, len);
            pkt->l4_checksum_bad = checksum_counted_bad(d, checksum_fold(checksum_add(acc, l4, len)) != 0xffff);
        }
    }
    enum decode_result r;
    if (decode_udp_tunnel(d, pkt, &r))
        return r;
    return DECODE_OK;
}
