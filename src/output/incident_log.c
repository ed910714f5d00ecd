#include "output/incident_log.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "incident/killchain.h"
#include "output/eve.h"
#include "output/zeek_log.h"

static const struct zeek_field incident_fields[] = {
    {"ts", ZEEK_TIME},
    {"incident_id", ZEEK_STRING},
    {"host", ZEEK_ADDR},
    {"device", ZEEK_STRING},
    {"severity", ZEEK_ENUM},
    {"score", ZEEK_COUNT},
    {"chained", ZEEK_BOOL},
    {"stages", ZEEK_VECTOR_STRING},
    {"tactics", ZEEK_SET_STRING},
    {"techniques", ZEEK_SET_STRING},
    {"first_seen", ZEEK_TIME},
    {"last_seen", ZEEK_TIME},
    {"events", ZEEK_COUNT},
    {"kinds", ZEEK_VECTOR_STRING},
    {"peers", ZEEK_VECTOR_STRING},
    {"bytes_out", ZEEK_COUNT},
    {"uids", ZEEK_SET_STRING},
    {"community_ids", ZEEK_SET_STRING},
    {"file_hashes", ZEEK_SET_STRING},
    {"sids", ZEEK_SET_COUNT},
    {"related", ZEEK_SET_STRING},
    {"revision", ZEEK_COUNT},
};
static const struct zeek_schema incident_schema = ZEEK_SCHEMA("incident", incident_fields);

static void kind_text(const struct kind_count *k, char *out, size_t n)
{
    snprintf(out, n, "%.47s=%llu", k->kind, (unsigned long long)k->count);
}

static void peer_text(const struct peer_ref *p, char *out, size_t n)
{
    char a[IP_ADDR_STRLEN] = "";
    if (p->has_addr)
        ip_addr_format(&p->addr, a, sizeof a);
    if (p->name[0] && a[0])
        snprintf(out, n, "%.95s/%s", p->name, a);
    else
        snprintf(out, n, "%s", a[0] ? a : p->name);
}

/* An evidence string field, once per distinct value, for sets. */
typedef const char *(*evidence_str_fn)(const struct evidence *e);
static const char *ev_uid(const struct evidence *e) { return e->uid; }
static const char *ev_cid(const struct evidence *e) { return e->community_id; }
static const char *ev_hash(const struct evidence *e) { return e->file_hash; }

static bool seen_before(const struct incident *inc, unsigned i, evidence_str_fn get)
{
    for (unsigned k = 0; k < i; k++)
        if (strcmp(get(&inc->evidence[k]), get(&inc->evidence[i])) == 0)
            return true;
    return false;
}

static void zrow_evidence_set(struct zrow *r, const struct incident *inc, evidence_str_fn get)
{
    zrow_list_begin(r);
    for (unsigned i = 0; i < inc->n_evidence; i++)
        if (get(&inc->evidence[i])[0] && !seen_before(inc, i, get))
            zrow_item_cstr(r, get(&inc->evidence[i]));
    zrow_list_end(r);
}

static void write_zeek(struct output_worker *w, const struct incident *inc)
{
    struct zrow *r = zrow_begin(w, &incident_schema);
    if (r == NULL)
        return;
    char id[16], text[160];
    incident_format_id(inc->id, id, sizeof id);
    zrow_time(r, inc->last_us);
    zrow_cstr(r, id);
    zrow_addr(r, &inc->host);
    zrow_cstr(r, inc->device[0] ? inc->device : NULL);
    zrow_enum(r, incident_severity_name(inc->severity));
    zrow_count(r, inc->score);
    zrow_bool(r, inc->chained);
    zrow_list_begin(r);
    for (unsigned s = KC_DELIVERY; s < KC_STAGE_COUNT; s++)
        if (inc->stage_events[s])
            zrow_item_cstr(r, kc_stage_name((enum kc_stage)s));
    zrow_list_end(r);
    zrow_texts(r, (const char *)inc->tactics, sizeof inc->tactics[0], inc->n_tactics);
    zrow_texts(r, (const char *)inc->techniques, sizeof inc->techniques[0], inc->n_techniques);
    zrow_time(r, inc->first_us);
    zrow_time(r, inc->last_us);
    zrow_count(r, inc->events);
    zrow_list_begin(r);
    for (unsigned i = 0; i < inc->n_kinds; i++) {
        kind_text(&inc->kinds[i], text, sizeof text);
        zrow_item_cstr(r, text);
    }
    zrow_list_end(r);
    zrow_list_begin(r);
    for (unsigned i = 0; i < inc->n_peers; i++) {
        peer_text(&inc->peers[i], text, sizeof text);
        zrow_item_cstr(r, text);
    }
    zrow_list_end(r);
    zrow_count(r, inc->bytes_out);
    zrow_evidence_set(r, inc, ev_uid);
    zrow_evidence_set(r, inc, ev_cid);
    zrow_evidence_set(r, inc, ev_hash);
    zrow_list_begin(r);
    for (unsigned i = 0; i < inc->n_evidence; i++) {
        bool dup = false;
        for (unsigned k = 0; k < i && !dup; k++)
            dup = inc->evidence[k].sid == inc->evidence[i].sid;
        if (inc->evidence[i].sid && !dup)
            zrow_item_count(r, inc->evidence[i].sid);
    }
    zrow_list_end(r);
    zrow_list_begin(r);
    for (unsigned i = 0; i < inc->n_related; i++) {
        incident_format_id(inc->related[i], id, sizeof id);
        zrow_item_cstr(r, id);
    }
    zrow_list_end(r);
    zrow_count(r, inc->revision);
    zrow_end(r);
}

static void json_opt_str(struct json_writer *j, const char *key, const char *v)
{
    if (v[0])
        json_kv_str(j, key, v);
}

/* An evidence's optional texts, as members when not empty: those before
 * its signature_id, then those after. */
struct evidence_text {
    const char *key;
    size_t offset;              /* of a char array in struct evidence */
};
#define EVIDENCE_TEXT(key, member) {(key), offsetof(struct evidence, member)}
static const struct evidence_text texts_before_sid[] = {
    EVIDENCE_TEXT("tactic", tactic), EVIDENCE_TEXT("technique", technique), EVIDENCE_TEXT("peer", peer),
    EVIDENCE_TEXT("uid", uid), EVIDENCE_TEXT("community_id", community_id), EVIDENCE_TEXT("file_sha256", file_hash),
};
static const struct evidence_text texts_after_sid[] = {
    EVIDENCE_TEXT("rule_source", rule_file), EVIDENCE_TEXT("reason", reason), EVIDENCE_TEXT("link", link),
};

static void evidence_texts(struct json_writer *j, const struct evidence *e, const struct evidence_text *t, size_t n)
{
    for (size_t i = 0; i < n; i++)
        json_opt_str(j, t[i].key, (const char *)e + t[i].offset);
}

static void write_evidence(struct json_writer *j, const struct evidence *e)
{
    json_object_begin(j);
    eve_kv_time(j, "timestamp", e->ts_us);
    json_kv_str(j, "stage", kc_stage_name(e->stage));
    json_kv_str(j, "kind", e->kind);
    json_kv_str(j, "source", e->source);
    evidence_texts(j, e, texts_before_sid, sizeof texts_before_sid / sizeof texts_before_sid[0]);
    if (e->sid)
        json_kv_uint(j, "signature_id", e->sid);
    evidence_texts(j, e, texts_after_sid, sizeof texts_after_sid / sizeof texts_after_sid[0]);
    json_object_end(j);
}

static void write_eve(struct output_worker *w, const struct incident *inc)
{
    struct json_writer *j = eve_begin(w);
    if (j == NULL)
        return;
    /* The tuple wants both ends; an incident has one host. */
    eve_header(j, inc->last_us, 0, "incident", NULL);
    char id[16], text[160];
    ip_addr_format(&inc->host, text, sizeof text);
    json_kv_str(j, "src_ip", text);
    incident_format_id(inc->id, id, sizeof id);
    json_key(j, "incident");
    json_object_begin(j);
    json_kv_str(j, "id", id);
    json_kv_uint(j, "revision", inc->revision);
    json_kv_str(j, "severity", incident_severity_name(inc->severity));
    json_kv_uint(j, "score", inc->score);
    json_kv_bool(j, "chained", inc->chained);
    json_opt_str(j, "device", inc->device);
    eve_kv_time(j, "first_seen", inc->first_us);
    eve_kv_time(j, "last_seen", inc->last_us);
    json_kv_uint(j, "events", inc->events);
    json_kv_uint(j, "bytes_out", inc->bytes_out);
    json_key(j, "stages");
    json_array_begin(j);
    for (unsigned s = KC_DELIVERY; s < KC_STAGE_COUNT; s++) {
        if (!inc->stage_events[s])
            continue;
        json_object_begin(j);
        json_kv_str(j, "stage", kc_stage_name((enum kc_stage)s));
        json_kv_uint(j, "events", inc->stage_events[s]);
        eve_kv_time(j, "first_seen", inc->stage_first[s]);
        eve_kv_time(j, "last_seen", inc->stage_last[s]);
        json_object_end(j);
    }
    json_array_end(j);
    json_kv_texts(j, "tactics", (const char *)inc->tactics, sizeof inc->tactics[0], inc->n_tactics);
    json_kv_texts(j, "techniques", (const char *)inc->techniques, sizeof inc->techniques[0], inc->n_techniques);
    json_key(j, "peers");
    json_array_begin(j);
    for (unsigned i = 0; i < inc->n_peers; i++) {
        peer_text(&inc->peers[i], text, sizeof text);
        json_cstr(j, text);
    }
    json_array_end(j);
    json_key(j, "kinds");
    json_object_begin(j);
    for (unsigned i = 0; i < inc->n_kinds; i++)
        json_kv_uint(j, inc->kinds[i].kind, inc->kinds[i].count);
    if (inc->other_kinds)
        json_kv_uint(j, "other", inc->other_kinds);
    json_object_end(j);
    json_key(j, "evidence");
    json_array_begin(j);
    for (unsigned i = 0; i < inc->n_evidence; i++)
        write_evidence(j, &inc->evidence[i]);
    json_array_end(j);
    json_key(j, "related");
    json_array_begin(j);
    for (unsigned i = 0; i < inc->n_related; i++) {
        incident_format_id(inc->related[i], id, sizeof id);
        json_cstr(j, id);
    }
    json_array_end(j);
    json_object_end(j);
    eve_end(w);
}

void output_incident(struct output_worker *w, const struct incident *inc)
{
    write_zeek(w, inc);
    write_eve(w, inc);
}
