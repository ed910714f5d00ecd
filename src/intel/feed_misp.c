/* MISP event loader: {"Event": {...}}, {"response": [{"Event": ...}, ...]},
 * a list of those, or a bare event object (what PyMISP writes). Attributes
 * of the event and of its objects become indicators when they are meant for
 * detection (to_ids) and of a type Vigil can match; galaxies and tags give
 * the actor, malware and ATT&CK techniques.
 *
 * A feed folder's manifest.json (UUID -> event summary) holds no
 * indicators: it is recognised and skipped without complaint. */
#include "intel/intel.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "intel/feed_json.h"
#include "intel/intel_internal.h"

/* Longest event info kept as meta.desc. */
#define MISP_DESC_MAX 256
/* Unsupported attribute types shown once per file, up to this many. */
#define MISP_SEEN_TYPES 16
#define MISP_TYPE_NAME_MAX 48

struct misp_event {
    const char *source;
    char desc[MISP_DESC_MAX];
    char ref[128];
    int threat_level;
    struct feed_context context;
};

struct misp_file {
    struct intel_store *store;
    struct intel_load_report *rep;
    const char *name;       /* as given: in example lines */
    char seen_types[MISP_SEEN_TYPES][MISP_TYPE_NAME_MAX];
    unsigned n_seen_types;
};


static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool is_alnum(char c)
{
    return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* The last ATT&CK technique id ("T1566" or "T1566.001") standing alone in
 * s, as in "Spearphishing Attachment - T1566.001". Returns its length. */
static size_t attack_id_in(const char *s, size_t n, const char **id)
{
    for (size_t i = n; i-- > 0;) {
        if (s[i] != 'T' || (i > 0 && is_alnum(s[i - 1])) || i + 5 > n)
            continue;
        size_t k = i + 1;
        while (k < n && k < i + 5 && is_digit(s[k]))
            k++;
        if (k != i + 5)
            continue;
        if (k + 4 <= n && s[k] == '.' && is_digit(s[k + 1]) && is_digit(s[k + 2]) && is_digit(s[k + 3]))
            k += 4;
        if (k < n && (is_alnum(s[k]) || s[k] == '.'))
            continue;
        *id = s + i;
        return k - i;
    }
    return 0;
}

static bool looks_like_uuid(const char *s, size_t len)
{
    static const char shape[] = "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx";
    if (len != sizeof shape - 1)
        return false;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        bool hex = is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
        if (shape[i] == '-' ? c != '-' : !hex)
            return false;
    }
    return true;
}

/* ---- galaxies and tags ---- */

enum galaxy_field {
    GALAXY_ACTOR,
    GALAXY_MALWARE,
    GALAXY_ATTACK,
};

struct galaxy_kind {
    const char *type;
    enum galaxy_field field;
};

static const struct galaxy_kind galaxy_kinds[] = {
    {"threat-actor", GALAXY_ACTOR},
    {"mitre-intrusion-set", GALAXY_ACTOR},
    {"mitre-enterprise-attack-intrusion-set", GALAXY_ACTOR},
    {"mitre-mobile-attack-intrusion-set", GALAXY_ACTOR},
    {"eset-threat-actor", GALAXY_ACTOR},
    {"mitre-attack-pattern", GALAXY_ATTACK},
    {"mitre-enterprise-attack-attack-pattern", GALAXY_ATTACK},
    {"mitre-mobile-attack-attack-pattern", GALAXY_ATTACK},
    {"mitre-pre-attack-attack-pattern", GALAXY_ATTACK},
    {"mitre-malware", GALAXY_MALWARE},
    {"mitre-tool", GALAXY_MALWARE},
    {"mitre-enterprise-attack-malware", GALAXY_MALWARE},
    {"mitre-enterprise-attack-tool", GALAXY_MALWARE},
    {"mitre-mobile-attack-malware", GALAXY_MALWARE},
    {"mitre-mobile-attack-tool", GALAXY_MALWARE},
    {"malpedia", GALAXY_MALWARE},
    {"tool", GALAXY_MALWARE},
    {"banker", GALAXY_MALWARE},
    {"ransomware", GALAXY_MALWARE},
    {"rat", GALAXY_MALWARE},
    {"backdoor", GALAXY_MALWARE},
    {"stealer", GALAXY_MALWARE},
    {"botnet", GALAXY_MALWARE},
};

static const struct galaxy_kind *galaxy_kind_of(const char *type, size_t len)
{
    for (size_t i = 0; i < sizeof galaxy_kinds / sizeof galaxy_kinds[0]; i++)
        if (strlen(galaxy_kinds[i].type) == len && memcmp(galaxy_kinds[i].type, type, len) == 0)
            return &galaxy_kinds[i];
    return NULL;
}

/* Files a galaxy cluster value under the field its galaxy feeds. A
 * technique is kept as its id; a cluster without one is dropped. */
static void context_add_cluster(struct feed_context *c, const struct galaxy_kind *kind, const char *value,
                                size_t len, const json_t *cluster)
{
    if (kind->field == GALAXY_ACTOR) {
        name_list_add(&c->actor, value, len);
    } else if (kind->field == GALAXY_MALWARE) {
        name_list_add(&c->malware, value, len);
    } else {
        const char *id = NULL;
        size_t id_len = value != NULL ? attack_id_in(value, len, &id) : 0;
        if (id_len == 0 && cluster != NULL) {
            const json_t *ids = json_object_get(json_object_get(cluster, "meta"), "external_id");
            const json_t *first = json_is_array(ids) ? json_array_get(ids, 0) : ids;
            if (json_is_string(first))
                id_len = attack_id_in(json_string_value(first), json_string_length(first), &id);
        }
        if (id_len > 0)
            name_list_add(&c->attack, id, id_len);
    }
}

/* Galaxy[]: each galaxy's type decides where its clusters' values go. */
static void context_add_galaxies(struct feed_context *c, const json_t *galaxies)
{
    size_t i;
    const json_t *galaxy;
    json_array_foreach(galaxies, i, galaxy) { /* none when galaxies is no array */
        size_t type_len = 0;
        const char *type = json_text(galaxy, "type", &type_len);
        const json_t *clusters = json_object_get(galaxy, "GalaxyCluster");
        size_t k;
        const json_t *cluster;
        json_array_foreach(clusters, k, cluster) {
            size_t ctype_len = type_len;
            const char *ctype = type != NULL ? type : json_text(cluster, "type", &ctype_len);
            const struct galaxy_kind *kind = ctype != NULL ? galaxy_kind_of(ctype, ctype_len) : NULL;
            size_t value_len = 0;
            const char *value = json_text(cluster, "value", &value_len);
            if (kind != NULL && value != NULL)
                context_add_cluster(c, kind, value, value_len, cluster);
        }
    }
}

/* Tag[]: a galaxy tag misp-galaxy:TYPE="VALUE" of a known galaxy goes
 * where the galaxy would; every other tag is kept as a tag. Some galaxies
 * tag by cluster UUID: that says nothing a reader could use, and the
 * event's Galaxy[] names the cluster anyway. */
static void context_add_tags(struct feed_context *c, const json_t *tags)
{
    static const char prefix[] = "misp-galaxy:";
    size_t i;
    const json_t *tag;
    json_array_foreach(tags, i, tag) { /* none when tags is no array */
        size_t len = 0;
        const char *name = json_text(tag, "name", &len);
        if (name == NULL)
            continue;
        if (len > sizeof prefix - 1 && memcmp(name, prefix, sizeof prefix - 1) == 0) {
            const char *type = name + sizeof prefix - 1;
            const char *eq = memchr(type, '=', len - (size_t)(type - name));
            const char *end = name + len;
            if (eq != NULL && end - eq >= 3 && eq[1] == '"' && end[-1] == '"') {
                const struct galaxy_kind *kind = galaxy_kind_of(type, (size_t)(eq - type));
                if (kind != NULL) {
                    const char *value = eq + 2;
                    size_t value_len = (size_t)(end - eq - 3);
                    if (!looks_like_uuid(value, value_len))
                        context_add_cluster(c, kind, value, value_len, NULL);
                    continue;
                }
            }
        }
        name_list_add(&c->tags, name, len);
    }
}

/* ---- attributes ---- */

static void attribute_label(const json_t *attr, size_t index, char *out, size_t outlen)
{
    size_t len = 0;
    const char *uuid = json_text(attr, "uuid", &len);
    if (uuid == NULL)
        uuid = json_text(attr, "id", &len);
    if (uuid != NULL) {
        char shown[65];
        printable_copy(shown, sizeof shown, uuid, len);
        snprintf(out, outlen, "attribute %s", shown);
    } else
        snprintf(out, outlen, "attribute #%zu", index + 1);
}

/* An example line "file: attribute X: reason: value", counted in *counter. */
static void misp_reject(struct misp_file *f, uint64_t *counter, const char *label, const char *reason,
                        const char *value, size_t len)
{
    char where[256];
    snprintf(where, sizeof where, "%s: %s", f->name, label);
    reject_at(f->rep, counter, where, reason, value, len);
}

enum to_ids {
    TO_IDS_YES,
    TO_IDS_NO,
    TO_IDS_BAD,
};

/* to_ids as MISP exports have written it: true/false, "1"/"0", 1/0,
 * "true"/"false". Absent means the feed did not filter: load it. */
static enum to_ids read_to_ids(const json_t *attr)
{
    const json_t *v = json_object_get(attr, "to_ids");
    if (v == NULL || json_is_true(v))
        return TO_IDS_YES;
    if (json_is_false(v))
        return TO_IDS_NO;
    if (json_is_number(v)) {
        double d = json_number_value(v);
        return d == 1 ? TO_IDS_YES : d == 0 ? TO_IDS_NO : TO_IDS_BAD;
    }
    if (json_is_string(v)) {
        const char *s = json_string_value(v);
        if (strcmp(s, "1") == 0 || strcmp(s, "true") == 0 || strcmp(s, "True") == 0)
            return TO_IDS_YES;
        if (strcmp(s, "0") == 0 || strcmp(s, "false") == 0 || strcmp(s, "False") == 0)
            return TO_IDS_NO;
    }
    return TO_IDS_BAD;
}

/* Types whose value looks like something Vigil matches but is not an
 * indicator of that kind: "link" is a reference to a report, "uri" a path
 * without a host. */
static bool misp_type_never_matches(const char *type, size_t len)
{
    return (len == 4 && memcmp(type, "link", 4) == 0) || (len == 3 && memcmp(type, "uri", 3) == 0);
}

/* Counted every time, shown once per type and file: a feed full of
 * "text" attributes must not hide every other example. */
static void report_unsupported_type(struct misp_file *f, const char *label, const char *type, size_t len)
{
    f->rep->unsupported++;
    char shown[MISP_TYPE_NAME_MAX];
    printable_copy(shown, sizeof shown, type, len);
    for (unsigned i = 0; i < f->n_seen_types; i++)
        if (strcmp(f->seen_types[i], shown) == 0)
            return;
    if (f->n_seen_types < MISP_SEEN_TYPES)
        memcpy(f->seen_types[f->n_seen_types++], shown, sizeof shown);
    intel_report_example(f->rep, "%s: %s: unsupported MISP type '%s'", f->name, label, shown);
}

static void load_attribute(struct misp_file *f, const struct misp_event *ev, const struct feed_context *outer,
                           const json_t *attr, size_t index)
{
    char label[96];
    attribute_label(attr, index, label, sizeof label);
    if (!json_is_object(attr)) {
        misp_reject(f, &f->rep->errors, label, "attribute is not an object", "", 0);
        return;
    }
    if (json_is_true(json_object_get(attr, "deleted")))
        return;
    enum to_ids to_ids = read_to_ids(attr);
    if (to_ids == TO_IDS_BAD) {
        misp_reject(f, &f->rep->errors, label, "to_ids is neither true nor false", "", 0);
        return;
    }
    if (to_ids == TO_IDS_NO) {
        f->rep->skipped_not_ids++;
        return;
    }
    size_t type_len = 0, value_len = 0;
    const char *type = json_text(attr, "type", &type_len);
    const char *value = json_text(attr, "value", &value_len);
    if (type == NULL) {
        misp_reject(f, &f->rep->errors, label, "attribute type is not a string", "", 0);
        return;
    }
    if (value == NULL) {
        misp_reject(f, &f->rep->errors, label, "attribute value is not a string", "", 0);
        return;
    }
    /* a malware sample's value is "file name|md5"; without the md5 there
     * is only a file name */
    if (type_len == 14 && memcmp(type, "malware-sample", 14) == 0) {
        if (memchr(value, '|', value_len) == NULL) {
            report_unsupported_type(f, label, type, type_len);
            return;
        }
        type = "filename|md5";
        type_len = 12;
    }
    struct intel_typed_value parts[2];
    unsigned n_parts = misp_type_never_matches(type, type_len)
                           ? 0
                           : intel_split_typed_value(type, type_len, value, value_len, parts);
    if (n_parts == 0) {
        enum intel_type composite[2];
        unsigned n_composite = 0;
        if (intel_type_parse_composite(type, type_len, composite, &n_composite))
            misp_reject(f, &f->rep->invalid, label, "composite value without '|'", value, value_len);
        else
            report_unsupported_type(f, label, type, type_len);
        return;
    }

    struct feed_context c = *outer;
    context_add_tags(&c, json_object_get(attr, "Tag"));
    context_add_galaxies(&c, json_object_get(attr, "Galaxy"));
    struct intel_meta meta = {
        .source = ev->source,
        .desc = ev->desc[0] != '\0' ? ev->desc : NULL,
        .ref = ev->ref[0] != '\0' ? ev->ref : NULL,
        .threat_level = ev->threat_level,
    };
    feed_context_meta(&c, &meta);
    char where[256];
    snprintf(where, sizeof where, "%s: %s", f->name, label);
    for (unsigned i = 0; i < n_parts; i++)
        add_at(f->store, f->rep, where, parts[i].type, parts[i].value, parts[i].len, &meta);
}

/* A list of attributes; `what` names the list in error lines. */
static void load_attribute_list(struct misp_file *f, const struct misp_event *ev, const struct feed_context *c,
                                const json_t *list, const char *what)
{
    if (list == NULL || json_is_null(list))
        return;
    if (!json_is_array(list)) {
        misp_reject(f, &f->rep->errors, what, "Attribute is not a list", "", 0);
        return;
    }
    size_t i;
    const json_t *attr;
    json_array_foreach(list, i, attr)
        load_attribute(f, ev, c, attr, i);
}

static void load_objects(struct misp_file *f, const struct misp_event *ev, const json_t *objects)
{
    if (objects == NULL || json_is_null(objects))
        return;
    if (!json_is_array(objects)) {
        misp_reject(f, &f->rep->errors, "event", "Object is not a list", "", 0);
        return;
    }
    size_t i;
    const json_t *obj;
    json_array_foreach(objects, i, obj) {
        if (!json_is_object(obj)) {
            misp_reject(f, &f->rep->errors, "event", "object is not an object", "", 0);
            continue;
        }
        if (json_is_true(json_object_get(obj, "deleted")))
            continue;
        struct feed_context c = ev->context;
        context_add_tags(&c, json_object_get(obj, "Tag"));
        load_attribute_list(f, ev, &c, json_object_get(obj, "Attribute"), "object");
    }
}

/* ---- events ---- */

static int read_threat_level(const json_t *v)
{
    if (json_is_number(v)) {
        double d = json_number_value(v);
        return (d == 1 || d == 2 || d == 3 || d == 4) ? (int)d : 0;
    }
    if (json_is_string(v) && json_string_length(v) == 1) {
        char c = json_string_value(v)[0];
        return (c >= '1' && c <= '4') ? c - '0' : 0;
    }
    return 0;
}

static void load_event(struct misp_file *f, const json_t *event)
{
    struct misp_event ev;
    memset(&ev, 0, sizeof ev);
    size_t len = 0;
    ev.source = json_text(json_object_get(event, "Orgc"), "name", &len);
    if (ev.source == NULL || len == 0)
        ev.source = json_text(json_object_get(event, "Org"), "name", &len);
    if (ev.source == NULL || len == 0)
        ev.source = intel_base_name(f->name);
    const char *info = json_text(event, "info", &len);
    if (info != NULL) {
        len = utf8_prefix(info, len, sizeof ev.desc - 1);
        memcpy(ev.desc, info, len);
        ev.desc[len] = '\0';
    }
    const char *id = json_text(event, "uuid", &len);
    if (id == NULL || len == 0)
        id = json_text(event, "id", &len);
    if (id != NULL && len > 0)
        snprintf(ev.ref, sizeof ev.ref, "misp:event:%.*s", (int)utf8_prefix(id, len, 100), id);
    ev.threat_level = read_threat_level(json_object_get(event, "threat_level_id"));
    context_add_tags(&ev.context, json_object_get(event, "Tag"));
    context_add_galaxies(&ev.context, json_object_get(event, "Galaxy"));

    load_attribute_list(f, &ev, &ev.context, json_object_get(event, "Attribute"), "event");
    load_objects(f, &ev, json_object_get(event, "Object"));
}

/* An event without its {"Event": ...} wrapper: it has attributes or
 * objects, or the fields every event has. */
static bool looks_like_event(const json_t *obj)
{
    return json_object_get(obj, "Attribute") != NULL || json_object_get(obj, "Object") != NULL ||
           (json_is_string(json_object_get(obj, "info")) &&
            (json_object_get(obj, "threat_level_id") != NULL || json_object_get(obj, "analysis") != NULL ||
             json_object_get(obj, "Orgc") != NULL));
}

/* manifest.json of a MISP feed: event UUID -> event summary. */
static bool looks_like_manifest(const json_t *obj)
{
    const char *key;
    const json_t *value;
    if (json_object_size(obj) == 0)
        return false;
    json_object_foreach((json_t *)obj, key, value) {
        if (!looks_like_uuid(key, strlen(key)) || !json_is_object(value))
            return false;
    }
    return true;
}

/* One element of the top level or of "response": {"Event": ...} or a bare event. */
static bool load_container(struct misp_file *f, const json_t *obj)
{
    const json_t *event = json_object_get(obj, "Event");
    if (event != NULL) {
        if (json_is_object(event))
            load_event(f, event);
        else
            misp_reject(f, &f->rep->errors, "Event", "Event is not an object", "", 0);
        return true;
    }
    if (json_is_object(obj) && looks_like_event(obj)) {
        load_event(f, obj);
        return true;
    }
    return false;
}

static bool load_event_list(struct misp_file *f, const json_t *list)
{
    bool found = false;
    size_t i;
    const json_t *item;
    json_array_foreach(list, i, item)
        found |= load_container(f, item);
    return found;
}

static void load_root(struct misp_file *f, const json_t *root)
{
    bool found = false;
    if (json_is_array(root)) {
        found = load_event_list(f, root);
    } else if (json_is_object(root)) {
        const json_t *response = json_object_get(root, "response");
        if (json_is_array(response))
            found = load_event_list(f, response);
        else if (json_is_object(response))
            found = load_container(f, response);
        else
            found = load_container(f, root);
        if (!found && looks_like_manifest(root))
            return;
    }
    if (!found)
        intel_report_example(f->rep, "%s: no MISP event in the file", f->name);
}

/* ---- JSON ---- */

/* Some exporters leave a ',' before ']' or '}'. Blanks those commas
 * (outside strings) so a strict parser accepts the text; returns how many. */
static size_t blank_trailing_commas(char *p, size_t n)
{
    size_t blanked = 0;
    bool in_string = false;
    for (size_t i = 0; i < n; i++) {
        if (in_string) {
            if (p[i] == '\\')
                i++;
            else if (p[i] == '"')
                in_string = false;
            continue;
        }
        if (p[i] == '"') {
            in_string = true;
        } else if (p[i] == ',') {
            size_t k = i + 1;
            while (k < n && (p[k] == ' ' || p[k] == '\t' || p[k] == '\r' || p[k] == '\n'))
                k++;
            if (k < n && (p[k] == ']' || p[k] == '}')) {
                p[i] = ' ';
                blanked++;
            }
        }
    }
    return blanked;
}

static json_t *parse_json(struct misp_file *f, const uint8_t *p, size_t n)
{
    const size_t flags = JSON_DECODE_ANY | JSON_DECODE_INT_AS_REAL | JSON_ALLOW_NUL;
    json_error_t err;
    json_t *root = json_loadb((const char *)p, n, flags, &err);
    if (root != NULL)
        return root;
    char *copy = malloc(n ? n : 1);
    if (copy != NULL) {
        memcpy(copy, p, n);
        if (blank_trailing_commas(copy, n) > 0) {
            json_error_t err2;
            root = json_loadb(copy, n, flags, &err2);
        }
        free(copy);
    }
    if (root != NULL) {
        intel_report_example(f->rep, "%s:%d: trailing commas in the JSON (read anyway)", f->name, err.line);
        return root;
    }
    intel_feed_reject(f->rep, &f->rep->errors, f->name, err.line > 0 ? (uint64_t)err.line : 0, "malformed JSON",
                      err.text, strlen(err.text));
    return NULL;
}

void intel_load_misp(struct intel_store *s, const char *name, const uint8_t *p, size_t n, struct intel_load_report *rep)
{
    struct misp_file f = {.store = s, .rep = rep, .name = name != NULL ? name : "(misp)"};
    json_t *root = parse_json(&f, p, n);
    if (root == NULL)
        return;
    load_root(&f, root);
    json_decref(root);
}
