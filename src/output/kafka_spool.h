/* The Kafka output's disk spool: messages the brokers could not take (the
 * in-memory queue full, or a delivery that failed) wait here, in arrival
 * order, until the producer drains them. One file, `kafka.spool` in the
 * spool directory, bounded by a byte cap: a message that does not fit is
 * refused and the caller counts it as dropped. What is still spooled at
 * exit stays on disk (moved to the file's start, so what was sent is not
 * sent again) and is drained by the next run with the same directory; a
 * crash may send a part of it twice, never lose it.
 *
 * A record: "VKS1", topic length (u16), key length (u16), payload length
 * (u32), partition hint (u32), all little-endian, then the three byte
 * strings. A record that does not read back whole (a crash mid-write, a
 * damaged file) ends the spool there: the rest is discarded and counted.
 *
 * Not thread-safe: the caller locks. Depends on libc only, so the unit
 * tests run it without librdkafka. */
#ifndef VIGIL_OUTPUT_KAFKA_SPOOL_H
#define VIGIL_OUTPUT_KAFKA_SPOOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define KAFKA_SPOOL_FILE "kafka.spool"
#define KAFKA_SPOOL_MAX_TOPIC 255
#define KAFKA_SPOOL_MAX_KEY 255
#define KAFKA_SPOOL_MAX_PAYLOAD (4u * 1024 * 1024)

struct kafka_spool;

/* One message. The pointers are borrowed for kafka_spool_put; from
 * kafka_spool_peek they are valid until the next call on the spool. */
struct kafka_spool_record {
    const char *topic;
    size_t topic_len;
    const char *key;      /* may be NULL when key_len is 0 */
    size_t key_len;
    const char *payload;
    size_t payload_len;
    uint32_t hint;        /* the producer's partition hint, kept as given */
};

/* Opens (creating DIR and the file when needed) a spool of at most max_bytes
 * unread bytes; records left by an earlier run are kept, to be drained.
 * NULL and a one-line reason in err on failure. The caller closes it with
 * kafka_spool_close(). */
struct kafka_spool *kafka_spool_open(const char *dir, uint64_t max_bytes, char *err, size_t errlen);
void kafka_spool_close(struct kafka_spool *s);

/* Appends a record; false when it would pass the cap, is too large, or the
 * write failed (nothing of it is kept then). */
bool kafka_spool_put(struct kafka_spool *s, const struct kafka_spool_record *r);
/* The oldest record, without removing it: 1, or 0 when the spool is empty
 * (a damaged tail is discarded and counted, then 0). */
int kafka_spool_peek(struct kafka_spool *s, struct kafka_spool_record *r);
/* Removes the record the last peek returned. */
void kafka_spool_pop(struct kafka_spool *s);

/* Unread bytes on disk (the cap's measure). */
uint64_t kafka_spool_bytes(const struct kafka_spool *s);
/* Records waiting (those of an earlier run included once read). */
uint64_t kafka_spool_records(const struct kafka_spool *s);
/* Damaged tails discarded so far. */
uint64_t kafka_spool_damaged(const struct kafka_spool *s);

#endif
