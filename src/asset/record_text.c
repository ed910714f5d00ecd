#include "asset/record_text.h"

#include <netinet/in.h>
#include <stdio.h>
#include <time.h>

const char *asset_event_name(enum asset_event ev)
{
    switch (ev) {
    case ASSET_NEW: return "new";
    case ASSET_CHANGED: return "changed";
    case ASSET_FINAL: return "final";
    }
    return "?";
}

void asset_service_text(const struct asset_service *s, char *out, size_t n)
{
    snprintf(out, n, "%u/%s", s->port, s->proto == IPPROTO_TCP ? "tcp" : s->proto == IPPROTO_UDP ? "udp" : "other");
}

void asset_hint_text(const struct asset_hint *h, char *out, size_t n)
{
    snprintf(out, n, "%s%s%s: %s", h->source, h->device_type[0] ? "/" : "", h->device_type, h->text);
}

void asset_risk_text(const struct asset_record *r, char *out, size_t n)
{
    if (r->risk_group)
        snprintf(out, n, "%s/%s", r->risk_group, r->risk_level);
    else if (n)
        out[0] = '\0';
}

static void kv_opt(struct json_writer *j, const char *key, const char *v)
{
    if (v && v[0])
        json_kv_str(j, key, v);
}

static void kv_time(struct json_writer *j, const char *key, int64_t us)
{
    time_t s = (time_t)(us / 1000000);
    struct tm tm;
    gmtime_r(&s, &tm);
    char text[64];
    snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%06lld+0000", tm.tm_year + 1900, tm.tm_mon + 1,
             tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (long long)(us % 1000000));
    json_kv_str(j, key, text);
}

static void addr_item(struct json_writer *j, const struct ip_addr *a)
{
    char s[IP_ADDR_STRLEN];
    ip_addr_format(a, s, sizeof s);
    json_cstr(j, s);
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
    json_key(j, "addrs");
    json_array_begin(j);
    for (size_t i = 0; i < r->n_addrs; i++)
        addr_item(j, &r->addrs[i]);
    json_array_end(j);
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
        asset_hint_text(&r->hints[i], buf, sizeof buf);
        json_cstr(j, buf);
    }
    json_array_end(j);
    json_key(j, "services");
    json_array_begin(j);
    for (size_t i = 0; i < r->n_services; i++) {
        asset_service_text(&r->services[i], buf, sizeof buf);
        json_cstr(j, buf);
    }
    json_array_end(j);
    json_key(j, "external_peers");
    json_array_begin(j);
    for (size_t i = 0; i < r->n_peers; i++)
        addr_item(j, &r->peers[i].addr);
    json_array_end(j);
    json_kv_uint(j, "n_external_peers", r->n_peers_total);
    json_kv_uint(j, "bytes_out_external", r->bytes_out_external);
    asset_risk_text(r, buf, sizeof buf);
    kv_opt(j, "risk", buf);
    kv_opt(j, "risk_reason", r->risk_reason);
    kv_opt(j, "risk_source", r->risk_source);
    kv_time(j, "first_seen", r->first_us);
    kv_time(j, "last_seen", r->last_us);
}
