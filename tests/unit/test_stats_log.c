/* stats.log: Zeek's columns in order, changes since the previous row for
 * running totals, levels as they are, unset where Vigil has no counter,
 * and the logs failing named. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "output/output.h"
#include "output/stats_log.h"

static char *make_tmpdir(void)
{
    char *dir = strdup("/tmp/vigil-test-stats-XXXXXX");
    assert_non_null(dir);
    assert_non_null(mkdtemp(dir));
    return dir;
}

static void remove_tree(const char *dir)
{
    char cmd[512];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

/* Data row n (0-based) of dir/stats.log, its trailing newline cut. */
static void stats_row(const char *dir, int n, char *row, size_t len)
{
    char path[512];
    snprintf(path, sizeof path, "%s/stats.log", dir);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    row[0] = '\0';
    int seen = 0;
    while (fgets(row, (int)len, f) != NULL)
        if (row[0] != '#' && seen++ == n)
            break;
    fclose(f);
    assert_int_equal(seen, n + 1);
    row[strcspn(row, "\n")] = '\0';
}

static void set(struct stats_sample *s, enum stats_counter k, uint64_t v)
{
    s->value[k] = v;
    s->known[k] = true;
}

static void test_rows_show_changes_levels_unset_and_failing_logs(void **state)
{
    (void)state;
    char *dir = make_tmpdir();
    char err[256];
    struct output *o = output_open(dir, OUTPUT_ZEEK_TSV, err, sizeof err);
    assert_non_null(o);
    struct stats_log *log = stats_log_new(o);
    assert_non_null(log);

    struct stats_sample s = {.wall_us = 1700000000000000LL};
    set(&s, STATS_MEM_MB, 7);
    set(&s, STATS_PKTS_PROC, 10);
    set(&s, STATS_BYTES_RECV, 1000);
    set(&s, STATS_LOG_LINES_LOST, 0);
    stats_log_write(log, &s);
    s.wall_us += 1000000;
    set(&s, STATS_PKTS_PROC, 25);
    set(&s, STATS_BYTES_RECV, 1600);
    set(&s, STATS_PKT_LAG_US, 1500000);
    set(&s, STATS_LOG_LINES_LOST, 3);
    s.failing_logs[0] = "dns.log";
    s.failing_logs[1] = "eve.json";
    s.n_failing = 2;
    stats_log_write(log, &s);
    assert_int_equal(output_close(o, err, sizeof err), 0);
    stats_log_free(log);

    char row[1024];
    /* ts peer mem pkts_proc bytes_recv pkts_dropped pkts_link pkt_lag, 19 Zeek columns Vigil has no
     * counter for, pkts_if_dropped log_lines_lost log_lines_lost_total failing_logs */
    stats_row(dir, 0, row, sizeof row);
    assert_string_equal(row, "1700000000.000000\tvigil\t7\t10\t1000\t-\t-\t-"
                             "\t-\t-\t-\t-\t-\t-\t-\t-\t-\t-\t-\t-\t-\t-\t-\t-\t-\t-\t-"
                             "\t-\t0\t0\t(empty)");
    stats_row(dir, 1, row, sizeof row);
    assert_string_equal(row, "1700000001.000000\tvigil\t7\t15\t600\t-\t-\t1.500000"
                             "\t-\t-\t-\t-\t-\t-\t-\t-\t-\t-\t-\t-\t-\t-\t-\t-\t-\t-\t-"
                             "\t-\t3\t3\tdns.log,eve.json");
    remove_tree(dir);
    free(dir);
}

/* A log refused (a planted symlink) is named among the failing ones. */
static void test_failing_logs_named(void **state)
{
    (void)state;
    char *dir = make_tmpdir();
    char err[256], path[512];
    snprintf(path, sizeof path, "%s/stats.log", dir);
    assert_int_equal(symlink("/dev/null", path), 0);
    struct output *o = output_open(dir, OUTPUT_ZEEK_TSV, err, sizeof err);
    struct stats_log *log = stats_log_new(o);
    struct stats_sample s = {.wall_us = 1700000000000000LL};
    const char *names[4];
    assert_int_equal(output_failing_logs(o, names, 4), 0);
    stats_log_write(log, &s);
    assert_int_equal(output_failing_logs(o, names, 4), 1);
    assert_string_equal(names[0], "stats.log");
    assert_int_equal(output_lines_lost(o), 1);
    assert_int_equal(output_close(o, err, sizeof err), -1);
    stats_log_free(log);
    remove_tree(dir);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rows_show_changes_levels_unset_and_failing_logs),
        cmocka_unit_test(test_failing_logs_named),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
