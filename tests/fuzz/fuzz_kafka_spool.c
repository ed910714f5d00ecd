/* libFuzzer target for the Kafka output's spool reader (output/kafka_spool.c)
 * and the line scanner that finds a message's key (output/kafka_key.c). The
 * input is written as the spool file an earlier run left (a crash, a full
 * disk, a file edited by hand): every record is peeked and popped until the
 * spool says it is empty, each byte handed out is read, and a record put
 * after the damage must come back. The same bytes are scanned as a JSON
 * line for the members the output keys messages by. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "output/kafka_key.h"
#include "output/kafka_spool.h"
#include "temp_file.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

static volatile unsigned bytes_seen; /* every byte handed out is read */

static unsigned sum_bytes(const char *p, size_t n)
{
    unsigned s = 0;
    for (size_t i = 0; i < n; i++)
        s += (unsigned char)p[i];
    return s;
}

static void scan_line(const uint8_t *d, size_t n)
{
    static const char *const names[] = {"community_id", "uid", "id.orig_h", "", "a\"b"};
    char out[128];
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        size_t len = kafka_json_member((const char *)d, n, names[i], out, sizeof out);
        if (len >= sizeof out || (len > 0 && strlen(out) != len))
            abort();
        (void)kafka_host_hint(out, len);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    scan_line(d, n);
    char path[128];
    fuzz_temp_write(KAFKA_SPOOL_FILE, d, n, path, sizeof path);
    char err[256];
    struct kafka_spool *s = kafka_spool_open(fuzz_temp_dir(), 1 << 20, err, sizeof err);
    if (s == NULL)
        abort();
    unsigned sum = 0;
    struct kafka_spool_record r;
    for (int i = 0; i < 4096 && kafka_spool_peek(s, &r) == 1; i++) {
        sum += sum_bytes(r.topic, r.topic_len) + sum_bytes(r.key, r.key_len) + sum_bytes(r.payload, r.payload_len);
        kafka_spool_pop(s);
    }
    struct kafka_spool_record mine = {.topic = "vigil.conn", .topic_len = 10, .payload = "{}", .payload_len = 2};
    if (kafka_spool_bytes(s) == 0 && kafka_spool_put(s, &mine)) {
        if (kafka_spool_peek(s, &r) != 1 || r.payload_len != 2 || memcmp(r.payload, "{}", 2) != 0)
            abort();
        kafka_spool_pop(s);
    }
    kafka_spool_close(s);
    unlink(path);
    bytes_seen += sum;
    return 0;
}
