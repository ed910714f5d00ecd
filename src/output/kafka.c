/* The Kafka producer: librdkafka's queue in front, the disk spool behind,
 * a service thread between them (delivery reports, spool draining). */
#include "output/kafka.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <librdkafka/rdkafka.h>

#include "output/kafka_spool.h"

/* Spooled messages are handed back to librdkafka while its queue holds
 * fewer than this, so a long outage's spool drains without filling memory. */
#define DRAIN_WINDOW 20000
#define SERVICE_POLL_MS 100
/* A line waiting for room serves delivery reports itself this often (each
 * report frees a slot). */
#define ROOM_POLL_MS 5
#define TOPIC_MAX (KAFKA_SPOOL_MAX_TOPIC + 1)

/* Vigil's defaults, before the user's --kafka-option settings: a bounded
 * queue (librdkafka's own default is 100000 messages / 1 GiB), and a
 * delivery deadline after which a message goes to the spool. */
static const char *const default_settings[][2] = {
    {"queue.buffering.max.messages", "100000"},
    {"queue.buffering.max.kbytes", "65536"},
    {"message.timeout.ms", "30000"},
    {"linger.ms", "20"},
    /* after an outage, find the brokers again within a second (librdkafka: 10 s) */
    {"reconnect.backoff.max.ms", "1000"},
    {"compression.codec", "none"},
};

struct kafka_out {
    rd_kafka_t *rk;
    char prefix[128];
    unsigned flush_timeout_ms;
    unsigned queue_wait_ms;
    int queue_max;              /* queue.buffering.max.messages as configured */
    pthread_t service;
    bool service_running;
    pthread_mutex_t lock;       /* guards everything below */
    struct kafka_spool *spool;  /* NULL: none */
    struct kafka_stats st;
    bool brokers_up;            /* the last delivery succeeded (or none failed yet) */
    bool stop;
    bool down_told;             /* the outage was said on stderr */
    bool congested;             /* a wait for room ran out: no waiting until the queue is half empty */
    double flush_deadline;      /* set by the first flush; 0: none yet */
};

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static bool valid_port(const char *p)
{
    char *end;
    errno = 0;
    long v = strtol(p, &end, 10);
    return errno == 0 && end != p && *end == '\0' && v > 0 && v < 65536;
}

/* host:port[,host:port...], an optional scheme (PLAINTEXT://) before each. */
static bool valid_brokers(const char *list, char *bad, size_t badlen)
{
    char one[512];
    for (const char *p = list;;) {
        size_t n = strcspn(p, ",");
        if (n == 0 || n >= sizeof one) {
            snprintf(bad, badlen, "%.*s", (int)(n < 64 ? n : 64), p);
            return false;
        }
        memcpy(one, p, n);
        one[n] = '\0';
        const char *host = strstr(one, "://") ? strstr(one, "://") + 3 : one;
        char *colon = strrchr(host, ':');
        if (colon == NULL || colon == host || !valid_port(colon + 1)) {
            snprintf(bad, badlen, "%.100s", one);
            return false;
        }
        if (p[n] == '\0')
            return true;
        p += n + 1;
    }
}

static bool set_one(rd_kafka_conf_t *conf, const char *key, const char *value, char *err, size_t errlen)
{
    char why[256];
    if (rd_kafka_conf_set(conf, key, value, why, sizeof why) == RD_KAFKA_CONF_OK)
        return true;
    snprintf(err, errlen, "kafka setting %s=%s: %s", key, value, why);
    return false;
}

/* "key=value" from --kafka-option. */
static bool set_user(rd_kafka_conf_t *conf, const char *kv, char *err, size_t errlen)
{
    const char *eq = strchr(kv, '=');
    char key[256];
    if (eq == NULL || eq == kv || (size_t)(eq - kv) >= sizeof key) {
        snprintf(err, errlen, "--kafka-option takes KEY=VALUE, not '%s'", kv);
        return false;
    }
    memcpy(key, kv, (size_t)(eq - kv));
    key[eq - kv] = '\0';
    return set_one(conf, key, eq + 1, err, errlen);
}

/* Keeps the message for later, or counts it lost. Lock held. */
static void spool_or_drop(struct kafka_out *k, const char *topic, const void *key, size_t key_len, const void *payload,
                          size_t len, uint32_t hint)
{
    struct kafka_spool_record r = {.topic = topic, .topic_len = strlen(topic), .key = key, .key_len = key_len,
                                   .payload = payload, .payload_len = len, .hint = hint};
    if (k->spool != NULL && kafka_spool_put(k->spool, &r))
        k->st.spooled++;
    else
        k->st.dropped++;
}

static void on_delivery(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque)
{
    struct kafka_out *k = opaque;
    pthread_mutex_lock(&k->lock);
    if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
        k->st.delivered++;
        k->brokers_up = true;
    } else {
        if (m->err != RD_KAFKA_RESP_ERR__PURGE_QUEUE && m->err != RD_KAFKA_RESP_ERR__PURGE_INFLIGHT)
            k->brokers_up = false;
        spool_or_drop(k, rd_kafka_topic_name(m->rkt), m->key, m->key_len, m->payload, m->len,
                      (uint32_t)(uintptr_t)m->_private);
    }
    pthread_mutex_unlock(&k->lock);
}

/* librdkafka's errors are retried by itself; say the first of an outage once.
 * Every broker down: lines stop waiting for room (they go to the spool)
 * until a delivery succeeds again. */
static void on_error(rd_kafka_t *rk, int err, const char *reason, void *opaque)
{
    struct kafka_out *k = opaque;
    pthread_mutex_lock(&k->lock);
    bool tell = !k->down_told;
    k->down_told = true;
    if (err == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN)
        k->brokers_up = false;
    pthread_mutex_unlock(&k->lock);
    if (tell)
        fprintf(stderr, "vigil: kafka: %s (messages wait in the queue, then the spool)\n", reason);
}

static void on_log(const rd_kafka_t *rk, int level, const char *fac, const char *buf)
{
    /* librdkafka repeats every connection failure; on_error says it once */
}

static int32_t partition_of(const rd_kafka_topic_t *rkt, const void *key, size_t key_len, int32_t partitions,
                            void *topic_opaque, void *msg_opaque)
{
    uint32_t hint = (uint32_t)(uintptr_t)msg_opaque;
    if (hint != 0)
        return (int32_t)((hint == UINT32_MAX ? hint : hint - 1) % (uint32_t)partitions);
    return rd_kafka_msg_partitioner_consistent_random(rkt, key, key_len, partitions, topic_opaque, msg_opaque);
}

static rd_kafka_resp_err_t produce(struct kafka_out *k, const char *topic, const void *key, size_t key_len,
                                   const void *payload, size_t len, uint32_t hint)
{
    return rd_kafka_producev(k->rk, RD_KAFKA_V_TOPIC(topic), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                             RD_KAFKA_V_KEY(key, key_len), RD_KAFKA_V_VALUE((void *)payload, len),
                             RD_KAFKA_V_OPAQUE((void *)(uintptr_t)hint), RD_KAFKA_V_END);
}

/* Hands spooled messages back: all the window takes while the brokers
 * answer, else one at a time as a probe when nothing is in flight. */
static void drain_spool(struct kafka_out *k)
{
    pthread_mutex_lock(&k->lock);
    while (k->spool != NULL) {
        int in_queue = rd_kafka_outq_len(k->rk);
        if (k->brokers_up ? in_queue >= DRAIN_WINDOW : in_queue > 0)
            break;
        struct kafka_spool_record r;
        if (kafka_spool_peek(k->spool, &r) != 1)
            break;
        char topic[TOPIC_MAX];
        memcpy(topic, r.topic, r.topic_len);
        topic[r.topic_len] = '\0';
        if (produce(k, topic, r.key_len ? r.key : NULL, r.key_len, r.payload, r.payload_len, r.hint) != 0)
            break;
        kafka_spool_pop(k->spool);
        if (!k->brokers_up)
            break;
    }
    pthread_mutex_unlock(&k->lock);
}

static void *service_main(void *arg)
{
    struct kafka_out *k = arg;
    for (;;) {
        pthread_mutex_lock(&k->lock);
        bool stop = k->stop;
        pthread_mutex_unlock(&k->lock);
        if (stop)
            return NULL;
        rd_kafka_poll(k->rk, SERVICE_POLL_MS);
        drain_spool(k);
    }
}

static rd_kafka_conf_t *build_conf(struct kafka_out *k, const struct kafka_options *opt, char *err, size_t errlen)
{
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    bool ok = set_one(conf, "bootstrap.servers", opt->brokers, err, errlen);
    for (size_t i = 0; ok && i < sizeof default_settings / sizeof default_settings[0]; i++)
        ok = set_one(conf, default_settings[i][0], default_settings[i][1], err, errlen);
    for (size_t i = 0; ok && i < opt->n_settings; i++)
        ok = set_user(conf, opt->settings[i], err, errlen);
    if (!ok) {
        rd_kafka_conf_destroy(conf);
        return NULL;
    }
    char max[32];
    size_t max_len = sizeof max;
    k->queue_max = rd_kafka_conf_get(conf, "queue.buffering.max.messages", max, &max_len) == RD_KAFKA_CONF_OK
                       ? (int)strtol(max, NULL, 10)
                       : 100000;
    rd_kafka_conf_set_opaque(conf, k);
    rd_kafka_conf_set_dr_msg_cb(conf, on_delivery);
    rd_kafka_conf_set_error_cb(conf, on_error);
    rd_kafka_conf_set_log_cb(conf, on_log);
    rd_kafka_topic_conf_t *tconf = rd_kafka_topic_conf_new();
    rd_kafka_topic_conf_set_partitioner_cb(tconf, partition_of);
    rd_kafka_conf_set_default_topic_conf(conf, tconf);
    return conf;
}

static void kafka_out_free(struct kafka_out *k)
{
    if (k->rk != NULL)
        rd_kafka_destroy(k->rk);
    kafka_spool_close(k->spool);
    pthread_mutex_destroy(&k->lock);
    free(k);
}

struct kafka_out *kafka_out_open(const struct kafka_options *opt, char *err, size_t errlen)
{
    char bad[128];
    if (opt->brokers == NULL || !valid_brokers(opt->brokers, bad, sizeof bad)) {
        snprintf(err, errlen, "--kafka: '%s' is not a host:port broker list", opt->brokers ? bad : "");
        return NULL;
    }
    const char *prefix = opt->topic_prefix ? opt->topic_prefix : KAFKA_DEFAULT_PREFIX;
    struct kafka_out *k = calloc(1, sizeof *k);
    if (k == NULL) {
        snprintf(err, errlen, "kafka: out of memory");
        return NULL;
    }
    pthread_mutex_init(&k->lock, NULL);
    k->brokers_up = true;
    k->flush_timeout_ms = opt->flush_timeout_ms ? opt->flush_timeout_ms : KAFKA_DEFAULT_FLUSH_TIMEOUT_MS;
    k->queue_wait_ms = opt->queue_wait_ms;
    if (strlen(prefix) + 64 > KAFKA_SPOOL_MAX_TOPIC || strlen(prefix) >= sizeof k->prefix) {
        snprintf(err, errlen, "--kafka-topic-prefix '%s' is too long", prefix);
        kafka_out_free(k);
        return NULL;
    }
    memcpy(k->prefix, prefix, strlen(prefix) + 1);
    if (opt->spool_dir != NULL) {
        k->spool = kafka_spool_open(opt->spool_dir, opt->spool_max ? opt->spool_max : KAFKA_DEFAULT_SPOOL_MAX, err,
                                    errlen);
        if (k->spool == NULL) {
            kafka_out_free(k);
            return NULL;
        }
    }
    rd_kafka_conf_t *conf = build_conf(k, opt, err, errlen);
    char why[512];
    if (conf != NULL && (k->rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, why, sizeof why)) == NULL) {
        snprintf(err, errlen, "kafka: %s", why);
        rd_kafka_conf_destroy(conf);
    }
    if (k->rk == NULL || pthread_create(&k->service, NULL, service_main, k) != 0) {
        if (k->rk != NULL)
            snprintf(err, errlen, "kafka: cannot start the service thread");
        kafka_out_free(k);
        return NULL;
    }
    k->service_running = true;
    return k;
}

/* Whether a line that found the queue full may wait for room: the brokers
 * answer and no wait ran out since the queue was last half empty. */
static bool may_wait(struct kafka_out *k)
{
    pthread_mutex_lock(&k->lock);
    if (k->congested && rd_kafka_outq_len(k->rk) <= k->queue_max / 2)
        k->congested = false;
    bool wait = k->brokers_up && !k->congested && k->queue_wait_ms > 0;
    pthread_mutex_unlock(&k->lock);
    return wait;
}

/* Backpressure: the queue is full, the brokers answer: wait for room
 * (serving delivery reports, which free it) up to queue_wait_ms. */
static rd_kafka_resp_err_t produce_when_room(struct kafka_out *k, const char *topic, const void *key,
                                             size_t key_len, const void *payload, size_t len, uint32_t hint)
{
    rd_kafka_resp_err_t e = RD_KAFKA_RESP_ERR__QUEUE_FULL;
    if (!may_wait(k))
        return e;
    double deadline = now_s() + k->queue_wait_ms / 1000.0;
    while (e == RD_KAFKA_RESP_ERR__QUEUE_FULL && may_wait(k)) {
        if (now_s() >= deadline) {
            pthread_mutex_lock(&k->lock);
            k->congested = true;
            pthread_mutex_unlock(&k->lock);
            break;
        }
        rd_kafka_poll(k->rk, ROOM_POLL_MS);
        e = produce(k, topic, key, key_len, payload, len, hint);
    }
    pthread_mutex_lock(&k->lock);
    k->st.waited++;
    pthread_mutex_unlock(&k->lock);
    return e;
}

void kafka_out_line(struct kafka_out *k, const char *log, const char *line, size_t len, const char *key,
                    uint32_t host_hint)
{
    char topic[TOPIC_MAX];
    int n = snprintf(topic, sizeof topic, "%s%s", k->prefix, log);
    size_t key_len = key ? strlen(key) : 0;
    if (key_len > KAFKA_SPOOL_MAX_KEY)
        key_len = KAFKA_SPOOL_MAX_KEY;
    rd_kafka_resp_err_t e =
        n > 0 && (size_t)n < sizeof topic ? produce(k, topic, key_len ? key : NULL, key_len, line, len, host_hint)
                                          : RD_KAFKA_RESP_ERR__INVALID_ARG;
    if (e == RD_KAFKA_RESP_ERR__QUEUE_FULL)
        e = produce_when_room(k, topic, key_len ? key : NULL, key_len, line, len, host_hint);
    pthread_mutex_lock(&k->lock);
    k->st.produced++;
    if (e != RD_KAFKA_RESP_ERR_NO_ERROR)
        spool_or_drop(k, topic, key, key_len, line, len, host_hint);
    pthread_mutex_unlock(&k->lock);
}

void kafka_out_get_stats(struct kafka_out *k, struct kafka_stats *st)
{
    pthread_mutex_lock(&k->lock);
    *st = k->st;
    st->queued = (uint64_t)rd_kafka_outq_len(k->rk);
    st->spool_bytes = k->spool ? kafka_spool_bytes(k->spool) : 0;
    pthread_mutex_unlock(&k->lock);
}

static bool all_sent(struct kafka_out *k)
{
    pthread_mutex_lock(&k->lock);
    bool done = rd_kafka_outq_len(k->rk) == 0 && (k->spool == NULL || kafka_spool_bytes(k->spool) == 0);
    pthread_mutex_unlock(&k->lock);
    return done;
}

/* Polls and drains until everything is sent or the flush deadline passes. */
static void wait_all_sent(struct kafka_out *k)
{
    pthread_mutex_lock(&k->lock);
    if (k->flush_deadline == 0)
        k->flush_deadline = now_s() + k->flush_timeout_ms / 1000.0;
    double deadline = k->flush_deadline;
    pthread_mutex_unlock(&k->lock);
    while (!all_sent(k) && now_s() < deadline) {
        rd_kafka_poll(k->rk, SERVICE_POLL_MS);
        drain_spool(k);
    }
}

/* Everything delivered, or the flush deadline passed: then what is still
 * queued goes to the spool for the next run, or is counted lost. */
static void finish_sending(struct kafka_out *k)
{
    wait_all_sent(k);
    if (rd_kafka_outq_len(k->rk) == 0)
        return;
    rd_kafka_purge(k->rk, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
    for (int i = 0; i < 50 && rd_kafka_outq_len(k->rk) > 0; i++)
        rd_kafka_poll(k->rk, SERVICE_POLL_MS);
    rd_kafka_poll(k->rk, 0);
}

void kafka_out_flush(struct kafka_out *k)
{
    if (k != NULL)
        finish_sending(k);
}

void kafka_out_close(struct kafka_out *k, struct kafka_stats *final)
{
    if (k == NULL) {
        memset(final, 0, sizeof *final);
        return;
    }
    pthread_mutex_lock(&k->lock);
    k->stop = true;
    pthread_mutex_unlock(&k->lock);
    if (k->service_running)
        pthread_join(k->service, NULL);
    finish_sending(k);
    kafka_out_get_stats(k, final);
    kafka_out_free(k);
}
