#include "output/alert_eve.h"

#include <stdio.h>
#include <string.h>

struct json_writer *alert_eve_begin(struct output_worker *w, const struct alert_head *h)
{
    struct json_writer *j = eve_begin(w);
    if (j == NULL)
        return NULL;
    eve_header(j, h->ts_us, h->flow_id, "alert", &h->tuple);
    if (h->community_id && h->community_id[0])
        eve_community_id(j, h->community_id);
    json_key(j, "alert");
    json_object_begin(j);
    json_kv_str(j, "action", "allowed");
    json_kv_uint(j, "gid", 1);
    json_kv_uint(j, "signature_id", h->signature_id);
    json_kv_uint(j, "rev", 1);
    json_kv_str(j, "signature", h->signature);
    json_kv_str(j, "category", h->category);
    json_kv_uint(j, "severity", (uint64_t)h->severity);
    json_key(j, "metadata");
    json_object_begin(j);
    return j;
}

#define META_MAX_ITEMS 16

void alert_meta_list(struct json_writer *j, const char *key, const char *list)
{
    if (list == NULL)
        return;
    struct {
        const char *p;
        size_t n;
    } items[META_MAX_ITEMS];
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
            items[n_items].p = b;
            items[n_items].n = (size_t)(e - b);
            n_items++;
        }
        p = *end ? end + 1 : end;
    }
    if (n_items == 0)
        return;
    json_key(j, key);
    json_array_begin(j);
    for (size_t i = 0; i < n_items; i++)
        json_string(j, items[i].p, items[i].n);
    json_array_end(j);
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
