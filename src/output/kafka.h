/* The Kafka output (librdkafka): every JSON line the run writes (Zeek logs
 * as Zeek JSON, eve.json) is also a message on topic PREFIX + log name
 * (`vigil.conn`, `vigil.dns`, ..., `vigil.eve`).
 *
 * Keys and partitions: a message's key is its connection's Community ID,
 * else its uid, else it has none. Zeek logs are partitioned by the
 * originator (`id.orig_h`): partition = FNV-1a-32(the address as written)
 * mod the topic's partitions, so one flow's records, and every record of
 * one client (its DNS queries, its connections, their names), share a
 * partition number in every topic: what `vigil hunt --kafka` needs, since
 * behaviour state is per client and pair. Other lines (eve.json, rows
 * without an originator) go by librdkafka's default partitioner on the key.
 *
 * Delivery: librdkafka's in-memory queue is bounded (queue.buffering.max.*);
 * a message it refuses (queue full) or fails to deliver (brokers down past
 * message.timeout.ms) goes to the disk spool (output/kafka_spool.h) when
 * one is configured, and is sent again once a delivery succeeds; beyond
 * the spool's cap, or with no spool, it is dropped and counted. A service
 * thread of the context polls delivery reports and drains the spool.
 * kafka_out_close waits a bounded time for everything, then counts what was
 * not delivered (and spools what it can for the next run). */
#ifndef VIGIL_OUTPUT_KAFKA_H
#define VIGIL_OUTPUT_KAFKA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define KAFKA_DEFAULT_PREFIX "vigil."
#define KAFKA_DEFAULT_FLUSH_TIMEOUT_MS 10000
#define KAFKA_DEFAULT_SPOOL_MAX (1024ull * 1024 * 1024)

struct kafka_options {
    const char *brokers;           /* bootstrap.servers */
    const char *topic_prefix;      /* NULL: KAFKA_DEFAULT_PREFIX */
    const char *spool_dir;         /* NULL: no spool (undeliverable messages are dropped) */
    uint64_t spool_max;            /* bytes; 0: KAFKA_DEFAULT_SPOOL_MAX */
    unsigned flush_timeout_ms;     /* at close; 0: KAFKA_DEFAULT_FLUSH_TIMEOUT_MS */
    /* librdkafka settings (`key=value`) applied after Vigil's own defaults;
     * borrowed for kafka_out_open */
    const char *const *settings;
    size_t n_settings;
};

struct kafka_stats {
    uint64_t produced;     /* lines handed to Kafka (spooled ones counted once) */
    uint64_t delivered;    /* acknowledged by the brokers */
    uint64_t spooled;      /* written to the disk spool (a message may be spooled more than once) */
    uint64_t dropped;      /* lost: the spool full or absent, or not delivered by the end */
    uint64_t queued;       /* a level: in librdkafka's queue now */
    uint64_t spool_bytes;  /* a level: waiting in the spool now */
};

struct kafka_out;

/* Connects lazily (an unreachable broker is not an error here, a bad
 * setting or broker list is). NULL and a one-line reason in err. */
struct kafka_out *kafka_out_open(const struct kafka_options *opt, char *err, size_t errlen);
/* One line (without its newline) of log `log` ("conn", "eve"); key: the
 * Community ID or uid, or NULL; host_hint: kafka_host_hint of the
 * originator, 0 for none. Thread-safe; never blocks. */
void kafka_out_line(struct kafka_out *k, const char *log, const char *line, size_t len, const char *key,
                    uint32_t host_hint);
/* Thread-safe. */
void kafka_out_get_stats(struct kafka_out *k, struct kafka_stats *st);
/* Waits up to the flush timeout for every message, counts the rest as
 * dropped (or leaves them in the spool), frees. final: the last counters. */
void kafka_out_close(struct kafka_out *k, struct kafka_stats *final);

#endif
