/* Private to sig/: the compiled prefilter the matcher reads. */
#ifndef VIGIL_SIG_PREFILTER_H
#define VIGIL_SIG_PREFILTER_H

#include <hs.h>

#include "sig/sig_internal.h"

/* One database per (buffer, transform chain). */
struct sig_pf_db {
    uint8_t buffer, n_transforms;
    uint8_t transforms[SIG_MAX_TRANSFORMS];
    hs_database_t *db;
    uint32_t *rules;            /* pattern id -> rule index */
    size_t n_rules, cap_rules;
};

struct sig_prefilter {
    struct sig_pf_db *dbs;
    size_t n_dbs;
    /* Rules with no fast pattern, always evaluated: per app for
     * transaction rules, and for packets. */
    uint32_t *always[SIG_APP_COUNT];
    size_t n_always[SIG_APP_COUNT];
    uint32_t *always_pkt;
    size_t n_always_pkt;
    hs_scratch_t *proto_scratch; /* cloned by each worker */
};

#endif
