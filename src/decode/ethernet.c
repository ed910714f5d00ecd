/* Ethernet II, 802.1Q / 802.1ad VLAN tags, MPLS label stacks, PPPoE
 * sessions and PPP frames, with Zeek's weird names and length checks. */
#include "decode/decode_internal.h"

#include <stdio.h>

/* Tags, labels and PPPoE headers nest; a chain longer than this is noise. */
#define MAX_L2_HOPS 16

static enum decode_result decode_vlan(struct decoder *d, struct packet *pkt, const uint8_t *p,
                                      uint32_t cap, uint32_t *type)
{
    /* Zeek demands one byte past the tag. */
    if (cap <= 4) {
        decode_weird(d, pkt, "truncated_VLAN_header", NULL);
        return DECODE_MALFORMED;
    }
    uint16_t id = load_be16(p) & 0x0fff;
    if (!pkt->vlan) {
        pkt->vlan = id;
    } else {
        if (pkt->inner_vlan) {
            if (!pkt->middle_vlan)
                pkt->middle_vlan = pkt->inner_vlan;
            snprintf(d->addl, sizeof d->addl, "overwrote inner vlan ID of %u with %u",
                     (unsigned)pkt->inner_vlan, (unsigned)id);
            decode_weird(d, pkt, "triple_tagged_vlan_unsupported", d->addl);
        }
        pkt->inner_vlan = id;
    }
    *type = load_be16(p + 2);
    if (*type > 1500 && *type < 1536) {
        decode_weird(d, pkt, "undefined_vlan_protocol", NULL);
        return DECODE_MALFORMED;
    }
    return DECODE_OK;
}

static enum decode_result decode_mpls(struct decoder *d, struct packet *pkt, const uint8_t *p,
                                      uint32_t cap, uint32_t wire)
{
    for (unsigned labels = 0;; labels++) {
        if (cap <= 4 || labels >= 64) {
            decode_weird(d, pkt, "truncated_link_header", NULL);
            return DECODE_MALFORMED;
        }
        bool bottom = p[2] & 1;
        p += 4;
        cap -= 4;
        wire -= 4;
        if (bottom)
            break;
    }
    /* RFC 3032 does not name the payload: Zeek guesses IP from the version. */
    return decode_ip(d, pkt, p, cap, wire);
}

enum decode_result decode_pppoe(struct decoder *d, struct packet *pkt, const uint8_t *p,
                                uint32_t cap, uint32_t wire)
{
    if (cap <= 8) {
        decode_weird(d, pkt, "truncated_pppoe_header", NULL);
        return DECODE_MALFORMED;
    }
    bool ip = false;
    uint32_t hdr = 6 + ppp_protocol_len(p + 6, cap - 6, &ip);
    if (!ip)
        return DECODE_NOT_IP;
    return decode_ip(d, pkt, p + hdr, cap - hdr, wire - hdr);
}

uint32_t ppp_protocol_len(const uint8_t *p, uint32_t cap, bool *ip)
{
    /* Protocol-Field-Compression: an odd first byte is a one-byte protocol (RFC 1661 6.5) */
    uint32_t len = (p[0] & 1) ? 1 : 2;
    if (len > cap)
        return 0;
    uint16_t proto = len == 1 ? p[0] : load_be16(p);
    *ip = proto == 0x0021 || proto == 0x0057;
    return len;
}

uint32_t decode_ppp_header_len(const uint8_t *p, uint32_t cap, bool *ip)
{
    uint32_t off = 0;
    /* RFC 1662 address and control fields, omitted when compressed (RFC 1661 6.6) */
    if (cap >= 2 && p[0] == 0xff && p[1] == 0x03)
        off = 2;
    if (off >= cap)
        return 0;
    uint32_t proto_len = ppp_protocol_len(p + off, cap - off, ip);
    return proto_len ? off + proto_len : 0;
}

enum decode_result decode_ppp(struct decoder *d, struct packet *pkt, const uint8_t *p, uint32_t cap, uint32_t wire)
{
    bool ip = false;
    uint32_t hdr = decode_ppp_header_len(p, cap, &ip);
    if (hdr == 0 || hdr >= cap) {
        decode_weird(d, pkt, "truncated_link_header", NULL);
        return DECODE_MALFORMED;
    }
    if (!ip)
        return DECODE_NOT_IP;
    return decode_ip(d, pkt, p + hdr, cap - hdr, wire - hdr);
}

enum decode_result decode_ethertype(struct decoder *d, struct packet *pkt, uint32_t type,
                                    const uint8_t *p, uint32_t cap, uint32_t wire)
{
    for (int hops = 0; hops < MAX_L2_HOPS; hops++) {
        switch (type) {
        case ETHERTYPE_IPV4:
        case ETHERTYPE_IPV6:
            return decode_ip(d, pkt, p, cap, wire);
        case ETHERTYPE_VLAN:
        case ETHERTYPE_QINQ:
        case ETHERTYPE_QINQ_OLD: {
            enum decode_result r = decode_vlan(d, pkt, p, cap, &type);
            if (r != DECODE_OK)
                return r;
            p += 4;
            cap -= 4;
            wire -= 4;
            break;
        }
        case ETHERTYPE_MPLS:
        case ETHERTYPE_MPLS_MCAST:
            return decode_mpls(d, pkt, p, cap, wire);
        case ETHERTYPE_PPPOE_SESSION:
            return decode_pppoe(d, pkt, p, cap, wire);
        default:
            /* ARP, LLDP, 802.3/LLC...: Zeek logs these as unknown protocols, not weirds. */
            pkt->l2_type = (uint16_t)type;
            pkt->l2_payload = p;
            pkt->l2_caplen = cap;
            return DECODE_NOT_IP;
        }
    }
    return DECODE_NOT_IP;
}

enum decode_result decode_ethernet(struct decoder *d, struct packet *pkt, const uint8_t *p,
                                   uint32_t cap, uint32_t wire)
{
    /* Zeek's bound: a header plus at least two bytes. */
    if (cap <= 16) {
        decode_weird(d, pkt, "truncated_ethernet_frame", NULL);
        return DECODE_MALFORMED;
    }
    if (p[12] == 0x89 && p[13] == 0x03) {
        /* Cisco FabricPath wraps a whole Ethernet frame. */
        if (cap <= 16 + 14) {
            decode_weird(d, pkt, "truncated_link_header_cfp", NULL);
            return DECODE_MALFORMED;
        }
        p += 16;
        cap -= 16;
        wire -= 16;
    }
    pkt->eth_dst = p;
    pkt->eth_src = p + 6;
    uint32_t type = load_be16(p + 12);
    if (type > 1500 && type < 1536) {
        decode_weird(d, pkt, "undefined_ether_type", NULL);
        return DECODE_MALFORMED;
    }
    return decode_ethertype(d, pkt, type, p + 14, cap - 14, wire - 14);
}
