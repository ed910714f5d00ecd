/* The document inspectors behind files/'s seam: which files seen on the
 * wire are worth keeping (by their first bytes and name), and the verdict
 * of the same doc_inspect() that `vigil inspect` runs, flattened into the
 * fixed-size struct file_verdict that files.log and EVE fileinfo carry. */
#include "doc/file_inspect.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "doc/doc_internal.h"

/* Names whose content is worth a look whatever the head says (disk images
 * have their magic beyond the head; HTML may smuggle a file). */
static bool risky_name(const char *name)
{
    static const char *const exts[] = {"iso", "img", "vhd", "vhdx", "htm", "html", "hta", "svg", "shtml", NULL};
    const char *base = strrchr(name, '/');
    base = base ? base + 1 : name;
    const char *dot = strrchr(base, '.');
    if (dot == NULL || dot == base)
        return false;
    for (size_t i = 0; exts[i]; i++)
        if (strcasecmp(dot + 1, exts[i]) == 0)
            return true;
    return false;
}

/* A script a web page loads (a URL path ending .js, no download name) is
 * the browser's business, not Windows Script Host's: only its content
 * can make it interesting. */
static bool web_script(const char *name)
{
    const char *dot = strrchr(name, '.'), *slash = strrchr(name, '/');
    return dot != NULL && (slash == NULL || slash < dot) &&
           (strcasecmp(dot, ".js") == 0 || strcasecmp(dot, ".mjs") == 0);
}

static bool wants(const void *ctx, const char *name, size_t name_len, bool from_url, const uint8_t *head, size_t n)
{
    const struct doc_file_inspector *in = ctx;
    if (in->every_file)
        return true; /* the user's rules may look at anything */
    char nm[DOC_MAX_NAME];
    snprintf(nm, sizeof nm, "%.*s", (int)(name_len < sizeof nm ? name_len : sizeof nm - 1), name ? name : "");
    char *query = strpbrk(nm, "?#"); /* a URL path's query is no extension */
    if (query != NULL)
        *query = 0;
    if (ole2_is(head, n) || ooxml_is(head, n) || rtf_is(head, n) || pdf_is(head, n) || archive_is(head, n))
        return true;
    if (from_url && web_script(nm))
        return filetype_runnable("", head, n);
    return filetype_runnable(nm, head, n) || risky_name(nm);
}

static void add_code(struct file_verdict *v, const struct doc_reason *reason)
{
    for (size_t i = 0; i < v->n_reasons; i++)
        if (strcmp(v->reasons[i], reason->code) == 0)
            return;
    if (v->n_reasons >= FILE_VERDICT_MAX_REASONS)
        return;
    snprintf(v->reasons[v->n_reasons], sizeof v->reasons[0], "%s", reason->code);
    snprintf(v->details[v->n_reasons], sizeof v->details[0], "%s", reason->detail);
    v->n_reasons++;
}

static void add_indicator(struct file_verdict *v, const char *s)
{
    for (size_t i = 0; i < v->n_indicators; i++)
        if (strcmp(v->indicators[i], s) == 0)
            return;
    if (v->n_indicators < FILE_VERDICT_MAX_INDICATORS)
        snprintf(v->indicators[v->n_indicators++], sizeof v->indicators[0], "%s", s);
}

static void add_technique(struct file_verdict *v, const char *t)
{
    for (size_t i = 0; i < v->n_techniques; i++)
        if (strcmp(v->techniques[i], t) == 0)
            return;
    if (v->n_techniques < sizeof v->techniques / sizeof v->techniques[0])
        snprintf(v->techniques[v->n_techniques++], sizeof v->techniques[0], "%s", t);
}

/* A container's reasons first, then its members', depth first. */
static void flatten(const struct doc_report *r, struct file_verdict *v)
{
    for (size_t i = 0; i < r->n_reasons; i++) {
        add_code(v, &r->reasons[i]);
        if (strcmp(r->reasons[i].code, "remote-template") == 0)
            add_technique(v, "T1221");
        else if (strcmp(r->reasons[i].code, "equation-editor") == 0 || strcmp(r->reasons[i].code, "dde") == 0)
            add_technique(v, "T1203");
    }
    for (size_t i = 0; i < r->n_indicators; i++)
        add_indicator(v, r->indicators[i]);
    for (size_t i = 0; i < r->n_children; i++)
        flatten(&r->children[i], v);
}

void doc_verdict_flatten(const struct doc_report *r, struct file_verdict *v)
{
    snprintf(v->verdict, sizeof v->verdict, "%s", verdict_name(r->verdict));
    v->score = r->score;
    snprintf(v->type, sizeof v->type, "%s", r->type);
    flatten(r, v);
}

static void inspect(const void *ctx, const char *name, const uint8_t *p, size_t n, bool cut, struct file_verdict *out)
{
    const struct doc_ctx *doc = ((const struct doc_file_inspector *)ctx)->doc;
    struct doc_report *r = calloc(1, sizeof *r);
    if (r == NULL) {
        snprintf(out->verdict, sizeof out->verdict, "%s", verdict_name(VERDICT_CLEAN));
        return;
    }
    doc_inspect(doc, name, p, n, r);
    if (cut) {
        report_reason(r, "incomplete", "only the first %zu bytes were inspected (longer, or holes in the capture)",
                      n);
        if (doc->weights != NULL)
            verdict_decide(doc->weights, r);
    }
    doc_verdict_flatten(r, out);
    report_free(r);
    free(r);
}

void doc_file_inspector(struct doc_file_inspector *out, const struct doc_ctx *ctx, uint64_t max_bytes,
                        bool every_file)
{
    *out = (struct doc_file_inspector){
        .seam = {.ctx = out, .wants = wants, .inspect = inspect, .max_bytes = max_bytes},
        .doc = ctx,
        .every_file = every_file,
    };
}
