#include "asset/oui.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/ascii.h"

/* The registry files, in lookup order: MA-S and IAB (36 bits; a prefix
 * registered in both is oui36.csv's), MA-M (28), MA-L (24). Longest prefix
 * wins. */
static const struct {
    const char *name;
    unsigned bits;
} registry_files[] = {{"oui36.csv", 36}, {"iab.csv", 36}, {"mam.csv", 28}, {"oui.csv", 24}};
#define N_FILES (sizeof registry_files / sizeof *registry_files)

/* A registry file larger than this is not ieee-data (oui.csv is ~3 MB). */
#define OUI_FILE_MAX (64u << 20)
/* An entry packs the prefix (at most 36 bits) above the line's offset + 1
 * (0 marks an empty slot), which fits OUI_FILE_MAX. */
#define OFFSET_BITS 28
#define OFFSET_MASK ((1ULL << OFFSET_BITS) - 1)
/* Organisation names are cut to this (the longest in ieee-data is ~110). */
#define ORG_MAX 512

/* One file, mapped for the registry's lifetime: start-up only indexes the
 * assignments (prefix -> line); a name is unquoted when a lookup asks for
 * it, a few times per run instead of ~46,000 times at start-up. */
struct oui_file {
    const char *text;           /* NULL: the file is missing */
    size_t len;
    uint64_t *slot;             /* open addressing; cap a power of two, at most half full */
    size_t n, cap;
    unsigned bits;
};

struct oui_registry {
    struct oui_file f[N_FILES];
};

static uint64_t prefix_hash(uint64_t v)
{
    v ^= v >> 29;
    v *= 0xbf58476d1ce4e5b9ULL;
    v ^= v >> 32;
    return v;
}

static uint64_t *slot_find(const struct oui_file *f, uint64_t prefix)
{
    for (size_t j = prefix_hash(prefix) & (f->cap - 1);; j = (j + 1) & (f->cap - 1)) {
        uint64_t *s = &f->slot[j];
        if (*s == 0 || *s >> OFFSET_BITS == prefix)
            return s;
    }
}

/* The first registration of a prefix in a file is kept. */
static void file_add(struct oui_file *f, uint64_t prefix, size_t line_off)
{
    uint64_t *s = slot_find(f, prefix);
    if (*s)
        return;
    *s = prefix << OFFSET_BITS | (line_off + 1);
    f->n++;
}

/* One CSV field (RFC 4180 quoting) of the line [*s, end): at most cap bytes
 * of its unquoted text into out; returns the full length and advances *s
 * past the comma. */
static size_t csv_field(const char **s, const char *end, char *out, size_t cap)
{
    const char *p = *s;
    size_t len = 0;
    if (p < end && *p != '"') {
        const char *comma = memchr(p, ',', (size_t)(end - p));
        len = (size_t)((comma ? comma : end) - p);
        memcpy(out, p, len < cap ? len : cap);
        *s = comma ? comma + 1 : end;
        return len;
    }
    bool quoted = p < end;
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
        if (len < cap)
            out[len] = *p;
        len++;
    }
    *s = p < end ? p + 1 : p;
    return len;
}

static const char *line_end(const char *line, const char *stop)
{
    const char *nl = memchr(line, '\n', (size_t)(stop - line));
    const char *end = nl ? nl : stop;
    return end > line && end[-1] == '\r' ? end - 1 : end;
}

/* The assignment of one line, when it is one of this file's length (the
 * header row and malformed rows are not). */
static bool line_prefix(const struct oui_file *f, const char *line, const char *end, uint64_t *prefix)
{
    char a[16];
    const char *p = line;
    csv_field(&p, end, a, 0);                   /* Registry */
    size_t alen = csv_field(&p, end, a, sizeof a);
    if (alen * 4 != f->bits)
        return false;
    uint64_t v = 0;
    for (size_t i = 0; i < alen; i++) {
        int d = hex_value((unsigned char)a[i]);
        if (d < 0)
            return false;
        v = v << 4 | (unsigned)d;
    }
    *prefix = v;
    return true;
}

/* Maps path; false with errno set (ENOENT: the file is skipped). */
static bool map_file(struct oui_file *f, const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    struct stat st;
    bool ok = false;
    if (fstat(fd, &st) != 0) {
        /* errno set */
    } else if (!S_ISREG(st.st_mode) || (uint64_t)st.st_size > OUI_FILE_MAX) {
        errno = EFBIG;
    } else if (st.st_size == 0) {
        ok = true;
    } else {
        void *m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
        if (m != MAP_FAILED) {
            f->text = m;
            f->len = (size_t)st.st_size;
            ok = true;
        }
    }
    int saved = errno;
    close(fd);
    errno = saved;
    return ok;
}

static bool index_file(struct oui_file *f)
{
    size_t lines = 1;
    for (const char *p = f->text, *stop = f->text + f->len; (p = memchr(p, '\n', (size_t)(stop - p))) != NULL; p++)
        lines++;
    f->cap = 16;
    while (f->cap < 2 * lines)
        f->cap *= 2;
    if ((f->slot = calloc(f->cap, sizeof *f->slot)) == NULL) {
        errno = ENOMEM;
        return false;
    }
    const char *stop = f->text + f->len;
    for (const char *line = f->text; line < stop;) {
        const char *end = line_end(line, stop);
        uint64_t prefix;
        if (line_prefix(f, line, end, &prefix))
            file_add(f, prefix, (size_t)(line - f->text));
        const char *nl = memchr(end, '\n', (size_t)(stop - end));
        line = nl ? nl + 1 : stop;
    }
    return true;
}

struct oui_registry *oui_registry_load(const char *dir, char *err, size_t errlen)
{
    struct oui_registry *r = calloc(1, sizeof *r);
    if (r == NULL) {
        snprintf(err, errlen, "out of memory for the IEEE registries");
        return NULL;
    }
    size_t total = 0;
    for (size_t i = 0; i < N_FILES; i++) {
        struct oui_file *f = &r->f[i];
        f->bits = registry_files[i].bits;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, registry_files[i].name);
        errno = 0;
        bool mapped = map_file(f, path);
        if (!mapped && errno == ENOENT)
            continue;
        if (!mapped || (f->text && !index_file(f))) {
            snprintf(err, errlen, "%s: cannot read the IEEE registry: %s", path, strerror(errno));
            oui_registry_free(r);
            return NULL;
        }
        total += f->n;
    }
    if (total == 0) {
        snprintf(err, errlen, "%s: no IEEE registry (oui.csv, mam.csv, oui36.csv, iab.csv) found", dir);
        oui_registry_free(r);
        return NULL;
    }
    return r;
}

void oui_registry_free(struct oui_registry *r)
{
    if (r == NULL)
        return;
    for (size_t i = 0; i < N_FILES; i++) {
        if (r->f[i].text)
            munmap((void *)r->f[i].text, r->f[i].len);
        free(r->f[i].slot);
    }
    free(r);
}

size_t oui_registry_size(const struct oui_registry *r)
{
    size_t n = 0;
    for (size_t i = 0; i < N_FILES; i++)
        n += r->f[i].n;
    return n;
}

/* The organisation of the line at off, blanks around it trimmed. */
static void org_name(const struct oui_file *f, size_t off, char *out, size_t n)
{
    const char *stop = f->text + f->len, *p = f->text + off, *end = line_end(p, stop);
    char name[ORG_MAX];
    csv_field(&p, end, name, 0);                /* Registry */
    csv_field(&p, end, name, 0);                /* Assignment */
    size_t len = csv_field(&p, end, name, sizeof name);
    if (len > sizeof name)
        len = sizeof name;
    size_t start = 0;
    while (start < len && (name[start] == ' ' || name[start] == '\t'))
        start++;
    while (len > start && (name[len - 1] == ' ' || name[len - 1] == '\t'))
        len--;
    snprintf(out, n, "%.*s", (int)(len - start), name + start);
}

bool oui_lookup(const struct oui_registry *r, const uint8_t mac[6], unsigned *prefix_bits, char *org, size_t n)
{
    uint64_t v = 0;
    for (int i = 0; i < 6; i++)
        v = (v << 8) | mac[i];
    for (size_t i = 0; i < N_FILES; i++) {
        const struct oui_file *f = &r->f[i];
        if (f->cap == 0)
            continue;
        uint64_t e = *slot_find(f, v >> (48 - f->bits));
        if (e == 0)
            continue;
        if (prefix_bits)
            *prefix_bits = f->bits;
        org_name(f, (size_t)(e & OFFSET_MASK) - 1, org, n);
        return true;
    }
    return false;
}
