/* What the files of output/ share and nobody else should see: the log
 * registry, the per-worker buffers and the row state. */
#ifndef VIGIL_OUTPUT_OUTPUT_INTERNAL_H
#define VIGIL_OUTPUT_OUTPUT_INTERNAL_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "output/kafka.h"
#include "output/output.h"
#include "output/zeek_log.h"
#include "proto/conn-t.h"
#include "util/buf.h"
#include "util/json.h"

/* Max distinct log files one run writes (every Zeek log twice + eve.json). */
#define OUTPUT_MAX_LOGS 64
/* A worker's buffer is written out once it holds this much. */
#define OUTPUT_FLUSH_BYTES (64 * 1024)
/* Longest line accepted; longer ones are dropped and counted (attacker
 * controlled fields must not grow a buffer without bound). */
#define OUTPUT_MAX_LINE (4 * 1024 * 1024)

enum log_kind {
    LOG_ZEEK_TSV,
    LOG_ZEEK_JSON,
    LOG_EVE,
};

struct log_file {
    enum log_kind kind;
    const struct zeek_schema *schema; /* NULL for eve.json */
    char name[96];                    /* file name inside the output dir */
    pthread_mutex_t lock;             /* serialises open, writes, close */
    int fd;                           /* -1 until the first line, and after a rotation or reopen */
    int error;                        /* first errno of the run (or LOG_REFUSED_*); 0 while never failed */
    const char *error_op;             /* "open", "write", "close" */
    bool failing;                     /* the last attempt failed; said once on stderr */
    bool opened_before;               /* truncated (read) only at its first open of the run */
    time_t opened;                    /* wall clock of the open: the start of its archive name */
    uint64_t lines;
    uint64_t lost;                    /* lines lost to errors over the run */
    uint64_t lost_since_failing;
    bool kafka_only;                  /* Zeek JSON rendered for Kafka alone: no file */
};

struct worker_log {
    struct log_file *file;
    struct buf buf;
    uint64_t pending_lines;
};

struct zrow {
    struct output_worker *worker;
    const struct zeek_schema *schema;
    struct worker_log *tsv, *json;
    size_t tsv_start, json_start;
    size_t field;          /* index of the next field to write */
    size_t json_members;
    size_t list_items;
    bool active;
    bool in_list;
    bool list_skipped;     /* the list's field was beyond the schema */
    bool bad;              /* wrong number of values, or misuse */
    const struct app_conn *conn; /* the row's connection (zrow_conn_id, zrow_for_conn), borrowed for the
                                  * row: its Kafka key and partition */
};

struct output_worker {
    struct output *o;
    struct output_worker *next_worker;
    struct worker_log logs[OUTPUT_MAX_LOGS];
    size_t n_logs;
    struct zrow row;
    struct worker_log *eve_log;
    struct json_writer eve;
    size_t eve_start;
    bool eve_active;
    /* EVE lines held until the ack of the data that completed their
     * transaction (eve_hold.c), in the order they were written */
    struct eve_held **held;
    size_t n_held, cap_held, held_bytes;
    bool hold_next;            /* the event being written is held at eve_end */
    uint8_t hold_dir;
    uint32_t hold_ack_wait;
    uint64_t hold_conn_flow_id, hold_carried_by;
};

struct output {
    char dir[4096];
    unsigned formats;
    bool to_stdout;        /* -o -: eve.json on standard output, no directory */
    pthread_mutex_t lock;  /* guards files[], workers and the counters */
    struct log_file *files[OUTPUT_MAX_LOGS];
    size_t n_files;
    struct output_worker *workers;
    uint64_t bad_rows;
    uint64_t dropped_lines;
    struct output_files files_opt;  /* append, rotation, compression */
    time_t next_rotation;           /* 0: no rotation */
    struct log_archiver *archiver;  /* compressing the last rotation's files */
    struct kafka_out *kafka;        /* NULL: no Kafka output (now); owned */
    bool kafka_closed;              /* kafka_final holds the counters of the closed one */
    struct kafka_stats kafka_final;
    struct anomaly_events *anomaly_events; /* owned; read-only once workers run; NULL: names as raised */
};

/* The worker's buffer for one log, registering the log on first use; NULL
 * when the registry is full. `schema` is NULL for eve.json. Points into w:
 * valid while w lives. */
struct worker_log *output_worker_log(struct output_worker *w, const struct zeek_schema *schema,
                                     enum log_kind kind);
/* Called after a line (ending in '\n') was appended from line_start on:
 * drops it if the buffer overflowed, flushes when the buffer is full. */
void output_worker_commit(struct output_worker *w, struct worker_log *l, size_t line_start);
void output_count_bad_row(struct output_worker *w);

/* eve_hold.c: eve_hold_begin marks the event being written (after its
 * header) as waiting for c's ack, when c says so and pcap_cnt is written;
 * eve_hold_take keeps that finished line (true) instead of committing it;
 * the oldest held line goes out with its carrying packet's number. */
void eve_hold_begin(struct output_worker *w, const struct app_conn *c);
bool eve_hold_take(struct output_worker *w);
void eve_hold_release_oldest(struct output_worker *w);

/* log_file.c: opens the file on first use, appends whole lines (a failed
 * write leaves none torn, counts the lost ones, says so on stderr once per
 * failure episode). Takes f->lock itself. */
void log_file_append(struct output *o, struct log_file *f, const char *p, size_t n, uint64_t lines);
/* Closes every log (footers written, last rotation archived); -1 and the
 * first failing log in err when any lost lines (the others on stderr). */
int log_files_finish(struct output *o, char *err, size_t errlen);
struct log_archiver;

/* "2026-11-27-18-38-28", local time, as Zeek's #open/#close. */
size_t zeek_format_wall_time(char *out, size_t n, time_t t);
/* The TSV header of a log, ending with the #types line. */
void zeek_write_tsv_header(struct buf *b, const struct zeek_schema *s, time_t opened);

extern const struct zeek_schema zeek_conn_schema;
extern const struct zeek_schema zeek_weird_schema;

/* conn.log/weird.log rows and their EVE counterparts. */
void zeek_write_conn(struct output_worker *w, const struct conn_record *c);
void zeek_write_weird(struct output_worker *w, const struct weird_record *r);
void eve_write_flow(struct output_worker *w, const struct conn_record *c);
/* r's EVE anomaly, under Suricata's name when as (its row of the run's
 * anomaly_events) is not NULL. */
struct anomaly_event;
void eve_write_anomaly(struct output_worker *w, const struct weird_record *r, const struct anomaly_event *as);

#endif
