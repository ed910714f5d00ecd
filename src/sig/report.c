/* A matched rule as the generic alert (detect/alert-t.h), emitted through
 * the worker's detector sink: Suricata's alert fields, the rule's metadata
 * as key -> values, the transaction's app-layer object, and a Zeek
 * Signatures::Sensitive_Signature notice. */
#include <stdio.h>
#include <string.h>

#include "detect/alert.h"
#include "decode/packet-t.h"
#include "detect/sink.h"
#include "proto/dce_rpc-t.h"
#include "proto/dns-t.h"
#include "proto/dns_names-t.h"
#include "proto/event-t.h"
#include "proto/http-t.h"
#include "proto/conn-t.h"
#include "proto/smtp-t.h"
#include "proto/ssh-t.h"
#include "proto/tls-t.h"
#include "sig/report.h"
#include "util/json.h"

/* "key value, key value" into pairs pointing into s->meta_text. */
static size_t parse_metadata(const char *meta, struct sig_report_scratch *s)
{
    size_t n = 0, used = 0;
    const char *p = meta;
    while (*p && n < SIG_REPORT_MAX_META) {
        while (*p == ' ' || *p == ',')
            p++;
        size_t len = strcspn(p, ",");
        while (len && p[len - 1] == ' ')
            len--;
        if (len == 0)
            break;
        if (used + len + 1 > sizeof s->meta_text)
            break;
        char *item = s->meta_text + used;
        memcpy(item, p, len);
        item[len] = '\0';
        used += len + 1;
        char *space = strchr(item, ' ');
        if (space) {
            *space = '\0';
            s->meta[n].key = item;
            s->meta[n].value = space + 1;
            n++;
        }
        p += strcspn(p, ",");
    }
    return n;
}

/* A field the transaction may not have: written only when it was seen. */
static void put_view(struct json_writer *j, const char *key, const struct byte_view *v)
{
    if (v->p)
        json_kv_strn(j, key, v->p, v->n);
}

static void http_object(struct json_writer *j, const struct http_txn *t)
{
    json_key(j, "http");
    json_object_begin(j);
    put_view(j, "hostname", &t->host);
    put_view(j, "url", &t->raw_uri);
    put_view(j, "http_user_agent", &t->user_agent);
    if (t->response_content_type.p) { /* the media type, without parameters, as Suricata's http logger */
        const uint8_t *semi = memchr(t->response_content_type.p, ';', t->response_content_type.n);
        size_t len = semi ? (size_t)(semi - t->response_content_type.p) : t->response_content_type.n;
        json_kv_strn(j, "http_content_type", t->response_content_type.p, len);
    }
    put_view(j, "http_method", &t->method);
    put_view(j, "protocol", &t->request_protocol);
    if (t->has_status)
        json_kv_uint(j, "status", t->status_code);
    json_kv_uint(j, "length", t->response_body_len);
    json_object_end(j);
}

static void dns_object(struct json_writer *j, const struct dns_txn *t)
{
    const struct dns_message *m = t->msg;
    if (!m)
        return;
    json_key(j, "dns");
    json_object_begin(j);
    /* Suricata 7's alert layout; its schema wants the version it is in */
    json_kv_uint(j, "version", 2);
    json_key(j, "query");
    json_array_begin(j);
    for (size_t i = 0; i < m->n_questions; i++) {
        char tmp[16];
        json_object_begin(j);
        json_kv_str(j, "type", "query");
        json_kv_uint(j, "id", m->id);
        json_kv_strn(j, "rrname", m->questions[i].name.p, m->questions[i].name.n);
        json_kv_str(j, "rrtype", dns_suricata_rrtype_name(m->questions[i].qtype, tmp, sizeof tmp));
        json_kv_uint(j, "tx_id", m->tx_id);
        json_object_end(j);
    }
    json_array_end(j);
    json_object_end(j);
}

static void tls_object(struct json_writer *j, const struct tls_txn *t)
{
    json_key(j, "tls");
    json_object_begin(j);
    if (t->has_server_cert) {
        json_kv_str(j, "subject", t->subject);
        json_kv_str(j, "issuerdn", t->issuerdn);
        json_kv_str(j, "serial", t->serial);
        json_kv_str(j, "fingerprint", t->fingerprint);
    }
    if (t->server_name.set)
        json_kv_strn(j, "sni", t->server_name.text, t->server_name.len);
    if (t->has_ja3)
        json_kv_str_object(j, "ja3", (const struct json_str_member[]){{"hash", t->ja3_hash, JSON_CSTR},
                                                                      {"string", t->ja3, t->ja3_len}}, 2);
    json_object_end(j);
}

static void ssh_side(struct json_writer *j, const char *key, const struct ssh_side *s)
{
    if (!s->has_banner)
        return;
    json_key(j, key);
    json_object_begin(j);
    json_kv_strn(j, "proto_version", s->banner + s->proto_version_off, s->proto_version_len);
    json_kv_strn(j, "software_version", s->banner + s->software_version_off, s->software_version_len);
    json_object_end(j);
}

static void smtp_object(struct json_writer *j, const struct smtp_txn *t)
{
    json_key(j, "smtp");
    json_object_begin(j);
    put_view(j, "helo", &t->helo);
    put_view(j, "mail_from", &t->mail_from_raw);
    if (t->n_rcptto) {
        json_key(j, "rcpt_to");
        json_array_begin(j);
        for (size_t i = 0; i < t->n_rcptto; i++)
            json_string(j, t->rcptto[i].p, t->rcptto[i].n);
        json_array_end(j);
    }
    json_object_end(j);
}

/* Suricata's `traffic` object: the flow's traffic/id/ and traffic/label/ flowbits. */
static void traffic_object(struct json_writer *j, const struct sig_flow_tags *t)
{
    if (t)
        json_kv_traffic(j, t->ids, t->n_ids, t->labels, t->n_labels);
}

/* The transaction's app-layer object and the flow's traffic object as JSON
 * members (no braces). */
static const char *app_object(int kind, const void *txn, const struct sig_flow_tags *tags,
                              struct sig_report_scratch *s)
{
    struct buf *b = &s->extra;
    b->len = 0;
    b->failed = false;
    struct json_writer j;
    json_init(&j, b, JSON_SURICATA);
    json_object_begin(&j);
    switch (kind) {
    case EVENT_HTTP: http_object(&j, txn); break;
    case EVENT_DNS: dns_object(&j, txn); break;
    case EVENT_TLS: tls_object(&j, txn); break;
    case EVENT_SSH: {
        const struct ssh_txn *t = txn;
        json_key(&j, "ssh");
        json_object_begin(&j);
        ssh_side(&j, "client", &t->client);
        ssh_side(&j, "server", &t->server);
        json_object_end(&j);
        break;
    }
    case EVENT_SMTP: smtp_object(&j, txn); break;
    default: break;
    }
    traffic_object(&j, tags);
    json_object_end(&j);
    if (!json_complete(&j) || b->failed || b->len < 3)
        return NULL;
    b->data[b->len - 1] = '\0'; /* drop the closing brace; the opening one is skipped */
    return b->data + 1;
}

static const char *app_proto_name(int kind, const void *txn)
{
    switch (kind) {
    case EVENT_SMB: return "smb";
    case EVENT_DCE_RPC: return ((const struct dce_rpc_txn *)txn)->smb ? "smb" : "dcerpc";
    case EVENT_HTTP: return "http";
    case EVENT_DNS: return "dns";
    case EVENT_TLS: return "tls";
    case EVENT_SSH: return "ssh";
    case EVENT_SMTP: return "smtp";
    case EVENT_QUIC: return "quic";
    case EVENT_DHCP: return "dhcp";
    case EVENT_KRB: return "krb5";
    default: return NULL;
    }
}

/* A reassembled datagram: the whole datagram behind the frame's link and
 * tunnel headers, as Suricata logs its reassembled packet (a raw-IP link
 * has none: the datagram alone). Out of memory: the frame stays. */
static void reassembled_frame(struct alert *a, const struct packet *f, struct buf *frame)
{
    bool raw = f->linktype == LINKTYPE_RAW || f->linktype == LINKTYPE_IPV4 || f->linktype == LINKTYPE_IPV6;
    if (raw) {
        a->packet = f->l3;
        a->packet_len = f->l3_caplen;
        return;
    }
    if (!f->frag_prefix_len)
        return;
    buf_reset(frame);
    buf_append(frame, f->data, f->frag_prefix_len);
    buf_append(frame, f->l3, f->l3_caplen);
    if (frame->failed)
        return;
    a->packet = (const uint8_t *)frame->data;
    a->packet_len = frame->len;
}

/* The bytes the rule was matched on, and the frame of a packet match;
 * output/ writes them when its alert payload/packet options ask. */
static void inspected_bytes(struct alert *a, const struct sig_match *m, struct buf *frame)
{
    if (m->stream) {
        a->payload = m->stream;
        a->payload_len = m->stream_len;
        a->stream = true;
    } else if (m->pkt) {
        a->payload = m->pkt->payload ? m->pkt->payload : (const uint8_t *)"";
        a->payload_len = m->pkt->payload ? m->pkt->payload_caplen : 0;
    }
    const struct packet *f = m->frame;
    if (f) {
        a->packet = f->data;
        a->packet_len = f->caplen;
        a->linktype = f->linktype;
        if (f->reassembled)
            reassembled_frame(a, f, frame);
    }
}

void sig_report_init(struct sig_report_scratch *s)
{
    buf_init(&s->extra, 1024, 64 * 1024);
    buf_init(&s->frame, 0, 128 * 1024); /* link and tunnel headers and an IP datagram */
}

void sig_report_free(struct sig_report_scratch *s)
{
    buf_free(&s->extra);
    buf_free(&s->frame);
}

void sig_report(const struct detect_sink *sink, const struct sig_match *m, struct sig_report_scratch *s)
{
    const struct sig_rule *r = m->rule;
    struct alert a = {
        .ts_us = m->ts_us,
        .gid = r->gid,
        .signature_id = r->sid,
        .rev = r->rev,
        .rev_exact = true, /* no rev: is rev 0, as Suricata prints it */
        .signature = r->msg,
        .category = r->class_msg ? r->class_msg : "",
        .severity = r->priority,
        .action = "allowed", /* passive, as Suricata in IDS mode: drop and reject rules alert */
        .rule_file = m->rule_file,
        .note = "Signatures::Sensitive_Signature",
        .meta = s->meta,
        .n_meta = parse_metadata(r->metadata, s),
    };
    if (m->conn) {
        alert_set_app_conn(&a, m->conn);
        a.to_client = !m->to_server;
        a.has_flow_counts = true;
        a.pkts_toserver = m->conn->pkts_toserver;
        a.pkts_toclient = m->conn->pkts_toclient;
        a.bytes_toserver = m->conn->bytes_toserver;
        a.bytes_toclient = m->conn->bytes_toclient;
        a.flow_start_us = m->conn->start_us;
    } else {
        a.orig_h = m->src;
        a.resp_h = m->dst;
        a.orig_p = m->sp;
        a.resp_p = m->dp;
        a.proto = m->ipproto;
    }
    if (m->kind >= 0)
        a.app_proto = app_proto_name(m->kind, m->txn);
    a.eve_extra = app_object(m->kind, m->txn, m->tags, s);
    inspected_bytes(&a, m, &s->frame);
    const struct packet *raised_by = m->pkt ? m->pkt : m->frame;
    a.packet_number = raised_by ? raised_by->number : m->conn ? m->conn->packet_number : 0;
    /* Zeek's signature notices: "src: msg". */
    char src[IP_ADDR_STRLEN];
    ip_addr_format(&m->src, src, sizeof src);
    snprintf(s->notice_msg, sizeof s->notice_msg, "%s: %s", src, r->msg);
    a.notice_msg = s->notice_msg;
    snprintf(s->notice_sub, sizeof s->notice_sub, "%s:%u", m->rule_file, r->line);
    a.sub = s->notice_sub; /* the rule's file and line */
    a.has_src = a.has_dst = true;
    a.src = m->src;
    a.dst = m->dst;
    sink_alert(sink, &a);
}
