#include "incident/killchain.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "util/datadir.h"
#include "util/fs.h"
#include "util/grow.h"

enum kc_field { F_KIND, F_SID, F_CATEGORY, F_TECHNIQUE, F_WHERE, F_CVE, F_SOURCE };

struct kc_rule {
    enum kc_field field;
    char pattern[EVENT_SHORT_LEN];
    bool prefix;
    unsigned long sid_lo, sid_hi;
    enum kc_stage stage;
    char tactic[32];
    char technique[16];
};

struct killchain_map {
    struct kc_rule *rules;
    size_t n, cap;
};

/* Map files are small; a cap keeps a wrong file from eating memory. */
#define KC_MAX_RULES 100000
#define KC_MAX_FILE (16u << 20)

static const char *const stage_names[KC_STAGE_COUNT] = {
    [KC_NONE] = "none",
    [KC_DELIVERY] = "delivery",
    [KC_EXPLOITATION] = "exploitation",
    [KC_INSTALLATION] = "installation",
    [KC_C2] = "command_and_control",
    [KC_ACTIONS] = "actions_on_objectives",
};
static const char *const stage_labels[KC_STAGE_COUNT] = {
    [KC_NONE] = "None",
    [KC_DELIVERY] = "Delivery",
    [KC_EXPLOITATION] = "Exploitation",
    [KC_INSTALLATION] = "Installation",
    [KC_C2] = "Command and control",
    [KC_ACTIONS] = "Actions on objectives",
};

const char *kc_stage_name(enum kc_stage s) { return s < KC_STAGE_COUNT ? stage_names[s] : "none"; }
const char *kc_stage_label(enum kc_stage s) { return s < KC_STAGE_COUNT ? stage_labels[s] : "None"; }

bool kc_stage_parse(const char *s, enum kc_stage *out)
{
    for (int i = 0; i < KC_STAGE_COUNT; i++)
        if (strcasecmp(s, stage_names[i]) == 0) {
            *out = (enum kc_stage)i;
            return true;
        }
    return false;
}

static bool parse_field(const char *s, enum kc_field *f)
{
    static const struct { const char *name; enum kc_field f; } names[] = {
        {"notice", F_KIND}, {"kind", F_KIND}, {"sid", F_SID}, {"category", F_CATEGORY},
        {"technique", F_TECHNIQUE}, {"where", F_WHERE}, {"cve", F_CVE}, {"source", F_SOURCE},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcasecmp(s, names[i].name) == 0) {
            *f = names[i].f;
            return true;
        }
    return false;
}

static bool parse_sid_range(const char *s, unsigned long *lo, unsigned long *hi)
{
    char *end;
    errno = 0;
    *lo = strtoul(s, &end, 10);
    if (end == s || errno)
        return false;
    *hi = *lo;
    if (*end == '-') {
        const char *h = end + 1;
        *hi = strtoul(h, &end, 10);
        if (end == h || errno || *hi < *lo)
            return false;
    }
    return *end == '\0';
}

static bool copy_field(char *dst, size_t cap, const char *src)
{
    size_t n = strlen(src);
    if (n >= cap)
        return false;
    memcpy(dst, src, n + 1);
    return true;
}

/* Splits a line into blank-separated words in place; returns their count. */
static size_t split_words(char *line, char **words, size_t max)
{
    size_t n = 0;
    char *p = line;
    while (*p && n < max) {
        while (*p == ' ' || *p == '\t')
            p++;
        if (*p == '\0' || *p == '#')
            break;
        words[n++] = p;
        while (*p && *p != ' ' && *p != '\t')
            p++;
        if (*p)
            *p++ = '\0';
    }
    return n;
}

static bool parse_rule(char **w, size_t n, struct kc_rule *r, const char **why)
{
    memset(r, 0, sizeof *r);
    if (n < 4 || n > 5) {
        *why = "expected FIELD PATTERN STAGE TACTIC [TECHNIQUE]";
        return false;
    }
    if (!parse_field(w[0], &r->field)) {
        *why = "unknown field (notice, kind, sid, category, technique, where, cve, source)";
        return false;
    }
    if (r->field == F_SID) {
        if (!parse_sid_range(w[1], &r->sid_lo, &r->sid_hi)) {
            *why = "sid pattern must be N or A-B";
            return false;
        }
    } else {
        size_t len = strlen(w[1]);
        r->prefix = len > 0 && w[1][len - 1] == '*';
        if (r->prefix)
            w[1][len - 1] = '\0';
        if (!copy_field(r->pattern, sizeof r->pattern, w[1])) {
            *why = "pattern too long";
            return false;
        }
        for (char *p = r->pattern; *p; p++)
            if (*p == '_' && r->field == F_CATEGORY)
                *p = ' ';
    }
    if (!kc_stage_parse(w[2], &r->stage)) {
        *why = "unknown stage (delivery, exploitation, installation, command_and_control, actions_on_objectives, none)";
        return false;
    }
    if (!copy_field(r->tactic, sizeof r->tactic, w[3]) || (n == 5 && !copy_field(r->technique, sizeof r->technique, w[4]))) {
        *why = "tactic or technique too long";
        return false;
    }
    return true;
}

static bool add_rule(struct killchain_map *m, const struct kc_rule *r)
{
    if (grow_array((void **)&m->rules, &m->cap, m->n + 1, sizeof *m->rules, 64) < 0)
        return false;
    m->rules[m->n++] = *r;
    return true;
}

struct killchain_map *killchain_parse(const char *text, size_t n, const char *name, char *err, size_t errlen)
{
    struct killchain_map *m = calloc(1, sizeof *m);
    if (m == NULL) {
        snprintf(err, errlen, "%s: out of memory", name);
        return NULL;
    }
    size_t lineno = 0, pos = 0;
    while (pos < n) {
        const char *nl = memchr(text + pos, '\n', n - pos);
        size_t len = nl ? (size_t)(nl - (text + pos)) : n - pos;
        lineno++;
        char line[1024];
        if (len >= sizeof line) {
            snprintf(err, errlen, "%s:%zu: line too long", name, lineno);
            goto fail;
        }
        memcpy(line, text + pos, len);
        line[len] = '\0';
        if (len && line[len - 1] == '\r')
            line[len - 1] = '\0';
        pos += len + 1;
        char *w[6];
        size_t nw = split_words(line, w, 6);
        if (nw == 0)
            continue;
        struct kc_rule r;
        const char *why = NULL;
        if (!parse_rule(w, nw, &r, &why)) {
            snprintf(err, errlen, "%s:%zu: %s", name, lineno, why);
            goto fail;
        }
        if (m->n >= KC_MAX_RULES || !add_rule(m, &r)) {
            snprintf(err, errlen, "%s:%zu: too many rules", name, lineno);
            goto fail;
        }
    }
    if (m->n == 0) {
        snprintf(err, errlen, "%s: no rule", name);
        goto fail;
    }
    return m;
fail:
    killchain_free(m);
    return NULL;
}

struct killchain_map *killchain_load(const char *path, char *err, size_t errlen)
{
    size_t n;
    char *text = fs_read_file(path, KC_MAX_FILE, &n, err, errlen);
    if (text == NULL)
        return NULL;
    struct killchain_map *m = killchain_parse(text, n, path, err, errlen);
    free(text);
    return m;
}

void killchain_free(struct killchain_map *m)
{
    if (m == NULL)
        return;
    free(m->rules);
    free(m);
}

size_t killchain_rules(const struct killchain_map *m) { return m ? m->n : 0; }

static bool text_matches(const struct kc_rule *r, const char *value)
{
    if (value[0] == '\0')
        return false;
    if (r->prefix)
        return strncasecmp(value, r->pattern, strlen(r->pattern)) == 0;
    return strcasecmp(value, r->pattern) == 0;
}

static bool rule_matches(const struct kc_rule *r, const struct incident_event *ev)
{
    switch (r->field) {
    case F_KIND: return text_matches(r, ev->kind);
    case F_SID: return ev->sid && ev->sid >= r->sid_lo && ev->sid <= r->sid_hi;
    case F_CATEGORY: return text_matches(r, ev->category);
    case F_TECHNIQUE: return text_matches(r, ev->technique);
    case F_WHERE: return text_matches(r, ev->where);
    case F_CVE: return text_matches(r, ev->cve);
    case F_SOURCE: return text_matches(r, ev->source);
    }
    return false;
}

bool killchain_classify(const struct killchain_map *m, struct incident_event *ev)
{
    for (size_t i = 0; i < m->n; i++) {
        const struct kc_rule *r = &m->rules[i];
        if (!rule_matches(r, ev))
            continue;
        ev->stage = r->stage;
        memcpy(ev->tactic, r->tactic, sizeof ev->tactic);
        if (ev->technique[0] == '\0')
            memcpy(ev->technique, r->technique, sizeof ev->technique);
        return true;
    }
    ev->stage = KC_NONE;
    ev->tactic[0] = '\0';
    return false;
}

bool killchain_default_path(char *out, size_t n)
{
    return vigil_data_path("data/incident/killchain.map", out, n);
}
