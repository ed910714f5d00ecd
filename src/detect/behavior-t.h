/* behavior-t: the behaviour detectors' settings (beaconing, long
 * connections, DNS tunnels and DGA, exfiltration), as the command line
 * fills them into struct detect_config. Type-only header;
 * detect/behavior.h is the detectors' API. */
#ifndef VIGIL_DETECT_BEHAVIOR_T_H
#define VIGIL_DETECT_BEHAVIOR_T_H

#include <stddef.h>
#include <stdint.h>

#include "util/addr.h"

struct allowlist;

struct behavior_config {
    /* Internal networks. When n_local_nets is 0, RFC 1918, 100.64/10,
     * 169.254/16, fc00::/7 and fe80::/10 are internal. */
    unsigned n_local_nets;
    const struct ip_prefix *local_nets;
    /* Known-good pairs (allowlist.h); NULL = none. */
    const struct allowlist *allow;

    /* Beaconing: a pair is scored once it has beacon_min_conns connections;
     * it is reported when its score >= beacon_threshold. */
    unsigned beacon_min_conns;          /* default 6 */
    double beacon_threshold;            /* default 0.70 */
    const char *beacon_weights_path;    /* the score's weights (--beacon-weights); NULL: data/beacon_weights.tsv */
    /* Long connections: one flow, or a chain of flows between the same pair
     * and port each starting within long_conn_chain_gap_us of the previous
     * one's end, lasting at least long_conn_us. */
    int64_t long_conn_us;               /* default 1 h */
    int64_t long_conn_chain_gap_us;     /* default 60 s */
    /* DNS tunnelling is reported at tunnel_threshold; DGA when one host got
     * NXDOMAIN for at least dga_min_nxdomains distinct high-entropy names. */
    double tunnel_threshold;            /* default 0.70 */
    unsigned dga_min_nxdomains;         /* default 20 */
    /* Exfiltration */
    uint64_t exfil_upload_bytes;        /* one flow sending this much to a destination first seen in the window: 20 MB */
    uint64_t exfil_pair_bytes;          /* total sent to one destination in one day: 100 MB */
    double exfil_ratio;                 /* sent/received at least this (with the byte floors above): 10 */
    uint64_t exfil_http_body_bytes;     /* one HTTP POST/PUT body: 10 MB */
    uint64_t exfil_smtp_bytes;          /* one mail to an external server: 20 MB */
    /* Caps (entries); detect/behavior.h says what happens at a cap. */
    size_t max_pairs;                   /* default 200,000 per pair table (about 410 MB at worst) */
    size_t max_domains;                 /* default 100,000 registered domains */
    size_t max_hosts;                   /* default 100,000 internal hosts */
    size_t max_names;                   /* default 1,000,000 uid->name and (client, address)->name bindings */
    /* Public Suffix List; NULL = /usr/share/publicsuffix/public_suffix_list.dafsa, then libpsl's built-in. */
    const char *psl_path;
};

#endif
