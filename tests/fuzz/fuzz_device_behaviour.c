/* libFuzzer target for the device behaviour policy loader
 * (asset/device_behaviour.c): the input is the file --device-behaviour
 * names, read from disk. A policy that loads keeps its bounds (watched
 * types and allowed services within their arrays, every threshold given),
 * and every field of the input is asked about as a device type. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "asset/device_behaviour.h"
#include "table_file.h"

static bool within_bounds(const struct device_behaviour *b)
{
    if (b->n_watched > BEHAVIOUR_MAX_TYPES || b->n_allowed > BEHAVIOUR_MAX_ALLOWED || b->jump_factor == 0 ||
        b->gateway_type[0] == '\0' || strnlen(b->gateway_type, BEHAVIOUR_TYPE_MAX) == BEHAVIOUR_TYPE_MAX)
        return false;
    for (size_t i = 0; i < b->n_watched; i++)
        if (strnlen(b->watched[i], BEHAVIOUR_TYPE_MAX) == BEHAVIOUR_TYPE_MAX)
            return false;
    return true;
}

static void *load(const char *path, char *err, size_t errlen)
{
    struct device_behaviour *b = malloc(sizeof *b);
    if (b != NULL && !device_behaviour_load(path, b, err, errlen)) {
        free(b);
        return NULL;
    }
    if (b != NULL && !within_bounds(b))
        abort();
    return b;
}

static void look_up(void *ctx, const char *field, size_t len)
{
    (void)device_behaviour_watches(ctx, field);
}

static const struct fuzz_table table = {"device_behaviour.tsv", load, look_up, free};
FUZZ_TABLE_TARGET(table)
