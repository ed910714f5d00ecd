/* libFuzzer target for the IEEE registry loader (asset/oui.c), the CSV files
 * --ieee-data names (downloaded registries an operator refreshes). The first
 * byte's low two bits pick which file the rest is (oui.csv, mam.csv,
 * oui36.csv, iab.csv), written alone into a private folder; when it loads,
 * MAC addresses taken from the input are looked up, and every organisation
 * handed back must be a string that fits its buffer. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "asset/oui.h"
#include "util/ascii.h"
#include "temp_file.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const files[] = {"oui.csv", "mam.csv", "oui36.csv", "iab.csv"};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    char path[128], err[256];
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        fuzz_temp_path(files[i], path, sizeof path);
        unlink(path);
    }
    fuzz_temp_write(files[data[0] & 3], data + 1, size - 1, path, sizeof path);
    struct oui_registry *r = oui_registry_load(fuzz_temp_dir(), err, sizeof err);
    if (r == NULL)
        return 0;
    (void)oui_registry_size(r);
    /* The hex digits after each line's first comma (an assignment), padded
     * to a whole MAC: the lookups that can find something. */
    const uint8_t *text = data + 1, *end = data + size;
    for (unsigned looked = 0; text < end && looked < 64; looked++) {
        const uint8_t *nl = memchr(text, '\n', (size_t)(end - text));
        const uint8_t *line_end = nl ? nl : end;
        const uint8_t *comma = memchr(text, ',', (size_t)(line_end - text));
        uint8_t mac[6] = {0};
        for (size_t k = 0; comma && k < 12 && comma + 1 + k < line_end && hex_value(comma[1 + k]) >= 0; k++)
            mac[k / 2] |= (uint8_t)(hex_value(comma[1 + k]) << (k % 2 ? 0 : 4));
        char org[64];
        unsigned bits = 0;
        memset(org, 'x', sizeof org);
        if (oui_lookup(r, mac, &bits, org, sizeof org) &&
            (memchr(org, '\0', sizeof org) == NULL || (bits != 24 && bits != 28 && bits != 36)))
            abort();
        text = line_end + 1;
    }
    oui_registry_free(r);
    return 0;
}
