/* Connection uids: Zeek-style "C" + base62 strings, derived from a 64-bit
 * hash of the flow key and start time so that every worker layout and every
 * replay of a capture gives the same uid to the same connection. */
#ifndef VIGIL_UTIL_UID_H
#define VIGIL_UTIL_UID_H

#include <stddef.h>
#include <stdint.h>

#define UID_LEN 24              /* "C" + up to 22 base62 chars + NUL (fuids: "F"...) */

void uid_format(uint64_t h, char prefix, char out[UID_LEN]);
/* The EVE flow_id for the same hash: positive and below 2^53 so JSON readers keep it exact. */
uint64_t uid_flow_id(uint64_t h);
uint64_t hash64_bytes(const void *p, size_t n, uint64_t seed);

#endif
