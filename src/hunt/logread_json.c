/* JSON lines (Zeek's and Suricata's EVE): one pass over a line builds an
 * index of dotted names ("dns.answers.rdata") to value spans. Strings keep
 * their escapes until a value is asked for. Nested objects extend the
 * dotted name; arrays do not, so every element of "answers":[{...},{...}]
 * files its members under the same names. */
#include <stdlib.h>
#include <string.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "hunt/logread_internal.h"
#include "util/ascii.h"
#include "util/grow.h"
#include "util/utf8.h"

void json_index_free(struct json_index *ix)
{
    free(ix->keys);
    free(ix->values);
    free(ix->slots);
    free(ix->arena);
    memset(ix, 0, sizeof *ix);
}

static size_t skip_blank(const char *s, size_t n, size_t i)
{
    while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n'))
        i++;
    return i;
}

/* Four hex digits at s (the caller checked they exist), or -1. */
static long hex4(const char *s)
{
    long v = 0;
    for (int i = 0; i < 4; i++) {
        int d = hex_value(s[i]);
        if (d < 0)
            return -1;
        v = v << 4 | d;
    }
    return v;
}

/* A string's inside with its escapes decoded. Never longer than the input:
 * \uXXXX (6 bytes) becomes at most 3, a surrogate pair (12) 4. Lone or
 * mismatched surrogates become U+FFFD. */
static size_t json_unescape(const char *s, size_t n, char *dst)
{
    size_t o = 0;
    size_t i = 0;
    while (i < n) {
        char c = s[i];
        if (c != '\\' || i + 1 >= n) {
            dst[o++] = c;
            i++;
            continue;
        }
        char e = s[i + 1];
        i += 2;
        switch (e) {
        case 'b': dst[o++] = '\b'; break;
        case 'f': dst[o++] = '\f'; break;
        case 'n': dst[o++] = '\n'; break;
        case 'r': dst[o++] = '\r'; break;
        case 't': dst[o++] = '\t'; break;
        case 'u': {
            long cp = i + 4 <= n ? hex4(s + i) : -1;
            if (cp < 0) {
                /* the parser rejects this; copy it through unchanged */
                dst[o++] = '\\';
                dst[o++] = 'u';
                break;
            }
            i += 4;
            if (cp >= 0xD800 && cp <= 0xDBFF && i + 6 <= n && s[i] == '\\' && s[i + 1] == 'u') {
                long lo = hex4(s + i + 2);
                if (lo >= 0xDC00 && lo <= 0xDFFF) {
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                    i += 6;
                }
            }
            if (cp >= 0xD800 && cp <= 0xDFFF)
                cp = 0xFFFD;
            o += utf8_encode((uint32_t)cp, dst + o);
            break;
        }
        default: dst[o++] = e; break;   /* " \ / */
        }
    }
    return o;
}

/* Room for `need` more decoded bytes. The arena is sized to the line once,
 * before the first decode of the line, so earlier results never move. */
static char *arena_take(struct json_index *ix, size_t need)
{
    if (ix->arena_used == 0 && ix->arena_cap < ix->len) {
        size_t cap = ix->len < 256 ? 256 : ix->len;
        char *a = realloc(ix->arena, cap);
        if (a == NULL)
            return NULL;
        ix->arena = a;
        ix->arena_cap = cap;
    }
    if (need > ix->arena_cap - ix->arena_used)
        return NULL;
    return ix->arena + ix->arena_used;
}

static int grow(void **p, size_t *cap, size_t need, size_t elem)
{
    return grow_array(p, cap, need, elem, 64);
}

static void slot_insert(struct json_index *ix, uint32_t key)
{
    size_t mask = ix->nslots - 1;
    size_t i = ix->keys[key].hash & mask;
    while (ix->slots[i].gen == ix->gen)
        i = (i + 1) & mask;
    ix->slots[i] = (struct json_slot){ix->gen, key};
}

static int rehash(struct json_index *ix, size_t nslots)
{
    struct json_slot *s = calloc(nslots, sizeof *s);
    if (s == NULL)
        return -1;
    free(ix->slots);
    ix->slots = s;
    ix->nslots = nslots;
    ix->gen = 1;
    for (size_t k = 0; k < ix->nkeys; k++)
        slot_insert(ix, (uint32_t)k);
    return 0;
}

/* The key for member `name` of the object filed under `parent`: JSON_NONE
 * when the dotted name would be too long. 0, or -2 out of memory. */
static int intern(struct json_index *ix, uint32_t parent, const char *name, size_t nlen, uint32_t *out)
{
    *out = JSON_NONE;
    if (parent == JSON_NONE)
        return 0;
    size_t full = nlen;
    struct hash_stream hs;
    if (parent != JSON_KEY_ROOT) {
        full += ix->keys[parent].full_len + 1;
        hs = ix->keys[parent].hash_state;
        hash_stream_add(&hs, ".", 1);
    } else {
        logread_hash_start(&hs);
    }
    if (full > LOGREAD_JSON_KEY_MAX)
        return 0;
    hash_stream_add(&hs, name, nlen);
    uint32_t h = (uint32_t)hash_stream_end(&hs);
    if ((ix->nkeys + 1) * 2 > ix->nslots && rehash(ix, ix->nslots ? ix->nslots * 2 : 64) < 0)
        return -2;
    size_t mask = ix->nslots - 1;
    size_t i = h & mask;
    for (; ix->slots[i].gen == ix->gen; i = (i + 1) & mask) {
        const struct json_key *k = &ix->keys[ix->slots[i].key];
        if (k->hash == h && k->parent == parent && k->name_len == nlen && memcmp(k->name, name, nlen) == 0) {
            *out = ix->slots[i].key;
            return 0;
        }
    }
    if (grow((void **)&ix->keys, &ix->keys_cap, ix->nkeys + 1, sizeof *ix->keys) < 0)
        return -2;
    uint32_t idx = (uint32_t)ix->nkeys++;
    ix->keys[idx] = (struct json_key){
        .name = name, .name_len = (uint32_t)nlen, .parent = parent, .full_len = (uint32_t)full,
        .hash = h, .hash_state = hs, .first = JSON_NONE, .last = JSON_NONE,
    };
    ix->slots[i] = (struct json_slot){ix->gen, idx};
    *out = idx;
    return 0;
}

static int add_value(struct json_index *ix, uint32_t key, const char *p, size_t len,
                     enum json_kind kind, bool escaped)
{
    if (key == JSON_NONE || key == JSON_KEY_ROOT)
        return 0;
    if (grow((void **)&ix->values, &ix->values_cap, ix->nvalues + 1, sizeof *ix->values) < 0)
        return -2;
    uint32_t idx = (uint32_t)ix->nvalues++;
    ix->values[idx] = (struct json_value){
        .p = p, .len = (uint32_t)len, .next = JSON_NONE, .kind = (uint8_t)kind, .escaped = escaped,
    };
    struct json_key *k = &ix->keys[key];
    if (k->last == JSON_NONE)
        k->first = idx;
    else
        ix->values[k->last].next = idx;
    k->last = idx;
    return 0;
}

/* s[*i] is the opening quote. On success *i is past the closing quote and
 * the inside is [*start, *start + *len). */
static bool scan_string(const char *s, size_t n, size_t *i, size_t *start, size_t *len, bool *escaped)
{
    size_t j = *i + 1;
    *escaped = false;
    *start = j;
    while (j < n) {
#if defined(__SSE2__)
        /* skip 16 plain bytes at a time: no quote, backslash or control */
        const __m128i quote = _mm_set1_epi8('"');
        const __m128i backslash = _mm_set1_epi8('\\');
        const __m128i ctl = _mm_set1_epi8(0x1f);
        while (j + 16 <= n) {
            __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + j));
            __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash)),
                                       _mm_cmpeq_epi8(_mm_max_epu8(v, ctl), ctl));
            unsigned m = (unsigned)_mm_movemask_epi8(hit);
            if (m != 0) {
                j += (unsigned)__builtin_ctz(m);
                break;
            }
            j += 16;
        }
        if (j >= n)
            break;
#endif
        unsigned char c = (unsigned char)s[j];
        if (c == '"') {
            *len = j - *start;
            *i = j + 1;
            return true;
        }
        if (c < 0x20)
            return false;
        if (c == '\\') {
            if (j + 1 >= n)
                return false;
            char e = s[j + 1];
            *escaped = true;
            if (e == 'u') {
                if (j + 6 > n || hex4(s + j + 2) < 0)
                    return false;
                j += 6;
            } else if (e == '"' || e == '\\' || e == '/' || e == 'b' || e == 'f' || e == 'n' ||
                       e == 'r' || e == 't') {
                j += 2;
            } else {
                return false;
            }
            continue;
        }
        j++;
    }
    return false;
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool scan_number(const char *s, size_t n, size_t *i)
{
    size_t j = *i;
    if (j < n && s[j] == '-')
        j++;
    if (j >= n || !is_digit(s[j]))
        return false;
    if (s[j] == '0') {
        j++;
    } else {
        while (j < n && is_digit(s[j]))
            j++;
    }
    if (j < n && s[j] == '.') {
        j++;
        if (j >= n || !is_digit(s[j]))
            return false;
        while (j < n && is_digit(s[j]))
            j++;
    }
    if (j < n && (s[j] == 'e' || s[j] == 'E')) {
        j++;
        if (j < n && (s[j] == '+' || s[j] == '-'))
            j++;
        if (j >= n || !is_digit(s[j]))
            return false;
        while (j < n && is_digit(s[j]))
            j++;
    }
    *i = j;
    return true;
}

static bool scan_word(const char *s, size_t n, size_t *i, const char *w, size_t wl)
{
    if (n - *i < wl || memcmp(s + *i, w, wl) != 0)
        return false;
    *i += wl;
    return true;
}

/* A scalar value at s[*i], filed under `key`. 0, -1 malformed, -2 OOM. */
static int parse_scalar(struct json_index *ix, uint32_t key, size_t *i)
{
    const char *s = ix->line;
    size_t n = ix->len;
    size_t start = *i;
    char c = s[start];
    if (c == '"') {
        size_t vs, vl;
        bool esc;
        if (!scan_string(s, n, i, &vs, &vl, &esc))
            return -1;
        return add_value(ix, key, s + vs, vl, JSON_STRING, esc);
    }
    if (c == '-' || is_digit(c)) {
        if (!scan_number(s, n, i))
            return -1;
        return add_value(ix, key, s + start, *i - start, JSON_NUMBER, false);
    }
    if (scan_word(s, n, i, "true", 4) || scan_word(s, n, i, "false", 5))
        return add_value(ix, key, s + start, *i - start, JSON_BOOL, false);
    if (scan_word(s, n, i, "null", 4))
        return 0;   /* null is unset: nothing filed */
    return -1;
}

/* A member's name, decoded if it has escapes, then its key. */
static int parse_member_name(struct json_index *ix, uint32_t parent, size_t *i, uint32_t *key)
{
    const char *s = ix->line;
    size_t ks, kl;
    bool esc;
    if (!scan_string(s, ix->len, i, &ks, &kl, &esc))
        return -1;
    const char *name = s + ks;
    if (esc && parent != JSON_NONE) {
        char *dst = arena_take(ix, kl);
        if (dst == NULL)
            return -2;
        kl = json_unescape(name, kl, dst);
        ix->arena_used += kl;
        name = dst;
    }
    return intern(ix, parent, name, kl, key);
}

struct frame {
    uint32_t key;       /* an object's own name (its members' parent), an array's name */
    bool object;
};

/* After a value: past ',' (1, another element follows) or past the closing
 * brackets it completes (0 with *depth == 0 at the end of the line). */
static int after_value(const char *s, size_t n, size_t *i, struct frame *stack, size_t *depth)
{
    for (;;) {
        *i = skip_blank(s, n, *i);
        if (*i >= n)
            return -1;
        char c = s[*i];
        if (c == ',') {
            (*i)++;
            return 1;
        }
        if (c != (stack[*depth - 1].object ? '}' : ']'))
            return -1;
        (*i)++;
        if (--*depth == 0)
            return 0;
    }
}

int json_index_parse(struct json_index *ix, const char *line, size_t len)
{
    ix->line = line;
    ix->len = len;
    ix->nkeys = 0;
    ix->nvalues = 0;
    ix->arena_used = 0;
    if (++ix->gen == 0) {
        if (ix->slots != NULL)
            memset(ix->slots, 0, ix->nslots * sizeof *ix->slots);
        ix->gen = 1;
    }
    const char *s = line;
    size_t n = len;
    struct frame stack[LOGREAD_JSON_DEPTH_MAX];
    size_t depth = 0;
    size_t i = skip_blank(s, n, 0);
    if (i >= n || s[i] != '{')
        return -1;
    i++;
    stack[depth++] = (struct frame){JSON_KEY_ROOT, true};
    bool first = true;
    for (;;) {
        struct frame *f = &stack[depth - 1];
        i = skip_blank(s, n, i);
        if (i >= n)
            return -1;
        int rc;
        if (first && s[i] == (f->object ? '}' : ']')) {
            i++;
            depth--;
            if (depth == 0)
                return skip_blank(s, n, i) == n ? 0 : -1;
            rc = after_value(s, n, &i, stack, &depth);
        } else {
            uint32_t key = f->key;
            if (f->object) {
                if (s[i] != '"')
                    return -1;
                rc = parse_member_name(ix, f->key, &i, &key);
                if (rc < 0)
                    return rc;
                i = skip_blank(s, n, i);
                if (i >= n || s[i] != ':')
                    return -1;
                i = skip_blank(s, n, i + 1);
                if (i >= n)
                    return -1;
            }
            if (s[i] == '{' || s[i] == '[') {
                if (depth == LOGREAD_JSON_DEPTH_MAX)
                    return -1;
                stack[depth++] = (struct frame){key, s[i] == '{'};
                i++;
                first = true;
                continue;
            }
            rc = parse_scalar(ix, key, &i);
            if (rc < 0)
                return rc;
            rc = after_value(s, n, &i, stack, &depth);
        }
        if (rc < 0)
            return -1;
        if (rc == 0)
            return skip_blank(s, n, i) == n ? 0 : -1;
        first = false;
    }
}

/* Whether key k's dotted name is exactly name[0, len). */
static bool key_is(const struct json_index *ix, const struct json_key *k, const char *name, size_t len)
{
    if (k->full_len != len)
        return false;
    size_t pos = len;
    for (;;) {
        if (k->name_len > pos)
            return false;
        pos -= k->name_len;
        if (memcmp(name + pos, k->name, k->name_len) != 0)
            return false;
        if (k->parent == JSON_KEY_ROOT)
            return pos == 0;
        if (pos == 0 || name[pos - 1] != '.')
            return false;
        pos--;
        k = &ix->keys[k->parent];
    }
}

static bool materialize(struct json_index *ix, struct json_value *v)
{
    if (!v->escaped)
        return true;
    char *dst = arena_take(ix, v->len);
    if (dst == NULL)
        return false;
    size_t m = json_unescape(v->p, v->len, dst);
    ix->arena_used += m;
    v->p = dst;
    v->len = (uint32_t)m;
    v->escaped = false;
    return true;
}

bool json_get(struct json_index *ix, const char *name, struct log_value *out)
{
    out->val = NULL;
    out->len = 0;
    if (ix->nslots == 0)
        return false;
    size_t len;
    uint32_t h = logread_hash_cstr(name, &len);
    size_t mask = ix->nslots - 1;
    uint32_t best = JSON_NONE;
    for (size_t i = h & mask; ix->slots[i].gen == ix->gen; i = (i + 1) & mask) {
        const struct json_key *k = &ix->keys[ix->slots[i].key];
        if (k->hash == h && k->first != JSON_NONE && k->first < best && key_is(ix, k, name, len))
            best = k->first;
    }
    if (best == JSON_NONE)
        return false;
    struct json_value *v = &ix->values[best];
    if (!materialize(ix, v))
        return false;
    out->val = v->p;
    out->len = v->len;
    return true;
}

/* Values of every key spelling `name` ("a.b" as one member or nested), in
 * the order the keys appeared in the line: never in slot order, which
 * depends on the run's hash key. */
void json_each(struct json_index *ix, const char *name, log_each_fn fn, void *ctx)
{
    if (ix->nslots == 0)
        return;
    size_t len;
    uint32_t h = logread_hash_cstr(name, &len);
    size_t mask = ix->nslots - 1;
    uint32_t found[LOGREAD_JSON_DEPTH_MAX];
    size_t n_found = 0;
    for (size_t i = h & mask; ix->slots[i].gen == ix->gen && n_found < LOGREAD_JSON_DEPTH_MAX; i = (i + 1) & mask) {
        uint32_t key = ix->slots[i].key;
        const struct json_key *k = &ix->keys[key];
        if (k->hash != h || !key_is(ix, k, name, len))
            continue;
        size_t at = n_found++;
        for (; at > 0 && found[at - 1] > key; at--)
            found[at] = found[at - 1];
        found[at] = key;
    }
    for (size_t f = 0; f < n_found; f++) {
        for (uint32_t vi = ix->keys[found[f]].first; vi != JSON_NONE; vi = ix->values[vi].next) {
            struct json_value *v = &ix->values[vi];
            if (!materialize(ix, v) || v->len == 0)
                continue;
            fn(ctx, v->p, v->len);
        }
    }
}

/* Whether s[pos] lies directly inside the outermost object, outside any
 * string: a quick scan of what precedes it. */
static bool at_top_level(const char *s, size_t pos)
{
    int depth = 0;
    bool in_string = false;
    for (size_t i = 0; i < pos; i++) {
        char c = s[i];
        if (in_string) {
            if (c == '\\')
                i++;
            else if (c == '"')
                in_string = false;
        } else if (c == '"') {
            in_string = true;
        } else if (c == '{' || c == '[') {
            depth++;
        } else if (c == '}' || c == ']') {
            depth--;
        }
    }
    return !in_string && depth == 1;
}

bool json_mentions(const char *line, size_t len, const char *quoted_key, size_t klen)
{
    return memmem(line, len, quoted_key, klen) != NULL;
}

bool json_quick_string(const char *line, size_t len, const char *pattern, size_t pattern_len,
                       const char **val, size_t *vlen)
{
    const char *m = memmem(line, len, pattern, pattern_len);
    if (m == NULL || !at_top_level(line, (size_t)(m - line)))
        return false;
    const char *v = m + pattern_len;
    const char *end = line + len;
    for (const char *p = v; p < end; p++) {
        if (*p == '\\')
            return false;
        if (*p == '"') {
            *val = v;
            *vlen = (size_t)(p - v);
            return true;
        }
    }
    return false;
}
