/* Intel validity windows and repeated hits: where a moment falls against
 * an indicator's windows (one per feed), the matcher reporting matches
 * outside them with their validity (or dropping them when strict), and the
 * suppression of repeated hits from one host with its summary. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "detect/intel_match.h"
#include "detect/intel_suppress.h"
#include "intel/intel.h"

#define S(n) ((int64_t)(n) * 1000000)

static struct intel_store *store_with(const struct intel_meta *metas, size_t n)
{
    struct intel_store *s = intel_store_new();
    assert_non_null(s);
    for (size_t i = 0; i < n; i++)
        assert_int_not_equal(intel_store_add(s, INTEL_DOMAIN, "evil.example", 12, &metas[i]), INTEL_ADD_INVALID);
    return s;
}

static void test_validity_windows(void **state)
{
    (void)state;
    const struct intel_meta one[] = {{.source = "a", .valid_from_us = S(1000), .valid_until_us = S(2000)}};
    struct intel_store *s = store_with(one, 1);
    const struct intel_entry *e = intel_lookup_domain(s, "evil.example", 12);
    assert_non_null(e);
    assert_int_equal(intel_validity_at(e, S(999)), INTEL_VALIDITY_BEFORE_VALID_FROM);
    assert_int_equal(intel_validity_at(e, S(1000)), INTEL_VALIDITY_IN_WINDOW);
    assert_int_equal(intel_validity_at(e, S(1999)), INTEL_VALIDITY_IN_WINDOW);
    assert_int_equal(intel_validity_at(e, S(2000)), INTEL_VALIDITY_AFTER_VALID_UNTIL);
    assert_string_equal(intel_validity_name(INTEL_VALIDITY_BEFORE_VALID_FROM), "before_valid_from");
    assert_string_equal(intel_validity_name(INTEL_VALIDITY_AFTER_VALID_UNTIL), "after_valid_until");
    intel_store_free(s);

    /* two feeds: inside either window is in window; between them, before the later one */
    const struct intel_meta two[] = {{.source = "a", .valid_from_us = S(1000), .valid_until_us = S(2000)},
                                     {.source = "b", .valid_from_us = S(5000)}};
    s = store_with(two, 2);
    e = intel_lookup_domain(s, "evil.example", 12);
    assert_int_equal(e->n_meta, 2);
    assert_int_equal(intel_validity_at(e, S(1500)), INTEL_VALIDITY_IN_WINDOW);
    assert_int_equal(intel_validity_at(e, S(6000)), INTEL_VALIDITY_IN_WINDOW);
    assert_int_equal(intel_validity_at(e, S(3000)), INTEL_VALIDITY_BEFORE_VALID_FROM);
    intel_store_free(s);

    const struct intel_meta open[] = {{.source = "a"}};
    s = store_with(open, 1);
    assert_int_equal(intel_validity_at(intel_lookup_domain(s, "evil.example", 12), S(1)), INTEL_VALIDITY_IN_WINDOW);
    intel_store_free(s);
}

struct captured {
    unsigned n;
    enum intel_validity last;
};

static void capture(void *ctx, const struct intel_sighting *s)
{
    struct captured *c = ctx;
    c->n++;
    c->last = s->validity;
}

static void test_matcher_reports_outside_window(void **state)
{
    (void)state;
    const struct intel_meta future[] = {{.source = "a", .valid_from_us = S(1000000)}};
    struct intel_store *s = store_with(future, 1);
    struct captured got = {0};
    struct intel_matcher m = {.store = s, .emit = capture, .ctx = &got};
    struct intel_sighting base = {.ts_us = S(10)};
    assert_true(intel_match_value(&m, &base, INTEL_DOMAIN, "www.evil.example", 16, "DNS::IN_REQUEST"));
    assert_int_equal(got.n, 1);
    assert_int_equal(got.last, INTEL_VALIDITY_BEFORE_VALID_FROM);
    m.strict_validity = true;
    assert_false(intel_match_value(&m, &base, INTEL_DOMAIN, "www.evil.example", 16, "DNS::IN_REQUEST"));
    assert_int_equal(got.n, 1);
    intel_store_free(s);
}

struct summaries {
    unsigned n;
    uint64_t count;
    uint64_t before;
};

static void on_summary(void *ctx, const struct sighting_summary *sum)
{
    struct summaries *c = ctx;
    c->n++;
    c->count += sum->count;
    c->before += sum->by_validity[INTEL_VALIDITY_BEFORE_VALID_FROM];
}

static struct intel_sighting hit_from(const struct intel_entry *e, const char *host, int64_t ts)
{
    struct intel_sighting h = {.ts_us = ts, .has_conn = true, .uid = "Cabc", .seen = "evil.example", .seen_len = 12,
                               .seen_type = INTEL_DOMAIN, .where = "SSL::IN_SERVER_NAME", .entry = e,
                               .validity = INTEL_VALIDITY_BEFORE_VALID_FROM};
    assert_true(ip_addr_parse(host, &h.orig_h));
    assert_true(ip_addr_parse("203.0.113.9", &h.resp_h));
    return h;
}

static void test_suppression(void **state)
{
    (void)state;
    const struct intel_meta meta[] = {{.source = "a"}};
    struct intel_store *s = store_with(meta, 1);
    const struct intel_entry *e = intel_lookup_domain(s, "evil.example", 12);
    struct intel_suppress *sup = intel_suppress_new(S(3600));
    assert_non_null(sup);
    struct summaries got = {0};
    struct detect_sink sink = {.ctx = &got, .summary = on_summary};

    /* first from each host alerts, the repeats are counted */
    struct intel_sighting a = hit_from(e, "10.0.0.1", S(100));
    assert_true(intel_suppress_admit(sup, s, &a, &sink));
    struct intel_sighting b = hit_from(e, "10.0.0.2", S(101));
    assert_true(intel_suppress_admit(sup, s, &b, &sink));
    for (int i = 1; i <= 10; i++) {
        struct intel_sighting r = hit_from(e, "10.0.0.1", S(100 + 60 * i));
        assert_false(intel_suppress_admit(sup, s, &r, &sink));
    }
    assert_true(intel_suppress_holds(sup, s));
    /* a report inside the interval writes nothing yet */
    intel_suppress_report(sup, &sink, s, S(1000), false);
    assert_int_equal(got.n, 0);
    /* after it: one summary with the ten repeats, the pairs forgotten */
    intel_suppress_report(sup, &sink, s, S(4000), false);
    assert_int_equal(got.n, 1);
    assert_int_equal(got.count, 10);
    assert_int_equal(got.before, 10);
    assert_false(intel_suppress_holds(sup, s));
    /* a new interval: alerts again; at the end the pending repeat is summarised */
    struct intel_sighting c = hit_from(e, "10.0.0.1", S(5000));
    assert_true(intel_suppress_admit(sup, s, &c, &sink));
    struct intel_sighting d = hit_from(e, "10.0.0.1", S(5001));
    assert_false(intel_suppress_admit(sup, s, &d, &sink));
    intel_suppress_report(sup, &sink, s, 0, true);
    assert_int_equal(got.n, 2);
    assert_int_equal(got.count, 11);
    intel_suppress_free(sup);
    intel_store_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_validity_windows),
        cmocka_unit_test(test_matcher_reports_outside_window),
        cmocka_unit_test(test_suppression),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
