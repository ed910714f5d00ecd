#include "cli/kafka_cli.h"

#include <stddef.h>
#include <stdint.h>

#include "cli/cli.h"
#include "cli/option_rules.h"

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

#define KAFKA_FIELD(name) offsetof(struct kafka_cli, name)
#define KAFKA_WIDTH(name) OPTION_MEMBER_SIZE(struct kafka_cli, name)

static const struct option_rule kafka_rules[] = {
    {.id = KAFKA_OPT_BROKERS, .kind = RULE_STRING, .field = KAFKA_FIELD(brokers)},
    {.id = KAFKA_OPT_TOPIC_PREFIX, .kind = RULE_STRING, .field = KAFKA_FIELD(topic_prefix)},
    {.id = KAFKA_OPT_SPOOL_DIR, .kind = RULE_STRING, .field = KAFKA_FIELD(spool_dir)},
    {.id = KAFKA_OPT_SPOOL_MAX, .kind = RULE_NUMBER, .field = KAFKA_FIELD(spool_max), .min = 1,
     .max = UINT64_MAX / 2, .width = KAFKA_WIDTH(spool_max),
     .error = "--kafka-spool-max takes a positive number of bytes, not '%s'"},
    {.id = KAFKA_OPT_FLUSH_TIMEOUT, .kind = RULE_NUMBER, .field = KAFKA_FIELD(flush_timeout_ms), .max = 3600,
     .scale = 1000, .width = KAFKA_WIDTH(flush_timeout_ms), .error = "--kafka-flush-timeout takes seconds from 0 to 3600, not '%s'"},
    {.id = KAFKA_OPT_SETTING, .kind = RULE_LIST, .field = KAFKA_FIELD(settings), .count = KAFKA_FIELD(n_settings),
     .max = KAFKA_CLI_MAX_SETTINGS, .width = KAFKA_WIDTH(n_settings),
     .error = "too many --kafka-option settings (at most %s)", .error_arg = "32"},
    {.id = KAFKA_OPT_GROUP, .kind = RULE_STRING, .field = KAFKA_FIELD(group)},
    {.id = KAFKA_OPT_WAIT, .kind = RULE_NUMBER, .field = KAFKA_FIELD(wait_ms), .min = 1, .max = 3600,
     .scale = 1000, .width = KAFKA_WIDTH(wait_ms), .error = "--kafka-wait takes seconds from 1 to 3600, not '%s'"},
    {.id = KAFKA_OPT_MEMBERS, .kind = RULE_NUMBER, .field = KAFKA_FIELD(members), .min = 1, .max = 4096,
     .width = KAFKA_WIDTH(members), .error = "--kafka-members takes a number from 1 to 4096, not '%s'"},
};

int kafka_cli_option(enum kafka_cli_option which, const char *arg, struct kafka_cli *k)
{
    int rc = option_rules_apply(kafka_rules, sizeof kafka_rules / sizeof kafka_rules[0], (int)which, arg, k,
                                usage_error);
    if (rc >= 0)
        return rc;
    if (which == KAFKA_OPT_FLUSH_TIMEOUT && k->flush_timeout_ms == 0)
        k->flush_timeout_ms = 1; /* 0: do not wait */
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
