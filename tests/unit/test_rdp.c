/* RDP parser: the X.224 negotiation delivered whole and byte by byte, a
 * failure, the hand-over to TLS, and hostile framing (a TPKT that claims too
 * much, garbage, an MCS block whose lengths run past its end). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "parser_harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto/rdp.h"

struct capture {
    int n_events[4], n_weird, n_hand_over;
    struct rdp_info last;
    char hand_over_to[16];
};

static void cap_publish(struct app_env *env, enum event_kind kind, const void *txn)
{
    struct capture *c = env->ctx;
    assert_int_equal(kind, EVENT_RDP);
    const struct rdp_txn *t = txn;
    c->n_events[t->event]++;
    c->last = *t->info;
}

static void cap_weird(struct app_env *env, const char *name, const char *addl, const char *source)
{
    struct capture *c = env->ctx;
    c->n_weird++;
}

static void cap_hand_over(struct app_env *env, const char *name)
{
    struct capture *c = env->ctx;
    c->n_hand_over++;
    snprintf(c->hand_over_to, sizeof c->hand_over_to, "%s", name ? name : "");
}

static const struct app_env hooks = {.publish = cap_publish, .weird = cap_weird, .hand_over = cap_hand_over};

static const uint8_t request[] = {
    0x03, 0x00, 0x00, 0x29, 0x24, 0xe0, 0x00, 0x00, 0x00, 0x00, 0x00,
    'C', 'o', 'o', 'k', 'i', 'e', ':', ' ', 'm', 's', 't', 's', 'h', 'a', 's', 'h', '=', 'b', 'o', 'b', '\r', '\n',
    0x01, 0x00, 0x08, 0x00, 0x03, 0x00, 0x00, 0x00,
};
static const uint8_t confirm_hybrid[] = {0x03, 0x00, 0x00, 0x13, 0x0e, 0xd0, 0x00, 0x00, 0x12, 0x34,
                                         0x00, 0x02, 0x00, 0x08, 0x00, 0x02, 0x00, 0x00, 0x00};
static const uint8_t confirm_failure[] = {0x03, 0x00, 0x00, 0x13, 0x0e, 0xd0, 0x00, 0x00, 0x12, 0x34,
                                          0x00, 0x03, 0x00, 0x08, 0x00, 0x05, 0x00, 0x00, 0x00};

static void run(struct capture *c, const uint8_t *srv, size_t srv_len, size_t step)
{
    struct parser_run r;
    memset(c, 0, sizeof *c);
    parser_run_open(&r, &rdp_parser, &hooks, c);
    parser_run_feed(&r, true, request, sizeof request, step);
    parser_run_feed(&r, false, srv, srv_len, step);
    parser_run_close(&r);
}

static void test_hybrid_hands_over_to_tls(void **unused)
{
    for (size_t step = 0; step <= 1; step++) {
        struct capture c;
        run(&c, confirm_hybrid, sizeof confirm_hybrid, step);
        assert_int_equal(c.n_events[RDP_EVENT_REQUEST], 1);
        assert_int_equal(c.n_events[RDP_EVENT_RESPONSE], 1);
        assert_int_equal(c.n_events[RDP_EVENT_LOG], 1);
        assert_string_equal(c.last.cookie, "bob");
        assert_int_equal(c.last.requested_protocols, 3);
        assert_string_equal(c.last.result, "encrypted");
        assert_string_equal(rdp_security_protocol_name(c.last.security_protocol), "HYBRID");
        assert_int_equal(c.n_hand_over, 1);
        assert_string_equal(c.hand_over_to, "ssl");
        assert_int_equal(c.n_weird, 0);
    }
}

static void test_failure(void **unused)
{
    struct capture c;
    run(&c, confirm_failure, sizeof confirm_failure, 0);
    assert_int_equal(c.n_events[RDP_EVENT_LOG], 1);
    assert_string_equal(c.last.result, "HYBRID_REQUIRED_BY_SERVER");
    assert_false(c.last.has_security_protocol);
    assert_int_equal(c.n_hand_over, 0);
}

static void test_hostile_framing(void **unused)
{
    static const uint8_t too_long[] = {0x03, 0x00, 0xff, 0xff, 0x06, 0xe0};
    static const uint8_t garbage[] = "GET / HTTP/1.1\r\n\r\n";
    struct capture c;
    run(&c, too_long, sizeof too_long, 0);
    assert_int_equal(c.n_weird, 1);
    struct parser_run r;
    memset(&c, 0, sizeof c);
    parser_run_open(&r, &rdp_parser, &hooks, &c);
    parser_run_feed(&r, true, garbage, sizeof garbage - 1, 0);
    parser_run_close(&r);
    assert_int_equal(c.n_weird, 1);
    assert_int_equal(c.n_events[RDP_EVENT_LOG], 0);
    assert_int_equal(rdp_parser.probe(garbage, 10, true), APP_PROBE_NO);
    assert_int_equal(rdp_parser.probe(request, sizeof request, true), APP_PROBE_YES);
}

/* An MCS Connect-Initial whose GCC block claims more bytes than it has. */
static void test_mcs_lengths(void **unused)
{
    static const uint8_t mcs[] = {
        0x03, 0x00, 0x00, 0x24, 0x02, 0xf0, 0x80, 0x7f, 0x65, 0x1b, 0x04, 0x19, 0x00, 0x05, 0x00, 0x14, 0x7c, 0x00,
        0x01, 0x00, 'D', 'u', 'c', 'a', 0x10, 0x01, 0xc0, 0xff, 0x00, 0x04, 0x00, 0x08, 0x00, 0x03, 0xc0, 0x40,
    };
    static const uint8_t confirm_rdp[] = {0x03, 0x00, 0x00, 0x13, 0x0e, 0xd0, 0x00, 0x00, 0x12, 0x34,
                                          0x00, 0x02, 0x00, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00};
    struct parser_run r;
    struct capture c = {0};
    parser_run_open(&r, &rdp_parser, &hooks, &c);
    parser_run_feed(&r, true, request, sizeof request, 0);
    parser_run_feed(&r, false, confirm_rdp, sizeof confirm_rdp, 0);
    parser_run_feed(&r, true, mcs, sizeof mcs, 1);
    parser_run_close(&r);
    assert_int_equal(c.n_events[RDP_EVENT_LOG], 1);
    assert_false(c.last.has_core);
    assert_int_equal(c.n_hand_over, 0);
    assert_null(c.last.result);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hybrid_hands_over_to_tls),
        cmocka_unit_test(test_failure),
        cmocka_unit_test(test_hostile_framing),
        cmocka_unit_test(test_mcs_lengths),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
