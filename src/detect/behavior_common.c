/* What the behaviour detectors (beacon.c, long_conn.c, dns_tunnel.c,
 * exfil.c) and their facade (behavior.c) share: the bounded tables, uid
 * copies, the finding list, name normalisation and the allow-list check.
 * A leaf: nothing here calls a detector or the facade back. */
#include <stdlib.h>
#include <string.h>

#include "detect/allowlist.h"
#include "detect/behavior_internal.h"
#include "util/grow.h"

bool table_init(struct table *t, size_t cap)
{
    memset(t, 0, sizeof *t);
    if (!idalloc_init(&t->ids, cap))
        return false;
    /* The index grows on demand; start small so a large cap costs nothing until used. */
    if (!hindex_init(&t->index, cap < 4096 ? cap : 4096)) {
        idalloc_free(&t->ids);
        return false;
    }
    return true;
}

void table_free(struct table *t)
{
    hindex_free(&t->index);
    idalloc_free(&t->ids);
}

static uint32_t claim_id(struct table *t, table_evidence_fn evidence, table_evict_fn evict, void *ctx,
                         uint64_t *evicted)
{
    uint32_t id = idalloc_get(&t->ids);
    if (id != HINDEX_NONE)
        return id;
    if (t->ids.cap == 0)
        return HINDEX_NONE;
    uint32_t victim = idalloc_clock(&t->ids);
    uint64_t least = evidence(ctx, victim);
    for (int i = 1; i < 8; i++) {
        uint32_t cand = idalloc_clock(&t->ids);
        uint64_t e = evidence(ctx, cand);
        if (e < least) {
            least = e;
            victim = cand;
        }
    }
    evict(ctx, victim);
    idalloc_put(&t->ids, victim);
    (*evicted)++;
    return idalloc_get(&t->ids);
}

uint32_t table_claim(struct table *t, uint32_t hash32, table_evidence_fn evidence, table_evict_fn evict, void *ctx,
                     uint64_t *evicted)
{
    uint32_t id = claim_id(t, evidence, evict, ctx, evicted);
    if (id == HINDEX_NONE)
        return HINDEX_NONE;
    if (!hindex_insert(&t->index, hash32, id)) {
        idalloc_put(&t->ids, id);
        return HINDEX_NONE;
    }
    return id;
}

void *table_entries_new(struct table *t, size_t cap, size_t size)
{
    void *e = calloc(cap, size);
    if (e != NULL && table_init(t, cap))
        return e;
    free(e);
    return NULL;
}

void copy_uid(char dst[UID_MAX], const char *uid)
{
    size_t n = 0;
    if (uid != NULL)
        while (n < UID_MAX - 1 && uid[n] != '\0') {
            dst[n] = uid[n];
            n++;
        }
    dst[n] = '\0';
}

int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0)))
        q--;
    return q;
}

bool finding_list_push(struct finding_list *l, const struct finding *f)
{
    if (grow_array((void **)&l->v, &l->cap, l->n + 1, sizeof *l->v, 64) < 0)
        return false;
    l->v[l->n++] = *f;
    return true;
}

size_t behavior_normalize_name(const char *in, bool strip_port, char out[NAME_MAX_LEN + 1])
{
    if (in == NULL)
        return 0;
    size_t n = strnlen(in, NAME_MAX_LEN + 8);
    if (n > NAME_MAX_LEN + 7)
        return 0;
    if (n > 0 && in[0] == '[')
        return 0; /* an IPv6 literal Host */
    if (strip_port) {
        const char *colon = memchr(in, ':', n);
        if (colon != NULL) {
            if (memchr(colon + 1, ':', n - (size_t)(colon + 1 - in)) != NULL)
                return 0; /* a bare IPv6 literal */
            n = (size_t)(colon - in);
        }
    }
    while (n > 0 && in[n - 1] == '.')
        n--;
    if (n == 0 || n > NAME_MAX_LEN)
        return 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)in[i];
        if (ch <= 0x20 || ch == 0x7f)
            return 0;
        out[i] = (ch >= 'A' && ch <= 'Z') ? (char)(ch + 32) : (char)ch;
    }
    out[n] = '\0';
    struct ip_addr ignored;
    if (ip_addr_parse(out, &ignored))
        return 0;
    return n;
}

bool behavior_allowed(const struct behavior *b, const struct finding *f)
{
    if (b->cfg.allow == NULL)
        return false;
    return allowlist_allows(b->cfg.allow, f->kind, &f->src, f->has_dst ? &f->dst : NULL, f->dst_port, f->name);
}
