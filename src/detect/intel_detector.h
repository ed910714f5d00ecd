/* detect/intel_detector: threat intel on the wire, as a detector
 * (detect/detector.h). Owns the indicator store and swaps it while the
 * workers run (SIGHUP reload): a worker records which store it reads (an
 * epoch), and an old store is freed once every worker has moved on. Each
 * worker matches on its own (intel_points.c) and emits sightings through
 * its own sink. */
#ifndef VIGIL_DETECT_INTEL_DETECTOR_H
#define VIGIL_DETECT_INTEL_DETECTOR_H

#include <stdint.h>

#include "detect/detector.h"
#include "intel/intel.h"

extern const struct detector intel_detector;

/* Replaces the indicator set (NULL: none); takes ownership. The old one is
 * freed once no worker can be using it (intel_detector_collect). Call from
 * the thread that drives the engine. */
void intel_detector_set_store(void *state, struct intel_store *intel);
void intel_detector_collect(void *state);


#endif
