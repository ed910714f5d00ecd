/* What the threat-intel fuzz targets read of a found entry: its indicator
 * and every string of its metadata, so ASan checks each pointer the store
 * hands out. */
#ifndef VIGIL_TESTS_FUZZ_INTEL_TOUCH_H
#define VIGIL_TESTS_FUZZ_INTEL_TOUCH_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "intel/intel.h"

/* e may be NULL (nothing found). */
static inline void fuzz_touch_intel_entry(const struct intel_entry *e)
{
    volatile size_t sink = 0;
    if (e == NULL)
        return;
    sink += strlen(e->indicator);
    for (uint32_t i = 0; i < e->n_meta; i++) {
        const struct intel_meta *m = e->meta[i];
        const char *fields[] = {m->source, m->desc, m->ref, m->tags, m->actor, m->malware, m->attack};
        for (size_t k = 0; k < sizeof fields / sizeof fields[0]; k++)
            if (fields[k] != NULL)
                sink += strlen(fields[k]);
    }
    (void)sink;
}

#endif
