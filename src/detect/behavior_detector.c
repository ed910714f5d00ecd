#include "detect/behavior_detector.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detect/config-t.h"
#include "detect/observe.h"
#include "detect/sink.h"

struct behavior_run {
    pthread_mutex_t lock;          /* the detectors and report_sink */
    struct behavior *behavior;
    const struct detect_sink *report_sink; /* set for the length of report_findings */
};

static void emit_finding(void *ctx, const struct finding *f)
{
    struct behavior_run *r = ctx;
    sink_finding(r->report_sink, f);
}

static bool open_run(const struct detect_config *cfg, void **state, char *err, size_t errlen)
{
    *state = NULL;
    if (!cfg->behavior)
        return true;
    struct behavior_run *r = calloc(1, sizeof *r);
    if (r == NULL) {
        snprintf(err, errlen, "out of memory for the behaviour detectors");
        return false;
    }
    r->behavior = behavior_new(&cfg->behavior_cfg, emit_finding, r, err, errlen);
    if (r->behavior == NULL) {
        free(r);
        return false;
    }
    pthread_mutex_init(&r->lock, NULL);
    *state = r;
    return true;
}

static void close_run(void *state)
{
    struct behavior_run *r = state;
    behavior_free(r->behavior);
    pthread_mutex_destroy(&r->lock);
    free(r);
}

/* Workers share the run state: nothing of their own. */
static void *share_run(void *state, const struct detect_sink *sink)
{
    return state;
}

static void feed_conn(void *worker, const struct conn_record *c)
{
    struct behavior_run *r = worker;
    struct obs_conn o;
    observe_conn(c, &o);
    pthread_mutex_lock(&r->lock);
    observe_feed_conn(r->behavior, &o);
    pthread_mutex_unlock(&r->lock);
}

static void feed_open_conn(void *worker, const struct conn_record *c)
{
    struct behavior_run *r = worker;
    struct obs_conn o;
    observe_conn(c, &o);
    o.still_open = true;
    pthread_mutex_lock(&r->lock);
    behavior_conn(r->behavior, &o);
    pthread_mutex_unlock(&r->lock);
}

static void feed_transaction(void *worker, const struct app_conn *c, enum event_kind kind, const void *txn)
{
    struct behavior_run *r = worker;
    struct observations obs;
    if (!observe_transaction(c, kind, txn, &obs))
        return;
    pthread_mutex_lock(&r->lock);
    observations_feed(r->behavior, &obs);
    pthread_mutex_unlock(&r->lock);
}

static void report_findings(void *state, const struct detect_sink *sink, int64_t now_us, bool final)
{
    struct behavior_run *r = state;
    pthread_mutex_lock(&r->lock);
    r->report_sink = sink;
    behavior_flush(r->behavior, now_us, final);
    r->report_sink = NULL;
    pthread_mutex_unlock(&r->lock);
}

static void behavior_add_stats(void *state, struct detect_stats *all)
{
    struct behavior_run *r = state;
    pthread_mutex_lock(&r->lock);
    behavior_get_stats(r->behavior, &all->behavior);
    pthread_mutex_unlock(&r->lock);
}

const struct detector behavior_detector = {
    .name = "behavior",
    .open = open_run,
    .close = close_run,
    .worker_open = share_run,
    .conn = feed_conn,
    .open_conn = feed_open_conn,
    .transaction = feed_transaction,
    .report = report_findings,
    .stats = behavior_add_stats,
};
