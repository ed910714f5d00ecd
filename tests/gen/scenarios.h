/* The named scenarios and the small protocol helpers they share (DNS, NTP,
 * HTTP, TLS-looking and SMTP payloads) so demo.c and bench.c can reuse them. */
#ifndef VIGIL_GEN_SCENARIOS_H
#define VIGIL_GEN_SCENARIOS_H

#include "session.h"

struct scenario {
    const char *name;
    const char *description;
    bool force_pcapng;          /* several link types or interfaces need pcapng */
    bool (*run)(struct gen *g); /* false: could not set up (message already printed) */
};

const struct scenario *scenario_find(const char *name);
const struct scenario *scenario_at(size_t i); /* NULL past the end */

#define SEC(n) ((uint64_t)(n) * US_PER_SEC)
#define MS(n) ((uint64_t)(n) * 1000ull)

int add_ethernet_iface(struct gen *g, uint32_t snaplen);
/* pa: the layers inner[0..n) (innermost first) inside an Ethernet header. */
void path_with(struct path *pa, int iface, const struct ip_pair *ip, const struct layer *inner, size_t n);
/* How most scenarios begin: an Ethernet interface (snaplen 65535) and on it
 * the IPv4 pair src, dst and its path (ethernet_v4). Returns the interface. */
int ethernet_start_v4(struct gen *g, struct ip_pair *ip, struct path *pa, const char *src, const char *dst);
/* The same with a connected TCP flow (tcp_conn_open_v4) starting at the
 * base time. Returns the interface. */
struct tcp_conn;
int tcp_conn_start_v4(struct gen *g, struct tcp_conn *c, const char *src, uint16_t sport, const char *dst,
                      uint16_t dport);

/* Wire-format DNS message: one question, and for a response one A/AAAA
 * answer (answer_len 4 or 16) or none (NXDOMAIN when rcode is 3). */
size_t dns_message(uint8_t *buf, size_t cap, uint16_t id, const char *name, uint16_t qtype, bool response,
                   uint8_t rcode, const uint8_t *answer, size_t answer_len);
/* Query from ip.src to ip.dst:53 and the answer rtt later. */
void dns_exchange(struct gen *g, struct path *pa, const struct ip_pair *ip, uint16_t sport, uint64_t t,
                  const char *name, uint16_t qtype, const uint8_t *answer, size_t answer_len);
void ntp_exchange(struct gen *g, struct path *pa, const struct ip_pair *ip, uint16_t sport, uint64_t t);
/* A whole HTTP/1.1 GET over a fresh TCP connection; returns the end time. */
uint64_t http_session(struct gen *g, struct path *pa, const struct ip_pair *ip, uint16_t cport, uint64_t t,
                      const char *host, const char *uri, size_t body_len);
/* A TLS 1.2/1.3-looking session (ClientHello with SNI, ServerHello,
 * application data records); returns the end time. */
uint64_t tls_session(struct gen *g, struct path *pa, const struct ip_pair *ip, uint16_t cport, uint64_t t,
                     const char *sni, size_t resp_len);

/* A web site the office scenarios browse (demo.c, incident_scenario.c):
 * tls_session when it is served over TLS, else http_session. */
struct web_site {
    const char *host;
    const char *ip;
    bool tls;
};

/* The ClientHello (TLS 1.3 suites, SNI, groups, ALPN h2/http1.1,
 * supported_versions) and ServerHello + ChangeCipherSpec records of
 * tls_session, into buf (at least 400 + strlen(sni) bytes); return the length. */
size_t tls_client_hello(struct gen *g, uint8_t *buf, const char *sni);
size_t tls_server_hello(struct gen *g, uint8_t *buf);
/* A TLS check-in of an implant (hunt_scenario.c): handshake, ClientHello
 * with sni, ServerHello, one application data record each way, client FIN.
 * out_len/in_len are the TCP payload bytes each side sends in all (each at
 * least the size of its hello). Returns the end time. */
uint64_t tls_checkin_session(struct gen *g, struct path *pa, const struct ip_pair *ip, uint16_t cport,
                             uint16_t sport, uint64_t t, const char *sni, size_t out_len, size_t in_len);

/* A full TLS 1.2 ECDHE-ECDSA handshake on f (client hello with sni and
 * alpn, the leaf+CA chain), then application data (app_scenarios.c). */
struct tcp_flow;
bool tls12_session(struct gen *g, struct tcp_flow *f, const char *sni, const char *const *alpn, size_t n_alpn,
                   const uint8_t *leaf, size_t leaf_len, const uint8_t *ca, size_t ca_len);

/* An SMTP envelope on f, each turn paced by pace: "MAIL FROM:" from (the
 * address in <> and any parameters) and its 250, then for each of the n
 * rcpts "RCPT TO:" rcpt and its 250, then DATA and its 354. */
struct tcp_pace;
void smtp_envelope(struct tcp_flow *f, const struct tcp_pace *pace, const char *from, const char *const *rcpts,
                   size_t n);

/* The application-protocol scenarios (app_scenarios.c); NULL past the end. */
const struct scenario *app_scenario_at(size_t i);
const struct scenario *device_scenario_at(size_t i); /* device_scenario.c */
const struct scenario *ad_scenario_at(size_t i);     /* ad_scenario.c */
const struct scenario *tls_carrier_scenario_at(size_t i); /* tls_carrier_scenario.c: FTP, STARTTLS, OpenVPN */

bool scenario_demo(struct gen *g);
bool scenario_intel(struct gen *g);  /* intel_scenario.c */
bool scenario_hunt(struct gen *g);   /* hunt_scenario.c */
bool scenario_sig(struct gen *g);    /* sig_scenario.c */
bool scenario_smb(struct gen *g);    /* smb_scenario.c */
bool scenario_schtask(struct gen *g); /* smb_scenario.c */
bool scenario_wmi(struct gen *g);    /* smb_scenario.c */
bool scenario_smb_rw(struct gen *g); /* smb_scenario.c */
bool scenario_prevalence(struct gen *g); /* prevalence_scenario.c */
bool scenario_keepalive(struct gen *g); /* keepalive_scenario.c */
bool scenario_anomaly(struct gen *g);  /* anomaly_scenario.c */
bool scenario_incident(struct gen *g); /* incident_scenario.c */
bool scenario_short_capture(struct gen *g); /* tunnel_scenario.c */
bool scenario_bench(struct gen *g);
bool scenario_http_edge(struct gen *g); /* edge_scenario.c */
bool scenario_midstream(struct gen *g); /* edge_scenario.c */
bool scenario_encap(struct gen *g);  /* encap_scenario.c */

#endif
