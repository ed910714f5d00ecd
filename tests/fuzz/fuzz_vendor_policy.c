/* libFuzzer target for the vendor policy loader (asset/vendor_policy.c):
 * the input is the file --vendor-policy names, read from disk. When it
 * loads, every field of the input is matched as an organisation name and
 * each flag found is read whole. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "asset/vendor_policy.h"
#include "table_file.h"

static volatile size_t flag_bytes; /* every flag string is read */

static void *load(const char *path, char *err, size_t errlen)
{
    return vendor_policy_load(path, err, errlen);
}

static void look_up(void *ctx, const char *field, size_t len)
{
    const struct vendor_flag *f = vendor_policy_match(ctx, field);
    if (f != NULL)
        flag_bytes += strlen(f->group) + strlen(f->level) + strlen(f->reason) + strlen(f->source);
}

static void unload(void *p)
{
    vendor_policy_free(p);
}

static const struct fuzz_table table = {"vendor_policy.tsv", load, look_up, unload};
FUZZ_TABLE_TARGET(table)
