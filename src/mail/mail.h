/* Mail analysis: one message (RFC 5322 bytes) parsed with mime/, its
 * sender, links and attachments judged; what `vigil mail` prints and what
 * SMTP messages on the wire will get. A mail_ctx is read-only once built
 * apart from the run's seen-domain set (one ctx per thread). */
#ifndef VIGIL_MAIL_MAIL_H
#define VIGIL_MAIL_MAIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "doc/doc.h"
#include "util/buf.h"

struct intel_store;
struct mail_ctx;

/* Bytes of an SMTP message kept on the wire for the phishing detector: a
 * longer one is judged on its start (reason `incomplete`). */
#define MAIL_WIRE_MAX_MESSAGE ((uint64_t)32 << 20)

struct mail_options {
    const char *protect_path;       /* --protect FILE, or NULL */
    const char *const *history;     /* --history logs (NULL-terminated), or NULL */
    const struct intel_store *intel; /* --intel, or NULL */
    const struct doc_ctx *doc;
};

/* Loads the protected list, the shipped free-mail and shortener lists, the
 * Public Suffix List and the history; NULL with err on failure. The caller
 * frees it with mail_ctx_free(). */
struct mail_ctx *mail_ctx_new(const struct mail_options *o, char *err, size_t errlen);
void mail_ctx_free(struct mail_ctx *c);

/* Analyses one message and appends its JSON object (one line, no newline)
 * to out; `source` names where it came from (path, or path:N in an mbox).
 * Returns the verdict. */
enum doc_verdict mail_analyze(struct mail_ctx *c, const char *source, const uint8_t *p, size_t n, struct buf *out);

/* One message judged, for the wire's phish.log: the report (reasons,
 * verdict; attachments are its children) and the headers logs show. */
struct mail_judgement {
    struct doc_report *report;
    char from[1024];            /* "display name" <address>, decoded; else the From header as sent */
    char display_name[1024];    /* decoded (RFC 2047), UTF-8 */
    char address[512];
    char subject[1024];         /* decoded (RFC 2047), UTF-8 */
    char message_id[1024];
    size_t n_urls;              /* links found in the bodies */
};

/* The same analysis as mail_analyze, without the JSON; envelope_from (the
 * SMTP MAIL FROM, or NULL) stands for a missing Return-Path header. False
 * when out of memory. mail_judgement_free() after. */
bool mail_judge(struct mail_ctx *c, const uint8_t *p, size_t n, const char *envelope_from,
                struct mail_judgement *out);
void mail_judgement_free(struct mail_judgement *j);

/* What a message on the wire offers (smtp.log's fields): the sender and
 * link checks without the body. Strings may be NULL; url items are
 * (pointer, length) pairs of http(s) URLs. */
struct mail_fields {
    const char *from, *reply_to, *return_path, *message_id, *auth;
    size_t n_urls;
    const char *const *urls;
    const size_t *url_lens;
};

/* Fills r (zeroed by the caller) with the reasons and verdict of the
 * fields; the same checks and weights as mail_analyze. */
void mail_judge_fields(struct mail_ctx *c, const struct mail_fields *f, struct doc_report *r);

/* Each message of an .eml file, an mbox or a Maildir/folder, in order;
 * fn gets its bytes (valid during the call). False when path is unreadable. */
typedef void (*mail_message_fn)(void *ctx, const char *source, const uint8_t *p, size_t n);
bool mailbox_each(const char *path, mail_message_fn fn, void *ctx, char *err, size_t errlen);

#endif
