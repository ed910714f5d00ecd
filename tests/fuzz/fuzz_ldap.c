/* libFuzzer target for the LDAP parsers (proto/ldap.c): the first byte picks
 * TCP (a stream of messages) or UDP (one per datagram); see parser_harness.h. */
#include "parser_harness.h"
#include "proto/ldap.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    if (n < 1)
        return 0;
    return fuzz_parser((d[0] & 1) ? &ldap_udp_parser : &ldap_parser, d + 1, n - 1);
}
