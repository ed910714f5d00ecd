/* intel.log (Zeek's intel framework fields, plus what the feed said) and
 * the matching EVE alert. */
#ifndef VIGIL_OUTPUT_INTEL_LOG_H
#define VIGIL_OUTPUT_INTEL_LOG_H

#include "detect/sighting-t.h"
#include "output/output.h"

void output_intel(struct output_worker *w, const struct intel_sighting *s);

/* "high", "medium", "low", "undefined" for MISP threat levels 1..4 (static
 * strings), NULL otherwise. */
const char *intel_threat_level_name(int level);
/* The highest threat level any feed gave the entry (1 is highest), 0 if none. */
int intel_entry_threat_level(const struct intel_entry *e);

#endif
