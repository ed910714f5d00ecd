#include "flow/community_id.h"

#include <netinet/in.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

struct community_hasher {
    EVP_MD *sha1;
    EVP_MD_CTX *ctx;
};

struct community_hasher *community_hasher_new(void)
{
    struct community_hasher *h = calloc(1, sizeof *h);
    if (!h)
        return NULL;
    h->sha1 = EVP_MD_fetch(NULL, "SHA1", NULL);
    h->ctx = EVP_MD_CTX_new();
    if (!h->sha1 || !h->ctx) {
        community_hasher_free(h);
        return NULL;
    }
    return h;
}

void community_hasher_free(struct community_hasher *h)
{
    if (!h)
        return;
    EVP_MD_CTX_free(h->ctx);
    EVP_MD_free(h->sha1);
    free(h);
}

static unsigned sha1(struct community_hasher *h, const uint8_t *p, size_t n, unsigned char *out)
{
    unsigned int len = 0;
    if (h && EVP_DigestInit_ex(h->ctx, h->sha1, NULL) && EVP_DigestUpdate(h->ctx, p, n) &&
        EVP_DigestFinal_ex(h->ctx, out, &len))
        return len;
    EVP_Digest(p, n, out, &len, EVP_sha1(), NULL);
    return len;
}

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

void community_id_v1(struct community_hasher *h, uint16_t seed, const struct ip_addr *src, const struct ip_addr *dst, uint16_t sport,
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
    unsigned int dlen = sha1(h, buf, n, digest);
    memcpy(out, "1:", 2);
    EVP_EncodeBlock((unsigned char *)out + 2, digest, (int)dlen);
}
