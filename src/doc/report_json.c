/* A report as the JSON object `vigil inspect` prints (one per file) and
 * `vigil mail` nests under attachments. */
#include "doc/report_json.h"

#include <string.h>

void doc_reasons_json(struct json_writer *w, const struct doc_report *r)
{
    json_key(w, "reasons");
    json_array_begin(w);
    for (size_t i = 0; i < r->n_reasons; i++) {
        json_object_begin(w);
        json_kv_str(w, "code", r->reasons[i].code);
        json_kv_str(w, "detail", r->reasons[i].detail);
        json_object_end(w);
    }
    json_array_end(w);
}

static bool indicator_seen(const struct doc_report *top, const struct doc_report *upto, size_t upto_i,
                           const char *v);

/* Indicators of r and its members, in order, each once (a linear check:
 * there are at most a few dozen). */
static void write_indicators(struct json_writer *w, const struct doc_report *top, const struct doc_report *r)
{
    for (size_t i = 0; i < r->n_indicators; i++)
        if (!indicator_seen(top, r, i, r->indicators[i]))
            json_cstr(w, r->indicators[i]);
    for (size_t i = 0; i < r->n_children; i++)
        write_indicators(w, top, &r->children[i]);
}

/* True when v appears before (upto, upto_i) in the walk order. */
static bool walk_seen(const struct doc_report *r, const struct doc_report *upto, size_t upto_i, const char *v,
                      bool *reached)
{
    for (size_t i = 0; i < r->n_indicators; i++) {
        if (r == upto && i == upto_i) {
            *reached = true;
            return false;
        }
        if (strcmp(r->indicators[i], v) == 0)
            return true;
    }
    for (size_t i = 0; i < r->n_children && !*reached; i++)
        if (walk_seen(&r->children[i], upto, upto_i, v, reached))
            return true;
    return false;
}

static bool indicator_seen(const struct doc_report *top, const struct doc_report *upto, size_t upto_i,
                           const char *v)
{
    bool reached = false;
    return walk_seen(top, upto, upto_i, v, &reached);
}

void doc_indicators_json(struct json_writer *w, const struct doc_report *r, bool own_hash)
{
    json_key(w, "indicators");
    json_array_begin(w);
    write_indicators(w, r, r);
    if (own_hash && r->verdict != VERDICT_CLEAN)
        json_cstr(w, r->sha256);
    for (size_t i = 0; i < r->n_children; i++)
        if (r->children[i].verdict != VERDICT_CLEAN)
            json_cstr(w, r->children[i].sha256);
    json_array_end(w);
}

void doc_report_json_fields(struct json_writer *w, const struct doc_report *r, const char *name_key)
{
    json_kv_str(w, name_key, r->name);
    json_kv_str(w, "verdict", verdict_name(r->verdict));
    json_kv_int(w, "score", r->score);
    doc_reasons_json(w, r);
    json_kv_str(w, "type", r->type);
    json_kv_uint(w, "size", r->size);
    json_kv_str_object(w, "hashes", (const struct json_str_member[]){{"md5", r->md5, JSON_CSTR},
                                                                    {"sha1", r->sha1, JSON_CSTR},
                                                                    {"sha256", r->sha256, JSON_CSTR}}, 3);
    doc_indicators_json(w, r, true);
    if (r->n_children > 0) {
        json_key(w, "contents");
        json_array_begin(w);
        for (size_t i = 0; i < r->n_children; i++) {
            json_object_begin(w);
            doc_report_json_fields(w, &r->children[i], "file");
            json_object_end(w);
        }
        json_array_end(w);
    }
}
