/* Entry point: link-type dispatch, decoder life cycle, statistics and the
 * worker dispatch hash. */
#include "decode/decode_internal.h"

#include <stddef.h>
#include <stdlib.h>

void decode_config_defaults(struct decode_config *cfg)
{
    cfg->verify_checksums = true;          /* Zeek's default (-C turns it off) */
    cfg->frag_memcap = 64u * 1024 * 1024;  /* 1000 maximal datagrams at once */
    cfg->frag_timeout_us = 60u * 1000000;  /* Zeek has none; we need a bound */
    cfg->frag_max_datagrams = 65536;
}

struct decoder *decoder_new(const struct decode_config *cfg, decode_weird_fn weird, void *weird_ctx)
{
    struct decoder *d = calloc(1, sizeof *d);
    if (!d)
        return NULL;
    if (cfg)
        d->cfg = *cfg;
    else
        decode_config_defaults(&d->cfg);
    d->weird_fn = weird;
    d->weird_ctx = weird_ctx;
    d->frags = frag_table_new(&d->cfg);
    if (!d->frags) {
        free(d);
        return NULL;
    }
    return d;
}

void decoder_free(struct decoder *d)
{
    if (!d)
        return;
    frag_table_free(d->frags);
    for (size_t i = 0; i < DECODE_MAX_IP_LAYERS; i++)
        free(d->reasm_buf[i]);
    free(d);
}

const struct decode_stats *decoder_stats(const struct decoder *d)
{
    return &d->stats;
}

void decoder_set_verify_checksums(struct decoder *d, bool verify)
{
    d->cfg.verify_checksums = verify;
}

void decode_weird(struct decoder *d, const struct packet *pkt, const char *name, const char *addl)
{
    if (d->weird_fn)
        d->weird_fn(d->weird_ctx, pkt, name, addl);
}

void packet_reset_l3(struct packet *pkt)
{
    bool reassembled = pkt->reassembled;
    uint32_t frag_prefix_len = pkt->frag_prefix_len;
    size_t from = offsetof(struct packet, ip_version);
    size_t to = offsetof(struct packet, tunnel_depth);
    memset((uint8_t *)pkt + from, 0, to - from);
    pkt->reassembled = reassembled;
    pkt->frag_prefix_len = frag_prefix_len;
    pkt->tcp_wscale = -1;
}

void decode_note_frag_prefix(struct packet *pkt, const uint8_t *p)
{
    bool in_frame = pkt->data && p >= pkt->data && p < pkt->data + pkt->caplen;
    pkt->frag_prefix_len = in_frame ? (uint32_t)(p - pkt->data) : 0;
}

static enum decode_result decode_null_host(struct decoder *d, struct packet *pkt, const uint8_t *p, uint32_t cap,
                                           uint32_t wire)
{
    return decode_null(d, pkt, p, cap, wire, false);
}

static enum decode_result decode_loop(struct decoder *d, struct packet *pkt, const uint8_t *p, uint32_t cap,
                                      uint32_t wire)
{
    return decode_null(d, pkt, p, cap, wire, true);
}

typedef enum decode_result (*link_decoder)(struct decoder *d, struct packet *pkt, const uint8_t *p, uint32_t cap,
                                           uint32_t wire);

/* The link types decoded, the most common first (looked up per packet). */
static const struct {
    int linktype;
    link_decoder decode;
} link_decoders[] = {
    {LINKTYPE_ETHERNET, decode_ethernet},
    {LINKTYPE_RAW, decode_ip},
    {LINKTYPE_LINUX_SLL, decode_linux_sll},
    {LINKTYPE_LINUX_SLL2, decode_linux_sll2},
    {LINKTYPE_IPV4, decode_ip},
    {LINKTYPE_IPV6, decode_ip},
    {DLT_RAW_OPENBSD, decode_ip},
    {DLT_RAW_BSD, decode_ip},
    {LINKTYPE_NULL, decode_null_host},
    {LINKTYPE_LOOP, decode_loop},
    {LINKTYPE_PPP_ETHER, decode_pppoe},
    {LINKTYPE_PPP, decode_ppp},
    {LINKTYPE_NFLOG, decode_nflog},
    {LINKTYPE_IEEE802_11, decode_ieee80211},
    {LINKTYPE_IEEE802_11_RADIOTAP, decode_radiotap},
    {LINKTYPE_FRELAY, decode_frame_relay},
};

static link_decoder link_decoder_of(int linktype)
{
    for (size_t i = 0; i < sizeof link_decoders / sizeof link_decoders[0]; i++)
        if (link_decoders[i].linktype == linktype)
            return link_decoders[i].decode;
    return NULL;
}

bool decode_linktype_supported(int linktype)
{
    return link_decoder_of(linktype) != NULL;
}

enum decode_result decode_packet(struct decoder *d, int linktype, int64_t ts_us,
                                 const uint8_t *data, uint32_t caplen, uint32_t wirelen,
                                 struct packet *pkt)
{
    /* The tunnel array is only meaningful up to tunnel_depth: not cleared. */
    memset(pkt, 0, offsetof(struct packet, tunnels));
    /* after the array, so not cleared above; the engine sets it on tunnel outers */
    pkt->outer_tunnel = TUNNEL_NONE;
    pkt->ts_us = ts_us;
    pkt->data = data;
    pkt->caplen = caplen;
    pkt->wirelen = wirelen;
    pkt->linktype = linktype;
    pkt->tcp_wscale = -1;

    d->stats.packets++;
    if (caplen < wirelen)
        d->stats.truncated++;
    else
        wirelen = caplen; /* a wire length below caplen is a capture bug */
    if (!data)
        caplen = 0;

    frag_expire(d, ts_us);

    link_decoder decode = link_decoder_of(linktype);
    enum decode_result r = decode ? decode(d, pkt, data, caplen, wirelen) : DECODE_NOT_IP;
    if (r == DECODE_NOT_IP)
        d->stats.not_ip++;
    else if (r == DECODE_MALFORMED)
        d->stats.malformed++;
    return r;
}

/* ---- dispatch hash: only the outermost addresses, no full decode ---- */

static uint32_t hash_mix(uint32_t h, uint32_t v)
{
    h ^= v * 0xcc9e2d51u;
    h = (h << 15) | (h >> 17);
    return h * 0x1b873593u + 0xe6546b64u;
}

static uint32_t hash_bytes(uint32_t h, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i + 4 <= n; i += 4)
        h = hash_mix(h, load_be32(p + i));
    return h;
}

/* DHCP: a lease's messages travel between different address pairs
 * (0.0.0.0 -> broadcast, server -> client), and Zeek logs them as one record:
 * all of IPv4 DHCP goes to one worker so that one worker sees the lease. */
static bool is_dhcp_v4(const uint8_t *p, uint32_t cap)
{
    if (cap < 20 || (p[0] >> 4) != 4 || p[9] != 17)
        return false;
    uint32_t ihl = (uint32_t)(p[0] & 0x0f) * 4;
    if (ihl < 20 || cap < ihl + 4 || (load_be16(p + 6) & 0x1fff) != 0)
        return false;
    uint16_t sport = load_be16(p + ihl), dport = load_be16(p + ihl + 2);
    return (sport == 67 || sport == 68) && (dport == 67 || dport == 68);
}

static uint32_t hash_ip(const uint8_t *p, uint32_t cap, uint16_t vlan)
{
    const uint8_t *a, *b;
    size_t alen;
    if (is_dhcp_v4(p, cap))
        return 1;
    if (cap >= 20 && (p[0] >> 4) == 4) {
        a = p + 12;
        b = p + 16;
        alen = 4;
    } else if (cap >= 40 && (p[0] >> 4) == 6) {
        a = p + 8;
        b = p + 24;
        alen = 16;
    } else {
        return 0;
    }
    /* Order the pair so both directions hash alike. */
    if (memcmp(a, b, alen) > 0) {
        const uint8_t *t = a;
        a = b;
        b = t;
    }
    uint32_t h = hash_mix(0x9747b28cu, vlan);
    h = hash_bytes(h, a, alen);
    h = hash_bytes(h, b, alen);
    h ^= h >> 16;
    h *= 0x85ebca6bu;
    h ^= h >> 13;
    return h ? h : 1;
}

static uint32_t hash_after_ethertype(uint32_t type, const uint8_t *p, uint32_t cap)
{
    uint16_t vlan = 0;
    for (int hops = 0; hops < 8; hops++) {
        switch (type) {
        case ETHERTYPE_IPV4:
        case ETHERTYPE_IPV6:
            return hash_ip(p, cap, vlan);
        case ETHERTYPE_VLAN:
        case ETHERTYPE_QINQ:
        case ETHERTYPE_QINQ_OLD:
            if (cap < 4)
                return 0;
            if (!vlan)
                vlan = load_be16(p) & 0x0fff;
            type = load_be16(p + 2);
            p += 4;
            cap -= 4;
            break;
        case ETHERTYPE_MPLS:
        case ETHERTYPE_MPLS_MCAST:
            for (;;) {
                if (cap < 4)
                    return 0;
                bool bottom = p[2] & 1;
                p += 4;
                cap -= 4;
                if (bottom)
                    break;
            }
            return hash_ip(p, cap, vlan);
        case ETHERTYPE_PPPOE_SESSION: {
            bool ip = false;
            uint32_t hdr = cap > 6 ? 6 + ppp_protocol_len(p + 6, cap - 6, &ip) : 0;
            return ip ? hash_ip(p + hdr, cap - hdr, vlan) : 0;
        }
        default:
            return 0;
        }
    }
    return 0;
}

static uint32_t hash_wlan(const uint8_t *p, uint32_t cap)
{
    const char *weird;
    uint32_t off = wlan_payload_offset(p, cap, &weird);
    return off ? hash_after_ethertype(load_be16(p + off), p + off + 2, cap - off - 2) : 0;
}

uint32_t decode_dispatch_hash(int linktype, const uint8_t *data, uint32_t caplen)
{
    if (!data)
        return 0;
    switch (linktype) {
    case LINKTYPE_ETHERNET:
        if (caplen < 14)
            return 0;
        return hash_after_ethertype(load_be16(data + 12), data + 14, caplen - 14);
    case LINKTYPE_RAW:
    case LINKTYPE_IPV4:
    case LINKTYPE_IPV6:
    case DLT_RAW_OPENBSD:
    case DLT_RAW_BSD:
        return hash_ip(data, caplen, 0);
    case LINKTYPE_LINUX_SLL:
        if (caplen < 16)
            return 0;
        return hash_after_ethertype(load_be16(data + 14), data + 16, caplen - 16);
    case LINKTYPE_LINUX_SLL2:
        if (caplen < 20)
            return 0;
        return hash_after_ethertype(load_be16(data), data + 20, caplen - 20);
    case LINKTYPE_NULL:
    case LINKTYPE_LOOP:
        if (caplen < 4)
            return 0;
        return hash_ip(data + 4, caplen - 4, 0);
    case LINKTYPE_PPP_ETHER:
        return hash_after_ethertype(ETHERTYPE_PPPOE_SESSION, data, caplen);
    case LINKTYPE_PPP: {
        bool ip = false;
        uint32_t hdr = decode_ppp_header_len(data, caplen, &ip);
        return ip && hdr < caplen ? hash_ip(data + hdr, caplen - hdr, 0) : 0;
    }
    case LINKTYPE_NFLOG: {
        const char *weird;
        uint32_t off = nflog_payload_offset(data, caplen, &weird);
        return off ? hash_ip(data + off, caplen - off, 0) : 0;
    }
    case LINKTYPE_IEEE802_11_RADIOTAP: {
        uint32_t rt = radiotap_header_len(data, caplen);
        return rt ? hash_wlan(data + rt, caplen - rt) : 0;
    }
    case LINKTYPE_IEEE802_11:
        return hash_wlan(data, caplen);
    case LINKTYPE_FRELAY: {
        uint32_t type = 0, off = frame_relay_payload(data, caplen, &type);
        if (off && type == ETHERTYPE_TEB && caplen - off >= 14) {
            off += 14;
            type = load_be16(data + off - 2);
        }
        return off && type && type != ETHERTYPE_TEB ? hash_after_ethertype(type, data + off, caplen - off) : 0;
    }
    default:
        return 0;
    }
}
