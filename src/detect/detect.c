/* The hub: runs every detector of the table it is given (core/detectors.c)
 * over the engine's events.
 * It knows no detector's internals except the one the command line talks
 * to directly (the intel store swap); counters come through each
 * detector's `stats` hook. */
#include "detect/detect.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detect/detector.h"
#include "detect/intel_detector.h"
#include "detect/sink.h"
#include "detect/sink_tee.h"

/* A table of more than this many detectors is refused (detect_new checks). */
#define MAX_DETECTORS 16

struct detect {
    const struct detector *const *table;
    size_t n;
    void *state[MAX_DETECTORS];      /* NULL: the detector is off this run */
    struct detect_sink report;       /* run-level reports (findings); owned */
    pthread_mutex_t report_lock;     /* report and its sink */
    struct detect_sink subscriber;   /* also gets every report (detect_subscribe); borrowed */
    struct sink_pair report_pair;    /* report teed to the subscriber */
    struct detect_observer observer; /* sees the traffic (detect_observe) */
};

struct detect_worker {
    struct detect *d;
    void *state[MAX_DETECTORS];
    struct detect_sink sink;         /* borrowed from the engine worker (teed to the subscriber) */
    struct sink_pair pair;
    /* the detectors with a worker_sync hook: the engine asks before every packet */
    size_t n_syncing;
    size_t syncing[MAX_DETECTORS];
};

/* The run state of one detector of the table, NULL when it is off. */
static void *state_of(struct detect *d, const struct detector *which)
{
    for (size_t i = 0; i < d->n; i++)
        if (d->table[i] == which)
            return d->state[i];
    return NULL;
}

struct detect *detect_new(const struct detect_config *cfg, const struct detector *const *table, size_t n,
                          struct detect_sink *report, struct intel_store *intel, char *err, size_t errlen)
{
    struct detect *d = calloc(1, sizeof *d);
    if (d == NULL) {
        snprintf(err, errlen, "out of memory for the detectors");
        intel_store_free(intel);
        sink_release(report);
        return NULL;
    }
    d->report = *report;
    *report = (struct detect_sink){0};
    pthread_mutex_init(&d->report_lock, NULL);
    d->table = table;
    d->n = n;
    if (d->n > MAX_DETECTORS) {
        snprintf(err, errlen, "%zu detectors, at most %d", d->n, MAX_DETECTORS);
        intel_store_free(intel);
        detect_free(d);
        return NULL;
    }
    for (size_t i = 0; i < d->n; i++) {
        const struct detector *t = d->table[i];
        if (t->open && !t->open(cfg, &d->state[i], err, errlen)) {
            intel_store_free(intel);
            detect_free(d);
            return NULL;
        }
    }
    detect_set_intel(d, intel);
    return d;
}

void detect_free(struct detect *d)
{
    if (d == NULL)
        return;
    for (size_t i = 0; i < d->n; i++)
        if (d->state[i] && d->table[i]->close)
            d->table[i]->close(d->state[i]);
    sink_release(&d->report);
    pthread_mutex_destroy(&d->report_lock);
    free(d);
}

void detect_subscribe(struct detect *d, const struct detect_sink *subscriber)
{
    d->subscriber = *subscriber;
    d->report_pair.first = d->report;
    d->report_pair.second = *subscriber;
    d->report = sink_tee(&d->report_pair);
}

void detect_observe(struct detect *d, const struct detect_observer *obs)
{
    d->observer = *obs;
}

const struct detect_sink *detect_worker_sink(const struct detect_worker *w)
{
    return &w->sink;
}

void detect_set_intel(struct detect *d, struct intel_store *intel)
{
    void *s = state_of(d, &intel_detector);
    if (s)
        intel_detector_set_store(s, intel);
    else
        intel_store_free(intel);
}

void detect_collect(struct detect *d)
{
    void *s = state_of(d, &intel_detector);
    if (s)
        intel_detector_collect(s);
}

struct detect_worker *detect_worker_new(struct detect *d, const struct detect_sink *sink)
{
    struct detect_worker *w = calloc(1, sizeof *w);
    if (w == NULL)
        return NULL;
    w->d = d;
    if (sink)
        w->sink = *sink;
    if (d->subscriber.ctx) {
        w->pair.first = w->sink;
        w->pair.second = d->subscriber;
        w->sink = sink_tee(&w->pair);
    }
    for (size_t i = 0; i < d->n; i++) {
        if (d->state[i] == NULL || d->table[i]->worker_open == NULL)
            continue;
        w->state[i] = d->table[i]->worker_open(d->state[i], &w->sink);
        if (w->state[i] == NULL) {
            detect_worker_free(w);
            return NULL;
        }
        if (d->table[i]->worker_sync)
            w->syncing[w->n_syncing++] = i;
    }
    return w;
}

void detect_worker_free(struct detect_worker *w)
{
    if (w == NULL)
        return;
    struct detect *d = w->d;
    for (size_t i = 0; i < d->n; i++)
        if (w->state[i] && d->table[i]->worker_close)
            d->table[i]->worker_close(w->state[i]);
    free(w);
}

/* Calls hook `fn` of every detector running on the worker. */
#define EACH_DETECTOR(w, fn, ...)                                       \
    do {                                                                \
        struct detect *d_ = (w)->d;                                     \
        for (size_t i_ = 0; i_ < d_->n; i_++)                           \
            if ((w)->state[i_] && d_->table[i_]->fn)                    \
                d_->table[i_]->fn((w)->state[i_], ##__VA_ARGS__);       \
    } while (0)

void detect_worker_sync(struct detect_worker *w)
{
    for (size_t k = 0; k < w->n_syncing; k++) {
        size_t i = w->syncing[k];
        w->d->table[i]->worker_sync(w->state[i]);
    }
}

void detect_conn(struct detect_worker *w, const struct conn_record *c)
{
    const struct detect_observer *o = &w->d->observer;
    if (o->conn)
        o->conn(o->ctx, c);
    EACH_DETECTOR(w, conn, c);
}

void detect_open_conn(struct detect_worker *w, const struct conn_record *c)
{
    EACH_DETECTOR(w, open_conn, c);
}

void detect_transaction(struct detect_worker *w, const struct app_conn *c, enum event_kind kind, const void *txn)
{
    const struct detect_observer *o = &w->d->observer;
    if (o->transaction)
        o->transaction(o->ctx, c, kind, txn);
    EACH_DETECTOR(w, transaction, c, kind, txn);
}

/* Whether a detector that runs on this worker has callback fn. */
#define ANY_DETECTOR_HAS(w, fn)                                         \
    do {                                                                \
        for (size_t i_ = 0; i_ < (w)->d->n; i_++)                       \
            if ((w)->state[i_] && (w)->d->table[i_]->fn)                \
                return true;                                            \
        return false;                                                   \
    } while (0)

bool detect_wants_neighbors(const struct detect_worker *w)
{
    ANY_DETECTOR_HAS(w, neighbor);
}

void detect_neighbor(struct detect_worker *w, int64_t ts_us, const struct neighbor_binding *b, bool ndp)
{
    EACH_DETECTOR(w, neighbor, ts_us, b, ndp);
}

bool detect_wants_icmp_echo(const struct detect_worker *w)
{
    ANY_DETECTOR_HAS(w, icmp_echo);
}

void detect_icmp_echo(struct detect_worker *w, const struct packet *pkt, const struct detect_flow *flow)
{
    EACH_DETECTOR(w, icmp_echo, pkt, flow);
}

void detect_report(struct detect *d, int64_t now_us, bool final)
{
    pthread_mutex_lock(&d->report_lock);
    for (size_t i = 0; i < d->n; i++)
        if (d->state[i] && d->table[i]->report)
            d->table[i]->report(d->state[i], &d->report, now_us, final);
    sink_flush(&d->report);
    pthread_mutex_unlock(&d->report_lock);
}

void detect_get_stats(struct detect *d, struct detect_stats *st)
{
    memset(st, 0, sizeof *st);
    for (size_t i = 0; i < d->n; i++)
        if (d->state[i] && d->table[i]->stats)
            d->table[i]->stats(d->state[i], st);
}
