/* detect/allowlist: known-good (source, destination) pairs that the
 * behaviour detectors never report — update servers, monitoring, NTP.
 *
 * File format, one rule per line, '#' starts a comment:
 *     SOURCE  DESTINATION  [KINDS]
 * SOURCE is an address, a CIDR or '*'. DESTINATION is an address, a CIDR,
 * a domain (matches its subdomains), ':PORT' (any destination on that
 * port) or '*'. KINDS is an optional comma list of finding kinds
 * (beacon,long_conn,dns_tunnel,dga,exfil); absent = all. */
#ifndef VIGIL_DETECT_ALLOWLIST_H
#define VIGIL_DETECT_ALLOWLIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "detect/behavior.h"
#include "util/addr.h"

struct allowlist;

/* The caller frees it with allowlist_free(); NULL with a one-line reason
 * ("FILE:LINE: ...") when the file cannot be read or a line is malformed.
 * allowlist_parse reads text (n bytes; name names it in errors) instead. */
struct allowlist *allowlist_load(const char *path, char *err, size_t errlen);
struct allowlist *allowlist_parse(const char *text, size_t n, const char *name, char *err, size_t errlen);
void allowlist_free(struct allowlist *a);

/* dst may be NULL (name-only), name may be NULL, port 0 = unknown. */
bool allowlist_allows(const struct allowlist *a, enum finding_kind k, const struct ip_addr *src,
                      const struct ip_addr *dst, uint16_t port, const char *name);

#endif
