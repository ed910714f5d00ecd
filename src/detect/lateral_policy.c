#include "detect/lateral_policy.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "detect/lateral_config.h"
#include "util/datadir.h"
#include "util/strcut.h"
#include "util/tsv.h"

#define POLICY_MAX_LINES 4096

static const struct {
    const char *name;
    enum lateral_class cls;
} class_names[] = {
    {"service_create", LATERAL_SERVICE_CREATE}, {"service_start", LATERAL_SERVICE_START},
    {"task_create", LATERAL_TASK_CREATE},       {"wmi_exec", LATERAL_WMI_EXEC},
    {"netlogon_auth", LATERAL_NETLOGON_AUTH},   {"replication", LATERAL_REPLICATION},
    {"dc_service", LATERAL_DC_SERVICE},
};

void lateral_policy_free(struct lateral_policy *p)
{
    free(p->ops);
    free(p->extensions);
    free(p->admin_shares);
    memset(p, 0, sizeof *p);
}

static bool parse_threshold(struct lateral_policy *p, char **f, size_t n)
{
    if (n != 3)
        return false;
    if (lateral_thresholds_is_setting(f[1]))
        return true; /* the Kerberos and fan-out detectors' (lateral_config.c checks its value) */
    char *end;
    errno = 0;
    unsigned long long v = strtoull(f[2], &end, 10);
    if (errno || *end || end == f[2] || v == 0 || v > 86400ull * 365)
        return false;
    if (strcmp(f[1], "zerologon_calls") == 0)
        p->zerologon_calls = v;
    else if (strcmp(f[1], "zerologon_window") == 0)
        p->zerologon_window_us = (int64_t)v * 1000000;
    else if (strcmp(f[1], "exec_after_write_window") == 0)
        p->exec_after_write_us = (int64_t)v * 1000000;
    else if (strcmp(f[1], "service_start_window") == 0)
        p->service_start_us = (int64_t)v * 1000000;
    else
        return false;
    return true;
}

static bool parse_operation(struct lateral_policy *p, char **f, size_t n)
{
    if (n != 4)
        return false;
    struct lateral_operation op = {0};
    for (size_t i = 0; i < sizeof class_names / sizeof *class_names; i++)
        if (strcmp(f[1], class_names[i].name) == 0)
            op.cls = class_names[i].cls;
    if (op.cls == LATERAL_NONE || !strcut_copy_whole(op.endpoint, sizeof op.endpoint, f[2]) ||
        !strcut_copy_whole(op.operation, sizeof op.operation, f[3]))
        return false;
    struct lateral_operation *ops = realloc(p->ops, (p->n_ops + 1) * sizeof *ops);
    if (ops == NULL)
        return false;
    p->ops = ops;
    p->ops[p->n_ops++] = op;
    return true;
}

static bool parse_word(char (**list)[LATERAL_NAME_MAX], size_t *count, char **f, size_t n)
{
    if (n != 2)
        return false;
    char (*l)[LATERAL_NAME_MAX] = realloc(*list, (*count + 1) * sizeof *l);
    if (l == NULL)
        return false;
    *list = l;
    return strcut_copy_whole(l[(*count)++], LATERAL_NAME_MAX, f[1]);
}

static bool parse_extension(struct lateral_policy *p, char **f, size_t n)
{
    if (n != 2)
        return false;
    char (*l)[16] = realloc(p->extensions, (p->n_extensions + 1) * sizeof *l);
    if (l == NULL)
        return false;
    p->extensions = l;
    return strcut_copy_whole(l[p->n_extensions++], sizeof *l, f[1]);
}

static bool parse_line(struct lateral_policy *p, char *line)
{
    char *f[6];
    size_t n = tsv_split(line, f, 6);
    if (strcmp(f[0], "threshold") == 0)
        return parse_threshold(p, f, n);
    if (strcmp(f[0], "operation") == 0)
        return parse_operation(p, f, n);
    if (strcmp(f[0], "extension") == 0)
        return parse_extension(p, f, n);
    if (strcmp(f[0], "admin_share") == 0)
        return parse_word(&p->admin_shares, &p->n_admin_shares, f, n);
    return false;
}

bool lateral_policy_load(struct lateral_policy *p, const char *path, char *err, size_t errlen)
{
    memset(p, 0, sizeof *p);
    char found[4096];
    if (path == NULL) {
        if (!vigil_data_path(LATERAL_POLICY_FILE, found, sizeof found)) {
            snprintf(err, errlen, "%s: not found", found);
            return false;
        }
        path = found;
    }
    struct tsv_reader lines;
    if (!tsv_reader_open(&lines, path, err, errlen))
        return false;
    char line[512];
    bool ok = true;
    while (ok && tsv_next_line(&lines, line, sizeof line)) {
        if (lines.lineno > POLICY_MAX_LINES || !parse_line(p, line)) {
            snprintf(err, errlen, "%s:%u: not a threshold, operation, extension or admin_share line", path, lines.lineno);
            ok = false;
        }
    }
    fclose(lines.f);
    if (ok && (p->zerologon_calls == 0 || p->zerologon_window_us == 0 || p->exec_after_write_us == 0 ||
               p->service_start_us == 0)) {
        snprintf(err, errlen, "%s: a threshold is missing (zerologon_calls, zerologon_window, "
                              "exec_after_write_window, service_start_window)", path);
        ok = false;
    }
    if (!ok)
        lateral_policy_free(p);
    return ok;
}

enum lateral_class lateral_policy_class(const struct lateral_policy *p, const char *endpoint, const char *operation,
                                        bool *dc_service)
{
    enum lateral_class cls = LATERAL_NONE;
    *dc_service = false;
    for (size_t i = 0; i < p->n_ops; i++) {
        const struct lateral_operation *op = &p->ops[i];
        if (strcmp(op->endpoint, endpoint) != 0)
            continue;
        if (strcmp(op->operation, "*") != 0 && strcmp(op->operation, operation) != 0)
            continue;
        if (op->cls == LATERAL_DC_SERVICE)
            *dc_service = true;
        else if (cls == LATERAL_NONE)
            cls = op->cls;
    }
    return cls;
}

bool lateral_policy_is_executable(const struct lateral_policy *p, const char *name, const uint8_t *head, size_t n)
{
    if (head && n >= 2 && head[0] == 'M' && head[1] == 'Z')
        return true;
    const char *dot = name ? strrchr(name, '.') : NULL;
    if (dot == NULL)
        return false;
    for (size_t i = 0; i < p->n_extensions; i++)
        if (strcasecmp(dot + 1, p->extensions[i]) == 0)
            return true;
    return false;
}

bool lateral_policy_is_admin_share(const struct lateral_policy *p, const char *path)
{
    const char *slash = path ? strrchr(path, '\\') : NULL;
    const char *share = slash ? slash + 1 : path;
    if (share == NULL)
        return false;
    for (size_t i = 0; i < p->n_admin_shares; i++)
        if (strcasecmp(share, p->admin_shares[i]) == 0)
            return true;
    return false;
}
