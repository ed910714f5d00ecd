/* files/: files carried by HTTP and SMTP (and later FTP...): MD5, SHA-1 and
 * SHA-256 (OpenSSL), MIME type by content (libmagic), size, and optional
 * extraction to disk under content-derived names only. A parser opens a
 * file when a body/attachment starts, streams its bytes, and closes it; the
 * close publishes a `struct file_info` (EVENT_FILE) for files.log and EVE
 * fileinfo, and hands the fuid and MIME type back for the parser's own log
 * (http.log resp_fuids, resp_mime_types...). */
#ifndef VIGIL_FILES_FILES_H
#define VIGIL_FILES_FILES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "flow/conn_record.h"
#include "proto/parser.h"

/* Per worker: the libmagic handle, extraction settings, caps and counters. */
struct file_ctx;

struct file_config {
    const char *extract_dir;      /* NULL: no extraction */
    uint64_t extract_max_file;    /* bytes written per file (the rest is cut off, counted) */
    uint64_t extract_max_total;   /* bytes written per run and worker */
};

struct file_ctx *file_ctx_new(const struct file_config *cfg, char *err, size_t errlen);
void file_ctx_free(struct file_ctx *fc);

/* What files.log and EVE fileinfo need; published as EVENT_FILE. */
struct file_info {
    char fuid[UID_LEN];
    int64_t ts_us;                /* first byte seen */
    int64_t duration_us;          /* first to last byte */
    const char *source;           /* "HTTP", "SMTP" */
    bool is_orig;                 /* sent by the connection's originator */
    const char *filename;         /* from Content-Disposition / URL; NULL when none */
    size_t filename_len;
    char mime_type[96];           /* by content (libmagic); "" when unknown */
    uint64_t seen_bytes;
    uint64_t total_bytes;         /* announced size (Content-Length), 0 when unknown */
    uint64_t missing_bytes;       /* gaps */
    bool timedout;
    char md5[33], sha1[41], sha256[65];
    const char *extracted;        /* file name under extract_dir, NULL when not extracted */
    bool extracted_cutoff;
    uint64_t extracted_size;
    uint16_t depth;               /* nesting, e.g. an attachment inside an attachment */
};

struct file_analysis;

/* Starts a file seen on connection conn. filename may be NULL (bytes copied). */
struct file_analysis *file_begin(struct file_ctx *fc, const struct app_conn *conn, const char *source, bool is_orig,
                                 const char *filename, size_t filename_len, uint64_t total_bytes, int64_t ts_us);
void file_data(struct file_analysis *fa, const uint8_t *p, size_t n, int64_t ts_us);
void file_gap(struct file_analysis *fa, uint64_t n);
/* Ends the file: publishes EVENT_FILE through env, copies the fuid and MIME
 * type into the caller's buffers (either may be NULL), frees fa. */
void file_end(struct file_analysis *fa, struct app_env *env, char fuid_out[UID_LEN], char mime_out[96]);
/* Drops a file without publishing (parser torn down by an error path). */
void file_abort(struct file_analysis *fa);

#endif
