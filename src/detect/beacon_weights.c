#include "detect/beacon_weights.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/datadir.h"
#include "util/tsv.h"

#define FIELD(f) offsetof(struct beacon_weights, f)
static const struct {
    const char *name;
    size_t offset;
} weights[] = {
    {"timing", FIELD(timing)}, {"hours", FIELD(hours)}, {"size", FIELD(size)}, {"count", FIELD(count)},
    {"prevalence_weight", FIELD(prevalence_weight)},
};
#undef FIELD
#define N_WEIGHTS (sizeof weights / sizeof weights[0])
#define MIN_HOSTS_MAX 1000000

/* One "setting value" line into w; false when the setting is unknown or the value out of range. */
static bool apply(struct beacon_weights *w, const char *name, const char *value, bool *seen)
{
    char *end;
    errno = 0;
    if (strcmp(name, "prevalence_min_hosts") == 0) {
        uint64_t n;
        if (!tsv_parse_u64(value, MIN_HOSTS_MAX, &n) || n < 2)
            return false;
        w->prevalence_min_hosts = (unsigned)n;
        seen[N_WEIGHTS] = true;
        return true;
    }
    for (size_t i = 0; i < N_WEIGHTS; i++) {
        if (strcmp(weights[i].name, name) != 0)
            continue;
        double v = strtod(value, &end);
        if (errno != 0 || end == value || *end != '\0' || !isfinite(v) || v < 0.0 || v > 1.0)
            return false;
        *(double *)(void *)((char *)w + weights[i].offset) = v;
        seen[i] = true;
        return true;
    }
    return false;
}

bool beacon_weights_load(const char *path, struct beacon_weights *w, char *err, size_t errlen)
{
    char shipped[4096];
    if (path == NULL) {
        vigil_data_path("data/beacon_weights.tsv", shipped, sizeof shipped);
        path = shipped;
    }
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return false;
    }
    memset(w, 0, sizeof *w);
    bool seen[N_WEIGHTS + 1] = {false};
    char line[1024];
    struct tsv_reader lines = {.f = f};
    bool ok = true;
    while (ok && tsv_next_line(&lines, line, sizeof line)) {
        char *fields[3];
        if (tsv_split(line, fields, 3) < 2 || !apply(w, fields[0], fields[1], seen)) {
            snprintf(err, errlen, "%s:%u: expected a known setting<TAB>a value in range (weights 0..1)", path,
                     lines.lineno);
            ok = false;
        }
    }
    fclose(f);
    for (size_t i = 0; ok && i <= N_WEIGHTS; i++) {
        if (!seen[i]) {
            snprintf(err, errlen, "%s: setting %s is missing", path,
                     i < N_WEIGHTS ? weights[i].name : "prevalence_min_hosts");
            ok = false;
        }
    }
    return ok;
}
