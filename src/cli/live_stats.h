/* live's stats.log rows (output/stats_log.h): gathered from the session's
 * counters, libpcap's and the output's, written every interval, at once
 * when a log starts or stops failing or the capture starts dropping, and
 * at exit. */
#ifndef VIGIL_CLI_LIVE_STATS_H
#define VIGIL_CLI_LIVE_STATS_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "capture/capture.h"
#include "output/output.h"
#include "output/stats_log.h"

/* A row a minute, as operators of a 10 Gbit/s link want their loss told
 * (issue #18); Zeek's Stats::report_interval is 5 minutes. */
#define LIVE_STATS_DEFAULT_INTERVAL_S 60

/* What the session counted itself. */
struct live_counts {
    uint64_t packets, bytes;
    int64_t last_packet_us;   /* 0: no packet yet */
    uint64_t flows;           /* connections logged */
};

struct live_stats {
    struct stats_log *log;
    struct output *out;
    struct capture *capture;
    unsigned interval_s;
    bool started;
    struct timespec last_row, last_drop_note;
    const char *failing[STATS_MAX_FAILING_LOGS];  /* the failing logs after the last row */
    size_t n_failing;
    uint64_t drops_noted;                         /* capture drops already said on stderr */
};

/* false when out of memory. */
bool live_stats_open(struct live_stats *ls, struct output *out, struct capture *capture, unsigned interval_s);
/* At every idle call of the capture loop; final: the last row, at exit. */
void live_stats_tick(struct live_stats *ls, const struct live_counts *c, bool final);
/* After output_close. */
void live_stats_close(struct live_stats *ls);

#endif
