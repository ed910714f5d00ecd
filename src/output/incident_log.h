/* incident.log (Zeek TSV/JSON) and EVE `incident` events: one row per
 * incident, written again with a higher revision each time the incident
 * grows in `vigil live`, and in its final state at the end of a run. */
#ifndef VIGIL_OUTPUT_INCIDENT_LOG_H
#define VIGIL_OUTPUT_INCIDENT_LOG_H

#include <stddef.h>

#include "incident/incident.h"
#include "output/output.h"

void output_incident(struct output_worker *w, const struct incident *inc);

#endif
