#include "packet_builder.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A generator bug, never input: stop loudly rather than write a bad capture. */
static void builder_overflow(void)
{
    fprintf(stderr, "vigil-gen: packet buffer overflow (generator bug)\n");
    abort();
}

void pkt_reset(struct pkt *p)
{
    p->head = PKT_HEADROOM;
    p->len = 0;
    p->kind = PK_PAYLOAD;
    p->ext_type = 59;
}

uint8_t *pkt_prepend(struct pkt *p, size_t n)
{
    if (n > p->head)
        builder_overflow();
    p->head -= n;
    p->len += n;
    return p->buf + p->head;
}

uint8_t *pkt_append(struct pkt *p, size_t n)
{
    if (n > PKT_CAPACITY - p->head - p->len)
        builder_overflow();
    uint8_t *at = p->buf + p->head + p->len;
    p->len += n;
    return at;
}

void pkt_append_bytes(struct pkt *p, const void *data, size_t n)
{
    if (n)
        memcpy(pkt_append(p, n), data, n);
}

void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

uint16_t get16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

/* Sums big-endian 16-bit words; even-length chunks can be chained. */
uint32_t cksum_add(const uint8_t *p, size_t n, uint32_t sum)
{
    uint64_t acc = sum;
    size_t i = 0;
    for (; i + 8 <= n; i += 8)
        acc += (uint32_t)(p[i] << 8 | p[i + 1]) + (uint32_t)(p[i + 2] << 8 | p[i + 3]) +
               (uint32_t)(p[i + 4] << 8 | p[i + 5]) + (uint32_t)(p[i + 6] << 8 | p[i + 7]);
    for (; i + 1 < n; i += 2)
        acc += (uint32_t)(p[i] << 8 | p[i + 1]);
    if (i < n)
        acc += (uint32_t)p[i] << 8;
    while (acc >> 32)
        acc = (acc & 0xffffffffu) + (acc >> 32);
    return (uint32_t)acc;
}

uint16_t cksum_fold(uint32_t sum)
{
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)~sum;
}

uint32_t cksum_pseudo(const struct ip_pair *ip, uint8_t proto, uint32_t len)
{
    uint32_t sum = 0;
    if (ip->v6) {
        sum = cksum_add(ip->src, 16, sum);
        sum = cksum_add(ip->dst, 16, sum);
        sum += len >> 16;
        sum += len & 0xffff;
    } else {
        sum = cksum_add(ip->src, 4, sum);
        sum = cksum_add(ip->dst, 4, sum);
        sum += len & 0xffff;
    }
    return sum + proto;
}

void ip_pair_v4(struct ip_pair *ip, const char *src, const char *dst)
{
    memset(ip, 0, sizeof *ip);
    if (inet_pton(AF_INET, src, ip->src) != 1 || inet_pton(AF_INET, dst, ip->dst) != 1) {
        fprintf(stderr, "vigil-gen: bad IPv4 literal %s/%s (generator bug)\n", src, dst);
        abort();
    }
}

void ip_pair_v6(struct ip_pair *ip, const char *src, const char *dst)
{
    memset(ip, 0, sizeof *ip);
    ip->v6 = true;
    if (inet_pton(AF_INET6, src, ip->src) != 1 || inet_pton(AF_INET6, dst, ip->dst) != 1) {
        fprintf(stderr, "vigil-gen: bad IPv6 literal %s/%s (generator bug)\n", src, dst);
        abort();
    }
}

void ip_pair_swap(struct ip_pair *ip)
{
    uint8_t t[16];
    memcpy(t, ip->src, 16);
    memcpy(ip->src, ip->dst, 16);
    memcpy(ip->dst, t, 16);
}

uint16_t pkt_ethertype(const struct pkt *p)
{
    switch (p->kind) {
    case PK_IPV4: return 0x0800;
    case PK_IPV6: return 0x86dd;
    case PK_VLAN: return 0x8100;
    case PK_SVLAN: return 0x88a8;
    case PK_MPLS: return 0x8847;
    case PK_PPPOE: return 0x8864;
    case PK_ETH: return 0x6558;
    case PK_ERSPAN2: return 0x88be;
    case PK_ERSPAN3: return 0x22eb;
    default: return 0x88b5; /* IEEE local experimental: "unknown" on purpose */
    }
}

uint8_t pkt_ipproto(const struct pkt *p)
{
    switch (p->kind) {
    case PK_TCP: return 6;
    case PK_UDP: return 17;
    case PK_ICMP4: return 1;
    case PK_ICMP6: return 58;
    case PK_IP6_EXT: return p->ext_type;
    case PK_IPV4: return 4;
    case PK_IPV6: return 41;
    case PK_GRE: return 47;
    case PK_ESP: return 50;
    default: return 59; /* IPv6 "no next header" */
    }
}

static size_t tcp_options_len(const struct tcp_opts *o)
{
    if (!o)
        return 0;
    size_t n = 0;
    if (o->mss)
        n += 4;
    if (o->sack_perm && o->timestamps)
        n += 10 + 2; /* SACK_PERM and TS share the Linux layout: SACK_PERM, TS */
    else if (o->sack_perm)
        n += 4;      /* NOP NOP SACK_PERM */
    else if (o->timestamps)
        n += 12;     /* NOP NOP TS */
    if (o->wscale != 0xff)
        n += 4;      /* NOP WS */
    return n;
}

static void write_tcp_options(uint8_t *at, const struct tcp_opts *o)
{
    if (o->mss) {
        at[0] = 2, at[1] = 4;
        put16(at + 2, o->mss);
        at += 4;
    }
    if (o->sack_perm && o->timestamps) {
        at[0] = 4, at[1] = 2;
        at[2] = 8, at[3] = 10;
        put32(at + 4, o->tsval);
        put32(at + 8, o->tsecr);
        at += 12;
    } else if (o->sack_perm) {
        at[0] = 1, at[1] = 1, at[2] = 4, at[3] = 2;
        at += 4;
    } else if (o->timestamps) {
        at[0] = 1, at[1] = 1, at[2] = 8, at[3] = 10;
        put32(at + 4, o->tsval);
        put32(at + 8, o->tsecr);
        at += 12;
    }
    if (o->wscale != 0xff) {
        at[0] = 1, at[1] = 3, at[2] = 3, at[3] = o->wscale;
    }
}

void pb_tcp(struct pkt *p, const struct ip_pair *ip, uint16_t sport, uint16_t dport, uint32_t seq,
            uint32_t ack, uint8_t flags, uint16_t win, const struct tcp_opts *opts)
{
    size_t olen = tcp_options_len(opts);
    size_t hlen = 20 + olen;
    uint8_t *h = pkt_prepend(p, hlen);
    put16(h, sport);
    put16(h + 2, dport);
    put32(h + 4, seq);
    put32(h + 8, ack);
    h[12] = (uint8_t)((hlen / 4) << 4);
    h[13] = flags;
    put16(h + 14, win);
    put16(h + 16, 0);
    put16(h + 18, 0);
    if (olen)
        write_tcp_options(h + 20, opts);
    uint32_t sum = cksum_pseudo(ip, 6, (uint32_t)p->len);
    put16(h + 16, cksum_fold(cksum_add(h, p->len, sum)));
    p->kind = PK_TCP;
}

void pb_udp(struct pkt *p, const struct ip_pair *ip, uint16_t sport, uint16_t dport)
{
    uint8_t *h = pkt_prepend(p, 8);
    put16(h, sport);
    put16(h + 2, dport);
    put16(h + 4, (uint16_t)p->len);
    put16(h + 6, 0);
    uint16_t c = cksum_fold(cksum_add(h, p->len, cksum_pseudo(ip, 17, (uint32_t)p->len)));
    put16(h + 6, c ? c : 0xffff);
    p->kind = PK_UDP;
}

void pb_icmp4(struct pkt *p, uint8_t type, uint8_t code, uint32_t rest)
{
    uint8_t *h = pkt_prepend(p, 8);
    h[0] = type;
    h[1] = code;
    put16(h + 2, 0);
    put32(h + 4, rest);
    put16(h + 2, cksum_fold(cksum_add(h, p->len, 0)));
    p->kind = PK_ICMP4;
}

void pb_icmp6(struct pkt *p, const struct ip_pair *ip, uint8_t type, uint8_t code, uint32_t rest)
{
    uint8_t *h = pkt_prepend(p, 8);
    h[0] = type;
    h[1] = code;
    put16(h + 2, 0);
    put32(h + 4, rest);
    put16(h + 2, cksum_fold(cksum_add(h, p->len, cksum_pseudo(ip, 58, (uint32_t)p->len))));
    p->kind = PK_ICMP6;
}

void pb_ipv4(struct pkt *p, const struct ip_pair *ip, const struct ipv4_params *params)
{
    size_t olen = params->options_len;
    size_t hlen = 20 + olen;
    uint8_t proto = pkt_ipproto(p);
    uint8_t *h = pkt_prepend(p, hlen);
    h[0] = (uint8_t)(0x40 | (hlen / 4));
    h[1] = params->tos;
    put16(h + 2, (uint16_t)p->len);
    put16(h + 4, params->id);
    put16(h + 6, params->df ? 0x4000 : 0);
    h[8] = params->ttl ? params->ttl : 64;
    h[9] = proto;
    put16(h + 10, 0);
    memcpy(h + 12, ip->src, 4);
    memcpy(h + 16, ip->dst, 4);
    if (olen)
        memcpy(h + 20, params->options, olen);
    put16(h + 10, cksum_fold(cksum_add(h, hlen, 0)));
    p->kind = PK_IPV4;
}

void pb_ipv6_ext(struct pkt *p, uint8_t type, const uint8_t *body, size_t body_len)
{
    uint8_t next = pkt_ipproto(p);
    uint8_t *h = pkt_prepend(p, 2 + body_len);
    h[0] = next;
    h[1] = (uint8_t)((2 + body_len) / 8 - 1);
    memcpy(h + 2, body, body_len);
    p->kind = PK_IP6_EXT;
    p->ext_type = type;
}

void pb_ipv6(struct pkt *p, const struct ip_pair *ip, uint8_t hop_limit, uint32_t flow_label)
{
    uint8_t next = pkt_ipproto(p);
    uint16_t plen = (uint16_t)p->len;
    uint8_t *h = pkt_prepend(p, 40);
    put32(h, 0x60000000u | (flow_label & 0xfffff));
    put16(h + 4, plen);
    h[6] = next;
    h[7] = hop_limit ? hop_limit : 64;
    memcpy(h + 8, ip->src, 16);
    memcpy(h + 24, ip->dst, 16);
    p->kind = PK_IPV6;
}

void frag_cuts(size_t len, unsigned n, size_t *offs, size_t *lens)
{
    size_t step = (len / n + 7) & ~(size_t)7;
    size_t off = 0;
    for (unsigned i = 0; i < n; i++) {
        size_t take = (i + 1 == n || off + step > len) ? len - off : step;
        offs[i] = off;
        lens[i] = take;
        off += take;
    }
}

void pb_ipv4_fragment(struct pkt *out, const uint8_t *dgram, size_t len, size_t off, size_t n, bool more,
                      const uint8_t *replacement)
{
    size_t hlen = (size_t)(dgram[0] & 0x0f) * 4;
    pkt_reset(out);
    pkt_append_bytes(out, dgram, hlen);
    pkt_append_bytes(out, replacement ? replacement : dgram + hlen + off, n);
    uint8_t *h = pkt_data(out);
    put16(h + 2, (uint16_t)(hlen + n));
    put16(h + 6, (uint16_t)((get16(dgram + 6) & 0x4000) | (more ? 0x2000 : 0) | (off / 8)));
    put16(h + 10, 0);
    put16(h + 10, cksum_fold(cksum_add(h, hlen, 0)));
    out->kind = PK_IPV4;
    (void)len;
}

void pb_ipv6_fragment(struct pkt *out, const uint8_t *dgram, size_t len, size_t off, size_t n, bool more,
                      uint32_t id, const uint8_t *replacement)
{
    pkt_reset(out);
    pkt_append_bytes(out, dgram, 40);
    uint8_t *fh = pkt_append(out, 8);
    fh[0] = dgram[6];
    fh[1] = 0;
    put16(fh + 2, (uint16_t)(off | (more ? 1 : 0)));
    put32(fh + 4, id);
    pkt_append_bytes(out, replacement ? replacement : dgram + 40 + off, n);
    uint8_t *h = pkt_data(out);
    h[6] = 44;
    put16(h + 4, (uint16_t)(8 + n));
    out->kind = PK_IPV6;
    (void)len;
}

void pb_eth(struct pkt *p, const uint8_t src[6], const uint8_t dst[6])
{
    uint16_t type = pkt_ethertype(p);
    uint8_t *h = pkt_prepend(p, 14);
    memcpy(h, dst, 6);
    memcpy(h + 6, src, 6);
    put16(h + 12, type);
    p->kind = PK_ETH;
}

void pb_vlan(struct pkt *p, uint16_t vid, uint8_t pcp, bool service_tag)
{
    uint16_t type = pkt_ethertype(p);
    uint8_t *h = pkt_prepend(p, 4);
    put16(h, (uint16_t)((pcp & 7) << 13 | (vid & 0x0fff)));
    put16(h + 2, type);
    p->kind = service_tag ? PK_SVLAN : PK_VLAN;
}

void pb_mpls(struct pkt *p, uint32_t label, uint8_t ttl)
{
    bool bottom = p->kind != PK_MPLS;
    uint8_t *h = pkt_prepend(p, 4);
    put32(h, (label & 0xfffff) << 12 | (bottom ? 0x100u : 0) | ttl);
    p->kind = PK_MPLS;
}

void pb_pppoe(struct pkt *p, uint16_t session)
{
    uint16_t ppp_proto = p->kind == PK_IPV6 ? 0x0057 : 0x0021;
    uint8_t *h = pkt_prepend(p, 8);
    h[0] = 0x11;
    h[1] = 0x00;
    put16(h + 2, session);
    put16(h + 4, (uint16_t)(p->len - 6));
    put16(h + 6, ppp_proto);
    p->kind = PK_PPPOE;
}

void pb_sll(struct pkt *p, uint16_t pkttype, const uint8_t mac[6])
{
    uint16_t proto = pkt_ethertype(p);
    uint8_t *h = pkt_prepend(p, 16);
    put16(h, pkttype);
    put16(h + 2, 1); /* ARPHRD_ETHER */
    put16(h + 4, 6);
    memset(h + 6, 0, 8);
    memcpy(h + 6, mac, 6);
    put16(h + 14, proto);
    p->kind = PK_LINK;
}

void pb_sll2(struct pkt *p, uint16_t pkttype, uint32_t ifindex, const uint8_t mac[6])
{
    uint16_t proto = pkt_ethertype(p);
    uint8_t *h = pkt_prepend(p, 20);
    put16(h, proto);
    put16(h + 2, 0);
    put32(h + 4, ifindex);
    put16(h + 8, 1); /* ARPHRD_ETHER */
    h[10] = (uint8_t)pkttype;
    h[11] = 6;
    memset(h + 12, 0, 8);
    memcpy(h + 12, mac, 6);
    p->kind = PK_LINK;
}

void pb_null(struct pkt *p, bool loop_network_order)
{
    /* 24 is the BSD AF_INET6 value every reader (Zeek, Wireshark) accepts. */
    uint32_t family = p->kind == PK_IPV6 ? 24 : 2;
    uint8_t *h = pkt_prepend(p, 4);
    if (loop_network_order) {
        put32(h, family);
    } else {
        h[0] = (uint8_t)family, h[1] = 0, h[2] = 0, h[3] = 0; /* little-endian host order */
    }
    p->kind = PK_LINK;
}

void pb_esp(struct pkt *p, uint32_t spi, uint32_t seq)
{
    uint8_t *h = pkt_prepend(p, 8);
    put32(h, spi);
    put32(h + 4, seq);
    p->kind = PK_ESP;
}

void pb_gre(struct pkt *p, bool with_seq, uint32_t seq)
{
    uint16_t proto = pkt_ethertype(p);
    uint8_t *h = pkt_prepend(p, with_seq ? 8 : 4);
    put16(h, with_seq ? 0x1000 : 0);
    put16(h + 2, proto);
    if (with_seq)
        put32(h + 4, seq);
    p->kind = PK_GRE;
}

void pb_erspan2(struct pkt *p, uint16_t session, uint16_t vlan, uint32_t index)
{
    uint8_t *h = pkt_prepend(p, 8);
    put16(h, (uint16_t)(1u << 12 | (vlan & 0x0fff)));       /* version 1 = type II */
    put16(h + 2, (uint16_t)(session & 0x3ff));             /* COS 0, En 0, T 0 */
    put32(h + 4, index & 0xfffff);
    p->kind = PK_ERSPAN2;
}

void pb_vxlan(struct pkt *p, uint32_t vni)
{
    uint8_t *h = pkt_prepend(p, 8);
    put32(h, 0x08000000u);
    put32(h + 4, (vni & 0xffffff) << 8);
    p->kind = PK_VXLAN;
}

void pb_gtpu(struct pkt *p, uint32_t teid)
{
    uint16_t plen = (uint16_t)p->len;
    uint8_t *h = pkt_prepend(p, 8);
    h[0] = 0x30; /* version 1, protocol type GTP, no optional fields */
    h[1] = 0xff; /* T-PDU */
    put16(h + 2, plen);
    put32(h + 4, teid);
    p->kind = PK_GTPU;
}

void pb_ppp_compressed(struct pkt *p)
{
    /* Protocol-Field-Compression (RFC 1661 6.5): 0x21 IPv4, 0x57 IPv6 in one byte. */
    uint8_t proto = p->kind == PK_IPV6 ? 0x57 : 0x21;
    *pkt_prepend(p, 1) = proto;
}

void pb_pppoe_compressed(struct pkt *p, uint16_t session)
{
    pb_ppp_compressed(p);
    uint8_t *h = pkt_prepend(p, 6);
    h[0] = 0x11;
    h[1] = 0x00;
    put16(h + 2, session);
    put16(h + 4, (uint16_t)(p->len - 6));
    p->kind = PK_PPPOE;
}

/* A TLV of NFLOG: length and type in the writing host's order (little-endian
 * here, as libpcap leaves them for an x86 reader), value padded to 32 bits. */
static size_t nflog_tlv(uint8_t *h, uint16_t type, const uint8_t *value, size_t len)
{
    size_t tlv_len = 4 + len;
    h[0] = (uint8_t)tlv_len, h[1] = (uint8_t)(tlv_len >> 8);
    h[2] = (uint8_t)type, h[3] = (uint8_t)(type >> 8);
    memcpy(h + 4, value, len);
    size_t padded = (tlv_len + 3) & ~(size_t)3;
    memset(h + tlv_len, 0, padded - tlv_len);
    return padded;
}

void pb_nflog(struct pkt *p)
{
    uint8_t family = p->kind == PK_IPV6 ? 10 : 2;
    static const uint8_t prefix[] = "vigil-gen"; /* NFULA_PREFIX, with its NUL: 10 bytes, padded */
    static const uint8_t hwproto[4] = {0x08, 0x00, 0x03, 0x00}; /* NFULA_PACKET_HDR */
    size_t payload = p->len;
    uint8_t *h = pkt_prepend(p, 4 + 8 + 16 + 4);
    h[0] = family, h[1] = 0, put16(h + 2, 7); /* version 0, group 7 */
    size_t off = 4;
    off += nflog_tlv(h + off, 1, hwproto, sizeof hwproto);
    off += nflog_tlv(h + off, 10, prefix, sizeof prefix);
    size_t tlv_len = 4 + payload;
    h[off] = (uint8_t)tlv_len, h[off + 1] = (uint8_t)(tlv_len >> 8);
    h[off + 2] = 9, h[off + 3] = 0; /* NFULA_PAYLOAD */
    p->kind = PK_LINK;
}

void pb_wlan(struct pkt *p, int dir, const uint8_t sta[6], const uint8_t ap[6], uint16_t seq, unsigned flags)
{
    uint16_t type = pkt_ethertype(p);
    uint8_t *llc = pkt_prepend(p, 8);
    static const uint8_t snap[6] = {0xaa, 0xaa, 0x03, 0, 0, 0};
    memcpy(llc, snap, 6);
    put16(llc + 6, type);
    bool qos = flags & WLAN_QOS_DATA;
    uint8_t *h = pkt_prepend(p, qos ? 26 : 24);
    memset(h, 0, qos ? 26 : 24);
    h[0] = qos ? 0x88 : 0x08; /* type data, subtype QoS data or data */
    /* dir 0: station to the AP (To DS), dir 1: the AP to the station (From DS) */
    h[1] = (uint8_t)((dir ? 0x02 : 0x01) | ((flags & WLAN_PROTECTED) ? 0x40 : 0));
    h[2] = 0x2c; /* duration, little-endian as every 802.11 field */
    const uint8_t *a1 = dir ? sta : ap, *a2 = dir ? ap : sta;
    memcpy(h + 4, a1, 6);
    memcpy(h + 10, a2, 6);
    memcpy(h + 16, ap, 6); /* BSSID / the far end behind the AP */
    h[22] = (uint8_t)(seq << 4), h[23] = (uint8_t)(seq >> 4); /* sequence number, fragment 0 */
    if (qos)
        h[24] = 0x00; /* TID 0, no A-MSDU */
    p->kind = PK_LINK;
}

void pb_radiotap(struct pkt *p)
{
    /* version 0, length 12, present: flags (bit 1) and rate (bit 2) */
    uint8_t *h = pkt_prepend(p, 12);
    memset(h, 0, 12);
    h[2] = 12;
    h[4] = 0x06;
    h[8] = 0x00;  /* flags: no FCS at the end */
    h[9] = 0x6c;  /* 54 Mb/s */
    p->kind = PK_LINK;
}

void pb_frame_relay(struct pkt *p, uint16_t dlci, bool snap)
{
    uint16_t type = pkt_ethertype(p);
    if (snap) {
        uint8_t *s = pkt_prepend(p, 6);
        s[0] = 0x80; /* NLPID SNAP, then the zero OUI and the ethertype */
        s[1] = 0, s[2] = 0, s[3] = 0;
        put16(s + 4, type);
    } else {
        *pkt_prepend(p, 1) = type == 0x86dd ? 0x8e : 0xcc; /* NLPID IPv6, IPv4 */
    }
    uint8_t *h = pkt_prepend(p, 3);
    /* Q.922: DLCI high 6 bits, C/R 0, EA 0; DLCI low 4 bits, FECN/BECN/DE 0, EA 1; UI */
    h[0] = (uint8_t)((dlci >> 4) << 2);
    h[1] = (uint8_t)(((dlci & 0x0f) << 4) | 0x01);
    h[2] = 0x03;
    p->kind = PK_LINK;
}

void pb_erspan3(struct pkt *p, uint16_t session, uint32_t timestamp)
{
    uint8_t *h = pkt_prepend(p, 12);
    put16(h, 2u << 12);                        /* version 2 = type III, VLAN 0 */
    put16(h + 2, (uint16_t)(session & 0x3ff)); /* COS 0, BSO 0, T 0 */
    put32(h + 4, timestamp);
    put16(h + 8, 0);                           /* SGT */
    put16(h + 10, 0);                          /* P 0, FT 0 (Ethernet), HW ID 0, D 0, Gra 0, O 0 */
    p->kind = PK_ERSPAN3;
}

void pb_gtpu_ext(struct pkt *p, uint32_t teid, uint16_t seq)
{
    uint16_t plen = (uint16_t)p->len;
    uint8_t *h = pkt_prepend(p, 16);
    h[0] = 0x36;                  /* version 1, GTP, E and S: sequence number and extension headers */
    h[1] = 0xff;                  /* T-PDU */
    put16(h + 2, (uint16_t)(plen + 8));
    put32(h + 4, teid);
    put16(h + 8, seq);
    h[10] = 0;                    /* N-PDU number */
    h[11] = 0x85;                 /* next: PDU session container (5G) */
    h[12] = 1;                    /* 4 bytes */
    h[13] = 0x10, h[14] = 0x09;   /* UL PDU session information, QFI 9 */
    h[15] = 0;                    /* no further extension */
    p->kind = PK_GTPU;
}
