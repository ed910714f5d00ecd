/* libFuzzer target for the lateral-movement policy (data/lateral_movement.tsv,
 * --lateral-policy FILE): the input is that file, read from disk by both of
 * its readers, the policy (detect/lateral_policy.c) and its "threshold"
 * settings (detect/lateral_config.c through util/tsv's settings reader).
 * When the policy loads, every field of the input is classed as an
 * operation of the endpoint named by the field before it, and asked about
 * as a file name and as a tree path. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detect/lateral_config.h"
#include "detect/lateral_policy.h"
#include "table_file.h"

struct loaded {
    struct lateral_policy p;
    char previous[LATERAL_NAME_MAX]; /* the field before */
};

static void *load(const char *path, char *err, size_t errlen)
{
    struct lateral_thresholds t;
    if (lateral_thresholds_load(path, &t, err, errlen) &&
        (t.n_kerberoast_etypes > LATERAL_LIST_MAX || t.n_asrep_etypes > LATERAL_LIST_MAX ||
         t.n_fanout_ports > LATERAL_LIST_MAX))
        abort();
    struct loaded *l = calloc(1, sizeof *l);
    if (l != NULL && !lateral_policy_load(&l->p, path, err, errlen)) {
        free(l);
        return NULL;
    }
    return l;
}

static void look_up(void *ctx, const char *field, size_t len)
{
    struct loaded *l = ctx;
    bool dc_service;
    (void)lateral_policy_class(&l->p, l->previous, field, &dc_service);
    (void)lateral_policy_is_executable(&l->p, field, (const uint8_t *)field, len);
    (void)lateral_policy_is_admin_share(&l->p, field);
    snprintf(l->previous, sizeof l->previous, "%s", field);
}

static void unload(void *ctx)
{
    struct loaded *l = ctx;
    lateral_policy_free(&l->p);
    free(l);
}

static const struct fuzz_table table = {"lateral_movement.tsv", load, look_up, unload};
FUZZ_TABLE_TARGET(table)
