/* Linux "cooked" captures (any-interface): SLL v1 and v2. Neither has a
 * destination address; like Zeek we report an all-zero one. */
#include "decode/decode_internal.h"

static const uint8_t zero_mac[6];

/* Where the two versions keep what Vigil reads. */
struct sll_layout {
    uint32_t header;        /* bytes before the payload */
    uint32_t source;        /* offset of the link-layer source address */
    uint32_t protocol;      /* offset of the EtherType */
    const char *truncated;  /* the weird of a header cut short */
};

static const struct sll_layout sll_v1 = {16, 6, 14, "truncated_Linux_SLL_header"};
static const struct sll_layout sll_v2 = {20, 12, 0, "truncated_Linux_SLL2_header"};

static enum decode_result decode_sll(struct decoder *d, struct packet *pkt, const struct sll_layout *l,
                                     const uint8_t *p, uint32_t cap, uint32_t wire)
{
    if (cap <= l->header) {
        decode_weird(d, pkt, l->truncated, NULL);
        return DECODE_MALFORMED;
    }
    pkt->eth_src = p + l->source;
    pkt->eth_dst = zero_mac;
    return decode_ethertype(d, pkt, load_be16(p + l->protocol), p + l->header, cap - l->header,
                            wire - l->header);
}

enum decode_result decode_linux_sll(struct decoder *d, struct packet *pkt, const uint8_t *p,
                                    uint32_t cap, uint32_t wire)
{
    return decode_sll(d, pkt, &sll_v1, p, cap, wire);
}

enum decode_result decode_linux_sll2(struct decoder *d, struct packet *pkt, const uint8_t *p,
                                     uint32_t cap, uint32_t wire)
{
    return decode_sll(d, pkt, &sll_v2, p, cap, wire);
}
