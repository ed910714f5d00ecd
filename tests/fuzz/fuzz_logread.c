/* libFuzzer target for the log reader (hunt/logread), in memory. The first
 * byte picks the file name the input is read as (bits 0-1: conn.log,
 * eve.json, dns_20240101.log.gz, x), a filter (bit 2: only "dns" and
 * "conn") and a small line cap (bit 3: 128 bytes); the rest is the file,
 * plain or gzip. Every row is asked for a set of Zeek and EVE names with
 * log_row_get and log_row_each, and every byte handed out is read. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hunt/logread.h"
#include "exact_copy.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

static const char *const names[] = {
    "ts", "uid", "id.orig_h", "id.resp_p", "query", "answers", "TTLs", "service",
    "tunnel_parents", "_path", "event_type", "timestamp", "src_ip", "dest_port",
    "dns.rrname", "dns.queries.rrname", "dns.answers.rdata", "http.hostname",
    "tls.ja3.hash", "email.to", "flow.bytes_toserver", "a", "a.b", "", ".", "a..b",
};

static void touch(void *ctx, const char *val, size_t len)
{
    volatile unsigned *sum = ctx;
    for (size_t i = 0; i < len; i++)
        *sum += (unsigned char)val[i];
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    static const char *const file_names[] = {"conn.log", "logs/eve.json", "dns_20240101.log.gz", "x"};
    static const char *const wanted[] = {"dns", "conn", NULL};
    struct fuzz_moded_input in;
    if (!fuzz_mode_and_copy(d, n, &in))
        return 0;
    char err[256];
    struct logread *r = logread_open_memory(in.data, in.len, file_names[in.mode & 3], err, sizeof err);
    if (r == NULL) {
        free(in.data);
        return 0;
    }
    if (in.mode & 4)
        logread_filter(r, wanted);
    if (in.mode & 8)
        logread_set_max_line(r, 128);
    struct log_row row;
    volatile unsigned sum = 0;
    int rc;
    while ((rc = logread_next(r, &row, err, sizeof err)) == 1) {
        sum += (unsigned)row.line + (unsigned char)row.path[0] + (unsigned char)row.file[0];
        sum += row.ts > 0;
        for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
            struct log_value v;
            if (log_row_get(&row, names[i], &v))
                touch((void *)&sum, v.val, v.len);
            log_row_each(&row, names[i], touch, (void *)&sum);
        }
    }
    const char *w = logread_warning(r);
    if (w != NULL)
        sum += (unsigned)strlen(w);
    struct logread_stats st;
    logread_get_stats(r, &st);
    logread_close(r);
    free(in.data);
    return 0;
}
