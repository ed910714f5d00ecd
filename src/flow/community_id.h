/* Community ID v1 (https://github.com/corelight/community-id-spec). */
#ifndef VIGIL_FLOW_COMMUNITY_ID_H
#define VIGIL_FLOW_COMMUNITY_ID_H

#include <stdbool.h>
#include <stdint.h>

#include "util/addr.h"

#define COMMUNITY_ID_LEN 64

/* A reusable SHA-1 context: fetching the digest per call costs a lock in
 * OpenSSL 3. One per worker; NULL works too (slower). */
struct community_hasher;
/* The caller frees it with community_hasher_free(); NULL when out of memory
 * or OpenSSL has no SHA-1. */
struct community_hasher *community_hasher_new(void);
void community_hasher_free(struct community_hasher *h);

/* For ICMP/ICMPv6 pass the type as sport and the counterpart type (or the
 * code for one-way messages) as dport; one_way keeps the given direction.
 * Protocols without ports (anything but TCP, UDP, SCTP, ICMP) ignore them. */
void community_id_v1(struct community_hasher *h, uint16_t seed, const struct ip_addr *src, const struct ip_addr *dst, uint16_t sport,
                     uint16_t dport, uint8_t proto, bool one_way, char out[COMMUNITY_ID_LEN]);

#endif
