/* asset/devices_detector: the device inventory as a detector (listed in
 * core/detectors.c): it loads the data the inventory needs (IEEE
 * registries, fingerprints, vendor policy, allowed destinations), feeds it
 * from every worker behind one lock, and reports device records (sink
 * `asset`) and device alerts (sink `alert`, with the record in EVE). */
#ifndef VIGIL_ASSET_DEVICES_DETECTOR_H
#define VIGIL_ASSET_DEVICES_DETECTOR_H

#include <stdint.h>

#include "detect/detector.h"

extern const struct detector devices_detector;


#endif
