/* dns.log (Zeek) and the EVE "dns" event (Suricata 8, DNS log version 3). */
#ifndef VIGIL_OUTPUT_DNS_LOG_H
#define VIGIL_OUTPUT_DNS_LOG_H

#include "proto/dns.h"
#include "proto/parser.h"
#include "output/writers.h"

struct output_worker;

void output_dns(struct output_worker *w, const struct app_conn *c, const struct dns_txn *t);

/* The entry of output/writers.c for EVENT_DNS. */
extern const struct txn_writer dns_writer;

#endif
