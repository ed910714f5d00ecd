/* The finished connection: what flow/ hands to outputs and detectors when a
 * flow ends (timeout, close, eviction, end of capture). Type-only header. */
#ifndef VIGIL_FLOW_CONN_RECORD_T_H
#define VIGIL_FLOW_CONN_RECORD_T_H

#include <stdbool.h>
#include <stdint.h>

#include "proto/conn-t.h"
#include "util/addr.h"

#define CONN_HISTORY_MAX 48
#define CONN_MAX_TUNNEL_PARENTS 4

enum flow_end_reason {
    FLOW_END_TIMEOUT,           /* EVE "timeout" */
    FLOW_END_CLOSED,            /* FIN/RST teardown finished: EVE "timeout" too (Suricata says so) */
    FLOW_END_EVICTED,           /* memcap: EVE "forced" */
    FLOW_END_SHUTDOWN,          /* end of capture or signal: EVE "shutdown" */
};

#define CONN_MAX_TRAFFIC_TAGS 8

/* One EVE flow inside a connection, where Suricata cuts flows where Zeek
 * does not (flow/eve_flows.c): an ESP security association (Suricata keys
 * ESP by SPI, Zeek by addresses only), or the part of a flow that had heard
 * no reply before 30 s of silence (Suricata's "new" timeout; Zeek's is 60 s). */
struct eve_flow_part {
    bool has_spi;
    uint32_t spi;
    bool from_orig;             /* its first packet came from the connection's originator */
    uint64_t flow_id;           /* its EVE flow_id */
    int64_t first_us, last_us;
    uint64_t pkts[2], bytes[2]; /* frames and their bytes: [0] sent by its first sender, [1] back */
};

/* Parts kept per connection: more (an ESP rekeying storm, a one-way flow
 * with a silence every 30 s for hours) stay in the last EVE flow or, for
 * ESP SPIs, in conn.log only. */
#define CONN_MAX_EVE_PARTS 8

/* Which logs a record is for: Zeek's connection and Suricata's EVE flow
 * differ when EVE holds a closed TCP flow past Zeek's connection (flow/
 * writes the connection for Zeek alone, then the EVE flow alone when it
 * ends; the detectors see the connection only). */
enum conn_record_logs {
    CONN_LOGS_ALL,              /* conn.log, the detectors and EVE */
    CONN_LOGS_ZEEK,             /* conn.log and the detectors: the EVE flow goes on */
    CONN_LOGS_EVE,              /* the EVE flow alone, of connections already logged */
};

struct conn_record {
    int64_t ts_us;              /* first packet */
    int64_t last_ts_us;         /* last packet */
    char uid[UID_LEN];
    uint64_t flow_id;           /* EVE flow_id: derived from the same hash as uid */
    struct ip_addr orig_h, resp_h;
    uint16_t orig_p, resp_p;    /* for ICMP: type and counterpart type/code, as Zeek */
    uint8_t proto;              /* IPPROTO_TCP, _UDP, _ICMP, _ICMPV6, or another IP protocol */
    uint16_t vlan, inner_vlan;  /* 0 = none */
    uint16_t middle_vlan;       /* the second of three tags (EVE only: Zeek keeps two), 0 = none */
    const char *service;        /* NULL when unknown; may point into service_buf */
    char service_buf[32];       /* "ssl,smtp" when a connection carried two */
    const char *eve_app_proto;  /* static: EVE's app_proto when service is NULL (a parser Zeek lacks), else NULL */
    bool has_duration;          /* Zeek leaves duration/orig_bytes/resp_bytes unset when duration == 0 */
    int64_t duration_us;
    uint64_t orig_bytes, resp_bytes;
    const char *conn_state;     /* "S0", "SF", ... */
    int8_t local_orig, local_resp; /* -1 unset (no --local-nets), 0 F, 1 T */
    uint64_t missed_bytes;
    char history[CONN_HISTORY_MAX];
    uint64_t orig_pkts, orig_ip_bytes, resp_pkts, resp_ip_bytes;
    uint8_t n_tunnel_parents;
    char tunnel_parents[CONN_MAX_TUNNEL_PARENTS][UID_LEN];
    char community_id[64];      /* "1:base64..." */
    uint8_t orig_l2[6], resp_l2[6];
    bool has_l2;
    /* EVE flow extras */
    enum conn_record_logs logs;
    enum flow_end_reason end_reason;
    const char *eve_state;      /* "new", "established", "closed" */
    const char *eve_tcp_state;  /* static: Suricata's TCP session state ("last_ack"), NULL: no session */
    uint8_t tcp_flags_ts, tcp_flags_tc; /* OR of flags seen to server / to client */
    /* Zeek's pkt byte counts are per IP packet; EVE bytes are per frame */
    uint64_t orig_frame_bytes, resp_frame_bytes;
    /* Set by the engine from the signature matcher: EVE flow `alerted` and
     * Suricata's `traffic` object (id and label lists). */
    bool alerted;
    unsigned n_traffic_ids, n_traffic_labels;
    const char *traffic_ids[CONN_MAX_TRAFFIC_TAGS], *traffic_labels[CONN_MAX_TRAFFIC_TAGS];
    /* The EVE flows Suricata would have cut from this connection, oldest
     * first (borrowed for the call); n_eve_parts 0: the connection is one
     * EVE flow. eve_parts_whole: they are all of it (ESP SPIs); else
     * eve_rest, what they left, is the last (with the connection's flow_id). */
    const struct eve_flow_part *eve_parts;
    unsigned n_eve_parts;
    bool eve_parts_whole;
    struct eve_flow_part eve_rest;
};

/* A weird: Zeek's weird.log record / EVE anomaly event. */
struct weird_record {
    int64_t ts_us;
    const char *name;           /* Zeek's weird name */
    const char *addl;           /* may be NULL */
    const char *source;         /* analyzer that raised it: "" or "DNS"... may be NULL */
    bool has_conn;              /* uid and id.* set */
    char uid[UID_LEN];
    uint64_t flow_id;
    struct ip_addr orig_h, resp_h;
    uint16_t orig_p, resp_p;
    uint8_t proto;
    bool has_addrs;             /* addresses known though no conn (decode-level weird) */
    char community_id[64];
    uint64_t packet_number;     /* the packet that raised it (struct app_conn's), 0: none */
    /* a decoder's weird: the frame that raised it (borrowed for the call; NULL: none) */
    const uint8_t *frame;
    uint32_t frame_caplen;
    int linktype;
};

#endif
