/* Unit tests that write files: a fresh directory under /tmp, a file of it
 * read back whole, and the directory removed with all it holds; also as
 * cmocka setup/teardown (*state is the directory's path). Include after
 * <cmocka.h>. */
#ifndef VIGIL_TESTS_UNIT_TMPDIR_HARNESS_H
#define VIGIL_TESTS_UNIT_TMPDIR_HARNESS_H

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A new directory /tmp/vigil-test-NAME-XXXXXX; the caller frees the path. */
static inline char *tmpdir_new(const char *name)
{
    char tmpl[256];
    int n = snprintf(tmpl, sizeof tmpl, "/tmp/vigil-test-%s-XXXXXX", name);
    assert_true(n > 0 && (size_t)n < sizeof tmpl);
    char *dir = strdup(tmpl);
    assert_non_null(dir);
    assert_non_null(mkdtemp(dir));
    return dir;
}

static inline int tmpdir_remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    return remove(path);
}

/* Removes dir and everything under it (links are not followed). */
static inline int tmpdir_remove(const char *dir)
{
    return nftw(dir, tmpdir_remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* dir/name whole, NUL-terminated, in a buffer the caller frees; NULL when
 * the file cannot be opened. */
static inline char *tmpdir_read(const char *dir, const char *name)
{
    char path[512];
    int k = snprintf(path, sizeof path, "%s/%s", dir, name);
    assert_true(k > 0 && (size_t)k < sizeof path);
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    size_t cap = 1 << 16, len = 0, n;
    char *data = malloc(cap);
    assert_non_null(data);
    while ((n = fread(data + len, 1, cap - len - 1, f)) > 0) {
        len += n;
        if (cap - len < 2) {
            cap *= 2;
            data = realloc(data, cap);
            assert_non_null(data);
        }
    }
    fclose(f);
    data[len] = '\0';
    return data;
}

/* cmocka setup and teardown: a directory per test, in *state. */
static inline int tmpdir_setup(void **state)
{
    *state = tmpdir_new("unit");
    return 0;
}

static inline int tmpdir_teardown(void **state)
{
    char *dir = *state;
    int rc = tmpdir_remove(dir);
    free(dir);
    return rc;
}

/* A test given its own directory (the path in *state), for main's table. */
#define TMPDIR_TEST(test) cmocka_unit_test_setup_teardown(test, tmpdir_setup, tmpdir_teardown)

/* A new file /tmp/vigil-test-NAME-XXXXXX holding text, its path written
 * into path (cap bytes); the caller unlinks it. */
static inline void tmpfile_with(char *path, size_t cap, const char *name, const char *text)
{
    int n = snprintf(path, cap, "/tmp/vigil-test-%s-XXXXXX", name);
    assert_true(n > 0 && (size_t)n < cap);
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    size_t len = strlen(text);
    assert_int_equal(write(fd, text, len), (ssize_t)len);
    assert_int_equal(close(fd), 0);
}

#endif
