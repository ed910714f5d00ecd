/* The connection columns every protocol log starts with after ts:
 * uid, id.orig_h, id.orig_p, id.resp_h, id.resp_p. */
#ifndef VIGIL_OUTPUT_CONN_ID_H
#define VIGIL_OUTPUT_CONN_ID_H

#include "output/zeek_log.h"
#include "proto/conn-t.h"

void zrow_conn_id(struct zrow *r, const struct app_conn *c);
/* Starts a row of a log whose columns begin with ZEEK_FIELDS_TS_UID_ID
 * and writes them: ts_us, then c's uid and id.*. NULL: the run writes no
 * Zeek logs (zrow_begin). The worker's row, borrowed until zrow_end or
 * zrow_abort. */
struct zrow *zrow_begin_conn(struct output_worker *w, const struct zeek_schema *schema, int64_t ts_us,
                             const struct app_conn *c);
/* The row belongs to connection c (zrow_conn_id says so itself): with
 * --kafka its message is keyed by c's Community ID and partitioned by c's
 * originator, though the row has no id columns (x509.log). c is borrowed
 * until zrow_end. */
void zrow_for_conn(struct zrow *r, const struct app_conn *c);

#endif
