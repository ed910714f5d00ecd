#include "cli/privileges.h"

#include <cap-ng.h>
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

/* What the kernel says is left, rather than what libcap-ng was asked:
 * every capability set of /proc/self/status must be empty. */
static bool capabilities_left(char *which, size_t len)
{
    FILE *f = fopen("/proc/self/status", "re");
    if (f == NULL)
        return false; /* no /proc: libcap-ng's own check below stands */
    char line[256];
    bool left = false;
    while (!left && fgets(line, sizeof line, f)) {
        static const char *const sets[] = {"CapInh:", "CapPrm:", "CapEff:", "CapBnd:", "CapAmb:"};
        for (size_t i = 0; i < sizeof sets / sizeof sets[0]; i++) {
            size_t n = strlen(sets[i]);
            if (strncmp(line, sets[i], n) == 0 && strtoull(line + n, NULL, 16) != 0) {
                snprintf(which, len, "%.*s", (int)(n - 1), sets[i]);
                left = true;
            }
        }
    }
    fclose(f);
    return left;
}

bool privileges_drop(const char *user, char *err, size_t errlen)
{
    struct passwd pw, *found = NULL;
    char buf[4096];
    int rc = getpwnam_r(user, &pw, buf, sizeof buf, &found);
    if (found == NULL) {
        snprintf(err, errlen, "-u %s: %s", user, rc ? strerror(rc) : "no such user");
        return false;
    }
    capng_clear(CAPNG_SELECT_BOTH);
    if (pw.pw_uid == getuid() && pw.pw_uid == geteuid() && pw.pw_uid != 0) {
        rc = capng_apply(CAPNG_SELECT_BOTH); /* already USER: only the capabilities go */
    } else {
        /* setgroups (USER's groups), setgid, setuid, then the empty sets and bounding set */
        rc = capng_change_id((int)pw.pw_uid, (int)pw.pw_gid, CAPNG_INIT_SUPP_GRP | CAPNG_CLEAR_BOUNDING);
    }
    if (rc != 0) {
        snprintf(err, errlen, "-u %s: cannot become %s (libcap-ng error %d: %s)", user, user, rc,
                 errno ? strerror(errno) : "not allowed");
        return false;
    }
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
        snprintf(err, errlen, "-u %s: no_new_privs: %s", user, strerror(errno));
        return false;
    }
    char which[16];
    if (capng_have_capabilities(CAPNG_SELECT_BOTH) != CAPNG_NONE || capabilities_left(which, sizeof which)) {
        snprintf(err, errlen, "-u %s: capabilities remain after the switch (%s)", user,
                 capabilities_left(which, sizeof which) ? which : "libcap-ng");
        return false;
    }
    return true;
}
