/* http: the parser objects and the functions other files call; what the
 * protocol publishes is in proto/http-t.h, the header later stages include. */
#ifndef VIGIL_PROTO_HTTP_H
#define VIGIL_PROTO_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proto/http-t.h"
#include "util/bytes.h"

struct app_parser;
extern const struct app_parser http_parser;

#endif
