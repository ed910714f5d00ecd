/* File-system helpers that several stages need the same way. */
#ifndef VIGIL_UTIL_FS_H
#define VIGIL_UTIL_FS_H

#include <sys/types.h>

/* mkdir -p: creates each missing component of path with mode (existing
 * ones are left as they are). 0 when path is then a directory, else the
 * errno of what failed (ENAMETOOLONG past 4095 bytes, ENOTDIR when path is
 * something else). */
int fs_make_dirs(const char *path, mode_t mode);

#endif
