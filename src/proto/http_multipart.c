/* A multipart HTTP body (an upload's multipart/form-data) split into its
 * MIME parts by mime/, each part's decoded bytes a file: Zeek's HTTP_Entity
 * gives every entity with data a file (files.log `filename` from
 * Content-Disposition), Suricata names an uploaded part's fileinfo by its
 * Content-Disposition filename. Lines end at CRLF only, so a bare LF or CR
 * inside a binary part is kept as it came. */
#include "proto/http_internal.h"

#include <stdlib.h>
#include <string.h>

#include "files/files.h"
#include "util/bytes.h"

static void part_data(void *ctx, unsigned level, const struct mime_entity *e, const uint8_t *p, size_t n)
{
    struct http_multipart *mp = ctx;
    struct app_env *env = mp->env;
    if (level == 0 || level > MIME_MAX_DEPTH || env == NULL || env->files == NULL)
        return;
    if (mp->file[level] == NULL) {
        mp->file[level] = file_begin_seq(env->files, env->conn, "HTTP", mp->dir == 0,
                                         e->has_filename ? (const char *)e->filename : NULL, e->filename_len, 0,
                                         env->ts_us, mp->st->files_begun++);
        if (mp->file[level] == NULL)
            return;
        if (e->has_eve_filename)
            file_set_eve_filename(mp->file[level], (const char *)e->eve_filename, e->eve_filename_len);
        else
            file_set_not_in_eve(mp->file[level]); /* a form field: Suricata opens files for named parts only */
        struct http_entry *entry = http_body_entry(mp->st, mp->dir);
        if (entry != NULL)
            file_set_tx_id(mp->file[level], entry->trans_depth > 0 ? entry->trans_depth - 1 : 0);
    }
    file_data(mp->file[level], p, n, env->ts_us);
}

static void part_end(void *ctx, unsigned level, const struct mime_entity *e)
{
    struct http_multipart *mp = ctx;
    if (level > MIME_MAX_DEPTH || mp->file[level] == NULL)
        return;
    char fuid[UID_LEN], mime[96];
    file_end(mp->file[level], mp->env, fuid, mime);
    mp->file[level] = NULL;
    http_entry_add_file(http_body_entry(mp->st, mp->dir), mp->dir, fuid, mime,
                        e->has_filename ? e->filename : NULL, e->filename_len);
}

static void part_begin(void *ctx, unsigned level)
{
    struct http_multipart *mp = ctx;
    if (level <= MIME_MAX_DEPTH)
        mp->file[level] = NULL;
}

void http_multipart_begin(struct http_state *st, int dir, const uint8_t *v, size_t n)
{
    struct http_half *h = &st->half[dir];
    if (h->parts == NULL) {
        h->parts = calloc(1, sizeof *h->parts);
        if (h->parts == NULL)
            return; /* the body is then no file, as before */
    }
    struct http_multipart *mp = h->parts;
    mp->st = st;
    mp->dir = dir;
    mp->line_len = 0;
    mp->cr = mp->piece = false;
    const struct mime_hooks hooks = {
        .ctx = mp, .entity_begin = part_begin, .data = part_data, .entity_end = part_end};
    mime_init(&mp->mime, &hooks);
    mime_begin(&mp->mime);
    /* The message's headers are HTTP's: only Content-Type matters to MIME. */
    static const char name[] = "Content-Type: ";
    uint8_t header[sizeof name - 1 + HTTP_MULTIPART_LINE];
    if (n > HTTP_MULTIPART_LINE)
        n = HTTP_MULTIPART_LINE;
    memcpy(header, name, sizeof name - 1);
    memcpy(header + sizeof name - 1, v, n);
    mime_line(&mp->mime, header, sizeof name - 1 + n, true, false);
    mime_line(&mp->mime, header, 0, true, false);
}

static void line_flush(struct http_multipart *mp, bool eol)
{
    mime_line(&mp->mime, mp->line, mp->line_len, eol, mp->piece);
    mp->piece = !eol;
    mp->line_len = 0;
}

/* Appends to the line, handing a full line to MIME as a piece. */
static void line_put(struct http_multipart *mp, const uint8_t *p, size_t n)
{
    while (n > 0) {
        bytes_fill(mp->line, &mp->line_len, sizeof mp->line, &p, &n);
        if (mp->line_len == sizeof mp->line)
            line_flush(mp, false);
    }
}

void http_multipart_data(struct http_state *st, struct app_env *env, int dir, const uint8_t *p, size_t n)
{
    struct http_multipart *mp = st->half[dir].parts;
    if (mp == NULL)
        return;
    mp->env = env;
    size_t i = 0;
    while (i < n) {
        if (mp->cr) {
            mp->cr = false;
            if (p[i] == '\n') {
                line_flush(mp, true);
                i++;
                continue;
            }
            line_put(mp, (const uint8_t *)"\r", 1); /* a bare CR is data */
        }
        /* a part's bytes run up to the next CR in one copy */
        const uint8_t *cr = memchr(p + i, '\r', n - i);
        size_t end = cr != NULL ? (size_t)(cr - p) : n;
        line_put(mp, p + i, end - i);
        i = end;
        if (cr != NULL) {
            mp->cr = true;
            i++;
        }
    }
}

void http_multipart_end(struct http_state *st, struct app_env *env, int dir)
{
    struct http_multipart *mp = st->half[dir].parts;
    if (mp == NULL)
        return;
    mp->env = env;
    if (mp->cr && mp->line_len < sizeof mp->line)
        mp->line[mp->line_len++] = '\r';
    mp->cr = false;
    if (mp->line_len > 0 || mp->piece)
        line_flush(mp, true);
    mime_end(&mp->mime);
    http_multipart_free(&st->half[dir]);
}

void http_multipart_free(struct http_half *h)
{
    struct http_multipart *mp = h->parts;
    if (mp == NULL)
        return;
    for (size_t i = 0; i <= MIME_MAX_DEPTH; i++)
        file_abort(mp->file[i]);
    free(mp);
    h->parts = NULL;
}
