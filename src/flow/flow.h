/* flow/: the connection table and Zeek's connection semantics.
 * A worker owns one flow_table; nothing here is shared between threads. */
#ifndef VIGIL_FLOW_FLOW_H
#define VIGIL_FLOW_FLOW_H

#include <stdbool.h>
#include <stdint.h>

#include "decode/packet-t.h"
#include "proto/conn-t.h"
#include "proto/event-t.h"
#include "proto/parser.h"
#include "flow/conn_record-t.h"
#include "util/addr.h"

/* Zeek's TCP endpoint states (analyzer/protocol/tcp/TCP_Endpoint.h). */
enum tcp_endpoint_state {
    TCP_EP_INACTIVE,
    TCP_EP_SYN_SENT,
    TCP_EP_SYN_ACK_SENT,
    TCP_EP_PARTIAL,
    TCP_EP_ESTABLISHED,
    TCP_EP_CLOSED,
    TCP_EP_RESET,
};

/* Scaled history entries (T, W, C, G) are added at the 1st, 10th, 100th...
 * occurrence, as Zeek's ScaledHistoryEntry does: a count is all it takes. */
typedef uint32_t scaled_counter_t;

/* One side of a TCP connection: Zeek's TCP_Endpoint reduced to what the
 * conn log and the state machine need. Sequence numbers are absolute. */
struct ooo_segment;
struct app_slot;
struct eve_flows;

struct tcp_endpoint {
    uint32_t start_seq, last_seq, ack_seq;
    uint16_t seq_wraps, ack_wraps;  /* 2^48 bytes: more than any connection carries */
    uint32_t hist_last_syn, hist_last_fin, hist_last_rst; /* relative, low 32 bits */
    uint32_t fin_seq_rel;      /* relative seq of the FIN, valid when fin_cnt > 0 */
    uint32_t reassem_rel;      /* relative seq up to which the stream is contiguous */
    struct ooo_segment *ooo;   /* segments above a hole, sorted; see stream.c */
    uint16_t fin_cnt, rst_cnt;
    uint8_t state, prev_state;
    bool did_close;
    bool eof_delivered;        /* the parser was told this direction ended (FIN reached in order) */
    /* Transactions this direction's data completed wait for the peer's
     * ack (struct app_conn's ack_wait): the lowest and highest relative
     * sequence awaited, valid while ack_pending. */
    bool ack_pending;
    uint32_t ack_wait_lo, ack_wait_hi;
    scaled_counter_t rxmit, win0, chksum, gap;
};

enum flow_proto_class { FLOW_TCP, FLOW_UDP, FLOW_ICMP, FLOW_OTHER };

/* The table key: addresses and ports in canonical order (lower endpoint
 * first) so both directions find the same entry. */
struct flow_key {
    struct ip_addr a, b;
    uint16_t port_a, port_b;
    uint16_t vlan, inner_vlan;
    uint8_t proto;
    uint8_t pad[1];
    /* struct packet's: the second of three tags. Where padding was, so the
     * key bytes (and every uid hashed from them) are unchanged without it. */
    uint16_t middle_vlan;
};

struct flow {
    struct flow_key key;
    uint32_t hash;             /* bucket hash of the key (seeded per table) */
    uint64_t uid_hash;         /* the uid and EVE flow_id derive from it */
    uint32_t next_in_bucket;   /* flow index, FLOW_NONE terminates */
    uint32_t lru_prev, lru_next;
    uint32_t lru_sec;          /* packet-time second of the last move to the LRU tail */
    int64_t start_us, last_us;
    bool orig_is_a;            /* the originator is key.a */
    bool tcp_partial;          /* Zeek's is_partial */
    uint8_t first_packet_seen; /* bit 0 orig, bit 1 resp */
    uint8_t flags_orig, flags_resp; /* TCP flags seen, for EVE */
    uint8_t n_tunnel_parents;
    uint8_t outer_tunnel;      /* this flow carries a UDP tunnel: enum tunnel_type */
    char history[20];          /* overflow is truncated, as a bounded cap */
    uint32_t hist_seen;        /* Zeek's hist_seen bitmask */
    uint64_t orig_pkts, resp_pkts;
    uint64_t orig_ip_bytes, resp_ip_bytes;
    uint64_t orig_frame_bytes, resp_frame_bytes;
    uint64_t missed_bytes;
    uint64_t tunnel_parent_hash; /* uid hash of the innermost enclosing tunnel */
    uint8_t orig_l2[6], resp_l2[6];
    /* Zeek's connection timers, in ms after start_us (0 = not armed). */
    uint32_t attempt_at_ms, delete_at_ms, reset_at_ms;
    uint32_t weirds_seen;      /* one bit per hashed weird name: each is logged once per flow */
    bool tcp_long_timeout;     /* handshake done: tcp_inactivity_timeout applies (else udp's) */
    uint8_t app_tries;         /* payload chunks probed without finding a parser */
    bool payload_encrypted;    /* the parser said so (app_env.payload_encrypted): no content matching */
    uint64_t packet_number;    /* the packet being handled while the table handles it, else 0 */
    uint8_t delivering;        /* TCP: 1 the originator's, 2 the responder's bytes are with the parser, else 0 */
    uint8_t sc_state;          /* TCP: Suricata's session state (enum sc_tcp_state, flow/eve_tcp.c) */
    uint8_t eve_held;          /* enum eve_held_kind: a closed TCP connection's EVE flow kept (flow_table.c) */
    uint32_t eve_parent;       /* the held EVE flow this connection continues, FLOW_NONE: none */
    struct app_slot *app;      /* the attached parser and its state, NULL when none */
    union {
        struct tcp_endpoint ep[2]; /* TCP: [0] originator, [1] responder */
        struct {                   /* an EVE flow held (eve_held): what its record needs of the parser (static) */
            const char *service, *eve_app_proto;
        } held;
        struct {                   /* UDP/ICMP payload sums, -1 = nothing yet */
            int64_t udp_orig_len, udp_resp_len;
            struct eve_flows *eve_flows; /* EVE flows Suricata cuts from it (eve_flows.c), NULL: none */
        };
    };
};

#define FLOW_NONE UINT32_MAX

/* Where parsers' transactions go (the engine routes them to outputs and detectors). */
/* The flow a packet or stream chunk belongs to, for the hooks below. */
struct flow_ref {
    const struct flow_table *table;
    const struct flow *flow;
    uint64_t flow_id;          /* EVE's flow_id */
    struct ip_addr orig_h, resp_h;
    uint16_t orig_p, resp_p;
    bool from_orig;
    bool established;          /* TCP: both sides past the handshake; UDP: both sides sent */
    uint64_t stream_offset;    /* stream hook: where its bytes start in their direction (gaps count) */
    bool payload_encrypted;    /* from here on: the packet hook's payload is not for content rules */
    const char *app_proto;     /* the attached parser's name, NULL when none yet (static) */
};
/* The flow's identity as transactions carry it (uid, community id...). */
void flow_ref_conn(const struct flow_ref *r, struct app_conn *conn);

struct app_hooks {
    void (*publish)(void *ctx, const struct app_conn *conn, enum event_kind kind, const void *txn);
    /* Optional (signatures): every IP packet after its flow handled it, and
     * the in-order bytes of each TCP direction. */
    void (*packet)(void *ctx, const struct packet *pkt, const struct flow_ref *ref);
    void (*stream)(void *ctx, const struct flow_ref *ref, int64_t ts_us, const uint8_t *p, size_t n);
    /* Optional: the transactions of flow flow_id that waited for an ack
     * (struct app_conn's ack_dir, ack_wait) are acknowledged up to relative
     * sequence up_to of direction dir by packet packet_number; at the
     * flow's end dir 0 (both), up_to UINT32_MAX and packet_number 0. */
    void (*acked)(void *ctx, uint64_t flow_id, uint8_t dir, uint32_t up_to, uint64_t packet_number);
    void *ctx;
    struct file_ctx *files;          /* handed to parsers through app_env */
    struct app_settings settings;    /* handed to parsers through app_env (pointers outlive the table) */
};

struct flow_config {
    int64_t tcp_timeout_us, udp_timeout_us, icmp_timeout_us;
    const struct app_hooks *app;     /* NULL: no application layer */
    uint32_t stream_memcap;          /* out-of-order bytes buffered per worker */
    uint32_t max_flows;
    uint16_t community_id_seed;
    bool community_id;               /* compute it (EVE needs it; Zeek logs do not) */
    uint64_t uid_key;                /* uids: core/config.h says how they are made */
    int64_t uid_window_us;
    bool app_midstream;              /* partial connections get every parser (--midstream) */
    /* Requests are inspected by signatures on the packet that completes
     * them (--stream-inline, Suricata's stream.inline), not on the client's
     * next packet after the server's ack (IDS mode). */
    bool stream_inline;
    /* EVE: a TCP connection Suricata sees closed keeps its EVE flow this
     * long after its last packet (Suricata's flow-timeouts tcp closed), and
     * the next connection of its 5-tuple without a SYN continues it; conn.log
     * keeps Zeek's connections. 0: every EVE flow ends with its connection
     * (no EVE output, or the option set to 0). */
    int64_t eve_tcp_closed_timeout_us;
    unsigned n_local_nets;
    const struct ip_prefix *local_nets;
};

struct flow_stats {
    uint64_t flows_created, flows_logged, flows_evicted, flows_timed_out;
    uint64_t active;
};

/* Receives every finished connection (record valid only during the call)
 * and every weird raised by the flow layer. A record's logs says which logs
 * it is for: a closed TCP connection whose EVE flow is held comes for
 * conn.log and the detectors, that EVE flow later alone (conn_record-t.h). */
struct flow_sink {
    void (*conn)(void *ctx, const struct conn_record *rec);
    void (*weird)(void *ctx, const struct weird_record *rec);
    void *ctx;
};

struct flow_table;

/* cfg and sink are copied (what they point to must outlive the table). The
 * caller frees it with flow_table_free(); NULL when out of memory. */
struct flow_table *flow_table_new(const struct flow_config *cfg, const struct flow_sink *sink);
void flow_table_free(struct flow_table *t);
/* Tracks one decoded packet (pkt->ip_version != 0). parents are the uid
 * hashes of enclosing tunnels (n_parents may be 0). Returns the uid hash of
 * the packet's connection, or 0 when the packet was not tracked. */
uint64_t flow_table_packet(struct flow_table *t, const struct packet *pkt, const uint64_t *parents,
                           unsigned n_parents);
/* Expires idle flows up to packet time now (called by the engine now and then). */
void flow_table_sweep(struct flow_table *t, int64_t now);
/* Ends every flow still open (end of capture, shutdown). A flow that Zeek's
 * timers would have ended by packet time `now` ends as a timeout, the others
 * as cut by the shutdown, whatever order the flows are in. */
void flow_table_flush(struct flow_table *t, int64_t now);
const struct flow_stats *flow_table_stats(const struct flow_table *t); /* points into t */
/* Live reports: calls fn with the record each open flow that started at or
 * before started_before would have if it ended now (reason: shutdown). The
 * flows stay open; nothing is logged. */
void flow_table_visit_open(struct flow_table *t, int64_t started_before,
                           void (*fn)(void *ctx, const struct conn_record *rec), void *ctx);

/* Builds the record of a flow; exposed for tests. */
void flow_make_record(const struct flow_table *t, const struct flow *f, enum flow_end_reason why,
                      struct conn_record *rec);

#endif
