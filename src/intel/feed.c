/* Finding and reading feed files: directory walks, MISP feed folders,
 * format detection (the report helpers every loader shares are in
 * feed_report.c). Files are
 * mapped, not read into memory, so a huge file costs page cache, not heap. */
#include "intel/intel.h"
#include "intel/intel_internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* jansson needs several times a document's size in memory. */
#define JSON_MAX_BYTES (512ull << 20)
/* Detection looks this far; binary checks the first BINARY_HEAD bytes. */
#define DETECT_HEAD (64u << 10)
#define BINARY_HEAD 4096u
#define MAX_DEPTH 16
#define MAX_DIR_ENTRIES 100000
#define PATH_MAX_LEN 4096

/* ---- detection ---- */

static bool head_is_binary(const uint8_t *p, size_t n)
{
    if (n > BINARY_HEAD)
        n = BINARY_HEAD;
    size_t i = 0;
    while (i < n) {
        uint8_t c = p[i];
        if (c == 0)
            return true;
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t extra = (c >= 0xc2 && c <= 0xdf) ? 1 : (c >= 0xe0 && c <= 0xef) ? 2 : (c >= 0xf0 && c <= 0xf4) ? 3 : 0;
        if (extra == 0)
            return true;
        for (size_t k = 1; k <= extra; k++) {
            if (i + k >= n)
                return false; /* cut by the head: judge what we saw */
            if ((p[i + k] & 0xc0) != 0x80)
                return true;
        }
        i += extra + 1;
    }
    return false;
}

static size_t skip_bom(const uint8_t *p, size_t n)
{
    return n >= 3 && p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf ? 3 : 0;
}

static const uint8_t *find_bytes(const uint8_t *p, size_t n, const char *needle)
{
    size_t k = strlen(needle);
    size_t i = 0;
    while (k > 0 && i + k <= n) {
        const uint8_t *q = memchr(p + i, needle[0], n - k + 1 - i);
        if (q == NULL)
            return NULL;
        if (memcmp(q, needle, k) == 0)
            return q;
        i = (size_t)(q - p) + 1;
    }
    return NULL;
}

/* `"type"` then `:` then `"bundle"`, blanks allowed between. */
static bool has_bundle_type(const uint8_t *p, size_t n)
{
    const uint8_t *q = p;
    while ((q = find_bytes(q, n - (size_t)(q - p), "\"type\"")) != NULL) {
        size_t i = (size_t)(q - p) + 6;
        while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n'))
            i++;
        if (i < n && p[i] == ':') {
            i++;
            while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n'))
                i++;
            if (n - i >= 8 && memcmp(p + i, "\"bundle\"", 8) == 0)
                return true;
        }
        q += 6;
    }
    return false;
}

static enum intel_format detect_json(const uint8_t *p, size_t n)
{
    if (n > BINARY_HEAD)
        n = BINARY_HEAD;
    if (has_bundle_type(p, n))
        return INTEL_FORMAT_STIX;
    const char *misp[] = {"\"Event\"", "\"response\"", "\"Attribute\"", "\"Orgc\""};
    const char *stix[] = {"\"spec_version\"", "\"objects\""};
    const uint8_t *first_misp = NULL, *first_stix = NULL;
    for (size_t i = 0; i < sizeof misp / sizeof misp[0]; i++) {
        const uint8_t *q = find_bytes(p, n, misp[i]);
        if (q != NULL && (first_misp == NULL || q < first_misp))
            first_misp = q;
    }
    for (size_t i = 0; i < sizeof stix / sizeof stix[0]; i++) {
        const uint8_t *q = find_bytes(p, n, stix[i]);
        if (q != NULL && (first_stix == NULL || q < first_stix))
            first_stix = q;
    }
    if (first_misp != NULL && (first_stix == NULL || first_misp < first_stix))
        return INTEL_FORMAT_MISP;
    if (first_stix != NULL)
        return INTEL_FORMAT_STIX;
    return INTEL_FORMAT_AUTO;
}

/* The first line that is neither blank nor (when skip_comments) a comment. */
static bool first_line(const uint8_t *p, size_t n, bool skip_comments, const uint8_t **line, size_t *len)
{
    size_t off = 0;
    while (off < n) {
        const uint8_t *nl = memchr(p + off, '\n', n - off);
        size_t end = nl ? (size_t)(nl - p) : n;
        const char *l = (const char *)p + off;
        size_t ll = end - off;
        intel_trim(&l, &ll);
        if (ll > 0 && !(skip_comments && (l[0] == '#' || (ll >= 2 && l[0] == '/' && l[1] == '/')))) {
            *line = (const uint8_t *)l;
            *len = ll;
            return true;
        }
        off = end + 1;
    }
    return false;
}

enum intel_format intel_detect_format(const char *name, const uint8_t *head, size_t n)
{
    if (head == NULL || n == 0 || head_is_binary(head, n))
        return INTEL_FORMAT_AUTO;
    size_t bom = skip_bom(head, n);
    head += bom;
    n -= bom;
    if (n > DETECT_HEAD)
        n = DETECT_HEAD;
    size_t i = 0;
    while (i < n && (head[i] == ' ' || head[i] == '\t' || head[i] == '\r' || head[i] == '\n'))
        i++;
    if (i < n && (head[i] == '{' || head[i] == '['))
        return detect_json(head + i, n - i);
    const uint8_t *line;
    size_t len;
    if (first_line(head, n, false, &line, &len)) {
        if ((len >= 7 && memcmp(line, "#fields", 7) == 0) || (len >= 10 && memcmp(line, "#separator", 10) == 0))
            return INTEL_FORMAT_ZEEK;
    }
    if (intel_csv_header_ok(head, n))
        return INTEL_FORMAT_CSV;
    if (intel_list_has_indicator(head, n))
        return INTEL_FORMAT_LIST;
    (void)name;
    return INTEL_FORMAT_AUTO;
}

/* ---- files ---- */

struct walk {
    struct intel_store *s;
    enum intel_format fmt;
    struct intel_load_report *rep;
    uint64_t feeds;         /* files loaded as some format */
    uint64_t seen;          /* regular files looked at */
    char first_problem[160];
};

static void note_problem(struct walk *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void note_problem(struct walk *w, const char *fmt, ...)
{
    if (w->first_problem[0] != '\0')
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(w->first_problem, sizeof w->first_problem, fmt, ap);
    va_end(ap);
}

/* A file error: counted, shown as an example, remembered for err. */
static void file_error(struct walk *w, const char *path, const char *why)
{
    w->rep->errors++;
    intel_report_example(w->rep, "%s: %s", path, why);
    note_problem(w, "%s: %s", path, why);
}

typedef void (*feed_loader)(struct intel_store *s, const char *name, const uint8_t *p, size_t n,
                            struct intel_load_report *rep);

static const feed_loader loaders[INTEL_FORMAT_COUNT] = {
    [INTEL_FORMAT_MISP] = intel_load_misp, [INTEL_FORMAT_STIX] = intel_load_stix,
    [INTEL_FORMAT_CSV] = intel_load_csv,   [INTEL_FORMAT_LIST] = intel_load_list,
    [INTEL_FORMAT_ZEEK] = intel_load_zeek,
};

static void run_loader(struct walk *w, enum intel_format f, const char *path, const uint8_t *p, size_t n)
{
    if ((unsigned)f >= INTEL_FORMAT_COUNT || loaders[f] == NULL)
        return;
    loaders[f](w->s, path, p, n, w->rep);
    w->rep->per_format[f]++;
    w->feeds++;
}

static void load_bytes(struct walk *w, const char *path, enum intel_format want, const uint8_t *p, size_t n)
{
    if (n == 0) {
        note_problem(w, "%s: empty file", path);
        return;
    }
    if (head_is_binary(p, n)) {
        file_error(w, path, "not an intel feed (binary data)");
        return;
    }
    enum intel_format f = want != INTEL_FORMAT_AUTO ? want : intel_detect_format(path, p, n);
    if (f == INTEL_FORMAT_AUTO) {
        file_error(w, path, "not an intel feed (no format recognised)");
        return;
    }
    if ((f == INTEL_FORMAT_MISP || f == INTEL_FORMAT_STIX) && (uint64_t)n > JSON_MAX_BYTES) {
        file_error(w, path, "JSON feed larger than 512 MiB, not loaded");
        return;
    }
    run_loader(w, f, path, p, n);
}

/* The whole feed in memory, or NULL and why. Read, not mapped: a feed
 * rewritten in place while it loads (cp, curl -o truncate first) would
 * fault a mapping and kill the process; here a file that changes size or
 * modification time during the read is refused as broken, and a reload
 * keeps the indicators it had. */
static uint8_t *read_whole_feed(int fd, const struct stat *before, size_t n, char *why, size_t whylen)
{
    uint8_t *data = malloc(n);
    if (data == NULL) {
        snprintf(why, whylen, "out of memory for %zu bytes", n);
        return NULL;
    }
    size_t got = 0;
    while (got < n) {
        ssize_t k = pread(fd, data + got, n - got, (off_t)got);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            break;
        got += (size_t)k;
    }
    struct stat after;
    if (got < n || fstat(fd, &after) != 0 || after.st_size != before->st_size ||
        after.st_mtim.tv_sec != before->st_mtim.tv_sec || after.st_mtim.tv_nsec != before->st_mtim.tv_nsec) {
        snprintf(why, whylen, "the file changed while being read (%zu of %zu bytes read): not loaded", got, n);
        free(data);
        return NULL;
    }
    return data;
}

static void load_file(struct walk *w, const char *path, enum intel_format want)
{
    w->seen++;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) {
        file_error(w, path, strerror(errno));
        return;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        file_error(w, path, "not a regular file");
        return;
    }
    w->rep->files++;
    if (st.st_size <= 0) {
        close(fd);
        note_problem(w, "%s: empty file", path);
        return;
    }
    if ((uint64_t)st.st_size > SIZE_MAX) {
        close(fd);
        file_error(w, path, "file too large");
        return;
    }
    size_t n = (size_t)st.st_size;
    /* binary data is refused from its head, before a large file is read */
    uint8_t head[BINARY_HEAD];
    ssize_t h = pread(fd, head, n < sizeof head ? n : sizeof head, 0);
    if (h > 0 && head_is_binary(head, (size_t)h)) {
        close(fd);
        file_error(w, path, "not an intel feed (binary data)");
        return;
    }
    char why[128];
    uint8_t *data = read_whole_feed(fd, &st, n, why, sizeof why);
    close(fd);
    if (data == NULL) {
        file_error(w, path, why);
        return;
    }
    load_bytes(w, path, want, data, n);
    free(data);
}

static bool join_path(char *out, size_t cap, const char *dir, const char *name)
{
    int k = snprintf(out, cap, "%s/%s", dir, name);
    return k > 0 && (size_t)k < cap;
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static bool is_uuid(const char *s)
{
    size_t n = strlen(s);
    if (n != 36)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
        if (i == 8 || i == 13 || i == 18 || i == 23 ? c != '-' : !hex)
            return false;
    }
    return true;
}

/* A MISP feed folder: manifest.json names the events, each in UUID.json. */
static void load_misp_folder(struct walk *w, const char *dir, const char *manifest)
{
    json_error_t jerr;
    struct stat st;
    w->seen++;
    if (stat(manifest, &st) != 0 || (uint64_t)st.st_size > JSON_MAX_BYTES) {
        w->rep->files++;
        file_error(w, manifest, "MISP manifest unreadable or larger than 512 MiB");
        return;
    }
    json_t *root = json_load_file(manifest, JSON_REJECT_DUPLICATES, &jerr);
    if (root == NULL || !json_is_object(root)) {
        char why[200];
        snprintf(why, sizeof why, "MISP manifest unreadable (line %d: %s)", jerr.line, root ? "not an object" : jerr.text);
        json_decref(root);
        w->rep->files++;
        file_error(w, manifest, why);
        return;
    }
    w->rep->files++;
    size_t count = json_object_size(root);
    const char **keys = calloc(count ? count : 1, sizeof *keys);
    if (keys == NULL) {
        json_decref(root);
        file_error(w, manifest, "out of memory");
        return;
    }
    size_t k = 0;
    const char *key;
    json_t *value;
    json_object_foreach(root, key, value)
    {
        if (k < count)
            keys[k++] = key;
    }
    qsort(keys, k, sizeof *keys, compare_names);
    char path[PATH_MAX_LEN], file[64];
    for (size_t i = 0; i < k; i++) {
        if (!is_uuid(keys[i])) {
            intel_feed_reject(w->rep, &w->rep->errors, manifest, 0, "manifest key is not an event UUID", keys[i],
                              strlen(keys[i]));
            continue;
        }
        snprintf(file, sizeof file, "%s.json", keys[i]);
        if (!join_path(path, sizeof path, dir, file))
            continue;
        if (access(path, F_OK) != 0) {
            intel_feed_reject(w->rep, &w->rep->errors, manifest, 0, "event listed but missing", file, strlen(file));
            continue;
        }
        load_file(w, path, INTEL_FORMAT_MISP);
    }
    free(keys);
    json_decref(root);
}

static void walk_dir(struct walk *w, const char *dir, int depth);

static void walk_entry(struct walk *w, const char *path, int depth)
{
    struct stat st;
    if (lstat(path, &st) != 0) {
        file_error(w, path, strerror(errno));
        return;
    }
    if (S_ISLNK(st.st_mode)) {
        /* linked files are read; linked directories are not followed (loops) */
        if (stat(path, &st) != 0 || S_ISDIR(st.st_mode))
            return;
    }
    if (S_ISDIR(st.st_mode))
        walk_dir(w, path, depth + 1);
    else if (S_ISREG(st.st_mode))
        load_file(w, path, w->fmt);
}

static void walk_dir(struct walk *w, const char *dir, int depth)
{
    if (depth > MAX_DEPTH) {
        file_error(w, dir, "directory nested too deep, skipped");
        return;
    }
    char path[PATH_MAX_LEN];
    if (w->fmt == INTEL_FORMAT_AUTO || w->fmt == INTEL_FORMAT_MISP) {
        struct stat st;
        if (join_path(path, sizeof path, dir, "manifest.json") && stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
            load_misp_folder(w, dir, path);
            return;
        }
    }
    DIR *d = opendir(dir);
    if (d == NULL) {
        file_error(w, dir, strerror(errno));
        return;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.')
            continue;
        if (n == MAX_DIR_ENTRIES) {
            file_error(w, dir, "more than 100000 entries, the rest skipped");
            break;
        }
        if (n == cap) {
            size_t nc = cap ? cap * 2 : 64;
            char **grown = realloc(names, nc * sizeof *grown);
            if (grown == NULL)
                break;
            names = grown;
            cap = nc;
        }
        names[n] = strdup(de->d_name);
        if (names[n] != NULL)
            n++;
    }
    closedir(d);
    if (n > 0)
        qsort(names, n, sizeof *names, compare_names);
    for (size_t i = 0; i < n; i++) {
        if (join_path(path, sizeof path, dir, names[i]))
            walk_entry(w, path, depth);
        else
            file_error(w, dir, "path too long");
        free(names[i]);
    }
    free(names);
}

int intel_load_path(struct intel_store *s, const char *path, enum intel_format fmt,
                    struct intel_load_report *rep, char *err, size_t errlen)
{
    struct intel_load_report scratch;
    if (rep == NULL) {
        memset(&scratch, 0, sizeof scratch);
        rep = &scratch;
    }
    if (err != NULL && errlen > 0)
        err[0] = '\0';
    if (s == NULL || path == NULL || (unsigned)fmt >= INTEL_FORMAT_COUNT) {
        if (err != NULL && errlen > 0)
            snprintf(err, errlen, "intel: bad arguments");
        return -1;
    }
    struct walk w = {.s = s, .fmt = fmt, .rep = rep};
    struct stat st;
    if (stat(path, &st) != 0) {
        if (err != NULL && errlen > 0)
            snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    if (S_ISDIR(st.st_mode)) {
        walk_dir(&w, path, 0);
    } else if (strcmp(intel_base_name(path), "manifest.json") == 0 &&
               (fmt == INTEL_FORMAT_AUTO || fmt == INTEL_FORMAT_MISP)) {
        char dir[PATH_MAX_LEN];
        snprintf(dir, sizeof dir, "%s", path);
        char *slash = strrchr(dir, '/');
        if (slash == NULL)
            snprintf(dir, sizeof dir, ".");
        else if (slash == dir)
            dir[1] = '\0';
        else
            *slash = '\0';
        load_misp_folder(&w, dir, path);
    } else {
        load_file(&w, path, fmt);
    }
    if (w.feeds > 0)
        return 0;
    if (err != NULL && errlen > 0) {
        if (w.first_problem[0] != '\0' && w.seen <= 1)
            snprintf(err, errlen, "%s", w.first_problem);
        else
            snprintf(err, errlen, "%s: no intel feed found (%llu files looked at)", path,
                     (unsigned long long)w.seen);
    }
    return -1;
}
