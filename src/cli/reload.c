/* The reload thread: loads the --intel feeds again, strictly, and the
 * --rules (a path that cannot be read keeps the old rules). */
#include <stdio.h>

#include "cli/detection_setup.h"
#include "cli/reload.h"

static void *reload_main(void *arg)
{
    struct reloader *r = arg;
    if (r->opt->n_intel)
        r->result = load_intel(r->opt, true, false, r->err, sizeof r->err);
    if (r->opt->n_rules) {
        struct sig_load_summary sum;
        r->rules = sig_set_load_all(r->opt->rules_paths, r->opt->n_rules, stderr, &sum, r->rules_err,
                                    sizeof r->rules_err);
    }
    atomic_store(&r->done, true);
    return NULL;
}

/* Frees the sets every worker has moved on from (all but the newest). */
static void collect_rule_sets(struct reloader *r, struct engine *e)
{
    if (r->n_installed < 2 || !engine_rules_switched(e))
        return;
    for (unsigned i = 0; i + 1 < r->n_installed; i++)
        sig_set_free(r->installed[i]);
    r->installed[0] = r->installed[r->n_installed - 1];
    r->n_installed = 1;
}

static void install_rules(struct reloader *r, struct engine *e)
{
    if (!r->rules) {
        fprintf(stderr, "vigil: reload failed, keeping the current rules: %s\n", r->rules_err);
        return;
    }
    collect_rule_sets(r, e);
    if (r->n_installed == RELOAD_MAX_RULE_SETS) {
        fprintf(stderr, "vigil: reload: workers still use older rule sets; keeping the current rules\n");
        sig_set_free(r->rules);
    } else {
        fprintf(stderr, "vigil: reload: %zu rules loaded\n", sig_set_count(r->rules));
        engine_set_rules(e, r->rules);
        r->installed[r->n_installed++] = r->rules;
    }
    r->rules = NULL;
}

void reload_service(struct reloader *r, struct options *opt, struct detect *d, struct engine *e,
                    volatile sig_atomic_t *requested)
{
    if (e)
        collect_rule_sets(r, e);
    bool rules = e && opt->n_rules && !opt->cfg.conn_only;
    if (*requested && !r->running && (d || rules)) {
        *requested = 0;
        r->opt = opt;
        r->result = NULL;
        r->rules = NULL;
        atomic_store(&r->done, false);
        if (pthread_create(&r->thread, NULL, reload_main, r) == 0)
            r->running = true;
        else
            fprintf(stderr, "vigil: reload: cannot start the loader thread; keeping the current indicators\n");
    }
    if (r->running && atomic_load(&r->done)) {
        pthread_join(r->thread, NULL);
        r->running = false;
        if (d && opt->n_intel) {
            if (r->result) {
                size_t n = intel_store_count(r->result);
                detect_set_intel(d, r->result);
                fprintf(stderr, "vigil: reload: %zu indicators loaded\n", n);
            } else {
                fprintf(stderr, "vigil: reload failed, keeping the current indicators: %s\n", r->err);
            }
        }
        if (rules)
            install_rules(r, e);
        else
            sig_set_free(r->rules);
    }
}

void reload_finish(struct reloader *r)
{
    if (r->running) {
        pthread_join(r->thread, NULL);
        r->running = false;
        intel_store_free(r->result);
        sig_set_free(r->rules);
    }
    for (unsigned i = 0; i < r->n_installed; i++)
        sig_set_free(r->installed[i]);
    r->n_installed = 0;
}
