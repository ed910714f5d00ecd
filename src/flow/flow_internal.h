/* Private to flow/: what the table, the TCP machine and the record builder
 * share. Nothing outside flow/ includes this. */
#ifndef VIGIL_FLOW_INTERNAL_H
#define VIGIL_FLOW_INTERNAL_H

#include "flow/community_id.h"
#include "flow/flow.h"

/* Zeek's history masks (Conn.h): one bit per letter and side; the responder
 * half is shifted by 16. */
enum {
    HIST_SYN_PKT = 0x1,
    HIST_FIN_PKT = 0x2,
    HIST_RST_PKT = 0x4,
    HIST_FIN_RST_PKT = 0x8,
    HIST_DATA_PKT = 0x10,
    HIST_ACK_PKT = 0x20,
    HIST_MULTI_FLAG_PKT = 0x40,
    HIST_CORRUPT_PKT = 0x80,
    HIST_UNKNOWN_PKT = 0x100, /* 'X', set by an analyzer (app_env.history_unknown) */
};

/* Zeek's timers, in microseconds (init-bare.zeek defaults). */
#define TCP_ATTEMPT_DELAY_US (5 * 1000000LL)   /* tcp_attempt_delay */
#define TCP_CLOSE_DELAY_US (5 * 1000000LL)     /* tcp_close_delay */
#define TCP_RESET_DELAY_US (5 * 1000000LL)     /* tcp_reset_delay */
#define TCP_CONNECTION_LINGER_US (5 * 1000000LL) /* tcp_connection_linger */
#define TCP_STORM_THRESH 1000
#define TOO_LARGE_SEQ_DELTA 1048576

/* The worker's table. Its pool and LRU lists are flow_table.c's; the
 * other files reach the sink, settings and budgets through flow_conn.c. */
/* LRU_HELD: held EVE flows (struct flow's eve_held), last so that a flush
 * reaches them after the connections that are held on the way. */
enum lru_class { LRU_TCP, LRU_UDP, LRU_OTHER, LRU_HELD, LRU_CLASSES };

struct lru_list {
    uint32_t head, tail;
};

#define MAX_LOCAL_NETS 300

struct flow_table {
    struct flow_config cfg;
    struct flow_sink sink;
    struct flow *pool;
    uint32_t capacity;      /* max_flows */
    uint32_t high_water;    /* pool slots ever used */
    uint32_t free_head;     /* free list through next_in_bucket */
    uint32_t *buckets;      /* index + 1; 0 = empty */
    uint32_t bucket_mask;
    struct lru_list lru[LRU_CLASSES];
    int64_t now_us, last_sweep_us;
    struct flow_stats stats;
    uint32_t n_held;        /* EVE flows held in the buckets (EVE_HELD_WAITING) */
    uint64_t stream_bytes;  /* out-of-order bytes held, all flows */
    uint64_t hash_seed;
    struct community_hasher *hasher;
    void *parser_states[32];  /* per-worker parser state, see app_parser.worker_open (one per registry.c entry: 20 today) */
    unsigned n_local;
    struct ip_prefix local[MAX_LOCAL_NETS];
};

/* --- one connection (flow_conn.c) --- */

void flow_add_history(struct flow *f, char code);
/* Adds code the first time mask is seen; returns true when it was seen before (Zeek's CheckHistory). */
bool flow_check_history(struct flow *f, uint32_t mask, char code);
void flow_scaled_history(struct flow *f, scaled_counter_t *c, char code);
/* Zeek's timers: armed at an absolute packet time, due once now reaches it. */
void flow_timer_arm(const struct flow *f, uint32_t *timer_ms, int64_t at_us);
bool flow_timer_due(const struct flow *f, uint32_t timer_ms, int64_t now_us);
void flow_weird(struct flow_table *t, const struct flow *f, const char *name, const char *addl);
void flow_flip_roles(struct flow *f);
uint64_t flow_uid_hash(const struct flow *f);
/* The connection's uid ("C...", from flow_uid_hash) and EVE flow_id (flow_eve_hash). */
void flow_uid_fill(const struct flow_table *t, const struct flow *f, char uid[UID_LEN], uint64_t *flow_id);
/* The originator's and responder's address and port. */
void flow_endpoints(const struct flow *f, struct ip_addr *oh, uint16_t *op, struct ip_addr *rh, uint16_t *rp);
void flow_community_id(const struct flow_table *t, const struct flow *f, const struct ip_addr *oh, uint16_t op,
                       const struct ip_addr *rh, uint16_t rp, char out[COMMUNITY_ID_LEN]);
/* Zeek's Site::is_local_addr: 1 local, 0 not. */
int8_t flow_is_local(const struct flow_table *t, const struct ip_addr *a);
/* Raises a weird on the flow (once per name), with the analyzer as source. */
void flow_weird_from(struct flow_table *t, const struct flow *f, const char *name, const char *addl, const char *source);
/* What app_layer needs from the table: the hooks of its config (cfg->app,
 * borrowed: valid while the table lives), NULL when none. */
const struct app_hooks *flow_table_app_hooks(const struct flow_table *t);
void flow_fill_app_conn(const struct flow_table *t, const struct flow *f, struct app_conn *out);
/* Only the packet and byte counters of out. */
void flow_app_conn_counts(const struct flow *f, struct app_conn *out);
/* Ack-deferred transactions (struct app_conn's ack_dir, ack_wait): c was
 * published awaiting the peer's ack; ep's data is acknowledged up to
 * rel_ack by the packet being handled; the flow ends (everything left goes,
 * with no packet). Each calls app_hooks.acked when something waited. */
void flow_ack_await(struct flow *f, const struct app_conn *c);
void flow_ack_release(struct flow_table *t, struct flow *f, struct tcp_endpoint *ep, int64_t rel_ack);
void flow_ack_release_all(struct flow_table *t, struct flow *f);
/* What the packet and stream hooks learn of a flow (flow.h: struct flow_ref). */
void flow_make_ref(const struct flow_table *t, const struct flow *f, bool from_orig, struct flow_ref *r);
/* The per-worker parser states kept by the table, one slot per registered parser:
 * the table's array (points into t), valid while t lives. */
void **flow_table_parser_states(struct flow_table *t, size_t *n);
/* The worker-wide budget for held stream bytes. */
bool flow_table_stream_reserve(struct flow_table *t, uint32_t bytes);
void flow_table_stream_release(struct flow_table *t, uint32_t bytes);

/* TCP (tcp_state.c) */
void tcp_flow_init(struct flow *f);
/* Runs Zeek's TCP analysis of one segment. False when the segment was
 * rejected (bad checksum, bad header) and must not be counted. */
bool tcp_flow_segment(struct flow_table *t, struct flow *f, const struct packet *pkt, bool is_orig);
/* Zeek's IsReuse: a SYN that starts a new connection on a used 5-tuple. */
bool tcp_flow_is_reuse(struct flow_table *t, const struct flow *f, const struct packet *pkt, bool is_orig);
/* Whether Zeek's timers (attempt, close, reset, linger) or the inactivity
 * timeout would have removed the connection by `now`. */
bool tcp_flow_expired(const struct flow *f, int64_t now, int64_t inactivity_us);
/* conn.log's conn_state ("S0", "SF", "REJ"...); a static string. */
const char *tcp_conn_state(const struct flow *f);
uint64_t tcp_endpoint_size(const struct tcp_endpoint *ep, const struct tcp_endpoint *peer);
bool tcp_flow_both_closed(const struct flow *f);
/* EVE's flow state: "new", "established" or "closed"; a static string. */
const char *tcp_eve_state(const struct flow *f);

/* Suricata's TCP session state (eve_tcp.c), one for the session, named
 * from the server's side as stream-tcp.c does: struct flow's sc_state. */
enum sc_tcp_state {
    SC_TCP_NONE,                /* no session: no SYN seen (and no --midstream) */
    SC_TCP_SYN_SENT,
    SC_TCP_SYN_RECV,
    SC_TCP_ESTABLISHED,
    SC_TCP_FIN_WAIT1,
    SC_TCP_FIN_WAIT2,
    SC_TCP_TIME_WAIT,
    SC_TCP_LAST_ACK,
    SC_TCP_CLOSE_WAIT,
    SC_TCP_CLOSING,
    SC_TCP_CLOSED,
};

/* A TCP segment the TCP machine accepted, from the client (the originator)
 * or not; rexmit: its data was all seen before (Suricata's retransmission:
 * it moves no state). midstream: Suricata's stream.midstream. */
void eve_tcp_segment(struct flow *f, bool from_client, uint8_t flags, bool rexmit, bool midstream);
/* Suricata's name of the session state, NULL for no session (a static string). */
const char *eve_tcp_state_name(uint8_t state);
/* Suricata's flow state for a session state: "new", "established", "closed"
 * (a static string; NULL for no session). */
const char *eve_tcp_flow_state(uint8_t state);
/* Suricata's flow state is closed (LAST_ACK, TIME_WAIT, CLOSED): its
 * closed-flow timeout applies. */
bool eve_tcp_is_closed(uint8_t state);

/* struct flow's eve_held: the slot holds a closed connection's EVE flow
 * (no parser, no streams; its counters and times are the EVE flow's). */
enum eve_held_kind {
    EVE_HELD_NONE,
    EVE_HELD_WAITING,           /* in the buckets and LRU_HELD: the tuple's next packet may continue it */
    EVE_HELD_CONTINUED,         /* a live connection's eve_parent: out of the buckets and lists */
};
/* The hash of f's EVE flow_id: the held flow's it continues, else its own uid's. */
static inline uint64_t flow_eve_hash(const struct flow_table *t, const struct flow *f)
{
    return f->eve_parent == FLOW_NONE ? f->uid_hash : t->pool[f->eve_parent].uid_hash;
}
/* Adds what the connection f counted to the held EVE flow h it continues
 * (counters by address, as f may have flipped roles against h). */
void eve_tcp_fold(struct flow *h, const struct flow *f, const char *service, const char *eve_app_proto);

/* Suricata's EVE flows inside a connection (eve_flows.c): a packet about
 * to be counted on f (ESP: under its SPI; else it may end the EVE flow open
 * before it); the record's parts (borrowed from f, valid while it lives);
 * freeing them when f goes. Each does nothing for TCP. */
void flow_eve_packet(struct flow *f, const struct packet *pkt, bool is_orig);
void flow_eve_record(const struct flow *f, struct conn_record *rec);
void flow_eve_free(struct flow *f);

/* Zeek's likely_server_ports heuristic (likely_ports.c). */
bool likely_server_port(uint8_t proto, uint16_t port);

/* ICMP type -> (port, counterpart) as Zeek and Community ID map them. */
uint16_t icmp_counterpart(bool v6, uint8_t type, uint8_t code, bool *one_way);

#endif
