/* STIX 2.1 patterning reader. A hand-written lexer and an operator-precedence
 * parser over an explicit stack: nesting depth is capped and nothing
 * recurses, so hostile patterns cost time linear in their length and no
 * stack.
 *
 * Besides collecting comparisons, each sub-expression is summarised as
 * (has a supported comparison, can be true with no supported comparison
 * true). The second flag is what tells the loader that Vigil would miss
 * part of what the pattern describes:
 *   comparison:      supported -> (1, 0), unsupported -> (0, 1)
 *   A OR B:          (sA | sB, lA | lB)
 *   A AND B,
 *   A FOLLOWEDBY B:  (sA | sB, lA & lB)   (a fully supported side must hold) */
#include "intel/stix_pattern.h"

#include <string.h>

#include "util/addr.h"
#include "util/ascii.h"

enum token_kind {
    TOK_END,
    TOK_ERROR,
    TOK_LBRACKET,
    TOK_RBRACKET,
    TOK_LPAREN,
    TOK_RPAREN,
    TOK_COMMA,
    TOK_OP,           /* = == != < <= > >= */
    TOK_WORD,         /* keyword, true/false */
    TOK_PATH,         /* object-type:property.path */
    TOK_STRING,       /* 'text' with \' and \\ escapes */
    TOK_TYPED_STRING, /* t'...', h'...', b'...' */
    TOK_NUMBER,
};

struct token {
    enum token_kind kind;
    const char *p; /* the token's bytes, quotes included */
    size_t n;
};

struct lexer {
    const char *p;
    size_t n, pos;
    const char *error;
};

/* What a sub-expression can do (see the file comment). */
struct reach {
    bool supported;
    bool leaks;
};

/* One open '[' or '(' (or the whole pattern): the three precedence levels
 * of the expression read so far inside it. */
struct frame {
    char close;         /* ']' or ')'; 0 for the whole pattern */
    bool in_observation;/* inside '[' ... ']': comparisons, not observations */
    struct reach followed; /* FOLLOWEDBY chain: AND-like */
    struct reach alt;      /* OR chain */
    struct reach term;     /* AND chain */
};

/* Where supported comparisons go. */
struct sink {
    char *arena;
    size_t arena_len, arena_used;
    struct stix_comparison *out;
    size_t max;
    struct stix_pattern_summary *sum;
};

/* ---- lexer ---- */

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

static bool is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool is_word_char(char c)
{
    return is_alpha(c) || is_digit(c) || c == '_' || c == '-';
}

/* Skips a quoted literal starting at lx->pos (on the opening quote). */
static bool lex_skip_quoted(struct lexer *lx)
{
    size_t i = lx->pos + 1;
    while (i < lx->n) {
        if (lx->p[i] == '\\') {
            i += 2;
            continue;
        }
        if (lx->p[i] == '\'') {
            lx->pos = i + 1;
            return true;
        }
        i++;
    }
    lx->error = "unterminated string";
    return false;
}

/* The property path after "object-type:": names or quoted names joined by
 * '.', each optionally followed by list indexes "[3]" or "[*]". */
static bool lex_skip_property_path(struct lexer *lx)
{
    for (;;) {
        if (lx->pos < lx->n && is_word_char(lx->p[lx->pos])) {
            while (lx->pos < lx->n && is_word_char(lx->p[lx->pos]))
                lx->pos++;
        } else if (lx->pos < lx->n && lx->p[lx->pos] == '\'') {
            if (!lex_skip_quoted(lx))
                return false;
        } else {
            lx->error = "bad object path";
            return false;
        }
        while (lx->pos < lx->n && lx->p[lx->pos] == '[') {
            size_t i = lx->pos + 1;
            if (i < lx->n && lx->p[i] == '*') {
                i++;
            } else {
                size_t start = i;
                while (i < lx->n && is_digit(lx->p[i]))
                    i++;
                if (i == start) {
                    lx->error = "bad list index in object path";
                    return false;
                }
            }
            if (i >= lx->n || lx->p[i] != ']') {
                lx->error = "bad list index in object path";
                return false;
            }
            lx->pos = i + 1;
        }
        if (lx->pos < lx->n && lx->p[lx->pos] == '.') {
            lx->pos++;
            continue;
        }
        return true;
    }
}

static struct token lex_next(struct lexer *lx)
{
    while (lx->pos < lx->n && is_space(lx->p[lx->pos]))
        lx->pos++;
    struct token t = {TOK_END, lx->p + lx->pos, 0};
    if (lx->pos >= lx->n)
        return t;
    size_t start = lx->pos;
    char c = lx->p[start];
    switch (c) {
    case '[': t.kind = TOK_LBRACKET; lx->pos++; break;
    case ']': t.kind = TOK_RBRACKET; lx->pos++; break;
    case '(': t.kind = TOK_LPAREN; lx->pos++; break;
    case ')': t.kind = TOK_RPAREN; lx->pos++; break;
    case ',': t.kind = TOK_COMMA; lx->pos++; break;
    case '=':
    case '<':
    case '>':
    case '!':
        lx->pos++;
        if (lx->pos < lx->n && lx->p[lx->pos] == '=')
            lx->pos++;
        else if (c == '!') {
            lx->error = "'!' without '='";
            t.kind = TOK_ERROR;
            return t;
        }
        t.kind = TOK_OP;
        break;
    case '\'':
        if (!lex_skip_quoted(lx)) {
            t.kind = TOK_ERROR;
            return t;
        }
        t.kind = TOK_STRING;
        break;
    default:
        if (is_digit(c) || ((c == '-' || c == '+') && start + 1 < lx->n && is_digit(lx->p[start + 1]))) {
            lx->pos++;
            while (lx->pos < lx->n && (is_digit(lx->p[lx->pos]) || lx->p[lx->pos] == '.' ||
                                       ascii_lower(lx->p[lx->pos]) == 'e' ||
                                       ((lx->p[lx->pos] == '-' || lx->p[lx->pos] == '+') &&
                                        ascii_lower(lx->p[lx->pos - 1]) == 'e')))
                lx->pos++;
            t.kind = TOK_NUMBER;
        } else if (is_alpha(c) || c == '_') {
            if ((c == 't' || c == 'h' || c == 'b') && start + 1 < lx->n && lx->p[start + 1] == '\'') {
                lx->pos++;
                if (!lex_skip_quoted(lx)) {
                    t.kind = TOK_ERROR;
                    return t;
                }
                t.kind = TOK_TYPED_STRING;
                break;
            }
            while (lx->pos < lx->n && is_word_char(lx->p[lx->pos]))
                lx->pos++;
            if (lx->pos < lx->n && lx->p[lx->pos] == ':') {
                lx->pos++;
                if (!lex_skip_property_path(lx)) {
                    t.kind = TOK_ERROR;
                    return t;
                }
                t.kind = TOK_PATH;
            } else {
                t.kind = TOK_WORD;
            }
        } else {
            lx->error = "unexpected character";
            t.kind = TOK_ERROR;
            return t;
        }
    }
    t.n = lx->pos - start;
    return t;
}

static bool token_is_word(const struct token *t, const char *word)
{
    size_t len = strlen(word);
    if (t->kind != TOK_WORD || t->n != len)
        return false;
    for (size_t i = 0; i < len; i++)
        if (ascii_lower(t->p[i]) != ascii_lower(word[i]))
            return false;
    return true;
}

/* ---- object paths ---- */

enum path_kind {
    PATH_VALUE,    /* the value as the type says */
    PATH_ADDRESS,  /* an address, or a range when it has "/len" */
    PATH_HOST,     /* an address, a range or a domain name */
};

struct path_rule {
    const char *path; /* canonical: lower case, quotes dropped, indexes as [*] */
    enum intel_type type;
    enum path_kind kind;
};

static const struct path_rule path_rules[] = {
    {"ipv4-addr:value", INTEL_ADDR, PATH_ADDRESS},
    {"ipv6-addr:value", INTEL_ADDR, PATH_ADDRESS},
    {"domain-name:value", INTEL_DOMAIN, PATH_VALUE},
    {"url:value", INTEL_URL, PATH_VALUE},
    {"file:hashes.md5", INTEL_FILE_HASH, PATH_VALUE},
    {"file:hashes.sha-1", INTEL_FILE_HASH, PATH_VALUE},
    {"file:hashes.sha1", INTEL_FILE_HASH, PATH_VALUE},
    {"file:hashes.sha-256", INTEL_FILE_HASH, PATH_VALUE},
    {"file:hashes.sha256", INTEL_FILE_HASH, PATH_VALUE},
    {"email-addr:value", INTEL_EMAIL, PATH_VALUE},
    {"email-message:from_ref.value", INTEL_EMAIL, PATH_VALUE},
    {"email-message:sender_ref.value", INTEL_EMAIL, PATH_VALUE},
    {"email-message:to_refs[*].value", INTEL_EMAIL, PATH_VALUE},
    {"email-message:cc_refs[*].value", INTEL_EMAIL, PATH_VALUE},
    {"email-message:bcc_refs[*].value", INTEL_EMAIL, PATH_VALUE},
    {"x509-certificate:hashes.sha-256", INTEL_CERT_HASH, PATH_VALUE},
    {"x509-certificate:hashes.sha256", INTEL_CERT_HASH, PATH_VALUE},
    {"x509-certificate:hashes.sha-1", INTEL_CERT_HASH, PATH_VALUE},
    {"x509-certificate:hashes.sha1", INTEL_CERT_HASH, PATH_VALUE},
    {"network-traffic:dst_ref.value", INTEL_ADDR, PATH_HOST},
    {"network-traffic:src_ref.value", INTEL_ADDR, PATH_HOST},
    {"network-traffic:extensions.http-request-ext.request_header.user-agent", INTEL_USER_AGENT, PATH_VALUE},
};

#define PATH_CANONICAL_MAX 128

/* Canonical form of a path token into out; false when it does not fit. */
static bool path_canonical(const struct token *t, char *out, size_t outlen)
{
    size_t o = 0;
    bool quoted = false;
    for (size_t i = 0; i < t->n; i++) {
        char c = t->p[i];
        if (quoted && c == '\\' && i + 1 < t->n) {
            c = t->p[++i];
        } else if (c == '\'') {
            quoted = !quoted;
            continue;
        } else if (!quoted && c == '[') {
            /* any index, "[3]" or "[*]", reads as "[*]" */
            while (i < t->n && t->p[i] != ']')
                i++;
            if (o + 3 >= outlen)
                return false;
            memcpy(out + o, "[*]", 3);
            o += 3;
            continue;
        }
        if (o + 1 >= outlen)
            return false;
        out[o++] = ascii_lower(c);
    }
    out[o] = '\0';
    return true;
}

static const struct path_rule *path_lookup(const struct token *t)
{
    char canon[PATH_CANONICAL_MAX];
    if (!path_canonical(t, canon, sizeof canon))
        return NULL;
    for (size_t i = 0; i < sizeof path_rules / sizeof path_rules[0]; i++)
        if (strcmp(canon, path_rules[i].path) == 0)
            return &path_rules[i];
    return NULL;
}

/* ---- comparisons ---- */

static int parse_fail(struct stix_pattern_summary *sum, const char *reason)
{
    sum->reason = reason;
    return -1;
}

static void note_unsupported(struct stix_pattern_summary *sum, const char *reason)
{
    if (sum->n_unsupported == 0 && sum->reason == NULL)
        sum->reason = reason;
    sum->n_unsupported++;
}

/* The type a value of a supported path takes: ranges and, for network
 * traffic, names are told apart by looking at the value. */
static enum intel_type value_type(const struct path_rule *rule, const char *value)
{
    if (rule->kind == PATH_VALUE)
        return rule->type;
    if (strchr(value, '/') != NULL)
        return INTEL_SUBNET;
    struct ip_addr a;
    if (rule->kind == PATH_HOST && !ip_addr_parse(value, &a))
        return INTEL_DOMAIN;
    return INTEL_ADDR;
}

/* Stores one supported string literal (token with its quotes), unescaped. */
static int emit_value(struct sink *k, const struct path_rule *rule, const struct token *lit)
{
    struct stix_pattern_summary *sum = k->sum;
    size_t index = sum->n_supported++;
    if (index >= k->max)
        return 0;
    size_t room = k->arena_len - k->arena_used;
    if (lit->n < 2 || room < lit->n - 1)
        return parse_fail(sum, "value arena too small");
    char *dst = k->arena + k->arena_used;
    size_t len = 0;
    for (size_t i = 1; i + 1 < lit->n; i++) {
        char c = lit->p[i];
        if (c == '\\' && i + 2 < lit->n && (lit->p[i + 1] == '\'' || lit->p[i + 1] == '\\'))
            c = lit->p[++i];
        dst[len++] = c;
    }
    dst[len] = '\0';
    k->arena_used += len + 1;
    k->out[index] = (struct stix_comparison){value_type(rule, dst), dst, len};
    return 0;
}

enum comparison_op {
    OP_EQUAL,
    OP_IN,
    OP_ISSUBSET,
    OP_OTHER,
};

static bool read_operator(const struct token *t, enum comparison_op *op)
{
    if (t->kind == TOK_OP) {
        *op = (t->n == 1 && t->p[0] == '=') || (t->n == 2 && t->p[0] == '=') ? OP_EQUAL : OP_OTHER;
        return true;
    }
    if (token_is_word(t, "IN"))
        *op = OP_IN;
    else if (token_is_word(t, "ISSUBSET"))
        *op = OP_ISSUBSET;
    else if (token_is_word(t, "LIKE") || token_is_word(t, "MATCHES") || token_is_word(t, "ISSUPERSET"))
        *op = OP_OTHER;
    else
        return false;
    return true;
}

static bool is_literal(const struct token *t)
{
    return t->kind == TOK_STRING || t->kind == TOK_TYPED_STRING || t->kind == TOK_NUMBER ||
           token_is_word(t, "true") || token_is_word(t, "false");
}

/* One literal compared against a path: stored when Vigil can match it. */
static int take_literal(struct sink *k, const struct path_rule *rule, bool usable, const char *why,
                        const struct token *lit, struct reach *r)
{
    if (usable && rule != NULL && lit->kind == TOK_STRING) {
        r->supported = true;
        return emit_value(k, rule, lit);
    }
    r->leaks = true;
    if (usable && rule != NULL)
        why = "value is not a string";
    note_unsupported(k->sum, why);
    return 0;
}

/* Reads "[NOT] op value" after the path token. */
static int parse_comparison(struct lexer *lx, const struct token *path, struct sink *k, struct reach *r)
{
    struct stix_pattern_summary *sum = k->sum;
    *r = (struct reach){false, false};
    const struct path_rule *rule = path_lookup(path);
    struct token t = lex_next(lx);
    bool negated = false;
    if (token_is_word(&t, "NOT")) {
        negated = true;
        t = lex_next(lx);
    }
    enum comparison_op op;
    if (t.kind == TOK_ERROR)
        return parse_fail(sum, lx->error);
    if (!read_operator(&t, &op))
        return parse_fail(sum, "expected a comparison operator");

    const char *why = NULL;
    if (rule == NULL)
        why = "object path Vigil cannot match";
    else if (negated)
        why = "negated comparison";
    else if (op == OP_OTHER)
        why = "operator other than '=', IN or ISSUBSET";
    else if (op == OP_ISSUBSET && rule->kind == PATH_VALUE)
        why = "ISSUBSET on a path that is not an address";
    bool usable = why == NULL;

    if (op != OP_IN) {
        t = lex_next(lx);
        if (t.kind == TOK_ERROR)
            return parse_fail(sum, lx->error);
        if (!is_literal(&t))
            return parse_fail(sum, "expected a value");
        return take_literal(k, rule, usable, why, &t, r);
    }

    t = lex_next(lx);
    if (t.kind != TOK_LPAREN)
        return parse_fail(sum, t.kind == TOK_ERROR ? lx->error : "expected '(' after IN");
    for (;;) {
        t = lex_next(lx);
        if (t.kind == TOK_ERROR)
            return parse_fail(sum, lx->error);
        if (!is_literal(&t))
            return parse_fail(sum, "expected a value in the IN list");
        if (take_literal(k, rule, usable, why, &t, r) != 0)
            return -1;
        t = lex_next(lx);
        if (t.kind == TOK_RPAREN)
            return 0;
        if (t.kind != TOK_COMMA)
            return parse_fail(sum, t.kind == TOK_ERROR ? lx->error : "expected ',' or ')' in the IN list");
    }
}

/* "WITHIN n SECONDS", "REPEATS n TIMES", "START t'..' STOP t'..'": read and ignored. */
static int skip_qualifier(struct lexer *lx, const struct token *first, struct stix_pattern_summary *sum)
{
    struct token t = lex_next(lx);
    if (token_is_word(first, "START")) {
        if (t.kind != TOK_TYPED_STRING && t.kind != TOK_STRING)
            return parse_fail(sum, "expected a timestamp after START");
        t = lex_next(lx);
        if (!token_is_word(&t, "STOP"))
            return parse_fail(sum, "expected STOP");
        t = lex_next(lx);
        if (t.kind != TOK_TYPED_STRING && t.kind != TOK_STRING)
            return parse_fail(sum, "expected a timestamp after STOP");
        return 0;
    }
    if (t.kind != TOK_NUMBER)
        return parse_fail(sum, "expected a number in a qualifier");
    t = lex_next(lx);
    bool within = token_is_word(first, "WITHIN");
    if (!token_is_word(&t, within ? "SECONDS" : "TIMES"))
        return parse_fail(sum, within ? "expected SECONDS" : "expected TIMES");
    return 0;
}

/* ---- expression structure ---- */

static const struct reach and_identity = {false, true};
static const struct reach or_identity = {false, false};

static void frame_open(struct frame *f, char close, bool in_observation)
{
    f->close = close;
    f->in_observation = in_observation;
    f->followed = and_identity;
    f->alt = or_identity;
    f->term = and_identity;
}

static void frame_add_unit(struct frame *f, struct reach u)
{
    f->term.supported |= u.supported;
    f->term.leaks &= u.leaks;
}

static void frame_or(struct frame *f)
{
    f->alt.supported |= f->term.supported;
    f->alt.leaks |= f->term.leaks;
    f->term = and_identity;
}

static void frame_followedby(struct frame *f)
{
    frame_or(f);
    f->followed.supported |= f->alt.supported;
    f->followed.leaks &= f->alt.leaks;
    f->alt = or_identity;
}

static struct reach frame_close(struct frame *f)
{
    frame_followedby(f);
    return f->followed;
}

int stix_pattern_parse(const char *p, size_t n, char *arena, size_t arena_len, struct stix_comparison *out,
                       size_t max, struct stix_pattern_summary *sum)
{
    memset(sum, 0, sizeof *sum);
    struct lexer lx = {p, n, 0, NULL};
    struct sink k = {arena, arena_len, 0, out, max, sum};
    struct frame stack[STIX_PATTERN_MAX_DEPTH + 1];
    size_t depth = 0;
    frame_open(&stack[0], 0, false);
    bool expect_operand = true;
    bool after_observation = false; /* a qualifier may follow */

    for (;;) {
        struct token t = lex_next(&lx);
        if (t.kind == TOK_ERROR)
            return parse_fail(sum, lx.error);
        struct frame *f = &stack[depth];
        if (expect_operand) {
            if (t.kind == TOK_LBRACKET || t.kind == TOK_LPAREN) {
                if (t.kind == TOK_LBRACKET && f->in_observation)
                    return parse_fail(sum, "'[' inside an observation");
                if (depth == STIX_PATTERN_MAX_DEPTH)
                    return parse_fail(sum, "nested too deeply");
                depth++;
                frame_open(&stack[depth], t.kind == TOK_LBRACKET ? ']' : ')',
                           f->in_observation || t.kind == TOK_LBRACKET);
                continue;
            }
            struct reach unit;
            if (t.kind == TOK_PATH) {
                if (!f->in_observation)
                    return parse_fail(sum, "comparison outside '[ ]'");
                if (parse_comparison(&lx, &t, &k, &unit) != 0)
                    return -1;
            } else if (token_is_word(&t, "EXISTS")) {
                struct token path = lex_next(&lx);
                if (!f->in_observation || path.kind != TOK_PATH)
                    return parse_fail(sum, path.kind == TOK_ERROR ? lx.error : "bad EXISTS");
                unit = (struct reach){false, true};
                note_unsupported(sum, "EXISTS");
            } else {
                return parse_fail(sum, t.kind == TOK_END ? "pattern ends where a comparison or '[' was expected"
                                                         : "expected a comparison or '['");
            }
            frame_add_unit(f, unit);
            expect_operand = false;
            after_observation = false;
            continue;
        }

        if (t.kind == TOK_END) {
            if (depth != 0)
                return parse_fail(sum, "'[' or '(' not closed");
            struct reach whole = frame_close(f);
            sum->unsupported_may_match = whole.leaks;
            return 0;
        }
        if (t.kind == TOK_RBRACKET || t.kind == TOK_RPAREN) {
            char close = t.kind == TOK_RBRACKET ? ']' : ')';
            if (depth == 0 || f->close != close)
                return parse_fail(sum, "unbalanced ']' or ')'");
            struct reach inner = frame_close(f);
            depth--;
            frame_add_unit(&stack[depth], inner);
            after_observation = !stack[depth].in_observation;
            continue;
        }
        if (token_is_word(&t, "AND")) {
            expect_operand = true;
        } else if (token_is_word(&t, "OR")) {
            frame_or(f);
            expect_operand = true;
        } else if (token_is_word(&t, "FOLLOWEDBY")) {
            if (f->in_observation)
                return parse_fail(sum, "FOLLOWEDBY inside an observation");
            frame_followedby(f);
            expect_operand = true;
        } else if (token_is_word(&t, "WITHIN") || token_is_word(&t, "REPEATS") || token_is_word(&t, "START")) {
            if (!after_observation)
                return parse_fail(sum, "qualifier not after an observation");
            if (skip_qualifier(&lx, &t, sum) != 0)
                return -1;
        } else {
            return parse_fail(sum, "expected AND, OR, FOLLOWEDBY or a closing bracket");
        }
    }
}
