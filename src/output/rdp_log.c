/* rdp.log as Zeek writes it. keyboard_layout and client_build stay unset:
 * Zeek names them from tables of Microsoft's locale and build numbers that
 * Vigil does not ship. cert_count is Zeek's default 0 (the certificates of
 * a TLS upgrade are in ssl.log and x509.log). EVE rdp as Suricata's
 * rust/src/rdp/log.rs writes its transactions. */
#include "output/rdp_log.h"

#include "output/conn_id.h"
#include "output/eve.h"
#include "output/zeek_log.h"

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
    struct zrow *r = zrow_begin(w, &rdp_schema);
    if (r == NULL)
        return;
    zrow_time(r, i->ts_us);
    zrow_conn_id(r, c);
    zrow_opt_string(r, i->has_cookie, i->cookie, i->cookie_len);
    zrow_cstr(r, i->result);
    zrow_cstr(r, i->has_security_protocol ? rdp_security_protocol_name(i->security_protocol) : NULL);
    if (i->has_channels) {
        zrow_list_begin(r);
        for (size_t k = 0; k < i->n_channels; k++)
            zrow_item_cstr(r, i->channels[k]);
        zrow_list_end(r);
    } else {
        zrow_unset(r);
    }
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

static const char *const protocol_bits[] = {"ssl", "hybrid", "rds_tls", "hybrid_ex"};

static void eve_request(struct json_writer *j, const struct rdp_info *i)
{
    json_kv_str(j, "event_type", "initial_request");
    if (i->has_cookie && i->cookie_len > 0)
        json_kv_strn(j, "cookie", i->cookie, i->cookie_len);
    if (i->has_requested && i->requested_protocols != 0) {
        json_key(j, "requested_protocols");
        json_array_begin(j);
        for (unsigned b = 0; b < 4; b++)
            if (i->requested_protocols & (1u << b))
                json_cstr(j, protocol_bits[b]);
        json_array_end(j);
    }
}

static void eve_response(struct json_writer *j, const struct rdp_info *i)
{
    static const char *const failures[] = {
        NULL, "ssl_required_by_server", "ssl_not_allowed_by_server", "ssl_cert_not_on_server",
        "inconsistent_flags", "hybrid_required_by_server", "ssl_with_user_auth_required_by_server",
    };
    json_kv_str(j, "event_type", "initial_response");
    if (i->has_security_protocol) {
        const char *name = "rdp";
        for (unsigned b = 0; b < 4; b++)
            if (i->security_protocol == (1u << b))
                name = protocol_bits[b];
        json_kv_str(j, "protocol", name);
    } else if (i->has_failure) {
        const char *f = i->failure_code < sizeof failures / sizeof *failures ? failures[i->failure_code] : NULL;
        json_kv_str(j, "error_code", f ? f : "unknown");
    }
}

static void eve_connect(struct json_writer *j, const struct rdp_info *i)
{
    json_kv_str(j, "event_type", "connect_request");
    json_key(j, "client");
    json_object_begin(j);
    json_kv_uint(j, "build", i->client_build);
    json_kv_str(j, "client_name", i->client_name);
    json_kv_uint(j, "keyboard_layout", i->keyboard_layout);
    json_kv_uint(j, "desktop_width", i->desktop_width);
    json_kv_uint(j, "desktop_height", i->desktop_height);
    if (i->has_dig_product_id)
        json_kv_str(j, "id", i->dig_product_id);
    json_object_end(j);
    if (i->has_channels && i->n_channels > 0) {
        json_key(j, "channels");
        json_array_begin(j);
        for (size_t k = 0; k < i->n_channels; k++)
            json_cstr(j, i->channels[k]);
        json_array_end(j);
    }
}

static void write_eve(struct output_worker *w, const struct app_conn *c, const struct rdp_txn *t)
{
    if (t->event == RDP_EVENT_LOG)
        return;
    struct json_writer *j = eve_begin_app(w, c, t->event != RDP_EVENT_RESPONSE, t->ts_us, "rdp");
    if (j == NULL)
        return;
    json_key(j, "rdp");
    json_object_begin(j);
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
