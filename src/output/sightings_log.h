/* sightings.log: `vigil hunt`'s indicator sweep, one row per (indicator,
 * where) with first/last seen, count, hosts and uids. */
#ifndef VIGIL_OUTPUT_SIGHTINGS_LOG_H
#define VIGIL_OUTPUT_SIGHTINGS_LOG_H

#include "detect/sighting-t.h"
#include "output/output.h"

void output_sighting(struct output_worker *w, const struct sighting_summary *s);

#endif
