/* The phishing detector on the wire: every SMTP message (its smtp.log
 * fields: From, Reply-To, MAIL FROM, Message-ID and the links of its text
 * bodies) judged with mail/'s sender and link checks and the weights of
 * data/verdict_weights.tsv; a message that is not clean becomes an alert
 * (Vigil::Phishing in notice.log, an EVE alert) with ATT&CK T1566.001
 * (attachment) or T1566.002 (link). On when --protect is given. */
#include "detect/phishing.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detect/alert.h"
#include "detect/config-t.h"
#include "detect/sink.h"
#include "doc/doc.h"
#include "mail/mail.h"
#include "proto/smtp-t.h"
#include "util/datadir.h"

#define PHISH_SID_SUSPICIOUS 9300001u
#define PHISH_SID_MALICIOUS 9300002u

struct phish_run {
    struct doc_ctx own;             /* the shipped weights, when the run gave no context */
    const struct doc_ctx *doc;
    const char *protect_path;
};

struct phish_worker {
    struct phish_run *run;
    const struct detect_sink *sink;
    struct mail_ctx *mail;
};

static bool phish_open(const struct detect_config *cfg, void **state, char *err, size_t errlen)
{
    *state = NULL;
    if (cfg->protect_path == NULL)
        return true;
    struct phish_run *r = calloc(1, sizeof *r);
    if (r == NULL) {
        snprintf(err, errlen, "out of memory for the phishing detector");
        return false;
    }
    r->doc = cfg->doc;
    if (r->doc == NULL) {
        char path[4096];
        doc_limits_default(&r->own.limits);
        vigil_data_path("data/verdict_weights.tsv", path, sizeof path);
        r->own.weights = weights_load(path, err, errlen);
        r->doc = &r->own;
    }
    r->protect_path = cfg->protect_path;
    /* a first context checks the protected list now, not in a worker */
    struct mail_options o = {.protect_path = r->protect_path, .doc = r->doc};
    struct mail_ctx *probe = r->doc->weights ? mail_ctx_new(&o, err, errlen) : NULL;
    if (probe == NULL) {
        weights_free((struct doc_weights *)r->own.weights);
        free(r);
        return false;
    }
    mail_ctx_free(probe);
    *state = r;
    return true;
}

static void phish_close(void *state)
{
    struct phish_run *r = state;
    weights_free((struct doc_weights *)r->own.weights);
    free(r);
}

static void *phish_worker_open(void *state, const struct detect_sink *sink)
{
    struct phish_run *r = state;
    struct phish_worker *w = calloc(1, sizeof *w);
    if (w == NULL)
        return NULL;
    char err[256];
    struct mail_options o = {.protect_path = r->protect_path, .doc = r->doc};
    w->mail = mail_ctx_new(&o, err, sizeof err);
    if (w->mail == NULL) {
        free(w);
        return NULL;
    }
    w->run = r;
    w->sink = sink;
    return w;
}

static void phish_worker_close(void *worker)
{
    struct phish_worker *w = worker;
    mail_ctx_free(w->mail);
    free(w);
}

/* A NUL-terminated copy of a wire string (NULL when unset). */
static const char *cstr(const struct byte_view *s, char *buf, size_t cap)
{
    if (s->p == NULL)
        return NULL;
    size_t n = s->n < cap - 1 ? s->n : cap - 1;
    memcpy(buf, s->p, n);
    buf[n] = 0;
    return buf;
}

/* The message's fields alone (smtp.log's): when the message itself was not
 * kept. */
static struct doc_report *judge_fields(struct phish_worker *w, const struct smtp_txn *t)
{
    char from[1024], reply_to[1024], mail_from[512], msg_id[512];
    const char *urls[SMTP_MAX_URLS];
    size_t lens[SMTP_MAX_URLS];
    for (size_t i = 0; i < t->n_urls; i++) {
        urls[i] = (const char *)t->urls[i].p;
        lens[i] = t->urls[i].n;
    }
    struct mail_fields f = {
        .from = cstr(&t->from, from, sizeof from),
        .reply_to = cstr(&t->reply_to, reply_to, sizeof reply_to),
        .return_path = cstr(&t->mailfrom, mail_from, sizeof mail_from),
        .message_id = cstr(&t->msg_id, msg_id, sizeof msg_id),
        .n_urls = t->n_urls,
        .urls = urls,
        .url_lens = lens,
    };
    struct doc_report *r = calloc(1, sizeof *r);
    if (r != NULL)
        mail_judge_fields(w->mail, &f, r);
    return r;
}

static void raise_alert(struct phish_worker *w, const struct app_conn *c, const struct smtp_txn *t,
                        const struct doc_report *r, const char *from, const char *attack)
{
    char codes[256] = "", msg[1536], sub[DOC_MAX_DETAIL + 16];
    size_t used = 0;
    struct alert_meta meta[DOC_MAX_REASONS + 2];
    size_t n_meta = 0;
    meta[n_meta++] = (struct alert_meta){"verdict", verdict_name(r->verdict)};
    for (size_t i = 0; i < r->n_reasons && n_meta < sizeof meta / sizeof meta[0]; i++) {
        meta[n_meta++] = (struct alert_meta){"reason", r->reasons[i].code};
        if (strstr(codes, r->reasons[i].code) == NULL && used + strlen(r->reasons[i].code) + 2 < sizeof codes)
            used += (size_t)snprintf(codes + used, sizeof codes - used, "%s%s", used ? "," : "",
                                     r->reasons[i].code);
    }
    snprintf(msg, sizeof msg, "%s message from %.1024s (score %d): %s", verdict_name(r->verdict),
             from && from[0] ? from : "-", r->score, codes);
    snprintf(sub, sizeof sub, "%s", r->n_reasons ? r->reasons[0].detail : "");
    bool malicious = r->verdict == VERDICT_MALICIOUS;
    struct alert a = {
        .ts_us = t->end_ts_us,
        .app_proto = "smtp",
        .signature_id = malicious ? PHISH_SID_MALICIOUS : PHISH_SID_SUSPICIOUS,
        .signature = malicious ? "VIGIL PHISHING malicious message" : "VIGIL PHISHING suspicious message",
        .category = "Possible Social Engineering Attempted",
        .severity = malicious ? 1 : 2,
        .note = "Vigil::Phishing",
        .notice_msg = msg,
        .sub = sub,
        .attack = {attack},
        .n_attack = 1,
        .meta = meta,
        .n_meta = n_meta,
    };
    alert_set_app_conn(&a, c);
    sink_alert(w->sink, &a);
}

static void phish_transaction(void *worker, const struct app_conn *c, enum event_kind kind, const void *txn)
{
    struct phish_worker *w = worker;
    if (kind != EVENT_SMTP)
        return;
    const struct smtp_txn *t = txn;
    if (!t->message_seen)
        return;
    char mail_from[512], from_hdr[1024], msg_id[512], subject[1024];
    const char *envelope = cstr(&t->mailfrom, mail_from, sizeof mail_from);
    /* the kept message gets what `vigil mail` gives the same bytes */
    struct mail_judgement j = {0};
    bool whole = t->message.n > 0 && mail_judge(w->mail, t->message.p, t->message.n, envelope, &j);
    struct doc_report *r = whole ? j.report : judge_fields(w, t);
    if (r == NULL)
        return;
    if (whole && t->message_cut) {
        report_reason(r, "incomplete", "message longer than %llu bytes: judged on its start",
                      (unsigned long long)t->message.n);
        verdict_decide(w->run->doc->weights, r);
    }
    const char *from = whole ? j.from : cstr(&t->from, from_hdr, sizeof from_hdr);
    bool attached = whole ? r->n_children > 0 : t->n_attachments > 0;
    const char *attack = attached ? "T1566.001" : "T1566.002";
    struct phish_record rec = {
        .ts_us = t->end_ts_us,
        .conn = c,
        .trans_depth = t->trans_depth,
        .message_id = whole ? j.message_id : cstr(&t->msg_id, msg_id, sizeof msg_id),
        .from = from,
        .subject = whole ? j.subject : cstr(&t->subject, subject, sizeof subject),
        .mailfrom = t->mailfrom,
        .n_rcptto = t->n_rcptto,
        .rcptto = t->rcptto,
        .report = r,
        .n_urls = whole ? j.n_urls : t->n_urls,
        .attack = attack,
    };
    sink_phish(w->sink, &rec);
    if (r->verdict != VERDICT_CLEAN)
        raise_alert(w, c, t, r, from, attack);
    if (whole) {
        mail_judgement_free(&j);
    } else {
        report_free(r);
        free(r);
    }
}

const struct detector phishing_detector = {
    .name = "phishing",
    .open = phish_open,
    .close = phish_close,
    .worker_open = phish_worker_open,
    .worker_close = phish_worker_close,
    .transaction = phish_transaction,
};
