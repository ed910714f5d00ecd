/* The rule set: reading rule files and directories, counting what loaded
 * and why the rest did not, and freeing it all. */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sig/hs_cache.h"
#include "sig/sig_internal.h"

#define MAX_RULE_TEXT (1024 * 1024 + 65536)

struct sig_set *sig_set_new(FILE *errors)
{
    struct sig_set *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->errors = errors;
    s->net_memos = sig_net_memos_new();
    if (!s->net_memos) {
        free(s);
        return NULL;
    }
    sig_set_defaults(s);
    char dir[SIG_HS_CACHE_PATH];
    if (sig_hs_cache_default(dir, sizeof dir) && !sig_set_cache_dir(s, dir)) {
        sig_set_free(s);
        return NULL;
    }
    return s;
}

bool sig_set_cache_dir(struct sig_set *s, const char *dir)
{
    char *copy = dir ? strdup(dir) : NULL;
    if (dir && !copy)
        return false;
    free(s->hs_cache_dir);
    s->hs_cache_dir = copy;
    return true;
}

static void free_strings(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

void sig_set_free(struct sig_set *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n_rules; i++)
        sig_rule_free(s->rules[i]);
    free(s->rules);
    sig_kw_index_free(s->kw_index);
    sig_arena_free(&s->arena);
    free_strings(s->files, s->n_files);
    for (size_t i = 0; i < s->n_vars; i++) {
        free(s->vars[i].name);
        free(s->vars[i].value);
    }
    free(s->vars);
    for (size_t i = 0; i < s->n_classes; i++) {
        free(s->classes[i].name);
        free(s->classes[i].msg);
    }
    free(s->classes);
    free_strings(s->refs, s->n_refs);
    free_strings(s->flowbits, s->n_flowbits);
    sig_prefilter_free(s->prefilter);
    free(s->hs_cache_dir);
    sig_net_memos_free(s->net_memos); /* after the rules: they share its groups */
    free(s);
}

size_t sig_set_count(const struct sig_set *s)
{
    return s->n_rules;
}

static int file_index(struct sig_set *s, const char *file)
{
    if (s->n_files && strcmp(s->files[s->n_files - 1], file) == 0)
        return (int)s->n_files - 1;
    return sig_names_append(&s->files, &s->n_files, file);
}

int sig_set_add_rule(struct sig_set *s, const char *text, const char *file, unsigned line, char *why,
                     size_t whylen)
{
    if (s->compiled) {
        snprintf(why, whylen, "the rule set is already compiled");
        return SIG_PARSE_ERROR;
    }
    struct sig_rule *r;
    enum sig_parse_result res = sig_parse_rule(s, text, &r, why, whylen);
    if (res != SIG_PARSE_OK)
        return res;
    int fi = file_index(s, file);
    if (fi >= 0 && s->n_rules == s->cap_rules) {
        size_t nc = s->cap_rules ? s->cap_rules * 2 : 256;
        struct sig_rule **nr = realloc(s->rules, nc * sizeof *nr);
        if (nr) {
            s->rules = nr;
            s->cap_rules = nc;
        }
    }
    if (fi < 0 || s->n_rules == s->cap_rules) {
        sig_rule_free(r);
        snprintf(why, whylen, "out of memory");
        return SIG_PARSE_ERROR;
    }
    r = sig_rule_pack(&s->arena, r);
    r->file = (uint16_t)fi;
    r->line = line;
    r->index = (uint32_t)s->n_rules;
    s->has_pass |= r->action == SIG_ACTION_PASS;
    s->rules[s->n_rules++] = r;
    return SIG_PARSE_OK;
}

/* --- reports --- */

static void count_reason(struct sig_file_report *rep, const char *why)
{
    for (size_t i = 0; i < rep->n_reasons; i++) {
        if (strcmp(rep->reasons[i].reason, why) == 0) {
            rep->reasons[i].count++;
            return;
        }
    }
    struct sig_reason_count *nr = realloc(rep->reasons, (rep->n_reasons + 1) * sizeof *nr);
    if (!nr)
        return;
    rep->reasons = nr;
    nr[rep->n_reasons].reason = strdup(why);
    nr[rep->n_reasons].count = 1;
    if (nr[rep->n_reasons].reason)
        rep->n_reasons++;
}

static void report_free(struct sig_file_report *rep)
{
    for (size_t i = 0; i < rep->n_reasons; i++)
        free(rep->reasons[i].reason);
    free(rep->reasons);
}

/* A line that starts a rule (commented-out rules are not counted). */
static bool looks_like_rule(const char *l)
{
    static const char *const actions[] = {"alert", "pass", "drop", "reject", "rejectsrc", "rejectdst",
                                          "rejectboth"};
    for (size_t i = 0; i < sizeof actions / sizeof actions[0]; i++) {
        size_t n = strlen(actions[i]);
        if (strncmp(l, actions[i], n) == 0 && (l[n] == ' ' || l[n] == '\t'))
            return true;
    }
    return false;
}

static void handle_rule(struct sig_set *s, const char *path, unsigned line, const char *text,
                        struct sig_file_report *rep)
{
    char why[600];
    why[0] = '\0';
    rep->rules++;
    int res = sig_set_add_rule(s, text, path, line, why, sizeof why);
    if (res == SIG_PARSE_OK) {
        rep->loaded++;
    } else if (res == SIG_PARSE_SKIP) {
        rep->skipped++;
        count_reason(rep, why);
    } else {
        rep->errors++;
        if (s->errors)
            fprintf(s->errors, "%s:%u: %s\n", path, line, why);
        char grouped[640];
        snprintf(grouped, sizeof grouped, "error: %s", why);
        count_reason(rep, grouped);
    }
}

/* Reads one rule file: `\` at the end of a line continues the rule. */
static bool load_file(struct sig_set *s, const char *path, sig_file_fn cb, void *ctx, char *err, size_t errlen)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return false;
    }
    struct sig_file_report rep = {.path = path};
    char *text = NULL, *line = NULL;
    size_t used = 0, cap = 0;
    size_t linecap = 0;
    ssize_t got;
    unsigned lineno = 0, start = 0;
    bool ok = true;
    while ((got = getline(&line, &linecap, f)) >= 0) {
        lineno++;
        size_t n = (size_t)got;
        while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = '\0';
        bool cont = n && line[n - 1] == '\\';
        if (cont)
            line[--n] = '\0';
        const char *piece = line;
        if (used == 0) {
            char *l = sig_trim(line);
            if (!looks_like_rule(l)) {
                if (*l && *l != '#')
                    handle_rule(s, path, lineno, l, &rep);
                continue;
            }
            start = lineno;
            piece = l;
            n = strlen(l);
        }
        if (used + n + 1 > MAX_RULE_TEXT) {
            if (s->errors)
                fprintf(s->errors, "%s:%u: rule longer than %d bytes\n", path, start, MAX_RULE_TEXT);
            rep.rules++;
            rep.errors++;
            count_reason(&rep, "error: rule too long");
            used = 0;
            continue;
        }
        if (used + n + 1 > cap) {
            size_t nc = (used + n + 1) * 2;
            char *nt = realloc(text, nc);
            if (!nt) {
                snprintf(err, errlen, "out of memory");
                ok = false;
                break;
            }
            text = nt;
            cap = nc;
        }
        memcpy(text + used, piece, n);
        used += n;
        text[used] = '\0';
        if (!cont) {
            handle_rule(s, path, start, text, &rep);
            used = 0;
        }
    }
    if (ok && used)
        handle_rule(s, path, start, text, &rep);
    free(line);
    free(text);
    fclose(f);
    if (ok && cb)
        cb(ctx, &rep);
    report_free(&rep);
    return ok;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool has_suffix(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* The directory's own config files, when present. */
static bool load_dir_config(struct sig_set *s, const char *dir, char *err, size_t errlen)
{
    static const char *const names[] = {"vars.yaml", "classification.config", "reference.config"};
    bool (*const loaders[])(struct sig_set *, const char *, char *, size_t) = {
        sig_set_load_vars, sig_set_load_classification, sig_set_load_reference};
    for (size_t i = 0; i < 3; i++) {
        char p[4096];
        struct stat st;
        snprintf(p, sizeof p, "%s/%s", dir, names[i]);
        if (stat(p, &st) == 0 && S_ISREG(st.st_mode) && !loaders[i](s, p, err, errlen))
            return false;
    }
    return true;
}

static bool load_dir(struct sig_set *s, const char *dir, sig_file_fn cb, void *ctx, char *err, size_t errlen)
{
    if (!load_dir_config(s, dir, err, errlen))
        return false;
    DIR *d = opendir(dir);
    if (!d) {
        snprintf(err, errlen, "%s: %s", dir, strerror(errno));
        return false;
    }
    char **names = NULL;
    size_t n = 0;
    struct dirent *de;
    bool ok = true;
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.' || !has_suffix(de->d_name, ".rules"))
            continue;
        char **nn = realloc(names, (n + 1) * sizeof *nn);
        if (!nn || !(nn[n] = strdup(de->d_name))) {
            names = nn ? nn : names;
            ok = false;
            break;
        }
        names = nn;
        n++;
    }
    closedir(d);
    if (!ok)
        snprintf(err, errlen, "out of memory");
    if (n)
        qsort(names, n, sizeof *names, cmp_names);
    for (size_t i = 0; ok && i < n; i++) {
        char p[4096];
        snprintf(p, sizeof p, "%s%s%s", dir, has_suffix(dir, "/") ? "" : "/", names[i]);
        ok = load_file(s, p, cb, ctx, err, errlen);
    }
    free_strings(names, n);
    return ok;
}

bool sig_set_load_path(struct sig_set *s, const char *path, sig_file_fn cb, void *ctx, char *err, size_t errlen)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return false;
    }
    if (S_ISDIR(st.st_mode))
        return load_dir(s, path, cb, ctx, err, errlen);
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (slash)
        *slash = '\0';
    else
        snprintf(dir, sizeof dir, ".");
    if (s->n_classes == 0 && !load_dir_config(s, dir, err, errlen))
        return false;
    return load_file(s, path, cb, ctx, err, errlen);
}

static void count_file(void *ctx, const struct sig_file_report *r)
{
    struct sig_load_summary *sum = ctx;
    sum->files++;
    sum->rules += r->rules;
    sum->loaded += r->loaded;
    sum->skipped += r->skipped;
    sum->errors += r->errors;
}

struct sig_set *sig_set_load_all(const char *const *paths, size_t n, FILE *errors, struct sig_load_summary *sum,
                                 char *err, size_t errlen)
{
    memset(sum, 0, sizeof *sum);
    struct sig_set *s = sig_set_new(errors);
    if (!s) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        if (!sig_set_load_path(s, paths[i], count_file, sum, err, errlen)) {
            sig_set_free(s);
            return NULL;
        }
    }
    if (!sig_set_compile(s, err, errlen)) {
        sig_set_free(s);
        return NULL;
    }
    return s;
}
