/* What the targets of loaders that read a path share: one private folder
 * per fuzzing process (removed at exit with what it holds), and an input
 * written into a file of it, so the loader reads the bytes from a file as
 * a user's. The folder is in /dev/shm when there is one: a file rewritten
 * for every input costs a tenth there of what it costs on a disk. */
#ifndef VIGIL_TESTS_FUZZ_TEMP_FILE_H
#define VIGIL_TESTS_FUZZ_TEMP_FILE_H

#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static char fuzz_temp_folder[64];

static inline int fuzz_temp_remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    return remove(path);
}

static inline void fuzz_temp_remove(void)
{
    nftw(fuzz_temp_folder, fuzz_temp_remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* The folder, made on the first call (a failure aborts: the target cannot
 * run). The string is static. */
static inline const char *fuzz_temp_dir(void)
{
    if (fuzz_temp_folder[0] == '\0') {
        snprintf(fuzz_temp_folder, sizeof fuzz_temp_folder, "/dev/shm/vigil-fuzz.XXXXXX");
        if (mkdtemp(fuzz_temp_folder) == NULL) {
            snprintf(fuzz_temp_folder, sizeof fuzz_temp_folder, "/tmp/vigil-fuzz.XXXXXX");
            if (mkdtemp(fuzz_temp_folder) == NULL)
                abort();
        }
        atexit(fuzz_temp_remove);
    }
    return fuzz_temp_folder;
}

/* The folder's file `name` (cap bytes in path). */
static inline void fuzz_temp_path(const char *name, char *path, size_t cap)
{
    if ((size_t)snprintf(path, cap, "%s/%s", fuzz_temp_dir(), name) >= cap)
        abort();
}

/* Writes d[0..n) as the folder's file `name`, replacing it; its path goes
 * into path (cap bytes). */
static inline void fuzz_temp_write(const char *name, const uint8_t *d, size_t n, char *path, size_t cap)
{
    fuzz_temp_path(name, path, cap);
    FILE *f = fopen(path, "wb");
    if (f == NULL || fwrite(d, 1, n, f) != n || fclose(f) != 0)
        abort();
}

#endif
