#include "util/datadir.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef VIGIL_SOURCE_ROOT
#define VIGIL_SOURCE_ROOT "."
#endif

static bool exists_under(const char *root, const char *rel, char *out, size_t n)
{
    int len = snprintf(out, n, "%s/%s", root, rel);
    return len > 0 && (size_t)len < n && access(out, R_OK) == 0;
}

bool vigil_data_path(const char *rel, char *out, size_t n)
{
    char first[PATH_MAX] = "";
    const char *env = getenv("VIGIL_DATA_DIR");
    if (env && *env) {
        if (exists_under(env, rel, out, n))
            return true;
        snprintf(first, sizeof first, "%s/%s", env, rel);
    }
    char exe[PATH_MAX];
    ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (len > 0) {
        exe[len] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash)
            *slash = '\0';
        char root[PATH_MAX + 8];
        /* the folder itself (an unpacked tree), the build trees
         * (build/<variant>/vigil) and an installed prefix's share/vigil */
        static const char *const ups[] = {"", "/..", "/../..", "/../share/vigil"};
        for (size_t i = 0; i < sizeof ups / sizeof *ups; i++) {
            snprintf(root, sizeof root, "%s%s", exe, ups[i]);
            if (exists_under(root, rel, out, n))
                return true;
        }
    }
    /* the tree it was built from, so a binary copied elsewhere (a test's
     * scratch folder, /usr/local/bin without `make install`) still runs */
    if (exists_under(VIGIL_SOURCE_ROOT, rel, out, n))
        return true;
    static const char *const system_roots[] = {"/usr/local/share/vigil", "/usr/share/vigil"};
    for (size_t i = 0; i < sizeof system_roots / sizeof *system_roots; i++)
        if (exists_under(system_roots[i], rel, out, n))
            return true;
    if (first[0])
        snprintf(out, n, "%s", first);
    else
        snprintf(out, n, "%s", rel);
    return false;
}
