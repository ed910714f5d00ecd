/* detect/intel_suppress: repeated threat-intel hits, as Zeek's notice
 * suppression treats repeated notices. The first sighting of an indicator
 * from a host is reported as it is (intel.log, EVE alert); for the next
 * `interval` its further hits from that host are only counted, and when
 * the interval ends (seen at the next report, or by the next hit) the count
 * is summarised: one sightings.log row per indicator and host (count, first
 * and last time, addresses, uids). A hit after the interval alerts again
 * and starts a new one.
 *
 * Shared by every worker of a run behind one lock: hits are rare (a few
 * per flow at most), so the lock is cheap. Fixed size: 1024 (indicator,
 * host) pairs; a full slot group evicts its oldest pair, whose pending
 * count is summarised first, so no hit goes uncounted. */
#ifndef VIGIL_DETECT_INTEL_SUPPRESS_H
#define VIGIL_DETECT_INTEL_SUPPRESS_H

#include <stdbool.h>
#include <stdint.h>

#include "detect/sink-t.h"
#include "intel/intel.h"

struct intel_suppress;

/* interval_us > 0. The caller frees it with intel_suppress_free(); NULL: out
 * of memory. */
struct intel_suppress *intel_suppress_new(int64_t interval_us);
void intel_suppress_free(struct intel_suppress *s);

/* True when s (matched in `store`) is to be reported now; false when it was
 * counted into its pair's pending summary. `sink` gets the summary of a
 * pair evicted to make room. Thread-safe. */
bool intel_suppress_admit(struct intel_suppress *s, const struct intel_store *store, const struct intel_sighting *hit,
                          const struct detect_sink *sink);

/* Summarises through sink, and forgets, the pairs whose interval ended by
 * now_us, those of stores other than `current` (a reload: their entries are
 * about to be freed) and, when final, all of them. */
void intel_suppress_report(struct intel_suppress *s, const struct detect_sink *sink, const struct intel_store *current,
                           int64_t now_us, bool final);

/* Whether a pair still points into store (it must not be freed yet). */
bool intel_suppress_holds(struct intel_suppress *s, const struct intel_store *store);

/* Forgets the pairs of stores other than current without summarising them
 * (reloads faster than reports); returns the hits whose count was lost. */
uint64_t intel_suppress_drop_others(struct intel_suppress *s, const struct intel_store *current);

#endif
