/* output/writers: one writer per transaction kind, as proto/registry.c
 * lists one parser per protocol. A protocol's log file (dns_log.c ...)
 * defines its `struct txn_writer` and writers.c
 * lists it: the table is indexed by enum event_kind. */
#ifndef VIGIL_OUTPUT_WRITERS_H
#define VIGIL_OUTPUT_WRITERS_H

#include "output/output.h"
#include "proto/conn-t.h"
#include "proto/event-t.h"

struct txn_writer {
    /* txn is the struct of the kind the writer is listed under (proto/event-t.h says which). */
    void (*write)(struct output_worker *w, const struct app_conn *c, const void *txn);
};

/* Writes one published transaction into the worker's logs; w may be NULL
 * (nothing written), a kind without a writer writes nothing. */
void output_transaction(struct output_worker *w, const struct app_conn *c, enum event_kind kind, const void *txn);

#endif
