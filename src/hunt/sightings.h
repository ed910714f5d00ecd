/* hunt/sightings: intel hits over stored logs, aggregated per (indicator,
 * where): first and last seen, count, the hosts involved and the uids of
 * the log lines (both capped: a sighting of a million rows keeps the first
 * SIGHTING_MAX_UIDS uids and says how many there were). */
#ifndef VIGIL_HUNT_SIGHTINGS_H
#define VIGIL_HUNT_SIGHTINGS_H

#include <stddef.h>
#include <stdint.h>

#include "detect/sighting-t.h"

/* struct sighting_summary: detect/sighting-t.h */
struct sightings;
/* The caller frees it with sightings_free(); NULL when out of memory. */
struct sightings *sightings_new(void);
void sightings_free(struct sightings *s);
void sightings_add(struct sightings *s, const struct intel_sighting *hit);
size_t sightings_count(const struct sightings *s);
/* In a stable order: first seen, then indicator, then where. */
void sightings_each(struct sightings *s, void (*fn)(void *ctx, const struct sighting_summary *), void *ctx);

#endif
