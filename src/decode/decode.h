/* decode/: frame bytes -> struct packet. One decoder per worker (it owns the
 * fragment reassembly state). Never reads past caplen; malformed input is
 * reported through the weird callback and stops decoding of that packet. */
#ifndef VIGIL_DECODE_DECODE_H
#define VIGIL_DECODE_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "decode/packet-t.h"

enum decode_result {
    DECODE_OK,           /* IP packet decoded; pkt->l4_proto says how far */
    DECODE_NOT_IP,       /* e.g. ARP, LLDP: counted, not tracked */
    DECODE_HELD,         /* an IP fragment was buffered; nothing to track yet */
    DECODE_MALFORMED,    /* a weird was reported; drop the packet */
};

/* A decoder anomaly, Zeek's weird names ("truncated_IP", "fragment_overlap"...).
 * pkt may be partly filled (addresses set when known, ip_version 0 otherwise). */
typedef void (*decode_weird_fn)(void *ctx, const struct packet *pkt, const char *name, const char *addl);

struct decode_config {
    bool verify_checksums;       /* Zeek's default; -C or an offloaded capture turns it off */
    uint32_t frag_memcap;        /* bytes held by the fragment reassembler */
    uint32_t frag_timeout_us;    /* a datagram whose fragments stop arriving is dropped */
    uint32_t frag_max_datagrams; /* concurrent datagrams being reassembled */
};

struct decode_stats {
    uint64_t packets, not_ip, malformed, truncated;
    uint64_t fragments, reassembled, frag_dropped, frag_memcap_hits;
    /* IP header and TCP/UDP/ICMP checksums computed, and how many were wrong. */
    uint64_t checksums_verified, checksums_bad;
};

struct decoder;

/* The caller frees it with decoder_free(); NULL when out of memory. */
struct decoder *decoder_new(const struct decode_config *cfg, decode_weird_fn weird, void *weird_ctx);
void decoder_free(struct decoder *d);
void decode_config_defaults(struct decode_config *cfg);
const struct decode_stats *decoder_stats(const struct decoder *d); /* points into d */
/* Turns checksum verification on or off between packets (checksum offload
 * found after the decoder was made). */
void decoder_set_verify_checksums(struct decoder *d, bool verify);

/* Decodes one frame. pkt->ts_us/data/caplen/wirelen/linktype are set from the arguments. */
enum decode_result decode_packet(struct decoder *d, int linktype, int64_t ts_us,
                                 const uint8_t *data, uint32_t caplen, uint32_t wirelen,
                                 struct packet *pkt);

/* True if the link type is one we decode. */
bool decode_linktype_supported(int linktype);

/* Symmetric hash of the outermost IP addresses (and VLAN), for spreading
 * packets over workers: both directions of a flow, and all fragments of a
 * datagram, land on the same worker. Cheap: no full decode. 0 when not IP. */
uint32_t decode_dispatch_hash(int linktype, const uint8_t *data, uint32_t caplen);

#endif
