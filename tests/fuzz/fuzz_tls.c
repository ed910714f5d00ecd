/* libFuzzer target for the TLS parser (and, through Certificate messages,
 * the X.509 code): the input is split into chunks that alternate
 * directions; each chunk's first byte gives its length (4 bytes a unit),
 * and a chunk starting 0xff is followed by a gap. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "proto/tls.h"
#include "stream_driver.h"

/* One run over the input, with or without the worker's certificate cache
 * (whose key decoding differs from plain d2i_X509's, proto/x509.c). */
static void run(const uint8_t *d, size_t n, bool cached)
{
    struct fuzz_conn fc;
    if (!fuzz_conn_open(&fc, &tls_parser, NULL))
        return;
    fc.env.ts_us = 0;
    if (cached)
        fc.env.worker_state = tls_parser.worker_open();
    bool from_orig = true;
    size_t i = 0;
    while (i < n) {
        size_t len = (size_t)d[i++] * 4 + 1;
        if (len > n - i)
            len = n - i;
        tls_parser.data(fc.state, &fc.env, from_orig, d + i, len);
        if (len > 0 && d[i] == 0xff)
            tls_parser.gap(fc.state, &fc.env, from_orig, 10);
        i += len;
        from_orig = !from_orig;
    }
    void *worker_state = fc.env.worker_state;
    fuzz_conn_close(&fc);
    if (worker_state != NULL)
        tls_parser.worker_close(worker_state, &fc.env);
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    run(d, n, false);
    run(d, n, true);
    return 0;
}
