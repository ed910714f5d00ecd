/* ldap.log and ldap_search.log (Zeek 6+'s base/protocols/ldap). */
#ifndef VIGIL_OUTPUT_LDAP_LOG_H
#define VIGIL_OUTPUT_LDAP_LOG_H

#include "output/writers.h"
#include "proto/ldap-t.h"

struct output_worker;

void output_ldap(struct output_worker *w, const struct app_conn *c, const struct ldap_txn *t);

/* The entry of output/writers.c for EVENT_LDAP. */
extern const struct txn_writer ldap_writer;

#endif
