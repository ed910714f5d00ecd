/* Text feeds: CSV with a header row (RFC 4180 quoting), plain lists (one
 * indicator per line, type guessed), and Zeek intel framework files. Every
 * line or record is bounded (TEXT_MAX_LINE); what cannot be used is counted
 * in the report with an example, never fatal to the rest of the file. */
#include "intel/intel.h"
#include "intel/intel_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/strcut.h"

#define TEXT_MAX_LINE (64u << 10)
#define CSV_MAX_FIELDS 256
#define CSV_MAX_TYPED 16
#define NAME_MAX_LEN 64
#define LIST_NOTE_MAX 512
#define LIST_DETECT_LINES 200
#define CSV_COMMENT_HEADER_MIN_FIELDS 3

/* ---- shared: lines ---- */

struct lines {
    const char *p;
    size_t n, off;
    uint64_t line_no;   /* of the line last returned, from 1 */
};

static void lines_init(struct lines *l, const uint8_t *p, size_t n)
{
    l->p = (const char *)p;
    l->n = p ? n : 0;
    l->off = (l->n >= 3 && p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf) ? 3 : 0;
    l->line_no = 0;
}

/* The next line without its LF or CRLF; false at the end. */
static bool next_line(struct lines *l, const char **line, size_t *len)
{
    if (l->off >= l->n)
        return false;
    const char *start = l->p + l->off;
    const char *nl = memchr(start, '\n', l->n - l->off);
    size_t ll = nl ? (size_t)(nl - start) : l->n - l->off;
    l->off += ll + (nl ? 1 : 0);
    if (ll > 0 && start[ll - 1] == '\r')
        ll--;
    l->line_no++;
    *line = start;
    *len = ll;
    return true;
}

/* The next line no longer than TEXT_MAX_LINE; a longer one is rejected
 * (counted in rep, named with its line number) and skipped. */
static bool next_usable_line(struct lines *l, struct intel_load_report *rep, const char *file, const char **line,
                             size_t *len)
{
    while (next_line(l, line, len)) {
        if (*len <= TEXT_MAX_LINE)
            return true;
        intel_feed_reject(rep, &rep->errors, file, l->line_no, "line longer than 64 KiB", *line, *len);
    }
    return false;
}

static bool is_blank(char c)
{
    return c == ' ' || c == '\t';
}

/* ---- shared: column names and meta ---- */

enum meta_field {
    META_SOURCE,
    META_DESC,
    META_REF,
    META_TAGS,
    META_ACTOR,
    META_MALWARE,
    META_ATTACK,
    META_THREAT_LEVEL,
    META_FIELD_COUNT,
};

struct name_map {
    const char *name;
    int field;
};

static const struct name_map meta_names[] = {
    {"source", META_SOURCE},        {"feed", META_SOURCE},           {"feed_name", META_SOURCE},
    {"provider", META_SOURCE},      {"context", META_DESC},          {"description", META_DESC},
    {"desc", META_DESC},            {"comment", META_DESC},          {"comments", META_DESC},
    {"info", META_DESC},            {"details", META_DESC},          {"reference", META_REF},
    {"references", META_REF},       {"ref", META_REF},               {"link", META_REF},
    {"report", META_REF},           {"tags", META_TAGS},             {"tag", META_TAGS},
    {"labels", META_TAGS},          {"actor", META_ACTOR},           {"threat_actor", META_ACTOR},
    {"aliases", META_ACTOR},        {"group", META_ACTOR},           {"intrusion_set", META_ACTOR},
    {"malware", META_MALWARE},      {"family", META_MALWARE},        {"malware_family", META_MALWARE},
    {"attack", META_ATTACK},        {"technique", META_ATTACK},      {"techniques", META_ATTACK},
    {"mitre", META_ATTACK},         {"mitre_attack", META_ATTACK},   {"threat_level", META_THREAT_LEVEL},
    {"threat_level_id", META_THREAT_LEVEL}, {"severity", META_THREAT_LEVEL},
};

static const char *const value_names[] = {
    "indicator", "value", "ioc", "observable", "indicator_value", "ioc_value", "observable_value",
};

static const char *const type_names[] = {"type", "indicator_type", "ioc_type", "observable_type"};

/* Types that name real indicator kinds Vigil cannot match: a cell with one
 * of these is unsupported, not guessed. */
static const char *const unsupported_type_names[] = {
    "filename", "file_name", "file", "path", "sha512", "sha384", "sha224", "ssdeep", "imphash", "tlsh",
    "authentihash", "mutex", "regkey", "registry", "yara", "snort", "sigma", "jarm", "text", "other",
    "comment", "pattern", "asn", "as", "port", "vulnerability", "cve", "btc", "phone_number",
    "pubkey_hash", "user_name", "email_subject", "subject", "email_body", "attachment",
};

/* Lower case, trimmed, ' ' and '-' as '_'. Returns false when too long. */
static bool fold_name(const char *s, size_t n, char out[NAME_MAX_LEN])
{
    intel_trim(&s, &n);
    if (n >= NAME_MAX_LEN)
        return false;
    intel_fold_name(s, n, ' ', '-', '_', out);
    return true;
}

static bool in_list(const char *folded, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(folded, list[i]) == 0)
            return true;
    return false;
}

static int meta_field_of(const char *folded)
{
    for (size_t i = 0; i < sizeof meta_names / sizeof meta_names[0]; i++)
        if (strcmp(folded, meta_names[i].name) == 0)
            return meta_names[i].field;
    return -1;
}

/* MISP ids 1..4, or words. 0 when unknown. */
static int parse_threat_level(const char *s)
{
    if (s == NULL)
        return 0;
    size_t n = strlen(s);
    intel_trim(&s, &n);
    if (n == 1 && s[0] >= '1' && s[0] <= '4')
        return s[0] - '0';
    static const struct name_map words[] = {
        {"critical", 1}, {"high", 1},   {"severe", 1},        {"medium", 2},    {"moderate", 2},
        {"low", 3},      {"info", 3},   {"informational", 3}, {"undefined", 4}, {"unknown", 4},
    };
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (strlen(words[i].name) == n && strncasecmp(s, words[i].name, n) == 0)
            return words[i].field;
    return 0;
}

/* Fills m from per-field strings (NULL or "" = not given). */
static void build_meta(struct intel_meta *m, const char *const fields[META_FIELD_COUNT], const char *default_source)
{
    memset(m, 0, sizeof *m);
    const char **dst[] = {
        [META_SOURCE] = &m->source, [META_DESC] = &m->desc,   [META_REF] = &m->ref,       [META_TAGS] = &m->tags,
        [META_ACTOR] = &m->actor,   [META_MALWARE] = &m->malware, [META_ATTACK] = &m->attack,
    };
    for (int f = 0; f < META_THREAT_LEVEL; f++)
        if (fields[f] != NULL && fields[f][0] != '\0')
            *dst[f] = fields[f];
    m->threat_level = parse_threat_level(fields[META_THREAT_LEVEL]);
    if (m->source == NULL)
        m->source = default_source;
}

/* Adds a value whose type comes from a type cell (maybe composite, maybe
 * empty or unknown: then guessed). */
static void add_with_type_name(struct intel_store *s, struct intel_load_report *rep, const char *file,
                               uint64_t line, const char *type_name, size_t type_len, const char *value,
                               size_t len, const struct intel_meta *meta)
{
    intel_trim(&type_name, &type_len);
    struct intel_typed_value parts[2];
    unsigned n = type_len ? intel_split_typed_value(type_name, type_len, value, len, parts) : 0;
    if (n > 0) {
        for (unsigned i = 0; i < n; i++)
            intel_feed_add(s, rep, file, line, parts[i].type, parts[i].value, parts[i].len, meta);
        return;
    }
    enum intel_type comp[2];
    unsigned n_comp;
    if (type_len > 0 && intel_type_parse_composite(type_name, type_len, comp, &n_comp)) {
        intel_feed_reject(rep, &rep->invalid, file, line, "composite value without '|'", value, len);
        return;
    }
    char folded[NAME_MAX_LEN];
    if (type_len > 0 && (!fold_name(type_name, type_len, folded) ||
                         in_list(folded, unsupported_type_names,
                                 sizeof unsupported_type_names / sizeof unsupported_type_names[0]))) {
        char reason[NAME_MAX_LEN + 24];
        snprintf(reason, sizeof reason, "unsupported type %.*s", (int)(type_len < 40 ? type_len : 40), type_name);
        intel_feed_reject(rep, &rep->unsupported, file, line, reason, value, len);
        return;
    }
    enum intel_type t;
    if (!intel_type_infer(value, len, &t)) {
        const char *reason = type_len ? "unknown type, value not recognised" : "not an indicator";
        intel_feed_reject(rep, type_len ? &rep->unsupported : &rep->invalid, file, line, reason, value, len);
        return;
    }
    intel_feed_add(s, rep, file, line, t, value, len, meta);
}

/* ---- plain lists ---- */

struct list_notes {
    char actor[LIST_NOTE_MAX];
    char ref[LIST_NOTE_MAX];
};

static bool is_comment(const char *l, size_t n)
{
    return n > 0 && (l[0] == '#' || l[0] == ';' || (n >= 2 && l[0] == '/' && l[1] == '/'));
}

/* Maltrail-style "# Aliases: ..." and "# Reference: ..." comments describe the lines after them. */
static void read_note(struct list_notes *notes, const char *l, size_t n)
{
    while (n > 0 && (l[0] == '#' || is_blank(l[0]))) {
        l++;
        n--;
    }
    static const struct {
        const char *key;
        size_t off;
    } keys[] = {{"aliases:", offsetof(struct list_notes, actor)}, {"reference:", offsetof(struct list_notes, ref)}};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        size_t k = strlen(keys[i].key);
        if (n > k && strncasecmp(l, keys[i].key, k) == 0) {
            const char *v = l + k;
            size_t vn = n - k;
            intel_trim(&v, &vn);
            strcut_copy((char *)notes + keys[i].off, LIST_NOTE_MAX, v, vn);
        }
    }
}

/* The indicator on a list line: the first word; "value;comment" and
 * "value,comment" fall back to the part before the separator. */
static bool list_value(const char *l, size_t n, const char **v, size_t *vn, enum intel_type *t)
{
    size_t w = 0;
    while (w < n && !is_blank(l[w]))
        w++;
    *v = l;
    *vn = w;
    if (intel_type_infer(l, w, t))
        return true;
    for (size_t i = 0; i < w; i++) {
        if (l[i] == ';' || l[i] == ',') {
            *vn = i;
            return i > 0 && intel_type_infer(l, i, t);
        }
    }
    return false;
}

void intel_load_list(struct intel_store *s, const char *name, const uint8_t *p, size_t n, struct intel_load_report *rep)
{
    if (s == NULL || rep == NULL)
        return;
    const char *file = name ? name : "-";
    struct list_notes notes = {"", ""};
    struct lines it;
    lines_init(&it, p, n);
    const char *line;
    size_t len;
    while (next_usable_line(&it, rep, file, &line, &len)) {
        intel_trim(&line, &len);
        if (len == 0)
            continue;
        if (is_comment(line, len)) {
            read_note(&notes, line, len);
            continue;
        }
        const char *v;
        size_t vn;
        enum intel_type t;
        if (!list_value(line, len, &v, &vn, &t)) {
            if (intel_url_is_bare_path(v, vn))
                intel_feed_reject(rep, &rep->unsupported, file, it.line_no, "URL path without a host", line, len);
            else
                intel_feed_reject(rep, &rep->invalid, file, it.line_no, "not an indicator", line, len);
            continue;
        }
        struct intel_meta m;
        memset(&m, 0, sizeof m);
        m.source = intel_base_name(file);
        m.actor = notes.actor[0] ? notes.actor : NULL;
        m.ref = notes.ref[0] ? notes.ref : NULL;
        intel_feed_add(s, rep, file, it.line_no, t, v, vn, &m);
    }
}

bool intel_list_has_indicator(const uint8_t *head, size_t n)
{
    struct lines it;
    lines_init(&it, head, n);
    const char *line;
    size_t len;
    unsigned seen = 0;
    while (seen < LIST_DETECT_LINES && next_line(&it, &line, &len)) {
        if (len > TEXT_MAX_LINE)
            return false;
        intel_trim(&line, &len);
        if (len == 0 || is_comment(line, len))
            continue;
        seen++;
        const char *v;
        size_t vn;
        enum intel_type t;
        if (list_value(line, len, &v, &vn, &t))
            return true;
    }
    return false;
}

/* ---- CSV ---- */

struct csv_record {
    char *buf;                      /* CSV_RECORD_BUF bytes: fields, each NUL-terminated */
    size_t used;
    const char *field[CSV_MAX_FIELDS];
    size_t flen[CSV_MAX_FIELDS];
    unsigned n_fields;
};

enum csv_status {
    CSV_OK,
    CSV_END,
    CSV_UNTERMINATED,
    CSV_TOO_LONG,
};

struct csv_reader {
    const char *p;
    size_t n, off;
    char delim;
    uint64_t line_no;   /* line the current record started on */
    uint64_t next_line_no;
};

/* A record spans at most TEXT_MAX_LINE input bytes, and each input byte
 * gives at most one byte of field text or one NUL, so this always fits; the
 * checks are there so it stays true if the parser changes. */
#define CSV_RECORD_BUF (TEXT_MAX_LINE + 2)

static bool csv_put(struct csv_record *r, const char *s, size_t n)
{
    if (r->used > CSV_RECORD_BUF - 1 || n > CSV_RECORD_BUF - 1 - r->used)
        return false;
    memcpy(r->buf + r->used, s, n);
    r->used += n;
    return true;
}

static bool csv_end_field(struct csv_record *r, size_t start)
{
    if (r->used >= CSV_RECORD_BUF)
        return false;
    if (r->n_fields < CSV_MAX_FIELDS) {
        r->field[r->n_fields] = r->buf + start;
        r->flen[r->n_fields] = r->used - start;
        r->n_fields++;
    }
    r->buf[r->used++] = '\0';
    return true;
}

/* Skips the rest of the line a failed record started on. */
static void csv_skip_line(struct csv_reader *c, size_t start)
{
    const char *nl = memchr(c->p + start, '\n', c->n - start);
    c->off = nl ? (size_t)(nl - c->p) + 1 : c->n;
    c->next_line_no = c->line_no + 1;
}

/* One record (RFC 4180: quoted fields may hold the delimiter, doubled
 * quotes and line breaks). The record buffer holds TEXT_MAX_LINE bytes plus
 * one NUL per field. */
static enum csv_status csv_next(struct csv_reader *c, struct csv_record *r)
{
    if (c->off >= c->n)
        return CSV_END;
    size_t start = c->off, pos = c->off;
    c->line_no = c->next_line_no;
    r->used = 0;
    r->n_fields = 0;
    for (;;) {
        size_t fstart = r->used;
        size_t j = pos;
        while (j < c->n && c->p[j] == ' ' && c->delim != ' ')
            j++;
        if (j < c->n && c->p[j] == '"') {
            pos = j + 1;
            for (;;) {
                if (pos - start > TEXT_MAX_LINE) {
                    csv_skip_line(c, start);
                    return CSV_TOO_LONG;
                }
                const char *q = memchr(c->p + pos, '"', c->n - pos);
                if (q == NULL || (size_t)(q - c->p) - start > TEXT_MAX_LINE) {
                    csv_skip_line(c, start);
                    return q == NULL ? CSV_UNTERMINATED : CSV_TOO_LONG;
                }
                size_t qi = (size_t)(q - c->p);
                for (size_t k = pos; k < qi; k++)
                    if (c->p[k] == '\n')
                        c->next_line_no++;
                if (!csv_put(r, c->p + pos, qi - pos)) {
                    csv_skip_line(c, start);
                    return CSV_TOO_LONG;
                }
                pos = qi + 1;
                if (pos < c->n && c->p[pos] == '"') {
                    if (!csv_put(r, "\"", 1)) {
                        csv_skip_line(c, start);
                        return CSV_TOO_LONG;
                    }
                    pos++;
                    continue;
                }
                break;
            }
        }
        bool quoted = pos > j;
        if (!quoted)
            pos = j; /* "a, b" spacing is not part of the value */
        /* unquoted text, or what follows a closing quote up to the delimiter */
        size_t k = pos;
        size_t limit = c->n - start > TEXT_MAX_LINE + 1 ? start + TEXT_MAX_LINE + 1 : c->n;
        while (k < limit && c->p[k] != c->delim && c->p[k] != '\n')
            k++;
        size_t tail = k;
        if (tail > pos && (k == c->n || c->p[k] == '\n') && c->p[tail - 1] == '\r')
            tail--;
        while (!quoted && tail > pos && (c->p[tail - 1] == ' ' || c->p[tail - 1] == '\t') && c->delim != '\t')
            tail--;
        if (k - start > TEXT_MAX_LINE || !csv_put(r, c->p + pos, tail - pos) || !csv_end_field(r, fstart)) {
            csv_skip_line(c, start);
            return CSV_TOO_LONG;
        }
        if (k < c->n && c->p[k] == c->delim) {
            pos = k + 1;
            continue;
        }
        c->off = k < c->n ? k + 1 : c->n;
        c->next_line_no++;
        return CSV_OK;
    }
}

struct csv_columns {
    int value;                          /* generic value column, or -1 */
    int type;                           /* type column, or -1 */
    int typed[CSV_MAX_TYPED];           /* columns named after a type */
    enum intel_type typed_type[CSV_MAX_TYPED];
    unsigned n_typed;
    int meta[META_FIELD_COUNT];
    unsigned n_columns;
    bool has_fallback;                  /* value is a column named after a type ... */
    enum intel_type fallback;           /* ... which rows without a type cell get */
};

static void map_columns(struct csv_columns *cols, const char *const *names, const size_t *lens, unsigned n)
{
    cols->value = cols->type = -1;
    cols->n_typed = 0;
    cols->n_columns = n;
    for (int f = 0; f < META_FIELD_COUNT; f++)
        cols->meta[f] = -1;
    for (unsigned i = 0; i < n; i++) {
        char folded[NAME_MAX_LEN];
        if (!fold_name(names[i], lens[i], folded) || folded[0] == '\0')
            continue;
        int mf;
        enum intel_type t;
        if (in_list(folded, value_names, sizeof value_names / sizeof value_names[0])) {
            if (cols->value < 0)
                cols->value = (int)i;
        } else if (in_list(folded, type_names, sizeof type_names / sizeof type_names[0])) {
            if (cols->type < 0)
                cols->type = (int)i;
        } else if ((mf = meta_field_of(folded)) >= 0) {
            if (cols->meta[mf] < 0)
                cols->meta[mf] = (int)i;
        } else if (intel_type_parse(folded, strlen(folded), &t) && cols->n_typed < CSV_MAX_TYPED) {
            cols->typed[cols->n_typed] = (int)i;
            cols->typed_type[cols->n_typed] = t;
            cols->n_typed++;
        }
    }
    /* "ip,type,..." names one value column after a type and has a type
     * column too: the type cell decides, the column name is the default */
    cols->has_fallback = false;
    if (cols->value < 0 && cols->type >= 0 && cols->n_typed == 1) {
        cols->value = cols->typed[0];
        cols->fallback = cols->typed_type[0];
        cols->has_fallback = true;
        cols->n_typed = 0;
    }
}

static bool columns_usable(const struct csv_columns *cols)
{
    return cols->value >= 0 || cols->n_typed > 0;
}

/* Splits a header line (no quotes expected in names, but allowed). */
static bool header_columns(const char *line, size_t len, char delim, struct csv_columns *cols, unsigned *n_fields,
                           bool strict_words)
{
    const char *names[CSV_MAX_FIELDS];
    size_t lens[CSV_MAX_FIELDS];
    unsigned n = 0;
    size_t start = 0;
    for (size_t i = 0; i <= len && n < CSV_MAX_FIELDS; i++) {
        if (i < len && line[i] != delim)
            continue;
        const char *f = line + start;
        size_t fl = i - start;
        intel_trim(&f, &fl);
        if (fl >= 2 && f[0] == '"' && f[fl - 1] == '"') {
            f++;
            fl -= 2;
        }
        if (strict_words) {
            if (fl == 0)
                return false;
            for (size_t k = 0; k < fl; k++) {
                char ch = f[k];
                if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_' ||
                      ch == '-' || ch == '.'))
                    return false;
            }
        }
        names[n] = f;
        lens[n] = fl;
        n++;
        start = i + 1;
    }
    map_columns(cols, names, lens, n);
    *n_fields = n;
    return columns_usable(cols);
}

/* Which delimiter makes `line` a usable header; 0 when none does. */
static char header_delimiter(const char *line, size_t len, bool from_comment, struct csv_columns *cols)
{
    static const char delims[] = {',', '\t', ';', '|'};
    for (size_t i = 0; i < sizeof delims; i++) {
        unsigned nf;
        if (!memchr(line, delims[i], len) && i > 0)
            continue;
        if (header_columns(line, len, delims[i], cols, &nf, from_comment) &&
            (!from_comment || nf >= CSV_COMMENT_HEADER_MIN_FIELDS))
            return delims[i];
    }
    return 0;
}

/* Finds the header: the first line that is not blank or a comment, or, when
 * comments come first, the last of them if it reads as a header ("# id,url,..."
 * as abuse.ch writes). Returns the offset of the first data line, or
 * SIZE_MAX when there is no usable header. */
static size_t find_header(const uint8_t *p, size_t n, struct csv_columns *cols, char *delim, uint64_t *lines_used)
{
    struct lines it;
    lines_init(&it, p, n);
    const char *line, *last_comment = NULL;
    size_t len, last_comment_len = 0;
    while (next_line(&it, &line, &len)) {
        if (len > TEXT_MAX_LINE)
            return SIZE_MAX;
        intel_trim(&line, &len);
        if (len == 0)
            continue;
        if (line[0] == '#') {
            last_comment = line;
            last_comment_len = len;
            continue;
        }
        char d = header_delimiter(line, len, false, cols);
        if (d != 0) {
            *delim = d;
            *lines_used = it.line_no;
            return it.off;
        }
        if (last_comment != NULL) {
            const char *c = last_comment + 1;
            size_t cl = last_comment_len - 1;
            intel_trim(&c, &cl);
            d = header_delimiter(c, cl, true, cols);
            if (d != 0) {
                *delim = d;
                *lines_used = it.line_no - 1;
                return (size_t)(line - (const char *)p);
            }
        }
        return SIZE_MAX;
    }
    return SIZE_MAX;
}

bool intel_csv_header_ok(const uint8_t *head, size_t n)
{
    struct csv_columns cols;
    char delim;
    uint64_t used;
    return find_header(head, n, &cols, &delim, &used) != SIZE_MAX;
}

static const char *cell(const struct csv_record *r, int col)
{
    return col >= 0 && (unsigned)col < r->n_fields ? r->field[col] : NULL;
}

static void csv_row(struct intel_store *s, struct intel_load_report *rep, const char *file, uint64_t line,
                    const struct csv_columns *cols, const struct csv_record *r, const char *raw, size_t raw_len)
{
    const char *fields[META_FIELD_COUNT];
    for (int f = 0; f < META_FIELD_COUNT; f++)
        fields[f] = cell(r, cols->meta[f]);
    struct intel_meta m;
    build_meta(&m, fields, intel_base_name(file));
    if (cols->value >= 0) {
        const char *v = cell(r, cols->value);
        if (v == NULL) {
            intel_feed_reject(rep, &rep->invalid, file, line, "short line", raw, raw_len);
            return;
        }
        size_t vn = r->flen[cols->value];
        intel_trim(&v, &vn);
        if (vn == 0) {
            intel_feed_reject(rep, &rep->invalid, file, line, "empty value", raw, raw_len);
            return;
        }
        const char *t = cell(r, cols->type);
        size_t tl = t ? r->flen[cols->type] : 0;
        intel_trim(&t, &tl);
        if (tl == 0 && cols->has_fallback)
            intel_feed_add(s, rep, file, line, cols->fallback, v, vn, &m);
        else
            add_with_type_name(s, rep, file, line, t ? t : "", tl, v, vn, &m);
        return;
    }
    bool any = false;
    for (unsigned i = 0; i < cols->n_typed; i++) {
        const char *v = cell(r, cols->typed[i]);
        if (v == NULL)
            continue;
        size_t vn = r->flen[cols->typed[i]];
        intel_trim(&v, &vn);
        if (vn == 0 || (vn == 1 && (v[0] == '-')))
            continue;
        any = true;
        intel_feed_add(s, rep, file, line, cols->typed_type[i], v, vn, &m);
    }
    if (!any)
        intel_feed_reject(rep, &rep->invalid, file, line, "no value in row", raw, raw_len);
}

void intel_load_csv(struct intel_store *s, const char *name, const uint8_t *p, size_t n, struct intel_load_report *rep)
{
    if (s == NULL || rep == NULL)
        return;
    const char *file = name ? name : "-";
    struct csv_columns cols;
    char delim = ',';
    uint64_t header_lines = 0;
    size_t data = p ? find_header(p, n, &cols, &delim, &header_lines) : SIZE_MAX;
    if (data == SIZE_MAX) {
        intel_feed_reject(rep, &rep->errors, file, 1, "CSV without a header naming an indicator column", "", 0);
        return;
    }
    struct csv_record rec;
    rec.buf = malloc(CSV_RECORD_BUF);
    if (rec.buf == NULL) {
        intel_feed_reject(rep, &rep->errors, file, 0, "out of memory", "", 0);
        return;
    }
    struct csv_reader rd = {(const char *)p, n, data, delim, header_lines + 1, header_lines + 1};
    for (;;) {
        size_t start = rd.off;
        enum csv_status st = csv_next(&rd, &rec);
        if (st == CSV_END)
            break;
        const char *raw = rd.p + start;
        const char *eol = memchr(raw, '\n', n - start);
        size_t raw_len = eol ? (size_t)(eol - raw) : n - start;
        if (raw_len > 0 && raw[raw_len - 1] == '\r')
            raw_len--;
        if (st == CSV_UNTERMINATED) {
            intel_feed_reject(rep, &rep->errors, file, rd.line_no, "unterminated quoted field", raw, raw_len);
            continue;
        }
        if (st == CSV_TOO_LONG) {
            intel_feed_reject(rep, &rep->errors, file, rd.line_no, "record longer than 64 KiB", raw, raw_len);
            continue;
        }
        if (rec.n_fields == 1 && rec.flen[0] == 0)
            continue; /* blank line */
        const char *first = rec.field[0];
        size_t fl = rec.flen[0];
        intel_trim(&first, &fl);
        if (fl > 0 && first[0] == '#')
            continue;
        csv_row(s, rep, file, rd.line_no, &cols, &rec, raw, raw_len);
    }
    free(rec.buf);
}

/* ---- Zeek intel files ---- */

struct zeek_header {
    char sep;
    char unset[16];
    char empty[16];
    int indicator, type;
    int meta[META_FIELD_COUNT];
    unsigned n_fields;
    bool have_fields;
};

/* "\x09" or a literal character. */
static bool parse_separator(const char *v, size_t n, char *out)
{
    intel_trim(&v, &n);
    if (n == 4 && v[0] == '\\' && (v[1] == 'x' || v[1] == 'X')) {
        int hi = -1, lo = -1;
        const char *hex = "0123456789abcdef";
        const char *a = strchr(hex, v[2] | 0x20), *b = strchr(hex, v[3] | 0x20);
        if (a && b && v[2] != '\0' && v[3] != '\0') {
            hi = (int)(a - hex);
            lo = (int)(b - hex);
            char c = (char)(hi << 4 | lo);
            if (c == '\0' || c == '\n')
                return false;
            *out = c;
            return true;
        }
        return false;
    }
    if (n == 1 && v[0] != '\n') {
        *out = v[0];
        return true;
    }
    return false;
}

/* The fields of a "#fields" line (names after the first). */
static void zeek_fields(struct zeek_header *h, const char *line, size_t len)
{
    h->indicator = h->type = -1;
    for (int f = 0; f < META_FIELD_COUNT; f++)
        h->meta[f] = -1;
    h->n_fields = 0;
    size_t start = 0;
    int index = -1; /* "#fields" itself */
    for (size_t i = 0; i <= len; i++) {
        if (i < len && line[i] != h->sep)
            continue;
        const char *f = line + start;
        size_t fl = i - start;
        start = i + 1;
        if (index >= 0) {
            char folded[NAME_MAX_LEN];
            if (fold_name(f, fl, folded)) {
                if (strcmp(folded, "indicator") == 0) {
                    h->indicator = index;
                } else if (strcmp(folded, "indicator_type") == 0) {
                    h->type = index;
                } else if (strncmp(folded, "meta.", 5) == 0) {
                    const char *m = folded + 5;
                    if (strncmp(m, "cif_", 4) == 0)
                        m += 4;
                    int mf = strcmp(m, "url") == 0 ? META_REF : meta_field_of(m);
                    if (mf >= 0 && h->meta[mf] < 0)
                        h->meta[mf] = index;
                }
            }
        }
        index++;
    }
    h->n_fields = index > 0 ? (unsigned)index : 0;
    h->have_fields = h->indicator >= 0 && h->type >= 0;
}

static void zeek_directive(struct zeek_header *h, struct intel_load_report *rep, const char *file, uint64_t line_no,
                           const char *line, size_t len)
{
    if (len >= 10 && memcmp(line, "#separator", 10) == 0) {
        char sep;
        if (parse_separator(line + 10, len - 10, &sep))
            h->sep = sep;
        else
            intel_feed_reject(rep, &rep->errors, file, line_no, "bad #separator", line, len);
        return;
    }
    if (len >= 7 && memcmp(line, "#fields", 7) == 0 && (len == 7 || line[7] == h->sep)) {
        zeek_fields(h, line, len);
        if (!h->have_fields)
            intel_feed_reject(rep, &rep->errors, file, line_no, "#fields without indicator and indicator_type", line,
                              len);
        return;
    }
    static const struct {
        const char *key;
        size_t off;
    } values[] = {{"#unset_field", offsetof(struct zeek_header, unset)},
                  {"#empty_field", offsetof(struct zeek_header, empty)}};
    for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
        size_t k = strlen(values[i].key);
        if (len > k && memcmp(line, values[i].key, k) == 0 && line[k] == h->sep)
            strcut_copy((char *)h + values[i].off, 16, line + k + 1, len - k - 1);
    }
}

void intel_load_zeek(struct intel_store *s, const char *name, const uint8_t *p, size_t n, struct intel_load_report *rep)
{
    if (s == NULL || rep == NULL)
        return;
    const char *file = name ? name : "-";
    struct zeek_header h;
    memset(&h, 0, sizeof h);
    h.sep = '\t';
    memcpy(h.unset, "-", 2);
    memcpy(h.empty, "(empty)", 8);
    h.indicator = h.type = -1;
    char *buf = malloc(TEXT_MAX_LINE + 1);
    if (buf == NULL) {
        intel_feed_reject(rep, &rep->errors, file, 0, "out of memory", "", 0);
        return;
    }
    bool warned_no_fields = false;
    struct lines it;
    lines_init(&it, p, n);
    const char *line;
    size_t len;
    while (next_usable_line(&it, rep, file, &line, &len)) {
        if (len == 0)
            continue;
        if (line[0] == '#') {
            zeek_directive(&h, rep, file, it.line_no, line, len);
            continue;
        }
        if (!h.have_fields) {
            if (!warned_no_fields)
                intel_feed_reject(rep, &rep->errors, file, it.line_no, "row before a usable #fields line", line, len);
            else
                rep->errors++;
            warned_no_fields = true;
            continue;
        }
        memcpy(buf, line, len);
        buf[len] = '\0';
        const char *cells[CSV_MAX_FIELDS];
        size_t cell_len[CSV_MAX_FIELDS];
        unsigned nc = 0;
        size_t start = 0;
        for (size_t i = 0; i <= len && nc < CSV_MAX_FIELDS; i++) {
            if (i < len && buf[i] != h.sep)
                continue;
            buf[i] = '\0';
            const char *c = buf + start;
            size_t cl = i - start;
            bool unset = strcmp(c, h.unset) == 0 || strcmp(c, h.empty) == 0;
            cells[nc] = unset ? NULL : c;
            cell_len[nc] = unset ? 0 : cl;
            nc++;
            start = i + 1;
        }
        if ((unsigned)h.indicator >= nc || (unsigned)h.type >= nc) {
            intel_feed_reject(rep, &rep->invalid, file, it.line_no, "short line", line, len);
            continue;
        }
        const char *v = cells[h.indicator];
        const char *t = cells[h.type];
        if (v == NULL || cell_len[h.indicator] == 0) {
            intel_feed_reject(rep, &rep->invalid, file, it.line_no, "unset indicator", line, len);
            continue;
        }
        enum intel_type type;
        if (t == NULL || !intel_type_parse(t, cell_len[h.type], &type)) {
            char reason[64];
            snprintf(reason, sizeof reason, "unsupported type %.40s", t ? t : "-");
            intel_feed_reject(rep, &rep->unsupported, file, it.line_no, reason, v, cell_len[h.indicator]);
            continue;
        }
        const char *fields[META_FIELD_COUNT];
        for (int f = 0; f < META_FIELD_COUNT; f++)
            fields[f] = h.meta[f] >= 0 && (unsigned)h.meta[f] < nc ? cells[h.meta[f]] : NULL;
        struct intel_meta m;
        build_meta(&m, fields, intel_base_name(file));
        intel_feed_add(s, rep, file, it.line_no, type, v, cell_len[h.indicator], &m);
    }
    free(buf);
}
