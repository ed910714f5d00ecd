/* Zeek's TSV logs: header blocks (#separator, #set_separator, #empty_field,
 * #unset_field, #path, #fields, #types), rows split on the separator in one
 * vectorised pass, columns found by name through a per-header hash table. */
#include <stdlib.h>
#include <string.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "hunt/logread_internal.h"
#include "util/ascii.h"
#include "util/grow.h"

void tsv_reset(struct tsv_state *t)
{
    t->sep = '\t';
    t->set_sep = ',';
    memcpy(t->empty, "(empty)", 7);
    t->empty_len = 7;
    t->unset[0] = '-';
    t->unset_len = 1;
    t->path[0] = '\0';
    t->active = false;
    t->broken = false;
    t->bad_separator = false;
    t->ncols = 0;
    t->ts_col = -1;
    t->line = NULL;
    t->len = 0;
}

void tsv_free(struct tsv_state *t)
{
    free(t->cols);
    free(t->names);
    free(t->slots);
    free(t->off);
    free(t->scratch);
    memset(t, 0, sizeof *t);
}

size_t tsv_unescape(const char *src, size_t n, char *dst)
{
    size_t o = 0;
    size_t i = 0;
    while (i < n) {
        char c = src[i];
        if (c == '\\' && i + 1 < n) {
            if (src[i + 1] == '\\') {
                dst[o++] = '\\';
                i += 2;
                continue;
            }
            if (src[i + 1] == 'x' && i + 3 < n) {
                int hi = hex_value(src[i + 2]);
                int lo = hex_value(src[i + 3]);
                if (hi >= 0 && lo >= 0) {
                    dst[o++] = (char)(hi << 4 | lo);
                    i += 4;
                    continue;
                }
            }
        }
        dst[o++] = c;
        i++;
    }
    return o;
}

/* When `line` is `word` followed by the separator (or a blank, as in
 * "#separator \x09"), the rest of the line. */
static bool directive(const char *line, size_t len, const char *word, char sep,
                      const char **val, size_t *vlen)
{
    size_t wl = strlen(word);
    if (len <= wl || memcmp(line, word, wl) != 0)
        return false;
    if (line[wl] != sep && line[wl] != ' ')
        return false;
    *val = line + wl + 1;
    *vlen = len - wl - 1;
    return true;
}

/* A one-byte separator as Zeek writes it: literally or as "\x09". */
static bool single_byte(const char *v, size_t n, char *out)
{
    char buf[8];
    if (n == 0 || n > sizeof buf)
        return false;
    if (tsv_unescape(v, n, buf) != 1)
        return false;
    *out = buf[0];
    return true;
}

static bool set_mark(char *dst, size_t *dst_len, const char *v, size_t n)
{
    if (n == 0 || n > LOGREAD_MARK_MAX)
        return false;
    memcpy(dst, v, n);
    *dst_len = n;
    return true;
}

static size_t count_byte(const char *p, size_t n, char c)
{
    size_t k = 0;
    for (const char *e = p + n; (p = memchr(p, c, (size_t)(e - p))) != NULL; p++)
        k++;
    return k;
}

static int grow(void **p, size_t *cap, size_t need, size_t elem)
{
    return grow_array(p, cap, need, elem, 16);
}

static void index_columns(struct tsv_state *t)
{
    memset(t->slots, 0, t->nslots * sizeof *t->slots);
    size_t mask = t->nslots - 1;
    t->ts_col = -1;
    for (size_t c = 0; c < t->ncols; c++) {
        const struct tsv_column *col = &t->cols[c];
        size_t i = col->hash & mask;
        bool dup = false;
        while (t->slots[i] != 0) {
            const struct tsv_column *o = &t->cols[t->slots[i] - 1];
            if (o->hash == col->hash && o->name_len == col->name_len &&
                memcmp(t->names + o->name_off, t->names + col->name_off, col->name_len) == 0) {
                dup = true;     /* the first column of a name wins */
                break;
            }
            i = (i + 1) & mask;
        }
        if (!dup)
            t->slots[i] = (uint16_t)(c + 1);
        if (col->name_len == 2 && memcmp(t->names + col->name_off, "ts", 2) == 0 && t->ts_col < 0)
            t->ts_col = (long)c;
    }
}

/* "#fields": the new schema. 0, or -1 out of memory; an unusable list marks
 * the block broken. */
static int set_fields(struct tsv_state *t, const char *v, size_t n)
{
    t->active = true;
    t->broken = true;
    t->ncols = 0;
    t->ts_col = -1;
    size_t ncols = count_byte(v, n, t->sep) + 1;
    if (ncols > LOGREAD_TSV_COLS_MAX)
        return 0;
    size_t nslots = 16;
    while (nslots < 2 * ncols)
        nslots *= 2;
    if (grow((void **)&t->cols, &t->cols_cap, ncols, sizeof *t->cols) < 0 ||
        grow((void **)&t->names, &t->names_cap, n + 1, 1) < 0)
        return -1;
    uint32_t *off = realloc(t->off, (ncols + 1) * sizeof *off);
    if (off == NULL)
        return -1;
    t->off = off;
    if (nslots != t->nslots) {
        uint16_t *slots = realloc(t->slots, nslots * sizeof *slots);
        if (slots == NULL)
            return -1;
        t->slots = slots;
        t->nslots = nslots;
    }
    memcpy(t->names, v, n);
    t->names[n] = '\0';
    size_t start = 0;
    for (size_t c = 0; c < ncols; c++) {
        const char *e = memchr(t->names + start, t->sep, n - start);
        size_t end = e ? (size_t)(e - t->names) : n;
        if (end == start)
            return 0;       /* an empty field name */
        t->names[end] = '\0';
        t->cols[c] = (struct tsv_column){
            .name_off = (uint32_t)start,
            .name_len = (uint32_t)(end - start),
            .hash = logread_hash_bytes(t->names + start, end - start),
            .container = false,
        };
        start = end + 1;
    }
    t->ncols = ncols;
    index_columns(t);
    t->broken = t->bad_separator;
    return 0;
}

/* "#types": which columns are sets or vectors. A list that does not match
 * #fields is ignored (every column then reads as a scalar). */
static void set_types(struct tsv_state *t, const char *v, size_t n)
{
    if (t->broken || t->ncols == 0 || count_byte(v, n, t->sep) + 1 != t->ncols)
        return;
    size_t start = 0;
    for (size_t c = 0; c < t->ncols; c++) {
        const char *e = memchr(v + start, t->sep, n - start);
        size_t end = e ? (size_t)(e - v) : n;
        size_t tl = end - start;
        const char *ty = v + start;
        t->cols[c].container = (tl >= 4 && memcmp(ty, "set[", 4) == 0) ||
                               (tl >= 7 && memcmp(ty, "vector[", 7) == 0);
        start = end + 1;
    }
}

int tsv_header(struct tsv_state *t, const char *line, size_t len)
{
    const char *v;
    size_t n;
    if (directive(line, len, "#separator", t->sep, &v, &n)) {
        tsv_reset(t);
        char sep;
        if (!single_byte(v, n, &sep) || sep == '\n') {
            /* Not a separator we can split on: rows are bad until the
             * next header block. */
            t->active = true;
            t->broken = true;
            t->bad_separator = true;
            return 0;
        }
        t->sep = sep;
        return 0;
    }
    if (directive(line, len, "#set_separator", t->sep, &v, &n)) {
        char c;
        if (single_byte(v, n, &c))
            t->set_sep = c;
        return 0;
    }
    if (directive(line, len, "#empty_field", t->sep, &v, &n)) {
        (void)set_mark(t->empty, &t->empty_len, v, n);
        return 0;
    }
    if (directive(line, len, "#unset_field", t->sep, &v, &n)) {
        (void)set_mark(t->unset, &t->unset_len, v, n);
        return 0;
    }
    if (directive(line, len, "#path", t->sep, &v, &n)) {
        if (n >= sizeof t->path)
            n = sizeof t->path - 1;
        memcpy(t->path, v, n);
        t->path[n] = '\0';
        return 0;
    }
    if (directive(line, len, "#fields", t->sep, &v, &n))
        return set_fields(t, v, n);
    if (directive(line, len, "#types", t->sep, &v, &n))
        set_types(t, v, n);
    /* #open, #close and comments carry nothing rows need */
    return 0;
}

bool tsv_row(struct tsv_state *t, const char *line, size_t len)
{
    if (!t->active || t->broken || len >= UINT32_MAX)
        return false;
    uint32_t *off = t->off;
    size_t max = t->ncols;
    size_t n = 1;
    size_t i = 0;
    off[0] = 0;
#if defined(__SSE2__)
    const __m128i vsep = _mm_set1_epi8(t->sep);
    for (; i + 16 <= len; i += 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(line + i));
        unsigned m = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, vsep));
        while (m != 0) {
            unsigned b = (unsigned)__builtin_ctz(m);
            m &= m - 1;
            if (n < max)
                off[n] = (uint32_t)(i + b + 1);
            n++;
        }
    }
#endif
    for (; i < len; i++) {
        if (line[i] == t->sep) {
            if (n < max)
                off[n] = (uint32_t)(i + 1);
            n++;
        }
    }
    if (n != max)
        return false;
    off[max] = (uint32_t)(len + 1);
    t->line = line;
    t->len = len;
    return true;
}

static long tsv_find(const struct tsv_state *t, const char *name)
{
    if (t->nslots == 0 || t->ncols == 0)
        return -1;
    size_t len;
    uint32_t h = logread_hash_cstr(name, &len);
    size_t mask = t->nslots - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
        uint16_t s = t->slots[i];
        if (s == 0)
            return -1;
        const struct tsv_column *c = &t->cols[s - 1];
        if (c->hash == h && c->name_len == len && memcmp(t->names + c->name_off, name, len) == 0)
            return s - 1;
    }
}

static void column(const struct tsv_state *t, size_t c, const char **p, size_t *n)
{
    *p = t->line + t->off[c];
    *n = t->off[c + 1] - t->off[c] - 1;
}

static bool is_mark(const char *p, size_t n, const char *mark, size_t mark_len)
{
    return n == mark_len && memcmp(p, mark, n) == 0;
}

double tsv_row_ts(const struct tsv_state *t)
{
    if (t->ts_col < 0)
        return 0;
    const char *p;
    size_t n;
    column(t, (size_t)t->ts_col, &p, &n);
    double ts;
    if (logread_parse_epoch(p, n, &ts) || logread_parse_iso8601(p, n, &ts))
        return ts;
    return 0;
}

bool tsv_get(const struct tsv_state *t, const char *name, struct log_value *out)
{
    out->val = NULL;
    out->len = 0;
    long c = tsv_find(t, name);
    if (c < 0)
        return false;
    const char *p;
    size_t n;
    column(t, (size_t)c, &p, &n);
    if (is_mark(p, n, t->unset, t->unset_len))
        return false;
    out->val = p;
    out->len = is_mark(p, n, t->empty, t->empty_len) ? 0 : n;
    return true;
}

/* One element to the caller, unescaped when it holds escapes. */
static void emit(const char *p, size_t n, char *buf, log_each_fn fn, void *ctx)
{
    if (n == 0)
        return;
    if (memchr(p, '\\', n) == NULL) {
        fn(ctx, p, n);
        return;
    }
    if (buf == NULL)
        return;     /* no memory to unescape into */
    size_t m = tsv_unescape(p, n, buf);
    fn(ctx, buf, m);
}

void tsv_each(struct tsv_state *t, const char *name, log_each_fn fn, void *ctx)
{
    long c = tsv_find(t, name);
    if (c < 0)
        return;
    const char *p;
    size_t n;
    column(t, (size_t)c, &p, &n);
    if (n == 0 || is_mark(p, n, t->unset, t->unset_len) || is_mark(p, n, t->empty, t->empty_len))
        return;
    /* fn may call back into log_row_each: a nested call gets its own buffer */
    char *buf = NULL;
    bool own = t->scratch_busy;
    if (own) {
        buf = malloc(n);
    } else {
        if (grow((void **)&t->scratch, &t->scratch_cap, n, 1) == 0)
            buf = t->scratch;
        t->scratch_busy = true;
    }
    if (!t->cols[c].container) {
        emit(p, n, buf, fn, ctx);
    } else {
        const char *e = p + n;
        while (p <= e) {
            const char *q = memchr(p, t->set_sep, (size_t)(e - p));
            size_t m = q ? (size_t)(q - p) : (size_t)(e - p);
            if (!is_mark(p, m, t->unset, t->unset_len) && !is_mark(p, m, t->empty, t->empty_len))
                emit(p, m, buf, fn, ctx);
            p += m + 1;
        }
    }
    if (own)
        free(buf);
    else
        t->scratch_busy = false;
}
