/* core/detectors: the table of detectors `vigil read` and `vigil live` run,
 * handed to the detectors' hub (detect_new). The composition root lists
 * them, so detect/ knows what a detector is but not which exist, and the
 * detectors in folders of their own (asset/) sit above detect/. */
#ifndef VIGIL_CORE_DETECTORS_H
#define VIGIL_CORE_DETECTORS_H

#include <stddef.h>

#include "detect/detector.h"

/* Every detector, in the order they see each event; *n is set to their
 * number. A static table (never released). */
const struct detector *const *core_detectors(size_t *n);

#endif
