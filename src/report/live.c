#include "report/live.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "asset/asset-t.h"
#include "detect/alert-t.h"
#include "detect/finding-t.h"
#include "detect/sighting-t.h"
#include "flow/conn_record-t.h"
#include "incident/correlate.h"
#include "incident/killchain.h"
#include "incident/summary.h"
#include "output/incident_log.h"
#include "output/output.h"
#include "proto/dns-t.h"
#include "proto/http-t.h"

struct incident_live {
    pthread_mutex_t lock;
    struct killchain_map *map;
    struct correlator *c;
    struct output_worker *w;
    FILE *interval_summary;
    uint64_t *written;                   /* revision last written, per incident id - 1 */
    size_t n_written;
};

static void set_str(char *dst, size_t cap, const char *src)
{
    size_t n = src ? strnlen(src, cap - 1) : 0;
    if (n)
        memcpy(dst, src, n);
    dst[n] = '\0';
}

/* The bytes of v as a C string, cut to fit; false when unset or cut. */
static bool view_text(struct byte_view v, char *out, size_t cap)
{
    size_t n = v.p ? v.n : 0;
    bool whole = v.p != NULL && n < cap;
    if (n >= cap)
        n = cap - 1;
    if (n)
        memcpy(out, v.p, n);
    out[n] = '\0';
    return whole;
}

static void lower(char *s)
{
    for (; *s; s++)
        if (*s >= 'A' && *s <= 'Z')
            *s = (char)(*s + 32);
}

/* The host of a URL ("http://h:80/x" -> "h", lower case), as `vigil report` reads one. */
static void set_url_host(char *dst, size_t cap, const char *url)
{
    const char *h = strstr(url, "://");
    set_str(dst, cap, h ? h + 3 : url);
    dst[strcspn(dst, "/:?#")] = '\0';
    lower(dst);
}

/* The rule's ATT&CK technique from its metadata, under the names `vigil
 * report` reads from EVE (alert.metadata.*), in its order. */
static void meta_technique(const struct alert *a, struct incident_event *ev)
{
    static const char *const keys[] = {"attack_technique", "mitre_technique_id", "attack_id"};
    for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
        for (size_t i = 0; i < a->n_meta; i++)
            if (a->meta[i].key && a->meta[i].value && strcmp(a->meta[i].key, keys[k]) == 0) {
                set_str(ev->technique, sizeof ev->technique, a->meta[i].value);
                return;
            }
}

/* The name an EVE alert's app-layer object gives its server (http.hostname,
 * tls.sni, the DNS query), as `vigil report` reads it from eve.json. */
static void app_layer_name(const char *members, char *out, size_t cap)
{
    size_t n = strlen(members);
    char *text = malloc(n + 3);
    if (text == NULL)
        return;
    text[0] = '{';
    memcpy(text + 1, members, n);
    memcpy(text + 1 + n, "}", 2);
    json_t *o = json_loads(text, 0, NULL);
    free(text);
    const char *name = NULL;
    json_t *dns = json_object_get(o, "dns");
    json_t *q = json_object_get(dns, "query");
    if (q == NULL)
        q = json_object_get(dns, "queries");
    name = json_string_value(json_object_get(json_object_get(o, "tls"), "sni"));
    if (name == NULL)
        name = json_string_value(json_object_get(json_object_get(o, "http"), "hostname"));
    if (name == NULL)
        name = json_string_value(json_object_get(json_is_array(q) ? json_array_get(q, 0) : q, "rrname"));
    if (name) {
        set_str(out, cap, name);
        lower(out);
    }
    json_decref(o);
}

static void from_alert(const struct correlator *c, const struct alert *a, struct incident_event *ev)
{
    /* A signature's alert is correlated as its EVE alert, as `vigil report` reads it (ingest.h) */
    const char *note = a->note && strcmp(a->note, "Signatures::Sensitive_Signature") != 0 ? a->note : NULL;
    ev->ts_us = a->ts_us;
    set_str(ev->source, sizeof ev->source, note ? "notice" : "eve");
    set_str(ev->kind, sizeof ev->kind, note ? note : "alert");
    ev->sid = a->signature_id;
    set_str(ev->reason, sizeof ev->reason, note && a->notice_msg ? a->notice_msg : a->signature);
    set_str(ev->category, sizeof ev->category, a->category);
    if (a->n_attack)
        set_str(ev->technique, sizeof ev->technique, a->attack[0]);
    set_str(ev->uid, sizeof ev->uid, a->uid);
    set_str(ev->community_id, sizeof ev->community_id, a->community_id);
    set_str(ev->rule_file, sizeof ev->rule_file, a->rule_file);
    bool template_named = false; /* a document's remote-template reason */
    const char *first_url = NULL;
    for (size_t i = 0; i < a->n_meta; i++) {
        const struct alert_meta *m = &a->meta[i];
        if (m->key == NULL || m->value == NULL)
            continue;
        if (strcmp(m->key, "reason") == 0)
            template_named |= strcmp(m->value, "remote-template") == 0;
        else if (strcmp(m->key, "indicator") == 0 && first_url == NULL && strstr(m->value, "://"))
            first_url = m->value;
        else if (strcmp(m->key, "cve") == 0)
            set_str(ev->cve, sizeof ev->cve, m->value);
        else if (strcmp(m->key, "sha256") == 0)
            set_str(ev->file_hash, sizeof ev->file_hash, m->value);
        else if (strcmp(m->key, "remote_template") == 0)
            set_url_host(ev->template_host, sizeof ev->template_host, m->value);
        else if (strcmp(m->key, "device") == 0 || strcmp(m->key, "vendor") == 0)
            set_str(ev->device, sizeof ev->device, m->value);
        else if (strcmp(m->key, "domain") == 0 || strcmp(m->key, "server_name") == 0) {
            set_str(ev->peer_name, sizeof ev->peer_name, m->value);
            lower(ev->peer_name);
        }
    }
    /* as `vigil report` reads a document's template (report/ingest.c document_template) */
    if (!ev->template_host[0] && template_named && first_url)
        set_url_host(ev->template_host, sizeof ev->template_host, first_url);
    if (!ev->technique[0])
        meta_technique(a, ev);
    if (note == NULL && a->eve_extra && a->eve_extra[0])
        app_layer_name(a->eve_extra, ev->peer_name, sizeof ev->peer_name);
    /* The ends `vigil report` reads: notice.log's id.orig_h/id.resp_h before
     * src/dst, EVE's src_ip/dest_ip (the packet's direction). */
    const struct ip_addr *src = a->has_conn ? &a->orig_h : &a->src, *dst = a->has_conn ? &a->resp_h : &a->dst;
    if (note == NULL && a->has_conn && a->to_client) {
        const struct ip_addr *t = src;
        src = dst;
        dst = t;
    }
    bool victim_b = ev->cve[0] || (a->category && (strstr(a->category, "Attack") || strstr(a->category, "Privilege"))) ||
                    (note && strstr(note, "Exploit"));
    correlator_assign_ends(c, ev, src, a->has_src || a->has_conn, dst, a->has_dst || a->has_conn, victim_b);
    struct ip_addr literal;
    /* as `vigil report`: the server's name is not the peer's when the host is that server; an address names nothing */
    if ((note == NULL && ev->has_host && memcmp(&ev->host, dst, sizeof *dst) == 0) ||
        ip_addr_parse(ev->peer_name, &literal))
        ev->peer_name[0] = '\0';
}

static void from_finding(const struct correlator *c, const struct finding *f, struct incident_event *ev)
{
    ev->ts_us = f->first_us;
    ev->last_us = f->last_us;
    const char *kind = finding_kind_name(f->kind);
    set_str(ev->source, sizeof ev->source, kind);
    set_str(ev->kind, sizeof ev->kind, kind);
    set_str(ev->reason, sizeof ev->reason, f->reason);
    set_str(ev->technique, sizeof ev->technique, f->attack);
    set_str(ev->uid, sizeof ev->uid, f->uid);
    set_str(ev->peer_name, sizeof ev->peer_name, f->name);
    lower(ev->peer_name);
    ev->bytes_out = f->bytes_out;
    ev->interval_s = f->interval_s;
    ev->connections = f->count;
    /* DNS findings name a domain; their dst is the resolver asked (tunnel_dns.log and dga.log have no dst) */
    bool by_name = f->kind == FINDING_DNS_TUNNEL || f->kind == FINDING_DGA;
    correlator_assign_ends(c, ev, &f->src, true, &f->dst, f->has_dst && !by_name, false);
}

static void from_sighting(const struct correlator *c, const struct intel_sighting *s, struct incident_event *ev)
{
    ev->ts_us = s->ts_us;
    set_str(ev->source, sizeof ev->source, "intel");
    set_str(ev->kind, sizeof ev->kind, "intel");
    set_str(ev->where, sizeof ev->where, s->where);
    set_str(ev->uid, sizeof ev->uid, s->uid);
    set_str(ev->community_id, sizeof ev->community_id, s->community_id);
    char seen[EVENT_NAME_LEN];
    size_t n = s->seen && s->seen_len < sizeof seen ? s->seen_len : 0;
    if (n)
        memcpy(seen, s->seen, n);
    seen[n] = '\0';
    bool outside = s->validity != INTEL_VALIDITY_IN_WINDOW;
    snprintf(ev->reason, sizeof ev->reason, "threat intel: %.200s%s%s%s", seen, outside ? " (" : "",
             outside ? intel_validity_name(s->validity) : "", outside ? ")" : "");
    switch (s->seen_type) {
    case INTEL_FILE_HASH: set_str(ev->file_hash, sizeof ev->file_hash, seen); break;
    case INTEL_DOMAIN: set_str(ev->peer_name, sizeof ev->peer_name, seen); break;
    case INTEL_URL: set_url_host(ev->peer_name, sizeof ev->peer_name, seen); break;
    case INTEL_JA4: set_str(ev->ja4, sizeof ev->ja4, seen); break;
    case INTEL_CERT_HASH: set_str(ev->cert, sizeof ev->cert, seen); break;
    default: break;
    }
    correlator_assign_ends(c, ev, &s->orig_h, s->has_conn, &s->resp_h, s->has_conn, false);
}

static void add_locked(struct incident_live *l, struct incident_event *ev)
{
    pthread_mutex_lock(&l->lock);
    correlator_add(l->c, ev);
    pthread_mutex_unlock(&l->lock);
}

enum report_kind { REPORT_ALERT, REPORT_FINDING, REPORT_SIGHTING };

/* A detector's report (an alert, finding or sighting, by kind) as an
 * incident event, handed to the correlator. */
static void add_report(void *ctx, enum report_kind kind, const void *report)
{
    struct incident_live *l = ctx;
    struct incident_event ev;
    memset(&ev, 0, sizeof ev);
    if (kind == REPORT_ALERT)
        from_alert(l->c, report, &ev);
    else if (kind == REPORT_FINDING)
        from_finding(l->c, report, &ev);
    else
        from_sighting(l->c, report, &ev);
    add_locked(l, &ev);
}

static void on_alert(void *ctx, const struct alert *a) { add_report(ctx, REPORT_ALERT, a); }
static void on_finding(void *ctx, const struct finding *f) { add_report(ctx, REPORT_FINDING, f); }
static void on_sighting(void *ctx, const struct intel_sighting *s) { add_report(ctx, REPORT_SIGHTING, s); }

static void on_conn(void *ctx, const struct conn_record *r)
{
    struct incident_live *l = ctx;
    pthread_mutex_lock(&l->lock);
    /* conn.log's orig_bytes: unset (0 for `vigil report`) when the connection has no duration */
    correlator_conn(l->c, r->ts_us, &r->orig_h, &r->resp_h, r->has_duration ? r->orig_bytes : 0);
    pthread_mutex_unlock(&l->lock);
}

/* dns.log's row: the client's resolver, and each address answer bound to
 * the query name (what the stored-log run reads from dns.log). */
static void on_dns(struct incident_live *l, const struct app_conn *c, const struct dns_row *row)
{
    char query[EVENT_NAME_LEN];
    view_text(row->query, query, sizeof query);
    correlator_dns_answer(l->c, &c->orig_h, &c->resp_h, NULL, NULL);
    if (!row->has_query || query[0] == '\0')
        return;
    for (size_t i = 0; i < row->n_answers; i++) {
        char text[IP_ADDR_STRLEN + 1];
        struct ip_addr a;
        if (view_text(row->answers[i], text, sizeof text) && ip_addr_parse(text, &a))
            correlator_dns_answer(l->c, &c->orig_h, NULL, query, &a);
    }
}

/* A fetch: the Host (lower case, as the stored-log run reads http.log's) and URI. */
static void on_http(struct incident_live *l, const struct app_conn *c, const struct http_txn *t)
{
    char host[EVENT_NAME_LEN], uri[EVENT_NAME_LEN];
    view_text(t->host, host, sizeof host);
    view_text(t->uri, uri, sizeof uri);
    lower(host);
    correlator_http(l->c, t->ts_us, &c->orig_h, &c->resp_h, host, uri, c->uid);
}

static void on_transaction(void *ctx, const struct app_conn *c, enum event_kind kind, const void *txn)
{
    struct incident_live *l = ctx;
    const struct dns_row *row = kind == EVENT_DNS ? ((const struct dns_txn *)txn)->row : NULL;
    if (kind != EVENT_HTTP && row == NULL)
        return;
    pthread_mutex_lock(&l->lock);
    if (row)
        on_dns(l, c, row);
    else
        on_http(l, c, txn);
    pthread_mutex_unlock(&l->lock);
}

/* The device inventory, as the stored-log run reads assets.log. */
static void on_asset(void *ctx, int event, int64_t ts_us, const struct asset_record *r)
{
    struct incident_live *l = ctx;
    pthread_mutex_lock(&l->lock);
    for (size_t i = 0; i < r->n_addrs; i++)
        correlator_asset(l->c, &r->addrs[i], r->vendor, NULL, r->device_type, r->risk_group != NULL,
                         r->risk_reason);
    pthread_mutex_unlock(&l->lock);
}

/* Writes the incidents whose revision moved since they were last written.
 * Caller holds the lock. */
static void write_grown(struct incident_live *l)
{
    correlator_finish(l->c);
    size_t n = correlator_incident_count(l->c);
    if (n > l->n_written) {
        uint64_t *v = realloc(l->written, n * sizeof *v);
        if (v == NULL)
            return;
        memset(v + l->n_written, 0, (n - l->n_written) * sizeof *v);
        l->written = v;
        l->n_written = n;
    }
    for (size_t id = 1; id <= n; id++) {
        const struct incident *inc = correlator_incident_by_id(l->c, (unsigned)id);
        if (inc->revision == l->written[id - 1])
            continue;
        l->written[id - 1] = inc->revision;
        if (l->w)
            output_incident(l->w, inc);
    }
    if (l->w)
        output_worker_flush(l->w);
}

static void on_flush(void *ctx)
{
    struct incident_live *l = ctx;
    pthread_mutex_lock(&l->lock);
    write_grown(l);
    if (l->interval_summary && correlator_incident_count(l->c))
        incident_print_summary(l->interval_summary, l->c);
    pthread_mutex_unlock(&l->lock);
}

struct detect_sink incident_live_sink(struct incident_live *l)
{
    return (struct detect_sink){
        .ctx = l, .alert = on_alert, .finding = on_finding, .sighting = on_sighting, .asset = on_asset,
        .flush = on_flush,
    };
}

struct detect_observer incident_live_observer(struct incident_live *l)
{
    return (struct detect_observer){.ctx = l, .conn = on_conn, .transaction = on_transaction};
}

struct incident_live *incident_live_new(const struct incident_live_config *cfg, char *err, size_t errlen)
{
    struct incident_live *l = calloc(1, sizeof *l);
    if (l == NULL) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    pthread_mutex_init(&l->lock, NULL);
    l->interval_summary = cfg->interval_summary;
    char path[4096];
    const char *map_path = cfg->killchain_path;
    if (map_path == NULL && killchain_default_path(path, sizeof path))
        map_path = path;
    if (map_path == NULL) {
        snprintf(err, errlen, "cannot find data/incident/killchain.map (set VIGIL_DATA_DIR to the folder holding data/)");
        incident_live_free(l);
        return NULL;
    }
    l->map = killchain_load(map_path, err, errlen);
    if (l->map == NULL) {
        incident_live_free(l);
        return NULL;
    }
    struct correlator_config cc;
    correlator_config_defaults(&cc);
    cc.map = l->map;
    cc.local_nets = cfg->local_nets;
    cc.n_local_nets = cfg->n_local_nets;
    l->c = correlator_new(&cc, err, errlen);
    if (l->c == NULL || (cfg->out && (l->w = output_worker_new(cfg->out)) == NULL)) {
        if (l->c)
            snprintf(err, errlen, "out of memory");
        incident_live_free(l);
        return NULL;
    }
    return l;
}

void incident_live_finish(struct incident_live *l, FILE *summary)
{
    pthread_mutex_lock(&l->lock);
    write_grown(l); /* what is unchanged since the last flush is already final */
    if (summary)
        incident_print_summary(summary, l->c);
    pthread_mutex_unlock(&l->lock);
}

const struct correlator *incident_live_correlator(const struct incident_live *l)
{
    return l->c;
}

void incident_live_free(struct incident_live *l)
{
    if (l == NULL)
        return;
    output_worker_free(l->w);
    correlator_free(l->c);
    killchain_free(l->map);
    free(l->written);
    pthread_mutex_destroy(&l->lock);
    free(l);
}
