#include "output/alert_eve.h"

#include "output/output_internal.h"

#include <stdio.h>
#include <string.h>

/* "alert":{"action":...,"severity":N  (left open) */
static void alert_object_begin(struct json_writer *j, const char *action, uint32_t gid, uint32_t sid, uint32_t rev,
                               const char *signature, const char *category, int severity)
{
    json_key(j, "alert");
    json_object_begin(j);
    json_kv_str(j, "action", action);
    json_kv_uint(j, "gid", gid);
    json_kv_uint(j, "signature_id", sid);
    json_kv_uint(j, "rev", rev);
    json_kv_str(j, "signature", signature);
    json_kv_str(j, "category", category);
    json_kv_uint(j, "severity", (uint64_t)severity);
}

struct json_writer *alert_eve_begin(struct output_worker *w, const struct alert_head *h)
{
    struct json_writer *j = eve_begin(w);
    if (j == NULL)
        return NULL;
    eve_header(j, h->ts_us, h->flow_id, "alert", &h->tuple);
    if (h->community_id && h->community_id[0])
        eve_community_id(j, h->community_id);
    alert_object_begin(j, "allowed", 1, h->signature_id, 1, h->signature, h->category, h->severity);
    json_key(j, "metadata");
    json_object_begin(j);
    return j;
}

#define META_MAX_ITEMS 16

void alert_meta_list(struct json_writer *j, const char *key, const char *list)
{
    if (list == NULL)
        return;
    struct byte_view items[META_MAX_ITEMS];
    size_t n_items = 0;
    const char *p = list;
    while (*p && n_items < META_MAX_ITEMS) {
        const char *end = strchr(p, ',');
        if (end == NULL)
            end = p + strlen(p);
        const char *b = p, *e = end;
        while (b < e && *b == ' ')
            b++;
        while (e > b && e[-1] == ' ')
            e--;
        bool dup = false;
        for (size_t i = 0; i < n_items && !dup; i++)
            dup = items[i].n == (size_t)(e - b) && memcmp(items[i].p, b, items[i].n) == 0;
        if (e > b && !dup) {
            items[n_items].p = (const uint8_t *)b;
            items[n_items].n = (size_t)(e - b);
            n_items++;
        }
        p = *end ? end + 1 : end;
    }
    if (n_items == 0)
        return;
    eve_kv_views(j, key, items, n_items);
}

void alert_meta_strn(struct json_writer *j, const char *key, const char *value, size_t n)
{
    if (value == NULL)
        return;
    json_key(j, key);
    json_array_begin(j);
    json_string(j, value, n);
    json_array_end(j);
}

void alert_meta_str(struct json_writer *j, const char *key, const char *value)
{
    if (value)
        alert_meta_strn(j, key, value, strlen(value));
}

void alert_meta_uint(struct json_writer *j, const char *key, uint64_t v)
{
    char tmp[24];
    int n = snprintf(tmp, sizeof tmp, "%llu", (unsigned long long)v);
    alert_meta_strn(j, key, tmp, (size_t)n);
}

void alert_meta_double(struct json_writer *j, const char *key, double v)
{
    char tmp[32];
    int n = snprintf(tmp, sizeof tmp, "%.3f", v);
    alert_meta_strn(j, key, tmp, (size_t)n);
}

void alert_eve_end(struct output_worker *w, struct json_writer *j, const char *app_proto)
{
    json_object_end(j); /* metadata */
    json_object_end(j); /* alert */
    if (app_proto)
        json_kv_str(j, "app_proto", app_proto);
    eve_end(w);
}

static bool key_seen_before(const struct alert *a, size_t i)
{
    for (size_t k = 0; k < i; k++)
        if (a->meta[k].key && strcmp(a->meta[k].key, a->meta[i].key) == 0)
            return true;
    return false;
}

/* Each key once, with every value given for it, in order of first appearance. */
static void write_metadata(struct json_writer *j, const struct alert *a)
{
    if (a->n_attack == 0 && a->n_meta == 0)
        return;
    json_key(j, "metadata");
    json_object_begin(j);
    if (a->n_attack) {
        json_key(j, "attack_technique");
        json_array_begin(j);
        for (unsigned i = 0; i < a->n_attack && i < ALERT_MAX_ATTACK; i++)
            json_cstr(j, a->attack[i] ? a->attack[i] : "");
        json_array_end(j);
    }
    for (size_t i = 0; i < a->n_meta; i++) {
        const char *key = a->meta[i].key;
        if (key == NULL || key_seen_before(a, i))
            continue;
        json_key(j, key);
        json_array_begin(j);
        for (size_t k = i; k < a->n_meta; k++)
            if (a->meta[k].key && strcmp(a->meta[k].key, key) == 0)
                json_cstr(j, a->meta[k].value ? a->meta[k].value : "");
        json_array_end(j);
    }
    json_object_end(j);
}

/* The flow's counters when the alert fired, addresses in the originator's
 * direction (Suricata's alert `flow` object). */
static void flow_object(struct json_writer *j, const struct alert *a)
{
    eve_flow_begin(j, (const uint64_t[4]){a->pkts_toserver, a->pkts_toclient, a->bytes_toserver, a->bytes_toclient},
                   a->flow_start_us);
    char addr[IP_ADDR_STRLEN];
    ip_addr_format_eve(&a->orig_h, addr, sizeof addr);
    json_kv_str(j, "src_ip", addr);
    ip_addr_format_eve(&a->resp_h, addr, sizeof addr);
    json_kv_str(j, "dest_ip", addr);
    if (a->proto == 6 || a->proto == 17 || a->proto == 132) {
        json_kv_uint(j, "src_port", a->orig_p);
        json_kv_uint(j, "dest_port", a->resp_p);
    }
    json_object_end(j);
}

/* Suricata's payload_printable: printable ASCII, CR and LF as they are,
 * any other byte a dot. */
static void payload_printable(struct json_writer *j, const uint8_t *p, size_t n)
{
    char chunk[256];
    size_t used = 0;
    json_key(j, "payload_printable");
    json_raw(j, "\"", 1);
    for (size_t i = 0; i < n; i++) {
        uint8_t c = p[i];
        if (c == '"' || c == '\\') {
            chunk[used++] = '\\';
            chunk[used++] = (char)c;
        } else if (c == '\n' || c == '\r') {
            chunk[used++] = '\\';
            chunk[used++] = c == '\n' ? 'n' : 'r';
        } else {
            chunk[used++] = c >= 0x20 && c < 0x7f ? (char)c : '.';
        }
        if (used > sizeof chunk - 4) {
            buf_append(j->b, chunk, used);
            used = 0;
        }
    }
    buf_append(j->b, chunk, used);
    buf_putc(j->b, '"');
}

static void inspected_bytes(struct json_writer *j, const struct alert *a, unsigned formats)
{
    if ((formats & OUTPUT_EVE_ALERT_PAYLOAD) && a->payload) {
        json_key(j, "payload");
        eve_base64(j, a->payload, a->payload_len);
        payload_printable(j, a->payload, a->payload_len);
        json_kv_uint(j, "stream", a->stream ? 1 : 0);
    }
    if ((formats & OUTPUT_EVE_ALERT_PACKET) && a->packet)
        eve_packet(j, a->packet, a->packet_len, a->linktype);
}

void alert_eve_write(struct output_worker *w, const struct alert *a)
{
    struct json_writer *j = eve_begin(w);
    if (j == NULL)
        return;
    struct eve_tuple t = {0};
    if (a->has_conn) {
        bool flip = a->to_client;
        t.src = flip ? &a->resp_h : &a->orig_h;
        t.dst = flip ? &a->orig_h : &a->resp_h;
        t.src_port = flip ? a->resp_p : a->orig_p;
        t.dst_port = flip ? a->orig_p : a->resp_p;
        t.proto = a->proto;
        memcpy(t.vlan, a->vlan, sizeof t.vlan);
    } else if (a->has_src && a->has_dst) {
        t.src = &a->src;
        t.dst = &a->dst;
        t.no_ports = true;
    }
    if (a->packet_number != 0)
        eve_tuple_packet(w, &t, a->packet_number);
    eve_header(j, a->ts_us, a->has_conn ? a->flow_id : 0, "alert", &t);
    if (a->has_conn && a->community_id && a->community_id[0])
        eve_community_id(j, a->community_id);
    alert_object_begin(j, a->action ? a->action : "allowed", a->gid ? a->gid : 1, a->signature_id,
                       a->rev || a->rev_exact ? a->rev : 1, a->signature ? a->signature : "", a->category ? a->category : "",
                       a->severity ? a->severity : 3);
    write_metadata(j, a);
    if (a->rule)
        json_kv_str(j, "rule", a->rule);
    if (a->alert_context && a->alert_context[0]) {
        json_key(j, "context");
        json_object_begin(j);
        json_raw(j, a->alert_context, strlen(a->alert_context));
        json_object_end(j);
    }
    json_object_end(j); /* alert */
    if (a->eve_extra && a->eve_extra[0])
        json_raw(j, a->eve_extra, strlen(a->eve_extra)); /* members: the comma before them comes from json_raw */
    if (a->has_conn && a->app_proto)
        json_kv_str(j, "app_proto", a->app_proto);
    if (a->has_conn && a->has_flow_counts)
        flow_object(j, a);
    inspected_bytes(j, a, w->o->formats);
    eve_end(w);
}
