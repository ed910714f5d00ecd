/* Directory operands listed, filtered by capture file suffix and sorted by
 * the time of their first packet (then by name), so a folder of rotated
 * captures reads as the one capture it was. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "capture/capture.h"
#include "cli/inputs.h"

struct dated_path {
    char *path;
    int64_t first_us;
};

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

static bool capture_file_name(const char *name)
{
    static const char *const suffixes[] = {".pcap", ".pcapng", ".cap", ".pcap.gz", ".pcapng.gz", ".cap.gz"};
    if (name[0] == '.')
        return false;
    for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++)
        if (ends_with(name, suffixes[i]))
            return true;
    return false;
}

static int by_first_packet(const void *a, const void *b)
{
    const struct dated_path *x = a, *y = b;
    if (x->first_us != y->first_us)
        return x->first_us < y->first_us ? -1 : 1;
    return strcmp(x->path, y->path);
}

static bool push(struct capture_inputs *out, char *path)
{
    char **grown = realloc(out->paths, (out->n + 1) * sizeof *grown);
    if (!grown) {
        free(path);
        return false;
    }
    out->paths = grown;
    out->paths[out->n++] = path;
    return true;
}

static void free_dated(struct dated_path *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i].path);
    free(v);
}

/* The capture files of dir, dated; false with err set. */
static bool list_dir(const char *dir, struct dated_path **list, size_t *count, char *err, size_t errlen)
{
    DIR *d = opendir(dir);
    if (!d) {
        snprintf(err, errlen, "%s: cannot read the directory", dir);
        return false;
    }
    struct dated_path *v = NULL;
    size_t n = 0;
    bool ok = true;
    struct dirent *e;
    while (ok && (e = readdir(d)) != NULL) {
        if (!capture_file_name(e->d_name))
            continue;
        size_t len = strlen(dir) + 1 + strlen(e->d_name) + 1;
        char *path = malloc(len);
        struct dated_path *grown = path ? realloc(v, (n + 1) * sizeof *v) : NULL;
        if (!grown) {
            free(path);
            snprintf(err, errlen, "out of memory");
            ok = false;
            break;
        }
        v = grown;
        snprintf(path, len, "%s/%s", dir, e->d_name);
        v[n].path = path;
        n++;
        struct stat st;
        if (stat(path, &st) != 0 || !S_ISREG(st.st_mode)) {
            free(v[--n].path);
            continue;
        }
        ok = capture_first_packet_time(path, &v[n - 1].first_us, err, errlen);
    }
    closedir(d);
    if (ok && n == 0) {
        snprintf(err, errlen, "%s: no capture file in the directory (.pcap, .pcapng, .cap, optionally .gz)", dir);
        ok = false;
    }
    if (!ok) {
        free_dated(v, n);
        return false;
    }
    qsort(v, n, sizeof *v, by_first_packet);
    *list = v;
    *count = n;
    return true;
}

bool capture_inputs_expand(const char *const *operands, unsigned n, struct capture_inputs *out, char *err,
                           size_t errlen)
{
    out->paths = NULL;
    out->n = 0;
    for (unsigned i = 0; i < n; i++) {
        struct stat st;
        if (strcmp(operands[i], "-") == 0 || stat(operands[i], &st) != 0 || !S_ISDIR(st.st_mode)) {
            /* capture_open_file says what is wrong with it */
            char *copy = strdup(operands[i]);
            if (!copy || !push(out, copy))
                goto oom;
            continue;
        }
        struct dated_path *v;
        size_t count;
        if (!list_dir(operands[i], &v, &count, err, errlen)) {
            capture_inputs_free(out);
            return false;
        }
        for (size_t k = 0; k < count; k++) {
            if (!push(out, v[k].path)) {
                v[k].path = NULL;
                for (size_t j = 0; j <= k; j++)
                    v[j].path = NULL;
                free_dated(v, count);
                goto oom;
            }
            v[k].path = NULL;
        }
        free_dated(v, count);
    }
    return true;
oom:
    capture_inputs_free(out);
    snprintf(err, errlen, "out of memory");
    return false;
}

void capture_inputs_free(struct capture_inputs *in)
{
    for (unsigned i = 0; i < in->n; i++)
        free(in->paths[i]);
    free(in->paths);
    in->paths = NULL;
    in->n = 0;
}
