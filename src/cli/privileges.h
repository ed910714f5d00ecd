/* -u USER: once the interfaces are open, live runs as USER (its uid, its
 * primary group and its supplementary groups) with no capability left in
 * any set, the bounding set included, and no way back (no_new_privs). */
#ifndef VIGIL_CLI_PRIVILEGES_H
#define VIGIL_CLI_PRIVILEGES_H

#include <stdbool.h>
#include <stddef.h>

/* false and a one-line reason (no such user, not allowed, a capability
 * still held afterwards). */
bool privileges_drop(const char *user, char *err, size_t errlen);

#endif
