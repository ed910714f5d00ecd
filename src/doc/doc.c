/* One inspection: hashes, the reader for the file's format (by content,
 * never by name alone), the checks every file gets, YARA, the verdict. */
#include "doc/doc_internal.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>

void doc_limits_default(struct doc_limits *l)
{
    l->max_depth = 4;
    l->max_members = 256;
    l->max_member_bytes = 64u << 20;
    l->max_total_bytes = 256u << 20;
    l->max_ratio = 200;
    l->max_pdf_objects = 200000;
}

static void hex_digest(const EVP_MD *md, const uint8_t *p, size_t n, char *out)
{
    static const char hex[] = "0123456789abcdef";
    unsigned char d[EVP_MAX_MD_SIZE];
    unsigned int dl = 0;
    out[0] = 0;
    if (EVP_Digest(p, n, d, &dl, md, NULL) != 1)
        return;
    for (unsigned i = 0; i < dl; i++) {
        out[2 * i] = hex[d[i] >> 4];
        out[2 * i + 1] = hex[d[i] & 15];
    }
    out[2 * dl] = 0;
}

void doc_hash(const uint8_t *p, size_t n, struct doc_report *r)
{
    hex_digest(EVP_md5(), p, n, r->md5);
    hex_digest(EVP_sha1(), p, n, r->sha1);
    hex_digest(EVP_sha256(), p, n, r->sha256);
}

static void set_type(struct doc_report *r, const char *t)
{
    size_t k = strlen(t) < sizeof r->type - 1 ? strlen(t) : sizeof r->type - 1;
    memcpy(r->type, t, k);
    r->type[k] = 0;
}

/* The container readers, tried in this order; the first that knows the
 * magic names the type and reads the file. */
static const struct {
    const char *type;
    bool (*is)(const uint8_t *p, size_t n);
    void (*inspect)(struct doc_run *run, const uint8_t *p, size_t n, struct doc_report *r);
} readers[] = {
    {"ole2", ole2_is, ole2_inspect}, {"ooxml", ooxml_is, ooxml_inspect},         {"rtf", rtf_is, rtf_inspect},
    {"pdf", pdf_is, pdf_inspect},    {"archive", archive_is, archive_inspect},
};

static void inspect_into(struct doc_run *run, const char *name, const uint8_t *p, size_t n, struct doc_report *r)
{
    size_t nl = strlen(name) < DOC_MAX_NAME - 1 ? strlen(name) : DOC_MAX_NAME - 1;
    memcpy(r->name, name, nl);
    r->name[nl] = 0;
    r->size = n;
    doc_hash(p, n, r);
    set_type(r, "data");
    for (size_t i = 0; i < sizeof readers / sizeof readers[0]; i++) {
        if (readers[i].is(p, n)) {
            set_type(r, readers[i].type);
            readers[i].inspect(run, p, n, r);
            break;
        }
    }
    filetype_inspect(name, p, n, r);
    if (strcmp(r->type, "data") == 0 && (report_has(r, "executable") || report_has(r, "lnk")))
        set_type(r, report_has(r, "lnk") ? "lnk" : "executable");
    if (run->ctx->yara != NULL)
        yara_scan(run->ctx->yara, p, n, r);
}

static void inspect_member(struct doc_run *run, const char *name, const uint8_t *p, size_t n, struct doc_report *r)
{
    struct doc_report *c = report_child(r, run->ctx->limits.max_members);
    if (c == NULL) {
        report_reason(r, "incomplete", "more than %zu members: the rest not inspected", run->ctx->limits.max_members);
        return;
    }
    if (run->depth >= run->ctx->limits.max_depth) {
        report_reason(r, "incomplete", "members nested deeper than %u levels not inspected",
                      run->ctx->limits.max_depth);
        r->n_children--;
        return;
    }
    run->depth++;
    inspect_into(run, name, p, n, c);
    run->depth--;
}

void doc_run_begin(struct doc_run *run, const struct doc_ctx *ctx)
{
    *run = (struct doc_run){ctx, 0, 0, inspect_member};
}

void doc_inspect(const struct doc_ctx *ctx, const char *name, const uint8_t *p, size_t n, struct doc_report *r)
{
    struct doc_run run;
    doc_run_begin(&run, ctx);
    inspect_into(&run, name, p, n, r);
    if (ctx->weights != NULL)
        verdict_decide(ctx->weights, r);
}
