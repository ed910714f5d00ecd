/* The decoded packet: what decode/ hands to flow/. Zero-copy: pointers into
 * the captured bytes (or into the fragment reassembler's buffer, valid until
 * the next decode call on the same decoder). Type-only header. */
#ifndef VIGIL_DECODE_PACKET_T_H
#define VIGIL_DECODE_PACKET_T_H

#include <stdbool.h>
#include <stdint.h>

#include "util/addr.h"

/* libpcap DLT_ values we decode (numbers from pcap/dlt.h, kept here so that
 * decoders and the fuzzer do not need libpcap headers). */
enum linktype {
    LINKTYPE_NULL = 0,        /* BSD loopback: 4-byte host-order family */
    LINKTYPE_ETHERNET = 1,
    LINKTYPE_RAW = 101,       /* raw IPv4/IPv6 */
    LINKTYPE_LOOP = 108,      /* OpenBSD loopback: network-order family */
    LINKTYPE_LINUX_SLL = 113,
    LINKTYPE_LINUX_SLL2 = 276,
    LINKTYPE_IPV4 = 228,
    LINKTYPE_IPV6 = 229,
    LINKTYPE_PPP_ETHER = 51,  /* PPPoE session frames without Ethernet */
    LINKTYPE_PPP = 9,         /* PPP, optionally with HDLC-like framing */
    DLT_RAW_OPENBSD = 14,     /* DLT_RAW on some platforms */
    DLT_RAW_BSD = 12,
    LINKTYPE_IEEE802_11 = 105,          /* 802.11 frames without radio information */
    LINKTYPE_FRELAY = 107,              /* Frame Relay with its Q.922 address */
    LINKTYPE_IEEE802_11_RADIOTAP = 127, /* 802.11 behind a radiotap header */
    LINKTYPE_NFLOG = 239,               /* Linux netfilter log messages */
};

enum tunnel_type {
    TUNNEL_NONE = 0,
    TUNNEL_IP,      /* IP-in-IP, 6in4, 4in6 */
    TUNNEL_GRE,     /* GRE, incl. transparent Ethernet bridging and ERSPAN */
    TUNNEL_VXLAN,   /* UDP-based: the outer UDP flow is tracked too */
    TUNNEL_GTPV1,   /* UDP-based */
    TUNNEL_TEREDO,  /* UDP-based (not decoded yet) */
    TUNNEL_GENEVE,  /* UDP-based */
};

/* One encapsulation layer, outermost first in packet.tunnels[]. */
struct tunnel_layer {
    enum tunnel_type type;
    struct ip_addr src, dst;
    uint16_t sport, dport;   /* UDP ports for UDP-based tunnels, 0 otherwise */
    uint8_t ip_version;
    uint32_t ip_len;         /* outer IP total length (for the outer flow's ip_bytes) */
    uint32_t udp_payload_len;/* outer UDP payload length for UDP-based tunnels */
    uint16_t vlan;           /* outer VLAN of this layer */
};

#define PACKET_MAX_TUNNELS 4

/* TCP flag bits as on the wire. */
enum {
    TCP_FIN = 0x01, TCP_SYN = 0x02, TCP_RST = 0x04, TCP_PSH = 0x08,
    TCP_ACK = 0x10, TCP_URG = 0x20, TCP_ECE = 0x40, TCP_CWR = 0x80,
};

struct packet {
    int64_t ts_us;            /* packet time, microseconds since the epoch */
    const uint8_t *data;      /* the captured frame */
    uint32_t caplen, wirelen;
    int linktype;

    /* L2 (innermost Ethernet header seen, may be NULL) */
    const uint8_t *eth_src, *eth_dst; /* 6 bytes each */
    uint16_t vlan;            /* outer 802.1Q/802.1ad VLAN id, 0 = untagged */
    uint16_t inner_vlan;      /* QinQ inner id, 0 = none */
    /* Three stacked tags: the middle one. Zeek overwrites inner_vlan with
     * the third (triple_tagged_vlan_unsupported); Suricata keeps all three
     * and writes them in EVE's "vlan". 0 = fewer than three tags. */
    uint16_t middle_vlan;
    /* A frame that carries no IP (DECODE_NOT_IP): its ethertype and payload,
     * for the link-layer observers (ARP). l2_type 0 when unknown. */
    uint16_t l2_type;
    const uint8_t *l2_payload;
    uint32_t l2_caplen;

    /* L3: the innermost IP header */
    uint8_t ip_version;       /* 4, 6, or 0 when the frame carries no IP */
    struct ip_addr src, dst;
    uint8_t ttl;
    uint32_t ip_len;          /* IPv4 total length / 40 + IPv6 payload length (reassembled size for fragments) */
    const uint8_t *l3;        /* IP header */
    uint32_t l3_caplen;       /* captured bytes from l3 */
    bool reassembled;         /* l3 points into the reassembler's buffer */
    /* reassembled: the frame's bytes before the completing fragment's IP
     * header (link and tunnel headers), 0 when unknown. Suricata logs its
     * reassembled packet behind them. */
    uint32_t frag_prefix_len;

    /* L4 */
    uint8_t l4_proto;         /* IPPROTO_TCP, _UDP, _ICMP, _ICMPV6, or other (then only addresses are set) */
    const uint8_t *l4;        /* L4 header */
    uint32_t l4_caplen;       /* captured bytes from l4 */
    uint32_t l4_len;          /* L4 length according to the IP header */
    uint16_t sport, dport;    /* host order; for ICMP see flow/: type/code mapping */
    uint32_t tcp_seq, tcp_ack;
    uint8_t tcp_flags;
    uint16_t tcp_win;
    int8_t tcp_wscale;        /* window scale option, -1 when absent */
    uint8_t icmp_type, icmp_code;
    const uint8_t *payload;   /* L4 payload */
    uint32_t payload_caplen;  /* captured payload bytes */
    uint32_t payload_len;     /* payload length according to the headers */
    bool l4_checksum_bad;     /* checksum verified and wrong (never set when not verifiable) */

    uint8_t tunnel_depth;
    struct tunnel_layer tunnels[PACKET_MAX_TUNNELS];

    /* Set by the engine on the outer packet of a UDP tunnel: the tunnel
     * type, which names the outer connection's service ("vxlan", "gtpv1"). */
    uint8_t outer_tunnel;     /* enum tunnel_type, TUNNEL_NONE otherwise */

    /* Set by the engine: the packet's 1-based number in the order the
     * capture delivered it (Suricata's pcap_cnt), never 0. */
    uint64_t number;
};

#endif
