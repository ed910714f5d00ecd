/* banner: the parser objects and the functions other files call; what the
 * protocol publishes is in proto/banner-t.h, the header later stages include. */
#ifndef VIGIL_PROTO_BANNER_H
#define VIGIL_PROTO_BANNER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proto/banner-t.h"

struct app_parser;
extern const struct app_parser ssdp_parser;
extern const struct app_parser rtsp_parser;
extern const struct app_parser telnet_parser;

#endif
