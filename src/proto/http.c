/* HTTP/1.x over reassembled TCP, following Zeek's HTTP analyzer
 * (src/analyzer/protocol/http/HTTP.cc) for framing and weirds, and its
 * base/protocols/http/main.zeek for request/response pairing and for when a
 * row is written.
 *
 * Each direction is a small state machine: start line, headers (with
 * obsolete folding), then a body framed by chunking, Content-Length or the
 * connection close. Lines are assembled in a buffer capped at HTTP_MAX_LINE;
 * bodies are never buffered, only counted, inflated through a fixed scratch
 * buffer and their first HTTP_BODY_HEAD_MAX bytes kept. Request/response
 * records wait in a bounded pending list keyed like Zeek's http_state. */
#include "proto/http.h"
#include "proto/http_internal.h"
#include "util/ascii.h"
#include "util/base64.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>

#include "files/files.h"
#include "proto/app_anomaly-t.h"
#include "proto/parser.h"
#include "util/grow.h"

/* ---- small helpers ---- */

static void hbuf_set_cstr(struct hbuf *b, const char *s)
{
    http_hbuf_set(b, s, strlen(s));
}

/* Appends up to `limit` total bytes to a growing buffer; returns false if
 * something had to be dropped. */
static bool grow_append(uint8_t **buf, size_t *len, size_t *cap, const uint8_t *p, size_t n,
                        size_t limit)
{
    bool complete = true;
    if (*len + n > limit) {
        n = limit - *len;
        complete = false;
    }
    return grow_bytes_append(buf, len, cap, p, n, 128, limit) && complete;
}

/* ---- pending request/response records (main.zeek's http_state) ---- */

static void entry_free(struct http_entry *e)
{
    struct hbuf *all[] = {&e->method, &e->host, &e->uri, &e->raw_uri, &e->referrer,
                          &e->user_agent, &e->origin, &e->username, &e->status_msg,
                          &e->status_token, &e->info_msg, &e->request_protocol, &e->request_ctype,
                          &e->response_ctype, &e->location, &e->xff, &e->content_range,
                          &e->server, &e->www_authenticate};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        http_hbuf_free(all[i]);
    for (size_t i = 0; i < e->n_proxied; i++)
        http_hbuf_free(&e->proxied[i]);
    free(e->head[0]);
    free(e->head[1]);
    free(e->headers[0]);
    free(e->headers[1]);
    for (int d = 0; d < 2; d++) {
        for (size_t i = 0; i < e->n_files[d]; i++)
            http_hbuf_free(&e->files[d][i].filename);
        free(e->files[d]);
    }
    free(e);
}

static struct byte_view str_of(const struct hbuf *b)
{
    struct byte_view s = {b->p, b->n};
    return s;
}

/* kind: EVENT_HTTP, or EVENT_HTTP_REQUEST for a request's progress. */
static void publish_entry_as(struct app_env *env, const struct http_entry *e, enum event_kind kind)
{
    if (env == NULL || env->publish == NULL)
        return;
    struct http_txn t;
    memset(&t, 0, sizeof t);
    char version[8];
    t.ts_us = e->ts_us;
    t.trans_depth = e->trans_depth;
    t.method = str_of(&e->method);
    t.host = str_of(&e->host);
    t.uri = str_of(&e->uri);
    t.raw_uri = str_of(&e->raw_uri);
    t.referrer = str_of(&e->referrer);
    if (e->has_version) {
        version[0] = (char)('0' + e->ver_major % 10);
        version[1] = '.';
        version[2] = (char)('0' + e->ver_minor % 10);
        version[3] = '\0';
        t.version.p = (const uint8_t *)version;
        t.version.n = 3;
    }
    t.user_agent = str_of(&e->user_agent);
    t.origin = str_of(&e->origin);
    t.request_body_len = e->request_body_len;
    t.response_body_len = e->response_body_len;
    t.has_status = e->has_status;
    t.status_code = e->status_code;
    t.status_msg = str_of(&e->status_msg);
    t.status_token = str_of(&e->status_token);
    t.has_info = e->has_info;
    t.info_code = e->info_code;
    t.info_msg = str_of(&e->info_msg);
    t.username = str_of(&e->username);
    t.n_proxied = e->n_proxied;
    for (size_t i = 0; i < e->n_proxied; i++)
        t.proxied[i] = str_of(&e->proxied[i]);
    t.request_protocol = str_of(&e->request_protocol);
    t.request_content_type = str_of(&e->request_ctype);
    t.response_content_type = str_of(&e->response_ctype);
    t.location = str_of(&e->location);
    t.xff = str_of(&e->xff);
    t.content_range = str_of(&e->content_range);
    t.server = str_of(&e->server);
    t.www_authenticate = str_of(&e->www_authenticate);
    t.response_transfer_len = e->response_transfer_len;
    t.request_seen = e->request_seen;
    t.response_seen = e->response_seen;
    t.request_progress = e->request_progress;
    t.request_inspected = e->request_inspected;
    t.request_body_head = e->head[0];
    t.request_body_head_len = e->head_len[0];
    t.response_body_head = e->head[1];
    t.response_body_head_len = e->head_len[1];
    t.request_headers.p = e->headers[0];
    t.request_headers.n = e->headers_len[0];
    t.response_headers.p = e->headers[1];
    t.response_headers.n = e->headers_len[1];
    for (int d = 0; d < 2; d++) {
        t.n_files[d] = e->n_files[d];
        for (size_t i = 0; i < e->n_files[d]; i++) {
            t.files[d][i].fuid = e->files[d][i].fuid;
            t.files[d][i].filename = str_of(&e->files[d][i].filename);
            t.files[d][i].mime_type = e->files[d][i].mime;
        }
    }
    env->publish(env, kind, &t);
}

static void publish_entry(struct app_env *env, const struct http_entry *e)
{
    publish_entry_as(env, e, EVENT_HTTP);
}

/* Each pending request parsed further than its last EVENT_HTTP_REQUEST
 * showed, to the signatures. */
static void publish_request_progress(struct http_state *st, struct app_env *env)
{
    for (size_t i = 0; i < st->n_pending; i++) {
        struct http_entry *e = st->pending[i];
        if (e->key == 0 || e->request_progress <= e->request_inspected)
            continue;
        /* the response body so far, as Suricata's http object shows it then */
        uint64_t body_len = e->response_body_len;
        if (e->key == st->current_response && st->half[1].message_ongoing)
            e->response_body_len = st->half[1].body_len;
        publish_entry_as(env, e, EVENT_HTTP_REQUEST);
        e->response_body_len = body_len;
        e->request_inspected = e->request_progress;
    }
}

/* Suricata inspects a request's rules once the request is parsed, not when
 * the response completes its transaction. */
static void request_progressed(struct http_state *st, struct app_env *env, struct http_entry *e,
                               enum http_request_progress progress)
{
    if (e == NULL || env == NULL || env->request_parsed == NULL || progress <= e->request_progress)
        return;
    e->request_progress = (uint8_t)progress;
    if (env->request_parsed(env))
        publish_request_progress(st, env);
}

static void http_inspect_requests(void *state, struct app_env *env)
{
    publish_request_progress(state, env);
}

static void remove_pending_at(struct http_state *st, size_t i)
{
    entry_free(st->pending[i]);
    memmove(&st->pending[i], &st->pending[i + 1], (st->n_pending - i - 1) * sizeof st->pending[0]);
    st->n_pending--;
}

static void log_and_remove(struct http_state *st, struct app_env *env, uint64_t key)
{
    size_t i = http_find_pending(st, key);
    if (i == SIZE_MAX)
        return;
    if (key != 0)
        publish_entry(env, st->pending[i]);
    remove_pending_at(st, i);
}

/* Zeek's set_state(): the record of the current request or response,
 * created on first use. NULL only when out of memory. */
static struct http_entry *set_state(struct http_state *st, struct app_env *env, bool is_orig)
{
    uint64_t key = is_orig ? st->current_request : st->current_response;
    size_t i = http_find_pending(st, key);
    if (i != SIZE_MAX)
        return st->pending[i];
    if (st->n_pending >= sizeof st->pending / sizeof st->pending[0]) {
        /* The script-level cap should have fired first; never grow. */
        if (st->pending[0]->key != 0)
            publish_entry(env, st->pending[0]);
        remove_pending_at(st, 0);
    }
    struct http_entry *e = calloc(1, sizeof *e);
    if (e == NULL)
        return NULL;
    e->key = key;
    e->ts_us = env ? env->ts_us : 0;
    e->trans_depth = ++st->trans_depth;
    st->pending[st->n_pending++] = e;
    return e;
}

static void ua_push(struct http_state *st, uint8_t flags)
{
    if (st->ua_count == HTTP_MAX_UNANSWERED) {
        st->ua_head = (st->ua_head + 1) % HTTP_MAX_UNANSWERED;
        st->ua_count--;
    }
    st->unanswered[(st->ua_head + st->ua_count) % HTTP_MAX_UNANSWERED] = flags;
    st->ua_count++;
}

static void ua_pop(struct http_state *st)
{
    if (st->ua_count == 0)
        return;
    st->ua_head = (st->ua_head + 1) % HTTP_MAX_UNANSWERED;
    st->ua_count--;
}

static int ua_front(const struct http_state *st)
{
    return st->ua_count ? st->unanswered[st->ua_head] : -1;
}

/* ---- versions ---- */

static struct http_version parse_version(const uint8_t *p, size_t n)
{
    struct http_version v = {true, 0, 0};
    if (n >= 3 && p[0] >= '0' && p[0] <= '9' && p[1] == '.' && p[2] >= '0' && p[2] <= '9') {
        v.major = (uint8_t)(p[0] - '0');
        v.minor = (uint8_t)(p[2] - '0');
    }
    return v;
}

static void set_version(struct http_state *st, struct app_env *env, struct http_version *cur,
                        struct http_version v)
{
    if (!cur->set) {
        *cur = v;
    } else if (cur->major != v.major || cur->minor != v.minor) {
        http_weird(env, "HTTP_version_mismatch");
        *cur = v;
    }
    if (cur->major > 1 || (cur->major == 1 && cur->minor > 0))
        st->keep_alive = true;
}

static bool is_v11(const struct http_version *v)
{
    return v->set && v->major == 1 && v->minor == 1;
}

/* ---- message life cycle ---- */

static void message_begin(struct http_half *h, bool body_not_expected)
{
    h->state = H_HEADERS;
    h->message_ongoing = true;
    h->body_not_expected = body_not_expected;
    h->n_headers = 0;
    h->content_length = -1;
    h->has_range = false;
    h->chunked = false;
    h->encoding = ENC_IDENTITY;
    h->remaining = 0;
    h->body_len = 0;
    h->transfer_len = 0;
    http_inflate_stop(h);
    h->inflate_dead = false;
    h->zhead_len = 0;
    h->inflated = 0;
    h->eve_body_data = 0;
    h->multipart = false;
    h->line_counting = false;
    h->body_line_open = false;
    h->body_cr = false;
    h->header_pending = false;
    h->header_len = 0;
    file_abort(h->file); /* message_done always ended it; never leak one */
    h->file = NULL;
    http_multipart_free(h);
    http_hbuf_free(&h->entity_filename);
}

static void stop_half(struct http_half *h)
{
    h->state = H_STOPPED;
    h->line_len = 0;
    h->header_pending = false;
}

/* RequestMade()/ReplyMade() with the script's http_message_done handlers. */
static void message_done(struct http_state *st, struct app_env *env, int dir, bool interrupted)
{
    struct http_half *h = &st->half[dir];
    if (!h->message_ongoing)
        return;
    h->message_ongoing = false;
    http_inflate_stop(h);
    if (h->line_counting && h->body_line_open)
        h->body_len += 2;
    struct http_entry *e = set_state(st, env, dir == 0);
    http_multipart_end(st, env, dir);
    http_file_finish(st, env, dir, interrupted, e);
    if (dir == 0) {
        if (e != NULL)
            e->request_body_len = h->body_len;
        if (!interrupted)
            request_progressed(st, env, e, HTTP_REQUEST_COMPLETE);
        if (interrupted)
            stop_half(h);
        else
            h->state = H_START_LINE;
        return;
    }
    if (e != NULL) {
        e->response_body_len = h->body_len;
        e->response_transfer_len = h->transfer_len;
        if (!(e->has_status && e->status_code >= 100 && e->status_code <= 199))
            log_and_remove(st, env, st->current_response);
    }
    if (st->reply_code < 100 || st->reply_code >= 200)
        ua_pop(st);
    if (st->reply_code == 101 && st->ua_count == 1 && st->upgrade_connection &&
        st->upgrade_protocol)
        st->upgraded = true; /* e.g. websocket: nothing after this is HTTP */
    st->reply_code = 0;
    st->upgrade_connection = false;
    st->upgrade_protocol = false;
    if (interrupted || st->upgraded) {
        stop_half(h);
        if (st->upgraded)
            stop_half(&st->half[0]);
    } else {
        h->state = H_START_LINE;
    }
}

static void end_of_headers(struct http_state *st, struct app_env *env, int dir)
{
    struct http_half *h = &st->half[dir];
    if (h->state == H_TRAILERS) {
        message_done(st, env, dir, false);
        return;
    }
    if (dir == 1 && st->connect_request) {
        /* CONNECT answered 200: the rest of the connection is a tunnel. */
        message_done(st, env, dir, false);
        st->tunnel = true;
        stop_half(&st->half[0]);
        stop_half(&st->half[1]);
        /* What the tunnel carries is found by detection again (Zeek: SMTP in http-connect). */
        if (env->hand_over)
            env->hand_over(env, NULL);
        return;
    }
    if (h->body_not_expected) {
        message_done(st, env, dir, false);
    } else if (h->chunked) {
        h->state = H_CHUNK_SIZE;
    } else if (h->content_length >= 0) {
        if (h->content_length > 0) {
            h->remaining = (uint64_t)h->content_length;
            h->state = H_BODY_LENGTH;
            h->line_counting = h->multipart;
        } else {
            message_done(st, env, dir, false);
        }
    } else if (dir == 0) {
        /* A request has a body only when its headers frame one (RFC 9112
         * 6.3, libhtp): the server's "Connection: close" frames nothing, and
         * the next request line is not read as this one's body (Zeek's is). */
        message_done(st, env, dir, false);
    } else if (st->connection_close || h->encoding != ENC_IDENTITY) {
        h->state = H_BODY_CLOSE;
    } else {
        /* Zeek reads such a reply as lines until the connection ends */
        h->state = H_BODY_CLOSE;
        h->line_counting = true;
    }
    size_t current = dir == 0 ? http_find_pending(st, st->current_request) : SIZE_MAX;
    if (current != SIZE_MAX) /* a request without a body is complete already: a no-op then */
        request_progressed(st, env, st->pending[current], HTTP_REQUEST_HEADERS);
}

/* ---- headers ---- */

static size_t unescape_uri(struct app_env *env, const uint8_t *p, size_t n, uint8_t *out);

/* "name" [blank]* ["*"] "=" at v[at]: the index after '=', or SIZE_MAX. */
static size_t name_param_end(const uint8_t *v, size_t n, size_t at, bool allow_star)
{
    if (n < 4 || at > n - 4 || strncasecmp((const char *)v + at, "name", 4) != 0)
        return SIZE_MAX;
    size_t i = http_skip_ws(v, at + 4, n);
    if (allow_star && i < n && v[i] == '*')
        i++;
    return i < n && v[i] == '=' ? i + 1 : SIZE_MAX;
}

/* entities.zeek's tests: /filename[[:blank:]]*\*?=/ in Content-Disposition,
 * /name[[:blank:]]*=/ in Content-Type. */
static bool has_name_param(const uint8_t *v, size_t n, bool disposition)
{
    for (size_t at = disposition ? 4 : 0; at + 4 <= n; at++) {
        if (name_param_end(v, n, at, disposition) == SIZE_MAX)
            continue;
        if (!disposition || strncasecmp((const char *)v + at - 4, "file", 4) == 0)
            return true;
    }
    return false;
}

/* The token characters of RFC 2231's charset'language' prefix, as Zeek's
 * regex spells them ([a-zA-Z0-9\!#$%&+-^_`{}~], where +-^ is a range). */
static bool is_2231_char(uint8_t c)
{
    return (c >= 'a' && c <= 'z') || (c >= '+' && c <= '^') || strchr("!#$%&_`{}~", c) != NULL;
}

/* base/utils/files.zeek's extract_filename_from_content_disposition():
 * after the last name=, the quoted string or the rest, without an RFC 2231
 * charset'language' prefix, %-unescaped. */
static void entity_filename(struct http_half *h, const uint8_t *v, size_t n)
{
    size_t start = SIZE_MAX;
    for (size_t at = n >= 4 ? n - 4 + 1 : 0; at-- > 0;) {
        start = name_param_end(v, n, at, true);
        if (start != SIZE_MAX)
            break;
    }
    if (start == SIZE_MAX)
        return;
    start = http_skip_ws(v, start, n);
    const uint8_t *f = v + start;
    size_t fl = n - start;
    if (fl > 0 && f[0] == '"') {
        const uint8_t *q = memchr(f + 1, '"', fl - 1);
        size_t end = q ? (size_t)(q - f) : fl;
        fl = end - 1;
        f++;
    }
    size_t i = 0;
    while (i < fl && is_2231_char(f[i]))
        i++;
    if (i > 0 && i < fl && f[i] == '\'') {
        size_t j = i + 1;
        while (j < fl && is_2231_char(f[j]))
            j++;
        if (j < fl && f[j] == '\'') {
            f += j + 1;
            fl -= j + 1;
        }
    }
    uint8_t *out = malloc(fl + 1);
    if (out == NULL)
        return;
    size_t ol = unescape_uri(NULL, f, fl, out);
    http_hbuf_set(&h->entity_filename, out, ol);
    free(out);
}

/* The header's effect on framing (HTTP_Entity::SubmitHeader) and on the
 * connection (HTTP_Analyzer::HTTP_Header). */
static void framing_header(struct http_state *st, struct app_env *env, int dir,
                           const uint8_t *name, size_t name_len, const uint8_t *v, size_t n)
{
    struct http_half *h = &st->half[dir];
    size_t ts, tl;
    http_value_token(v, n, &ts, &tl);
    const uint8_t *tok = v + ts;

    if (bytes_eq_nocase(name, name_len, "content-length")) {
        if (h->chunked)
            http_weird(env, "HTTP_content_length_and_chunked");
        if (tl > 0) {
            int64_t cl;
            if (http_parse_u63(tok, tl, 10, &cl)) {
                if (cl > 0 && tok[0] == '0')
                    http_report_weird(env, "HTTP_content_length_leading_zeros", tok, tl, "HTTP");
                h->content_length = cl;
            } else {
                h->content_length = 0;
            }
        }
    } else if (dir == 1 && st->reply_code == 206 && bytes_eq_nocase(name, name_len, "content-range")) {
        http_content_range_header(st, env, h, v, n);
    } else if (bytes_eq_nocase(name, name_len, "transfer-encoding")) {
        const struct http_version *ver = dir == 0 ? &st->req_version : &st->reply_version;
        if (bytes_eq_nocase(tok, tl, "chunked") && is_v11(ver)) {
            h->chunked = true;
            size_t rest = ts + tl;
            if (rest < n)
                http_report_weird(env, "HTTP_chunked_multi", v + rest, n - rest, "HTTP");
            if (h->content_length >= 0)
                http_weird(env, "HTTP_content_length_and_chunked");
        }
    } else if (bytes_eq_nocase(name, name_len, "content-type")) {
        h->multipart = bytes_eq_nocase(tok, tl, "multipart") || bytes_eq_nocase(tok, tl, "message");
        if (bytes_eq_nocase(tok, tl, "multipart") && env->files != NULL)
            http_multipart_begin(st, dir, v, n);
    } else if (bytes_eq_nocase(name, name_len, "content-encoding")) {
        if (bytes_eq_nocase(tok, tl, "gzip") || bytes_eq_nocase(tok, tl, "x-gzip"))
            h->encoding = ENC_GZIP;
        if (bytes_eq_nocase(tok, tl, "deflate"))
            h->encoding = ENC_DEFLATE;
    } else if (bytes_eq_nocase(name, name_len, "expect")) {
        if (!bytes_eq_nocase(tok, tl, "100-continue"))
            http_report_weird(env, "HTTP_expect_not_100_continue", tok, tl, "HTTP");
        if (h->content_length == 0)
            http_weird(env, "HTTP_content_length_0_and_expect_100_cont");
    }

    if (bytes_eq_nocase(name, name_len, "content-disposition") && has_name_param(v, n, true))
        entity_filename(h, v, n);
    else if (bytes_eq_nocase(name, name_len, "content-type") && has_name_param(v, n, false))
        entity_filename(h, v, n);

    if (bytes_eq_nocase(name, name_len, "connection")) {
        if (dir == 0 && bytes_eq_nocase(tok, tl, "keep-alive"))
            st->keep_alive = true;
        if (dir == 1 && bytes_eq_nocase(tok, tl, "close"))
            st->connection_close = true;
        else if (dir == 1 && bytes_eq_nocase(tok, tl, "upgrade"))
            st->upgrade_connection = true;
    }
    if (dir == 1 && bytes_eq_nocase(name, name_len, "upgrade"))
        st->upgrade_protocol = tl > 0;
}

static void authorization_header(struct http_entry *e, const uint8_t *v, size_t n)
{
    if (!(n > 6 && bytes_prefix_nocase(v, n, "basic ")))
        return;
    size_t i = 5;
    while (i < n && http_is_ws(v[i]))
        i++;
    uint8_t decoded[512];
    size_t dl = base64_decode_lenient(v + i, n - i, decoded, sizeof decoded, BASE64_STOP);
    const uint8_t *colon = memchr(decoded, ':', dl);
    if (colon != NULL) {
        http_hbuf_set(&e->username, decoded, (size_t)(colon - decoded));
        return;
    }
    char text[600];
    size_t vl = n < 400 ? n : 400;
    int len = snprintf(text, sizeof text, "<problem-decoding> (%.*s)", (int)vl, (const char *)v);
    if (len > 0)
        http_hbuf_set(&e->username, text, (size_t)len < sizeof text ? (size_t)len : sizeof text - 1);
}

/* "NTLM <base64>" or "Negotiate <base64>" (Authorization, WWW-Authenticate):
 * the token goes to the connection's NTLM session (ntlm.log) and, for
 * Negotiate, its Kerberos one (kerberos.log). */
static void ntlm_header(struct http_state *st, struct app_env *env, int dir, const uint8_t *v, size_t n)
{
    size_t skip = 0;
    if (n > 5 && bytes_prefix_nocase(v, n, "ntlm "))
        skip = 5;
    else if (n > 10 && bytes_prefix_nocase(v, n, "negotiate "))
        skip = 10;
    if (skip == 0)
        return;
    if (st->ntlm == NULL && (st->ntlm = calloc(1, sizeof *st->ntlm)) == NULL)
        return;
    while (skip < n && http_is_ws(v[skip]))
        skip++;
    uint8_t token[4096];
    size_t len = base64_decode_lenient(v + skip, n - skip, token, sizeof token, BASE64_STOP);
    ntlm_session_blob(st->ntlm, env, "HTTP", token, len);
    if (skip >= 10 && (st->krb != NULL || (st->krb = calloc(1, sizeof *st->krb)) != NULL))
        krb_gss_blob(st->krb, env, dir == 0, token, len);
}

static const char *const proxy_headers[] = {
    "FORWARDED", "X-FORWARDED-FOR", "X-FORWARDED-FROM", "CLIENT-IP",
    "VIA", "XROXY-CONNECTION", "PROXY-CONNECTION",
};

/* The message's headers as "Name: value\r\n" lines for signatures
 * (http.header), whole headers only, up to HTTP_MAX_HEADER_BLOCK. */
static void keep_header(struct http_entry *e, int dir, const uint8_t *name, size_t name_len, const uint8_t *v,
                        size_t n)
{
    size_t before = e->headers_len[dir];
    uint8_t **b = &e->headers[dir];
    size_t *len = &e->headers_len[dir], *cap = &e->headers_cap[dir];
    if (!grow_append(b, len, cap, name, name_len, HTTP_MAX_HEADER_BLOCK) ||
        !grow_append(b, len, cap, (const uint8_t *)": ", 2, HTTP_MAX_HEADER_BLOCK) ||
        !grow_append(b, len, cap, v, n, HTTP_MAX_HEADER_BLOCK) ||
        !grow_append(b, len, cap, (const uint8_t *)"\r\n", 2, HTTP_MAX_HEADER_BLOCK))
        *len = before;
}

/* What main.zeek's http_header handler records, plus EVE's extras. */
static void log_header(struct http_state *st, struct app_env *env, int dir, const uint8_t *name,
                       size_t name_len, const uint8_t *v, size_t n)
{
    struct http_entry *e = set_state(st, env, dir == 0);
    if (e == NULL)
        return;
    keep_header(e, dir, name, name_len, v, n);
    if (st->ntlm && st->ntlm->authenticated && dir == 1) /* the answer to the AUTHENTICATE */
        ntlm_session_result(st->ntlm, env, st->reply_code != 401 && st->reply_code != 407);
    if (bytes_eq_nocase(name, name_len, dir == 1 ? "www-authenticate" : "authorization") ||
        bytes_eq_nocase(name, name_len, dir == 1 ? "proxy-authenticate" : "proxy-authorization"))
        ntlm_header(st, env, dir, v, n);
    if (dir == 1) {
        if (bytes_eq_nocase(name, name_len, "content-type"))
            http_hbuf_set(&e->response_ctype, v, n);
        else if (bytes_eq_nocase(name, name_len, "location"))
            http_hbuf_set(&e->location, v, n);
        else if (bytes_eq_nocase(name, name_len, "content-range"))
            http_hbuf_set(&e->content_range, v, n);
        else if (bytes_eq_nocase(name, name_len, "server"))
            http_hbuf_set(&e->server, v, n);
        else if (bytes_eq_nocase(name, name_len, "www-authenticate") && e->www_authenticate.p == NULL)
            http_hbuf_set(&e->www_authenticate, v, n);
        return;
    }
    if (bytes_eq_nocase(name, name_len, "x-forwarded-for"))
        http_hbuf_set(&e->xff, v, n);
    if (bytes_eq_nocase(name, name_len, "content-type"))
        http_hbuf_set(&e->request_ctype, v, n);

    if (bytes_eq_nocase(name, name_len, "referer")) {
        http_hbuf_set(&e->referrer, v, n);
    } else if (bytes_eq_nocase(name, name_len, "host")) {
        http_hbuf_set(&e->host, v, n);
    } else if (bytes_eq_nocase(name, name_len, "origin")) {
        http_hbuf_set(&e->origin, v, n);
    } else if (bytes_eq_nocase(name, name_len, "user-agent")) {
        http_hbuf_set(&e->user_agent, v, n);
    } else if (bytes_eq_nocase(name, name_len, "authorization") ||
               bytes_eq_nocase(name, name_len, "proxy-authorization")) {
        authorization_header(e, v, n);
    } else {
        for (size_t i = 0; i < sizeof proxy_headers / sizeof proxy_headers[0]; i++) {
            if (!bytes_eq_nocase(name, name_len, proxy_headers[i]))
                continue;
            if (e->n_proxied >= HTTP_MAX_PROXIED)
                break;
            uint8_t text[HTTP_MAX_LINE];
            size_t nl = name_len < 64 ? name_len : 64;
            size_t len = 0;
            for (size_t k = 0; k < nl; k++) {
                uint8_t c = name[k];
                text[len++] = (c >= 'a' && c <= 'z') ? (uint8_t)(c - 32) : c;
            }
            memcpy(text + len, " -> ", 4);
            len += 4;
            size_t vl = n < sizeof text - len ? n : sizeof text - len;
            memcpy(text + len, v, vl);
            len += vl;
            /* a set: equal entries collapse */
            bool dup = false;
            for (size_t k = 0; k < e->n_proxied; k++)
                if (e->proxied[k].n == len && memcmp(e->proxied[k].p, text, len) == 0)
                    dup = true;
            if (!dup)
                http_hbuf_set(&e->proxied[e->n_proxied++], text, len);
            break;
        }
    }
}

static void submit_header(struct http_state *st, struct app_env *env, int dir)
{
    struct http_half *h = &st->half[dir];
    if (!h->header_pending)
        return;
    h->header_pending = false;
    const uint8_t *p = h->header;
    size_t n = h->header_len;
    const uint8_t *colon = memchr(p, ':', n);
    if (colon == NULL || colon == p)
        return; /* not a header; Zeek's MIME layer drops it as well */
    size_t name_len = (size_t)(colon - p);
    while (name_len > 0 && http_is_ws(p[name_len - 1]))
        name_len--;
    h->n_headers++;
    if (h->n_headers == HTTP_MAX_HEADERS + 1)
        http_weird(env, "HTTP_too_many_headers");
    if (h->header_lines > 1)
        http_report_weird(env, "HTTP_obsolete_line_folding", p, name_len, "HTTP");
    size_t vs = http_skip_ws(p, (size_t)(colon - p) + 1, n);
    const uint8_t *v = p + vs;
    size_t vn = n - vs;
    if (h->state != H_TRAILERS)
        framing_header(st, env, dir, p, name_len, v, vn);
    if (h->n_headers <= HTTP_MAX_HEADERS)
        log_header(st, env, dir, p, name_len, v, vn);
}

static void header_line(struct http_state *st, struct app_env *env, int dir, const uint8_t *p,
                        size_t n)
{
    struct http_half *h = &st->half[dir];
    if (n > 0 && http_is_ws(p[0]) && h->header_pending) {
        if (!grow_append(&h->header, &h->header_len, &h->header_cap, p, n, HTTP_MAX_LINE) &&
            !h->header_too_long) {
            h->header_too_long = true;
            http_report_weird(env, "contentline_size_exceeded", NULL, 0, "CONTENTLINE");
        }
        h->header_lines++;
        return;
    }
    submit_header(st, env, dir);
    if (h->state == H_STOPPED)
        return;
    if (n == 0) {
        end_of_headers(st, env, dir);
        return;
    }
    h->header_len = 0;
    h->header_too_long = false;
    h->header_lines = 1;
    grow_append(&h->header, &h->header_len, &h->header_cap, p, n, HTTP_MAX_LINE);
    h->header_pending = true;
}

/* ---- start lines ---- */

static bool is_token_char(uint8_t c)
{
    return c > 31 && c < 127 && strchr(" \t()<>@,;:\\\"/[]?={}", c) == NULL;
}

static bool is_uri_char(uint8_t c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c != 0 && strchr(":/?#[]@!$&'()*+,;=-_.~%", c) != NULL);
}

/* Zeek's unescape_URI(), with its weirds; out holds at least n bytes. */
static size_t unescape_uri(struct app_env *env, const uint8_t *p, size_t n, uint8_t *out)
{
    size_t o = 0, i = 0;
    while (i < n) {
        if (p[i] != '%') {
            out[o++] = p[i++];
            continue;
        }
        i++;
        if (i == n) {
            out[o++] = '%';
            http_weird(env, "illegal_%_at_end_of_URI");
            break;
        }
        if (i + 1 == n) {
            out[o++] = '%';
            out[o++] = p[i];
            http_weird(env, "partial_escape_at_end_of_URI");
            break;
        }
        if (p[i] == '%') {
            http_weird(env, "double_%_in_URI");
            continue; /* the second '%' starts the escape */
        }
        if (hex_value(p[i]) >= 0 && hex_value(p[i + 1]) >= 0) {
            out[o++] = (uint8_t)(hex_value(p[i]) << 4 | hex_value(p[i + 1]));
            i += 2;
        } else if (n - i >= 5 && p[i] == 'u' && hex_value(p[i + 1]) >= 0 &&
                   hex_value(p[i + 2]) >= 0 && hex_value(p[i + 3]) >= 0 &&
                   hex_value(p[i + 4]) >= 0) {
            if (!(p[i + 1] == '0' && p[i + 2] == '0'))
                out[o++] = (uint8_t)(hex_value(p[i + 1]) << 4 | hex_value(p[i + 2]));
            out[o++] = (uint8_t)(hex_value(p[i + 3]) << 4 | hex_value(p[i + 4]));
            i += 5;
        } else {
            http_weird(env, "unescaped_%_in_URI");
            out[o++] = '%';
            out[o++] = p[i++];
        }
    }
    return o;
}

static const char *const known_methods[] = {
    "GET", "POST", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE", "CONNECT", "PROPFIND",
    "PROPPATCH", "MKCOL", "COPY", "MOVE", "LOCK", "UNLOCK", "POLL", "REPORT", "SUBSCRIBE",
    "BMOVE", "SEARCH",
};

static bool known_method(const uint8_t *m, size_t n)
{
    for (size_t i = 0; i < sizeof known_methods / sizeof known_methods[0]; i++)
        if (n == strlen(known_methods[i]) && memcmp(m, known_methods[i], n) == 0)
            return true;
    return false;
}

static void bad_request(struct http_state *st, struct app_env *env, const char *name)
{
    http_weird(env, name);
    /* RequestExpected(): a first request, or a keep-alive connection */
    if (st->num_requests == 0 || st->keep_alive)
        stop_half(&st->half[0]);
}

/* HTTP_RequestLine() + ParseRequest() + the http_request script handler. */
static void request_line(struct http_state *st, struct app_env *env, const uint8_t *p, size_t n)
{
    if (n == 0)
        return; /* stray CRLF between requests, e.g. after a POST body */
    size_t end_of_method = 0;
    while (end_of_method < n && is_token_char(p[end_of_method]))
        end_of_method++;
    if (end_of_method == 0) {
        if (n >= 9 && strncasecmp((const char *)p + n - 9, " HTTP/", 6) == 0)
            bad_request(st, env, "bad_HTTP_request_with_version");
        else
            bad_request(st, env, "bad_HTTP_request");
        return;
    }
    size_t rest = http_skip_ws(p, end_of_method, n);
    if (rest == end_of_method) {
        bad_request(st, env, "bad_HTTP_request");
        return;
    }

    size_t end_of_uri = rest;
    while (end_of_uri < n && is_uri_char(p[end_of_uri]))
        end_of_uri++;
    if (end_of_uri >= n && n - rest >= 5 && memcmp(p + rest, "HTTP/", 5) == 0) {
        http_weird(env, "missing_HTTP_uri");
        end_of_uri = rest;
    }
    size_t version_start;
    for (version_start = end_of_uri; version_start < n; ++version_start) {
        end_of_uri = version_start;
        version_start = http_skip_ws(p, version_start, n);
        if (n - version_start >= 5 && memcmp(p + version_start, "HTTP/", 5) == 0)
            break;
    }
    struct http_version v = {true, 0, 9};
    size_t proto_start = 0, proto_len = 0;
    if (version_start < n) {
        proto_start = version_start;
        proto_len = n - version_start;
        if (version_start + 8 <= n)
            set_version(st, env, &st->req_version,
                        parse_version(p + version_start + 5, n - version_start - 5));
        v = st->req_version;
    } else {
        set_version(st, env, &st->req_version, v);
    }
    size_t uri_len = end_of_uri - rest;
    bool http09 = v.set && v.major == 0 && v.minor == 9 && version_start >= n;
    if (http09 && (end_of_method < 3 || uri_len == 0)) {
        bad_request(st, env, "bad_HTTP_request");
        return;
    }
    if (http09 && !(end_of_method == 3 && memcmp(p, "GET", 3) == 0))
        http_report_weird(env, "invalid_http_09_request_method", p, end_of_method, "HTTP");

    st->num_requests++;
    if (!st->keep_alive && st->num_requests > 1)
        http_weird(env, "unexpected_multiple_HTTP_requests");
    bool is_connect = end_of_method <= 7 && strncasecmp((const char *)p, "CONNECT", end_of_method) == 0;
    bool is_head = end_of_method <= 4 && strncasecmp((const char *)p, "HEAD", end_of_method) == 0;
    ua_push(st, (uint8_t)((is_head ? UA_HEAD : 0) | (is_connect ? UA_CONNECT : 0)));
    if (is_connect)
        st->connect_request = true;
    message_begin(&st->half[0], false);
    if (http09)
        st->http09_reply = true;

    /* main.zeek's http_request */
    if (st->current_request < st->current_response) {
        http_report_weird(env, "HTTP_response_before_request", NULL, 0, NULL);
        st->current_request = st->current_response;
    }
    if (st->n_pending > HTTP_MAX_PENDING) {
        http_report_weird(env, "HTTP_excessive_pipelining", NULL, 0, NULL);
        if (st->current_response == 0)
            st->current_response++;
        while (st->current_response < st->current_request) {
            log_and_remove(st, env, st->current_response);
            st->current_response++;
        }
    }
    st->current_request++;
    struct http_entry *e = set_state(st, env, true);
    if (e != NULL) {
        uint8_t *unescaped = malloc(uri_len + 1);
        e->request_seen = true;
        http_hbuf_set(&e->method, p, end_of_method);
        http_hbuf_set(&e->raw_uri, p + rest, uri_len);
        if (unescaped != NULL) {
            size_t ul = unescape_uri(env, p + rest, uri_len, unescaped);
            http_hbuf_set(&e->uri, unescaped, ul);
            free(unescaped);
        }
        if (proto_len > 0)
            http_hbuf_set(&e->request_protocol, p + proto_start, proto_len);
    }
    if (!known_method(p, end_of_method))
        http_report_weird(env, "unknown_HTTP_method", p, end_of_method, NULL);
}

/* The http_reply script handler. A status that is not a number (code 0)
 * keeps its token for EVE's status_string. */
static void reply_started(struct http_state *st, struct app_env *env, int code, struct byte_view token,
                          const uint8_t *reason, size_t reason_len, bool has_reason)
{
    if (st->connect_request && code != 200)
        st->connect_request = false;
    st->reply_code = code;
    size_t cur = http_find_pending(st, st->current_response);
    if (cur == SIZE_MAX ||
        (st->pending[cur]->has_status &&
         !(st->pending[cur]->status_code >= 100 && st->pending[cur]->status_code <= 199)))
        st->current_response++;
    struct http_entry *e = set_state(st, env, false);
    if (e != NULL) {
        e->response_seen = true;
        e->has_status = true;
        e->status_code = (uint16_t)code;
        if (code == 0 && token.n > 0)
            http_hbuf_set(&e->status_token, token.p, token.n);
        if (has_reason)
            http_hbuf_set(&e->status_msg, reason, reason_len);
        else
            hbuf_set_cstr(&e->status_msg, "<empty>");
        e->has_version = true;
        e->ver_major = st->reply_version.major;
        e->ver_minor = st->reply_version.minor;
        if (code >= 100 && code <= 199) {
            e->has_info = true;
            e->info_code = (uint16_t)code;
            if (has_reason)
                http_hbuf_set(&e->info_msg, reason, reason_len);
            else
                hbuf_set_cstr(&e->info_msg, "<empty>");
        }
    }
    int front = ua_front(st);
    bool no_body = (front >= 0 && (front & UA_HEAD)) || (code >= 100 && code < 200) ||
                   code == 204 || code == 304;
    message_begin(&st->half[1], no_body);
}

/* HTTP_ReplyLine(). */
static void reply_line(struct http_state *st, struct app_env *env, const uint8_t *p, size_t n)
{
    if (n == 0)
        return;
    if (n < 5 || memcmp(p, "HTTP/", 5) != 0) {
        stop_half(&st->half[1]);
        return;
    }
    set_version(st, env, &st->reply_version, parse_version(p + 5, n - 5));
    size_t i = 5;
    while (i < n && !http_is_ws(p[i]))
        i++;
    if (i >= n) {
        stop_half(&st->half[1]);
        return;
    }
    i = http_skip_ws(p, i, n);
    if (i + 3 > n) {
        stop_half(&st->half[1]);
        return;
    }
    int code = 0;
    if (p[i] >= '0' && p[i] <= '9' && p[i + 1] >= '0' && p[i + 1] <= '9' && p[i + 2] >= '0' &&
        p[i + 2] <= '9')
        code = (p[i] - '0') * 100 + (p[i + 1] - '0') * 10 + (p[i + 2] - '0');
    struct byte_view token = {.p = p + i};
    while (token.n < n - i && !http_is_ws(token.p[token.n]))
        token.n++;
    for (i += 3; i < n; i++)
        if (http_is_ws(p[i]))
            break;
    if (i >= n) {
        reply_started(st, env, code, token, NULL, 0, false);
        return;
    }
    i = http_skip_ws(p, i, n);
    reply_started(st, env, code, token, p + i, n - i, true);
}

/* ---- line assembly and dispatch ---- */

static void chunk_size_line(struct http_state *st, struct app_env *env, int dir,
                            const uint8_t *p, size_t n)
{
    struct http_half *h = &st->half[dir];
    size_t i = http_skip_ws(p, 0, n), j = i;
    while (j < n && hex_value(p[j]) >= 0)
        j++;
    int64_t size = 0;
    if (j == i || !http_parse_u63(p + i, j - i, 16, &size)) {
        http_weird(env, "HTTP_bad_chunk_size");
        size = 0;
    }
    if (size > 0) {
        h->remaining = (uint64_t)size;
        h->state = H_CHUNK_DATA;
    } else {
        h->state = H_TRAILERS;
        h->n_headers = 0;
        h->header_pending = false;
    }
}

static void process_line(struct http_state *st, struct app_env *env, int dir, const uint8_t *p,
                         size_t n)
{
    struct http_half *h = &st->half[dir];
    switch (h->state) {
    case H_START_LINE:
        if (dir == 0)
            request_line(st, env, p, n);
        else
            reply_line(st, env, p, n);
        break;
    case H_HEADERS:
    case H_TRAILERS:
        header_line(st, env, dir, p, n);
        break;
    case H_CHUNK_SIZE:
        chunk_size_line(st, env, dir, p, n);
        break;
    case H_CHUNK_CRLF:
        h->state = H_CHUNK_SIZE;
        break;
    default:
        break;
    }
}

/* HTTP/0.9: the whole reply is the body, without status line or headers. */
static void start_http09_reply(struct http_state *st, struct app_env *env)
{
    struct http_version v = {true, 0, 9};
    set_version(st, env, &st->reply_version, v);
    ua_pop(st);
    st->connection_close = true;
    reply_started(st, env, 0, (struct byte_view){0}, NULL, 0, false);
    end_of_headers(st, env, 1);
}

/* libhtp's check after a request line without a version: when what follows
 * it in the same data is more than a little junk (over 16 bytes, or any
 * byte that is not whitespace), the request is not HTTP/0.9 but one whose
 * protocol is missing, an anomaly for Suricata. Zeek still reads it as 0.9. */
#define HTTP09_MAX_JUNK_LEN 16

static void probe_missing_protocol(struct app_env *env, const uint8_t *rest, size_t n)
{
    bool junk_only = n <= HTTP09_MAX_JUNK_LEN;
    for (size_t k = 0; junk_only && k < n; k++)
        junk_only = rest[k] == ' ' || (rest[k] >= '\t' && rest[k] <= '\r');
    if (junk_only)
        return;
    struct app_anomaly a = {
        .ts_us = env->ts_us,
        .app_proto = "http",
        .event = "REQUEST_LINE_MISSING_PROTOCOL",
        .to_server = true,
    };
    env->publish(env, EVENT_APP_ANOMALY, &a);
}

static void half_data(struct http_state *st, struct app_env *env, int dir, const uint8_t *p,
                      size_t n)
{
    struct http_half *h = &st->half[dir];
    size_t i = 0;
    while (i < n) {
        if (h->state == H_STOPPED || st->tunnel || st->upgraded)
            return;
        if (dir == 1 && st->http09_reply && h->state == H_START_LINE && !h->message_ongoing) {
            start_http09_reply(st, env);
            continue;
        }
        if (h->skip_lf) {
            h->skip_lf = false;
            if (p[i] == '\n') {
                i++;
                continue;
            }
            if (!st->single_cr_reported && h->state != H_BODY_LENGTH &&
                h->state != H_CHUNK_DATA && h->state != H_BODY_CLOSE) {
                st->single_cr_reported = true;
                http_report_weird(env, "line_terminated_with_single_CR", NULL, 0, "CONTENTLINE");
            }
        }
        if (h->state == H_BODY_LENGTH || h->state == H_CHUNK_DATA) {
            size_t take = n - i;
            if (take > h->remaining)
                take = (size_t)h->remaining;
            http_body_deliver(st, env, dir, p + i, take);
            h->remaining -= take;
            i += take;
            if (h->remaining == 0) {
                if (h->state == H_BODY_LENGTH) {
                    if (h->line_counting && h->body_line_open && !st->no_crlf_reported) {
                        /* ContentLine's delivery size ran out mid-line */
                        st->no_crlf_reported = true;
                        http_report_weird(env, "line_terminated_without_CRLF", NULL, 0, "CONTENTLINE");
                    }
                    message_done(st, env, dir, false);
                } else {
                    h->state = H_CHUNK_CRLF;
                }
            }
            continue;
        }
        if (h->state == H_BODY_CLOSE) {
            http_body_deliver(st, env, dir, p + i, n - i);
            return;
        }
        size_t j = i;
        while (j < n && p[j] != '\n' && p[j] != '\r')
            j++;
        if (!grow_append(&h->line, &h->line_len, &h->line_cap, p + i, j - i, HTTP_MAX_LINE) &&
            !h->line_too_long) {
            h->line_too_long = true;
            http_report_weird(env, "contentline_size_exceeded", NULL, 0, "CONTENTLINE");
        }
        if (j == n)
            return;
        if (p[j] == '\r')
            h->skip_lf = true;
        i = j + 1;
        size_t len = h->line_len;
        h->line_len = 0;
        bool line_cut = h->line_too_long; /* its version may be what was cut */
        h->line_too_long = false;
        bool was_http09 = st->http09_reply;
        process_line(st, env, dir, h->line ? h->line : (const uint8_t *)"", len);
        if (dir == 0 && !was_http09 && st->http09_reply && !line_cut)
            probe_missing_protocol(env, p + i, n - i);
    }
}

/* ---- the app_parser interface ---- */

/* YES only for a request line ending in an HTTP/ version, or a status line:
 * enough to find HTTP on any port. Otherwise MAYBE, except for what is
 * plainly another protocol: on its well-known ports HTTP is attached by
 * port alone, as Zeek does, so broken requests are still seen (and their
 * weirds reported). */
static enum app_probe http_probe(const uint8_t *p, size_t n, bool from_orig)
{
    if (n == 0)
        return APP_PROBE_MAYBE;
    if (p[0] == 0x16 || (n >= 4 && memcmp(p, "SSH-", 4) == 0))
        return APP_PROBE_NO; /* TLS handshake, SSH banner */
    if (!from_orig) {
        size_t k = n < 7 ? n : 7;
        if (memcmp(p, "HTTP/1.", k) == 0 && n >= 7)
            return APP_PROBE_YES;
        return APP_PROBE_MAYBE;
    }
    size_t m = 0;
    while (m < n && m < 32 && is_token_char(p[m]))
        m++;
    if (m == 0 || m == n || !http_is_ws(p[m]))
        return APP_PROBE_MAYBE;
    size_t limit = n < 8192 ? n : 8192;
    for (size_t i = m + 1; i < limit; i++) {
        if (p[i] == '\r' || p[i] == '\n')
            break;
        if (i + 6 <= limit && http_is_ws(p[i]) && memcmp(p + i + 1, "HTTP/", 5) == 0)
            return APP_PROBE_YES;
    }
    return APP_PROBE_MAYBE;
}

static void http_open(void *state)
{
    struct http_state *st = state;
    for (int d = 0; d < 2; d++)
        st->half[d].state = H_START_LINE;
}

static void http_data(void *state, struct app_env *env, bool from_orig, const uint8_t *p, size_t n)
{
    struct http_state *st = state;
    if (p == NULL || n == 0)
        return;
    half_data(st, env, from_orig ? 0 : 1, p, n);
}

static void http_gap(void *state, struct app_env *env, bool from_orig, uint64_t len)
{
    struct http_state *st = state;
    int dir = from_orig ? 0 : 1;
    struct http_half *h = &st->half[dir];
    if (h->state == H_STOPPED || st->tunnel || st->upgraded)
        return;
    if ((h->state == H_BODY_LENGTH || h->state == H_CHUNK_DATA) && h->remaining >= len &&
        h->line_len == 0) {
        /* the hole is inside the body: count it, as Zeek does, and go on */
        http_file_gap(st, env, dir, len);
        h->body_len += len;
        h->transfer_len += len;
        h->remaining -= len;
        if (h->encoding != ENC_IDENTITY) {
            http_inflate_stop(h);
            h->inflate_dead = true;
        }
        if (h->remaining == 0) {
            if (h->state == H_BODY_LENGTH)
                message_done(st, env, dir, false);
            else
                h->state = H_CHUNK_CRLF;
        }
        return;
    }
    if ((h->state == H_BODY_LENGTH || h->state == H_CHUNK_DATA) && h->line_len == 0 && h->remaining > 0) {
        /* the hole runs past the body's end: the body's file ends in it
         * (holed and cut short, as Suricata's); Zeek refuses such a gap, so
         * the body length stays what came */
        http_file_gap(st, env, dir, h->remaining);
        h->remaining = 0;
    }
    /* Otherwise the framing is lost. A request gap also stops the replies:
     * whether a reply has a body depends on the request. */
    if (dir == 0) {
        message_done(st, env, 0, true);
        stop_half(&st->half[0]);
        message_done(st, env, 1, true);
        stop_half(&st->half[1]);
    } else {
        message_done(st, env, 1, true);
        stop_half(&st->half[1]);
    }
}

static void finish_half(struct http_state *st, struct app_env *env, int dir)
{
    struct http_half *h = &st->half[dir];
    bool parsing = h->state != H_STOPPED && !st->tunnel && !st->upgraded;
    if (parsing && h->line_len > 0 && h->state != H_BODY_LENGTH && h->state != H_CHUNK_DATA &&
        h->state != H_BODY_CLOSE) {
        /* ContentLine delivers a last unterminated line at EOF */
        size_t len = h->line_len;
        h->line_len = 0;
        process_line(st, env, dir, h->line, len);
    }
    if (parsing && (h->state == H_HEADERS || h->state == H_TRAILERS))
        submit_header(st, env, dir);
    if (h->state == H_BODY_LENGTH || h->state == H_CHUNK_SIZE || h->state == H_CHUNK_DATA ||
        h->state == H_CHUNK_CRLF)
        file_set_truncated(h->file); /* the connection ended inside the body */
    message_done(st, env, dir, false);
}

static void http_close(void *state, struct app_env *env)
{
    struct http_state *st = state;
    finish_half(st, env, 0);
    finish_half(st, env, 1);
    /* Zeek's finalize_http: whatever is still pending is logged. */
    for (size_t i = 0; i < st->n_pending; i++) {
        if (st->pending[i]->key != 0)
            publish_entry(env, st->pending[i]);
        entry_free(st->pending[i]);
    }
    st->n_pending = 0;
    for (int d = 0; d < 2; d++) {
        struct http_half *h = &st->half[d];
        file_abort(h->file);
        h->file = NULL;
        http_multipart_free(h);
        http_hbuf_free(&h->entity_filename);
        http_inflate_stop(h);
        free(h->line);
        free(h->header);
        h->line = h->header = NULL;
        h->line_len = h->line_cap = h->header_len = h->header_cap = 0;
        h->state = H_STOPPED;
    }
    free(st->scratch);
    st->scratch = NULL;
    if (st->ntlm)
        ntlm_session_close(st->ntlm, env);
    free(st->ntlm);
    st->ntlm = NULL;
    if (st->krb)
        krb_gss_close(st->krb, env);
    free(st->krb);
    st->krb = NULL;
}

/* The worker's HTTP state: at the end of the run, the files fetched in
 * byte ranges that still wait for parts are logged as they are (Zeek logs
 * its open files when it terminates). */
static void *http_worker_open(void)
{
    return calloc(1, sizeof(struct http_worker));
}

static void http_worker_close(void *worker_state, struct app_env *env)
{
    const struct http_worker *w = worker_state;
    if (w->range_parts > 0)
        file_ctx_flush_parts(env->files, env);
    free(worker_state);
}

static const uint16_t http_ports[] = {80, 81, 631, 1080, 3128, 8000, 8080, 8888};

const struct app_parser http_parser = {
    .name = "http",
    .ipproto = 6,
    .skip_partial = true,
    .ports = http_ports,
    .n_ports = sizeof http_ports / sizeof http_ports[0],
    .probe = http_probe,
    .state_size = sizeof(struct http_state),
    .open = http_open,
    .data = http_data,
    .gap = http_gap,
    .close = http_close,
    .worker_open = http_worker_open,
    .worker_close = http_worker_close,
    .inspect_requests = http_inspect_requests,
};
