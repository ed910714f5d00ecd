/* libFuzzer target for the SOCKS parser (proto/socks.c); see parser_harness.h. */
#include "parser_harness.h"
#include "proto/socks.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    return fuzz_parser(&socks_parser, d, n);
}
