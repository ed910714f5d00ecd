/* phish.log and EVE `phish`: every mail message the phishing detector
 * judged on the wire, clean ones included, with what `vigil mail` says of
 * the same message (verdict, score, reasons, attachments and their
 * verdicts, the links judged bad, the indicators to block).
 *
 * EVE: an event type of Vigil's own rather than an alert's metadata,
 * because every message gets one (alerts are only for messages that are
 * not clean) and its attachments are nested objects, which alert.metadata
 * (a flat map of string lists) cannot carry. Messages that are not clean
 * also raise the Vigil::Phishing alert. */
#include "output/phish_log.h"

#include <stdio.h>
#include <string.h>

#include "doc/report-t.h"
#include "doc/report_json.h"
#include "output/conn_id.h"
#include "output/eve.h"
#include "output/zeek_log.h"
#include "util/json.h"

static const struct zeek_field phish_fields[] = {
    {"ts", ZEEK_TIME},
    {"uid", ZEEK_STRING},
    {"id.orig_h", ZEEK_ADDR},
    {"id.orig_p", ZEEK_PORT},
    {"id.resp_h", ZEEK_ADDR},
    {"id.resp_p", ZEEK_PORT},
    {"trans_depth", ZEEK_COUNT},
    {"msg_id", ZEEK_STRING},
    {"from", ZEEK_STRING},
    {"mailfrom", ZEEK_STRING},
    {"rcptto", ZEEK_SET_STRING},
    {"subject", ZEEK_STRING},
    {"verdict", ZEEK_STRING},
    {"score", ZEEK_INT},
    {"reasons", ZEEK_SET_STRING},
    {"attachments", ZEEK_VECTOR_STRING},
    {"attachment_verdicts", ZEEK_VECTOR_STRING},
    {"urls", ZEEK_COUNT},
    {"bad_urls", ZEEK_SET_STRING},
    {"indicators", ZEEK_SET_STRING},
    {"attack", ZEEK_STRING},
};
static const struct zeek_schema phish_schema = ZEEK_SCHEMA("phish", phish_fields);

static bool is_url(const char *s) { return strncmp(s, "http://", 7) == 0 || strncmp(s, "https://", 8) == 0; }

/* Each reason code once, a container's before its members'. */
static void codes_of(const struct doc_report *r, const char **codes, size_t *n, size_t cap)
{
    for (size_t i = 0; i < r->n_reasons; i++) {
        bool seen = false;
        for (size_t k = 0; k < *n && !seen; k++)
            seen = strcmp(codes[k], r->reasons[i].code) == 0;
        if (!seen && *n < cap)
            codes[(*n)++] = r->reasons[i].code;
    }
}

static void indicators_of(const struct doc_report *r, struct zrow *z, struct json_writer *j)
{
    for (size_t i = 0; i < r->n_indicators; i++) {
        zrow_item_cstr(z, r->indicators[i]);
        if (j != NULL)
            json_cstr(j, r->indicators[i]);
    }
    for (size_t i = 0; i < r->n_children; i++)
        indicators_of(&r->children[i], z, j);
}

static void write_zeek(struct output_worker *w, const struct phish_record *m)
{
    const struct doc_report *rep = m->report;
    struct zrow *r = zrow_begin_conn(w, &phish_schema, m->ts_us, m->conn); /* uid and id.* */
    if (r == NULL)
        return;
    zrow_count(r, m->trans_depth);
    zrow_nonempty_cstr(r, m->message_id);
    zrow_nonempty_cstr(r, m->from);
    zrow_opt_string(r, m->mailfrom.p != NULL, m->mailfrom.p, m->mailfrom.n);
    if (zrow_present(r, m->n_rcptto > 0))
        zrow_strings(r, m->rcptto, m->n_rcptto);
    zrow_nonempty_cstr(r, m->subject);
    zrow_cstr(r, verdict_name(rep->verdict));
    zrow_int(r, rep->score);
    const char *codes[DOC_MAX_REASONS];
    size_t n_codes = 0;
    codes_of(rep, codes, &n_codes, DOC_MAX_REASONS);
    zrow_list_begin(r);
    for (size_t i = 0; i < n_codes; i++)
        zrow_item_cstr(r, codes[i]);
    zrow_list_end(r);
    zrow_list_begin(r);
    for (size_t i = 0; i < rep->n_children; i++)
        zrow_item_cstr(r, rep->children[i].name);
    zrow_list_end(r);
    zrow_list_begin(r);
    for (size_t i = 0; i < rep->n_children; i++)
        zrow_item_cstr(r, verdict_name(rep->children[i].verdict));
    zrow_list_end(r);
    zrow_count(r, m->n_urls);
    zrow_list_begin(r);
    for (size_t i = 0; i < rep->n_indicators; i++)
        if (is_url(rep->indicators[i]))
            zrow_item_cstr(r, rep->indicators[i]);
    zrow_list_end(r);
    zrow_list_begin(r);
    indicators_of(rep, r, NULL);
    zrow_list_end(r);
    zrow_cstr(r, m->attack);
    zrow_end(r);
}

static void write_eve(struct output_worker *w, const struct phish_record *m)
{
    struct json_writer *j = eve_begin_app(w, m->conn, true, m->ts_us, "phish");
    if (j == NULL)
        return;
    const struct doc_report *rep = m->report;
    eve_community_id(j, m->conn->community_id);
    json_kv_str(j, "app_proto", "smtp");
    json_key(j, "phish");
    json_object_begin(j);
    json_kv_str(j, "message_id", m->message_id);
    json_kv_str(j, "from", m->from);
    eve_kv_view(j, "mail_from", m->mailfrom);
    eve_kv_views(j, "rcpt_to", m->rcptto, m->n_rcptto);
    json_kv_str(j, "subject", m->subject);
    json_kv_str(j, "verdict", verdict_name(rep->verdict));
    json_kv_int(j, "score", rep->score);
    doc_reasons_json(j, rep);
    json_key(j, "attachments");
    json_array_begin(j);
    for (size_t i = 0; i < rep->n_children; i++) {
        const struct doc_report *c = &rep->children[i];
        json_object_begin(j);
        json_kv_str(j, "filename", c->name);
        json_kv_str(j, "type", c->type);
        json_kv_str(j, "sha256", c->sha256);
        json_kv_str(j, "verdict", verdict_name(c->verdict));
        json_kv_int(j, "score", c->score);
        doc_reasons_json(j, c);
        json_object_end(j);
    }
    json_array_end(j);
    json_kv_uint(j, "urls", m->n_urls);
    json_key(j, "bad_urls");
    json_array_begin(j);
    for (size_t i = 0; i < rep->n_indicators; i++)
        if (is_url(rep->indicators[i]))
            json_cstr(j, rep->indicators[i]);
    json_array_end(j);
    json_key(j, "indicators");
    json_array_begin(j);
    indicators_of(rep, NULL, j);
    json_array_end(j);
    json_kv_str(j, "attack_technique", m->attack);
    json_object_end(j);
    eve_end(w);
}

void output_phish(struct output_worker *w, const struct phish_record *m)
{
    if (w == NULL || m == NULL || m->report == NULL || m->conn == NULL)
        return;
    write_zeek(w, m);
    write_eve(w, m);
}
