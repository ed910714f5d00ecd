#include "asset/oui.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The registries, one hash table per prefix length: MA-S and IAB share 36
 * bits, MA-M has 28, MA-L 24. Built in one pass at load (no sort: the
 * files are not in order), looked up with at most three short probes. */
enum { LEN_36, LEN_28, LEN_24, N_LENGTHS };
static const unsigned prefix_bits_of[N_LENGTHS] = {36, 28, 24};

/* A registry file larger than this is not ieee-data (oui.csv is ~3 MB). */
#define OUI_FILE_MAX (64u << 20)

struct oui_entry {
    uint64_t prefix;        /* the assignment's bits, right-aligned; 0 with name_off 0: empty */
    uint32_t name_off;      /* into names; never 0 for a used slot (names[0] is a spare NUL) */
};

struct oui_table {
    struct oui_entry *e;
    size_t n, cap;          /* cap: a power of two, at most half full */
};

struct oui_registry {
    struct oui_table t[N_LENGTHS];
    char *names;
    size_t names_len, names_cap;
};

static uint64_t prefix_hash(uint64_t v)
{
    v ^= v >> 29;
    v *= 0xbf58476d1ce4e5b9ULL;
    v ^= v >> 32;
    return v;
}

static bool table_reserve(struct oui_table *t, size_t want)
{
    if ((want + 1) * 2 <= t->cap)
        return true;
    size_t cap = t->cap ? t->cap : 1024;
    while ((want + 1) * 2 > cap)
        cap *= 2;
    struct oui_entry *e = calloc(cap, sizeof *e);
    if (e == NULL)
        return false;
    for (size_t i = 0; i < t->cap; i++) {
        if (t->e[i].name_off == 0)
            continue;
        size_t j = prefix_hash(t->e[i].prefix) & (cap - 1);
        while (e[j].name_off)
            j = (j + 1) & (cap - 1);
        e[j] = t->e[i];
    }
    free(t->e);
    t->e = e;
    t->cap = cap;
    return true;
}

static const struct oui_entry *table_find(const struct oui_table *t, uint64_t prefix)
{
    if (t->cap == 0)
        return NULL;
    for (size_t j = prefix_hash(prefix) & (t->cap - 1);; j = (j + 1) & (t->cap - 1)) {
        const struct oui_entry *e = &t->e[j];
        if (e->name_off == 0)
            return NULL;
        if (e->prefix == prefix)
            return e;
    }
}

/* The first registration of a prefix is kept (oui36.csv before iab.csv). */
static bool table_add(struct oui_table *t, uint64_t prefix, uint32_t name_off)
{
    if (!table_reserve(t, t->n + 1))
        return false;
    size_t j = prefix_hash(prefix) & (t->cap - 1);
    while (t->e[j].name_off) {
        if (t->e[j].prefix == prefix)
            return true;
        j = (j + 1) & (t->cap - 1);
    }
    t->e[j] = (struct oui_entry){prefix, name_off};
    t->n++;
    return true;
}

static bool hex_prefix(const char *s, size_t len, uint64_t *v)
{
    *v = 0;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        unsigned d;
        if (c >= '0' && c <= '9')
            d = (unsigned)(c - '0');
        else if (c >= 'A' && c <= 'F')
            d = (unsigned)(c - 'A' + 10);
        else if (c >= 'a' && c <= 'f')
            d = (unsigned)(c - 'a' + 10);
        else
            return false;
        *v = (*v << 4) | d;
    }
    return true;
}

/* One CSV field (RFC 4180 quoting) of the line [*s, end): its text,
 * unquoted, written in place from out (never past the field); returns the
 * length and advances *s past the comma. */
static size_t csv_field(char **s, const char *end, char *out)
{
    char *p = *s;
    size_t len = 0;
    bool quoted = p < end && *p == '"';
    if (quoted)
        p++;
    for (; p < end; p++) {
        if (quoted && *p == '"') {
            if (p + 1 < end && p[1] == '"') {
                p++;
            } else {
                quoted = false;
                continue;
            }
        } else if (!quoted && *p == ',') {
            break;
        }
        out[len++] = *p;
    }
    *s = p < end ? p + 1 : p;
    return len;
}

/* The names of one file go into r->names, which has room for the whole
 * file (a name is never longer than its line). */
static bool reserve_names(struct oui_registry *r, size_t more)
{
    if (r->names_len + more <= r->names_cap)
        return true;
    size_t cap = r->names_len + more;
    char *p = realloc(r->names, cap);
    if (p == NULL)
        return false;
    r->names = p;
    r->names_cap = cap;
    return true;
}

static bool add_line(struct oui_registry *r, char *line, const char *end)
{
    char *p = line;
    csv_field(&p, end, p);                       /* Registry */
    char *assignment = p;
    size_t alen = csv_field(&p, end, assignment);
    int idx = alen == 6 ? LEN_24 : alen == 7 ? LEN_28 : alen == 9 ? LEN_36 : -1;
    uint64_t prefix;
    if (idx < 0 || !hex_prefix(assignment, alen, &prefix))
        return true; /* the header row, or a malformed one */
    char *org = p;
    size_t len = csv_field(&p, end, org);
    /* a few organisation names carry stray blanks */
    while (len && (*org == ' ' || *org == '\t'))
        org++, len--;
    while (len && (org[len - 1] == ' ' || org[len - 1] == '\t'))
        len--;
    uint32_t off = (uint32_t)r->names_len;
    memcpy(r->names + off, org, len);
    r->names[off + len] = '\0';
    r->names_len += len + 1;
    return table_add(&r->t[idx], prefix, off);
}

/* The whole file in memory; NULL with errno set (ENOENT: skipped). */
static char *slurp(const char *path, size_t *n)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    struct stat st;
    char *buf = NULL;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (uint64_t)st.st_size <= OUI_FILE_MAX &&
        (buf = malloc((size_t)st.st_size + 1)) != NULL) {
        size_t got = 0;
        ssize_t k;
        while (got < (size_t)st.st_size && (k = read(fd, buf + got, (size_t)st.st_size - got)) > 0)
            got += (size_t)k;
        *n = got;
    } else if (errno == 0) {
        errno = EFBIG;
    }
    close(fd);
    return buf;
}

/* One registry file; returns rows kept, -1 on a read or memory error. */
static long load_file(struct oui_registry *r, const char *path)
{
    size_t n = 0;
    errno = 0;
    char *buf = slurp(path, &n);
    if (buf == NULL)
        return errno == ENOENT ? 0 : -1;
    long rows = 0;
    bool ok = reserve_names(r, n + 1);
    for (char *line = buf, *stop = buf + n; ok && line < stop;) {
        char *nl = memchr(line, '\n', (size_t)(stop - line));
        char *end = nl ? nl : stop;
        if (end > line && end[-1] == '\r')
            end--;
        size_t before = r->names_len;
        ok = add_line(r, line, end);
        rows += r->names_len != before;
        line = nl ? nl + 1 : stop;
    }
    free(buf);
    if (!ok)
        errno = ENOMEM;
    return ok ? rows : -1;
}

struct oui_registry *oui_registry_load(const char *dir, char *err, size_t errlen)
{
    static const char *const files[] = {"oui.csv", "mam.csv", "oui36.csv", "iab.csv"};
    struct oui_registry *r = calloc(1, sizeof *r);
    if (r == NULL || !reserve_names(r, 1)) {
        snprintf(err, errlen, "out of memory for the IEEE registries");
        oui_registry_free(r);
        return NULL;
    }
    r->names[r->names_len++] = '\0'; /* offset 0 marks an empty slot */
    long total = 0;
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, files[i]);
        long n = load_file(r, path);
        if (n < 0) {
            snprintf(err, errlen, "%s: cannot read the IEEE registry: %s", path, strerror(errno));
            oui_registry_free(r);
            return NULL;
        }
        total += n;
    }
    if (total == 0) {
        snprintf(err, errlen, "%s: no IEEE registry (oui.csv, mam.csv, oui36.csv, iab.csv) found", dir);
        oui_registry_free(r);
        return NULL;
    }
    char *shrunk = realloc(r->names, r->names_len);
    if (shrunk)
        r->names = shrunk;
    return r;
}

void oui_registry_free(struct oui_registry *r)
{
    if (r == NULL)
        return;
    for (int i = 0; i < N_LENGTHS; i++)
        free(r->t[i].e);
    free(r->names);
    free(r);
}

size_t oui_registry_size(const struct oui_registry *r)
{
    size_t n = 0;
    for (int i = 0; i < N_LENGTHS; i++)
        n += r->t[i].n;
    return n;
}

const char *oui_lookup(const struct oui_registry *r, const uint8_t mac[6], unsigned *prefix_bits)
{
    uint64_t v = 0;
    for (int i = 0; i < 6; i++)
        v = (v << 8) | mac[i];
    for (int i = 0; i < N_LENGTHS; i++) {
        const struct oui_entry *e = table_find(&r->t[i], v >> (48 - prefix_bits_of[i]));
        if (e) {
            if (prefix_bits)
                *prefix_bits = prefix_bits_of[i];
            return r->names + e->name_off;
        }
    }
    return NULL;
}
