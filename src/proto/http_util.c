/* The helpers http.c (messages, headers, pairing) and http_body.c (bodies,
 * files, ranges) both call: a leaf that calls neither back. */
#include "proto/http_internal.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

size_t http_skip_ws(const uint8_t *p, size_t i, size_t n)
{
    while (i < n && http_is_ws(p[i]))
        i++;
    return i;
}

void http_hbuf_free(struct hbuf *b)
{
    free(b->p);
    b->p = NULL;
    b->n = 0;
}

/* Replaces b with a copy of p[0..n). On allocation failure b stays unset. */
void http_hbuf_set(struct hbuf *b, const void *p, size_t n)
{
    if (n > HTTP_MAX_LINE)
        n = HTTP_MAX_LINE;
    uint8_t *copy = malloc(n + 1);
    http_hbuf_free(b);
    if (copy == NULL)
        return;
    if (n > 0)
        memcpy(copy, p, n);
    copy[n] = '\0';
    b->p = copy;
    b->n = n;
}

void http_report_weird(struct app_env *env, const char *name, const void *addl, size_t addl_len,
                       const char *source)
{
    if (env == NULL || env->weird == NULL)
        return;
    char text[256];
    const char *a = NULL;
    if (addl != NULL) {
        if (addl_len >= sizeof text)
            addl_len = sizeof text - 1;
        memcpy(text, addl, addl_len);
        text[addl_len] = '\0';
        a = text;
    }
    env->weird(env, name, a, source);
}

void http_weird(struct app_env *env, const char *name)
{
    http_report_weird(env, name, NULL, 0, "HTTP");
}

size_t http_find_pending(const struct http_state *st, uint64_t key)
{
    for (size_t i = 0; i < st->n_pending; i++)
        if (st->pending[i]->key == key)
            return i;
    return SIZE_MAX;
}

static bool is_mime_tspecial(uint8_t c)
{
    return strchr("()<>@,;:\\\"/[]?=", c) != NULL;
}

/* MIME's value token: leading whitespace skipped, then token characters. */
void http_value_token(const uint8_t *v, size_t n, size_t *tok_start, size_t *tok_len)
{
    size_t i = http_skip_ws(v, 0, n), j = i;
    while (j < n && v[j] > 32 && v[j] < 127 && !is_mime_tspecial(v[j]))
        j++;
    *tok_start = i;
    *tok_len = j - i;
}

bool http_parse_u63(const uint8_t *p, size_t n, int base, int64_t *out)
{
    if (n == 0)
        return false;
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        int d;
        if (p[i] >= '0' && p[i] <= '9')
            d = p[i] - '0';
        else if (base == 16 && p[i] >= 'a' && p[i] <= 'f')
            d = p[i] - 'a' + 10;
        else if (base == 16 && p[i] >= 'A' && p[i] <= 'F')
            d = p[i] - 'A' + 10;
        else
            return false;
        if (v > ((uint64_t)INT64_MAX - (uint64_t)d) / (uint64_t)base)
            return false;
        v = v * (uint64_t)base + (uint64_t)d;
    }
    *out = (int64_t)v;
    return true;
}

struct http_entry *http_body_entry(struct http_state *st, int dir)
{
    size_t i = http_find_pending(st, dir == 0 ? st->current_request : st->current_response);
    return i == SIZE_MAX ? NULL : st->pending[i];
}

void http_entry_add_file(struct http_entry *e, int dir, const char fuid[UID_LEN], const char mime[96],
                         const uint8_t *filename, size_t filename_len)
{
    if (e == NULL || e->n_files[dir] >= HTTP_MAX_FILES)
        return;
    if (e->files[dir] == NULL) {
        e->files[dir] = calloc(HTTP_MAX_FILES, sizeof *e->files[dir]);
        if (e->files[dir] == NULL)
            return;
    }
    struct file_record *r = &e->files[dir][e->n_files[dir]++];
    memcpy(r->fuid, fuid, sizeof r->fuid);
    memcpy(r->mime, mime, sizeof r->mime);
    if (filename != NULL)
        http_hbuf_set(&r->filename, filename, filename_len);
}
