/* rdp.log as Zeek writes it. keyboard_layout and client_build stay unset:
 * Zeek names them from tables of Microsoft's locale and build numbers that
 * Vigil does not ship. cert_count is Zeek's default 0 (the certificates of
 * a TLS upgrade are in ssl.log and x509.log). EVE rdp with the fields
 * of Suricata's EVE schema (see eve_request). */
#include "output/rdp_log.h"

#include <stdio.h>

#include "output/conn_id.h"
#include "output/eve.h"
#include "output/zeek_log.h"
#include "proto/rdp-t.h"        /* and the name of a security protocol */

static const struct zeek_field rdp_fields[] = {
    ZEEK_FIELDS_TS_UID_ID,
    {"cookie", ZEEK_STRING},
    {"result", ZEEK_STRING},
    {"security_protocol", ZEEK_STRING},
    {"client_channels", ZEEK_VECTOR_STRING},
    {"keyboard_layout", ZEEK_STRING},
    {"client_build", ZEEK_STRING},
    {"client_name", ZEEK_STRING},
    {"client_dig_product_id", ZEEK_STRING},
    {"desktop_width", ZEEK_COUNT},
    {"desktop_height", ZEEK_COUNT},
    {"requested_color_depth", ZEEK_STRING},
    {"cert_type", ZEEK_STRING},
    {"cert_count", ZEEK_COUNT},
    {"cert_permanent", ZEEK_BOOL},
    {"encryption_level", ZEEK_STRING},
    {"encryption_method", ZEEK_STRING},
};
static const struct zeek_schema rdp_schema = ZEEK_SCHEMA("rdp", rdp_fields);

static void write_zeek(struct output_worker *w, const struct app_conn *c, const struct rdp_txn *t)
{
    if (t->event != RDP_EVENT_LOG)
        return;
    const struct rdp_info *i = t->info;
    struct zrow *r = zrow_begin_conn(w, &rdp_schema, i->ts_us, c);
    if (r == NULL)
        return;
    zrow_opt_string(r, i->has_cookie, i->cookie, i->cookie_len);
    zrow_cstr(r, i->result);
    zrow_cstr(r, i->has_security_protocol ? rdp_security_protocol_name(i->security_protocol) : NULL);
    if (zrow_present(r, i->has_channels))
        zrow_texts(r, (const char *)i->channels, sizeof i->channels[0], i->n_channels);
    zrow_unset(r); /* keyboard_layout */
    zrow_unset(r); /* client_build */
    zrow_cstr(r, i->has_core ? i->client_name : NULL);
    zrow_cstr(r, i->has_dig_product_id ? i->dig_product_id : NULL);
    zrow_opt_count(r, i->has_core, i->desktop_width);
    zrow_opt_count(r, i->has_core, i->desktop_height);
    zrow_cstr(r, i->has_core ? i->color_depth : NULL);
    zrow_unset(r); /* cert_type */
    zrow_count(r, 0);
    zrow_unset(r); /* cert_permanent */
    zrow_unset(r); /* encryption_level */
    zrow_unset(r); /* encryption_method */
    zrow_end(r);
}

/* EVE rdp as Suricata's schema closes it (suricata-eve-schema): the
 * negotiated protocols and failures have no field there, so they are in
 * rdp.log only (security_protocol, result). */
static void eve_request(struct json_writer *j, const struct rdp_info *i)
{
    json_kv_str(j, "event_type", "initial_request");
    if (i->has_cookie && i->cookie_len > 0)
        json_kv_strn(j, "cookie", i->cookie, i->cookie_len);
}

static void eve_response(struct json_writer *j, const struct rdp_info *i)
{
    (void)i;
    json_kv_str(j, "event_type", "initial_response");
}

static void eve_connect(struct json_writer *j, const struct rdp_info *i)
{
    json_kv_str(j, "event_type", "connect_request");
    json_key(j, "client");
    json_object_begin(j);
    char number[16];
    /* strings in Suricata's schema; Vigil ships no table of names for them */
    snprintf(number, sizeof number, "%u", (unsigned)i->client_build);
    json_kv_str(j, "build", number);
    json_kv_str(j, "client_name", i->client_name);
    snprintf(number, sizeof number, "%u", (unsigned)i->keyboard_layout);
    json_kv_str(j, "keyboard_layout", number);
    json_kv_uint(j, "desktop_width", i->desktop_width);
    json_kv_uint(j, "desktop_height", i->desktop_height);
    if (i->has_dig_product_id)
        json_kv_str(j, "id", i->dig_product_id);
    json_object_end(j);
    if (i->has_channels && i->n_channels > 0)
        json_kv_texts(j, "channels", (const char *)i->channels, sizeof i->channels[0], i->n_channels);
}

static void write_eve(struct output_worker *w, const struct app_conn *c, const struct rdp_txn *t)
{
    if (t->event == RDP_EVENT_LOG)
        return;
    struct json_writer *j = eve_begin_app_object(w, c, t->event != RDP_EVENT_RESPONSE, t->ts_us, "rdp");
    if (j == NULL)
        return;
    if (t->event == RDP_EVENT_REQUEST)
        eve_request(j, t->info);
    else if (t->event == RDP_EVENT_RESPONSE)
        eve_response(j, t->info);
    else
        eve_connect(j, t->info);
    json_object_end(j);
    eve_community_id(j, c->community_id);
    eve_end(w);
}

TXN_WRITER_ZEEK_EVE(rdp, struct rdp_txn);
