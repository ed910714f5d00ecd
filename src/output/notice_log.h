/* A detector's generic alert (detect/alert-t.h): notice.log when it names a
 * Zeek note, and an EVE alert. Called through the detector sink only
 * (output/detect_sink.h). */
#ifndef VIGIL_OUTPUT_NOTICE_LOG_H
#define VIGIL_OUTPUT_NOTICE_LOG_H

#include "detect/alert-t.h"
#include "output/output.h"

void output_alert(struct output_worker *w, const struct alert *a);

#endif
