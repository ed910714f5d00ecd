/* util/tsv: the tab-separated lines of Vigil's data files (data/NAME.tsv). */
#ifndef VIGIL_UTIL_TSV_H
#define VIGIL_UTIL_TSV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Cuts line at its tabs, in place, into at most max fields (the last keeps
 * any further tabs); returns how many. */
size_t tsv_split(char *line, char **fields, size_t max);

/* A data file read line by line: r->lineno counts every line read (for
 * "path:line:" errors); the end of line is cut, and blank lines and '#'
 * comments are skipped. false at the end of the file. */
struct tsv_reader {
    FILE *f;
    unsigned lineno;
};
bool tsv_next_line(struct tsv_reader *r, char *line, size_t size);
/* Opens path into a fresh r (the caller fcloses r->f); false with
 * "PATH: why it cannot be opened" in err. */
bool tsv_reader_open(struct tsv_reader *r, const char *path, char *err, size_t errlen);
/* path, or when it is NULL where the shipped data file `shipped` is
 * (util/datadir.h), written into buf (cap bytes): returns path itself (the
 * caller's), else returns buf. */
const char *tsv_data_path(const char *path, const char *shipped, char *buf, size_t cap);

/* A decimal count, all of s, at most max ("-1", "", "12x" refused). */
bool tsv_parse_u64(const char *s, uint64_t max, uint64_t *out);

/* A thresholds file of "setting<TAB>value[<TAB>why]" lines
 * (data/short_capture.tsv, data/beacon_weights.tsv), described by the
 * caller's table of n settings (at most TSV_SETTINGS_MAX), each `stride`
 * bytes and beginning with its name (a const char *); apply() stores a
 * value (false: a bad one). Every setting must be there. With a tag, the
 * settings are the file's "tag<TAB>setting<TAB>value" lines among others
 * (data/lateral_movement.tsv's "threshold" lines): other lines, and
 * settings under the tag the table does not name, are left to another
 * reader. */
#define TSV_SETTINGS_MAX 64
struct tsv_settings {
    const void *table;
    size_t stride, n;
    bool (*apply)(void *ctx, const void *setting, const char *value);
    void *ctx;
    const char *tag;   /* NULL: every line is a setting */
};
/* Reads path, or the shipped data file `shipped` (util/datadir.h) when path
 * is NULL. false with one line in err naming the file (and line): unreadable,
 * not setting<TAB>value, unknown setting, bad value, a setting missing. */
bool tsv_settings_read(const char *path, const char *shipped, const struct tsv_settings *s, char *err, size_t errlen);

/* A data file of lines of any length (regular expressions, long names):
 * after tsv_lines_next, r->line holds the next line that is neither blank
 * nor a '#' comment, its trailing CR/LF cut; it is owned by r and valid
 * until the next call. r->lineno counts every line read. tsv_lines_open
 * is false when the file cannot be opened, with "PATH: cannot open" and
 * `what` (the caller's name for the file: " the vendor policy", or "") in
 * err; tsv_lines_close frees the line and closes the file. */
struct tsv_lines {
    FILE *f;
    unsigned lineno;
    char *line;
    size_t cap;
};
bool tsv_lines_open(struct tsv_lines *r, const char *path, const char *what, char *err, size_t errlen);
bool tsv_lines_next(struct tsv_lines *r);
void tsv_lines_close(struct tsv_lines *r);

#endif
