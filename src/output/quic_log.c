/* quic.log as Zeek's base/protocols/quic/main.zeek writes it, and Suricata's
 * EVE "quic" event (rust/src/quic/logger.rs). Suricata logs one event per
 * QUIC packet it parses; Vigil writes one per quic.log record, carrying the
 * ClientHello's fields (sni, ja3, ja4, extensions) and the ServerHello's
 * ja3s. */
#include "output/quic_log.h"

#include "output/conn_id.h"

#include <stdio.h>
#include <string.h>

#include "output/eve.h"
#include "output/tls_log.h"
#include "output/zeek_log.h"

static const struct zeek_field quic_fields[] = {
    ZEEK_FIELDS_TS_UID_ID,
    {"version", ZEEK_STRING},
    {"client_initial_dcid", ZEEK_STRING},
    {"client_scid", ZEEK_STRING},
    {"server_scid", ZEEK_STRING},
    {"server_name", ZEEK_STRING},
    {"client_protocol", ZEEK_STRING},
    {"history", ZEEK_STRING},
};
static const struct zeek_schema quic_schema = ZEEK_SCHEMA("quic", quic_fields);

const char *quic_zeek_version_name(uint32_t v, char *tmp, size_t n)
{
    if (v == 0x00000001u)
        return "1";
    if (v == 0x6b3343cfu)
        return "quicv2";
    if (v >= 0xff000016u && v <= 0xff000022u) {
        unsigned draft = v & 0xff;
        if (draft == 31)
            draft = 30; /* Zeek's table maps 0xff00001f to "draft-30" */
        snprintf(tmp, n, "draft-%u", draft);
        return tmp;
    }
    switch (v) {
    case 0xfaceb001u: case 0xfaceb002u: case 0xfaceb00eu:
    case 0xfaceb011u: case 0xfaceb012u: case 0xfaceb013u:
        snprintf(tmp, n, "mvfst (%x)", (unsigned)v);
        return tmp;
    default:
        snprintf(tmp, n, "unknown-%x", (unsigned)v);
        return tmp;
    }
}

/* Zeek's bytestring_to_hexstr; unset when never seen. */
static void cid_field(struct zrow *r, const struct quic_cid *c)
{
    static const char hex[] = "0123456789abcdef";
    if (!c->set) {
        zrow_unset(r);
        return;
    }
    char text[2 * QUIC_CID_MAX + 1];
    for (size_t i = 0; i < c->len; i++) {
        text[2 * i] = hex[c->bytes[i] >> 4];
        text[2 * i + 1] = hex[c->bytes[i] & 15];
    }
    zrow_string(r, text, 2 * (size_t)c->len);
}

static void write_zeek(struct output_worker *w, const struct app_conn *c, const struct quic_txn *t)
{
    char tmp[32];
    struct zrow *r = zrow_begin_conn(w, &quic_schema, t->ts_us, c);
    if (r == NULL)
        return;
    zrow_cstr(r, quic_zeek_version_name(t->version, tmp, sizeof tmp));
    cid_field(r, &t->client_initial_dcid);
    cid_field(r, &t->client_scid);
    cid_field(r, &t->server_scid);
    tls_zrow_str(r, &t->server_name);
    tls_zrow_str(r, &t->client_protocol);
    zrow_string(r, t->history, t->history_len);
    zrow_end(r);
}

/* Suricata's quic_tls_extension_name(). */
static const char *extension_name(uint16_t e)
{
    static const char *const names[] = {
        "server_name", "max_fragment_length", "client_certificate_url", "trusted_ca_keys",
        "truncated_hmac", "status_request", "user_mapping", "client_authz", "server_authz", "cert_type",
        "supported_groups", "ec_point_formats", "srp", "signature_algorithms", "use_srtp", "heartbeat",
        "alpn", "status_request_v2", "signed_certificate_timestamp", "client_certificate_type",
        "server_certificate_type", "padding", "encrypt_then_mac", "extended_master_secret",
        "token_binding", "cached_info", "tls_lts", "compress_certificate", "record_size_limit",
        "pwd_protect", "pwd_clear", "password_salt", "ticket_pinning", "tls_cert_with_extern_psk",
        "delegated_credentials", "session_ticket", "tlmsp", "tlmsp_proxying", "tlmsp_delegate",
        "supported_ekt_ciphers", NULL, "pre_shared_key", "early_data", "supported_versions", "cookie",
        "psk_key_exchange_modes", NULL, "certificate_authorities", "oid_filters", "post_handshake_auth",
        "signature_algorithms_cert", "key_share", "transparency_info", "connection_id_deprecated",
        "connection_id", "external_id_hash", "external_session_id", "quic_transport_parameters",
        "ticket_request", "dnssec_chain",
    };
    if (e < sizeof(names) / sizeof(names[0]))
        return names[e];
    if (e == 13172)
        return "next_protocol_negotiation";
    if (e == 65281)
        return "renegotiation_info";
    return NULL;
}

/* Suricata's String::from(QuicVersion): lower-case hex, "1" for v1. */
static void eve_version(struct json_writer *j, uint32_t v)
{
    char text[12];
    snprintf(text, sizeof text, "%x", (unsigned)v);
    json_kv_str(j, "version", text);
}

static void write_eve(struct output_worker *w, const struct app_conn *c, const struct quic_txn *t)
{
    struct json_writer *j = eve_begin_app_object(w, c, true, t->ts_us, "quic");
    if (j == NULL)
        return;
    eve_version(j, t->version);
    const struct tls_txn *h = t->client_hello;
    if (h != NULL && h->server_name.set)
        json_kv_strn(j, "sni", h->server_name.text, h->server_name.len);
    if (h != NULL && h->has_ja3)
        tls_eve_ja3(j, "ja3", h->ja3_hash, h->ja3, h->ja3_len);
    if (h != NULL && h->has_ja4)
        json_kv_str(j, "ja4", h->ja4);
    const struct tls_txn *s = t->server_hello;
    if (s != NULL && s->has_ja3s)
        tls_eve_ja3(j, "ja3s", s->ja3s_hash, s->ja3s, s->ja3s_len);
    if (h != NULL && t->n_exts > 0) {
        json_key(j, "extensions");
        json_array_begin(j);
        for (size_t i = 0; i < t->n_exts; i++) {
            const struct quic_ext *e = &t->exts[i];
            json_object_begin(j);
            const char *name = extension_name(e->type);
            if (name != NULL)
                json_kv_str(j, "name", name);
            json_kv_uint(j, "type", e->type);
            if (e->n_values > 0) {
                json_key(j, "values");
                json_array_begin(j);
                for (size_t k = 0; k < e->n_values; k++)
                    json_string(j, t->ext_pool + e->value_off[k], e->value_len[k]);
                json_array_end(j);
            }
            json_object_end(j);
        }
        json_array_end(j);
    }
    json_object_end(j);
    eve_community_id(j, c->community_id);
    eve_end(w);
}

TXN_WRITER_ZEEK_EVE(quic, struct quic_txn);
