/* The correlator inside `vigil read` (report/live.c): what it gets from the
 * detector sink (alerts, a signature's alert, findings) and from observing
 * the traffic (connections, dns.log rows, HTTP requests) links the same
 * way `vigil report` links stored logs: a DNS answer names a beacon's
 * address, a delivered document's remote template fetched joins the
 * incident with its URL, a rule alert opens an exploitation incident. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detect/detect.h"
#include "incident/correlate.h"
#include "proto/conn-t.h"
#include "proto/dns.h"
#include "proto/http.h"
#include "report/live.h"
#include "unit/addr_harness.h"

static struct byte_view view(const char *s)
{
    return (struct byte_view){(const uint8_t *)s, strlen(s)};
}

static struct app_conn conn(const char *orig, const char *resp, const char *uid)
{
    struct app_conn c;
    memset(&c, 0, sizeof c);
    c.orig_h = addr_of(orig);
    c.resp_h = addr_of(resp);
    snprintf(c.uid, sizeof c.uid, "%s", uid);
    return c;
}

static struct incident_live *live_new(void)
{
    char err[256] = "";
    struct incident_live_config cfg = {.killchain_path = "data/incident/killchain.map"};
    struct incident_live *l = incident_live_new(&cfg, err, sizeof err);
    if (l == NULL)
        fail_msg("incident_live_new: %s", err);
    return l;
}

static const struct evidence *evidence_of(const struct incident *inc, const char *kind)
{
    for (unsigned i = 0; i < inc->n_evidence; i++)
        if (strcmp(inc->evidence[i].kind, kind) == 0)
            return &inc->evidence[i];
    return NULL;
}

static void test_template_and_dns_links(void **state)
{
    (void)state;
    struct incident_live *l = live_new();
    struct detect_sink sink = incident_live_sink(l);
    struct detect_observer obs = incident_live_observer(l);

    /* the weaponised document delivered to 10.0.0.5 names its remote template */
    struct alert_meta meta[] = {{"remote_template", "http://TPL.evil.example/t.dotm"}};
    struct alert doc = {.ts_us = 100000000, .has_conn = true, .uid = "Cmail", .orig_h = addr_of("198.51.100.25"),
                        .resp_h = addr_of("10.0.0.5"), .note = "Vigil::Malicious_Document",
                        .notice_msg = "document loads a remote template", .meta = meta, .n_meta = 1};
    sink.alert(sink.ctx, &doc);

    /* 10.0.0.5 resolves the template host through its resolver... */
    struct app_conn dc = conn("10.0.0.5", "10.0.0.53", "Cdns");
    struct byte_view answers[] = {view("203.0.113.80")};
    struct dns_row row = {.ts_us = 110000000, .has_query = true, .query = view("tpl.evil.example"),
                          .n_answers = 1, .answers = answers};
    struct dns_txn dt = {.row = &row};
    obs.transaction(obs.ctx, &dc, EVENT_DNS, &dt);

    /* ...fetches it... */
    struct app_conn hc = conn("10.0.0.5", "203.0.113.80", "Chttp");
    struct http_txn ht = {.ts_us = 120000000, .host = view("tpl.evil.example"), .uri = view("/t.dotm")};
    obs.transaction(obs.ctx, &hc, EVENT_HTTP, &ht);
    /* another host's fetch of the same host is not linked */
    struct app_conn other = conn("10.0.0.6", "203.0.113.80", "Cother");
    obs.transaction(obs.ctx, &other, EVENT_HTTP, &ht);

    /* ...and beacons to the address the answer gave */
    struct conn_record cr;
    memset(&cr, 0, sizeof cr);
    cr.ts_us = 130000000;
    cr.orig_h = addr_of("10.0.0.5");
    cr.resp_h = addr_of("203.0.113.80");
    cr.has_duration = true;
    cr.orig_bytes = 5000;
    obs.conn(obs.ctx, &cr);
    struct finding beacon = {.kind = FINDING_BEACON, .reason = "beacon to address", .attack = "T1071",
                             .first_us = 130000000, .last_us = 900000000, .src = addr_of("10.0.0.5"),
                             .has_dst = true, .dst = addr_of("203.0.113.80"), .uid = "Cbeacon", .count = 30};
    sink.finding(sink.ctx, &beacon);
    incident_live_finish(l, NULL);

    const struct correlator *c = incident_live_correlator(l);
    assert_int_equal(correlator_incident_count(c), 1);
    struct ip_addr host = addr_of("10.0.0.5");
    const struct incident *inc = correlator_incident_of(c, &host);
    assert_non_null(inc);
    assert_int_equal(inc->events, 3);
    assert_true(inc->chained);
    const struct evidence *fetch = evidence_of(inc, "template_fetch");
    assert_non_null(fetch);
    assert_string_equal(fetch->link, "template");
    assert_string_equal(fetch->uid, "Chttp");
    assert_non_null(strstr(fetch->reason, "http://tpl.evil.example/t.dotm"));
    const struct evidence *b = evidence_of(inc, "beacon");
    assert_non_null(b);
    assert_string_equal(b->link, "dns_answer");
    assert_non_null(strstr(b->peer, "tpl.evil.example"));
    assert_int_equal(inc->bytes_out, 5000);
    struct ip_addr resolver = addr_of("10.0.0.53");
    assert_true(correlator_is_resolver(c, &resolver));
    incident_live_free(l);
}

static void test_signature_alert_opens_an_incident(void **state)
{
    (void)state;
    struct incident_live *l = live_new();
    struct detect_sink sink = incident_live_sink(l);
    struct alert_meta meta[] = {{"cve", "CVE-2021-36260"}};
    struct alert a = {.ts_us = 200000000, .has_conn = true, .uid = "Cexp", .orig_h = addr_of("192.0.2.77"),
                      .resp_h = addr_of("10.0.0.9"), .signature_id = 9600001,
                      .signature = "VIGIL EXPLOIT Hikvision webLanguage command injection",
                      .category = "Attempted Administrator Privilege Gain", .rule_file = "rules/devices.rules",
                      .note = "Signatures::Sensitive_Signature", .notice_msg = "192.0.2.77: VIGIL EXPLOIT",
                      .meta = meta, .n_meta = 1};
    sink.alert(sink.ctx, &a);
    incident_live_finish(l, NULL);
    const struct correlator *c = incident_live_correlator(l);
    struct ip_addr cam = addr_of("10.0.0.9");
    const struct incident *inc = correlator_incident_of(c, &cam);
    assert_non_null(inc);
    assert_int_equal(inc->stage_events[KC_EXPLOITATION], 1);
    /* correlated as its EVE alert, as `vigil report` reads it */
    assert_string_equal(inc->evidence[0].kind, "alert");
    assert_int_equal(inc->evidence[0].sid, 9600001);
    incident_live_free(l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_template_and_dns_links),
        cmocka_unit_test(test_signature_alert_opens_an_incident),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
