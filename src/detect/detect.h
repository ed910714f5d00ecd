/* detect/: the detectors behind `vigil read` and `vigil live`. One `struct
 * detect` per run holds the threat-intel store (swappable while workers
 * run: SIGHUP reload) and the behaviour detectors (one instance shared by
 * the workers behind a lock: they see conn records and transactions, a few
 * per flow, never packets). Each engine worker has a `struct detect_worker`
 * that matches indicators on its own and writes to its own output buffer. */
#ifndef VIGIL_DETECT_DETECT_H
#define VIGIL_DETECT_DETECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "detect/behavior.h"
#include "detect/devices.h"
#include "flow/conn_record.h"
#include "intel/intel.h"

struct output;
struct output_worker;
struct app_conn;

struct detect_config {
    bool behavior;                      /* run the behaviour detectors */
    struct behavior_config behavior_cfg;
    bool devices;                       /* the device inventory and device detectors (--devices) */
    struct devices_config devices_cfg;
};

struct detect;
struct detect_worker;

/* out may be NULL (nothing written). intel may be NULL (no indicators yet);
 * the detect context takes ownership of it. */
struct detect *detect_new(const struct detect_config *cfg, struct output *out, struct intel_store *intel,
                          char *err, size_t errlen);
void detect_free(struct detect *d);   /* frees every store it owns */

/* Replaces the indicator set; the old one is freed once no worker can be
 * using it (detect_collect). Call from the thread that drives the engine. */
void detect_set_intel(struct detect *d, struct intel_store *intel);
void detect_collect(struct detect *d);

struct detect_worker *detect_worker_new(struct detect *d, struct output_worker *out);
void detect_worker_free(struct detect_worker *w);
/* Picks up a new indicator set; the engine calls it between batches. */
void detect_worker_sync(struct detect_worker *w);

void detect_conn(struct detect_worker *w, const struct conn_record *c);
/* A flow still open (live): only the long-connection detector looks at it. */
void detect_open_conn(struct detect_worker *w, const struct conn_record *c);
void detect_transaction(struct detect_worker *w, const struct app_conn *c, int kind, const void *txn);
/* Link-layer address bindings (ARP, NDP), for the device inventory. */
bool detect_wants_neighbors(const struct detect_worker *w);
void detect_neighbor(struct detect_worker *w, int64_t ts_us, const struct neighbor_binding *b, bool ndp);

/* Behaviour findings so far (live: every report interval), or all of them
 * at the end of input (final). now_us is packet time. */
void detect_report(struct detect *d, int64_t now_us, bool final);

struct detect_stats {
    uint64_t intel_lookups, intel_hits, intel_alerts;
    struct behavior_stats behavior;
    bool has_devices;
    struct devices_stats devices;
};
void detect_get_stats(struct detect *d, struct detect_stats *st);

#endif
