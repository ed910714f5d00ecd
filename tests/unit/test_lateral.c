/* The lateral-movement detectors' pieces: the thresholds of the policy
 * file (the shipped one loads; a missing setting, an unknown one, a bad
 * value each give one error line naming the file) and the windowed
 * distinct counts. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "detect/config-t.h"
#include "detect/domain_controllers.h"
#include "detect/kerberos_abuse.h"
#include "detect/lateral_config.h"
#include "detect/lateral_policy.h"
#include "detect/window_count.h"
#include "detect/sink-t.h"
#include "proto/conn-t.h"
#include "proto/krb.h"
#include "unit/tmpdir_harness.h"

static void test_shipped_thresholds(void **unused)
{
    struct lateral_thresholds t;
    char err[256] = "";
    assert_true(lateral_thresholds_load("data/lateral_movement.tsv", &t, err, sizeof err));
    assert_int_equal(t.kerberoast_services, 10);
    assert_int_equal(t.kerberoast_window_us, 600LL * 1000000);
    assert_true(lateral_list_has(t.kerberoast_etypes, t.n_kerberoast_etypes, 23));
    assert_false(lateral_list_has(t.kerberoast_etypes, t.n_kerberoast_etypes, 18));
    assert_int_equal(t.n_fanout_ports, 6);
    assert_int_equal(t.fanout_ports[0], 445);
}

static void load_text(const char *text, bool expect_ok, const char *expect_in_err)
{
    char path[64];
    tmpfile_with(path, sizeof path, "lateral", text);
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
    static const char all[] = "threshold\tkerberoast_services\t10\nthreshold\tkerberoast_window_seconds\t600\n"
                              "threshold\tkerberoast_etypes\t23,24\nthreshold\tasrep_roast_etypes\t23\n"
                              "threshold\taccount_hosts\t15\nthreshold\taccount_window_seconds\t300\n"
                              "threshold\tfanout_hosts\t10\nthreshold\tfanout_window_seconds\t600\n"
                              "threshold\tfanout_ports\t445,3389\n"
                              "operation\ttask_create\tatsvc\tNetrJobAdd\nthreshold\tzerologon_calls\t20\n";
    load_text(all, true, NULL);
    load_text("threshold\tkerberoast_services\t10\n", false, "missing");
    load_text("threshold\tkerberoast_services\tten\n", false, "bad value for 'kerberoast_services'");
    load_text("threshold\tfanout_ports\t445,99999\n", false, "bad value for 'fanout_ports'");
    struct lateral_thresholds t;
    char err[256];
    assert_false(lateral_thresholds_load("/nonexistent/lateral.tsv", &t, err, sizeof err));
    assert_string_equal(err, "/nonexistent/lateral.tsv: No such file or directory");
    struct lateral_policy p;
    assert_false(lateral_policy_load(&p, "/nonexistent/lateral.tsv", err, sizeof err));
    assert_string_equal(err, "/nonexistent/lateral.tsv: No such file or directory");
}

/* One file for both readers: each takes its lines, the policy's reader
 * refuses a threshold neither knows. */
static void test_one_policy_file(void **unused)
{
    struct lateral_policy p;
    char err[256] = "";
    assert_true(lateral_policy_load(&p, "data/lateral_movement.tsv", err, sizeof err));
    assert_int_equal(p.zerologon_calls, 20);
    lateral_policy_free(&p);
    char path[64];
    tmpfile_with(path, sizeof path, "lateral",
                 "threshold\tzerologon_calls\t20\nthreshold\tkerberoast_services\t10\nthreshold\tno_such\t1\n");
    assert_false(lateral_policy_load(&p, path, err, sizeof err));
    assert_non_null(strstr(err, ":3: "));
    unlink(path);
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

/* A server that answers Kerberos becomes a domain controller in the run's
 * registry (the evidence DCSync and Zerologon are judged with); a request
 * seen alone proves nothing about its server. */
static void test_kdc_answers_feed_the_dc_registry(void **unused)
{
    (void)unused;
    struct dc_registry *dcs = dc_registry_new();
    assert_non_null(dcs);
    struct detect_config cfg = {.behavior = true, .domain_controllers = dcs};
    void *state = NULL;
    char err[256];
    assert_true(kerberos_abuse_detector.open(&cfg, &state, err, sizeof err));
    assert_non_null(state);
    struct detect_sink sink = {0};
    void *worker = kerberos_abuse_detector.worker_open(state, &sink);
    assert_non_null(worker);

    struct app_conn c = {.proto = 17, .orig_p = 50000, .resp_p = 88};
    assert_true(ip_addr_parse("10.88.1.10", &c.orig_h));
    assert_true(ip_addr_parse("10.88.0.1", &c.resp_h));
    struct krb_message request = {.from_orig = true, .msg_type = KRB_MSG_AS_REQ};
    struct krb_txn txn = {.msg = &request};
    kerberos_abuse_detector.transaction(worker, &c, EVENT_KRB, &txn);
    assert_int_equal(dc_registry_evidence(dcs, &c.resp_h), 0);

    struct krb_message reply = {.from_orig = false, .msg_type = KRB_MSG_AS_REP};
    txn.msg = &reply;
    kerberos_abuse_detector.transaction(worker, &c, EVENT_KRB, &txn);
    assert_int_equal(dc_registry_evidence(dcs, &c.resp_h), DC_EVIDENCE_KERBEROS);
    assert_true(kdc_answered(state, &c.resp_h));
    assert_int_equal(dc_registry_evidence(dcs, &c.orig_h), 0);

    kerberos_abuse_detector.worker_close(worker);
    kerberos_abuse_detector.close(state);
    dc_registry_free(dcs);
}

/* A given list is kept whole or refused: the last address that fits is
 * known, one more fails with a message naming it. */
static void test_given_dc_list_past_the_limit(void **unused)
{
    (void)unused;
    size_t cap = (DC_REGISTRY_MAX + 1) * 16;
    char *list = malloc(cap);
    assert_non_null(list);
    size_t len = 0;
    for (int i = 0; i < DC_REGISTRY_MAX; i++)
        len += (size_t)snprintf(list + len, cap - len, "%s10.%d.%d.1", i ? "," : "", i / 256, i % 256);
    struct dc_registry *dcs = dc_registry_new();
    char err[256] = "";
    assert_true(dc_registry_add_list(dcs, list, err, sizeof err));
    struct ip_addr last;
    assert_true(ip_addr_parse("10.15.255.1", &last));
    assert_int_equal(dc_registry_evidence(dcs, &last), DC_EVIDENCE_GIVEN);
    dc_registry_free(dcs);

    snprintf(list + len, cap - len, ",192.0.2.7");
    dcs = dc_registry_new();
    assert_false(dc_registry_add_list(dcs, list, err, sizeof err));
    assert_non_null(strstr(err, "more than 4096 addresses"));
    assert_non_null(strstr(err, "'192.0.2.7'"));
    dc_registry_free(dcs);
    free(list);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shipped_thresholds),
        cmocka_unit_test(test_bad_thresholds),
        cmocka_unit_test(test_one_policy_file),
        cmocka_unit_test(test_window_counts),
        cmocka_unit_test(test_kdc_answers_feed_the_dc_registry),
        cmocka_unit_test(test_given_dc_list_past_the_limit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
