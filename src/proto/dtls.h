/* DTLS 1.0/1.2 over UDP (Zeek's DTLS analyzer, logged in ssl.log): what it
 * publishes is TLS's (EVENT_TLS with struct tls_txn, EVENT_X509 with
 * struct x509_cert). Type-only. */
#ifndef VIGIL_PROTO_DTLS_H
#define VIGIL_PROTO_DTLS_H

#include "proto/parser.h"
#include "proto/tls.h"

extern const struct app_parser dtls_parser;

#endif
