/* The detector sink: the one way out for everything that reports. A
 * detector emits alerts, findings and sightings through these function
 * pointers and never includes an output/ header; output/ implements the
 * sink (output/detect_sink.h), core/ and hunt's caller wire the two.
 * Type-only header; detectors call it through detect/sink.h.
 *
 * Every record passed is borrowed for the duration of the call. A sink is
 * used by one thread at a time (one per engine worker, one for the
 * behaviour detectors under their lock). Any callback may be NULL (that
 * kind of report is dropped). */
#ifndef VIGIL_DETECT_SINK_T_H
#define VIGIL_DETECT_SINK_T_H

#include <stdint.h>

#include "detect/alert-t.h"
#include "detect/finding-t.h"
#include "detect/phish-t.h"
#include "detect/sighting-t.h"

struct asset_record;   /* asset/asset-t.h: the device detector's record, above detect/ */

struct detect_sink {
    void *ctx;
    void (*alert)(void *ctx, const struct alert *a);
    void (*finding)(void *ctx, const struct finding *f);
    void (*sighting)(void *ctx, const struct intel_sighting *s);
    void (*summary)(void *ctx, const struct sighting_summary *s);
    /* A device's inventory record (assets.log, EVE asset): event is enum asset_event. */
    void (*asset)(void *ctx, int event, int64_t ts_us, const struct asset_record *r);
    /* A mail message judged on the wire (phish.log, EVE phish). */
    void (*phish)(void *ctx, const struct phish_record *m);
    /* Hands buffered reports to their files (end of a report interval). */
    void (*flush)(void *ctx);
    /* Frees what ctx owns; called once by whoever was given the sink. */
    void (*release)(void *ctx);
};

#endif
