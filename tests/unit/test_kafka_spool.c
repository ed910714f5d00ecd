/* The Kafka output's disk spool (output/kafka_spool.h) and the key and
 * partition hint it reads from a line (output/kafka_key.h): records come
 * back whole and in order, the cap refuses what does not fit, a drained
 * spool shrinks to nothing, an earlier run's records are drained by the
 * next, and a damaged tail is discarded and counted, never read. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "output/kafka_key.h"
#include "output/kafka_spool.h"
#include "unit/tmpdir_harness.h"

static struct kafka_spool_record record(const char *topic, const char *key, const char *payload, uint32_t hint)
{
    return (struct kafka_spool_record){.topic = topic, .topic_len = strlen(topic), .key = key,
                                       .key_len = key ? strlen(key) : 0, .payload = payload,
                                       .payload_len = strlen(payload), .hint = hint};
}

static void expect_next(struct kafka_spool *s, const char *topic, const char *key, const char *payload, uint32_t hint)
{
    struct kafka_spool_record r;
    assert_int_equal(kafka_spool_peek(s, &r), 1);
    assert_int_equal(r.topic_len, strlen(topic));
    assert_memory_equal(r.topic, topic, r.topic_len);
    assert_int_equal(r.key_len, key ? strlen(key) : 0);
    if (key)
        assert_memory_equal(r.key, key, r.key_len);
    assert_int_equal(r.payload_len, strlen(payload));
    assert_memory_equal(r.payload, payload, r.payload_len);
    assert_int_equal(r.hint, hint);
    kafka_spool_pop(s);
}

/* dir/KAFKA_SPOOL_FILE: its path (cap bytes in path) and its size, -1 when
 * it is missing. */
static off_t spool_file(const char *dir, char *path, size_t cap)
{
    tmpdir_path(dir, KAFKA_SPOOL_FILE, path, cap);
    struct stat st;
    return stat(path, &st) == 0 ? st.st_size : -1;
}

/* The spool in dir, of at most max_bytes; one that does not open fails the
 * test. */
static struct kafka_spool *spool_open(const char *dir, uint64_t max_bytes)
{
    char err[256];
    struct kafka_spool *s = kafka_spool_open(dir, max_bytes, err, sizeof err);
    if (s == NULL)
        fail_msg("%s", err);
    return s;
}

static void test_records_come_back_in_order(void **state)
{
    const char *dir = *state;
    struct kafka_spool *s = spool_open(dir, 1 << 20);
    struct kafka_spool_record a = record("vigil.conn", "1:abc=", "{\"uid\":\"C1\"}", 7);
    struct kafka_spool_record b = record("vigil.x509", NULL, "{\"fingerprint\":\"ff\"}", 0);
    assert_true(kafka_spool_put(s, &a));
    assert_true(kafka_spool_put(s, &b));
    assert_int_equal(kafka_spool_records(s), 2);
    assert_true(kafka_spool_bytes(s) > 0);
    expect_next(s, "vigil.conn", "1:abc=", "{\"uid\":\"C1\"}", 7);
    /* a record put while draining comes after those before it */
    struct kafka_spool_record c = record("vigil.dns", "C2", "{\"uid\":\"C2\"}", 3);
    assert_true(kafka_spool_put(s, &c));
    expect_next(s, "vigil.x509", NULL, "{\"fingerprint\":\"ff\"}", 0);
    expect_next(s, "vigil.dns", "C2", "{\"uid\":\"C2\"}", 3);
    struct kafka_spool_record none;
    assert_int_equal(kafka_spool_peek(s, &none), 0);
    /* drained: nothing left on disk */
    assert_int_equal(kafka_spool_bytes(s), 0);
    char file[256];
    assert_int_equal(spool_file(dir, file, sizeof file), 0);
    kafka_spool_close(s);
}

static void test_cap_refuses_what_does_not_fit(void **state)
{
    const char *dir = *state;
    struct kafka_spool_record r = record("vigil.conn", "k", "0123456789012345678901234567890123456789", 0);
    size_t one = 16 + r.topic_len + r.key_len + r.payload_len;
    struct kafka_spool *s = spool_open(dir, 2 * one + one / 2);
    assert_true(kafka_spool_put(s, &r));
    assert_true(kafka_spool_put(s, &r));
    assert_false(kafka_spool_put(s, &r));
    assert_int_equal(kafka_spool_bytes(s), 2 * one);
    /* room again once one is drained */
    struct kafka_spool_record got;
    assert_int_equal(kafka_spool_peek(s, &got), 1);
    kafka_spool_pop(s);
    assert_true(kafka_spool_put(s, &r));
    /* records the format cannot hold are refused, not cut */
    char topic[KAFKA_SPOOL_MAX_TOPIC + 2];
    memset(topic, 't', sizeof topic - 1);
    topic[sizeof topic - 1] = '\0';
    struct kafka_spool_record long_topic = record(topic, NULL, "{}", 0);
    assert_false(kafka_spool_put(s, &long_topic));
    struct kafka_spool_record no_topic = record("", NULL, "{}", 0);
    assert_false(kafka_spool_put(s, &no_topic));
    kafka_spool_close(s);
}

static void test_next_run_drains_what_was_left(void **state)
{
    const char *dir = *state;
    struct kafka_spool *s = spool_open(dir, 1 << 20);
    struct kafka_spool_record a = record("vigil.conn", "1:a=", "{\"n\":1}", 1);
    struct kafka_spool_record b = record("vigil.conn", "1:b=", "{\"n\":2}", 2);
    assert_true(kafka_spool_put(s, &a));
    assert_true(kafka_spool_put(s, &b));
    expect_next(s, "vigil.conn", "1:a=", "{\"n\":1}", 1);
    kafka_spool_close(s);
    /* the first record was sent before the exit: the next run sends only the second */
    s = spool_open(dir, 1 << 20);
    expect_next(s, "vigil.conn", "1:b=", "{\"n\":2}", 2);
    struct kafka_spool_record none;
    assert_int_equal(kafka_spool_peek(s, &none), 0);
    kafka_spool_close(s);
}

static void test_damaged_tail_is_discarded(void **state)
{
    const char *dir = *state;
    struct kafka_spool *s = spool_open(dir, 1 << 20);
    struct kafka_spool_record a = record("vigil.conn", "1:a=", "{\"n\":1}", 1);
    assert_true(kafka_spool_put(s, &a));
    assert_true(kafka_spool_put(s, &a));
    kafka_spool_close(s);
    /* a crash in the middle of the second record's write */
    char file[256];
    off_t size = spool_file(dir, file, sizeof file);
    assert_int_equal(truncate(file, size - 3), 0);
    s = spool_open(dir, 1 << 20);
    expect_next(s, "vigil.conn", "1:a=", "{\"n\":1}", 1);
    struct kafka_spool_record none;
    assert_int_equal(kafka_spool_peek(s, &none), 0);
    assert_int_equal(kafka_spool_damaged(s), 1);
    assert_int_equal(kafka_spool_bytes(s), 0);
    kafka_spool_close(s);
    /* garbage instead of a record: nothing read from it */
    int fd = open(file, O_WRONLY | O_TRUNC);
    assert_true(fd >= 0);
    const char junk[] = "VKS1\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff and more";
    assert_int_equal(write(fd, junk, sizeof junk - 1), (ssize_t)(sizeof junk - 1));
    close(fd);
    s = spool_open(dir, 1 << 20);
    assert_int_equal(kafka_spool_peek(s, &none), 0);
    assert_int_equal(kafka_spool_damaged(s), 1);
    kafka_spool_close(s);
}

static void test_open_errors_say_why(void **state)
{
    char err[256] = "";
    assert_null(kafka_spool_open("/proc/vigil-no-such/spool", 1024, err, sizeof err));
    assert_non_null(strstr(err, "kafka spool directory /proc/vigil-no-such/spool"));
}

static void test_key_members(void **state)
{
    const char line[] = "{\"ts\":1.0,\"uid\":\"C1\",\"id.orig_h\":\"10.0.0.1\",\"note\":\"x\\\"community_id\\\":\\\"no\","
                        "\"community_id\":\"1:a\\/b+c=\"}";
    char out[64];
    assert_int_equal(kafka_json_member(line, strlen(line), "community_id", out, sizeof out), 8);
    assert_string_equal(out, "1:a/b+c=");
    assert_int_equal(kafka_json_member(line, strlen(line), "id.orig_h", out, sizeof out), 8);
    assert_string_equal(out, "10.0.0.1");
    assert_int_equal(kafka_json_member(line, strlen(line), "fuid", out, sizeof out), 0);
    /* too long for the buffer, or cut: absent */
    assert_int_equal(kafka_json_member(line, strlen(line), "community_id", out, 4), 0);
    assert_int_equal(kafka_json_member(line, 30, "uid", out, sizeof out), 2);
    assert_int_equal(kafka_json_member(line, 19, "uid", out, sizeof out), 0);
    /* the hint is never 0 (0: none) and depends on the text only */
    assert_int_not_equal(kafka_host_hint("10.0.0.1", 8), 0);
    assert_int_equal(kafka_host_hint("10.0.0.1", 8), kafka_host_hint("10.0.0.1", 8));
    assert_int_not_equal(kafka_host_hint("10.0.0.1", 8), kafka_host_hint("10.0.0.2", 8));
    /* FNV-1a-32 of the empty string, plus one */
    assert_int_equal(kafka_host_hint("", 0), 2166136261u + 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        TMPDIR_TEST(test_records_come_back_in_order),
        TMPDIR_TEST(test_cap_refuses_what_does_not_fit),
        TMPDIR_TEST(test_next_run_drains_what_was_left),
        TMPDIR_TEST(test_damaged_tail_is_discarded),
        cmocka_unit_test(test_open_errors_say_why),
        cmocka_unit_test(test_key_members),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
