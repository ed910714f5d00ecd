/* incident/correlate: events in, incidents out. Groups every classified
 * event by internal host, links it to what came before (docs/INCIDENTS.md
 * lists the rules), keeps the context the report needs (DNS answers,
 * destination popularity, resolvers, bytes out, devices) and rates each
 * incident. Memory is bounded by the caps below; counts stay exact.
 * Not thread-safe: one correlator per run, fed from one thread. */
#ifndef VIGIL_INCIDENT_CORRELATE_H
#define VIGIL_INCIDENT_CORRELATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "incident/event.h"
#include "incident/incident.h"
#include "incident/killchain.h"
#include "util/addr.h"

struct correlator_config {
    const struct killchain_map *map;
    const struct ip_prefix *local_nets;  /* NULL/0: RFC 1918, 100.64/10, link-local, fc00::/7 */
    unsigned n_local_nets;
    const char *psl_path;                /* NULL: Debian's publicsuffix, else libpsl's built-in */
    size_t max_incidents;                /* default 65,536 hosts; events of further hosts are counted, not kept */
    size_t max_names;                    /* default 500,000 DNS answer bindings */
    size_t max_destinations;             /* default 500,000 external destinations (popularity) */
    size_t max_talkers;                  /* default 200,000 internal hosts (bytes out) */
    unsigned popular_hosts;              /* a destination this many internal hosts use is "popular" (default 10, max 32) */
};

void correlator_config_defaults(struct correlator_config *c);


struct correlator;

/* cfg is copied (what it points to, the map and local nets, must outlive the
 * correlator). The caller frees it with correlator_free(); NULL with err set
 * when out of memory. */
struct correlator *correlator_new(const struct correlator_config *cfg, char *err, size_t errlen);
void correlator_free(struct correlator *c);

bool correlator_is_internal(const struct correlator *c, const struct ip_addr *a);
/* Sets ev's host (the internal end) and peer from the two ends a (the
 * originator or source) and b: the internal one is the host; when both
 * are, b when victim_is_b (an exploitation's target), else a. */
void correlator_assign_ends(const struct correlator *c, struct incident_event *ev, const struct ip_addr *a,
                            bool has_a, const struct ip_addr *b, bool has_b, bool victim_is_b);

/* An alert or finding. Classifies it through the map (stage, tactic,
 * technique), fills its peer name from DNS answers, and adds it to its
 * host's incident. Returns the incident it grew, or NULL (no stage, no
 * host, or the incident cap reached: counted). Incidents are owned by c and
 * valid until correlator_free. */
struct incident *correlator_add(struct correlator *c, struct incident_event *ev);

/* Context (none of these makes an incident by itself): */
void correlator_dns_answer(struct correlator *c, const struct ip_addr *client, const struct ip_addr *resolver,
                           const char *name, const struct ip_addr *answer);
void correlator_conn(struct correlator *c, int64_t ts_us, const struct ip_addr *orig, const struct ip_addr *resp,
                     uint64_t orig_bytes);
/* An HTTP request: when its host is a remote template named by a document
 * delivered to this client, a template_fetch event (naming host and uri)
 * joins the incident. uri may be NULL. Returns the incident it grew (owned
 * by c, valid until correlator_free), or NULL when none. */
struct incident *correlator_http(struct correlator *c, int64_t ts_us, const struct ip_addr *client,
                                 const struct ip_addr *server, const char *host, const char *uri, const char *uid);
void correlator_asset(struct correlator *c, const struct ip_addr *host, const char *vendor, const char *model,
                      const char *type, bool flagged, const char *reason);

/* Severity, related incidents. Idempotent; call before reading results. */
void correlator_finish(struct correlator *c);

size_t correlator_incident_count(const struct correlator *c);
/* Ordered by severity, then score, then first seen (after correlator_finish).
 * These return incidents owned by c, valid until correlator_free; NULL when
 * there is no such incident. */
const struct incident *correlator_incident(const struct correlator *c, size_t i);
const struct incident *correlator_incident_by_id(const struct correlator *c, unsigned id);
const struct incident *correlator_incident_of(const struct correlator *c, const struct ip_addr *host);

/* Shared infrastructure: an address, registered domain, certificate or JA4
 * seen in the events of at least two incidents. */
struct infra {
    char key[112];                       /* "address 203.0.113.9", "domain evil.example" ... */
    uint64_t events;
    int64_t first_us, last_us;
    unsigned n_incidents;                /* exact up to INFRA_INCIDENT_CAP */
    unsigned incidents[8];
};
#define INFRA_INCIDENT_CAP 8
size_t correlator_infra_count(const struct correlator *c);
/* Points into c's table: valid until the next call that adds to c. NULL when i is out of range. */
const struct infra *correlator_infra(const struct correlator *c, size_t i);

/* Block-list guards */
bool correlator_is_resolver(const struct correlator *c, const struct ip_addr *a);
unsigned correlator_host_count(const struct correlator *c, const struct ip_addr *dst); /* distinct internal hosts, up to the cap */
bool correlator_is_popular(const struct correlator *c, const struct ip_addr *dst);
/* The DNS answer name of a, or NULL: points into c, valid until the next
 * correlator_dns_answer. */
const char *correlator_name_of(const struct correlator *c, const struct ip_addr *a);
/* Registered domain of name (libpsl) into out; name itself when none. */
void correlator_registered_domain(const struct correlator *c, const char *name, char *out, size_t n);

struct talker {
    struct ip_addr host;
    uint64_t bytes_out, connections;
};
/* The n biggest senders to external addresses; returns how many. */
size_t correlator_top_talkers(const struct correlator *c, struct talker *out, size_t n);

struct asset {
    struct ip_addr host;
    char vendor[48], model[48], type[32], reason[96];
    bool flagged;
};
size_t correlator_asset_count(const struct correlator *c);
/* Points into c's table: valid until the next correlator_asset. NULL when i is out of range. */
const struct asset *correlator_asset_at(const struct correlator *c, size_t i);

struct correlator_stats {
    uint64_t events, classified, unmapped, no_host, over_cap;
    uint64_t linked_dns, linked_template, linked_infra;
    uint64_t conn_rows, dns_bindings, dropped_bindings;
};
void correlator_get_stats(const struct correlator *c, struct correlator_stats *st);

#endif
