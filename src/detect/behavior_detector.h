/* detect/behavior_detector: the behaviour detectors (behavior.h) as a
 * detector (detect/detector.h). One instance for the run, shared by the
 * workers behind a lock: they see conn records and transactions, a few per
 * flow, never packets. Findings leave through the run's sink when
 * reported. */
#ifndef VIGIL_DETECT_BEHAVIOR_DETECTOR_H
#define VIGIL_DETECT_BEHAVIOR_DETECTOR_H

#include "detect/behavior.h"
#include "detect/detector.h"

extern const struct detector behavior_detector;


#endif
