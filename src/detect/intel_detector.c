#include "detect/intel_detector.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "detect/config-t.h"
#include "detect/intel_match.h"
#include "detect/intel_points.h"
#include "detect/intel_suppress.h"
#include "detect/sink.h"
#include "detect/stats-t.h"

/* Reloads faster than workers pick them up keep at most this many old
 * stores waiting to be freed; beyond it the reload waits. */
#define MAX_RETIRED 8

struct retired_store {
    struct intel_store *store;
    uint64_t epoch;            /* freed once every worker has seen this epoch */
};

struct intel_run {
    _Atomic(struct intel_store *) store;
    atomic_uint_fast64_t epoch;
    struct retired_store retired[MAX_RETIRED];
    unsigned n_retired;
    pthread_mutex_t lock;      /* the worker list */
    struct intel_worker *workers;
    atomic_uint_fast64_t lookups, hits, alerts;  /* folded in from workers that ended */
    bool strict_validity;      /* --intel-strict-validity */
    struct intel_suppress *suppress;   /* repeated hits (--intel-suppress); NULL: every hit alerts */
};

struct intel_worker {
    struct intel_run *run;
    struct intel_worker *next;
    struct detect_sink sink;
    atomic_uint_fast64_t seen_epoch;
    uint64_t local_epoch;      /* the epoch of matcher.store, read by this worker only */
    struct intel_matcher matcher;
    uint64_t reported_lookups, reported_hits, alerts;
};

static bool intel_open(const struct detect_config *cfg, void **state, char *err, size_t errlen)
{
    struct intel_run *r = calloc(1, sizeof *r);
    if (r == NULL) {
        snprintf(err, errlen, "out of memory for threat intel");
        return false;
    }
    atomic_init(&r->store, NULL);
    atomic_init(&r->epoch, 1);
    r->strict_validity = cfg->intel_strict_validity;
    if (cfg->intel_suppress_us > 0) {
        r->suppress = intel_suppress_new(cfg->intel_suppress_us);
        if (r->suppress == NULL) {
            free(r);
            snprintf(err, errlen, "out of memory for threat intel");
            return false;
        }
    }
    pthread_mutex_init(&r->lock, NULL);
    *state = r;
    return true;
}

static void intel_close(void *state)
{
    struct intel_run *r = state;
    for (unsigned i = 0; i < r->n_retired; i++)
        intel_store_free(r->retired[i].store);
    intel_store_free(atomic_load(&r->store));
    intel_suppress_free(r->suppress);
    pthread_mutex_destroy(&r->lock);
    free(r);
}

/* The oldest epoch any worker may still be using a store from. */
static uint64_t oldest_seen_epoch(struct intel_run *r)
{
    uint64_t oldest = atomic_load(&r->epoch);
    pthread_mutex_lock(&r->lock);
    for (struct intel_worker *w = r->workers; w; w = w->next) {
        uint64_t e = atomic_load(&w->seen_epoch);
        if (e < oldest)
            oldest = e;
    }
    pthread_mutex_unlock(&r->lock);
    return oldest;
}

void intel_detector_collect(void *state)
{
    struct intel_run *r = state;
    uint64_t oldest = oldest_seen_epoch(r);
    unsigned kept = 0;
    for (unsigned i = 0; i < r->n_retired; i++) {
        /* a suppressed pair still names one of its entries until the next report */
        bool held = r->suppress != NULL && intel_suppress_holds(r->suppress, r->retired[i].store);
        if (r->retired[i].epoch <= oldest && !held)
            intel_store_free(r->retired[i].store);
        else
            r->retired[kept++] = r->retired[i];
    }
    r->n_retired = kept;
}

void intel_detector_set_store(void *state, struct intel_store *intel)
{
    struct intel_run *r = state;
    /* Publish the pointer before the epoch: a worker that reads the new
     * epoch is then sure to read the new store (see intel_worker_sync). */
    struct intel_store *old = atomic_exchange(&r->store, intel);
    uint64_t epoch = atomic_fetch_add(&r->epoch, 1) + 1;
    if (old == NULL)
        return;
    while (r->n_retired == MAX_RETIRED) {
        intel_detector_collect(r);
        if (r->n_retired == MAX_RETIRED && r->suppress != NULL)
            intel_suppress_drop_others(r->suppress, intel); /* reloads faster than reports: counts lost */
        if (r->n_retired == MAX_RETIRED) {
            struct timespec ts = {0, 10 * 1000 * 1000};
            nanosleep(&ts, NULL);
        }
    }
    r->retired[r->n_retired++] = (struct retired_store){old, epoch};
    intel_detector_collect(r);
}

static void emit_sighting(void *ctx, const struct intel_sighting *s)
{
    struct intel_worker *w = ctx;
    if (w->run->suppress != NULL && !intel_suppress_admit(w->run->suppress, w->matcher.store, s, &w->sink))
        return;
    w->alerts++;
    sink_sighting(&w->sink, s);
}

static void intel_worker_sync(void *worker)
{
    struct intel_worker *w = worker;
    /* Epoch first, then the pointer: a store read here is never older than
     * the epoch recorded, so intel_detector_collect cannot free it under us. */
    uint64_t epoch = atomic_load(&w->run->epoch);
    if (epoch == w->local_epoch)
        return; /* the common case, once per batch: one load */
    w->matcher.store = atomic_load(&w->run->store);
    w->local_epoch = epoch;
    atomic_store(&w->seen_epoch, epoch);
}

static void *intel_worker_open(void *state, const struct detect_sink *sink)
{
    struct intel_run *r = state;
    struct intel_worker *w = calloc(1, sizeof *w);
    if (w == NULL)
        return NULL;
    w->run = r;
    w->sink = *sink;
    w->matcher.dedup = intel_dedup_new();
    if (w->matcher.dedup == NULL) {
        free(w);
        return NULL;
    }
    w->matcher.emit = emit_sighting;
    w->matcher.strict_validity = r->strict_validity;
    w->matcher.ctx = w;
    pthread_mutex_lock(&r->lock);
    w->next = r->workers;
    r->workers = w;
    pthread_mutex_unlock(&r->lock);
    intel_worker_sync(w);
    return w;
}

static void intel_worker_close(void *worker)
{
    struct intel_worker *w = worker;
    struct intel_run *r = w->run;
    atomic_fetch_add(&r->lookups, w->matcher.lookups - w->reported_lookups);
    atomic_fetch_add(&r->hits, w->matcher.hits - w->reported_hits);
    atomic_fetch_add(&r->alerts, w->alerts);
    pthread_mutex_lock(&r->lock);
    for (struct intel_worker **p = &r->workers; *p; p = &(*p)->next) {
        if (*p == w) {
            *p = w->next;
            break;
        }
    }
    pthread_mutex_unlock(&r->lock);
    intel_dedup_free(w->matcher.dedup);
    free(w);
}

static void intel_conn(void *worker, const struct conn_record *c)
{
    struct intel_worker *w = worker;
    if (w->matcher.store)
        intel_points_conn(&w->matcher, c);
}

static void intel_transaction(void *worker, const struct app_conn *c, enum event_kind kind, const void *txn)
{
    struct intel_worker *w = worker;
    if (w->matcher.store)
        intel_points_transaction(&w->matcher, c, kind, txn);
}

static void intel_add_stats(void *state, struct detect_stats *st)
{
    struct intel_run *r = state;
    pthread_mutex_lock(&r->lock);
    for (struct intel_worker *w = r->workers; w; w = w->next) {
        st->intel_lookups += w->matcher.lookups - w->reported_lookups;
        st->intel_hits += w->matcher.hits - w->reported_hits;
        st->intel_alerts += w->alerts;
    }
    pthread_mutex_unlock(&r->lock);
    st->intel_lookups += atomic_load(&r->lookups);
    st->intel_hits += atomic_load(&r->hits);
    st->intel_alerts += atomic_load(&r->alerts);
}

/* The summaries of suppressed hits whose interval ended (Zeek's notice
 * suppression ends at its interval; a report is the nearest moment this
 * detector has to notice it). */
static void intel_report(void *state, const struct detect_sink *sink, int64_t now_us, bool final)
{
    struct intel_run *r = state;
    if (r->suppress == NULL)
        return;
    intel_suppress_report(r->suppress, sink, atomic_load(&r->store), now_us, final);
    intel_detector_collect(r);
}

const struct detector intel_detector = {
    .name = "intel",
    .open = intel_open,
    .close = intel_close,
    .worker_open = intel_worker_open,
    .worker_close = intel_worker_close,
    .worker_sync = intel_worker_sync,
    .conn = intel_conn,
    .transaction = intel_transaction,
    .report = intel_report,
    .stats = intel_add_stats,
};
