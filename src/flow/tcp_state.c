/* Zeek's TCP connection analysis, as conn.log sees it: endpoint states,
 * history letters, sequence-space sizes, content gaps and the timers that
 * end a connection. The structure follows Zeek's TCPSessionAdapter so that
 * conn_state, history and byte counts match Zeek's for the same packets. */
#include <ctype.h>
#include <string.h>

#include "flow/app_layer.h"
#include "flow/flow_internal.h"
#include "flow/stream.h"

static int32_t seq_delta(uint32_t a, uint32_t b)
{
    return (int32_t)(a - b);
}

static uint64_t full_seq(uint32_t seq, uint32_t wraps)
{
    return ((uint64_t)wraps << 32) | seq;
}

static bool is_handshake(uint8_t s)
{
    return s == TCP_EP_INACTIVE || s == TCP_EP_SYN_SENT || s == TCP_EP_SYN_ACK_SENT;
}

struct segment {
    bool is_orig;
    uint8_t flags;
    uint32_t seq, ack;
    int64_t len;      /* payload length from the headers */
    int64_t caplen;   /* payload bytes captured */
    int64_t ts;
};

static bool has(const struct segment *s, uint8_t bit)
{
    return (s->flags & bit) != 0;
}

static struct tcp_endpoint *endpoint_of(struct flow *f, bool is_orig)
{
    return &f->ep[is_orig ? 0 : 1];
}

static bool ep_is_orig(const struct flow *f, const struct tcp_endpoint *ep)
{
    return ep == &f->ep[0];
}

static void set_state(struct flow *f, struct tcp_endpoint *ep, uint8_t state)
{
    struct tcp_endpoint *peer = ep == &f->ep[0] ? &f->ep[1] : &f->ep[0];
    if (state == ep->state)
        return;
    /* Leaving the handshake switches to the long TCP inactivity timeout. */
    if (!is_handshake(state) && is_handshake(ep->state) && is_handshake(peer->state))
        f->tcp_long_timeout = true;
    ep->prev_state = ep->state;
    ep->state = state;
}

static bool ep_check_history(struct flow *f, const struct tcp_endpoint *ep, uint32_t mask, char code)
{
    if (!ep_is_orig(f, ep)) {
        mask <<= 16;
        code = (char)tolower((unsigned char)code);
    }
    return flow_check_history(f, mask, code);
}

static void ep_add_history(struct flow *f, const struct tcp_endpoint *ep, char code)
{
    flow_add_history(f, ep_is_orig(f, ep) ? code : (char)tolower((unsigned char)code));
}

static void ep_scaled(struct flow *f, struct tcp_endpoint *ep, scaled_counter_t *c, char code)
{
    flow_scaled_history(f, c, ep_is_orig(f, ep) ? code : (char)tolower((unsigned char)code));
}

static void init_seqs(struct tcp_endpoint *ep, uint32_t start, uint32_t last)
{
    ep->start_seq = start;
    ep->ack_seq = start;
    ep->last_seq = last;
    ep->seq_wraps = ep->ack_wraps = 0;
}

static void update_last_seq_value(struct tcp_endpoint *ep, uint32_t seq)
{
    if (seq < ep->last_seq && seq_delta(seq, ep->last_seq) > 0)
        ep->seq_wraps++;
    ep->last_seq = seq;
}

static void update_ack_seq_value(struct tcp_endpoint *ep, uint32_t seq)
{
    if (seq < ep->ack_seq && seq_delta(seq, ep->ack_seq) > 0)
        ep->ack_wraps++;
    ep->ack_seq = seq;
}

static bool no_data_acked(const struct tcp_endpoint *ep)
{
    return ep->ack_seq == ep->start_seq || ep->ack_seq == ep->start_seq + 1;
}

uint64_t tcp_endpoint_size(const struct tcp_endpoint *ep, const struct tcp_endpoint *peer)
{
    /* A half-open connection discovered and aborted: its sequence numbers say nothing about data. */
    if (ep->prev_state == TCP_EP_SYN_SENT && ep->state == TCP_EP_RESET && peer->state == TCP_EP_INACTIVE &&
        !no_data_acked(ep))
        return 0;
    uint64_t last = full_seq(ep->last_seq, ep->seq_wraps);
    uint64_t ack = full_seq(ep->ack_seq, ep->ack_wraps);
    uint64_t size = (last > ack ? last : ack) - (uint64_t)ep->start_seq;
    if (size != 0)
        size--; /* the SYN octet */
    if (ep->fin_cnt > 0 && size != 0)
        size--; /* the FIN octet */
    return size;
}

static int64_t relative_seq(const struct tcp_endpoint *ep, uint32_t cur, uint32_t last, uint32_t wraps,
                            bool *underflow)
{
    int32_t delta = seq_delta(cur, last);
    if (delta < 0) {
        if (wraps && cur > last)
            wraps--;
    } else if (delta > 0) {
        if (cur < last)
            wraps++;
    }
    if (wraps == 0) {
        delta = seq_delta(cur, ep->start_seq);
        if (delta < 0)
            *underflow = true;
        return delta;
    }
    return (int64_t)(full_seq(cur, wraps) - ep->start_seq);
}

static void init_endpoint(struct flow_table *t, struct flow *f, struct tcp_endpoint *ep, const struct segment *s,
                          uint32_t last_seq)
{
    switch (ep->state) {
    case TCP_EP_INACTIVE:
        if (has(s, TCP_SYN))
            init_seqs(ep, s->seq, last_seq);
        else
            /* Partial connection: number bytes as though a SYN had been seen. */
            init_seqs(ep, s->seq - 1, s->seq);
        break;
    case TCP_EP_SYN_SENT:
    case TCP_EP_SYN_ACK_SENT:
        if (has(s, TCP_SYN) && s->seq != ep->start_seq) {
            flow_weird(t, f, "SYN_seq_jump", NULL);
            init_seqs(ep, s->seq, last_seq);
        }
        break;
    case TCP_EP_ESTABLISHED:
    case TCP_EP_PARTIAL:
        if (has(s, TCP_SYN)) {
            struct tcp_endpoint *peer = ep == &f->ep[0] ? &f->ep[1] : &f->ep[0];
            if (tcp_endpoint_size(ep, peer) > 0)
                flow_weird(t, f, "SYN_inside_connection", NULL);
            if (s->seq != ep->start_seq)
                flow_weird(t, f, "SYN_seq_jump", NULL);
            init_seqs(ep, s->seq, last_seq);
        }
        break;
    case TCP_EP_RESET:
        /* Sequence numbers came from a RST that a later SYN shows to be suspect. */
        if (has(s, TCP_SYN) && ep->prev_state == TCP_EP_INACTIVE)
            init_seqs(ep, s->seq, last_seq);
        break;
    default:
        break;
    }
}

static void update_history(struct flow *f, struct tcp_endpoint *ep, const struct segment *s, int64_t rel_seq)
{
    int bits = has(s, TCP_SYN) + has(s, TCP_FIN) + has(s, TCP_RST);
    uint32_t rel = (uint32_t)rel_seq;
    if (bits > 1) {
        if (has(s, TCP_FIN) && has(s, TCP_RST))
            ep_check_history(f, ep, HIST_FIN_RST_PKT, 'I');
        else
            ep_check_history(f, ep, HIST_MULTI_FLAG_PKT, 'Q');
        return;
    }
    if (bits == 1) {
        if (has(s, TCP_SYN)) {
            char code = has(s, TCP_ACK) ? 'H' : 'S';
            if (ep_check_history(f, ep, HIST_SYN_PKT, code) && rel != ep->hist_last_syn)
                ep_add_history(f, ep, code);
            ep->hist_last_syn = rel;
        }
        if (has(s, TCP_FIN)) {
            /* A FIN's sequence number is after its data. */
            uint32_t fin_rel = rel + (uint32_t)s->len;
            if (ep_check_history(f, ep, HIST_FIN_PKT, 'F') && fin_rel != ep->hist_last_fin)
                ep_add_history(f, ep, 'F');
            ep->hist_last_fin = fin_rel;
        }
        if (has(s, TCP_RST)) {
            if (ep_check_history(f, ep, HIST_RST_PKT, 'R') && rel != ep->hist_last_rst)
                ep_add_history(f, ep, 'R');
            ep->hist_last_rst = rel;
        }
        return;
    }
    if (s->len)
        ep_check_history(f, ep, HIST_DATA_PKT, 'D');
    else if (has(s, TCP_ACK))
        ep_check_history(f, ep, HIST_ACK_PKT, 'A');
}

static void check_zero_window(struct flow *f, struct tcp_endpoint *ep, struct tcp_endpoint *peer,
                              const struct segment *s, uint16_t window)
{
    /* Zero windows with or after a RST, or after the peer's FIN, are boring. */
    if (window == 0 && !has(s, TCP_RST) && peer->state != TCP_EP_CLOSED && ep->state != TCP_EP_RESET)
        ep_scaled(f, ep, &ep->win0, 'W');
}

static void init_peer(struct flow_table *t, struct flow *f, struct tcp_endpoint *peer, struct tcp_endpoint *ep,
                      const struct segment *s)
{
    if (!has(s, TCP_SYN) && !has(s, TCP_FIN) && !has(s, TCP_RST) &&
        (ep->state == TCP_EP_SYN_SENT || ep->state == TCP_EP_SYN_ACK_SENT || ep->state == TCP_EP_ESTABLISHED))
        /* We sent a SYN and the peer never answered, yet we ack its data. */
        flow_weird(t, f, "possible_split_routing", NULL);
    init_seqs(peer, s->ack - 1, s->ack - 1);
}

static void update_ack_seq(struct tcp_endpoint *ep, uint32_t ack)
{
    int32_t delta = seq_delta(ack, ep->ack_seq);
    /* An ack of 0 far ahead is more likely broken than a wrap. */
    if (ack == 0 && delta > TOO_LARGE_SEQ_DELTA)
        return;
    if (delta > 0)
        update_ack_seq_value(ep, ack);
}

static int32_t update_last_seq(struct flow *f, struct tcp_endpoint *ep, uint32_t last_seq, const struct segment *s)
{
    int32_t delta = seq_delta(last_seq, ep->last_seq);
    if ((has(s, TCP_SYN) || has(s, TCP_RST)) && (delta > TOO_LARGE_SEQ_DELTA || delta < -TOO_LARGE_SEQ_DELTA))
        return delta; /* outlandish: not trusted */
    if (has(s, TCP_FIN) && ep->last_seq == ep->start_seq + 1)
        /* Only SYN and FIN seen: accept the FIN's position even backwards (> 2 GB connections). */
        update_last_seq_value(ep, last_seq);
    else if (ep->state == TCP_EP_RESET)
        ; /* after a RST nothing is trusted */
    else if (delta > 0)
        update_last_seq_value(ep, last_seq);
    else if (s->len > 0)
        ep_scaled(f, ep, &ep->rxmit, 'T');
    return delta;
}

/* --- the state machine (Zeek's UpdateStateMachine and friends) --- */

struct close_decision {
    bool do_close;
};

static void flip_roles_now(struct flow *f)
{
    flow_flip_roles(f);
}

static void update_inactive(struct flow_table *t, struct flow *f, struct tcp_endpoint **epp,
                            struct tcp_endpoint **peerp, const struct segment *s, struct close_decision *d)
{
    struct tcp_endpoint *ep = *epp, *peer = *peerp;
    bool is_orig = ep_is_orig(f, ep);
    if (has(s, TCP_SYN)) {
        if (is_orig) {
            if (has(s, TCP_ACK)) {
                flow_weird(t, f, "connection_originator_SYN_ack", NULL);
                set_state(f, ep, TCP_EP_SYN_ACK_SENT);
            } else {
                set_state(f, ep, TCP_EP_SYN_SENT);
            }
            flow_timer_arm(f, &f->attempt_at_ms, s->ts + TCP_ATTEMPT_DELAY_US);
        } else {
            if (has(s, TCP_ACK)) {
                if (peer->state != TCP_EP_INACTIVE && peer->state != TCP_EP_PARTIAL &&
                    !(seq_delta(s->ack, peer->start_seq) >= 0 && seq_delta(s->ack, peer->last_seq) <= 0))
                    flow_weird(t, f, "bad_SYN_ack", NULL);
            } else if (peer->state == TCP_EP_SYN_ACK_SENT && s->seq == ep->start_seq) {
                /* SYN and SYN-ACK seen reversed: flip and establish. */
                f->tcp_partial = false;
                flip_roles_now(f);
                /* After the flip the sender is the originator. */
                ep = &f->ep[0];
                peer = &f->ep[1];
                *epp = ep;
                *peerp = peer;
                set_state(f, peer, TCP_EP_ESTABLISHED);
                f->first_packet_seen |= 1;
            } else {
                flow_weird(t, f, "simultaneous_open", NULL);
            }
            if (peer->state == TCP_EP_SYN_SENT)
                set_state(f, peer, TCP_EP_ESTABLISHED);
            else if (peer->state == TCP_EP_INACTIVE)
                flow_weird(t, f, "unsolicited_SYN_response", NULL);
            set_state(f, ep, TCP_EP_ESTABLISHED);
        }
    }
    if (has(s, TCP_FIN)) {
        set_state(f, ep, TCP_EP_CLOSED);
        d->do_close = true;
        if (peer->state != TCP_EP_PARTIAL && !has(s, TCP_SYN))
            flow_weird(t, f, "spontaneous_FIN", NULL);
    }
    if (has(s, TCP_RST)) {
        set_state(f, ep, TCP_EP_RESET);
        bool is_reject = ep_is_orig(f, ep) ? peer->state == TCP_EP_ESTABLISHED
                                           : (peer->state == TCP_EP_SYN_SENT || peer->state == TCP_EP_SYN_ACK_SENT);
        d->do_close = true;
        if (!is_reject && peer->state == TCP_EP_INACTIVE)
            flow_weird(t, f, "spontaneous_RST", NULL);
    }
    if (ep->state == TCP_EP_INACTIVE) {
        if (!ep_is_orig(f, ep) && s->len == 0 && f->ep[0].state == TCP_EP_SYN_SENT)
            ; /* an ack of the SYN before the SYN-ACK: not a partial connection */
        else if (has(s, TCP_ACK) && peer->state == TCP_EP_ESTABLISHED) {
            /* Missed the SYN but saw the SYN-ACK: establish. */
            set_state(f, ep, TCP_EP_ESTABLISHED);
            f->tcp_partial = false;
            f->first_packet_seen |= ep_is_orig(f, ep) ? 1 : 2;
        } else {
            set_state(f, ep, TCP_EP_PARTIAL);
        }
    }
}

static void update_syn_sent(struct flow_table *t, struct flow *f, struct tcp_endpoint *ep, struct tcp_endpoint *peer,
                            const struct segment *s, struct close_decision *d)
{
    if (has(s, TCP_SYN)) {
        if (ep_is_orig(f, ep)) {
            if (has(s, TCP_ACK) && !has(s, TCP_FIN) && !has(s, TCP_RST) && ep->state != TCP_EP_SYN_ACK_SENT)
                flow_weird(t, f, "repeated_SYN_with_ack", NULL);
        } else if (!has(s, TCP_ACK) && ep->state != TCP_EP_SYN_SENT) {
            flow_weird(t, f, "repeated_SYN_reply_wo_ack", NULL);
        }
    }
    if (has(s, TCP_FIN)) {
        if (peer->state == TCP_EP_INACTIVE || peer->state == TCP_EP_SYN_SENT)
            flow_weird(t, f, "inappropriate_FIN", NULL);
        set_state(f, ep, TCP_EP_CLOSED);
        d->do_close = true;
    }
    if (has(s, TCP_RST)) {
        set_state(f, ep, TCP_EP_RESET);
        d->do_close = true;
    } else if (s->len > 0) {
        flow_weird(t, f, "data_before_established", NULL);
    }
}

static void update_established(struct flow_table *t, struct flow *f, struct tcp_endpoint *ep,
                               struct tcp_endpoint *peer, const struct segment *s, struct close_decision *d)
{
    if (has(s, TCP_SYN) && ep->state == TCP_EP_PARTIAL && peer->state == TCP_EP_INACTIVE && !has(s, TCP_ACK)) {
        flow_weird(t, f, "SYN_after_partial", NULL);
        set_state(f, ep, TCP_EP_SYN_SENT);
    }
    if (has(s, TCP_FIN) && !has(s, TCP_RST)) {
        set_state(f, ep, TCP_EP_CLOSED);
        /* FIN after the peer's FIN+RST: that was a normal close. */
        if (peer->state == TCP_EP_RESET && peer->prev_state == TCP_EP_CLOSED)
            set_state(f, peer, TCP_EP_CLOSED);
        d->do_close = true;
    }
    if (has(s, TCP_RST)) {
        set_state(f, ep, TCP_EP_RESET);
        d->do_close = true;
    }
}

static void update_closed(struct flow_table *t, struct flow *f, struct tcp_endpoint *ep, struct tcp_endpoint *peer,
                          const struct segment *s, int32_t delta_last, struct close_decision *d)
{
    if (has(s, TCP_SYN))
        flow_weird(t, f, "SYN_after_close", NULL);
    if (has(s, TCP_FIN) && delta_last > 0)
        flow_weird(t, f, "FIN_advanced_last_seq", NULL);
    /* A RST after our FIN: unless the FIN exchange already completed. */
    if (has(s, TCP_RST) && peer->state != TCP_EP_CLOSED) {
        set_state(f, ep, TCP_EP_RESET);
        if (!ep->did_close)
            d->do_close = true;
        flow_timer_arm(f, &f->reset_at_ms, s->ts + TCP_RESET_DELAY_US);
    }
}

static void update_reset(struct flow_table *t, struct flow *f, const struct segment *s)
{
    if (has(s, TCP_SYN))
        flow_weird(t, f, "SYN_after_reset", NULL);
    if (has(s, TCP_FIN))
        flow_weird(t, f, "FIN_after_reset", NULL);
    if (s->len > 0 && !has(s, TCP_RST))
        flow_weird(t, f, "data_after_reset", NULL);
}

static void update_state_machine(struct flow_table *t, struct flow *f, struct tcp_endpoint **ep,
                                 struct tcp_endpoint **peer, const struct segment *s, int32_t delta_last,
                                 struct close_decision *d)
{
    switch ((*ep)->state) {
    case TCP_EP_INACTIVE:
        update_inactive(t, f, ep, peer, s, d);
        break;
    case TCP_EP_SYN_SENT:
    case TCP_EP_SYN_ACK_SENT:
        update_syn_sent(t, f, *ep, *peer, s, d);
        break;
    case TCP_EP_ESTABLISHED:
    case TCP_EP_PARTIAL:
        update_established(t, f, *ep, *peer, s, d);
        break;
    case TCP_EP_CLOSED:
        update_closed(t, f, *ep, *peer, s, delta_last, d);
        break;
    case TCP_EP_RESET:
        update_reset(t, f, s);
        break;
    default:
        break;
    }
}

/* --- content: in-order delivery and gaps live in stream.c --- */

static void ack_received(struct flow_table *t, struct flow *f, struct tcp_endpoint *ep, struct tcp_endpoint *peer,
                         int64_t rel_ack)
{
    /* The FIN's octet is not data. */
    if (ep->fin_cnt > 0 && rel_ack >= (int64_t)ep->fin_seq_rel)
        rel_ack = (int64_t)ep->fin_seq_rel - 1;
    flow_ack_release(t, f, ep, rel_ack);
    app_layer_acked(f, ep_is_orig(f, ep), rel_ack);
    if (rel_ack <= (int64_t)ep->reassem_rel)
        return;
    /* A partial connection's faked ISN makes its first ack look like a gap. */
    if (rel_ack <= 2 && f->tcp_partial)
        return;
    stream_ack(t, f, ep, peer, (uint32_t)rel_ack);
}

static void connection_closed(struct flow *f, struct tcp_endpoint *ep, struct tcp_endpoint *peer)
{
    if (ep->did_close)
        return;
    ep->did_close = true;
    bool complete = ep->state == TCP_EP_RESET || peer->did_close || peer->state == TCP_EP_INACTIVE;
    if (complete && f->delete_at_ms == 0)
        flow_timer_arm(f, &f->delete_at_ms, f->last_us + TCP_CLOSE_DELAY_US);
}

static void set_partial_status(struct flow *f, const struct segment *s)
{
    if (s->is_orig) {
        if (!(f->first_packet_seen & 1))
            f->tcp_partial = !has(s, TCP_SYN) || has(s, TCP_ACK);
    } else if (!(f->first_packet_seen & 2) && !f->tcp_partial) {
        f->tcp_partial = !has(s, TCP_SYN);
    }
}

/* Suricata's session state (eve_tcp.c) after the segment. Per packet, so
 * the common case (data and ACKs of an established session) costs a test.
 * delta_last: how far the segment's end, SYN and FIN octets included, is
 * past where its direction had ended (update_last_seq). A retransmission,
 * as Suricata's StreamTcpPacketIsRetransmission has it: data all seen
 * before (a segment without data never is one). */
static void eve_tcp_update(const struct flow_table *t, struct flow *f, const struct tcp_endpoint *ep,
                           const struct segment *s, int32_t delta_last)
{
    if (f->sc_state == SC_TCP_ESTABLISHED && !has(s, TCP_SYN | TCP_FIN | TCP_RST))
        return;
    int32_t data_past = delta_last - has(s, TCP_SYN) - has(s, TCP_FIN);
    eve_tcp_segment(f, ep_is_orig(f, ep), s->flags, s->len > 0 && data_past <= 0, t->cfg.app_midstream);
}

void tcp_flow_init(struct flow *f)
{
    for (int i = 0; i < 2; i++) {
        memset(&f->ep[i], 0, sizeof f->ep[i]);
        f->ep[i].state = f->ep[i].prev_state = TCP_EP_INACTIVE;
        f->ep[i].reassem_rel = 1;
    }
}

static void note_control_flags(struct flow_table *t, struct flow *f, struct tcp_endpoint *ep,
                               const struct segment *s, int64_t rel_seq, int64_t seg_len)
{
    if (has(s, TCP_SYN)) {
        if (has(s, TCP_RST))
            flow_weird(t, f, "TCP_christmas", NULL);
        if (has(s, TCP_URG))
            flow_weird(t, f, "baroque_SYN", NULL);
        if (s->len > 0)
            flow_weird(t, f, "SYN_with_data", NULL);
    }
    if (has(s, TCP_FIN)) {
        ep->fin_cnt++;
        ep->fin_seq_rel = (uint32_t)(rel_seq + seg_len);
    }
    if (has(s, TCP_RST))
        ep->rst_cnt++;
}

bool tcp_flow_segment(struct flow_table *t, struct flow *f, const struct packet *pkt, bool is_orig)
{
    struct segment s = {
        .is_orig = is_orig,
        .flags = pkt->tcp_flags,
        .seq = pkt->tcp_seq,
        .ack = pkt->tcp_ack,
        .len = pkt->payload_len,
        .caplen = pkt->payload_caplen,
        .ts = pkt->ts_us,
    };
    struct tcp_endpoint *ep = endpoint_of(f, is_orig);
    struct tcp_endpoint *peer = endpoint_of(f, !is_orig);

    if (pkt->l4_checksum_bad) {
        flow_weird(t, f, "bad_TCP_checksum", NULL);
        ep_scaled(f, ep, &ep->chksum, 'C');
        return false;
    }
    set_partial_status(f, &s);

    int64_t seg_len = s.len + has(&s, TCP_SYN) + has(&s, TCP_FIN);
    if (has(&s, TCP_RST))
        seg_len -= s.len; /* data on a RST is not part of the stream */
    uint32_t seq_past = s.seq + (uint32_t)seg_len;
    init_endpoint(t, f, ep, &s, seq_past);

    bool underflow = false;
    int64_t rel_seq = relative_seq(ep, s.seq, ep->last_seq, ep->seq_wraps, &underflow);
    if (underflow && !has(&s, TCP_RST))
        flow_weird(t, f, "TCP_seq_underflow_or_misorder", NULL);

    update_history(f, ep, &s, rel_seq);
    check_zero_window(f, ep, peer, &s, pkt->tcp_win);
    if (!f->ep[0].did_close || !f->ep[1].did_close)
        f->last_us = s.ts;
    note_control_flags(t, f, ep, &s, rel_seq, seg_len);

    int64_t rel_ack = 0;
    if (has(&s, TCP_ACK)) {
        if (peer->state == TCP_EP_INACTIVE) {
            rel_ack = 1;
            init_peer(t, f, peer, ep, &s);
        } else {
            bool ack_underflow = false;
            rel_ack = relative_seq(peer, s.ack, peer->ack_seq, peer->ack_wraps, &ack_underflow);
            if (ack_underflow) {
                rel_ack = 0;
                flow_weird(t, f, "TCP_ack_underflow_or_misorder", NULL);
            } else if (!has(&s, TCP_RST)) {
                update_ack_seq(peer, s.ack); /* acks on RSTs are not trusted */
            }
        }
    }

    int32_t delta_last = update_last_seq(f, ep, seq_past, &s);
    struct close_decision d = {false};
    update_state_machine(t, f, &ep, &peer, &s, delta_last, &d);
    eve_tcp_update(t, f, ep, &s, delta_last);

    if (has(&s, TCP_ACK))
        ack_received(t, f, peer, ep, rel_ack);

    int64_t rel_data = has(&s, TCP_SYN) ? rel_seq + 1 : rel_seq;
    if (s.len > 0 && !has(&s, TCP_RST) && !underflow && rel_data >= 0)
        stream_data(t, f, ep, (uint64_t)rel_data, s.caplen >= s.len ? pkt->payload : NULL, (uint32_t)s.len);
    /* The FIN's sequence number follows the last data byte: reached when the stream is contiguous up to it. */
    if (ep->fin_cnt > 0 && !ep->eof_delivered && (int64_t)ep->reassem_rel + 1 >= (int64_t)ep->fin_seq_rel) {
        ep->eof_delivered = true;
        app_layer_end_of_data(t, f, ep_is_orig(f, ep));
    }

    f->first_packet_seen |= ep_is_orig(f, ep) ? 1 : 2;
    if (d.do_close)
        connection_closed(f, ep, peer);
    return true;
}

bool tcp_flow_both_closed(const struct flow *f)
{
    return f->ep[0].did_close && f->ep[1].did_close;
}

static bool is_closed_state(uint8_t s)
{
    return s == TCP_EP_CLOSED || s == TCP_EP_RESET;
}

bool tcp_flow_is_reuse(struct flow_table *t, const struct flow *f, const struct packet *pkt, bool is_orig)
{
    uint8_t fl = pkt->tcp_flags;
    const struct tcp_endpoint *conn_orig = &f->ep[0];
    if (!(fl & TCP_SYN))
        return false;
    if (fl & TCP_ACK) {
        if (f->ep[0].state != TCP_EP_INACTIVE)
            return false; /* not a half connection */
        conn_orig = &f->ep[1];
    }
    bool closed = is_closed_state(f->ep[0].state) && is_closed_state(f->ep[1].state);
    if (!closed) {
        if (pkt->tcp_seq == conn_orig->start_seq)
            return false;
        if (!(fl & TCP_ACK) && conn_orig->state == TCP_EP_SYN_ACK_SENT && f->ep[1].state == TCP_EP_INACTIVE &&
            pkt->tcp_seq == f->ep[1].start_seq)
            return false; /* the SYN/SYN-ACK reversal, handled by the state machine */
        flow_weird(t, f, conn_orig->state == TCP_EP_SYN_SENT ? "SYN_seq_jump" : "active_connection_reuse", NULL);
    }
    return true;
}

static int64_t next_expire_check(const struct flow *f)
{
    /* Zeek's ExpireTimer fires at start+5s then every 6s; it removes a closing
     * connection once it has been idle for tcp_connection_linger. */
    const int64_t first = 5 * 1000000LL, period = 6 * 1000000LL;
    int64_t due = f->last_us + TCP_CONNECTION_LINGER_US + 1 - (f->start_us + first);
    int64_t k = due <= 0 ? 0 : (due + period - 1) / period;
    return f->start_us + first + k * period;
}

static bool linger_done(const struct flow *f, int64_t now)
{
    const struct tcp_endpoint *o = &f->ep[0], *r = &f->ep[1];
    if (now < next_expire_check(f))
        return false;
    if (o->did_close || r->did_close) {
        if ((o->did_close && r->did_close) || o->state == TCP_EP_RESET || r->state == TCP_EP_RESET ||
            o->state == TCP_EP_INACTIVE || r->state == TCP_EP_INACTIVE)
            return true;
    }
    return o->state == TCP_EP_INACTIVE && r->state == TCP_EP_INACTIVE;
}

bool tcp_flow_expired(const struct flow *f, int64_t now, int64_t inactivity_us)
{
    const struct tcp_endpoint *o = &f->ep[0], *r = &f->ep[1];
    /* The common case, per packet: no timer armed and active within the linger time. */
    if (!f->attempt_at_ms && !f->delete_at_ms && !f->reset_at_ms && now - f->last_us <= TCP_CONNECTION_LINGER_US)
        return false;
    if (now - f->last_us >= inactivity_us)
        return true;
    if (flow_timer_due(f, f->delete_at_ms, now) || flow_timer_due(f, f->reset_at_ms, now))
        return true;
    if (flow_timer_due(f, f->attempt_at_ms, now) &&
        (o->state == TCP_EP_SYN_SENT || o->state == TCP_EP_SYN_ACK_SENT) && r->state == TCP_EP_INACTIVE)
        return true;
    return linger_done(f, now);
}

/* The S0 with RST pattern of Zeek's conn_state(): ^?S[^HAFGIQ]*R.* */
static bool history_is_rstos0(const char *h)
{
    if (*h == '^')
        h++;
    if (*h != 'S')
        return false;
    for (h++; *h; h++) {
        if (*h == 'R')
            return true;
        if (strchr("HAFGIQ", *h))
            return false;
    }
    return false;
}

const char *tcp_conn_state(const struct flow *f)
{
    uint8_t os = f->ep[0].state, rs = f->ep[1].state;
    bool o_inactive = os == TCP_EP_INACTIVE || os == TCP_EP_PARTIAL;
    bool r_inactive = rs == TCP_EP_INACTIVE || rs == TCP_EP_PARTIAL;
    if (rs == TCP_EP_RESET) {
        if (os == TCP_EP_SYN_SENT || os == TCP_EP_SYN_ACK_SENT ||
            (os == TCP_EP_RESET && tcp_endpoint_size(&f->ep[0], &f->ep[1]) == 0 &&
             tcp_endpoint_size(&f->ep[1], &f->ep[0]) == 0))
            return "REJ";
        return o_inactive ? "RSTRH" : "RSTR";
    }
    if (os == TCP_EP_RESET) {
        if (r_inactive)
            return history_is_rstos0(f->history) ? "RSTOS0" : "OTH";
        return "RSTO";
    }
    if (rs == TCP_EP_CLOSED && os == TCP_EP_CLOSED)
        return "SF";
    if (os == TCP_EP_CLOSED)
        return r_inactive ? "SH" : "S2";
    if (rs == TCP_EP_CLOSED)
        return o_inactive ? "SHR" : "S3";
    if (os == TCP_EP_SYN_SENT && rs == TCP_EP_INACTIVE)
        return "S0";
    if (os == TCP_EP_ESTABLISHED && rs == TCP_EP_ESTABLISHED)
        return "S1";
    return "OTH";
}

const char *tcp_eve_state(const struct flow *f)
{
    uint8_t os = f->ep[0].state, rs = f->ep[1].state;
    if (is_closed_state(os) || is_closed_state(rs))
        return "closed";
    if (os == TCP_EP_ESTABLISHED && rs == TCP_EP_ESTABLISHED)
        return "established";
    return "new";
}
