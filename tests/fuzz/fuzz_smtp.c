/* libFuzzer target for the SMTP parser (commands, replies, DATA/BDAT and
 * the MIME parser behind them).
 *
 * Input: chunks, each [1 control byte][bytes]. The control byte's low bit
 * picks the direction (0 originator), bit 1 turns the chunk into a gap of
 * its length instead of data, and its upper six bits plus one give the
 * chunk length (a length past the end takes what is left), as in
 * fuzz_http.c. Files are off (env.files NULL). */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "proto/parser.h"
#include "proto/smtp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void touch(struct byte_view s, volatile uint8_t *sink)
{
    for (size_t k = 0; s.p != NULL && k < s.n; k++)
        *sink ^= s.p[k];
}

static void fuzz_publish(struct app_env *env, enum event_kind kind, const void *txn)
{
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
    (void)sink;
}

static void fuzz_weird(struct app_env *env, const char *name, const char *addl, const char *source)
{
}

static void fuzz_add_service(struct app_env *env, const char *service)
{
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    void *state = calloc(1, smtp_parser.state_size);
    if (state == NULL)
        return 0;
    struct app_conn conn;
    memset(&conn, 0, sizeof conn);
    struct app_env env = {
        .conn = &conn,
        .ts_us = 1,
        .publish = fuzz_publish,
        .weird = fuzz_weird,
        .add_service = fuzz_add_service,
    };
    smtp_parser.probe(data, size, true);
    smtp_parser.probe(data, size, false);
    smtp_parser.open(state);
    size_t i = 0;
    while (i < size) {
        uint8_t ctl = data[i++];
        size_t len = (size_t)(ctl >> 2) + 1;
        if (len > size - i)
            len = size - i;
        bool from_orig = (ctl & 1) == 0;
        if (ctl & 2)
            smtp_parser.gap(state, &env, from_orig, len);
        else
            smtp_parser.data(state, &env, from_orig, data + i, len);
        smtp_tls_takeover(state, NULL);
        i += len;
        env.ts_us++;
    }
    smtp_parser.close(state, &env);
    free(state);
    return 0;
}
