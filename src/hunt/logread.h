/* hunt/logread: streams rows out of stored logs for `vigil hunt`: Vigil's
 * and a real Zeek's logs (TSV with #fields/#types headers, or JSON lines),
 * plain or gzip, single files or directories of rotated daily logs, and
 * Suricata EVE JSON. Memory does not grow with the size of the logs: one
 * read buffer and one row at a time.
 *
 * Paths given as directories are walked recursively in sorted order; files
 * whose names end in .log, .json, .jsonl, .ndjson, .eve (and those plus .gz)
 * are read, others skipped. The content decides the format, not the name:
 * '#separator' starts Zeek TSV, '{' starts JSON (EVE when a line has
 * "event_type", Zeek JSON otherwise). */
#ifndef VIGIL_HUNT_LOGREAD_H
#define VIGIL_HUNT_LOGREAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum log_source {
    LOG_ZEEK_TSV,
    LOG_ZEEK_JSON,
    LOG_EVE,
};

/* One value of a row. For TSV rows the value is unescaped (\x09, \x2c,
 * \\ ...) lazily by log_row_each; an unset field ("-") has val == NULL. */
struct log_value {
    const char *val;
    size_t len;
};

/* A row; valid until the next logread_next call. */
struct log_row {
    enum log_source source;
    /* The log's name: Zeek's #path ("conn", "dns"), or for Zeek JSON its
     * "_path", else (and for TSV without #path) the file name's stem before
     * the first '.' less a trailing _YYYYMMDD-style date ("conn" for
     * conn.04:00:00-05:00:00.log.gz, "dns" for dns_20240101.log), or for
     * EVE the event_type ("flow", "dns", "http", "tls", "fileinfo", "smtp", "alert"). */
    const char *path;
    const char *file;          /* the file being read */
    uint64_t line;             /* 1-based line number in that file */
    double ts;                 /* the row's ts (Zeek epoch seconds, EVE ISO-8601 timestamp parsed); 0 if absent */
    const void *impl;          /* the reader's */
};

/* First value of field `name` (Zeek field name such as "id.orig_h", or an
 * EVE dotted path such as "dns.rrname", "tls.ja3.hash", "http.hostname").
 * Returns false when the field is absent or unset. For TSV set/vector
 * fields this is the whole raw column; use log_row_each for elements. */
bool log_row_get(const struct log_row *r, const char *name, struct log_value *out);
/* Calls fn for every element of field `name`: each element of a TSV
 * set/vector (split on the set separator, unescaped), each element of a JSON
 * array (arrays of objects: "dns.answers.rdata" visits every answer's rdata),
 * or the single value of a scalar. Unset/empty elements are skipped. */
void log_row_each(const struct log_row *r, const char *name,
                  void (*fn)(void *ctx, const char *val, size_t len), void *ctx);

struct logread;

struct logread_stats {
    uint64_t files;            /* files opened */
    uint64_t bytes;            /* bytes read after decompression */
    uint64_t rows;             /* rows returned */
    uint64_t bad_lines;        /* lines that were not a row (malformed JSON, wrong column count, ...) */
    uint64_t bad_files;        /* files that could not be opened or decompressed (reported, skipped) */
};

/* Opens the list of paths (files or directories). NULL + one-line reason in
 * err when a path does not exist or nothing readable is found. The caller
 * closes it with logread_close(). */
struct logread *logread_open(const char *const *paths, size_t n, char *err, size_t errlen);
/* The same over one block of memory (which must outlive the reader), read
 * as a file called `name` (its stem names JSON logs without _path); gzip
 * is detected as for files. For tests and fuzzing. NULL and a reason as
 * logread_open; the caller closes it with logread_close(). */
struct logread *logread_open_memory(const uint8_t *data, size_t len, const char *name,
                                    char *err, size_t errlen);
/* Lowers the longest line kept (default and maximum 1 MiB, minimum 64);
 * call before the first logread_next. */
void logread_set_max_line(struct logread *r, size_t max);
/* Only rows whose path is one of `paths` (NULL-terminated) are returned:
 * the reader may skip other files' lines without parsing them. NULL = all. */
void logread_filter(struct logread *r, const char *const *paths);
/* 1 = a row, 0 = end of all input, -1 = an error worth stopping for (err set).
 * Damaged lines and unreadable files are counted in stats and skipped;
 * logread_warning returns their messages once each, oldest first (the
 * first 16 pending, then one "N more warnings not shown"), NULL when none
 * is pending; the string stays valid until the next call. */
int logread_next(struct logread *r, struct log_row *row, char *err, size_t errlen);
const char *logread_warning(struct logread *r);
void logread_get_stats(const struct logread *r, struct logread_stats *st);
void logread_close(struct logread *r);

#endif
