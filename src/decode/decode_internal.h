/* decode/ private interface: the per-layer decoders call each other through
 * these functions. Every decoder takes the bytes of its layer as
 * (p, cap, wire): cap bytes are readable, wire is what the layer had on the
 * wire (cap <= wire). Nothing here is used outside src/decode/. */
#ifndef VIGIL_DECODE_INTERNAL_H
#define VIGIL_DECODE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "decode/decode.h"
#include "util/reader.h"   /* load_be16, load_be32, load_le32: the header checks lengths first */

/* Zeek's Tunnel::max_depth. */
#define DECODE_MAX_TUNNEL_DEPTH 2
/* Reassembled datagrams are built per IP layer so that an inner datagram
 * never overwrites the outer one it was carried in. */
#define DECODE_MAX_IP_LAYERS (DECODE_MAX_TUNNEL_DEPTH + 1)
#define DECODE_REASM_BUF_SIZE (65535u + 40u)

enum {
    PROTO_HOPOPTS = 0, PROTO_ICMP = 1, PROTO_IPIP = 4, PROTO_TCP = 6, PROTO_UDP = 17,
    PROTO_IPV6 = 41, PROTO_ROUTING = 43, PROTO_FRAGMENT = 44, PROTO_GRE = 47,
    PROTO_ESP = 50, PROTO_AH = 51, PROTO_ICMPV6 = 58, PROTO_NONE = 59, PROTO_DSTOPTS = 60,
};

enum {
    ETHERTYPE_IPV4 = 0x0800, ETHERTYPE_IPV6 = 0x86DD, ETHERTYPE_VLAN = 0x8100,
    ETHERTYPE_QINQ = 0x88A8, ETHERTYPE_QINQ_OLD = 0x9100, ETHERTYPE_MPLS = 0x8847,
    ETHERTYPE_MPLS_MCAST = 0x8848, ETHERTYPE_PPPOE_SESSION = 0x8864,
    ETHERTYPE_TEB = 0x6558, ETHERTYPE_ERSPAN_2 = 0x88BE, ETHERTYPE_ERSPAN_3 = 0x22EB,
    ETHERTYPE_PPP = 0x880B,
};

struct frag_table;

struct decoder {
    struct decode_config cfg;
    decode_weird_fn weird_fn;
    void *weird_ctx;
    struct decode_stats stats;
    struct frag_table *frags;
    uint8_t *reasm_buf[DECODE_MAX_IP_LAYERS]; /* allocated on first use */
    char addl[64];                            /* scratch for a weird's addl text */
};

/* Counts one verified checksum; returns true when it is wrong. */
static inline bool checksum_counted_bad(struct decoder *d, bool bad)
{
    d->stats.checksums_verified++;
    d->stats.checksums_bad += bad;
    return bad;
}

static inline uint32_t min_u32(uint32_t a, uint32_t b)
{
    return a < b ? a : b;
}

void decode_weird(struct decoder *d, const struct packet *pkt, const char *name, const char *addl);

/* Clears everything a new (inner) IP layer fills, keeping L2 and tunnels. */
void packet_reset_l3(struct packet *pkt);

/* What every IP version records of its header but the addresses. */
static inline void packet_set_l3(struct packet *pkt, uint8_t version, uint8_t ttl, const uint8_t *l3, uint32_t cap)
{
    pkt->ip_version = version;
    pkt->ttl = ttl;
    pkt->l3 = l3;
    pkt->l3_caplen = cap;
}

/* L2 */
enum decode_result decode_ethernet(struct decoder *d, struct packet *pkt, const uint8_t *p, uint32_t cap, uint32_t wire);
enum decode_result decode_ethertype(struct decoder *d, struct packet *pkt, uint32_t type, const uint8_t *p, uint32_t cap, uint32_t wire);
/* A PPP frame (RFC 1661/1662: optional address and control, a one- or
 * two-byte protocol) carrying IPv4 or IPv6, as link type 9 or inside GRE. */
enum decode_result decode_ppp(struct decoder *d, struct packet *pkt, const uint8_t *p, uint32_t cap, uint32_t wire);
/* The PPP header's length (0: too short) and whether IP follows. */
uint32_t decode_ppp_header_len(const uint8_t *p, uint32_t cap, bool *ip);
/* A PPP protocol field, one byte when compressed (RFC 1661 6.5): its length
 * (0: cut) and whether IPv4 or IPv6 follows. */
uint32_t ppp_protocol_len(const uint8_t *p, uint32_t cap, bool *ip);
enum decode_result decode_pppoe(struct decoder *d, struct packet *pkt, const uint8_t *p, uint32_t cap, uint32_t wire);
enum decode_result decode_linux_sll(struct decoder *d, struct packet *pkt, const uint8_t *p, uint32_t cap, uint32_t wire);
enum decode_result decode_linux_sll2(struct decoder *d, struct packet *pkt, const uint8_t *p, uint32_t cap, uint32_t wire);
/* Link types 239, 105, 127, 107. Each *_offset/_len function finds where the
 * link header ends without decoding (0: nothing to decode; *weird says why
 * when it is damage), shared with the dispatch hash. */
uint32_t nflog_payload_offset(const uint8_t *p, uint32_t cap, const char **weird);
enum decode_result decode_nflog(struct decoder *d, struct packet *pkt, const uint8_t *p, uint32_t cap, uint32_t wire);
/* At the ethertype after LLC/SNAP. */
uint32_t wlan_payload_offset(const uint8_t *p, uint32_t cap, const char **weird);
enum decode_result decode_ieee80211(struct decoder *d, struct packet *pkt, const uint8_t *p, uint32_t cap, uint32_t wire);
uint32_t radiotap_header_len(const uint8_t *p, uint32_t cap);
enum decode_result decode_radiotap(struct decoder *d, struct packet *pkt, const uint8_t *p, uint32_t cap, uint32_t wire);
/* *type: the ethertype that follows, ETHERTYPE_TEB for a bridged Ethernet frame, 0 for not IP. */
uint32_t frame_relay_payload(const uint8_t *p, uint32_t cap, uint32_t *type);
enum decode_result decode_frame_relay(struct decoder *d, struct packet *pkt, const uint8_t *p, uint32_t cap, uint32_t wire);
enum decode_result decode_null(struct decoder *d, struct packet *pkt, const uint8_t *p, uint32_t cap, uint32_t wire, bool network_order);

/* L3 */
/* A fragment completed its datagram: remembers the frame's bytes before
 * its IP header p (pkt->frag_prefix_len), when p lies in the frame. */
void decode_note_frag_prefix(struct packet *pkt, const uint8_t *p);
enum decode_result decode_ip(struct decoder *d, struct packet *pkt, const uint8_t *p, uint32_t cap, uint32_t wire);
enum decode_result decode_ipv4(struct decoder *d, struct packet *pkt, const uint8_t *p, uint32_t cap, uint32_t wire);
enum decode_result decode_ipv6(struct decoder *d, struct packet *pkt, const uint8_t *p, uint32_t cap, uint32_t wire);

/* L4: cap <= len, len from the IP header. */
enum decode_result decode_transport(struct decoder *d, struct packet *pkt, uint8_t proto, const uint8_t *l4, uint32_t cap, uint32_t len);
enum decode_result decode_tcp(struct decoder *d, struct packet *pkt, const uint8_t *l4, uint32_t cap, uint32_t len);
enum decode_result decode_udp(struct decoder *d, struct packet *pkt, const uint8_t *l4, uint32_t cap, uint32_t len);
enum decode_result decode_icmp(struct decoder *d, struct packet *pkt, uint8_t proto, const uint8_t *l4, uint32_t cap, uint32_t len);
/* Zeek's IPBasedAnalyzer::CheckHeaderTrunc. */
bool check_header_trunc(struct decoder *d, struct packet *pkt, uint32_t min_len, uint32_t cap, uint32_t len);

/* Tunnels */
bool tunnel_push(struct decoder *d, struct packet *pkt, enum tunnel_type type);
enum decode_result decode_ip_tunnel(struct decoder *d, struct packet *pkt, const uint8_t *p, uint32_t cap, uint32_t len);
enum decode_result decode_gre(struct decoder *d, struct packet *pkt, const uint8_t *p, uint32_t cap, uint32_t len);
/* Called by UDP with the payload; returns false when the payload is not a
 * tunnel we decode (pkt is then left as the plain UDP packet). */
bool decode_udp_tunnel(struct decoder *d, struct packet *pkt, enum decode_result *res);

/* Fragments */
/* The caller frees it with frag_table_free(); NULL when out of memory. */
struct frag_table *frag_table_new(const struct decode_config *cfg);
void frag_table_free(struct frag_table *t);
void frag_expire(struct decoder *d, int64_t now_us);
/* The most datagrams sharing one bucket (tests: crafted keys must spread). */
uint32_t frag_longest_chain(const struct decoder *d);
/* Fragment of an IP datagram whose header (p) is fully captured and whose
 * payload is complete. Returns the contiguous reassembled datagram (in the
 * decoder's buffer for this IP layer, valid until the next datagram of that
 * layer completes) once complete, NULL while incomplete. */
const uint8_t *frag_add_ipv4(struct decoder *d, struct packet *pkt, const uint8_t *p, uint32_t hdr_len,
                             uint32_t total_len, uint32_t *out_len);
const uint8_t *frag_add_ipv6(struct decoder *d, struct packet *pkt, const uint8_t *p, uint32_t frag_hdr_off,
                             uint32_t prev_nh_off, uint32_t total_len, uint32_t *out_len);

/* Internet checksum: accumulate in native order, fold at the end.
 * A correct header/segment folds to 0xffff. */
uint64_t checksum_add(uint64_t acc, const uint8_t *p, size_t n);
uint16_t checksum_fold(uint64_t acc);
uint64_t checksum_pseudo(const struct packet *pkt, uint8_t proto, uint32_t len);

#endif
