#include "detect/intel_suppress.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "detect/sink.h"
#include "util/mix.h"

#define SETS 256
#define WAYS 4
#define PAIR_PEERS 4
#define PAIR_UIDS 4

/* One (indicator, host) under suppression, and what was counted since its
 * last summary. */
struct suppressed_pair {
    const struct intel_store *store;   /* NULL: free slot */
    const struct intel_entry *entry;
    struct ip_addr host;
    int64_t until_us;                  /* the alert's time + interval */
    uint64_t count;
    uint64_t by_validity[INTEL_VALIDITY_COUNT];
    int64_t first_us, last_us;
    const char *where;                 /* of the first hit counted: a match point's literal */
    char seen[128];
    enum intel_type seen_type;
    unsigned n_peers, n_uids;
    struct ip_addr peers[PAIR_PEERS];
    char uids[PAIR_UIDS][32];
};

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

static void summarise(const struct suppressed_pair *p, const struct detect_sink *sink)
{
    struct sighting_summary sum;
    memset(&sum, 0, sizeof sum);
    sum.entry = p->entry;
    sum.where = p->where;
    memcpy(sum.seen, p->seen, sizeof p->seen);
    sum.seen_type = p->seen_type;
    sum.first_us = p->first_us;
    sum.last_us = p->last_us;
    sum.count = p->count;
    memcpy(sum.by_validity, p->by_validity, sizeof sum.by_validity);
    sum.hosts[sum.n_hosts++] = p->host;
    for (unsigned i = 0; i < p->n_peers; i++)
        sum.hosts[sum.n_hosts++] = p->peers[i];
    for (unsigned i = 0; i < p->n_uids; i++)
        memcpy(sum.uids[sum.n_uids++], p->uids[i], sizeof p->uids[i]);
    sink_summary(sink, &sum);
}

static void count_hit(struct suppressed_pair *p, const struct intel_sighting *hit)
{
    if (p->count == 0) {
        p->first_us = p->last_us = hit->ts_us;
        p->where = hit->where;
        size_t n = hit->seen_len < sizeof p->seen - 1 ? hit->seen_len : sizeof p->seen - 1;
        memcpy(p->seen, hit->seen, n);
        p->seen[n] = '\0';
        p->seen_type = hit->seen_type;
    }
    p->count++;
    if ((unsigned)hit->validity < INTEL_VALIDITY_COUNT)
        p->by_validity[hit->validity]++;
    if (hit->ts_us < p->first_us)
        p->first_us = hit->ts_us;
    if (hit->ts_us > p->last_us)
        p->last_us = hit->ts_us;
    if (hit->has_conn) {
        bool known = memcmp(&hit->resp_h, &p->host, sizeof p->host) == 0;
        for (unsigned i = 0; i < p->n_peers && !known; i++)
            known = memcmp(&hit->resp_h, &p->peers[i], sizeof p->host) == 0;
        if (!known && p->n_peers < PAIR_PEERS)
            p->peers[p->n_peers++] = hit->resp_h;
    }
    if (hit->uid && hit->uid[0] && p->n_uids < PAIR_UIDS) {
        bool known = false;
        for (unsigned i = 0; i < p->n_uids && !known; i++)
            known = strcmp(p->uids[i], hit->uid) == 0;
        if (!known) {
            size_t n = strnlen(hit->uid, sizeof p->uids[0] - 1);
            memcpy(p->uids[p->n_uids], hit->uid, n);
            p->uids[p->n_uids][n] = '\0';
            p->n_uids++;
        }
    }
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
        if (c->store == store && c->entry == hit->entry && memcmp(&c->host, &host, sizeof host) == 0)
            p = c;
        else if (c->store == NULL || (victim->store != NULL && c->until_us < victim->until_us))
            victim = c;
    }
    bool admit = true;
    if (p != NULL && hit->ts_us < p->until_us) {
        count_hit(p, hit);
        admit = false;
    } else {
        if (p == NULL)
            p = victim;
        if (p->store != NULL && p->count > 0)
            summarise(p, sink);
        memset(p, 0, sizeof *p);
        p->store = store;
        p->entry = hit->entry;
        p->host = host;
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
    if (x->first_us != y->first_us)
        return x->first_us < y->first_us ? -1 : 1;
    int c = strcmp(x->entry->indicator, y->entry->indicator);
    return c ? c : memcmp(&x->host, &y->host, sizeof x->host);
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
        if (ending[i]->count > 0)
            summarise(ending[i], sink);
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
                lost += p->count;
                memset(p, 0, sizeof *p);
            }
        }
    }
    pthread_mutex_unlock(&s->lock);
    return lost;
}
