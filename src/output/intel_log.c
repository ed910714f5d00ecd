/* intel.log: Zeek's Intel::Info columns (ts, uid, id, seen.*, matched,
 * sources, fuid, file_mime_type, file_desc), then Vigil's: the feed entry
 * that matched (a parent domain or a subnet may match what was seen),
 * what the feeds say of it, so a responder needs no second lookup, and
 * `validity`: whether the traffic fell inside the indicator's validity
 * window or predates it (a retro-hunt) or follows its expiry. */
#include "output/intel_log.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "output/alert_eve.h"
#include "output/zeek_log.h"

static const struct zeek_field intel_fields[] = {
    ZEEK_FIELDS_TS_UID_ID,
    {"seen.indicator", ZEEK_STRING},
    {"seen.indicator_type", ZEEK_ENUM},
    {"seen.where", ZEEK_ENUM},
    {"seen.node", ZEEK_STRING},
    {"matched", ZEEK_SET_ENUM},
    {"sources", ZEEK_SET_STRING},
    {"fuid", ZEEK_STRING},
    {"file_mime_type", ZEEK_STRING},
    {"file_desc", ZEEK_STRING},
    {"indicator", ZEEK_STRING},
    {"desc", ZEEK_STRING},
    {"actor", ZEEK_STRING},
    {"attack", ZEEK_SET_STRING},
    {"threat_level", ZEEK_STRING},
    {"validity", ZEEK_STRING},
};
static const struct zeek_schema intel_schema = ZEEK_SCHEMA("intel", intel_fields);

const char *intel_threat_level_name(int level)
{
    static const char *const names[] = {NULL, "high", "medium", "low", "undefined"};
    return level >= 1 && level <= 4 ? names[level] : NULL;
}

int intel_entry_threat_level(const struct intel_entry *e)
{
    int best = 0;
    for (uint32_t i = 0; i < e->n_meta; i++) {
        int l = e->meta[i]->threat_level;
        if (l >= 1 && l <= 4 && (best == 0 || l < best))
            best = l;
    }
    return best;
}

/* Whether the comma-separated list (n bytes) already holds v as whole
 * item(s): a substring test would drop "APT1" after "APT12"; v may itself
 * contain commas (a description). */
static bool list_has(const char *list, size_t n, const char *v)
{
    size_t vn = strlen(v);
    for (size_t i = 0; i + vn <= n; i++) {
        bool at_item = i == 0 || list[i - 1] == ',';
        if (at_item && memcmp(list + i, v, vn) == 0 && (i + vn == n || list[i + vn] == ','))
            return true;
    }
    return false;
}

/* Joins one meta field of every feed entry, comma-separated, duplicates dropped. */
static const char *join_meta(const struct intel_entry *e, size_t field_offset, char *buf, size_t cap)
{
    size_t n = 0;
    buf[0] = '\0';
    for (uint32_t i = 0; i < e->n_meta; i++) {
        const char *v = *(const char *const *)((const char *)e->meta[i] + field_offset);
        if (v == NULL || v[0] == '\0' || list_has(buf, n, v))
            continue;
        int w = snprintf(buf + n, cap - n, "%s%s", n ? "," : "", v);
        if (w < 0 || (size_t)w >= cap - n)
            break;
        n += (size_t)w;
    }
    return n ? buf : NULL;
}

#define META(field) offsetof(struct intel_meta, field)

static void zrow_comma_set(struct zrow *r, const char *list)
{
    zrow_list_begin(r);
    for (const char *p = list; p && *p;) {
        const char *end = strchr(p, ',');
        if (end == NULL)
            end = p + strlen(p);
        const char *b = p;
        while (b < end && *b == ' ')
            b++;
        if (end > b)
            zrow_item_string(r, b, (size_t)(end - b));
        p = *end ? end + 1 : end;
    }
    zrow_list_end(r);
}

static void write_zeek(struct output_worker *w, const struct intel_sighting *s)
{
    struct zrow *r = zrow_begin(w, &intel_schema);
    if (r == NULL)
        return;
    const struct intel_entry *e = s->entry;
    char buf[1024];
    zrow_time(r, s->ts_us);
    if (s->has_conn) {
        zrow_cstr(r, s->uid);
        zrow_addr(r, &s->orig_h);
        zrow_port(r, s->orig_p);
        zrow_addr(r, &s->resp_h);
        zrow_port(r, s->resp_p);
    } else {
        for (int i = 0; i < 5; i++)
            zrow_unset(r);
    }
    zrow_string(r, s->seen, s->seen_len);
    zrow_enum(r, intel_type_zeek_name(s->seen_type));
    zrow_enum(r, s->where);
    zrow_cstr(r, "vigil");
    zrow_list_begin(r);
    zrow_item_cstr(r, intel_type_zeek_name(e->type));
    zrow_list_end(r);
    zrow_comma_set(r, join_meta(e, META(source), buf, sizeof buf));
    zrow_cstr(r, s->fuid);
    zrow_cstr(r, s->file_mime_type);
    zrow_cstr(r, s->file_desc);
    zrow_cstr(r, e->indicator);
    zrow_cstr(r, join_meta(e, META(desc), buf, sizeof buf));
    zrow_cstr(r, join_meta(e, META(actor), buf, sizeof buf));
    const char *attack = join_meta(e, META(attack), buf, sizeof buf);
    if (zrow_present(r, attack))
        zrow_comma_set(r, attack);
    zrow_cstr(r, intel_threat_level_name(intel_entry_threat_level(e)));
    zrow_cstr(r, intel_validity_name(s->validity));
    zrow_end(r);
}

static int severity_of(int threat_level)
{
    switch (threat_level) {
    case 1: return 1;
    case 3:
    case 4: return 3;
    default: return 2;
    }
}

static void write_eve(struct output_worker *w, const struct intel_sighting *s)
{
    const struct intel_entry *e = s->entry;
    char signature[512], buf[1024];
    snprintf(signature, sizeof signature, "VIGIL INTEL %s %s seen in %s", intel_type_zeek_name(e->type),
             e->indicator, s->where);
    int level = intel_entry_threat_level(e);
    struct alert_head h = {
        .ts_us = s->ts_us,
        .flow_id = s->has_conn ? s->flow_id : 0,
        .community_id = s->community_id,
        .signature_id = VIGIL_SID_INTEL_BASE + (uint32_t)e->type,
        .signature = signature,
        .category = "Threat Intelligence Match",
        .severity = severity_of(level),
    };
    if (s->has_conn)
        h.tuple = (struct eve_tuple){.src = &s->orig_h, .dst = &s->resp_h, .src_port = s->orig_p,
                                     .dst_port = s->resp_p, .proto = s->proto};
    struct json_writer *j = alert_eve_begin(w, &h);
    if (j == NULL)
        return;
    alert_meta_str(j, "indicator", e->indicator);
    alert_meta_str(j, "indicator_type", intel_type_zeek_name(e->type));
    alert_meta_strn(j, "seen", s->seen, s->seen_len);
    alert_meta_str(j, "where", s->where);
    alert_meta_str(j, "validity", intel_validity_name(s->validity));
    alert_meta_list(j, "feed", join_meta(e, META(source), buf, sizeof buf));
    const char *desc = join_meta(e, META(desc), buf, sizeof buf);
    if (desc)
        alert_meta_str(j, "event", desc);
    alert_meta_list(j, "reference", join_meta(e, META(ref), buf, sizeof buf));
    alert_meta_str(j, "threat_level", intel_threat_level_name(level));
    alert_meta_list(j, "tags", join_meta(e, META(tags), buf, sizeof buf));
    alert_meta_list(j, "actor", join_meta(e, META(actor), buf, sizeof buf));
    alert_meta_list(j, "malware", join_meta(e, META(malware), buf, sizeof buf));
    alert_meta_list(j, "attack_technique", join_meta(e, META(attack), buf, sizeof buf));
    if (s->fuid)
        alert_meta_str(j, "fuid", s->fuid);
    alert_eve_end(w, j, s->app_proto);
}

void output_intel(struct output_worker *w, const struct intel_sighting *s)
{
    if (w == NULL || s == NULL || s->entry == NULL)
        return;
    write_zeek(w, s);
    write_eve(w, s);
}
