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

static void touch_all(const struct byte_view *v, size_t n, volatile uint8_t *sink)
{
    for (size_t i = 0; i < n; i++)
        touch(v[i], sink);
}

/* Between chunks, as the engine after a STARTTLS reply. */
static void take_over_tls(struct fuzz_conn *fc)
{
    smtp_tls_takeover(fc->state, NULL);
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
    touch_all(one, sizeof one / sizeof one[0], &sink);
    touch_all(t->rcptto, t->n_rcptto, &sink);
    touch_all(t->rcpt_raw, t->n_rcpt_raw, &sink);
    touch_all(t->to, t->n_to, &sink);
    touch_all(t->cc, t->n_cc, &sink);
    touch_all(t->attachments, t->n_attachments, &sink);
    touch_all(t->urls, t->n_urls, &sink);
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
    /* from the length, so the chunk format stays as it is: the client's
     * bytes went by unparsed, and a port Suricata probes SMTP replies on or not */
    fc.env.orig_unparsed = size & 1;
    fc.conn.resp_p = size & 2 ? 25 : 7025;
    fuzz_conn_run_control(&fc, data, size, take_over_tls);
    return 0;
}
