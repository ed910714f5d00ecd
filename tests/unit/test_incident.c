/* Incidents: the kill-chain map (format, errors, first match wins), the
 * correlator's linking rules (same host, DNS answer, remote template, shared
 * infrastructure), severity rising when stages chain, evidence caps with
 * exact counts over 10 million events, and the shipped map. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "incident/correlate.h"
#include "incident/killchain.h"
#include "unit/addr_harness.h"

static const char small_map[] =
    "# test map\n"
    "notice   Vigil::Malicious_Document  delivery             initial-access      T1566.001\n"
    "notice   Vigil::Phish*              delivery             initial-access\n"
    "kind     template_fetch             installation         defense-evasion     T1221\n"
    "kind     beacon                     command_and_control  command-and-control T1071\n"
    "kind     exfil                      actions_on_objectives exfiltration       T1048\n"
    "sid      2000000-2999999            none                 -\n"
    "cve      *                          exploitation         initial-access      T1190\n"
    "category Attempted_Administrator_Privilege_Gain exploitation privilege-escalation\n"
    "technique T1071*                    command_and_control  command-and-control\n";

static struct killchain_map *map_ok(const char *text)
{
    char err[256] = "";
    struct killchain_map *m = killchain_parse(text, strlen(text), "map", err, sizeof err);
    if (m == NULL)
        fail_msg("unexpected error: %s", err);
    return m;
}

static void map_error(const char *text, const char *expected)
{
    char err[256] = "";
    struct killchain_map *m = killchain_parse(text, strlen(text), "map", err, sizeof err);
    if (m != NULL) {
        killchain_free(m);
        fail_msg("accepted: %s", text);
    }
    if (strstr(err, expected) == NULL)
        fail_msg("error '%s' lacks '%s'", err, expected);
}

static struct incident_event event(const char *kind, const char *host, const char *peer, int64_t ts_s)
{
    struct incident_event ev;
    memset(&ev, 0, sizeof ev);
    snprintf(ev.kind, sizeof ev.kind, "%s", kind);
    snprintf(ev.source, sizeof ev.source, "test");
    ev.ts_us = ts_s * 1000000;
    if (host) {
        assert_true(ip_addr_parse(host, &ev.host));
        ev.has_host = true;
    }
    if (peer) {
        assert_true(ip_addr_parse(peer, &ev.peer));
        ev.has_peer = true;
    }
    return ev;
}

struct fixture {
    struct killchain_map *map;
    struct correlator *c;
};

static struct fixture setup(size_t max_incidents)
{
    struct fixture f;
    f.map = map_ok(small_map);
    struct correlator_config cfg;
    correlator_config_defaults(&cfg);
    cfg.map = f.map;
    cfg.popular_hosts = 3;
    if (max_incidents)
        cfg.max_incidents = max_incidents;
    char err[256];
    f.c = correlator_new(&cfg, err, sizeof err);
    if (f.c == NULL)
        fail_msg("correlator_new: %s", err);
    return f;
}

static void teardown(struct fixture *f)
{
    correlator_free(f->c);
    killchain_free(f->map);
}

static void test_map_classifies_first_match(void **state)
{
    (void)state;
    struct killchain_map *m = map_ok(small_map);
    assert_int_equal(killchain_rules(m), 9);
    struct incident_event ev = event("Vigil::Phishing", NULL, NULL, 1);
    assert_true(killchain_classify(m, &ev));
    assert_int_equal(ev.stage, KC_DELIVERY);
    assert_string_equal(ev.tactic, "initial-access");
    /* a sid rule before the cve rule wins: signature noise stays out */
    ev = event("alert", NULL, NULL, 1);
    ev.sid = 2100001;
    snprintf(ev.cve, sizeof ev.cve, "CVE-2021-36260");
    assert_true(killchain_classify(m, &ev));
    assert_int_equal(ev.stage, KC_NONE);
    ev.sid = 3000001;
    assert_true(killchain_classify(m, &ev));
    assert_int_equal(ev.stage, KC_EXPLOITATION);
    assert_string_equal(ev.technique, "T1190");
    /* categories: '_' in the map is a blank; a technique the source gave is kept */
    ev = event("alert", NULL, NULL, 1);
    snprintf(ev.category, sizeof ev.category, "attempted administrator privilege gain");
    snprintf(ev.technique, sizeof ev.technique, "T1068");
    assert_true(killchain_classify(m, &ev));
    assert_int_equal(ev.stage, KC_EXPLOITATION);
    assert_string_equal(ev.technique, "T1068");
    ev = event("alert", NULL, NULL, 1);
    snprintf(ev.technique, sizeof ev.technique, "T1071.001");
    assert_true(killchain_classify(m, &ev));
    assert_int_equal(ev.stage, KC_C2);
    ev = event("Unknown::Note", NULL, NULL, 1);
    assert_false(killchain_classify(m, &ev));
    assert_int_equal(ev.stage, KC_NONE);
    killchain_free(m);
}

static void test_map_errors(void **state)
{
    (void)state;
    map_error("bogus x delivery t\n", "map:1: unknown field");
    map_error("# c\nnotice x nowhere t\n", "map:2: unknown stage");
    map_error("sid 5-1 delivery t\n", "sid pattern");
    map_error("sid abc delivery t\n", "sid pattern");
    map_error("notice x\n", "expected FIELD PATTERN STAGE TACTIC");
    map_error("# only comments\n\n", "no rule");
}

static void test_shipped_map_loads(void **state)
{
    (void)state;
    char err[256];
    struct killchain_map *m = killchain_load("data/incident/killchain.map", err, sizeof err);
    if (m == NULL)
        fail_msg("%s", err);
    static const struct {
        const char *kind;
        uint32_t sid;
        enum kc_stage stage;
    } cases[] = {
        {"Vigil::Malicious_Document", 0, KC_DELIVERY}, {"Vigil::Phishing", 0, KC_DELIVERY},
        {"Vigil::Device_Calls_Out", 0, KC_C2},         {"beacon", 0, KC_C2},
        {"exfil", 0, KC_ACTIONS},                      {"template_fetch", 0, KC_INSTALLATION},
        {"alert", 9200004, KC_ACTIONS},                {"alert", 9100003, KC_C2},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct incident_event ev = event(cases[i].kind, NULL, NULL, 1);
        ev.sid = cases[i].sid;
        killchain_classify(m, &ev);
        if (ev.stage != cases[i].stage)
            fail_msg("%s/%u: stage %d, expected %d", cases[i].kind, cases[i].sid, ev.stage, cases[i].stage);
    }
    struct incident_event ev = event("intel", NULL, NULL, 1);
    snprintf(ev.where, sizeof ev.where, "Files::IN_HASH");
    killchain_classify(m, &ev);
    assert_int_equal(ev.stage, KC_DELIVERY);
    killchain_free(m);
}

static void test_chained_stages_raise_severity(void **state)
{
    (void)state;
    struct fixture f = setup(0);
    /* host A: weaponised attachment, then a beacon, then an upload */
    struct incident_event ev = event("Vigil::Malicious_Document", "10.0.0.5", "198.51.100.25", 100);
    assert_non_null(correlator_add(f.c, &ev));
    ev = event("beacon", "10.0.0.5", "203.0.113.66", 200);
    correlator_add(f.c, &ev);
    ev = event("exfil", "10.0.0.5", "203.0.113.66", 300);
    correlator_add(f.c, &ev);
    /* host B: a beacon alone */
    ev = event("beacon", "10.0.0.7", "203.0.113.99", 150);
    correlator_add(f.c, &ev);
    /* host C: a beacon, and only later a phishing mail: no chain */
    ev = event("beacon", "10.0.0.8", "203.0.113.98", 100);
    correlator_add(f.c, &ev);
    ev = event("Vigil::Phishing", "10.0.0.8", "198.51.100.25", 500);
    correlator_add(f.c, &ev);
    /* an event with no stage makes no incident */
    ev = event("Unknown::Note", "10.0.0.9", NULL, 100);
    assert_null(correlator_add(f.c, &ev));
    correlator_finish(f.c);
    assert_int_equal(correlator_incident_count(f.c), 3);
    const struct incident *a = correlator_incident(f.c, 0);
    struct ip_addr want = addr_of("10.0.0.5");
    assert_memory_equal(&a->host, &want, sizeof want);
    assert_int_equal(a->severity, SEV_CRITICAL);
    assert_true(a->chained);
    assert_int_equal(a->stage_events[KC_DELIVERY], 1);
    assert_int_equal(a->stage_events[KC_C2], 1);
    assert_int_equal(a->stage_events[KC_ACTIONS], 1);
    assert_int_equal(a->first_us, 100000000);
    assert_int_equal(a->last_us, 300000000);
    want = addr_of("10.0.0.7");
    const struct incident *b = correlator_incident_of(f.c, &want);
    assert_non_null(b);
    assert_int_equal(b->severity, SEV_MEDIUM);
    assert_false(b->chained);
    want = addr_of("10.0.0.8");
    const struct incident *c = correlator_incident_of(f.c, &want);
    assert_false(c->chained);
    assert_true(c->severity < SEV_HIGH);
    struct correlator_stats st;
    correlator_get_stats(f.c, &st);
    assert_int_equal(st.events, 7);
    assert_int_equal(st.unmapped, 1);
    teardown(&f);
}

static void test_dns_answer_names_the_peer(void **state)
{
    (void)state;
    struct fixture f = setup(0);
    struct ip_addr client = addr_of("10.0.0.5"), resolver = addr_of("10.0.0.53"), answer = addr_of("203.0.113.66");
    correlator_dns_answer(f.c, &client, &resolver, "C2.Evil.Example", &answer);
    struct incident_event ev = event("beacon", "10.0.0.5", "203.0.113.66", 100);
    correlator_add(f.c, &ev);
    assert_string_equal(ev.peer_name, "c2.evil.example");
    correlator_finish(f.c);
    const struct incident *inc = correlator_incident(f.c, 0);
    assert_string_equal(inc->peers[0].name, "c2.evil.example");
    assert_string_equal(inc->evidence[0].link, "dns_answer");
    assert_true(correlator_is_resolver(f.c, &resolver));
    assert_false(correlator_is_resolver(f.c, &answer));
    char reg[96];
    correlator_registered_domain(f.c, "a.b.example.co.uk", reg, sizeof reg);
    assert_string_equal(reg, "example.co.uk");
    teardown(&f);
}

static void test_template_fetch_links(void **state)
{
    (void)state;
    struct fixture f = setup(0);
    struct ip_addr host = addr_of("10.0.0.5"), other = addr_of("10.0.0.6"), server = addr_of("203.0.113.80");
    /* before any document, a fetch is nothing */
    assert_null(correlator_http(f.c, 50000000, &host, &server, "tpl.evil.example", "/t.dotm", "C1"));
    struct incident_event ev = event("Vigil::Malicious_Document", "10.0.0.5", "198.51.100.25", 100);
    snprintf(ev.template_host, sizeof ev.template_host, "tpl.evil.example");
    correlator_add(f.c, &ev);
    /* another host fetching the same template is not linked to this one */
    assert_null(correlator_http(f.c, 150000000, &other, &server, "tpl.evil.example", NULL, "C2"));
    assert_null(correlator_http(f.c, 150000000, &host, &server, "www.example.com", "/", "C3"));
    const struct incident *inc = correlator_http(f.c, 160000000, &host, &server, "TPL.evil.example", "/t.dotm", "C4");
    assert_non_null(inc);
    assert_int_equal(inc->stage_events[KC_INSTALLATION], 1);
    assert_string_equal(inc->evidence[1].link, "template");
    assert_string_equal(inc->evidence[1].uid, "C4");
    correlator_finish(f.c);
    assert_int_equal(correlator_incident_count(f.c), 1);
    assert_true(correlator_incident(f.c, 0)->chained);
    teardown(&f);
}

static void test_shared_infrastructure_relates(void **state)
{
    (void)state;
    struct fixture f = setup(0);
    struct incident_event ev = event("beacon", "10.0.0.5", "203.0.113.66", 100);
    correlator_add(f.c, &ev);
    ev = event("beacon", "10.0.0.6", "203.0.113.66", 200);
    correlator_add(f.c, &ev);
    ev = event("beacon", "10.0.0.7", "198.51.100.1", 200);
    snprintf(ev.ja4, sizeof ev.ja4, "t13d1516h2_8daaf6152771_b186095e22b6");
    correlator_add(f.c, &ev);
    correlator_finish(f.c);
    struct ip_addr h = addr_of("10.0.0.5");
    const struct incident *a = correlator_incident_of(f.c, &h);
    assert_int_equal(a->n_related, 1);
    assert_int_equal(a->related[0], 2);
    h = addr_of("10.0.0.7");
    assert_int_equal(correlator_incident_of(f.c, &h)->n_related, 0);
    bool found = false;
    for (size_t i = 0; i < correlator_infra_count(f.c); i++) {
        const struct infra *x = correlator_infra(f.c, i);
        if (strcmp(x->key, "address 203.0.113.66") == 0) {
            found = true;
            assert_int_equal(x->n_incidents, 2);
            assert_int_equal(x->events, 2);
        }
    }
    assert_true(found);
    teardown(&f);
}

static void test_popularity_and_talkers(void **state)
{
    (void)state;
    struct fixture f = setup(0);
    struct ip_addr cdn = addr_of("93.184.216.34"), c2 = addr_of("203.0.113.66");
    for (int h = 1; h <= 5; h++) {
        char a[32];
        snprintf(a, sizeof a, "10.0.0.%d", h);
        struct ip_addr host = addr_of(a);
        correlator_conn(f.c, 1000000, &host, &cdn, 100 * (uint64_t)h);
        correlator_conn(f.c, 2000000, &host, &cdn, 100 * (uint64_t)h);
    }
    struct ip_addr one = addr_of("10.0.0.9");
    correlator_conn(f.c, 1000000, &one, &c2, 999999);
    assert_true(correlator_is_popular(f.c, &cdn));
    assert_false(correlator_is_popular(f.c, &c2));
    assert_int_equal(correlator_host_count(f.c, &cdn), 3); /* counted up to the threshold */
    struct talker top[3];
    assert_int_equal(correlator_top_talkers(f.c, top, 3), 3);
    struct ip_addr want = addr_of("10.0.0.9");
    assert_memory_equal(&top[0].host, &want, sizeof want);
    assert_int_equal(top[1].bytes_out, 1000);
    assert_int_equal(top[2].bytes_out, 800);
    teardown(&f);
}

/* 10 million alerts on 1,000 hosts: memory stays within the caps, the first
 * event of every stage is kept, and every count is exact. */
static void test_ten_million_events_bounded(void **state)
{
    (void)state;
    struct fixture f = setup(0);
    struct incident_event ev = event("beacon", "10.0.0.1", "203.0.113.66", 1);
    const uint64_t total = 10000000;
    for (uint64_t i = 0; i < total; i++) {
        unsigned h = (unsigned)(i % 1000);
        ev.host.b[14] = (uint8_t)(h >> 8);
        ev.host.b[15] = (uint8_t)h;
        ev.ts_us = (int64_t)(1000 + i) * 1000;
        const char *kind = i % 100 == 7 ? "exfil" : i == 12345 ? "Vigil::Phishing" : "beacon";
        memcpy(ev.kind, kind, strlen(kind) + 1);
        ev.technique[0] = '\0';
        correlator_add(f.c, &ev);
    }
    correlator_finish(f.c);
    assert_int_equal(correlator_incident_count(f.c), 1000);
    uint64_t events = 0, exfil = 0;
    for (size_t i = 0; i < correlator_incident_count(f.c); i++) {
        const struct incident *inc = correlator_incident(f.c, i);
        events += inc->events;
        exfil += inc->stage_events[KC_ACTIONS];
        assert_true(inc->n_evidence <= INCIDENT_EVIDENCE_CAP);
        assert_int_equal(inc->events, total / 1000);
        unsigned kept_stages = 0;
        for (unsigned k = 0; k < inc->n_evidence; k++)
            kept_stages |= 1u << inc->evidence[k].stage;
        for (unsigned s = KC_DELIVERY; s < KC_STAGE_COUNT; s++)
            if (inc->stage_events[s] && !(kept_stages & (1u << s)))
                fail_msg("incident %u: stage %u reached but no evidence kept", inc->id, s);
    }
    assert_int_equal(events, total);
    assert_int_equal(exfil, total / 100);
    struct correlator_stats st;
    correlator_get_stats(f.c, &st);
    assert_int_equal(st.events, total);
    assert_int_equal(st.classified, total);
    teardown(&f);
}

static void test_incident_cap_counts(void **state)
{
    (void)state;
    struct fixture f = setup(2);
    const char *hosts[] = {"10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.1"};
    for (size_t i = 0; i < 4; i++) {
        struct incident_event ev = event("beacon", hosts[i], "203.0.113.66", 10);
        correlator_add(f.c, &ev);
    }
    struct incident_event ev = event("beacon", NULL, "203.0.113.66", 10);
    assert_null(correlator_add(f.c, &ev));
    correlator_finish(f.c);
    assert_int_equal(correlator_incident_count(f.c), 2);
    struct correlator_stats st;
    correlator_get_stats(f.c, &st);
    assert_int_equal(st.over_cap, 1);
    assert_int_equal(st.no_host, 1);
    teardown(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_map_classifies_first_match),
        cmocka_unit_test(test_map_errors),
        cmocka_unit_test(test_shipped_map_loads),
        cmocka_unit_test(test_chained_stages_raise_severity),
        cmocka_unit_test(test_dns_answer_names_the_peer),
        cmocka_unit_test(test_template_fetch_links),
        cmocka_unit_test(test_shared_infrastructure_relates),
        cmocka_unit_test(test_popularity_and_talkers),
        cmocka_unit_test(test_ten_million_events_bounded),
        cmocka_unit_test(test_incident_cap_counts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
