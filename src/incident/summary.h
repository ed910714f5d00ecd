/* incident/summary: the few lines `vigil read`, `live` and `report` print
 * at the end (and `live` at each report interval): incidents by severity,
 * the top three with host, stages and first seen. */
#ifndef VIGIL_INCIDENT_SUMMARY_H
#define VIGIL_INCIDENT_SUMMARY_H

#include <stdio.h>

#include "incident/correlate.h"

void incident_print_summary(FILE *out, const struct correlator *c);

#endif
