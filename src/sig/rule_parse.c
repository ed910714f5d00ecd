/* The rule lexer and parser: `action proto src sport dir dst dport (opts)`.
 * Options are split here and handed to the keyword table (keywords.c);
 * afterwards the rule is checked as a whole and its fast pattern chosen. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "sig/sig_internal.h"

/* --- header --- */

static const struct {
    const char *name;
    uint8_t ipproto, app;
    bool pkt, stream;
} protos[] = {
    {"ip", 0, SIG_APP_NONE, false, false}, {"ipv4", 0, SIG_APP_NONE, false, false},
    {"ipv6", 0, SIG_APP_NONE, false, false}, {"icmpv4", 1, SIG_APP_NONE, false, false},
    {"icmpv6", 1, SIG_APP_NONE, false, false}, {"tcp", 6, SIG_APP_NONE, false, false},
    {"udp", 17, SIG_APP_NONE, false, false}, {"icmp", 1, SIG_APP_NONE, false, false},
    {"tcp-pkt", 6, SIG_APP_NONE, true, false}, {"tcp-stream", 6, SIG_APP_NONE, false, true},
    {"http", 6, SIG_APP_HTTP, false, false}, {"http1", 6, SIG_APP_HTTP, false, false},
    {"tls", 6, SIG_APP_TLS, false, false}, {"ssl", 6, SIG_APP_TLS, false, false},
    {"dns", 0, SIG_APP_DNS, false, false}, {"ssh", 6, SIG_APP_SSH, false, false},
    {"smtp", 6, SIG_APP_SMTP, false, false}, {"quic", 17, SIG_APP_QUIC, false, false},
    {"dhcp", 17, SIG_APP_DHCP, false, false}, {"krb5", 0, SIG_APP_KRB5, false, false},
    {"smb", 6, SIG_APP_SMB, false, false}, {"dcerpc", 6, SIG_APP_DCERPC, false, false},
};

/* Next header token; a [...] group may hold spaces. */
static const char *next_token(const char *p, char *tok, size_t n, char *why, size_t whylen)
{
    while (isspace((unsigned char)*p))
        p++;
    size_t o = 0;
    int depth = 0;
    while (*p && (depth > 0 || !isspace((unsigned char)*p)) && !(depth == 0 && *p == '(')) {
        if (*p == '[')
            depth++;
        else if (*p == ']' && --depth < 0)
            break;
        if (o + 1 >= n) {
            snprintf(why, whylen, "header field too long");
            return NULL;
        }
        tok[o++] = *p++;
    }
    tok[o] = '\0';
    if (depth != 0) {
        snprintf(why, whylen, "unbalanced brackets in the header");
        return NULL;
    }
    if (o == 0) {
        snprintf(why, whylen, "incomplete rule header");
        return NULL;
    }
    return p;
}

static enum sig_parse_result parse_header(struct sig_set *s, const char **pp, struct sig_rule *r, char *why,
                                          size_t whylen)
{
    char tok[7][4096];
    const char *p = *pp;
    for (int i = 0; i < 7; i++) {
        p = next_token(p, tok[i], sizeof tok[i], why, whylen);
        if (!p)
            return SIG_PARSE_ERROR;
    }
    static const char *const actions[] = {"alert", "pass", "drop", "reject"};
    size_t a;
    for (a = 0; a < 4; a++)
        if (strcmp(tok[0], actions[a]) == 0)
            break;
    if (a == 4) {
        if (strcmp(tok[0], "rejectsrc") == 0 || strcmp(tok[0], "rejectdst") == 0 ||
            strcmp(tok[0], "rejectboth") == 0)
            a = SIG_ACTION_REJECT;
        else {
            snprintf(why, whylen, "unknown action '%s'", tok[0]);
            return SIG_PARSE_ERROR;
        }
    }
    r->action = (uint8_t)a;
    size_t i;
    for (i = 0; i < sizeof protos / sizeof protos[0]; i++)
        if (strcmp(tok[1], protos[i].name) == 0)
            break;
    if (i == sizeof protos / sizeof protos[0]) {
        snprintf(why, whylen, "unsupported protocol '%s'", tok[1]);
        return SIG_PARSE_SKIP;
    }
    r->ipproto = protos[i].ipproto;
    r->ipver = strstr(tok[1], "v4") ? 4 : strstr(tok[1], "v6") ? 6 : 0;
    r->app = protos[i].app;
    r->tcp_pkt_only = protos[i].pkt;
    r->tcp_stream_only = protos[i].stream;
    /* "=>": Suricata 8's transactional rule, request and response buffers
     * of one transaction; Vigil matches a transaction whole, so as "->". */
    if (strcmp(tok[4], "->") == 0 || strcmp(tok[4], "=>") == 0)
        r->bidir = false;
    else if (strcmp(tok[4], "<>") == 0)
        r->bidir = true;
    else {
        snprintf(why, whylen, "bad direction '%s'", tok[4]);
        return SIG_PARSE_ERROR;
    }
    if (!sig_parse_addr(s, tok[2], &r->src, why, whylen) || !sig_parse_ports(s, tok[3], &r->sp, why, whylen) ||
        !sig_parse_addr(s, tok[5], &r->dst, why, whylen) || !sig_parse_ports(s, tok[6], &r->dp, why, whylen))
        return SIG_PARSE_ERROR;
    *pp = p;
    return SIG_PARSE_OK;
}

/* --- options --- */

/* Splits `name[:value];` options; a value ends at a `;` outside quotes
 * that no backslash escapes. */
static enum sig_parse_result parse_options(struct sig_parse *ps, const char *p, char *why, size_t whylen)
{
    while (isspace((unsigned char)*p))
        p++;
    if (*p != '(') {
        snprintf(why, whylen, "expected '(' after the header");
        return SIG_PARSE_ERROR;
    }
    p++;
    size_t cap = strlen(p) + 1;
    char *name = malloc(cap), *value = malloc(cap);
    if (!name || !value) {
        free(name);
        free(value);
        snprintf(why, whylen, "out of memory");
        return SIG_PARSE_ERROR;
    }
    enum sig_parse_result worst = SIG_PARSE_OK;
    bool closed = false;
    for (;;) {
        while (isspace((unsigned char)*p))
            p++;
        if (*p == ')') {
            closed = true;
            p++;
            break;
        }
        if (*p == '\0')
            break;
        size_t n = 0;
        while (*p && *p != ':' && *p != ';' && *p != ')')
            name[n++] = *p++;
        name[n] = '\0';
        char *nm = sig_trim(name);
        bool has_value = *p == ':';
        size_t v = 0;
        if (has_value) {
            p++;
            while (*p && *p != ';') {
                if (*p == '\\' && p[1])
                    value[v++] = *p++;
                value[v++] = *p++;
            }
            value[v] = '\0';
            char *tv = sig_trim(value);
            size_t tn = strlen(tv);
            if ((tv[0] == '"' || (tv[0] == '!' && tv[1] == '"')) && (tn < 2 || tv[tn - 1] != '"')) {
                snprintf(why, whylen, "unbalanced quotes in option '%s'", nm);
                worst = SIG_PARSE_ERROR;
                break;
            }
        }
        value[v] = '\0';
        if (*p != ';') {
            snprintf(why, whylen, *p ? "option '%s' not ended by ';'" : "missing ';' or ')' after option '%s'", nm);
            worst = SIG_PARSE_ERROR;
            break;
        }
        p++;
        if (*nm == '\0') {
            snprintf(why, whylen, "empty option");
            worst = SIG_PARSE_ERROR;
            break;
        }
        char reason[512];
        ps->why = reason;
        ps->whylen = sizeof reason;
        reason[0] = '\0';
        enum sig_parse_result res = sig_apply_option(ps, nm, has_value ? sig_trim(value) : NULL);
        if (res == SIG_PARSE_ERROR) {
            snprintf(why, whylen, "%s", reason);
            worst = res;
            break;
        }
        if (res == SIG_PARSE_SKIP && worst == SIG_PARSE_OK) {
            snprintf(why, whylen, "%s", reason);
            worst = res; /* keep parsing: a malformed option later is an error, not a skip */
        }
    }
    free(name);
    free(value);
    if (worst == SIG_PARSE_ERROR)
        return worst;
    if (!closed) {
        snprintf(why, whylen, "unbalanced parentheses: no ')' at the end of the rule");
        return SIG_PARSE_ERROR;
    }
    while (isspace((unsigned char)*p))
        p++;
    if (*p) {
        snprintf(why, whylen, "text after the closing ')'");
        return SIG_PARSE_ERROR;
    }
    return worst;
}

/* --- the rule as a whole --- */

/* The fast pattern: the one marked, else the longest positive content
 * (Suricata also prefers sticky buffers over the payload). */
static void choose_fast_pattern(struct sig_rule *r)
{
    r->fp_list = r->fp_sm = -1;
    uint32_t best = 0;
    for (size_t i = 0; i < r->n_lists; i++) {
        const struct sig_list *l = &r->lists[i];
        if (l->buffer == SIG_BUF_BASE64)
            continue;
        for (size_t j = 0; j < l->n; j++) {
            const struct sig_sm *sm = &l->sm[j];
            if (sm->type != SIG_SM_CONTENT || sm->u.content.negated)
                continue;
            uint32_t score = sm->u.content.fast_pattern ? UINT32_MAX : sm->u.content.len * 2u +
                             (l->buffer != SIG_BUF_PAYLOAD);
            if (score > best) {
                best = score;
                r->fp_list = (int8_t)i;
                r->fp_sm = (int8_t)(j > 127 ? 127 : j);
            }
        }
    }
    if (r->fp_sm == 127)
        r->fp_list = r->fp_sm = -1; /* beyond what the index holds: no prefilter, checked always */
}

static enum sig_parse_result check_rule(struct sig_rule *r, char *why, size_t whylen)
{
    if (r->sid == 0) {
        snprintf(why, whylen, "no sid");
        return SIG_PARSE_ERROR;
    }
    if (!r->gid)
        r->gid = 1;
    if (!r->priority)
        r->priority = 3;
    if (!r->msg && !(r->msg = strdup("")))
        return SIG_PARSE_ERROR;
    if (!r->metadata && !(r->metadata = strdup("")))
        return SIG_PARSE_ERROR;
    /* Legacy modifiers (http_uri...) may have moved every payload content away. */
    for (size_t i = 0; i < r->n_lists; i++) {
        if (r->lists[i].buffer == SIG_BUF_PAYLOAD && r->lists[i].n == 0) {
            free(r->lists[i].sm);
            memmove(&r->lists[i], &r->lists[i + 1], (r->n_lists - i - 1) * sizeof r->lists[0]);
            r->n_lists--;
            break;
        }
    }
    for (size_t i = 0; i < r->n_lists; i++) {
        unsigned b = r->lists[i].buffer;
        if (b != SIG_BUF_PAYLOAD && b != SIG_BUF_BASE64 && b != SIG_BUF_FILE_DATA && r->ipproto == 1) {
            snprintf(why, whylen, "an app-layer buffer in an icmp rule");
            return SIG_PARSE_ERROR;
        }
        if (r->lists[i].n == 0 && r->lists[i].n_transforms == 0 && b != SIG_BUF_PAYLOAD) {
            snprintf(why, whylen, "a sticky buffer with nothing to match");
            return SIG_PARSE_ERROR;
        }
    }
    if (r->app != SIG_APP_NONE && r->ipproto == 0 && r->app != SIG_APP_DNS && r->app != SIG_APP_KRB5)
        r->ipproto = r->app == SIG_APP_QUIC || r->app == SIG_APP_DHCP ? 17 : 6;
    if (r->has_itype && r->ipproto != 1 && r->ipproto != 0) {
        snprintf(why, whylen, "itype in a non-icmp rule");
        return SIG_PARSE_ERROR;
    }
    choose_fast_pattern(r);
    /* Suricata's IP-only rules: addresses, ports and protocol, nothing of
     * the packet or the flow; they are checked once per flow direction. */
    r->iponly = r->n_lists == 0 && r->n_flowbits == 0 && !r->flow && !r->has_dsize && !r->has_ttl &&
                !r->has_flags && !r->has_itype && !r->has_icode && !r->has_ip_proto && !r->sameip &&
                r->app == SIG_APP_NONE && r->threshold.type == SIG_THR_NONE && !r->tcp_pkt_only &&
                !r->tcp_stream_only;
    return SIG_PARSE_OK;
}

static void list_free(struct sig_list *l, bool packed)
{
    for (size_t i = 0; i < l->n; i++) {
        struct sig_sm *sm = &l->sm[i];
        if (sm->type == SIG_SM_CONTENT)
            free(sm->u.content.pat);
        else if (sm->type == SIG_SM_PCRE)
            pcre2_code_free(sm->u.pcre.code);
    }
    if (!packed)
        free(l->sm);
}

void sig_rule_free(struct sig_rule *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n_lists; i++)
        list_free(&r->lists[i], r->packed);
    sig_net_free(&r->src);
    sig_net_free(&r->dst);
    sig_net_free(&r->sp);
    sig_net_free(&r->dp);
    if (r->packed)
        return; /* the rest is the arena's */
    free(r->msg);
    free(r->metadata);
    free(r->target);
    free(r);
}

static char *arena_string(struct sig_arena *a, const char *s)
{
    return s ? sig_arena_copy(a, s, strlen(s) + 1) : NULL;
}

struct sig_rule *sig_rule_pack(struct sig_arena *a, struct sig_rule *r)
{
    struct sig_rule *k = sig_arena_copy(a, r, sizeof *r);
    if (!k)
        return r;
    for (size_t i = 0; k && i < r->n_lists; i++) {
        struct sig_list *l = &k->lists[i];
        l->sm = l->n ? sig_arena_copy(a, r->lists[i].sm, l->n * sizeof *l->sm) : NULL;
        l->cap = l->n;
        if (l->n && !l->sm)
            k = NULL;
    }
    if (k) {
        k->msg = arena_string(a, r->msg);
        k->metadata = arena_string(a, r->metadata);
        k->target = arena_string(a, r->target);
        if ((r->msg && !k->msg) || (r->metadata && !k->metadata) || (r->target && !k->target))
            k = NULL;
    }
    if (!k)
        return r; /* what the arena took stays unused until the set goes */
    k->packed = true;
    for (size_t i = 0; i < r->n_lists; i++)
        free(r->lists[i].sm);
    free(r->msg);
    free(r->metadata);
    free(r->target);
    free(r);
    return k;
}

enum sig_parse_result sig_parse_rule(struct sig_set *s, const char *text, struct sig_rule **out, char *why,
                                     size_t whylen)
{
    *out = NULL;
    struct sig_rule *r = calloc(1, sizeof *r);
    if (!r) {
        snprintf(why, whylen, "out of memory");
        return SIG_PARSE_ERROR;
    }
    r->fp_list = r->fp_sm = -1;
    const char *p = text;
    enum sig_parse_result res = parse_header(s, &p, r, why, whylen);
    if (res == SIG_PARSE_OK || res == SIG_PARSE_SKIP) {
        char header_why[512];
        snprintf(header_why, sizeof header_why, "%s", res == SIG_PARSE_SKIP ? why : "");
        struct sig_parse ps = {.set = s, .r = r, .cur_list = -1, .last_list = -1, .last_sm = -1};
        enum sig_parse_result opt = res == SIG_PARSE_OK ? parse_options(&ps, p, why, whylen) : SIG_PARSE_SKIP;
        if (opt == SIG_PARSE_OK)
            res = check_rule(r, why, whylen);
        else
            res = opt;
        if (opt == SIG_PARSE_SKIP && header_why[0])
            snprintf(why, whylen, "%s", header_why);
    }
    if (res != SIG_PARSE_OK) {
        sig_rule_free(r);
        return res;
    }
    *out = r;
    return SIG_PARSE_OK;
}
