/* The consumer behind `vigil hunt --kafka`: partitions read to their end,
 * records written as log lines into the hunt's folder. */
#include "hunt/kafka_source.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <librdkafka/rdkafka.h>

#define DEFAULT_PREFIX "vigil."
#define DEFAULT_WAIT_MS 15000
/* Done once every partition is at its end and nothing moved for this long
 * (a group still forming rebalances within it). */
#define SETTLE_MS 1500
#define POLL_MS 100
#define MAX_LOGS 64
#define MAX_PARTITIONS 4096

struct log_out {
    char name[64];      /* the topic's log name: conn, dns, eve */
    FILE *f;
};

struct assigned {
    char topic[256];
    int32_t partition;
    bool eof;
};

struct fetch {
    const struct hunt_kafka_options *opt;
    const char *dir;
    size_t prefix_len;
    struct hunt_kafka_stats *st;
    struct log_out logs[MAX_LOGS];
    size_t n_logs;
    struct assigned *parts;
    size_t n_parts;
    bool assigned_once;
    bool paused;                 /* --kafka-members: the share is still too large */
    bool revoked;                /* a rebalance took the partitions; the next assignment is due */
    double paused_since;
    double last_change;          /* a record or a rebalance */
    char broker_error[256];      /* the last error librdkafka reported */
    char write_error[4096 + 256];
};

static double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static void on_error(rd_kafka_t *rk, int err, const char *reason, void *opaque)
{
    struct fetch *f = opaque;
    snprintf(f->broker_error, sizeof f->broker_error, "%s", reason);
}

static void on_log(const rd_kafka_t *rk, int level, const char *fac, const char *buf)
{
    /* on_error keeps the reason; librdkafka's retries would repeat it */
}

static void take_assignment(struct fetch *f, const rd_kafka_topic_partition_list_t *list)
{
    f->n_parts = 0;
    for (int i = 0; list != NULL && i < list->cnt && f->n_parts < MAX_PARTITIONS; i++) {
        struct assigned *a = &f->parts[f->n_parts++];
        snprintf(a->topic, sizeof a->topic, "%s", list->elems[i].topic);
        a->partition = list->elems[i].partition;
        a->eof = false;
    }
    f->st->partitions += f->n_parts;
}

/* The partitions of topic in the cluster's metadata; 0 when unknown. */
static int topic_partitions(const rd_kafka_metadata_t *md, const char *topic)
{
    for (int i = 0; i < md->topic_cnt; i++)
        if (strcmp(md->topics[i].topic, topic) == 0)
            return md->topics[i].partition_cnt;
    return 0;
}

/* --kafka-members N: whether this member's share of every topic is at
 * most what the range assignor gives each of N members, ceil(P / N). */
static bool share_fits_members(rd_kafka_t *rk, const rd_kafka_topic_partition_list_t *list, unsigned members)
{
    const rd_kafka_metadata_t *md;
    if (rd_kafka_metadata(rk, 1, NULL, &md, 2000) != RD_KAFKA_RESP_ERR_NO_ERROR)
        return true; /* cannot tell: do not hold the hunt */
    bool ok = true;
    for (int i = 0; ok && i < list->cnt; i++) {
        int mine = 0, total = topic_partitions(md, list->elems[i].topic);
        for (int j = 0; j < list->cnt; j++)
            mine += strcmp(list->elems[j].topic, list->elems[i].topic) == 0;
        ok = total == 0 || mine <= (total + (int)members - 1) / (int)members;
    }
    rd_kafka_metadata_destroy(md);
    return ok;
}

static void on_rebalance(rd_kafka_t *rk, rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t *list, void *opaque)
{
    struct fetch *f = opaque;
    f->st->rebalances++;
    f->last_change = now_ms();
    if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
        rd_kafka_assign(rk, list);
        take_assignment(f, list);
        f->assigned_once = true;
        f->revoked = false;
        bool wait = f->opt->members > 1 && list->cnt > 0 && !f->st->members_missing &&
                    !share_fits_members(rk, list, f->opt->members);
        if (wait) {
            rd_kafka_pause_partitions(rk, list);
            if (!f->paused)
                f->paused_since = f->last_change;
        } else {
            rd_kafka_resume_partitions(rk, list);
        }
        f->paused = wait;
    } else {
        /* what was read is kept: the next owner starts after it */
        rd_kafka_commit(rk, NULL, 0);
        rd_kafka_assign(rk, NULL);
        take_assignment(f, NULL);
        /* no partition is not "every partition at its end": the group is rebalancing */
        f->revoked = true;
    }
}

/* The file of a topic's records; NULL for a topic that is not a log name. */
static FILE *log_file_of(struct fetch *f, const char *topic)
{
    const char *name = topic + f->prefix_len;
    size_t n = strlen(name);
    if (n == 0 || n >= sizeof f->logs[0].name || strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789_-") != n)
        return NULL;
    for (size_t i = 0; i < f->n_logs; i++)
        if (strcmp(f->logs[i].name, name) == 0)
            return f->logs[i].f;
    if (f->n_logs == MAX_LOGS)
        return NULL;
    char path[4096 + 80];
    snprintf(path, sizeof path, "%s/%s%s", f->dir, name, strcmp(name, "eve") == 0 ? ".json" : ".log");
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    FILE *out = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (out == NULL) {
        snprintf(f->write_error, sizeof f->write_error, "%s: %s", path, strerror(errno));
        return NULL;
    }
    struct log_out *l = &f->logs[f->n_logs++];
    snprintf(l->name, sizeof l->name, "%s", name);
    l->f = out;
    return out;
}

static void mark_eof(struct fetch *f, const char *topic, int32_t partition)
{
    for (size_t i = 0; i < f->n_parts; i++)
        if (f->parts[i].partition == partition && strcmp(f->parts[i].topic, topic) == 0)
            f->parts[i].eof = true;
}

static bool all_at_end(const struct fetch *f)
{
    for (size_t i = 0; i < f->n_parts; i++)
        if (!f->parts[i].eof)
            return false;
    return true;
}

static void take_message(struct fetch *f, const rd_kafka_message_t *m)
{
    const char *topic = rd_kafka_topic_name(m->rkt);
    if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
        mark_eof(f, topic, m->partition);
        return;
    }
    if (m->err) {
        snprintf(f->broker_error, sizeof f->broker_error, "%s", rd_kafka_message_errstr(m));
        return;
    }
    f->last_change = now_ms();
    FILE *out = log_file_of(f, topic);
    if (out == NULL || m->len == 0)
        return;
    /* one record is one line: a newline inside would split it */
    const char *p = m->payload;
    size_t len = m->len;
    while (len > 0 && (p[len - 1] == '\n' || p[len - 1] == '\r'))
        len--;
    if (memchr(p, '\n', len) != NULL)
        return;
    if (fwrite(p, 1, len, out) != len || fputc('\n', out) == EOF)
        snprintf(f->write_error, sizeof f->write_error, "%s/%s: %s", f->dir, topic + f->prefix_len,
                 strerror(errno));
    else
        f->st->records++;
}

static rd_kafka_t *new_consumer(struct fetch *f, char *err, size_t errlen)
{
    const struct hunt_kafka_options *o = f->opt;
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    char why[512];
    const char *settings[][2] = {
        {"bootstrap.servers", o->brokers},
        {"group.id", o->group},
        {"auto.offset.reset", "earliest"},
        /* committed as read, well within SETTLE_MS: once a member leaves, the
         * group rebalances and a commit would have to wait for it */
        {"enable.auto.commit", "true"},
        {"auto.commit.interval.ms", "300"},
        {"enable.partition.eof", "true"},
        /* partition N of every topic to one member: one client's records meet */
        {"partition.assignment.strategy", "range"},
        {"reconnect.backoff.max.ms", "1000"},
    };
    for (size_t i = 0; i < sizeof settings / sizeof settings[0]; i++) {
        if (rd_kafka_conf_set(conf, settings[i][0], settings[i][1], why, sizeof why) != RD_KAFKA_CONF_OK) {
            snprintf(err, errlen, "kafka setting %s: %s", settings[i][0], why);
            rd_kafka_conf_destroy(conf);
            return NULL;
        }
    }
    for (size_t i = 0; i < o->n_settings; i++) {
        char key[256];
        const char *eq = strchr(o->settings[i], '=');
        size_t kn = eq ? (size_t)(eq - o->settings[i]) : 0;
        if (kn == 0 || kn >= sizeof key) {
            snprintf(err, errlen, "--kafka-option takes KEY=VALUE, not '%s'", o->settings[i]);
            rd_kafka_conf_destroy(conf);
            return NULL;
        }
        memcpy(key, o->settings[i], kn);
        key[kn] = '\0';
        if (rd_kafka_conf_set(conf, key, eq + 1, why, sizeof why) != RD_KAFKA_CONF_OK) {
            snprintf(err, errlen, "kafka setting %s: %s", o->settings[i], why);
            rd_kafka_conf_destroy(conf);
            return NULL;
        }
    }
    rd_kafka_conf_set_opaque(conf, f);
    rd_kafka_conf_set_error_cb(conf, on_error);
    rd_kafka_conf_set_log_cb(conf, on_log);
    rd_kafka_conf_set_rebalance_cb(conf, on_rebalance);
    rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, why, sizeof why);
    if (rk == NULL) {
        snprintf(err, errlen, "kafka: %s", why);
        rd_kafka_conf_destroy(conf);
        return NULL;
    }
    rd_kafka_poll_set_consumer(rk);
    return rk;
}

/* "^vigil\.[a-z0-9_-]+$": librdkafka subscribes to a regex when it starts with ^. */
static bool topic_pattern(const char *prefix, char *out, size_t cap)
{
    size_t n = 0;
    out[n++] = '^';
    for (const char *p = prefix; *p; p++) {
        if (n + 3 >= cap)
            return false;
        if (strchr(".^$*+?()[]{}|\\", *p))
            out[n++] = '\\';
        out[n++] = *p;
    }
    const char *tail = "[a-z0-9_-]+$";
    if (n + strlen(tail) + 1 > cap)
        return false;
    memcpy(out + n, tail, strlen(tail) + 1);
    return true;
}

static int subscribe(rd_kafka_t *rk, const char *prefix, char *err, size_t errlen)
{
    char pattern[512];
    if (!topic_pattern(prefix, pattern, sizeof pattern)) {
        snprintf(err, errlen, "--kafka-topic-prefix '%s' is too long", prefix);
        return -1;
    }
    rd_kafka_topic_partition_list_t *topics = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(topics, pattern, RD_KAFKA_PARTITION_UA);
    rd_kafka_resp_err_t e = rd_kafka_subscribe(rk, topics);
    rd_kafka_topic_partition_list_destroy(topics);
    if (e) {
        snprintf(err, errlen, "kafka: subscribe %s: %s", pattern, rd_kafka_err2str(e));
        return -1;
    }
    return 0;
}

/* The group stayed smaller than --kafka-members: read what was given. */
static void stop_waiting_for_members(struct fetch *f, rd_kafka_t *rk)
{
    rd_kafka_topic_partition_list_t *mine = NULL;
    if (rd_kafka_assignment(rk, &mine) == RD_KAFKA_RESP_ERR_NO_ERROR && mine != NULL) {
        rd_kafka_resume_partitions(rk, mine);
        rd_kafka_topic_partition_list_destroy(mine);
    }
    f->paused = false;
    f->st->members_missing = true;
    f->last_change = now_ms();
}

static void consume(struct fetch *f, rd_kafka_t *rk)
{
    double start = now_ms();
    unsigned wait = f->opt->wait_ms ? f->opt->wait_ms : DEFAULT_WAIT_MS;
    f->last_change = start;
    while (f->write_error[0] == '\0') {
        rd_kafka_message_t *m = rd_kafka_consumer_poll(rk, POLL_MS);
        if (m != NULL) {
            take_message(f, m);
            rd_kafka_message_destroy(m);
        }
        double now = now_ms();
        if (f->paused && now - f->paused_since >= wait)
            stop_waiting_for_members(f, rk);
        if (f->assigned_once && !f->paused && !f->revoked && all_at_end(f) && now - f->last_change >= SETTLE_MS)
            break;
        if (f->revoked && now - f->last_change >= wait)
            break; /* taken out of the group and not let back in: what was read stays read */
        if (!f->assigned_once && now - start >= wait)
            break;
    }
}

int hunt_kafka_fetch(const struct hunt_kafka_options *o, const char *dir, struct hunt_kafka_stats *st, char *err,
                     size_t errlen)
{
    memset(st, 0, sizeof *st);
    const char *prefix = o->topic_prefix ? o->topic_prefix : DEFAULT_PREFIX;
    struct fetch f = {.opt = o, .dir = dir, .prefix_len = strlen(prefix), .st = st};
    f.parts = calloc(MAX_PARTITIONS, sizeof *f.parts);
    if (f.parts == NULL) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    rd_kafka_t *rk = new_consumer(&f, err, errlen);
    int rc = rk == NULL ? -1 : subscribe(rk, prefix, err, errlen);
    if (rc == 0) {
        consume(&f, rk);
        rd_kafka_commit(rk, NULL, 0);
        if (f.write_error[0]) {
            snprintf(err, errlen, "%.400s", f.write_error);
            rc = -1;
        } else if (!f.assigned_once) {
            snprintf(err, errlen, "kafka: no partitions of group %s within %u s%s%s", o->group,
                     (o->wait_ms ? o->wait_ms : DEFAULT_WAIT_MS) / 1000, f.broker_error[0] ? ": " : "",
                     f.broker_error);
            rc = -1;
        }
    }
    if (rk != NULL) {
        rd_kafka_consumer_close(rk);
        rd_kafka_destroy(rk);
    }
    for (size_t i = 0; i < f.n_logs; i++)
        if (fclose(f.logs[i].f) != 0 && rc == 0) {
            snprintf(err, errlen, "%s/%s: %s", dir, f.logs[i].name, strerror(errno));
            rc = -1;
        }
    free(f.parts);
    return rc;
}
