/* detect/phishing: SMTP messages on the wire judged by mail/'s sender and
 * link checks (detect/detector.h); runs when --protect is given. */
#ifndef VIGIL_DETECT_PHISHING_H
#define VIGIL_DETECT_PHISHING_H

#include "detect/detector.h"

extern const struct detector phishing_detector;

#endif
