/* EVE tls and email writers on hand-made transactions: the version when no
 * ServerHello was seen (Suricata bug 5713), subjectaltname and the client
 * certificate object, the certificate/chain fields only under
 * --eve-tls-extended (OUTPUT_EVE_TLS_EXTENDED), and email subject_md5 /
 * body_md5 only under --eve-email-extended. */
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
#include "output/smtp_log.h"
#include "output/tls_log.h"
#include "unit/tmpdir_harness.h"

/* eve.json of dir, then dir removed. */
static char *read_eve(const char *dir)
{
    char *data = tmpdir_read(dir, "eve.json");
    assert_non_null(data);
    assert_int_equal(tmpdir_remove(dir), 0);
    return data;
}

static void conn_of(struct app_conn *c)
{
    memset(c, 0, sizeof(*c));
    assert_true(ip_addr_parse("10.0.0.1", &c->orig_h));
    assert_true(ip_addr_parse("10.0.0.2", &c->resp_h));
    c->orig_p = 49152;
    c->resp_p = 443;
    c->proto = 6;
    c->flow_id = 42;
}

typedef void (*write_fn)(struct output_worker *w, const struct app_conn *c, const void *txn);

static void write_tls(struct output_worker *w, const struct app_conn *c, const void *txn)
{
    output_tls(w, c, txn);
}

static void write_smtp(struct output_worker *w, const struct app_conn *c, const void *txn)
{
    output_smtp(w, c, txn);
}

/* The eve.json written for one transaction (caller frees). */
static char *eve_of(write_fn fn, const void *txn, unsigned extra_formats)
{
    char *dir = tmpdir_new("tls-log");
    char err[256];
    struct output *o = output_open(dir, OUTPUT_EVE | extra_formats, err, sizeof(err));
    assert_non_null(o);
    struct output_worker *w = output_worker_new(o);
    assert_non_null(w);
    struct app_conn c;
    conn_of(&c);
    fn(w, &c, txn);
    output_worker_free(w);
    assert_int_equal(output_close(o, err, sizeof(err)), 0);
    char *eve = read_eve(dir);
    free(dir);
    return eve;
}

static void test_version_without_server_hello(void **unused)
{
    struct tls_txn *t = calloc(1, sizeof(*t));
    assert_non_null(t);
    t->client_version = 0x0301;
    char *eve = eve_of(write_tls, t, 0);
    assert_non_null(strstr(eve, "\"version\":\"TLSv1\""));
    free(eve);
    t->client_version = 0;
    eve = eve_of(write_tls, t, 0);
    assert_non_null(strstr(eve, "\"version\":\"UNDETERMINED\""));
    free(eve);
    /* the server's choice wins over the client's offer */
    t->client_version = 0x0301;
    t->has_version = true;
    t->version_num = 0x0303;
    eve = eve_of(write_tls, t, 0);
    assert_non_null(strstr(eve, "\"version\":\"TLS 1.2\""));
    free(eve);
    free(t);
}

/* certificate_list: two DER "certificates" of 4 and 2 bytes. */
static const uint8_t server_list[] = {0, 0, 4, 'a', 'b', 'c', 'd', 0, 0, 2, 0xff, 0x00};
static const uint8_t client_list[] = {0, 0, 3, 'x', 'y', 'z'};

static struct tls_txn *txn_with_certificates(void)
{
    struct tls_txn *t = calloc(1, sizeof(*t));
    assert_non_null(t);
    t->has_version = true;
    t->version_num = 0x0303;
    t->has_server_cert = true;
    snprintf(t->subject, sizeof(t->subject), "CN=server");
    snprintf(t->issuerdn, sizeof(t->issuerdn), "CN=ca");
    snprintf(t->serial, sizeof(t->serial), "01");
    snprintf(t->fingerprint, sizeof(t->fingerprint), "aa:bb");
    memcpy(t->san_pool, "localhostexample.org", 20);
    t->sans[0].off = 0;
    t->sans[0].len = 9;
    t->sans[1].off = 9;
    t->sans[1].len = 11;
    t->n_sans = 2;
    t->san_pool_used = 20;
    t->has_client_cert = true;
    snprintf(t->client_subject, sizeof(t->client_subject), "CN=client");
    snprintf(t->client_issuerdn, sizeof(t->client_issuerdn), "CN=ca");
    snprintf(t->client_serial, sizeof(t->client_serial), "02");
    snprintf(t->client_fingerprint, sizeof(t->client_fingerprint), "cc:dd");
    t->client_notbefore_s = 1523739327; /* 2018-04-14T20:55:27 */
    t->client_notafter_s = 1526331327;
    t->server_chain = server_list;
    t->server_chain_len = sizeof(server_list);
    t->client_chain = client_list;
    t->client_chain_len = sizeof(client_list);
    return t;
}

static void test_client_object_and_sans(void **unused)
{
    struct tls_txn *t = txn_with_certificates();
    char *eve = eve_of(write_tls, t, 0);
    assert_non_null(strstr(eve, "\"issuerdn\":\"CN=ca\",\"subjectaltname\":[\"localhost\",\"example.org\"]"));
    assert_non_null(strstr(eve, "\"client\":{\"subject\":\"CN=client\",\"issuerdn\":\"CN=ca\","
                                "\"fingerprint\":\"cc:dd\",\"serial\":\"02\","
                                "\"notbefore\":\"2018-04-14T20:55:27\",\"notafter\":\"2018-05-14T20:55:27\"}"));
    /* Suricata's default: no DER */
    assert_null(strstr(eve, "\"certificate\""));
    assert_null(strstr(eve, "\"chain\""));
    free(eve);
    free(t);
}

static void test_certificates_when_extended(void **unused)
{
    struct tls_txn *t = txn_with_certificates();
    char *eve = eve_of(write_tls, t, OUTPUT_EVE_TLS_EXTENDED);
    /* base64("abcd") = YWJjZA==, base64(ff 00) = /wA=, base64("xyz") = eHl6 */
    assert_non_null(strstr(eve, "\"certificate\":\"YWJjZA==\",\"chain\":[\"YWJjZA==\",\"/wA=\"]"));
    assert_non_null(strstr(eve, "\"certificate\":\"eHl6\",\"chain\":[\"eHl6\"]}"));
    free(eve);
    /* a list whose length overruns what was kept: nothing invented */
    static const uint8_t bad[] = {0, 0, 9, 'a'};
    t->server_chain = bad;
    t->server_chain_len = sizeof(bad);
    t->client_chain = NULL;
    t->client_chain_len = 0;
    eve = eve_of(write_tls, t, OUTPUT_EVE_TLS_EXTENDED);
    assert_null(strstr(eve, "\"certificate\""));
    free(eve);
    free(t);
}

static void test_email_md5_when_extended(void **unused)
{
    struct smtp_txn *t = calloc(1, sizeof(*t));
    assert_non_null(t);
    static const uint8_t from[] = "<a@example.org>";
    static const uint8_t subject[] = "SMTP";
    t->mail_from_raw.p = from;
    t->mail_from_raw.n = sizeof(from) - 1;
    t->subject.p = subject;
    t->subject.n = sizeof(subject) - 1;
    t->message_seen = true;
    t->message_done = true;
    t->has_body_md5 = true;
    memcpy(t->body_md5, "ed00c81b85fa455d60e19f1230977134", 33);
    char *eve = eve_of(write_smtp, t, 0);
    assert_null(strstr(eve, "_md5"));
    free(eve);
    eve = eve_of(write_smtp, t, OUTPUT_EVE_EMAIL_EXTENDED);
    /* md5("SMTP") */
    assert_non_null(strstr(eve, "\"subject_md5\":\"c2239a92bde29f0a9f9173193cc2fe00\""));
    assert_non_null(strstr(eve, "\"body_md5\":\"ed00c81b85fa455d60e19f1230977134\""));
    free(eve);
    /* no subject, unfinished body: neither field */
    t->subject.p = NULL;
    t->has_body_md5 = false;
    eve = eve_of(write_smtp, t, OUTPUT_EVE_EMAIL_EXTENDED);
    assert_null(strstr(eve, "_md5"));
    free(eve);
    free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_version_without_server_hello),
        cmocka_unit_test(test_client_object_and_sans),
        cmocka_unit_test(test_certificates_when_extended),
        cmocka_unit_test(test_email_md5_when_extended),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
