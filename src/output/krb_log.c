/* kerberos.log as Zeek writes it (the client_cert_* and server_cert_*
 * columns of PKINIT stay unset: certificates in padata are not parsed), and
 * EVE krb5 as Suricata's rust/src/krb/log.rs writes a transaction: names
 * absent are "<empty>", an unknown etype "<none>". */
#include "output/krb_log.h"

#include <stdio.h>

#include "output/eve.h"
#include "output/zeek_log.h"
#include "proto/krb-t.h"
#include "proto/krb_names-t.h"    /* the Zeek and Suricata names of etypes, errors, message types */

static void cipher_column(struct zrow *r, const struct app_conn *c, const void *record)
{
    const struct krb_row *row = record;
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
}

#define TEXT(name, member) ZEEK_COLUMN_TEXT_IF(struct krb_row, name, member.text, member.len, member.set)
#define COL_IF(name, type, value, member, present) ZEEK_COLUMN_IF(struct krb_row, name, type, value, member, present)
#define NOT_PARSED(name) ZEEK_COLUMN(struct krb_row, name, ZEEK_STRING, ZV_UNSET, ts_us)

/* The client_cert_* and server_cert_* columns stay unset. */
static const struct zeek_column krb_columns[] = {
    ZEEK_COLUMNS_TS_UID_ID(struct krb_row, ts_us),
    ZEEK_COLUMN(struct krb_row, "request_type", ZEEK_STRING, ZV_CSTR, request_type),
    TEXT("client", client), TEXT("service", service), COL_IF("success", ZEEK_BOOL, ZV_BOOL, success, has_success),
    TEXT("error_msg", error_msg), COL_IF("from", ZEEK_TIME, ZV_TIME, options.from_us, options.has_from),
    COL_IF("till", ZEEK_TIME, ZV_TIME, options.till_us, options.has_till), ZEEK_COLUMN_FN("cipher", ZEEK_STRING, cipher_column),
    COL_IF("forwardable", ZEEK_BOOL, ZV_BOOL, options.forwardable, options.has_kdc_options),
    COL_IF("renewable", ZEEK_BOOL, ZV_BOOL, options.renewable, options.has_kdc_options),
    NOT_PARSED("client_cert_subject"), NOT_PARSED("client_cert_fuid"), NOT_PARSED("server_cert_subject"),
    NOT_PARSED("server_cert_fuid"),
};
static const struct zeek_schema krb_schema = ZEEK_COLUMN_SCHEMA("kerberos", krb_columns);

static void write_zeek(struct output_worker *w, const struct app_conn *c, const struct krb_txn *t)
{
    if (t->row != NULL)
        zrow_record(w, &krb_schema, c, t->row);
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
