/* detect/: the hub that runs the detectors behind `vigil read` and `vigil
 * live`, a table the caller hands it (core/detectors.c lists them;
 * detect/detector.h says what a detector is). One `struct
 * detect` per run holds each detector's run state (the threat-intel store,
 * swappable while workers run: SIGHUP reload; the behaviour detectors,
 * shared by the workers behind a lock); each engine worker has a `struct
 * detect_worker` with each detector's worker state. Every report leaves
 * through a detector sink (detect/sink-t.h): the worker's own for what a
 * worker finds, the run's for what needs the whole run. Nothing here knows
 * a log or a file. */
#ifndef VIGIL_DETECT_DETECT_H
#define VIGIL_DETECT_DETECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "detect/config-t.h"
#include "detect/observer-t.h"
#include "detect/sink-t.h"
#include "detect/stats-t.h"
#include "flow/conn_record-t.h"
#include "proto/event-t.h"
#include "intel/intel.h"

struct app_conn;
struct detect_flow;
struct detector;
struct neighbor_binding;
struct packet;

struct detect;
struct detect_worker;

/* Runs the n detectors of table (borrowed, must outlive the context), in
 * that order; cfg is read by each detector's open. report receives what
 * detectors report for the whole run (behaviour
 * findings); the detect context takes it over
 * (released by detect_free, or at once on failure) and leaves *report
 * empty. A zeroed sink reports nothing. intel may be NULL (no indicators
 * yet); the detect context takes ownership of it. */
struct detect *detect_new(const struct detect_config *cfg, const struct detector *const *table, size_t n,
                          struct detect_sink *report, struct intel_store *intel, char *err, size_t errlen);
void detect_free(struct detect *d);   /* frees every store it owns */

/* A subscriber that gets a copy of every report (alerts, findings,
 * sightings, flushes) besides the run's sink: the incident correlator.
 * Before any detect_worker_new; it must outlive d and is not released. */
void detect_subscribe(struct detect *d, const struct detect_sink *subscriber);
/* What a subscriber sees of the traffic itself: detect/observer-t.h. */
/* Before any detect_worker_new; obs is copied, its ctx must outlive d. */
void detect_observe(struct detect *d, const struct detect_observer *obs);
/* The sink the worker's other reporters (the signature matcher the engine
 * runs beside the detectors) report through, so that a subscriber sees
 * their alerts too: the worker's own sink, teed to the subscriber. Valid
 * until detect_worker_free. */
const struct detect_sink *detect_worker_sink(const struct detect_worker *w);
/* Replaces the indicator set; the old one is freed once no worker can be
 * using it (detect_collect). Call from the thread that drives the engine. */
void detect_set_intel(struct detect *d, struct intel_store *intel);
void detect_collect(struct detect *d);

/* sink (copied; its ctx borrowed, never released here) receives this
 * worker's alerts and sightings; NULL reports nothing. */
struct detect_worker *detect_worker_new(struct detect *d, const struct detect_sink *sink);
void detect_worker_free(struct detect_worker *w);
/* Picks up a new indicator set; the engine calls it between batches. */
void detect_worker_sync(struct detect_worker *w);

void detect_conn(struct detect_worker *w, const struct conn_record *c);
/* A flow still open (live): only the long-connection detector looks at it. */
void detect_open_conn(struct detect_worker *w, const struct conn_record *c);
void detect_transaction(struct detect_worker *w, const struct app_conn *c, enum event_kind kind, const void *txn);
/* Link-layer address bindings (ARP, NDP): only when some detector wants them. */
bool detect_wants_neighbors(const struct detect_worker *w);
void detect_neighbor(struct detect_worker *w, int64_t ts_us, const struct neighbor_binding *b, bool ndp);
/* ICMP echo requests and replies (the icmp_echo hook of detect/detector.h):
 * only when some detector wants them. */
bool detect_wants_icmp_echo(const struct detect_worker *w);
void detect_icmp_echo(struct detect_worker *w, const struct packet *pkt, const struct detect_flow *flow);

/* Run-level reports (behaviour findings) so far (live: every report
 * interval), or all of them at the end of input (final), then the run's
 * sink is flushed. now_us is packet time. */
void detect_report(struct detect *d, int64_t now_us, bool final);

/* Every detector that is on adds its counters (detect/stats-t.h). */
void detect_get_stats(struct detect *d, struct detect_stats *st);

#endif
