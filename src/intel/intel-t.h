/* intel-t: the indicators as the stages above see them: their types
 * (with the names intel.log writes), what a feed says of one (struct
 * intel_meta), one stored indicator (struct intel_entry) and where a
 * sighting falls against its validity. Type-only header; intel/intel.h is
 * the store and the loaders. */
#ifndef VIGIL_INTEL_INTEL_T_H
#define VIGIL_INTEL_INTEL_T_H

#include <stdint.h>

/* The kinds of indicator. The comment is Zeek's Intel::Type name, written in
 * intel.log's seen.indicator_type (intel_type_zeek_name). */
enum intel_type {
    INTEL_ADDR,        /* Intel::ADDR        IPv4/IPv6 address */
    INTEL_SUBNET,      /* Intel::SUBNET      CIDR range; matches addresses inside it */
    INTEL_DOMAIN,      /* Intel::DOMAIN      matches the name and all its subdomains */
    INTEL_URL,         /* Intel::URL         normalised, without scheme: "host[:port]/path?query" */
    INTEL_FILE_HASH,   /* Intel::FILE_HASH   MD5, SHA-1 or SHA-256, lower-case hex */
    INTEL_JA3,         /* Intel::JA3         JA3 MD5 (client) or JA3S */
    INTEL_JA4,         /* Intel::JA4         JA4 fingerprint */
    INTEL_EMAIL,       /* Intel::EMAIL       lower-case addr-spec */
    INTEL_CERT_HASH,   /* Intel::CERT_HASH   certificate SHA-256 (or SHA-1), lower-case hex */
    INTEL_USER_AGENT,  /* Intel::SOFTWARE    HTTP User-Agent, exact */
    INTEL_TYPE_COUNT,
};

/* Zeek's Intel::Type name ("Intel::ADDR"), written in intel.log's
 * seen.indicator_type; a static string. */
static inline const char *intel_type_zeek_name(enum intel_type t)
{
    switch (t) {
    case INTEL_ADDR: return "Intel::ADDR";
    case INTEL_SUBNET: return "Intel::SUBNET";
    case INTEL_DOMAIN: return "Intel::DOMAIN";
    case INTEL_URL: return "Intel::URL";
    case INTEL_FILE_HASH: return "Intel::FILE_HASH";
    case INTEL_JA3: return "Intel::JA3";
    case INTEL_JA4: return "Intel::JA4";
    case INTEL_EMAIL: return "Intel::EMAIL";
    case INTEL_CERT_HASH: return "Intel::CERT_HASH";
    case INTEL_USER_AGENT: return "Intel::SOFTWARE";
    default: return "Intel::UNKNOWN";
    }
}

/* What a feed says about an indicator. Strings are owned by the store
 * (interned: equal strings share storage). NULL = not given. */
struct intel_meta {
    const char *source;       /* the feed: file name, or MISP Orgc name / feed name */
    const char *desc;         /* MISP event info, STIX indicator name, CSV context */
    const char *ref;          /* event or indicator id / URL of the report */
    const char *tags;         /* comma-separated */
    const char *actor;        /* threat actor (MISP galaxy, STIX threat-actor, CSV aliases) */
    const char *malware;      /* malware family names, comma-separated */
    const char *attack;       /* ATT&CK technique ids, comma-separated: "T1566.001,T1071" */
    int threat_level;         /* MISP threat_level_id: 1 high, 2 medium, 3 low, 4 undefined; 0 unknown */
    int64_t valid_from_us;    /* 0 = always */
    int64_t valid_until_us;   /* 0 = never expires */
};

/* One indicator as stored. */
struct intel_entry {
    enum intel_type type;
    const char *indicator;    /* normalised */
    uint32_t id;              /* dense, 0..intel_store_count()-1: detectors key dedup on it */
    uint32_t n_meta;          /* every feed/event that listed it, duplicates merged */
    const struct intel_meta *const *meta;
};

/* Where a moment falls against an indicator's validity windows (one per
 * feed that lists it): inside one of them, or before them all (the traffic
 * predates the indicator: what a retro-hunt finds), or after them. An
 * entry with no window, or a window bound of 0, is open on that side. */
enum intel_validity {
    INTEL_VALIDITY_IN_WINDOW,
    INTEL_VALIDITY_BEFORE_VALID_FROM,
    INTEL_VALIDITY_AFTER_VALID_UNTIL,
    INTEL_VALIDITY_COUNT,
};
/* "in_window", "before_valid_from", "after_valid_until": a static string. */
static inline const char *intel_validity_name(enum intel_validity v)
{
    switch (v) {
    case INTEL_VALIDITY_BEFORE_VALID_FROM: return "before_valid_from";
    case INTEL_VALIDITY_AFTER_VALID_UNTIL: return "after_valid_until";
    default: return "in_window";
    }
}

#endif
