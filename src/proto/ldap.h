/* ldap: the parser objects and the functions other files call; what the
 * protocol publishes is in proto/ldap-t.h, the header later stages include. */
#ifndef VIGIL_PROTO_LDAP_H
#define VIGIL_PROTO_LDAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proto/ldap-t.h"
#include "proto/parser.h"

extern const struct app_parser ldap_parser;     /* TCP: conn.log service "ldap_tcp" */
extern const struct app_parser ldap_udp_parser; /* UDP (CLDAP): "ldap_udp" */

#endif
