/* Filling a generic alert (detect/alert-t.h) from what a detector holds. */
#ifndef VIGIL_DETECT_ALERT_H
#define VIGIL_DETECT_ALERT_H

#include "detect/alert-t.h"
#include "flow/conn_record-t.h"
#include "proto/conn-t.h"

/* The connection fields (uid, flow_id, 5-tuple, VLANs, community_id) from a
 * transaction's connection or a conn record; has_conn becomes true. The
 * strings point into c: c must outlive the emit call. app_proto is left
 * to the caller. */
void alert_set_app_conn(struct alert *a, const struct app_conn *c);
void alert_set_conn_record(struct alert *a, const struct conn_record *c);

#endif
