/* What the document readers' fuzz targets share: one inspection context
 * with small bounds (so a run explores structure, not size), and a run. */
#ifndef VIGIL_TESTS_DOC_FUZZ_H
#define VIGIL_TESTS_DOC_FUZZ_H

#include "doc/doc_internal.h"

static inline struct doc_run doc_fuzz_run(struct doc_ctx *ctx)
{
    doc_limits_default(&ctx->limits);
    ctx->limits.max_member_bytes = 1u << 20;
    ctx->limits.max_total_bytes = 4u << 20;
    ctx->limits.max_members = 16;
    ctx->limits.max_pdf_objects = 10000;
    struct doc_run run;
    doc_run_begin(&run, ctx);
    return run;
}

/* Runs one reader over an input its format test accepts (the dispatch
 * never calls it otherwise) and frees what it produced. */
#define DOC_FUZZ_READER(is, inspect)                                                                                      \
    int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);                                                    \
    int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)                                                     \
    {                                                                                                                 \
        if (!is(data, size))                                                                                          \
            return 0;                                                                                                 \
        struct doc_ctx ctx = {0};                                                                                     \
        struct doc_run run = doc_fuzz_run(&ctx);                                                                      \
        struct doc_report *r = calloc(1, sizeof *r);                                                                  \
        if (r == NULL)                                                                                                \
            return 0;                                                                                                 \
        inspect(&run, data, size, r);                                                                                 \
        report_free(r);                                                                                               \
        free(r);                                                                                                      \
        return 0;                                                                                                     \
    }

#endif
