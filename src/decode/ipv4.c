/* IPv4: header checks in Zeek's order, header checksum, fragments. */
#include "decode/decode_internal.h"

enum decode_result decode_ipv4(struct decoder *d, struct packet *pkt, const uint8_t *p,
                               uint32_t cap, uint32_t wire)
{
    /* decode_ip guarantees cap >= 20. */
    uint32_t hdr_len = (uint32_t)(p[0] & 0x0f) * 4;
    uint32_t total_len = load_be16(p + 2);

    packet_set_l3(pkt, 4, p[8], p, cap);
    ip_addr_from_v4(&pkt->src, p + 12);
    ip_addr_from_v4(&pkt->dst, p + 16);

    if (total_len == 0) {
        decode_weird(d, pkt, "ip_hdr_len_zero", NULL);
        /* TCP segmentation offload zeroes the length, and breaks the checksum. */
        if (d->cfg.verify_checksums)
            return DECODE_MALFORMED;
        total_len = cap;
    }
    if (wire < total_len) {
        decode_weird(d, pkt, "truncated_IP_len", NULL);
        return DECODE_MALFORMED;
    }
    if (hdr_len > total_len) {
        decode_weird(d, pkt, "invalid_IP_header_size", NULL);
        return DECODE_MALFORMED;
    }
    if (hdr_len > cap) {
        decode_weird(d, pkt, "internally_truncated_header", NULL);
        return DECODE_MALFORMED;
    }
    if (hdr_len < 20) {
        decode_weird(d, pkt, "IPv4_min_header_size", NULL);
        return DECODE_MALFORMED;
    }
    if (d->cfg.verify_checksums && checksum_counted_bad(d, checksum_fold(checksum_add(0, p, hdr_len)) != 0xffff)) {
        decode_weird(d, pkt, "bad_IP_checksum", NULL);
        return DECODE_MALFORMED;
    }

    /* ip_bytes count the length the header states, as Zeek's conn.log
     * does: nothing for a segment whose length offload zeroed. */
    pkt->ip_len = load_be16(p + 2);
    /* Ethernet padding past the datagram is not part of it. */
    cap = min_u32(cap, total_len);
    pkt->l3_caplen = cap;

    uint16_t frag = load_be16(p + 6);
    if (__builtin_expect((frag & 0x3fff) != 0, 0)) {
        d->stats.fragments++;
        if (cap < total_len) {
            decode_weird(d, pkt, "incompletely_captured_fragment", NULL);
            /* Only the first fragment is worth a look in a header-only trace. */
            if (frag & 0x1fff)
                return DECODE_MALFORMED;
        } else {
            uint32_t len;
            const uint8_t *whole = frag_add_ipv4(d, pkt, p, hdr_len, total_len, &len);
            if (!whole)
                return DECODE_HELD;
            decode_note_frag_prefix(pkt, p);
            pkt->reassembled = true;
            return decode_ipv4(d, pkt, whole, len, len);
        }
    }

    return decode_transport(d, pkt, p[9], p + hdr_len, cap - hdr_len, total_len - hdr_len);
}
