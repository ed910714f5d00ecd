/* ldap.log and ldap_search.log as Zeek writes them. attributes stays unset:
 * Zeek logs it only with LDAP::default_log_search_attributes, which is off.
 * No EVE event: Vigil does not write Suricata 8's ldap event yet. */
#include "output/ldap_log.h"

#include "output/conn_id.h"
#include "output/zeek_log.h"

static const struct zeek_field ldap_fields[] = {
    ZEEK_FIELDS_TS_UID_ID,
    {"message_id", ZEEK_INT},
    {"version", ZEEK_INT},
    {"opcode", ZEEK_STRING},
    {"result", ZEEK_STRING},
    {"diagnostic_message", ZEEK_STRING},
    {"object", ZEEK_STRING},
    {"argument", ZEEK_STRING},
};
static const struct zeek_schema ldap_schema = ZEEK_SCHEMA("ldap", ldap_fields);

static const struct zeek_field ldap_search_fields[] = {
    ZEEK_FIELDS_TS_UID_ID,
    {"message_id", ZEEK_INT},
    {"scope", ZEEK_STRING},
    {"deref_aliases", ZEEK_STRING},
    {"base_object", ZEEK_STRING},
    {"result_count", ZEEK_COUNT},
    {"result", ZEEK_STRING},
    {"diagnostic_message", ZEEK_STRING},
    {"filter", ZEEK_STRING},
    {"attributes", ZEEK_VECTOR_STRING},
};
static const struct zeek_schema ldap_search_schema = ZEEK_SCHEMA("ldap_search", ldap_search_fields);

static void text(struct zrow *r, const struct ldap_text *t)
{
    zrow_opt_string(r, t->set, t->text, t->len);
}

static void write_message(struct output_worker *w, const struct app_conn *c, const struct ldap_row *m)
{
    struct zrow *r = zrow_begin_conn(w, &ldap_schema, m->ts_us, c);
    if (r == NULL)
        return;
    zrow_int(r, m->message_id);
    if (zrow_present(r, m->has_version))
        zrow_int(r, m->version);
    zrow_cstr(r, m->opcode);
    zrow_cstr(r, m->result);
    text(r, &m->diagnostic_message);
    text(r, &m->object);
    text(r, &m->argument);
    zrow_end(r);
}

static void write_search(struct output_worker *w, const struct app_conn *c, const struct ldap_search_row *s)
{
    struct zrow *r = zrow_begin_conn(w, &ldap_search_schema, s->ts_us, c);
    if (r == NULL)
        return;
    zrow_int(r, s->message_id);
    zrow_cstr(r, s->scope);
    zrow_cstr(r, s->deref_aliases);
    text(r, &s->base_object);
    zrow_count(r, s->result_count);
    zrow_cstr(r, s->result);
    text(r, &s->diagnostic_message);
    zrow_opt_string(r, s->has_filter, s->filter, s->filter_len);
    zrow_unset(r); /* attributes */
    zrow_end(r);
}

void output_ldap(struct output_worker *w, const struct app_conn *c, const struct ldap_txn *t)
{
    if (w == NULL || c == NULL || t == NULL)
        return;
    if (t->message)
        write_message(w, c, t->message);
    if (t->search)
        write_search(w, c, t->search);
}

TXN_WRITER(ldap);
