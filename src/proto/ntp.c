/* NTP (RFC 5905 7.3): a datagram is an NTP message when its 48-byte header
 * holds a version and mode NTP defines, as Suricata's probe asks. Nothing
 * else is read: the parser only names the flow's EVE app_proto. */
#include "proto/ntp.h"

#define NTP_HEADER_LEN 48

enum {
    NTP_MODE_SYMMETRIC_ACTIVE = 1,
    NTP_MODE_BROADCAST = 5,
    NTP_MAX_STRATUM = 16, /* 16: unsynchronised; above it reserved */
};

static enum app_probe ntp_probe(const uint8_t *p, size_t n, bool from_orig)
{
    if (n < NTP_HEADER_LEN)
        return APP_PROBE_NO; /* a datagram is whole */
    unsigned version = (p[0] >> 3) & 7, mode = p[0] & 7, stratum = p[1];
    if (version < 1 || version > 4)
        return APP_PROBE_NO;
    if (mode < NTP_MODE_SYMMETRIC_ACTIVE || mode > NTP_MODE_BROADCAST)
        return APP_PROBE_NO;
    return stratum <= NTP_MAX_STRATUM ? APP_PROBE_YES : APP_PROBE_NO;
}

static void ntp_data(void *state, struct app_env *env, bool from_orig, const uint8_t *p, size_t n) {}

static const uint16_t ntp_ports[] = {123};

const struct app_parser ntp_parser = {
    .name = "ntp",
    .ipproto = 17,
    .ports = ntp_ports,
    .n_ports = 1,
    .no_service = true,
    .eve_app_proto = true,
    .port_probe_only = true,
    .probe = ntp_probe,
    .data = ntp_data,
};
