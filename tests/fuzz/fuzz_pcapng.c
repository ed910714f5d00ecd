/* libFuzzer target for the pcapng fallback reader (capture/pcapng.c): the
 * input is the file, read through a memory stream twice, from its start and
 * resuming halfway (as after libpcap gave up there). Every byte of every
 * packet handed out is read, so ASan sees a length that points past its block. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture/pcapng.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

/* The sum of the bytes handed out, so that reading them is not optimised away. */
static unsigned read_all(uint8_t *copy, size_t n, uint64_t resume_at)
{
    FILE *f = fmemopen(copy, n, "rb");
    if (!f)
        return 0;
    struct pcapng_reader *r = pcapng_open(f, resume_at);
    if (!r)
        return 0;
    struct pcapng_packet pkt;
    char msg[256];
    volatile unsigned sum = 0;
    while (pcapng_next(r, &pkt, msg, sizeof msg) == PCAPNG_PACKET) {
        for (uint32_t i = 0; i < pkt.caplen; i++)
            sum += pkt.data[i];
        sum += (unsigned)pkt.linktype + (unsigned)pkt.ts.tv_usec;
    }
    sum += (unsigned)pcapng_position(r);
    pcapng_close(r);
    return sum;
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    if (n == 0)
        return 0;
    uint8_t *copy = malloc(n);
    if (!copy)
        return 0;
    memcpy(copy, d, n);
    volatile unsigned sum = read_all(copy, n, 0) + read_all(copy, n, n / 2);
    (void)sum;
    free(copy);
    return 0;
}
