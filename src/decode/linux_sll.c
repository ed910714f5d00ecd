/* Linux "cooked" captures (any-interface): SLL v1 and v2. Neither has a
 * destination address; like Zeek we report an all-zero one. */
#include "decode/decode_internal.h"

static const uint8_t zero_mac[6];

enum decode_result decode_linux_sll(struct decoder *d, struct packet *pkt, const uint8_t *p,
                                    uint32_t cap, uint32_t wire)
{
    enum { SLL_HDR = 16 };
    if (cap <= SLL_HDR) {
        decode_weird(d, pkt, "truncated_Linux_SLL_header", NULL);
        return DECODE_MALFORMED;
    }
    pkt->eth_src = p + 6;
    pkt->eth_dst = zero_mac;
    return decode_ethertype(d, pkt, load16be(p + 14), p + SLL_HDR, cap - SLL_HDR, wire - SLL_HDR);
}

enum decode_result decode_linux_sll2(struct decoder *d, struct packet *pkt, const uint8_t *p,
                                     uint32_t cap, uint32_t wire)
{
    enum { SLL2_HDR = 20 };
    if (cap <= SLL2_HDR) {
        decode_weird(d, pkt, "truncated_Linux_SLL2_header", NULL);
        return DECODE_MALFORMED;
    }
    pkt->eth_src = p + 12;
    pkt->eth_dst = zero_mac;
    return decode_ethertype(d, pkt, load16be(p), p + SLL2_HDR, cap - SLL2_HDR, wire - SLL2_HDR);
}
