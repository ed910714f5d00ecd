/* libFuzzer target for the DTLS parser (and through it the TLS session
 * and X.509 code). Input: length chunks (stream_driver.h), one datagram
 * each, probed before it is parsed. */
#include "proto/dtls.h"
#include "stream_driver.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    struct fuzz_conn fc;
    if (!fuzz_conn_open(&fc, &dtls_parser, NULL))
        return 0;
    fc.env.ts_us = 0;
    struct fuzz_chunk c = {0};
    size_t off = 0;
    while (fuzz_next_length_chunk(d, n, &off, &c)) {
        dtls_parser.probe(c.p, c.n, c.from_orig);
        fuzz_conn_feed(&fc, &c);
    }
    fuzz_conn_close(&fc);
    return 0;
}
