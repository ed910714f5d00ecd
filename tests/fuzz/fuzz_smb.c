/* libFuzzer target for the smb parser (proto/smb2.c); see parser_harness.h. */
#include "parser_harness.h"
#include "proto/smb.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    return fuzz_parser(&smb_parser, d, n);
}
