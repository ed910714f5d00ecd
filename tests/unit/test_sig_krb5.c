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
#include "sig_harness.h"

static struct sig_set *set_of(const char *const *rules, size_t n)
{
    struct sig_set *s = sig_set_new(NULL);
    assert_non_null(s);
    for (size_t i = 0; i < n; i++) {
        char why[600] = "";
        if (sig_set_add_rule(s, rules[i], "krb5.rules", 1, why, sizeof why) != 0)
            fail_msg("rule %zu refused: %s", i, why);
    }
    char err[256];
    assert_true(sig_set_compile(s, err, sizeof err));
    return s;
}

static void text(struct krb_text *t, const char *s)
{
    t->set = true;
    t->len = strlen(s);
    memcpy(t->text, s, t->len + 1);
}

static void test_krb5_keywords(void **state)
{
    static const char *const rules[] = {
        "alert krb5 any any -> any any (msg:\"TGS-REP\"; krb5_msg_type:13; sid:1;)",
        "alert krb5 any any -> any any (msg:\"TGS-REQ\"; krb5_msg_type:12; sid:2;)",
        "alert krb5 any any -> any any (msg:\"not 1\"; krb5_msg_type:1; sid:3;)",
        "alert krb5 any any -> any any (msg:\"sname host\"; krb5.sname; content:\"sql01.corp\"; sid:4;)",
        "alert krb5 any any -> any any (msg:\"sname class\"; krb5.sname; content:\"MSSQLSvc\"; startswith; endswith; sid:5;)",
        "alert krb5 any any -> any any (msg:\"cname\"; krb5.cname; content:\"mallory\"; sid:6;)",
        "alert krb5 any any -> any any (msg:\"preauth\"; krb5_err_code:25; sid:7;)",
    };
    struct sig_set *s = set_of(rules, sizeof rules / sizeof rules[0]);
    struct fired f = {0};
    struct sig_worker *w = worker_for(s, &f);
    struct krb_message m;
    memset(&m, 0, sizeof m);
    m.msg_type = KRB_MSG_TGS_REP;
    text(&m.cname, "mallory");
    text(&m.sname, "MSSQLSvc/sql01.corp:1433");
    struct krb_txn t = {.msg = &m};
    struct app_conn c;
    memset(&c, 0, sizeof c);
    for (int proto = 0; proto < 2; proto++) {
        c.proto = proto ? 6 : 17;
        c.resp_p = 88;
        c.flow_id = 9 + (uint64_t)proto;
        f.n = 0;
        sig_transaction(w, &c, EVENT_KRB, &t, 1);
        assert_true(fired(&f, 1));
        assert_false(fired(&f, 2));
        assert_false(fired(&f, 3)); /* "13" holds "1" but is not it */
        assert_true(fired(&f, 4));
        assert_true(fired(&f, 5));
        assert_true(fired(&f, 6));
        assert_false(fired(&f, 7));
    }
    memset(&m, 0, sizeof m);
    m.msg_type = KRB_MSG_ERROR;
    m.has_error = true;
    m.error_code = 25;
    f.n = 0;
    c.flow_id = 20;
    sig_transaction(w, &c, EVENT_KRB, &t, 2);
    assert_true(fired(&f, 7));
    assert_int_equal(f.n, 1);
    sig_worker_free(w);
    sig_set_free(s);
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
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_krb5_keywords),
        cmocka_unit_test(test_krb5_bad_numbers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
