/* The detectors' setup for read, live and hunt: --allowlist, --intel and
 * the internal networks the behaviour detectors count as local. */
#ifndef VIGIL_CLI_DETECTION_SETUP_H
#define VIGIL_CLI_DETECTION_SETUP_H

#include <stdbool.h>
#include <stddef.h>

#include "cli/options.h"
#include "detect/allowlist.h"
#include "intel/intel.h"

/* Loads every --intel path into a new store. The first load records each
 * path's parse errors (a README in a feed folder is one); a reload (strict)
 * fails when a path has more than then: a feed broke. NULL with err set on
 * failure; the caller owns the store. */
struct intel_store *load_intel(struct options *o, bool strict, bool verbose, char *err, size_t errlen);

/* The detectors of a read/live/hunt run; *intel and *allow receive the
 * store and the allow-list for the caller to free. false (reported on
 * stderr) when a file cannot be loaded. */
bool setup_detection(struct options *o, struct intel_store **intel, struct allowlist **allow);

#endif
