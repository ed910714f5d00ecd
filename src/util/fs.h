/* File-system helpers that several stages need the same way. */
#ifndef VIGIL_UTIL_FS_H
#define VIGIL_UTIL_FS_H

#include <stddef.h>
#include <sys/types.h>

/* mkdir -p: creates each missing component of path with mode (existing
 * ones are left as they are). 0 when path is then a directory, else the
 * errno of what failed (ENAMETOOLONG past 4095 bytes, ENOTDIR when path is
 * something else). */
int fs_make_dirs(const char *path, mode_t mode);

/* The whole file at path, of at most max bytes (a whole number of MiB), in
 * a buffer the caller frees: NUL-terminated, *len bytes before the NUL.
 * NULL with "PATH: reason" in err: why it cannot be opened, "out of
 * memory", "read error" or "larger than N MiB". */
char *fs_read_file(const char *path, size_t max, size_t *len, char *err, size_t errlen);

#endif
