#include "detect/observe.h"

#include <ctype.h>
#include <string.h>

#include "proto/conn-t.h"
#include "proto/dns-t.h"
#include "proto/event-t.h"
#include "proto/http-t.h"
#include "proto/quic-t.h"
#include "proto/tls-t.h"
#include "util/strcut.h"

void observe_conn(const struct conn_record *c, struct obs_conn *o)
{
    *o = (struct obs_conn){
        .ts_us = c->ts_us,
        .duration_us = c->has_duration ? c->duration_us : 0,
        .uid = c->uid,
        .orig_h = c->orig_h,
        .resp_h = c->resp_h,
        .orig_p = c->orig_p,
        .resp_p = c->resp_p,
        .proto = c->proto,
        .service = c->service,
        .conn_state = c->conn_state,
        .orig_bytes = c->has_duration ? c->orig_bytes : 0,
        .resp_bytes = c->has_duration ? c->resp_bytes : 0,
    };
}

size_t observe_host_name(const char *host, size_t n, char *out, size_t outlen)
{
    if (outlen == 0)
        return 0;
    size_t end = n;
    if (n > 0 && host[0] == '[') { /* [v6]:port */
        const char *close = memchr(host, ']', n);
        end = close ? (size_t)(close - host) + 1 : n;
    } else {
        const char *colon = memchr(host, ':', n);
        if (colon && memchr(colon + 1, ':', n - (size_t)(colon + 1 - host)) == NULL)
            end = (size_t)(colon - host);
    }
    while (end > 0 && (host[end - 1] == '.' || host[end - 1] == ' '))
        end--;
    size_t start = 0;
    while (start < end && host[start] == ' ')
        start++;
    if (end - start >= outlen)
        return 0;
    for (size_t i = start; i < end; i++)
        out[i - start] = (char)tolower((unsigned char)host[i]);
    out[end - start] = '\0';
    return end - start;
}

static bool observe_dns(const struct app_conn *c, const struct dns_txn *t, struct observations *o)
{
    const struct dns_row *r = t->row;
    if (r == NULL)
        return false;
    o->has_dns = true;
    o->dns = (struct obs_dns){
        .ts_us = r->ts_us,
        .uid = c->uid,
        .client = c->orig_h,
        .server = c->resp_h,
        .qtype = r->has_qclass ? r->qtype : 0,
        .rcode = r->has_rcode ? r->rcode : -1,
        .answer_addrs = o->addrs,
    };
    if (r->has_query) {
        strcut_copy(o->query, sizeof o->query, r->query.p, r->query.n);
        o->dns.query = o->query;
    }
    for (size_t i = 0; i < r->n_answers && o->dns.n_answer_addrs < OBSERVE_MAX_ADDRS; i++) {
        char text[IP_ADDR_STRLEN];
        if (r->answers[i].n == 0 || r->answers[i].n >= sizeof text)
            continue;
        memcpy(text, r->answers[i].p, r->answers[i].n);
        text[r->answers[i].n] = '\0';
        if (ip_addr_parse(text, &o->addrs[o->dns.n_answer_addrs]))
            o->dns.n_answer_addrs++;
    }
    return true;
}

static void observe_name(const struct app_conn *c, int64_t ts_us, const char *name, size_t n,
                         struct observations *o)
{
    if (observe_host_name(name, n, o->host, sizeof o->host) == 0)
        return;
    o->has_name = true;
    o->name = (struct obs_name){.ts_us = ts_us, .uid = c->uid, .name = o->host};
}

static bool method_is(const struct byte_view *m, const char *want)
{
    size_t n = strlen(want);
    return m->n == n && memcmp(m->p, want, n) == 0;
}

static bool observe_http(const struct app_conn *c, const struct http_txn *t, struct observations *o)
{
    if (t->host.n)
        observe_name(c, t->ts_us, (const char *)t->host.p, t->host.n, o);
    if (t->request_body_len > 0 && (method_is(&t->method, "POST") || method_is(&t->method, "PUT"))) {
        o->has_upload = true;
        o->upload = (struct obs_upload){
            .kind = UPLOAD_HTTP,
            .ts_us = t->ts_us,
            .uid = c->uid,
            .orig_h = c->orig_h,
            .resp_h = c->resp_h,
            .resp_p = c->resp_p,
            .bytes = t->request_body_len,
            .method = method_is(&t->method, "POST") ? "POST" : "PUT",
            .name = o->has_name ? o->host : NULL,
        };
    }
    return o->has_name || o->has_upload;
}

bool observe_transaction(const struct app_conn *c, enum event_kind kind, const void *txn, struct observations *out)
{
    memset(out, 0, offsetof(struct observations, addrs));
    switch (kind) {
    case EVENT_DNS:
        return observe_dns(c, txn, out);
    case EVENT_HTTP:
        return observe_http(c, txn, out);
    case EVENT_TLS: {
        const struct tls_txn *t = txn;
        if (t->server_name.set)
            observe_name(c, t->ts_us, t->server_name.text, t->server_name.len, out);
        return out->has_name;
    }
    case EVENT_QUIC: {
        const struct quic_txn *t = txn;
        if (t->server_name.set)
            observe_name(c, t->ts_us, t->server_name.text, t->server_name.len, out);
        return out->has_name;
    }
    default:
        return false;
    }
}

void observations_feed(struct behavior *b, const struct observations *o)
{
    if (o->has_dns)
        behavior_dns(b, &o->dns);
    if (o->has_name)
        behavior_name(b, &o->name);
    if (o->has_upload)
        behavior_upload(b, &o->upload);
}

bool observe_mail_upload(const struct obs_conn *c, struct obs_upload *u)
{
    if (c->service == NULL || strstr(c->service, "smtp") == NULL || c->orig_bytes == 0)
        return false;
    *u = (struct obs_upload){
        .kind = UPLOAD_SMTP,
        .ts_us = c->ts_us,
        .uid = c->uid,
        .orig_h = c->orig_h,
        .resp_h = c->resp_h,
        .resp_p = c->resp_p,
        .bytes = c->orig_bytes,
    };
    return true;
}

void observe_feed_conn(struct behavior *b, const struct obs_conn *c)
{
    behavior_conn(b, c);
    struct obs_upload u;
    if (observe_mail_upload(c, &u))
        behavior_upload(b, &u);
}
