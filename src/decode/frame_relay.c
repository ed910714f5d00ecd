/* Frame Relay (link type 107): a Q.922 address (2 to 4 bytes, the last with
 * its EA bit set), then either RFC 2427's multiprotocol encapsulation (UI
 * control 0x03, an NLPID: IPv4, IPv6 or SNAP with an ethertype or a bridged
 * Ethernet frame) or Cisco's (an ethertype right after the address). */
#include "decode/decode_internal.h"

enum {
    Q922_MAX_ADDR = 4,
    FR_UI = 0x03,
    NLPID_PAD = 0x00,
    NLPID_SNAP = 0x80,
    NLPID_IPV4 = 0xcc,
    NLPID_IPV6 = 0x8e,
    SNAP_HDR = 5, /* OUI + PID */
};

uint32_t frame_relay_payload(const uint8_t *p, uint32_t cap, uint32_t *type)
{
    uint32_t off = 0;
    while (off < cap && off < Q922_MAX_ADDR && !(p[off] & 0x01))
        off++;
    if (off == 0 || off >= Q922_MAX_ADDR || cap - off < 3)
        return 0;
    off++; /* the byte with the EA bit */
    if (p[off] != FR_UI) {
        *type = load_be16(p + off);
        return off + 2;
    }
    off++;
    if (p[off] == NLPID_PAD && off + 1 < cap)
        off++;
    uint8_t nlpid = p[off++];
    switch (nlpid) {
    case NLPID_IPV4:
        *type = ETHERTYPE_IPV4;
        return off < cap ? off : 0;
    case NLPID_IPV6:
        *type = ETHERTYPE_IPV6;
        return off < cap ? off : 0;
    case NLPID_SNAP:
        if (cap - off <= SNAP_HDR)
            return 0;
        if (p[off] == 0 && p[off + 1] == 0 && p[off + 2] == 0) {
            *type = load_be16(p + off + 3);
            return off + SNAP_HDR;
        }
        /* 802.1 organisation code, PID 0x0001/0x0007: bridged Ethernet (with, without FCS) */
        if (p[off] == 0x00 && p[off + 1] == 0x80 && p[off + 2] == 0xc2 &&
            (load_be16(p + off + 3) == 0x0001 || load_be16(p + off + 3) == 0x0007)) {
            *type = ETHERTYPE_TEB;
            return off + SNAP_HDR + 2 < cap ? off + SNAP_HDR + 2 : 0; /* two pad bytes before the frame */
        }
        *type = 0;
        return off + SNAP_HDR;
    default:
        *type = 0;
        return off <= cap ? off : 0;
    }
}

enum decode_result decode_frame_relay(struct decoder *d, struct packet *pkt, const uint8_t *p, uint32_t cap,
                                      uint32_t wire)
{
    uint32_t type = 0;
    uint32_t off = frame_relay_payload(p, cap, &type);
    if (off == 0) {
        decode_weird(d, pkt, "truncated_link_header", NULL);
        return DECODE_MALFORMED;
    }
    if (type == ETHERTYPE_TEB)
        return decode_ethernet(d, pkt, p + off, cap - off, wire - off);
    if (type == 0)
        return DECODE_NOT_IP; /* OSI (IS-IS, ES-IS), Q.933 signalling: not IP */
    return decode_ethertype(d, pkt, type, p + off, cap - off, wire - off);
}
