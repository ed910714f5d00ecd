/* ntlm.log (Zeek). */
#ifndef VIGIL_OUTPUT_NTLM_LOG_H
#define VIGIL_OUTPUT_NTLM_LOG_H

#include "output/writers.h"
#include "proto/conn-t.h"
#include "proto/event-t.h"
#include "proto/ntlm-t.h"

struct output_worker;

void output_ntlm(struct output_worker *w, const struct app_conn *c, const struct ntlm_txn *t);

/* The entry of output/writers.c for EVENT_NTLM. */
extern const struct txn_writer ntlm_writer;

#endif
