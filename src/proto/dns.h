/* dns: the parser objects and the functions other files call; what the
 * protocol publishes is in proto/dns-t.h, the header later stages include. */
#ifndef VIGIL_PROTO_DNS_H
#define VIGIL_PROTO_DNS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proto/dns-t.h"
#include "proto/parser.h"
#include "util/addr.h"
#include "util/bytes.h"

extern const struct app_parser dns_parser;     /* UDP */
extern const struct app_parser dns_tcp_parser; /* TCP: same parser */
/* proto/dns_names.c: the names Zeek and Suricata print. Each returns a static
 * string, or the number formatted in tmp (returns tmp). */
const char *dns_zeek_qtype_name(uint16_t t, char *tmp, size_t n);   /* "A", "*", "query-N" */
const char *dns_zeek_class_name(uint16_t c, char *tmp, size_t n);   /* "C_INTERNET", "qclass-N" */
const char *dns_zeek_rcode_name(uint16_t r, char *tmp, size_t n);   /* "NOERROR", "rcode-N" */
const char *dns_zeek_opcode_name(uint8_t op, bool netbios, char *tmp, size_t n);
const char *dns_suricata_rrtype_name(uint16_t t, char *tmp, size_t n); /* "A", or the number */
const char *dns_suricata_rcode_name(uint8_t r, char *tmp, size_t n);

#endif
