/* http.log (Zeek) and the EVE "http" event (Suricata) for one transaction. */
#ifndef VIGIL_OUTPUT_HTTP_LOG_H
#define VIGIL_OUTPUT_HTTP_LOG_H

#include "output/output.h"
#include "output/writers.h"
#include "proto/conn-t.h"
#include "proto/event-t.h"
#include "proto/http-t.h"

void output_http(struct output_worker *w, const struct app_conn *c, const struct http_txn *t);

/* The entry of output/writers.c for EVENT_HTTP. */
extern const struct txn_writer http_writer;

#endif
