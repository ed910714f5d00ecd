/* ssh.log as Zeek's base/protocols/ssh writes it, and Suricata's EVE ssh
 * event (with HASSH, as app-layer.protocols.ssh.hassh=yes logs it). */
#include "output/ssh_log.h"

#include <string.h>

#include "output/eve.h"
#include "output/zeek_log.h"

static void auth_success(struct zrow *r, const struct app_conn *c, const void *record)
{
    const struct ssh_txn *t = record;
    if (zrow_present(r, t->auth != SSH_AUTH_UNKNOWN))
        zrow_bool(r, t->auth == SSH_AUTH_SUCCESS);
}

/* Zeek sets a direction only when exactly one end is local. */
static void direction(struct zrow *r, const struct app_conn *c, const void *record)
{
    bool one_local = c->local_orig >= 0 && c->local_resp >= 0 && c->local_orig != c->local_resp;
    zrow_enum(r, one_local ? (c->local_orig ? "OUTBOUND" : "INBOUND") : NULL);
}

static void hassh_version(struct zrow *r, const struct app_conn *c, const void *record)
{
    const struct ssh_txn *t = record;
    zrow_cstr(r, t->client.has_hassh || t->server.has_hassh ? "1.1" : NULL);
}

#define COL(name, type, value, member) ZEEK_COLUMN(struct ssh_txn, name, type, value, member)
#define ALG(name, member) ZEEK_COLUMN_TEXT_IF(struct ssh_txn, name, member.text, member.len, member.set)
#define BANNER(name, side) \
    ZEEK_COLUMN_TEXT_IF(struct ssh_txn, name, side.banner, side.banner_len, side.has_banner)
/* the hassh package's hassh.zeek (salesforce/hassh) columns of a side:
 * all set together, from the side's KEXINIT */
#define HASSH(name, side) ZEEK_COLUMN_IF(struct ssh_txn, name, ZEEK_STRING, ZV_CHARS, side.hassh, side.has_hassh)
#define HASSH_TEXT(name, side, text) \
    ZEEK_COLUMN_TEXT_IF(struct ssh_txn, name, side.text, side.text##_len, side.has_hassh)

static const struct zeek_column ssh_columns[] = {
    ZEEK_COLUMNS_TS_UID_ID(struct ssh_txn, ts_us),
    ZEEK_COLUMN_IF(struct ssh_txn, "version", ZEEK_COUNT, ZV_COUNT_U32, version, has_version),
    ZEEK_COLUMN_FN("auth_success", ZEEK_BOOL, auth_success),
    COL("auth_attempts", ZEEK_COUNT, ZV_COUNT_U64, auth_attempts), ZEEK_COLUMN_FN("direction", ZEEK_ENUM, direction),
    BANNER("client", client), BANNER("server", server), ALG("cipher_alg", cipher_alg), ALG("mac_alg", mac_alg),
    ALG("compression_alg", compression_alg), ALG("kex_alg", kex_alg), ALG("host_key_alg", host_key_alg),
    ZEEK_COLUMN_IF(struct ssh_txn, "host_key_fingerprint", ZEEK_STRING, ZV_CHARS, host_key_fingerprint, has_host_key),
    ZEEK_COLUMN_FN("hasshVersion", ZEEK_STRING, hassh_version), HASSH("hassh", client), HASSH("hasshServer", server),
    HASSH_TEXT("cshka", client, host_key_algs), HASSH_TEXT("hasshAlgorithms", client, hassh_string),
    HASSH_TEXT("sshka", server, host_key_algs), HASSH_TEXT("hasshServerAlgorithms", server, hassh_string),
};
static const struct zeek_schema ssh_schema = ZEEK_COLUMN_SCHEMA("ssh", ssh_columns);

static void write_zeek(struct output_worker *w, const struct app_conn *c, const struct ssh_txn *t)
{
    zrow_record(w, &ssh_schema, c, t);
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
    struct json_writer *j = eve_begin_app_object(w, c, true, t->eve_ts_us, "ssh");
    if (j == NULL)
        return;
    eve_side(j, "client", &t->client);
    eve_side(j, "server", &t->server);
    json_object_end(j);
    eve_community_id(j, c->community_id);
    eve_end(w);
}

TXN_WRITER_ZEEK_EVE(ssh, struct ssh_txn);
