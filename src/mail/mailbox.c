/* Where messages come from: one .eml file, an mbox (messages split at
 * "From " lines), or a folder (Maildir's cur/ and new/, or any folder of
 * such files), walked in name order. */
#include "mail/mail.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static void each_in_mbox(const char *path, const uint8_t *p, size_t n, mail_message_fn fn, void *ctx)
{
    size_t start = 0, index = 0;
    /* skip the first envelope line */
    const uint8_t *nl = memchr(p, '\n', n);
    start = nl ? (size_t)(nl - p) + 1 : n;
    for (size_t i = start; i <= n; i++) {
        bool boundary = i == n || (i + 5 <= n && p[i - 1] == '\n' && memcmp(p + i, "From ", 5) == 0);
        if (!boundary)
            continue;
        char source[4200];
        snprintf(source, sizeof source, "%s:%zu", path, ++index);
        fn(ctx, source, p + start, i - start);
        if (i == n)
            break;
        nl = memchr(p + i, '\n', n - i);
        start = nl ? (size_t)(nl - p) + 1 : n;
        i = start > 0 ? start - 1 : 0;
    }
}

static bool each_in_file(const char *path, mail_message_fn fn, void *ctx, char *err, size_t errlen)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        snprintf(err, errlen, "%s: cannot read", path);
        if (fd >= 0)
            close(fd);
        return false;
    }
    size_t n = (size_t)st.st_size;
    void *map = n > 0 ? mmap(NULL, n, PROT_READ, MAP_PRIVATE, fd, 0) : NULL;
    close(fd);
    if (map == MAP_FAILED) {
        snprintf(err, errlen, "%s: cannot map", path);
        return false;
    }
    const uint8_t *p = map ? map : (const uint8_t *)"";
    if (n >= 5 && memcmp(p, "From ", 5) == 0)
        each_in_mbox(path, p, n, fn, ctx);
    else
        fn(ctx, path, p, n);
    if (map != NULL)
        munmap(map, n);
    return true;
}

static int by_name(const struct dirent **a, const struct dirent **b) { return strcmp((*a)->d_name, (*b)->d_name); }

static bool each_in_dir(const char *path, unsigned depth, mail_message_fn fn, void *ctx, char *err, size_t errlen)
{
    struct dirent **list = NULL;
    int k = scandir(path, &list, NULL, by_name);
    if (k < 0) {
        snprintf(err, errlen, "%s: cannot list", path);
        return false;
    }
    bool ok = true;
    for (int i = 0; i < k; i++) {
        char full[4096];
        const char *d = list[i]->d_name;
        /* Maildir's tmp/ holds messages still being delivered */
        if (d[0] != '.' && strcmp(d, "tmp") != 0 &&
            snprintf(full, sizeof full, "%s%s%s", path, path[strlen(path) - 1] == '/' ? "" : "/", d) <
                (int)sizeof full) {
            struct stat st;
            if (stat(full, &st) == 0 && S_ISDIR(st.st_mode)) {
                if (depth < 16)
                    ok &= each_in_dir(full, depth + 1, fn, ctx, err, errlen);
            } else if (stat(full, &st) == 0 && S_ISREG(st.st_mode)) {
                ok &= each_in_file(full, fn, ctx, err, errlen);
            }
        }
        free(list[i]);
    }
    free(list);
    return ok;
}

bool mailbox_each(const char *path, mail_message_fn fn, void *ctx, char *err, size_t errlen)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        snprintf(err, errlen, "%s: no such file or directory", path);
        return false;
    }
    if (S_ISDIR(st.st_mode))
        return each_in_dir(path, 0, fn, ctx, err, errlen);
    return each_in_file(path, fn, ctx, err, errlen);
}
