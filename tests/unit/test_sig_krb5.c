/* Signatures over Kerberos: krb5_msg_type and krb5_err_code match the
 * number whole, krb5.cname and krb5.sname each name of the principal, over
 * UDP and TCP; a bad number is a bad rule. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "proto/krb.h"
#include "unit/sig_harness.h"

static void text(struct krb_text *t, const char *s)
{
    t->set = true;
    t->len = strlen(s);
    memcpy(t->text, s, t->len + 1);
}

static const char *const krb5_rules[] = {
    "alert krb5 any any -> any any (msg:\"TGS-REP\"; krb5_msg_type:13; sid:1;)",
    "alert krb5 any any -> any any (msg:\"TGS-REQ\"; krb5_msg_type:12; sid:2;)",
    "alert krb5 any any -> any any (msg:\"not 1\"; krb5_msg_type:1; sid:3;)",
    "alert krb5 any any -> any any (msg:\"sname host\"; krb5.sname; content:\"sql01.corp\"; sid:4;)",
    "alert krb5 any any -> any any (msg:\"sname class\"; krb5.sname; content:\"MSSQLSvc\"; startswith; endswith; sid:5;)",
    "alert krb5 any any -> any any (msg:\"cname\"; krb5.cname; content:\"mallory\"; sid:6;)",
    "alert krb5 any any -> any any (msg:\"preauth\"; krb5_err_code:25; sid:7;)",
};

static void test_krb5_keywords(void **state)
{
    struct sig_case *c = *state;
    struct krb_message m;
    memset(&m, 0, sizeof m);
    m.msg_type = KRB_MSG_TGS_REP;
    text(&m.cname, "mallory");
    text(&m.sname, "MSSQLSvc/sql01.corp:1433");
    struct krb_txn t = {.msg = &m};
    struct app_conn conn = test_conn(17, 88, 9);
    for (int proto = 0; proto < 2; proto++) {
        conn.proto = proto ? 6 : 17;
        conn.flow_id = 9 + (uint64_t)proto;
        c->f.n = 0;
        sig_transaction(c->w, &conn, EVENT_KRB, &t, 1);
        expect_sids(&c->f, "1 4 5 6", "2 3 7"); /* 3: "13" holds "1" but is not it */
    }
    memset(&m, 0, sizeof m);
    m.msg_type = KRB_MSG_ERROR;
    m.has_error = true;
    m.error_code = 25;
    c->f.n = 0;
    conn.flow_id = 20;
    sig_transaction(c->w, &conn, EVENT_KRB, &t, 2);
    assert_true(fired(&c->f, 7));
    assert_int_equal(c->f.n, 1);
}

static void test_krb5_bad_numbers(void **state)
{
    struct sig_set *s = sig_set_new(NULL);
    assert_non_null(s);
    char why[600] = "";
    assert_int_not_equal(sig_set_add_rule(s, "alert krb5 any any -> any any (krb5_msg_type:ten; sid:1;)", "x.rules", 1,
                                          why, sizeof why),
                         0);
    assert_non_null(strstr(why, "krb5_msg_type"));
    assert_int_not_equal(
        sig_set_add_rule(s, "alert krb5 any any -> any any (krb5_err_code; sid:2;)", "x.rules", 2, why, sizeof why), 0);
    sig_set_free(s);
}

int main(void)
{
    (void)test_packet; /* the harness's packet and stream helpers: not needed here */
    (void)test_stream_at;
    const struct CMUnitTest tests[] = {
        SIG_CASE_TEST(test_krb5_keywords, "krb5.rules", krb5_rules),
        cmocka_unit_test(test_krb5_bad_numbers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
