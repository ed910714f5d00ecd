#include "core/config.h"
#include "proto/ftp.h"      /* ftp_settings_default */

#include <string.h>

void vigil_config_defaults(struct vigil_config *c)
{
    memset(c, 0, sizeof *c);
    decode_config_defaults(&c->decode);
    c->tcp_timeout_us = 5 * 60 * 1000000LL;
    c->udp_timeout_us = 60 * 1000000LL;
    c->icmp_timeout_us = 60 * 1000000LL;
    c->eve_tcp_closed_timeout_us = 60 * 1000000LL;
    c->max_flows = 2000000;
    c->stream_memcap = 256u << 20;
    c->community_id_seed = 0;
    c->community_id = true;
    c->checksums_auto = true;
    c->workers = 1;
    c->app_limits.ldap_max_pending_searches = APP_LDAP_MAX_PENDING_SEARCHES;
    c->app_limits.dns_max_compression_depth = APP_DNS_MAX_COMPRESSION_DEPTH;
    ftp_settings_default(&c->ftp);
}
