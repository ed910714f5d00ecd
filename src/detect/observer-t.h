/* detect/observer-t: what a subscriber of the detectors' hub (the incident
 * correlator, report/live.c) sees of the traffic itself, as context for
 * the reports: struct detect_observer, handed to detect_observe
 * (detect/detect.h). Type-only header. */
#ifndef VIGIL_DETECT_OBSERVER_T_H
#define VIGIL_DETECT_OBSERVER_T_H

#include "proto/event-t.h"

struct app_conn;
struct conn_record;

/* The correlator's DNS answers, fetches, bytes out: every finished
 * connection and every transaction, before the detectors see them. Called
 * from every worker at once: the observer locks. Any callback may be NULL. */
struct detect_observer {
    void *ctx;
    void (*conn)(void *ctx, const struct conn_record *c);
    void (*transaction)(void *ctx, const struct app_conn *c, enum event_kind kind, const void *txn);
};

#endif
