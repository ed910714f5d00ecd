/* socks: the parser objects and the functions other files call; what the
 * protocol publishes is in proto/socks-t.h, the header later stages include. */
#ifndef VIGIL_PROTO_SOCKS_H
#define VIGIL_PROTO_SOCKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proto/parser.h"
#include "proto/socks-t.h"
#include "util/addr.h"

extern const struct app_parser socks_parser;

#endif
