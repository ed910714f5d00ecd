/* libFuzzer target for the device fingerprints loader (asset/fingerprint.c):
 * the input is a file --fingerprints names, read from disk. When it loads,
 * every field of the input is matched as a value of every source (a pattern
 * is compiled when first needed), each hint found is read whole, and the
 * skipped count compiles whatever is left. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "asset/fingerprint.h"
#include "table_file.h"

static volatile size_t hint_bytes; /* every hint string is read */

static void *load(const char *path, char *err, size_t errlen)
{
    const char *paths[] = {path};
    return fingerprint_db_load(paths, 1, err, errlen);
}

static void look_up(void *ctx, const char *field, size_t len)
{
    for (int s = 0; s < FP_SOURCE_COUNT; s++) {
        struct fp_hint h;
        if (!fingerprint_match(ctx, (enum fp_source)s, field, len, &h))
            continue;
        const char *strings[] = {h.device_type, h.vendor, h.product, h.os, h.description};
        for (size_t i = 0; i < sizeof strings / sizeof *strings; i++)
            hint_bytes += strlen(strings[i]);
    }
}

static void unload(void *db)
{
    (void)fingerprint_db_skipped(db);
    fingerprint_db_free(db);
}

static const struct fuzz_table table = {"fingerprints.tsv", load, look_up, unload};
FUZZ_TABLE_TARGET(table)
