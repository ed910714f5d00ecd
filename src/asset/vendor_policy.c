#include "asset/vendor_policy.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/grow.h"
#include "util/tsv.h"

#define NAME_MAX_LEN 256

struct policy_entry {
    struct vendor_flag flag;
    char *variant;              /* normalised, padded: " hangzhou hikvision " */
    char *strings;              /* owns group, level, reason, source */
};

struct vendor_policy {
    struct policy_entry *e;
    size_t n, cap;
};

/* Lower case, every run of non-alphanumerics one space, padded with a
 * space at each end so a variant matches whole words only. */
static void normalise(const char *in, char *out, size_t n)
{
    size_t len = 0;
    out[len++] = ' ';
    for (const unsigned char *p = (const unsigned char *)in; *p && len + 2 < n; p++) {
        if (isalnum(*p))
            out[len++] = (char)tolower(*p);
        else if (out[len - 1] != ' ')
            out[len++] = ' ';
    }
    if (out[len - 1] != ' ')
        out[len++] = ' ';
    out[len] = '\0';
}

static bool push_entry(struct vendor_policy *p, char **cols)
{
    if (grow_array((void **)&p->e, &p->cap, p->n + 1, sizeof *p->e, 32) < 0)
        return false;
    char norm[NAME_MAX_LEN];
    normalise(cols[2], norm, sizeof norm);
    size_t lens[4] = {strlen(cols[0]) + 1, strlen(cols[1]) + 1, strlen(cols[3]) + 1, strlen(cols[4]) + 1};
    char *s = malloc(lens[0] + lens[1] + lens[2] + lens[3]);
    char *variant = strdup(norm);
    if (s == NULL || variant == NULL) {
        free(s);
        free(variant);
        return false;
    }
    struct policy_entry *e = &p->e[p->n++];
    e->strings = s;
    e->variant = variant;
    const char *src[4] = {cols[0], cols[1], cols[3], cols[4]};
    const char **dst[4] = {&e->flag.group, &e->flag.level, &e->flag.reason, &e->flag.source};
    for (int i = 0; i < 4; i++) {
        memcpy(s, src[i], lens[i]);
        *dst[i] = s;
        s += lens[i];
    }
    return true;
}

struct vendor_policy *vendor_policy_load(const char *path, char *err, size_t errlen)
{
    struct tsv_lines lines;
    if (!tsv_lines_open(&lines, path, " the vendor policy", err, errlen))
        return NULL;
    struct vendor_policy *p = calloc(1, sizeof *p);
    bool ok = p != NULL;
    if (!ok)
        snprintf(err, errlen, "out of memory for the vendor policy");
    while (ok && tsv_lines_next(&lines)) {
        char *cols[5];
        if (tsv_split(lines.line, cols, 5) != 5 || cols[0][0] == '\0' || cols[2][0] == '\0') {
            snprintf(err, errlen, "%s:%u: expected group, level, name, reason, source separated by tabs", path,
                     lines.lineno);
            ok = false;
        } else if (!push_entry(p, cols)) {
            snprintf(err, errlen, "out of memory for the vendor policy");
            ok = false;
        }
    }
    tsv_lines_close(&lines);
    if (!ok) {
        vendor_policy_free(p);
        return NULL;
    }
    return p;
}

void vendor_policy_free(struct vendor_policy *p)
{
    if (p == NULL)
        return;
    for (size_t i = 0; i < p->n; i++) {
        free(p->e[i].variant);
        free(p->e[i].strings);
    }
    free(p->e);
    free(p);
}

size_t vendor_policy_size(const struct vendor_policy *p)
{
    return p->n;
}

const struct vendor_flag *vendor_policy_match(const struct vendor_policy *p, const char *organisation)
{
    if (p == NULL || organisation == NULL || organisation[0] == '\0')
        return NULL;
    char norm[NAME_MAX_LEN];
    normalise(organisation, norm, sizeof norm);
    for (size_t i = 0; i < p->n; i++)
        if (strstr(norm, p->e[i].variant))
            return &p->e[i].flag;
    return NULL;
}
