/* --intel and --allowlist loading, and the local-network policy. */
#include <stdio.h>
#include <string.h>

#include "cli/detection_setup.h"

static void print_load_line(const char *path, const struct intel_load_report *r, size_t total)
{
    uint64_t added = 0;
    for (int t = 0; t < INTEL_TYPE_COUNT; t++)
        added += r->added[t];
    fprintf(stderr,
            "vigil: intel: %s: %llu indicators added (%llu duplicates, %llu invalid, %llu unsupported, %llu errors); "
            "%zu loaded in all\n",
            path, (unsigned long long)added, (unsigned long long)r->duplicates, (unsigned long long)r->invalid,
            (unsigned long long)r->unsupported, (unsigned long long)r->errors, total);
}

struct intel_store *load_intel(struct options *o, bool strict, bool verbose, char *err, size_t errlen)
{
    struct intel_store *s = intel_store_new();
    if (s == NULL) {
        snprintf(err, errlen, "out of memory for the threat-intel store");
        return NULL;
    }
    for (unsigned i = 0; i < o->n_intel; i++) {
        struct intel_load_report rep;
        memset(&rep, 0, sizeof rep);
        char why[512];
        if (intel_load_path(s, o->intel_paths[i], INTEL_FORMAT_AUTO, &rep, why, sizeof why) != 0) {
            snprintf(err, errlen, "--intel %.480s", why);
            intel_store_free(s);
            return NULL;
        }
        if (!strict)
            o->intel_errors[i] = rep.errors;
        if (strict && rep.errors > o->intel_errors[i]) {
            snprintf(err, errlen, "--intel %s: %llu parse errors%s%s", o->intel_paths[i],
                     (unsigned long long)rep.errors, rep.n_examples ? ", first: " : "",
                     rep.n_examples ? rep.examples[0] : "");
            intel_store_free(s);
            return NULL;
        }
        if (verbose)
            print_load_line(o->intel_paths[i], &rep, intel_store_count(s));
    }
    return s;
}

/* Private space is internal, as for --local-nets; the behaviour detectors
 * get both lists as one. */
static void set_internal_nets(struct options *o)
{
    unsigned n = ip_private_prefixes(o->internal_nets);
    for (unsigned i = 0; i < o->cfg.n_local_nets; i++)
        o->internal_nets[n++] = o->cfg.local_nets[i];
    o->behavior.local_nets = o->internal_nets;
    o->behavior.n_local_nets = n;
}

/* The detectors of a read/live/hunt run; *allow receives the allow-list to free. */
bool setup_detection(struct options *o, struct intel_store **intel, struct allowlist **allow)
{
    char err[512];
    *intel = NULL;
    *allow = NULL;
    set_internal_nets(o);
    if (o->allowlist_path) {
        *allow = allowlist_load(o->allowlist_path, err, sizeof err);
        if (*allow == NULL) {
            fprintf(stderr, "vigil: --allowlist %s\n", err);
            return false;
        }
        o->behavior.allow = *allow;
    }
    if (o->n_intel) {
        *intel = load_intel(o, false, !o->quiet, err, sizeof err);
        if (*intel == NULL) {
            fprintf(stderr, "vigil: %s\n", err);
            allowlist_free(*allow);
            *allow = NULL;
            return false;
        }
    }
    return true;
}
