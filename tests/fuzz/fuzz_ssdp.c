/* libFuzzer target for the ssdp parser (proto/ssdp.c); see parser_harness.h. */
#include "parser_harness.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    return fuzz_parser(&ssdp_parser, d, n);
}
