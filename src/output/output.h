/* output/: every log Vigil writes. One `struct output` per run owns the files;
 * each worker has its own `struct output_worker` that buffers whole lines and
 * appends them to the shared files under a lock, so lines are never torn or
 * interleaved, whatever the number of workers. */
#ifndef VIGIL_OUTPUT_OUTPUT_H
#define VIGIL_OUTPUT_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "flow/conn_record-t.h"

enum output_format {
    OUTPUT_ZEEK_TSV = 1 << 0,   /* conn.log ... with #fields/#types headers */
    OUTPUT_ZEEK_JSON = 1 << 1,  /* conn.log ... as JSON lines, Zeek's field names */
    OUTPUT_EVE = 1 << 2,        /* eve.json, Suricata's event types */
    /* EVE fields Suricata writes only when its yaml asks for them: */
    OUTPUT_EVE_TLS_EXTENDED = 1 << 3,   /* tls certificate/chain (also the client's), base64 DER */
    OUTPUT_EVE_EMAIL_EXTENDED = 1 << 4, /* email subject_md5/body_md5 */
    OUTPUT_EVE_DNS_V2 = 1 << 5,         /* dns events in Suricata 7's version 2 format (default: 8's version 3) */
    /* Zeek JSON times as Zeek's JSON::TS_ISO8601 ("2024-03-04T09:00:00.115883Z") */
    OUTPUT_ZEEK_JSON_ISO8601 = 1 << 6,
    /* EVE alert: the inspected bytes (payload, payload_printable, stream), as
     * Suricata's eve-log alert `payload: yes` + `payload-printable: yes` */
    OUTPUT_EVE_ALERT_PAYLOAD = 1 << 7,
    OUTPUT_EVE_ALERT_PACKET = 1 << 8,   /* EVE alert: the frame (packet, packet_info), `packet: yes` */
    /* EVE decode anomalies: the frame's first 32 bytes (packet, packet_info), anomaly `packethdr: yes` */
    OUTPUT_EVE_ANOMALY_PACKETHDR = 1 << 20,
    /* EVE pcap_cnt, the packet's number in the capture files (read, not live, as Suricata) */
    OUTPUT_EVE_PCAP_CNT = 1 << 12,
    /* EVE dhcp as Suricata's `extended: yes`: every message, all fields (default: ACKs, basic fields) */
    OUTPUT_EVE_DHCP_EXTENDED = 1 << 13,
};

struct output;
struct output_worker;

/* Creates DIR if needed. Files are opened lazily on their first line, so a
 * run writes only the logs it has something for (as Zeek does).
 * On error returns NULL and a one-line reason in err. The caller closes and
 * frees it with output_close() (workers still attached are flushed and
 * detached first). */
struct output *output_open(const char *dir, unsigned formats, char *err, size_t errlen);
/* Flushes, writes the Zeek #close footers, closes every file. 0 or -1 (err set). */
int output_close(struct output *o, char *err, size_t errlen);

/* A worker writing into o; the caller frees it with output_worker_free(),
 * before or after output_close. NULL when o is NULL or out of memory. */
struct output_worker *output_worker_new(struct output *o);
void output_worker_flush(struct output_worker *w);
void output_worker_free(struct output_worker *w); /* flushes first */

/* The EVE lines of flow flow_id's transactions that waited for an ack
 * (struct app_conn's ack_dir, ack_wait) of direction dir up to relative
 * sequence up_to go out with pcap_cnt packet_number; dir 0 with
 * packet_number 0: the flow ended, every one goes (flow app_hooks.acked). */
void output_eve_acked(struct output_worker *w, uint64_t flow_id, uint8_t dir, uint32_t up_to,
                      uint64_t packet_number);

/* Every held EVE line goes out now, with the number of the packet that
 * carried its data (before output_worker_free, when flows were not all ended). */
void output_eve_release_all(struct output_worker *w);

void output_conn(struct output_worker *w, const struct conn_record *c);
void output_weird(struct output_worker *w, const struct weird_record *r);

/* Counters for the end-of-run report. Safe to call while workers run. */
struct output_stats {
    uint64_t lines_written;   /* lines that reached a file */
    uint64_t lines_dropped;   /* longer than the line cap, or lost to a write error */
    uint64_t bad_rows;        /* Zeek rows with a missing or extra value (a caller bug) */
};
void output_get_stats(struct output *o, struct output_stats *st);

/* --- the files themselves (live runs) ---
 * Every log is opened with O_NOFOLLOW (a planted symlink is refused, not
 * followed), must be a regular file, and is created 0640. A write that
 * fails (a full disk) leaves whole lines only: the file is cut back to its
 * last newline, the lost lines are counted, stderr says so at once, and the
 * next flush tries again. */
struct output_files {
    bool append;            /* never truncate a log that exists (a restart keeps the last run's lines) */
    unsigned rotate_s;      /* > 0: archive every log each rotate_s seconds, Zeek's names */
    bool compress;          /* gzip archived logs (in the background) */
};
void output_set_files(struct output *o, const struct output_files *opt);

/* How weirds are written (output/anomaly_events.h, loaded by the caller
 * before the workers start): which get a weird.log row, and Suricata's
 * names for the EVE anomaly. The output takes ownership. Without one, every
 * weird goes to weird.log and to EVE under its own name. */
struct anomaly_events;
void output_set_anomaly_events(struct output *o, struct anomaly_events *names);
/* Rotates when the interval is up (call it at least once a second). */
void output_rotate_if_due(struct output *o, time_t now);
/* Closes every open log (Zeek footer written); each is opened again, under
 * its name, at its next line: what logrotate's postrotate asks with SIGHUP. */
void output_reopen(struct output *o);
/* Lines lost to write errors so far (for the summary, and the exit status). */
uint64_t output_lines_lost(struct output *o);
/* The file names of the logs failing now (their last write or open
 * failed), at most max of them; the names live until output_close. */
size_t output_failing_logs(struct output *o, const char **names, size_t max);

/* --- Kafka (output/kafka.h) ---
 * Every JSON line is also sent to k: Zeek logs as Zeek JSON even when the
 * files are TSV (that JSON is then rendered for Kafka alone), and eve.json.
 * Call before the first worker; o takes ownership of k. */
struct kafka_out;
struct kafka_stats;
void output_set_kafka(struct output *o, struct kafka_out *k);
/* Waits (bounded by the flush timeout) until every line so far is
 * delivered; Kafka stays attached (the last stats.log row goes after). */
void output_kafka_flush(struct output *o);
/* Flushes Kafka (bounded wait), detaches and frees it; later lines go to
 * the files only. final: its last counters. Idempotent; output_close does
 * it too. */
void output_kafka_close(struct output *o, struct kafka_stats *final);
/* The Kafka counters, live or (after output_kafka_close) final; false when
 * the run has no Kafka output. */
bool output_kafka_stats(struct output *o, struct kafka_stats *st);

#endif
