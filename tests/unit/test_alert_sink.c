/* The detector sink as output/ implements it: a generic alert becomes a
 * notice.log row (Zeek's Notice::Info columns) and an EVE alert in
 * Suricata's layout; an alert without a note writes no notice.log. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "detect/alert.h"
#include "detect/sink.h"
#include "output/detect_sink.h"
#include "output/output.h"
#include "unit/tmpdir_harness.h"

#define TS0 1300475167096535LL /* 2011-03-18T19:06:07.096535Z */

/* The last line that does not start with '#'. */
static char *last_data_line(char *text)
{
    char *found = NULL;
    for (char *p = text; *p;) {
        char *e = strchr(p, '\n');
        if (p[0] != '#')
            found = p;
        if (e == NULL)
            break;
        *e = '\0';
        p = e + 1;
    }
    return found;
}

struct run {
    char *dir;
    struct output *out;
    struct detect_sink sink;
};

static void run_open(struct run *r, unsigned formats)
{
    r->dir = tmpdir_new("alert");
    char err[256];
    r->out = output_open(r->dir, formats, err, sizeof err);
    assert_non_null(r->out);
    assert_true(output_detect_sink_open(r->out, &r->sink));
}

static void run_close(struct run *r)
{
    sink_release(&r->sink);
    assert_null(r->sink.ctx);
    char err[256];
    assert_int_equal(output_close(r->out, err, sizeof err), 0);
}

static void run_remove(struct run *r)
{
    assert_int_equal(tmpdir_remove(r->dir), 0);
    free(r->dir);
}

static void phishing_alert(struct alert *a, struct app_conn *c, const struct alert_meta *meta, size_t n_meta)
{
    memset(c, 0, sizeof *c);
    snprintf(c->uid, sizeof c->uid, "CsF3bb1vJ1Lsnse4Fa");
    c->flow_id = 42;
    assert_true(ip_addr_parse("10.0.0.1", &c->orig_h));
    assert_true(ip_addr_parse("192.0.2.9", &c->resp_h));
    c->orig_p = 49152;
    c->resp_p = 80;
    c->proto = IPPROTO_TCP;
    snprintf(c->community_id, sizeof c->community_id, "1:abc=");
    memset(a, 0, sizeof *a);
    a->ts_us = TS0;
    alert_set_app_conn(a, c);
    a->app_proto = "http";
    a->signature_id = 2000001;
    a->rev = 3;
    a->signature = "ET PHISHING lure";
    a->category = "Possible Social Engineering Attempted";
    a->severity = 2;
    a->note = "Vigil::Phishing";
    a->notice_msg = "credential form on a look-alike domain";
    a->sub = "examp1e.com";
    a->attack[a->n_attack++] = "T1566.002";
    a->meta = meta;
    a->n_meta = n_meta;
    a->eve_extra = "\"http\":{\"hostname\":\"examp1e.com\"}";
}

static void test_notice_and_eve(void **state)
{
    (void)state;
    struct run r;
    run_open(&r, OUTPUT_ZEEK_TSV | OUTPUT_EVE);
    const struct alert_meta meta[] = {{"policy", "a"}, {"source", "rules.txt"}, {"policy", "b"}};
    struct alert a;
    struct app_conn c;
    phishing_alert(&a, &c, meta, 3);
    sink_alert(&r.sink, &a);
    run_close(&r);

    char *notice = tmpdir_read(r.dir, "notice.log");
    assert_non_null(notice);
    assert_non_null(strstr(notice, "#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tfuid\t"
                                   "file_mime_type\tfile_desc\tproto\tnote\tmsg\tsub\tsrc\tdst\tp\tn\tpeer_descr\t"
                                   "actions\temail_dest\tsuppress_for\tremote_location.country_code\t"
                                   "remote_location.region\tremote_location.city\tremote_location.latitude\t"
                                   "remote_location.longitude\n"));
    assert_non_null(strstr(notice, "#types\ttime\tstring\taddr\tport\taddr\tport\tstring\tstring\tstring\tenum\t"
                                   "enum\tstring\tstring\taddr\taddr\tport\tcount\tstring\tset[enum]\t"
                                   "set[string]\tinterval\tstring\tstring\tstring\tdouble\tdouble\n"));
    assert_string_equal(last_data_line(notice),
                        "1300475167.096535\tCsF3bb1vJ1Lsnse4Fa\t10.0.0.1\t49152\t192.0.2.9\t80\t-\t-\t-\ttcp\t"
                        "Vigil::Phishing\tcredential form on a look-alike domain\texamp1e.com\t10.0.0.1\t"
                        "192.0.2.9\t80\t-\t-\tNotice::ACTION_LOG\t(empty)\t3600.000000\t-\t-\t-\t-\t-");
    free(notice);

    char *eve = tmpdir_read(r.dir, "eve.json");
    assert_non_null(eve);
    assert_string_equal(eve, "{\"timestamp\":\"2011-03-18T19:06:07.096535+0000\",\"flow_id\":42,"
                             "\"event_type\":\"alert\",\"src_ip\":\"10.0.0.1\",\"src_port\":49152,"
                             "\"dest_ip\":\"192.0.2.9\",\"dest_port\":80,\"proto\":\"TCP\",\"ip_v\":4,"
                             "\"community_id\":\"1:abc=\",\"alert\":{\"action\":\"allowed\",\"gid\":1,"
                             "\"signature_id\":2000001,\"rev\":3,\"signature\":\"ET PHISHING lure\","
                             "\"category\":\"Possible Social Engineering Attempted\",\"severity\":2,"
                             "\"metadata\":{\"attack_technique\":[\"T1566.002\"],\"policy\":[\"a\",\"b\"],"
                             "\"source\":[\"rules.txt\"]}},\"http\":{\"hostname\":\"examp1e.com\"},"
                             "\"app_proto\":\"http\"}\n");
    free(eve);
    run_remove(&r);
}

/* A host-level alert (no connection), no note: EVE only, with a rule's action. */
static void test_no_conn_no_note(void **state)
{
    (void)state;
    struct run r;
    run_open(&r, OUTPUT_ZEEK_TSV | OUTPUT_EVE);
    struct alert a = {.ts_us = TS0, .signature_id = 7, .signature = "device risk", .action = "blocked",
                      .rule = "drop ip any any -> any any (sid:7;)", .rule_file = "local.rules"};
    sink_alert(&r.sink, &a);
    run_close(&r);
    char *notice = tmpdir_read(r.dir, "notice.log");
    assert_null(notice);
    char *eve = tmpdir_read(r.dir, "eve.json");
    assert_non_null(eve);
    assert_string_equal(eve, "{\"timestamp\":\"2011-03-18T19:06:07.096535+0000\",\"event_type\":\"alert\","
                             "\"alert\":{\"action\":\"blocked\",\"gid\":1,\"signature_id\":7,\"rev\":1,"
                             "\"signature\":\"device risk\",\"category\":\"\",\"severity\":3,"
                             "\"rule\":\"drop ip any any -> any any (sid:7;)\"}}\n");
    free(eve);
    run_remove(&r);
}

/* Notice src/dst/p/n set explicitly, no connection; Zeek JSON output. */
static void test_notice_host_json(void **state)
{
    (void)state;
    struct run r;
    run_open(&r, OUTPUT_ZEEK_JSON);
    struct alert a = {.ts_us = TS0, .signature = "new device", .note = "Vigil::Device_Risk", .has_src = true,
                      .has_n = true, .n = 5};
    assert_true(ip_addr_parse("10.1.2.3", &a.src));
    sink_alert(&r.sink, &a);
    run_close(&r);
    char *notice = tmpdir_read(r.dir, "notice.log");
    assert_non_null(notice);
    assert_string_equal(notice, "{\"ts\":1300475167.096535,\"note\":\"Vigil::Device_Risk\",\"msg\":\"new device\","
                                "\"src\":\"10.1.2.3\",\"n\":5,\"actions\":[\"Notice::ACTION_LOG\"],"
                                "\"email_dest\":[],\"suppress_for\":3600.0}\n");
    free(notice);
    assert_null(tmpdir_read(r.dir, "eve.json"));
    run_remove(&r);
}

/* A zeroed sink and a NULL sink drop everything without crashing. */
static void test_empty_sink(void **state)
{
    (void)state;
    struct detect_sink none = {0};
    struct alert a = {.ts_us = TS0};
    sink_alert(&none, &a);
    sink_alert(NULL, &a);
    sink_flush(&none);
    sink_release(&none);
    struct detect_sink dropped = output_detect_sink(NULL);
    sink_alert(&dropped, &a);
    assert_null(dropped.ctx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_notice_and_eve),
        cmocka_unit_test(test_no_conn_no_note),
        cmocka_unit_test(test_notice_host_json),
        cmocka_unit_test(test_empty_sink),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
