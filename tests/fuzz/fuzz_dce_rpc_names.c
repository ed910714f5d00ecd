/* libFuzzer target for the DCE/RPC names loader (proto/dce_rpc_names.c):
 * the input is data/dce_rpc_operations.tsv as a user may replace it
 * ($VIGIL_DATA_DIR), read from disk. When it loads, every field of the
 * input is looked up as an interface UUID, with a few operation numbers,
 * and each name found is read whole. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "proto/dce_rpc_names.h"
#include "table_file.h"

static volatile size_t name_bytes; /* every name handed out is read */

static void *load(const char *path, char *err, size_t errlen)
{
    return dce_rpc_names_load(path, err, errlen);
}

static void look_up(void *ctx, const char *field, size_t len)
{
    const char *endpoint = dce_rpc_endpoint_name(ctx, field);
    if (endpoint != NULL)
        name_bytes += strlen(endpoint);
    static const uint16_t opnums[] = {0, 1, 12, 65535};
    for (size_t i = 0; i < sizeof opnums / sizeof *opnums; i++) {
        bool logged;
        const char *op = dce_rpc_operation_name(ctx, field, opnums[i], &logged);
        if (op != NULL)
            name_bytes += strlen(op);
    }
}

static void unload(void *names)
{
    dce_rpc_names_free(names);
}

static const struct fuzz_table table = {"dce_rpc_operations.tsv", load, look_up, unload};
FUZZ_TABLE_TARGET(table)
