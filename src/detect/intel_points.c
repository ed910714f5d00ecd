#include "detect/intel_points.h"

#include <string.h>

#include "detect/observe.h"
#include "files/files-t.h"
#include "proto/conn-t.h"
#include "proto/dns-t.h"
#include "proto/event-t.h"
#include "proto/http-t.h"
#include "proto/smtp-t.h"
#include "proto/tls-t.h"
#include "proto/x509-t.h"

/* A sighting's connection fields, from an app_conn or a conn_record (the
 * two name them alike). */
#define SIGHTING_CONN_FIELDS(c)                                                                                        \
    .has_conn = true, .uid = (c)->uid, .flow_id = (c)->flow_id, .orig_h = (c)->orig_h, .resp_h = (c)->resp_h,          \
    .orig_p = (c)->orig_p, .resp_p = (c)->resp_p, .proto = (c)->proto, .community_id = (c)->community_id

static void base_from_conn(struct intel_sighting *b, const struct app_conn *c, int64_t ts_us,
                           const char *app_proto)
{
    *b = (struct intel_sighting){.ts_us = ts_us, SIGHTING_CONN_FIELDS(c), .app_proto = app_proto};
}

void intel_points_conn(struct intel_matcher *m, const struct conn_record *c)
{
    struct intel_sighting b = {.ts_us = c->ts_us, SIGHTING_CONN_FIELDS(c)};
    intel_match_addr(m, &b, &c->orig_h, "Conn::IN_ORIG");
    intel_match_addr(m, &b, &c->resp_h, "Conn::IN_RESP");
}

static void match_dns(struct intel_matcher *m, const struct app_conn *c, const void *txn)
{
    const struct dns_txn *t = txn;
    const struct dns_row *r = t->row;
    if (r == NULL)
        return;
    struct intel_sighting b;
    base_from_conn(&b, c, r->ts_us, "dns");
    if (r->has_query)
        intel_match_value(m, &b, INTEL_DOMAIN, (const char *)r->query.p, r->query.n, "DNS::IN_REQUEST");
    for (size_t i = 0; i < r->n_answers; i++)
        if (r->answers[i].n)
            intel_match_dns_answer(m, &b, (const char *)r->answers[i].p, r->answers[i].n);
}

static void match_http(struct intel_matcher *m, const struct app_conn *c, const void *txn)
{
    const struct http_txn *t = txn;
    struct intel_sighting b;
    base_from_conn(&b, c, t->ts_us, "http");
    char host[OBSERVE_NAME_MAX];
    size_t host_len = 0;
    if (t->host.n) {
        host_len = observe_host_name((const char *)t->host.p, t->host.n, host, sizeof host);
        struct ip_addr a;
        if (host_len && !ip_addr_parse(host, &a))
            intel_match_value(m, &b, INTEL_DOMAIN, host, host_len, "HTTP::IN_HOST_HEADER");
    }
    if (t->uri.n && t->host.n)
        intel_match_http_url(m, &b, (const char *)t->host.p, t->host.n, (const char *)t->uri.p, t->uri.n);
    if (t->user_agent.n)
        intel_match_value(m, &b, INTEL_USER_AGENT, (const char *)t->user_agent.p, t->user_agent.n,
                          "HTTP::IN_USER_AGENT_HEADER");
}

static void match_tls(struct intel_matcher *m, const struct app_conn *c, const void *txn)
{
    const struct tls_txn *t = txn;
    struct intel_sighting b;
    base_from_conn(&b, c, t->ts_us, "tls");
    if (t->server_name.set)
        intel_match_value(m, &b, INTEL_DOMAIN, t->server_name.text, t->server_name.len, "SSL::IN_SERVER_NAME");
    if (t->has_ja3)
        intel_match_value(m, &b, INTEL_JA3, t->ja3_hash, strlen(t->ja3_hash), "SSL::IN_JA3");
    if (t->has_ja3s)
        intel_match_value(m, &b, INTEL_JA3, t->ja3s_hash, strlen(t->ja3s_hash), "SSL::IN_JA3S");
    if (t->has_ja4)
        intel_match_value(m, &b, INTEL_JA4, t->ja4, strlen(t->ja4), "SSL::IN_JA4");
    if (t->n_server_fps > 0)
        intel_match_value(m, &b, INTEL_CERT_HASH, t->server_fps[0], strlen(t->server_fps[0]), "X509::IN_CERT");
}

static void match_x509(struct intel_matcher *m, const struct app_conn *c, const void *txn)
{
    const struct x509_cert *x = txn;
    if (x->client_cert)
        return;
    struct intel_sighting b;
    base_from_conn(&b, c, x->ts_us, "tls");
    intel_match_value(m, &b, INTEL_CERT_HASH, x->fingerprint, strlen(x->fingerprint), "X509::IN_CERT");
    intel_match_subject_cn(m, &b, x->subject, strlen(x->subject), "X509::IN_CERT");
    for (size_t i = 0; i < x->n_san[X509_SAN_DNS]; i++) {
        size_t off = x->san[X509_SAN_DNS][i].off, len = x->san[X509_SAN_DNS][i].len;
        if (off + len <= x->san_pool_used)
            intel_match_value(m, &b, INTEL_DOMAIN, x->san_pool + off, len, "X509::IN_CERT");
    }
}

static void match_smtp(struct intel_matcher *m, const struct app_conn *c, const void *txn)
{
    const struct smtp_txn *t = txn;
    struct intel_sighting b;
    base_from_conn(&b, c, t->ts_us, "smtp");
    if (t->mailfrom.n)
        intel_match_value(m, &b, INTEL_EMAIL, (const char *)t->mailfrom.p, t->mailfrom.n, "SMTP::IN_MAIL_FROM");
    for (size_t i = 0; i < t->n_rcptto; i++)
        intel_match_value(m, &b, INTEL_EMAIL, (const char *)t->rcptto[i].p, t->rcptto[i].n, "SMTP::IN_RCPT_TO");
    if (t->from.n)
        intel_match_value(m, &b, INTEL_EMAIL, (const char *)t->from.p, t->from.n, "SMTP::IN_FROM");
    if (t->reply_to.n)
        intel_match_value(m, &b, INTEL_EMAIL, (const char *)t->reply_to.p, t->reply_to.n, "SMTP::IN_REPLY_TO");
    for (size_t i = 0; i < t->n_urls; i++)
        intel_match_value(m, &b, INTEL_URL, (const char *)t->urls[i].p, t->urls[i].n, "SMTP::IN_MESSAGE");
}

static void match_file(struct intel_matcher *m, const struct app_conn *c, const void *txn)
{
    const struct file_info *f = txn;
    if (f->eve_only)  /* seen at its files.log publish already */
        return;
    struct intel_sighting b;
    base_from_conn(&b, c, f->ts_us, NULL);
    b.fuid = f->fuid;
    b.file_mime_type = f->mime_type[0] ? f->mime_type : NULL;
    b.file_desc = f->source;
    const char *hashes[] = {f->md5, f->sha1, f->sha256};
    for (size_t i = 0; i < sizeof hashes / sizeof hashes[0]; i++)
        if (hashes[i][0])
            intel_match_value(m, &b, INTEL_FILE_HASH, hashes[i], strlen(hashes[i]), "Files::IN_HASH");
}

typedef void (*txn_matcher)(struct intel_matcher *m, const struct app_conn *c, const void *txn);

/* What each event kind offers the matcher (Zeek's Intel::seen calls). */
static const txn_matcher matchers[EVENT_KIND_COUNT] = {
    [EVENT_DNS] = match_dns,   [EVENT_HTTP] = match_http, [EVENT_TLS] = match_tls,
    [EVENT_X509] = match_x509, [EVENT_SMTP] = match_smtp, [EVENT_FILE] = match_file,
};

void intel_points_transaction(struct intel_matcher *m, const struct app_conn *c, enum event_kind kind, const void *txn)
{
    if ((unsigned)kind < EVENT_KIND_COUNT && matchers[kind] != NULL)
        matchers[kind](m, c, txn);
}
