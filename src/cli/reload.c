/* The reload thread: loads the --intel feeds again, strictly. */
#include <stdio.h>

#include "cli/detection_setup.h"
#include "cli/reload.h"

static void *reload_main(void *arg)
{
    struct reloader *r = arg;
    r->result = load_intel(r->opt, true, false, r->err, sizeof r->err);
    atomic_store(&r->done, true);
    return NULL;
}

void reload_service(struct reloader *r, struct options *opt, struct detect *d, volatile sig_atomic_t *requested)
{
    if (*requested && !r->running && d) {
        *requested = 0;
        r->opt = opt;
        r->result = NULL;
        atomic_store(&r->done, false);
        if (pthread_create(&r->thread, NULL, reload_main, r) == 0)
            r->running = true;
        else
            fprintf(stderr, "vigil: reload: cannot start the loader thread; keeping the current indicators\n");
    }
    if (r->running && atomic_load(&r->done)) {
        pthread_join(r->thread, NULL);
        r->running = false;
        if (r->result) {
            size_t n = intel_store_count(r->result);
            detect_set_intel(d, r->result);
            fprintf(stderr, "vigil: reload: %zu indicators loaded\n", n);
        } else {
            fprintf(stderr, "vigil: reload failed, keeping the current indicators: %s\n", r->err);
        }
    }
}

void reload_finish(struct reloader *r)
{
    if (r->running) {
        pthread_join(r->thread, NULL);
        r->running = false;
        intel_store_free(r->result);
    }
}
