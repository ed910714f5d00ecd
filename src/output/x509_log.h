/* x509.log (Zeek): one row per certificate seen. */
#ifndef VIGIL_OUTPUT_X509_LOG_H
#define VIGIL_OUTPUT_X509_LOG_H

#include "proto/parser.h"
#include "proto/x509.h"

struct output_worker;

void output_x509(struct output_worker *w, const struct app_conn *c, const struct x509_cert *x);

#endif
