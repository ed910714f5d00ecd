/* libFuzzer target for mail analysis: a message through mime/, the
 * header, sender and link checks, and attachments through doc/.
 * Input: an RFC 5322 message. Needs the data/ files of the build. */
#include <stdlib.h>

#include "cli/doc_setup.h"
#include "mail/mail.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct doc_setup setup;
static struct mail_ctx *ctx;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[256];
    if (ctx == NULL) {
        if (!doc_setup_load(&setup, err, sizeof err))
            abort();
        setup.ctx.limits.max_member_bytes = 1u << 20;
        setup.ctx.limits.max_total_bytes = 4u << 20;
        struct mail_options o = {.doc = &setup.ctx};
        ctx = mail_ctx_new(&o, err, sizeof err);
        if (ctx == NULL)
            abort();
    }
    struct buf out;
    buf_init(&out, 4096, 16u << 20);
    mail_analyze(ctx, "fuzz", data, size, &out);
    buf_free(&out);
    return 0;
}
