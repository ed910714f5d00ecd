#include "cli/default_rules.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util/datadir.h"

/* The shipped rule files loaded by default, under the data folder. */
static const char *const shipped_default_rules[] = {
    "rules/devices.rules",
};

/* Whether the --rules path given loads the file whose real path is real:
 * the same file, or the folder it sits in (a folder loads its *.rules). */
static bool path_loads(const char *given, const char *real)
{
    char g[PATH_MAX];
    if (realpath(given, g) == NULL)
        return false;
    if (strcmp(g, real) == 0)
        return true;
    struct stat st;
    const char *slash = strrchr(real, '/');
    size_t dirlen = slash ? (size_t)(slash - real) : 0;
    return stat(g, &st) == 0 && S_ISDIR(st.st_mode) && strlen(g) == dirlen && memcmp(g, real, dirlen) == 0;
}

static bool already_loaded(const struct options *o, const char *path)
{
    char real[PATH_MAX];
    if (realpath(path, real) == NULL)
        return false;
    for (unsigned i = 0; i < o->n_rules; i++)
        if (path_loads(o->rules_paths[i], real))
            return true;
    return false;
}

static bool append(struct options *o, const char *path, char *err, size_t errlen)
{
    if (already_loaded(o, path))
        return true;
    if (o->n_rules == MAX_INTEL_PATHS) {
        snprintf(err, errlen, "too many rules paths (at most %d)", MAX_INTEL_PATHS);
        return false;
    }
    o->rules_paths[o->n_rules++] = path;
    return true;
}

bool add_default_rules(struct options *o, char *err, size_t errlen)
{
    if (o->no_default_rules || o->cfg.conn_only)
        return true;
    if (o->n_default_rules) {
        for (unsigned i = 0; i < o->n_default_rules; i++)
            if (!append(o, o->default_rules_paths[i], err, errlen))
                return false;
        return true;
    }
    size_t n = sizeof shipped_default_rules / sizeof *shipped_default_rules;
    for (size_t i = 0; i < n && i < MAX_DEFAULT_RULES; i++) {
        char *found = o->shipped_rules[i];
        if (!vigil_data_path(shipped_default_rules[i], found, sizeof o->shipped_rules[i])) {
            snprintf(err, errlen,
                     "%s: the default rules are not found (set VIGIL_DATA_DIR, or --no-default-rules)", found);
            return false;
        }
        char real[PATH_MAX];
        if (realpath(found, real) != NULL) /* notice.log's sub names the file: no "build/release/../.." */
            snprintf(found, sizeof o->shipped_rules[i], "%s", real);
        if (!append(o, found, err, errlen))
            return false;
    }
    return true;
}
