/* http.log as Zeek 7/8 writes it (base/protocols/http/main.zeek, with the
 * file fields of base/protocols/http/entities.zeek filled from the files
 * layer), and Suricata's EVE http event with its default
 * "extended" fields (output-json-http.c). */
#include "output/http_log.h"

#include "output/conn_id.h"

#include <string.h>
#include <strings.h>

#include "output/eve.h"
#include "output/zeek_log.h"

static const struct zeek_field http_fields[] = {
    ZEEK_FIELDS_TS_UID_ID,
    {"trans_depth", ZEEK_COUNT},
    {"method", ZEEK_STRING},
    {"host", ZEEK_STRING},
    {"uri", ZEEK_STRING},
    {"referrer", ZEEK_STRING},
    {"version", ZEEK_STRING},
    {"user_agent", ZEEK_STRING},
    {"origin", ZEEK_STRING},
    {"request_body_len", ZEEK_COUNT},
    {"response_body_len", ZEEK_COUNT},
    {"status_code", ZEEK_COUNT},
    {"status_msg", ZEEK_STRING},
    {"info_code", ZEEK_COUNT},
    {"info_msg", ZEEK_STRING},
    {"tags", ZEEK_SET_ENUM},
    {"username", ZEEK_STRING},
    {"password", ZEEK_STRING},
    {"proxied", ZEEK_SET_STRING},
    {"orig_fuids", ZEEK_VECTOR_STRING},
    {"orig_filenames", ZEEK_VECTOR_STRING},
    {"orig_mime_types", ZEEK_VECTOR_STRING},
    {"resp_fuids", ZEEK_VECTOR_STRING},
    {"resp_filenames", ZEEK_VECTOR_STRING},
    {"resp_mime_types", ZEEK_VECTOR_STRING},
};
static const struct zeek_schema http_schema = ZEEK_SCHEMA("http", http_fields);

/* entities.zeek: the fuids of every file, the names of those that have
 * one, the MIME types of those that were identified; each unset when empty. */
static void write_files(struct zrow *r, const struct http_txn *t, int dir)
{
    size_t n = t->n_files[dir] < HTTP_MAX_FILES ? t->n_files[dir] : HTTP_MAX_FILES;
    const struct http_file_ref *f = t->files[dir];
    if (n == 0) {
        zrow_unset(r);
    } else {
        zrow_list_begin(r);
        for (size_t i = 0; i < n; i++)
            zrow_item_cstr(r, f[i].fuid);
        zrow_list_end(r);
    }
    size_t named = 0, typed = 0;
    for (size_t i = 0; i < n; i++) {
        named += f[i].filename.p != NULL;
        typed += f[i].mime_type != NULL && f[i].mime_type[0] != '\0';
    }
    if (named == 0) {
        zrow_unset(r);
    } else {
        zrow_list_begin(r);
        for (size_t i = 0; i < n; i++)
            if (f[i].filename.p != NULL)
                zrow_item_string(r, f[i].filename.p, f[i].filename.n);
        zrow_list_end(r);
    }
    if (typed == 0) {
        zrow_unset(r);
    } else {
        zrow_list_begin(r);
        for (size_t i = 0; i < n; i++)
            if (f[i].mime_type != NULL && f[i].mime_type[0] != '\0')
                zrow_item_cstr(r, f[i].mime_type);
        zrow_list_end(r);
    }
}

static void write_zeek(struct output_worker *w, const struct app_conn *c, const struct http_txn *t)
{
    struct zrow *r = zrow_begin_conn(w, &http_schema, t->ts_us, c);
    if (r == NULL)
        return;
    zrow_count(r, t->trans_depth);
    zrow_view(r, t->method);
    zrow_view(r, t->host);
    zrow_view(r, t->uri);
    zrow_view(r, t->referrer);
    zrow_view(r, t->version);
    zrow_view(r, t->user_agent);
    zrow_view(r, t->origin);
    zrow_count(r, t->request_body_len);
    zrow_count(r, t->response_body_len);
    if (zrow_present(r, t->has_status))
        zrow_count(r, t->status_code);
    zrow_view(r, t->status_msg);
    if (zrow_present(r, t->has_info))
        zrow_count(r, t->info_code);
    zrow_view(r, t->info_msg);
    zrow_list_begin(r); /* tags: always present, empty until a script adds one */
    zrow_list_end(r);
    zrow_view(r, t->username);
    zrow_view(r, t->password);
    if (t->n_proxied == 0) {
        zrow_unset(r);
    } else {
        zrow_list_begin(r);
        for (size_t i = 0; i < t->n_proxied && i < HTTP_MAX_PROXIED; i++)
            zrow_item_string(r, t->proxied[i].p, t->proxied[i].n);
        zrow_list_end(r);
    }
    write_files(r, t, 0);
    write_files(r, t, 1);
    zrow_end(r);
}

/* libhtp's normalised hostname: from an absolute URI or the Host header,
 * port removed, lower case, trailing dots dropped. */
struct host_parts {
    char name[256];
    size_t name_len;
    bool has_port;
    unsigned port;
};

static void split_host(const uint8_t *p, size_t n, struct host_parts *out)
{
    memset(out, 0, sizeof *out);
    size_t end = n;
    if (n > 0 && p[0] == '[') {
        const uint8_t *close = memchr(p, ']', n);
        if (close != NULL)
            end = (size_t)(close - p) + 1;
    } else {
        const uint8_t *colon = memchr(p, ':', n);
        if (colon != NULL)
            end = (size_t)(colon - p);
    }
    if (end < n && p[end] == ':') {
        unsigned port = 0;
        size_t digits = 0;
        for (size_t i = end + 1; i < n && p[i] >= '0' && p[i] <= '9' && digits < 6; i++, digits++)
            port = port * 10 + (unsigned)(p[i] - '0');
        if (digits > 0 && end + 1 + digits == n && port > 0 && port <= 65535) {
            out->has_port = true;
            out->port = port;
        }
    }
    while (end > 0 && p[end - 1] == '.')
        end--;
    if (end >= sizeof out->name)
        end = sizeof out->name - 1;
    for (size_t i = 0; i < end; i++) {
        uint8_t ch = p[i];
        out->name[i] = (char)((ch >= 'A' && ch <= 'Z') ? ch + 32 : ch);
    }
    out->name_len = end;
}

static bool hostname_of(const struct http_txn *t, struct host_parts *out)
{
    const struct byte_view *u = &t->raw_uri;
    static const char *const schemes[] = {"http://", "https://"};
    for (size_t s = 0; u->p != NULL && s < 2; s++) {
        size_t k = strlen(schemes[s]);
        if (u->n > k && strncasecmp((const char *)u->p, schemes[s], k) == 0) {
            const uint8_t *a = u->p + k;
            size_t an = u->n - k, e = 0;
            while (e < an && a[e] != '/' && a[e] != '?' && a[e] != '#')
                e++;
            const uint8_t *at = memchr(a, '@', e);
            if (at != NULL) {
                e -= (size_t)(at + 1 - a);
                a = at + 1;
            }
            split_host(a, e, out);
            return true;
        }
    }
    if (t->host.p == NULL)
        return false;
    size_t i = 0, n = t->host.n;
    while (i < n && (t->host.p[i] == ' ' || t->host.p[i] == '\t'))
        i++;
    while (n > i && (t->host.p[n - 1] == ' ' || t->host.p[n - 1] == '\t'))
        n--;
    split_host(t->host.p + i, n - i, out);
    return true;
}

static void write_eve(struct output_worker *w, const struct app_conn *c, const struct http_txn *t)
{
    /* A reply without a request (a one-sided or mid-stream capture) is a
     * transaction of its own for Suricata too (libhtp makes one). */
    struct json_writer *j = eve_begin_app(w, c, true, t->ts_us, "http");
    if (j == NULL)
        return;
    eve_community_id(j, c->community_id);
    json_kv_uint(j, "tx_id", t->trans_depth > 0 ? t->trans_depth - 1 : 0);
    json_key(j, "http");
    json_object_begin(j);
    struct host_parts host;
    if (hostname_of(t, &host)) {
        json_kv_strn(j, "hostname", host.name, host.name_len);
        if (host.has_port)
            json_kv_uint(j, "http_port", host.port);
    }
    eve_kv_view(j, "url", t->raw_uri);
    eve_kv_view(j, "http_user_agent", t->user_agent);
    eve_kv_view(j, "xff", t->xff);
    if (t->response_content_type.p != NULL) {
        const uint8_t *semi = memchr(t->response_content_type.p, ';', t->response_content_type.n);
        size_t len = semi ? (size_t)(semi - t->response_content_type.p) : t->response_content_type.n;
        json_kv_strn(j, "http_content_type", t->response_content_type.p, len);
    }
    if (t->content_range.p != NULL) {
        json_key(j, "content_range");
        json_object_begin(j);
        json_kv_strn(j, "raw", t->content_range.p, t->content_range.n);
        json_object_end(j);
    }
    eve_kv_view(j, "http_refer", t->referrer);
    eve_kv_view(j, "http_method", t->method);
    eve_kv_view(j, "protocol", t->request_protocol);
    if (t->has_status && t->response_seen && t->status_code > 0) {
        json_kv_uint(j, "status", t->status_code);
        eve_kv_view(j, "redirect", t->location);
    } else if (t->has_status && t->response_seen && t->status_token.p != NULL) {
        /* Suricata: the status as sent when libhtp finds no number in it */
        json_kv_strn(j, "status_string", t->status_token.p, t->status_token.n);
    }
    json_kv_uint(j, "length", t->response_transfer_len);
    json_object_end(j);
    eve_end(w);
}

TXN_WRITER_ZEEK_EVE(http, struct http_txn);
