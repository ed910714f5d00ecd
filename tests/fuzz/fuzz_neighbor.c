/* libFuzzer target for the ARP and neighbour-discovery decoders
 * (decode/arp.c, decode/ndp.c): the input is an ARP payload, and the same
 * bytes as an ICMPv6 message. */
#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "decode/neighbor.h"
#include "exact_copy.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    uint8_t *copy = fuzz_exact_copy(d, n);
    if (copy == NULL)
        return 0;
    struct neighbor_binding b;
    arp_parse(copy, (uint32_t)n, &b);
    struct packet pkt;
    memset(&pkt, 0, sizeof pkt);
    pkt.l4_proto = IPPROTO_ICMPV6;
    pkt.l4 = copy;
    pkt.l4_caplen = (uint32_t)n;
    if (n >= 16)
        memcpy(pkt.src.b, copy, 16);
    ndp_parse(&pkt, &b);
    free(copy);
    return 0;
}
