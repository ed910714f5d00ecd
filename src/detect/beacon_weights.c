#include "detect/beacon_weights.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/tsv.h"

#define FIELD(f) offsetof(struct beacon_weights, f)
/* Each setting: a double in 0..1, or (max > 0) an unsigned count in min..max. */
struct weight {
    const char *name; /* first: util/tsv's settings table reads it */
    size_t offset;
    uint64_t min, max;
};
static const struct weight weights[] = {
    {"timing", FIELD(timing), 0, 0},
    {"hours", FIELD(hours), 0, 0},
    {"size", FIELD(size), 0, 0},
    {"count", FIELD(count), 0, 0},
    {"prevalence_weight", FIELD(prevalence_weight), 0, 0},
    {"prevalence_min_hosts", FIELD(prevalence_min_hosts), 2, 1000000},
    {"keepalive_weight", FIELD(keepalive_weight), 0, 0},
    {"keepalive_max_bytes", FIELD(keepalive_max_bytes), 0, 1u << 30},
    {"request_weight", FIELD(request_weight), 0, 0},
    {"request_band_percent", FIELD(request_band_percent), 1, 1000},
    {"request_share_low", FIELD(request_share_low), 0, 0},
    {"request_share_high", FIELD(request_share_high), 0, 0},
};
#undef FIELD
#define N_WEIGHTS (sizeof weights / sizeof weights[0])

/* One setting's value into the weights; false when out of range. */
static bool apply(void *ctx, const void *setting, const char *value)
{
    const struct weight *weight = setting;
    void *field = (char *)ctx + weight->offset;
    if (weight->max > 0) {
        uint64_t n;
        if (!tsv_parse_u64(value, weight->max, &n) || n < weight->min)
            return false;
        *(unsigned *)field = (unsigned)n;
        return true;
    }
    char *end;
    errno = 0;
    double v = strtod(value, &end);
    if (errno != 0 || end == value || *end != '\0' || !isfinite(v) || v < 0.0 || v > 1.0)
        return false;
    *(double *)field = v;
    return true;
}

bool beacon_weights_load(const char *path, struct beacon_weights *w, char *err, size_t errlen)
{
    char shipped[4096];
    path = tsv_data_path(path, "data/beacon_weights.tsv", shipped, sizeof shipped);
    memset(w, 0, sizeof *w);
    const struct tsv_settings settings = {weights, sizeof weights[0], N_WEIGHTS, apply, w, NULL};
    if (!tsv_settings_read(path, NULL, &settings, err, errlen))
        return false;
    if (!(w->request_share_low < w->request_share_high)) {
        snprintf(err, errlen, "%s: request_share_low must be below request_share_high", path);
        return false;
    }
    return true;
}
