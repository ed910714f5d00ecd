/* vigil inspect FILE...: every file (folders walked, in name order)
 * inspected as a document or archive; one JSON object per file on
 * standard output. */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/doc_setup.h"
#include "doc/report_json.h"

static void print_inspect_usage(FILE *f)
{
    fprintf(f, "usage: vigil inspect FILE_OR_DIR... [OPTIONS]\n\n"
               "Inspects documents, archives and any other file (folders recursively) and prints one JSON\n"
               "object per file: file, verdict (clean, suspicious, malicious), score, reasons [{code, detail}],\n"
               "type, size, hashes, indicators, contents (archive members, nested).\n"
               "Exit status: 0 all clean, 1 something suspicious or malicious, 2 usage error or unreadable file.\n\n"
               "options:\n%s"
               "  -h, --help              this help\n",
            doc_setup_help);
}

void cli_help_inspect(void) { print_inspect_usage(stdout); }

/* Inspects one regular file and prints its object; returns its verdict,
 * or -1 when it cannot be read. */
static int inspect_file(const struct doc_ctx *ctx, const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        fprintf(stderr, "vigil: inspect: %s: cannot read\n", path);
        if (fd >= 0)
            close(fd);
        return -1;
    }
    size_t n = (size_t)st.st_size;
    const uint8_t *p = (const uint8_t *)"";
    void *map = NULL;
    if (n > 0) {
        map = mmap(NULL, n, PROT_READ, MAP_PRIVATE, fd, 0);
        if (map == MAP_FAILED) {
            fprintf(stderr, "vigil: inspect: %s: cannot map\n", path);
            close(fd);
            return -1;
        }
        p = map;
    }
    close(fd);
    struct doc_report *r = calloc(1, sizeof *r);
    if (r == NULL) {
        if (map != NULL)
            munmap(map, n);
        return -1;
    }
    doc_inspect(ctx, path, p, n, r);
    struct buf b;
    buf_init(&b, 4096, 64u << 20);
    struct json_writer w;
    json_init(&w, &b, JSON_SURICATA);
    json_object_begin(&w);
    doc_report_json_fields(&w, r, "file");
    json_object_end(&w);
    buf_append(&b, "\n", 1);
    fwrite(b.data, 1, b.len, stdout);
    buf_free(&b);
    int v = (int)r->verdict;
    report_free(r);
    free(r);
    if (map != NULL)
        munmap(map, n);
    return v;
}

static int by_name(const struct dirent **a, const struct dirent **b) { return strcmp((*a)->d_name, (*b)->d_name); }

/* The worst verdict under path, -1 if something could not be read. */
static int inspect_path(const struct doc_ctx *ctx, const char *path, unsigned depth)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        fprintf(stderr, "vigil: inspect: %s: no such file\n", path);
        return -1;
    }
    if (!S_ISDIR(st.st_mode))
        return S_ISREG(st.st_mode) ? inspect_file(ctx, path) : 0;
    if (depth > 32)
        return 0;
    struct dirent **list = NULL;
    int k = scandir(path, &list, NULL, by_name);
    int worst = 0;
    for (int i = 0; i < k; i++) {
        char full[4096];
        if (list[i]->d_name[0] != '.' &&
            snprintf(full, sizeof full, "%s%s%s", path, path[strlen(path) - 1] == '/' ? "" : "/", list[i]->d_name) < (int)sizeof full) {
            int v = inspect_path(ctx, full, depth + 1);
            if (v < 0 || (worst >= 0 && v > worst))
                worst = v < 0 ? -1 : v;
        }
        free(list[i]);
    }
    free(list);
    return worst;
}

int cli_run_inspect(int argc, char **argv)
{
    struct doc_setup s = {0};
    char **paths = calloc((size_t)argc + 1, sizeof *paths);
    int np = 0;
    if (paths == NULL)
        return EXIT_USAGE;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            cli_help_inspect();
            free(paths);
            return EXIT_OK;
        }
        int o = doc_setup_option(&s, argc, argv, &i);
        if (o < 0) {
            free(paths);
            return usage_error("%s needs a value", argv[i]);
        }
        if (o == 0 && argv[i][0] == '-' && argv[i][1] != 0) {
            free(paths);
            return usage_error("unknown option %s", argv[i]);
        }
        if (o == 0)
            paths[np++] = argv[i];
    }
    if (np == 0) {
        free(paths);
        return usage_error("inspect needs at least one file or directory%s", "");
    }
    char err[512];
    if (!doc_setup_load(&s, err, sizeof err)) {
        fprintf(stderr, "vigil: inspect: %s\n", err);
        doc_setup_free(&s);
        free(paths);
        return EXIT_USAGE;
    }
    int worst = 0;
    for (int i = 0; i < np; i++) {
        int v = inspect_path(&s.ctx, paths[i], 0);
        if (v < 0 || (worst >= 0 && v > worst))
            worst = v < 0 ? -1 : v;
    }
    fflush(stdout);
    doc_setup_free(&s);
    free(paths);
    return worst < 0 ? EXIT_USAGE : worst > 0 ? EXIT_DAMAGED : EXIT_OK;
}
