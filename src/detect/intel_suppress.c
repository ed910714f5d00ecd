#include "detect/intel_suppress.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "detect/sighting.h"
#include "detect/sink.h"
#include "util/mix.h"

#define SETS 256
#define WAYS 4
#define PAIR_PEERS 4
#define PAIR_UIDS 4

/* One (indicator, host) under suppression, and the summary of what was
 * counted since it began: sum.entry is the indicator, sum.hosts[0] the host
 * (the peers follow it), the rest is sighting_tally's. */
struct suppressed_pair {
    const struct intel_store *store;   /* NULL: free slot */
    int64_t until_us;                  /* the alert's time + interval */
    struct sighting_summary sum;
};

/* The host and PAIR_PEERS peers, PAIR_UIDS uids and the first 127 bytes
 * of the value seen: what a sightings.log row of a suppression shows. */
static const struct sighting_caps pair_caps = {.seen = 128, .hosts = 1 + PAIR_PEERS, .uids = PAIR_UIDS};

struct intel_suppress {
    int64_t interval_us;
    pthread_mutex_t lock;              /* every slot */
    struct suppressed_pair slots[SETS][WAYS];
};

struct intel_suppress *intel_suppress_new(int64_t interval_us)
{
    struct intel_suppress *s = calloc(1, sizeof *s);
    if (s == NULL)
        return NULL;
    s->interval_us = interval_us;
    pthread_mutex_init(&s->lock, NULL);
    return s;
}

void intel_suppress_free(struct intel_suppress *s)
{
    if (s == NULL)
        return;
    pthread_mutex_destroy(&s->lock);
    free(s);
}

static struct suppressed_pair *set_of(struct intel_suppress *s, const struct intel_store *store,
                                      const struct intel_entry *e, const struct ip_addr *host)
{
    uint64_t h = (uint64_t)(uintptr_t)store ^ ((uint64_t)e->id << 17);
    for (int i = 0; i < 16; i += 8) {
        uint64_t part;
        memcpy(&part, host->b + i, 8);
        h = mix64(h ^ part);
    }
    return s->slots[h % SETS];
}

bool intel_suppress_admit(struct intel_suppress *s, const struct intel_store *store, const struct intel_sighting *hit,
                          const struct detect_sink *sink)
{
    struct ip_addr host = {0};
    if (hit->has_conn)
        host = hit->orig_h;
    pthread_mutex_lock(&s->lock);
    struct suppressed_pair *set = set_of(s, store, hit->entry, &host);
    struct suppressed_pair *p = NULL, *victim = &set[0];
    for (unsigned i = 0; i < WAYS && p == NULL; i++) {
        struct suppressed_pair *c = &set[i];
        if (c->store == store && c->sum.entry == hit->entry && memcmp(&c->sum.hosts[0], &host, sizeof host) == 0)
            p = c;
        else if (c->store == NULL || (victim->store != NULL && c->until_us < victim->until_us))
            victim = c;
    }
    bool admit = true;
    if (p != NULL && hit->ts_us < p->until_us) {
        sighting_tally(&p->sum, hit, &pair_caps);
        admit = false;
    } else {
        if (p == NULL)
            p = victim;
        if (p->store != NULL && p->sum.count > 0)
            sink_summary(sink, &p->sum);
        memset(p, 0, sizeof *p);
        p->store = store;
        p->sum.entry = hit->entry;
        p->sum.hosts[p->sum.n_hosts++] = host;
        p->until_us = hit->ts_us + s->interval_us;
    }
    pthread_mutex_unlock(&s->lock);
    return admit;
}

/* Summaries in a stable order (the slots are hashed on a store's address,
 * which changes from run to run): first hit, indicator, host. */
static int compare_pending(const void *a, const void *b)
{
    const struct suppressed_pair *x = *(const struct suppressed_pair *const *)a;
    const struct suppressed_pair *y = *(const struct suppressed_pair *const *)b;
    if (x->sum.first_us != y->sum.first_us)
        return x->sum.first_us < y->sum.first_us ? -1 : 1;
    int c = strcmp(x->sum.entry->indicator, y->sum.entry->indicator);
    return c ? c : memcmp(&x->sum.hosts[0], &y->sum.hosts[0], sizeof x->sum.hosts[0]);
}

void intel_suppress_report(struct intel_suppress *s, const struct detect_sink *sink, const struct intel_store *current,
                           int64_t now_us, bool final)
{
    struct suppressed_pair *ending[SETS * WAYS];
    size_t n = 0;
    pthread_mutex_lock(&s->lock);
    for (unsigned i = 0; i < SETS; i++) {
        for (unsigned k = 0; k < WAYS; k++) {
            struct suppressed_pair *p = &s->slots[i][k];
            if (p->store != NULL && (final || p->store != current || now_us >= p->until_us))
                ending[n++] = p;
        }
    }
    qsort(ending, n, sizeof ending[0], compare_pending);
    for (size_t i = 0; i < n; i++) {
        if (ending[i]->sum.count > 0)
            sink_summary(sink, &ending[i]->sum);
        memset(ending[i], 0, sizeof *ending[i]);
    }
    pthread_mutex_unlock(&s->lock);
}

bool intel_suppress_holds(struct intel_suppress *s, const struct intel_store *store)
{
    bool held = false;
    pthread_mutex_lock(&s->lock);
    for (unsigned i = 0; i < SETS && !held; i++)
        for (unsigned k = 0; k < WAYS && !held; k++)
            held = s->slots[i][k].store == store;
    pthread_mutex_unlock(&s->lock);
    return held;
}

uint64_t intel_suppress_drop_others(struct intel_suppress *s, const struct intel_store *current)
{
    uint64_t lost = 0;
    pthread_mutex_lock(&s->lock);
    for (unsigned i = 0; i < SETS; i++) {
        for (unsigned k = 0; k < WAYS; k++) {
            struct suppressed_pair *p = &s->slots[i][k];
            if (p->store != NULL && p->store != current) {
                lost += p->sum.count;
                memset(p, 0, sizeof *p);
            }
        }
    }
    pthread_mutex_unlock(&s->lock);
    return lost;
}
