/* x509.log (Zeek): one row per certificate seen. */
#ifndef VIGIL_OUTPUT_X509_LOG_H
#define VIGIL_OUTPUT_X509_LOG_H

#include "output/writers.h"
#include "proto/conn-t.h"
#include "proto/event-t.h"
#include "proto/x509-t.h"

struct output_worker;

void output_x509(struct output_worker *w, const struct app_conn *c, const struct x509_cert *x);

/* The entry of output/writers.c for EVENT_X509. */
extern const struct txn_writer x509_writer;

#endif
