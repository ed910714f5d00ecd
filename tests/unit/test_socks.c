/* SOCKS parser: hand-written SOCKS 4, 4a and 5 exchanges, delivered whole
 * and byte by byte, every truncation, failures, bad versions and a
 * cap-busting user id. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "parser_harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto/socks.h"

struct capture {
    int n_socks, n_hand_over;
    struct socks_txn last;
};

static void cap_publish(struct app_env *env, enum event_kind kind, const void *txn)
{
    struct capture *c = env->ctx;
    if (kind == EVENT_SOCKS) {
        c->n_socks++;
        memcpy(&c->last, txn, sizeof(c->last));
    }
}

static void cap_hand_over(struct app_env *env, const char *parser_name)
{
    struct capture *c = env->ctx;
    assert_null(parser_name);
    c->n_hand_over++;
}

struct session {
    struct parser_run run;
    struct capture cap;
};

static const struct app_env hooks = {.publish = cap_publish, .hand_over = cap_hand_over};

static void session_open(struct session *s)
{
    memset(&s->cap, 0, sizeof s->cap);
    parser_run_open(&s->run, &socks_parser, &hooks, &s->cap);
}

static void feed(struct session *s, bool from_orig, const void *p, size_t n, bool bytewise)
{
    parser_run_feed(&s->run, from_orig, p, n, bytewise ? 1 : 0);
}


static const uint8_t v4_request[] = {4, 1, 0x01, 0xbb, 93, 184, 216, 119, 'b', 'o', 'b', 0};
static const uint8_t v4_reply[] = {0, 0x5a, 0x99, 0xb4, 10, 1, 2, 3};
static const uint8_t v4a_request[] = {4, 1, 0x01, 0xbb, 0, 0, 0, 1, 0, 'w', 'w', 'w', '.', 'e', 'x', '.', 'c', 'o', 'm', 0};

static void check_v4(const struct capture *c)
{
    assert_int_equal(c->n_socks, 1);
    assert_int_equal(c->last.version, 4);
    assert_false(c->last.has_user); /* Zeek does not log the SOCKS 4 user id */
    assert_true(c->last.has_status);
    assert_string_equal(c->last.status, "succeeded");
    assert_true(c->last.has_request);
    assert_true(c->last.request.has_host);
    char text[IP_ADDR_STRLEN];
    ip_addr_format(&c->last.request.host, text, sizeof(text));
    assert_string_equal(text, "93.184.216.119");
    assert_false(c->last.request.has_name);
    assert_int_equal(c->last.request_p, 443);
    assert_true(c->last.has_bound);
    ip_addr_format(&c->last.bound.host, text, sizeof(text));
    assert_string_equal(text, "10.1.2.3");
    assert_int_equal(c->last.bound_p, 0x99b4);
    assert_int_equal(c->last.ts_us, 1000000);
}

static void test_v4_connect(void **unused)
{
    for (int bytewise = 0; bytewise < 2; bytewise++) {
        struct session s;
        session_open(&s);
        feed(&s, true, v4_request, sizeof(v4_request), bytewise);
        assert_int_equal(s.cap.n_hand_over, 0);
        feed(&s, false, v4_reply, sizeof(v4_reply), bytewise);
        assert_int_equal(s.cap.n_hand_over, 1);
        assert_int_equal(s.cap.n_socks, 0); /* published when closed */
        parser_run_close(&s.run);
        check_v4(&s.cap);
        assert_int_equal(s.run.weirds.n, 0);
    }
}

static void test_v4a_name(void **unused)
{
    struct session s;
    session_open(&s);
    feed(&s, true, v4a_request, sizeof(v4a_request), false);
    feed(&s, false, v4_reply, sizeof(v4_reply), false);
    parser_run_close(&s.run);
    assert_int_equal(s.cap.n_socks, 1);
    assert_true(s.cap.last.request.has_host);
    assert_true(s.cap.last.request.has_name);
    assert_string_equal(s.cap.last.request.name, "www.ex.com");
}

static void test_v4_rejected_and_unknown_status(void **unused)
{
    uint8_t reply[sizeof(v4_reply)];
    memcpy(reply, v4_reply, sizeof(reply));
    const uint8_t codes[] = {0x5b, 0x5d, 99};
    const char *texts[] = {"general SOCKS server failure",
                           "request failed because client's identd could not confirm the user ID string in the request",
                           "unknown-99"};
    for (size_t i = 0; i < 3; i++) {
        reply[1] = codes[i];
        struct session s;
        session_open(&s);
        feed(&s, true, v4_request, sizeof(v4_request), false);
        feed(&s, false, reply, sizeof(reply), false);
        parser_run_close(&s.run);
        assert_int_equal(s.cap.n_socks, 1);
        assert_string_equal(s.cap.last.status, texts[i]);
    }
}

static void test_no_reply_no_row(void **unused)
{
    struct session s;
    session_open(&s);
    feed(&s, true, v4_request, sizeof(v4_request), false);
    parser_run_close(&s.run);
    assert_int_equal(s.cap.n_socks, 0);
    assert_int_equal(s.cap.n_hand_over, 0);
}

static void test_every_truncation(void **unused)
{
    for (size_t cut = 0; cut < sizeof(v4a_request); cut++) {
        struct session s;
        session_open(&s);
        feed(&s, true, v4a_request, cut, false);
        feed(&s, false, v4_reply, sizeof(v4_reply), false);
        parser_run_close(&s.run);
        /* As in Zeek, the reply alone confirms the connection once the
         * client's version is known; the request stays unset. */
        assert_int_equal(s.cap.n_socks, cut == 0 ? 0 : 1);
        if (cut > 0)
            assert_false(s.cap.last.has_request);
        assert_int_equal(s.cap.n_hand_over, 0);
    }
    for (size_t cut = 0; cut < sizeof(v4_reply); cut++) {
        struct session s;
        session_open(&s);
        feed(&s, true, v4_request, sizeof(v4_request), false);
        feed(&s, false, v4_reply, cut, false);
        parser_run_close(&s.run);
        assert_int_equal(s.cap.n_socks, 0);
    }
}

/* SOCKS 5: greeting, method choice, request by name, reply with IPv4. */
static const uint8_t v5_greeting[] = {5, 1, 0};
static const uint8_t v5_choice[] = {5, 0};
static const uint8_t v5_request[] = {5, 1, 0, 3, 11, 'e', 'x', 'a', 'm', 'p', 'l', 'e', '.', 'o', 'r', 'g', 0, 80};
static const uint8_t v5_reply[] = {5, 0, 0, 1, 192, 0, 2, 1, 0x0a, 0x80};

static void test_v5_no_auth(void **unused)
{
    for (int bytewise = 0; bytewise < 2; bytewise++) {
        struct session s;
        session_open(&s);
        feed(&s, true, v5_greeting, sizeof(v5_greeting), bytewise);
        feed(&s, false, v5_choice, sizeof(v5_choice), bytewise);
        feed(&s, true, v5_request, sizeof(v5_request), bytewise);
        feed(&s, false, v5_reply, sizeof(v5_reply), bytewise);
        assert_int_equal(s.cap.n_hand_over, 1);
        parser_run_close(&s.run);
        assert_int_equal(s.cap.n_socks, 1);
        const struct socks_txn *t = &s.cap.last;
        assert_int_equal(t->version, 5);
        assert_string_equal(t->status, "succeeded");
        assert_false(t->request.has_host);
        assert_true(t->request.has_name);
        assert_string_equal(t->request.name, "example.org");
        assert_int_equal(t->request_p, 80);
        char text[IP_ADDR_STRLEN];
        ip_addr_format(&t->bound.host, text, sizeof(text));
        assert_string_equal(text, "192.0.2.1");
        assert_int_equal(t->bound_p, 2688);
    }
}

static void test_v5_userpass_password_not_kept(void **unused)
{
    static const uint8_t greeting[] = {5, 2, 0, 2};
    static const uint8_t choice[] = {5, 2};
    static const uint8_t login[] = {1, 5, 'a', 'l', 'i', 'c', 'e', 6, 's', '3', 'c', 'r', '3', 't'};
    static const uint8_t login_ok[] = {1, 0};
    static const uint8_t request[] = {5, 1, 0, 4, 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0xbb};
    struct session s;
    session_open(&s);
    feed(&s, true, greeting, sizeof(greeting), true);
    feed(&s, false, choice, sizeof(choice), true);
    feed(&s, true, login, sizeof(login), true);
    feed(&s, false, login_ok, sizeof(login_ok), true);
    feed(&s, true, request, sizeof(request), true);
    feed(&s, false, v5_reply, sizeof(v5_reply), true);
    parser_run_close(&s.run);
    assert_int_equal(s.cap.n_socks, 1);
    const struct socks_txn *t = &s.cap.last;
    assert_true(t->has_user);
    assert_string_equal(t->user, "alice");
    assert_null(memmem(t, sizeof(*t), "s3cr3t", 6));
    char text[IP_ADDR_STRLEN];
    ip_addr_format(&t->request.host, text, sizeof(text));
    assert_string_equal(text, "2001:db8::1");
    assert_int_equal(t->request_p, 443);
}

static void test_v5_login_failed(void **unused)
{
    static const uint8_t greeting[] = {5, 1, 2};
    static const uint8_t choice[] = {5, 2};
    static const uint8_t login[] = {1, 1, 'u', 1, 'p'};
    static const uint8_t login_bad[] = {1, 1};
    struct session s;
    session_open(&s);
    feed(&s, true, greeting, sizeof(greeting), false);
    feed(&s, false, choice, sizeof(choice), false);
    feed(&s, true, login, sizeof(login), false);
    feed(&s, false, login_bad, sizeof(login_bad), false);
    parser_run_close(&s.run);
    /* never confirmed: Zeek writes no row */
    assert_int_equal(s.cap.n_socks, 0);
    assert_int_equal(s.cap.n_hand_over, 0);
}

static void test_v5_unsupported_method_weird(void **unused)
{
    static const uint8_t greeting[] = {5, 1, 1};
    static const uint8_t choice[] = {5, 1};
    static const uint8_t gssapi[] = {1, 0, 0, 4, 1, 2, 3, 4};
    struct session s;
    session_open(&s);
    feed(&s, true, greeting, sizeof(greeting), false);
    feed(&s, false, choice, sizeof(choice), false);
    feed(&s, true, gssapi, sizeof(gssapi), false);
    parser_run_close(&s.run);
    assert_string_equal(s.run.weirds.last, "socks5_unsupported_authentication_method");
}

static void test_bad_version_and_bad_request(void **unused)
{
    static const uint8_t v6[] = {6, 1, 0};
    struct session s;
    session_open(&s);
    feed(&s, true, v6, sizeof(v6), false);
    feed(&s, false, v5_choice, sizeof(v5_choice), false);
    parser_run_close(&s.run);
    assert_int_equal(s.cap.n_socks, 0);

    uint8_t bad[sizeof(v5_request)];
    memcpy(bad, v5_request, sizeof(bad));
    bad[2] = 1; /* reserved byte set: Zeek's violation */
    session_open(&s);
    feed(&s, true, v5_greeting, sizeof(v5_greeting), false);
    feed(&s, false, v5_choice, sizeof(v5_choice), false);
    feed(&s, true, bad, sizeof(bad), false);
    feed(&s, false, v5_reply, sizeof(v5_reply), false);
    parser_run_close(&s.run);
    assert_int_equal(s.cap.n_socks, 0);
}

static void test_user_id_cap(void **unused)
{
    uint8_t big[4000];
    memcpy(big, v4_request, 8);
    memset(big + 8, 'A', sizeof(big) - 8);
    struct session s;
    session_open(&s);
    feed(&s, true, big, sizeof(big), false);
    feed(&s, false, v4_reply, sizeof(v4_reply), false);
    parser_run_close(&s.run);
    assert_int_equal(s.cap.n_socks, 0);
    assert_string_equal(s.run.weirds.last, "socks_message_too_long");
}

static void test_gap_stops(void **unused)
{
    struct session s;
    session_open(&s);
    feed(&s, true, v4_request, 5, false);
    socks_parser.gap(s.run.state, &s.run.env, true, 100);
    feed(&s, true, v4_request + 5, sizeof(v4_request) - 5, false);
    feed(&s, false, v4_reply, sizeof(v4_reply), false);
    parser_run_close(&s.run);
    assert_int_equal(s.cap.n_socks, 0);
}

static void test_probe(void **unused)
{
    assert_int_equal(socks_parser.probe(v4_request, sizeof(v4_request), true), APP_PROBE_YES);
    assert_int_equal(socks_parser.probe(v4_request, 4, true), APP_PROBE_MAYBE);
    assert_int_equal(socks_parser.probe(v4_request, sizeof(v4_request), false), APP_PROBE_NO);
    assert_int_equal(socks_parser.probe(v5_greeting, sizeof(v5_greeting), true), APP_PROBE_YES);
    assert_int_equal(socks_parser.probe(v5_request, sizeof(v5_request), true), APP_PROBE_NO);
    assert_int_equal(socks_parser.probe((const uint8_t *)"GET / HTTP/1.1\r\n", 16, true), APP_PROBE_NO);
    assert_int_equal(socks_parser.probe((const uint8_t *)"\x16\x03\x01", 3, true), APP_PROBE_NO);
    uint8_t long_user[60];
    memcpy(long_user, v4_request, 8);
    memset(long_user + 8, 'x', sizeof(long_user) - 8);
    assert_int_equal(socks_parser.probe(long_user, sizeof(long_user), true), APP_PROBE_NO);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_v4_connect),
        cmocka_unit_test(test_v4a_name),
        cmocka_unit_test(test_v4_rejected_and_unknown_status),
        cmocka_unit_test(test_no_reply_no_row),
        cmocka_unit_test(test_every_truncation),
        cmocka_unit_test(test_v5_no_auth),
        cmocka_unit_test(test_v5_userpass_password_not_kept),
        cmocka_unit_test(test_v5_login_failed),
        cmocka_unit_test(test_v5_unsupported_method_weird),
        cmocka_unit_test(test_bad_version_and_bad_request),
        cmocka_unit_test(test_user_id_cap),
        cmocka_unit_test(test_gap_stops),
        cmocka_unit_test(test_probe),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
