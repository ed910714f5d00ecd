/* detect/behavior: indicator-free hunting — beaconing, long connections,
 * DNS tunnelling and DGA, exfiltration. The same code runs inside `vigil
 * read`/`vigil live` (fed from the engine's transactions and conn records)
 * and inside `vigil hunt` (fed from stored conn/dns/http/ssl/smtp logs), so
 * the same traffic gives the same findings either way.
 *
 * Memory is bounded: every table (pairs, domains, hosts, names) has a cap
 * from behavior_config; state per pair is a fixed-size summary (histograms),
 * never a list of every timestamp. When a table is full the entry with the
 * least evidence is dropped and counted (behavior_stats).
 *
 * Not thread-safe: the caller serialises calls (detect/detect.c holds a lock).
 * Time is the observations' time; no wall clock. */
#ifndef VIGIL_DETECT_BEHAVIOR_H
#define VIGIL_DETECT_BEHAVIOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "detect/behavior-t.h"
#include "detect/finding-t.h"
#include "detect/stats-t.h"
#include "util/addr.h"

void behavior_config_defaults(struct behavior_config *c);

/* --- observations (all strings valid during the call only) --- */

/* A finished connection: a conn.log row. */
struct obs_conn {
    int64_t ts_us;              /* start */
    int64_t duration_us;        /* 0 when unknown */
    const char *uid;
    struct ip_addr orig_h, resp_h;
    uint16_t orig_p, resp_p;
    uint8_t proto;              /* IPPROTO_TCP/UDP/ICMP */
    const char *service;        /* may be NULL */
    const char *conn_state;     /* may be NULL */
    uint64_t orig_bytes, resp_bytes;   /* payload bytes (conn.log orig_bytes/resp_bytes) */
    bool still_open;            /* live: the flow has not ended (only long connections look at it) */
};

/* A DNS transaction: a dns.log row. */
struct obs_dns {
    int64_t ts_us;
    const char *uid;
    struct ip_addr client, server;
    const char *query;          /* NULL when the message had no question */
    uint16_t qtype;             /* 0 unknown */
    int rcode;                  /* -1 no response */
    unsigned n_answer_addrs;    /* A/AAAA answers: bind (client, address) -> query for naming */
    const struct ip_addr *answer_addrs;
};

/* The name a connection was made to: TLS/QUIC SNI, HTTP Host. Arrives before
 * the connection's obs_conn; beaconing per (source, name) uses it. */
struct obs_name {
    int64_t ts_us;
    const char *uid;
    const char *name;
};

/* Data sent in one application transaction: an HTTP request body, an SMTP message. */
enum upload_kind { UPLOAD_HTTP, UPLOAD_SMTP };
struct obs_upload {
    enum upload_kind kind;
    int64_t ts_us;
    const char *uid;
    struct ip_addr orig_h, resp_h;
    uint16_t resp_p;
    uint64_t bytes;             /* HTTP request_body_len, SMTP message size */
    const char *method;         /* "POST", "PUT" (HTTP), NULL for SMTP */
    const char *name;           /* HTTP host or first SMTP recipient; may be NULL */
};

/* --- findings: struct finding and finding_kind_name are in detect/finding-t.h --- */

typedef void (*finding_fn)(void *ctx, const struct finding *f);

struct behavior;

/* The caller frees it with behavior_free(); NULL on allocation failure or an
 * unreadable psl_path (err set). */
struct behavior *behavior_new(const struct behavior_config *cfg, finding_fn emit, void *ctx,
                              char *err, size_t errlen);
void behavior_free(struct behavior *b);

void behavior_conn(struct behavior *b, const struct obs_conn *c);
void behavior_dns(struct behavior *b, const struct obs_dns *d);
void behavior_name(struct behavior *b, const struct obs_name *n);
void behavior_upload(struct behavior *b, const struct obs_upload *u);

/* Scores everything gathered and emits each finding not emitted before, in
 * a deterministic order (kind, then score descending, then src, dst, name).
 * Called at the end of input (final = true) and every report interval live. */
void behavior_flush(struct behavior *b, int64_t now_us, bool final);

void behavior_get_stats(const struct behavior *b, struct behavior_stats *st);

#endif
