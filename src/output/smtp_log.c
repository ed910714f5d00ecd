/* smtp.log as Zeek writes it (base/protocols/smtp/main.zeek and files.zeek;
 * is_webmail comes from a policy script and is not part of the base log),
 * and Suricata's EVE smtp event: "smtp" (helo, mail_from, rcpt_to) and
 * "email" (from, to, cc, status, attachment, url) as output-json-smtp.c and
 * the MIME logger write them by default. */
#include "output/smtp_log.h"
#include "output/conn_id.h"

#include <string.h>

#include <openssl/evp.h>

#include "output/eve.h"
#include "output/output_internal.h"
#include "output/zeek_log.h"

static const struct zeek_field smtp_fields[] = {
    ZEEK_FIELDS_TS_UID_ID,
    {"trans_depth", ZEEK_COUNT},
    {"helo", ZEEK_STRING},
    {"mailfrom", ZEEK_STRING},
    {"rcptto", ZEEK_SET_STRING},
    {"date", ZEEK_STRING},
    {"from", ZEEK_STRING},
    {"to", ZEEK_SET_STRING},
    {"cc", ZEEK_SET_STRING},
    {"reply_to", ZEEK_STRING},
    {"msg_id", ZEEK_STRING},
    {"in_reply_to", ZEEK_STRING},
    {"subject", ZEEK_STRING},
    {"x_originating_ip", ZEEK_ADDR},
    {"first_received", ZEEK_STRING},
    {"second_received", ZEEK_STRING},
    {"last_reply", ZEEK_STRING},
    {"path", ZEEK_VECTOR_ADDR},
    {"user_agent", ZEEK_STRING},
    {"tls", ZEEK_BOOL},
    {"fuids", ZEEK_VECTOR_STRING},
    /* Vigil's: the http(s) URLs of the text bodies, for `vigil hunt --intel` */
    {"urls", ZEEK_VECTOR_STRING},
};
static const struct zeek_schema smtp_schema = ZEEK_SCHEMA("smtp", smtp_fields);

static void opt_set(struct zrow *r, bool present, const struct byte_view *items, size_t n)
{
    if (!present) {
        zrow_unset(r);
        return;
    }
    zrow_list_begin(r);
    for (size_t i = 0; i < n; i++)
        zrow_item_string(r, items[i].p, items[i].n);
    zrow_list_end(r);
}

static void write_zeek(struct output_worker *w, const struct app_conn *c, const struct smtp_txn *t)
{
    struct zrow *r = zrow_begin_conn(w, &smtp_schema, t->ts_us, c);
    if (r == NULL)
        return;
    zrow_count(r, t->trans_depth);
    zrow_view(r, t->helo);
    zrow_view(r, t->mailfrom);
    opt_set(r, t->rcptto_set, t->rcptto, t->n_rcptto < SMTP_MAX_RCPT ? t->n_rcptto : SMTP_MAX_RCPT);
    zrow_view(r, t->date);
    zrow_view(r, t->from);
    opt_set(r, t->to_set, t->to, t->n_to < SMTP_MAX_ADDRS ? t->n_to : SMTP_MAX_ADDRS);
    opt_set(r, t->cc_set, t->cc, t->n_cc < SMTP_MAX_ADDRS ? t->n_cc : SMTP_MAX_ADDRS);
    zrow_view(r, t->reply_to);
    zrow_view(r, t->msg_id);
    zrow_view(r, t->in_reply_to);
    zrow_view(r, t->subject);
    if (zrow_present(r, t->has_x_originating_ip))
        zrow_addr(r, &t->x_originating_ip);
    zrow_view(r, t->first_received);
    zrow_view(r, t->second_received);
    zrow_view(r, t->last_reply);
    zrow_opt_addrs(r, t->path, t->n_path < SMTP_MAX_PATH ? t->n_path : SMTP_MAX_PATH);
    zrow_view(r, t->user_agent);
    zrow_bool(r, t->tls);
    zrow_list_begin(r);
    for (size_t i = 0; i < t->n_fuids && i < SMTP_MAX_FILES; i++)
        zrow_item_cstr(r, t->fuids[i]);
    zrow_list_end(r);
    if (t->n_urls) {
        zrow_list_begin(r);
        for (size_t i = 0; i < t->n_urls && i < SMTP_MAX_URLS; i++)
            zrow_item_string(r, t->urls[i].p, t->urls[i].n);
        zrow_list_end(r);
    } else {
        zrow_unset(r);
    }
    zrow_end(r);
}

/* Suricata splits To/Cc on commas and skips the blanks after each comma. */
/* The end of the address starting at i: the next comma outside a quoted
 * display name ("Doe, John" <j@d.example>) and outside <...>. */
static size_t address_end(struct byte_view s, size_t i)
{
    bool quoted = false, angle = false;
    for (; i < s.n; i++) {
        uint8_t c = s.p[i];
        if (quoted && c == '\\' && i + 1 < s.n)
            i++;
        else if (c == '"' && !angle)
            quoted = !quoted;
        else if (!quoted && c == '<')
            angle = true;
        else if (!quoted && c == '>')
            angle = false;
        else if (!quoted && !angle && c == ',')
            break;
    }
    return i;
}

static void comma_list(struct json_writer *j, const char *key, struct byte_view s)
{
    if (s.p == NULL)
        return;
    json_key(j, key);
    json_array_begin(j);
    size_t i = 0;
    for (;;) {
        size_t e = address_end(s, i);
        size_t a = i;
        while (a < e && (s.p[a] == ' ' || s.p[a] == '\t'))
            a++;
        json_string(j, s.p + a, e - a);
        if (e >= s.n)
            break;
        i = e + 1;
    }
    json_array_end(j);
}

/* A count bounded by its array's size: the parser keeps it there, and the
 * writer never reads past the array whatever the record says. */
static size_t capped(size_t n, size_t max)
{
    return n < max ? n : max;
}

/* Suricata's email `custom: [received]`: every Received header, in order. */
static void received_list(struct json_writer *j, const struct smtp_txn *t)
{
    if (t->n_received == 0)
        return;
    eve_kv_views(j, "received", t->received, capped(t->n_received, SMTP_MAX_RECEIVED));
}

/* Suricata's email `md5: [subject]`: the MD5 of the Subject value. */
static void subject_md5(struct json_writer *j, struct byte_view subject)
{
    static const char hex[] = "0123456789abcdef";
    unsigned char d[EVP_MAX_MD_SIZE];
    unsigned int dl = 0;
    char text[33];
    if (subject.p == NULL || EVP_Digest(subject.p, subject.n, d, &dl, EVP_md5(), NULL) != 1 || dl != 16)
        return;
    for (unsigned i = 0; i < 16; i++) {
        text[2 * i] = hex[d[i] >> 4];
        text[2 * i + 1] = hex[d[i] & 15];
    }
    text[32] = '\0';
    json_kv_str(j, "subject_md5", text);
}

void smtp_eve_objects(struct output_worker *w, struct json_writer *j, const struct smtp_txn *t)
{
    json_key(j, "smtp");
    json_object_begin(j);
    eve_kv_view(j, "helo", t->helo);
    eve_kv_view(j, "mail_from", t->mail_from_raw);
    if (t->n_rcpt_raw > 0)
        eve_kv_views(j, "rcpt_to", t->rcpt_raw, capped(t->n_rcpt_raw, SMTP_MAX_RCPT));
    json_object_end(j);
    if (t->message_seen) {
        json_key(j, "email");
        json_object_begin(j);
        eve_kv_view(j, "from", t->eve_from);
        comma_list(j, "to", t->eve_to);
        comma_list(j, "cc", t->eve_cc);
        json_kv_str(j, "status", "PARSE_DONE");
        if (t->n_attachments > 0)
            eve_kv_views(j, "attachment", t->attachments, capped(t->n_attachments, SMTP_MAX_FILES));
        if (t->n_urls > 0)
            eve_kv_views(j, "url", t->urls, capped(t->n_urls, SMTP_MAX_URLS));
        if (w->o->formats & OUTPUT_EVE_EMAIL_EXTENDED) {
            received_list(j, t);
            subject_md5(j, t->subject);
            if (t->has_body_md5)
                json_kv_str(j, "body_md5", t->body_md5);
        }
        json_object_end(j);
    }
}

static void write_eve(struct output_worker *w, const struct app_conn *c, const struct smtp_txn *t)
{
    /* Suricata has a transaction once the client started a mail, and logs
     * the one a STARTTLS ends (its helo, and a mail begun before it) */
    if (t->mail_from_raw.p == NULL && t->n_rcpt_raw == 0 && !t->message_seen && !t->tls)
        return;
    struct json_writer *j = eve_begin_app(w, c, true, t->end_ts_us ? t->end_ts_us : t->ts_us, "smtp");
    if (j == NULL)
        return;
    eve_community_id(j, c->community_id);
    json_kv_uint(j, "tx_id", t->trans_depth > 0 ? t->trans_depth - 1 : 0);
    smtp_eve_objects(w, j, t);
    eve_end(w);
}

TXN_WRITER_ZEEK_EVE(smtp, struct smtp_txn);
