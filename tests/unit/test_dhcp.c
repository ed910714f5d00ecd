#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "parser_harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto/dhcp.h"

/* ---- a fake engine ------------------------------------------------------ */

#define KEPT_SUMMARIES 8

struct capture {
    int messages, summaries;
    struct dhcp_summary summary[KEPT_SUMMARIES];
    uint8_t last_msg_type;
    size_t last_n_options;
    bool last_overloaded_seen;
    struct parser_weirds weirds;
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
        if (cap->summaries < KEPT_SUMMARIES)
            cap->summary[cap->summaries] = *t->summary;
        cap->summaries++;
    }
}

static void fake_weird(struct app_env *env, const char *name, const char *addl, const char *source)
{
    struct capture *cap = env->ctx;
    parser_weirds_add(&cap->weirds, name, addl);
}

/* One worker: the parser's shared state and what was published. */
struct world {
    void *worker_state;
    struct capture cap;
};

static void world_open(struct world *w)
{
    memset(w, 0, sizeof *w);
    assert_non_null(dhcp_parser.worker_open);
    w->worker_state = dhcp_parser.worker_open();
    assert_non_null(w->worker_state);
}

/* The end of the run, as app_layer_finish_worker does it: no connection,
 * no weird, no packet time. */
static void world_close(struct world *w)
{
    struct app_conn none;
    memset(&none, 0, sizeof none);
    struct app_env env = {.conn = &none, .publish = fake_publish, .worker_state = w->worker_state, .ctx = &w->cap};
    dhcp_parser.worker_close(w->worker_state, &env);
    w->worker_state = NULL;
}

/* One connection of the world. */
static void session_open_tuple(struct parser_run *s, struct world *w, const char *uid, const uint8_t orig[4],
                               uint16_t orig_p, const uint8_t resp[4], uint16_t resp_p)
{
    struct app_env hooks = {.publish = fake_publish, .weird = fake_weird, .worker_state = w->worker_state};
    parser_run_open(s, &dhcp_parser, &hooks, &w->cap);
    snprintf(s->conn.uid, sizeof s->conn.uid, "%s", uid);
    ip_addr_from_v4(&s->conn.orig_h, orig);
    ip_addr_from_v4(&s->conn.resp_h, resp);
    s->conn.orig_p = orig_p;
    s->conn.resp_p = resp_p;
    s->conn.proto = 17;
}

static const uint8_t client_ip[4] = {192, 168, 0, 10}, server_ip[4] = {192, 168, 0, 1};
static const uint8_t unconfigured_ip[4] = {0, 0, 0, 0}, broadcast_ip[4] = {255, 255, 255, 255};

/* A unicast client -> server connection. */
static void session_open(struct parser_run *s, struct world *w)
{
    session_open_tuple(s, w, "CUnicast1", client_ip, 68, server_ip, 67);
}

static void session_feed(struct parser_run *s, int64_t at_us, bool from_orig, const uint8_t *p, size_t n)
{
    s->env.ts_us = at_us;
    parser_run_feed(s, from_orig, p, n, 0);
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
    struct world w;
    struct parser_run s;
    struct msg d, a;
    build_discover(&d, 0x1234);
    build_ack(&a, 0x1234);
    world_open(&w);
    session_open(&s, &w);
    session_feed(&s, 1000000, true, d.d, d.n);
    session_feed(&s, 1500000, false, a.d, a.n);
    assert_int_equal(w.cap.messages, 2);
    assert_int_equal(w.cap.summaries, 0); /* Zeek waits for the xid to go quiet */
    parser_run_close(&s);
    assert_int_equal(w.cap.summaries, 0); /* the connection's end ends nothing */
    world_close(&w);
    assert_int_equal(w.cap.summaries, 1);
    const struct dhcp_summary *sum = &w.cap.summary[0];
    assert_int_equal(sum->n_uids, 1);
    assert_string_equal(sum->uids[0], "CUnicast1");
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
    assert_int_equal(sum->ts_us, 1000000);
    assert_int_equal(sum->last_us - sum->ts_us, 500000);
}

static void assert_addr(const struct ip_addr *a, const uint8_t v4[4])
{
    struct ip_addr want;
    ip_addr_from_v4(&want, v4);
    assert_int_equal(ip_addr_cmp(a, &want), 0);
}

/* DISCOVER broadcast from 0.0.0.0, OFFER broadcast by the server (it is the
 * originator there), REQUEST broadcast again, ACK unicast (a flipped
 * connection: the client is the originator): one row, three uids. */
static void test_lease_across_connections(void **state)
{
    (void)state;
    struct world w;
    struct parser_run bcast, server_bcast, unicast;
    struct msg d, o, r, a;
    build_discover(&d, 0xabcd);
    const uint8_t yi[4] = {192, 168, 0, 10};
    msg_begin(&o, 2, 0xabcd, yi);
    msg_type(&o, 2);
    msg_end(&o);
    build_discover(&r, 0xabcd);
    r.d[242] = 3; /* REQUEST */
    build_ack(&a, 0xabcd);
    world_open(&w);
    session_open_tuple(&bcast, &w, "CBroadcast", unconfigured_ip, 68, broadcast_ip, 67);
    session_open_tuple(&server_bcast, &w, "CServerBcast", server_ip, 67, broadcast_ip, 68);
    session_open_tuple(&unicast, &w, "CUnicast", client_ip, 68, server_ip, 67);
    session_feed(&bcast, 1000000, true, d.d, d.n);
    session_feed(&server_bcast, 1100000, true, o.d, o.n);
    session_feed(&bcast, 1200000, true, r.d, r.n);
    session_feed(&unicast, 1300000, false, a.d, a.n);
    parser_run_close(&bcast);
    parser_run_close(&server_bcast);
    parser_run_close(&unicast);
    assert_int_equal(w.cap.messages, 4);
    assert_int_equal(w.cap.summaries, 0);
    world_close(&w);
    assert_int_equal(w.cap.summaries, 1);
    const struct dhcp_summary *sum = &w.cap.summary[0];
    assert_int_equal(sum->n_uids, 3);
    assert_string_equal(sum->uids[0], "CBroadcast");
    assert_string_equal(sum->uids[1], "CServerBcast");
    assert_string_equal(sum->uids[2], "CUnicast");
    assert_int_equal(sum->n_msg_types, 4);
    assert_int_equal(sum->msg_types[0], 1);
    assert_int_equal(sum->msg_types[1], 2);
    assert_int_equal(sum->msg_types[2], 3);
    assert_int_equal(sum->msg_types[3], 5);
    assert_int_equal(sum->ts_us, 1000000);
    assert_int_equal(sum->last_us, 1300000);
    /* the server is the sender of the replies, whichever end it is */
    assert_true(sum->has_server_addr);
    assert_addr(&sum->server_addr, server_ip);
    /* the client only sent from 0.0.0.0: the assigned address stands in */
    assert_true(sum->has_client_addr);
    assert_addr(&sum->client_addr, client_ip);
    assert_true(sum->has_requested_addr);
    /* the server's message went to server_message although the server
     * originated the broadcast connection */
    assert_true(sum->server_message.set);
    assert_false(sum->client_message.set);
}

static void test_two_connections_two_uids(void **state)
{
    (void)state;
    struct world w;
    struct parser_run bcast, unicast;
    struct msg d, a;
    build_discover(&d, 77);
    build_ack(&a, 77);
    world_open(&w);
    session_open_tuple(&bcast, &w, "CFirst", unconfigured_ip, 68, broadcast_ip, 67);
    session_open_tuple(&unicast, &w, "CSecond", client_ip, 68, server_ip, 67);
    session_feed(&bcast, 1000000, true, d.d, d.n);
    session_feed(&bcast, 1000100, true, d.d, d.n); /* same uid again: kept once */
    session_feed(&unicast, 1000200, false, a.d, a.n);
    parser_run_close(&bcast);
    parser_run_close(&unicast);
    world_close(&w);
    assert_int_equal(w.cap.summaries, 1);
    assert_int_equal(w.cap.summary[0].n_uids, 2);
    assert_string_equal(w.cap.summary[0].uids[0], "CFirst");
    assert_string_equal(w.cap.summary[0].uids[1], "CSecond");
    assert_int_equal(w.cap.summary[0].n_msg_types, 3);
}

static void test_expiry_splits_transactions(void **state)
{
    (void)state;
    struct world w;
    struct parser_run s;
    struct msg d;
    build_discover(&d, 7);
    world_open(&w);
    session_open(&s, &w);
    session_feed(&s, 1000000, true, d.d, d.n);
    /* 20 s later: the 10 s check falls due and finds the xid idle */
    session_feed(&s, 21000000, true, d.d, d.n);
    assert_int_equal(w.cap.summaries, 1);
    assert_int_equal(w.cap.summary[0].n_msg_types, 1);
    parser_run_close(&s);
    world_close(&w);
    assert_int_equal(w.cap.summaries, 2);
    assert_int_equal(w.cap.summary[1].ts_us, 21000000);

    /* 7 s later, before the first check: still joined */
    world_open(&w);
    session_open(&s, &w);
    session_feed(&s, 1000000, true, d.d, d.n);
    session_feed(&s, 8000000, true, d.d, d.n);
    parser_run_close(&s);
    world_close(&w);
    assert_int_equal(w.cap.summaries, 1);
    assert_int_equal(w.cap.summary[0].n_msg_types, 2);

    /* a message every 4 s keeps the xid alive until 30 s of watching */
    world_open(&w);
    session_open(&s, &w);
    for (int64_t t = 0; t <= 40; t += 4)
        session_feed(&s, 1000000 + t * 1000000, true, d.d, d.n);
    assert_int_equal(w.cap.summaries, 1);
    /* checked at 13, 21, 29 s (alive), then at 37 s: watched over 30 s */
    assert_int_equal(w.cap.summary[0].n_msg_types, 9);
    parser_run_close(&s);
    world_close(&w);
    assert_int_equal(w.cap.summaries, 2);
}

/* The clock is any DHCP packet of the worker: another connection's packet
 * logs an idle transaction, with the uid of its own connection. */
static void test_expiry_by_another_connection(void **state)
{
    (void)state;
    struct world w;
    struct parser_run first, second;
    struct msg d1, d2;
    build_discover(&d1, 1);
    build_discover(&d2, 2);
    world_open(&w);
    session_open_tuple(&first, &w, "CFirst", unconfigured_ip, 68, broadcast_ip, 67);
    session_open_tuple(&second, &w, "CSecond", client_ip, 68, server_ip, 67);
    session_feed(&first, 1000000, true, d1.d, d1.n);
    parser_run_close(&first);
    session_feed(&second, 30000000, true, d2.d, d2.n);
    assert_int_equal(w.cap.summaries, 1);
    assert_int_equal(w.cap.summary[0].xid, 1);
    assert_int_equal(w.cap.summary[0].n_uids, 1);
    assert_string_equal(w.cap.summary[0].uids[0], "CFirst");
    parser_run_close(&second);
    world_close(&w);
    assert_int_equal(w.cap.summaries, 2);
    assert_string_equal(w.cap.summary[1].uids[0], "CSecond");
}

static void test_every_truncation(void **state)
{
    (void)state;
    struct msg d;
    build_discover(&d, 9);
    for (size_t n = 0; n <= d.n; n++) {
        struct world w;
        struct parser_run s;
        world_open(&w);
        session_open(&s, &w);
        uint8_t *copy = malloc(n ? n : 1);
        assert_non_null(copy);
        memcpy(copy, d.d, n);
        session_feed(&s, 1000000, true, copy, n);
        parser_run_close(&s);
        free(copy);
        world_close(&w);
        assert_int_equal(w.cap.messages, n >= 240 ? 1 : 0);
        /* Zeek only aggregates a message whose options reached End */
        assert_int_equal(w.cap.summaries, n == d.n ? 1 : 0);
    }
}

static void test_not_dhcp(void **state)
{
    (void)state;
    struct msg d;
    build_discover(&d, 9);
    d.d[236] = 0; /* bad cookie */
    struct world w;
    struct parser_run s;
    world_open(&w);
    session_open(&s, &w);
    session_feed(&s, 1000000, true, d.d, d.n);
    parser_run_close(&s);
    world_close(&w);
    assert_int_equal(w.cap.messages, 0);
    assert_int_equal(w.cap.summaries, 0);
    assert_int_equal(dhcp_parser.probe(d.d, d.n, true), APP_PROBE_NO);
    build_discover(&d, 9);
    assert_int_equal(dhcp_parser.probe(d.d, d.n, true), APP_PROBE_YES);
    assert_int_equal(dhcp_parser.probe(d.d, 100, true), APP_PROBE_NO);
}

/* Without a worker state (its allocation failed) messages still go out. */
static void test_no_worker_state(void **state)
{
    (void)state;
    struct world w;
    struct parser_run s;
    struct msg d;
    memset(&w, 0, sizeof w);
    build_discover(&d, 9);
    session_open(&s, &w);
    session_feed(&s, 1000000, true, d.d, d.n);
    parser_run_close(&s);
    assert_int_equal(w.cap.messages, 1);
    assert_int_equal(w.cap.summaries, 0);
    dhcp_parser.worker_close(NULL, &s.env);
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
    struct world w;
    struct parser_run s;
    world_open(&w);
    session_open(&s, &w);
    session_feed(&s, 1000000, false, m.d, m.n);
    assert_true(w.cap.last_overloaded_seen);
    assert_int_equal(w.cap.last_n_options, 3);
    parser_run_close(&s);
    world_close(&w);
}

static void test_caps(void **state)
{
    (void)state;
    struct world w;
    struct parser_run s;
    struct msg m;
    /* more options than kept */
    msg_begin(&m, 1, 1, NULL);
    msg_type(&m, 1);
    for (int i = 0; i < 200; i++)
        msg_option(&m, 200, "x", 1);
    msg_end(&m);
    world_open(&w);
    session_open(&s, &w);
    session_feed(&s, 1000000, true, m.d, m.n);
    assert_string_equal(w.cap.weirds.last, "DHCP_too_many_options");
    assert_int_equal(w.cap.last_n_options, DHCP_MAX_OPTIONS);
    parser_run_close(&s);
    world_close(&w);

    /* msg_types cap logs at 50, as Zeek's max_msg_types_per_log_entry */
    build_discover(&m, 3);
    world_open(&w);
    session_open(&s, &w);
    for (int i = 0; i < 50; i++)
        session_feed(&s, 1000000 + i, true, m.d, m.n);
    assert_int_equal(w.cap.summaries, 1);
    assert_int_equal(w.cap.summary[0].n_msg_types, DHCP_MAX_MSG_TYPES);
    parser_run_close(&s);
    world_close(&w);
    assert_int_equal(w.cap.summaries, 1);

    /* uids cap logs at 10, as Zeek's max_uids_per_log_entry */
    world_open(&w);
    for (int i = 0; i < DHCP_MAX_UIDS; i++) {
        char uid[UID_LEN];
        snprintf(uid, sizeof uid, "CConn%d", i);
        session_open_tuple(&s, &w, uid, unconfigured_ip, 68, broadcast_ip, 67);
        session_feed(&s, 1000000 + i, true, m.d, m.n);
        parser_run_close(&s);
    }
    assert_int_equal(w.cap.summaries, 1);
    assert_int_equal(w.cap.summary[0].n_uids, DHCP_MAX_UIDS);
    assert_string_equal(w.cap.summary[0].uids[9], "CConn9");
    world_close(&w);
    assert_int_equal(w.cap.summaries, 1);

    /* more xids than watched: the oldest is logged early, with a weird */
    world_open(&w);
    session_open(&s, &w);
    for (uint32_t x = 0; x < DHCP_MAX_WATCHED; x++) {
        build_discover(&m, x);
        session_feed(&s, 1000000 + x, true, m.d, m.n);
    }
    assert_int_equal(w.cap.summaries, 0);
    assert_int_equal(w.cap.weirds.n, 0);
    build_discover(&m, 0xffffff);
    session_feed(&s, 2000000, true, m.d, m.n);
    assert_string_equal(w.cap.weirds.last, "DHCP_too_many_transactions");
    assert_int_equal(w.cap.summaries, 1);
    assert_int_equal(w.cap.summary[0].xid, 0);
    parser_run_close(&s);
    world_close(&w);
    assert_int_equal(w.cap.summaries, DHCP_MAX_WATCHED + 1);

    /* an option length past the end */
    msg_begin(&m, 1, 1, NULL);
    m.d[m.n++] = 12;
    m.d[m.n++] = 200;
    m.d[m.n++] = 'a';
    world_open(&w);
    session_open(&s, &w);
    session_feed(&s, 1000000, true, m.d, m.n);
    parser_run_close(&s);
    world_close(&w);
    assert_int_equal(w.cap.messages, 1);
    assert_int_equal(w.cap.summaries, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_transaction_summary),
        cmocka_unit_test(test_lease_across_connections),
        cmocka_unit_test(test_two_connections_two_uids),
        cmocka_unit_test(test_expiry_splits_transactions),
        cmocka_unit_test(test_expiry_by_another_connection),
        cmocka_unit_test(test_every_truncation),
        cmocka_unit_test(test_not_dhcp),
        cmocka_unit_test(test_no_worker_state),
        cmocka_unit_test(test_overload),
        cmocka_unit_test(test_caps),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
