/* The Kafka spool file: appended at its end, read from an offset, cut back
 * to empty whenever the reader catches up (so a spool that drains does not
 * keep growing on disk). */
#include "output/kafka_spool.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define RECORD_MAGIC "VKS1"
#define HEADER_LEN 16

struct kafka_spool {
    int fd;
    uint64_t max_bytes;
    uint64_t read_off, write_off;  /* unread records lie between them */
    uint64_t records;              /* known records between them (an earlier run's are counted as read) */
    uint64_t damaged;
    uint64_t peeked_len;           /* length of the record the last peek returned; 0: none */
    char *record;                  /* the peeked record's bytes */
    size_t record_cap;
};

static void put_u16(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)v;
    p[1] = (unsigned char)(v >> 8);
}

static void put_u32(unsigned char *p, uint32_t v)
{
    put_u16(p, v & 0xffff);
    put_u16(p + 2, v >> 16);
}

static uint32_t get_u16(const unsigned char *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8; }
static uint32_t get_u32(const unsigned char *p) { return get_u16(p) | get_u16(p + 2) << 16; }

struct kafka_spool *kafka_spool_open(const char *dir, uint64_t max_bytes, char *err, size_t errlen)
{
    char path[4096];
    if (mkdir(dir, 0750) != 0 && errno != EEXIST) {
        snprintf(err, errlen, "kafka spool directory %s: %s", dir, strerror(errno));
        return NULL;
    }
    int n = snprintf(path, sizeof path, "%s/%s", dir, KAFKA_SPOOL_FILE);
    if (n < 0 || (size_t)n >= sizeof path) {
        snprintf(err, errlen, "kafka spool directory %s: %s", dir, strerror(ENAMETOOLONG));
        return NULL;
    }
    int fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0640);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "kafka spool %s: %s", path, fd < 0 ? strerror(errno) : "not a regular file");
        if (fd >= 0)
            close(fd);
        return NULL;
    }
    struct kafka_spool *s = calloc(1, sizeof *s);
    if (s == NULL) {
        close(fd);
        snprintf(err, errlen, "kafka spool: out of memory");
        return NULL;
    }
    s->fd = fd;
    s->max_bytes = max_bytes;
    s->write_off = (uint64_t)st.st_size;
    return s;
}

/* All of n bytes at off, written or read, retried after a short transfer. */
static bool transfer(int fd, char *p, size_t n, uint64_t off, bool writing)
{
    while (n > 0) {
        ssize_t k = writing ? pwrite(fd, p, n, (off_t)off) : pread(fd, p, n, (off_t)off);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return false;
        p += k;
        n -= (size_t)k;
        off += (uint64_t)k;
    }
    return true;
}

static bool write_all(int fd, const void *p, size_t n, uint64_t off)
{
    return transfer(fd, (char *)p, n, off, true);
}

static bool read_all(int fd, void *p, size_t n, uint64_t off)
{
    return transfer(fd, p, n, off, false);
}

/* Moves the unread records to the start of the file, so that the next run
 * does not send again what this one delivered. */
static void compact(struct kafka_spool *s)
{
    char block[64 * 1024];
    uint64_t from = s->read_off, to = 0;
    while (from < s->write_off) {
        size_t n = s->write_off - from < sizeof block ? (size_t)(s->write_off - from) : sizeof block;
        if (!read_all(s->fd, block, n, from) || !write_all(s->fd, block, n, to))
            return; /* left as it was: the next run sends some records twice, loses none */
        from += n;
        to += n;
    }
    (void)!ftruncate(s->fd, (off_t)to);
}

void kafka_spool_close(struct kafka_spool *s)
{
    if (s == NULL)
        return;
    if (s->read_off > 0)
        compact(s);
    close(s->fd);
    free(s->record);
    free(s);
}

bool kafka_spool_put(struct kafka_spool *s, const struct kafka_spool_record *r)
{
    if (r->topic_len == 0 || r->topic_len > KAFKA_SPOOL_MAX_TOPIC || r->key_len > KAFKA_SPOOL_MAX_KEY ||
        r->payload_len > KAFKA_SPOOL_MAX_PAYLOAD)
        return false;
    uint64_t len = HEADER_LEN + r->topic_len + r->key_len + r->payload_len;
    if (s->write_off - s->read_off + len > s->max_bytes)
        return false;
    unsigned char h[HEADER_LEN];
    memcpy(h, RECORD_MAGIC, 4);
    put_u16(h + 4, (uint32_t)r->topic_len);
    put_u16(h + 6, (uint32_t)r->key_len);
    put_u32(h + 8, (uint32_t)r->payload_len);
    put_u32(h + 12, r->hint);
    uint64_t off = s->write_off;
    bool ok = write_all(s->fd, h, sizeof h, off) && write_all(s->fd, r->topic, r->topic_len, off + HEADER_LEN) &&
              write_all(s->fd, r->key, r->key_len, off + HEADER_LEN + r->topic_len) &&
              write_all(s->fd, r->payload, r->payload_len, off + HEADER_LEN + r->topic_len + r->key_len);
    if (!ok) {
        (void)!ftruncate(s->fd, (off_t)off); /* a record half written is no record */
        return false;
    }
    s->write_off += len;
    s->records++;
    return true;
}

/* The rest of the file cannot be read as records: forget it. */
static int discard_tail(struct kafka_spool *s)
{
    s->damaged++;
    s->read_off = s->write_off = 0;
    s->records = 0;
    s->peeked_len = 0;
    (void)!ftruncate(s->fd, 0);
    return 0;
}

int kafka_spool_peek(struct kafka_spool *s, struct kafka_spool_record *r)
{
    s->peeked_len = 0;
    if (s->read_off == s->write_off)
        return 0;
    unsigned char h[HEADER_LEN];
    if (s->write_off - s->read_off < HEADER_LEN || !read_all(s->fd, h, sizeof h, s->read_off) ||
        memcmp(h, RECORD_MAGIC, 4) != 0)
        return discard_tail(s);
    size_t topic_len = get_u16(h + 4), key_len = get_u16(h + 6), payload_len = get_u32(h + 8);
    size_t body = topic_len + key_len + payload_len;
    if (topic_len == 0 || topic_len > KAFKA_SPOOL_MAX_TOPIC || key_len > KAFKA_SPOOL_MAX_KEY ||
        payload_len > KAFKA_SPOOL_MAX_PAYLOAD || s->write_off - s->read_off - HEADER_LEN < body)
        return discard_tail(s);
    if (body > s->record_cap) {
        char *p = realloc(s->record, body);
        if (p == NULL)
            return 0; /* try again later: the record stays */
        s->record = p;
        s->record_cap = body;
    }
    if (!read_all(s->fd, s->record, body, s->read_off + HEADER_LEN))
        return discard_tail(s);
    *r = (struct kafka_spool_record){.topic = s->record, .topic_len = topic_len,
                                     .key = s->record + topic_len, .key_len = key_len,
                                     .payload = s->record + topic_len + key_len, .payload_len = payload_len,
                                     .hint = get_u32(h + 12)};
    s->peeked_len = HEADER_LEN + body;
    return 1;
}

void kafka_spool_pop(struct kafka_spool *s)
{
    if (s->peeked_len == 0)
        return;
    s->read_off += s->peeked_len;
    s->peeked_len = 0;
    if (s->records > 0)
        s->records--;
    if (s->read_off == s->write_off) {
        s->read_off = s->write_off = 0;
        s->records = 0;
        (void)!ftruncate(s->fd, 0);
    }
}

uint64_t kafka_spool_bytes(const struct kafka_spool *s) { return s->write_off - s->read_off; }
uint64_t kafka_spool_records(const struct kafka_spool *s) { return s->records; }
uint64_t kafka_spool_damaged(const struct kafka_spool *s) { return s->damaged; }
