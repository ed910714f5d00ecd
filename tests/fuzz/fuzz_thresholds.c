/* libFuzzer target for the thresholds files read through util/tsv's
 * settings reader (tsv_settings_read): data/beacon_weights.tsv
 * (--beacon-weights, detect/beacon_weights.c) and data/short_capture.tsv
 * (detect/short_config.c). The first byte's low bit picks which file the
 * rest is (set: the short-capture thresholds, clear: the beacon weights),
 * read from disk. The lateral-movement file's thresholds, the same reader
 * with a tag, are fuzz_lateral_policy's. A file that loads must give the
 * beacon weights in their documented ranges. */
#include <stdint.h>
#include <stdlib.h>

#include "detect/beacon_weights.h"
#include "detect/short_config.h"
#include "temp_file.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

static bool share(double v)
{
    return v >= 0 && v <= 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    if (n == 0)
        return 0;
    char path[128], err[256];
    if (d[0] & 1) {
        fuzz_temp_write("short_capture.tsv", d + 1, n - 1, path, sizeof path);
        struct short_thresholds t;
        (void)short_thresholds_load(path, &t, err, sizeof err);
        return 0;
    }
    fuzz_temp_write("beacon_weights.tsv", d + 1, n - 1, path, sizeof path);
    struct beacon_weights w;
    if (beacon_weights_load(path, &w, err, sizeof err) &&
        !(share(w.timing) && share(w.hours) && share(w.size) && share(w.count) && share(w.prevalence_weight) &&
          share(w.keepalive_weight) && share(w.request_weight) && w.request_share_low < w.request_share_high))
        abort();
    return 0;
}
