/* libFuzzer target for the SMTP parser (commands, replies, DATA/BDAT and
 * the MIME parser behind them).
 *
 * Input: control chunks (stream_driver.h). A files context with a small
 * message cap: attachments are files and the message is kept (and cut). */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "files/files.h"
#include "proto/parser.h"
#include "proto/smtp.h"
#include "stream_driver.h"

static void touch(struct byte_view s, volatile uint8_t *sink)
{
    for (size_t k = 0; s.p != NULL && k < s.n; k++)
        *sink ^= s.p[k];
}

static void fuzz_publish(struct app_env *env, enum event_kind kind, const void *txn)
{
    if (kind != EVENT_SMTP)
        return;
    const struct smtp_txn *t = txn;
    /* touch every string so ASan sees a bad pointer */
    volatile uint8_t sink = 0;
    const struct byte_view one[] = {t->helo,         t->mailfrom,        t->date,           t->from,
                                   t->reply_to,     t->msg_id,          t->in_reply_to,    t->subject,
                                   t->first_received, t->second_received, t->last_reply,   t->user_agent,
                                   t->mail_from_raw, t->eve_from,       t->eve_to,         t->eve_cc,
                                   t->auth_mechanism};
    for (size_t i = 0; i < sizeof one / sizeof one[0]; i++)
        touch(one[i], &sink);
    for (size_t i = 0; i < t->n_rcptto; i++)
        touch(t->rcptto[i], &sink);
    for (size_t i = 0; i < t->n_rcpt_raw; i++)
        touch(t->rcpt_raw[i], &sink);
    for (size_t i = 0; i < t->n_to; i++)
        touch(t->to[i], &sink);
    for (size_t i = 0; i < t->n_cc; i++)
        touch(t->cc[i], &sink);
    for (size_t i = 0; i < t->n_attachments; i++)
        touch(t->attachments[i], &sink);
    for (size_t i = 0; i < t->n_urls; i++)
        touch(t->urls[i], &sink);
    touch(t->message, &sink);
    (void)sink;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fuzz_conn fc;
    static struct file_ctx *files; /* libmagic's database loads once per process */
    if (files == NULL) {
        struct file_config cfg = {.message_max_bytes = 4096};
        char err[256];
        files = file_ctx_new(&cfg, err, sizeof err);
    }
    if (!fuzz_conn_open(&fc, &smtp_parser, fuzz_publish))
        return 0;
    fc.env.files = files;
    smtp_parser.probe(data, size, true);
    smtp_parser.probe(data, size, false);
    struct fuzz_chunk c;
    size_t off = 0;
    while (fuzz_next_control_chunk(data, size, &off, &c)) {
        fuzz_conn_feed(&fc, &c);
        smtp_tls_takeover(fc.state, NULL);
        fc.env.ts_us++;
    }
    fuzz_conn_close(&fc);
    return 0;
}
