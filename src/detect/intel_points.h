/* detect/intel_points: the match points of live traffic — which fields of
 * which transaction are looked up as which indicator type (the table is in
 * detect/intel_match.h's comment). */
#ifndef VIGIL_DETECT_INTEL_POINTS_H
#define VIGIL_DETECT_INTEL_POINTS_H

#include "detect/intel_match.h"
#include "flow/conn_record-t.h"

#include "proto/event-t.h"

struct app_conn;

void intel_points_conn(struct intel_matcher *m, const struct conn_record *c);
/* kind: enum event_kind (core/events.h); txn: its payload struct. */
void intel_points_transaction(struct intel_matcher *m, const struct app_conn *c, enum event_kind kind, const void *txn);

#endif
