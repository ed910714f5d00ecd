/* EVE tls and email writers on hand-made transactions: the version when no
 * ServerHello was seen (Suricata bug 5713), subjectaltname and the client
 * certificate object, the certificate/chain fields only under
 * --eve-tls-extended (OUTPUT_EVE_TLS_EXTENDED), and email subject_md5 /
 * body_md5 only under --eve-email-extended. Issue #12's EVE fields: the
 * header's pcap_cnt and pkt_src, TLS 1.3 draft names, email.to/cc split
 * outside quoted names, email.received, the smtp event of a STARTTLS
 * session, http.status_string. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "output/http_log.h"
#include "output/output.h"
#include "output/smtp_log.h"
#include "output/tls_log.h"
#include "unit/tmpdir_harness.h"

/* eve.json of dir ("" when no event made the file), then dir removed. */
static char *read_eve(const char *dir)
{
    char *data = tmpdir_read(dir, "eve.json");
    if (data == NULL)
        data = strdup("");
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

static void write_http(struct output_worker *w, const struct app_conn *c, const void *txn)
{
    output_http(w, c, txn);
}

/* The eve.json written for one transaction of connection c (caller frees). */
static char *eve_of_conn(write_fn fn, const void *txn, unsigned extra_formats, const struct app_conn *c)
{
    char *dir = tmpdir_new("tls-log");
    char err[256];
    struct output *o = output_open(dir, OUTPUT_EVE | extra_formats, err, sizeof(err));
    assert_non_null(o);
    struct output_worker *w = output_worker_new(o);
    assert_non_null(w);
    fn(w, c, txn);
    output_worker_free(w);
    assert_int_equal(output_close(o, err, sizeof(err)), 0);
    char *eve = read_eve(dir);
    free(dir);
    return eve;
}

/* The eve.json written for one transaction (caller frees). */
static char *eve_of(write_fn fn, const void *txn, unsigned extra_formats)
{
    struct app_conn c;
    conn_of(&c);
    return eve_of_conn(fn, txn, extra_formats, &c);
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

static void set_view(struct byte_view *v, const char *s)
{
    v->p = (const uint8_t *)s;
    v->n = strlen(s);
}

static void test_tls13_draft_names(void **unused)
{
    char tmp[32];
    assert_string_equal(tls_eve_version_name(0x7f12, tmp, sizeof tmp), "TLS 1.3 draft-18");
    assert_string_equal(tls_eve_version_name(0x7f10, tmp, sizeof tmp), "TLS 1.3 draft-16");
    assert_string_equal(tls_eve_version_name(0x7f1c, tmp, sizeof tmp), "TLS 1.3 draft-28");
    assert_string_equal(tls_eve_version_name(0x7f0e, tmp, sizeof tmp), "TLS 1.3 draft-<16");
    assert_string_equal(tls_eve_version_name(0x7f01, tmp, sizeof tmp), "TLS 1.3 draft-<16");
    assert_string_equal(tls_eve_version_name(0x7f1d, tmp, sizeof tmp), "0x7f1d");
    assert_string_equal(tls_eve_version_name(0x7f00, tmp, sizeof tmp), "0x7f00");
    assert_string_equal(tls_eve_version_name(0xfb14, tmp, sizeof tmp), "TLS 1.3 draft-20-fb");
    assert_string_equal(tls_eve_version_name(0x0304, tmp, sizeof tmp), "TLS 1.3");
}

static void test_pcap_cnt_and_pkt_src(void **unused)
{
    struct smtp_txn *t = calloc(1, sizeof(*t));
    assert_non_null(t);
    set_view(&t->mail_from_raw, "<a@example.org>");
    struct app_conn c;
    conn_of(&c);
    c.packet_number = 7;
    char *eve = eve_of_conn(write_smtp, t, OUTPUT_EVE_PCAP_CNT, &c);
    assert_non_null(strstr(eve, "\"flow_id\":42,\"pcap_cnt\":7,\"event_type\":\"smtp\""));
    assert_non_null(strstr(eve, "\"ip_v\":4,\"pkt_src\":\"wire/pcap\""));
    free(eve);
    /* live: no pcap_cnt, the packet source all the same */
    eve = eve_of_conn(write_smtp, t, 0, &c);
    assert_null(strstr(eve, "pcap_cnt"));
    assert_non_null(strstr(eve, "\"pkt_src\":\"wire/pcap\""));
    free(eve);
    /* published when the flow ended: Suricata's flow-timeout pseudo packet */
    c.packet_number = 0;
    eve = eve_of_conn(write_smtp, t, OUTPUT_EVE_PCAP_CNT, &c);
    assert_null(strstr(eve, "pcap_cnt"));
    assert_non_null(strstr(eve, "\"pkt_src\":\"stream (flow timeout)\""));
    free(eve);
    free(t);
}

static void test_email_addresses_received_and_starttls(void **unused)
{
    struct smtp_txn *t = calloc(1, sizeof(*t));
    assert_non_null(t);
    set_view(&t->mail_from_raw, "<a@example.org>");
    t->message_seen = true;
    set_view(&t->eve_to, "\"Doe, John\" <john@example.org>, \"Q \\\" , R\" <q@example.org>,bob@example.org");
    set_view(&t->eve_cc, "<x,y@example.org>");
    t->n_received = 2;
    set_view(&t->received[0], "from b by c; Mon, 4 Mar 2024 09:00:00 +0000");
    set_view(&t->received[1], "from a by b; Mon, 4 Mar 2024 08:59:59 +0000");
    char *eve = eve_of(write_smtp, t, 0);
    assert_non_null(strstr(eve, "\"to\":[\"\\\"Doe, John\\\" <john@example.org>\",\"\\\"Q \\\\\\\" , R\\\" <q@example.org>\","
                                "\"bob@example.org\"]"));
    assert_non_null(strstr(eve, "\"cc\":[\"<x,y@example.org>\"]"));
    assert_null(strstr(eve, "received"));
    free(eve);
    eve = eve_of(write_smtp, t, OUTPUT_EVE_EMAIL_EXTENDED);
    assert_non_null(strstr(eve, "\"received\":[\"from b by c; Mon, 4 Mar 2024 09:00:00 +0000\","
                                "\"from a by b; Mon, 4 Mar 2024 08:59:59 +0000\"]"));
    free(eve);

    /* EHLO then STARTTLS: no mail, but Suricata logs the session's helo */
    memset(t, 0, sizeof(*t));
    set_view(&t->helo, "client.example.org");
    eve = eve_of(write_smtp, t, 0);
    assert_string_equal(eve, "");
    free(eve);
    t->tls = true;
    eve = eve_of(write_smtp, t, 0);
    assert_non_null(strstr(eve, "\"smtp\":{\"helo\":\"client.example.org\"}"));
    assert_null(strstr(eve, "\"email\""));
    free(eve);
    free(t);
}

static void test_http_status_string(void **unused)
{
    struct http_txn *t = calloc(1, sizeof(*t));
    assert_non_null(t);
    t->trans_depth = 1;
    set_view(&t->method, "GET");
    set_view(&t->raw_uri, "/");
    t->request_seen = t->response_seen = true;
    t->has_status = true;
    t->status_code = 200;
    char *eve = eve_of(write_http, t, 0);
    assert_non_null(strstr(eve, "\"status\":200"));
    assert_null(strstr(eve, "status_string"));
    free(eve);
    /* "HTTP/1.1 OK 200": libhtp finds no number, Suricata writes the token */
    t->status_code = 0;
    set_view(&t->status_token, "OK");
    eve = eve_of(write_http, t, 0);
    assert_non_null(strstr(eve, "\"status_string\":\"OK\""));
    assert_null(strstr(eve, "\"status\":"));
    free(eve);
    free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tls13_draft_names),
        cmocka_unit_test(test_pcap_cnt_and_pkt_src),
        cmocka_unit_test(test_email_addresses_received_and_starttls),
        cmocka_unit_test(test_http_status_string),
        cmocka_unit_test(test_version_without_server_hello),
        cmocka_unit_test(test_client_object_and_sans),
        cmocka_unit_test(test_certificates_when_extended),
        cmocka_unit_test(test_email_md5_when_extended),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
