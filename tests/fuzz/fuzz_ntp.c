/* libFuzzer target for the ntp parser (proto/ntp.c); see parser_harness.h. */
#include "parser_harness.h"
#include "proto/ntp.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    return fuzz_parser(&ntp_parser, d, n);
}
