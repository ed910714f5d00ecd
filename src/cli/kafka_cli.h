/* The Kafka options of read, live (--kafka and the producer's settings) and
 * hunt (--kafka with --group): their values and help lines. */
#ifndef VIGIL_CLI_KAFKA_CLI_H
#define VIGIL_CLI_KAFKA_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "output/kafka.h"

#define KAFKA_CLI_MAX_SETTINGS 32

enum kafka_cli_option {
    KAFKA_OPT_BROKERS,
    KAFKA_OPT_TOPIC_PREFIX,
    KAFKA_OPT_SPOOL_DIR,
    KAFKA_OPT_SPOOL_MAX,
    KAFKA_OPT_FLUSH_TIMEOUT,
    KAFKA_OPT_SETTING,
    KAFKA_OPT_GROUP,
    KAFKA_OPT_WAIT,
    KAFKA_OPT_MEMBERS,
    KAFKA_OPT_COUNT
};

/* Strings point into the parsed arguments (struct options). */
struct kafka_cli {
    const char *brokers;            /* NULL: no Kafka */
    const char *topic_prefix;
    const char *spool_dir;
    uint64_t spool_max;
    unsigned flush_timeout_ms;
    const char *settings[KAFKA_CLI_MAX_SETTINGS];
    size_t n_settings;
    const char *group;              /* hunt: the consumer group */
    unsigned wait_ms;               /* hunt: how long to wait for partitions (0: the default) */
    unsigned members;               /* hunt: wait for a group of this many hunters (0: no wait) */
};

extern const char usage_kafka[];       /* read and live */
extern const char usage_kafka_hunt[];  /* hunt */

/* Stores one option's value: -1, or the usage error's exit code. */
int kafka_cli_option(enum kafka_cli_option which, const char *arg, struct kafka_cli *k);
/* The producer's options; live: a full queue is waited on briefly (read: long). */
void kafka_cli_producer(const struct kafka_cli *k, bool live, struct kafka_options *out);

#endif
