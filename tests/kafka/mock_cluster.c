/* A Kafka cluster for the tests: librdkafka's in-process mock brokers on
 * loopback. Prints the bootstrap servers on one line, then obeys commands
 * on standard input, one a line, answering each with "ok" or "error":
 *   down            every broker refuses connections (an outage)
 *   up              they accept connections again
 *   topic NAME N    creates NAME with N partitions
 * It lives until standard input ends or it is killed.
 *
 * usage: mock_cluster [BROKERS]   (default 1) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

static rd_kafka_t *new_handle(void)
{
    char err[256];
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    /* the handle only anchors the cluster; it never connects anywhere */
    rd_kafka_conf_set(conf, "log_level", "0", err, sizeof err);
    rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
    if (rk == NULL) {
        fprintf(stderr, "mock_cluster: %s\n", err);
        rd_kafka_conf_destroy(conf);
    }
    return rk;
}

static int run_command(rd_kafka_mock_cluster_t *mc, char *line)
{
    char name[256];
    int partitions;
    line[strcspn(line, "\r\n")] = '\0';
    if (strcmp(line, "down") == 0)
        return rd_kafka_mock_broker_set_down(mc, -1) == RD_KAFKA_RESP_ERR_NO_ERROR ? 0 : -1;
    if (strcmp(line, "up") == 0)
        return rd_kafka_mock_broker_set_up(mc, -1) == RD_KAFKA_RESP_ERR_NO_ERROR ? 0 : -1;
    if (sscanf(line, "topic %255s %d", name, &partitions) == 2 && partitions > 0)
        return rd_kafka_mock_topic_create(mc, name, partitions, 1) == RD_KAFKA_RESP_ERR_NO_ERROR ? 0 : -1;
    return -1;
}

int main(int argc, char **argv)
{
    char *end = NULL;
    long brokers = argc > 1 ? strtol(argv[1], &end, 10) : 1;
    if (argc > 2 || (argc > 1 && (*end != '\0' || brokers < 1 || brokers > 16))) {
        fprintf(stderr, "usage: mock_cluster [BROKERS (1-16)]\n");
        return 2;
    }
    rd_kafka_t *rk = new_handle();
    if (rk == NULL)
        return 2;
    rd_kafka_mock_cluster_t *mc = rd_kafka_mock_cluster_new(rk, (int)brokers);
    if (mc == NULL) {
        fprintf(stderr, "mock_cluster: the mock cluster did not start\n");
        rd_kafka_destroy(rk);
        return 2;
    }
    printf("%s\n", rd_kafka_mock_cluster_bootstraps(mc));
    fflush(stdout);
    char line[512];
    while (fgets(line, sizeof line, stdin) != NULL) {
        puts(run_command(mc, line) == 0 ? "ok" : "error");
        fflush(stdout);
    }
    rd_kafka_mock_cluster_destroy(mc);
    rd_kafka_destroy(rk);
    return 0;
}
