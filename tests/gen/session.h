/* The generator context and the session scripter: TCP conversations with
 * correct sequence numbers (and deliberate mistakes on request), UDP
 * request/response and ICMP echo, over any link/tunnel path. */
#ifndef VIGIL_GEN_SESSION_H
#define VIGIL_GEN_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "packet_builder.h"
#include "pcap_writer.h"

/* 2024-03-04 09:00:00 UTC: every capture starts here, so output is reproducible. */
#define GEN_BASE_TIME_US (1709542800ull * 1000000ull)
#define US_PER_SEC 1000000ull

/* TCP flag bits (named apart from decode/packet-t.h so the generator stands alone). */
enum {
    TCP_FIN_FLAG = 0x01, TCP_SYN_FLAG = 0x02, TCP_RST_FLAG = 0x04, TCP_PSH_FLAG = 0x08,
    TCP_ACK_FLAG = 0x10, TCP_URG_FLAG = 0x20, TCP_ECE_FLAG = 0x40, TCP_CWR_FLAG = 0x80,
};

struct gen_options {
    uint64_t seed;
    uint64_t flows, packets;  /* bench sizing */
    bool pcapng;
    int linktype;             /* -1: scenario default */
};

/* A packet waiting to be written: scenarios script sessions one after the
 * other, each with its own clock, and the queue is sorted by time at the end
 * so that sessions interleave as they would on a real wire. */
struct queued_packet {
    uint64_t ts_us;
    uint64_t order;           /* tie-break: keeps scripting order stable */
    size_t offset;            /* into gen.bytes */
    uint32_t len;             /* bytes stored */
    uint32_t caplen_field;    /* 0: honest record */
    uint32_t block_len;       /* pcapng block body length claimed (lying records) */
    int iface;
};

struct gen {
    struct gen_options opt;
    struct pcap_writer writer;
    uint64_t rng;
    struct pkt pkt;           /* scratch packet for the scripter */
    struct pkt frags[8];      /* scratch fragments */
    struct queued_packet *queue;
    size_t queue_len, queue_cap;
    uint8_t *bytes;
    size_t bytes_len, bytes_cap;
    bool failed;
    bool tcp_timestamps_off;  /* keep TCP headers at 20 bytes (the snaplen-60 capture) */
    bool pad_frames;          /* Ethernet frames under 60 bytes padded with non-zero bytes */
};

uint64_t rng_next(struct gen *g);
uint32_t rng_below(struct gen *g, uint32_t n);
void rng_fill(struct gen *g, uint8_t *p, size_t n);

bool gen_init(struct gen *g, const struct gen_options *opt, const char *path);
/* Queues the bytes of p (after the path is applied) at ts on iface. */
void gen_queue(struct gen *g, int iface, uint64_t ts_us, const uint8_t *data, uint32_t len);
void gen_queue_lying(struct gen *g, int iface, uint64_t ts_us, const uint8_t *data, uint32_t present,
                     uint32_t caplen_field, uint32_t block_len);
/* Sorts and writes the queue, closes the file. False on I/O error. */
bool gen_finish(struct gen *g);
void gen_free(struct gen *g);

/* The layers wrapped around an IP packet, innermost first. Each layer's
 * a/b fields are source/destination for direction 0 and swap for direction 1. */
enum layer_kind {
    LY_ETH, LY_VLAN, LY_SVLAN, LY_MPLS, LY_PPPOE, LY_SLL, LY_SLL2, LY_NULL, LY_LOOP,
    LY_GRE, LY_GRE_SEQ, LY_ERSPAN2, LY_VXLAN, LY_GTPU, LY_UDP, LY_IPV4, LY_IPV6,
    LY_PPPOE_PFC, LY_NFLOG, LY_WLAN, LY_RADIOTAP, LY_FRELAY, LY_FRELAY_SNAP, LY_ERSPAN3, LY_GTPU_EXT,
};

struct layer {
    enum layer_kind kind;
    uint32_t value;           /* VLAN id, MPLS label, PPPoE session, VNI, TEID, ERSPAN session, DLCI,
                                 802.11 flags (WLAN_QOS_DATA...) */
    uint8_t mac_a[6], mac_b[6];
    struct ip_pair ip;        /* outer addresses for LY_UDP / LY_IPV4 / LY_IPV6 */
    uint16_t port_a, port_b;
};

#define PATH_MAX_LAYERS 8
struct path {
    int iface;
    size_t n;
    struct layer layers[PATH_MAX_LAYERS];
    uint32_t counter;         /* GRE sequence, outer IP id */
};

void mac_for_ip(uint8_t mac[6], const struct ip_pair *ip, bool dst);
/* A plain Ethernet path between the MACs derived from ip's addresses. */
void path_ethernet(struct path *pa, int iface, const struct ip_pair *ip);
/* ip_pair_v4 (or _v6) of src and dst, then path_ethernet on iface. */
void ethernet_v4(struct ip_pair *ip, struct path *pa, int iface, const char *src, const char *dst);
void ethernet_v6(struct ip_pair *ip, struct path *pa, int iface, const char *src, const char *dst);
void path_push(struct path *pa, const struct layer *l);
void path_push_eth(struct path *pa, const struct ip_pair *ip);
void path_apply(struct path *pa, struct pkt *p, int dir);

/* Starts the packet in g->pkt with len bytes of payload (the layers go
 * around it afterwards) and writes ip as seen from dir into oriented (dir 1:
 * swapped), what emit_ip takes. Returns g->pkt. */
struct pkt *pkt_start_from(struct gen *g, const struct ip_pair *ip, int dir, const void *payload, size_t len,
                           struct ip_pair *oriented);

/* Finishes the IP packet in g->pkt (ip addresses already oriented for dir),
 * wraps it in the path and queues it. */
void emit_ip(struct gen *g, struct path *pa, const struct ip_pair *ip, int dir, uint64_t ts, uint16_t ip_id);

/* A TCP conversation. Direction 0 is the client (originator). */
struct tcp_flow {
    struct gen *g;
    struct path *path;
    struct ip_pair ip;        /* client -> server */
    uint16_t port[2];         /* [0] client port, [1] server port */
    uint32_t seq[2];          /* next sequence number each side sends */
    uint16_t win[2];
    uint16_t mss;
    bool timestamps;
    uint32_t ts_base[2];
    uint16_t ip_id[2];
    uint64_t now;             /* time of the next packet */
    uint32_t rtt_us;
    uint32_t unacked[2];      /* segments sent by a side not yet acked by the other */
    bool corrupt_next_checksum;
};

void tcp_flow_init(struct tcp_flow *f, struct gen *g, struct path *path, const struct ip_pair *ip,
                   uint16_t client_port, uint16_t server_port, uint64_t start_us);
/* One segment with the side's current seq and the peer's seq as ack; advances seq. */
void tcp_segment(struct tcp_flow *f, int dir, uint8_t flags, const uint8_t *data, size_t len);
/* One segment at an explicit seq, without moving the side's seq (retransmissions, reordering). */
void tcp_segment_at(struct tcp_flow *f, int dir, uint8_t flags, uint32_t seq, const uint8_t *data, size_t len);
void tcp_handshake(struct tcp_flow *f);
/* A TCP flow with the address pair and path it points into (not to be
 * copied once opened). */
struct tcp_conn {
    struct ip_pair ip;
    struct path pa;
    struct tcp_flow f;
};
/* Opens c over Ethernet on iface, IPv4 src:sport to dst:dport, the
 * handshake starting at start_us. */
void tcp_conn_open_v4(struct tcp_conn *c, struct gen *g, int iface, const char *src, uint16_t sport, const char *dst,
                      uint16_t dport, uint64_t start_us);
/* tcp_flow_init, then the handshake. */
void tcp_connect(struct tcp_flow *f, struct gen *g, struct path *path, const struct ip_pair *ip, uint16_t client_port,
                 uint16_t server_port, uint64_t start_us);
/* Sends data in MSS-sized segments, the peer acking every second one and the last. */
void tcp_send(struct tcp_flow *f, int dir, const uint8_t *data, size_t len);
/* Sends n bytes of pseudo-random printable filler. */
void tcp_send_filler(struct tcp_flow *f, int dir, size_t n);
/* dir closes first: FIN, the peer's FIN-ACK, the last ACK. */
void tcp_close(struct tcp_flow *f, int dir);
void tcp_reset(struct tcp_flow *f, int dir);
/* Loses n bytes from dir: the sender's seq moves on, nothing is captured. */
void tcp_skip(struct tcp_flow *f, int dir, uint32_t n);
void tcp_wait(struct tcp_flow *f, uint64_t us);
/* How a scripted conversation paces its turns: each turn is followed by a
 * wait of base_us plus a random part below jitter_us. */
struct tcp_pace {
    uint64_t base_us;
    uint32_t jitter_us;
};
/* One turn of a conversation: text sent from dir, then the pace's wait. */
void tcp_say(struct tcp_flow *f, int dir, const char *text, const struct tcp_pace *pace);

/* A UDP datagram from dir (0: ip.src -> ip.dst). */
void udp_datagram(struct gen *g, struct path *pa, const struct ip_pair *ip, uint16_t sport, uint16_t dport,
                  int dir, uint64_t ts, const uint8_t *data, size_t len);
/* ICMP or ICMPv6 echo request/reply pairs, one per second. Returns the time after. */
uint64_t icmp_echo(struct gen *g, struct path *pa, const struct ip_pair *ip, uint16_t id, unsigned count,
                   uint64_t start, uint32_t rtt_us);

#endif
