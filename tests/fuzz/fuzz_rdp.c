/* libFuzzer target for the RDP parser (proto/rdp.c); see parser_harness.h. */
#include "parser_harness.h"
#include "proto/rdp.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    return fuzz_parser(&rdp_parser, d, n);
}
