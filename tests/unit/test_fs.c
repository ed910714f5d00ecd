/* util/fs: fs_read_file, the whole-file read of the allow-list and the
 * kill-chain map: its size bound and its errors. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/fs.h"

#include "tmpdir_harness.h"

#define ONE_MIB ((size_t)1 << 20)

/* dir/name holding n bytes of 'x'; the caller frees the path. */
static char *file_of(const char *dir, const char *name, size_t n)
{
    size_t cap = strlen(dir) + strlen(name) + 2;
    char *path = malloc(cap);
    assert_non_null(path);
    snprintf(path, cap, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    for (size_t i = 0; i < n; i++)
        assert_int_not_equal(fputc('x', f), EOF);
    assert_int_equal(fclose(f), 0);
    return path;
}

static void test_reads_up_to_the_bound(void **state)
{
    const char *dir = *state;
    char err[256] = "";
    size_t len = 0;
    char *path = file_of(dir, "exact", ONE_MIB);
    char *text = fs_read_file(path, ONE_MIB, &len, err, sizeof err);
    assert_non_null(text);
    assert_int_equal(len, ONE_MIB);
    assert_int_equal(text[0], 'x');
    assert_int_equal(text[len], '\0');
    free(text);
    free(path);

    path = file_of(dir, "empty", 0);
    text = fs_read_file(path, ONE_MIB, &len, err, sizeof err);
    assert_non_null(text);
    assert_int_equal(len, 0);
    assert_string_equal(text, "");
    free(text);
    free(path);
}

static void test_refuses_a_larger_file(void **state)
{
    const char *dir = *state;
    char err[256] = "";
    size_t len = 7;
    char *path = file_of(dir, "big", ONE_MIB + 1);
    assert_null(fs_read_file(path, ONE_MIB, &len, err, sizeof err));
    char expected[512];
    snprintf(expected, sizeof expected, "%s: larger than 1 MiB", path);
    assert_string_equal(err, expected);
    assert_int_equal(len, 7);
    free(path);
}

static void test_names_the_file_it_cannot_open(void **state)
{
    char err[256] = "";
    size_t len;
    assert_null(fs_read_file("/nonexistent/vigil.map", ONE_MIB, &len, err, sizeof err));
    assert_string_equal(err, "/nonexistent/vigil.map: No such file or directory");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_reads_up_to_the_bound, tmpdir_setup, tmpdir_teardown),
        cmocka_unit_test_setup_teardown(test_refuses_a_larger_file, tmpdir_setup, tmpdir_teardown),
        cmocka_unit_test(test_names_the_file_it_cannot_open),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
