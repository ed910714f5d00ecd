/* dhcp.log as Zeek's base/protocols/dhcp writes it, and Suricata's EVE
 * dhcp event as its Rust logger writes it with `extended: yes`. */
#include "output/dhcp_log.h"

#include <stdio.h>
#include <string.h>

#include "output/eve.h"
#include "output/output_internal.h"
#include "output/zeek_log.h"

static const struct zeek_field dhcp_fields[] = {
    {"ts", ZEEK_TIME},
    {"uids", ZEEK_SET_STRING},
    {"client_addr", ZEEK_ADDR},
    {"server_addr", ZEEK_ADDR},
    {"mac", ZEEK_STRING},
    {"host_name", ZEEK_STRING},
    {"client_fqdn", ZEEK_STRING},
    {"domain", ZEEK_STRING},
    {"requested_addr", ZEEK_ADDR},
    {"assigned_addr", ZEEK_ADDR},
    {"lease_time", ZEEK_INTERVAL},
    {"client_message", ZEEK_STRING},
    {"server_message", ZEEK_STRING},
    {"msg_types", ZEEK_VECTOR_STRING},
    {"duration", ZEEK_INTERVAL},
};
static const struct zeek_schema dhcp_schema = ZEEK_SCHEMA("dhcp", dhcp_fields);

/* DHCP::message_types (base/protocols/dhcp/consts.zeek). */
static const char *const message_type_names[] = {
    NULL,          "DISCOVER",   "OFFER",           "REQUEST",        "DECLINE",          "ACK",
    "NAK",         "RELEASE",    "INFORM",          "FORCERENEW",     "LEASEQUERY",       "LEASEUNASSIGNED",
    "LEASEUNKNOWN", "LEASEACTIVE", "BULKLEASEQUERY", "LEASEQUERYDONE", "ACTIVELEASEQUERY", "LEASEQUERYSTATUS",
    "TLS",
};

/* The summary carries its own uids: it may be published on another
 * connection's call, or at the end of the run with no connection at all. */
static void write_summary(struct output_worker *w, const struct dhcp_summary *s)
{
    struct zrow *r = zrow_begin(w, &dhcp_schema);
    if (r == NULL)
        return;
    zrow_time(r, s->ts_us);
    zrow_list_begin(r);
    for (size_t i = 0; i < s->n_uids && i < DHCP_MAX_UIDS; i++)
        zrow_item_string(r, s->uids[i], strnlen(s->uids[i], sizeof s->uids[i]));
    zrow_list_end(r);
    zrow_opt_addr(r, s->has_client_addr, &s->client_addr);
    zrow_opt_addr(r, s->has_server_addr, &s->server_addr);
    zrow_cstr(r, s->mac[0] ? s->mac : NULL);
    zrow_opt_string(r, s->host_name.set, s->host_name.bytes, s->host_name.len);
    zrow_opt_string(r, s->client_fqdn.set, s->client_fqdn.bytes, s->client_fqdn.len);
    zrow_opt_string(r, s->domain.set, s->domain.bytes, s->domain.len);
    zrow_opt_addr(r, s->has_requested_addr, &s->requested_addr);
    zrow_opt_addr(r, s->has_assigned_addr, &s->assigned_addr);
    if (zrow_present(r, s->has_lease_time))
        zrow_interval(r, (int64_t)s->lease_time_s * 1000000);
    zrow_opt_string(r, s->client_message.set, s->client_message.bytes, s->client_message.len);
    zrow_opt_string(r, s->server_message.set, s->server_message.bytes, s->server_message.len);
    zrow_list_begin(r);
    for (size_t i = 0; i < s->n_msg_types && i < DHCP_MAX_MSG_TYPES; i++) {
        uint8_t t = s->msg_types[i];
        if (t > 0 && t < sizeof message_type_names / sizeof *message_type_names) {
            zrow_item_cstr(r, message_type_names[t]);
        } else {
            char name[40];
            snprintf(name, sizeof name, "unknown-message-type-%u", (unsigned)t);
            zrow_item_cstr(r, name);
        }
    }
    zrow_list_end(r);
    zrow_interval_between(r, s->ts_us, s->last_us);
    zrow_end(r);
}

/* ---- EVE ---------------------------------------------------------------- */

static void kv_ipv4(struct json_writer *j, const char *key, const uint8_t *a, size_t n)
{
    char text[16] = "";
    if (n == 4)
        snprintf(text, sizeof text, "%u.%u.%u.%u", a[0], a[1], a[2], a[3]);
    json_kv_str(j, key, text);
}

static void kv_hex(struct json_writer *j, const char *key, const uint8_t *p, size_t n)
{
    char text[3 * 255 + 1];
    size_t k = 0;
    text[0] = '\0';
    for (size_t i = 0; i < n && k + 3 < sizeof text; i++)
        k += (size_t)snprintf(text + k, sizeof text - k, i ? ":%02x" : "%02x", p[i]);
    json_kv_str(j, key, text);
}

static const char *dhcp_type_name(uint8_t t)
{
    static const char *const names[] = {NULL, "discover", "offer", "request", "decline",
                                        "ack", "nak",      "release", "inform"};
    return t >= 1 && t <= 8 ? names[t] : "unknown";
}

static const char *param_name(uint8_t p)
{
    switch (p) {
    case 1: return "subnet_mask";
    case 3: return "router";
    case 6: return "dns_server";
    case 15: return "domain";
    case 35: return "arp_timeout";
    case 42: return "ntp_server";
    case 66: return "tftp_server_name";
    case 150: return "tftp_server_ip";
    default: return NULL;
    }
}

static void ipv4_array(struct json_writer *j, const char *key, const struct dhcp_option *o)
{
    json_key(j, key);
    json_array_begin(j);
    for (size_t i = 0; i + 4 <= o->len; i += 4) {
        char text[16];
        snprintf(text, sizeof text, "%u.%u.%u.%u", o->data[i], o->data[i + 1], o->data[i + 2], o->data[i + 3]);
        json_cstr(j, text);
    }
    json_array_end(j);
}

/* Suricata's rust/src/dhcp/logger.rs: `extended: no` leaves out every
 * option but the client id, renewal time, host name and message type. */
static void eve_option(struct json_writer *j, const struct dhcp_option *o, bool extended)
{
    bool basic = o->code == 61 || o->code == 58 || o->code == 12 || o->code == 53;
    if (!basic && !extended)
        return;
    switch (o->code) {
    case 61: /* client id: the bytes after the hardware type */
        if (o->len > 1)
            kv_hex(j, "client_id", o->data + 1, o->len - 1u);
        break;
    case 51:
    case 58:
    case 59:
        if (o->len >= 4) {
            uint32_t v = (uint32_t)o->data[0] << 24 | (uint32_t)o->data[1] << 16 | (uint32_t)o->data[2] << 8 |
                         o->data[3];
            json_kv_uint(j, o->code == 51 ? "lease_time" : o->code == 59 ? "rebinding_time" : "renewal_time", v);
        }
        break;
    case 1: kv_ipv4(j, "subnet_mask", o->data, o->len); break;
    case 12:
        if (o->len > 0)
            json_kv_strn(j, "hostname", o->data, o->len);
        break;
    case 53:
        if (o->len > 0)
            json_kv_str(j, "dhcp_type", dhcp_type_name(o->data[0]));
        break;
    case 50: kv_ipv4(j, "requested_ip", o->data, o->len); break;
    case 55:
        json_key(j, "params");
        json_array_begin(j);
        for (size_t i = 0; i < o->len; i++)
            if (param_name(o->data[i]) != NULL)
                json_cstr(j, param_name(o->data[i]));
        json_array_end(j);
        break;
    case 6: ipv4_array(j, "dns_servers", o); break;
    case 3: ipv4_array(j, "routers", o); break;
    case 60:
        if (o->len > 0)
            json_kv_strn(j, "vendor_class_identifier", o->data, o->len);
        break;
    default: break;
    }
}

static void write_message(struct output_worker *w, const struct app_conn *c, const struct dhcp_message *m)
{
    /* Without `extended`, Suricata logs the ACKs only. */
    bool extended = (w->o->formats & OUTPUT_EVE_DHCP_EXTENDED) != 0;
    if (!extended && !(m->has_msg_type && m->msg_type == 5))
        return;
    /* One event per datagram: addressed as the packet travelled. */
    struct json_writer *j = eve_begin_app_object(w, c, m->from_orig, m->ts_us, "dhcp");
    if (j == NULL)
        return;
    json_kv_str(j, "type", m->op == 1 ? "request" : m->op == 2 ? "reply" : "<unknown>");
    json_kv_uint(j, "id", m->xid);
    kv_hex(j, "client_mac", m->chaddr, m->hlen < 16 ? m->hlen : 16);
    kv_ipv4(j, "assigned_ip", m->yiaddr, 4);
    if (extended) {
        kv_ipv4(j, "client_ip", m->ciaddr, 4);
        if (m->op == 2) {
            kv_ipv4(j, "relay_ip", m->giaddr, 4);
            kv_ipv4(j, "next_server_ip", m->siaddr, 4);
        }
    }
    for (size_t i = 0; i < m->n_options && i < DHCP_MAX_OPTIONS; i++)
        eve_option(j, &m->options[i], extended);
    json_object_end(j);
    eve_community_id(j, c->community_id);
    eve_end(w);
}

void output_dhcp(struct output_worker *w, const struct app_conn *c, const struct dhcp_txn *t)
{
    if (t->kind == DHCP_TXN_MESSAGE && t->msg != NULL)
        write_message(w, c, t->msg);
    else if (t->kind == DHCP_TXN_SUMMARY && t->summary != NULL)
        write_summary(w, t->summary);
}

TXN_WRITER(dhcp);
