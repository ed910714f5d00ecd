/* quic: the parser objects and the functions other files call; what the
 * protocol publishes is in proto/quic-t.h, the header later stages include. */
#ifndef VIGIL_PROTO_QUIC_H
#define VIGIL_PROTO_QUIC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proto/parser.h"
#include "proto/quic-t.h"
#include "proto/tls.h"

extern const struct app_parser quic_parser;

#endif
