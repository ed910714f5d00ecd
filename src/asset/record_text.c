#include "asset/record_text.h"

#include <netinet/in.h>
#include <stddef.h>
#include <string.h>

#include "util/strcut.h"

const char *asset_event_name(enum asset_event ev)
{
    switch (ev) {
    case ASSET_NEW: return "new";
    case ASSET_CHANGED: return "changed";
    case ASSET_FINAL: return "final";
    }
    return "?";
}

/* Written by hand: every record of every device lists its services. */
void asset_service_text(const struct asset_service *s, char *out, size_t n)
{
    char text[16];
    size_t len = json_fmt_u64(text, s->port);
    const char *proto = s->proto == IPPROTO_TCP ? "/tcp" : s->proto == IPPROTO_UDP ? "/udp" : "/other";
    size_t plen = strlen(proto);
    memcpy(text + len, proto, plen + 1);
    len += plen;
    strcut_copy(out, n, text, len);
}

void asset_text_join(char *out, size_t n, const char *const *parts, size_t k)
{
    if (n == 0)
        return;
    size_t len = 0;
    for (size_t i = 0; i < k && len + 1 < n; i++) {
        size_t m = strlen(parts[i]);
        if (m > n - 1 - len)
            m = n - 1 - len;
        memcpy(out + len, parts[i], m);
        len += m;
    }
    out[len] = '\0';
}

void asset_hint_text(const struct asset_hint *h, char *out, size_t n)
{
    const char *parts[] = {h->source, h->device_type[0] ? "/" : "", h->device_type, ": ", h->text};
    asset_text_join(out, n, parts, sizeof parts / sizeof *parts);
}

void asset_risk_text(const struct asset_record *r, char *out, size_t n)
{
    const char *parts[] = {r->risk_group ? r->risk_group : "", r->risk_group ? "/" : "",
                           r->risk_group && r->risk_level ? r->risk_level : ""};
    asset_text_join(out, n, parts, sizeof parts / sizeof *parts);
}

static void kv_opt(struct json_writer *j, const char *key, const char *v)
{
    if (v && v[0])
        json_kv_str(j, key, v);
}

static void kv_time(struct json_writer *j, const char *key, int64_t us)
{
    char text[48];
    json_kv_strn(j, key, text, json_fmt_utc_us(text, us));
}

/* "key":[...] with item i of a record's list written by put. */
static void json_list(struct json_writer *j, const char *key, const struct asset_record *r, size_t n,
                      void (*put)(struct json_writer *, const struct asset_record *, size_t))
{
    json_key(j, key);
    json_array_begin(j);
    for (size_t i = 0; i < n; i++)
        put(j, r, i);
    json_array_end(j);
}

static void put_addr(struct json_writer *j, const struct ip_addr *a)
{
    char s[IP_ADDR_STRLEN];
    ip_addr_format(a, s, sizeof s);
    json_cstr(j, s);
}

static void put_own_addr(struct json_writer *j, const struct asset_record *r, size_t i)
{
    put_addr(j, &r->addrs[i]);
}

static void put_peer(struct json_writer *j, const struct asset_record *r, size_t i)
{
    put_addr(j, &r->peers[i].addr);
}

static void put_hint(struct json_writer *j, const struct asset_record *r, size_t i)
{
    char text[256];
    asset_hint_text(&r->hints[i], text, sizeof text);
    json_cstr(j, text);
}

static void put_service(struct json_writer *j, const struct asset_record *r, size_t i)
{
    char text[32];
    asset_service_text(&r->services[i], text, sizeof text);
    json_cstr(j, text);
}

/* What the device says it is, in the order the logs list it. */
static const struct {
    const char *key;
    size_t offset;
} identity_texts[] = {
    {"dhcp_fingerprint", offsetof(struct asset_record, dhcp_fingerprint)},
    {"dhcp_vendor_class", offsetof(struct asset_record, dhcp_vendor_class)},
    {"device_type", offsetof(struct asset_record, device_type)},
    {"os", offsetof(struct asset_record, os)},
};

void asset_record_json_members(struct json_writer *j, const struct asset_record *r)
{
    json_kv_str(j, "key", r->key);
    if (r->has_mac)
        json_kv_str(j, "mac", r->key);
    kv_opt(j, "vendor", r->vendor);
    json_kv_bool(j, "local_admin", r->local_admin);
    json_kv_bool(j, "gateway", r->gateway);
    json_list(j, "addrs", r, r->n_addrs, put_own_addr);
    kv_opt(j, "host_name", r->host_name);
    if (r->host_name[0])
        kv_opt(j, "host_name_source", r->host_name_source);
    for (size_t i = 0; i < sizeof identity_texts / sizeof *identity_texts; i++)
        kv_opt(j, identity_texts[i].key, (const char *)r + identity_texts[i].offset);
    json_list(j, "hints", r, r->n_hints, put_hint);
    json_list(j, "services", r, r->n_services, put_service);
    json_list(j, "external_peers", r, r->n_peers, put_peer);
    json_kv_uint(j, "n_external_peers", r->n_peers_total);
    json_kv_uint(j, "bytes_out_external", r->bytes_out_external);
    char risk[128];
    asset_risk_text(r, risk, sizeof risk);
    kv_opt(j, "risk", risk);
    kv_opt(j, "risk_reason", r->risk_reason);
    kv_opt(j, "risk_source", r->risk_source);
    kv_time(j, "first_seen", r->first_us);
    kv_time(j, "last_seen", r->last_us);
}
