/* What the signature unit tests share: a detector sink that records which
 * rules fired (their sids, the last alert's rule file and EVE extras) and a
 * matcher worker writing to it. Included by one test file each (static
 * functions, no object). */
#ifndef VIGIL_TESTS_UNIT_SIG_HARNESS_H
#define VIGIL_TESTS_UNIT_SIG_HARNESS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "detect/alert-t.h"
#include "detect/sink-t.h"
#include "sig/sig.h"

struct fired {
    unsigned n;
    uint32_t sids[64];
    char file[256];
    char extra[1024];
    struct detect_sink sink;
};

static void on_alert(void *ctx, const struct alert *a)
{
    struct fired *f = ctx;
    if (f->n < 64)
        f->sids[f->n] = a->signature_id;
    f->n++;
    snprintf(f->file, sizeof f->file, "%s", a->rule_file);
    snprintf(f->extra, sizeof f->extra, "%s", a->eve_extra ? a->eve_extra : "");
}

/* A detector sink that records what fired. */
static struct sig_worker *worker_for(const struct sig_set *s, struct fired *f)
{
    f->sink = (struct detect_sink){.ctx = f, .alert = on_alert};
    struct sig_worker *w = sig_worker_new(s, &f->sink);
    assert_non_null(w);
    return w;
}

static bool fired(const struct fired *f, uint32_t sid)
{
    for (unsigned i = 0; i < f->n && i < 64; i++)
        if (f->sids[i] == sid)
            return true;
    return false;
}

#endif
