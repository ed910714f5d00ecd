/* ssh.log as Zeek's base/protocols/ssh writes it, and Suricata's EVE ssh
 * event (with HASSH, as app-layer.protocols.ssh.hassh=yes logs it). */
#include "output/ssh_log.h"

#include "output/conn_id.h"

#include <string.h>

#include "output/eve.h"
#include "output/zeek_log.h"

static const struct zeek_field ssh_fields[] = {
    ZEEK_FIELDS_TS_UID_ID,
    {"version", ZEEK_COUNT},
    {"auth_success", ZEEK_BOOL},
    {"auth_attempts", ZEEK_COUNT},
    {"direction", ZEEK_ENUM},
    {"client", ZEEK_STRING},
    {"server", ZEEK_STRING},
    {"cipher_alg", ZEEK_STRING},
    {"mac_alg", ZEEK_STRING},
    {"compression_alg", ZEEK_STRING},
    {"kex_alg", ZEEK_STRING},
    {"host_key_alg", ZEEK_STRING},
    {"host_key_fingerprint", ZEEK_STRING},
    /* the hassh package's hassh.zeek (salesforce/hassh), in its order */
    {"hasshVersion", ZEEK_STRING},
    {"hassh", ZEEK_STRING},
    {"hasshServer", ZEEK_STRING},
    {"cshka", ZEEK_STRING},
    {"hasshAlgorithms", ZEEK_STRING},
    {"sshka", ZEEK_STRING},
    {"hasshServerAlgorithms", ZEEK_STRING},
};
static const struct zeek_schema ssh_schema = ZEEK_SCHEMA("ssh", ssh_fields);

static void field_or_unset(struct zrow *r, const struct ssh_field *f)
{
    zrow_opt_string(r, f->set, f->text, f->len);
}

static void banner_or_unset(struct zrow *r, const struct ssh_side *s)
{
    zrow_opt_string(r, s->has_banner, s->banner, s->banner_len);
}

/* Zeek sets a direction only when exactly one end is local. */
static const char *direction(const struct app_conn *c)
{
    if (c->local_orig < 0 || c->local_resp < 0 || c->local_orig == c->local_resp)
        return NULL;
    return c->local_orig ? "OUTBOUND" : "INBOUND";
}

/* cshka then hasshAlgorithms (or sshka, hasshServerAlgorithms): both are
 * set together, from the side's KEXINIT. */
static void hassh_side(struct zrow *r, const struct ssh_side *s)
{
    zrow_opt_string(r, s->has_hassh, s->host_key_algs, s->host_key_algs_len);
    zrow_opt_string(r, s->has_hassh, s->hassh_string, s->hassh_string_len);
}

static void write_zeek(struct output_worker *w, const struct app_conn *c, const struct ssh_txn *t)
{
    struct zrow *r = zrow_begin_conn(w, &ssh_schema, t->ts_us, c);
    if (r == NULL)
        return;
    if (zrow_present(r, t->has_version))
        zrow_count(r, t->version);
    if (t->auth == SSH_AUTH_UNKNOWN)
        zrow_unset(r);
    else
        zrow_bool(r, t->auth == SSH_AUTH_SUCCESS);
    zrow_count(r, t->auth_attempts);
    zrow_enum(r, direction(c));
    banner_or_unset(r, &t->client);
    banner_or_unset(r, &t->server);
    field_or_unset(r, &t->cipher_alg);
    field_or_unset(r, &t->mac_alg);
    field_or_unset(r, &t->compression_alg);
    field_or_unset(r, &t->kex_alg);
    field_or_unset(r, &t->host_key_alg);
    zrow_cstr(r, t->has_host_key ? t->host_key_fingerprint : NULL);
    zrow_cstr(r, t->client.has_hassh || t->server.has_hassh ? "1.1" : NULL);
    zrow_cstr(r, t->client.has_hassh ? t->client.hassh : NULL);
    zrow_cstr(r, t->server.has_hassh ? t->server.hassh : NULL);
    hassh_side(r, &t->client);
    hassh_side(r, &t->server);
    zrow_end(r);
}

static void eve_side(struct json_writer *j, const char *key, const struct ssh_side *s)
{
    if (!s->has_banner || s->proto_version_len == 0)
        return;
    json_key(j, key);
    json_object_begin(j);
    json_kv_strn(j, "proto_version", s->banner + s->proto_version_off, s->proto_version_len);
    if (s->software_version_len > 0)
        json_kv_strn(j, "software_version", s->banner + s->software_version_off, s->software_version_len);
    if (s->has_hassh) {
        json_key(j, "hassh");
        json_object_begin(j);
        json_kv_str(j, "hash", s->hassh);
        if (s->hassh_string_len > 0)
            json_kv_strn(j, "string", s->hassh_string, s->hassh_string_len);
        json_object_end(j);
    }
    json_object_end(j);
}

static void write_eve(struct output_worker *w, const struct app_conn *c, const struct ssh_txn *t)
{
    bool has_client = t->client.has_banner && t->client.proto_version_len > 0;
    bool has_server = t->server.has_banner && t->server.proto_version_len > 0;
    if (!has_client && !has_server)
        return; /* Suricata logs nothing without a protocol version */
    struct json_writer *j = eve_begin_app(w, c, true, t->eve_ts_us, "ssh");
    if (j == NULL)
        return;
    json_key(j, "ssh");
    json_object_begin(j);
    eve_side(j, "client", &t->client);
    eve_side(j, "server", &t->server);
    json_object_end(j);
    eve_community_id(j, c->community_id);
    eve_end(w);
}

TXN_WRITER_ZEEK_EVE(ssh, struct ssh_txn);
