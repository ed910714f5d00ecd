/* rdp: the parser objects and the functions other files call; what the
 * protocol publishes is in proto/rdp-t.h, the header later stages include. */
#ifndef VIGIL_PROTO_RDP_H
#define VIGIL_PROTO_RDP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proto/parser.h"
#include "proto/rdp-t.h"

extern const struct app_parser rdp_parser;

#endif
