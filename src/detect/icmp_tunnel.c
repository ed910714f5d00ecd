/* ICMP tunnels (ptunnel, icmptunnel, icmpsh, Hans) on short captures.
 *
 * Ping repeats one payload: Linux's ping writes its clock into the first
 * 16 bytes and a fixed pattern after it, Windows sends the alphabet, and a
 * big-MTU test only makes that pattern longer; an echo reply mirrors its
 * request byte for byte. A tunnel carries data: its payloads change from
 * one request to the next, and they are large, or random-looking
 * (compressed or encrypted), or the replies carry other data than the
 * requests. Per requester and responder, within icmp_window_seconds: the
 * requests, how many changed past byte 16, the echoes whose payload looks
 * random, the replies not mirroring the request before them, the payload
 * bytes. Traceroute's echoes are fixed too, and the time-exceeded answers
 * are no echo replies. The state is per worker: both directions of a pair
 * reach the same worker (the engine hashes addresses symmetrically). */
#include "detect/icmp_tunnel.h"

#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode/packet-t.h"
#include "detect/alert.h"
#include "detect/config-t.h"
#include "detect/short_score.h"
#include "detect/short_window.h"
#include "detect/sink.h"
#include "proto/conn-t.h"
#include "util/hash.h"

#define ICMP_SID_TUNNEL 9300201u
#define ICMP_TRACKED_PAIRS 4096
#define PING_CLOCK_BYTES 16         /* what ping may change from one request to the next */

struct icmp_run {
    struct short_thresholds th; /* first: short_run_open */
};

struct icmp_pair {
    struct short_slot slot;
    struct icmp_evidence e;
    bool has_request;
    uint16_t last_id, last_seq;     /* the last request's */
    uint32_t last_len;
    uint64_t last_body_hash;        /* its payload past the clock bytes */
    uint64_t last_full_hash;        /* its whole payload */
};

struct icmp_worker {
    const struct icmp_run *run;
    const struct detect_sink *sink;
    struct short_table pairs;
};

static bool icmp_open(const struct detect_config *cfg, void **state, char *err, size_t errlen)
{
    return short_run_open(cfg, sizeof(struct icmp_run), state, err, errlen);
}

static void icmp_close(void *state)
{
    free(state);
}

static void *icmp_worker_open(void *state, const struct detect_sink *sink)
{
    struct icmp_worker *w = calloc(1, sizeof *w);
    if (w == NULL)
        return NULL;
    w->run = state;
    w->sink = sink;
    if (!short_table_init(&w->pairs, sizeof(struct icmp_pair), ICMP_TRACKED_PAIRS)) {
        free(w);
        return NULL;
    }
    return w;
}

static void icmp_worker_close(void *worker)
{
    struct icmp_worker *w = worker;
    short_table_free(&w->pairs);
    free(w);
}

static uint64_t pair_key(const struct ip_addr *requester, const struct ip_addr *responder)
{
    struct ip_addr k[2] = {*requester, *responder};
    return hash_keyed(k, sizeof k, 0x69636d7070616972ULL);
}

static void emit(struct icmp_worker *w, const struct packet *pkt, const struct detect_flow *flow,
                 const struct icmp_pair *p, const char *why)
{
    struct app_conn c;
    flow->fill_conn(flow->ctx, &c);
    char from[64], to[64], msg[512];
    ip_addr_format(&c.orig_h, from, sizeof from);
    ip_addr_format(&c.resp_h, to, sizeof to);
    snprintf(msg, sizeof msg, "%s sent %u ICMP echo requests to %s in %llds, %s: ICMP tunnel", from,
             p->e.requests, to, (long long)((pkt->ts_us - p->slot.start_us) / 1000000), why);
    const struct alert_meta meta[] = {{"evidence_uid", c.uid}};
    struct alert a = {
        .ts_us = pkt->ts_us,
        .signature_id = ICMP_SID_TUNNEL,
        .signature = "VIGIL ICMP tunnel: echo payloads carrying data",
        .category = "Potentially Bad Traffic",
        .severity = 2,
        .note = "Vigil::ICMP_Tunnel",
        .notice_msg = msg,
        .sub = why,
        .has_n = true,
        .n = p->e.requests,
        .attack = {"T1095", "T1572"},
        .n_attack = 2,
        .meta = meta,
        .n_meta = 1,
    };
    alert_set_app_conn(&a, &c);
    sink_alert(w->sink, &a);
}

static void count_request(struct icmp_pair *p, uint16_t id, uint16_t seq, const uint8_t *data, size_t cap,
                          uint32_t len)
{
    size_t skip = cap > PING_CLOCK_BYTES ? PING_CLOCK_BYTES : cap;
    uint64_t body = hash64(data + skip, cap - skip, len);
    if (p->has_request && body != p->last_body_hash)
        p->e.varying++;
    p->e.requests++;
    p->has_request = true;
    p->last_id = id;
    p->last_seq = seq;
    p->last_len = len;
    p->last_body_hash = body;
    p->last_full_hash = hash64(data, cap, len);
}

static void count_reply(struct icmp_pair *p, uint16_t id, uint16_t seq, const uint8_t *data, size_t cap, uint32_t len)
{
    p->e.replies++;
    bool mirrors = p->has_request && id == p->last_id && seq == p->last_seq && len == p->last_len &&
                   hash64(data, cap, len) == p->last_full_hash;
    if (!mirrors)
        p->e.asymmetric++;
}

static void icmp_echo(void *worker, const struct packet *pkt, const struct detect_flow *flow)
{
    struct icmp_worker *w = worker;
    const struct short_thresholds *th = &w->run->th;
    if (pkt->l4_caplen < 8)
        return;
    bool request = pkt->icmp_type == 8 || pkt->icmp_type == 128;
    const struct ip_addr *requester = request ? &pkt->src : &pkt->dst;
    const struct ip_addr *responder = request ? &pkt->dst : &pkt->src;
    struct icmp_pair *p = short_table_get(&w->pairs, pair_key(requester, responder), pkt->ts_us,
                                          th->icmp_window_us, NULL);
    if (p == NULL || short_slot_suppressed(&p->slot, pkt->ts_us))
        return;
    uint16_t id = (uint16_t)(pkt->l4[4] << 8 | pkt->l4[5]);
    uint16_t seq = (uint16_t)(pkt->l4[6] << 8 | pkt->l4[7]);
    if (request)
        count_request(p, id, seq, pkt->payload, pkt->payload_caplen, pkt->payload_len);
    else
        count_reply(p, id, seq, pkt->payload, pkt->payload_caplen, pkt->payload_len);
    p->e.payload_bytes += pkt->payload_len;
    if (payload_entropy_ratio(pkt->payload, pkt->payload_caplen) >= th->icmp_entropy_ratio)
        p->e.random++;
    char why[160];
    if (!icmp_tunnel_verdict(&p->e, th, why, sizeof why))
        return;
    p->slot.reported_us = pkt->ts_us;
    emit(w, pkt, flow, p, why);
}

const struct detector icmp_tunnel_detector = {
    .name = "icmp_tunnel",
    .open = icmp_open,
    .close = icmp_close,
    .worker_open = icmp_worker_open,
    .worker_close = icmp_worker_close,
    .icmp_echo = icmp_echo,
};
