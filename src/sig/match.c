/* The matcher: per packet, stream chunk and transaction, scan each buffer
 * once with its prefilter, then evaluate the candidate rules cheapest
 * condition first (header, flow, packet fields, flowbits, contents, pcre
 * last), then flowbits actions and thresholds, then alert. Everything here
 * is the worker's own: no lock. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "decode/packet-t.h"
#include "proto/conn-t.h"
#include "proto/event-t.h"
#include "proto/http-t.h"
#include "sig/buffers.h"
#include "sig/inspect.h"
#include "sig/prefilter.h"
#include "sig/report.h"
#include "sig/state.h"

struct sig_worker {
    const struct sig_set *set;
    const struct detect_sink *sink;
    struct sig_report_scratch report;
    hs_scratch_t *scratch;
    uint32_t *cand;             /* candidate rule indexes of the current event */
    size_t n_cand;
    uint32_t *stamp;            /* per rule: the event it was last added for */
    uint32_t event;
    struct sig_inspect in;
    struct sig_scratch buf, xf;
    struct sig_state state;     /* flowbits and thresholds */
    struct sig_stats stats;
};

/* What one event offers the rules. */
struct sig_event {
    int64_t ts_us;
    const struct packet *pkt;   /* packet rules: header fields */
    const uint8_t *payload;     /* packet payload or stream chunk */
    size_t payload_len;
    bool stream;                /* payload is reassembled stream data */
    bool tcp_packet;            /* payload is a TCP packet's: for tcp-pkt rules only */
    bool no_payload;            /* encrypted: rules with payload contents do not apply */
    int kind;                   /* transaction kind, -1 none */
    const void *txn;
    const struct app_conn *conn;
    const struct sig_flow_info *fi; /* packets and streams: the conn on demand */
    bool to_server, established;
    uint8_t ipproto;
    struct ip_addr src, dst;    /* in the event's direction */
    uint16_t sp, dp;
    uint64_t flow_id;
};

struct sig_worker *sig_worker_new(const struct sig_set *s, const struct detect_sink *sink)
{
    struct sig_worker *w = calloc(1, sizeof *w);
    if (!w)
        return NULL;
    w->set = s;
    w->sink = sink;
    sig_report_init(&w->report);
    w->cand = calloc(s->n_rules + 1, sizeof *w->cand);
    w->stamp = calloc(s->n_rules + 1, sizeof *w->stamp);
    bool ok = sig_inspect_init(&w->in, s->n_pcres) && w->cand && w->stamp && sig_state_init(&w->state);
    if (ok && s->prefilter && s->prefilter->proto_scratch)
        ok = hs_clone_scratch(s->prefilter->proto_scratch, &w->scratch) == HS_SUCCESS;
    if (!ok) {
        sig_worker_free(w);
        return NULL;
    }
    return w;
}

void sig_worker_free(struct sig_worker *w)
{
    if (!w)
        return;
    free(w->cand);
    free(w->stamp);
    sig_inspect_free(&w->in);
    hs_free_scratch(w->scratch);
    sig_state_free(&w->state);
    sig_report_free(&w->report);
    free(w);
}

void sig_worker_stats(const struct sig_worker *w, struct sig_stats *st)
{
    *st = w->stats;
}

/* Flowbit names "traffic/id/NAME" and "traffic/label/NAME": NAME. */
static const char *traffic_tag(const char *flowbit, bool *is_label)
{
    static const char id[] = "traffic/id/", label[] = "traffic/label/";
    *is_label = strncmp(flowbit, label, sizeof label - 1) == 0;
    if (*is_label)
        return flowbit + sizeof label - 1;
    return strncmp(flowbit, id, sizeof id - 1) == 0 ? flowbit + sizeof id - 1 : NULL;
}

void sig_flow_tags(struct sig_worker *w, uint64_t flow_id, struct sig_flow_tags *out)
{
    memset(out, 0, sizeof *out);
    const struct sig_flow_bits *f = sig_flow_state(&w->state, flow_id);
    if (!f)
        return;
    out->alerted = f->alerted;
    for (unsigned i = 0; i < f->n; i++) {
        bool is_label;
        const char *tag = traffic_tag(w->set->flowbits[f->ids[i]], &is_label);
        if (tag && is_label && out->n_labels < SIG_MAX_TRAFFIC_TAGS)
            out->labels[out->n_labels++] = tag;
        else if (tag && !is_label && out->n_ids < SIG_MAX_TRAFFIC_TAGS)
            out->ids[out->n_ids++] = tag;
    }
}

/* --- candidates --- */

static void add_candidate(struct sig_worker *w, uint32_t rule)
{
    if (w->stamp[rule] == w->event)
        return;
    w->stamp[rule] = w->event;
    w->cand[w->n_cand++] = rule;
}

static int on_hs_match(unsigned id, unsigned long long from, unsigned long long to, unsigned flags, void *ctx)
{
    void **args = ctx;
    struct sig_worker *w = args[0];
    const struct sig_pf_db *db = args[1];
    add_candidate(w, db->rules[id]);
    return 0;
}

static void scan(struct sig_worker *w, const struct sig_pf_db *db, const uint8_t *p, size_t n)
{
    if (!db->db || n == 0 || n > UINT32_MAX)
        return;
    void *args[2] = {w, (void *)db};
    hs_scan(db->db, (const char *)p, (unsigned)n, 0, w->scratch, on_hs_match, args);
}

static void begin_event(struct sig_worker *w)
{
    w->n_cand = 0;
    if (++w->event == 0) {
        memset(w->stamp, 0, (w->set->n_rules + 1) * sizeof *w->stamp);
        w->event = 1;
    }
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

/* Candidates in rule order. Most events have none or one (every packet and
 * stream chunk is an event), and qsort's call costs more than its sort. */
static void sort_candidates(struct sig_worker *w)
{
    if (w->n_cand > 1)
        qsort(w->cand, w->n_cand, sizeof *w->cand, cmp_u32);
}

/* --- rule evaluation --- */

static bool header_matches(const struct sig_rule *r, const struct sig_event *e)
{
    if (r->ipver && (r->ipver == 4) != ip_addr_is_v4(&e->src))
        return false;
    if (r->ipproto && r->ipproto != e->ipproto && !(r->ipproto == 1 && e->ipproto == 58))
        return false;
    /* Ports first: cheaper than address groups, and most rules name some. */
    if (sig_net_match_port(&r->sp, e->sp) && sig_net_match_port(&r->dp, e->dp) &&
        sig_net_match_addr(&r->src, &e->src) && sig_net_match_addr(&r->dst, &e->dst))
        return true;
    return r->bidir && sig_net_match_port(&r->sp, e->dp) && sig_net_match_port(&r->dp, e->sp) &&
           sig_net_match_addr(&r->src, &e->dst) && sig_net_match_addr(&r->dst, &e->src);
}

static bool flow_matches(const struct sig_rule *r, const struct sig_event *e)
{
    uint8_t f = r->flow;
    if ((f & SIG_FLOW_TO_SERVER) && !e->to_server)
        return false;
    if ((f & SIG_FLOW_TO_CLIENT) && e->to_server)
        return false;
    if ((f & SIG_FLOW_ESTABLISHED) && !e->established)
        return false;
    if ((f & SIG_FLOW_NOT_ESTABLISHED) && e->established)
        return false;
    if ((f & SIG_FLOW_ONLY_STREAM) && e->kind < 0 && !e->stream)
        return false;
    if ((f & SIG_FLOW_NO_STREAM) && e->stream)
        return false;
    return true;
}

static bool flags_match(const struct sig_rule *r, uint8_t flags)
{
    uint8_t have = flags & (uint8_t)~r->flags_ignore;
    switch (r->flags_mode) {
    case '+': return (have & r->flags_set) == r->flags_set;
    case '*': return (have & r->flags_set) != 0;
    case '!': return (have & r->flags_set) == 0;
    default: return have == r->flags_set;
    }
}

/* dsize, ttl, flags, itype/icode, ip_proto, sameip: packets only. */
static bool packet_fields_match(const struct sig_rule *r, const struct sig_event *e)
{
    const struct packet *p = e->pkt;
    bool any = r->has_dsize || r->has_ttl || r->has_flags || r->has_itype || r->has_icode || r->has_ip_proto ||
               r->sameip;
    if (!any)
        return true;
    if (!p)
        return false;
    if (r->has_dsize && !sig_range_match(&r->dsize, p->payload_caplen))
        return false;
    /* Suricata's dsize:!N never matches a packet without payload */
    if (r->has_dsize && r->dsize.cmp == SIG_CMP_NE && p->payload_caplen == 0)
        return false;
    if (r->has_ttl && !sig_range_match(&r->ttl, p->ttl))
        return false;
    if (r->has_flags && (p->l4_proto != 6 || !flags_match(r, p->tcp_flags)))
        return false;
    bool icmp = p->l4_proto == 1 || p->l4_proto == 58;
    if (r->has_itype && (!icmp || !sig_range_match(&r->itype, p->icmp_type)))
        return false;
    if (r->has_icode && (!icmp || !sig_range_match(&r->icode, p->icmp_code)))
        return false;
    if (r->has_ip_proto && ((p->l4_proto == r->ip_proto) == r->ip_proto_neg))
        return false;
    if (r->sameip && ip_addr_cmp(&p->src, &p->dst) != 0)
        return false;
    return true;
}

/* An smb or dcerpc rule over packets and streams inspects SMB (and, for
 * dcerpc, DCE-RPC over TCP) connections only, as Suricata checks a rule's
 * app-layer protocol; a connection whose protocol is not known yet (its
 * first bytes) is inspected. */
static bool flow_app_fits(const struct sig_rule *r, const struct sig_event *e)
{
    if ((r->app != SIG_APP_SMB && r->app != SIG_APP_DCERPC) || !e->fi || !e->fi->app_proto)
        return true;
    const char *app = e->fi->app_proto;
    return strcmp(app, "smb") == 0 || (r->app == SIG_APP_DCERPC && strcmp(app, "dce_rpc") == 0);
}

/* dcerpc.iface and dcerpc.opnum on a DCE-RPC request. */
static bool dcerpc_matches(const struct sig_rule *r, const struct sig_event *e)
{
    const struct sig_dcerpc *d = &r->dcerpc;
    if (!d->has_iface && !d->n_opnums)
        return true;
    const char *iface;
    uint16_t version, opnum;
    if (e->kind < 0 || !sig_txn_dcerpc(e->kind, e->txn, &iface, &version, &opnum))
        return false;
    if (d->has_iface && (strcasecmp(iface, d->iface) != 0 || (d->has_version && !sig_range_match(&d->version, version))))
        return false;
    if (!d->n_opnums)
        return true;
    for (unsigned i = 0; i < d->n_opnums; i++)
        if (opnum >= d->opnums[i].lo && opnum <= d->opnums[i].hi)
            return true;
    return false;
}

/* Whether the rule reads the response of a transaction. */
static bool rule_reads_response(const struct sig_rule *r)
{
    if (r->flow & SIG_FLOW_TO_CLIENT)
        return true;
    for (size_t i = 0; i < r->n_lists; i++)
        if (sig_buffer_is_response(r->lists[i].buffer))
            return true;
    return false;
}

/* A rule whose flow direction names the other message than its buffers
 * never matches (Suricata registers each buffer for one direction). */
static bool direction_fits(const struct sig_rule *r)
{
    for (size_t i = 0; i < r->n_lists; i++) {
        unsigned b = r->lists[i].buffer;
        if ((r->flow & SIG_FLOW_TO_CLIENT) && sig_buffer_is_request(b))
            return false;
        if ((r->flow & SIG_FLOW_TO_SERVER) && sig_buffer_is_response(b))
            return false;
    }
    return true;
}

/* A rule without a flow direction whose buffers exist on both sides is
 * matched in both, as Suricata inspects them: each side's SSH banner
 * (ssh.proto, ssh.software), each HTTP body (file.data). */
static bool reads_both_sides(int kind, const struct sig_rule *r)
{
    if (r->flow & (SIG_FLOW_TO_SERVER | SIG_FLOW_TO_CLIENT))
        return false;
    if (kind == EVENT_SSH)
        return true;
    /* file.data alone names either body: the request's, then the response's */
    bool file_data = false;
    for (size_t i = 0; i < r->n_lists; i++) {
        unsigned b = r->lists[i].buffer;
        if (sig_buffer_is_request(b) || sig_buffer_is_response(b))
            return false;
        file_data |= b == SIG_BUF_FILE_DATA;
    }
    return kind == EVENT_HTTP && file_data;
}

/* How far an HTTP request must be parsed for the rule to be inspected on
 * it (enum http_request_progress: its headers, or its body); NONE for a
 * rule that reads the response, either body or nothing: it waits for the
 * whole transaction. A buffer both messages have reads the request's when
 * the rule names no direction (rule_reads_response). */
static uint8_t request_progress_needed(const struct sig_rule *r)
{
    if (r->app != SIG_APP_HTTP || r->n_lists == 0 || (r->flow & SIG_FLOW_TO_CLIENT))
        return HTTP_REQUEST_NONE;
    uint8_t need = HTTP_REQUEST_HEADERS;
    for (size_t i = 0; i < r->n_lists; i++) {
        unsigned b = r->lists[i].buffer;
        if (b == SIG_BUF_BASE64)
            continue; /* what an earlier list decoded */
        if (b == SIG_BUF_FILE_DATA && !(r->flow & SIG_FLOW_TO_SERVER))
            return HTTP_REQUEST_NONE; /* either body: reads_both_sides */
        if (!sig_buffer_is_request(b) && !sig_buffer_has_sides(b))
            return HTTP_REQUEST_NONE;
        if (b == SIG_BUF_HTTP_REQUEST_BODY || b == SIG_BUF_FILE_DATA)
            need = HTTP_REQUEST_COMPLETE;
    }
    return need;
}

/* Whether the rule is inspected on this HTTP event: a rule of the request
 * on the first EVENT_HTTP_REQUEST that shows what it reads (Suricata
 * inspects a request when it is parsed, not when the response completes
 * it), else with the whole transaction, once; every other rule with the
 * whole transaction. t: NULL for other protocols. */
static bool inspected_now(const struct sig_rule *r, const struct http_txn *t, bool request_event)
{
    uint8_t need = t ? request_progress_needed(r) : HTTP_REQUEST_NONE;
    if (request_event)
        return need != HTTP_REQUEST_NONE && need > t->request_inspected && need <= t->request_progress;
    return need == HTTP_REQUEST_NONE || need > t->request_inspected;
}

static bool list_has_pcre(const struct sig_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        if (l->sm[i].type == SIG_SM_PCRE)
            return true;
    return false;
}

static bool list_matches(struct sig_worker *w, const struct sig_rule *r, const struct sig_list *l,
                         const struct sig_event *e, bool response)
{
    if (l->buffer == SIG_BUF_BASE64)
        return sig_inspect_list(&w->in, l, w->in.b64, w->in.b64_len);
    if (l->buffer == SIG_BUF_PAYLOAD) {
        if (e->kind >= 0)
            return false; /* payload contents are matched on packets and streams */
        return sig_inspect_list(&w->in, l, e->payload, e->payload_len);
    }
    if (e->kind < 0)
        return false;
    for (unsigned idx = 0; idx < 64; idx++) {
        struct sig_bytes b;
        if (!sig_txn_buffer(e->kind, e->txn, l->buffer, idx, response, &w->buf, &b))
            return false;
        if (l->n_transforms)
            sig_transform(l, &b, &w->xf);
        if (sig_inspect_list(&w->in, l, b.p, b.n))
            return true;
    }
    return false;
}

static bool lists_match(struct sig_worker *w, const struct sig_rule *r, const struct sig_event *e)
{
    bool response = e->kind >= 0 && !e->to_server;
    /* Lists without pcre first; base64_data reads what base64_decode left,
     * so it keeps its place after them. */
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < r->n_lists; i++) {
            const struct sig_list *l = &r->lists[i];
            bool late = list_has_pcre(l) || l->buffer == SIG_BUF_BASE64;
            if (late != (pass == 1))
                continue;
            if (!list_matches(w, r, l, e, response))
                return false;
        }
    }
    return true;
}

static void emit(struct sig_worker *w, const struct sig_rule *r, const struct sig_event *e)
{
    struct sig_match m = {
        .rule = r,
        .rule_file = w->set->files[r->file],
        .ts_us = e->ts_us,
        .conn = e->conn,
        .to_server = e->to_server,
        .src = e->src,
        .dst = e->dst,
        .sp = e->sp,
        .dp = e->dp,
        .ipproto = e->ipproto,
        .kind = e->kind,
        .txn = e->txn,
        .pkt = e->pkt,
        .frame = e->pkt ? e->pkt : e->fi ? e->fi->pkt : NULL,
        .stream = e->stream ? e->payload : NULL,
        .stream_len = e->stream ? e->payload_len : 0,
    };
    struct app_conn conn;
    if (!m.conn && e->fi && e->fi->fill_conn) {
        e->fi->fill_conn(e->fi->flow_ctx, &conn);
        m.conn = &conn;
    }
    w->stats.alerts++;
    struct sig_flow_tags tags;
    if (e->flow_id) {
        sig_flow_alerted(&w->state, e->flow_id);
        sig_flow_tags(w, e->flow_id, &tags);
        m.tags = &tags;
    }
    sig_report(w->sink, &m, &w->report);
}

/* Whether the rule matches the event (its flowbits actions then applied). */
static bool rule_matches(struct sig_worker *w, const struct sig_rule *r, const struct sig_event *e)
{
    w->stats.candidates++;
    if (!header_matches(r, e) || !flow_matches(r, e) || !packet_fields_match(r, e) || !dcerpc_matches(r, e))
        return false;
    if (e->kind < 0 && !flow_app_fits(r, e))
        return false;
    if (!sig_flowbits_check(&w->state, r, e->flow_id))
        return false;
    memset(w->in.vars, 0, sizeof w->in.vars);
    w->in.b64_len = 0;
    if (!lists_match(w, r, e))
        return false;
    sig_flowbits_apply(&w->state, r, e->flow_id);
    return true;
}

static void evaluate(struct sig_worker *w, const struct sig_rule *r, const struct sig_event *e)
{
    if (!rule_matches(w, r, e) || r->noalert)
        return;
    if (!sig_threshold_pass(&w->state, r, &e->src, &e->dst, e->flow_id, e->ts_us))
        return;
    emit(w, r, e);
}

/* A matching pass rule ends the inspection of the event: nothing alerts.
 * On TCP it passes the rest of the flow too, as Suricata documents (the
 * flow is still logged). */
static void mark_passed(struct sig_worker *w, const struct sig_event *e)
{
    if (e->ipproto == 6)
        sig_flow_pass(&w->state, e->flow_id);
}

static bool passed(struct sig_worker *w, const struct sig_event *e)
{
    if (e->ipproto == 6 && sig_flow_passed(&w->state, e->flow_id))
        return true;
    for (size_t i = 0; i < w->n_cand; i++) {
        const struct sig_rule *r = w->set->rules[w->cand[i]];
        if (r->action == SIG_ACTION_PASS && rule_matches(w, r, e)) {
            mark_passed(w, e);
            return true;
        }
    }
    return false;
}

/* Rules with no content are packet rules: a stream chunk is not a packet.
 * IP-only rules see the first packet of each flow direction only. */
static void drop_misplaced(struct sig_worker *w, const struct sig_event *e)
{
    int iponly_ok = -1; /* asked once, and only when an IP-only rule is a candidate */
    size_t kept = 0;
    for (size_t i = 0; i < w->n_cand; i++) {
        const struct sig_rule *r = w->set->rules[w->cand[i]];
        if (e->stream && (r->n_lists == 0 || r->tcp_pkt_only))
            continue;
        if (e->pkt && (r->tcp_stream_only || (e->tcp_packet && r->n_lists && !r->tcp_pkt_only)))
            continue;
        if (e->no_payload && r->n_lists)
            continue;
        if (r->iponly && iponly_ok < 0)
            iponly_ok = sig_iponly_first(&w->state, e->flow_id, e->to_server);
        if (r->iponly && !iponly_ok)
            continue;
        w->cand[kept++] = w->cand[i];
    }
    w->n_cand = kept;
}

static void evaluate_candidates(struct sig_worker *w, const struct sig_event *e)
{
    drop_misplaced(w, e);
    /* Rule order, so flowbits set by an earlier rule are seen by a later one. */
    sort_candidates(w);
    if (w->set->has_pass && passed(w, e))
        return;
    for (size_t i = 0; i < w->n_cand; i++) {
        const struct sig_rule *r = w->set->rules[w->cand[i]];
        if (r->action != SIG_ACTION_PASS)
            evaluate(w, r, e);
    }
}

/* --- events --- */

static void event_from_conn(struct sig_event *e, const struct app_conn *c, bool to_server)
{
    e->conn = c;
    e->to_server = to_server;
    e->ipproto = c->proto;
    e->src = to_server ? c->orig_h : c->resp_h;
    e->dst = to_server ? c->resp_h : c->orig_h;
    e->sp = to_server ? c->orig_p : c->resp_p;
    e->dp = to_server ? c->resp_p : c->orig_p;
    e->flow_id = c->flow_id;
}

static void add_found(void *ctx, uint32_t rule)
{
    add_candidate(ctx, rule);
}

static void payload_event(struct sig_worker *w, const struct sig_event *e)
{
    const struct sig_prefilter *pf = w->set->prefilter;
    if (!pf)
        return;
    begin_event(w);
    uint8_t transport = e->tcp_packet ? SIG_PF_TCP_PACKET
                        : e->ipproto == 6 || e->ipproto == 17 || e->ipproto == 1 ? e->ipproto
                        : e->ipproto == 58 ? 1 : 0;
    uint8_t dir = e->to_server ? SIG_PF_TO_SERVER : SIG_PF_TO_CLIENT;
    for (size_t i = 0; i < pf->n_dbs && e->payload_len && !e->no_payload; i++)
        if (pf->dbs[i].buffer == SIG_BUF_PAYLOAD && pf->dbs[i].ipproto == transport && pf->dbs[i].dir == dir)
            scan(w, &pf->dbs[i], e->payload, e->payload_len);
    for (size_t i = 0; i < pf->n_always_pkt; i++)
        add_candidate(w, pf->always_pkt[i]);
    sig_addr_lookup(&pf->by_src, &e->src, add_found, w);
    sig_addr_lookup(&pf->by_dst, &e->dst, add_found, w);
    sig_port_lookup(&pf->by_sport, e->sp, add_found, w);
    sig_port_lookup(&pf->by_dport, e->dp, add_found, w);
    evaluate_candidates(w, e);
}

void sig_packet(struct sig_worker *w, const struct packet *pkt, const struct sig_flow_info *fi)
{
    if (!pkt->ip_version)
        return;
    struct sig_event e = {.ts_us = pkt->ts_us, .pkt = pkt, .kind = -1};
    e.payload = pkt->payload;
    e.payload_len = pkt->payload ? pkt->payload_caplen : 0;
    e.ipproto = pkt->l4_proto;
    e.src = pkt->src;
    e.dst = pkt->dst;
    e.sp = pkt->sport;
    e.dp = pkt->dport;
    e.to_server = fi ? fi->to_server : true;
    e.established = fi ? fi->established : false;
    e.fi = fi;
    e.flow_id = fi ? fi->flow_id : 0;
    /* TCP payload is matched on the reassembled stream (sig_stream), as
     * Suricata's default; tcp-pkt rules and other protocols per packet. */
    e.tcp_packet = pkt->l4_proto == 6;
    e.no_payload = fi && fi->payload_encrypted;
    payload_event(w, &e);
}

/* Suricata inspects the first stream.reassembly.depth bytes of a direction,
 * except SMB (its detection ports), whose stream-depth is 0: unlimited. */
static bool stream_depth_limited(uint16_t server_port)
{
    return server_port != 139 && server_port != 445;
}

void sig_stream(struct sig_worker *w, const struct sig_flow_info *fi, const struct sig_endpoints *ends, int64_t ts_us,
                const uint8_t *p, size_t n)
{
    if (n == 0)
        return;
    if (stream_depth_limited(fi->to_server ? ends->dp : ends->sp)) {
        if (ends->offset >= SIG_STREAM_DEPTH)
            return;
        if (n > SIG_STREAM_DEPTH - ends->offset)
            n = (size_t)(SIG_STREAM_DEPTH - ends->offset);
    }
    struct sig_event e = {.ts_us = ts_us, .kind = -1, .payload = p, .payload_len = n, .stream = true};
    e.to_server = fi->to_server;
    e.established = fi->established;
    e.fi = fi;
    e.flow_id = fi->flow_id;
    e.ipproto = 6;
    e.src = ends->src;
    e.dst = ends->dst;
    e.sp = ends->sp;
    e.dp = ends->dp;
    payload_event(w, &e);
}

void sig_transaction(struct sig_worker *w, const struct app_conn *c, enum event_kind kind, const void *txn, int64_t ts_us)
{
    const struct sig_prefilter *pf = w->set->prefilter;
    bool request_event = kind == EVENT_HTTP_REQUEST;
    if (request_event)
        kind = EVENT_HTTP; /* the same struct http_txn, its request parsed so far */
    const struct http_txn *http = kind == EVENT_HTTP ? txn : NULL;
    int app = sig_app_of_txn(kind, txn);
    if (!pf || app == SIG_APP_NONE)
        return;
    begin_event(w);
    struct sig_event e = {.ts_us = ts_us, .kind = kind, .txn = txn, .established = true};
    for (size_t i = 0; i < pf->n_dbs; i++) {
        const struct sig_pf_db *db = &pf->dbs[i];
        if (db->buffer == SIG_BUF_PAYLOAD)
            continue;
        int sides = sig_buffer_has_sides(db->buffer) && !request_event ? 2 : 1;
        for (int side = 0; side < sides; side++) {
            for (unsigned idx = 0; idx < 64; idx++) {
                struct sig_bytes b;
                if (!sig_txn_buffer(kind, txn, db->buffer, idx, side == 1, &w->buf, &b))
                    break;
                struct sig_list chain = {.n_transforms = db->n_transforms};
                memcpy(chain.transforms, db->transforms, db->n_transforms);
                if (db->n_transforms)
                    sig_transform(&chain, &b, &w->xf);
                scan(w, db, b.p, b.n);
            }
        }
    }
    for (size_t i = 0; i < pf->n_always[app]; i++)
        add_candidate(w, pf->always[app][i]);
    if (app == SIG_APP_SMB) /* dcerpc rules read SMB's pipes too */
        for (size_t i = 0; i < pf->n_always[SIG_APP_DCERPC]; i++)
            add_candidate(w, pf->always[SIG_APP_DCERPC][i]);
    /* Keep the candidates of this app that can read this transaction. */
    size_t kept = 0;
    for (size_t i = 0; i < w->n_cand; i++) {
        const struct sig_rule *r = w->set->rules[w->cand[i]];
        if ((r->app == app || (r->app == SIG_APP_DCERPC && app == SIG_APP_SMB)) && direction_fits(r) &&
            inspected_now(r, http, request_event))
            w->cand[kept++] = w->cand[i];
    }
    w->n_cand = kept;
    sort_candidates(w);
    if (w->set->has_pass && c->proto == 6 && sig_flow_passed(&w->state, c->flow_id))
        return;
    /* DNS and TLS rules describe the client's side; a rule reading the
     * response is matched in the server's direction. */
    for (int pass = w->set->has_pass ? 0 : 1; pass < 2; pass++) {
        for (size_t i = 0; i < w->n_cand; i++) {
            const struct sig_rule *r = w->set->rules[w->cand[i]];
            if ((r->action == SIG_ACTION_PASS) != (pass == 0))
                continue;
            event_from_conn(&e, c, !rule_reads_response(r));
            if (pass == 1)
                evaluate(w, r, &e);
            else if (rule_matches(w, r, &e)) {
                mark_passed(w, &e);
                return;
            }
            if (pass == 1 && reads_both_sides(kind, r)) {
                event_from_conn(&e, c, false);
                evaluate(w, r, &e);
            }
        }
    }
}
