/* rdp.log (Zeek's base/protocols/rdp) and the EVE rdp events (Suricata's
 * initial_request, initial_response, connect_request). */
#ifndef VIGIL_OUTPUT_RDP_LOG_H
#define VIGIL_OUTPUT_RDP_LOG_H

#include "output/writers.h"
#include "proto/rdp-t.h"

struct output_worker;

void output_rdp(struct output_worker *w, const struct app_conn *c, const struct rdp_txn *t);

/* The entry of output/writers.c for EVENT_RDP. */
extern const struct txn_writer rdp_writer;

#endif
