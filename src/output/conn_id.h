/* The connection columns every protocol log starts with after ts:
 * uid, id.orig_h, id.orig_p, id.resp_h, id.resp_p. */
#ifndef VIGIL_OUTPUT_CONN_ID_H
#define VIGIL_OUTPUT_CONN_ID_H

#include "output/zeek_log.h"
#include "proto/parser.h"

void zrow_conn_id(struct zrow *r, const struct app_conn *c);

#endif
