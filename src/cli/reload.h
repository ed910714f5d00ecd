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
#include "detect/detect.h"
#include "intel/intel.h"

struct reloader {
    pthread_t thread;
    bool running;
    atomic_bool done;
    struct options *opt;
    struct intel_store *result;  /* NULL: the reload failed, err says why */
    char err[512];
};

/* Between packets: starts a reload when *requested is set (and clears it),
 * installs a finished one into d. */
void reload_service(struct reloader *r, struct options *opt, struct detect *d, volatile sig_atomic_t *requested);

/* At the end of a run: waits for a reload still loading and drops it. */
void reload_finish(struct reloader *r);

#endif
