/* SIGHUP's feed reload for `live`. It runs on its own thread so packets
 * keep flowing while a large feed is parsed; the capture loop swaps the new
 * set in between packets. */
#ifndef VIGIL_CLI_RELOAD_H
#define VIGIL_CLI_RELOAD_H

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>

#include "cli/options.h"
#include "core/engine.h"
#include "detect/detect.h"
#include "intel/intel.h"
#include "sig/sig.h"

#define RELOAD_MAX_RULE_SETS 8

struct reloader {
    pthread_t thread;
    bool running;
    atomic_bool done;
    struct options *opt;
    struct intel_store *result;  /* NULL: the reload failed, err says why */
    char err[512];
    struct sig_set *rules;       /* --rules loaded again; NULL: none or failed (rules_err) */
    char rules_err[512];
    /* Rule sets installed by reloads: the newest is the engine's; older
     * ones are freed once every worker has switched. */
    struct sig_set *installed[RELOAD_MAX_RULE_SETS];
    unsigned n_installed;
};

/* Between packets: starts a reload when *requested is set (and clears it),
 * installs a finished one: indicators into d, rules into e. */
void reload_service(struct reloader *r, struct options *opt, struct detect *d, struct engine *e,
                    volatile sig_atomic_t *requested);

/* At the end of a run, after the engine finished: waits for a reload still
 * loading and drops it, frees the rule sets reloads installed. */
void reload_finish(struct reloader *r);

#endif
