/* EVE `smb` and `dcerpc` events as Suricata's output-json-smb and
 * output-json-dcerpc write them, within Suricata's EVE schema: one `smb`
 * event per SMB request answered (proto/smb.h: struct smb_txn), one per
 * DCE-RPC call over an SMB pipe (an `smb` event with its `dcerpc` object),
 * one `dcerpc` event per call over TCP. */
#ifndef VIGIL_OUTPUT_SMB_EVE_H
#define VIGIL_OUTPUT_SMB_EVE_H

#include "output/writers.h"
#include "proto/conn-t.h"
#include "proto/dce_rpc-t.h"
#include "proto/event-t.h"
#include "proto/smb-t.h"

struct output_worker;

void output_smb(struct output_worker *w, const struct app_conn *c, const struct smb_txn *t);
/* The EVE side of a DCE-RPC call: `smb` over a pipe, `dcerpc` over TCP. */
void output_dce_rpc_eve(struct output_worker *w, const struct app_conn *c, const struct dce_rpc_txn *t);

/* The entry of output/writers.c for EVENT_SMB. */
extern const struct txn_writer smb_writer;

#endif
