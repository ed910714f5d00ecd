/* Private to flow/: what the table, the TCP machine and the record builder
 * share. Nothing outside flow/ includes this. */
#ifndef VIGIL_FLOW_INTERNAL_H
#define VIGIL_FLOW_INTERNAL_H

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
};

/* Zeek's timers, in microseconds (init-bare.zeek defaults). */
#define TCP_ATTEMPT_DELAY_US (5 * 1000000LL)   /* tcp_attempt_delay */
#define TCP_CLOSE_DELAY_US (5 * 1000000LL)     /* tcp_close_delay */
#define TCP_RESET_DELAY_US (5 * 1000000LL)     /* tcp_reset_delay */
#define TCP_CONNECTION_LINGER_US (5 * 1000000LL) /* tcp_connection_linger */
#define TCP_STORM_THRESH 1000
#define TOO_LARGE_SEQ_DELTA 1048576

struct flow_table;

void flow_add_history(struct flow *f, char code);
/* Adds code the first time mask is seen; returns true when it was seen before (Zeek's CheckHistory). */
bool flow_check_history(struct flow *f, uint32_t mask, char code);
void flow_scaled_history(struct flow *f, scaled_counter_t *c, char code);
/* Zeek's timers: armed at an absolute packet time, due once now reaches it. */
void flow_timer_arm(const struct flow *f, uint32_t *timer_ms, int64_t at_us);
bool flow_timer_due(const struct flow *f, uint32_t timer_ms, int64_t now_us);
void flow_weird(struct flow_table *t, const struct flow *f, const char *name, const char *addl);
void flow_flip_roles(struct flow *f);

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
const char *tcp_conn_state(const struct flow *f);
uint64_t tcp_endpoint_size(const struct tcp_endpoint *ep, const struct tcp_endpoint *peer);
bool tcp_flow_both_closed(const struct flow *f);
const char *tcp_eve_state(const struct flow *f);

/* Zeek's likely_server_ports heuristic (likely_ports.c). */
bool likely_server_port(uint8_t proto, uint16_t port);

/* ICMP type -> (port, counterpart) as Zeek and Community ID map them. */
uint16_t icmp_counterpart(bool v6, uint8_t type, uint8_t code, bool *one_way);

#endif
