/* hunt/sightings: intel hits over stored logs, aggregated per (indicator,
 * where): first and last seen, count, the hosts involved and the uids of
 * the log lines (both capped: a sighting of a million rows keeps the first
 * SIGHTING_MAX_UIDS uids and says how many there were). */
#ifndef VIGIL_HUNT_SIGHTINGS_H
#define VIGIL_HUNT_SIGHTINGS_H

#include <stddef.h>
#include <stdint.h>

#include "detect/sighting.h"

#define SIGHTING_MAX_HOSTS 16
#define SIGHTING_MAX_UIDS 32

struct sighting_summary {
    const struct intel_entry *entry;
    const char *where;
    char seen[256];                     /* the first value seen */
    enum intel_type seen_type;
    int64_t first_us, last_us;
    uint64_t count;
    unsigned n_hosts, n_uids;
    struct ip_addr hosts[SIGHTING_MAX_HOSTS];
    char uids[SIGHTING_MAX_UIDS][32];
};

struct sightings;
struct sightings *sightings_new(void);
void sightings_free(struct sightings *s);
void sightings_add(struct sightings *s, const struct intel_sighting *hit);
size_t sightings_count(const struct sightings *s);
/* In a stable order: first seen, then indicator, then where. */
void sightings_each(struct sightings *s, void (*fn)(void *ctx, const struct sighting_summary *), void *ctx);

#endif
