/* libFuzzer target for the files layer: MIME sniffing (libmagic), hashing
 * and the file life cycle on attacker bytes.
 *
 * Input: [1 byte: number of files 1..4, bit 7: the files are byte-range
 * parts of one file] then chunks [1 control byte][bytes]: the control
 * byte's low two bits pick the file, bit 2 makes the chunk a gap instead of
 * data, bit 3 ends the file (a part is followed by the next part, 20 s
 * later, so joined files wait, time out and complete), the upper four bits
 * plus one times 16 give the chunk length (a length past the end takes what
 * is left). A gap with bit 4 set is one EVE does not count
 * (file_gap_past_eve); data of the longest length first ends EVE's view of
 * the file (file_eve_stop). */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "files/files.h"
#include "proto/parser.h"
#include "stream_driver.h"

/* Byte-range parts: where each begins, the file's size, the pause between
 * one part's end and the next part's start. */
#define PART_STEP 48
#define PART_TOTAL 400
#define PART_PAUSE_US (20 * (int64_t)1000000)

static void fuzz_publish(struct app_env *env, enum event_kind kind, const void *txn)
{
    const struct file_info *f = txn;
    volatile size_t sink = strlen(f->mime_type) + strlen(f->md5) + strlen(f->sha1) + strlen(f->sha256);
    (void)sink;
}

#define MAX_FILES 4

/* An inspector that wants every other file and reads every byte it is
 * given, so the keeping of bytes (head, cap, gaps) is exercised. */
static bool fuzz_wants(const void *ctx, const char *name, size_t nl, bool from_url, const uint8_t *head, size_t n)
{
    return n > 0 && (head[0] & 1);
}

static void fuzz_inspect(const void *ctx, const char *name, const uint8_t *p, size_t n, bool cut,
                         struct file_verdict *out)
{
    unsigned sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += p[i];
    out->score = (int)(sum & 0xff);
    out->verdict[0] = cut ? 'c' : 'w';
}

static const struct file_inspector fuzz_inspector = {
    .wants = fuzz_wants, .inspect = fuzz_inspect, .max_bytes = 6000,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct file_ctx *fc; /* libmagic's database loads once per process */
    if (!fc) {
        struct file_config cfg = {.inspector = &fuzz_inspector};
        char err[256];
        fc = file_ctx_new(&cfg, err, sizeof err);
        if (!fc)
            return 0;
    }
    if (size < 1)
        return 0;
    struct app_conn conn;
    memset(&conn, 0, sizeof conn);
    memcpy(conn.uid, "Cfuzz", 6);
    struct app_env env = {.conn = &conn, .publish = fuzz_publish, .weird = fuzz_no_weird, .files = fc};
    struct file_analysis *open_files[MAX_FILES] = {NULL};
    unsigned n_files = (unsigned)(data[0] % MAX_FILES) + 1;
    size_t off = 1;
    int64_t ts = 1;
    bool parts = (data[0] & 0x80u) != 0;
    uint64_t next_part = 0;
    for (unsigned i = 0; i < n_files; i++) {
        if (parts) {
            env.ts_us = ts;
            open_files[i] = file_begin_part(fc, &env, "HTTP", false, "key", 3, next_part, PART_TOTAL, i);
            next_part += PART_STEP;
        } else {
            open_files[i] = file_begin(fc, &conn, (i & 1) ? "SMTP" : "HTTP", i & 1, "name.bin", 8, 0, ts);
        }
    }
    while (off < size) {
        uint8_t ctl = data[off++];
        unsigned which = ctl & 3u;
        size_t len = ((size_t)(ctl >> 4) + 1) * 16;
        if (len > size - off)
            len = size - off;
        struct file_analysis *fa = open_files[which % n_files];
        if (!fa)
            continue;
        /* a hole beyond EVE's view on bit 4; the longest data chunks end
         * EVE's view first (HTTP's body limit) */
        if (ctl & 4u) {
            if (ctl & 0x10u)
                file_gap_past_eve(fa, len);
            else
                file_gap(fa, len);
        } else {
            if ((ctl >> 4) == 0xfu)
                file_eve_stop(fa);
            file_data(fa, data + off, len, ++ts);
        }
        off += len;
        if (ctl & 8u) {
            char fuid[UID_LEN], mime[96];
            file_end(fa, &env, fuid, mime);
            open_files[which % n_files] = NULL;
            if (parts) {
                ts += PART_PAUSE_US;
                env.ts_us = ts;
                open_files[which % n_files] =
                    file_begin_part(fc, &env, "HTTP", false, "key", 3, next_part % PART_TOTAL, PART_TOTAL, which);
                next_part += PART_STEP;
            }
        }
    }
    for (unsigned i = 0; i < n_files; i++)
        if (open_files[i])
            file_end(open_files[i], &env, NULL, NULL);
    file_ctx_flush_parts(fc, &env);
    return 0;
}
