/* intel/feed_json: what the JSON feed loaders (MISP, STIX) share: reading
 * string members, bounded printable copies for report examples, counting
 * and adding a value by record id (JSON records have no line number), and
 * short comma-separated name lists for meta fields. Internal to intel/. */
#ifndef VIGIL_INTEL_FEED_JSON_H
#define VIGIL_INTEL_FEED_JSON_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "intel/intel.h"

/* Longest tags / actor / malware / attack list kept per indicator. */
#define FEED_NAME_LIST_MAX 512

/* "a,b,c": names joined by ',' (a ',' inside a name becomes ';'). */
struct name_list {
    char text[FEED_NAME_LIST_MAX];
    size_t len;
};

/* The string member key of obj (and its length), NULL when absent or not a string.
 * Owned by obj: valid while obj lives. */
const char *json_text(const json_t *obj, const char *key, size_t *len);
/* The longest prefix of s no longer than max that does not split a UTF-8 sequence. */
size_t utf8_prefix(const char *s, size_t len, size_t max);
/* Up to cap-1 bytes of src, NUL-terminated, whole UTF-8 sequences, control bytes as '?'. */
void printable_copy(char *dst, size_t cap, const char *src, size_t len);
/* Counts one record in *counter and records "where: reason: value" as an example. */
void reject_at(struct intel_load_report *rep, uint64_t *counter, const char *where, const char *reason,
               const char *value, size_t len);
/* Stores one value and counts the outcome (new, duplicate, invalid with an example). */
void add_at(struct intel_store *s, struct intel_load_report *rep, const char *where, enum intel_type t,
            const char *value, size_t len, const struct intel_meta *meta);
/* What a feed says about its indicators beyond their values: the meta
 * lists, filled from an event's tags and galaxies (MISP) or an indicator's
 * relationships (STIX). */
struct feed_context {
    struct name_list tags, actor, malware, attack;
};

/* Points m's tags, actor, malware and attack at c's lists (NULL when
 * empty): valid while c is. */
void feed_context_meta(const struct feed_context *c, struct intel_meta *m);

bool name_list_has(const struct name_list *l, const char *s, size_t n);
/* Adds a name unless it is there already or the list is full. */
void name_list_add(struct name_list *l, const char *s, size_t n);
/* The list, or NULL when empty: points into l. */
const char *name_list_get(const struct name_list *l);

#endif
