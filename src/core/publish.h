/* core/publish: routes the transactions that parsers publish to the outputs
 * (and, as they arrive, to the detectors) of the publishing worker. */
#ifndef VIGIL_CORE_PUBLISH_H
#define VIGIL_CORE_PUBLISH_H

#include "output/output.h"

/* ctx is the worker's struct output_worker (may be NULL: nothing written). */
void publish_transaction(struct output_worker *out, const void *conn, int kind, const void *txn);

#endif
