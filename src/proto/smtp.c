/* SMTP as Zeek's SMTP analyzer and base/protocols/smtp scripts see it:
 * commands and (multi-line) replies with Zeek's command/reply state machine
 * (pipelining always on), DATA with dot-unstuffing up to CRLF.CRLF, BDAT
 * chunks, AUTH noted (never the credentials), STARTTLS handing the
 * connection to TLS; the message itself goes through a streaming MIME parser
 * modelled on Zeek's MIME_Entity (headers with folding, nested multiparts,
 * message/rfc822, base64 and quoted-printable), whose leaf entities are
 * streamed to the files layer. smtp.log rows are built as the scripts build
 * them (c$smtp), Suricata's EVE smtp/email fields on the way. */
#include "proto/smtp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "files/files.h"
#include "mime/address.h"
#include "mime/mime.h"
#include "proto/app_anomaly-t.h"
#include "proto/parser.h"
#include "proto/probe.h"
#include "util/ascii.h"
#include "util/buf.h"

/* Zeek's SMTP_cmd.def order does not matter here; END_OF_DATA and
 * AUTH_ANSWER are the analyzer's pseudo commands. */
enum smtp_cmd {
    CMD_NONE = -1,
    CMD_CONN_ESTABLISHMENT = 0,
    CMD_EHLO,
    CMD_HELO,
    CMD_MAIL,
    CMD_RCPT,
    CMD_DATA,
    CMD_BDAT,
    CMD_RSET,
    CMD_SEND,
    CMD_SOML,
    CMD_SAML,
    CMD_VRFY,
    CMD_EXPN,
    CMD_HELP,
    CMD_NOOP,
    CMD_QUIT,
    CMD_TURN,
    CMD_ETRN,
    CMD_AUTH,
    CMD_STARTTLS,
    CMD_X_ANONYMOUSTLS,
    CMD_END_OF_DATA,
    CMD_AUTH_ANSWER,
};

static const char *const cmd_words[] = {
    [CMD_EHLO] = "EHLO",         [CMD_HELO] = "HELO", [CMD_MAIL] = "MAIL", [CMD_RCPT] = "RCPT",
    [CMD_DATA] = "DATA",         [CMD_BDAT] = "BDAT", [CMD_RSET] = "RSET", [CMD_SEND] = "SEND",
    [CMD_SOML] = "SOML",         [CMD_SAML] = "SAML", [CMD_VRFY] = "VRFY", [CMD_EXPN] = "EXPN",
    [CMD_HELP] = "HELP",         [CMD_NOOP] = "NOOP", [CMD_QUIT] = "QUIT", [CMD_TURN] = "TURN",
    [CMD_ETRN] = "ETRN",         [CMD_AUTH] = "AUTH", [CMD_STARTTLS] = "STARTTLS",
    [CMD_X_ANONYMOUSTLS] = "X-ANONYMOUSTLS",
};

enum smtp_phase {
    ST_CONNECTED,
    ST_INITIATED,
    ST_NOT_AVAILABLE,
    ST_READY,
    ST_MAIL_OK,
    ST_RCPT_OK,
    ST_IN_DATA,
    ST_AFTER_DATA,
    ST_IN_AUTH,
    ST_IN_TLS,
    ST_QUIT,
    ST_AFTER_GAP,
    ST_GAP_RECOVERY,
};

struct line_buf {
    size_t len;
    bool overflow;          /* the line being read was cut */
    uint8_t buf[SMTP_MAX_LINE];
};

/* Everything of a connection that is too large for the engine's zeroed
 * state block; allocated once at open. */
struct smtp_work {
    struct app_env *env;    /* during a data/gap/close call only */
    struct line_buf line[2]; /* [0] responder, [1] originator */
    struct line_buf bdat_line;

    /* The analyzer (SMTP.cc) */
    enum smtp_phase phase;
    int first_cmd, last_replied_cmd, pending_reply;
    int queue[SMTP_MAX_PENDING_CMDS];
    size_t q_head, q_len;
    uint64_t bdat_remaining;
    bool bdat_last_chunk;
    bool mail_active;
    bool tls;
    size_t tls_leftover;
    bool stopped;

    /* The scripts (main.zeek: c$smtp_state and c$smtp) */
    bool has_helo;
    size_t helo_len;
    uint8_t helo[SMTP_MAX_FIELD];
    uint64_t messages_transferred;
    bool trans_mail_from_seen, trans_rcpt_to_seen, bdat_last_observed;
    unsigned invalid_transactions;
    bool have_cur;
    bool has_client_activity;
    bool client_line_seen;        /* Suricata has a transaction to hang an anomaly on */
    bool suricata_smtp;           /* Suricata's detection would name the connection smtp */
    bool first_line_done[2];      /* the responder's, the originator's first line was looked at */
    bool invalid_reply_reported;  /* Suricata's parser gives up after the first */
    size_t data_line_len;         /* the DATA line so far (it may come in pieces) */
    bool long_line_reported, long_enc_line_reported; /* this message's MIME_LONG_* anomalies */
    bool process_received_from;
    struct smtp_txn cur;
    size_t arena_used;
    bool arena_full_reported;
    uint8_t arena[SMTP_TXN_ARENA];
    size_t first_received_len, second_received_len, last_reply_len;
    uint8_t first_received[SMTP_MAX_FIELD];
    uint8_t second_received[SMTP_MAX_FIELD];
    uint8_t last_reply[SMTP_MAX_FIELD];

    /* MIME */
    struct mime_parser mime;
    struct file_analysis *file[MIME_MAX_DEPTH + 1]; /* the open file of each level */
    /* Files of the current transaction, ended, published with it: Suricata
     * logs an attachment when its mail completes, with the mail's smtp and
     * email objects. */
    struct file_analysis *ended[SMTP_MAX_FILES];
    size_t n_ended;
    size_t url_len;
    bool url_overflow;
    uint8_t url_line[SMTP_MAX_URL_LEN];
    EVP_MD_CTX *body_md5;   /* created on the first message, reused */
    bool body_md5_ok;       /* the digest of the current message is valid */
    /* The message as delivered (dot-unstuffed, CRLF lines), kept for the
     * phishing detector when the files context asks for it. */
    struct buf msg;
    bool msg_cut;
};

struct smtp_state {
    struct smtp_work *w;
};

static bool is_lws(uint8_t c) { return c == ' ' || c == '\t'; }
static bool in_set(uint8_t c, const char *set) { return c != 0 && strchr(set, c) != NULL; }
static bool is_space(uint8_t c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f'; }
static uint8_t to_upper(uint8_t c) { return (c >= 'a' && c <= 'z') ? (uint8_t)(c - 32) : c; }


static void weird(struct smtp_work *w, const char *name, const char *addl)
{
    if (w->env != NULL && w->env->weird != NULL)
        w->env->weird(w->env, name, addl, "SMTP");
}

static bool files_on(const struct smtp_work *w)
{
    return w->env != NULL && w->env->files != NULL;
}

/* ---- the transaction record (c$smtp) ---- */

static const uint8_t *arena_dup(struct smtp_work *w, const uint8_t *p, size_t n)
{
    if (n > SMTP_MAX_FIELD)
        n = SMTP_MAX_FIELD;
    if (SMTP_TXN_ARENA - w->arena_used < n + 1) {
        if (!w->arena_full_reported) {
            w->arena_full_reported = true;
            weird(w, "smtp_transaction_storage_exhausted", NULL);
        }
        return NULL;
    }
    uint8_t *d = w->arena + w->arena_used;
    if (n > 0)
        memcpy(d, p, n);
    d[n] = 0;
    w->arena_used += n + 1;
    return d;
}

static void set_str(struct smtp_work *w, struct byte_view *dst, const uint8_t *p, size_t n)
{
    const uint8_t *d = arena_dup(w, p, n);
    if (d == NULL)
        return;
    dst->p = d;
    dst->n = n > SMTP_MAX_FIELD ? SMTP_MAX_FIELD : n;
}

/* Adds to a set of strings (Zeek's `add s[x]`); false when the cap is hit. */
static bool set_add(struct smtp_work *w, struct byte_view *items, size_t *n, size_t cap, const uint8_t *p,
                    size_t len)
{
    for (size_t i = 0; i < *n; i++)
        if (items[i].n == len && (len == 0 || memcmp(items[i].p, p, len) == 0))
            return true;
    if (*n >= cap)
        return false;
    struct byte_view s = {NULL, 0};
    set_str(w, &s, p, len);
    if (s.p != NULL)
        items[(*n)++] = s;
    return true;
}

/* Publishes the ended files, with the transaction that carried them (NULL:
 * it is not logged). */
static void publish_files(struct smtp_work *w, const struct smtp_txn *carrier)
{
    for (size_t i = 0; i < w->n_ended; i++) {
        if (carrier != NULL)
            file_set_tx_id(w->ended[i], carrier->trans_depth > 0 ? carrier->trans_depth - 1 : 0);
        file_publish(w->ended[i], w->env, carrier);
    }
    w->n_ended = 0;
}

static void new_txn(struct smtp_work *w)
{
    publish_files(w, NULL);
    memset(&w->cur, 0, sizeof w->cur);
    w->arena_used = 0;
    w->arena_full_reported = false;
    w->first_received_len = w->second_received_len = w->last_reply_len = 0;
    w->cur.ts_us = w->env ? w->env->ts_us : 0;
    w->cur.trans_depth = w->messages_transferred + 1;
    if (w->has_helo) {
        w->cur.helo.p = w->helo;
        w->cur.helo.n = w->helo_len;
    }
    if (w->env != NULL && w->env->conn != NULL) {
        w->cur.path[0] = w->env->conn->resp_h;
        w->cur.path[1] = w->env->conn->orig_h;
        w->cur.n_path = 2;
    }
    w->has_client_activity = false;
    w->process_received_from = true;
    w->mime.entity_count = 0;
    w->have_cur = true;
}

static void set_session(struct smtp_work *w)
{
    if (!w->have_cur)
        new_txn(w);
}

static void publish_cur(struct smtp_work *w)
{
    if (w->env != NULL && w->env->publish != NULL) {
        w->cur.end_ts_us = w->env->ts_us;
        if (w->cur.message_seen && w->msg.len > 0) {
            w->cur.message.p = (const uint8_t *)w->msg.data;
            w->cur.message.n = w->msg.len;
            w->cur.message_cut = w->msg_cut;
        }
        publish_files(w, &w->cur);
        w->env->publish(w->env, EVENT_SMTP, &w->cur);
    }
}

/* main.zeek smtp_message(): logs the record if the client did anything. */
static void smtp_message(struct smtp_work *w)
{
    if (w->have_cur && w->has_client_activity) {
        publish_cur(w);
        new_txn(w);
    }
}

static void mail_transaction_invalid(struct smtp_work *w, const char *addl)
{
    weird(w, "smtp_mail_transaction_invalid", addl);
    w->invalid_transactions++;
    if (w->invalid_transactions > SMTP_MAX_INVALID_TRANSACTIONS && !w->stopped) {
        weird(w, "smtp_excessive_invalid_mail_transactions", NULL);
        w->stopped = true;
    }
}

/* ---- addresses ---- */

struct addr_target {
    struct smtp_work *w;
    struct byte_view *items;     /* the set, or the one string of first_addr_cb */
    size_t *count;
    const char *weird_name;
};

static bool first_addr_cb(void *ctx, const uint8_t *p, size_t n)
{
    struct addr_target *a = ctx;
    if (n > 0)
        set_str(a->w, a->items, p, n);
    return false;
}

static bool rcpt_addr_cb(void *ctx, const uint8_t *p, size_t n)
{
    struct smtp_work *w = ((struct addr_target *)ctx)->w;
    /* gsub(addr, /ORCPT=rfc822;?/, "") */
    uint8_t buf[SMTP_MAX_FIELD];
    size_t bl = 0;
    for (size_t i = 0; i < n;) {
        if (n - i >= 12 && memcmp(p + i, "ORCPT=rfc822", 12) == 0) {
            i += 12;
            if (i < n && p[i] == ';')
                i++;
            continue;
        }
        buf[bl++] = p[i++];
    }
    if (!set_add(w, w->cur.rcptto, &w->cur.n_rcptto, SMTP_MAX_RCPT, buf, bl)) {
        weird(w, "smtp_too_many_rcptto_addresses", NULL);
        return false;
    }
    return true;
}

static bool set_item_cb(void *ctx, const uint8_t *p, size_t n)
{
    struct addr_target *a = ctx;
    if (set_add(a->w, a->items, a->count, SMTP_MAX_ADDRS, p, n))
        return true;
    weird(a->w, a->weird_name, NULL);
    return false;
}

static void split_mime_addrs(struct smtp_work *w, const uint8_t *s, size_t n, struct byte_view *items, size_t *count,
                             const char *weird_name)
{
    struct addr_target a = {w, items, count, weird_name};
    mail_split_addrs(s, n, set_item_cb, &a);
}

static void received_path(struct smtp_work *w, const uint8_t *v, size_t n)
{
    if (!w->process_received_from)
        return;
    struct ip_addr ips[2];
    size_t k = mail_extract_ips(v, n, true, ips, 2);
    if (k == 0)
        return;
    struct ip_addr ip = k > 1 ? ips[1] : ips[0];
    /* mail_path_capture is ALL_HOSTS: the path is never cut short. */
    if (w->cur.n_path > 0 && ip_addr_cmp(&w->cur.path[w->cur.n_path - 1], &ip) == 0)
        return;
    if (w->cur.n_path >= SMTP_MAX_PATH) {
        weird(w, "smtp_max_path_length_exceeded", NULL);
        return;
    }
    w->cur.path[w->cur.n_path++] = ip;
}

/* ---- the SMTP header fields (mime_one_header in main.zeek) ---- */

static void store_received(struct smtp_work *w, const uint8_t *v, size_t n)
{
    if (n > SMTP_MAX_FIELD)
        n = SMTP_MAX_FIELD;
    if (w->cur.first_received.p != NULL) {
        memcpy(w->second_received, w->first_received, w->first_received_len);
        w->second_received_len = w->first_received_len;
        w->cur.second_received.p = w->second_received;
        w->cur.second_received.n = w->second_received_len;
    }
    memcpy(w->first_received, v, n);
    w->first_received_len = n;
    w->cur.first_received.p = w->first_received;
    w->cur.first_received.n = n;
}

static void smtp_header(struct smtp_work *w, const uint8_t *name, size_t nl, const uint8_t *v, size_t vn)
{
    struct smtp_txn *t = &w->cur;
    if (bytes_eq_nocase(name, nl, "MESSAGE-ID")) {
        set_str(w, &t->msg_id, v, vn);
    } else if (bytes_eq_nocase(name, nl, "RECEIVED")) {
        store_received(w, v, vn);
        received_path(w, v, vn);
        /* EVE's list takes at most half the arena: Zeek's fields come after
         * the Received block and must still find room */
        if (t->n_received < SMTP_MAX_RECEIVED && w->arena_used + vn < SMTP_TXN_ARENA / 2)
            set_str(w, &t->received[t->n_received++], v, vn);
    } else if (bytes_eq_nocase(name, nl, "IN-REPLY-TO")) {
        set_str(w, &t->in_reply_to, v, vn);
    } else if (bytes_eq_nocase(name, nl, "SUBJECT")) {
        set_str(w, &t->subject, v, vn);
    } else if (bytes_eq_nocase(name, nl, "FROM")) {
        set_str(w, &t->from, v, vn);
        if (t->eve_from.p == NULL)
            t->eve_from = t->from;
    } else if (bytes_eq_nocase(name, nl, "REPLY-TO")) {
        set_str(w, &t->reply_to, v, vn);
    } else if (bytes_eq_nocase(name, nl, "DATE")) {
        set_str(w, &t->date, v, vn);
    } else if (bytes_eq_nocase(name, nl, "TO")) {
        t->to_set = true;
        split_mime_addrs(w, v, vn, t->to, &t->n_to, "smtp_too_many_to_addresses");
        if (t->eve_to.p == NULL)
            set_str(w, &t->eve_to, v, vn);
    } else if (bytes_eq_nocase(name, nl, "CC")) {
        t->cc_set = true;
        split_mime_addrs(w, v, vn, t->cc, &t->n_cc, "smtp_too_many_cc_addresses");
        if (t->eve_cc.p == NULL)
            set_str(w, &t->eve_cc, v, vn);
    } else if (bytes_eq_nocase(name, nl, "X-ORIGINATING-IP")) {
        struct ip_addr a;
        if (mail_extract_ips(v, vn, false, &a, 1) == 1) {
            t->has_x_originating_ip = true;
            t->x_originating_ip = a;
        }
    } else if (bytes_eq_nocase(name, nl, "X-MAILER") || bytes_eq_nocase(name, nl, "USER-AGENT") || bytes_eq_nocase(name, nl, "X-USER-AGENT")) {
        set_str(w, &t->user_agent, v, vn);
    }
}

/* ---- MIME: the parser in mime/, its output here ---- */

static struct smtp_work *hook_work(void *ctx) { return ctx; }

static void mime_weird(void *ctx, const char *name, const char *addl) { weird(hook_work(ctx), name, addl); }

static void mime_header(void *ctx, unsigned level, const uint8_t *name, size_t nl, const uint8_t *v, size_t vn)
{
    struct smtp_work *w = hook_work(ctx);
    /* Only the message's own headers: main.zeek stops at the 2nd entity. */
    if (level == 0 && w->mime.entity_count <= 1)
        smtp_header(w, name, nl, v, vn);
}

static void mime_entity_begin(void *ctx, unsigned level) { hook_work(ctx)->file[level] = NULL; }

static void add_url(struct smtp_work *w, const uint8_t *p, size_t n)
{
    struct smtp_txn *t = &w->cur;
    for (size_t i = 0; i < t->n_urls; i++)
        if (t->urls[i].n == n && memcmp(t->urls[i].p, p, n) == 0)
            return;
    if (t->n_urls >= SMTP_MAX_URLS)
        return;
    struct byte_view s = {NULL, 0};
    set_str(w, &s, p, n);
    if (s.p != NULL)
        t->urls[t->n_urls++] = s;
}

static void scan_urls(struct smtp_work *w)
{
    const uint8_t *p = w->url_line;
    size_t n = w->url_len;
    for (size_t i = 0; i + 7 < n; i++) {
        size_t skip;
        if (p[i] != 'h' && p[i] != 'H')
            continue;
        if (bytes_prefix_nocase(p + i, n - i, "http://"))
            skip = 7;
        else if (bytes_prefix_nocase(p + i, n - i, "https://"))
            skip = 8;
        else
            continue;
        size_t j = i + skip;
        while (j < n && p[j] > ' ' && p[j] != 0x7f && !in_set(p[j], "\"'<>"))
            j++;
        if (j > i + skip)
            add_url(w, p + i, j - i);
        i = j - 1;
    }
    w->url_len = 0;
}

static void url_feed(struct smtp_work *w, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (p[i] == '\n' || p[i] == '\r') {
            scan_urls(w);
            continue;
        }
        if (w->url_len == sizeof w->url_line)
            scan_urls(w);
        w->url_line[w->url_len++] = p[i];
    }
}

static void mime_data(void *ctx, unsigned level, const struct mime_entity *e, const uint8_t *p, size_t n)
{
    struct smtp_work *w = hook_work(ctx);
    w->cur.body_bytes += n;
    if (files_on(w)) {
        if (w->file[level] == NULL) {
            w->file[level] = file_begin(w->env->files, w->env->conn, "SMTP", true,
                                        e->has_filename ? (const char *)e->filename : NULL, e->filename_len, 0,
                                        w->env->ts_us);
            if (w->file[level] != NULL && e->has_eve_filename)
                file_set_eve_filename(w->file[level], (const char *)e->eve_filename, e->eve_filename_len);
            else
                file_set_not_in_eve(w->file[level]); /* Suricata: no attachment, no file */
        }
        if (w->file[level] != NULL)
            file_data(w->file[level], p, n, w->env->ts_us);
    }
    if (e->kind == MIME_TEXT)
        url_feed(w, p, n);
}

static void mime_zeek_tail(void *ctx, unsigned level, const struct mime_entity *e, const uint8_t *p, size_t n)
{
    struct smtp_work *w = hook_work(ctx);
    if (w->file[level] == NULL) {
        mime_data(ctx, level, e, p, n); /* the part's only bytes: a file to Zeek */
        return;
    }
    w->cur.body_bytes += n;
    file_data_zeek_tail(w->file[level], p, n, w->env->ts_us);
}

static void mime_entity_end(void *ctx, unsigned level, const struct mime_entity *e)
{
    struct smtp_work *w = hook_work(ctx);
    if (e->kind == MIME_TEXT && w->url_len > 0)
        scan_urls(w);
    w->url_len = 0;
    if (w->file[level] != NULL) {
        char fuid[UID_LEN] = "";
        file_finish(w->file[level], fuid, NULL);
        if (w->n_ended < SMTP_MAX_FILES)
            w->ended[w->n_ended++] = w->file[level];
        else
            file_publish(w->file[level], w->env, NULL);
        w->file[level] = NULL;
        if (fuid[0] != 0 && !w->cur.tls && w->cur.n_fuids < SMTP_MAX_FILES) {
            memcpy(w->cur.fuids[w->cur.n_fuids], fuid, UID_LEN);
            w->cur.fuids[w->cur.n_fuids][UID_LEN - 1] = 0;
            w->cur.n_fuids++;
        }
    }
    if (e->has_eve_filename && w->cur.n_attachments < SMTP_MAX_FILES) {
        struct byte_view s = {NULL, 0};
        set_str(w, &s, e->eve_filename, e->eve_filename_len);
        if (s.p != NULL)
            w->cur.attachments[w->cur.n_attachments++] = s;
    }
}

/* Suricata hashes every line after the message's header block as it came
 * (before dot-unstuffing), line end included; lines reach us without
 * theirs, so CRLF stands for it. */
static void body_md5_line(struct smtp_work *w, const uint8_t *p, size_t n, bool eol)
{
    if (!w->mail_active || mime_in_message_header(&w->mime) || !w->body_md5_ok)
        return;
    if (EVP_DigestUpdate(w->body_md5, p, n) != 1 || (eol && EVP_DigestUpdate(w->body_md5, "\r\n", 2) != 1))
        w->body_md5_ok = false;
}

static void body_md5_begin(struct smtp_work *w)
{
    if (w->body_md5 == NULL)
        w->body_md5 = EVP_MD_CTX_new();
    w->body_md5_ok = w->body_md5 != NULL && EVP_DigestInit_ex(w->body_md5, EVP_md5(), NULL) == 1;
}

static void body_md5_end(struct smtp_work *w)
{
    static const char hex[] = "0123456789abcdef";
    unsigned char d[EVP_MAX_MD_SIZE];
    unsigned int dl = 0;
    if (!w->body_md5_ok)
        return;
    w->body_md5_ok = false;
    if (EVP_DigestFinal_ex(w->body_md5, d, &dl) != 1 || dl != 16)
        return;
    for (unsigned i = 0; i < 16; i++) {
        w->cur.body_md5[2 * i] = hex[d[i] >> 4];
        w->cur.body_md5[2 * i + 1] = hex[d[i] & 15];
    }
    w->cur.body_md5[32] = '\0';
    w->cur.has_body_md5 = true;
}

static void message_keep(struct smtp_work *w, const uint8_t *p, size_t n)
{
    if (w->msg.max == 0 || w->msg_cut || n == 0)
        return;
    if (!buf_append_upto(&w->msg, p, n))
        w->msg_cut = true;
}

static void publish_anomaly(struct smtp_work *w, const char *event)
{
    struct app_anomaly a = {.ts_us = w->env->ts_us, .app_proto = "smtp", .event = event, .to_server = true};
    w->env->publish(w->env, EVENT_APP_ANOMALY, &a);
}

/* Suricata's MIME decoder: a DATA line over RFC 5322's 998 bytes is
 * MIME_LONG_LINE, an attachment's base64 or quoted-printable line over RFC
 * 2045's 76 MIME_LONG_ENC_LINE (rust/src/mime/smtp.rs). Suricata raises
 * them per line; once per message each here, so that a mailer's long
 * lines do not flood EVE. Zeek has no weird for either. */
#define MIME_MAX_LINE_LEN 998
#define MIME_MAX_ENC_LINE_LEN 76

static void check_data_line_length(struct smtp_work *w, size_t n, bool cont)
{
    w->data_line_len = cont ? w->data_line_len + n : n;
    if (w->env == NULL)
        return;
    if (w->data_line_len > MIME_MAX_LINE_LEN && !w->long_line_reported) {
        w->long_line_reported = true;
        publish_anomaly(w, "MIME_LONG_LINE");
    }
    if (w->data_line_len > MIME_MAX_ENC_LINE_LEN && !w->long_enc_line_reported &&
        mime_in_encoded_attachment(&w->mime)) {
        w->long_enc_line_reported = true;
        publish_anomaly(w, "MIME_LONG_ENC_LINE");
    }
}

/* A line of the message to MIME, and to the kept copy. */
static void message_line(struct smtp_work *w, const uint8_t *p, size_t n, bool eol, bool cont)
{
    check_data_line_length(w, n, cont);
    mime_line(&w->mime, p, n, eol, cont);
    message_keep(w, p, n);
    if (eol)
        message_keep(w, (const uint8_t *)"\r\n", 2);
}

static void message_begin(struct smtp_work *w)
{
    /* the files context says whether (and how much) to keep */
    uint64_t cap = w->env ? file_message_cap(w->env->files) : 0;
    w->msg.len = 0;
    w->msg.max = cap < SIZE_MAX ? (size_t)cap : SIZE_MAX;
    w->msg.failed = false;
    w->msg_cut = false;
    w->url_len = 0;
    w->long_line_reported = w->long_enc_line_reported = false;
    mime_begin(&w->mime);
    w->mail_active = true;
    w->cur.message_seen = true;
    body_md5_begin(w);
}

static void message_end(struct smtp_work *w, bool complete)
{
    if (!w->mail_active)
        return;
    mime_end(&w->mime);
    w->mail_active = false;
    if (complete) {
        w->cur.message_done = true;
        body_md5_end(w);
    }
    w->body_md5_ok = false;
}

/* Drops files still open (connection torn down without an end). */
static void message_abort(struct smtp_work *w)
{
    for (unsigned i = 0; i <= MIME_MAX_DEPTH; i++) {
        if (w->file[i] != NULL)
            file_abort(w->file[i]);
        w->file[i] = NULL;
    }
    publish_files(w, NULL);
    w->mail_active = false;
}

/* ---- the SMTP analyzer ---- */

static void begin_data(struct smtp_work *w)
{
    if (w->mail_active)
        message_end(w, false);
    set_session(w);
    message_begin(w);
}

static void end_data(struct smtp_work *w, bool complete)
{
    message_end(w, complete);
}

static void start_tls(struct smtp_work *w)
{
    w->phase = ST_IN_TLS;
    w->tls = true;
    if (w->env != NULL && w->env->add_service != NULL) {
        w->env->add_service(w->env, "smtp"); /* confirmed by now: Zeek logs "smtp,ssl" */
        w->env->add_service(w->env, "ssl");
    }
    /* The rest of the connection is TLS: the TLS parser takes it from here. */
    if (w->env != NULL && w->env->hand_over != NULL)
        w->env->hand_over(w->env, "ssl");
    /* event smtp_starttls */
    if (w->have_cur) {
        w->cur.tls = true;
        w->has_client_activity = true;
    }
}

static void update_state(struct smtp_work *w, int cmd, int reply)
{
    enum smtp_phase st = w->phase;
    switch (cmd) {
    case CMD_CONN_ESTABLISHMENT:
        if (reply == 0)
            w->phase = ST_INITIATED;
        else if (reply == 421 || reply == 554)
            w->phase = ST_NOT_AVAILABLE;
        break;
    case CMD_EHLO:
    case CMD_HELO:
        if (reply == 0)
            w->phase = ST_READY;
        else if (reply == 421 || reply == 500 || reply == 501 || reply == 504 || reply == 550)
            w->phase = ST_INITIATED;
        break;
    case CMD_MAIL:
    case CMD_SEND:
    case CMD_SOML:
    case CMD_SAML:
        if (reply == 0) {
            w->phase = ST_MAIL_OK;
        } else if (reply == 421 || reply == 451 || reply == 452 || reply == 500 || reply == 501 ||
                   reply == 503 || reply == 550 || reply == 552 || reply == 553) {
            if (w->phase != ST_IN_DATA)
                w->phase = ST_READY;
        }
        break;
    case CMD_RCPT:
        if (reply == 0)
            w->phase = ST_RCPT_OK;
        break;
    case CMD_DATA:
        if (reply == 0) {
            begin_data(w);
            w->phase = ST_IN_DATA;
        } else if (reply == 354) {
            /* go ahead */
        } else if (reply == 421) {
            if (w->phase == ST_IN_DATA)
                end_data(w, false);
            w->phase = ST_QUIT;
        } else {
            if (w->phase == ST_IN_DATA)
                end_data(w, false);
            w->phase = ST_READY;
        }
        break;
    case CMD_END_OF_DATA:
        if (reply == 0) {
            end_data(w, true);
            w->phase = ST_AFTER_DATA;
        } else {
            w->phase = ST_READY;
        }
        break;
    case CMD_RSET:
        if (reply == 0)
            w->phase = ST_READY;
        break;
    case CMD_QUIT:
        if (reply == 0)
            w->phase = ST_QUIT;
        break;
    case CMD_AUTH:
    case CMD_AUTH_ANSWER:
        if (reply == 334)
            w->phase = ST_IN_AUTH;
        else if (reply != 0)
            w->phase = ST_INITIATED;
        if (reply == 235 && w->have_cur)
            w->cur.auth_success = true;
        break;
    case CMD_STARTTLS:
    case CMD_X_ANONYMOUSTLS:
        if (reply == 220)
            start_tls(w);
        break;
    case CMD_BDAT:
        if (reply >= 400 && w->mail_active && w->bdat_remaining == 0)
            end_data(w, false);
        break;
    default:
        if (st == ST_GAP_RECOVERY && reply == 354) {
            begin_data(w);
            w->phase = ST_IN_DATA;
        }
        break;
    }
}

static void new_cmd(struct smtp_work *w, int cmd)
{
    if (w->first_cmd < 0) {
        w->first_cmd = cmd;
        return;
    }
    if (w->q_len == SMTP_MAX_PENDING_CMDS) {
        weird(w, "smtp_excessive_pending_cmds", NULL);
        w->q_len = 0;
        w->q_head = 0;
    }
    w->queue[(w->q_head + w->q_len) % SMTP_MAX_PENDING_CMDS] = cmd;
    w->q_len++;
}

static void new_reply(struct smtp_work *w, int code)
{
    if (w->phase == ST_AFTER_GAP && code > 0)
        w->phase = ST_GAP_RECOVERY;
    int cmd = w->first_cmd;
    w->last_replied_cmd = w->first_cmd;
    w->first_cmd = CMD_NONE;
    if (w->q_len > 0) {
        w->first_cmd = w->queue[w->q_head];
        w->q_head = (w->q_head + 1) % SMTP_MAX_PENDING_CMDS;
        w->q_len--;
    }
    update_state(w, cmd, code);
}

static int parse_cmd(const uint8_t *p, size_t n)
{
    for (int c = CMD_EHLO; c <= CMD_X_ANONYMOUSTLS; c++)
        if (bytes_eq_nocase(p, n, cmd_words[c]))
            return c;
    return CMD_NONE;
}

/* Suricata's SMTPParseCommandWithParam: after the ':' and spaces, up to the
 * next space. */
static bool suricata_param(const uint8_t *arg, size_t n, const uint8_t **v, size_t *vn)
{
    const uint8_t *colon = memchr(arg, ':', n);
    if (colon == NULL)
        return false;
    size_t i = (size_t)(colon - arg) + 1;
    while (i < n && arg[i] == ' ')
        i++;
    size_t j = i;
    while (j < n && arg[j] != ' ')
        j++;
    *v = arg + i;
    *vn = j - i;
    return true;
}

static bool parse_bdat(const uint8_t *arg, size_t n, uint64_t *size, bool *last)
{
    size_t i = 0;
    uint64_t v = 0;
    while (i < n && arg[i] >= '0' && arg[i] <= '9') {
        if (v > UINT64_MAX / 10 - 10)
            return false;
        v = v * 10 + (uint64_t)(arg[i] - '0');
        i++;
    }
    if (i == 0)
        return false;
    while (i < n && is_lws(arg[i]))
        i++;
    *last = bytes_eq_nocase(arg + i, n - i, "LAST");
    *size = v;
    return true;
}

/* event smtp_request in main.zeek (plus what Suricata and detectors want). */
static void request_event(struct smtp_work *w, int cmd, const uint8_t *arg, size_t an)
{
    set_session(w);
    struct smtp_txn *t = &w->cur;
    if (cmd == CMD_HELO || cmd == CMD_EHLO) {
        size_t k = an > SMTP_MAX_FIELD ? SMTP_MAX_FIELD : an;
        memcpy(w->helo, arg, k);
        w->helo_len = k;
        w->has_helo = true;
        t->helo.p = w->helo;
        t->helo.n = k;
    } else if (cmd == CMD_RCPT && an >= 3 && to_upper(arg[0]) == 'T' && to_upper(arg[1]) == 'O' && arg[2] == ':') {
        t->rcptto_set = true;
        mail_find_addrs(arg, an, rcpt_addr_cb, &(struct addr_target){.w = w});
        const uint8_t *v;
        size_t vn;
        if (suricata_param(arg, an, &v, &vn) && t->n_rcpt_raw < SMTP_MAX_RCPT) {
            struct byte_view s = {NULL, 0};
            set_str(w, &s, v, vn);
            if (s.p != NULL)
                t->rcpt_raw[t->n_rcpt_raw++] = s;
        }
        w->has_client_activity = true;
        w->trans_rcpt_to_seen = true;
        if (!w->trans_mail_from_seen)
            mail_transaction_invalid(w, "rcpt to missing mail from");
    } else if (cmd == CMD_MAIL && an >= 5 && bytes_prefix_nocase(arg, an, "FROM:")) {
        smtp_message(w);
        t = &w->cur;
        mail_find_addrs(arg, an, first_addr_cb, &(struct addr_target){.w = w, .items = &t->mailfrom});
        const uint8_t *v;
        size_t vn;
        if (suricata_param(arg, an, &v, &vn))
            set_str(w, &t->mail_from_raw, v, vn);
        w->has_client_activity = true;
        w->trans_mail_from_seen = true;
        w->trans_rcpt_to_seen = false;
    } else if (cmd == CMD_DATA || cmd == CMD_BDAT) {
        if (!w->trans_rcpt_to_seen)
            mail_transaction_invalid(w, "data missing rcpt to");
        if (cmd == CMD_BDAT && an >= 5 && bytes_eq_nocase(arg + an - 5, 5, " LAST")) {
            w->trans_mail_from_seen = false;
            w->trans_rcpt_to_seen = false;
            w->bdat_last_observed = true;
        }
    } else if (cmd == CMD_END_OF_DATA) {
        w->trans_mail_from_seen = false;
        w->trans_rcpt_to_seen = false;
    } else if (cmd == CMD_AUTH) {
        t->auth_attempted = true;
        size_t k = 0;
        while (k < an && !is_space(arg[k]))
            k++;
        if (k > 0 && t->auth_mechanism.p == NULL)
            set_str(w, &t->auth_mechanism, arg, k);
    }
}

/* event smtp_reply in main.zeek, both priorities. */
static void reply_event(struct smtp_work *w, int code, int cmd, const uint8_t *msg, size_t mn, bool cont)
{
    set_session(w);
    char head[8];
    int hl = snprintf(head, sizeof head, "%d ", code);
    size_t k = (size_t)hl;
    memcpy(w->last_reply, head, k);
    size_t room = SMTP_MAX_FIELD - k;
    if (mn > room)
        mn = room;
    memcpy(w->last_reply + k, msg, mn);
    w->last_reply_len = k + mn;
    w->cur.last_reply.p = w->last_reply;
    w->cur.last_reply.n = w->last_reply_len;

    if (cmd == CMD_END_OF_DATA || (!cont && cmd == CMD_BDAT && w->bdat_last_observed)) {
        w->messages_transferred++;
        w->bdat_last_observed = false;
        smtp_message(w);
        new_txn(w);
    }
}

static void bdat_content(struct smtp_work *w, const uint8_t *p, size_t n);

static void sender_line(struct smtp_work *w, const uint8_t *line, size_t len, bool eol, bool cont)
{
    const uint8_t *end = line + len;
    if (w->phase == ST_AFTER_GAP)
        return;
    if (w->phase == ST_IN_DATA && !cont && len == 1 && line[0] == '.') {
        new_cmd(w, CMD_END_OF_DATA);
        update_state(w, CMD_END_OF_DATA, 0);
        request_event(w, CMD_END_OF_DATA, NULL, 0);
        return;
    }
    if (w->phase == ST_IN_DATA) {
        if (!w->mail_active)
            begin_data(w);
        body_md5_line(w, line, len, eol);
        if (!cont && len > 0 && line[0] == '.')
            line++;
        message_line(w, line, (size_t)(end - line), eol, cont);
        return;
    }
    if (cont)
        return; /* the rest of an over-long command */
    if (w->phase == ST_IN_AUTH) {
        new_cmd(w, CMD_AUTH_ANSWER);
        update_state(w, CMD_AUTH_ANSWER, 0);
        return;
    }
    size_t wl = 0;
    while (wl < len && !is_space(line[wl]))
        wl++;
    const uint8_t *arg = line + wl;
    while (arg < end && is_space(*arg))
        arg++;
    int cmd = parse_cmd(line, wl);
    if (cmd == CMD_NONE)
        return;
    new_cmd(w, cmd);
    size_t an = (size_t)(end - arg);
    request_event(w, cmd, arg, an);
    update_state(w, cmd, 0);
    if (cmd == CMD_BDAT) {
        uint64_t size;
        bool last;
        if (!parse_bdat(arg, an, &size, &last)) {
            weird(w, "smtp_invalid_bdat_command", NULL);
            return;
        }
        if (!w->mail_active) {
            begin_data(w);
            w->bdat_line.len = 0;
            w->bdat_line.overflow = false;
        }
        w->bdat_remaining = size;
        w->bdat_last_chunk = last;
        if (size == 0)
            bdat_content(w, NULL, 0);
    }
}

/* Suricata's SMTP reply codes (app-layer-smtp.c, smtp_reply_map): a reply
 * line that does not begin with one is its INVALID_REPLY anomaly. */
static bool is_suricata_reply_code(const uint8_t *line, size_t len)
{
    static const char codes[][4] = {"211", "214", "220", "221", "235", "250", "251", "252", "334",
                                    "354", "421", "450", "451", "452", "455", "500", "501", "502",
                                    "503", "504", "550", "551", "552", "553", "554", "555"};
    if (len < 3)
        return false;
    for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++)
        if (memcmp(line, codes[i], 3) == 0)
            return true;
    return false;
}

/* Suricata raises INVALID_REPLY on the transaction a client line opened and
 * then stops parsing the connection: one anomaly per connection at most, and
 * none before the client said anything. Zeek has no weird for it. Only on a
 * connection Suricata would parse as SMTP: this parser also takes any server
 * that greets with "220 " (an FTP server on another port), Suricata's
 * detection does not. */
static void check_reply_code(struct smtp_work *w, const uint8_t *line, size_t len)
{
    if (w->invalid_reply_reported || !w->client_line_seen || !w->suricata_smtp || w->env == NULL ||
        is_suricata_reply_code(line, len))
        return;
    w->invalid_reply_reported = true;
    publish_anomaly(w, "INVALID_REPLY");
}

static void receiver_line(struct smtp_work *w, const uint8_t *line, size_t len)
{
    check_reply_code(w, line, len);
    const uint8_t *end = line + len;
    int code = -1;
    if (len >= 3 && line[0] >= '0' && line[0] <= '9' && line[1] >= '0' && line[1] <= '9' && line[2] >= '0' &&
        line[2] <= '9')
        code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
    if (code < 100 || code > 599)
        return;
    if (w->pending_reply && code != w->pending_reply)
        w->pending_reply = 0;
    if (!w->pending_reply)
        new_reply(w, code);
    const uint8_t *msg;
    if (len > 3 && line[3] == '-') {
        w->pending_reply = code;
        msg = line + 4;
    } else {
        w->pending_reply = 0;
        msg = line + 3;
    }
    while (msg < end && is_space(*msg))
        msg++;
    reply_event(w, code, w->last_replied_cmd, msg, (size_t)(end - msg), w->pending_reply > 0);
}

/* Suricata's SMTP detection: its patterns on the client's first bytes
 * (EHLO, HELO, QUIT, any case, at offset 0), or its probe of a server reply
 * on the SMTP ports (a 3-digit code: "400 4.5.2 Error" on 465 is SMTP too). */
static bool suricata_detects_smtp(const struct smtp_work *w, bool from_orig, const uint8_t *line, size_t len)
{
    if (!from_orig) {
        uint16_t port = w->env->conn->resp_p;
        return port == 25 || port == 465 || port == 587;
    }
    return bytes_prefix_nocase(line, len, "EHLO") || bytes_prefix_nocase(line, len, "HELO") || bytes_prefix_nocase(line, len, "QUIT");
}

static void process_line(struct smtp_work *w, bool from_orig, const uint8_t *line, size_t len, bool eol, bool cont)
{
    if (eol)
        while (len > 0 && line[len - 1] == '\r')
            len--;
    if (!w->first_line_done[from_orig ? 1 : 0]) {
        w->first_line_done[from_orig ? 1 : 0] = true;
        if (w->env != NULL && suricata_detects_smtp(w, from_orig, line, len))
            w->suricata_smtp = true;
    }
    if (from_orig) {
        w->client_line_seen = true;
        sender_line(w, line, len, eol, cont);
    }
    else if (!cont)
        receiver_line(w, line, len);
}

/* BDAT chunk bytes: split into lines for MIME, no dot-unstuffing. */
static void bdat_content(struct smtp_work *w, const uint8_t *p, size_t n)
{
    struct line_buf *lb = &w->bdat_line;
    while (n > 0) {
        const uint8_t *nl = memchr(p, '\n', n);
        size_t take = nl ? (size_t)(nl - p) + 1 : n;
        size_t body = nl ? take - 1 : take;
        size_t room = SMTP_MAX_LINE - lb->len;
        if (body > room) {
            memcpy(lb->buf + lb->len, p, room);
            lb->len += room;
            body_md5_line(w, lb->buf, lb->len, false);
            if (w->mail_active)
                message_line(w, lb->buf, lb->len, false, lb->overflow);
            lb->overflow = true;
            lb->len = 0;
            p += room;
            n -= room;
            continue;
        }
        memcpy(lb->buf + lb->len, p, body);
        lb->len += body;
        if (nl != NULL) {
            size_t l = lb->len;
            while (l > 0 && lb->buf[l - 1] == '\r')
                l--;
            body_md5_line(w, lb->buf, l, true);
            if (w->mail_active)
                message_line(w, lb->buf, l, true, lb->overflow);
            lb->len = 0;
            lb->overflow = false;
        }
        p += take;
        n -= take;
    }
    if (w->bdat_remaining == 0 && w->bdat_last_chunk) {
        if (lb->len > 0 && w->mail_active) {
            body_md5_line(w, lb->buf, lb->len, false);
            message_line(w, lb->buf, lb->len, false, lb->overflow);
        }
        lb->len = 0;
        lb->overflow = false;
        end_data(w, true);
        w->bdat_last_chunk = false;
        w->phase = ST_READY;
    }
}

static void deliver(struct smtp_work *w, bool from_orig, const uint8_t *p, size_t n)
{
    struct line_buf *lb = &w->line[from_orig ? 1 : 0];
    while (n > 0 && !w->stopped) {
        if (w->tls) {
            if (!from_orig)
                w->tls_leftover = n;
            return;
        }
        if (from_orig && w->bdat_remaining > 0) {
            size_t take = n < w->bdat_remaining ? n : (size_t)w->bdat_remaining;
            w->bdat_remaining -= take;
            bdat_content(w, p, take);
            p += take;
            n -= take;
            continue;
        }
        const uint8_t *nl = memchr(p, '\n', n);
        size_t take = nl ? (size_t)(nl - p) + 1 : n;
        size_t body = nl ? take - 1 : take;
        size_t room = SMTP_MAX_LINE - lb->len;
        if (body > room) {
            /* An over-long line: message content goes on in pieces, a
             * command or reply is cut (the rest up to the newline dropped). */
            if (!lb->overflow)
                weird(w, "smtp_line_too_long", NULL);
            memcpy(lb->buf + lb->len, p, room);
            lb->len += room;
            if (from_orig && w->phase == ST_IN_DATA) {
                process_line(w, from_orig, lb->buf, lb->len, false, lb->overflow);
                lb->len = 0;
                lb->overflow = true;
                p += room;
                n -= room;
            } else {
                lb->overflow = true;
                p += body;
                n -= body;
            }
            continue;
        }
        memcpy(lb->buf + lb->len, p, body);
        lb->len += body;
        p += take;
        n -= take;
        if (nl != NULL) {
            bool cont = lb->overflow && from_orig && w->phase == ST_IN_DATA;
            size_t len = lb->len;
            lb->len = 0;
            lb->overflow = false;
            process_line(w, from_orig, lb->buf, len, true, cont);
            if (w->tls && !from_orig)
                w->tls_leftover = n;
        }
    }
}

/* ---- the parser interface ---- */

static enum app_probe smtp_probe(const uint8_t *p, size_t n, bool from_orig)
{
    static const char *const client[] = {"EHLO ", "HELO "};
    static const char *const server[] = {"220 ", "220-"};
    if (n == 0)
        return APP_PROBE_MAYBE;
    return from_orig ? probe_prefixes(p, n, client, 2) : probe_prefixes(p, n, server, 2);
}

static void smtp_open(void *state)
{
    struct smtp_state *s = state;
    s->w = calloc(1, sizeof *s->w);
    if (s->w == NULL)
        return;
    s->w->phase = ST_CONNECTED;
    s->w->first_cmd = CMD_CONN_ESTABLISHMENT;
    s->w->last_replied_cmd = CMD_NONE;
    /* UpdateState(CONN_ESTABLISHMENT, 0) in the analyzer's constructor */
    s->w->phase = ST_INITIATED;
    const struct mime_hooks hooks = {
        .ctx = s->w,
        .weird = mime_weird,
        .header = mime_header,
        .entity_begin = mime_entity_begin,
        .data = mime_data,
        .zeek_tail = mime_zeek_tail,
        .entity_end = mime_entity_end,
    };
    mime_init(&s->w->mime, &hooks);
}

static void smtp_data(void *state, struct app_env *env, bool from_orig, const uint8_t *p, size_t n)
{
    struct smtp_state *s = state;
    struct smtp_work *w = s->w;
    if (w == NULL || w->stopped || p == NULL)
        return;
    w->env = env;
    if (w->tls) {
        if (!from_orig)
            w->tls_leftover = n;
        w->env = NULL;
        return;
    }
    w->tls_leftover = 0;
    /* Suricata's parser saw those bytes first: lines, so a transaction */
    if (!from_orig && env->orig_unparsed)
        w->client_line_seen = true;
    deliver(w, from_orig, p, n);
    w->env = NULL;
}

static void smtp_gap(void *state, struct app_env *env, bool from_orig, uint64_t len)
{
    struct smtp_state *s = state;
    struct smtp_work *w = s->w;
    if (w == NULL || w->stopped || w->tls || len == 0)
        return;
    w->env = env;
    if (w->mail_active) {
        for (unsigned i = 0; i <= MIME_MAX_DEPTH; i++)
            if (w->file[i] != NULL && !w->mime.ent[i].end_of_data)
                file_gap(w->file[i], len);
        end_data(w, false);
    }
    w->bdat_remaining = 0;
    w->bdat_last_chunk = false;
    w->line[from_orig ? 1 : 0].len = 0;
    w->line[from_orig ? 1 : 0].overflow = false;
    w->q_len = 0;
    w->q_head = 0;
    w->first_cmd = w->last_replied_cmd = CMD_NONE;
    w->pending_reply = 0;
    w->phase = ST_AFTER_GAP;
    w->env = NULL;
}

static void smtp_close(void *state, struct app_env *env)
{
    struct smtp_state *s = state;
    struct smtp_work *w = s->w;
    if (w == NULL)
        return;
    w->env = env;
    if (w->mail_active)
        end_data(w, false);
    /* finalize_smtp */
    if (w->have_cur)
        smtp_message(w);
    message_abort(w);
    EVP_MD_CTX_free(w->body_md5);
    buf_free(&w->msg);
    free(w);
    s->w = NULL;
}


bool smtp_tls_takeover(const void *state, size_t *resp_leftover)
{
    const struct smtp_state *s = state;
    if (s == NULL || s->w == NULL || !s->w->tls)
        return false;
    if (resp_leftover != NULL)
        *resp_leftover = s->w->tls_leftover;
    return true;
}

static const uint16_t smtp_ports[] = {25, 587};

const struct app_parser smtp_parser = {
    .name = "smtp",
    .ipproto = 6,
    .ports = smtp_ports,
    .n_ports = sizeof smtp_ports / sizeof smtp_ports[0],
    .skip_partial = true,
    .probe = smtp_probe,
    .state_size = sizeof(struct smtp_state),
    .open = smtp_open,
    .data = smtp_data,
    .gap = smtp_gap,
    .close = smtp_close,
};
