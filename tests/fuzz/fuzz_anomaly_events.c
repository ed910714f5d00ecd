/* libFuzzer target for the anomaly table loader (output/anomaly_events.c):
 * the input is data/anomaly_events.tsv as a user may replace it, read from
 * disk. When it loads, every field of the input is looked up as an anomaly
 * of each IP version, and each row found is read whole. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "output/anomaly_events.h"
#include "table_file.h"

static volatile size_t row_bytes; /* every string of a row found is read */

static void *load(const char *path, char *err, size_t errlen)
{
    return anomaly_events_load(path, err, errlen);
}

static void look_up(void *ctx, const char *field, size_t len)
{
    for (unsigned version = 0; version <= 6; version += 2) {
        const struct anomaly_event *e = anomaly_events_find(ctx, field, version);
        if (e == NULL)
            continue;
        if (e->ip_version != 0 && e->ip_version != 4 && e->ip_version != 6)
            abort();
        row_bytes += strlen(e->name) + strlen(e->eve_type) + strlen(e->eve_event) +
                     (e->eve_app_proto ? strlen(e->eve_app_proto) : 0);
    }
}

static void unload(void *t)
{
    anomaly_events_free(t);
}

static const struct fuzz_table table = {"anomaly_events.tsv", load, look_up, unload};
FUZZ_TABLE_TARGET(table)
