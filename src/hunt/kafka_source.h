/* `vigil hunt --kafka BROKERS --group NAME`: the log topics as a source.
 *
 * The hunter joins consumer group NAME on every topic named PREFIX + a log
 * name (vigil.conn, vigil.dns, ..., vigil.eve), with the range assignor, so
 * that partition N of every topic goes to the same member: the Kafka output
 * puts all of one originator's Zeek records in one partition number of
 * every topic (output/kafka.h), hence one pair's, one client's DNS and its
 * connections meet in one hunter. (Topics must have the same partition
 * count for that.) It reads its partitions up to their end as it finds
 * them, writes each record as a line of DIR/<log>.log (eve.json for the
 * EVE topic), and the hunt then runs over DIR as over one folder of logs;
 * disk, not memory, holds them. Offsets are committed as records are read
 * (every 300 ms, and before a rebalance takes a partition away), so the
 * members of a group share the records: each is read by one hunter once.
 * With `members` N, a hunter reads nothing until its share is at most 1/N
 * of each topic's partitions (the range assignor's share with N members),
 * so a group of N hunters started together splits the work instead of the
 * first one reading everything; bounded by wait_ms. */
#ifndef VIGIL_HUNT_KAFKA_SOURCE_H
#define VIGIL_HUNT_KAFKA_SOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct hunt_kafka_options {
    const char *brokers;
    const char *group;
    const char *topic_prefix;          /* NULL: "vigil." */
    const char *const *settings;       /* librdkafka `key=value`, borrowed */
    size_t n_settings;
    unsigned wait_ms;                  /* how long to wait for partitions (0: 15 s), and for the members */
    unsigned members;                  /* wait for a group of this many (0, 1: no wait) */
};

struct hunt_kafka_stats {
    uint64_t records;                  /* messages written to DIR */
    uint64_t partitions;               /* partitions this hunter was given, over the run */
    uint64_t rebalances;
    bool members_missing;              /* the group had fewer than `members` within wait_ms: read anyway */
};

/* Fills DIR (an existing, empty directory). 0, or -1 and a one-line reason
 * in err (bad broker list, brokers unreachable, a write failing). */
int hunt_kafka_fetch(const struct hunt_kafka_options *o, const char *dir, struct hunt_kafka_stats *st, char *err,
                     size_t errlen);

#endif
