#include "cli/live_stats.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Drops are said on stderr at most this often (an overloaded link drops
 * all the time; one line per burst is enough, stats.log has the rest). */
#define DROP_NOTE_INTERVAL_S 10

static double seconds_between(const struct timespec *a, const struct timespec *b)
{
    return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

static int64_t wall_us(void)
{
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    return (int64_t)t.tv_sec * 1000000 + t.tv_nsec / 1000;
}

/* Resident memory in MB, as Zeek's `mem`; false when /proc cannot say. */
static bool resident_mb(uint64_t *mb)
{
    FILE *f = fopen("/proc/self/statm", "re");
    if (f == NULL)
        return false;
    unsigned long long size, resident;
    bool ok = fscanf(f, "%llu %llu", &size, &resident) == 2;
    fclose(f);
    long page = sysconf(_SC_PAGESIZE);
    if (ok && page > 0)
        *mb = resident * (uint64_t)page / (1024 * 1024);
    return ok && page > 0;
}

static void set(struct stats_sample *s, enum stats_counter k, uint64_t v)
{
    s->value[k] = v;
    s->known[k] = true;
}

static void sample(struct live_stats *ls, const struct live_counts *c, struct stats_sample *s)
{
    memset(s, 0, sizeof *s);
    s->wall_us = wall_us();
    uint64_t mb;
    if (resident_mb(&mb))
        set(s, STATS_MEM_MB, mb);
    if (c->last_packet_us > 0 && s->wall_us >= c->last_packet_us)
        set(s, STATS_PKT_LAG_US, (uint64_t)(s->wall_us - c->last_packet_us));
    set(s, STATS_PKTS_PROC, c->packets);
    set(s, STATS_BYTES_RECV, c->bytes);
    if (ls->capture) {
        struct capture_stats cs;
        capture_get_stats(ls->capture, &cs);
        set(s, STATS_PKTS_DROPPED, cs.dropped);
        set(s, STATS_PKTS_LINK, cs.received);
        set(s, STATS_PKTS_IF_DROPPED, cs.if_dropped);
        s->n_workers = cs.n_rings < STATS_MAX_WORKERS ? cs.n_rings : STATS_MAX_WORKERS;
        for (unsigned i = 0; i < s->n_workers; i++) {
            s->worker[STATS_WORKER_PKTS][i] = cs.ring_packets[i];
            s->worker[STATS_WORKER_BYTES][i] = cs.ring_bytes[i];
            s->worker[STATS_WORKER_DROPPED][i] = cs.ring_drops[i];
        }
    }
    set(s, STATS_FLOWS_LOGGED, c->flows);
    set(s, STATS_LOG_LINES_LOST, output_lines_lost(ls->out));
    s->n_failing = output_failing_logs(ls->out, s->failing_logs, STATS_MAX_FAILING_LOGS);
}

static bool failing_changed(const struct live_stats *ls, const struct stats_sample *s)
{
    if (s->n_failing != ls->n_failing)
        return true;
    for (size_t i = 0; i < s->n_failing; i++)
        if (s->failing_logs[i] != ls->failing[i])
            return true;
    return false;
}

/* A new burst of capture drops: one line on stderr, and true (a row now). */
static bool note_new_drops(struct live_stats *ls, const struct stats_sample *s, const struct timespec *now)
{
    uint64_t drops = s->value[STATS_PKTS_DROPPED] + s->value[STATS_PKTS_IF_DROPPED];
    if (drops <= ls->drops_noted || seconds_between(&ls->last_drop_note, now) < DROP_NOTE_INTERVAL_S)
        return false;
    fprintf(stderr, "vigil: capture: %llu packets dropped so far (%llu in the kernel's buffers, %llu by the interface)\n",
            (unsigned long long)drops, (unsigned long long)s->value[STATS_PKTS_DROPPED],
            (unsigned long long)s->value[STATS_PKTS_IF_DROPPED]);
    ls->drops_noted = drops;
    ls->last_drop_note = *now;
    return true;
}

bool live_stats_open(struct live_stats *ls, struct output *out, struct capture *capture, unsigned interval_s)
{
    memset(ls, 0, sizeof *ls);
    ls->out = out;
    ls->capture = capture;
    ls->interval_s = interval_s ? interval_s : LIVE_STATS_DEFAULT_INTERVAL_S;
    ls->log = stats_log_new(out);
    return ls->log != NULL;
}

void live_stats_tick(struct live_stats *ls, const struct live_counts *c, bool final)
{
    if (ls->log == NULL)
        return;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    struct stats_sample s;
    sample(ls, c, &s);
    bool drops = ls->capture && note_new_drops(ls, &s, &now);
    bool due = !ls->started || final || seconds_between(&ls->last_row, &now) >= ls->interval_s;
    if (!due && !drops && !failing_changed(ls, &s))
        return;
    stats_log_write(ls->log, &s);
    ls->started = true;
    ls->last_row = now;
    /* what failing looks like after this row's own write: a change from here on is news */
    ls->n_failing = output_failing_logs(ls->out, ls->failing, STATS_MAX_FAILING_LOGS);
}

void live_stats_close(struct live_stats *ls)
{
    stats_log_free(ls->log);
    ls->log = NULL;
}
