/* A behaviour finding: what the indicator-free detectors (beacon, long
 * connection, DNS tunnel, DGA, exfiltration) report through the detector
 * sink (detect/sink-t.h) and output/ writes as beacon.log ... and an EVE
 * alert. Type-only header. */
#ifndef VIGIL_DETECT_FINDING_T_H
#define VIGIL_DETECT_FINDING_T_H

#include <stdbool.h>
#include <stdint.h>

#include "util/addr.h"

enum finding_kind {
    FINDING_BEACON,             /* T1071 (T1573 when the channel is TLS/QUIC) */
    FINDING_LONG_CONN,          /* T1071 */
    FINDING_DNS_TUNNEL,         /* T1071.004 */
    FINDING_DGA,                /* T1568.002 */
    FINDING_EXFIL,              /* T1048 (T1041 over the C2 channel: a pair that also beacons) */
    FINDING_KIND_COUNT,
};

/* "beacon", "long_conn", "dns_tunnel", "dga", "exfil": log names,
 * allow-list kinds, EVE metadata. A static string. */
static inline const char *finding_kind_name(enum finding_kind k)
{
    switch (k) {
    case FINDING_BEACON: return "beacon";
    case FINDING_LONG_CONN: return "long_conn";
    case FINDING_DNS_TUNNEL: return "dns_tunnel";
    case FINDING_DGA: return "dga";
    case FINDING_EXFIL: return "exfil";
    default: return "unknown";
    }
}

/* One finding. Fields that do not apply to a kind are 0/NULL. */
struct finding {
    enum finding_kind kind;
    const char *reason;         /* short, fixed text: "beacon to address", "beacon to name", "upload to new destination" ... */
    const char *attack;         /* ATT&CK technique id */
    double score;               /* 0..1 */
    int64_t first_us, last_us;  /* evidence window */
    struct ip_addr src;         /* the internal host */
    bool has_dst;
    struct ip_addr dst;
    uint16_t dst_port;          /* 0 when several */
    /* Without has_dst (several destinations), one of them for the EVE
     * alert's dest_ip: every alert names both ends. */
    bool has_alert_dst;
    struct ip_addr alert_dst;
    uint8_t proto;
    const char *name;           /* destination name (beacon by name, exfil), registered domain (tunnel, DGA) */
    const char *uid;            /* the last connection or DNS transaction that is part of the evidence */
    uint64_t count;             /* connections, queries or NXDOMAINs */
    /* beacon */
    double interval_s;          /* median interval between connections */
    double jitter;              /* median absolute deviation / median interval */
    double ts_score, size_score, hist_score, count_score;
    /* long connection */
    int64_t duration_us;
    uint32_t chain;             /* flows in the chain (1 = one flow) */
    bool open;                  /* still open when reported */
    /* exfil and beacon */
    uint64_t bytes_out, bytes_in;
    /* dns tunnel / dga */
    uint64_t unique_names;
    double avg_label_len, entropy, odd_type_share;  /* share of TXT/NULL/CNAME/MX/ANY queries */
    uint64_t nxdomains;
};

#endif
