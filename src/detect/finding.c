/* The names of the finding kinds: log names, allow-list kinds, EVE metadata. */
#include "detect/behavior.h"

static const char *const kind_names[FINDING_KIND_COUNT] = {
    [FINDING_BEACON] = "beacon",   [FINDING_LONG_CONN] = "long_conn", [FINDING_DNS_TUNNEL] = "dns_tunnel",
    [FINDING_DGA] = "dga",         [FINDING_EXFIL] = "exfil",
};

const char *finding_kind_name(enum finding_kind k)
{
    return (unsigned)k < FINDING_KIND_COUNT ? kind_names[k] : "unknown";
}
