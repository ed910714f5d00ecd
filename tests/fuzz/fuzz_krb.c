/* libFuzzer target for the Kerberos parsers (proto/krb.c): the first byte
 * picks UDP (datagrams) or TCP (record-marked stream); see parser_harness.h. */
#include "parser_harness.h"
#include "proto/krb.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    if (n < 1)
        return 0;
    return fuzz_parser((d[0] & 1) ? &krb_tcp_parser : &krb_parser, d + 1, n - 1);
}
