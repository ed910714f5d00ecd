/* libFuzzer target for the document verdict's data files (doc/verdict.c):
 * data/doc_keywords.tsv and data/verdict_weights.tsv, which a user may
 * replace. Both go through one line reader; the first byte's low bit picks
 * which file the rest is (set: the keywords, clear: the weights), read from
 * disk. Loaded keywords are searched for in the input itself; loaded
 * weights judge a report whose reasons are the input's fields. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "doc/doc.h"
#include "doc/doc_internal.h"
#include "doc/report.h"
#include "table_file.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

struct judged {
    const struct doc_weights *w;
    struct doc_report *r;
};

static void add_reason(void *ctx, const char *field, size_t len)
{
    struct judged *j = ctx;
    (void)weights_known(j->w, field);
    report_reason(j->r, field, "%s", "fuzz");
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    if (n == 0)
        return 0;
    char path[128], err[256];
    struct doc_report r;
    memset(&r, 0, sizeof r);
    if (d[0] & 1) {
        fuzz_temp_write("doc_keywords.tsv", d + 1, n - 1, path, sizeof path);
        struct doc_keywords *k = keywords_load(path, err, sizeof err);
        if (k == NULL)
            return 0;
        keywords_scan(k, d + 1, n - 1, "fuzz", &r);
        keywords_free(k);
    } else {
        fuzz_temp_write("verdict_weights.tsv", d + 1, n - 1, path, sizeof path);
        struct doc_weights *w = weights_load(path, err, sizeof err);
        if (w == NULL)
            return 0;
        struct judged j = {w, &r};
        fuzz_each_field(d + 1, n - 1, FUZZ_FIELDS_MAX, add_reason, &j);
        verdict_decide(w, &r);
        weights_free(w);
    }
    report_free(&r);
    return 0;
}
