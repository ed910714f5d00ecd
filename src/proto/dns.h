/* dns: the parser objects and the functions other files call; what the
 * protocol publishes is in proto/dns-t.h, the header later stages include. */
#ifndef VIGIL_PROTO_DNS_H
#define VIGIL_PROTO_DNS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proto/dns-t.h"
#include "proto/dns_names-t.h"
#include "proto/parser.h"
#include "util/addr.h"
#include "util/bytes.h"

extern const struct app_parser dns_parser;     /* UDP */
extern const struct app_parser dns_tcp_parser; /* TCP: same parser */

#endif
