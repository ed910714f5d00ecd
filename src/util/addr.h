/* IP addresses as one 16-byte type: IPv4 is stored v4-mapped (::ffff:a.b.c.d)
 * so flow keys, hashing and comparison never branch on the family. */
#ifndef VIGIL_UTIL_ADDR_H
#define VIGIL_UTIL_ADDR_H

#include <endian.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct ip_addr {
    uint8_t b[16];
};

#define IP_ADDR_STRLEN 46 /* INET6_ADDRSTRLEN */

void ip_addr_from_v4(struct ip_addr *a, const uint8_t v4[4]);
void ip_addr_from_v6(struct ip_addr *a, const uint8_t v6[16]);
bool ip_addr_is_v4(const struct ip_addr *a);
/* The formatters return the length written; a buf of n bytes too small for
 * the whole address gets an empty string and 0, as from inet_ntop
 * (IP_ADDR_STRLEN bytes always hold it). */
/* Zeek's textual form: dotted quad for IPv4, RFC 5952 compressed for IPv6. Returns length. */
size_t ip_addr_format(const struct ip_addr *a, char *buf, size_t n);
/* Suricata's EVE form: dotted quad for IPv4, every IPv6 group written out
 * ("2001:0db8:0000:...:0001"). Returns length. */
size_t ip_addr_format_eve(const struct ip_addr *a, char *buf, size_t n);
/* 16 bytes as Suricata writes IPv6 addresses: 8 groups of 4 hex digits. */
size_t ip6_format_full(const uint8_t b[16], char *buf, size_t n);
/* Parses "1.2.3.4" or "2001:db8::1". Returns false on garbage. */
bool ip_addr_parse(const char *s, struct ip_addr *a);
/* Byte order (memcmp's sign); the flow table orders every packet's ends with it. */
int ip_addr_cmp(const struct ip_addr *x, const struct ip_addr *y);
/* The 16 bytes as two big-endian words: addresses and prefixes compare as
 * integers, two loads rather than a loop over the bytes. */
static inline void ip_addr_halves(const struct ip_addr *a, uint64_t *hi, uint64_t *lo)
{
    uint64_t h, l;
    memcpy(&h, a->b, 8);
    memcpy(&l, a->b + 8, 8);
    *hi = be64toh(h);
    *lo = be64toh(l);
}

/* A CIDR prefix; IPv4 prefixes are stored with len+96 on the mapped form. */
struct ip_prefix {
    struct ip_addr addr;
    uint8_t len; /* 0..128 on the 16-byte form */
};
bool ip_prefix_parse(const char *s, struct ip_prefix *p);
bool ip_prefix_contains(const struct ip_prefix *p, const struct ip_addr *a);

/* The space Vigil calls internal when no --local-nets is given (RFC 1918,
 * shared 100.64/10, link-local, IPv6 unique local and link-local): the
 * behaviour detectors, the correlator and the command line share one list. */
#define IP_PRIVATE_PREFIXES 7
/* Fills out[0..IP_PRIVATE_PREFIXES-1]; returns IP_PRIVATE_PREFIXES. */
unsigned ip_private_prefixes(struct ip_prefix *out);

#endif
