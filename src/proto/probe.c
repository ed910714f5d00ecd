#include "proto/probe.h"

#include <string.h>
#include <strings.h>

enum app_probe probe_magic(const uint8_t *p, size_t n, const char *magic, size_t len)
{
    if (memcmp(p, magic, n < len ? n : len) != 0)
        return APP_PROBE_NO;
    return n < len ? APP_PROBE_MAYBE : APP_PROBE_YES;
}

enum app_probe probe_prefixes(const uint8_t *p, size_t n, const char *const *prefixes, size_t np)
{
    bool maybe = false;
    for (size_t i = 0; i < np; i++) {
        size_t k = strlen(prefixes[i]);
        size_t m = n < k ? n : k;
        if (strncasecmp((const char *)p, prefixes[i], m) == 0) {
            if (n >= k)
                return APP_PROBE_YES;
            maybe = true;
        }
    }
    return maybe ? APP_PROBE_MAYBE : APP_PROBE_NO;
}
