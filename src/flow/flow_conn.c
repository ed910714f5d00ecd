/* What every file of flow/ does to one connection: its history letters
 * and timers, its weirds (once each), its identity as parsers and records
 * see it (uid, community id, locality), the worker's stream byte budget.
 * A leaf: it calls nothing else in flow/ but community_id.c and
 * likely_ports.c, so flow_table.c, tcp_state.c, stream.c and app_layer.c
 * all use it without calling each other back. */
#include <netinet/in.h>
#include <string.h>

#include "flow/community_id.h"
#include "flow/flow_internal.h"
#include "util/uid.h"

void flow_add_history(struct flow *f, char code)
{
    size_t n = strlen(f->history);
    if (n + 1 < sizeof f->history) {
        f->history[n] = code;
        f->history[n + 1] = '\0';
    }
}

bool flow_check_history(struct flow *f, uint32_t mask, char code)
{
    if (f->hist_seen & mask)
        return true;
    f->hist_seen |= mask;
    flow_add_history(f, code);
    return false;
}

void flow_scaled_history(struct flow *f, scaled_counter_t *c, char code)
{
    uint32_t n = ++*c;
    while (n % 10 == 0)
        n /= 10;
    if (n == 1)
        flow_add_history(f, code);
}

void flow_timer_arm(const struct flow *f, uint32_t *timer_ms, int64_t at_us)
{
    int64_t rel = (at_us - f->start_us + 999) / 1000;
    *timer_ms = rel < 1 ? 1 : rel > UINT32_MAX ? UINT32_MAX : (uint32_t)rel;
}

bool flow_timer_due(const struct flow *f, uint32_t timer_ms, int64_t now_us)
{
    return timer_ms != 0 && now_us >= f->start_us + (int64_t)timer_ms * 1000;
}

uint64_t flow_uid_hash(const struct flow *f)
{
    return f->uid_hash;
}

void flow_uid_fill(const struct flow_table *t, const struct flow *f, char uid[UID_LEN], uint64_t *flow_id)
{
    uid_format(flow_uid_hash(f), 'C', uid);
    *flow_id = uid_flow_id(flow_eve_hash(t, f));
}

void flow_endpoints(const struct flow *f, struct ip_addr *oh, uint16_t *op, struct ip_addr *rh, uint16_t *rp)
{
    if (f->orig_is_a) {
        *oh = f->key.a, *op = f->key.port_a, *rh = f->key.b, *rp = f->key.port_b;
    } else {
        *oh = f->key.b, *op = f->key.port_b, *rh = f->key.a, *rp = f->key.port_a;
    }
}

static uint32_t weird_bit(const char *name)
{
    uint32_t h = 2166136261u;
    for (; *name; name++)
        h = (h ^ (uint8_t)*name) * 16777619u;
    return 1u << (h & 31);
}

static bool is_icmp(uint8_t proto)
{
    return proto == IPPROTO_ICMP || proto == IPPROTO_ICMPV6;
}

void flow_community_id(const struct flow_table *t, const struct flow *f, const struct ip_addr *oh,
                              uint16_t op, const struct ip_addr *rh, uint16_t rp, char out[COMMUNITY_ID_LEN])
{
    bool one_way = false;
    if (is_icmp(f->key.proto))
        icmp_counterpart(f->key.proto == IPPROTO_ICMPV6, (uint8_t)op, (uint8_t)rp, &one_way);
    if (!t->cfg.community_id) {
        out[0] = '\0';
        return;
    }
    community_id_v1(t->hasher, t->cfg.community_id_seed, oh, rh, op, rp, f->key.proto, one_way, out);
}

int8_t flow_is_local(const struct flow_table *t, const struct ip_addr *a)
{
    for (unsigned i = 0; i < t->n_local; i++)
        if (ip_prefix_contains(&t->local[i], a))
            return 1;
    return 0;
}

void flow_weird_from(struct flow_table *t, const struct flow *f, const char *name, const char *addl,
                     const char *source)
{
    uint32_t bit = weird_bit(name);
    if (f->weirds_seen & bit)
        return; /* each weird once per connection */
    ((struct flow *)f)->weirds_seen |= bit;
    if (!t->sink.weird)
        return;
    struct weird_record w = {.ts_us = t->now_us, .name = name, .addl = addl, .source = source, .has_conn = true};
    flow_uid_fill(t, f, w.uid, &w.flow_id);
    flow_endpoints(f, &w.orig_h, &w.orig_p, &w.resp_h, &w.resp_p);
    w.proto = f->key.proto;
    w.packet_number = f->packet_number;
    flow_community_id(t, f, &w.orig_h, w.orig_p, &w.resp_h, w.resp_p, w.community_id);
    t->sink.weird(t->sink.ctx, &w);
}

void flow_weird(struct flow_table *t, const struct flow *f, const char *name, const char *addl)
{
    flow_weird_from(t, f, name, addl, NULL);
}

const struct app_hooks *flow_table_app_hooks(const struct flow_table *t)
{
    return t->cfg.app;
}

void flow_fill_app_conn(const struct flow_table *t, const struct flow *f, struct app_conn *out)
{
    memset(out, 0, sizeof *out);
    out->start_us = f->start_us;
    flow_uid_fill(t, f, out->uid, &out->flow_id);
    flow_endpoints(f, &out->orig_h, &out->orig_p, &out->resp_h, &out->resp_p);
    out->proto = f->key.proto;
    out->vlan = f->key.vlan;
    out->inner_vlan = f->key.inner_vlan;
    out->middle_vlan = f->key.middle_vlan;
    flow_community_id(t, f, &out->orig_h, out->orig_p, &out->resp_h, out->resp_p, out->community_id);
    out->local_orig = flow_is_local(t, &out->orig_h);
    out->local_resp = flow_is_local(t, &out->resp_h);
    flow_app_conn_counts(f, out);
}

void flow_app_conn_counts(const struct flow *f, struct app_conn *out)
{
    out->pkts_toserver = f->orig_pkts;
    out->pkts_toclient = f->resp_pkts;
    out->bytes_toserver = f->orig_frame_bytes;
    out->bytes_toclient = f->resp_frame_bytes;
    out->packet_number = f->packet_number;
    out->ack_dir = f->key.proto == IPPROTO_TCP ? f->delivering : 0;
    out->ack_wait = out->ack_dir ? f->ep[out->ack_dir - 1].reassem_rel : 0;
}

void flow_ack_await(struct flow *f, const struct app_conn *c)
{
    if (c->ack_dir == 0 || f->key.proto != IPPROTO_TCP)
        return;
    struct tcp_endpoint *ep = &f->ep[c->ack_dir - 1];
    if (!ep->ack_pending || c->ack_wait < ep->ack_wait_lo)
        ep->ack_wait_lo = c->ack_wait;
    if (!ep->ack_pending || c->ack_wait > ep->ack_wait_hi)
        ep->ack_wait_hi = c->ack_wait;
    ep->ack_pending = true;
}

void flow_ack_release(struct flow_table *t, struct flow *f, struct tcp_endpoint *ep, int64_t rel_ack)
{
    if (!ep->ack_pending || rel_ack < (int64_t)ep->ack_wait_lo)
        return;
    uint32_t up_to = rel_ack >= (int64_t)UINT32_MAX ? UINT32_MAX : (uint32_t)rel_ack;
    if (up_to >= ep->ack_wait_hi)
        ep->ack_pending = false;
    else
        ep->ack_wait_lo = up_to + 1; /* the next ack past this one looks again */
    const struct app_hooks *h = t->cfg.app;
    if (h && h->acked)
        h->acked(h->ctx, uid_flow_id(flow_eve_hash(t, f)), ep == &f->ep[0] ? 1 : 2, up_to, f->packet_number);
}

void flow_ack_release_all(struct flow_table *t, struct flow *f)
{
    if (f->key.proto != IPPROTO_TCP || !(f->ep[0].ack_pending || f->ep[1].ack_pending))
        return;
    f->ep[0].ack_pending = f->ep[1].ack_pending = false;
    const struct app_hooks *h = t->cfg.app;
    if (h && h->acked)
        h->acked(h->ctx, uid_flow_id(flow_eve_hash(t, f)), 0, UINT32_MAX, 0);
}

void flow_ref_conn(const struct flow_ref *r, struct app_conn *conn)
{
    flow_fill_app_conn(r->table, r->flow, conn);
}

void flow_make_ref(const struct flow_table *t, const struct flow *f, bool from_orig, struct flow_ref *r)
{
    r->table = t;
    r->flow = f;
    r->flow_id = uid_flow_id(flow_eve_hash(t, f));
    flow_endpoints(f, &r->orig_h, &r->orig_p, &r->resp_h, &r->resp_p);
    r->from_orig = from_orig;
    r->payload_encrypted = f->payload_encrypted;
    r->app_proto = NULL;       /* the callers that know the parser set it (app_layer.c, flow_table.c) */
    /* A connection picked up midway is established only with --midstream
     * (Suricata's stream.midstream). */
    if (f->key.proto == IPPROTO_TCP)
        r->established = (f->ep[0].state == TCP_EP_ESTABLISHED && f->ep[1].state == TCP_EP_ESTABLISHED) ||
                         (f->tcp_partial && t->cfg.app_midstream);
    else
        r->established = f->first_packet_seen == 3;
}

bool flow_table_stream_reserve(struct flow_table *t, uint32_t bytes)
{
    if (t->stream_bytes + bytes > t->cfg.stream_memcap)
        return false;
    t->stream_bytes += bytes;
    return true;
}

void flow_table_stream_release(struct flow_table *t, uint32_t bytes)
{
    t->stream_bytes -= bytes;
}

void flow_flip_roles(struct flow *f)
{
    f->orig_is_a = !f->orig_is_a;
    if (f->key.proto == IPPROTO_TCP) {
        struct tcp_endpoint te = f->ep[0];
        f->ep[0] = f->ep[1];
        f->ep[1] = te;
    } else {
        int64_t tl = f->udp_orig_len;
        f->udp_orig_len = f->udp_resp_len;
        f->udp_resp_len = tl;
    }
#define SWAP(a, b)                                                                                                     \
    do {                                                                                                               \
        __typeof__(a) tmp_ = (a);                                                                                      \
        (a) = (b);                                                                                                     \
        (b) = tmp_;                                                                                                    \
    } while (0)
    SWAP(f->orig_pkts, f->resp_pkts);
    SWAP(f->orig_ip_bytes, f->resp_ip_bytes);
    SWAP(f->orig_frame_bytes, f->resp_frame_bytes);
    SWAP(f->flags_orig, f->flags_resp);
    uint8_t l2[6];
    memcpy(l2, f->orig_l2, 6);
    memcpy(f->orig_l2, f->resp_l2, 6);
    memcpy(f->resp_l2, l2, 6);
#undef SWAP
    f->first_packet_seen = (uint8_t)(((f->first_packet_seen & 1) << 1) | ((f->first_packet_seen & 2) >> 1));
    f->tcp_partial = false;
    flow_add_history(f, '^');
}

void **flow_table_parser_states(struct flow_table *t, size_t *n)
{
    *n = sizeof t->parser_states / sizeof *t->parser_states;
    return t->parser_states;
}
