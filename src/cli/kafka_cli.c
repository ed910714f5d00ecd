#include "cli/kafka_cli.h"

#include <errno.h>
#include <stdlib.h>

#include "cli/cli.h"
#include "util/tsv.h"

const char usage_kafka[] =
    "kafka:\n"
    "      --kafka BROKERS      also send every log to Kafka (host:port,...): topic PREFIX+log\n"
    "                           (vigil.conn, vigil.dns, ..., vigil.eve), Zeek JSON and EVE JSON\n"
    "      --kafka-topic-prefix P  topic prefix (default vigil.)\n"
    "      --kafka-spool-dir DIR   spool messages the brokers cannot take into DIR, send them later\n"
    "      --kafka-spool-max BYTES spool cap (default 1073741824); beyond it messages are dropped\n"
    "                           and counted (stats.log kafka_dropped, the summary)\n"
    "      --kafka-flush-timeout S  at exit, wait at most S seconds for delivery (default 10)\n"
    "      --kafka-option KEY=VALUE a librdkafka setting (repeatable), e.g.\n"
    "                           queue.buffering.max.messages=100000, message.timeout.ms=30000\n";

const char usage_kafka_hunt[] =
    "      --kafka BROKERS      read the log topics from Kafka instead of files (with --group)\n"
    "      --group NAME         the consumer group: hunters in one group share the partitions\n"
    "      --kafka-wait S       wait at most S seconds for partitions (default 15)\n"
    "      --kafka-members N    read nothing until the group has N hunters (at most --kafka-wait)\n"
    "      --kafka-topic-prefix P, --kafka-option KEY=VALUE  as for read\n";

int kafka_cli_option(enum kafka_cli_option which, const char *arg, struct kafka_cli *k)
{
    uint64_t v;
    switch (which) {
    case KAFKA_OPT_BROKERS:
        k->brokers = arg;
        break;
    case KAFKA_OPT_TOPIC_PREFIX:
        k->topic_prefix = arg;
        break;
    case KAFKA_OPT_SPOOL_DIR:
        k->spool_dir = arg;
        break;
    case KAFKA_OPT_SPOOL_MAX:
        if (!tsv_parse_u64(arg, UINT64_MAX / 2, &v) || v == 0)
            return usage_error("--kafka-spool-max takes a positive number of bytes, not '%s'", arg);
        k->spool_max = v;
        break;
    case KAFKA_OPT_FLUSH_TIMEOUT:
        if (!tsv_parse_u64(arg, 3600, &v))
            return usage_error("--kafka-flush-timeout takes seconds from 0 to 3600, not '%s'", arg);
        k->flush_timeout_ms = v ? (unsigned)v * 1000 : 1; /* 0: do not wait */
        break;
    case KAFKA_OPT_SETTING:
        if (k->n_settings == KAFKA_CLI_MAX_SETTINGS)
            return usage_error("too many --kafka-option settings (at most %s)", "32");
        k->settings[k->n_settings++] = arg;
        break;
    case KAFKA_OPT_GROUP:
        k->group = arg;
        break;
    case KAFKA_OPT_WAIT:
        if (!tsv_parse_u64(arg, 3600, &v) || v == 0)
            return usage_error("--kafka-wait takes seconds from 1 to 3600, not '%s'", arg);
        k->wait_ms = (unsigned)v * 1000;
        break;
    case KAFKA_OPT_MEMBERS:
        if (!tsv_parse_u64(arg, 4096, &v) || v == 0)
            return usage_error("--kafka-members takes a number from 1 to 4096, not '%s'", arg);
        k->members = (unsigned)v;
        break;
    case KAFKA_OPT_COUNT:
        break;
    }
    return -1;
}

void kafka_cli_producer(const struct kafka_cli *k, bool live, struct kafka_options *out)
{
    *out = (struct kafka_options){.brokers = k->brokers,
                                  .topic_prefix = k->topic_prefix,
                                  .spool_dir = k->spool_dir,
                                  .spool_max = k->spool_max,
                                  .flush_timeout_ms = k->flush_timeout_ms,
                                  .queue_wait_ms = live ? KAFKA_LIVE_QUEUE_WAIT_MS : KAFKA_READ_QUEUE_WAIT_MS,
                                  .settings = k->settings,
                                  .n_settings = k->n_settings};
}
