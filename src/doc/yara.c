/* YARA through libyara: the rules of a file or of the .yar/.yara files of a
 * directory compiled once; every inspected file (and member) scanned. A
 * match becomes the reason `yara` naming the rule, its tags and meta; a
 * rule whose meta says verdict = "malicious" (or malicious = true) makes
 * the verdict malicious by itself. */
#include "doc/doc_internal.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <yara.h>

struct doc_yara {
    YR_RULES *rules;
};

struct compile_err {
    char *err;
    size_t errlen;
    bool failed;
};

static void on_compile_error(int level, const char *file, int line, const YR_RULE *rule, const char *msg, void *ud)
{
    (void)rule;
    struct compile_err *ce = ud;
    if (level == YARA_ERROR_LEVEL_ERROR && !ce->failed) {
        snprintf(ce->err, ce->errlen, "%s:%d: %s", file ? file : "?", line, msg);
        ce->failed = true;
    }
}

static bool add_file(YR_COMPILER *c, const char *path)
{
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return false;
    yr_compiler_add_file(c, f, NULL, path);
    fclose(f);
    return true;
}

static bool rule_file(const char *name)
{
    const char *dot = strrchr(name, '.');
    return dot != NULL && (strcmp(dot, ".yar") == 0 || strcmp(dot, ".yara") == 0);
}

static int by_name(const struct dirent **a, const struct dirent **b) { return strcmp((*a)->d_name, (*b)->d_name); }

struct doc_yara *yara_load(const char *path, char *err, size_t errlen)
{
    if (yr_initialize() != ERROR_SUCCESS) {
        snprintf(err, errlen, "libyara failed to initialise");
        return NULL;
    }
    YR_COMPILER *c = NULL;
    if (yr_compiler_create(&c) != ERROR_SUCCESS) {
        snprintf(err, errlen, "libyara: no compiler");
        yr_finalize();
        return NULL;
    }
    struct compile_err ce = {err, errlen, false};
    yr_compiler_set_callback(c, on_compile_error, &ce);
    struct stat st;
    size_t files = 0;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
        struct dirent **list = NULL;
        int k = scandir(path, &list, NULL, by_name);
        for (int i = 0; i < k; i++) {
            char full[4096];
            if (!ce.failed && rule_file(list[i]->d_name) &&
                snprintf(full, sizeof full, "%s/%s", path, list[i]->d_name) < (int)sizeof full && add_file(c, full))
                files++;
            free(list[i]);
        }
        free(list);
    } else if (add_file(c, path)) {
        files++;
    }
    if (files == 0 && !ce.failed) {
        snprintf(err, errlen, "%s: no YARA rule file", path);
        ce.failed = true;
    }
    struct doc_yara *y = NULL;
    if (!ce.failed && (y = calloc(1, sizeof *y)) != NULL && yr_compiler_get_rules(c, &y->rules) != ERROR_SUCCESS) {
        snprintf(err, errlen, "%s: rules could not be compiled", path);
        free(y);
        y = NULL;
    }
    yr_compiler_destroy(c);
    if (y == NULL)
        yr_finalize();
    return y;
}

void yara_free(struct doc_yara *y)
{
    if (y == NULL)
        return;
    yr_rules_destroy(y->rules);
    free(y);
    yr_finalize();
}

static void append(char *buf, size_t cap, size_t *len, const char *s)
{
    int k = snprintf(buf + *len, cap - *len, "%s", s);
    if (k > 0)
        *len += (size_t)k < cap - *len ? (size_t)k : cap - *len - 1;
}

static int on_match(YR_SCAN_CONTEXT *ctx, int message, void *data, void *ud)
{
    (void)ctx;
    if (message != CALLBACK_MSG_RULE_MATCHING)
        return CALLBACK_CONTINUE;
    struct doc_report *r = ud;
    const YR_RULE *rule = data;
    char detail[DOC_MAX_DETAIL];
    size_t len = 0;
    detail[0] = 0;
    append(detail, sizeof detail, &len, rule->identifier);
    const char *tag;
    bool first = true;
    yr_rule_tags_foreach(rule, tag)
    {
        append(detail, sizeof detail, &len, first ? " tags:" : ",");
        append(detail, sizeof detail, &len, tag);
        first = false;
    }
    const YR_META *meta;
    bool strong = false;
    yr_rule_metas_foreach(rule, meta)
    {
        char item[160];
        if (meta->type == META_TYPE_STRING)
            snprintf(item, sizeof item, " %s=%s", meta->identifier, meta->string);
        else
            snprintf(item, sizeof item, " %s=%lld", meta->identifier, (long long)meta->integer);
        append(detail, sizeof detail, &len, item);
        if ((strcmp(meta->identifier, "verdict") == 0 && meta->type == META_TYPE_STRING &&
             strcmp(meta->string, "malicious") == 0) ||
            (strcmp(meta->identifier, "malicious") == 0 && meta->type == META_TYPE_BOOLEAN && meta->integer))
            strong = true;
    }
    report_reason(r, "yara", "%s", detail);
    if (strong)
        r->reasons[r->n_reasons - 1].strong = true;
    return CALLBACK_CONTINUE;
}

void yara_scan(const struct doc_yara *y, const uint8_t *p, size_t n, struct doc_report *r)
{
    if (yr_rules_scan_mem(y->rules, p, n, SCAN_FLAGS_FAST_MODE, on_match, r, 10) != ERROR_SUCCESS)
        report_reason(r, "incomplete", "YARA scan stopped (timeout or too many matches)");
}
