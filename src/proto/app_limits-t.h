/* Zeek's redef-able limits of the application parsers that a run may set
 * (--ldap-max-pending-searches, --dns-max-compression-depth), handed to the
 * parsers through struct app_env. Type-only. */
#ifndef VIGIL_PROTO_APP_LIMITS_T_H
#define VIGIL_PROTO_APP_LIMITS_T_H

#include <stdint.h>

/* Zeek's LDAP::max_pending_searches default; also the most a connection
 * keeps (proto/ldap.c's table), so the option cannot go beyond it. */
#define APP_LDAP_MAX_PENDING_SEARCHES 100
/* Zeek's dns_max_compression_chain_depth default (init-bare.zeek). */
#define APP_DNS_MAX_COMPRESSION_DEPTH 20

struct app_limits {
    uint32_t ldap_max_pending_searches;  /* 1..APP_LDAP_MAX_PENDING_SEARCHES */
    uint32_t dns_max_compression_depth;  /* pointers followed in one name */
};

#endif
