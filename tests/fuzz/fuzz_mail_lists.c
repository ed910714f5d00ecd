/* libFuzzer target for the mail analysis' user lists (mail/lists.c): the
 * protected organisations (--protect FILE: "domain TAB name;name...") and
 * the history logs (--history: every host name in them counts as seen).
 * The first byte's low bit picks which file the rest is (set: the
 * protected list, clear: a history log), read from disk as the context is
 * built. Then every field of the input is a sender's display name and
 * domain judged against what was loaded. Needs the data/ files of the
 * build (run from the repository root). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/doc_setup.h"
#include "doc/report.h"
#include "mail/mail.h"
#include "table_file.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

/* At most this many fields are judged as senders. */
#define JUDGED_FIELDS 16

static void judge_field(void *ctx, const char *field, size_t len)
{
    if (len == 0)
        return;
    char from[600], reply_to[600];
    snprintf(from, sizeof from, "\"%.250s\" <someone@%.250s>", field, field);
    snprintf(reply_to, sizeof reply_to, "other@mail.%.250s", field);
    struct mail_fields f = {.from = from, .reply_to = reply_to, .return_path = reply_to};
    struct doc_report r;
    memset(&r, 0, sizeof r);
    mail_judge_fields(ctx, &f, &r);
    report_free(&r);
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    static struct doc_setup setup;
    static bool ready;
    char err[256];
    if (!ready) {
        if (!doc_setup_load(&setup, err, sizeof err))
            abort();
        ready = true;
    }
    if (n == 0)
        return 0;
    char path[128];
    struct mail_options o = {.doc = &setup.ctx};
    const char *history[] = {path, NULL};
    if (d[0] & 1) {
        fuzz_temp_write("protect.tsv", d + 1, n - 1, path, sizeof path);
        o.protect_path = path;
    } else {
        fuzz_temp_write("history.log", d + 1, n - 1, path, sizeof path);
        o.history = history;
    }
    struct mail_ctx *c = mail_ctx_new(&o, err, sizeof err);
    if (c == NULL)
        return 0;
    fuzz_each_field(d + 1, n - 1, JUDGED_FIELDS, judge_field, c);
    mail_ctx_free(c);
    return 0;
}
