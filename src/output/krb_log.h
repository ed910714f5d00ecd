/* kerberos.log (Zeek's base/protocols/krb) and the EVE krb5 event
 * (Suricata's, one per message). */
#ifndef VIGIL_OUTPUT_KRB_LOG_H
#define VIGIL_OUTPUT_KRB_LOG_H

#include "output/writers.h"
#include "proto/krb-t.h"

struct output_worker;

void output_krb(struct output_worker *w, const struct app_conn *c, const struct krb_txn *t);

/* The entry of output/writers.c for EVENT_KRB. */
extern const struct txn_writer krb_writer;

#endif
