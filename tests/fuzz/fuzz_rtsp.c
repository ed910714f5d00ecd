/* libFuzzer target for the rtsp parser (proto/rtsp.c); see parser_harness.h. */
#include "parser_harness.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    return fuzz_parser(&rtsp_parser, d, n);
}
