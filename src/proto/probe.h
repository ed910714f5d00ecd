/* Content detection by a protocol's first bytes, for the parsers' probe
 * functions (parser.h): the bytes so far against a magic or a list of
 * prefixes, answering "not yet" while they are shorter. Internal to proto/. */
#ifndef VIGIL_PROTO_PROBE_H
#define VIGIL_PROTO_PROBE_H

#include <stddef.h>
#include <stdint.h>

#include "proto/parser.h"

/* Case-sensitive: NO once p differs from magic, MAYBE while p is shorter
 * than its len bytes, YES when all of them are there. */
enum app_probe probe_magic(const uint8_t *p, size_t n, const char *magic, size_t len);
/* Case-insensitive, over np strings: YES when one is whole at p, MAYBE when
 * p is the start of one, NO otherwise. */
enum app_probe probe_prefixes(const uint8_t *p, size_t n, const char *const *prefixes, size_t np);

#endif
