/* sig/: the Suricata rule language over Vigil's packets, streams and
 * transactions. A `struct sig_set` is loaded once (rules, variables,
 * classification and reference config), compiled into one Hyperscan
 * prefilter per buffer, then read-only: every engine worker matches with its
 * own `struct sig_worker` (scratch, flowbits, thresholds), no lock, and
 * reports each match as a generic alert through the detector sink. */
#ifndef VIGIL_SIG_SIG_H
#define VIGIL_SIG_SIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "proto/event-t.h"
#include "util/addr.h"

struct sig_set;
struct sig_worker;
struct packet;
struct app_conn;

/* One loaded file's outcome, for `vigil rules check` and the run's summary. */
struct sig_reason_count {
    char *reason;
    unsigned count;
};

struct sig_file_report {
    const char *path;
    unsigned rules;            /* enabled rules met */
    unsigned loaded;
    unsigned skipped;          /* well-formed, with something Vigil does not support */
    unsigned errors;           /* malformed: one line each on the error stream */
    size_t n_reasons;
    struct sig_reason_count *reasons;  /* skipped and error reasons, grouped */
};

/* Called once per rule file after it is read. */
typedef void (*sig_file_fn)(void *ctx, const struct sig_file_report *r);

/* errors may be NULL (no per-rule error lines). The caller frees the set with
 * sig_set_free(); NULL when out of memory. */
struct sig_set *sig_set_new(FILE *errors);
void sig_set_free(struct sig_set *s);

/* Where compiled prefilter databases are cached between runs (Suricata's
 * sgh-mpm-caching); NULL: none. sig_set_new sets the default:
 * $VIGIL_RULES_CACHE ("off" for none), else $XDG_CACHE_HOME/vigil/hs, else
 * $HOME/.cache/vigil/hs. false: out of memory. */
bool sig_set_cache_dir(struct sig_set *s, const char *dir);

/* A vars file: `NAME: "value"` or `NAME=value` lines (address-groups and
 * port-groups of suricata.yaml), `classification.config` and
 * `reference.config`. Each replaces or adds to the defaults. */
bool sig_set_load_vars(struct sig_set *s, const char *path, char *err, size_t errlen);
bool sig_set_load_classification(struct sig_set *s, const char *path, char *err, size_t errlen);
bool sig_set_load_reference(struct sig_set *s, const char *path, char *err, size_t errlen);

/* A rule file, or a directory walked for *.rules files (sorted). The
 * directory's own classification.config, reference.config and vars file
 * (vars.yaml) are read first when present. false: the path cannot be read. */
bool sig_set_load_path(struct sig_set *s, const char *path, sig_file_fn cb, void *ctx, char *err,
                       size_t errlen);
/* Parses one rule text; for tests and the fuzzer. 0 loaded, 1 skipped, -1 error. */
int sig_set_add_rule(struct sig_set *s, const char *text, const char *file, unsigned line, char *why,
                     size_t whylen);

struct sig_load_summary {
    unsigned files, rules, loaded, skipped, errors;
};
/* Loads every path and compiles: what --rules does. Malformed rules are
 * reported one line each on `errors` and left out; NULL when a path cannot
 * be read (err says which). The caller frees the set with sig_set_free(). */
struct sig_set *sig_set_load_all(const char *const *paths, size_t n, FILE *errors, struct sig_load_summary *sum,
                                 char *err, size_t errlen);

/* Builds the prefilters; after it the set is read-only. */
bool sig_set_compile(struct sig_set *s, char *err, size_t errlen);
size_t sig_set_count(const struct sig_set *s);

struct detect_sink;

/* Alerts leave through sink (the worker's detector sink, detect/sink-t.h),
 * which must outlive the matcher. The caller frees it with sig_worker_free()
 * (before s); NULL when out of memory. */
struct sig_worker *sig_worker_new(const struct sig_set *s, const struct detect_sink *sink);
void sig_worker_free(struct sig_worker *w);

/* What the matcher needs of a packet's flow. */
struct sig_flow_info {
    uint64_t flow_id;           /* 0: no flow */
    bool to_server;             /* from the originator */
    bool established;
    /* Fills a struct app_conn, only when an alert needs it. */
    void (*fill_conn)(const void *flow_ctx, struct app_conn *out);
    const void *flow_ctx;
    /* Streams: the packet whose arrival delivered the bytes, when there is
     * one (an alert's EVE `packet`); NULL at a flush. */
    const struct packet *pkt;
    /* The flow's payload is encrypted (past the TLS handshake): content
     * rules are not matched on its packets, as Suricata's no-inspection. */
    bool payload_encrypted;
    /* The parser the flow was given ("smb", "dce_rpc"...), NULL not known yet. */
    const char *app_proto;
};

void sig_packet(struct sig_worker *w, const struct packet *pkt, const struct sig_flow_info *fi);
/* The addresses and ports of a stream chunk, in its direction, and where
 * the chunk starts in that direction's bytes. */
struct sig_endpoints {
    struct ip_addr src, dst;
    uint16_t sp, dp;
    uint64_t offset;
};
/* Stream bytes inspected per direction, Suricata's default
 * stream.reassembly.depth (1 MiB): payload rules never see what follows
 * (SMB excepted, as Suricata's smb stream-depth 0). */
#define SIG_STREAM_DEPTH (1u << 20)
/* In-order stream bytes of one direction of a TCP connection. */
void sig_stream(struct sig_worker *w, const struct sig_flow_info *fi, const struct sig_endpoints *ends, int64_t ts_us,
                const uint8_t *p, size_t n);
void sig_transaction(struct sig_worker *w, const struct app_conn *c, enum event_kind kind, const void *txn, int64_t ts_us);

/* What matches left on a flow, for its EVE flow event: whether a rule
 * alerted, and its flowbits named traffic/id/NAME and traffic/label/NAME
 * (Suricata's `traffic` object: NAME in `id` or `label`). */
#define SIG_MAX_TRAFFIC_TAGS 8
struct sig_flow_tags {
    bool alerted;
    unsigned n_ids, n_labels;
    const char *ids[SIG_MAX_TRAFFIC_TAGS], *labels[SIG_MAX_TRAFFIC_TAGS];
};
void sig_flow_tags(struct sig_worker *w, uint64_t flow_id, struct sig_flow_tags *out);

struct sig_stats {
    uint64_t candidates, alerts;
};
void sig_worker_stats(const struct sig_worker *w, struct sig_stats *st);

#endif
