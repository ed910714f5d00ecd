#include "flow/community_id.h"

#include <netinet/in.h>
#include <openssl/evp.h>
#include <string.h>

static bool proto_has_ports(uint8_t proto)
{
    return proto == IPPROTO_TCP || proto == IPPROTO_UDP || proto == IPPROTO_SCTP || proto == IPPROTO_ICMP ||
           proto == IPPROTO_ICMPV6;
}

/* Direction is abstracted away by ordering the endpoints: lower address
 * first, ports breaking ties. */
static bool endpoints_ordered(const struct ip_addr *src, const struct ip_addr *dst, uint16_t sport, uint16_t dport)
{
    int c = ip_addr_cmp(src, dst);
    return c < 0 || (c == 0 && sport <= dport);
}

void community_id_v1(uint16_t seed, const struct ip_addr *src, const struct ip_addr *dst, uint16_t sport,
                     uint16_t dport, uint8_t proto, bool one_way, char out[COMMUNITY_ID_LEN])
{
    if (!one_way && !endpoints_ordered(src, dst, sport, dport)) {
        const struct ip_addr *ta = src;
        src = dst;
        dst = ta;
        uint16_t tp = sport;
        sport = dport;
        dport = tp;
    }
    uint8_t buf[2 + 16 + 16 + 2 + 4];
    size_t n = 0;
    buf[n++] = (uint8_t)(seed >> 8);
    buf[n++] = (uint8_t)seed;
    bool v4 = ip_addr_is_v4(src) && ip_addr_is_v4(dst);
    size_t alen = v4 ? 4 : 16;
    memcpy(buf + n, src->b + (v4 ? 12 : 0), alen);
    n += alen;
    memcpy(buf + n, dst->b + (v4 ? 12 : 0), alen);
    n += alen;
    buf[n++] = proto;
    buf[n++] = 0;
    if (proto_has_ports(proto)) {
        buf[n++] = (uint8_t)(sport >> 8);
        buf[n++] = (uint8_t)sport;
        buf[n++] = (uint8_t)(dport >> 8);
        buf[n++] = (uint8_t)dport;
    }
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int dlen = 0;
    EVP_Digest(buf, n, digest, &dlen, EVP_sha1(), NULL);
    memcpy(out, "1:", 2);
    EVP_EncodeBlock((unsigned char *)out + 2, digest, (int)dlen);
}
