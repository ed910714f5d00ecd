/* kerberos.log as Zeek writes it (the client_cert_* and server_cert_*
 * columns of PKINIT stay unset: certificates in padata are not parsed), and
 * EVE krb5 as Suricata's rust/src/krb/log.rs writes a transaction: names
 * absent are "<empty>", an unknown etype "<none>". */
#include "output/krb_log.h"

#include <stdio.h>

#include "output/conn_id.h"
#include "output/eve.h"
#include "output/zeek_log.h"

static const struct zeek_field krb_fields[] = {
    ZEEK_FIELDS_TS_UID_ID,
    {"request_type", ZEEK_STRING},
    {"client", ZEEK_STRING},
    {"service", ZEEK_STRING},
    {"success", ZEEK_BOOL},
    {"error_msg", ZEEK_STRING},
    {"from", ZEEK_TIME},
    {"till", ZEEK_TIME},
    {"cipher", ZEEK_STRING},
    {"forwardable", ZEEK_BOOL},
    {"renewable", ZEEK_BOOL},
    {"client_cert_subject", ZEEK_STRING},
    {"client_cert_fuid", ZEEK_STRING},
    {"server_cert_subject", ZEEK_STRING},
    {"server_cert_fuid", ZEEK_STRING},
};
static const struct zeek_schema krb_schema = ZEEK_SCHEMA("kerberos", krb_fields);

static void text_or_unset(struct zrow *r, const struct krb_text *t)
{
    zrow_opt_string(r, t->set, t->text, t->len);
}

static void bool_or_unset(struct zrow *r, bool present, bool v)
{
    if (zrow_present(r, present))
        zrow_bool(r, v);
}

static void time_or_unset(struct zrow *r, bool present, int64_t us)
{
    if (zrow_present(r, present))
        zrow_time(r, us);
}

static void write_zeek(struct output_worker *w, const struct app_conn *c, const struct krb_txn *t)
{
    const struct krb_row *row = t->row;
    if (row == NULL)
        return;
    struct zrow *r = zrow_begin_conn(w, &krb_schema, row->ts_us, c);
    if (r == NULL)
        return;
    zrow_cstr(r, row->request_type);
    text_or_unset(r, &row->client);
    text_or_unset(r, &row->service);
    bool_or_unset(r, row->has_success, row->success);
    text_or_unset(r, &row->error_msg);
    time_or_unset(r, row->has_from, row->from_us);
    time_or_unset(r, row->has_till, row->till_us);
    char unknown[32];
    const char *cipher = NULL;
    if (row->has_cipher) {
        cipher = krb_cipher_name(row->cipher);
        if (cipher == NULL) {
            snprintf(unknown, sizeof unknown, "unknown-%d", (int)row->cipher);
            cipher = unknown;
        }
    }
    zrow_cstr(r, cipher);
    bool_or_unset(r, row->has_kdc_options, row->forwardable);
    bool_or_unset(r, row->has_kdc_options, row->renewable);
    for (int i = 0; i < 4; i++)
        zrow_unset(r); /* client_cert_subject, client_cert_fuid, server_cert_subject, server_cert_fuid */
    zrow_end(r);
}

static void eve_text(struct json_writer *j, const char *key, const struct krb_text *t)
{
    if (t->set)
        json_kv_strn(j, key, t->text, t->len);
    else
        json_kv_str(j, key, "<empty>");
}

/* Suricata's test_weak_encryption: only AES and Camellia are strong. */
static bool weak_etype(int32_t etype)
{
    return !(etype == 17 || etype == 18 || etype == 19 || etype == 20 || etype == 25 || etype == 26);
}

static void eve_etype(struct json_writer *j, const char *key, int32_t etype)
{
    const char *name = krb_etype_eve_name(etype);
    char unknown[40];
    if (name == NULL) {
        snprintf(unknown, sizeof unknown, "EncryptionType(%d)", (int)etype);
        name = unknown;
    }
    json_kv_str(j, key, name);
}

static void write_eve(struct output_worker *w, const struct app_conn *c, const struct krb_txn *t)
{
    const struct krb_message *m = t->msg;
    if (m == NULL)
        return;
    struct json_writer *j = eve_begin_app(w, c, m->from_orig, m->ts_us, "krb5");
    if (j == NULL)
        return;
    char unknown[40];
    const char *type = krb_msg_type_name(m->msg_type);
    json_key(j, "krb5");
    json_object_begin(j);
    json_kv_str(j, "msg_type", type ? type : "UNKNOWN");
    if (m->has_error) {
        const char *failed = m->failed_request ? krb_msg_type_name(m->failed_request) : NULL;
        json_kv_str(j, "failed_request", failed ? failed : "UNKNOWN");
        const char *code = krb_error_name(m->error_code);
        if (code == NULL) {
            snprintf(unknown, sizeof unknown, "ErrorCode(%d)", (int)m->error_code);
            code = unknown;
        }
        json_kv_str(j, "error_code", code);
    }
    eve_text(j, "cname", &m->cname);
    eve_text(j, "realm", &m->realm);
    eve_text(j, "sname", &m->sname);
    if (m->has_etype)
        eve_etype(j, "encryption", m->etype);
    else
        json_kv_str(j, "encryption", "<none>");
    json_kv_bool(j, "weak_encryption", m->has_etype && weak_etype(m->etype));
    if (m->has_ticket_etype) {
        eve_etype(j, "ticket_encryption", m->ticket_etype);
        json_kv_bool(j, "ticket_weak_encryption", weak_etype(m->ticket_etype));
    }
    json_object_end(j);
    eve_community_id(j, c->community_id);
    eve_end(w);
}

TXN_WRITER_ZEEK_EVE(krb, struct krb_txn);
