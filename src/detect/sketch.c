#include "detect/sketch.h"
#include "util/hash.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ----------------------------------------------------------------- loghist */

void loghist_scale_init(struct loghist_scale *s, double base, double ratio)
{
    s->base = base;
    s->ratio = ratio;
    s->log_ratio = log(ratio);
    s->edge[0] = 0.0;
    for (unsigned i = 1; i <= LOGHIST_BINS; i++)
        s->edge[i] = base * exp((double)(i - 1) * s->log_ratio);
}

unsigned loghist_bin(const struct loghist_scale *s, double v)
{
    if (!(v >= s->base))
        return 0;
    double i = floor(log(v / s->base) / s->log_ratio) + 1.0;
    if (!(i < LOGHIST_BINS - 1))
        return LOGHIST_BINS - 1;
    return (unsigned)i;
}

void loghist_add_bin(struct loghist *h, unsigned bin)
{
    if (bin >= LOGHIST_BINS)
        bin = LOGHIST_BINS - 1;
    if (h->c[bin] == UINT16_MAX) {
        /* Halving keeps the shape, which is all the scores read. */
        h->total = 0;
        for (unsigned i = 0; i < LOGHIST_BINS; i++) {
            h->c[i] = (uint16_t)((h->c[i] + 1u) / 2u);
            h->total += h->c[i];
        }
    }
    h->c[bin]++;
    h->total++;
}

void loghist_merge(struct loghist *into, const struct loghist *from)
{
    uint32_t sum[LOGHIST_BINS];
    uint32_t top = 0;
    for (unsigned i = 0; i < LOGHIST_BINS; i++) {
        sum[i] = (uint32_t)into->c[i] + from->c[i];
        if (sum[i] > top)
            top = sum[i];
    }
    while (top > UINT16_MAX) {
        top = (top + 1) / 2;
        for (unsigned i = 0; i < LOGHIST_BINS; i++)
            sum[i] = (sum[i] + 1) / 2;
    }
    into->total = 0;
    for (unsigned i = 0; i < LOGHIST_BINS; i++) {
        into->c[i] = (uint16_t)sum[i];
        into->total += sum[i];
    }
}

double loghist_quantile(const struct loghist *h, const struct loghist_scale *s, double p)
{
    if (h->total == 0)
        return 0.0;
    double target = clamp01(p) * (double)h->total;
    double cum = 0.0;
    unsigned last = 0;
    for (unsigned i = 0; i < LOGHIST_BINS; i++) {
        if (h->c[i] == 0)
            continue;
        last = i;
        double c = h->c[i];
        if (cum + c >= target) {
            double frac = (target - cum) / c;
            return s->edge[i] + frac * (s->edge[i + 1] - s->edge[i]);
        }
        cum += c;
    }
    return s->edge[last + 1];
}

/* The bin holding x: the last edge at or below it. */
static unsigned bin_at(const struct loghist_scale *s, double x)
{
    unsigned lo = 0, hi = LOGHIST_BINS; /* edge[lo] <= x < edge[hi] */
    while (hi - lo > 1) {
        unsigned mid = (lo + hi) / 2;
        if (s->edge[mid] <= x)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

/* Mass at or below x, values spread evenly within each bin. */
static double cdf(const struct loghist *h, const struct loghist_scale *s, const uint32_t *cum, double x)
{
    if (x <= 0.0)
        return 0.0;
    if (x >= s->edge[LOGHIST_BINS])
        return (double)h->total;
    unsigned b = bin_at(s, x);
    double frac = (x - s->edge[b]) / (s->edge[b + 1] - s->edge[b]);
    return (double)cum[b] + clamp01(frac) * (double)h->c[b];
}

/* The mass within center +- d grows piecewise linearly with d, bending
 * where either end crosses a bin edge: walk those bends in order and
 * interpolate in the segment where the mass reaches half. */
double loghist_mad(const struct loghist *h, const struct loghist_scale *s, double center)
{
    if (h->total == 0)
        return 0.0;
    uint32_t cum[LOGHIST_BINS];
    uint32_t run = 0;
    for (unsigned i = 0; i < LOGHIST_BINS; i++) {
        cum[i] = run;
        run += h->c[i];
    }
    double half = (double)h->total / 2.0;
    int up = (int)bin_at(s, center) + 1; /* next edge above center */
    int down = up - 1;                   /* next edge at or below center */
    if (center >= s->edge[LOGHIST_BINS])
        up = LOGHIST_BINS + 1;
    double prev_d = 0.0, prev_mass = 0.0;
    for (;;) {
        double d_up = up <= LOGHIST_BINS ? s->edge[up] - center : INFINITY;
        double d_down = down >= 0 ? center - s->edge[down] : INFINITY;
        double d = d_up < d_down ? d_up : d_down;
        if (isinf(d))
            return prev_d;
        if (d_up <= d_down)
            up++;
        else
            down--;
        double mass = cdf(h, s, cum, center + d) - cdf(h, s, cum, center - d);
        if (mass >= half) {
            if (mass <= prev_mass)
                return d;
            return prev_d + (d - prev_d) * (half - prev_mass) / (mass - prev_mass);
        }
        prev_d = d;
        prev_mass = mass;
    }
}

/* ---------------------------------------------------------------- distinct */

static void hll_add(struct distinct *d, uint32_t h32)
{
    unsigned idx = h32 >> 24;
    uint32_t rest = (h32 << 8) | 0x80u;     /* the sentinel caps the rank at 25 */
    uint8_t rank = (uint8_t)(__builtin_clz(rest) + 1);
    if (rank > d->u.reg[idx])
        d->u.reg[idx] = rank;
}

void distinct_add(struct distinct *d, uint64_t hash)
{
    uint32_t h32 = (uint32_t)(hash >> 32) ^ (uint32_t)hash;
    if (d->hll) {
        hll_add(d, h32);
        return;
    }
    for (unsigned i = 0; i < d->n_exact; i++)
        if (d->u.exact[i] == h32)
            return;
    if (d->n_exact < DISTINCT_EXACT) {
        d->u.exact[d->n_exact++] = h32;
        return;
    }
    uint32_t seen[DISTINCT_EXACT];
    memcpy(seen, d->u.exact, sizeof seen);
    memset(d->u.reg, 0, sizeof d->u.reg);
    d->hll = true;
    for (unsigned i = 0; i < DISTINCT_EXACT; i++)
        hll_add(d, seen[i]);
    hll_add(d, h32);
}

uint64_t distinct_count(const struct distinct *d)
{
    if (!d->hll)
        return d->n_exact;
    const double m = DISTINCT_REGS;
    double sum = 0.0;
    unsigned zeros = 0;
    for (unsigned i = 0; i < DISTINCT_REGS; i++) {
        sum += ldexp(1.0, -(int)d->u.reg[i]);
        if (d->u.reg[i] == 0)
            zeros++;
    }
    double alpha = 0.7213 / (1.0 + 1.079 / m);
    double e = alpha * m * m / sum;
    if (e <= 2.5 * m && zeros > 0)
        e = m * log(m / (double)zeros);
    /* It only became an estimate after DISTINCT_EXACT + 1 values were seen. */
    if (e < DISTINCT_EXACT + 1)
        e = DISTINCT_EXACT + 1;
    return (uint64_t)(e + 0.5);
}

/* ----------------------------------------------------------------- strpool */

#define POOL_SEED 0x5eedf00dcafe1234ULL

struct pool_key {
    const char *s;
    size_t n;
};

static bool pool_eq(const void *ctx, uint32_t id, const void *key)
{
    const struct strpool *p = ctx;
    const struct pool_key *k = key;
    const struct strpool_entry *e = &p->e[id];
    return e->len == k->n && memcmp(e->s, k->s, k->n) == 0;
}

bool strpool_init(struct strpool *p)
{
    memset(p, 0, sizeof *p);
    return hindex_init(&p->index, 64);
}

void strpool_free(struct strpool *p)
{
    for (uint32_t i = 0; i < p->n_alloc; i++)
        free(p->e[i].s);
    free(p->e);
    free(p->free_ids);
    hindex_free(&p->index);
    memset(p, 0, sizeof *p);
}

static uint32_t pool_new_id(struct strpool *p)
{
    if (p->n_free > 0)
        return p->free_ids[--p->n_free];
    if (p->n_used == p->n_alloc) {
        if (p->n_alloc >= (1u << 30))
            return STRPOOL_NONE;
        uint32_t n = p->n_alloc ? p->n_alloc * 2 : 64;
        struct strpool_entry *e = realloc(p->e, (size_t)n * sizeof *e);
        if (e == NULL)
            return STRPOOL_NONE;
        p->e = e;
        uint32_t *f = realloc(p->free_ids, (size_t)n * sizeof *f);
        if (f == NULL)
            return STRPOOL_NONE;
        p->free_ids = f;
        memset(p->e + p->n_alloc, 0, (size_t)(n - p->n_alloc) * sizeof *e);
        p->n_alloc = n;
    }
    return p->n_used;
}

uint32_t strpool_intern(struct strpool *p, const char *s, size_t n)
{
    if (n > STRPOOL_MAX_LEN)
        return STRPOOL_NONE;
    uint32_t h = (uint32_t)hash_keyed(s, n, POOL_SEED);
    struct pool_key key = {s, n};
    uint32_t id = hindex_find(&p->index, h, pool_eq, p, &key);
    if (id != HINDEX_NONE) {
        p->e[id].refs++;
        return id;
    }
    char *copy = malloc(n + 1);
    if (copy == NULL)
        return STRPOOL_NONE;
    memcpy(copy, s, n);
    copy[n] = '\0';
    bool fresh = p->n_free == 0;
    id = pool_new_id(p);
    if (id == STRPOOL_NONE) {
        free(copy);
        return STRPOOL_NONE;
    }
    if (!hindex_insert(&p->index, h, id)) {
        free(copy);
        if (!fresh)
            p->n_free++;    /* give the recycled id back */
        return STRPOOL_NONE;
    }
    if (fresh)
        p->n_used++;
    p->e[id] = (struct strpool_entry){.s = copy, .refs = 1, .len = (uint32_t)n, .hash32 = h};
    return id;
}

void strpool_ref(struct strpool *p, uint32_t id)
{
    if (id != STRPOOL_NONE)
        p->e[id].refs++;
}

void strpool_unref(struct strpool *p, uint32_t id)
{
    if (id == STRPOOL_NONE)
        return;
    struct strpool_entry *e = &p->e[id];
    if (--e->refs > 0)
        return;
    hindex_remove(&p->index, e->hash32, id);
    free(e->s);
    e->s = NULL;
    p->free_ids[p->n_free++] = id;
}

const char *strpool_str(const struct strpool *p, uint32_t id)
{
    return id == STRPOOL_NONE ? NULL : p->e[id].s;
}

/* ----------------------------------------------------------------- entropy */

double entropy_bits(const uint32_t *counts, size_t n)
{
    double total = 0.0;
    for (size_t i = 0; i < n; i++)
        total += counts[i];
    if (total <= 0.0)
        return 0.0;
    double h = 0.0;
    for (size_t i = 0; i < n; i++) {
        if (counts[i] == 0)
            continue;
        double p = counts[i] / total;
        h -= p * log2(p);
    }
    return h;
}
