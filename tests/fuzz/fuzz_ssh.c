/* libFuzzer target for the SSH parser. Input: length chunks
 * (stream_driver.h); the packet clock advances 1 s per chunk so timers
 * fire. */
#include "proto/ssh.h"
#include "stream_driver.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    struct fuzz_conn fc;
    if (!fuzz_conn_open(&fc, &ssh_parser, NULL))
        return 0;
    struct fuzz_chunk c = {0};
    size_t off = 0;
    while (fuzz_next_length_chunk(d, n, &off, &c)) {
        fc.env.ts_us += 1000000;
        fuzz_conn_feed(&fc, &c);
    }
    fuzz_conn_close(&fc);
    return 0;
}
