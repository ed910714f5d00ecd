/* The log files themselves: opened safely, appended to in whole lines,
 * failures said at once and counted, rotated and archived under Zeek's
 * names. Every function taking a struct log_file runs with its lock held,
 * unless it says otherwise. */
#include "output/output_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

/* Refusals that have no errno of their own. */
#define LOG_REFUSED_NOT_REGULAR (-1)
/* An archive path: the output directory, the date folder, the archive name. */
#define ARCHIVE_PATH_MAX (4096 + 512)

static void describe_error(char *out, size_t n, int e)
{
    if (e == ELOOP)
        snprintf(out, n, "is a symbolic link, refused");
    else if (e == LOG_REFUSED_NOT_REGULAR)
        snprintf(out, n, "is not a regular file, refused");
    else
        snprintf(out, n, "%s", strerror(e));
}

static int log_path(const struct output *o, const struct log_file *f, char *path, size_t n)
{
    int k = snprintf(path, n, "%s/%s", o->dir, f->name);
    return k < 0 || (size_t)k >= n ? ENAMETOOLONG : 0;
}

/* Writes what it can; *done says how much reached the file. */
static int write_some(int fd, const char *p, size_t n, size_t *done)
{
    *done = 0;
    while (*done < n) {
        ssize_t k = write(fd, p + *done, n - *done);
        if (k < 0) {
            if (errno == EINTR)
                continue;
            return errno;
        }
        if (k == 0)
            return EIO;
        *done += (size_t)k;
    }
    return 0;
}

/* Appends whole lines or nothing: after a short write the file is cut back
 * to the last newline that reached it. *lines_out counts the lines kept. */
static int append_whole_lines(struct log_file *f, const char *p, size_t n, uint64_t *lines_out)
{
    size_t done;
    int e = write_some(f->fd, p, n, &done);
    if (e == 0) {
        *lines_out = UINT64_MAX; /* all of them */
        return 0;
    }
    size_t keep = done;
    while (keep > 0 && p[keep - 1] != '\n')
        keep--;
    struct stat st;
    if (keep < done && fstat(f->fd, &st) == 0)
        (void)!ftruncate(f->fd, st.st_size - (off_t)(done - keep));
    uint64_t lines = 0;
    for (size_t i = 0; i < keep; i++)
        lines += p[i] == '\n';
    *lines_out = lines;
    return e;
}

static int open_log_file(struct output *o, struct log_file *f, const char **op)
{
    char path[4096 + 128];
    *op = "open";
    if (o->to_stdout) { /* -o -: lines go to standard output, nothing to open or truncate */
        f->fd = dup(STDOUT_FILENO);
        return f->fd < 0 ? errno : 0;
    }
    int e = log_path(o, f, path, sizeof path);
    if (e != 0)
        return e;
    /* O_NONBLOCK: a FIFO planted under the log's name must not block the open. */
    int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC, 0640);
    if (fd < 0)
        return errno == ENXIO ? LOG_REFUSED_NOT_REGULAR : errno; /* ENXIO: a FIFO nobody reads */
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return LOG_REFUSED_NOT_REGULAR;
    }
    (void)fcntl(fd, F_SETFL, O_APPEND);
    if (!o->files_opt.append && !f->opened_before && st.st_size > 0 && ftruncate(fd, 0) != 0) {
        e = errno;
        close(fd);
        return e;
    }
    f->fd = fd;
    f->opened = time(NULL);
    f->opened_before = true;
    if (f->kind == LOG_ZEEK_TSV) {
        struct buf header;
        buf_init(&header, 1024, 0);
        zeek_write_tsv_header(&header, f->schema, f->opened);
        uint64_t lines;
        e = header.failed ? ENOMEM : append_whole_lines(f, header.data, header.len, &lines);
        buf_free(&header);
        if (e != 0) {
            /* a header cut short would make every row after it unreadable: start over next time */
            struct stat now;
            if (fstat(fd, &now) == 0 && now.st_size > st.st_size)
                (void)!ftruncate(fd, o->files_opt.append ? st.st_size : 0);
            close(fd);
            f->fd = -1;
            *op = "write";
            return e;
        }
    }
    return 0;
}

/* Says at once when a log starts or stops failing; counts what was lost. */
static void note_outcome(struct output *o, struct log_file *f, int e, const char *op, uint64_t lost)
{
    char path[4096 + 128];
    log_path(o, f, path, sizeof path);
    if (e != 0) {
        if (f->error == 0) {
            f->error = e;
            f->error_op = op;
        }
        f->lost += lost;
        f->lost_since_failing += lost;
        if (!f->failing) {
            char why[128];
            describe_error(why, sizeof why, e);
            fprintf(stderr, "vigil: %s: %s failed: %s; its lines are lost (and counted) until writing works again\n",
                    path, op, why);
            f->failing = true;
        }
    } else if (f->failing) {
        fprintf(stderr, "vigil: %s: writing again; %llu lines were lost\n", path,
                (unsigned long long)f->lost_since_failing);
        f->failing = false;
        f->lost_since_failing = 0;
    }
    if (lost != 0) {
        pthread_mutex_lock(&o->lock);
        o->dropped_lines += lost;
        pthread_mutex_unlock(&o->lock);
    }
}

void log_file_append(struct output *o, struct log_file *f, const char *p, size_t n, uint64_t lines)
{
    pthread_mutex_lock(&f->lock);
    const char *op = "write";
    int e = f->fd < 0 ? open_log_file(o, f, &op) : 0;
    uint64_t kept = 0;
    if (e == 0) {
        e = append_whole_lines(f, p, n, &kept);
        if (kept == UINT64_MAX)
            kept = lines;
        op = "write";
    }
    f->lines += kept;
    note_outcome(o, f, e, op, lines - kept);
    pthread_mutex_unlock(&f->lock);
}

/* Writes the Zeek footer and closes; the log opens again at its next line. */
static void close_log_fd(struct output *o, struct log_file *f)
{
    if (f->fd < 0)
        return;
    if (f->kind == LOG_ZEEK_TSV) {
        char line[64], when[32];
        zeek_format_wall_time(when, sizeof when, time(NULL));
        int n = snprintf(line, sizeof line, "#close\t%s\n", when);
        uint64_t kept;
        int e = append_whole_lines(f, line, (size_t)n, &kept);
        if (e != 0)
            note_outcome(o, f, e, "write", 0);
    }
    if (close(f->fd) != 0 && errno != EINTR && f->error == 0) {
        f->error = errno;
        f->error_op = "close";
    }
    f->fd = -1;
}

static void log_file_close(struct output *o, struct log_file *f)
{
    pthread_mutex_lock(&f->lock);
    close_log_fd(o, f);
    pthread_mutex_unlock(&f->lock);
}

/* ---------------------------------------------------------------- rotation */

/* Zeek's archive name: conn.log opened 10:00:00 and closed 11:00:00 goes to
 * 2026-12-07/conn.10:00:00-11:00:00.log (the date of the open). */
static void archive_name(const struct log_file *f, time_t closed, char *day, size_t daylen, char *name,
                         size_t namelen)
{
    struct tm a, b;
    localtime_r(&f->opened, &a);
    localtime_r(&closed, &b);
    strftime(day, daylen, "%Y-%m-%d", &a);
    const char *dot = strchr(f->name, '.');
    size_t stem = dot ? (size_t)(dot - f->name) : strlen(f->name);
    char from[16], to[16];
    strftime(from, sizeof from, "%H:%M:%S", &a);
    strftime(to, sizeof to, "%H:%M:%S", &b);
    snprintf(name, namelen, "%.*s.%s-%s%s", (int)stem, f->name, from, to, dot ? dot : "");
}

/* The date folder, refused when it is anything but a real directory. */
static int open_day_dir(const struct output *o, const char *day)
{
    char path[4096 + 32];
    snprintf(path, sizeof path, "%s/%s", o->dir, day);
    if (mkdir(path, 0750) != 0 && errno != EEXIST)
        return -1;
    return open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
}

struct log_archiver {
    pthread_t thread;
    size_t n;
    char paths[OUTPUT_MAX_LOGS][ARCHIVE_PATH_MAX];
};

static bool gzip_file(const char *path)
{
    char gz[ARCHIVE_PATH_MAX + 4];
    snprintf(gz, sizeof gz, "%s.gz", path);
    int in = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (in < 0)
        return false;
    int out = open(gz, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0640);
    gzFile z = out >= 0 ? gzdopen(out, "wb6") : NULL;
    if (z == NULL) {
        if (out >= 0) {
            close(out);
            unlink(gz);
        }
        close(in);
        return false;
    }
    char block[1 << 16];
    ssize_t k;
    bool ok = true;
    while ((k = read(in, block, sizeof block)) > 0)
        if (gzwrite(z, block, (unsigned)k) != (int)k) {
            ok = false;
            break;
        }
    ok = ok && k == 0;
    ok = gzclose(z) == Z_OK && ok;
    close(in);
    if (ok)
        unlink(path);
    else
        unlink(gz);
    return ok;
}

static void *archiver_main(void *arg)
{
    struct log_archiver *a = arg;
    for (size_t i = 0; i < a->n; i++)
        if (!gzip_file(a->paths[i]))
            fprintf(stderr, "vigil: %s: could not compress; left as it is\n", a->paths[i]);
    return NULL;
}

static void archiver_wait(struct output *o)
{
    if (o->archiver == NULL)
        return;
    pthread_join(o->archiver->thread, NULL);
    free(o->archiver);
    o->archiver = NULL;
}

/* Closes f and moves it to its archive name; the archive's path goes to
 * out (empty when nothing was archived). */
static void archive_one(struct output *o, struct log_file *f, time_t now, char *out, size_t outlen)
{
    out[0] = '\0';
    if (f->fd < 0)
        return;
    close_log_fd(o, f);
    char day[16], name[256], path[4096 + 128];
    archive_name(f, now, day, sizeof day, name, sizeof name);
    log_path(o, f, path, sizeof path);
    int dfd = open_day_dir(o, day);
    if (dfd < 0) {
        fprintf(stderr, "vigil: %s/%s: cannot archive into it (%s); %s stays where it is\n", o->dir, day,
                strerror(errno), path);
        return;
    }
    char final_name[256 + 16];
    snprintf(final_name, sizeof final_name, "%s", name);
    /* two rotations within a second (a reopen, a restart) must not overwrite an archive */
    for (int i = 1; renameat2(AT_FDCWD, path, dfd, final_name, RENAME_NOREPLACE) != 0; i++) {
        if (errno != EEXIST || i > 99) {
            fprintf(stderr, "vigil: %s: cannot archive as %s/%s: %s\n", path, day, final_name, strerror(errno));
            close(dfd);
            return;
        }
        snprintf(final_name, sizeof final_name, "%s-%d", name, i);
    }
    close(dfd);
    snprintf(out, outlen, "%s/%s/%s", o->dir, day, final_name);
}

/* Logs registered so far; the registry only grows, so the first n stay valid. */
static size_t registered_files(struct output *o)
{
    pthread_mutex_lock(&o->lock);
    size_t n = o->n_files;
    pthread_mutex_unlock(&o->lock);
    return n;
}

static void rotate_all(struct output *o, time_t now)
{
    archiver_wait(o);
    struct log_archiver *a = o->files_opt.compress ? calloc(1, sizeof *a) : NULL;
    size_t n = registered_files(o);
    for (size_t i = 0; i < n; i++) {
        struct log_file *f = o->files[i];
        char archived[ARCHIVE_PATH_MAX];
        pthread_mutex_lock(&f->lock);
        archive_one(o, f, now, archived, sizeof archived);
        pthread_mutex_unlock(&f->lock);
        if (a != NULL && archived[0] != '\0')
            snprintf(a->paths[a->n++], sizeof a->paths[0], "%s", archived);
    }
    if (a != NULL && a->n > 0 && pthread_create(&a->thread, NULL, archiver_main, a) == 0) {
        o->archiver = a;
        return;
    }
    if (a != NULL && a->n > 0)
        archiver_main(a); /* no thread: compress here rather than not at all */
    free(a);
}

static time_t next_boundary(time_t now, unsigned interval)
{
    return (now / interval + 1) * (time_t)interval;
}

void output_set_files(struct output *o, const struct output_files *opt)
{
    o->files_opt = *opt;
    o->next_rotation = opt->rotate_s ? next_boundary(time(NULL), opt->rotate_s) : 0;
}

void output_rotate_if_due(struct output *o, time_t now)
{
    if (o == NULL || o->next_rotation == 0 || now < o->next_rotation)
        return;
    rotate_all(o, now);
    o->next_rotation = next_boundary(now, o->files_opt.rotate_s);
}

void output_reopen(struct output *o)
{
    if (o == NULL)
        return;
    size_t n = registered_files(o);
    for (size_t i = 0; i < n; i++)
        log_file_close(o, o->files[i]);
}

/* At the end of the run: archives the last files when rotating (as Zeek
 * does at exit), waits for compression, says every log that lost lines. */
int log_files_finish(struct output *o, char *err, size_t errlen)
{
    if (o->next_rotation != 0)
        rotate_all(o, time(NULL));
    archiver_wait(o);
    size_t failed = 0;
    for (size_t i = 0; i < o->n_files; i++) {
        struct log_file *f = o->files[i];
        log_file_close(o, f);
        if (f->error == 0)
            continue;
        char path[4096 + 128], why[128];
        log_path(o, f, path, sizeof path);
        describe_error(why, sizeof why, f->error);
        if (failed++ > 0) /* every failing log is named: the caller prints the first */
            fprintf(stderr, "vigil: %s: %llu lines lost (%s failed: %s)\n", path, (unsigned long long)f->lost,
                    f->error_op, why);
        else if (err != NULL && errlen > 0)
            snprintf(err, errlen, "%s: %llu lines lost (%s failed: %s)", path, (unsigned long long)f->lost,
                     f->error_op, why);
    }
    return failed ? -1 : 0;
}

uint64_t output_lines_lost(struct output *o)
{
    if (o == NULL)
        return 0;
    size_t n = registered_files(o);
    uint64_t lost = 0;
    for (size_t i = 0; i < n; i++) {
        pthread_mutex_lock(&o->files[i]->lock);
        lost += o->files[i]->lost;
        pthread_mutex_unlock(&o->files[i]->lock);
    }
    return lost;
}

size_t output_failing_logs(struct output *o, const char **names, size_t max)
{
    if (o == NULL)
        return 0;
    size_t n = registered_files(o);
    size_t found = 0;
    for (size_t i = 0; i < n && found < max; i++) {
        pthread_mutex_lock(&o->files[i]->lock);
        if (o->files[i]->failing)
            names[found++] = o->files[i]->name;
        pthread_mutex_unlock(&o->files[i]->lock);
    }
    return found;
}
