/* The allow-list: parsed once, checked at report time (a handful of
 * findings), so a plain array scanned in order is enough.
 *
 * Details of the format beyond allowlist.h: fields are separated by spaces
 * or tabs; a domain may be written "example.com", ".example.com" or
 * "*.example.com" (all match example.com and every name under it) and is
 * compared case-insensitively; ':PORT' is 1-65535; KINDS names are
 * case-sensitive and may not be empty. Limits: a field is at most 255
 * bytes, a file at most 16 MiB, 1,000,000 rules. */
#include "detect/allowlist.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/ascii.h"
#include "util/fs.h"
#include "util/grow.h"

#define MAX_FIELD 255
#define MAX_RULES 1000000
#define MAX_FILE_BYTES (16u * 1024 * 1024)

enum dst_kind { DST_ANY, DST_PREFIX, DST_DOMAIN, DST_PORT };

struct allow_rule {
    bool src_any;
    struct ip_prefix src;
    enum dst_kind dst_kind;
    struct ip_prefix dst;
    char *domain;           /* lower case, no leading "*." or trailing dot */
    size_t domain_len;
    uint16_t port;
    uint32_t kinds;         /* bit per enum finding_kind */
};

struct allowlist {
    struct allow_rule *rules;
    size_t n, cap;
};

void allowlist_free(struct allowlist *a)
{
    if (a == NULL)
        return;
    for (size_t i = 0; i < a->n; i++)
        free(a->rules[i].domain);
    free(a->rules);
    free(a);
}

/* ------------------------------------------------------------------ parsing */

struct field {
    const char *p;
    size_t n;
};

static bool field_is(const struct field *f, const char *s)
{
    size_t n = strlen(s);
    return f->n == n && memcmp(f->p, s, n) == 0;
}

/* A NUL-terminated copy for the address parsers. */
static void field_str(const struct field *f, char out[MAX_FIELD + 1])
{
    memcpy(out, f->p, f->n);
    out[f->n] = '\0';
}

static bool parse_port(const struct field *f, uint16_t *port)
{
    if (f->n < 2 || f->n > 6 || f->p[0] != ':')
        return false;
    unsigned v = 0;
    for (size_t i = 1; i < f->n; i++) {
        if (f->p[i] < '0' || f->p[i] > '9')
            return false;
        v = v * 10 + (unsigned)(f->p[i] - '0');
    }
    if (v == 0 || v > 65535)
        return false;
    *port = (uint16_t)v;
    return true;
}

static bool domain_char(char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-' || ch == '_';
}

/* Lower-cases into out; false unless it is dot-separated labels of 1-63 valid characters. */
static bool parse_domain(const struct field *f, char out[MAX_FIELD + 1], size_t *len)
{
    const char *p = f->p;
    size_t n = f->n;
    domain_text_trim(&p, &n);
    if (n == 0 || n > 253)
        return false;
    size_t label = 0;
    for (size_t i = 0; i < n; i++) {
        char ch = p[i];
        if (ch >= 'A' && ch <= 'Z')
            ch = (char)(ch + 32);
        if (ch == '.') {
            if (label == 0)
                return false;
            label = 0;
        } else if (domain_char(ch)) {
            if (++label > 63)
                return false;
        } else {
            return false;
        }
        out[i] = ch;
    }
    if (label == 0)
        return false;
    out[n] = '\0';
    *len = n;
    return true;
}

static bool parse_kinds(const struct field *f, uint32_t *kinds, char *bad, size_t badlen)
{
    *kinds = 0;
    size_t start = 0;
    for (size_t i = 0; i <= f->n; i++) {
        if (i < f->n && f->p[i] != ',')
            continue;
        struct field item = {f->p + start, i - start};
        bool known = false;
        for (int k = 0; k < FINDING_KIND_COUNT; k++)
            if (field_is(&item, finding_kind_name((enum finding_kind)k))) {
                *kinds |= 1u << k;
                known = true;
            }
        if (!known) {
            snprintf(bad, badlen, "%.*s", (int)item.n, item.p);
            return false;
        }
        start = i + 1;
    }
    return true;
}

struct parse_ctx {
    const char *name;
    unsigned long line;
    char *err;
    size_t errlen;
};

static bool fail(const struct parse_ctx *c, const char *what, const struct field *f)
{
    if (f != NULL)
        snprintf(c->err, c->errlen, "%s:%lu: %s '%.*s'", c->name, c->line, what, (int)(f->n > 64 ? 64 : f->n),
                 f->p);
    else
        snprintf(c->err, c->errlen, "%s:%lu: %s", c->name, c->line, what);
    return false;
}

static bool add_rule(struct allowlist *a, const struct allow_rule *r)
{
    if (grow_array((void **)&a->rules, &a->cap, a->n + 1, sizeof *a->rules, 16) < 0)
        return false;
    a->rules[a->n++] = *r;
    return true;
}

static bool parse_rule(struct allowlist *a, const struct parse_ctx *c, const struct field *fields, size_t n)
{
    if (n < 2)
        return fail(c, "expected SOURCE DESTINATION [KINDS], got only", &fields[0]);
    if (n > 3)
        return fail(c, "unexpected field after KINDS:", &fields[3]);
    struct allow_rule r = {.kinds = (1u << FINDING_KIND_COUNT) - 1};
    char buf[MAX_FIELD + 1];

    if (field_is(&fields[0], "*")) {
        r.src_any = true;
    } else {
        field_str(&fields[0], buf);
        if (!ip_prefix_parse(buf, &r.src))
            return fail(c, "bad source (an address, a CIDR or '*')", &fields[0]);
    }

    size_t dlen;
    char dst_text[MAX_FIELD + 1];
    field_str(&fields[1], dst_text);
    if (field_is(&fields[1], "*")) {
        r.dst_kind = DST_ANY;
    } else if (fields[1].p[0] == ':' && parse_port(&fields[1], &r.port)) {
        r.dst_kind = DST_PORT;
    } else if (ip_prefix_parse(dst_text, &r.dst)) {
        r.dst_kind = DST_PREFIX;
    } else if (parse_domain(&fields[1], buf, &dlen)) {
        r.dst_kind = DST_DOMAIN;
        r.domain = malloc(dlen + 1);
        if (r.domain == NULL)
            return fail(c, "out of memory", NULL);
        memcpy(r.domain, buf, dlen + 1);
        r.domain_len = dlen;
    } else {
        return fail(c, "bad destination (an address, a CIDR, a domain, ':PORT' or '*')", &fields[1]);
    }

    if (n == 3) {
        char bad[MAX_FIELD + 1];
        if (!parse_kinds(&fields[2], &r.kinds, bad, sizeof bad)) {
            free(r.domain);
            struct field bf = {bad, strlen(bad)};
            return fail(c, "unknown finding kind (beacon, long_conn, dns_tunnel, dga, exfil)", &bf);
        }
    }
    if (a->n >= MAX_RULES) {
        free(r.domain);
        return fail(c, "too many rules", NULL);
    }
    if (!add_rule(a, &r)) {
        free(r.domain);
        return fail(c, "out of memory", NULL);
    }
    return true;
}

/* One line without its newline: split into fields, '#' to the end is a comment. */
static bool parse_line(struct allowlist *a, const struct parse_ctx *c, const char *p, size_t n)
{
    struct field fields[4];
    size_t nf = 0;
    size_t i = 0;
    while (i < n) {
        char ch = p[i];
        if (ch == '#')
            break;
        if (ch == ' ' || ch == '\t' || ch == '\r') {
            i++;
            continue;
        }
        size_t start = i;
        while (i < n && p[i] != ' ' && p[i] != '\t' && p[i] != '\r' && p[i] != '#') {
            unsigned char u = (unsigned char)p[i];
            if (u < 0x20 || u == 0x7f)
                return fail(c, "control character in line", NULL);
            i++;
        }
        struct field f = {p + start, i - start};
        if (f.n > MAX_FIELD)
            return fail(c, "field longer than 255 bytes:", &f);
        if (nf < 4)
            fields[nf] = f;
        nf++;
    }
    if (nf == 0)
        return true;
    return parse_rule(a, c, fields, nf > 4 ? 4 : nf);
}

struct allowlist *allowlist_parse(const char *text, size_t n, const char *name, char *err, size_t errlen)
{
    if (errlen > 0)
        err[0] = '\0';
    struct allowlist *a = calloc(1, sizeof *a);
    if (a == NULL) {
        snprintf(err, errlen, "%s: out of memory", name);
        return NULL;
    }
    struct parse_ctx c = {.name = name ? name : "allow-list", .line = 0, .err = err, .errlen = errlen};
    size_t pos = 0;
    while (pos < n) {
        const char *nl = memchr(text + pos, '\n', n - pos);
        size_t len = nl ? (size_t)(nl - (text + pos)) : n - pos;
        c.line++;
        if (!parse_line(a, &c, text + pos, len)) {
            allowlist_free(a);
            return NULL;
        }
        pos += len + (nl != NULL);
    }
    return a;
}

struct allowlist *allowlist_load(const char *path, char *err, size_t errlen)
{
    size_t n;
    char *buf = fs_read_file(path, MAX_FILE_BYTES, &n, err, errlen);
    if (buf == NULL)
        return NULL;
    struct allowlist *a = allowlist_parse(buf, n, path, err, errlen);
    free(buf);
    return a;
}

/* ----------------------------------------------------------------- matching */

static bool domain_matches(const struct allow_rule *r, const char *name)
{
    size_t n = strlen(name);
    while (n > 0 && name[n - 1] == '.')
        n--;
    if (n < r->domain_len)
        return false;
    if (strncasecmp(name + n - r->domain_len, r->domain, r->domain_len) != 0)
        return false;
    return n == r->domain_len || name[n - r->domain_len - 1] == '.';
}

bool allowlist_allows(const struct allowlist *a, enum finding_kind k, const struct ip_addr *src,
                      const struct ip_addr *dst, uint16_t port, const char *name)
{
    if (a == NULL || (unsigned)k >= FINDING_KIND_COUNT)
        return false;
    for (size_t i = 0; i < a->n; i++) {
        const struct allow_rule *r = &a->rules[i];
        if (!(r->kinds & (1u << k)))
            continue;
        if (!r->src_any && (src == NULL || !ip_prefix_contains(&r->src, src)))
            continue;
        bool dst_ok = false;
        switch (r->dst_kind) {
        case DST_ANY:
            dst_ok = true;
            break;
        case DST_PREFIX:
            dst_ok = dst != NULL && ip_prefix_contains(&r->dst, dst);
            break;
        case DST_DOMAIN:
            dst_ok = name != NULL && domain_matches(r, name);
            break;
        case DST_PORT:
            dst_ok = port != 0 && port == r->port;
            break;
        }
        if (dst_ok)
            return true;
    }
    return false;
}
