/* libFuzzer target for the dce-rpc parser (proto/dce_rpc.c); see parser_harness.h. */
#include "parser_harness.h"
#include "proto/dce_rpc.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    return fuzz_parser(&dce_rpc_parser, d, n);
}
