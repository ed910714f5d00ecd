/* libFuzzer target for the --device-allow file (asset/inventory.c's
 * inventory_allow_load): the input is the file, read from disk. A file
 * that loads gives at most INVENTORY_MAX_ALLOWED prefixes, each of a
 * length an address has room for. */
#include <stdint.h>
#include <stdlib.h>

#include "asset/inventory.h"
#include "temp_file.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    static struct inventory_config cfg; /* its table is too large for the stack of every run */
    char path[128], err[256];
    fuzz_temp_write("device_allow.txt", d, n, path, sizeof path);
    cfg.n_allowed = 0;
    if (!inventory_allow_load(&cfg, path, err, sizeof err))
        return 0;
    if (cfg.n_allowed > INVENTORY_MAX_ALLOWED)
        abort();
    for (size_t i = 0; i < cfg.n_allowed; i++)
        if (cfg.allowed[i].len > 128)
            abort();
    return 0;
}
