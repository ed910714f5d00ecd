/* One message: its lines fed to the MIME parser; top-level headers kept
 * for the sender checks, text and HTML bodies kept (bounded) for links,
 * other entities and named ones collected as attachments and inspected as
 * files; then the verdict and the JSON object. */
#include "mail/mail_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "doc/report_json.h"
#include "mime/address.h"
#include "mime/mime.h"
#include "util/ascii.h"
#include "util/strcut.h"

#define BODY_MAX (2u << 20)         /* decoded text kept for link extraction */
#define MAX_ATTACHMENTS 64

struct part {
    uint8_t *p;
    size_t len, cap;
    bool cut;
};

struct analysis {
    struct mail_ctx *c;
    struct mail_headers h;
    struct mime_parser mime;
    struct part part[MIME_MAX_DEPTH + 1];
    struct mail_urls urls;
    struct doc_report *r;
    unsigned parts_seen;
    uint64_t limit;
};

static void on_weird(void *ctx, const char *name, const char *addl)
{
    struct analysis *a = ctx;
    report_reason(a->r, "incomplete", "MIME: %s%s%s", name, addl ? " " : "", addl ? addl : "");
}


static void on_header(void *ctx, unsigned level, const uint8_t *name, size_t nl, const uint8_t *v, size_t vn)
{
    struct analysis *a = ctx;
    struct mail_headers *h = &a->h;
    if (level != 0 || a->mime.entity_count > 1)
        return;
    if (bytes_eq_nocase(name, nl, "From"))
        strcut_copy(h->from, sizeof h->from, v, vn);
    else if (bytes_eq_nocase(name, nl, "Reply-To"))
        strcut_copy(h->reply_to, sizeof h->reply_to, v, vn);
    else if (bytes_eq_nocase(name, nl, "Return-Path"))
        strcut_copy(h->return_path, sizeof h->return_path, v, vn);
    else if (bytes_eq_nocase(name, nl, "Message-ID"))
        strcut_copy(h->message_id, sizeof h->message_id, v, vn);
    else if (bytes_eq_nocase(name, nl, "Subject"))
        decode_rfc2047((const char *)v, vn, h->subject, sizeof h->subject);
    else if (bytes_eq_nocase(name, nl, "Date"))
        strcut_copy(h->date, sizeof h->date, v, vn);
    else if (bytes_eq_nocase(name, nl, "To"))
        decode_rfc2047((const char *)v, vn, h->to, sizeof h->to);
    else if (bytes_eq_nocase(name, nl, "Authentication-Results") || bytes_eq_nocase(name, nl, "ARC-Authentication-Results")) {
        size_t used = strlen(h->auth);
        if (used + vn + 2 < sizeof h->auth) {
            memcpy(h->auth + used, v, vn);
            h->auth[used + vn] = ';';
            h->auth[used + vn + 1] = 0;
        }
    } else if (bytes_eq_nocase(name, nl, "Received") && h->n_received < MAIL_MAX_RECEIVED) {
        struct ip_addr ips[2];
        size_t k = mail_extract_ips(v, vn, true, ips, 2);
        if (k > 0)
            ip_addr_format(k > 1 ? &ips[1] : &ips[0], h->received[h->n_received++], 64);
    }
}

static void on_begin(void *ctx, unsigned level)
{
    struct analysis *a = ctx;
    a->part[level].len = 0;
    a->part[level].cut = false;
}

static void on_data(void *ctx, unsigned level, const struct mime_entity *e, const uint8_t *p, size_t n)
{
    struct analysis *a = ctx;
    struct part *pt = &a->part[level];
    bool body = e->kind == MIME_TEXT && !e->has_filename && !e->has_eve_filename;
    uint64_t limit = body ? BODY_MAX : a->limit;
    if (pt->len + n > limit) {
        n = limit > pt->len ? (size_t)(limit - pt->len) : 0;
        pt->cut = true;
    }
    if (pt->len + n > pt->cap) {
        size_t cap = pt->cap ? pt->cap : 65536;
        while (cap < pt->len + n)
            cap *= 2;
        uint8_t *g = realloc(pt->p, cap);
        if (g == NULL) {
            pt->cut = true;
            return;
        }
        pt->p = g;
        pt->cap = cap;
    }
    memcpy(pt->p + pt->len, p, n);
    pt->len += n;
}

static void on_end(void *ctx, unsigned level, const struct mime_entity *e)
{
    struct analysis *a = ctx;
    struct part *pt = &a->part[level];
    if (e->kind == MIME_MULTIPART || e->kind == MIME_MESSAGE)
        return;
    a->parts_seen++;
    bool named = e->has_filename || e->has_eve_filename;
    if (e->kind == MIME_TEXT && !named) {
        urls_extract(&a->urls, pt->p ? pt->p : (const uint8_t *)"", pt->len, e->html);
    } else if (pt->len > 0 || named) {
        char name[MIME_MAX_FILENAME + 1];
        if (e->has_eve_filename)
            snprintf(name, sizeof name, "%.*s", (int)e->eve_filename_len, (const char *)e->eve_filename);
        else if (e->has_filename)
            snprintf(name, sizeof name, "%.*s", (int)e->filename_len, (const char *)e->filename);
        else
            snprintf(name, sizeof name, "part-%u", a->parts_seen);
        struct doc_report *child = report_child(a->r, MAX_ATTACHMENTS);
        if (child == NULL) {
            report_reason(a->r, "incomplete", "more than %d attachments", MAX_ATTACHMENTS);
        } else {
            doc_inspect(a->c->doc, name, pt->p ? pt->p : (const uint8_t *)"", pt->len, child);
            if (pt->cut)
                report_reason(child, "incomplete", "attachment larger than %llu bytes: the rest not inspected",
                              (unsigned long long)a->limit);
        }
    }
    pt->len = 0;
}

/* Feeds the message's lines (CRLF or LF) to the parser. */
static void feed_lines(struct analysis *a, const uint8_t *p, size_t n)
{
    mime_begin(&a->mime);
    size_t i = 0;
    while (i < n) {
        const uint8_t *nl = memchr(p + i, '\n', n - i);
        size_t end = nl ? (size_t)(nl - p) : n;
        size_t len = end - i;
        if (len > 0 && p[i + len - 1] == '\r')
            len--;
        mime_line(&a->mime, p + i, len, nl != NULL, false);
        i = end + 1;
    }
    mime_end(&a->mime);
}

/* key: {name: value, ...} of n strings. */
static void kv_string_object(struct json_writer *w, const char *key, const char *const fields[][2], size_t n)
{
    json_key(w, key);
    json_object_begin(w);
    for (size_t i = 0; i < n; i++)
        json_kv_str(w, fields[i][0], fields[i][1]);
    json_object_end(w);
}

static void write_json(const struct analysis *a, const char *source, struct buf *out)
{
    const struct doc_report *r = a->r;
    const struct mail_headers *h = &a->h;
    struct json_writer w;
    json_init(&w, out, JSON_SURICATA);
    json_object_begin(&w);
    json_kv_str(&w, "message_id", h->message_id);
    json_kv_str(&w, "file", source);
    json_kv_str(&w, "verdict", verdict_name(r->verdict));
    json_kv_int(&w, "score", r->score);
    doc_reasons_json(&w, r);
    json_kv_str(&w, "type", "message");
    json_kv_uint(&w, "size", r->size);
    const char *const hashes[][2] = {{"md5", r->md5}, {"sha256", r->sha256}};
    kv_string_object(&w, "hashes", hashes, 2);
    json_kv_str(&w, "subject", h->subject);
    json_kv_str(&w, "date", h->date);
    const char *const from[][2] = {{"address", h->address}, {"display_name", h->display_name}, {"domain", h->domain}};
    kv_string_object(&w, "from", from, 3);
    json_kv_str(&w, "reply_to", h->reply_to);
    json_kv_str(&w, "return_path", h->return_path);
    json_kv_str(&w, "to", h->to);
    const char *const auth[][2] = {{"spf", h->spf}, {"dkim", h->dkim}, {"dmarc", h->dmarc}};
    kv_string_object(&w, "auth", auth, 3);
    json_key(&w, "received");
    json_array_begin(&w);
    for (size_t i = 0; i < h->n_received; i++)
        json_cstr(&w, h->received[i]);
    json_array_end(&w);
    json_key(&w, "urls");
    json_array_begin(&w);
    for (size_t i = 0; i < a->urls.n; i++)
        json_cstr(&w, a->urls.items[i].url);
    json_array_end(&w);
    json_key(&w, "attachments");
    json_array_begin(&w);
    for (size_t i = 0; i < r->n_children; i++) {
        json_object_begin(&w);
        doc_report_json_fields(&w, &r->children[i], "file");
        json_object_end(&w);
    }
    json_array_end(&w);
    doc_indicators_json(&w, r, false); /* a message's own hash blocks nothing */
    json_object_end(&w);
}

static void analysis_free(struct analysis *a)
{
    if (a == NULL)
        return;
    for (unsigned i = 0; i <= MIME_MAX_DEPTH; i++)
        free(a->part[i].p);
    if (a->r != NULL)
        report_free(a->r);
    free(a->r);
    free(a->urls.items);
    free(a);
}

/* Parses and judges one message; envelope_from (MAIL FROM on the wire, or
 * NULL) stands for a missing Return-Path, as the receiving MTA writes it. */
static struct analysis *analysis_run(struct mail_ctx *c, const uint8_t *p, size_t n, const char *envelope_from)
{
    struct analysis *a = calloc(1, sizeof *a);
    if (a == NULL)
        return NULL;
    a->r = calloc(1, sizeof *a->r);
    a->urls.items = calloc(MAIL_MAX_URLS, sizeof *a->urls.items);
    if (a->r == NULL || a->urls.items == NULL) {
        analysis_free(a);
        return NULL;
    }
    a->c = c;
    a->limit = c->doc->limits.max_member_bytes;
    struct mime_hooks hooks = {
        .ctx = a, .weird = on_weird, .header = on_header, .entity_begin = on_begin, .data = on_data,
        .entity_end = on_end,
    };
    mime_init(&a->mime, &hooks);
    a->r->size = n;
    doc_hash(p, n, a->r); /* of the message as stored */
    feed_lines(a, p, n);
    if (a->h.return_path[0] == 0 && envelope_from != NULL)
        strcut_copy(a->h.return_path, sizeof a->h.return_path, (const uint8_t *)envelope_from, strlen(envelope_from));
    sender_analyze(c, &a->h, a->r);
    urls_analyze(c, &a->urls, a->r);
    strcut_copy(a->r->name, sizeof a->r->name, (const uint8_t *)a->h.message_id, strlen(a->h.message_id));
    verdict_decide(c->doc->weights, a->r);
    return a;
}

enum doc_verdict mail_analyze(struct mail_ctx *c, const char *source, const uint8_t *p, size_t n, struct buf *out)
{
    struct analysis *a = analysis_run(c, p, n, NULL);
    if (a == NULL)
        return VERDICT_CLEAN;
    write_json(a, source, out);
    enum doc_verdict v = a->r->verdict;
    analysis_free(a);
    return v;
}

bool mail_judge(struct mail_ctx *c, const uint8_t *p, size_t n, const char *envelope_from,
                struct mail_judgement *out)
{
    memset(out, 0, sizeof *out);
    struct analysis *a = analysis_run(c, p, n, envelope_from);
    if (a == NULL)
        return false;
    const struct mail_headers *h = &a->h;
    if (h->display_name[0] && h->address[0])
        snprintf(out->from, sizeof out->from, "\"%.500s\" <%.500s>", h->display_name, h->address);
    else
        strcut_copy(out->from, sizeof out->from, (const uint8_t *)h->from, strlen(h->from));
    strcut_copy(out->subject, sizeof out->subject, (const uint8_t *)h->subject, strlen(h->subject));
    strcut_copy(out->message_id, sizeof out->message_id, (const uint8_t *)h->message_id, strlen(h->message_id));
    strcut_copy(out->address, sizeof out->address, (const uint8_t *)h->address, strlen(h->address));
    strcut_copy(out->display_name, sizeof out->display_name, (const uint8_t *)h->display_name, strlen(h->display_name));
    out->n_urls = a->urls.n;
    out->report = a->r;
    a->r = NULL;
    analysis_free(a);
    return true;
}

void mail_judgement_free(struct mail_judgement *j)
{
    if (j->report != NULL)
        report_free(j->report);
    free(j->report);
    j->report = NULL;
}

static void copy_field(char *dst, size_t cap, const char *s)
{
    if (s != NULL)
        strcut_copy(dst, cap, s, strlen(s));
}

void mail_judge_fields(struct mail_ctx *c, const struct mail_fields *f, struct doc_report *r)
{
    struct mail_headers *h = calloc(1, sizeof *h);
    struct mail_url *items = calloc(MAIL_MAX_URLS, sizeof *items);
    if (h == NULL || items == NULL) {
        free(h);
        free(items);
        return;
    }
    copy_field(h->from, sizeof h->from, f->from);
    copy_field(h->reply_to, sizeof h->reply_to, f->reply_to);
    copy_field(h->return_path, sizeof h->return_path, f->return_path);
    copy_field(h->message_id, sizeof h->message_id, f->message_id);
    copy_field(h->auth, sizeof h->auth, f->auth);
    struct mail_urls urls = {0, items};
    for (size_t i = 0; i < f->n_urls; i++)
        urls_extract(&urls, (const uint8_t *)f->urls[i], f->url_lens[i], false);
    sender_analyze(c, h, r);
    urls_analyze(c, &urls, r);
    strcut_copy(r->name, sizeof r->name, (const uint8_t *)h->message_id, strlen(h->message_id));
    snprintf(r->type, sizeof r->type, "message");
    verdict_decide(c->doc->weights, r);
    free(items);
    free(h);
}
