/* STIX 2.1 loader: indicator objects of a bundle (or a bare list of
 * objects, or one object) whose STIX pattern names something Vigil can
 * match. Relationships from the indicator (and one hop further, from the
 * malware or campaign it indicates) give the malware, actor and ATT&CK
 * techniques.
 *
 * Objects come in any order, so every object is indexed by id first and
 * the indicators are read in a second pass. An object may come in several
 * versions (same id, different "modified"): the latest one stands. */
#include "intel/intel.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "intel/feed_json.h"
#include "intel/intel_internal.h"
#include "intel/stix_pattern.h"
#include "util/civil.h"

/* A description standing in for a missing name is cut to this. */
#define STIX_DESC_MAX 200
/* Relationships followed from one indicator, and from each object one hop
 * further: bounds the work a bundle with huge fan-out costs per indicator. */
#define STIX_FOLLOW_MAX 256
#define STIX_SECOND_HOP_MAX 64
/* Comparisons kept on the stack; patterns with more get a heap array. */
#define STIX_COMPARISONS_INLINE 64

/* An object found by id, or a relationship found by its source_ref. */
struct stix_ref {
    const char *id;
    const json_t *obj;
    size_t order;   /* position in the file: equal ids keep it */
    size_t current; /* objects only: index of the version of this id in force */
};

struct stix_index {
    struct stix_ref *objects;    /* by id */
    size_t n_objects;
    struct stix_ref *relations;  /* relationship objects by source_ref */
    size_t n_relations;
};

struct stix_file {
    struct intel_store *store;
    struct intel_load_report *rep;
    const char *name;
    struct stix_index index;
};


static void name_list_add_strings(struct name_list *l, const json_t *list)
{
    size_t i;
    const json_t *v;
    if (!json_is_array(list))
        return;
    json_array_foreach(list, i, v)
        if (json_is_string(v))
            name_list_add(l, json_string_value(v), json_string_length(v));
}

static bool text_is(const char *s, size_t len, const char *word)
{
    return s != NULL && strlen(word) == len && memcmp(s, word, len) == 0;
}

/* ---- timestamps ---- */

static bool read_digits(const char *s, size_t len, size_t *pos, size_t count, int *out)
{
    int v = 0;
    for (size_t i = 0; i < count; i++) {
        if (*pos >= len || s[*pos] < '0' || s[*pos] > '9')
            return false;
        v = v * 10 + (s[(*pos)++] - '0');
    }
    *out = v;
    return true;
}

static bool read_char(const char *s, size_t len, size_t *pos, const char *accepted)
{
    if (*pos >= len || strchr(accepted, s[*pos]) == NULL || s[*pos] == '\0')
        return false;
    (*pos)++;
    return true;
}

static int days_in_month(int y, int m)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : days[m - 1];
}

/* RFC 3339 "2016-04-06T20:03:48.123Z" or with a "+02:00" offset, to
 * microseconds since the epoch. */
static bool parse_timestamp(const char *s, size_t len, int64_t *us)
{
    size_t pos = 0;
    int y, mo, d, h, mi, sec;
    if (!read_digits(s, len, &pos, 4, &y) || !read_char(s, len, &pos, "-") ||
        !read_digits(s, len, &pos, 2, &mo) || !read_char(s, len, &pos, "-") ||
        !read_digits(s, len, &pos, 2, &d) || !read_char(s, len, &pos, "Tt ") ||
        !read_digits(s, len, &pos, 2, &h) || !read_char(s, len, &pos, ":") ||
        !read_digits(s, len, &pos, 2, &mi) || !read_char(s, len, &pos, ":") ||
        !read_digits(s, len, &pos, 2, &sec))
        return false;
    if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) || h > 23 || mi > 59 || sec > 60)
        return false;
    int64_t frac = 0;
    if (pos < len && s[pos] == '.') {
        pos++;
        size_t digits = 0;
        while (pos < len && s[pos] >= '0' && s[pos] <= '9') {
            if (digits < 6)
                frac = frac * 10 + (s[pos] - '0');
            digits++;
            pos++;
        }
        if (digits == 0)
            return false;
        for (; digits < 6; digits++)
            frac *= 10;
    }
    int64_t offset_s = 0;
    if (pos < len && (s[pos] == 'Z' || s[pos] == 'z')) {
        pos++;
    } else if (pos < len && (s[pos] == '+' || s[pos] == '-')) {
        int sign = s[pos] == '-' ? -1 : 1;
        int oh, om;
        pos++;
        if (!read_digits(s, len, &pos, 2, &oh) || !read_char(s, len, &pos, ":") ||
            !read_digits(s, len, &pos, 2, &om) || oh > 23 || om > 59)
            return false;
        offset_s = sign * (oh * 3600 + om * 60);
    } else {
        return false;
    }
    if (pos != len)
        return false;
    int64_t secs = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec - offset_s;
    *us = secs * 1000000 + frac;
    return true;
}

/* ---- the id index ---- */

static int ref_compare(const void *a, const void *b)
{
    const struct stix_ref *x = a, *y = b;
    int c = strcmp(x->id, y->id);
    if (c != 0)
        return c;
    return x->order < y->order ? -1 : x->order > y->order;
}

/* Index of the first ref with this id, or n when there is none. */
static size_t ref_first(const struct stix_ref *refs, size_t n, const char *id)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(refs[mid].id, id) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && strcmp(refs[lo].id, id) == 0 ? lo : n;
}

static const json_t *index_find(const struct stix_index *ix, const json_t *id)
{
    if (!json_is_string(id))
        return NULL;
    size_t i = ref_first(ix->objects, ix->n_objects, json_string_value(id));
    return i < ix->n_objects ? ix->objects[ix->objects[i].current].obj : NULL;
}

static int64_t modified_of(const json_t *obj)
{
    size_t len = 0;
    int64_t us;
    const char *ts = json_text(obj, "modified", &len);
    return ts != NULL && parse_timestamp(ts, len, &us) ? us : INT64_MIN;
}

/* For each run of equal ids in the sorted objects, the version in force:
 * the latest "modified", the first in the file on a tie. */
static void index_mark_current(struct stix_index *ix)
{
    struct stix_ref *o = ix->objects;
    size_t start = 0;
    while (start < ix->n_objects) {
        size_t end = start + 1, best = start;
        int64_t best_modified = modified_of(o[start].obj);
        for (; end < ix->n_objects && strcmp(o[end].id, o[start].id) == 0; end++) {
            int64_t m = modified_of(o[end].obj);
            if (m > best_modified) {
                best = end;
                best_modified = m;
            }
        }
        for (size_t k = start; k < end; k++)
            o[k].current = best;
        start = end;
    }
}

static bool index_build(struct stix_index *ix, const json_t *objects)
{
    size_t n = json_array_size(objects);
    ix->objects = calloc(n ? n : 1, sizeof *ix->objects);
    ix->relations = calloc(n ? n : 1, sizeof *ix->relations);
    if (ix->objects == NULL || ix->relations == NULL)
        return false;
    size_t i;
    const json_t *obj;
    json_array_foreach(objects, i, obj) {
        size_t type_len = 0, id_len = 0;
        const char *type = json_text(obj, "type", &type_len);
        const char *id = json_text(obj, "id", &id_len);
        if (type == NULL || id == NULL)
            continue;
        ix->objects[ix->n_objects++] = (struct stix_ref){id, obj, i, 0};
        const json_t *source = json_object_get(obj, "source_ref");
        if (text_is(type, type_len, "relationship") && json_is_string(source) &&
            !json_is_true(json_object_get(obj, "revoked")))
            ix->relations[ix->n_relations++] = (struct stix_ref){json_string_value(source), obj, i, 0};
    }
    qsort(ix->objects, ix->n_objects, sizeof *ix->objects, ref_compare);
    qsort(ix->relations, ix->n_relations, sizeof *ix->relations, ref_compare);
    index_mark_current(ix);
    return true;
}

static void index_free(struct stix_index *ix)
{
    free(ix->objects);
    free(ix->relations);
}

/* ---- relationships ---- */

static bool followed_relationship(const json_t *rel)
{
    size_t len = 0;
    const char *type = json_text(rel, "relationship_type", &len);
    return text_is(type, len, "indicates") || text_is(type, len, "attributed-to") || text_is(type, len, "uses") ||
           text_is(type, len, "related-to");
}

/* An attack-pattern as its ATT&CK id (external_references[] entry of
 * source "mitre-attack"), else its name. */
static void add_attack_pattern(struct feed_context *c, const json_t *ap)
{
    size_t i, len = 0;
    const json_t *ref;
    json_array_foreach(json_object_get(ap, "external_references"), i, ref) {
        const char *source = json_text(ref, "source_name", &len);
        if (!text_is(source, len, "mitre-attack"))
            continue;
        const char *id = json_text(ref, "external_id", &len);
        if (id != NULL && len > 0) {
            name_list_add(&c->attack, id, len);
            return;
        }
    }
    const char *name = json_text(ap, "name", &len);
    if (name != NULL)
        name_list_add(&c->attack, name, len);
}

static void follow_relations(const struct stix_index *ix, const char *from, struct feed_context *c, bool second_hop);

/* What a related object adds. A malware, tool or campaign is followed one
 * hop further for the actor it is attributed to and the techniques it uses. */
static void add_related(const struct stix_index *ix, const json_t *target, struct feed_context *c, bool second_hop)
{
    size_t type_len = 0, name_len = 0, id_len = 0;
    const char *type = json_text(target, "type", &type_len);
    const char *name = json_text(target, "name", &name_len);
    const char *id = json_text(target, "id", &id_len);
    if (type == NULL)
        return;
    if (text_is(type, type_len, "threat-actor") || text_is(type, type_len, "intrusion-set")) {
        if (name != NULL)
            name_list_add(&c->actor, name, name_len);
    } else if (text_is(type, type_len, "attack-pattern")) {
        add_attack_pattern(c, target);
    } else if (!second_hop && (text_is(type, type_len, "malware") || text_is(type, type_len, "tool"))) {
        if (name != NULL)
            name_list_add(&c->malware, name, name_len);
        if (id != NULL)
            follow_relations(ix, id, c, true);
    } else if (!second_hop && text_is(type, type_len, "campaign")) {
        if (name != NULL) {
            char tag[160];
            int n = snprintf(tag, sizeof tag, "campaign:%.*s", (int)utf8_prefix(name, name_len, 140), name);
            if (n > 0)
                name_list_add(&c->tags, tag, (size_t)n < sizeof tag ? (size_t)n : sizeof tag - 1);
        }
        if (id != NULL)
            follow_relations(ix, id, c, true);
    }
}

/* Relationships whose source is `from`. Second-hop calls do not go further. */
static void follow_relations(const struct stix_index *ix, const char *from, struct feed_context *c, bool second_hop)
{
    size_t budget = second_hop ? STIX_SECOND_HOP_MAX : STIX_FOLLOW_MAX;
    for (size_t i = ref_first(ix->relations, ix->n_relations, from);
         i < ix->n_relations && strcmp(ix->relations[i].id, from) == 0 && budget > 0; i++) {
        const json_t *rel = ix->relations[i].obj;
        if (!followed_relationship(rel))
            continue;
        budget--;
        const json_t *target = index_find(ix, json_object_get(rel, "target_ref"));
        if (target != NULL)
            add_related(ix, target, c, second_hop);
    }
}

/* ---- indicators ---- */

struct indicator_meta {
    struct intel_meta meta;
    struct feed_context context;
    char desc[STIX_DESC_MAX + 1];
    char ref[160];
};

static void read_meta(struct stix_file *f, const json_t *ind, const char *label, struct indicator_meta *im)
{
    memset(im, 0, sizeof *im);
    struct intel_meta *m = &im->meta;
    size_t len = 0;
    const json_t *creator = index_find(&f->index, json_object_get(ind, "created_by_ref"));
    m->source = json_text(creator, "name", &len);
    if (m->source == NULL || len == 0)
        m->source = intel_base_name(f->name);

    const char *text = json_text(ind, "name", &len);
    if (text == NULL || len == 0)
        text = json_text(ind, "description", &len);
    if (text != NULL && len > 0) {
        len = utf8_prefix(text, len, STIX_DESC_MAX);
        memcpy(im->desc, text, len);
        im->desc[len] = '\0';
        m->desc = im->desc;
    }
    const char *id = json_text(ind, "id", &len);
    if (id != NULL) {
        snprintf(im->ref, sizeof im->ref, "stix:%.*s", (int)utf8_prefix(id, len, 150), id);
        m->ref = im->ref;
    }

    name_list_add_strings(&im->context.tags, json_object_get(ind, "labels"));
    name_list_add_strings(&im->context.tags, json_object_get(ind, "indicator_types"));
    if (id != NULL)
        follow_relations(&f->index, id, &im->context, false);
    feed_context_meta(&im->context, m);

    static const char *const fields[2] = {"valid_from", "valid_until"};
    int64_t *targets[2] = {&m->valid_from_us, &m->valid_until_us};
    for (int i = 0; i < 2; i++) {
        const char *ts = json_text(ind, fields[i], &len);
        if (ts != NULL && !parse_timestamp(ts, len, targets[i])) {
            char shown[61];
            printable_copy(shown, sizeof shown, ts, len);
            intel_report_example(f->rep, "%s: %s: bad %s ignored: %s", f->name, label, fields[i], shown);
        }
    }
}

/* Adds the supported comparisons of a parsed pattern. */
static void add_comparisons(struct stix_file *f, const char *where, const struct stix_comparison *cmp, size_t n,
                            const struct intel_meta *meta)
{
    for (size_t i = 0; i < n; i++)
        add_at(f->store, f->rep, where, cmp[i].type, cmp[i].value, cmp[i].len, meta);
}

static void load_pattern(struct stix_file *f, const char *where, const char *pattern, size_t len,
                         const struct intel_meta *meta)
{
    struct intel_load_report *rep = f->rep;
    char *arena = malloc(len + 1);
    if (arena == NULL) {
        reject_at(rep, &rep->errors, where, "out of memory for the pattern", pattern, len);
        return;
    }
    struct stix_comparison inline_cmp[STIX_COMPARISONS_INLINE];
    struct stix_comparison *cmp = inline_cmp;
    struct stix_pattern_summary sum;
    int rc = stix_pattern_parse(pattern, len, arena, len + 1, cmp, STIX_COMPARISONS_INLINE, &sum);
    if (rc == 0 && sum.n_supported > STIX_COMPARISONS_INLINE) {
        cmp = calloc(sum.n_supported, sizeof *cmp);
        size_t wanted = sum.n_supported;
        if (cmp == NULL) {
            cmp = inline_cmp;
            sum.n_supported = STIX_COMPARISONS_INLINE;
        } else {
            rc = stix_pattern_parse(pattern, len, arena, len + 1, cmp, wanted, &sum);
        }
    }
    char reason[160];
    if (rc != 0) {
        snprintf(reason, sizeof reason, "bad STIX pattern (%s)", sum.reason ? sum.reason : "syntax");
        reject_at(rep, &rep->errors, where, reason, pattern, len);
    } else if (sum.n_supported == 0) {
        snprintf(reason, sizeof reason, "unsupported STIX pattern (%s)", sum.reason ? sum.reason : "no comparison");
        reject_at(rep, &rep->unsupported, where, reason, pattern, len);
    } else {
        add_comparisons(f, where, cmp, sum.n_supported, meta);
        if (sum.unsupported_may_match) {
            snprintf(reason, sizeof reason, "STIX pattern partly unsupported (%s)", sum.reason ? sum.reason : "?");
            reject_at(rep, &rep->unsupported, where, reason, pattern, len);
        }
    }
    if (cmp != inline_cmp)
        free(cmp);
    free(arena);
}

static void load_indicator(struct stix_file *f, const json_t *ind)
{
    struct intel_load_report *rep = f->rep;
    size_t len = 0;
    const char *id = json_text(ind, "id", &len);
    char shown_id[161], label[192], where[320];
    printable_copy(shown_id, sizeof shown_id, id != NULL ? id : "?", id != NULL ? len : 1);
    snprintf(label, sizeof label, "indicator %s", shown_id);
    snprintf(where, sizeof where, "%s: %s", f->name, label);

    if (json_is_true(json_object_get(ind, "revoked"))) {
        rep->skipped_revoked++;
        return;
    }
    const char *pattern_type = json_text(ind, "pattern_type", &len);
    if (json_object_get(ind, "pattern_type") != NULL && !text_is(pattern_type, len, "stix")) {
        reject_at(rep, &rep->unsupported, where, "unsupported pattern_type", pattern_type ? pattern_type : "",
                          pattern_type ? len : 0);
        return;
    }
    const char *pattern = json_text(ind, "pattern", &len);
    if (pattern == NULL) {
        reject_at(rep, &rep->errors, where, "indicator without a pattern string", "", 0);
        return;
    }
    struct indicator_meta im;
    read_meta(f, ind, label, &im);
    load_pattern(f, where, pattern, len, &im.meta);
}

/* The objects of a bundle, of a bare list, or a single object (wrapped in
 * *wrapper, which the caller releases). NULL when there are none; a bundle
 * whose "objects" is not a list is counted as an error. */
static const json_t *object_list(struct stix_file *f, const json_t *root, json_t **wrapper)
{
    *wrapper = NULL;
    if (json_is_array(root))
        return root;
    size_t len = 0;
    const char *type = json_text(root, "type", &len);
    if (text_is(type, len, "bundle")) {
        const json_t *objects = json_object_get(root, "objects");
        if (json_is_array(objects))
            return objects;
        if (objects != NULL)
            reject_at(f->rep, &f->rep->errors, f->name, "bundle objects is not a list", "", 0);
        return NULL;
    }
    if (type == NULL)
        return NULL;
    *wrapper = json_array();
    if (*wrapper == NULL || json_array_append(*wrapper, (json_t *)root) != 0)
        return NULL;
    return *wrapper;
}

static int order_compare(const void *a, const void *b)
{
    size_t x = ((const struct stix_ref *)a)->order, y = ((const struct stix_ref *)b)->order;
    return x < y ? -1 : x > y;
}

static void load_objects(struct stix_file *f, const json_t *objects)
{
    struct stix_index *ix = &f->index;
    if (!index_build(ix, objects)) {
        reject_at(f->rep, &f->rep->errors, f->name, "out of memory indexing the objects", "", 0);
        return;
    }
    /* the indicators in force, in file order so examples follow the file */
    struct stix_ref *indicators = calloc(ix->n_objects ? ix->n_objects : 1, sizeof *indicators);
    if (indicators == NULL) {
        reject_at(f->rep, &f->rep->errors, f->name, "out of memory indexing the objects", "", 0);
        return;
    }
    size_t n = 0, len = 0;
    for (size_t i = 0; i < ix->n_objects; i++) {
        const char *type = json_text(ix->objects[i].obj, "type", &len);
        if (ix->objects[i].current == i && text_is(type, len, "indicator"))
            indicators[n++] = ix->objects[i];
    }
    qsort(indicators, n, sizeof *indicators, order_compare);
    for (size_t i = 0; i < n; i++)
        load_indicator(f, indicators[i].obj);
    free(indicators);
}

void intel_load_stix(struct intel_store *s, const char *name, const uint8_t *p, size_t n, struct intel_load_report *rep)
{
    struct stix_file f = {.store = s, .rep = rep, .name = name != NULL ? name : "(stix)"};
    json_error_t err;
    json_t *root = json_loadb((const char *)p, n, JSON_DECODE_ANY | JSON_DECODE_INT_AS_REAL | JSON_ALLOW_NUL, &err);
    if (root == NULL) {
        intel_feed_reject(rep, &rep->errors, f.name, err.line > 0 ? (uint64_t)err.line : 0, "malformed JSON",
                          err.text, strlen(err.text));
        return;
    }
    json_t *wrapper;
    const json_t *objects = object_list(&f, root, &wrapper);
    if (objects != NULL)
        load_objects(&f, objects);
    if (f.index.n_objects == 0)
        intel_report_example(rep, "%s: no STIX object in the file", f.name);
    index_free(&f.index);
    json_decref(wrapper);
    json_decref(root);
}
