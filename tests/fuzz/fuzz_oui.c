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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const files[] = {"oui.csv", "mam.csv", "oui36.csv", "iab.csv"};
static char dir[64];

static void path_of(char *out, size_t n, size_t i)
{
    snprintf(out, n, "%s/%s", dir, files[i]);
}

static void remove_dir(void)
{
    char path[128];
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        path_of(path, sizeof path, i);
        unlink(path);
    }
    rmdir(dir);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (dir[0] == '\0') {
        snprintf(dir, sizeof dir, "/tmp/vigil-fuzz-oui.XXXXXX");
        if (mkdtemp(dir) == NULL)
            abort();
        atexit(remove_dir);
    }
    if (size == 0)
        return 0;
    char path[128], err[256];
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        path_of(path, sizeof path, i);
        unlink(path);
    }
    path_of(path, sizeof path, data[0] & 3);
    FILE *f = fopen(path, "wb");
    if (f == NULL || fwrite(data + 1, 1, size - 1, f) != size - 1 || fclose(f) != 0)
        abort();
    struct oui_registry *r = oui_registry_load(dir, err, sizeof err);
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
