#include "detect/detect.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detect/intel_match.h"
#include "detect/intel_points.h"
#include "detect/observe.h"
#include "output/finding_log.h"
#include "output/intel_log.h"
#include "output/output.h"

/* Reloads faster than workers pick them up keep at most this many old
 * stores waiting to be freed; beyond it the reload waits (detect_set_intel). */
#define MAX_RETIRED 8

struct retired_store {
    struct intel_store *store;
    uint64_t epoch;            /* freed once every worker has seen this epoch */
};

struct detect {
    struct detect_config cfg;
    struct output *out;
    _Atomic(struct intel_store *) intel;
    atomic_uint_fast64_t epoch;
    struct retired_store retired[MAX_RETIRED];
    unsigned n_retired;

    pthread_mutex_t lock;      /* the worker list, the behaviour detectors and their output */
    struct detect_worker *workers;
    struct behavior *behavior;
    struct devices *devices;       /* its own lock */
    struct output_worker *finding_out;
    atomic_uint_fast64_t intel_lookups, intel_hits, intel_alerts;
};

struct detect_worker {
    struct detect *d;
    struct detect_worker *next;
    struct output_worker *out;
    atomic_uint_fast64_t seen_epoch;
    uint64_t local_epoch;      /* the epoch of matcher.store, read by this worker only */
    struct intel_matcher matcher;
    uint64_t reported_lookups, reported_hits, alerts;
};

static void emit_finding(void *ctx, const struct finding *f)
{
    struct detect *d = ctx;
    if (d->finding_out)
        output_finding(d->finding_out, f);
}

struct detect *detect_new(const struct detect_config *cfg, struct output *out, struct intel_store *intel,
                          char *err, size_t errlen)
{
    struct detect *d = calloc(1, sizeof *d);
    if (d == NULL) {
        snprintf(err, errlen, "out of memory for the detectors");
        intel_store_free(intel);
        return NULL;
    }
    d->cfg = *cfg;
    d->out = out;
    atomic_init(&d->intel, intel);
    atomic_init(&d->epoch, 1);
    pthread_mutex_init(&d->lock, NULL);
    if (cfg->behavior) {
        d->behavior = behavior_new(&d->cfg.behavior_cfg, emit_finding, d, err, errlen);
        if (d->behavior == NULL) {
            detect_free(d);
            return NULL;
        }
    }
    if (cfg->devices) {
        d->devices = devices_new(&d->cfg.devices_cfg, out, NULL, NULL, err, errlen);
        if (d->devices == NULL) {
            detect_free(d);
            return NULL;
        }
    }
    if (out) {
        d->finding_out = output_worker_new(out);
        if (d->finding_out == NULL) {
            snprintf(err, errlen, "out of memory for the detectors' output");
            detect_free(d);
            return NULL;
        }
    }
    return d;
}

void detect_free(struct detect *d)
{
    if (d == NULL)
        return;
    while (d->workers)
        detect_worker_free(d->workers);
    for (unsigned i = 0; i < d->n_retired; i++)
        intel_store_free(d->retired[i].store);
    intel_store_free(atomic_load(&d->intel));
    behavior_free(d->behavior);
    devices_free(d->devices);
    if (d->finding_out)
        output_worker_free(d->finding_out);
    pthread_mutex_destroy(&d->lock);
    free(d);
}

/* The oldest epoch any worker may still be using a store from. */
static uint64_t oldest_seen_epoch(struct detect *d)
{
    uint64_t oldest = atomic_load(&d->epoch);
    pthread_mutex_lock(&d->lock);
    for (struct detect_worker *w = d->workers; w; w = w->next) {
        uint64_t e = atomic_load(&w->seen_epoch);
        if (e < oldest)
            oldest = e;
    }
    pthread_mutex_unlock(&d->lock);
    return oldest;
}

void detect_collect(struct detect *d)
{
    uint64_t oldest = oldest_seen_epoch(d);
    unsigned kept = 0;
    for (unsigned i = 0; i < d->n_retired; i++) {
        if (d->retired[i].epoch <= oldest)
            intel_store_free(d->retired[i].store);
        else
            d->retired[kept++] = d->retired[i];
    }
    d->n_retired = kept;
}

void detect_set_intel(struct detect *d, struct intel_store *intel)
{
    /* Publish the pointer before the epoch: a worker that reads the new
     * epoch is then sure to read the new store (see detect_worker_sync). */
    struct intel_store *old = atomic_exchange(&d->intel, intel);
    uint64_t epoch = atomic_fetch_add(&d->epoch, 1) + 1;
    if (old == NULL)
        return;
    while (d->n_retired == MAX_RETIRED) {
        detect_collect(d);
        if (d->n_retired == MAX_RETIRED) {
            struct timespec ts = {0, 10 * 1000 * 1000};
            nanosleep(&ts, NULL);
        }
    }
    d->retired[d->n_retired++] = (struct retired_store){old, epoch};
    detect_collect(d);
}

static void emit_sighting(void *ctx, const struct intel_sighting *s)
{
    struct detect_worker *w = ctx;
    w->alerts++;
    if (w->out)
        output_intel(w->out, s);
}

struct detect_worker *detect_worker_new(struct detect *d, struct output_worker *out)
{
    struct detect_worker *w = calloc(1, sizeof *w);
    if (w == NULL)
        return NULL;
    w->d = d;
    w->out = out;
    w->matcher.dedup = intel_dedup_new();
    if (w->matcher.dedup == NULL) {
        free(w);
        return NULL;
    }
    w->matcher.emit = emit_sighting;
    w->matcher.ctx = w;
    pthread_mutex_lock(&d->lock);
    w->next = d->workers;
    d->workers = w;
    pthread_mutex_unlock(&d->lock);
    detect_worker_sync(w);
    return w;
}

static void fold_worker_counters(struct detect_worker *w)
{
    struct detect *d = w->d;
    atomic_fetch_add(&d->intel_lookups, w->matcher.lookups - w->reported_lookups);
    atomic_fetch_add(&d->intel_hits, w->matcher.hits - w->reported_hits);
    atomic_fetch_add(&d->intel_alerts, w->alerts);
    w->reported_lookups = w->matcher.lookups;
    w->reported_hits = w->matcher.hits;
    w->alerts = 0;
}

void detect_worker_free(struct detect_worker *w)
{
    if (w == NULL)
        return;
    struct detect *d = w->d;
    fold_worker_counters(w);
    pthread_mutex_lock(&d->lock);
    for (struct detect_worker **p = &d->workers; *p; p = &(*p)->next) {
        if (*p == w) {
            *p = w->next;
            break;
        }
    }
    pthread_mutex_unlock(&d->lock);
    intel_dedup_free(w->matcher.dedup);
    free(w);
}

void detect_worker_sync(struct detect_worker *w)
{
    /* Epoch first, then the pointer: a store read here is never older than
     * the epoch recorded, so detect_collect cannot free it under us. */
    uint64_t epoch = atomic_load(&w->d->epoch);
    if (epoch == w->local_epoch)
        return; /* the common case, once per packet: one load */
    w->matcher.store = atomic_load(&w->d->intel);
    w->local_epoch = epoch;
    atomic_store(&w->seen_epoch, epoch);
}

void detect_conn(struct detect_worker *w, const struct conn_record *c)
{
    if (w->matcher.store)
        intel_points_conn(&w->matcher, c);
    struct detect *d = w->d;
    if (d->devices)
        devices_conn(d->devices, c);
    if (d->behavior == NULL)
        return;
    struct obs_conn o;
    observe_conn(c, &o);
    pthread_mutex_lock(&d->lock);
    observe_feed_conn(d->behavior, &o);
    pthread_mutex_unlock(&d->lock);
}

void detect_open_conn(struct detect_worker *w, const struct conn_record *c)
{
    struct detect *d = w->d;
    if (d->behavior == NULL)
        return;
    struct obs_conn o;
    observe_conn(c, &o);
    o.still_open = true;
    pthread_mutex_lock(&d->lock);
    behavior_conn(d->behavior, &o);
    pthread_mutex_unlock(&d->lock);
}

void detect_transaction(struct detect_worker *w, const struct app_conn *c, int kind, const void *txn)
{
    if (w->matcher.store)
        intel_points_transaction(&w->matcher, c, kind, txn);
    struct detect *d = w->d;
    if (d->devices)
        devices_transaction(d->devices, c, kind, txn);
    if (d->behavior == NULL)
        return;
    struct observations obs;
    if (!observe_transaction(c, kind, txn, &obs))
        return;
    pthread_mutex_lock(&d->lock);
    observations_feed(d->behavior, &obs);
    pthread_mutex_unlock(&d->lock);
}

bool detect_wants_neighbors(const struct detect_worker *w)
{
    return w->d->devices != NULL;
}

void detect_neighbor(struct detect_worker *w, int64_t ts_us, const struct neighbor_binding *b, bool ndp)
{
    if (w->d->devices)
        devices_neighbor(w->d->devices, ts_us, b, ndp);
}

void detect_report(struct detect *d, int64_t now_us, bool final)
{
    if (final && d->devices)
        devices_finish(d->devices, now_us);
    if (d->behavior == NULL)
        return;
    pthread_mutex_lock(&d->lock);
    behavior_flush(d->behavior, now_us, final);
    if (d->finding_out)
        output_worker_flush(d->finding_out);
    pthread_mutex_unlock(&d->lock);
}

void detect_get_stats(struct detect *d, struct detect_stats *st)
{
    memset(st, 0, sizeof *st);
    pthread_mutex_lock(&d->lock);
    for (struct detect_worker *w = d->workers; w; w = w->next) {
        st->intel_lookups += w->matcher.lookups - w->reported_lookups;
        st->intel_hits += w->matcher.hits - w->reported_hits;
        st->intel_alerts += w->alerts;
    }
    if (d->behavior)
        behavior_get_stats(d->behavior, &st->behavior);
    pthread_mutex_unlock(&d->lock);
    if (d->devices) {
        st->has_devices = true;
        devices_get_stats(d->devices, &st->devices);
    }
    st->intel_lookups += atomic_load(&d->intel_lookups);
    st->intel_hits += atomic_load(&d->intel_hits);
    st->intel_alerts += atomic_load(&d->intel_alerts);
}
