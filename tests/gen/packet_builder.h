/* Builds packets inside-out: start with the payload, then prepend each header
 * (TCP, IP, tunnel, VLAN, Ethernet...). Every prepend looks at what is
 * already inside to fill its "next protocol" field, so any stack composes. */
#ifndef VIGIL_GEN_PACKET_BUILDER_H
#define VIGIL_GEN_PACKET_BUILDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PKT_HEADROOM 512
#define PKT_CAPACITY (PKT_HEADROOM + 16384)

/* What the outermost bytes of a packet under construction are. */
enum pkt_kind {
    PK_PAYLOAD, PK_TCP, PK_UDP, PK_ICMP4, PK_ICMP6, PK_IP6_EXT, PK_IPV4, PK_IPV6,
    PK_ETH, PK_VLAN, PK_SVLAN, PK_MPLS, PK_PPPOE, PK_GRE, PK_ERSPAN2, PK_VXLAN, PK_GTPU,
    PK_ERSPAN3,
    PK_ESP,
    PK_LINK, /* a capture link header: nothing else goes outside it */
};

struct pkt {
    size_t head, len;
    enum pkt_kind kind;
    uint8_t ext_type; /* IPv6 extension header type when kind == PK_IP6_EXT */
    uint8_t buf[PKT_CAPACITY];
};

/* A pair of addresses, source then destination; IPv4 lives in the first 4 bytes. */
struct ip_pair {
    bool v6;
    uint8_t src[16], dst[16];
};

void pkt_reset(struct pkt *p);
static inline uint8_t *pkt_data(struct pkt *p) { return p->buf + p->head; }
uint8_t *pkt_prepend(struct pkt *p, size_t n);
uint8_t *pkt_append(struct pkt *p, size_t n);
void pkt_append_bytes(struct pkt *p, const void *data, size_t n);

void put16(uint8_t *p, uint16_t v);
void put32(uint8_t *p, uint32_t v);
uint16_t get16(const uint8_t *p);

uint32_t cksum_add(const uint8_t *p, size_t n, uint32_t sum);
uint16_t cksum_fold(uint32_t sum);
uint32_t cksum_pseudo(const struct ip_pair *ip, uint8_t proto, uint32_t len);

void ip_pair_v4(struct ip_pair *ip, const char *src, const char *dst);
void ip_pair_v6(struct ip_pair *ip, const char *src, const char *dst);
void ip_pair_swap(struct ip_pair *ip);

struct tcp_opts {
    uint16_t mss;          /* 0: none */
    uint8_t wscale;        /* 0xff: none */
    bool sack_perm;
    bool timestamps;
    uint32_t tsval, tsecr;
};

void pb_tcp(struct pkt *p, const struct ip_pair *ip, uint16_t sport, uint16_t dport, uint32_t seq,
            uint32_t ack, uint8_t flags, uint16_t win, const struct tcp_opts *opts);
void pb_udp(struct pkt *p, const struct ip_pair *ip, uint16_t sport, uint16_t dport);
void pb_icmp4(struct pkt *p, uint8_t type, uint8_t code, uint32_t rest);
void pb_icmp6(struct pkt *p, const struct ip_pair *ip, uint8_t type, uint8_t code, uint32_t rest);

struct ipv4_params {
    uint8_t ttl, tos;
    uint16_t id;
    bool df;
    const uint8_t *options; /* length a multiple of 4, at most 40 */
    size_t options_len;
};
void pb_ipv4(struct pkt *p, const struct ip_pair *ip, const struct ipv4_params *params);
/* body_len + 2 must be a multiple of 8; the Next Header field comes from the content. */
void pb_ipv6_ext(struct pkt *p, uint8_t type, const uint8_t *body, size_t body_len);
void pb_ipv6(struct pkt *p, const struct ip_pair *ip, uint8_t hop_limit, uint32_t flow_label);

/* One fragment of the IPv4 datagram dgram (header + payload): payload bytes
 * [off, off+n), `replacement` (if not NULL) substitutes the bytes carried. */
void pb_ipv4_fragment(struct pkt *out, const uint8_t *dgram, size_t len, size_t off, size_t n, bool more,
                      const uint8_t *replacement);
/* Same for IPv6: dgram is a 40-byte IPv6 header without extensions + payload. */
void pb_ipv6_fragment(struct pkt *out, const uint8_t *dgram, size_t len, size_t off, size_t n, bool more,
                      uint32_t id, const uint8_t *replacement);
/* Payload cut points for n fragments of a payload of len bytes (multiples of 8). */
void frag_cuts(size_t len, unsigned n, size_t *offs, size_t *lens);

void pb_eth(struct pkt *p, const uint8_t src[6], const uint8_t dst[6]);
void pb_vlan(struct pkt *p, uint16_t vid, uint8_t pcp, bool service_tag);
void pb_mpls(struct pkt *p, uint32_t label, uint8_t ttl);
void pb_pppoe(struct pkt *p, uint16_t session);
void pb_sll(struct pkt *p, uint16_t pkttype, const uint8_t mac[6]);
void pb_sll2(struct pkt *p, uint16_t pkttype, uint32_t ifindex, const uint8_t mac[6]);
void pb_null(struct pkt *p, bool loop_network_order);

/* PPPoE session whose PPP protocol field is compressed to one byte. */
void pb_pppoe_compressed(struct pkt *p, uint16_t session);
void pb_ppp_compressed(struct pkt *p);
/* Linux NFLOG (link type 239): header, NFULA_PACKET_HDR, NFULA_PREFIX, NFULA_PAYLOAD. */
void pb_nflog(struct pkt *p);
enum { WLAN_QOS_DATA = 1, WLAN_PROTECTED = 2 };
/* An 802.11 data frame with LLC/SNAP between a station and its access point
 * (dir 0: To DS, dir 1: From DS); flags WLAN_QOS_DATA, WLAN_PROTECTED. */
void pb_wlan(struct pkt *p, int dir, const uint8_t sta[6], const uint8_t ap[6], uint16_t seq, unsigned flags);
/* A 12-byte radiotap header (flags, rate) in front of an 802.11 frame. */
void pb_radiotap(struct pkt *p);
/* Frame Relay: Q.922 address of dlci, UI, NLPID IPv4/IPv6 or SNAP + ethertype. */
void pb_frame_relay(struct pkt *p, uint16_t dlci, bool snap);

void pb_gre(struct pkt *p, bool with_seq, uint32_t seq);
void pb_erspan2(struct pkt *p, uint16_t session, uint16_t vlan, uint32_t index);
void pb_vxlan(struct pkt *p, uint32_t vni);
void pb_gtpu(struct pkt *p, uint32_t teid);
/* ERSPAN type III (GRE 0x22eb, with sequence numbers), no optional subheader. */
void pb_erspan3(struct pkt *p, uint16_t session, uint32_t timestamp);
/* GTP-U with a sequence number and a PDU session container extension header. */
void pb_gtpu_ext(struct pkt *p, uint32_t teid, uint16_t seq);

/* IPsec ESP (RFC 4303): SPI and sequence number before the (opaque) payload. */
void pb_esp(struct pkt *p, uint32_t spi, uint32_t seq);

uint16_t pkt_ethertype(const struct pkt *p);
uint8_t pkt_ipproto(const struct pkt *p);

#endif
