/* incident/event.h: the normalised event record every alert source maps
 * into before correlation (type only). A Zeek notice, an intel hit, a
 * behaviour finding or a Suricata/EVE alert all become one of these; the
 * kill-chain map (killchain.h) then fills stage, tactic and technique from
 * data, so no detector needs C here. Strings are bounded copies: an event
 * outlives the log row it came from. */
#ifndef VIGIL_INCIDENT_EVENT_H
#define VIGIL_INCIDENT_EVENT_H

#include <stdbool.h>
#include <stdint.h>

#include "util/addr.h"

/* Lockheed Martin's kill chain, in order; reconnaissance and weaponisation
 * are not seen on the wire of the victim network and are not used. */
enum kc_stage {
    KC_NONE,            /* mapped to no stage: context only, never an incident */
    KC_DELIVERY,
    KC_EXPLOITATION,
    KC_INSTALLATION,
    KC_C2,
    KC_ACTIONS,
    KC_STAGE_COUNT,
};

#define EVENT_NAME_LEN 256
#define EVENT_SHORT_LEN 72

struct incident_event {
    int64_t ts_us;                     /* when it began (a finding's first_seen) */
    int64_t last_us;                   /* when it was last seen; 0 = ts_us */
    struct ip_addr host;               /* the internal host (orig or resp, whichever is internal) */
    bool has_host;
    struct ip_addr peer;               /* the other end, when known */
    bool has_peer;
    char peer_name[EVENT_NAME_LEN];    /* domain, SNI, Host, indicator: lower case */
    char source[16];                   /* log it came from: notice, intel, beacon, eve ... */
    char kind[EVENT_SHORT_LEN];        /* notice name, finding kind, "intel", "alert" */
    char where[40];                    /* intel seen.where */
    uint32_t sid;                      /* signature id (EVE alerts); 0 = none */
    char category[EVENT_SHORT_LEN];    /* alert category */
    char technique[16];                /* ATT&CK id as given by the source, else from the map */
    char tactic[32];                   /* filled by the map */
    enum kc_stage stage;               /* filled by the map */
    char reason[EVENT_NAME_LEN];       /* the source's message / signature */
    char uid[32];
    char community_id[48];
    char file_hash[EVENT_SHORT_LEN];
    char rule_file[64];                /* rule file or feed the alert came from */
    char cve[24];
    char ja4[40];
    char cert[EVENT_SHORT_LEN];        /* certificate SHA-256 */
    char template_host[EVENT_NAME_LEN]; /* a document's remote template host (linking) */
    char device[EVENT_SHORT_LEN];      /* vendor/model when the source says */
    uint64_t bytes_out;
    double interval_s;                 /* beacon interval */
    uint64_t connections;
};

#endif
