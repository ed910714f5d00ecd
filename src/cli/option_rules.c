#include "cli/option_rules.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/tsv.h"

bool option_parse_bytes(const char *s, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s || s[0] == '-')
        return false;
    unsigned shift = 0;
    if (*end == 'k' || *end == 'K')
        shift = 10;
    else if (*end == 'm' || *end == 'M')
        shift = 20;
    else if (*end == 'g' || *end == 'G')
        shift = 30;
    if (shift)
        end++;
    if (*end || v > (UINT64_MAX >> shift))
        return false;
    *out = (uint64_t)v << shift;
    return true;
}

static void *member(void *target, size_t offset)
{
    return (char *)target + offset;
}

/* Stores v in the width-byte unsigned member at p. */
static void store_unsigned(void *p, unsigned width, uint64_t v)
{
    if (width == 2) {
        uint16_t x = (uint16_t)v;
        memcpy(p, &x, sizeof x);
    } else if (width == 4) {
        uint32_t x = (uint32_t)v;
        memcpy(p, &x, sizeof x);
    } else {
        memcpy(p, &v, sizeof v);
    }
}

static uint64_t load_unsigned(const void *p, unsigned width)
{
    if (width == 2) {
        uint16_t x;
        memcpy(&x, p, sizeof x);
        return x;
    }
    if (width == 4) {
        uint32_t x;
        memcpy(&x, p, sizeof x);
        return x;
    }
    uint64_t x;
    memcpy(&x, p, sizeof x);
    return x;
}

static bool parse_number(const struct option_rule *r, const char *arg, uint64_t *v)
{
    if (r->kind == RULE_BYTES)
        return option_parse_bytes(arg, v) && *v >= r->min && *v <= r->max;
    return tsv_parse_u64(arg, r->max, v) && *v >= r->min;
}

static bool parse_fraction(const struct option_rule *r, const char *arg, double *x)
{
    char *end;
    *x = strtod(arg, &end);
    return end != arg && *end == '\0' && *x >= r->lo && *x <= r->hi;
}

/* True when the rule took arg; false on a bad argument. */
static bool apply(const struct option_rule *r, const char *arg, void *target)
{
    void *p = member(target, r->field);
    uint64_t v;
    double x;
    switch (r->kind) {
    case RULE_STRING:
        *(const char **)p = arg;
        return true;
    case RULE_FLAG:
        *(bool *)p = true;
        return true;
    case RULE_BITS:
        *(unsigned *)p |= r->bits;
        return true;
    case RULE_WORDS:
        if (strcmp(arg, r->words[0]) == 0)
            *(unsigned *)p |= r->bits;
        else if (strcmp(arg, r->words[1]) == 0)
            *(unsigned *)p &= ~r->bits;
        else
            return false;
        return true;
    case RULE_LIST: {
        void *count = member(target, r->count);
        uint64_t used = load_unsigned(count, r->width);
        if (used == r->max)
            return false;
        ((const char **)p)[used] = arg;
        store_unsigned(count, r->width, used + 1);
        return true;
    }
    case RULE_NUMBER:
    case RULE_BYTES:
        if (!parse_number(r, arg, &v))
            return false;
        store_unsigned(p, r->width, v * (r->scale ? r->scale : 1));
        return true;
    case RULE_FRACTION:
        if (!parse_fraction(r, arg, &x))
            return false;
        *(double *)p = x;
        return true;
    case RULE_PARSE:
        return r->parse(arg, p);
    }
    return false;
}

int option_rules_apply(const struct option_rule *rules, size_t n, int id, const char *arg, void *target,
                       option_error_fn error)
{
    for (size_t i = 0; i < n; i++) {
        const struct option_rule *r = &rules[i];
        if (r->id != id)
            continue;
        if (r->also != 0)
            *(bool *)member(target, r->also - 1) = true;
        if (!apply(r, arg, target))
            return error(r->error, r->error_arg ? r->error_arg : arg);
        return OPTION_RULE_APPLIED;
    }
    return OPTION_RULE_NONE;
}
