#include "asset/oui.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The registries, one sorted table per prefix length: MA-S and IAB share
 * 36 bits, MA-M has 28, MA-L 24. */
enum { LEN_36, LEN_28, LEN_24, N_LENGTHS };
static const unsigned prefix_bits_of[N_LENGTHS] = {36, 28, 24};

struct oui_entry {
    uint64_t prefix;        /* the assignment's bits, right-aligned */
    uint32_t name_off;      /* into names */
};

struct oui_table {
    struct oui_entry *e;
    size_t n, cap;
};

struct oui_registry {
    struct oui_table t[N_LENGTHS];
    char *names;
    size_t names_len, names_cap;
};

/* One CSV field (RFC 4180 quoting) starting at *s; returns its length
 * copied into out (NUL-terminated, cut to n - 1) and advances *s past the
 * comma. */
static size_t csv_field(const char **s, char *out, size_t n)
{
    const char *p = *s;
    size_t len = 0;
    bool quoted = *p == '"';
    if (quoted)
        p++;
    while (*p && *p != '\n' && *p != '\r') {
        if (quoted && *p == '"') {
            if (p[1] == '"') {
                p++;
            } else {
                quoted = false;
                p++;
                continue;
            }
        } else if (!quoted && *p == ',') {
            break;
        }
        if (len + 1 < n)
            out[len++] = *p;
        p++;
    }
    if (*p == ',')
        p++;
    *s = p;
    out[len] = '\0';
    return len;
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

static bool add_name(struct oui_registry *r, const char *name, uint32_t *off)
{
    size_t n = strlen(name) + 1;
    if (r->names_len + n > r->names_cap) {
        size_t cap = r->names_cap ? r->names_cap * 2 : 1 << 20;
        while (cap < r->names_len + n)
            cap *= 2;
        char *p = realloc(r->names, cap);
        if (p == NULL)
            return false;
        r->names = p;
        r->names_cap = cap;
    }
    memcpy(r->names + r->names_len, name, n);
    *off = (uint32_t)r->names_len;
    r->names_len += n;
    return true;
}

static bool add_entry(struct oui_registry *r, int len_idx, uint64_t prefix, const char *name)
{
    struct oui_table *t = &r->t[len_idx];
    if (t->n == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 4096;
        struct oui_entry *e = realloc(t->e, cap * sizeof *e);
        if (e == NULL)
            return false;
        t->e = e;
        t->cap = cap;
    }
    uint32_t off;
    if (!add_name(r, name, &off))
        return false;
    t->e[t->n++] = (struct oui_entry){prefix, off};
    return true;
}

/* One registry file; returns rows read, -1 on a read or memory error. */
static long load_file(struct oui_registry *r, const char *path)
{
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return errno == ENOENT ? 0 : -1;
    char line[1024], reg[16], assignment[16], org[256];
    long rows = 0;
    while (fgets(line, sizeof line, f)) {
        const char *p = line;
        csv_field(&p, reg, sizeof reg);
        size_t alen = csv_field(&p, assignment, sizeof assignment);
        csv_field(&p, org, sizeof org);
        int idx;
        if (alen == 6)
            idx = LEN_24;
        else if (alen == 7)
            idx = LEN_28;
        else if (alen == 9)
            idx = LEN_36;
        else
            continue; /* the header row, or a malformed one */
        uint64_t prefix;
        if (!hex_prefix(assignment, alen, &prefix))
            continue;
        /* a few organisation names carry stray blanks */
        char *name = org + strspn(org, " \t");
        size_t len = strlen(name);
        while (len && (name[len - 1] == ' ' || name[len - 1] == '\t'))
            name[--len] = '\0';
        if (!add_entry(r, idx, prefix, name)) {
            fclose(f);
            return -1;
        }
        rows++;
    }
    bool bad = ferror(f);
    fclose(f);
    return bad ? -1 : rows;
}

static int cmp_entry(const void *a, const void *b)
{
    const struct oui_entry *x = a, *y = b;
    return x->prefix < y->prefix ? -1 : x->prefix > y->prefix;
}

struct oui_registry *oui_registry_load(const char *dir, char *err, size_t errlen)
{
    static const char *const files[] = {"oui.csv", "mam.csv", "oui36.csv", "iab.csv"};
    struct oui_registry *r = calloc(1, sizeof *r);
    if (r == NULL) {
        snprintf(err, errlen, "out of memory for the IEEE registries");
        return NULL;
    }
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
    for (int i = 0; i < N_LENGTHS; i++)
        if (r->t[i].n)
            qsort(r->t[i].e, r->t[i].n, sizeof *r->t[i].e, cmp_entry);
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
        const struct oui_table *t = &r->t[i];
        struct oui_entry key = {v >> (48 - prefix_bits_of[i]), 0};
        const struct oui_entry *e = t->n ? bsearch(&key, t->e, t->n, sizeof *t->e, cmp_entry) : NULL;
        if (e) {
            if (prefix_bits)
                *prefix_bits = prefix_bits_of[i];
            return r->names + e->name_off;
        }
    }
    return NULL;
}
