/* IEEE 802.11 data frames (link type 105), also behind a radiotap header
 * (127): the MAC header (three or four addresses, QoS control, HT control),
 * then LLC/SNAP with an ethertype. Management and control frames, data
 * subtypes without a body (null data) and protected (WEP/WPA) frames carry
 * nothing to decode: skipped without a weird, as Zeek's IEEE802_11 analyzer
 * does; weird names are Zeek's. */
#include "decode/decode_internal.h"

enum {
    WLAN_HDR = 24,
    WLAN_ADDR4 = 6,
    WLAN_QOS = 2,
    WLAN_HT_CONTROL = 4,
    LLC_SNAP = 8,
    AMSDU_SUBFRAME_HDR = 14,
    RADIOTAP_MIN = 8,
};

uint32_t wlan_payload_offset(const uint8_t *p, uint32_t cap, const char **weird)
{
    *weird = NULL;
    if (cap <= WLAN_HDR) {
        *weird = "truncated_802_11_header";
        return 0;
    }
    uint8_t fc = p[0], flags = p[1];
    bool data_frame = ((fc >> 2) & 0x3) == 2;
    bool no_body = (fc >> 4) & 0x4;
    bool qos = (fc >> 4) & 0x8;
    if (!data_frame || no_body || (flags & 0x40)) /* 0x40: protected */
        return 0;
    uint32_t off = WLAN_HDR;
    if ((flags & 0x03) == 0x03) /* To DS and From DS: the fourth address */
        off += WLAN_ADDR4;
    bool amsdu = false;
    if (qos) {
        if (cap <= off) {
            *weird = "truncated_802_11_header";
            return 0;
        }
        amsdu = p[off] & 0x80;
        off += WLAN_QOS;
        if (flags & 0x80) /* Order bit on a QoS frame: an HT control field */
            off += WLAN_HT_CONTROL;
    }
    if (cap <= off) {
        *weird = "truncated_802_11_header";
        return 0;
    }
    /* An A-MSDU: only its first subframe is decoded (one packet per frame). */
    if (amsdu) {
        if (cap - off < AMSDU_SUBFRAME_HDR) {
            *weird = "truncated_802_11_amsdu_header";
            return 0;
        }
        off += AMSDU_SUBFRAME_HDR;
    }
    if (cap - off < LLC_SNAP) {
        *weird = "truncated_802_11_llc_header";
        return 0;
    }
    /* SNAP with the zero organisation code: an ethertype follows. */
    static const uint8_t snap[6] = {0xaa, 0xaa, 0x03, 0x00, 0x00, 0x00};
    if (memcmp(p + off, snap, sizeof snap) != 0)
        return 0;
    return off + 6; /* at the ethertype */
}

/* The transmitter and receiver by the To DS / From DS bits, as Zeek takes them. */
static void wlan_addresses(struct packet *pkt, const uint8_t *p)
{
    switch (p[1] & 0x03) {
    case 0x00: pkt->eth_src = p + 10, pkt->eth_dst = p + 4; break;
    case 0x01: pkt->eth_src = p + 10, pkt->eth_dst = p + 16; break;
    case 0x02: pkt->eth_src = p + 16, pkt->eth_dst = p + 4; break;
    default: pkt->eth_src = p + 24, pkt->eth_dst = p + 16; break;
    }
}

enum decode_result decode_ieee80211(struct decoder *d, struct packet *pkt, const uint8_t *p, uint32_t cap,
                                    uint32_t wire)
{
    const char *weird;
    uint32_t off = wlan_payload_offset(p, cap, &weird);
    if (off == 0) {
        if (weird == NULL)
            return DECODE_NOT_IP;
        decode_weird(d, pkt, weird, NULL);
        return DECODE_MALFORMED;
    }
    wlan_addresses(pkt, p);
    return decode_ethertype(d, pkt, load_be16(p + off), p + off + 2, cap - off - 2, wire - off - 2);
}

uint32_t radiotap_header_len(const uint8_t *p, uint32_t cap)
{
    if (cap < RADIOTAP_MIN)
        return 0;
    uint32_t len = load_le16(p + 2); /* little-endian, as every radiotap field */
    return len >= RADIOTAP_MIN && len <= cap ? len : 0;
}

enum decode_result decode_radiotap(struct decoder *d, struct packet *pkt, const uint8_t *p, uint32_t cap,
                                   uint32_t wire)
{
    uint32_t len = radiotap_header_len(p, cap);
    if (len == 0) {
        decode_weird(d, pkt, "truncated_radiotap_header", NULL);
        return DECODE_MALFORMED;
    }
    return decode_ieee80211(d, pkt, p + len, cap - len, wire - len);
}
