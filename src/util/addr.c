#include "util/addr.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "util/ascii.h"

static const uint8_t v4_mapped_prefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

void ip_addr_from_v4(struct ip_addr *a, const uint8_t v4[4])
{
    memcpy(a->b, v4_mapped_prefix, 12);
    memcpy(a->b + 12, v4, 4);
}

void ip_addr_from_v6(struct ip_addr *a, const uint8_t v6[16])
{
    memcpy(a->b, v6, 16);
}

bool ip_addr_is_v4(const struct ip_addr *a)
{
    return memcmp(a->b, v4_mapped_prefix, 12) == 0;
}

/* text[0..len) and a NUL into buf (n bytes), or an empty string and 0 when
 * it does not fit: an address cut short would read as another address, so
 * the formatters do as inet_ntop does. */
static size_t text_out(const char *text, size_t len, char *buf, size_t n)
{
    if (len + 1 > n) {
        if (n)
            buf[0] = '\0';
        return 0;
    }
    memcpy(buf, text, len);
    buf[len] = '\0';
    return len;
}

/* Dotted quad by hand: inet_ntop goes through sprintf, and every log line has two addresses. */
static size_t format_v4(const uint8_t *q, char *buf, size_t n)
{
    char tmp[16];
    char *out = n >= sizeof tmp ? buf : tmp; /* room for any: written in place */
    size_t len = 0;
    for (int i = 0; i < 4; i++) {
        len += ascii_u8_decimal(out + len, q[i]);
        if (i < 3)
            out[len++] = '.';
    }
    if (out == buf) {
        buf[len] = '\0';
        return len;
    }
    return text_out(tmp, len, buf, n);
}

size_t ip_addr_format(const struct ip_addr *a, char *buf, size_t n)
{
    if (ip_addr_is_v4(a))
        return format_v4(a->b + 12, buf, n);
    const char *r = inet_ntop(AF_INET6, a->b, buf, (socklen_t)n);
    if (!r) {
        if (n)
            buf[0] = '\0';
        return 0;
    }
    return strlen(buf);
}

size_t ip6_format_full(const uint8_t b[16], char *buf, size_t n)
{
    /* By hand rather than snprintf's 16 conversions: EVE writes every IPv6
     * address of every event this way. */
    static const char hex[] = "0123456789abcdef";
    char tmp[39];
    size_t k = 0;
    for (int i = 0; i < 16; i++) {
        if (i > 0 && i % 2 == 0)
            tmp[k++] = ':';
        tmp[k++] = hex[b[i] >> 4];
        tmp[k++] = hex[b[i] & 15];
    }
    return text_out(tmp, k, buf, n);
}

size_t ip_addr_format_eve(const struct ip_addr *a, char *buf, size_t n)
{
    if (ip_addr_is_v4(a))
        return format_v4(a->b + 12, buf, n);
    return ip6_format_full(a->b, buf, n);
}

/* Strict dotted quad, as inet_pton takes it (no leading zeros, no
 * shorthand); hunting over logs parses millions of these. */
static bool parse_dotted_quad(const char *s, uint8_t out[4])
{
    for (int i = 0; i < 4; i++) {
        if (*s < '0' || *s > '9')
            return false;
        unsigned v = 0, digits = 0;
        const char *start = s;
        while (*s >= '0' && *s <= '9' && digits < 4) {
            v = v * 10 + (unsigned)(*s++ - '0');
            digits++;
        }
        if (v > 255 || digits > 3 || (digits > 1 && *start == '0'))
            return false;
        out[i] = (uint8_t)v;
        if (i < 3 && *s++ != '.')
            return false;
    }
    return *s == '\0';
}

bool ip_addr_parse(const char *s, struct ip_addr *a)
{
    uint8_t tmp[16];
    if (parse_dotted_quad(s, tmp)) {
        ip_addr_from_v4(a, tmp);
        return true;
    }
    if (strchr(s, ':') == NULL)
        return false;
    if (inet_pton(AF_INET, s, tmp) == 1) {
        ip_addr_from_v4(a, tmp);
        return true;
    }
    if (inet_pton(AF_INET6, s, tmp) == 1) {
        ip_addr_from_v6(a, tmp);
        return true;
    }
    return false;
}

int ip_addr_cmp(const struct ip_addr *x, const struct ip_addr *y)
{
    uint64_t xh, xl, yh, yl;
    ip_addr_halves(x, &xh, &xl);
    ip_addr_halves(y, &yh, &yl);
    if (xh != yh)
        return xh < yh ? -1 : 1;
    return (xl > yl) - (xl < yl);
}

bool ip_prefix_parse(const char *s, struct ip_prefix *p)
{
    char host[IP_ADDR_STRLEN];
    const char *slash = strchr(s, '/');
    size_t hl = slash ? (size_t)(slash - s) : strlen(s);
    if (hl == 0 || hl >= sizeof host)
        return false;
    memcpy(host, s, hl);
    host[hl] = '\0';
    if (!ip_addr_parse(host, &p->addr))
        return false;
    bool v4 = ip_addr_is_v4(&p->addr) && strchr(host, ':') == NULL;
    unsigned max = v4 ? 32 : 128;
    unsigned len = max;
    if (slash) {
        char *end;
        unsigned long v = strtoul(slash + 1, &end, 10);
        if (end == slash + 1 || *end != '\0' || v > max)
            return false;
        len = (unsigned)v;
    }
    p->len = (uint8_t)(v4 ? len + 96 : len);
    /* Clear host bits so containment is a plain masked compare. */
    for (unsigned i = p->len; i < 128; i++)
        p->addr.b[i / 8] &= (uint8_t)~(0x80u >> (i % 8));
    return true;
}

unsigned ip_private_prefixes(struct ip_prefix *out)
{
    static const char *const private_nets[IP_PRIVATE_PREFIXES] = {
        "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "169.254.0.0/16", "fc00::/7", "fe80::/10",
    };
    for (unsigned i = 0; i < IP_PRIVATE_PREFIXES; i++)
        ip_prefix_parse(private_nets[i], &out[i]); /* constant text: cannot fail */
    return IP_PRIVATE_PREFIXES;
}

bool ip_prefix_contains(const struct ip_prefix *p, const struct ip_addr *a)
{
    /* The first len bits of both, as masked words: local-network checks
     * run over a list of prefixes for every connection. */
    unsigned len = p->len < 128 ? p->len : 128;
    uint64_t mask_hi = len >= 64 ? UINT64_MAX : len == 0 ? 0 : UINT64_MAX << (64 - len);
    uint64_t mask_lo = len <= 64 ? 0 : len == 128 ? UINT64_MAX : UINT64_MAX << (128 - len);
    uint64_t ph, pl, ah, al;
    ip_addr_halves(&p->addr, &ph, &pl);
    ip_addr_halves(a, &ah, &al);
    return ((ph ^ ah) & mask_hi) == 0 && ((pl ^ al) & mask_lo) == 0;
}
