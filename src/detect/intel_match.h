/* detect/intel_match: where indicators are looked for. Turns each
 * transaction (conn record, DNS, HTTP, TLS, certificate, QUIC, SMTP, file)
 * into lookups against an intel store and reports each hit once per flow
 * (the same indicator seen again at the same place of the same connection
 * is not reported twice). The match points and their Zeek `where` names:
 *
 *   conn      Conn::IN_ORIG, Conn::IN_RESP                 ADDR/SUBNET
 *   dns       DNS::IN_REQUEST (query), DNS::IN_RESPONSE (A/AAAA/CNAME...)
 *   http      HTTP::IN_HOST_HEADER, HTTP::IN_URL, HTTP::IN_USER_AGENT_HEADER
 *   tls       SSL::IN_SERVER_NAME, SSL::IN_JA3, SSL::IN_JA4, X509::IN_CERT (fingerprint)
 *   x509      X509::IN_CERT (subject CN, SAN DNS names, fingerprint)
 *   (QUIC's ClientHello is published as a TLS transaction: SSL::IN_*)
 *   smtp      SMTP::IN_MAIL_FROM, SMTP::IN_RCPT_TO, SMTP::IN_FROM,
 *             SMTP::IN_REPLY_TO, SMTP::IN_MESSAGE (URLs in bodies)
 *   files     Files::IN_HASH (MD5, SHA-1, SHA-256)
 */
#ifndef VIGIL_DETECT_INTEL_MATCH_H
#define VIGIL_DETECT_INTEL_MATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "detect/sighting-t.h"
#include "intel/intel.h"

/* Remembers which (flow, indicator, where) were reported, in a fixed-size
 * table (a hit evicts the oldest entry of its slot group). The caller frees
 * it with intel_dedup_free(); NULL when out of memory. */
struct intel_dedup;
struct intel_dedup *intel_dedup_new(void);
void intel_dedup_free(struct intel_dedup *d);
/* True the first time (flow_id, entry id, where) is seen. flow_id 0 = no flow: always true. */
bool intel_dedup_first(struct intel_dedup *d, uint64_t flow_id, uint32_t entry_id, const char *where);

typedef void (*sighting_fn)(void *ctx, const struct intel_sighting *s);

/* A match context: the store, the dedup table, and where hits go. `base`
 * carries the connection fields copied into every sighting. */
struct intel_matcher {
    const struct intel_store *store;
    struct intel_dedup *dedup;
    sighting_fn emit;
    void *ctx;
    /* --intel-strict-validity: drop matches outside the indicator's
     * validity windows instead of reporting them with their validity. */
    bool strict_validity;
    uint64_t lookups, hits, suppressed;
};

/* Looks `value` up as type t (DOMAIN: with its parents; ADDR: also
 * subnets; URL: normalised) and emits a sighting based on `base` when it
 * matches, with where base->ts_us falls against the indicator's validity
 * windows (outside them: no sighting when strict_validity). Returns true on a hit. */
bool intel_match_value(struct intel_matcher *m, const struct intel_sighting *base, enum intel_type t,
                       const char *value, size_t len, const char *where);
bool intel_match_addr(struct intel_matcher *m, const struct intel_sighting *base, const struct ip_addr *a,
                      const char *where);
/* An answer as dns.log prints it: an address, or a name (CNAME, PTR...). */
void intel_match_dns_answer(struct intel_matcher *m, const struct intel_sighting *base, const char *text,
                            size_t len);
/* "CN=x,O=y" (Zeek, RFC 2253) or "C=US, CN=x" (Suricata): the CN value, matched as a DOMAIN. */
void intel_match_subject_cn(struct intel_matcher *m, const struct intel_sighting *base, const char *subject,
                            size_t len, const char *where);
/* host + uri, as Zeek's HTTP::IN_URL builds it. */
void intel_match_http_url(struct intel_matcher *m, const struct intel_sighting *base, const char *host,
                          size_t host_len, const char *uri, size_t uri_len);

#endif
