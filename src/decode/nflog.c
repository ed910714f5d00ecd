/* Linux NFLOG (link type 239): a 4-byte header (address family, version,
 * resource id), then TLVs up to NFULA_PAYLOAD, which holds the logged IP
 * packet. Zeek's NFLog analyzer: same weirds, same walk. */
#include "decode/decode_internal.h"

enum {
    NFLOG_HDR = 4,
    NFLOG_TLV_HDR = 4,
    NFULA_PAYLOAD = 9,
    AF_INET_LINUX = 2,
    AF_INET6_LINUX = 10,
};

/* libpcap hands the TLV length and type over in host byte order (it swaps
 * them when the file came from a host of the other order). */
static uint16_t load16host(const uint8_t *p)
{
    uint16_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

uint32_t nflog_payload_offset(const uint8_t *p, uint32_t cap, const char **weird)
{
    *weird = NULL;
    if (cap <= NFLOG_HDR) {
        *weird = "truncated_nflog_header";
        return 0;
    }
    if (p[1] != 0) {
        *weird = "unknown_nflog_version";
        return 0;
    }
    uint32_t off = NFLOG_HDR;
    for (;;) {
        if (cap - off <= NFLOG_TLV_HDR) {
            *weird = "nflog_no_pcap_payload";
            return 0;
        }
        uint32_t tlv_len = load16host(p + off);
        if (load16host(p + off + 2) == NFULA_PAYLOAD)
            return off + NFLOG_TLV_HDR;
        if (tlv_len < NFLOG_TLV_HDR) {
            *weird = "nflog_bad_tlv_len";
            return 0;
        }
        /* TLVs are padded to 32 bits; the length field leaves the padding out. */
        uint32_t skip = (tlv_len + 3u) & ~3u;
        if (skip > cap - off) {
            *weird = "nflog_bad_tlv_len";
            return 0;
        }
        off += skip;
    }
}

enum decode_result decode_nflog(struct decoder *d, struct packet *pkt, const uint8_t *p, uint32_t cap, uint32_t wire)
{
    const char *weird;
    uint32_t off = nflog_payload_offset(p, cap, &weird);
    if (off == 0) {
        decode_weird(d, pkt, weird, NULL);
        return DECODE_MALFORMED;
    }
    if (p[0] != AF_INET_LINUX && p[0] != AF_INET6_LINUX)
        return DECODE_NOT_IP;
    return decode_ip(d, pkt, p + off, cap - off, wire - off);
}
