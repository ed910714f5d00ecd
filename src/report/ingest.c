#include "report/ingest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <math.h>

#include "util/hash.h"

static const char *const context_logs[] = {"dns", "assets", "files", NULL};
static const char *const zeek_alert_logs[] = {"notice", "intel", "beacon", "long_conn", "tunnel_dns",
                                              "dns_tunnel", "dga", "exfil", NULL};
static const char *const eve_alert_logs[] = {"alert", NULL};
static const char *const traffic_logs[] = {"conn", "flow", "http", NULL};

const char *const *ingest_pass_logs(enum ingest_pass p)
{
    switch (p) {
    case INGEST_CONTEXT: return context_logs;
    case INGEST_ZEEK_ALERTS: return zeek_alert_logs;
    case INGEST_EVE_ALERTS: return eve_alert_logs;
    case INGEST_TRAFFIC: return traffic_logs;
    default: return NULL;
    }
}

struct first_value {
    char *out;
    size_t cap;
    bool found;
};

static void take_first(void *ctx, const char *val, size_t len)
{
    struct first_value *f = ctx;
    if (f->found)
        return;
    f->found = true;
    size_t n = len < f->cap - 1 ? len : f->cap - 1;
    memcpy(f->out, val, n);
    f->out[n] = '\0';
}

/* The first value of the first of `names` (NULL-terminated) the row has,
 * unescaped; "" and false when none. */
static bool field_any(const struct log_row *r, const char *const *names, char *out, size_t cap)
{
    out[0] = '\0';
    for (; *names; names++) {
        struct first_value f = {out, cap, false};
        log_row_each(r, *names, take_first, &f);
        if (f.found && strcmp(out, "-") != 0)
            return true;
        out[0] = '\0';
    }
    return false;
}

#define FIELD(r, out, ...) field_any((r), (const char *const[]){__VA_ARGS__, NULL}, (out), sizeof(out))

static bool addr_field(const struct log_row *r, const char *const *names, struct ip_addr *a)
{
    char text[IP_ADDR_STRLEN + 8];
    return field_any(r, names, text, sizeof text) && ip_addr_parse(text, a);
}

#define ADDR(r, a, ...) addr_field((r), (const char *const[]){__VA_ARGS__, NULL}, (a))

static uint64_t u64_field(const struct log_row *r, const char *const *names)
{
    char text[32];
    if (!field_any(r, names, text, sizeof text))
        return 0;
    return strtoull(text, NULL, 10);
}

#define U64(r, ...) u64_field((r), (const char *const[]){__VA_ARGS__, NULL})

static double seconds_field(const struct log_row *r, const char *const *names)
{
    char text[32];
    return field_any(r, names, text, sizeof text) ? strtod(text, NULL) : 0;
}

/* Log times are untrusted doubles: NaN and what int64 microseconds cannot
 * hold become 0 (unset). */
static int64_t seconds_to_us(double s)
{
    if (!(s > 0) || s > 9.2e12)
        return 0;
    return (int64_t)(s * 1e6);
}

static void lower(char *s)
{
    for (; *s; s++)
        if (*s >= 'A' && *s <= 'Z')
            *s = (char)(*s + 32);
}

/* The host of a URL ("http://h:80/x" -> "h"), or the text when it has none. */
static void url_host(char *s)
{
    char *p = strstr(s, "://");
    p = p ? p + 3 : s;
    size_t n = strcspn(p, "/:?#");
    memmove(s, p, n);
    s[n] = '\0';
    lower(s);
}

static void set_str(char *dst, size_t cap, const char *src)
{
    size_t n = strnlen(src, cap - 1);
    memcpy(dst, src, n);
    dst[n] = '\0';
}

struct doc_template {
    bool named;            /* the reasons include remote-template */
    char url[EVENT_NAME_LEN]; /* the first URL among the indicators */
};

static void template_reason(void *ctx, const char *val, size_t len)
{
    struct doc_template *t = ctx;
    t->named |= len == 15 && memcmp(val, "remote-template", 15) == 0;
}

static void template_url(void *ctx, const char *val, size_t len)
{
    struct doc_template *t = ctx;
    if (t->url[0] == '\0' && len < sizeof t->url && memmem(val, len, "://", 3) != NULL) {
        memcpy(t->url, val, len);
        t->url[len] = '\0';
    }
}

/* A document's remote template host, as report/live.c takes it from the
 * alert: the host of its first URL indicator when its reasons include
 * remote-template (docs/INCIDENTS.md, linking rules). */
static void document_template(const struct log_row *r, const char *reasons, const char *indicators, char *out,
                              size_t cap)
{
    struct doc_template t = {0};
    log_row_each(r, reasons, template_reason, &t);
    log_row_each(r, indicators, template_url, &t);
    if (!t.named || !t.url[0] || out[0])
        return;
    set_str(out, cap, t.url);
    url_host(out);
}

/* Fields every alert source may carry under one of these names. */
static void common_fields(const struct log_row *r, struct incident_event *ev)
{
    ev->ts_us = seconds_to_us(r->ts);
    FIELD(r, ev->uid, "uid");
    FIELD(r, ev->community_id, "community_id");
    if (!FIELD(r, ev->technique, "attack", "technique", "attack_technique", "alert.metadata.attack_technique",
               "alert.metadata.mitre_technique_id", "alert.metadata.attack_id"))
        ev->technique[0] = '\0';
    FIELD(r, ev->cve, "cve", "alert.metadata.cve");
    FIELD(r, ev->file_hash, "sha256", "file_hash", "fileinfo.sha256", "files.sha256", "alert.metadata.sha256");
    FIELD(r, ev->ja4, "ja4", "tls.ja4", "alert.metadata.ja4");
    FIELD(r, ev->cert, "cert_sha256", "alert.metadata.cert_sha256");
    FIELD(r, ev->device, "device", "vendor", "alert.metadata.device", "alert.metadata.vendor");
    FIELD(r, ev->rule_file, "rule_file", "sources", "alert.metadata.rule_file", "alert.metadata.feed");
    if (FIELD(r, ev->template_host, "remote_template", "template", "alert.metadata.remote_template"))
        url_host(ev->template_host);
    struct ip_addr literal;
    if (FIELD(r, ev->peer_name, "server_name", "domain", "query", "tls.sni", "http.hostname",
              "dns.query.rrname", "dns.queries.rrname", "alert.metadata.domain"))
        lower(ev->peer_name);
    if (ip_addr_parse(ev->peer_name, &literal)) /* a Host header holding an address names nothing */
        ev->peer_name[0] = '\0';
}

/* The held-back signature notices and the malicious documents are arrays
 * of entries that begin with their 64-bit key, a keyed hash (util/hash) of
 * what identifies them, indexed by util/hindex. */
enum { DOC_DOMAIN = 0xd0cf, TWIN_DOMAIN = 0x7a1e };

struct keyed_array {
    const void *base;
    size_t stride;
};

static bool keyed_eq(const void *ctx, uint32_t pos, const void *key)
{
    const struct keyed_array *k = ctx;
    return memcmp((const char *)k->base + (size_t)pos * k->stride, key, sizeof(uint64_t)) == 0;
}

/* The position of the entry keyed `key`, or HINDEX_NONE. */
static uint32_t keyed_find(const struct hindex *ix, const void *base, size_t stride, uint64_t key)
{
    const struct keyed_array k = {base, stride};
    return hindex_find(ix, (uint32_t)key, keyed_eq, &k, &key);
}

static const struct doc_file *doc_find(const struct ingest *in, const char *fuid)
{
    if (in->n_docs == 0)
        return NULL;
    uint32_t at = keyed_find(&in->doc_index, in->docs, sizeof in->docs[0], hash_keyed(fuid, strlen(fuid), DOC_DOMAIN));
    return at == HINDEX_NONE ? NULL : &in->docs[at];
}

/* A files.log row: a malicious document is kept for its notice (by fuid). */
static void files_row(struct ingest *in, const struct log_row *r)
{
    char verdict[16], fuid[64];
    if (!FIELD(r, verdict, "doc_verdict") || strcmp(verdict, "malicious") != 0 || !FIELD(r, fuid, "fuid") ||
        doc_find(in, fuid) != NULL)
        return;
    if (in->n_docs == in->docs_cap) {
        uint32_t cap = in->docs_cap ? in->docs_cap * 2 : 64;
        struct doc_file *d = cap <= INGEST_MAX_DOC_FILES ? realloc(in->docs, cap * sizeof *d) : NULL;
        if (d == NULL)
            return;
        in->docs = d;
        in->docs_cap = cap;
    }
    struct doc_file *d = &in->docs[in->n_docs];
    memset(d, 0, sizeof *d);
    d->key = hash_keyed(fuid, strlen(fuid), DOC_DOMAIN);
    FIELD(r, d->sha256, "sha256");
    document_template(r, "doc_reasons", "doc_indicators", d->template_host, sizeof d->template_host);
    if (hindex_insert(&in->doc_index, (uint32_t)d->key, in->n_docs))
        in->n_docs++;
}

static void notice_row(struct ingest *in, const struct log_row *r, struct incident_event *ev)
{
    set_str(ev->source, sizeof ev->source, "notice");
    FIELD(r, ev->kind, "note");
    char msg[EVENT_NAME_LEN], sub[EVENT_NAME_LEN];
    FIELD(r, msg, "msg");
    FIELD(r, sub, "sub");
    snprintf(ev->reason, sizeof ev->reason, "%.*s%s%.*s", 200, msg, sub[0] ? ": " : "", 50, sub);
    char fuid[64];
    const struct doc_file *doc = FIELD(r, fuid, "fuid") ? doc_find(in, fuid) : NULL;
    if (doc && !ev->file_hash[0])
        set_str(ev->file_hash, sizeof ev->file_hash, doc->sha256);
    if (doc && !ev->template_host[0])
        set_str(ev->template_host, sizeof ev->template_host, doc->template_host);
    struct ip_addr a, b;
    bool ha = ADDR(r, &a, "id.orig_h", "src"), hb = ADDR(r, &b, "id.resp_h", "dst");
    bool victim_b = strstr(ev->kind, "Exploit") != NULL;
    correlator_assign_ends(in->c, ev, &a, ha, &b, hb, victim_b);
}

static void intel_row(struct ingest *in, const struct log_row *r, struct incident_event *ev)
{
    set_str(ev->source, sizeof ev->source, "intel");
    set_str(ev->kind, sizeof ev->kind, "intel");
    FIELD(r, ev->where, "seen.where");
    char indicator[EVENT_NAME_LEN], type[48], desc[160], validity[32];
    FIELD(r, indicator, "seen.indicator");
    FIELD(r, type, "seen.indicator_type");
    FIELD(r, desc, "desc");
    FIELD(r, validity, "validity");
    bool outside = validity[0] && strcmp(validity, "in_window") != 0; /* intel.log validity */
    snprintf(ev->reason, sizeof ev->reason, "threat intel: %.*s%s%.*s%s%.20s%s", 110, indicator,
             desc[0] ? " - " : "", 100, desc, outside ? " (" : "", outside ? validity : "", outside ? ")" : "");
    struct ip_addr a, b;
    bool ha = ADDR(r, &a, "id.orig_h"), hb = ADDR(r, &b, "id.resp_h");
    correlator_assign_ends(in->c, ev, &a, ha, &b, hb, false);
    if (strcmp(type, "Intel::FILE_HASH") == 0)
        set_str(ev->file_hash, sizeof ev->file_hash, indicator);
    else if (strcmp(type, "Intel::DOMAIN") == 0 || strcmp(type, "Intel::URL") == 0) {
        set_str(ev->peer_name, sizeof ev->peer_name, indicator);
        url_host(ev->peer_name);
    } else if (strcmp(type, "Intel::JA4") == 0)
        set_str(ev->ja4, sizeof ev->ja4, indicator);
    else if (strcmp(type, "Intel::CERT_HASH") == 0)
        set_str(ev->cert, sizeof ev->cert, indicator);
}

static void finding_row(struct ingest *in, const struct log_row *r, struct incident_event *ev)
{
    set_str(ev->source, sizeof ev->source, r->path);
    set_str(ev->kind, sizeof ev->kind, r->path);
    FIELD(r, ev->reason, "reason");
    double first = seconds_field(r, (const char *const[]){"first_seen", NULL});
    struct ip_addr a, b;
    bool ha = ADDR(r, &a, "src"), hb = ADDR(r, &b, "dst");
    correlator_assign_ends(in->c, ev, &a, ha, &b, hb, false);
    if (first > 0) {
        ev->last_us = ev->ts_us;
        ev->ts_us = seconds_to_us(first);
    }
    if (!ev->peer_name[0] && FIELD(r, ev->peer_name, "name", "example"))
        lower(ev->peer_name);
    ev->bytes_out = U64(r, "bytes_out");
    ev->connections = U64(r, "connections");
    ev->interval_s = seconds_field(r, (const char *const[]){"interval", NULL});
}

static void eve_alert_row(struct ingest *in, const struct log_row *r, struct incident_event *ev)
{
    set_str(ev->source, sizeof ev->source, "eve");
    set_str(ev->kind, sizeof ev->kind, "alert");
    ev->sid = (uint32_t)U64(r, "alert.signature_id");
    document_template(r, "alert.metadata.reason", "alert.metadata.indicator", ev->template_host,
                      sizeof ev->template_host);
    FIELD(r, ev->reason, "alert.signature");
    FIELD(r, ev->category, "alert.category");
    struct ip_addr a, b;
    bool ha = ADDR(r, &a, "src_ip"), hb = ADDR(r, &b, "dest_ip");
    bool victim_b = ev->cve[0] || strstr(ev->category, "Attack") || strstr(ev->category, "Privilege");
    correlator_assign_ends(in->c, ev, &a, ha, &b, hb, victim_b);
    /* the transaction's Host, SNI or query names the server: not the peer when the host is that server */
    if (hb && ev->has_host && memcmp(&ev->host, &b, sizeof b) == 0)
        ev->peer_name[0] = '\0';
    if (ev->rule_file[0] == '\0' && ev->sid)
        snprintf(ev->rule_file, sizeof ev->rule_file, "sid:%u", ev->sid);
}

/* A signature alert's time (to the millisecond: both logs print the same
 * microseconds, parsed apart) and its two addresses in either order
 * (notice.log orients by connection, EVE by packet). */
static uint64_t twin_key(const struct log_row *r, const char *a_name, const char *b_name)
{
    struct ip_addr a, b;
    const char *const an[] = {a_name, NULL}, *const bn[] = {b_name, NULL};
    if (!addr_field(r, an, &a) || !addr_field(r, bn, &b) || !(r->ts > 0) || r->ts > 9.2e12)
        return 0;
    uint64_t ms = (uint64_t)llround(r->ts * 1e3);
    return hash_keyed(&ms, sizeof ms, TWIN_DOMAIN) ^ hash_keyed(a.b, sizeof a.b, TWIN_DOMAIN) ^
           hash_keyed(b.b, sizeof b.b, TWIN_DOMAIN);
}

static int64_t twin_find(const struct ingest *in, uint64_t key)
{
    uint32_t at = keyed_find(&in->twin_index, in->twins, sizeof in->twins[0], key);
    return at == HINDEX_NONE ? -1 : (int64_t)at;
}

/* Holds a signature notice back for its EVE twin; false when it cannot be (no key, cap). */
static bool hold_signature_notice(struct ingest *in, const struct log_row *r)
{
    uint64_t key = twin_key(r, "id.orig_h", "id.resp_h");
    if (key == 0)
        return false;
    if (in->n_twins + 1 >= in->twins_cap) {
        uint32_t cap = in->twins_cap ? in->twins_cap * 2 : 1024;
        struct sig_twin *t = cap <= INGEST_MAX_SIG_TWINS ? realloc(in->twins, cap * sizeof *t) : NULL;
        if (t == NULL)
            return false;
        in->twins = t;
        in->twins_cap = cap;
    }
    int64_t at = twin_find(in, key);
    if (at < 0) {
        in->twins[in->n_twins].pending = 0;
        in->twins[in->n_twins].key = key;
        if (!hindex_insert(&in->twin_index, (uint32_t)key, in->n_twins))
            return false;
        at = in->n_twins++;
    }
    in->twins[at].pending++;
    in->skipped_duplicates++;
    return true;
}

/* True when r is the EVE twin of a held-back signature notice (it then stands for it). */
static bool takes_signature_notice(struct ingest *in, const struct log_row *r)
{
    if (in->n_twins == 0)
        return false;
    int64_t at = twin_find(in, twin_key(r, "src_ip", "dest_ip"));
    if (at < 0 || in->twins[at].pending == 0)
        return false;
    in->twins[at].pending--;
    return true;
}

void ingest_free(struct ingest *in)
{
    free(in->twins);
    hindex_free(&in->twin_index);
    in->twins = NULL;
    in->n_twins = in->twins_cap = 0;
    free(in->docs);
    hindex_free(&in->doc_index);
    in->docs = NULL;
    in->n_docs = in->docs_cap = 0;
}

static void alert_row(struct ingest *in, enum ingest_pass p, const struct log_row *r)
{
    struct incident_event ev;
    memset(&ev, 0, sizeof ev);
    common_fields(r, &ev);
    if (p == INGEST_EVE_ALERTS) {
        if (r->source != LOG_EVE)
            return;
        eve_alert_row(in, r, &ev);
        if (!takes_signature_notice(in, r) && ev.sid >= INGEST_VIGIL_SID_MIN && in->zeek_alert_rows > 0) {
            in->skipped_duplicates++;
            return;
        }
    } else if (strcmp(r->path, "notice") == 0) {
        char note[EVENT_SHORT_LEN];
        if (FIELD(r, note, "note") && strcmp(note, "Signatures::Sensitive_Signature") == 0 &&
            hold_signature_notice(in, r))
            return;
        notice_row(in, r, &ev);
    } else if (strcmp(r->path, "intel") == 0) {
        intel_row(in, r, &ev);
    } else {
        finding_row(in, r, &ev);
    }
    in->alert_rows++;
    if (p == INGEST_ZEEK_ALERTS)
        in->zeek_alert_rows++;
    correlator_add(in->c, &ev);
}

struct dns_ctx {
    struct ingest *in;
    struct ip_addr client, resolver;
    bool has_client, has_resolver;
    char query[EVENT_NAME_LEN];
};

/* A field value (not NUL-terminated) as an address. */
static bool parse_value_addr(const char *val, size_t len, struct ip_addr *a)
{
    char text[IP_ADDR_STRLEN + 1];
    if (len >= sizeof text)
        return false;
    memcpy(text, val, len);
    text[len] = '\0';
    return ip_addr_parse(text, a);
}

static void dns_answer(void *ctx, const char *val, size_t len)
{
    struct dns_ctx *d = ctx;
    struct ip_addr a;
    if (parse_value_addr(val, len, &a))
        correlator_dns_answer(d->in->c, d->has_client ? &d->client : NULL, NULL, d->query, &a);
}

static void dns_row(struct ingest *in, const struct log_row *r)
{
    struct dns_ctx d = {.in = in};
    struct ip_addr a, b;
    bool ha = ADDR(r, &a, "id.orig_h", "src_ip"), hb = ADDR(r, &b, "id.resp_h", "dest_ip");
    uint64_t sport = U64(r, "id.orig_p", "src_port");
    /* EVE answer events may be written in the response's direction. */
    bool b_is_server = !(sport == 53 && ha);
    if (b_is_server) {
        d.client = a, d.has_client = ha;
        d.resolver = b, d.has_resolver = hb;
    } else {
        d.client = b, d.has_client = hb;
        d.resolver = a, d.has_resolver = ha;
    }
    if (d.has_resolver)
        correlator_dns_answer(in->c, d.has_client ? &d.client : NULL, &d.resolver, NULL, NULL);
    if (!FIELD(r, d.query, "query", "dns.rrname", "dns.queries.rrname", "dns.query.rrname"))
        return;
    log_row_each(r, "answers", dns_answer, &d);
    log_row_each(r, "dns.answers.rdata", dns_answer, &d);
    log_row_each(r, "dns.grouped.A", dns_answer, &d);
    log_row_each(r, "dns.grouped.AAAA", dns_answer, &d);
    if (r->source == LOG_EVE) {
        char rdata[IP_ADDR_STRLEN + 1];
        if (FIELD(r, rdata, "dns.rdata"))
            dns_answer(&d, rdata, strlen(rdata));
    }
}

static bool truthy(const char *s)
{
    return strcasecmp(s, "T") == 0 || strcasecmp(s, "true") == 0 || strcmp(s, "1") == 0 ||
           strcasecmp(s, "yes") == 0;
}

struct asset_fields {
    struct ingest *in;
    char vendor[48], model[48], type[32], reason[96];
    bool flagged;
};

static void asset_addr(void *ctx, const char *val, size_t len)
{
    struct asset_fields *f = ctx;
    struct ip_addr a;
    if (parse_value_addr(val, len, &a))
        correlator_asset(f->in->c, &a, f->vendor, f->model, f->type, f->flagged, f->reason);
}

/* A device: one address field, or Vigil's assets.log `addrs` set (EVE: asset.addrs). */
static void asset_row(struct ingest *in, const struct log_row *r)
{
    struct asset_fields f = {.in = in};
    char flag[16];
    FIELD(r, f.vendor, "vendor", "manufacturer", "oui_vendor", "asset.vendor");
    FIELD(r, f.model, "model", "product");
    FIELD(r, f.type, "device_type", "type", "category", "asset.device_type");
    FIELD(r, f.reason, "reasons", "reason", "risk_reason", "risk", "asset.risk_reason");
    f.flagged = (FIELD(r, flag, "flagged", "risky", "risk_vendor") && truthy(flag)) ||
                (f.reason[0] && strcmp(f.reason, "(empty)") != 0);
    char host[IP_ADDR_STRLEN + 8];
    if (FIELD(r, host, "host", "ip", "addr", "id.orig_h", "src_ip")) {
        asset_addr(&f, host, strlen(host));
        return;
    }
    log_row_each(r, "addrs", asset_addr, &f);
    log_row_each(r, "asset.addrs", asset_addr, &f);
}

static void traffic_row(struct ingest *in, const struct log_row *r)
{
    struct ip_addr a, b;
    if (!ADDR(r, &a, "id.orig_h", "src_ip") || !ADDR(r, &b, "id.resp_h", "dest_ip"))
        return;
    int64_t ts = seconds_to_us(r->ts);
    if (strcmp(r->path, "http") == 0) {
        char host[EVENT_NAME_LEN], uri[EVENT_NAME_LEN], uid[32];
        FIELD(r, host, "host", "http.hostname");
        FIELD(r, uri, "uri", "http.url");
        FIELD(r, uid, "uid");
        lower(host);
        correlator_http(in->c, ts, &a, &b, host, uri, uid);
        return;
    }
    correlator_conn(in->c, ts, &a, &b, U64(r, "orig_bytes", "flow.bytes_toserver"));
}

/* Index of a context/traffic log in zeek_has; EVE's flow is conn. */
static int context_log_index(const char *path)
{
    static const char *const names[] = {"dns", "assets", "conn", "http", "files"};
    for (int i = 0; i < 5; i++)
        if (strcmp(path, names[i]) == 0)
            return i;
    return strcmp(path, "flow") == 0 ? 2 : -1;
}

/* Zeek rows are read in the INGEST_FROM_ZEEK round, EVE rows in the
 * INGEST_FROM_EVE round and only for logs the Zeek round did not have. */
static bool wanted(struct ingest *in, const struct log_row *r)
{
    int i = context_log_index(r->path);
    if (i < 0)
        return false;
    if (r->source != LOG_EVE) {
        in->zeek_has[i] = true;
        return in->from == INGEST_FROM_ZEEK;
    }
    return in->from == INGEST_FROM_EVE && !in->zeek_has[i];
}

void ingest_row(struct ingest *in, enum ingest_pass p, const struct log_row *r)
{
    if ((p == INGEST_CONTEXT || p == INGEST_TRAFFIC) && !wanted(in, r))
        return;
    switch (p) {
    case INGEST_CONTEXT:
        if (strcmp(r->path, "dns") == 0)
            dns_row(in, r);
        else if (strcmp(r->path, "files") == 0)
            files_row(in, r);
        else
            asset_row(in, r);
        return;
    case INGEST_ZEEK_ALERTS:
    case INGEST_EVE_ALERTS:
        alert_row(in, p, r);
        return;
    case INGEST_TRAFFIC:
        traffic_row(in, r);
        return;
    default:
        return;
    }
}
