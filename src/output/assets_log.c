#include "output/assets_log.h"

#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

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

const char *asset_event_name(enum asset_event ev)
{
    switch (ev) {
    case ASSET_NEW: return "new";
    case ASSET_CHANGED: return "changed";
    case ASSET_FINAL: return "final";
    }
    return "?";
}

static const char *opt(const char *s)
{
    return s && s[0] ? s : NULL;
}

static void service_text(const struct asset_service *s, char *out, size_t n)
{
    snprintf(out, n, "%u/%s", s->port, s->proto == IPPROTO_TCP ? "tcp" : s->proto == IPPROTO_UDP ? "udp" : "other");
}

static void hint_text(const struct asset_hint *h, char *out, size_t n)
{
    snprintf(out, n, "%s%s%s: %s", h->source, h->device_type[0] ? "/" : "", h->device_type, h->text);
}

static void risk_text(const struct asset_record *r, char *out, size_t n)
{
    if (r->risk_group[0])
        snprintf(out, n, "%s/%s", r->risk_group, r->risk_level);
    else
        out[0] = '\0';
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
    zrow_list_begin(z);
    for (size_t i = 0; i < r->n_addrs; i++)
        zrow_item_addr(z, &r->addrs[i]);
    zrow_list_end(z);
    zrow_cstr(z, opt(r->host_name));
    zrow_cstr(z, r->host_name[0] ? r->host_name_source : NULL);
    zrow_cstr(z, opt(r->dhcp_fingerprint));
    zrow_cstr(z, opt(r->dhcp_vendor_class));
    zrow_cstr(z, opt(r->device_type));
    zrow_cstr(z, opt(r->os));
    zrow_list_begin(z);
    for (size_t i = 0; i < r->n_hints; i++) {
        hint_text(&r->hints[i], buf, sizeof buf);
        zrow_item_cstr(z, buf);
    }
    zrow_list_end(z);
    zrow_list_begin(z);
    for (size_t i = 0; i < r->n_services; i++) {
        service_text(&r->services[i], buf, sizeof buf);
        zrow_item_cstr(z, buf);
    }
    zrow_list_end(z);
    zrow_list_begin(z);
    for (size_t i = 0; i < r->n_peers; i++)
        zrow_item_addr(z, &r->peers[i].addr);
    zrow_list_end(z);
    zrow_count(z, r->n_peers_total);
    zrow_count(z, r->bytes_out_external);
    risk_text(r, buf, sizeof buf);
    zrow_cstr(z, opt(buf));
    zrow_cstr(z, opt(r->risk_reason));
    zrow_cstr(z, opt(r->risk_source));
    zrow_time(z, r->first_us);
    zrow_time(z, r->last_us);
    zrow_end(z);
}

static void kv_opt(struct json_writer *j, const char *key, const char *v)
{
    if (v && v[0])
        json_kv_str(j, key, v);
}

static void addr_array(struct json_writer *j, const char *key, const struct ip_addr *a, size_t n, size_t stride)
{
    char s[IP_ADDR_STRLEN];
    json_key(j, key);
    json_array_begin(j);
    for (size_t i = 0; i < n; i++) {
        ip_addr_format((const struct ip_addr *)((const char *)a + i * stride), s, sizeof s);
        json_cstr(j, s);
    }
    json_array_end(j);
}

void asset_record_json_members(struct json_writer *j, const struct asset_record *r)
{
    char buf[256];
    json_kv_str(j, "key", r->key);
    if (r->has_mac)
        json_kv_str(j, "mac", r->key);
    kv_opt(j, "vendor", r->vendor);
    json_kv_bool(j, "local_admin", r->local_admin);
    json_kv_bool(j, "gateway", r->gateway);
    addr_array(j, "addrs", r->addrs, r->n_addrs, sizeof r->addrs[0]);
    kv_opt(j, "host_name", r->host_name);
    if (r->host_name[0])
        kv_opt(j, "host_name_source", r->host_name_source);
    kv_opt(j, "dhcp_fingerprint", r->dhcp_fingerprint);
    kv_opt(j, "dhcp_vendor_class", r->dhcp_vendor_class);
    kv_opt(j, "device_type", r->device_type);
    kv_opt(j, "os", r->os);
    json_key(j, "hints");
    json_array_begin(j);
    for (size_t i = 0; i < r->n_hints; i++) {
        hint_text(&r->hints[i], buf, sizeof buf);
        json_cstr(j, buf);
    }
    json_array_end(j);
    json_key(j, "services");
    json_array_begin(j);
    for (size_t i = 0; i < r->n_services; i++) {
        service_text(&r->services[i], buf, sizeof buf);
        json_cstr(j, buf);
    }
    json_array_end(j);
    addr_array(j, "external_peers", &r->peers[0].addr, r->n_peers, sizeof r->peers[0]);
    json_kv_uint(j, "n_external_peers", r->n_peers_total);
    json_kv_uint(j, "bytes_out_external", r->bytes_out_external);
    risk_text(r, buf, sizeof buf);
    kv_opt(j, "risk", buf);
    kv_opt(j, "risk_reason", r->risk_reason);
    kv_opt(j, "risk_source", r->risk_source);
    eve_kv_time(j, "first_seen", r->first_us);
    eve_kv_time(j, "last_seen", r->last_us);
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
