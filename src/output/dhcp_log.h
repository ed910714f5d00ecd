/* dhcp.log (Zeek, one row per transaction ID) and the EVE "dhcp" event
 * (Suricata, one per message, extended mode). */
#ifndef VIGIL_OUTPUT_DHCP_LOG_H
#define VIGIL_OUTPUT_DHCP_LOG_H

#include "output/writers.h"
#include "proto/conn-t.h"
#include "proto/dhcp-t.h"
#include "proto/event-t.h"

struct output_worker;

void output_dhcp(struct output_worker *w, const struct app_conn *c, const struct dhcp_txn *t);

/* The entry of output/writers.c for EVENT_DHCP. */
extern const struct txn_writer dhcp_writer;

#endif
