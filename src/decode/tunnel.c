/* Encapsulations: IP-in-IP (4in4, 6in4, 4in6, 6in6), GRE (incl. PPTP's
 * enhanced GRE, transparent Ethernet bridging, ERSPAN II/III), and the UDP
 * tunnels VXLAN, Geneve and GTP-U. Each pushes one tunnel_layer with the
 * outer addresses and decodes the inner packet into the same struct. */
#include "decode/decode_internal.h"

#include <stdio.h>

enum {
    PORT_VXLAN = 4789,
    PORT_GENEVE = 6081,
    PORT_GTPU = 2152,
};

bool tunnel_push(struct decoder *d, struct packet *pkt, enum tunnel_type type)
{
    if (pkt->tunnel_depth >= DECODE_MAX_TUNNEL_DEPTH) {
        decode_weird(d, pkt, "exceeded_tunnel_max_depth", NULL);
        return false;
    }
    bool over_udp = type == TUNNEL_VXLAN || type == TUNNEL_GTPV1 || type == TUNNEL_GENEVE ||
                    type == TUNNEL_TEREDO;
    struct tunnel_layer *t = &pkt->tunnels[pkt->tunnel_depth++];
    t->type = type;
    t->src = pkt->src;
    t->dst = pkt->dst;
    t->sport = over_udp ? pkt->sport : 0;
    t->dport = over_udp ? pkt->dport : 0;
    t->ip_version = pkt->ip_version;
    t->ip_len = pkt->ip_len;
    t->udp_payload_len = over_udp ? pkt->payload_len : 0;
    t->vlan = pkt->vlan;
    /* The inner packet has its own VLAN tags, if any (Ethernet inside). */
    pkt->vlan = 0;
    pkt->inner_vlan = 0;
    pkt->middle_vlan = 0;
    packet_reset_l3(pkt);
    return true;
}

enum decode_result decode_ip_tunnel(struct decoder *d, struct packet *pkt, const uint8_t *p, uint32_t cap,
                                    uint32_t len)
{
    if (!tunnel_push(d, pkt, TUNNEL_IP))
        return DECODE_MALFORMED;
    return decode_ip(d, pkt, p, cap, len);
}

static unsigned gre_header_len(unsigned flags)
{
    unsigned len = 4;
    if (flags & 0x8000u) /* checksum + reserved */
        len += 4;
    if (flags & 0x2000u) /* key */
        len += 4;
    if (flags & 0x1000u) /* sequence number */
        len += 4;
    if (flags & 0x0080u) /* acknowledgement (enhanced GRE) */
        len += 4;
    return len;
}

/* Zeek's IP::ParsePacket check of PPTP's inner packet. */
static bool check_inner_ip(struct decoder *d, struct packet *pkt, int proto, const uint8_t *p, uint32_t cap)
{
    uint32_t total;
    if (proto == PROTO_IPV6) {
        if (cap < 40) {
            decode_weird(d, pkt, "truncated_inner_IP", NULL);
            return false;
        }
        if ((p[0] & 0xf0) != 0x60) {
            decode_weird(d, pkt, "invalid_inner_IP_version", NULL);
            return false;
        }
        total = (uint32_t)load_be16(p + 4) + 40;
    } else {
        if (cap < 20 || (p[0] >> 4) != 4) {
            decode_weird(d, pkt, "invalid_inner_IP_version", NULL);
            return false;
        }
        total = load_be16(p + 2);
    }
    if (cap < total) {
        decode_weird(d, pkt, "truncated_inner_IP", NULL);
        return false;
    }
    if (cap > total) {
        decode_weird(d, pkt, "inner_IP_payload_length_mismatch", NULL);
        return false;
    }
    return true;
}

enum decode_result decode_gre(struct decoder *d, struct packet *pkt, const uint8_t *p, uint32_t cap, uint32_t len)
{
    if (cap < 4) {
        decode_weird(d, pkt, "truncated_GRE", NULL);
        return DECODE_MALFORMED;
    }
    unsigned flags_ver = load_be16(p);
    unsigned proto_type = load_be16(p + 2);
    unsigned version = flags_ver & 0x7u;
    unsigned gre_len = gre_header_len(flags_ver);
    unsigned pptp_len = version == 1 ? 4 : 0;
    unsigned erspan_len = 0, eth_len = 0;
    int inner_ip_proto = 0; /* PPTP: which IP the PPP header announced */

    if (version != 0 && version != 1) {
        snprintf(d->addl, sizeof d->addl, "version=%u", version);
        decode_weird(d, pkt, "unknown_gre_version", d->addl);
        return DECODE_MALFORMED;
    }
    if (version == 0) {
        if (proto_type == ETHERTYPE_TEB) {
            if (cap <= gre_len + 14)
                goto truncated;
            eth_len = 14;
        } else if (proto_type == ETHERTYPE_ERSPAN_2) {
            if (cap <= gre_len + 14)
                goto truncated;
            eth_len = 14;
            if (flags_ver & 0x1000u) /* a sequence number means type II, else type I */
                erspan_len = 8;
            if (cap < gre_len + eth_len + erspan_len)
                goto truncated;
        } else if (proto_type == ETHERTYPE_ERSPAN_3) {
            if (cap <= gre_len + 14 + 12)
                goto truncated;
            erspan_len = 12;
            eth_len = 14;
            bool has_optional = p[gre_len + erspan_len - 1] & 0x01u;
            if (has_optional) {
                if (cap <= gre_len + erspan_len + 8 + eth_len)
                    goto truncated;
                erspan_len += 8;
            }
        } else if (((proto_type & 0x8200u) == 0x8200u && (proto_type & 0x0fu) == 0) ||
                   ((proto_type & 0x8300u) == 0x8300u && (proto_type & 0x0fu) == 0 && proto_type <= 0x8370u) ||
                   proto_type == 0x9000u) {
            /* Aruba carries 802.11 frames: not decoded. */
            if (cap <= gre_len)
                goto truncated;
            return DECODE_NOT_IP;
        }
    } else if (proto_type != ETHERTYPE_PPP) {
        snprintf(d->addl, sizeof d->addl, "proto=%u", proto_type);
        decode_weird(d, pkt, "egre_protocol_type", d->addl);
        return DECODE_MALFORMED;
    }
    if (flags_ver & 0x4000u) {
        decode_weird(d, pkt, "gre_routing", NULL);
        return DECODE_MALFORMED;
    }
    if (flags_ver & 0x0078u) {
        decode_weird(d, pkt, "unknown_gre_flags", NULL);
        return DECODE_MALFORMED;
    }
    if (cap < gre_len + pptp_len + eth_len + erspan_len)
        goto truncated;
    if (version == 1) {
        unsigned ppp_proto = load_be16(p + gre_len + 2);
        if (ppp_proto != 0x0021 && ppp_proto != 0x0057) {
            decode_weird(d, pkt, "non_ip_packet_in_encap", NULL);
            return DECODE_MALFORMED;
        }
        inner_ip_proto = ppp_proto == 0x0021 ? PROTO_IPIP : PROTO_IPV6;
    } else if (eth_len == 0 && proto_type != ETHERTYPE_IPV4 && proto_type != ETHERTYPE_IPV6 &&
               proto_type != ETHERTYPE_PPP) {
        return DECODE_NOT_IP; /* Zeek's unknown_protocol, not a weird */
    }

    uint32_t skip = gre_len + pptp_len + erspan_len;
    const uint8_t *inner = p + skip;
    uint32_t inner_cap = cap - skip, inner_len = len - skip;

    if (!tunnel_push(d, pkt, TUNNEL_GRE))
        return DECODE_MALFORMED;
    if (version == 1) {
        if (!check_inner_ip(d, pkt, inner_ip_proto, inner, inner_cap))
            return DECODE_MALFORMED;
        return decode_ip(d, pkt, inner, inner_cap, inner_cap);
    }
    if (eth_len)
        return decode_ethernet(d, pkt, inner, inner_cap, inner_len);
    if (proto_type == ETHERTYPE_PPP) /* PPP in plain GRE, as Suricata decodes it */
        return decode_ppp(d, pkt, inner, inner_cap, inner_len);
    return decode_ip(d, pkt, inner, inner_cap, inner_len);

truncated:
    decode_weird(d, pkt, "truncated_GRE", NULL);
    return DECODE_MALFORMED;
}

/* Length of a GTP-U G-PDU header carrying IP, 0 when it is anything else. */
static uint32_t gtpu_header_len(const uint8_t *p, uint32_t cap)
{
    if (cap < 8 || (p[0] >> 5) != 1 || !(p[0] & 0x10) || p[1] != 0xff)
        return 0;
    uint32_t hdr = 8;
    if (p[0] & 0x07) {
        /* sequence number, N-PDU number, next extension type */
        if (cap < 12)
            return 0;
        hdr = 12;
        uint8_t next = p[11];
        for (int n = 0; next != 0; n++) {
            if (n >= 16 || cap - hdr < 1)
                return 0;
            uint32_t ext_len = (uint32_t)p[hdr] * 4;
            if (ext_len == 0 || ext_len > cap - hdr)
                return 0;
            next = p[hdr + ext_len - 1];
            hdr += ext_len;
        }
    }
    if (cap <= hdr)
        return 0;
    uint8_t ipv = p[hdr] >> 4;
    return ipv == 4 || ipv == 6 ? hdr : 0;
}

bool decode_udp_tunnel(struct decoder *d, struct packet *pkt, enum decode_result *res)
{
    uint16_t sp = pkt->sport, dp = pkt->dport;
    const uint8_t *p = pkt->payload;
    uint32_t cap = pkt->payload_caplen, len = pkt->payload_len;
    enum tunnel_type type;
    uint32_t hdr;
    bool inner_ethernet;

    if (__builtin_expect(dp != PORT_VXLAN && sp != PORT_VXLAN && dp != PORT_GENEVE && sp != PORT_GENEVE &&
                         dp != PORT_GTPU && sp != PORT_GTPU, 1))
        return false;

    if (dp == PORT_VXLAN || sp == PORT_VXLAN) {
        if (cap < 8 || !(p[0] & 0x08)) /* the I flag: a VNI is present */
            return false;
        if (len == 8) {
            decode_weird(d, pkt, "vxlan_empty_packet", NULL);
            return false;
        }
        type = TUNNEL_VXLAN;
        hdr = 8;
        inner_ethernet = true;
    } else if (dp == PORT_GENEVE || sp == PORT_GENEVE) {
        if (cap < 8 || (p[0] >> 6) != 0)
            return false;
        hdr = 8 + (uint32_t)(p[0] & 0x3f) * 4;
        uint16_t proto = load_be16(p + 2);
        if (proto == ETHERTYPE_TEB)
            inner_ethernet = true;
        else if (proto == ETHERTYPE_IPV4 || proto == ETHERTYPE_IPV6)
            inner_ethernet = false;
        else
            return false;
        if (cap <= hdr)
            return false;
        type = TUNNEL_GENEVE;
    } else {
        hdr = gtpu_header_len(p, cap);
        if (!hdr)
            return false;
        type = TUNNEL_GTPV1;
        inner_ethernet = false;
    }

    /* The outer UDP flow is tracked either way: if the inner packet does not
     * decode, the packet stays what it was. */
    struct packet outer = *pkt;
    if (!tunnel_push(d, pkt, type)) {
        *res = DECODE_OK;
        return true;
    }
    enum decode_result r = inner_ethernet ? decode_ethernet(d, pkt, p + hdr, cap - hdr, len - hdr)
                                          : decode_ip(d, pkt, p + hdr, cap - hdr, len - hdr);
    if (r != DECODE_OK)
        *pkt = outer;
    *res = DECODE_OK;
    return true;
}
