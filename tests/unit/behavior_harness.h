/* What the behaviour detector unit tests (test_beacon.c, test_behavior.c)
 * share: a seeded generator for traffic, a sink that keeps copies of the
 * findings, and (addr_harness.h) addresses. Included by one test file
 * each (static functions, no object). */
#ifndef VIGIL_TESTS_UNIT_BEHAVIOR_HARNESS_H
#define VIGIL_TESTS_UNIT_BEHAVIOR_HARNESS_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detect/finding-t.h"
#include "unit/addr_harness.h"
#include "util/addr.h"

/* xorshift64*: the same traffic on every run for a seed. */
struct rng {
    uint64_t s;
};

static inline uint64_t rng_next(struct rng *r)
{
    r->s ^= r->s >> 12;
    r->s ^= r->s << 25;
    r->s ^= r->s >> 27;
    return r->s * 0x2545F4914F6CDD1DULL;
}

static inline double rng_unit(struct rng *r)
{
    return (double)(rng_next(r) >> 11) * (1.0 / 9007199254740992.0);
}

static inline double rng_range(struct rng *r, double lo, double hi)
{
    return lo + (hi - lo) * rng_unit(r);
}

/* A finding kept after the callback: its strings copied into the entry. */
struct captured {
    struct finding f;
    char name[256];
    char uid[64];
};

struct sink {
    size_t n, cap;
    struct captured *v;
};

/* The findings callback: ctx is a struct sink. */
static inline void capture(void *ctx, const struct finding *f)
{
    struct sink *s = ctx;
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 64;
        s->v = realloc(s->v, s->cap * sizeof *s->v);
        assert_non_null(s->v);
        /* the copies point into their own entries, which just moved */
        for (size_t i = 0; i < s->n; i++) {
            if (s->v[i].f.name != NULL)
                s->v[i].f.name = s->v[i].name;
            if (s->v[i].f.uid != NULL)
                s->v[i].f.uid = s->v[i].uid;
        }
    }
    struct captured *c = &s->v[s->n++];
    c->f = *f;
    snprintf(c->name, sizeof c->name, "%s", f->name ? f->name : "");
    snprintf(c->uid, sizeof c->uid, "%s", f->uid ? f->uid : "");
    c->f.name = f->name ? c->name : NULL;
    c->f.uid = f->uid ? c->uid : NULL;
}

static inline void sink_free(struct sink *s)
{
    free(s->v);
    memset(s, 0, sizeof *s);
}

#endif
