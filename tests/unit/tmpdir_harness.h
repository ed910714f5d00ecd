/* Unit tests that write files: a fresh directory under /tmp, files written
 * into it (one, or a tree from a table), a file of it read back whole, and
 * the directory removed with all it holds; also as cmocka setup/teardown
 * (*state is the directory's path). Include after <cmocka.h>. */
#ifndef VIGIL_TESTS_UNIT_TMPDIR_HARNESS_H
#define VIGIL_TESTS_UNIT_TMPDIR_HARNESS_H

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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

/* dir/rel (cap bytes in out); a path that does not fit fails the test. */
static inline void tmpdir_path(const char *dir, const char *rel, char *out, size_t cap)
{
    int n = snprintf(out, cap, "%s/%s", dir, rel);
    assert_true(n > 0 && (size_t)n < cap);
}

/* Makes rel's parent directories under dir (those that exist are kept). */
static inline void tmpdir_make_parents(const char *dir, const char *rel)
{
    char path[1024];
    tmpdir_path(dir, rel, path, sizeof path);
    for (char *p = path + strlen(dir) + 1; (p = strchr(p, '/')) != NULL; p++) {
        *p = '\0';
        mkdir(path, 0700);
        *p = '/';
    }
}

/* Writes len bytes to dir/rel, making rel's parent directories first. */
static inline void tmpdir_write(const char *dir, const char *rel, const void *data, size_t len)
{
    char path[1024];
    tmpdir_make_parents(dir, rel);
    tmpdir_path(dir, rel, path, sizeof path);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

static inline void tmpdir_write_text(const char *dir, const char *rel, const char *text)
{
    tmpdir_write(dir, rel, text, strlen(text));
}

/* A file of a tree: its path under the directory and its text. */
struct tmpdir_file {
    const char *rel, *text;
};

/* Writes each file of the table, in order. */
static inline void tmpdir_write_files(const char *dir, const struct tmpdir_file *files, size_t n)
{
    for (size_t i = 0; i < n; i++)
        tmpdir_write_text(dir, files[i].rel, files[i].text);
}

#define TMPDIR_WRITE_FILES(dir, files) tmpdir_write_files((dir), (files), sizeof(files) / sizeof((files)[0]))

/* dir/name whole, NUL-terminated, in a buffer the caller frees; NULL when
 * the file cannot be opened. */
static inline char *tmpdir_read(const char *dir, const char *name)
{
    char path[512];
    tmpdir_path(dir, name, path, sizeof path);
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
