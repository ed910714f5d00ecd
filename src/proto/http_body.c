/* HTTP message bodies: counted as Zeek counts them, inflated (gzip and
 * deflate, through a fixed scratch buffer), their first bytes kept, handed
 * to file analysis as files; and the Content-Range of partial replies. */
#include "proto/http_internal.h"

#include <stdlib.h>
#include <string.h>

#include "files/files.h"

/* ---- bodies ---- */

void http_inflate_stop(struct http_half *h)
{
    if (h->z != NULL) {
        inflateEnd(h->z);
        free(h->z);
        h->z = NULL;
    }
}

static void head_append(struct http_state *st, int dir, const uint8_t *p, size_t n)
{
    uint64_t key = dir == 0 ? st->current_request : st->current_response;
    size_t i = http_find_pending(st, key);
    if (i == SIZE_MAX || n == 0)
        return;
    struct http_entry *e = st->pending[i];
    if (e->head_len[dir] >= HTTP_BODY_HEAD_MAX)
        return;
    if (e->head[dir] == NULL) {
        e->head[dir] = malloc(HTTP_BODY_HEAD_MAX);
        if (e->head[dir] == NULL)
            return;
    }
    size_t take = HTTP_BODY_HEAD_MAX - e->head_len[dir];
    if (take > n)
        take = n;
    memcpy(e->head[dir] + e->head_len[dir], p, take);
    e->head_len[dir] += take;
}

/* ---- bodies as files (files/files.h) ---- */

/* The path of a request URI, as Suricata names an HTTP file: no scheme or
 * authority, no query or fragment. */
static struct byte_view uri_path(const struct hbuf *raw)
{
    struct byte_view out = {NULL, 0};
    if (raw->p == NULL)
        return out;
    const uint8_t *u = raw->p;
    size_t n = raw->n, i = 0;
    while (i < n && i < 16 && u[i] != ':' && u[i] != '/')
        i++;
    if (i + 2 < n && u[i] == ':' && u[i + 1] == '/' && u[i + 2] == '/') {
        i += 3;
        while (i < n && u[i] != '/' && u[i] != '?' && u[i] != '#')
            i++;
        u += i;
        n -= i;
    }
    size_t k = 0;
    while (k < n && u[k] != '?' && u[k] != '#')
        k++;
    out.p = u;
    out.n = k;
    return out;
}

/* A 206 reply's body: a part of the file Zeek's handle for range replies
 * names (the originator and the URL: Host and URI), which files/ joins with
 * the other parts, over this connection or others. */
static struct file_analysis *range_part_begin(struct http_state *st, struct app_env *env, const struct http_half *h,
                                              const struct http_entry *e)
{
    uint8_t key[16 + 2 * 1024 + 1];
    size_t n = 0;
    memcpy(key, &env->conn->orig_h, sizeof env->conn->orig_h < 16 ? sizeof env->conn->orig_h : 16);
    n = 16;
    size_t host = e->host.n < 1024 ? e->host.n : 1024;
    size_t uri = e->uri.n < 1024 ? e->uri.n : 1024;
    if (host > 0)
        memcpy(key + n, e->host.p, host);
    n += host;
    key[n++] = '\n';
    if (uri > 0)
        memcpy(key + n, e->uri.p, uri);
    n += uri;
    struct http_worker *w = env->worker_state;
    if (w != NULL)
        w->range_parts++;
    return file_begin_part(env->files, env, "HTTP", false, key, n, h->range_first, h->range_total, st->files_begun++);
}

/* Starts the body's file on its first byte (or gap), as Zeek's file
 * manager does: an empty body is no file. A multipart body is no file
 * itself: its parts are (http_multipart.c). */
void http_file_ensure(struct http_state *st, struct app_env *env, int dir)
{
    struct http_half *h = &st->half[dir];
    if (h->file != NULL || env == NULL || env->files == NULL || h->multipart)
        return;
    uint64_t total = 0;
    if (h->encoding == ENC_IDENTITY && !h->chunked && h->content_length > 0 &&
        !(dir == 1 && st->reply_code == 206))
        total = (uint64_t)h->content_length;
    const struct hbuf *fn = &h->entity_filename;
    struct http_entry *e = http_body_entry(st, dir);
    if (dir == 1 && st->reply_code == 206 && h->has_range && e != NULL)
        h->file = range_part_begin(st, env, h, e);
    else
        h->file = file_begin_seq(env->files, env->conn, "HTTP", dir == 0, (const char *)fn->p, fn->n, total,
                                 env->ts_us, st->files_begun++);
    if (h->file == NULL || e == NULL)
        return;
    file_set_tx_id(h->file, e->trans_depth > 0 ? e->trans_depth - 1 : 0);
    if (fn->p == NULL) {
        struct byte_view path = uri_path(&e->raw_uri);
        if (path.p != NULL)
            file_set_eve_filename(h->file, (const char *)path.p, path.n);
    }
}

/* Suricata's libhtp request-body-limit and response-body-limit
 * (file_eve_body_limit: 100 KiB by default, as its suricata.yaml): its HTTP
 * file takes body bytes until it has that many, counting data only (a hole
 * adds to the file's size, not to the count: HtpBodyAppendChunk skips it);
 * the chunk that reaches the limit is cut to it, the hole that would pass it
 * too, and the next chunk closes the file TRUNCATED
 * (HTPCallbackResponseBodyData, AppLayerHtpCheckDepth,
 * AppLayerHtpComputeChunkLength). Only a filestore rule lifts it, and no
 * rule here stores files. Zeek has no such limit: files.log counts on.
 * Bytes Suricata's file still takes before the limit: */
static uint64_t eve_room(const struct http_half *h, const struct app_env *env)
{
    uint64_t limit = file_eve_body_limit(env ? env->files : NULL);
    return h->eve_body_data < limit ? limit - h->eve_body_data : 0;
}

static void file_feed(struct http_state *st, struct app_env *env, int dir, const uint8_t *p, size_t n)
{
    if (n == 0)
        return;
    struct http_half *h = &st->half[dir];
    if (h->parts != NULL)
        http_multipart_data(st, env, dir, p, n);
    http_file_ensure(st, env, dir);
    if (h->file == NULL)
        return;
    int64_t ts = env ? env->ts_us : 0;
    uint64_t room = eve_room(h, env);
    size_t in_eve = room < n ? (size_t)room : n;
    h->eve_body_data += in_eve;
    file_data(h->file, p, in_eve, ts);
    if (in_eve < n) {
        file_eve_stop(h->file);
        file_data(h->file, p + in_eve, n - in_eve, ts);
    }
}

void http_file_gap(struct http_state *st, struct app_env *env, int dir, uint64_t len)
{
    struct http_half *h = &st->half[dir];
    http_file_ensure(st, env, dir);
    if (h->file == NULL || len == 0)
        return;
    uint64_t room = eve_room(h, env);
    if (room == 0)
        file_eve_stop(h->file);
    if (len <= room || room == 0) {
        file_gap(h->file, len);
        return;
    }
    file_gap(h->file, room);
    file_gap_past_eve(h->file, len - room);
}

/* Ends the body's file and lists it in the transaction (HTTP_MAX_FILES at most, as Zeek). */
void http_file_finish(struct http_state *st, struct app_env *env, int dir, bool truncated,
                      struct http_entry *e)
{
    struct http_half *h = &st->half[dir];
    if (h->file == NULL)
        return;
    char fuid[UID_LEN], mime[96];
    if (truncated)
        file_set_truncated(h->file);
    file_end(h->file, env, fuid, mime);
    h->file = NULL;
    http_entry_add_file(e, dir, fuid, mime, h->entity_filename.p, h->entity_filename.n);
}


static void body_clear(struct http_state *st, struct app_env *env, int dir, const uint8_t *p,
                       size_t n)
{
    st->half[dir].body_len += n;
    head_append(st, dir, p, n);
    file_feed(st, env, dir, p, n);
}

static void body_lines(struct http_state *st, struct app_env *env, int dir, const uint8_t *p,
                       size_t n)
{
    struct http_half *h = &st->half[dir];
    head_append(st, dir, p, n);
    file_feed(st, env, dir, p, n);
    if (h->multipart) {
        /* inside multipart entities only CRLF ends a line */
        for (size_t k = 0; k < n; k++) {
            h->body_line_open = !(p[k] == '\n' && h->body_cr);
            h->body_cr = p[k] == '\r';
        }
        h->body_len += n;
        return;
    }
    size_t i = 0;
    while (i < n) {
        size_t j = i;
        while (j < n && p[j] != '\r' && p[j] != '\n')
            j++;
        if (j > i) {
            h->body_len += j - i;
            h->body_line_open = true;
            h->body_cr = false;
        }
        if (j == n)
            break;
        if (p[j] == '\n' && h->body_cr) {
            h->body_cr = false;
        } else {
            h->body_len += 2;
            h->body_line_open = false;
            h->body_cr = p[j] == '\r';
        }
        i = j + 1;
    }
}

static bool inflate_start(struct http_half *h, bool raw)
{
    h->z = calloc(1, sizeof *h->z);
    if (h->z == NULL)
        return false;
    int window = h->encoding == ENC_GZIP ? 15 + 32 : (raw ? -15 : 15);
    if (inflateInit2(h->z, window) != Z_OK) {
        free(h->z);
        h->z = NULL;
        return false;
    }
    return true;
}

static void inflate_feed(struct http_state *st, struct app_env *env, int dir, const uint8_t *p,
                         size_t n)
{
    struct http_half *h = &st->half[dir];
    if (st->scratch == NULL) {
        st->scratch = malloc(INFLATE_SCRATCH);
        if (st->scratch == NULL) {
            h->inflate_dead = true;
            return;
        }
    }
    h->z->next_in = (Bytef *)(uintptr_t)p;
    h->z->avail_in = (uInt)n;
    while (h->z->avail_in > 0) {
        h->z->next_out = st->scratch;
        h->z->avail_out = INFLATE_SCRATCH;
        int rc = inflate(h->z, Z_SYNC_FLUSH);
        size_t produced = INFLATE_SCRATCH - h->z->avail_out;
        if (produced > 0) {
            if (h->inflated + produced > HTTP_MAX_INFLATE)
                produced = (size_t)(HTTP_MAX_INFLATE - h->inflated);
            h->inflated += produced;
            body_clear(st, env, dir, st->scratch, produced);
            if (h->inflated >= HTTP_MAX_INFLATE) {
                http_report_weird(env, "HTTP_inflate_limit", NULL, 0, "HTTP");
                h->inflate_dead = true;
                http_inflate_stop(h);
                return;
            }
        }
        if (rc == Z_STREAM_END) {
            /* trailing bytes after the stream (or a second gzip member) are dropped */
            http_inflate_stop(h);
            h->inflate_dead = true;
            return;
        }
        if (rc != Z_OK && !(rc == Z_BUF_ERROR && produced > 0)) {
            http_report_weird(env, "inflate_failed", NULL, 0, "HTTP");
            h->inflate_dead = true;
            http_inflate_stop(h);
            return;
        }
        if (produced == 0 && h->z->avail_in > 0 && rc == Z_OK && h->z->avail_out > 0)
            break; /* no progress possible; avoid spinning */
    }
}

void http_body_deliver(struct http_state *st, struct app_env *env, int dir, const uint8_t *p,
                       size_t n)
{
    struct http_half *h = &st->half[dir];
    h->transfer_len += n;
    if (h->encoding == ENC_IDENTITY) {
        if (h->line_counting)
            body_lines(st, env, dir, p, n);
        else
            body_clear(st, env, dir, p, n);
        return;
    }
    if (h->inflate_dead || n == 0)
        return;
    if (h->z == NULL) {
        bool raw = false;
        if (h->encoding == ENC_DEFLATE) {
            /* "deflate" is meant to be zlib-wrapped but servers send raw
             * deflate too: the zlib header check decides (2 bytes). */
            while (h->zhead_len < 2 && n > 0) {
                h->zhead[h->zhead_len++] = *p++;
                n--;
            }
            if (h->zhead_len < 2)
                return;
            unsigned hdr = ((unsigned)h->zhead[0] << 8) | h->zhead[1];
            raw = (h->zhead[0] & 0x0f) != 8 || hdr % 31 != 0;
        }
        if (!inflate_start(h, raw)) {
            h->inflate_dead = true;
            return;
        }
        if (h->encoding == ENC_DEFLATE) {
            inflate_feed(st, env, dir, h->zhead, 2);
            if (h->z == NULL)
                return;
        }
    }
    if (n > 0)
        inflate_feed(st, env, dir, p, n);
}

/* ---- ranges ---- */

/* Zeek's Content-Range handling for 206 replies: weirds, and the range
 * length standing in for a missing Content-Length. */
void http_content_range_header(struct http_state *st, struct app_env *env,
                               struct http_half *h, const uint8_t *v, size_t n)
{
    size_t ts, tl;
    http_value_token(v, n, &ts, &tl);
    if (!(tl == 5 && memcmp(v + ts, "bytes", 5) == 0)) {
        http_weird(env, "HTTP_content_range_unknown_byte_unit");
        return;
    }
    char range[128];
    size_t rl = 0;
    for (size_t i = ts + tl; i < n && rl + 1 < sizeof range; i++)
        if (v[i] != ' ')
            range[rl++] = (char)v[i];
    range[rl] = '\0';
    const char *slash = memchr(range, '/', rl);
    if (slash == NULL) {
        http_weird(env, "HTTP_content_range_cannot_parse");
        return;
    }
    const char *dash = memchr(range, '-', (size_t)(slash - range));
    if (dash == NULL) {
        http_weird(env, "HTTP_content_range_cannot_parse");
        return;
    }
    /* atoi_n semantics: optional sign, digits */
    int64_t f = 0, l = 0;
    const char *fs = range, *ls = dash + 1;
    bool fneg = false, lneg = false;
    size_t fl = (size_t)(dash - range), ll = (size_t)(slash - ls);
    if (fl > 0 && fs[0] == '-') {
        fneg = true;
        fs++;
        fl--;
    }
    if (ll > 0 && ls[0] == '-') {
        lneg = true;
        ls++;
        ll--;
    }
    bool fok = http_parse_u63((const uint8_t *)fs, fl, 10, &f);
    bool lok = http_parse_u63((const uint8_t *)ls, ll, 10, &l);
    if (!fok || !lok) {
        bool overflow = fl > 0 && ll > 0 && strspn(fs, "0123456789") >= fl &&
                        strspn(ls, "0123456789") >= ll;
        http_report_weird(env, overflow ? "HTTP_content_range_overflow" : "HTTP_content_range_cannot_parse",
              range, rl, "HTTP");
        return;
    }
    if (fneg)
        f = -f;
    if (lneg)
        l = -l;
    if (f < 0 || l < 0) {
        http_report_weird(env, "HTTP_content_range_invalid", range, rl, "HTTP");
        return;
    }
    if (l < f) {
        http_report_weird(env, "HTTP_non_positive_content_range", range, rl, "HTTP");
        return;
    }
    if (l - f > INT64_MAX - 1) {
        http_report_weird(env, "HTTP_content_range_overflow", range, rl, "HTTP");
        return;
    }
    int64_t len = l - f + 1;
    const char *inst = slash + 1;
    size_t inst_len = rl - (size_t)(inst - range);
    int64_t instance;
    bool star = inst_len == 1 && inst[0] == '*';
    if (!star && !http_parse_u63((const uint8_t *)inst, inst_len, 10, &instance))
        http_report_weird(env, "HTTP_content_range_invalid_instance", range, rl, "HTTP");
    else if (!star && instance > l) {
        h->has_range = true;
        h->range_first = (uint64_t)f;
        h->range_total = (uint64_t)instance;
    }
    if (h->content_length > 0) {
        if (h->content_length != len) {
            http_weird(env, "HTTP_range_not_matching_len");
            if (len > h->content_length)
                h->content_length = len;
        }
    } else {
        h->content_length = len;
    }
    (void)st;
}
