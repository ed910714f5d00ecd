#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto/dhcp.h"

/* ---- a fake engine ------------------------------------------------------ */

struct capture {
    int messages, summaries, weirds;
    struct dhcp_summary summary[8];
    uint8_t last_msg_type;
    size_t last_n_options;
    bool last_overloaded_seen;
    char last_weird[64];
};

static void fake_publish(struct app_env *env, enum event_kind kind, const void *txn)
{
    struct capture *cap = env->ctx;
    const struct dhcp_txn *t = txn;
    assert_int_equal(kind, EVENT_DHCP);
    if (t->kind == DHCP_TXN_MESSAGE) {
        cap->messages++;
        cap->last_msg_type = t->msg->msg_type;
        cap->last_n_options = t->msg->n_options;
        cap->last_overloaded_seen = false;
        for (size_t i = 0; i < t->msg->n_options; i++)
            if (t->msg->options[i].overloaded)
                cap->last_overloaded_seen = true;
    } else {
        if (cap->summaries < 8)
            cap->summary[cap->summaries] = *t->summary;
        cap->summaries++;
    }
}

static void fake_weird(struct app_env *env, const char *name, const char *addl, const char *source)
{
    struct capture *cap = env->ctx;
    (void)addl;
    (void)source;
    cap->weirds++;
    snprintf(cap->last_weird, sizeof cap->last_weird, "%s", name);
}

struct session {
    struct app_conn conn;
    struct app_env env;
    struct capture cap;
    void *state;
};

static void session_open(struct session *s)
{
    memset(s, 0, sizeof *s);
    const uint8_t client[4] = {192, 168, 0, 10}, server[4] = {192, 168, 0, 1};
    ip_addr_from_v4(&s->conn.orig_h, client);
    ip_addr_from_v4(&s->conn.resp_h, server);
    s->conn.orig_p = 68;
    s->conn.resp_p = 67;
    s->env.conn = &s->conn;
    s->env.ts_us = 1000000;
    s->env.publish = fake_publish;
    s->env.weird = fake_weird;
    s->env.ctx = &s->cap;
    s->state = calloc(1, dhcp_parser.state_size);
    assert_non_null(s->state);
    dhcp_parser.open(s->state);
}

static void session_feed(struct session *s, int64_t at_us, bool from_orig, const uint8_t *p, size_t n)
{
    s->env.ts_us = at_us;
    dhcp_parser.data(s->state, &s->env, from_orig, p, n);
}

static void session_close(struct session *s)
{
    dhcp_parser.close(s->state, &s->env);
    free(s->state);
}

/* ---- message builder ---------------------------------------------------- */

struct msg {
    uint8_t d[1500];
    size_t n;
};

static const uint8_t mac[6] = {0x00, 0x0a, 0x28, 0x00, 0xfa, 0x42};

static void msg_begin(struct msg *m, uint8_t op, uint32_t xid, const uint8_t yiaddr[4])
{
    memset(m, 0, sizeof *m);
    m->d[0] = op;
    m->d[1] = 1;
    m->d[2] = 6;
    m->d[4] = (uint8_t)(xid >> 24);
    m->d[5] = (uint8_t)(xid >> 16);
    m->d[6] = (uint8_t)(xid >> 8);
    m->d[7] = (uint8_t)xid;
    if (yiaddr)
        memcpy(m->d + 16, yiaddr, 4);
    memcpy(m->d + 28, mac, 6);
    m->d[236] = 0x63;
    m->d[237] = 0x82;
    m->d[238] = 0x53;
    m->d[239] = 0x63;
    m->n = 240;
}

static void msg_option(struct msg *m, uint8_t code, const void *data, uint8_t len)
{
    m->d[m->n++] = code;
    m->d[m->n++] = len;
    memcpy(m->d + m->n, data, len);
    m->n += len;
}

static void msg_type(struct msg *m, uint8_t t)
{
    msg_option(m, 53, &t, 1);
}

static void msg_end(struct msg *m)
{
    m->d[m->n++] = 255;
}

static void build_discover(struct msg *m, uint32_t xid)
{
    msg_begin(m, 1, xid, NULL);
    msg_type(m, 1);
    const uint8_t cid[7] = {1, 0x00, 0x0a, 0x28, 0x00, 0xfa, 0x42};
    msg_option(m, 61, cid, 7);
    msg_option(m, 12, "host1", 5);
    const uint8_t req[4] = {192, 168, 0, 10};
    msg_option(m, 50, req, 4);
    const uint8_t params[4] = {1, 3, 15, 6};
    msg_option(m, 55, params, 4);
    m->d[m->n++] = 0; /* pad */
    msg_end(m);
}

static void build_ack(struct msg *m, uint32_t xid)
{
    const uint8_t yi[4] = {192, 168, 0, 10};
    msg_begin(m, 2, xid, yi);
    msg_type(m, 5);
    const uint8_t lease[4] = {0, 0, 0x0e, 0x10};
    msg_option(m, 51, lease, 4);
    msg_option(m, 15, "example.org\0\0", 13);
    msg_option(m, 56, "fine", 4);
    msg_end(m);
}

/* ---- tests -------------------------------------------------------------- */

static void test_transaction_summary(void **state)
{
    (void)state;
    struct session s;
    struct msg d, a;
    build_discover(&d, 0x1234);
    build_ack(&a, 0x1234);
    session_open(&s);
    session_feed(&s, 1000000, true, d.d, d.n);
    session_feed(&s, 1500000, false, a.d, a.n);
    assert_int_equal(s.cap.messages, 2);
    assert_int_equal(s.cap.summaries, 0); /* Zeek waits for the xid to go quiet */
    session_close(&s);
    assert_int_equal(s.cap.summaries, 1);
    const struct dhcp_summary *sum = &s.cap.summary[0];
    assert_int_equal(sum->n_msg_types, 2);
    assert_int_equal(sum->msg_types[0], 1);
    assert_int_equal(sum->msg_types[1], 5);
    assert_string_equal(sum->mac, "00:0a:28:00:fa:42");
    assert_memory_equal(sum->host_name.bytes, "host1", 5);
    assert_int_equal(sum->domain.len, 11);
    assert_true(sum->has_lease_time);
    assert_int_equal(sum->lease_time_s, 3600);
    assert_true(sum->has_assigned_addr);
    assert_true(sum->has_server_addr);
    assert_true(sum->has_client_addr);
    assert_true(sum->server_message.set);
    assert_false(sum->client_message.set);
    assert_int_equal(sum->last_us - sum->ts_us, 500000);
}

static void test_expiry_splits_transactions(void **state)
{
    (void)state;
    struct session s;
    struct msg d;
    build_discover(&d, 7);
    session_open(&s);
    session_feed(&s, 1000000, true, d.d, d.n);
    /* 20 s later the first entry was logged at its 10 s check */
    session_feed(&s, 21000000, true, d.d, d.n);
    assert_int_equal(s.cap.summaries, 1);
    session_close(&s);
    assert_int_equal(s.cap.summaries, 2);
    /* 7 s later but checked at 10 s: idle 3 s at the check, still joined */
    session_open(&s);
    session_feed(&s, 1000000, true, d.d, d.n);
    session_feed(&s, 8000000, true, d.d, d.n);
    session_close(&s);
    assert_int_equal(s.cap.summaries, 1);
    assert_int_equal(s.cap.summary[0].n_msg_types, 2);
}

static void test_every_truncation(void **state)
{
    (void)state;
    struct msg d;
    build_discover(&d, 9);
    for (size_t n = 0; n <= d.n; n++) {
        struct session s;
        session_open(&s);
        uint8_t *copy = malloc(n ? n : 1);
        memcpy(copy, d.d, n);
        session_feed(&s, 1000000, true, copy, n);
        session_close(&s);
        free(copy);
        assert_int_equal(s.cap.messages, n >= 240 ? 1 : 0);
        /* Zeek only aggregates a message whose options reached End */
        assert_int_equal(s.cap.summaries, n == d.n ? 1 : 0);
    }
}

static void test_not_dhcp(void **state)
{
    (void)state;
    struct msg d;
    build_discover(&d, 9);
    d.d[236] = 0; /* bad cookie */
    struct session s;
    session_open(&s);
    session_feed(&s, 1000000, true, d.d, d.n);
    session_close(&s);
    assert_int_equal(s.cap.messages, 0);
    assert_int_equal(dhcp_parser.probe(d.d, d.n, true), APP_PROBE_NO);
    build_discover(&d, 9);
    assert_int_equal(dhcp_parser.probe(d.d, d.n, true), APP_PROBE_YES);
    assert_int_equal(dhcp_parser.probe(d.d, 100, true), APP_PROBE_NO);
}

static void test_overload(void **state)
{
    (void)state;
    struct msg m;
    const uint8_t yi[4] = {10, 0, 0, 5};
    msg_begin(&m, 2, 5, yi);
    msg_type(&m, 2);
    const uint8_t ov = 2;
    msg_option(&m, 52, &ov, 1);
    msg_end(&m);
    /* sname holds a router option and End */
    m.d[44] = 3;
    m.d[45] = 4;
    m.d[46] = 10;
    m.d[49] = 1;
    m.d[50] = 255;
    struct session s;
    session_open(&s);
    session_feed(&s, 1000000, false, m.d, m.n);
    assert_true(s.cap.last_overloaded_seen);
    assert_int_equal(s.cap.last_n_options, 3);
    session_close(&s);
}

static void test_caps(void **state)
{
    (void)state;
    struct session s;
    struct msg m;
    /* more options than kept */
    msg_begin(&m, 1, 1, NULL);
    msg_type(&m, 1);
    for (int i = 0; i < 200; i++)
        msg_option(&m, 200, "x", 1);
    msg_end(&m);
    session_open(&s);
    session_feed(&s, 1000000, true, m.d, m.n);
    assert_string_equal(s.cap.last_weird, "DHCP_too_many_options");
    assert_int_equal(s.cap.last_n_options, DHCP_MAX_OPTIONS);
    session_close(&s);

    /* msg_types cap logs at 50, as Zeek's max_msg_types_per_log_entry */
    build_discover(&m, 3);
    session_open(&s);
    for (int i = 0; i < 50; i++)
        session_feed(&s, 1000000 + i, true, m.d, m.n);
    assert_int_equal(s.cap.summaries, 1);
    session_close(&s);

    /* many xids on one flow */
    session_open(&s);
    for (uint32_t x = 0; x < 10; x++) {
        build_discover(&m, x);
        session_feed(&s, 1000000, true, m.d, m.n);
    }
    assert_string_equal(s.cap.last_weird, "DHCP_too_many_transactions");
    session_close(&s);
    assert_int_equal(s.cap.summaries, 10);

    /* an option length past the end */
    msg_begin(&m, 1, 1, NULL);
    m.d[m.n++] = 12;
    m.d[m.n++] = 200;
    m.d[m.n++] = 'a';
    session_open(&s);
    session_feed(&s, 1000000, true, m.d, m.n);
    session_close(&s);
    assert_int_equal(s.cap.messages, 1);
    assert_int_equal(s.cap.summaries, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_transaction_summary),
        cmocka_unit_test(test_expiry_splits_transactions),
        cmocka_unit_test(test_every_truncation),
        cmocka_unit_test(test_not_dhcp),
        cmocka_unit_test(test_overload),
        cmocka_unit_test(test_caps),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
