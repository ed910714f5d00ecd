/* Worker buffers: whole lines gathered per worker, handed to the files
 * (log_file.c) when a buffer fills, on a flush and at the end. */
#include "output/output_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "output/anomaly_events.h"
#include "output/kafka_key.h"
#include "util/fs.h"

static void set_err(char *err, size_t errlen, const char *fmt, const char *a, const char *b)
{
    if (err != NULL && errlen > 0)
        snprintf(err, errlen, fmt, a, b);
}

struct output *output_open(const char *dir, unsigned formats, char *err, size_t errlen)
{
    if (dir == NULL || dir[0] == '\0')
        dir = ".";
    if (strlen(dir) >= sizeof(((struct output *)0)->dir)) {
        set_err(err, errlen, "%s: %s", dir, strerror(ENAMETOOLONG));
        return NULL;
    }
    bool to_stdout = strcmp(dir, "-") == 0;
    if (to_stdout && (formats & (OUTPUT_ZEEK_TSV | OUTPUT_ZEEK_JSON))) {
        set_err(err, errlen, "%s%s", "-o - writes eve.json to standard output; ", "Zeek logs need a directory (--format eve)");
        return NULL;
    }
    int e = to_stdout ? 0 : fs_make_dirs(dir, 0750);
    if (e == 0 && !to_stdout && access(dir, W_OK | X_OK) != 0)
        e = errno;
    if (e != 0) {
        set_err(err, errlen, "output directory %s: %s", dir, strerror(e));
        return NULL;
    }
    struct output *o = calloc(1, sizeof(*o));
    if (o == NULL) {
        set_err(err, errlen, "%s: %s", dir, strerror(ENOMEM));
        return NULL;
    }
    memcpy(o->dir, dir, strlen(dir) + 1);
    o->formats = formats;
    o->to_stdout = to_stdout;
    pthread_mutex_init(&o->lock, NULL);
    return o;
}

void output_set_anomaly_events(struct output *o, struct anomaly_events *names)
{
    if (o == NULL) {
        anomaly_events_free(names);
        return;
    }
    anomaly_events_free(o->anomaly_events);
    o->anomaly_events = names;
}

static void flush_log(struct output *o, struct worker_log *l)
{
    if (l->buf.len == 0)
        return;
    if (!l->file->kafka_only)
        log_file_append(o, l->file, l->buf.data, l->buf.len, l->pending_lines);
    buf_reset(&l->buf);
    l->pending_lines = 0;
}

static void log_file_name(char *out, size_t n, const struct zeek_schema *s, enum log_kind kind,
                          unsigned formats)
{
    switch (kind) {
    case LOG_EVE:
        snprintf(out, n, "eve.json");
        break;
    case LOG_ZEEK_TSV:
        snprintf(out, n, "%s.log", s->path);
        break;
    case LOG_ZEEK_JSON:
        snprintf(out, n, "%s.%s", s->path, (formats & OUTPUT_ZEEK_TSV) ? "json" : "log");
        break;
    }
}

static bool same_log(const struct log_file *f, const struct zeek_schema *s, enum log_kind kind)
{
    if (f->kind != kind)
        return false;
    if (kind == LOG_EVE)
        return true;
    return f->schema == s || strcmp(f->schema->path, s->path) == 0;
}

static struct log_file *find_or_add_file(struct output *o, const struct zeek_schema *s,
                                         enum log_kind kind)
{
    struct log_file *found = NULL;
    pthread_mutex_lock(&o->lock);
    for (size_t i = 0; i < o->n_files && found == NULL; i++)
        if (same_log(o->files[i], s, kind))
            found = o->files[i];
    if (found == NULL && o->n_files < OUTPUT_MAX_LOGS) {
        found = calloc(1, sizeof(*found));
        if (found != NULL) {
            found->kind = kind;
            found->schema = s;
            found->fd = -1;
            found->kafka_only = kind == LOG_ZEEK_JSON && !(o->formats & OUTPUT_ZEEK_JSON);
            log_file_name(found->name, sizeof(found->name), s, kind, o->formats);
            pthread_mutex_init(&found->lock, NULL);
            o->files[o->n_files++] = found;
        }
    }
    pthread_mutex_unlock(&o->lock);
    return found;
}

struct worker_log *output_worker_log(struct output_worker *w, const struct zeek_schema *schema,
                                     enum log_kind kind)
{
    for (size_t i = 0; i < w->n_logs; i++) {
        struct log_file *f = w->logs[i].file;
        if (f->kind == kind && (kind == LOG_EVE || f->schema == schema))
            return &w->logs[i];
    }
    if (w->n_logs >= OUTPUT_MAX_LOGS)
        return NULL;
    struct log_file *f = find_or_add_file(w->o, schema, kind);
    if (f == NULL)
        return NULL;
    /* a second schema object with the same path maps to the same file */
    for (size_t i = 0; i < w->n_logs; i++)
        if (w->logs[i].file == f)
            return &w->logs[i];
    struct worker_log *l = &w->logs[w->n_logs++];
    l->file = f;
    buf_init(&l->buf, 0, OUTPUT_FLUSH_BYTES + OUTPUT_MAX_LINE);
    l->pending_lines = 0;
    return l;
}

/* The line just committed, to its topic. Key: the row's connection's
 * Community ID, else the line's community_id or uid member; Zeek rows are
 * partitioned by their originator (output/kafka.h). */
static void send_to_kafka(struct output_worker *w, struct worker_log *l, size_t line_start)
{
    const struct log_file *f = l->file;
    if (w->o->kafka == NULL || f->kind == LOG_ZEEK_TSV)
        return;
    const char *line = l->buf.data + line_start;
    size_t len = l->buf.len - line_start - 1; /* without its newline */
    char key[128], host[IP_ADDR_STRLEN];
    size_t key_len = 0, host_len = 0;
    const struct app_conn *c = w->row.active && l == w->row.json ? w->row.conn : NULL;
    if (c != NULL) {
        key_len = strnlen(c->community_id, sizeof c->community_id);
        key_len = key_len < sizeof key ? key_len : sizeof key - 1;
        memcpy(key, c->community_id, key_len);
        key[key_len] = '\0';
        host_len = ip_addr_format(&c->orig_h, host, sizeof host);
    }
    if (key_len == 0)
        key_len = kafka_json_member(line, len, "community_id", key, sizeof key);
    if (key_len == 0)
        key_len = kafka_json_member(line, len, "uid", key, sizeof key);
    if (host_len == 0 && f->kind == LOG_ZEEK_JSON)
        host_len = kafka_json_member(line, len, "id.orig_h", host, sizeof host);
    uint32_t hint = host_len > 0 ? kafka_host_hint(host, host_len) : 0;
    kafka_out_line(w->o->kafka, f->kind == LOG_EVE ? "eve" : f->schema->path, line, len, key_len ? key : NULL, hint);
}

void output_set_kafka(struct output *o, struct kafka_out *k)
{
    o->kafka = k;
}

void output_kafka_flush(struct output *o)
{
    if (o != NULL)
        kafka_out_flush(o->kafka);
}

void output_kafka_close(struct output *o, struct kafka_stats *final)
{
    if (o == NULL) {
        if (final != NULL)
            memset(final, 0, sizeof *final);
        return;
    }
    if (o->kafka != NULL) {
        kafka_out_close(o->kafka, &o->kafka_final);
        o->kafka = NULL;
        o->kafka_closed = true;
    }
    if (final != NULL)
        *final = o->kafka_final;
}

bool output_kafka_stats(struct output *o, struct kafka_stats *st)
{
    if (o == NULL || (o->kafka == NULL && !o->kafka_closed))
        return false;
    if (o->kafka != NULL)
        kafka_out_get_stats(o->kafka, st);
    else
        *st = o->kafka_final;
    return true;
}

void output_worker_commit(struct output_worker *w, struct worker_log *l, size_t line_start)
{
    if (l->buf.failed) {
        buf_truncate(&l->buf, line_start);
        l->buf.failed = false;
        pthread_mutex_lock(&w->o->lock);
        w->o->dropped_lines++;
        pthread_mutex_unlock(&w->o->lock);
        return;
    }
    send_to_kafka(w, l, line_start);
    l->pending_lines++;
    if (l->buf.len >= OUTPUT_FLUSH_BYTES)
        flush_log(w->o, l);
}

void output_count_bad_row(struct output_worker *w)
{
    pthread_mutex_lock(&w->o->lock);
    w->o->bad_rows++;
    pthread_mutex_unlock(&w->o->lock);
}

struct output_worker *output_worker_new(struct output *o)
{
    if (o == NULL)
        return NULL;
    struct output_worker *w = calloc(1, sizeof(*w));
    if (w == NULL)
        return NULL;
    w->o = o;
    pthread_mutex_lock(&o->lock);
    w->next_worker = o->workers;
    o->workers = w;
    pthread_mutex_unlock(&o->lock);
    return w;
}

void output_worker_flush(struct output_worker *w)
{
    if (w == NULL || w->o == NULL)
        return;
    for (size_t i = 0; i < w->n_logs; i++)
        flush_log(w->o, &w->logs[i]);
}

void output_worker_free(struct output_worker *w)
{
    if (w == NULL)
        return;
    struct output *o = w->o;
    if (o != NULL) {
        output_worker_flush(w);
        pthread_mutex_lock(&o->lock);
        for (struct output_worker **pp = &o->workers; *pp != NULL; pp = &(*pp)->next_worker) {
            if (*pp == w) {
                *pp = w->next_worker;
                break;
            }
        }
        pthread_mutex_unlock(&o->lock);
    }
    for (size_t i = 0; i < w->n_logs; i++)
        buf_free(&w->logs[i].buf);
    /* held EVE lines went out with output_eve_release_all, or are lost with a worker never drained */
    for (size_t i = 0; i < w->n_held; i++)
        free(w->held[i]);
    free(w->held);
    free(w);
}

int output_close(struct output *o, char *err, size_t errlen)
{
    if (o == NULL)
        return 0;
    /* Workers still attached were not freed: flush what they hold and
     * detach them so a later output_worker_free only releases memory. */
    pthread_mutex_lock(&o->lock);
    struct output_worker *leftover = o->workers;
    o->workers = NULL;
    pthread_mutex_unlock(&o->lock);
    for (struct output_worker *w = leftover; w != NULL; w = w->next_worker) {
        output_worker_flush(w);
        w->o = NULL;
    }
    output_kafka_close(o, NULL);
    if (err != NULL && errlen > 0)
        err[0] = '\0';
    int rc = log_files_finish(o, err, errlen);
    for (size_t i = 0; i < o->n_files; i++) {
        pthread_mutex_destroy(&o->files[i]->lock);
        free(o->files[i]);
    }
    pthread_mutex_destroy(&o->lock);
    anomaly_events_free(o->anomaly_events);
    free(o);
    return rc;
}

void output_get_stats(struct output *o, struct output_stats *st)
{
    memset(st, 0, sizeof(*st));
    if (o == NULL)
        return;
    pthread_mutex_lock(&o->lock);
    st->lines_dropped = o->dropped_lines;
    st->bad_rows = o->bad_rows;
    size_t n = o->n_files;
    pthread_mutex_unlock(&o->lock);
    for (size_t i = 0; i < n; i++) {
        struct log_file *f = o->files[i];
        pthread_mutex_lock(&f->lock);
        st->lines_written += f->lines;
        pthread_mutex_unlock(&f->lock);
    }
}
