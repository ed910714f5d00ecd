/* The content inspection engine: one rule list (content, pcre, byte_*,
 * isdataat, bsize, base64_decode) over one buffer, in rule order, with
 * Suricata's relative positions and backtracking over earlier contents. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "sig/inspect.h"
#include "util/base64.h"

/* Bounds the work one list may cost on hostile input (nested backtracking). */
#define INSPECT_BUDGET 4096

static const uint8_t *find(const uint8_t *hay, size_t n, const uint8_t *pat, size_t m, bool nocase)
{
    if (m == 0 || m > n)
        return NULL;
    if (!nocase)
        return memmem(hay, n, pat, m);
    uint8_t first = (uint8_t)tolower(pat[0]);
    for (size_t i = 0; i + m <= n; i++) {
        if ((uint8_t)tolower(hay[i]) != first)
            continue;
        size_t k = 1;
        while (k < m && tolower(hay[i + k]) == tolower(pat[k]))
            k++;
        if (k == m)
            return hay + i;
    }
    return NULL;
}

static int64_t num(const struct sig_inspect *in, const struct sig_num *n)
{
    return n->var >= 0 ? (int64_t)in->vars[n->var] : (int64_t)n->v;
}

static bool cmp_range(const struct sig_range *r, uint64_t v)
{
    switch (r->cmp) {
    case SIG_CMP_EQ: return v == r->lo;
    case SIG_CMP_NE: return v != r->lo;
    case SIG_CMP_LT: return v < r->lo;
    case SIG_CMP_GT: return v > r->lo;
    case SIG_CMP_LE: return v <= r->lo;
    case SIG_CMP_GE: return v >= r->lo;
    default: return v > r->lo && v < r->hi;
    }
}

bool sig_range_match(const struct sig_range *r, uint64_t v)
{
    return cmp_range(r, v);
}

/* Reads nbytes at pos as byte_* does; false when out of bounds or not a number. */
static bool read_value(const struct sig_byte *b, const uint8_t *buf, size_t len, int64_t pos, uint64_t *out,
                       size_t *consumed)
{
    if (pos < 0 || (size_t)pos >= len)
        return false;
    size_t avail = len - (size_t)pos;
    const uint8_t *p = buf + pos;
    uint64_t v = 0;
    if (b->string) {
        size_t want = b->nbytes ? b->nbytes : avail;
        if (want > avail)
            return false;
        size_t i = 0;
        for (; i < want && i < 20; i++) {
            int d = isdigit(p[i]) ? p[i] - '0' : isxdigit(p[i]) ? tolower(p[i]) - 'a' + 10 : 99;
            if (d >= b->base)
                break;
            v = v * b->base + (uint64_t)d;
        }
        if (i == 0 || (b->nbytes && i < want))
            return false;
        *consumed = b->nbytes ? b->nbytes : i;
    } else {
        if (b->nbytes > avail)
            return false;
        for (unsigned i = 0; i < b->nbytes; i++)
            v = b->little ? v | (uint64_t)p[i] << (8 * i) : v << 8 | p[i];
        *consumed = b->nbytes;
    }
    if (b->bitmask) {
        v &= b->bitmask;
        uint32_t m = b->bitmask;
        while (m && !(m & 1)) {
            m >>= 1;
            v >>= 1;
        }
    }
    *out = v;
    return true;
}

static bool byte_test(const struct sig_inspect *in, const struct sig_byte *b, uint64_t v)
{
    uint64_t ref = b->value.var == -2 ? (uint32_t)b->value.v : (uint64_t)num(in, &b->value);
    bool r;
    switch (b->op) {
    case SIG_OP_LT: r = v < ref; break;
    case SIG_OP_GT: r = v > ref; break;
    case SIG_OP_EQ: r = v == ref; break;
    case SIG_OP_LE: r = v <= ref; break;
    case SIG_OP_GE: r = v >= ref; break;
    case SIG_OP_AND: r = (v & ref) != 0; break;
    default: r = (v ^ ref) != 0; break;
    }
    return b->negated ? !r : r;
}

static bool step(struct sig_inspect *in, const struct sig_list *l, size_t i, const uint8_t *buf, size_t len,
                 size_t prev);

static bool content_at(struct sig_inspect *in, const struct sig_list *l, size_t i, const uint8_t *buf, size_t len,
                       size_t prev)
{
    const struct sig_content *c = &l->sm[i].u.content;
    int64_t start, end;
    if (c->startswith) {
        start = 0;
        end = c->len;
    } else if (c->has_distance || c->has_within) {
        start = (int64_t)prev + (c->has_distance ? num(in, &c->distance) : 0);
        end = c->has_within ? start + num(in, &c->within) : (int64_t)len;
    } else {
        start = c->has_offset ? num(in, &c->offset) : 0;
        end = c->has_depth ? start + num(in, &c->depth) : (int64_t)len;
    }
    if (start < 0)
        start = 0;
    if (end > (int64_t)len)
        end = (int64_t)len;
    if (c->endswith && end == (int64_t)len && (int64_t)len - (int64_t)c->len >= start)
        start = (int64_t)len - c->len;
    else if (c->endswith)
        end = -1;
    for (;;) {
        const uint8_t *hit = start < end ? find(buf + start, (size_t)(end - start), c->pat, c->len, c->nocase) : NULL;
        if (c->negated)
            return hit == NULL && step(in, l, i + 1, buf, len, prev);
        if (!hit)
            return false;
        size_t pos = (size_t)(hit - buf);
        if (step(in, l, i + 1, buf, len, pos + c->len))
            return true;
        if (--in->budget <= 0 || c->startswith || c->endswith)
            return false;
        start = (int64_t)pos + 1;
    }
}

bool sig_inspect_init(struct sig_inspect *in, size_t n_pcres)
{
    in->match_data = pcre2_match_data_create(32, NULL);
    in->jit = calloc(n_pcres + 1, sizeof *in->jit);
    in->jit_tried = calloc(n_pcres + 1, 1);
    in->n_jit = n_pcres;
    return in->match_data && in->jit && in->jit_tried;
}

void sig_inspect_free(struct sig_inspect *in)
{
    for (size_t i = 0; in->jit && i < in->n_jit; i++)
        pcre2_code_free(in->jit[i]);
    free(in->jit);
    free(in->jit_tried);
    pcre2_match_data_free(in->match_data);
}

/* The worker's JIT copy of the pattern, else the shared interpreted one. */
static const pcre2_code *pcre_code(struct sig_inspect *in, const struct sig_pcre *pc)
{
    if (pc->index >= in->n_jit)
        return pc->code;
    if (!in->jit_tried[pc->index]) {
        in->jit_tried[pc->index] = 1;
        pcre2_code *copy = pcre2_code_copy(pc->code);
        if (copy && pcre2_jit_compile(copy, PCRE2_JIT_COMPLETE) == 0)
            in->jit[pc->index] = copy;
        else
            pcre2_code_free(copy);
    }
    return in->jit[pc->index] ? in->jit[pc->index] : pc->code;
}

static bool pcre_at(struct sig_inspect *in, const struct sig_pcre *pc, const uint8_t *buf, size_t len, size_t *prev)
{
    size_t base = pc->relative ? *prev : 0;
    if (base > len)
        return pc->negated;
    int rc = pcre2_match(pcre_code(in, pc), buf + base, len - base, 0, 0, in->match_data, NULL);
    if (rc < 0)
        return pc->negated;
    if (pc->negated)
        return false;
    PCRE2_SIZE *ov = pcre2_get_ovector_pointer(in->match_data);
    *prev = base + ov[1];
    return true;
}

static bool step(struct sig_inspect *in, const struct sig_list *l, size_t i, const uint8_t *buf, size_t len,
                 size_t prev)
{
    for (; i < l->n; i++) {
        const struct sig_sm *sm = &l->sm[i];
        if (--in->budget <= 0)
            return false;
        switch (sm->type) {
        case SIG_SM_CONTENT:
            return content_at(in, l, i, buf, len, prev);
        case SIG_SM_PCRE:
            if (!pcre_at(in, &sm->u.pcre, buf, len, &prev))
                return false;
            break;
        case SIG_SM_ISDATAAT: {
            const struct sig_isdataat *d = &sm->u.isdataat;
            int64_t n = num(in, &d->n);
            bool ok = d->relative ? (int64_t)prev + n <= (int64_t)len : n < (int64_t)len;
            if (ok == d->negated)
                return false;
            break;
        }
        case SIG_SM_BSIZE:
            if (!cmp_range(&sm->u.bsize, len))
                return false;
            break;
        case SIG_SM_BYTE_TEST:
        case SIG_SM_BYTE_JUMP:
        case SIG_SM_BYTE_EXTRACT: {
            const struct sig_byte *b = &sm->u.byte;
            struct sig_byte counted;
            if (sm->type == SIG_SM_BYTE_JUMP && b->nbytes_var >= 0) {
                uint64_t nbytes = in->vars[b->nbytes_var];
                if (nbytes > (b->string ? 10u : 8u) || (!b->string && nbytes > 4 && nbytes != 8))
                    return false;
                counted = *b;
                counted.nbytes = (uint8_t)nbytes;
                b = &counted;
            }
            /* from_end moves the jump, not where the value is read */
            int64_t pos = (b->relative ? (int64_t)prev : 0) + num(in, &b->offset);
            uint64_t v;
            size_t used;
            if (!read_value(b, buf, len, pos, &v, &used))
                return false;
            if (sm->type == SIG_SM_BYTE_TEST) {
                if (!byte_test(in, b, v))
                    return false;
                break;
            }
            if (b->multiplier)
                v *= b->multiplier;
            if (b->align && v % b->align)
                v += b->align - v % b->align;
            if (sm->type == SIG_SM_BYTE_EXTRACT) {
                in->vars[b->var] = v;
                prev = (size_t)pos + used;
                break;
            }
            int64_t to = (b->from_beginning ? 0 : pos + (int64_t)used) + (int64_t)v + b->post_offset;
            if (b->from_end)
                to = (int64_t)len + (int64_t)v + b->post_offset;
            if (to < 0 || to > (int64_t)len)
                return false;
            prev = (size_t)to;
            break;
        }
        case SIG_SM_BASE64_DECODE: {
            const struct sig_base64 *b = &sm->u.base64;
            size_t start = (b->relative ? prev : 0) + b->offset;
            if (start >= len)
                return false;
            size_t n = len - start;
            if (b->bytes && b->bytes < n)
                n = b->bytes;
            in->b64_len = base64_decode_lenient(buf + start, n, in->b64, sizeof in->b64, BASE64_SKIP_PAD_SPACE);
            if (in->b64_len == 0)
                return false;
            break;
        }
        default:
            return false;
        }
    }
    return true;
}

bool sig_inspect_list(struct sig_inspect *in, const struct sig_list *l, const uint8_t *buf, size_t len)
{
    in->budget = INSPECT_BUDGET;
    return step(in, l, 0, buf, len, 0);
}
