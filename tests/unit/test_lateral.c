/* The lateral-movement detectors' pieces: the thresholds file (the shipped
 * one loads; a missing setting, an unknown one, a bad value each give one
 * error line naming the file) and the windowed distinct counts. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "detect/lateral_config.h"
#include "detect/window_count.h"

static void test_shipped_thresholds(void **unused)
{
    struct lateral_thresholds t;
    char err[256] = "";
    assert_true(lateral_thresholds_load("data/lateral.tsv", &t, err, sizeof err));
    assert_int_equal(t.kerberoast_services, 10);
    assert_int_equal(t.kerberoast_window_us, 600LL * 1000000);
    assert_true(lateral_list_has(t.kerberoast_etypes, t.n_kerberoast_etypes, 23));
    assert_false(lateral_list_has(t.kerberoast_etypes, t.n_kerberoast_etypes, 18));
    assert_int_equal(t.n_fanout_ports, 6);
    assert_int_equal(t.fanout_ports[0], 445);
}

static void load_text(const char *text, bool expect_ok, const char *expect_in_err)
{
    char path[] = "/tmp/vigil-lateral-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    struct lateral_thresholds t;
    char err[256] = "";
    assert_int_equal(lateral_thresholds_load(path, &t, err, sizeof err), expect_ok);
    if (expect_in_err) {
        assert_non_null(strstr(err, expect_in_err));
        assert_non_null(strstr(err, path));
        assert_null(strchr(err, '\n'));
    }
    unlink(path);
}

static void test_bad_thresholds(void **unused)
{
    static const char all[] = "kerberoast_services\t10\nkerberoast_window_seconds\t600\nkerberoast_etypes\t23,24\n"
                              "asrep_roast_etypes\t23\naccount_hosts\t15\naccount_window_seconds\t300\n"
                              "fanout_hosts\t10\nfanout_window_seconds\t600\nfanout_ports\t445,3389\n";
    load_text(all, true, NULL);
    load_text("kerberoast_services\t10\n", false, "missing");
    load_text("kerberoast_services\tten\n", false, "bad value for 'kerberoast_services'");
    load_text("fanout_ports\t445,99999\n", false, "bad value for 'fanout_ports'");
    load_text("no_such\t1\n", false, "unknown setting 'no_such'");
    load_text("kerberoast_services 10\n", false, "expected setting<TAB>value");
    struct lateral_thresholds t;
    char err[256];
    assert_false(lateral_thresholds_load("/nonexistent/lateral.tsv", &t, err, sizeof err));
    assert_non_null(strstr(err, "/nonexistent/lateral.tsv"));
}

static void test_window_counts(void **unused)
{
    struct window_table t;
    struct window_entry *e;
    assert_true(window_table_init(&t, 4));
    for (uint64_t v = 0; v < 5; v++)
        assert_int_equal(window_add(&t, 42, 1000 + v, (int64_t)v * 1000000, 60000000, "Cfirst", &e), v + 1);
    assert_int_equal(window_add(&t, 42, 1000, 6000000, 60000000, "Cother", &e), 5); /* a repeat */
    assert_string_equal(e->first_uid, "Cfirst");
    /* past the window: counting starts again */
    assert_int_equal(window_add(&t, 42, 1000, 70000000, 60000000, "Clater", &e), 1);
    assert_string_equal(e->first_uid, "Clater");
    /* more keys than room: the table starts again, bounded */
    for (uint64_t k = 100; k < 200; k++)
        assert_true(window_add(&t, k, 1, 0, 60000000, "C", &e) >= 1);
    assert_true(t.resets > 0);
    assert_true(t.used <= t.cap / 2);
    window_table_free(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shipped_thresholds),
        cmocka_unit_test(test_bad_thresholds),
        cmocka_unit_test(test_window_counts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
