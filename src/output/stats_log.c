#include "output/stats_log.h"

#include <stdlib.h>

#include "output/kafka.h"
#include "output/zeek_log.h"

enum column_value {
    COLUMN_UNSET,   /* a Zeek column Vigil has no counter for */
    COLUMN_LEVEL,   /* the counter as it is */
    COLUMN_CHANGE,  /* the counter minus its value at the previous row */
};

struct stats_column {
    struct zeek_field field;
    enum column_value value;
    enum stats_counter counter;
};

/* Between ts/peer and failing_logs, in Zeek's order, then Vigil's own. */
static const struct stats_column columns[] = {
    {{"mem", ZEEK_COUNT}, COLUMN_LEVEL, STATS_MEM_MB},
    {{"pkts_proc", ZEEK_COUNT}, COLUMN_CHANGE, STATS_PKTS_PROC},
    {{"bytes_recv", ZEEK_COUNT}, COLUMN_CHANGE, STATS_BYTES_RECV},
    {{"pkts_dropped", ZEEK_COUNT}, COLUMN_CHANGE, STATS_PKTS_DROPPED},
    {{"pkts_link", ZEEK_COUNT}, COLUMN_CHANGE, STATS_PKTS_LINK},
    {{"pkt_lag", ZEEK_INTERVAL}, COLUMN_LEVEL, STATS_PKT_LAG_US},
    {{"pkts_filtered", ZEEK_COUNT}, COLUMN_UNSET, 0},
    {{"events_proc", ZEEK_COUNT}, COLUMN_UNSET, 0},
    {{"events_queued", ZEEK_COUNT}, COLUMN_UNSET, 0},
    {{"active_tcp_conns", ZEEK_COUNT}, COLUMN_UNSET, 0},
    {{"active_udp_conns", ZEEK_COUNT}, COLUMN_UNSET, 0},
    {{"active_icmp_conns", ZEEK_COUNT}, COLUMN_UNSET, 0},
    {{"tcp_conns", ZEEK_COUNT}, COLUMN_UNSET, 0},
    {{"udp_conns", ZEEK_COUNT}, COLUMN_UNSET, 0},
    {{"icmp_conns", ZEEK_COUNT}, COLUMN_UNSET, 0},
    {{"timers", ZEEK_COUNT}, COLUMN_UNSET, 0},
    {{"active_timers", ZEEK_COUNT}, COLUMN_UNSET, 0},
    {{"files", ZEEK_COUNT}, COLUMN_UNSET, 0},
    {{"active_files", ZEEK_COUNT}, COLUMN_UNSET, 0},
    {{"dns_requests", ZEEK_COUNT}, COLUMN_UNSET, 0},
    {{"active_dns_requests", ZEEK_COUNT}, COLUMN_UNSET, 0},
    {{"reassem_tcp_size", ZEEK_COUNT}, COLUMN_UNSET, 0},
    {{"reassem_file_size", ZEEK_COUNT}, COLUMN_UNSET, 0},
    {{"reassem_frag_size", ZEEK_COUNT}, COLUMN_UNSET, 0},
    {{"reassem_unknown_size", ZEEK_COUNT}, COLUMN_UNSET, 0},
    /* Vigil's own */
    {{"pkts_if_dropped", ZEEK_COUNT}, COLUMN_CHANGE, STATS_PKTS_IF_DROPPED},
    {{"log_lines_lost", ZEEK_COUNT}, COLUMN_CHANGE, STATS_LOG_LINES_LOST},
    {{"log_lines_lost_total", ZEEK_COUNT}, COLUMN_LEVEL, STATS_LOG_LINES_LOST},
    {{"flows_logged", ZEEK_COUNT}, COLUMN_CHANGE, STATS_FLOWS_LOGGED},
};
/* Last, after the workers' vectors, when the run sends its logs to Kafka (--kafka). */
static const struct stats_column kafka_columns[] = {
    {{"kafka_delivered", ZEEK_COUNT}, COLUMN_CHANGE, STATS_KAFKA_DELIVERED},
    {{"kafka_spooled", ZEEK_COUNT}, COLUMN_CHANGE, STATS_KAFKA_SPOOLED},
    {{"kafka_dropped", ZEEK_COUNT}, COLUMN_CHANGE, STATS_KAFKA_DROPPED},
    {{"kafka_dropped_total", ZEEK_COUNT}, COLUMN_LEVEL, STATS_KAFKA_DROPPED},
    {{"kafka_queued", ZEEK_COUNT}, COLUMN_LEVEL, STATS_KAFKA_QUEUED},
    {{"kafka_spool_bytes", ZEEK_COUNT}, COLUMN_LEVEL, STATS_KAFKA_SPOOL_BYTES},
};
#define N_COLUMNS (sizeof columns / sizeof columns[0])
#define N_KAFKA_COLUMNS (sizeof kafka_columns / sizeof kafka_columns[0])

/* After the scalar columns: one vector per worker counter, item i for worker i. */
static const struct zeek_field worker_columns[STATS_WORKER_COUNTERS] = {
    [STATS_WORKER_PKTS] = {"worker_pkts", ZEEK_VECTOR_COUNT},
    [STATS_WORKER_BYTES] = {"worker_bytes", ZEEK_VECTOR_COUNT},
    [STATS_WORKER_DROPPED] = {"worker_dropped", ZEEK_VECTOR_COUNT},
};

struct stats_log {
    bool kafka;                     /* the kafka_columns follow the workers' */
    struct zeek_field fields[2 + N_COLUMNS + STATS_WORKER_COUNTERS + N_KAFKA_COLUMNS + 1]; /* ts, peer, the columns, failing_logs */
    struct zeek_schema schema;
    struct output_worker *writer;
    uint64_t previous[STATS_COUNTERS];
    uint64_t previous_worker[STATS_WORKER_COUNTERS][STATS_MAX_WORKERS];
};

struct stats_log *stats_log_new(struct output *o)
{
    struct stats_log *s = calloc(1, sizeof *s);
    if (s == NULL)
        return NULL;
    s->writer = output_worker_new(o);
    if (s->writer == NULL) {
        free(s);
        return NULL;
    }
    size_t n = 0;
    s->fields[n++] = (struct zeek_field){"ts", ZEEK_TIME};
    s->fields[n++] = (struct zeek_field){"peer", ZEEK_STRING};
    for (size_t i = 0; i < N_COLUMNS; i++)
        s->fields[n++] = columns[i].field;
    for (size_t i = 0; i < STATS_WORKER_COUNTERS; i++)
        s->fields[n++] = worker_columns[i];
    struct kafka_stats kafka;
    s->kafka = output_kafka_stats(o, &kafka);
    for (size_t i = 0; s->kafka && i < N_KAFKA_COLUMNS; i++)
        s->fields[n++] = kafka_columns[i].field;
    s->fields[n++] = (struct zeek_field){"failing_logs", ZEEK_SET_STRING};
    s->schema = (struct zeek_schema){"stats", s->fields, n, sizeof s->fields[0]};
    return s;
}

static uint64_t change(uint64_t now, uint64_t previous)
{
    return now >= previous ? now - previous : now; /* a counter that restarted */
}

static void write_column(struct zrow *r, const struct stats_column *c, const struct stats_sample *now,
                         const uint64_t *previous)
{
    if (c->value == COLUMN_UNSET || !now->known[c->counter]) {
        zrow_unset(r);
        return;
    }
    uint64_t v = now->value[c->counter];
    if (c->value == COLUMN_CHANGE)
        v = change(v, previous[c->counter]);
    if (c->field.type == ZEEK_INTERVAL)
        zrow_interval(r, (int64_t)v);
    else
        zrow_count(r, v);
}

static void write_worker_column(struct zrow *r, enum stats_worker_counter k, const struct stats_sample *now,
                                const struct stats_log *s)
{
    if (now->n_workers == 0) {
        zrow_unset(r);
        return;
    }
    zrow_list_begin(r);
    for (unsigned i = 0; i < now->n_workers && i < STATS_MAX_WORKERS; i++)
        zrow_item_count(r, change(now->worker[k][i], s->previous_worker[k][i]));
    zrow_list_end(r);
}

void stats_log_write(struct stats_log *s, const struct stats_sample *now)
{
    if (s == NULL)
        return;
    struct zrow *r = zrow_begin(s->writer, &s->schema);
    if (r != NULL) {
        zrow_time(r, now->wall_us);
        zrow_cstr(r, "vigil");
        for (size_t i = 0; i < N_COLUMNS; i++)
            write_column(r, &columns[i], now, s->previous);
        for (int k = 0; k < STATS_WORKER_COUNTERS; k++)
            write_worker_column(r, (enum stats_worker_counter)k, now, s);
        for (size_t i = 0; s->kafka && i < N_KAFKA_COLUMNS; i++)
            write_column(r, &kafka_columns[i], now, s->previous);
        zrow_list_begin(r);
        for (size_t i = 0; i < now->n_failing; i++)
            zrow_item_cstr(r, now->failing_logs[i]);
        zrow_list_end(r);
        zrow_end(r);
    }
    for (int k = 0; k < STATS_COUNTERS; k++)
        if (now->known[k])
            s->previous[k] = now->value[k];
    for (int k = 0; k < STATS_WORKER_COUNTERS; k++)
        for (unsigned i = 0; i < now->n_workers && i < STATS_MAX_WORKERS; i++)
            s->previous_worker[k][i] = now->worker[k][i];
    output_worker_flush(s->writer);
}

void stats_log_free(struct stats_log *s)
{
    if (s == NULL)
        return;
    output_worker_free(s->writer);
    free(s);
}
