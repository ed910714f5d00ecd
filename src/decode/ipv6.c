/* IPv6 and its extension header chain, walked as Zeek's IPv6_Hdr_Chain: the
 * chain ends at the first non-extension header, at a fragment header, at
 * ESP, or at a header that is not fully captured. */
#include "decode/decode_internal.h"

#include <stdio.h>

/* Each header is at least 8 bytes, so length bounds the walk already; this
 * only keeps a pathological chain from costing thousands of iterations. */
#define MAX_EXT_HEADERS 64

static bool is_ext_header(uint8_t nh)
{
    return nh == PROTO_HOPOPTS || nh == PROTO_ROUTING || nh == PROTO_DSTOPTS ||
           nh == PROTO_FRAGMENT || nh == PROTO_ESP || nh == PROTO_AH;
}

static uint32_t ext_header_len(uint8_t nh, const uint8_t *h)
{
    switch (nh) {
    case PROTO_FRAGMENT:
    case PROTO_ESP: /* what follows SPI and sequence number is encrypted */
        return 8;
    case PROTO_AH:
        return ((uint32_t)h[1] + 2) * 4;
    default:
        return ((uint32_t)h[1] + 1) * 8;
    }
}

/* Zeek takes the last address of a type 0 routing header with segments left
 * as the destination, and raises a weird for every routing header. */
static void process_routing(struct decoder *d, struct packet *pkt, const uint8_t *h, uint32_t len,
                            bool *seen_routing)
{
    if (*seen_routing) {
        decode_weird(d, pkt, "multiple_routing_headers", NULL);
        return;
    }
    *seen_routing = true;
    uint8_t type = h[2], seg_left = h[3], hdr_units = h[1];
    if (type == 0) {
        if (seg_left > 0 && hdr_units >= 2) {
            if (hdr_units % 2 == 0)
                ip_addr_from_v6(&pkt->dst, h + len - 16);
            else
                decode_weird(d, pkt, "odd_routing0_len", NULL);
        }
        decode_weird(d, pkt, "routing0_hdr", NULL);
    } else {
        snprintf(d->addl, sizeof d->addl, "%u", (unsigned)type);
        decode_weird(d, pkt, "unknown_routing_type", d->addl);
    }
}

/* from_reassembly: p is a datagram we just rebuilt. Zeek does not look for
 * fragments again there (a second fragment header becomes the protocol), and
 * neither do we: it also keeps nested fragment headers from recursing. */
static enum decode_result decode_ipv6_layer(struct decoder *d, struct packet *pkt, const uint8_t *p,
                                            uint32_t cap, uint32_t wire, bool from_reassembly)
{
    /* decode_ip guarantees cap >= 40. */
    uint32_t total_len = (uint32_t)load_be16(p + 4) + 40;

    packet_set_l3(pkt, 6, p[7], p, cap);
    ip_addr_from_v6(&pkt->src, p + 8);
    ip_addr_from_v6(&pkt->dst, p + 24);

    if (wire < total_len) {
        decode_weird(d, pkt, "truncated_IP_len", NULL);
        return DECODE_MALFORMED;
    }
    pkt->ip_len = total_len;
    cap = min_u32(cap, total_len);
    pkt->l3_caplen = cap;

    uint32_t off = 40, nh_off = 6, frag_off = 0, frag_nh_off = 0;
    uint8_t nh = p[6];
    bool seen_routing = false;
    for (int n = 0; n < MAX_EXT_HEADERS && is_ext_header(nh); n++) {
        if (nh == PROTO_FRAGMENT && from_reassembly)
            break;
        if (cap - off < 2)
            break;
        uint32_t len = ext_header_len(nh, p + off);
        if (len > cap - off)
            break; /* a cut header ends the chain; its type becomes the protocol */
        uint8_t cur = nh;
        if (cur == PROTO_ROUTING)
            process_routing(d, pkt, p + off, len, &seen_routing);
        if (cur == PROTO_ESP)
            break;
        if (cur == PROTO_FRAGMENT) {
            frag_off = off;
            frag_nh_off = nh_off;
        }
        nh_off = off;
        nh = p[off];
        off += len;
        if (cur == PROTO_FRAGMENT)
            break;
    }

    if (__builtin_expect(frag_off != 0, 0)) {
        const uint8_t *fh = p + frag_off;
        uint16_t frag_offset = load_be16(fh + 2) & 0xfff8;
        d->stats.fragments++;
        if (cap < total_len) {
            decode_weird(d, pkt, "incompletely_captured_fragment", NULL);
            if (frag_offset)
                return DECODE_MALFORMED;
        } else {
            uint32_t len;
            const uint8_t *whole = frag_add_ipv6(d, pkt, p, frag_off, frag_nh_off, total_len, &len);
            if (!whole)
                return DECODE_HELD;
            decode_note_frag_prefix(pkt, p);
            pkt->reassembled = true;
            return decode_ipv6_layer(d, pkt, whole, len, len, true);
        }
    }

    return decode_transport(d, pkt, nh, p + off, cap - off, total_len - off);
}

enum decode_result decode_ipv6(struct decoder *d, struct packet *pkt, const uint8_t *p,
                               uint32_t cap, uint32_t wire)
{
    return decode_ipv6_layer(d, pkt, p, cap, wire, false);
}
