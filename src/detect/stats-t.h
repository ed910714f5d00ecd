/* detect/stats-t.h: the counters behind the run's detection summary (the
 * "vigil: detection:" line). Each detector that counts fills its part from
 * its `stats` hook (detect/detector.h); detect_get_stats asks every detector
 * that is on, so a new detector with counters adds its part here and its
 * hook, and detect.c stays as it is. Types only. */
#ifndef VIGIL_DETECT_STATS_T_H
#define VIGIL_DETECT_STATS_T_H

#include <stdbool.h>
#include <stdint.h>

#include "detect/finding-t.h"

struct behavior_stats {
    uint64_t conns, dns, names, uploads;
    uint64_t pairs, domains, hosts;          /* tracked now: beacon/exfil pairs (address and name), domains, DGA hosts */
    uint64_t chains, uploads_tracked;        /* tracked now: long-connection keys, aggregated large uploads */
    uint64_t name_bindings;                  /* uid and (client, address) name bindings held now */
    uint64_t evicted;                        /* entries dropped by a cap */
    uint64_t findings[FINDING_KIND_COUNT];
};

struct devices_stats {
    uint64_t devices, with_vendor, with_type, flagged, alerts, dropped;
};

struct detect_stats {
    uint64_t intel_lookups, intel_hits, intel_alerts;
    struct behavior_stats behavior;
    bool has_devices;
    struct devices_stats devices;
};

#endif
