/* incident/live: the correlator inside `vigil read` and `vigil live`. It
 * subscribes to the detector sink (detect/sink-t.h): every alert, finding
 * and intel sighting the detectors emit is also handed to it, turned into
 * an event (incident/event.h) and correlated. At each report interval
 * (the sink's flush) the incidents that grew are written again to
 * incident.log and as EVE `incident` events with a higher revision; at the
 * end every incident is written in its final state and a summary printed.
 * Thread-safe: workers' sinks call it under its lock. */
#ifndef VIGIL_INCIDENT_LIVE_H
#define VIGIL_INCIDENT_LIVE_H

#include <stdio.h>

#include "detect/observer-t.h"
#include "detect/sink-t.h"
#include "util/addr.h"

struct correlator;
struct output;
struct incident_live;

struct incident_live_config {
    const char *killchain_path;          /* NULL: the shipped map */
    const struct ip_prefix *local_nets;  /* NULL/0: private space */
    unsigned n_local_nets;
    struct output *out;                  /* where incident.log / EVE go; NULL: no log */
    FILE *interval_summary;              /* `live`: the summary at each report interval; NULL: none */
};

/* What cfg points to (interval_summary, local_nets, out) stays the caller's
 * and must outlive it. The caller frees it with incident_live_free(); NULL
 * with err set on failure. */
struct incident_live *incident_live_new(const struct incident_live_config *cfg, char *err, size_t errlen);
/* The observer: a sink whose callbacks feed the correlator (its flush
 * writes the incidents that grew). No release: incident_live_free. */
struct detect_sink incident_live_sink(struct incident_live *l);
/* The traffic it needs besides the reports (detect_observe): connections
 * (bytes out, popularity), DNS answers (a name leading to a connection),
 * HTTP fetches (a document's remote template fetched) and, through the
 * sink, the device inventory. */
struct detect_observer incident_live_observer(struct incident_live *l);
/* Writes every incident in its final state and, when summary is not NULL,
 * the terminal summary. Call once, before the output is closed. */
void incident_live_finish(struct incident_live *l, FILE *summary);
/* The correlator, to read the incidents once the run is over (no lock). Owned
 * by l: valid until incident_live_free. */
const struct correlator *incident_live_correlator(const struct incident_live *l);
void incident_live_free(struct incident_live *l);

#endif
