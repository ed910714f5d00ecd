/* dns.log (Zeek) and the EVE "dns" event (Suricata 8, DNS log version 3). */
#ifndef VIGIL_OUTPUT_DNS_LOG_H
#define VIGIL_OUTPUT_DNS_LOG_H

#include "output/writers.h"
#include "proto/conn-t.h"
#include "proto/dns-t.h"
#include "proto/event-t.h"

struct output_worker;

void output_dns(struct output_worker *w, const struct app_conn *c, const struct dns_txn *t);

/* The entry of output/writers.c for EVENT_DNS. */
extern const struct txn_writer dns_writer;

#endif
