/* Suricata's view of a TCP connection for EVE, beside Zeek's: its session
 * state (stream-tcp.c keeps one state for the session, named from the
 * server's side: a client FIN in ESTABLISHED is CLOSE_WAIT, a server FIN
 * FIN_WAIT1), the flow state that follows from it (FlowUpdateState: closed
 * from LAST_ACK on, and with it the closed-flow timeout), and what a held
 * EVE flow adds of the connection that continues it (flow_table.c holds it).
 *
 * Suricata validates each segment against its windows before a transition;
 * here a segment counts when Zeek's machine accepted it, and one whose data
 * was all seen before (StreamTcpPacketIsRetransmission: never one without
 * data) moves nothing. */
#include <netinet/in.h>

#include "flow/flow_internal.h"

static uint8_t after_fin(bool from_client)
{
    return from_client ? SC_TCP_CLOSE_WAIT : SC_TCP_FIN_WAIT1;
}

static uint8_t opening(uint8_t st, bool from_client, uint8_t flags, bool midstream)
{
    bool syn = flags & TCP_SYN, ack = flags & TCP_ACK, fin = flags & TCP_FIN;
    switch (st) {
    case SC_TCP_NONE:
        if (syn && !ack)
            return from_client ? SC_TCP_SYN_SENT : st;
        if (!midstream)
            return st; /* Suricata starts no session without a SYN */
        return syn ? SC_TCP_SYN_RECV : fin ? after_fin(from_client) : SC_TCP_ESTABLISHED;
    case SC_TCP_SYN_SENT:
        return syn && ack && !from_client ? SC_TCP_SYN_RECV : st;
    default: /* SC_TCP_SYN_RECV: the handshake's ACK, or data acking the SYN-ACK */
        if (syn || !ack)
            return st;
        return fin ? after_fin(from_client) : SC_TCP_ESTABLISHED;
    }
}

/* StreamTcpPacketStateFinWait1 ... StreamTcpPacketStateTimeWait: the
 * closing states, where the peer's FIN and the last ACKs move it on. */
static uint8_t closing(uint8_t st, bool from_client, uint8_t flags, bool rexmit)
{
    bool syn = flags & TCP_SYN, ack = flags & TCP_ACK, fin = flags & TCP_FIN;
    if (syn || rexmit)
        return st;
    switch (st) {
    case SC_TCP_ESTABLISHED:
        return fin ? after_fin(from_client) : st;
    case SC_TCP_FIN_WAIT1: /* the server closed: the client's ACK, or its FIN */
        if (!from_client)
            return st;
        if (fin)
            return ack ? SC_TCP_TIME_WAIT : SC_TCP_CLOSING;
        return ack ? SC_TCP_FIN_WAIT2 : st;
    case SC_TCP_FIN_WAIT2:
        return from_client && fin ? SC_TCP_TIME_WAIT : st;
    case SC_TCP_CLOSING:
        return ack && !fin ? SC_TCP_TIME_WAIT : st;
    case SC_TCP_CLOSE_WAIT: /* the client closed: the server's FIN */
        return !from_client && fin ? SC_TCP_LAST_ACK : st;
    case SC_TCP_LAST_ACK: /* the client's ACK after it (Suricata checks its seq, not its ack) */
        return from_client && ack && !fin ? SC_TCP_CLOSED : st;
    case SC_TCP_TIME_WAIT:
        return ack && !fin ? SC_TCP_CLOSED : st;
    default:
        return st;
    }
}

void eve_tcp_segment(struct flow *f, bool from_client, uint8_t flags, bool rexmit, bool midstream)
{
    uint8_t st = f->sc_state;
    if (st == SC_TCP_CLOSED)
        return;
    if (flags & TCP_RST) {
        /* StreamTcpCloseSsnWithReset, in every state with a session */
        if (st != SC_TCP_NONE)
            f->sc_state = SC_TCP_CLOSED;
        return;
    }
    if (st < SC_TCP_ESTABLISHED)
        f->sc_state = opening(st, from_client, flags, midstream);
    else
        f->sc_state = closing(st, from_client, flags, rexmit);
}

const char *eve_tcp_state_name(uint8_t state)
{
    /* StreamTcpStateAsString */
    static const char *const names[] = {
        [SC_TCP_SYN_SENT] = "syn_sent",     [SC_TCP_SYN_RECV] = "syn_recv",   [SC_TCP_ESTABLISHED] = "established",
        [SC_TCP_FIN_WAIT1] = "fin_wait1",   [SC_TCP_FIN_WAIT2] = "fin_wait2", [SC_TCP_TIME_WAIT] = "time_wait",
        [SC_TCP_LAST_ACK] = "last_ack",     [SC_TCP_CLOSE_WAIT] = "close_wait", [SC_TCP_CLOSING] = "closing",
        [SC_TCP_CLOSED] = "closed",
    };
    return state < sizeof names / sizeof *names ? names[state] : NULL;
}

bool eve_tcp_is_closed(uint8_t state)
{
    return state == SC_TCP_LAST_ACK || state == SC_TCP_TIME_WAIT || state == SC_TCP_CLOSED;
}

const char *eve_tcp_flow_state(uint8_t state)
{
    if (state == SC_TCP_NONE)
        return NULL;
    if (state < SC_TCP_ESTABLISHED)
        return "new";
    return eve_tcp_is_closed(state) ? "closed" : "established";
}

void eve_tcp_fold(struct flow *h, const struct flow *f, const char *service, const char *eve_app_proto)
{
    bool same = h->orig_is_a == f->orig_is_a;
    h->orig_pkts += same ? f->orig_pkts : f->resp_pkts;
    h->resp_pkts += same ? f->resp_pkts : f->orig_pkts;
    h->orig_ip_bytes += same ? f->orig_ip_bytes : f->resp_ip_bytes;
    h->resp_ip_bytes += same ? f->resp_ip_bytes : f->orig_ip_bytes;
    h->orig_frame_bytes += same ? f->orig_frame_bytes : f->resp_frame_bytes;
    h->resp_frame_bytes += same ? f->resp_frame_bytes : f->orig_frame_bytes;
    h->flags_orig |= same ? f->flags_orig : f->flags_resp;
    h->flags_resp |= same ? f->flags_resp : f->flags_orig;
    if (f->last_us > h->last_us)
        h->last_us = f->last_us;
    h->sc_state = f->sc_state;
    if (h->held.service == NULL && h->held.eve_app_proto == NULL) {
        h->held.service = service;
        h->held.eve_app_proto = eve_app_proto;
    }
}
