/* hunt/logread_internal.h: what the log reader's parts share (logread.c
 * reads files and splits lines, logread_tsv.c understands Zeek TSV,
 * logread_json.c indexes JSON lines). Not for other modules. */
#ifndef VIGIL_HUNT_LOGREAD_INTERNAL_H
#define VIGIL_HUNT_LOGREAD_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hunt/logread.h"

/* Longest line kept (bytes, without the newline); longer ones are skipped
 * and counted in bad_lines. Also bounds every per-line structure. */
#define LOGREAD_LINE_MAX ((size_t)1 << 20)
/* Longest log name (#path, _path, event_type, file stem) kept. */
#define LOGREAD_NAME_MAX 128
/* Zeek header markers (#empty_field, #unset_field) longer than this are
 * not Zeek's and make the header block unusable. */
#define LOGREAD_MARK_MAX 32
#define LOGREAD_TSV_COLS_MAX 1024
#define LOGREAD_JSON_DEPTH_MAX 32
/* Dotted JSON names longer than this are not indexed (their values cannot
 * be asked for; the line is still a row). */
#define LOGREAD_JSON_KEY_MAX 1024

typedef void (*log_each_fn)(void *ctx, const char *val, size_t len);

static inline uint32_t logread_hash_init(void)
{
    return 2166136261u;
}

static inline uint32_t logread_hash_bytes(uint32_t h, const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)p[i];
        h *= 16777619u;
    }
    return h;
}

/* Hashes a NUL-terminated name and returns its length in *len: one pass. */
static inline uint32_t logread_hash_cstr(const char *s, size_t *len)
{
    uint32_t h = logread_hash_init();
    size_t n = 0;
    for (; s[n] != '\0'; n++) {
        h ^= (unsigned char)s[n];
        h *= 16777619u;
    }
    *len = n;
    return h;
}

/* ---- time stamps (logread_time.c) ---- */

static inline bool logread_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* "1600000000.123456" (also negative, exponent forms). */
bool logread_parse_epoch(const char *s, size_t n, double *out);
/* "2024-01-01T10:00:00.123456+0000", "+00:00", "Z", no zone = UTC. */
bool logread_parse_iso8601(const char *s, size_t n, double *out);

/* ---- Zeek TSV (logread_tsv.c) ---- */

struct tsv_column {
    uint32_t name_off;         /* into tsv_state.names */
    uint32_t name_len;
    uint32_t hash;
    bool container;            /* set[...] or vector[...] */
};

struct tsv_state {
    /* the current header block */
    char sep, set_sep;
    char empty[LOGREAD_MARK_MAX];
    size_t empty_len;
    char unset[LOGREAD_MARK_MAX];
    size_t unset_len;
    char path[LOGREAD_NAME_MAX];
    bool active;               /* rows follow a #fields line */
    bool broken;               /* the last #fields was unusable: rows are bad */
    bool bad_separator;        /* this block's #separator was unusable */
    size_t ncols;
    struct tsv_column *cols;
    size_t cols_cap;
    char *names;
    size_t names_cap;
    uint16_t *slots;           /* name hash -> column + 1 */
    size_t nslots;             /* a power of two, or 0 */
    long ts_col;               /* -1 when there is no "ts" */
    /* the current row */
    const char *line;
    size_t len;
    uint32_t *off;             /* ncols + 1 column starts; off[ncols] = len + 1 */
    /* log_row_each's unescape buffer */
    char *scratch;
    size_t scratch_cap;
    bool scratch_busy;
};

/* Forgets the header block (new file, or a #separator line). */
void tsv_reset(struct tsv_state *t);
/* A line starting with '#'. Returns 0, or -1 when out of memory. */
int tsv_header(struct tsv_state *t, const char *line, size_t len);
/* Splits a row; false when its column count differs from #fields. */
bool tsv_row(struct tsv_state *t, const char *line, size_t len);
/* The row's ts column parsed, 0 if absent or unparsable. */
double tsv_row_ts(const struct tsv_state *t);
bool tsv_get(const struct tsv_state *t, const char *name, struct log_value *out);
void tsv_each(struct tsv_state *t, const char *name, log_each_fn fn, void *ctx);
/* Zeek's escapes (\xNN, \\) removed; dst holds at least n bytes. */
size_t tsv_unescape(const char *src, size_t n, char *dst);
void tsv_free(struct tsv_state *t);

/* ---- JSON lines (logread_json.c) ---- */

enum json_kind { JSON_STRING, JSON_NUMBER, JSON_BOOL };

struct json_key {
    const char *name;          /* this segment, decoded */
    uint32_t name_len;
    uint32_t parent;           /* JSON_KEY_ROOT for a top-level key */
    uint32_t full_len;         /* length of the dotted name */
    uint32_t hash;             /* hash of the dotted name */
    uint32_t first, last;      /* values under exactly this name; JSON_NONE */
};

struct json_value {
    const char *p;
    uint32_t len;
    uint32_t next;             /* next value of the same key, or JSON_NONE */
    uint8_t kind;              /* enum json_kind */
    bool escaped;              /* p/len are the raw string: decode on demand */
};

struct json_slot {
    uint32_t gen;
    uint32_t key;
};

#define JSON_NONE UINT32_MAX
#define JSON_KEY_ROOT (UINT32_MAX - 1)

struct json_index {
    const char *line;
    size_t len;
    struct json_key *keys;
    size_t nkeys, keys_cap;
    struct json_value *values;
    size_t nvalues, values_cap;
    struct json_slot *slots;
    size_t nslots;
    uint32_t gen;
    /* decoded strings of this line; never reallocated within a line so
     * pointers handed out stay valid until the next line */
    char *arena;
    size_t arena_cap, arena_used;
};

/* Indexes one line. 0 = a JSON object, -1 = malformed, -2 = out of memory. */
int json_index_parse(struct json_index *ix, const char *line, size_t len);
bool json_get(struct json_index *ix, const char *name, struct log_value *out);
void json_each(struct json_index *ix, const char *name, log_each_fn fn, void *ctx);
/* Without parsing: the string value of top-level `"key":"` (exact spelling,
 * no blanks) when it has no escapes. For filtering before parsing. */
bool json_quick_string(const char *line, size_t len, const char *pattern, size_t pattern_len,
                       const char **val, size_t *vlen);
/* Whether a line may name `key` at all (a cheap substring test). */
bool json_mentions(const char *line, size_t len, const char *quoted_key, size_t klen);
void json_index_free(struct json_index *ix);

#endif
