/* The log reader's outer layer: the list of files (directories walked in
 * sorted order), plain or gzip input streamed through one fixed buffer,
 * lines (capped), and the choice between Zeek TSV and JSON for each line. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "hunt/logread.h"
#include "hunt/logread_internal.h"
#include "util/grow.h"
#include "util/strcut.h"

/* Compressed bytes read per read() for gzip files. */
#define LOGREAD_RAW_SIZE ((size_t)256 << 10)
/* Warnings kept until logread_warning fetches them; more are counted. */
#define LOGREAD_WARNINGS_MAX 16
#define LOGREAD_WARNING_LEN 512
/* Directory levels followed below a path given on the command line. */
#define LOGREAD_WALK_DEPTH_MAX 32

enum input_status {
    INPUT_OK,
    INPUT_EOF,
    INPUT_TRUNCATED,           /* a gzip stream ended early */
    INPUT_CORRUPT,             /* gzip data that does not inflate */
    INPUT_IO_ERROR,
    INPUT_NO_MEMORY,
};

/* One file's bytes: a descriptor or a memory block, inflated when it starts
 * with gzip's magic. */
struct input {
    int fd;                    /* -1: read from mem */
    const uint8_t *mem;
    size_t mem_len, mem_pos;
    bool gz;
    bool z_ready;              /* inflateInit2 done */
    bool member_done;          /* a gzip member ended; another may follow */
    bool trailing_garbage;     /* bytes after the last member that are not gzip */
    enum input_status failed;  /* sticky: inflate failed (INPUT_OK = no) */
    z_stream zs;
    uint8_t *raw;              /* compressed bytes, or the sniffed start of a plain file */
    size_t raw_cap, raw_len, raw_pos;
    bool raw_eof;
    int error;                 /* errno of a failed read */
};

struct logread {
    char **files;
    size_t nfiles, nfiles_cap;
    size_t next_file;
    const uint8_t *mem;        /* logread_open_memory's block */
    size_t mem_len;

    /* the file being read */
    bool file_open;
    const char *file;
    char stem[LOGREAD_NAME_MAX];
    uint64_t line_no;
    struct input in;
    bool file_eof;
    bool damaged;              /* the input ended in an error: drop a partial last line */
    bool long_line;            /* inside a line longer than max_line */

    char *buf;
    size_t buf_cap, start, scan, end;
    size_t max_line;

    char **filter;
    size_t nfilter;
    bool tsv_wanted;

    struct tsv_state tsv;
    struct json_index json;
    char path[LOGREAD_NAME_MAX];

    struct logread_stats stats;
    /* warnings not yet fetched, oldest first; past the cap only counted */
    char warnings[LOGREAD_WARNINGS_MAX][LOGREAD_WARNING_LEN];
    size_t warn_head, warn_count;
    uint64_t warn_dropped;
    char warning[LOGREAD_WARNING_LEN];     /* the one last handed out */
};

static void set_error(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void set_error(char *err, size_t errlen, const char *fmt, ...)
{
    if (err == NULL || errlen == 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

static void warn(struct logread *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void warn(struct logread *r, const char *fmt, ...)
{
    if (r->warn_count == LOGREAD_WARNINGS_MAX) {
        r->warn_dropped++;
        return;
    }
    size_t slot = (r->warn_head + r->warn_count) % LOGREAD_WARNINGS_MAX;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->warnings[slot], LOGREAD_WARNING_LEN, fmt, ap);
    va_end(ap);
    r->warn_count++;
}

/* ---- the file list ---- */

static int add_file(struct logread *r, const char *path)
{
    if (grow_array((void **)&r->files, &r->nfiles_cap, r->nfiles + 1, sizeof *r->files, 16) < 0)
        return -1;
    char *copy = strdup(path);
    if (copy == NULL)
        return -1;
    r->files[r->nfiles++] = copy;
    return 0;
}

static bool ends_with(const char *s, size_t n, const char *suffix)
{
    size_t k = strlen(suffix);
    return n >= k && memcmp(s + n - k, suffix, k) == 0;
}

/* Whether a file found in a directory looks like a log. */
static bool log_name(const char *name)
{
    static const char *const suffixes[] = {".log", ".json", ".jsonl", ".ndjson", ".eve"};
    size_t n = strlen(name);
    if (ends_with(name, n, ".gz"))
        n -= 3;
    for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++)
        if (ends_with(name, n, suffixes[i]))
            return true;
    return false;
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void free_names(char **names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

/* The visible entries of a directory, sorted bytewise. 0, -1 unreadable
 * (errno set), -2 out of memory. */
static int list_dir(const char *dir, char ***out, size_t *count)
{
    *out = NULL;
    *count = 0;
    DIR *d = opendir(dir);
    if (d == NULL)
        return -1;
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;   /* hidden, . and .. */
        if (n == cap) {
            size_t nc = cap ? cap * 2 : 32;
            char **g = realloc(names, nc * sizeof *g);
            if (g == NULL)
                goto oom;
            names = g;
            cap = nc;
        }
        if ((names[n] = strdup(e->d_name)) == NULL)
            goto oom;
        n++;
    }
    closedir(d);
    if (n > 1)
        qsort(names, n, sizeof *names, compare_names);
    *out = names;
    *count = n;
    return 0;
oom:
    closedir(d);
    free_names(names, n);
    return -2;
}

/* Adds the logs under dir. Symbolic links to directories are not followed
 * (a link back up would repeat the tree); links to files are. */
static int walk_dir(struct logread *r, const char *dir, int depth)
{
    char **names;
    size_t n;
    int rc = list_dir(dir, &names, &n);
    if (rc == -2)
        return -1;
    if (rc == -1) {
        warn(r, "%s: %s (skipped)", dir, strerror(errno));
        return 0;
    }
    rc = 0;
    size_t dl = strlen(dir);
    bool slash = dl > 0 && dir[dl - 1] == '/';
    for (size_t i = 0; i < n && rc == 0; i++) {
        size_t need = dl + 1 + strlen(names[i]) + 1;
        char *path = malloc(need);
        if (path == NULL) {
            rc = -1;
            break;
        }
        snprintf(path, need, "%s%s%s", dir, slash ? "" : "/", names[i]);
        struct stat st;
        if (lstat(path, &st) == 0) {
            if (S_ISDIR(st.st_mode)) {
                if (depth < LOGREAD_WALK_DEPTH_MAX)
                    rc = walk_dir(r, path, depth + 1);
                else
                    warn(r, "%s: deeper than %d levels (skipped)", path, LOGREAD_WALK_DEPTH_MAX);
            } else if (log_name(names[i])) {
                if (S_ISREG(st.st_mode) || (S_ISLNK(st.st_mode) && stat(path, &st) == 0 && S_ISREG(st.st_mode)))
                    rc = add_file(r, path);
            }
        }
        free(path);
    }
    free_names(names, n);
    return rc;
}

static struct logread *reader_new(void)
{
    struct logread *r = calloc(1, sizeof *r);
    if (r == NULL)
        return NULL;
    r->max_line = LOGREAD_LINE_MAX;
    r->in.fd = -1;
    r->tsv_wanted = true;
    tsv_reset(&r->tsv);
    return r;
}

struct logread *logread_open(const char *const *paths, size_t n, char *err, size_t errlen)
{
    if (n == 0) {
        set_error(err, errlen, "no log paths given");
        return NULL;
    }
    struct logread *r = reader_new();
    if (r == NULL) {
        set_error(err, errlen, "out of memory");
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        struct stat st;
        if (stat(paths[i], &st) != 0) {
            set_error(err, errlen, "%s: %s", paths[i], strerror(errno));
            logread_close(r);
            return NULL;
        }
        int rc;
        if (S_ISDIR(st.st_mode)) {
            rc = walk_dir(r, paths[i], 0);
        } else {
            rc = add_file(r, paths[i]);
        }
        if (rc < 0) {
            set_error(err, errlen, "out of memory");
            logread_close(r);
            return NULL;
        }
    }
    if (r->nfiles == 0) {
        set_error(err, errlen, "%s%s: no log files (*.log, *.json, *.jsonl, *.ndjson, *.eve, or those .gz)",
                  paths[0], n > 1 ? " and the other paths" : "");
        logread_close(r);
        return NULL;
    }
    return r;
}

struct logread *logread_open_memory(const uint8_t *data, size_t len, const char *name,
                                    char *err, size_t errlen)
{
    struct logread *r = reader_new();
    if (r == NULL || add_file(r, name != NULL ? name : "(memory)") < 0) {
        logread_close(r);
        set_error(err, errlen, "out of memory");
        return NULL;
    }
    r->mem = data;
    r->mem_len = len;
    return r;
}

void logread_set_max_line(struct logread *r, size_t max)
{
    if (max < 64)
        max = 64;
    if (max > LOGREAD_LINE_MAX)
        max = LOGREAD_LINE_MAX;
    r->max_line = max;
}

/* ---- the filter ---- */

static bool wanted(const struct logread *r, const char *p, size_t n)
{
    if (r->filter == NULL)
        return true;
    for (size_t i = 0; i < r->nfilter; i++)
        if (strlen(r->filter[i]) == n && memcmp(r->filter[i], p, n) == 0)
            return true;
    return false;
}

static const char *tsv_path(const struct logread *r)
{
    return r->tsv.path[0] != '\0' ? r->tsv.path : r->stem;
}

static void free_filter(struct logread *r)
{
    if (r->filter != NULL)
        free_names(r->filter, r->nfilter);
    r->filter = NULL;
    r->nfilter = 0;
}

void logread_filter(struct logread *r, const char *const *paths)
{
    free_filter(r);
    if (paths != NULL) {
        size_t n = 0;
        while (paths[n] != NULL)
            n++;
        /* n + 1: an empty list must still be a filter (that wants nothing) */
        char **f = calloc(n + 1, sizeof *f);
        if (f == NULL)
            return;     /* no filter: more rows, never fewer */
        for (size_t i = 0; i < n; i++) {
            if ((f[i] = strdup(paths[i])) == NULL) {
                free_names(f, i);
                return;
            }
        }
        r->filter = f;
        r->nfilter = n;
    }
    const char *p = tsv_path(r);
    r->tsv_wanted = wanted(r, p, strlen(p));
}

/* ---- input ---- */

/* The log name a file's name implies: the base name up to its first '.',
 * without a trailing _YYYYMMDD-style date ("dns_20240101.log" -> "dns"). */
static void file_stem(const char *path, char *out, size_t cap)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    size_t n = strcspn(base, ".");
    size_t d = n;
    while (d > 0 && logread_digit(base[d - 1]))
        d--;
    if (n - d >= 8 && d > 1 && (base[d - 1] == '_' || base[d - 1] == '-'))
        n = d - 1;
    strcut_copy(out, cap, base, n);
}

/* More compressed bytes into zs. */
static enum input_status raw_refill(struct input *in)
{
    if (in->fd < 0) {
        size_t left = in->mem_len - in->mem_pos;
        size_t chunk = left > ((size_t)1 << 30) ? (size_t)1 << 30 : left;
        in->zs.next_in = (Bytef *)(uintptr_t)(in->mem + in->mem_pos);
        in->zs.avail_in = (uInt)chunk;
        in->mem_pos += chunk;
        in->raw_eof = in->mem_pos == in->mem_len;
        return INPUT_OK;
    }
    for (;;) {
        ssize_t got = read(in->fd, in->raw, in->raw_cap);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            in->error = errno;
            return INPUT_IO_ERROR;
        }
        if (got == 0)
            in->raw_eof = true;
        in->zs.next_in = in->raw;
        in->zs.avail_in = (uInt)got;
        return INPUT_OK;
    }
}

static size_t gz_read(struct input *in, char *dst, size_t cap, enum input_status *st)
{
    if (cap > UINT_MAX)
        cap = UINT_MAX;
    if (in->failed != INPUT_OK) {
        *st = in->failed;
        return 0;
    }
    for (;;) {
        if (in->zs.avail_in == 0 && !in->raw_eof) {
            *st = raw_refill(in);
            if (*st != INPUT_OK)
                return 0;
        }
        if (in->member_done) {
            if (in->zs.avail_in == 0) {
                if (in->raw_eof) {
                    *st = INPUT_EOF;
                    return 0;
                }
                continue;
            }
            if (in->zs.next_in[0] != 0x1f) {
                in->trailing_garbage = true;
                *st = INPUT_EOF;
                return 0;
            }
            if (inflateReset(&in->zs) != Z_OK) {
                *st = INPUT_CORRUPT;
                return 0;
            }
            in->member_done = false;
        }
        in->zs.next_out = (Bytef *)dst;
        in->zs.avail_out = (uInt)cap;
        size_t avail_before = in->zs.avail_in;
        int rc = inflate(&in->zs, Z_NO_FLUSH);
        size_t got = cap - in->zs.avail_out;
        if (rc == Z_STREAM_END) {
            in->member_done = true;
        } else if (rc == Z_MEM_ERROR) {
            in->failed = INPUT_NO_MEMORY;
        } else if (rc == Z_BUF_ERROR && got == 0 && in->zs.avail_in == avail_before && avail_before > 0) {
            in->failed = INPUT_CORRUPT;     /* no progress with input and room: not zlib's data */
        } else if (rc != Z_OK && rc != Z_BUF_ERROR) {
            in->failed = INPUT_CORRUPT;
        }
        if (got > 0) {
            /* hand out what inflated; a failure shows on the next call */
            *st = INPUT_OK;
            return got;
        }
        if (in->failed != INPUT_OK) {
            *st = in->failed;
            return 0;
        }
        if (!in->member_done && in->zs.avail_in == 0 && in->raw_eof) {
            *st = INPUT_TRUNCATED;
            return 0;
        }
    }
}

static size_t plain_read(struct input *in, char *dst, size_t cap, enum input_status *st)
{
    *st = INPUT_OK;
    if (in->raw_pos < in->raw_len) {
        size_t n = in->raw_len - in->raw_pos;
        if (n > cap)
            n = cap;
        memcpy(dst, in->raw + in->raw_pos, n);
        in->raw_pos += n;
        return n;
    }
    if (in->fd < 0) {
        size_t n = in->mem_len - in->mem_pos;
        if (n > cap)
            n = cap;
        if (n == 0)
            *st = INPUT_EOF;
        else
            memcpy(dst, in->mem + in->mem_pos, n);
        in->mem_pos += n;
        return n;
    }
    for (;;) {
        ssize_t got = read(in->fd, dst, cap);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            in->error = errno;
            *st = INPUT_IO_ERROR;
            return 0;
        }
        if (got == 0)
            *st = INPUT_EOF;
        return (size_t)got;
    }
}

/* Up to cap bytes of the file's content; 0 with *st saying why it stopped. */
static size_t input_read(struct input *in, char *dst, size_t cap, enum input_status *st)
{
    if (in->gz)
        return gz_read(in, dst, cap, st);
    return plain_read(in, dst, cap, st);
}

/* Reads the first bytes to tell gzip from plain text. */
static enum input_status input_start(struct input *in)
{
    if (in->fd < 0) {
        in->gz = in->mem_len >= 2 && in->mem[0] == 0x1f && in->mem[1] == 0x8b;
    } else {
        while (in->raw_len < 2) {
            ssize_t got = read(in->fd, in->raw + in->raw_len, in->raw_cap - in->raw_len);
            if (got < 0 && errno == EINTR)
                continue;
            if (got < 0) {
                in->error = errno;
                return INPUT_IO_ERROR;
            }
            if (got == 0) {
                in->raw_eof = true;
                break;
            }
            in->raw_len += (size_t)got;
        }
        in->gz = in->raw_len >= 2 && in->raw[0] == 0x1f && in->raw[1] == 0x8b;
    }
    if (!in->gz)
        return INPUT_OK;
    memset(&in->zs, 0, sizeof in->zs);
    if (inflateInit2(&in->zs, 15 + 16) != Z_OK)
        return INPUT_NO_MEMORY;
    in->z_ready = true;
    if (in->fd < 0) {
        in->raw_eof = false;
        return raw_refill(in);
    }
    in->zs.next_in = in->raw;
    in->zs.avail_in = (uInt)in->raw_len;
    in->raw_len = in->raw_pos = 0;
    return INPUT_OK;
}

static void input_end(struct input *in)
{
    if (in->z_ready)
        inflateEnd(&in->zs);
    if (in->fd >= 0)
        close(in->fd);
    uint8_t *raw = in->raw;
    size_t raw_cap = in->raw_cap;
    memset(in, 0, sizeof *in);
    in->fd = -1;
    in->raw = raw;
    in->raw_cap = raw_cap;
}

static void close_file(struct logread *r)
{
    input_end(&r->in);
    r->file_open = false;
    tsv_reset(&r->tsv);
}

/* Opens files[next_file]. 0 = open or skipped (counted), -1 = out of memory. */
static int open_file(struct logread *r)
{
    const char *path = r->files[r->next_file++];
    if (r->in.raw == NULL && r->mem == NULL) {
        if ((r->in.raw = malloc(LOGREAD_RAW_SIZE)) == NULL)
            return -1;
        r->in.raw_cap = LOGREAD_RAW_SIZE;
    }
    if (r->mem != NULL) {
        r->in.fd = -1;
        r->in.mem = r->mem;
        r->in.mem_len = r->mem_len;
    } else {
        r->in.fd = open(path, O_RDONLY | O_CLOEXEC);
        if (r->in.fd < 0) {
            r->stats.bad_files++;
            warn(r, "%s: %s (skipped)", path, strerror(errno));
            return 0;
        }
    }
    enum input_status st = input_start(&r->in);
    if (st == INPUT_NO_MEMORY) {
        input_end(&r->in);
        return -1;
    }
    if (st != INPUT_OK) {
        r->stats.bad_files++;
        warn(r, "%s: %s (skipped)", path, strerror(r->in.error));
        input_end(&r->in);
        return 0;
    }
    if (r->buf == NULL) {
        /* room for a whole line of max_line plus a read; a small block of
         * plain memory needs no more than itself */
        r->buf_cap = 2 * r->max_line + 4096;
        if (r->mem != NULL && !r->in.gz && r->mem_len < r->buf_cap)
            r->buf_cap = r->mem_len + 1;
        if ((r->buf = malloc(r->buf_cap)) == NULL) {
            input_end(&r->in);
            return -1;
        }
    }
    r->stats.files++;
    r->file_open = true;
    r->file = path;
    file_stem(path, r->stem, sizeof r->stem);
    r->line_no = 0;
    r->file_eof = false;
    r->damaged = false;
    r->long_line = false;
    r->start = r->scan = r->end = 0;
    tsv_reset(&r->tsv);
    r->tsv_wanted = wanted(r, r->stem, strlen(r->stem));
    return 0;
}

/* The input stopped: note why. -1 when out of memory. */
static int input_stopped(struct logread *r, enum input_status st)
{
    r->file_eof = true;
    switch (st) {
    case INPUT_OK:
    case INPUT_EOF:
        if (r->in.trailing_garbage)
            warn(r, "%s: bytes after the gzip data ignored", r->file);
        return 0;
    case INPUT_TRUNCATED:
        r->damaged = true;
        warn(r, "%s: gzip data truncated after %llu lines (rows before kept)", r->file,
             (unsigned long long)r->line_no);
        return 0;
    case INPUT_CORRUPT:
        r->damaged = true;
        r->stats.bad_files++;
        warn(r, "%s: corrupt gzip data%s%s after %llu lines (rest of the file skipped)", r->file,
             r->in.zs.msg ? ": " : "", r->in.zs.msg ? r->in.zs.msg : "", (unsigned long long)r->line_no);
        return 0;
    case INPUT_IO_ERROR:
        r->damaged = true;
        r->stats.bad_files++;
        warn(r, "%s: %s (rest of the file skipped)", r->file, strerror(r->in.error));
        return 0;
    case INPUT_NO_MEMORY:
        return -1;
    }
    return 0;
}

/* The next line of the current file, without its '\n'. 1 = a line, 0 = the
 * file has ended, -1 = out of memory. Lines longer than max_line are
 * dropped (counted) without ever being held whole. */
static int next_line(struct logread *r, const char **line, size_t *len)
{
    for (;;) {
        char *nl = memchr(r->buf + r->scan, '\n', r->end - r->scan);
        size_t s = r->start;
        size_t e;
        if (nl != NULL) {
            e = (size_t)(nl - r->buf);
            r->start = r->scan = e + 1;
        } else if (r->file_eof) {
            if (s == r->end && !r->long_line)
                return 0;
            e = r->end;
            r->start = r->scan = r->end;
            if (r->damaged && !r->long_line) {
                r->line_no++;
                r->stats.bad_lines++;   /* the cut-off last line */
                return 0;
            }
        } else {
            if (r->end - r->start > r->max_line || r->end - r->start == r->buf_cap) {
                r->long_line = true;
                r->start = r->scan = r->end = 0;
            } else if (r->start > 0) {
                memmove(r->buf, r->buf + r->start, r->end - r->start);
                r->end -= r->start;
                r->scan -= r->start;
                r->start = 0;
            }
            enum input_status st;
            size_t got = input_read(&r->in, r->buf + r->end, r->buf_cap - r->end, &st);
            r->end += got;
            r->stats.bytes += got;
            if (got == 0 && input_stopped(r, st) < 0)
                return -1;
            continue;
        }
        r->line_no++;
        if (r->long_line || e - s > r->max_line) {
            r->long_line = false;
            r->stats.bad_lines++;
            continue;
        }
        *line = r->buf + s;
        *len = e - s;
        return 1;
    }
}

/* ---- rows ---- */

/* Whether a JSON line's log is filtered out, decided without parsing when
 * the line spells its event_type or _path plainly. */
static bool json_filtered_out(const struct logread *r, const char *line, size_t len)
{
    const char *v;
    size_t vl;
    if (json_quick_string(line, len, "\"event_type\":\"", 14, &v, &vl))
        return !wanted(r, v, vl);
    if (json_quick_string(line, len, "\"_path\":\"", 9, &v, &vl))
        return !wanted(r, v, vl);
    if (json_mentions(line, len, "\"event_type\"", 12) || json_mentions(line, len, "\"_path\"", 7))
        return false;   /* spelled some other way: parse to know */
    return !wanted(r, r->stem, strlen(r->stem));
}

/* 1 = a row, 0 = filtered out, -1 = malformed, -2 = out of memory. */
static int json_row(struct logread *r, const char *line, size_t len, struct log_row *row)
{
    if (r->filter != NULL && json_filtered_out(r, line, len))
        return 0;
    int rc = json_index_parse(&r->json, line, len);
    if (rc < 0)
        return rc;
    struct log_value v;
    double ts = 0;
    if (json_get(&r->json, "event_type", &v)) {
        row->source = LOG_EVE;
        strcut_copy(r->path, sizeof r->path, v.val, v.len);
        if (json_get(&r->json, "timestamp", &v) && !logread_parse_iso8601(v.val, v.len, &ts))
            ts = 0;
    } else {
        row->source = LOG_ZEEK_JSON;
        if (json_get(&r->json, "_path", &v))
            strcut_copy(r->path, sizeof r->path, v.val, v.len);
        else
            strcut_copy(r->path, sizeof r->path, r->stem, strlen(r->stem));
        if (json_get(&r->json, "ts", &v) && !logread_parse_epoch(v.val, v.len, &ts) &&
            !logread_parse_iso8601(v.val, v.len, &ts))
            ts = 0;
    }
    if (!wanted(r, r->path, strlen(r->path)))
        return 0;
    row->path = r->path;
    row->ts = ts;
    return 1;
}

static bool blank(const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != ' ' && p[i] != '\t')
            return false;
    return true;
}

int logread_next(struct logread *r, struct log_row *row, char *err, size_t errlen)
{
    for (;;) {
        if (!r->file_open) {
            if (r->next_file >= r->nfiles)
                return 0;
            if (open_file(r) < 0)
                goto oom;
            continue;
        }
        const char *line;
        size_t len;
        int rc = next_line(r, &line, &len);
        if (rc < 0)
            goto oom;
        if (rc == 0) {
            close_file(r);
            continue;
        }
        if (len > 0 && line[len - 1] == '\r')
            len--;
        if (r->line_no == 1 && len >= 3 && memcmp(line, "\xEF\xBB\xBF", 3) == 0) {
            line += 3;
            len -= 3;
        }
        if (len == 0)
            continue;
        if (line[0] == '#') {
            if (tsv_header(&r->tsv, line, len) < 0)
                goto oom;
            const char *p = tsv_path(r);
            r->tsv_wanted = wanted(r, p, strlen(p));
            continue;
        }
        row->file = r->file;
        row->line = r->line_no;
        row->impl = r;
        if (r->tsv.active) {
            if (!r->tsv_wanted)
                continue;
            if (!tsv_row(&r->tsv, line, len)) {
                r->stats.bad_lines++;
                continue;
            }
            row->source = LOG_ZEEK_TSV;
            row->path = tsv_path(r);
            row->ts = tsv_row_ts(&r->tsv);
            r->stats.rows++;
            return 1;
        }
        if (blank(line, len))
            continue;
        rc = json_row(r, line, len, row);
        if (rc == -2)
            goto oom;
        if (rc < 0) {
            r->stats.bad_lines++;
            continue;
        }
        if (rc == 1) {
            r->stats.rows++;
            return 1;
        }
    }
oom:
    set_error(err, errlen, "%s: out of memory", r->file ? r->file : "logread");
    return -1;
}

bool log_row_get(const struct log_row *row, const char *name, struct log_value *out)
{
    struct logread *r = (struct logread *)(uintptr_t)row->impl;
    if (row->source == LOG_ZEEK_TSV)
        return tsv_get(&r->tsv, name, out);
    return json_get(&r->json, name, out);
}

void log_row_each(const struct log_row *row, const char *name,
                  void (*fn)(void *ctx, const char *val, size_t len), void *ctx)
{
    struct logread *r = (struct logread *)(uintptr_t)row->impl;
    if (row->source == LOG_ZEEK_TSV)
        tsv_each(&r->tsv, name, fn, ctx);
    else
        json_each(&r->json, name, fn, ctx);
}

const char *logread_warning(struct logread *r)
{
    if (r->warn_count > 0) {
        memcpy(r->warning, r->warnings[r->warn_head], LOGREAD_WARNING_LEN);
        r->warn_head = (r->warn_head + 1) % LOGREAD_WARNINGS_MAX;
        r->warn_count--;
        return r->warning;
    }
    if (r->warn_dropped > 0) {
        snprintf(r->warning, sizeof r->warning, "%llu more warnings not shown",
                 (unsigned long long)r->warn_dropped);
        r->warn_dropped = 0;
        return r->warning;
    }
    return NULL;
}

void logread_get_stats(const struct logread *r, struct logread_stats *st)
{
    *st = r->stats;
}

void logread_close(struct logread *r)
{
    if (r == NULL)
        return;
    if (r->file_open)
        close_file(r);
    free(r->in.raw);
    free(r->buf);
    if (r->files != NULL)
        free_names(r->files, r->nfiles);
    free_filter(r);
    tsv_free(&r->tsv);
    json_index_free(&r->json);
    free(r);
}
