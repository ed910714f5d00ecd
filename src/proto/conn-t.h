/* A connection's identity as the application layer and everything above
 * it see it: the uid length and `struct app_conn`, which flow/ fills and
 * parsers, files/, detectors and writers copy into what they report.
 * Type-only header. */
#ifndef VIGIL_PROTO_CONN_T_H
#define VIGIL_PROTO_CONN_T_H

#include <stdint.h>

#include "util/addr.h"
#include "util/uid.h"   /* UID_LEN */

/* Who the transaction belongs to: copied into every log line. */
struct app_conn {
    int64_t start_us;
    char uid[UID_LEN];
    uint64_t flow_id;
    struct ip_addr orig_h, resp_h;
    uint16_t orig_p, resp_p;
    uint8_t proto;          /* IPPROTO_TCP / IPPROTO_UDP */
    uint16_t vlan, inner_vlan;
    uint16_t middle_vlan;   /* the second of three tags (EVE only), 0 = none */
    char community_id[64];
    /* Zeek's Site::is_local_addr of each end, as conn_record: -1 unknown,
     * 0 F, 1 T. ssh.log's direction needs it. */
    int8_t local_orig, local_resp;
    /* Packets and frame bytes each way so far (refreshed before each
     * transaction is published): a signature alert's EVE flow object. */
    uint64_t pkts_toserver, pkts_toclient, bytes_toserver, bytes_toclient;
    /* The number (struct packet's) of the packet of this connection whose
     * handling published the transaction; 0 when none did (the connection
     * timed out or the run ended): EVE pcap_cnt and pkt_src. */
    uint64_t packet_number;
    /* TCP, when the data of one direction completed the transaction: that
     * direction (1 the originator's, 2 the responder's; 0 none: published
     * at a FIN, a gap or the flow's end) and the relative sequence number
     * just past that data. Suricata (IDS mode) parses data once the peer
     * acknowledges it, so its event carries the number of the packet that
     * acknowledged this (EVE holds the line until then: app_hooks.acked). */
    uint8_t ack_dir;
    uint32_t ack_wait;
};

#endif
