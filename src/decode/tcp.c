/* TCP header, options (window scale) and checksum. A bad checksum is only
 * flagged: the flow layer raises the weird and drops, as Zeek does with the
 * connection at hand. */
#include "decode/decode_internal.h"

static int8_t parse_window_scale(const uint8_t *opt, uint32_t n)
{
    uint32_t i = 0;
    while (i < n) {
        uint8_t kind = opt[i];
        if (kind == 0)
            break;
        if (kind == 1) {
            i++;
            continue;
        }
        if (n - i < 2)
            break;
        uint8_t len = opt[i + 1];
        if (len < 2 || len > n - i)
            break;
        if (kind == 3 && len == 3)
            return (int8_t)(opt[i + 2] & 0x7f);
        i += len;
    }
    return -1;
}

enum decode_result decode_tcp(struct decoder *d, struct packet *pkt, const uint8_t *l4, uint32_t cap, uint32_t len)
{
    if (!check_header_trunc(d, pkt, 20, cap, len))
        return DECODE_MALFORMED;
    uint32_t hdr_len = (uint32_t)(l4[12] >> 4) * 4;
    if (hdr_len < 20) {
        decode_weird(d, pkt, "bad_TCP_header_len", NULL);
        return DECODE_MALFORMED;
    }
    if (hdr_len > len || hdr_len > cap) {
        decode_weird(d, pkt, "truncated_header", NULL);
        return DECODE_MALFORMED;
    }
    pkt->sport = load_be16(l4);
    pkt->dport = load_be16(l4 + 2);
    pkt->tcp_seq = load_be32(l4 + 4);
    pkt->tcp_ack = load_be32(l4 + 8);
    pkt->tcp_flags = l4[13];
    pkt->tcp_win = load_be16(l4 + 14);
    if (hdr_len > 20)
        pkt->tcp_wscale = parse_window_scale(l4 + 20, hdr_len - 20);
    pkt->payload = l4 + hdr_len;
    pkt->payload_caplen = cap - hdr_len;
    pkt->payload_len = len - hdr_len;
    if (d->cfg.verify_checksums && cap == len) {
        uint64_t acc = checksum_pseudo(pkt, PROTO_TCP, len);
        pkt->l4_checksum_bad = checksum_counted_bad(d, checksum_fold(checksum_add(acc, l4, len)) != 0xffff);
    }
    return DECODE_OK;
}
