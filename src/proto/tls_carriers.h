/* Protocols parsed for the TLS they carry, and for their conn.log service:
 * IMAP (STARTTLS), POP3 (STLS), PostgreSQL (SSLRequest), MySQL (the SSL
 * Request packet) upgrade in the middle of the connection and hand the rest
 * of it to the TLS parser; OpenVPN over TCP carries a TLS session inside its
 * control channel. None publishes a transaction of its own: what they find
 * is the TLS parser's (EVENT_TLS, EVENT_X509). */
#ifndef VIGIL_PROTO_TLS_CARRIERS_H
#define VIGIL_PROTO_TLS_CARRIERS_H

#include "proto/parser.h"

extern const struct app_parser imap_parser;
extern const struct app_parser pop3_parser;
extern const struct app_parser postgresql_parser;
extern const struct app_parser mysql_parser;
extern const struct app_parser openvpn_parser;

#endif
