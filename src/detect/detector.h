/* detect/detector: what a detector is. One file per detector defines one
 * `struct detector` and core/detectors.c lists it: that line is all detect.c
 * needs to run it. A detector sees finished connections, flows still open
 * and the parsers' transactions, and reports only through the sink it is
 * given (detect/sink.h): it never includes an output/ header.
 *
 * Threads: `open`, `close` and `report` run on the thread that drives the
 * engine; the worker hooks run on one engine worker each, concurrently
 * with the other workers. State shared by the workers (the run state) must
 * be locked by the detector itself. Every hook but `name` may be NULL. */
#ifndef VIGIL_DETECT_DETECTOR_H
#define VIGIL_DETECT_DETECTOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "decode/neighbor-t.h"
#include "detect/sink-t.h"
#include "flow/conn_record-t.h"
#include "proto/event-t.h"

struct app_conn;
struct detect_config;
struct detect_stats;
struct packet;

/* The flow a packet belongs to, as a detector sees it: fill_conn(ctx, out)
 * fills its identity as transactions carry it (uid, 5-tuple, community
 * id), only when the detector reports (most packets raise nothing). The
 * engine fills it from the flow table; borrowed for the call. */
struct detect_flow {
    const void *ctx;
    void (*fill_conn)(const void *ctx, struct app_conn *out);
};

struct detector {
    const char *name;
    /* The run state. *state = NULL with true: the detector is off for this
     * run (its worker hooks are never called). false: setup failed, err set. */
    bool (*open)(const struct detect_config *cfg, void **state, char *err, size_t errlen);
    void (*close)(void *state);
    /* A worker's state (NULL = out of memory); sink is the worker's own,
     * valid until worker_close. */
    void *(*worker_open)(void *state, const struct detect_sink *sink);
    void (*worker_close)(void *worker);
    /* Between packet batches: pick up new detection content (a reload). */
    void (*worker_sync)(void *worker);
    /* A connection ended (its conn.log row was written). */
    void (*conn)(void *worker, const struct conn_record *c);
    /* A connection still open (live, at each report interval). */
    void (*open_conn)(void *worker, const struct conn_record *c);
    /* A link-layer address binding (ARP, IPv6 neighbour discovery). */
    void (*neighbor)(void *worker, int64_t ts_us, const struct neighbor_binding *b, bool ndp);
    /* An ICMP or ICMPv6 echo request or reply (pkt->icmp_type says which;
     * pkt->payload is what follows the echo header's id and sequence), after
     * its flow handled it; flow names the flow. Only while some detector has
     * this hook does the engine look at ICMP packets. */
    void (*icmp_echo)(void *worker, const struct packet *pkt, const struct detect_flow *flow);
    /* A parser's transaction (after its log line was written). */
    void (*transaction)(void *worker, const struct app_conn *c, enum event_kind kind, const void *txn);
    /* Reports what needs the whole run (final: end of input) through the
     * run's sink; now_us is packet time. */
    void (*report)(void *state, const struct detect_sink *sink, int64_t now_us, bool final);
    /* Adds this detector's counters to the run's (detect/stats-t.h); from
     * any thread, so it takes the run state's lock itself. */
    void (*stats)(void *state, struct detect_stats *st);
};

#endif
