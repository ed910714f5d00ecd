/* The sticky buffers over Vigil's transactions: which bytes of an HTTP,
 * DNS, TLS, SSH, SMTP, Kerberos, SMB or DCE-RPC transaction each rule
 * buffer names. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "proto/event-t.h"
#include "proto/dce_rpc-t.h"
#include "proto/dns-t.h"
#include "proto/http-t.h"
#include "proto/krb-t.h"
#include "proto/smb-t.h"
#include "proto/smtp-t.h"
#include "proto/ssh-t.h"
#include "proto/tls-t.h"
#include "sig/buffers.h"

/* The value of header `name` in a "Name: value\r\n" block. */
static bool header_value(const struct byte_view *block, const char *name, struct sig_bytes *out)
{
    if (!block->p)
        return false;
    size_t nl = strlen(name);
    const uint8_t *p = block->p, *end = block->p + block->n;
    while (p < end) {
        const uint8_t *eol = memchr(p, '\r', (size_t)(end - p));
        if (!eol)
            eol = end;
        if ((size_t)(eol - p) > nl + 1 && p[nl] == ':' && strncasecmp((const char *)p, name, nl) == 0) {
            const uint8_t *v = p + nl + 1;
            while (v < eol && *v == ' ')
                v++;
            out->p = v;
            out->n = (size_t)(eol - v);
            return true;
        }
        p = eol + 2;
    }
    return false;
}

/* "Name1\r\nName2\r\n...\r\n" as Suricata's http.header_names, with a leading CRLF. */
static bool header_names(const struct byte_view *block, struct sig_scratch *s, struct sig_bytes *out)
{
    if (!block->p)
        return false;
    size_t o = 0;
    const uint8_t *p = block->p, *end = block->p + block->n;
    if (o + 2 <= sizeof s->data) {
        memcpy(s->data, "\r\n", 2);
        o = 2;
    }
    while (p < end) {
        const uint8_t *colon = memchr(p, ':', (size_t)(end - p));
        const uint8_t *eol = memchr(p, '\r', (size_t)(end - p));
        if (!colon || !eol)
            break;
        size_t n = (size_t)(colon - p);
        if (o + n + 2 > sizeof s->data)
            break;
        memcpy(s->data + o, p, n);
        memcpy(s->data + o + n, "\r\n", 2);
        o += n + 2;
        p = eol + 2;
    }
    out->p = s->data;
    out->n = o;
    return true;
}

static bool from_str(const struct byte_view *h, struct sig_bytes *out)
{
    if (!h->p)
        return false;
    out->p = h->p;
    out->n = h->n;
    return true;
}

static bool from_text(const char *t, size_t n, struct sig_bytes *out)
{
    if (n == 0)
        return false;
    out->p = (const uint8_t *)t;
    out->n = n;
    return true;
}

static bool print_scratch(struct sig_scratch *s, struct sig_bytes *out, int n)
{
    if (n <= 0)
        return false;
    out->p = s->data;
    out->n = (size_t)n < sizeof s->data ? (size_t)n : sizeof s->data - 1;
    return true;
}

static bool http_buffer(const struct http_txn *t, unsigned b, bool response, struct sig_scratch *s,
                        struct sig_bytes *out)
{
    const struct byte_view *headers = response ? &t->response_headers : &t->request_headers;
    switch (b) {
    case SIG_BUF_HTTP_URI: return from_str(&t->uri, out);
    case SIG_BUF_HTTP_URI_RAW: return from_str(&t->raw_uri, out);
    case SIG_BUF_HTTP_METHOD: return from_str(&t->method, out);
    case SIG_BUF_HTTP_HOST:
        if (!t->host.p)
            return false;
        for (size_t i = 0; i < t->host.n && i < sizeof s->data; i++) {
            s->data[i] = (uint8_t)tolower(t->host.p[i]);
            if (t->host.p[i] == ':') {
                out->n = i; /* Suricata's normalised host: no port, lower case */
                out->p = s->data;
                return true;
            }
        }
        out->p = s->data;
        out->n = t->host.n < sizeof s->data ? t->host.n : sizeof s->data;
        return true;
    case SIG_BUF_HTTP_HOST_RAW: return from_str(&t->host, out);
    case SIG_BUF_HTTP_USER_AGENT: return from_str(&t->user_agent, out);
    case SIG_BUF_HTTP_HEADER:
    case SIG_BUF_HTTP_HEADER_RAW: return from_str(headers, out);
    case SIG_BUF_HTTP_HEADER_NAMES: return header_names(headers, s, out);
    case SIG_BUF_HTTP_REQUEST_LINE:
        if (!t->method.p || !t->raw_uri.p)
            return false;
        return print_scratch(s, out, snprintf((char *)s->data, sizeof s->data, "%.*s %.*s%s%.*s", (int)t->method.n,
                                              (const char *)t->method.p, (int)t->raw_uri.n,
                                              (const char *)t->raw_uri.p, t->request_protocol.n ? " " : "",
                                              (int)t->request_protocol.n, (const char *)t->request_protocol.p));
    case SIG_BUF_HTTP_START:
        if (!t->method.p || !t->raw_uri.p)
            return false;
        return print_scratch(s, out, snprintf((char *)s->data, sizeof s->data, "%.*s %.*s %.*s\r\n%.*s\r\n",
                                              (int)t->method.n, (const char *)t->method.p, (int)t->raw_uri.n,
                                              (const char *)t->raw_uri.p, (int)t->request_protocol.n,
                                              (const char *)t->request_protocol.p, (int)t->request_headers.n,
                                              (const char *)t->request_headers.p));
    case SIG_BUF_HTTP_REQUEST_BODY:
        return t->request_body_head_len && from_text((const char *)t->request_body_head, t->request_body_head_len, out);
    case SIG_BUF_HTTP_RESPONSE_BODY:
        return t->response_body_head_len &&
               from_text((const char *)t->response_body_head, t->response_body_head_len, out);
    case SIG_BUF_FILE_DATA:
        if (response)
            return t->response_body_head_len &&
                   from_text((const char *)t->response_body_head, t->response_body_head_len, out);
        return t->request_body_head_len && from_text((const char *)t->request_body_head, t->request_body_head_len, out);
    case SIG_BUF_HTTP_STAT_CODE:
        return t->has_status && print_scratch(s, out, snprintf((char *)s->data, sizeof s->data, "%u", t->status_code));
    case SIG_BUF_HTTP_STAT_MSG: return from_str(&t->status_msg, out);
    case SIG_BUF_HTTP_RESPONSE_LINE:
        if (!t->has_status)
            return false;
        return print_scratch(s, out, snprintf((char *)s->data, sizeof s->data, "HTTP/%.*s %u %.*s", (int)t->version.n,
                                              (const char *)t->version.p, t->status_code, (int)t->status_msg.n,
                                              (const char *)t->status_msg.p));
    case SIG_BUF_HTTP_PROTOCOL:
        if (response)
            return t->version.p && print_scratch(s, out, snprintf((char *)s->data, sizeof s->data, "HTTP/%.*s",
                                                                  (int)t->version.n, (const char *)t->version.p));
        return from_str(&t->request_protocol, out);
    case SIG_BUF_HTTP_COOKIE: return header_value(headers, response ? "Set-Cookie" : "Cookie", out);
    case SIG_BUF_HTTP_CONTENT_TYPE: return header_value(headers, "Content-Type", out);
    case SIG_BUF_HTTP_CONTENT_LEN: return header_value(headers, "Content-Length", out);
    case SIG_BUF_HTTP_SERVER: return header_value(&t->response_headers, "Server", out);
    case SIG_BUF_HTTP_LOCATION: return header_value(&t->response_headers, "Location", out);
    case SIG_BUF_HTTP_REFERER: return from_str(&t->referrer, out);
    case SIG_BUF_HTTP_ACCEPT: return header_value(&t->request_headers, "Accept", out);
    case SIG_BUF_HTTP_ACCEPT_ENC: return header_value(&t->request_headers, "Accept-Encoding", out);
    case SIG_BUF_HTTP_ACCEPT_LANG: return header_value(&t->request_headers, "Accept-Language", out);
    case SIG_BUF_HTTP_CONNECTION: return header_value(headers, "Connection", out);
    default: return false;
    }
}

/* The index-th certificate of a TLS certificate_list (3-byte lengths). */
static bool tls_cert(const struct tls_txn *t, unsigned index, struct sig_bytes *out)
{
    const uint8_t *p = t->server_chain;
    size_t n = t->server_chain_len;
    for (unsigned i = 0; p && n >= 3; i++) {
        size_t len = (size_t)p[0] << 16 | (size_t)p[1] << 8 | p[2];
        if (len > n - 3)
            return false;
        if (i == index) {
            out->p = p + 3;
            out->n = len;
            return true;
        }
        p += 3 + len;
        n -= 3 + len;
    }
    return false;
}

static bool tls_buffer(const struct tls_txn *t, unsigned b, unsigned index, struct sig_bytes *out)
{
    switch (b) {
    case SIG_BUF_TLS_SNI: return t->server_name.set && from_text(t->server_name.text, t->server_name.len, out);
    case SIG_BUF_TLS_CERTS: return tls_cert(t, index, out);
    case SIG_BUF_TLS_CERT_SUBJECT: return t->has_server_cert && from_text(t->subject, t->subject_len, out);
    case SIG_BUF_TLS_CERT_ISSUER: return t->has_server_cert && from_text(t->issuerdn, t->issuerdn_len, out);
    case SIG_BUF_TLS_CERT_SERIAL: return t->has_server_cert && from_text(t->serial, strlen(t->serial), out);
    case SIG_BUF_TLS_CERT_FINGERPRINT:
        return t->has_server_cert && from_text(t->fingerprint, strlen(t->fingerprint), out);
    case SIG_BUF_JA3_HASH: return t->has_ja3 && from_text(t->ja3_hash, strlen(t->ja3_hash), out);
    case SIG_BUF_JA3_STRING: return t->has_ja3 && from_text(t->ja3, t->ja3_len, out);
    case SIG_BUF_JA3S_HASH: return t->has_ja3s && from_text(t->ja3s_hash, strlen(t->ja3s_hash), out);
    case SIG_BUF_JA3S_STRING: return t->has_ja3s && from_text(t->ja3s, t->ja3s_len, out);
    case SIG_BUF_JA4_HASH: return t->has_ja4 && from_text(t->ja4, strlen(t->ja4), out);
    default: return false;
    }
}

static bool ssh_buffer(const struct ssh_txn *t, unsigned b, bool response, struct sig_bytes *out)
{
    const struct ssh_side *side = response ? &t->server : &t->client;
    if (!side->has_banner)
        return false;
    if (b == SIG_BUF_SSH_PROTO)
        return from_text(side->banner + side->proto_version_off, side->proto_version_len, out);
    if (b == SIG_BUF_SSH_SOFTWARE)
        return from_text(side->banner + side->software_version_off, side->software_version_len, out);
    return false;
}

static bool smtp_str(const struct byte_view *s, struct sig_bytes *out)
{
    return s->p && from_text((const char *)s->p, s->n, out);
}

static bool smtp_buffer(const struct smtp_txn *t, unsigned b, unsigned index, struct sig_bytes *out)
{
    switch (b) {
    case SIG_BUF_SMTP_HELO: return index == 0 && smtp_str(&t->helo, out);
    case SIG_BUF_SMTP_MAIL_FROM: return index == 0 && smtp_str(&t->mailfrom, out);
    case SIG_BUF_SMTP_RCPT_TO: return index < t->n_rcptto && smtp_str(&t->rcptto[index], out);
    case SIG_BUF_EMAIL_FROM: return index == 0 && smtp_str(&t->from, out);
    case SIG_BUF_EMAIL_SUBJECT: return index == 0 && smtp_str(&t->subject, out);
    case SIG_BUF_EMAIL_TO: return index < t->n_to && smtp_str(&t->to[index], out);
    default: return false;
    }
}

static bool dns_buffer(const struct dns_txn *t, unsigned b, unsigned index, struct sig_bytes *out)
{
    const struct dns_message *m = t->msg;
    if (b != SIG_BUF_DNS_QUERY || !m || m->qr || index >= m->n_questions)
        return false;
    return from_text((const char *)m->questions[index].name.p, m->questions[index].name.n, out);
}

/* The index-th '/'-separated name of a principal. */
static bool krb_name_part(const struct krb_text *t, unsigned index, struct sig_bytes *out)
{
    if (!t->set)
        return false;
    size_t start = 0;
    for (unsigned i = 0;; i++) {
        size_t end = start;
        while (end < t->len && t->text[end] != '/')
            end++;
        if (i == index)
            return from_text(t->text + start, end - start, out);
        if (end >= t->len)
            return false;
        start = end + 1;
    }
}

static bool krb_number(int64_t v, struct sig_scratch *s, struct sig_bytes *out)
{
    int n = snprintf((char *)s->data, sizeof s->data, "%lld", (long long)v);
    return n > 0 && from_text((const char *)s->data, (size_t)n, out);
}

static bool krb_buffer(const struct krb_txn *t, unsigned b, unsigned index, struct sig_scratch *s,
                       struct sig_bytes *out)
{
    const struct krb_message *m = t->msg;
    if (m == NULL)
        return false;
    switch (b) {
    case SIG_BUF_KRB5_CNAME: return krb_name_part(&m->cname, index, out);
    case SIG_BUF_KRB5_SNAME: return krb_name_part(&m->sname, index, out);
    case SIG_BUF_KRB5_MSG_TYPE: return index == 0 && krb_number(m->msg_type, s, out);
    case SIG_BUF_KRB5_ERR_CODE: return index == 0 && m->has_error && krb_number(m->error_code, s, out);
    default: return false;
    }
}

/* Suricata's SMB buffers are those of one transaction: the tree connect's
 * share (as a share or as a named pipe) and the session setup's NTLMSSP. */
static bool smb_buffer(const struct smb_txn *t, unsigned b, struct sig_bytes *out)
{
    switch (b) {
    case SIG_BUF_SMB_SHARE: return t->share && !t->is_pipe && from_text(t->share, strlen(t->share), out);
    case SIG_BUF_SMB_NAMED_PIPE: return t->share && t->is_pipe && from_text(t->share, strlen(t->share), out);
    case SIG_BUF_SMB_NTLMSSP_USER: return t->ntlmssp_user && from_text(t->ntlmssp_user, strlen(t->ntlmssp_user), out);
    case SIG_BUF_SMB_NTLMSSP_DOMAIN:
        return t->ntlmssp_domain && from_text(t->ntlmssp_domain, strlen(t->ntlmssp_domain), out);
    default: return false;
    }
}

static bool dcerpc_buffer(const struct dce_rpc_txn *t, unsigned b, bool response, struct sig_bytes *out)
{
    if (b != SIG_BUF_DCERPC_STUB_DATA || response || t->stub == NULL)
        return false;  /* the response's stub is not kept */
    return from_text((const char *)t->stub, t->stub_len, out);
}

bool sig_txn_dcerpc(int kind, const void *txn, const char **iface, uint16_t *version, uint16_t *opnum)
{
    if (kind != EVENT_DCE_RPC)
        return false;
    const struct dce_rpc_txn *t = txn;
    *iface = t->uuid;
    *version = t->if_version;
    *opnum = t->opnum;
    return true;
}

bool sig_txn_buffer(int kind, const void *txn, unsigned buffer, unsigned index, bool response,
                    struct sig_scratch *s, struct sig_bytes *out)
{
    switch (kind) {
    case EVENT_HTTP: return index == 0 && http_buffer(txn, buffer, response, s, out);
    case EVENT_TLS: return (index == 0 || buffer == SIG_BUF_TLS_CERTS) && tls_buffer(txn, buffer, index, out);
    case EVENT_SSH: return index == 0 && ssh_buffer(txn, buffer, response, out);
    case EVENT_SMTP: return smtp_buffer(txn, buffer, index, out);
    case EVENT_DNS: return dns_buffer(txn, buffer, index, out);
    case EVENT_KRB: return krb_buffer(txn, buffer, index, s, out);
    case EVENT_SMB: return index == 0 && smb_buffer(txn, buffer, out);
    case EVENT_DCE_RPC: return index == 0 && dcerpc_buffer(txn, buffer, response, out);
    default: return false;
    }
}

int sig_app_of_txn(int kind, const void *txn)
{
    switch (kind) {
    case EVENT_HTTP: return SIG_APP_HTTP;
    case EVENT_TLS: return SIG_APP_TLS;
    case EVENT_DNS: return SIG_APP_DNS;
    case EVENT_SSH: return SIG_APP_SSH;
    case EVENT_SMTP: return SIG_APP_SMTP;
    case EVENT_QUIC: return SIG_APP_QUIC;
    case EVENT_DHCP: return SIG_APP_DHCP;
    case EVENT_KRB: return SIG_APP_KRB5;
    case EVENT_SMB: return SIG_APP_SMB;
    case EVENT_DCE_RPC: return ((const struct dce_rpc_txn *)txn)->smb ? SIG_APP_SMB : SIG_APP_DCERPC;
    default: return SIG_APP_NONE;
    }
}

/* Buffers only a response carries. */
bool sig_buffer_is_response(unsigned b)
{
    return b == SIG_BUF_HTTP_STAT_CODE || b == SIG_BUF_HTTP_STAT_MSG || b == SIG_BUF_HTTP_RESPONSE_LINE ||
           b == SIG_BUF_HTTP_RESPONSE_BODY || b == SIG_BUF_HTTP_SERVER || b == SIG_BUF_HTTP_LOCATION ||
           b == SIG_BUF_TLS_CERTS || b == SIG_BUF_TLS_CERT_SUBJECT || b == SIG_BUF_TLS_CERT_ISSUER ||
           b == SIG_BUF_TLS_CERT_SERIAL || b == SIG_BUF_TLS_CERT_FINGERPRINT || b == SIG_BUF_JA3S_HASH ||
           b == SIG_BUF_JA3S_STRING;
}

/* Buffers read from the request or the response as the rule's direction says. */
bool sig_buffer_has_sides(unsigned b)
{
    return b == SIG_BUF_HTTP_HEADER || b == SIG_BUF_HTTP_HEADER_RAW || b == SIG_BUF_HTTP_HEADER_NAMES ||
           b == SIG_BUF_FILE_DATA || b == SIG_BUF_HTTP_COOKIE || b == SIG_BUF_HTTP_CONTENT_TYPE ||
           b == SIG_BUF_HTTP_CONTENT_LEN || b == SIG_BUF_HTTP_PROTOCOL || b == SIG_BUF_HTTP_CONNECTION ||
           b == SIG_BUF_SSH_PROTO || b == SIG_BUF_SSH_SOFTWARE;
}

/* Buffers only a request carries. */
bool sig_buffer_is_request(unsigned b)
{
    return (b >= SIG_BUF_HTTP_URI && b <= SIG_BUF_HTTP_USER_AGENT) || b == SIG_BUF_HTTP_REQUEST_LINE ||
           b == SIG_BUF_HTTP_REQUEST_BODY || b == SIG_BUF_HTTP_REFERER || b == SIG_BUF_HTTP_START ||
           b == SIG_BUF_HTTP_ACCEPT || b == SIG_BUF_HTTP_ACCEPT_ENC || b == SIG_BUF_HTTP_ACCEPT_LANG ||
           b == SIG_BUF_DNS_QUERY || b == SIG_BUF_TLS_SNI || b == SIG_BUF_JA3_HASH || b == SIG_BUF_JA3_STRING ||
           b == SIG_BUF_JA4_HASH || (b >= SIG_BUF_SMTP_HELO && b <= SIG_BUF_EMAIL_TO);
}
