/* incident/incident.h: an incident as the correlator holds it and as the
 * writers (incident.log, EVE, report.html, block lists) read it: types,
 * and the names writers print for them.
 *
 * One incident per internal host that had at least one event mapped to a
 * kill-chain stage; its evidence is capped (INCIDENT_EVIDENCE_CAP) but every
 * count is exact. Infrastructure shared by several incident hosts (an
 * address, a registered domain, a certificate, a JA4) links them. */
#ifndef VIGIL_INCIDENT_INCIDENT_H
#define VIGIL_INCIDENT_INCIDENT_H

#include <stdbool.h>
#include <stdint.h>

#include "incident/event.h"
#include "util/addr.h"

#define INCIDENT_EVIDENCE_CAP 24   /* events kept per incident; the first of every stage and kind always */
#define INCIDENT_EVIDENCE_PER_KIND 8 /* of one kind (beyond its first) */
#define INCIDENT_KIND_CAP 16       /* distinct kinds counted by name; the rest in other_kinds */
#define INCIDENT_PEER_CAP 16       /* external peers listed */
#define INCIDENT_TECH_CAP 16       /* ATT&CK techniques / tactics listed */
#define INCIDENT_TEMPLATE_CAP 4    /* remote-template hosts remembered for linking */
#define INCIDENT_BEACON_CAP 4      /* beacon pairs with an interval histogram */
#define INCIDENT_HIST_BINS 20      /* interval bins: [2^i, 2^(i+1)) seconds */
#define INCIDENT_HOURS_CAP 720     /* hourly bytes-out bins (30 days) */
#define INCIDENT_RELATED_CAP 8

enum incident_severity { SEV_LOW = 1, SEV_MEDIUM, SEV_HIGH, SEV_CRITICAL };

/* A kept piece of evidence: the event, minus what the incident already says. */
struct evidence {
    int64_t ts_us;
    enum kc_stage stage;
    uint32_t sid;
    char kind[48];
    char source[16];
    char technique[16];
    char tactic[32];
    char peer[96];        /* address or name */
    char uid[24];
    char community_id[48];
    char file_hash[EVENT_SHORT_LEN];
    char rule_file[48];
    char reason[128];
    char link[32];        /* the linking rule that tied it to the incident, when not "same host" */
};

struct kind_count {
    char kind[48];
    enum kc_stage stage;
    uint64_t count;
};

struct peer_ref {
    struct ip_addr addr;
    bool has_addr;
    char name[96];        /* name or registered domain, "" when none */
    enum kc_stage stage;  /* the latest stage seen with this peer */
    unsigned stage_mask;  /* 1 << stage for every stage seen with this peer */
    uint64_t count;
};

struct beacon_hist {
    struct ip_addr peer;
    int64_t last_us;
    uint64_t bins[INCIDENT_HIST_BINS];
};

struct hour_bytes {
    int64_t hour;         /* ts / 3600 s */
    uint64_t bytes;
};

struct incident {
    unsigned id;                         /* 1, 2 ... in order of creation; stable while it grows */
    struct ip_addr host;
    char device[EVENT_SHORT_LEN];        /* vendor / model when known */
    bool device_flagged;
    int64_t first_us, last_us;
    uint64_t events;
    uint64_t stage_events[KC_STAGE_COUNT];
    int64_t stage_first[KC_STAGE_COUNT], stage_last[KC_STAGE_COUNT];
    struct kind_count kinds[INCIDENT_KIND_CAP];
    unsigned n_kinds;
    uint64_t other_kinds;
    struct peer_ref peers[INCIDENT_PEER_CAP];
    unsigned n_peers;
    uint64_t other_peers;
    char techniques[INCIDENT_TECH_CAP][16];
    unsigned n_techniques;
    char tactics[INCIDENT_TECH_CAP][32];
    unsigned n_tactics;
    char templates[INCIDENT_TEMPLATE_CAP][96];
    unsigned n_templates;
    struct evidence *evidence;           /* INCIDENT_EVIDENCE_CAP slots */
    unsigned n_evidence;
    struct beacon_hist beacons[INCIDENT_BEACON_CAP];
    unsigned n_beacons;
    struct hour_bytes *hours;            /* INCIDENT_HOURS_CAP slots, allocated with the first bytes */
    unsigned n_hours;
    uint64_t bytes_out;                  /* to external addresses, from conn logs */
    unsigned related[INCIDENT_RELATED_CAP];   /* ids of incidents sharing infrastructure */
    unsigned n_related;
    /* Set by correlator_finish (and on every update): */
    enum incident_severity severity;
    unsigned score;                      /* 0..100 */
    bool chained;                        /* an entry stage came before a later one */
    uint64_t revision;                   /* grows with every update (live re-emission) */
};

const char *incident_severity_name(enum incident_severity s); /* static string: "none", "low" ... "critical" */
/* "INC-0001" */
void incident_format_id(unsigned id, char *out, size_t n);

#endif
