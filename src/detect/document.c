/* The document detector: a file of HTTP, SMTP... whose inspection verdict
 * (struct file_verdict, filled behind files/'s seam by doc/) is malicious
 * becomes an alert: Vigil::Malicious_Document in notice.log and an EVE
 * alert, with the reason codes, the indicators to block, and ATT&CK
 * T1566.001 (a mail attachment), T1221 (template injection), T1203
 * (an exploit of the client). Suspicious files stay in files.log only. */
#include "detect/document.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detect/alert.h"
#include "detect/config-t.h"
#include "detect/sink.h"
#include "files/files-t.h"

#define DOCUMENT_SID_MALICIOUS 9300003u

struct document_worker {
    const struct detect_sink *sink;
};

static bool document_open(const struct detect_config *cfg, void **state, char *err, size_t errlen)
{
    (void)err;
    (void)errlen;
    static const char on = 1; /* no run state: the verdicts come with the files */
    *state = cfg->documents ? (void *)&on : NULL;
    return true;
}

static void document_close(void *state) { (void)state; }

static void *document_worker_open(void *state, const struct detect_sink *sink)
{
    (void)state;
    struct document_worker *w = calloc(1, sizeof *w);
    if (w != NULL)
        w->sink = sink;
    return w;
}

static void document_worker_close(void *worker) { free(worker); }

static void document_transaction(void *worker, const struct app_conn *c, enum event_kind kind, const void *txn)
{
    struct document_worker *w = worker;
    if (kind != EVENT_FILE)
        return;
    const struct file_info *f = txn;
    const struct file_verdict *v = f->verdict;
    if (f->eve_only || v == NULL || strcmp(v->verdict, "malicious") != 0)
        return;
    struct alert_meta meta[2 + FILE_VERDICT_MAX_REASONS + FILE_VERDICT_MAX_INDICATORS];
    size_t n_meta = 0;
    meta[n_meta++] = (struct alert_meta){"verdict", v->verdict};
    if (f->sha256[0])
        meta[n_meta++] = (struct alert_meta){"sha256", f->sha256};
    char codes[256] = "";
    size_t used = 0;
    for (size_t i = 0; i < v->n_reasons; i++) {
        meta[n_meta++] = (struct alert_meta){"reason", v->reasons[i]};
        if (used + strlen(v->reasons[i]) + 2 < sizeof codes)
            used += (size_t)snprintf(codes + used, sizeof codes - used, "%s%s", used ? "," : "", v->reasons[i]);
    }
    for (size_t i = 0; i < v->n_indicators; i++)
        meta[n_meta++] = (struct alert_meta){"indicator", v->indicators[i]};
    char name[FILES_MAX_NAME + 1];
    const char *nm = f->filename ? f->filename : f->eve_filename;
    size_t nl = f->filename ? f->filename_len : f->eve_filename ? f->eve_filename_len : 0;
    snprintf(name, sizeof name, "%.*s", (int)nl, nm ? nm : "");
    char msg[2048];
    snprintf(msg, sizeof msg, "malicious %s %.1024s from %s (score %d): %s", v->type[0] ? v->type : "file",
             name[0] ? name : f->fuid, f->source ? f->source : "-", v->score, codes);
    struct alert a = {
        .ts_us = f->ts_us + f->duration_us,
        .signature_id = DOCUMENT_SID_MALICIOUS,
        .signature = "VIGIL DOCUMENT malicious document or file",
        .category = "A Network Trojan was detected",
        .severity = 1,
        .note = "Vigil::Malicious_Document",
        .notice_msg = msg,
        .sub = v->n_reasons ? v->details[0] : NULL,
        .fuid = f->fuid,
        .file_mime_type = f->mime_type[0] ? f->mime_type : NULL,
        .file_desc = name[0] ? name : NULL,
        .meta = meta,
        .n_meta = n_meta,
    };
    if (f->source && strcmp(f->source, "SMTP") == 0)
        a.attack[a.n_attack++] = "T1566.001";
    for (size_t i = 0; i < v->n_techniques && a.n_attack < sizeof a.attack / sizeof a.attack[0]; i++)
        a.attack[a.n_attack++] = v->techniques[i];
    alert_set_app_conn(&a, c);
    if (f->source && strcmp(f->source, "HTTP") == 0)
        a.app_proto = "http";
    else if (f->source && strcmp(f->source, "SMTP") == 0)
        a.app_proto = "smtp";
    a.to_client = !f->is_orig; /* the file travels from the server on a download */
    sink_alert(w->sink, &a);
}

const struct detector document_detector = {
    .name = "document",
    .open = document_open,
    .close = document_close,
    .worker_open = document_worker_open,
    .worker_close = document_worker_close,
    .transaction = document_transaction,
};
