/* detect/fanout: internal fan-out (T1021): an internal host that opens SMB,
 * RDP or WinRM sessions to many internal hosts it had not talked to before,
 * in a window. From conn records. Thresholds: data/lateral_movement.tsv. */
#ifndef VIGIL_DETECT_FANOUT_H
#define VIGIL_DETECT_FANOUT_H

#include "detect/detector.h"

extern const struct detector fanout_detector;

#endif
