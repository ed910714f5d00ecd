/* Threat-intel sightings. `struct intel_sighting` is one indicator seen on
 * the wire (or in a stored log): what intel.log and an EVE intel alert
 * write. `struct sighting_summary` is `vigil hunt`'s aggregate of them per
 * (indicator, where): a sightings.log row. Both reach output/ through the
 * detector sink (detect/sink-t.h). Type-only header. */
#ifndef VIGIL_DETECT_SIGHTING_T_H
#define VIGIL_DETECT_SIGHTING_T_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "intel/intel-t.h"
#include "util/addr.h"

struct intel_sighting {
    int64_t ts_us;
    /* The connection, when there is one. */
    bool has_conn;
    const char *uid;
    uint64_t flow_id;
    struct ip_addr orig_h, resp_h;
    uint16_t orig_p, resp_p;
    uint8_t proto;
    const char *community_id;          /* may be NULL or "" */
    const char *app_proto;             /* EVE app_proto: "dns", "http", "tls"... NULL = unknown */
    /* What was seen, where (Zeek's Intel::Where names: "DNS::IN_REQUEST"). */
    const char *seen;                  /* the value as seen on the wire (normalised) */
    size_t seen_len;
    enum intel_type seen_type;
    const char *where;
    /* What matched: the feed's entry (for a domain, maybe a parent of `seen`). */
    const struct intel_entry *entry;
    /* When the traffic was seen against the entry's validity windows
     * (intel.log `validity`): a retro-hunt reports matches outside them. */
    enum intel_validity validity;
    /* Files::IN_HASH sightings */
    const char *fuid;
    const char *file_mime_type;
    const char *file_desc;
};

#define SIGHTING_MAX_HOSTS 16
#define SIGHTING_MAX_UIDS 32

struct sighting_summary {
    const struct intel_entry *entry;
    const char *where;
    char seen[256];                     /* the first value seen */
    enum intel_type seen_type;
    int64_t first_us, last_us;
    uint64_t count;
    uint64_t by_validity[INTEL_VALIDITY_COUNT];   /* count split by intel_sighting.validity */
    unsigned n_hosts, n_uids;
    struct ip_addr hosts[SIGHTING_MAX_HOSTS];
    char uids[SIGHTING_MAX_UIDS][32];
};

#endif
