/* output/'s side of the detector sink (detect/sink-t.h): alerts become
 * notice.log + EVE alert, findings beacon.log ... + EVE alert, sightings
 * intel.log + EVE alert, sighting summaries sightings.log. The only way
 * detectors' reports reach a writer. */
#ifndef VIGIL_OUTPUT_DETECT_SINK_H
#define VIGIL_OUTPUT_DETECT_SINK_H

#include <stdbool.h>

#include "detect/sink-t.h"
#include "output/output.h"

/* A sink writing into w, which the caller keeps and frees (no release).
 * w may be NULL: a sink that drops everything. */
struct detect_sink output_detect_sink(struct output_worker *w);
/* A sink with an output worker of its own on o, freed by its release
 * (sink_release). false when out of memory. */
bool output_detect_sink_open(struct output *o, struct detect_sink *sink);

#endif
