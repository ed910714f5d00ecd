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

/* The writer of a log file whose output_NAME(w, c, const TYPE *) writes
 * the transaction: NAME_writer, listed in writers.c. */
#define TXN_WRITER(NAME)                                                                     \
    static void write_##NAME##_txn(struct output_worker *w, const struct app_conn *c, const void *txn) \
    {                                                                                        \
        output_##NAME(w, c, txn);                                                            \
    }                                                                                        \
    const struct txn_writer NAME##_writer = {.write = write_##NAME##_txn}

/* The usual log file: its static write_zeek (the Zeek row) and write_eve
 * (the EVE event) of a `const TYPE *`, called in that order by
 * output_NAME, and NAME_writer. */
#define TXN_WRITER_ZEEK_EVE(NAME, TYPE)                                                      \
    void output_##NAME(struct output_worker *w, const struct app_conn *c, const TYPE *t)     \
    {                                                                                        \
        if (w == NULL || c == NULL || t == NULL)                                             \
            return;                                                                          \
        write_zeek(w, c, t);                                                                 \
        write_eve(w, c, t);                                                                  \
    }                                                                                        \
    TXN_WRITER(NAME)

/* Writes one published transaction into the worker's logs; w may be NULL
 * (nothing written), a kind without a writer writes nothing. */
void output_transaction(struct output_worker *w, const struct app_conn *c, enum event_kind kind, const void *txn);

#endif
