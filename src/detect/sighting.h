/* detect/sighting: what a sighting summary (detect/sighting-t.h) keeps of
 * each intel hit it gathers, written once for hunt's summaries over stored
 * logs (hunt/sightings.c) and the intel detector's suppressed repeats
 * (detect/intel_suppress.c), so that both count the same way. */
#ifndef VIGIL_DETECT_SIGHTING_H
#define VIGIL_DETECT_SIGHTING_H

#include <stddef.h>

#include "detect/sighting-t.h"

/* How much a summary keeps: the first value seen in a buffer of `seen`
 * bytes (at most sizeof of its seen), and up to `hosts` distinct hosts and
 * `uids` distinct uids (at most SIGHTING_MAX_HOSTS and SIGHTING_MAX_UIDS). */
struct sighting_caps {
    size_t seen;
    unsigned hosts, uids;
};

/* Counts hit into s. The first hit counted sets where, what was seen and
 * the time span; each hit adds its validity and time, and, while there is
 * room, its connection's hosts and its uid when they are new to s. */
void sighting_tally(struct sighting_summary *s, const struct intel_sighting *hit, const struct sighting_caps *caps);

#endif
