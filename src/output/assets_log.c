#include "output/assets_log.h"

#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "asset/record_text.h"
#include "output/eve.h"
#include "output/zeek_log.h"

static const struct zeek_field asset_fields[] = {
    {"ts", ZEEK_TIME},
    {"event", ZEEK_STRING},
    {"key", ZEEK_STRING},
    {"mac", ZEEK_STRING},
    {"vendor", ZEEK_STRING},
    {"local_admin", ZEEK_BOOL},
    {"gateway", ZEEK_BOOL},
    {"addrs", ZEEK_SET_ADDR},
    {"host_name", ZEEK_STRING},
    {"host_name_source", ZEEK_STRING},
    {"dhcp_fingerprint", ZEEK_STRING},
    {"dhcp_vendor_class", ZEEK_STRING},
    {"device_type", ZEEK_STRING},
    {"os", ZEEK_STRING},
    {"hints", ZEEK_VECTOR_STRING},
    {"services", ZEEK_SET_STRING},
    {"external_peers", ZEEK_SET_ADDR},
    {"n_external_peers", ZEEK_COUNT},
    {"bytes_out_external", ZEEK_COUNT},
    {"risk", ZEEK_STRING},
    {"risk_reason", ZEEK_STRING},
    {"risk_source", ZEEK_STRING},
    {"first_seen", ZEEK_TIME},
    {"last_seen", ZEEK_TIME},
};

static const struct zeek_schema asset_schema = ZEEK_SCHEMA("assets", asset_fields);

static const char *opt(const char *s)
{
    return s && s[0] ? s : NULL;
}

static void write_zeek(struct output_worker *w, enum asset_event ev, int64_t ts, const struct asset_record *r)
{
    struct zrow *z = zrow_begin(w, &asset_schema);
    if (z == NULL)
        return;
    char buf[256];
    zrow_time(z, ts);
    zrow_cstr(z, asset_event_name(ev));
    zrow_cstr(z, r->key);
    zrow_cstr(z, r->has_mac ? r->key : NULL);
    zrow_cstr(z, opt(r->vendor));
    zrow_bool(z, r->local_admin);
    zrow_bool(z, r->gateway);
    zrow_addrs(z, r->addrs, r->n_addrs);
    zrow_cstr(z, opt(r->host_name));
    zrow_cstr(z, r->host_name[0] ? r->host_name_source : NULL);
    zrow_cstr(z, opt(r->dhcp_fingerprint));
    zrow_cstr(z, opt(r->dhcp_vendor_class));
    zrow_cstr(z, opt(r->device_type));
    zrow_cstr(z, opt(r->os));
    zrow_list_begin(z);
    for (size_t i = 0; i < r->n_hints; i++) {
        asset_hint_text(&r->hints[i], buf, sizeof buf);
        zrow_item_cstr(z, buf);
    }
    zrow_list_end(z);
    zrow_list_begin(z);
    for (size_t i = 0; i < r->n_services; i++) {
        asset_service_text(&r->services[i], buf, sizeof buf);
        zrow_item_cstr(z, buf);
    }
    zrow_list_end(z);
    zrow_list_begin(z);
    for (size_t i = 0; i < r->n_peers; i++)
        zrow_item_addr(z, &r->peers[i].addr);
    zrow_list_end(z);
    zrow_count(z, r->n_peers_total);
    zrow_count(z, r->bytes_out_external);
    asset_risk_text(r, buf, sizeof buf);
    zrow_cstr(z, opt(buf));
    zrow_cstr(z, opt(r->risk_reason));
    zrow_cstr(z, opt(r->risk_source));
    zrow_time(z, r->first_us);
    zrow_time(z, r->last_us);
    zrow_end(z);
}

static void write_eve(struct output_worker *w, enum asset_event ev, int64_t ts, const struct asset_record *r)
{
    struct json_writer *j = eve_begin(w);
    if (j == NULL)
        return;
    struct eve_tuple none = {0};
    eve_header(j, ts, 0, "asset", &none);
    json_key(j, "asset");
    json_object_begin(j);
    json_kv_str(j, "event", asset_event_name(ev));
    asset_record_json_members(j, r);
    json_object_end(j);
    eve_end(w);
}

void output_asset(struct output_worker *w, enum asset_event ev, int64_t ts_us, const struct asset_record *r)
{
    write_zeek(w, ev, ts_us, r);
    write_eve(w, ev, ts_us, r);
}
