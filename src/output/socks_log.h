/* socks.log (Zeek). Suricata has no SOCKS parser, so there is no EVE event. */
#ifndef VIGIL_OUTPUT_SOCKS_LOG_H
#define VIGIL_OUTPUT_SOCKS_LOG_H

#include "output/writers.h"
#include "proto/conn-t.h"
#include "proto/event-t.h"
#include "proto/socks-t.h"

struct output_worker;

void output_socks(struct output_worker *w, const struct app_conn *c, const struct socks_txn *t);

/* The entry of output/writers.c for EVENT_SOCKS. */
extern const struct txn_writer socks_writer;

#endif
