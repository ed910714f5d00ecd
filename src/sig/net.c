/* Address and port groups of a rule header: `any`, `1.2.3.0/24`, `80:90`,
 * `[a,b,!c]`, `!$HOME_NET`, nested, with variables expanded. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "sig/sig_internal.h"
#include "util/grow.h"

#define MAX_VAR_DEPTH 16

struct net_parser {
    const struct sig_set *set;
    bool ports;
    char *why;
    size_t whylen;
};

static bool parse_item(struct net_parser *np, const char **pp, struct sig_net *out, int depth);

/* A variable's group is parsed once and shared by every rule that names it
 * (ET Open names $HOME_NET and $EXTERNAL_NET some 40,000 times): a rule
 * holds a copy of the top node, marked shared, whose members the set owns.
 * Found by name and value, so a variable redefined later parses anew. */
struct sig_net_memo {
    char *name, *value;
    bool ports;
    struct sig_net net;
};

struct sig_net_memos {
    struct sig_net_memo *v;
    size_t n, cap;
};

struct sig_net_memos *sig_net_memos_new(void)
{
    return calloc(1, sizeof(struct sig_net_memos));
}

void sig_net_memos_free(struct sig_net_memos *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->n; i++) {
        free(m->v[i].name);
        free(m->v[i].value);
        sig_net_free(&m->v[i].net);
    }
    free(m->v);
    free(m);
}

static const struct sig_net *memo_find(const struct net_parser *np, const char *name, const char *value)
{
    const struct sig_net_memos *m = np->set->net_memos;
    for (size_t i = 0; m && i < m->n; i++)
        if (m->v[i].ports == np->ports && strcmp(m->v[i].name, name) == 0 && strcmp(m->v[i].value, value) == 0)
            return &m->v[i].net;
    return NULL;
}

/* Hands the parsed group to the set; false (out of memory): the caller keeps it. */
static bool memo_add(const struct net_parser *np, const char *name, const char *value, const struct sig_net *net)
{
    struct sig_net_memos *m = np->set->net_memos;
    if (!m)
        return false;
    if (grow_array((void **)&m->v, &m->cap, m->n + 1, sizeof *m->v, 16) != 0)
        return false;
    char *n = strdup(name), *v = strdup(value);
    if (!n || !v) {
        free(n);
        free(v);
        return false;
    }
    m->v[m->n++] = (struct sig_net_memo){.name = n, .value = v, .ports = np->ports, .net = *net};
    return true;
}

static bool add_kid(struct sig_net *g, const struct sig_net *kid)
{
    struct sig_net *nk = realloc(g->kids, (g->n + 1) * sizeof *nk);
    if (!nk)
        return false;
    g->kids = nk;
    nk[g->n++] = *kid;
    return true;
}

static bool parse_leaf(struct net_parser *np, const char *tok, struct sig_net *out)
{
    if (strcmp(tok, "any") == 0) {
        out->any = true;
        return true;
    }
    if (!np->ports) {
        if (ip_prefix_parse(tok, &out->prefix))
            return true;
        struct ip_addr a;
        if (ip_addr_parse(tok, &a)) {
            out->prefix.addr = a;
            out->prefix.len = 128;
            return true;
        }
        snprintf(np->why, np->whylen, "bad address '%s'", tok);
        return false;
    }
    const char *colon = strchr(tok, ':');
    uint32_t lo = 0, hi = 65535;
    char a[16] = "", b[16] = "";
    if (colon) {
        size_t la = (size_t)(colon - tok);
        if (la >= sizeof a || strlen(colon + 1) >= sizeof b)
            goto bad;
        memcpy(a, tok, la);
        a[la] = '\0';
        memcpy(b, colon + 1, strlen(colon + 1) + 1);
        if ((*a && !sig_parse_u32(a, &lo)) || (*b && !sig_parse_u32(b, &hi)))
            goto bad;
    } else if (!sig_parse_u32(tok, &lo)) {
        goto bad;
    } else {
        hi = lo;
    }
    if (lo > 65535 || hi > 65535 || lo > hi)
        goto bad;
    out->lo = (uint16_t)lo;
    out->hi = (uint16_t)hi;
    return true;
bad:
    snprintf(np->why, np->whylen, "bad port '%s'", tok);
    return false;
}

static bool parse_var(struct net_parser *np, const char **pp, struct sig_net *out, int depth)
{
    const char *p = *pp + 1;
    char name[128];
    size_t n = 0;
    while ((isalnum((unsigned char)*p) || *p == '_') && n + 1 < sizeof name)
        name[n++] = *p++;
    name[n] = '\0';
    *pp = p;
    const char *value = sig_var_get(np->set, name);
    if (!value) {
        snprintf(np->why, np->whylen, "unknown variable $%s", name);
        return false;
    }
    if (depth >= MAX_VAR_DEPTH) {
        snprintf(np->why, np->whylen, "variable $%s refers to itself", name);
        return false;
    }
    const struct sig_net *memo = memo_find(np, name, value);
    if (memo) {
        *out = *memo;
        out->shared = true;
        return true;
    }
    const char *v = value;
    if (!parse_item(np, &v, out, depth + 1))
        return false;
    while (isspace((unsigned char)*v))
        v++;
    if (*v) {
        snprintf(np->why, np->whylen, "bad value of $%s", name);
        sig_net_free(out);
        return false;
    }
    if (memo_add(np, name, value, out))
        out->shared = true;
    return true;
}

static bool parse_group(struct net_parser *np, const char **pp, struct sig_net *out, int depth)
{
    const char *p = *pp + 1;
    out->is_group = true;
    for (;;) {
        while (isspace((unsigned char)*p))
            p++;
        if (*p == ']') {
            p++;
            break;
        }
        struct sig_net kid = {0};
        if (!parse_item(np, &p, &kid, depth) || !add_kid(out, &kid)) {
            sig_net_free(&kid);
            sig_net_free(out);
            if (!*np->why)
                snprintf(np->why, np->whylen, "out of memory");
            return false;
        }
        while (isspace((unsigned char)*p))
            p++;
        if (*p == ',')
            p++;
        else if (*p != ']') {
            snprintf(np->why, np->whylen, "unbalanced brackets in '%s'", *pp);
            sig_net_free(out);
            return false;
        }
    }
    if (out->n == 0) {
        snprintf(np->why, np->whylen, "empty group");
        return false;
    }
    *pp = p;
    return true;
}

static bool parse_item(struct net_parser *np, const char **pp, struct sig_net *out, int depth)
{
    const char *p = *pp;
    while (isspace((unsigned char)*p))
        p++;
    bool neg = false;
    while (*p == '!') {
        neg = !neg;
        p++;
    }
    bool ok;
    if (*p == '[') {
        ok = parse_group(np, &p, out, depth);
    } else if (*p == '$') {
        ok = parse_var(np, &p, out, depth);
    } else {
        size_t n = strcspn(p, ",] \t");
        char tok[128];
        if (n == 0 || n >= sizeof tok) {
            snprintf(np->why, np->whylen, n ? "address or port too long" : "empty address or port");
            return false;
        }
        memcpy(tok, p, n);
        tok[n] = '\0';
        p += n;
        ok = parse_leaf(np, tok, out);
    }
    if (!ok)
        return false;
    if (neg)
        out->neg = !out->neg;
    *pp = p;
    return true;
}

static bool parse_net(const struct sig_set *s, const char *text, struct sig_net *out, bool ports, char *why,
                      size_t whylen)
{
    struct net_parser np = {.set = s, .ports = ports, .why = why, .whylen = whylen};
    memset(out, 0, sizeof *out);
    *why = '\0';
    const char *p = text;
    if (!parse_item(&np, &p, out, 0))
        return false;
    while (isspace((unsigned char)*p))
        p++;
    if (*p) {
        snprintf(why, whylen, "unbalanced brackets in '%s'", text);
        sig_net_free(out);
        return false;
    }
    if (out->neg && out->any) {
        snprintf(why, whylen, "'!any' matches nothing");
        return false;
    }
    return true;
}

bool sig_parse_addr(const struct sig_set *s, const char *text, struct sig_net *out, char *why, size_t whylen)
{
    return parse_net(s, text, out, false, why, whylen);
}

bool sig_parse_ports(const struct sig_set *s, const char *text, struct sig_net *out, char *why, size_t whylen)
{
    return parse_net(s, text, out, true, why, whylen);
}

/* A group holds when one of its plain members does (or it has none) and
 * none of its negated members does. */
static bool net_match(const struct sig_net *n, const struct ip_addr *a, uint16_t port, bool ports)
{
    bool hit;
    if (n->any)
        hit = true;
    else if (!n->is_group)
        hit = ports ? (port >= n->lo && port <= n->hi) : ip_prefix_contains(&n->prefix, a);
    else {
        bool any_plain = false, plain_hit = false;
        hit = true;
        for (size_t i = 0; i < n->n && hit; i++) {
            const struct sig_net *k = &n->kids[i];
            if (k->neg) {
                if (!net_match(k, a, port, ports))
                    hit = false;
            } else {
                any_plain = true;
                if (!plain_hit && net_match(k, a, port, ports))
                    plain_hit = true;
            }
        }
        if (any_plain && !plain_hit)
            hit = false;
    }
    return n->neg ? !hit : hit;
}

bool sig_net_match_addr(const struct sig_net *n, const struct ip_addr *a)
{
    return net_match(n, a, 0, false);
}

bool sig_net_match_port(const struct sig_net *n, uint16_t port)
{
    return net_match(n, NULL, port, true);
}

void sig_net_free(struct sig_net *n)
{
    if (n->shared) {
        n->kids = NULL;
        n->n = 0;
        return;
    }
    for (size_t i = 0; i < n->n; i++)
        sig_net_free(&n->kids[i]);
    free(n->kids);
    n->kids = NULL;
    n->n = 0;
}
