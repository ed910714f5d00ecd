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

#include "files/files-t.h"
#include "proto/app_env-t.h"
#include "proto/conn-t.h"

/* Per worker: the libmagic handle, extraction settings, caps and counters. */
struct file_ctx;

struct file_config {
    const char *extract_dir;      /* NULL: no extraction */
    uint64_t extract_max_file;    /* bytes written per file (the rest is cut off, counted) */
    uint64_t extract_max_total;   /* bytes written per run and worker */
    const struct file_inspector *inspector; /* NULL: files are not inspected */
    /* SMTP messages kept whole, up to this many bytes, for the mail
     * detector (0: none); parsers read it with file_message_cap(). */
    uint64_t message_max_bytes;
    /* Suricata's limit on an HTTP body's file (libhtp's request- and
     * response-body-limit), in decoded data bytes: EVE fileinfo stops
     * there (file_eve_stop). 0: FILES_DEFAULT_EVE_BODY_LIMIT; UINT64_MAX:
     * none. Parsers read it with file_eve_body_limit(). */
    uint64_t eve_body_limit;
};

/* The caller frees it with file_ctx_free(); NULL with err set on failure. */
struct file_ctx *file_ctx_new(const struct file_config *cfg, char *err, size_t errlen);
void file_ctx_free(struct file_ctx *fc);

/* Defaults of struct file_config when a cap is 0. */
#define FILES_DEFAULT_EXTRACT_MAX_FILE ((uint64_t)100 << 20)
#define FILES_DEFAULT_EXTRACT_MAX_TOTAL ((uint64_t)1 << 30)
/* Suricata's default suricata.yaml: request-body-limit and
 * response-body-limit 100 KiB. */
#define FILES_DEFAULT_EVE_BODY_LIMIT ((uint64_t)100 << 10)
struct file_analysis;

/* Starts a file seen on connection conn. filename may be NULL (bytes copied).
 * The analysis is the caller's until file_end (or file_publish, or
 * file_abort) frees it; NULL when fc or conn is NULL or memory is short. */
struct file_analysis *file_begin(struct file_ctx *fc, const struct app_conn *conn, const char *source, bool is_orig,
                                 const char *filename, size_t filename_len, uint64_t total_bytes, int64_t ts_us);
void file_data(struct file_analysis *fa, const uint8_t *p, size_t n, int64_t ts_us);
void file_gap(struct file_analysis *fa, uint64_t n);
/* The file's last bytes, which Zeek counts and Suricata does not (a
 * quoted-printable part's last line end): EVE fileinfo keeps the size and
 * digests of the bytes before them. Call it last, before file_end. */
void file_data_zeek_tail(struct file_analysis *fa, const uint8_t *p, size_t n, int64_t ts_us);
/* Suricata's file ends here and Zeek's goes on (an HTTP body past libhtp's
 * body limit): EVE fileinfo keeps the size, gaps and digests of what came
 * before, state TRUNCATED; later calls count for files.log only. Idempotent;
 * no effect on a byte-range part. */
void file_eve_stop(struct file_analysis *fa);
/* A hole Zeek counts and Suricata's file size does not (the part of an HTTP
 * gap beyond the body limit, cut by Suricata's chunk length): files.log's
 * missing_bytes, not EVE's size. */
void file_gap_past_eve(struct file_analysis *fa, uint64_t n);
/* Ends the file: publishes EVENT_FILE through env, copies the fuid and MIME
 * type into the caller's buffers (either may be NULL), frees fa. */
void file_end(struct file_analysis *fa, struct app_env *env, char fuid_out[UID_LEN], char mime_out[96]);
/* file_end in two steps, for a parser that logs its files with their
 * transaction (SMTP: Suricata writes an attachment's fileinfo when the mail
 * completes, with the mail's smtp and email objects). file_finish ends the
 * analysis (digests, MIME type, extraction) and copies the fuid and MIME
 * type out (either may be NULL); fa stays the caller's until file_publish
 * publishes EVENT_FILE through env, with smtp (borrowed for the call, may be
 * NULL) as its carrier, and frees fa. Not for byte-range parts. */
void file_finish(struct file_analysis *fa, char fuid_out[UID_LEN], char mime_out[96]);
void file_publish(struct file_analysis *fa, struct app_env *env, const struct smtp_txn *smtp);
/* Zeek ends a file once its announced size has come, Suricata at its
 * carrier's end (an SMB close): file_finish, then EVENT_FILE for files.log
 * and the detectors, without EVE; fa stays the caller's, takes no more
 * bytes, and its file_publish later writes the EVE fileinfo alone. */
void file_publish_zeek(struct file_analysis *fa, struct app_env *env, char fuid_out[UID_LEN]);
/* Drops a file without publishing (parser torn down by an error path). */
void file_abort(struct file_analysis *fa);

/* Like file_begin, with the parser's own per-connection file counter in the
 * fuid (file_begin derives one from the connection, direction and time).
 * The caller owns it and ends it as file_begin's. */
struct file_analysis *file_begin_seq(struct file_ctx *fc, const struct app_conn *conn, const char *source,
                                     bool is_orig, const char *filename, size_t filename_len, uint64_t total_bytes,
                                     int64_t ts_us, uint64_t seq);
/* A part of a file fetched by byte range (HTTP 206 Content-Range): bytes
 * from `offset` of a file of `total` bytes named by key (Zeek's file handle
 * for range replies: the originator and the URL; bytes copied), seen on
 * env->conn at env->ts_us. Parts with the same key, over any connections of
 * the worker and at any time, are one file (the first part's connection,
 * time and seq name it): its bytes are joined in offset order (parts above
 * the joined end held, bounded), and it is published, with the total size,
 * by the file_end of the part that completes it; else it waits for more
 * parts until it has been idle for 2 minutes (logged timed out, at the next
 * part of any range file), or until file_ctx_flush_parts. The other calls
 * take the part like any file; file_end gives the joined file's fuid. The
 * part is the caller's until file_end or file_abort frees it, as
 * file_begin's; NULL when out of memory. */
struct file_analysis *file_begin_part(struct file_ctx *fc, struct app_env *env, const char *source, bool is_orig,
                                      const void *key, size_t key_len, uint64_t offset, uint64_t total, uint64_t seq);
/* Publishes, through env (on each file's first connection), the range files
 * still waiting for parts: the end of the run. */
void file_ctx_flush_parts(struct file_ctx *fc, struct app_env *env);
/* The fuid the file will be logged with (valid until file_end/abort). */
const char *file_fuid(const struct file_analysis *fa);
/* Marks the file as cut short (EVE state TRUNCATED). */
void file_set_truncated(struct file_analysis *fa);
/* Suricata's file name when it differs from Zeek's (bytes copied). */
void file_set_eve_filename(struct file_analysis *fa, const char *name, size_t len);
void file_set_tx_id(struct file_analysis *fa, uint64_t tx_id);
/* The file is no file to Suricata (a MIME part without a name): files.log
 * only, no EVE fileinfo. */
void file_set_not_in_eve(struct file_analysis *fa);

/* Bytes of an SMTP message to keep for the mail detector (0: none). */
uint64_t file_message_cap(const struct file_ctx *fc);
/* Decoded bytes of an HTTP body Suricata's file takes (UINT64_MAX: all). */
uint64_t file_eve_body_limit(const struct file_ctx *fc);

/* Counters of one worker's file analysis. */
struct file_stats {
    uint64_t files;              /* files ended (published) */
    uint64_t extracted;          /* files written to extract_dir */
    uint64_t extracted_bytes;
    uint64_t extract_cutoffs;    /* files cut by a cap */
    uint64_t extract_errors;     /* open/write/rename failures */
    uint64_t inspected;          /* files handed to the inspector */
    uint64_t inspect_cut;        /* ... of which longer than its max_bytes, or holed */
};
void file_ctx_stats(const struct file_ctx *fc, struct file_stats *out);

#endif
