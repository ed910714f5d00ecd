/* The thresholds file of the short-capture detectors (short_config.h). */
#include "detect/short_config.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detect/config-t.h"
#include "util/tsv.h"

enum value_kind {
    VALUE_COUNT,   /* 1 .. 1,000,000 */
    VALUE_SECONDS, /* 1 s .. 1 day: "short" captures */
    VALUE_SHARE,   /* 0 .. 1 */
    VALUE_BITS,    /* 0 .. 8: entropy per character or byte */
};

struct setting {
    const char *name;
    enum value_kind kind;
    size_t offset;
};

#define FIELD(f) offsetof(struct short_thresholds, f)
static const struct setting settings[] = {
    {"icmp_window_seconds", VALUE_SECONDS, FIELD(icmp_window_us)},
    {"icmp_min_requests", VALUE_COUNT, FIELD(icmp_min_requests)},
    {"icmp_varying_share", VALUE_SHARE, FIELD(icmp_varying_share)},
    {"icmp_large_payload", VALUE_COUNT, FIELD(icmp_large_payload)},
    {"icmp_entropy_ratio", VALUE_SHARE, FIELD(icmp_entropy_ratio)},
    {"icmp_random_share", VALUE_SHARE, FIELD(icmp_random_share)},
    {"icmp_asymmetric_share", VALUE_SHARE, FIELD(icmp_asymmetric_share)},
    {"dns_tunnel_window_seconds", VALUE_SECONDS, FIELD(dns_tunnel_window_us)},
    {"dns_tunnel_min_queries", VALUE_COUNT, FIELD(dns_tunnel_min_queries)},
    {"dns_tunnel_min_unique", VALUE_COUNT, FIELD(dns_tunnel_min_unique)},
    {"dns_tunnel_min_length", VALUE_COUNT, FIELD(dns_tunnel_min_length)},
    {"dns_tunnel_min_entropy", VALUE_BITS, FIELD(dns_tunnel_min_entropy)},
    {"dns_tunnel_odd_type_share", VALUE_SHARE, FIELD(dns_tunnel_odd_type_share)},
    {"dns_tunnel_bytes_per_minute", VALUE_COUNT, FIELD(dns_tunnel_bytes_per_minute)},
    {"dga_window_seconds", VALUE_SECONDS, FIELD(dga_window_us)},
    {"dga_min_domains", VALUE_COUNT, FIELD(dga_min_domains)},
    {"dga_min_label_score", VALUE_SHARE, FIELD(dga_min_label_score)},
    {"txt_window_seconds", VALUE_SECONDS, FIELD(txt_window_us)},
    {"txt_min_queries", VALUE_COUNT, FIELD(txt_min_queries)},
    {"txt_min_distinct_answers", VALUE_COUNT, FIELD(txt_min_distinct_answers)},
    {"txt_min_encoded_share", VALUE_SHARE, FIELD(txt_min_encoded_share)},
};
#undef FIELD
#define N_SETTINGS (sizeof settings / sizeof settings[0])

static bool parse_real(const char *v, double hi, double *out)
{
    char *end;
    errno = 0;
    double x = strtod(v, &end);
    if (errno != 0 || end == v || *end != '\0' || !isfinite(x) || x < 0.0 || x > hi)
        return false;
    *out = x;
    return true;
}

static bool apply(void *ctx, const void *setting, const char *v)
{
    struct short_thresholds *t = ctx;
    const struct setting *s = setting;
    void *field = (char *)t + s->offset;
    uint64_t n;
    double x;
    switch (s->kind) {
    case VALUE_COUNT:
        if (!tsv_parse_u64(v, 1000000, &n) || n == 0)
            return false;
        *(unsigned *)field = (unsigned)n;
        return true;
    case VALUE_SECONDS:
        if (!tsv_parse_u64(v, 86400, &n) || n == 0)
            return false;
        *(int64_t *)field = (int64_t)n * 1000000;
        return true;
    case VALUE_SHARE:
    case VALUE_BITS:
        if (!parse_real(v, s->kind == VALUE_SHARE ? 1.0 : 8.0, &x))
            return false;
        *(double *)field = x;
        return true;
    }
    return false;
}

bool short_thresholds_load(const char *path, struct short_thresholds *t, char *err, size_t errlen)
{
    memset(t, 0, sizeof *t);
    const struct tsv_settings s = {settings, sizeof settings[0], N_SETTINGS, apply, t, NULL};
    return tsv_settings_read(path, "data/short_capture.tsv", &s, err, errlen);
}

bool short_run_open(const struct detect_config *cfg, size_t size, void **state, char *err, size_t errlen)
{
    *state = NULL;
    if (!cfg->behavior)
        return true;
    struct short_thresholds *t = calloc(1, size);
    if (t == NULL) {
        snprintf(err, errlen, "out of memory");
        return false;
    }
    if (!short_thresholds_load(cfg->short_thresholds, t, err, errlen)) {
        free(t);
        return false;
    }
    *state = t;
    return true;
}
