/* data/dce_rpc_operations.tsv, loaded once per worker: a few hundred
 * lines, searched linearly (a call is answered far less often than a
 * packet arrives). */
#include "proto/dce_rpc_names.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/datadir.h"
#include "util/grow.h"
#include "util/strcut.h"
#include "util/tsv.h"

#define NAMES_FILE "data/dce_rpc_operations.tsv"
#define NAME_MAX_LEN 64
#define NAMES_MAX_LINES 8192   /* the shipped file has a few hundred */

struct dce_rpc_op {
    char uuid[40];
    char endpoint[NAME_MAX_LEN];
    char operation[NAME_MAX_LEN];
    uint16_t opnum;
    bool logged;
};

struct dce_rpc_names {
    struct dce_rpc_op *ops;
    size_t n, cap;
};

void dce_rpc_names_free(struct dce_rpc_names *names)
{
    if (names == NULL)
        return;
    free(names->ops);
    free(names);
}

static bool parse_line(char *line, struct dce_rpc_op *op)
{
    char *f[6];
    if (tsv_split(line, f, 6) != 5)
        return false;
    char *end;
    errno = 0;
    unsigned long opnum = strtoul(f[2], &end, 10);
    if (errno || *end != '\0' || end == f[2] || opnum > UINT16_MAX)
        return false;
    if (strcmp(f[4], "T") != 0 && strcmp(f[4], "F") != 0)
        return false;
    op->opnum = (uint16_t)opnum;
    op->logged = f[4][0] == 'T';
    return strlen(f[0]) == 36 && strcut_copy_whole(op->uuid, sizeof op->uuid, f[0]) &&
           strcut_copy_whole(op->endpoint, sizeof op->endpoint, f[1]) &&
           strcut_copy_whole(op->operation, sizeof op->operation, f[3]);
}

static bool names_add(struct dce_rpc_names *names, const struct dce_rpc_op *op)
{
    if (grow_array((void **)&names->ops, &names->cap, names->n + 1, sizeof *names->ops, 256) < 0)
        return false;
    names->ops[names->n++] = *op;
    return true;
}

struct dce_rpc_names *dce_rpc_names_load(const char *path, char *err, size_t errlen)
{
    struct tsv_reader lines;
    if (!tsv_reader_open(&lines, path, err, errlen))
        return NULL;
    struct dce_rpc_names *names = calloc(1, sizeof *names);
    char line[512];
    bool ok = names != NULL;
    if (!ok)
        snprintf(err, errlen, "out of memory");
    while (ok && tsv_next_line(&lines, line, sizeof line)) {
        struct dce_rpc_op op;
        if (lines.lineno > NAMES_MAX_LINES || !parse_line(line, &op)) {
            snprintf(err, errlen, "%s:%u: expected uuid, endpoint, opnum, operation, T/F separated by tabs", path,
                     lines.lineno);
            ok = false;
        } else if (!names_add(names, &op)) {
            snprintf(err, errlen, "out of memory");
            ok = false;
        }
    }
    fclose(lines.f);
    if (!ok) {
        dce_rpc_names_free(names);
        return NULL;
    }
    return names;
}

struct dce_rpc_names *dce_rpc_names_load_default(char *err, size_t errlen)
{
    char path[4096];
    if (!vigil_data_path(NAMES_FILE, path, sizeof path)) {
        snprintf(err, errlen, "%s: not found", path);
        return NULL;
    }
    return dce_rpc_names_load(path, err, errlen);
}

void *dce_rpc_names_worker_open(void)
{
    char err[256];
    return dce_rpc_names_load_default(err, sizeof err);
}

void dce_rpc_names_worker_close(void *names, struct app_env *env)
{
    (void)env;
    dce_rpc_names_free(names);
}

const char *dce_rpc_endpoint_name(const struct dce_rpc_names *names, const char *uuid)
{
    if (names == NULL)
        return NULL;
    for (size_t i = 0; i < names->n; i++)
        if (strcmp(names->ops[i].uuid, uuid) == 0)
            return names->ops[i].endpoint;
    return NULL;
}

const char *dce_rpc_operation_name(const struct dce_rpc_names *names, const char *uuid, uint16_t opnum,
                                   bool *logged)
{
    *logged = true;
    if (names == NULL)
        return NULL;
    for (size_t i = 0; i < names->n; i++) {
        const struct dce_rpc_op *op = &names->ops[i];
        if (op->opnum == opnum && strcmp(op->uuid, uuid) == 0) {
            *logged = op->logged;
            return op->operation;
        }
    }
    return NULL;
}
