#include "intel/feed_json.h"

#include <stdio.h>
#include <string.h>

#include "intel/intel_internal.h"

const char *json_text(const json_t *obj, const char *key, size_t *len)
{
    const json_t *v = json_object_get(obj, key);
    if (!json_is_string(v))
        return NULL;
    *len = json_string_length(v);
    return json_string_value(v);
}

/* The longest prefix of s no longer than max that does not split a UTF-8 sequence. */
size_t utf8_prefix(const char *s, size_t len, size_t max)
{
    if (len <= max)
        return len;
    size_t n = max;
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
        n--;
    return n;
}

/* Up to cap-1 bytes of src into dst, NUL-terminated, not splitting a
 * UTF-8 sequence, control bytes shown as '?': safe to print. */
void printable_copy(char *dst, size_t cap, const char *src, size_t len)
{
    size_t n = utf8_prefix(src, len, cap - 1);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)src[i];
        dst[i] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
    }
    dst[n] = '\0';
}

/* Counts one record in *counter and shows it as "where: reason: value"
 * (value cut to INTEL_EXAMPLE_VALUE_MAX bytes). The record is named by id,
 * not by line: JSON records span lines. */
void reject_at(struct intel_load_report *rep, uint64_t *counter, const char *where, const char *reason,
                      const char *value, size_t len)
{
    (*counter)++;
    char shown[INTEL_EXAMPLE_VALUE_MAX + 1];
    printable_copy(shown, sizeof shown, value, len);
    if (shown[0] != '\0')
        intel_report_example(rep, "%s: %s: %s", where, reason, shown);
    else
        intel_report_example(rep, "%s: %s", where, reason);
}

/* Stores one value and counts the outcome (intel_feed_add, with examples
 * named by record id). */
void add_at(struct intel_store *s, struct intel_load_report *rep, const char *where, enum intel_type t,
                   const char *value, size_t len, const struct intel_meta *meta)
{
    t = intel_type_refine(t, value, len);
    enum intel_add_result r = intel_store_add(s, t, value, len, meta);
    if (r == INTEL_ADD_NEW) {
        rep->added[t]++;
    } else if (r == INTEL_ADD_DUPLICATE) {
        rep->duplicates++;
    } else {
        char reason[48];
        snprintf(reason, sizeof reason, "invalid %s", intel_type_zeek_name(t));
        reject_at(rep, &rep->invalid, where, reason, value, len);
    }
}

bool name_list_has(const struct name_list *l, const char *s, size_t n)
{
    size_t i = 0;
    while (i < l->len) {
        size_t end = i;
        while (end < l->len && l->text[end] != ',')
            end++;
        if (end - i == n) {
            size_t k = 0;
            while (k < n && l->text[i + k] == (s[k] == ',' ? ';' : s[k]))
                k++;
            if (k == n)
                return true;
        }
        i = end + 1;
    }
    return false;
}

/* Adds a name unless it is there already or the list is full; a ',' inside
 * the name becomes ';' so the list stays splittable. */
void name_list_add(struct name_list *l, const char *s, size_t n)
{
    intel_trim(&s, &n);
    if (n == 0 || l->len + 1 + n >= sizeof l->text || name_list_has(l, s, n))
        return;
    if (l->len > 0)
        l->text[l->len++] = ',';
    for (size_t i = 0; i < n; i++)
        l->text[l->len++] = s[i] == ',' ? ';' : s[i];
    l->text[l->len] = '\0';
}

const char *name_list_get(const struct name_list *l)
{
    return l->len > 0 ? l->text : NULL;
}

void feed_context_meta(const struct feed_context *c, struct intel_meta *m)
{
    m->tags = name_list_get(&c->tags);
    m->actor = name_list_get(&c->actor);
    m->malware = name_list_get(&c->malware);
    m->attack = name_list_get(&c->attack);
}
