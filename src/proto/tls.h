/* tls: the parser objects and the functions other files call; what the
 * protocol publishes is in proto/tls-t.h, the header later stages include. */
#ifndef VIGIL_PROTO_TLS_H
#define VIGIL_PROTO_TLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proto/parser.h"
#include "proto/tls-t.h"

extern const struct app_parser tls_parser;
/* Parses a ClientHello body (the handshake message after its 4-byte header)
 * into the client-side fields of *out (server_name, client_alpns,
 * client_version, ja3, ja4) as the TLS parser would; ja4_transport replaces
 * JA4's leading 't' ('q' for QUIC, '\0' keeps it). Allocates a scratch state
 * for the call. False when the message is malformed. */
bool tls_parse_client_hello(const uint8_t *body, size_t n, char ja4_transport, struct tls_txn *out);

#endif
