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
static const struct {
    const char *name;
    size_t offset;
    uint64_t min, max;
} weights[] = {
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

/* One "setting value" line into w; false when the setting is unknown or the value out of range. */
static bool apply(struct beacon_weights *w, const char *name, const char *value, bool *seen)
{
    for (size_t i = 0; i < N_WEIGHTS; i++) {
        if (strcmp(weights[i].name, name) != 0)
            continue;
        void *field = (char *)w + weights[i].offset;
        if (weights[i].max > 0) {
            uint64_t n;
            if (!tsv_parse_u64(value, weights[i].max, &n) || n < weights[i].min)
                return false;
            *(unsigned *)field = (unsigned)n;
        } else {
            char *end;
            errno = 0;
            double v = strtod(value, &end);
            if (errno != 0 || end == value || *end != '\0' || !isfinite(v) || v < 0.0 || v > 1.0)
                return false;
            *(double *)field = v;
        }
        seen[i] = true;
        return true;
    }
    return false;
}

bool beacon_weights_load(const char *path, struct beacon_weights *w, char *err, size_t errlen)
{
    char shipped[4096];
    path = tsv_data_path(path, "data/beacon_weights.tsv", shipped, sizeof shipped);
    struct tsv_reader lines;
    if (!tsv_reader_open(&lines, path, err, errlen))
        return false;
    memset(w, 0, sizeof *w);
    bool seen[N_WEIGHTS] = {false};
    char line[1024];
    bool ok = true;
    while (ok && tsv_next_line(&lines, line, sizeof line)) {
        char *fields[3];
        if (tsv_split(line, fields, 3) < 2 || !apply(w, fields[0], fields[1], seen)) {
            snprintf(err, errlen, "%s:%u: expected a known setting<TAB>a value in range (weights 0..1)", path,
                     lines.lineno);
            ok = false;
        }
    }
    fclose(lines.f);
    for (size_t i = 0; ok && i < N_WEIGHTS; i++) {
        if (!seen[i]) {
            snprintf(err, errlen, "%s: setting %s is missing", path, weights[i].name);
            ok = false;
        }
    }
    if (ok && !(w->request_share_low < w->request_share_high)) {
        snprintf(err, errlen, "%s: request_share_low must be below request_share_high", path);
        ok = false;
    }
    return ok;
}
