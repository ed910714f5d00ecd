/* incident.log (Zeek TSV/JSON) and EVE `incident` events: one row per
 * incident, written again with a higher revision each time the incident
 * grows in `vigil live`, and in its final state at the end of a run. */
#ifndef VIGIL_OUTPUT_INCIDENT_LOG_H
#define VIGIL_OUTPUT_INCIDENT_LOG_H

#include <stddef.h>

#include "incident/incident.h"
#include "output/output.h"

/* "INC-0001" */
void incident_format_id(unsigned id, char *out, size_t n);
void output_incident(struct output_worker *w, const struct incident *inc);

#endif
