/* Chooses a parser for a flow and feeds it. A parser is tried by its
 * well-known port first (confirmed by its probe when it has one), then by
 * content on the first payloads of either direction, so HTTP on 4444 and
 * TLS on 8443 are found. A flow that matched nothing after a few payloads is
 * left alone. */
#include "flow/app_layer.h"

#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "proto/app_anomaly-t.h"

#define APP_MAX_TRIES 4
#define APP_MAX_SERVICES 2
/* A first payload no parser recognises yet but one might ("GET /a/b"
 * without the rest of its line) is held, up to this many bytes, and probed
 * again joined with the next payload of that direction. */
#define APP_HOLD_MAX 1024

struct app_slot {
    const struct app_parser *parser;
    struct flow_table *table;
    struct flow *flow;
    struct app_conn conn;
    const char *services[APP_MAX_SERVICES];
    bool published;
    bool hand_over;                        /* requested during data() */
    const struct app_parser *next_parser;  /* NULL with hand_over: detect again */
    bool can_hold;                         /* a placeholder with APP_HOLD_MAX bytes in state[] */
    bool held_from_orig;
    uint16_t held;                         /* bytes held in state[] */
    /* env->logger_ready: the direction (1 orig, 2 resp; 0 none) and relative
     * sequence its bytes end at, and the packet that acknowledged them (0: not yet) */
    uint8_t ready_dir;
    uint32_t ready_seq;
    uint64_t ready_acked_by;
    struct app_conn ready_counts;          /* the flow's counters after that packet */
    bool ready_counted;                    /* ready_counts taken */
    uint8_t dirs_seen;                     /* 1 orig, 2 resp: directions whose first payload this parser had */
    bool orig_unparsed;                    /* chosen on the responder's payload after the originator's (app_env's) */
    /* env->request_parsed deferred: the originator's relative sequence the
     * requests end at, and whether the responder acknowledged it */
    bool inspect_pending, inspect_acked;
    uint32_t inspect_seq;
    bool disabled;                         /* env->violation: no more bytes for the parser */
    _Alignas(16) uint8_t state[];
};

static bool has_port(const struct app_parser *p, uint16_t port)
{
    for (size_t i = 0; i < p->n_ports; i++)
        if (p->ports[i] == port)
            return true;
    return false;
}

static enum app_probe probe(const struct app_parser *p, const uint8_t *d, size_t n, bool from_orig)
{
    return p->probe ? p->probe(d, n, from_orig) : APP_PROBE_NO;
}

static enum app_probe probe_by_content(const struct app_parser *p, const uint8_t *d, size_t n, bool from_orig)
{
    return p->port_probe_only ? APP_PROBE_NO : probe(p, d, n, from_orig);
}

static uint16_t resp_port(const struct flow *f)
{
    return f->orig_is_a ? f->key.port_b : f->key.port_a;
}

static uint16_t orig_port(const struct flow *f)
{
    return f->orig_is_a ? f->key.port_a : f->key.port_b;
}

/* By port (the probe may veto), then by content. */
static const struct app_parser *choose(const struct flow_table *t, const struct flow *f, bool from_orig,
                                       const uint8_t *d, size_t n, bool *maybe)
{
    bool partial = f->tcp_partial && !t->cfg.app_midstream;
    size_t count;
    const struct app_parser *const *all = app_parsers(&count);
    *maybe = false;
    for (size_t i = 0; i < count; i++) {
        const struct app_parser *p = all[i];
        if (!p || p->ipproto != f->key.proto || (p->skip_partial && partial))
            continue;
        if ((has_port(p, resp_port(f)) || (f->key.proto == IPPROTO_UDP && has_port(p, orig_port(f)))) &&
            (!p->probe || probe(p, d, n, from_orig) != APP_PROBE_NO))
            return p;
    }
    for (size_t i = 0; i < count; i++) {
        const struct app_parser *p = all[i];
        if (!p || p->ipproto != f->key.proto || (p->skip_partial && partial))
            continue;
        enum app_probe r = probe_by_content(p, d, n, from_orig);
        if (r == APP_PROBE_YES)
            return p;
        if (r == APP_PROBE_MAYBE)
            *maybe = true;
    }
    return NULL;
}

static void env_payload_encrypted(struct app_env *env)
{
    struct app_slot *s = env->ctx;
    if (s->flow && s->flow->key.proto == IPPROTO_TCP) /* TLS, not DTLS: Suricata's TLS parser only */
        s->flow->payload_encrypted = true;
}

static void env_flip_roles(struct app_env *env)
{
    struct app_slot *s = env->ctx;
    if (!s->flow || s->flow->key.proto != IPPROTO_UDP)
        return;
    flow_flip_roles(s->flow);
    flow_fill_app_conn(s->table, s->flow, &s->conn);
}

static void env_history_unknown(struct app_env *env)
{
    struct app_slot *s = env->ctx;
    if (s->flow)
        flow_check_history(s->flow, HIST_UNKNOWN_PKT, 'X');
}

static void env_violation(struct app_env *env)
{
    struct app_slot *s = env->ctx;
    if (s->disabled || !s->flow)
        return;
    s->disabled = true;
    env_history_unknown(env);
}

static void env_add_service(struct app_env *env, const char *service)
{
    struct app_slot *s = env->ctx;
    for (int i = 0; i < APP_MAX_SERVICES; i++) {
        if (s->services[i] && strcmp(s->services[i], service) == 0)
            return;
        if (!s->services[i]) {
            s->services[i] = service;
            return;
        }
    }
}

static void env_publish(struct app_env *env, enum event_kind kind, const void *txn)
{
    struct app_slot *s = env->ctx;
    const struct app_hooks *h = flow_table_app_hooks(s->table);
    /* an anomaly (EVE only) does not make the connection the parser's protocol in conn.log */
    if (!s->published && kind != EVENT_APP_ANOMALY) {
        s->published = true;
        if (!s->parser->no_service)
            env_add_service(env, s->parser->name);
    }
    if (s->flow && env->conn == &s->conn) {
        flow_app_conn_counts(s->flow, &s->conn);
        if (s->ready_dir != 0) {
            s->conn.ack_dir = s->ready_acked_by ? 0 : s->ready_dir;
            s->conn.ack_wait = s->ready_seq;
            if (s->ready_acked_by) {
                /* as Suricata saw the flow when it logged: at that packet */
                s->conn.packet_number = s->ready_acked_by;
                s->conn.pkts_toserver = s->ready_counts.pkts_toserver;
                s->conn.pkts_toclient = s->ready_counts.pkts_toclient;
                s->conn.bytes_toserver = s->ready_counts.bytes_toserver;
                s->conn.bytes_toclient = s->ready_counts.bytes_toclient;
            }
        }
        flow_ack_await(s->flow, &s->conn);
    }
    if (h && h->publish)
        h->publish(h->ctx, env->conn, kind, txn);
}

static void env_logger_ready(struct app_env *env)
{
    struct app_slot *s = env->ctx;
    struct flow *f = s->flow;
    if (!f || f->key.proto != IPPROTO_TCP || f->delivering == 0 || s->ready_dir != 0)
        return;
    s->ready_dir = f->delivering;
    s->ready_seq = f->ep[f->delivering - 1].reassem_rel;
}

/* Suricata in IDS mode parses a request once the server acknowledges it,
 * and inspects the client's transactions on a packet from the client: the
 * parser's requests wait for both (app_layer_acked, then
 * app_layer_packet_counted). Inline it inspects them on their own packet. */
static bool env_request_parsed(struct app_env *env)
{
    struct app_slot *s = env->ctx;
    struct flow *f = s->flow;
    if (!f || f->key.proto != IPPROTO_TCP || f->delivering != 1 || s->table->cfg.stream_inline ||
        !s->parser->inspect_requests)
        return true;
    if (!s->inspect_acked) /* once acked, the client's next packet shows this one too */
        s->inspect_seq = f->ep[0].reassem_rel;
    s->inspect_pending = true;
    return false;
}

void app_layer_acked(struct flow *f, bool orig_data, int64_t rel_ack)
{
    struct app_slot *s = f->app;
    if (s && orig_data && s->inspect_pending && rel_ack >= (int64_t)s->inspect_seq)
        s->inspect_acked = true;
    if (s && s->ready_dir == (orig_data ? 1 : 2) && s->ready_acked_by == 0 && rel_ack >= (int64_t)s->ready_seq) {
        s->ready_acked_by = f->packet_number;
        s->ready_counted = false;
    }
}

static void make_env(struct app_slot *s, struct app_env *env, int64_t ts);

void app_layer_packet_counted(struct flow *f, bool from_orig)
{
    struct app_slot *s = f->app;
    if (s && s->ready_acked_by != 0 && !s->ready_counted && s->ready_acked_by == f->packet_number) {
        flow_app_conn_counts(f, &s->ready_counts);
        s->ready_counted = true;
    }
    if (s && s->inspect_acked && from_orig) {
        s->inspect_pending = s->inspect_acked = false;
        struct app_env env;
        make_env(s, &env, f->last_us);
        s->parser->inspect_requests(s->state, &env);
    }
}

static void env_weird(struct app_env *env, const char *name, const char *addl, const char *source)
{
    struct app_slot *s = env->ctx;
    flow_weird_from(s->table, s->flow, name, addl, source);
}


static void env_hand_over(struct app_env *env, const char *parser_name)
{
    struct app_slot *s = env->ctx;
    s->hand_over = true;
    s->next_parser = parser_name ? app_parser_by_name(parser_name) : NULL;
}

/* The parser's per-worker state (or that of the parser it shares one
 * with), created on first use when create is set. */
static void *worker_state_find(struct flow_table *t, const struct app_parser *p, bool create)
{
    if (p && p->worker_state_of)
        p = app_parser_by_name(p->worker_state_of);
    if (!p || !p->worker_open)
        return NULL;
    size_t n, slots;
    const struct app_parser *const *all = app_parsers(&n);
    void **states = flow_table_parser_states(t, &slots);
    for (size_t i = 0; i < n && i < slots; i++) {
        if (all[i] != p)
            continue;
        if (!states[i] && create)
            states[i] = p->worker_open();
        return states[i];
    }
    return NULL;
}

static void *worker_state_of(struct flow_table *t, const struct app_parser *p)
{
    return worker_state_find(t, p, true);
}

/* A parser that expected this connection (an FTP data channel), or NULL. */
static const struct app_parser *claimant(struct flow_table *t, const struct flow *f)
{
    size_t count;
    const struct app_parser *const *all = app_parsers(&count);
    for (size_t i = 0; i < count; i++) {
        const struct app_parser *p = all[i];
        if (!p->claims || p->ipproto != f->key.proto)
            continue;
        void *ws = worker_state_find(t, p, false);
        if (!ws)
            continue;
        /* the ends are all a claim looks at: no uid or community id per new flow */
        struct app_conn conn;
        memset(&conn, 0, sizeof conn);
        flow_endpoints(f, &conn.orig_h, &conn.orig_p, &conn.resp_h, &conn.resp_p);
        conn.proto = f->key.proto;
        if (p->claims(ws, &conn, f->last_us))
            return p;
    }
    return NULL;
}

/* What the table hands every parser besides the callbacks: file analysis
 * and the run's protocol options (none when the table has no hooks). */
static void env_take_table_hooks(struct app_env *env, const struct flow_table *t)
{
    const struct app_hooks *h = flow_table_app_hooks(t);
    env->files = h ? h->files : NULL;
    env->settings = h ? &h->settings : NULL;
}

void app_layer_finish_worker(struct flow_table *t)
{
    size_t n, slots;
    const struct app_parser *const *all = app_parsers(&n);
    void **states = flow_table_parser_states(t, &slots);
    for (size_t i = 0; i < n && i < slots; i++) {
        if (!states[i] || !all[i]->worker_close)
            continue;
        struct app_conn none;
        memset(&none, 0, sizeof none);
        struct app_slot ctx = {.parser = all[i], .table = t, .published = true};
        struct app_env env = {.conn = &none, .publish = env_publish, .worker_state = states[i], .ctx = &ctx};
        env_take_table_hooks(&env, t);
        all[i]->worker_close(states[i], &env);
        states[i] = NULL;
    }
}

static void make_env(struct app_slot *s, struct app_env *env, int64_t ts)
{
    *env = (struct app_env){
        .conn = &s->conn, .ts_us = ts, .orig_unparsed = s->orig_unparsed,
        .worker_state = worker_state_of(s->table, s->parser), .ctx = s,
        .publish = env_publish, .weird = env_weird, .add_service = env_add_service, .hand_over = env_hand_over,
        .payload_encrypted = env_payload_encrypted, .flip_roles = env_flip_roles, .violation = env_violation,
        .history_unknown = env_history_unknown, .logger_ready = env_logger_ready,
        .request_parsed = env_request_parsed,
    };
    env_take_table_hooks(env, s->table);
}

/* A slot with state_size bytes of state, f's from now on (no parser yet);
 * NULL when out of memory. */
static struct app_slot *slot_new(struct flow_table *t, struct flow *f, size_t state_size)
{
    struct app_slot *s = calloc(1, sizeof *s + state_size);
    if (!s)
        return NULL;
    s->table = t;
    s->flow = f;
    flow_fill_app_conn(t, f, &s->conn);
    f->app = s;
    return s;
}

static struct app_slot *attach(struct flow_table *t, struct flow *f, const struct app_parser *p);

/* Bytes to the parser; what it publishes meanwhile was completed by them
 * (flow_app_conn_counts: the ack that event waits for). */
static void parse(struct app_slot *s, struct flow *f, struct app_env *env, bool from_orig, const uint8_t *p, size_t n)
{
    if (s->disabled)
        return;
    f->delivering = from_orig ? 1 : 2;
    s->parser->data(s->state, env, from_orig, p, n);
    f->delivering = 0;
}

/* Closes the current parser and starts the next one (or none: detect again),
 * keeping the services already found for conn.log. */
static void do_hand_over(struct flow_table *t, struct flow *f, struct app_slot *old)
{
    const struct app_parser *next = old->next_parser;
    const char *services[APP_MAX_SERVICES];
    struct app_env env;
    make_env(old, &env, f->last_us);
    if (old->parser->close)
        old->parser->close(old->state, &env);
    /* After close: what it published there counts too. */
    memcpy(services, old->services, sizeof services);
    free(old);
    f->app = NULL;
    f->app_tries = 0;
    struct app_slot *s = next ? attach(t, f, next) : NULL;
    if (!s && services[0]) {
        /* Detection starts again but the services found so far stay. */
        s = slot_new(t, f, 0);
    }
    if (s) {
        memcpy(s->services, services, sizeof services);
        s->dirs_seen = 3; /* an upgrade (STARTTLS): both directions were detected before it */
    }
}

static struct app_slot *attach(struct flow_table *t, struct flow *f, const struct app_parser *p)
{
    struct app_slot *s = slot_new(t, f, p->state_size);
    if (!s)
        return NULL;
    s->parser = p;
    if (p->open)
        p->open(s->state);
    return s;
}

/* Suricata detects each direction's protocol on its own: when a second
 * direction's first payload is plainly another protocol's (the parser's
 * probe refuses it, another parser's accepts it: SSH answering an HTTP
 * request), it reports APPLAYER_MISMATCH_PROTOCOL_BOTH_DIRECTIONS (layer
 * proto_detect) and keeps the first direction's parser, as this does. */
static void check_second_direction(struct app_slot *s, struct flow *f, bool from_orig, const uint8_t *p, size_t n)
{
    uint8_t dir = from_orig ? 1 : 2;
    if (s->dirs_seen & dir)
        return;
    bool second = s->dirs_seen != 0;
    s->dirs_seen |= dir;
    if (!second || !s->parser->probe || probe(s->parser, p, n, from_orig) != APP_PROBE_NO)
        return;
    size_t count;
    const struct app_parser *const *all = app_parsers(&count);
    for (size_t i = 0; i < count; i++) {
        const struct app_parser *other = all[i];
        if (other && other != s->parser && other->ipproto == f->key.proto &&
            probe(other, p, n, from_orig) == APP_PROBE_YES) {
            struct app_env env;
            make_env(s, &env, f->last_us);
            struct app_anomaly a = {.ts_us = f->last_us, .app_proto = s->parser->name,
                                    .event = "APPLAYER_MISMATCH_PROTOCOL_BOTH_DIRECTIONS",
                                    .to_server = from_orig, .layer = "proto_detect"};
            env.publish(&env, EVENT_APP_ANOMALY, &a);
            return;
        }
    }
}

/* Keeps a payload some parser's probe may still accept, in a placeholder
 * slot (created here when the flow has none). */
static void hold(struct flow_table *t, struct flow *f, bool from_orig, const uint8_t *p, size_t n)
{
    struct app_slot *s = f->app;
    if (n > APP_HOLD_MAX || (s && (!s->can_hold || s->held)))
        return;
    if (!s) {
        s = slot_new(t, f, APP_HOLD_MAX);
        if (!s)
            return;
        s->can_hold = true;
    }
    memcpy(s->state, p, n);
    s->held = (uint16_t)n;
    s->held_from_orig = from_orig;
}

/* No parser found for good: a placeholder that only held bytes goes. */
static void give_up(struct flow *f)
{
    struct app_slot *s = f->app;
    if (s && s->can_hold && !s->services[0]) {
        free(s);
        f->app = NULL;
    }
}

/* Detection on a flow without a parser; the parser attached or NULL. *p
 * and *n become the bytes to parse: the held ones joined with this payload
 * when that is what was recognised (then in the returned slot's own copy). */
static struct app_slot *detect(struct flow_table *t, struct flow *f, bool from_orig, const uint8_t **p, size_t *n)
{
    struct app_slot *s = f->app;
    if (f->app_tries >= APP_MAX_TRIES)
        return NULL;
    const uint8_t *probe_p = *p;
    size_t probe_n = *n;
    bool joined = s && s->held && s->held_from_orig == from_orig && s->held + *n <= APP_HOLD_MAX;
    if (joined) {
        memcpy(s->state + s->held, *p, *n);
        s->held = (uint16_t)(s->held + *n);
        probe_p = s->state;
        probe_n = s->held;
    }
    bool maybe = false;
    const struct app_parser *parser = claimant(t, f);
    if (!parser)
        parser = choose(t, f, from_orig, probe_p, probe_n, &maybe);
    if (!parser) {
        if (++f->app_tries >= APP_MAX_TRIES)
            give_up(f);
        else if (maybe && !joined)
            hold(t, f, from_orig, *p, *n);
        return NULL;
    }
    const char *kept[APP_MAX_SERVICES] = {NULL};
    if (s) /* a placeholder (after a hand-over, or holding bytes): carry its services */
        memcpy(kept, s->services, sizeof kept);
    f->app = NULL;
    struct app_slot *fresh = attach(t, f, parser);
    if (fresh) {
        memcpy(fresh->services, kept, sizeof kept);
        /* data starts at relative seq 1: past it, the originator's bytes went by unparsed */
        fresh->orig_unparsed = !from_orig && f->key.proto == IPPROTO_TCP && f->ep[0].reassem_rel > 1;
        if (joined) {
            /* the held bytes outlive the placeholder in the caller's hands */
            fresh->flow = f;
            struct app_env env;
            make_env(fresh, &env, f->last_us);
            parse(fresh, f, &env, from_orig, probe_p, probe_n);
            *n = 0;
        }
    }
    free(s);
    return fresh;
}

/* The chunk to the signatures, once the parser is chosen: a rule over a
 * protocol (alert smb) inspects only its connections, the first chunk too. */
static void stream_hook(struct flow_table *t, struct flow *f, bool from_orig, const uint8_t *p, size_t n)
{
    const struct app_hooks *hooks = flow_table_app_hooks(t);
    /* Encrypted bytes are not inspected (Suricata's no-inspection after the TLS handshake). */
    if (!hooks->stream || f->key.proto != IPPROTO_TCP || f->payload_encrypted)
        return;
    struct flow_ref ref;
    flow_make_ref(t, f, from_orig, &ref);
    /* stream.c advanced the contiguous end past these bytes; data starts at relative seq 1 */
    uint32_t end = f->ep[from_orig ? 0 : 1].reassem_rel;
    ref.stream_offset = end > n ? end - 1 - n : 0;
    ref.app_proto = app_layer_parser_name(f);
    hooks->stream(hooks->ctx, &ref, f->last_us, p, n);
}

void app_layer_data(struct flow_table *t, struct flow *f, bool from_orig, const uint8_t *p, size_t n)
{
    const struct app_hooks *hooks = flow_table_app_hooks(t);
    if (n == 0 || !hooks)
        return;
    struct app_slot *s = f->app;
    if (!s || !s->parser) {
        const uint8_t *chunk = p;  /* detect may hand the parser held bytes instead */
        size_t chunk_len = n;
        s = detect(t, f, from_orig, &p, &n);
        stream_hook(t, f, from_orig, chunk, chunk_len);
        if (!s)
            return;
        s->dirs_seen |= from_orig ? 1 : 2;
    } else {
        stream_hook(t, f, from_orig, p, n);
        check_second_direction(s, f, from_orig, p, n);
    }
    s->flow = f;
    if (n) {
        struct app_env env;
        make_env(s, &env, f->last_us);
        parse(s, f, &env, from_orig, p, n);
    }
    if (s->hand_over)
        do_hand_over(t, f, s);
}

void app_layer_gap(struct flow_table *t, struct flow *f, bool from_orig, uint64_t len)
{
    struct app_slot *s = f->app;
    if (!s || !s->parser || !s->parser->gap)
        return;
    struct app_env env;
    make_env(s, &env, f->last_us);
    s->parser->gap(s->state, &env, from_orig, len);
}

void app_layer_end_of_data(struct flow_table *t, struct flow *f, bool from_orig)
{
    struct app_slot *s = f->app;
    if (!s || !s->parser || !s->parser->end_of_data)
        return;
    struct app_env env;
    make_env(s, &env, f->last_us);
    s->parser->end_of_data(s->state, &env, from_orig);
}

void app_layer_close(struct flow_table *t, struct flow *f)
{
    struct app_slot *s = f->app;
    if (!s)
        return;
    struct app_env env;
    make_env(s, &env, f->last_us);
    if (s->parser && s->parser->close)
        s->parser->close(s->state, &env);
    /* Keep the slot for the record's service; flow_table frees it after. */
}

const char *app_layer_parser_name(const struct flow *f)
{
    return f->app && f->app->parser ? f->app->parser->name : NULL;
}

const char *app_layer_eve_app_proto(const struct flow *f)
{
    const struct app_slot *s = f->app;
    return s && s->parser && s->parser->eve_app_proto ? s->parser->name : NULL;
}

const char *app_layer_first_service(const struct flow *f)
{
    return f->app ? f->app->services[0] : NULL;
}

const char *app_layer_service(const struct flow *f, char *buf, size_t n)
{
    const struct app_slot *s = f->app;
    if (!s || !s->services[0] || n == 0)
        return NULL;
    size_t used = 0;
    buf[0] = '\0';
    for (int i = 0; i < APP_MAX_SERVICES && s->services[i]; i++) {
        size_t len = strlen(s->services[i]);
        if (used + len + (i ? 1 : 0) + 1 > n)
            break;
        if (i)
            buf[used++] = ',';
        memcpy(buf + used, s->services[i], len + 1);
        used += len;
    }
    return buf;
}
