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
 * Delivery: librdkafka's in-memory queue is bounded (queue.buffering.max.*).
 * A line that finds it full waits for room while the brokers answer (the
 * queue_wait_ms bound: `read` waits long, so a file never loses a line to a
 * slow broker; `live` briefly, so a worker never stalls its ring); a wait
 * that runs out marks the queue congested, and until it is half empty again
 * lines do not wait. A message that still finds no room, or that fails to
 * deliver (brokers down past message.timeout.ms), goes to the disk spool
 * (output/kafka_spool.h) when one is configured, and is sent again once a
 * delivery succeeds; beyond the spool's cap, or with no spool, it is
 * dropped and counted. A service thread of the context polls delivery
 * reports and drains the spool. kafka_out_close waits a bounded time for
 * everything, then counts what was not delivered (and spools what it can
 * for the next run). */
#ifndef VIGIL_OUTPUT_KAFKA_H
#define VIGIL_OUTPUT_KAFKA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define KAFKA_DEFAULT_PREFIX "vigil."
#define KAFKA_DEFAULT_FLUSH_TIMEOUT_MS 10000
#define KAFKA_DEFAULT_SPOOL_MAX (1024ull * 1024 * 1024)
/* How long a line waits for room in a full queue while the brokers answer:
 * `read` as long as librdkafka's own delivery deadline (message.timeout.ms,
 * 30 s by default: past it the brokers are not answering), `live` no longer
 * than its rings ride out (a 64 MiB ring holds about half a second at
 * 1 Gbit/s). */
#define KAFKA_READ_QUEUE_WAIT_MS 30000
#define KAFKA_LIVE_QUEUE_WAIT_MS 20

struct kafka_options {
    const char *brokers;           /* bootstrap.servers */
    const char *topic_prefix;      /* NULL: KAFKA_DEFAULT_PREFIX */
    const char *spool_dir;         /* NULL: no spool (undeliverable messages are dropped) */
    uint64_t spool_max;            /* bytes; 0: KAFKA_DEFAULT_SPOOL_MAX */
    unsigned flush_timeout_ms;     /* at close; 0: KAFKA_DEFAULT_FLUSH_TIMEOUT_MS */
    unsigned queue_wait_ms;        /* a full queue: KAFKA_READ_QUEUE_WAIT_MS or KAFKA_LIVE_QUEUE_WAIT_MS; 0: no wait */
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
    uint64_t waited;       /* lines that waited for room in a full queue */
    uint64_t queued;       /* a level: in librdkafka's queue now */
    uint64_t spool_bytes;  /* a level: waiting in the spool now */
};

struct kafka_out;

/* Connects lazily (an unreachable broker is not an error here, a bad
 * setting or broker list is). NULL and a one-line reason in err. The caller
 * closes it with kafka_out_close(). */
struct kafka_out *kafka_out_open(const struct kafka_options *opt, char *err, size_t errlen);
/* One line (without its newline) of log `log` ("conn", "eve"); key: the
 * Community ID or uid, or NULL; host_hint: kafka_host_hint of the
 * originator, 0 for none. Thread-safe; blocks at most queue_wait_ms (a
 * full queue, brokers answering). */
void kafka_out_line(struct kafka_out *k, const char *log, const char *line, size_t len, const char *key,
                    uint32_t host_hint);
/* Thread-safe. */
void kafka_out_get_stats(struct kafka_out *k, struct kafka_stats *st);
/* Waits until every message so far is delivered (the queue and the spool
 * empty), at most until the flush deadline: the flush timeout from the
 * first call of this or kafka_out_close; past it, what is still queued is
 * spooled or counted as dropped, so the counters are final. Lines may still
 * be sent after it (the run's last stats.log row), with what is left of the
 * flush timeout. */
void kafka_out_flush(struct kafka_out *k);
/* Waits, as kafka_out_flush, for every message, counts the rest as
 * dropped (or leaves them in the spool), frees. final: the last counters. */
void kafka_out_close(struct kafka_out *k, struct kafka_stats *final);

#endif
