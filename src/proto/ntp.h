/* NTP (RFC 5905) over UDP 123: recognised, not logged. Suricata names the
 * flow's app_proto "ntp"; Vigil's conn.log keeps no service for it. */
#ifndef VIGIL_PROTO_NTP_H
#define VIGIL_PROTO_NTP_H

#include "proto/parser.h"

extern const struct app_parser ntp_parser;

#endif
