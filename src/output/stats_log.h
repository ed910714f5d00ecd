/* stats.log: what the sensor itself went through. Zeek's Stats::Info
 * columns (policy/misc/stats.zeek), in its order, then Vigil's own loss
 * counters; `live` writes a row every interval, at once when a log starts
 * or stops failing, and at exit.
 *
 * Zeek's conventions: `mem` and `pkt_lag` are levels at the row's time;
 * every other count is the change since the previous row. Vigil's
 * `log_lines_lost_total` is the running total, so that a row written after
 * rows were themselves lost (a full disk) still tells the whole loss.
 *
 * Adding a counter: one value in enum stats_counter (or, per worker, in
 * enum stats_worker_counter), one line in the column table of stats_log.c
 * (or the worker table), and the collector (cli/live_stats.c) filling it. */
#ifndef VIGIL_OUTPUT_STATS_LOG_H
#define VIGIL_OUTPUT_STATS_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "output/output.h"

enum stats_counter {
    STATS_MEM_MB,          /* resident memory, MB (a level) */
    STATS_PKT_LAG_US,      /* wall clock minus the last packet's time (a level) */
    /* running totals since the start: a row shows the change */
    STATS_PKTS_PROC,       /* packets analysed */
    STATS_BYTES_RECV,      /* their captured bytes */
    STATS_PKTS_DROPPED,    /* libpcap: dropped for lack of buffer space (ps_drop) */
    STATS_PKTS_LINK,       /* libpcap: received by the filter (ps_recv) */
    STATS_PKTS_IF_DROPPED, /* libpcap: dropped by the interface or its driver (ps_ifdrop) */
    STATS_LOG_LINES_LOST,  /* log lines lost to write errors (a full disk, a refused file) */
    STATS_FLOWS_LOGGED,    /* connections ended and logged (conn.log rows) */
    STATS_COUNTERS
};

/* Per worker (AF_PACKET: per capture ring, the ring being the worker's),
 * running totals: a row shows the change, one vector item per worker. */
enum stats_worker_counter {
    STATS_WORKER_PKTS,     /* packets the ring delivered to the worker */
    STATS_WORKER_BYTES,    /* their captured bytes */
    STATS_WORKER_DROPPED,  /* packets the kernel dropped because the ring was full (tp_drops) */
    STATS_WORKER_COUNTERS
};
#define STATS_MAX_WORKERS 64

#define STATS_MAX_FAILING_LOGS 64

struct stats_sample {
    int64_t wall_us;                       /* the row's ts */
    uint64_t value[STATS_COUNTERS];
    bool known[STATS_COUNTERS];            /* false: the column is unset (`-`) */
    const char *failing_logs[STATS_MAX_FAILING_LOGS];  /* logs failing now, by file name */
    size_t n_failing;
    unsigned n_workers;                    /* 0: no per-worker counters (the vectors are unset) */
    uint64_t worker[STATS_WORKER_COUNTERS][STATS_MAX_WORKERS];
};

struct stats_log;

/* NULL when out of memory. Free it after output_close (the log file refers
 * to its schema until then). */
struct stats_log *stats_log_new(struct output *o);
/* Appends one row and writes it out at once. */
void stats_log_write(struct stats_log *s, const struct stats_sample *now);
void stats_log_free(struct stats_log *s);

#endif
