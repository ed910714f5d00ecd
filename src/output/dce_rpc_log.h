/* dce_rpc.log (Zeek). */
#ifndef VIGIL_OUTPUT_DCE_RPC_LOG_H
#define VIGIL_OUTPUT_DCE_RPC_LOG_H

#include "output/writers.h"
#include "proto/conn-t.h"
#include "proto/dce_rpc-t.h"
#include "proto/event-t.h"

struct output_worker;

void output_dce_rpc(struct output_worker *w, const struct app_conn *c, const struct dce_rpc_txn *t);

/* The entry of output/writers.c for EVENT_DCE_RPC. */
extern const struct txn_writer dce_rpc_writer;

#endif
