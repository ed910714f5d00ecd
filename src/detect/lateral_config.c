/* The thresholds file of the lateral-movement detectors (lateral_config.h). */
#include "detect/lateral_config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detect/config-t.h"
#include "util/tsv.h"

enum setting_kind { SET_COUNT, SET_SECONDS, SET_ETYPES, SET_PORTS };

struct setting {
    const char *name;
    enum setting_kind kind;
    size_t offset, count_offset;
};

#define FIELD(f) offsetof(struct lateral_thresholds, f)
static const struct setting settings[] = {
    {"kerberoast_services", SET_COUNT, FIELD(kerberoast_services), 0},
    {"kerberoast_window_seconds", SET_SECONDS, FIELD(kerberoast_window_us), 0},
    {"kerberoast_etypes", SET_ETYPES, FIELD(kerberoast_etypes), FIELD(n_kerberoast_etypes)},
    {"asrep_roast_etypes", SET_ETYPES, FIELD(asrep_etypes), FIELD(n_asrep_etypes)},
    {"account_hosts", SET_COUNT, FIELD(account_hosts), 0},
    {"account_window_seconds", SET_SECONDS, FIELD(account_window_us), 0},
    {"fanout_hosts", SET_COUNT, FIELD(fanout_hosts), 0},
    {"fanout_window_seconds", SET_SECONDS, FIELD(fanout_window_us), 0},
    {"fanout_ports", SET_PORTS, FIELD(fanout_ports), FIELD(n_fanout_ports)},
};
#undef FIELD
#define N_SETTINGS (sizeof settings / sizeof settings[0])

bool lateral_list_has(const int32_t *list, size_t n, int32_t v)
{
    for (size_t i = 0; i < n; i++)
        if (list[i] == v)
            return true;
    return false;
}

/* A number in [lo, hi]; false when v is not one. */
static bool number(const char *v, long lo, long hi, long *out)
{
    char *end;
    errno = 0;
    long x = strtol(v, &end, 10);
    if (errno != 0 || end == v || (*end != '\0' && *end != ',') || x < lo || x > hi)
        return false;
    *out = x;
    return true;
}

static bool apply(void *ctx, const void *setting, const char *v)
{
    struct lateral_thresholds *t = ctx;
    const struct setting *s = setting;
    char *base = (char *)t;
    long x;
    switch (s->kind) {
    case SET_COUNT:
        if (!number(v, 2, 100000, &x))
            return false;
        *(unsigned *)(void *)(base + s->offset) = (unsigned)x;
        return true;
    case SET_SECONDS:
        if (!number(v, 1, 30 * 86400, &x))
            return false;
        *(int64_t *)(void *)(base + s->offset) = (int64_t)x * 1000000;
        return true;
    case SET_ETYPES:
    case SET_PORTS: {
        size_t *n = (size_t *)(void *)(base + s->count_offset);
        *n = 0;
        for (const char *p = v; *p;) {
            bool port = s->kind == SET_PORTS;
            if (*n == LATERAL_LIST_MAX || !number(p, port ? 1 : -1000, port ? 65535 : 1000, &x))
                return false;
            if (port)
                ((uint16_t *)(void *)(base + s->offset))[(*n)++] = (uint16_t)x;
            else
                ((int32_t *)(void *)(base + s->offset))[(*n)++] = (int32_t)x;
            const char *comma = strchr(p, ',');
            p = comma ? comma + 1 : p + strlen(p);
        }
        return *n > 0;
    }
    }
    return false;
}

bool lateral_thresholds_is_setting(const char *name)
{
    for (size_t i = 0; i < N_SETTINGS; i++)
        if (strcmp(settings[i].name, name) == 0)
            return true;
    return false;
}

/* The file is the lateral-movement policy (lateral_policy.h reads the rest
 * of it, and refuses what neither knows): only its "threshold" lines of
 * these settings are read here. */
bool lateral_thresholds_load(const char *path, struct lateral_thresholds *t, char *err, size_t errlen)
{
    memset(t, 0, sizeof *t);
    const struct tsv_settings s = {settings, sizeof settings[0], N_SETTINGS, apply, t, "threshold"};
    return tsv_settings_read(path, LATERAL_POLICY_FILE, &s, err, errlen);
}

bool lateral_run_open(const struct detect_config *cfg, size_t size, size_t n_windows, size_t max_keys, void **state,
                      char *err, size_t errlen)
{
    *state = NULL;
    if (!cfg->behavior)
        return true;
    struct lateral_run *r = calloc(1, size);
    if (r == NULL) {
        snprintf(err, errlen, "out of memory");
        return false;
    }
    if (!lateral_thresholds_load(cfg->lateral_policy_path, &r->th, err, errlen)) {
        free(r);
        return false;
    }
    pthread_mutex_init(&r->lock, NULL);
    for (r->n_windows = 0; r->n_windows < n_windows && r->n_windows < LATERAL_WINDOWS_MAX; r->n_windows++)
        if (!window_table_init(&r->windows[r->n_windows], max_keys)) {
            snprintf(err, errlen, "out of memory");
            lateral_run_close(r);
            return false;
        }
    *state = r;
    return true;
}

void lateral_run_close(void *state)
{
    struct lateral_run *r = state;
    if (r == NULL)
        return;
    for (size_t i = 0; i < r->n_windows; i++)
        window_table_free(&r->windows[i]);
    pthread_mutex_destroy(&r->lock);
    free(r);
}

void *lateral_worker_open(void *state, const struct detect_sink *sink)
{
    struct lateral_worker *w = calloc(1, sizeof *w);
    if (w) {
        w->run = state;
        w->sink = sink;
    }
    return w;
}

void lateral_worker_close(void *worker)
{
    free(worker);
}

bool lateral_count(struct lateral_run *r, size_t window, uint64_t key, uint64_t value, int64_t ts_us,
                   int64_t window_us, unsigned threshold, const char *uid, unsigned *n, char first_uid[UID_LEN])
{
    struct window_entry *e;
    pthread_mutex_lock(&r->lock);
    uint64_t count = window_add(&r->windows[window], key, value, ts_us, window_us, uid, &e);
    bool fire = e && !e->reported && count >= threshold;
    if (fire) {
        e->reported = true;
        *n = (unsigned)count;
        memcpy(first_uid, e->first_uid, UID_LEN);
    }
    pthread_mutex_unlock(&r->lock);
    return fire;
}
