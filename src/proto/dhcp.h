/* dhcp: the parser objects and the functions other files call; what the
 * protocol publishes is in proto/dhcp-t.h, the header later stages include. */
#ifndef VIGIL_PROTO_DHCP_H
#define VIGIL_PROTO_DHCP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proto/dhcp-t.h"
#include "proto/parser.h"
#include "util/addr.h"

extern const struct app_parser dhcp_parser;

#endif
