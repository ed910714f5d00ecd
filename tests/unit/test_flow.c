/* flow/: Zeek's connection semantics on hand-built packets. */
#include <netinet/in.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "flow/community_id.h"
#include "flow/flow.h"

#define MAX_RECS 16

struct collected {
    struct conn_record recs[MAX_RECS];
    struct eve_flow_part parts[MAX_RECS][CONN_MAX_EVE_PARTS]; /* recs[i].eve_parts, kept past the call */
    int n;
    char weirds[32][48];
    int n_weirds;
};

static void collect_conn(void *ctx, const struct conn_record *r)
{
    struct collected *c = ctx;
    if (c->n >= MAX_RECS)
        return;
    memcpy(c->parts[c->n], r->eve_parts ? r->eve_parts : c->parts[c->n], r->n_eve_parts * sizeof *r->eve_parts);
    c->recs[c->n] = *r;
    c->recs[c->n].eve_parts = c->parts[c->n];
    c->n++;
}

static void collect_weird(void *ctx, const struct weird_record *w)
{
    struct collected *c = ctx;
    if (c->n_weirds < 32)
        snprintf(c->weirds[c->n_weirds++], 48, "%s", w->name);
}

/* eve_closed_s: flow_config's eve_tcp_closed_timeout_us in seconds (0: off). */
static struct flow_table *new_table_eve(struct collected *c, uint32_t max_flows, int64_t eve_closed_s)
{
    struct flow_config cfg = {
        .tcp_timeout_us = 300 * 1000000LL,
        .udp_timeout_us = 60 * 1000000LL,
        .icmp_timeout_us = 60 * 1000000LL,
        .max_flows = max_flows,
        .stream_memcap = 1 << 20,
        .community_id = true,
        .eve_tcp_closed_timeout_us = eve_closed_s * 1000000,
    };
    struct flow_sink sink = {.conn = collect_conn, .weird = collect_weird, .ctx = c};
    memset(c, 0, sizeof *c);
    return flow_table_new(&cfg, &sink);
}

static struct flow_table *new_table(struct collected *c, uint32_t max_flows)
{
    return new_table_eve(c, max_flows, 0);
}

enum { CLIENT, SERVER };

static const char *const hosts[] = {"10.0.0.1", "192.0.2.80"};

static const uint8_t zero_payload[2048];

static struct packet tcp_pkt(int from, int64_t ts_ms, uint8_t flags, uint32_t seq, uint32_t ack, uint32_t len)
{
    struct packet p;
    memset(&p, 0, sizeof p);
    p.ts_us = ts_ms * 1000;
    p.ip_version = 4;
    ip_addr_parse(hosts[from], &p.src);
    ip_addr_parse(hosts[!from], &p.dst);
    p.sport = from == CLIENT ? 40000 : 80;
    p.dport = from == CLIENT ? 80 : 40000;
    p.l4_proto = IPPROTO_TCP;
    p.tcp_flags = flags;
    p.tcp_seq = seq;
    p.tcp_ack = ack;
    p.tcp_win = 1000;
    p.payload_len = p.payload_caplen = len;
    p.payload = zero_payload;
    p.l4_len = 20 + len;
    p.ip_len = 40 + len;
    p.wirelen = p.caplen = 54 + len;
    return p;
}

static void feed(struct flow_table *t, struct packet p)
{
    flow_table_packet(t, &p, NULL, 0);
}

#define C_ISN 1000u
#define S_ISN 5000u

static void handshake(struct flow_table *t)
{
    feed(t, tcp_pkt(CLIENT, 0, TCP_SYN, C_ISN, 0, 0));
    feed(t, tcp_pkt(SERVER, 10, TCP_SYN | TCP_ACK, S_ISN, C_ISN + 1, 0));
    feed(t, tcp_pkt(CLIENT, 20, TCP_ACK, C_ISN + 1, S_ISN + 1, 0));
}

static void test_sf_with_data(void **state)
{
    (void)state;
    struct collected c;
    struct flow_table *t = new_table(&c, 100);
    handshake(t);
    feed(t, tcp_pkt(CLIENT, 30, TCP_ACK | TCP_PSH, C_ISN + 1, S_ISN + 1, 100));
    feed(t, tcp_pkt(SERVER, 40, TCP_ACK | TCP_PSH, S_ISN + 1, C_ISN + 101, 300));
    feed(t, tcp_pkt(CLIENT, 50, TCP_ACK | TCP_FIN, C_ISN + 101, S_ISN + 301, 0));
    feed(t, tcp_pkt(SERVER, 60, TCP_ACK | TCP_FIN, S_ISN + 301, C_ISN + 102, 0));
    feed(t, tcp_pkt(CLIENT, 70, TCP_ACK, C_ISN + 102, S_ISN + 302, 0));
    flow_table_flush(t, 0);
    assert_int_equal(c.n, 1);
    const struct conn_record *r = &c.recs[0];
    assert_string_equal(r->conn_state, "SF");
    assert_string_equal(r->history, "ShADdFf");
    assert_int_equal(r->orig_bytes, 100);
    assert_int_equal(r->resp_bytes, 300);
    assert_int_equal(r->orig_pkts, 5);
    assert_int_equal(r->resp_pkts, 3);
    assert_int_equal(r->orig_ip_bytes, 5 * 40 + 100);
    assert_int_equal(r->duration_us, 60000); /* the last ACK comes after both FINs: Zeek stops the clock */
    assert_int_equal(r->orig_p, 40000);
    assert_int_equal(r->resp_p, 80);
    assert_int_equal(r->missed_bytes, 0);
    flow_table_free(t);
}

/* One packet of a conn-state case's script. */
struct scripted_packet {
    int from;
    int64_t ts_ms;
    uint8_t flags;
    uint32_t seq, ack, len;
};

/* A connection scripted as the handshake (or not) and then up to two
 * packets, and the conn_state and history Zeek gives it. */
struct conn_state_case {
    const char *conn_state, *history;
    bool handshake;
    size_t n;
    struct scripted_packet pkts[2];
};

/* One connection, the handshake first or not, to its end: its records into c. */
static void run_script(struct collected *c, bool with_handshake, const struct scripted_packet *pkts, size_t n)
{
    struct flow_table *t = new_table(c, 100);
    if (with_handshake)
        handshake(t);
    for (size_t i = 0; i < n; i++)
        feed(t, tcp_pkt(pkts[i].from, pkts[i].ts_ms, pkts[i].flags, pkts[i].seq, pkts[i].ack, pkts[i].len));
    flow_table_flush(t, 0);
    flow_table_free(t);
}

static const char *single_state(const struct conn_state_case *k, char *history_out)
{
    static struct collected c;
    run_script(&c, k->handshake, k->pkts, k->n);
    if (c.n != 1)
        return "count";
    snprintf(history_out, 64, "%s", c.recs[0].history);
    return c.recs[0].conn_state;
}

static void test_conn_states(void **state)
{
    (void)state;
    static const struct conn_state_case cases[] = {
        {"S0", "S", false, 1, {{CLIENT, 0, TCP_SYN, C_ISN, 0, 0}}},
        {"REJ", "Sr", false, 2, {{CLIENT, 0, TCP_SYN, C_ISN, 0, 0}, {SERVER, 1, TCP_RST | TCP_ACK, 0, C_ISN + 1, 0}}},
        {"S1", "ShA", true, 0, {{0}}},
        {"RSTO", "ShAR", true, 1, {{CLIENT, 30, TCP_RST | TCP_ACK, C_ISN + 1, S_ISN + 1, 0}}},
        {"RSTR", "ShAr", true, 1, {{SERVER, 30, TCP_RST | TCP_ACK, S_ISN + 1, C_ISN + 1, 0}}},
        {"SH", "SF", false, 2, {{CLIENT, 0, TCP_SYN, C_ISN, 0, 0}, {CLIENT, 1, TCP_FIN, C_ISN + 1, 0, 0}}},
        {"S2", "ShAF", true, 1, {{CLIENT, 30, TCP_ACK | TCP_FIN, C_ISN + 1, S_ISN + 1, 0}}},
        {"S3", "ShAf", true, 1, {{SERVER, 30, TCP_ACK | TCP_FIN, S_ISN + 1, C_ISN + 1, 0}}},
        {"RSTOS0", "SR", false, 2, {{CLIENT, 0, TCP_SYN, C_ISN, 0, 0}, {CLIENT, 1, TCP_RST, C_ISN + 1, 0, 0}}},
        {"RSTRH", "^hr", false, 2,
         {{SERVER, 0, TCP_SYN | TCP_ACK, S_ISN, C_ISN + 1, 0}, {SERVER, 1, TCP_RST, S_ISN + 1, 0, 0}}},
        {"OTH", "Dd", false, 2, /* midstream */
         {{CLIENT, 0, TCP_ACK | TCP_PSH, C_ISN + 1, S_ISN + 1, 50},
          {SERVER, 1, TCP_ACK | TCP_PSH, S_ISN + 1, C_ISN + 51, 50}}},
        {"SHR", "^f", false, 1, {{SERVER, 0, TCP_ACK | TCP_FIN, S_ISN + 1, C_ISN + 1, 0}}},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char history[64] = "";
        const char *st = single_state(&cases[i], history);
        if (strcmp(st, cases[i].conn_state) != 0 || strcmp(history, cases[i].history) != 0)
            fail_msg("case %zu: got %s/%s, want %s/%s", i, st, history, cases[i].conn_state, cases[i].history);
    }
}

/* Suricata's session state (EVE tcp.state) and flow state after a script. */
struct eve_state_case {
    const char *tcp_state, *flow_state;
    bool handshake;
    size_t n;
    struct scripted_packet pkts[3];
};

static void test_eve_tcp_states(void **state)
{
    (void)state;
    /* after the handshake: client at C_ISN + 1, server at S_ISN + 1 */
    static const struct eve_state_case cases[] = {
        {"syn_sent", "new", false, 1, {{CLIENT, 0, TCP_SYN, C_ISN, 0, 0}}},
        {"syn_recv", "new", false, 2,
         {{CLIENT, 0, TCP_SYN, C_ISN, 0, 0}, {SERVER, 1, TCP_SYN | TCP_ACK, S_ISN, C_ISN + 1, 0}}},
        {"established", "established", true, 0, {{0}}},
        {"close_wait", "established", true, 1, {{CLIENT, 30, TCP_ACK | TCP_FIN, C_ISN + 1, S_ISN + 1, 0}}},
        {"fin_wait1", "established", true, 1, {{SERVER, 30, TCP_ACK | TCP_FIN, S_ISN + 1, C_ISN + 1, 0}}},
        {"fin_wait2", "established", true, 2,
         {{SERVER, 30, TCP_ACK | TCP_FIN, S_ISN + 1, C_ISN + 1, 0}, {CLIENT, 40, TCP_ACK, C_ISN + 1, S_ISN + 2, 0}}},
        /* the server's FIN, not acking the client's: its ACK never comes */
        {"last_ack", "closed", true, 2,
         {{CLIENT, 30, TCP_ACK | TCP_FIN, C_ISN + 1, S_ISN + 1, 0},
          {SERVER, 40, TCP_ACK | TCP_FIN | TCP_PSH, S_ISN + 1, C_ISN + 1, 10}}},
        {"closed", "closed", true, 3,
         {{CLIENT, 30, TCP_ACK | TCP_FIN, C_ISN + 1, S_ISN + 1, 0},
          {SERVER, 40, TCP_ACK | TCP_FIN, S_ISN + 1, C_ISN + 2, 0},
          {CLIENT, 50, TCP_ACK, C_ISN + 2, S_ISN + 2, 0}}},
        {"time_wait", "closed", true, 2,
         {{SERVER, 30, TCP_ACK | TCP_FIN, S_ISN + 1, C_ISN + 1, 0},
          {CLIENT, 40, TCP_ACK | TCP_FIN, C_ISN + 1, S_ISN + 2, 0}}},
        {"closed", "closed", true, 3,
         {{SERVER, 30, TCP_ACK | TCP_FIN, S_ISN + 1, C_ISN + 1, 0},
          {CLIENT, 40, TCP_ACK | TCP_FIN, C_ISN + 1, S_ISN + 2, 0},
          {SERVER, 50, TCP_ACK, S_ISN + 2, C_ISN + 2, 0}}},
        {"closed", "closed", true, 1, {{CLIENT, 30, TCP_RST, C_ISN + 1, 0, 0}}},
        /* no SYN, no --midstream: Suricata has no session (Zeek's states give the flow state) */
        {NULL, "new", false, 2,
         {{CLIENT, 0, TCP_ACK | TCP_PSH, C_ISN + 1, S_ISN + 1, 50},
          {SERVER, 1, TCP_ACK | TCP_PSH, S_ISN + 1, C_ISN + 51, 50}}},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        const struct eve_state_case *k = &cases[i];
        struct collected c;
        run_script(&c, k->handshake, k->pkts, k->n);
        assert_int_equal(c.n, 1);
        const char *got = c.recs[0].eve_tcp_state;
        if ((got == NULL) != (k->tcp_state == NULL) || (got && strcmp(got, k->tcp_state) != 0) ||
            strcmp(c.recs[0].eve_state, k->flow_state) != 0)
            fail_msg("case %zu: got %s/%s, want %s/%s", i, got ? got : "none", c.recs[0].eve_state,
                     k->tcp_state ? k->tcp_state : "none", k->flow_state);
    }
}

/* A session closed at 60 ms with the server's FIN unacknowledged (LAST_ACK):
 * Zeek's connection ends 5 s later (tcp_close_delay). */
static void closed_session(struct flow_table *t)
{
    handshake(t);
    feed(t, tcp_pkt(CLIENT, 30, TCP_ACK | TCP_PSH, C_ISN + 1, S_ISN + 1, 100));
    feed(t, tcp_pkt(SERVER, 40, TCP_ACK | TCP_PSH, S_ISN + 1, C_ISN + 101, 300));
    feed(t, tcp_pkt(CLIENT, 50, TCP_ACK | TCP_FIN, C_ISN + 101, S_ISN + 301, 0));
    feed(t, tcp_pkt(SERVER, 60, TCP_ACK | TCP_FIN, S_ISN + 301, C_ISN + 101, 0));
}

/* Another connection's SYN (client port 41000) at ts_ms: its packet runs the sweep. */
static void other_syn(struct flow_table *t, int64_t ts_ms)
{
    struct packet p = tcp_pkt(CLIENT, ts_ms, TCP_SYN, 9000, 0, 0);
    p.sport = 41000;
    feed(t, p);
}

/* The server's FIN again at ts_ms: a new Zeek connection (^f). */
static void late_fin(struct flow_table *t, int64_t ts_ms)
{
    feed(t, tcp_pkt(SERVER, ts_ms, TCP_ACK | TCP_FIN, S_ISN + 301, C_ISN + 102, 0));
}

/* The closed session, then its server's FIN again 10 s later, to the end. */
static void closed_then_late_fin(struct collected *c, int64_t eve_closed_s)
{
    struct flow_table *t = new_table_eve(c, 100, eve_closed_s);
    closed_session(t);
    late_fin(t, 10060);
    flow_table_flush(t, 10060);
    flow_table_free(t);
}

static void test_eve_closed_flow_continued(void **state)
{
    (void)state;
    struct collected c;
    closed_then_late_fin(&c, 60);
    /* two conn.log rows, one EVE flow */
    assert_int_equal(c.n, 3);
    assert_int_equal(c.recs[0].logs, CONN_LOGS_ZEEK);
    assert_string_equal(c.recs[0].conn_state, "SF");
    assert_int_equal(c.recs[0].resp_pkts, 3);
    assert_int_equal(c.recs[1].logs, CONN_LOGS_ZEEK);
    assert_string_equal(c.recs[1].history, "^f");
    assert_int_equal(c.recs[1].resp_pkts, 1);
    assert_string_not_equal(c.recs[1].uid, c.recs[0].uid);
    assert_true(c.recs[1].flow_id == c.recs[0].flow_id); /* EVE's flow_id is the held flow's */
    const struct conn_record *e = &c.recs[2];
    assert_int_equal(e->logs, CONN_LOGS_EVE);
    assert_true(e->flow_id == c.recs[0].flow_id);
    assert_int_equal(e->orig_pkts, 4);
    assert_int_equal(e->resp_pkts, 4);
    assert_int_equal(e->resp_frame_bytes, 54 + 354 + 54 + 54);
    assert_int_equal(e->ts_us, 0);
    assert_int_equal(e->last_ts_us, 10060000);
    assert_int_equal(e->end_reason, FLOW_END_SHUTDOWN);
    assert_string_equal(e->eve_tcp_state, "last_ack");
    assert_string_equal(e->eve_state, "closed");
    assert_int_equal(e->tcp_flags_tc, TCP_SYN | TCP_ACK | TCP_PSH | TCP_FIN);
    /* the option off (or no EVE): each connection its own EVE flow */
    struct collected off;
    closed_then_late_fin(&off, 0);
    assert_int_equal(off.n, 2);
    assert_int_equal(off.recs[0].logs, CONN_LOGS_ALL);
    assert_int_equal(off.recs[1].logs, CONN_LOGS_ALL);
    assert_true(off.recs[1].flow_id != off.recs[0].flow_id);
}

/* The record of c for the client port sport and logs, NULL when none. */
static const struct conn_record *record_of(const struct collected *c, uint16_t sport, enum conn_record_logs logs)
{
    for (int i = 0; i < c->n; i++)
        if (c->recs[i].logs == logs && (c->recs[i].orig_p == sport || c->recs[i].resp_p == sport))
            return &c->recs[i];
    return NULL;
}

static void test_eve_closed_flow_times_out(void **state)
{
    (void)state;
    struct collected c;
    struct flow_table *t = new_table_eve(&c, 100, 60);
    closed_session(t);
    other_syn(t, 6000); /* the sweep ends Zeek's connection and holds its EVE flow */
    assert_int_equal(c.n, 1);
    assert_int_equal(c.recs[0].logs, CONN_LOGS_ZEEK);
    late_fin(t, 61070); /* 61 s after the last packet Zeek counted (60 ms) */
    flow_table_flush(t, 61070);
    flow_table_free(t);
    assert_int_equal(c.n, 4);
    const struct conn_record *held = record_of(&c, 40000, CONN_LOGS_EVE);
    assert_non_null(held); /* ended by the closed timeout */
    assert_int_equal(held->end_reason, FLOW_END_TIMEOUT);
    assert_int_equal(held->resp_pkts, 3);
    assert_int_equal(held->last_ts_us, 60000);
    assert_true(held->flow_id == c.recs[0].flow_id);
    const struct conn_record *late = record_of(&c, 40000, CONN_LOGS_ALL); /* its own EVE flow */
    assert_non_null(late);
    assert_string_equal(late->history, "^f");
    assert_true(late->flow_id != held->flow_id);
    assert_null(late->eve_tcp_state);
    assert_non_null(record_of(&c, 41000, CONN_LOGS_ALL));
}

static void test_eve_closed_flow_new_syn(void **state)
{
    (void)state;
    struct collected c;
    struct flow_table *t = new_table_eve(&c, 100, 60);
    closed_session(t);
    /* port reuse 5 s after the close, once Zeek removed the connection */
    feed(t, tcp_pkt(CLIENT, 5070, TCP_SYN, C_ISN + 7000, 0, 0));
    flow_table_flush(t, 5070);
    flow_table_free(t);
    assert_int_equal(c.n, 3);
    assert_int_equal(c.recs[0].logs, CONN_LOGS_ZEEK);
    assert_int_equal(c.recs[1].logs, CONN_LOGS_EVE);
    assert_int_equal(c.recs[1].end_reason, FLOW_END_TIMEOUT);
    assert_true(c.recs[1].flow_id == c.recs[0].flow_id);
    assert_int_equal(c.recs[2].logs, CONN_LOGS_ALL);
    assert_true(c.recs[2].flow_id != c.recs[0].flow_id);
    assert_string_equal(c.recs[2].eve_tcp_state, "syn_sent");
}

static void test_eve_held_flow_evicted_first(void **state)
{
    (void)state;
    struct collected c;
    struct flow_table *t = new_table_eve(&c, 1, 60);
    closed_session(t);
    other_syn(t, 6000); /* Zeek's connection ended at the sweep; its held EVE flow filled the one slot */
    assert_int_equal(c.n, 2);
    assert_int_equal(c.recs[1].logs, CONN_LOGS_EVE);
    assert_int_equal(c.recs[1].end_reason, FLOW_END_EVICTED);
    flow_table_flush(t, 6000);
    flow_table_free(t);
    assert_int_equal(c.n, 3);
    assert_int_equal(c.recs[2].logs, CONN_LOGS_ALL);
    assert_int_equal(c.recs[2].orig_p, 41000);
}

static void test_retransmission_and_gap(void **state)
{
    (void)state;
    struct collected c;
    struct flow_table *t = new_table(&c, 100);
    handshake(t);
    feed(t, tcp_pkt(CLIENT, 30, TCP_ACK, C_ISN + 1, S_ISN + 1, 100));
    feed(t, tcp_pkt(CLIENT, 31, TCP_ACK, C_ISN + 1, S_ISN + 1, 100)); /* retransmission */
    /* 200 bytes never seen; the server acks them. */
    feed(t, tcp_pkt(CLIENT, 40, TCP_ACK, C_ISN + 301, S_ISN + 1, 100));
    feed(t, tcp_pkt(SERVER, 50, TCP_ACK, S_ISN + 1, C_ISN + 401, 0));
    flow_table_flush(t, 0);
    assert_int_equal(c.n, 1);
    assert_string_equal(c.recs[0].history, "ShADTaG");
    assert_int_equal(c.recs[0].missed_bytes, 200);
    assert_int_equal(c.recs[0].orig_bytes, 400);
    flow_table_free(t);
}

static void test_out_of_order_conflict_is_a_weird(void **state)
{
    (void)state;
    struct collected c;
    struct flow_table *t = new_table(&c, 100);
    static uint8_t first[100], second[100];
    memset(first, 'x', sizeof first);
    memset(second, 'y', sizeof second);
    handshake(t);
    /* bytes 101..200 arrive before 1..100, then again with other content */
    struct packet p = tcp_pkt(CLIENT, 30, TCP_ACK, C_ISN + 101, S_ISN + 1, 100);
    p.payload = first;
    feed(t, p);
    p = tcp_pkt(CLIENT, 31, TCP_ACK, C_ISN + 101, S_ISN + 1, 100);
    p.payload = second;
    feed(t, p);
    feed(t, tcp_pkt(CLIENT, 32, TCP_ACK, C_ISN + 1, S_ISN + 1, 100));
    feed(t, tcp_pkt(SERVER, 40, TCP_ACK, S_ISN + 1, C_ISN + 201, 0));
    flow_table_flush(t, 0);
    assert_int_equal(c.n, 1);
    assert_int_equal(c.recs[0].missed_bytes, 0); /* the hole was filled: no gap */
    bool seen = false;
    for (int i = 0; i < c.n_weirds; i++)
        seen |= strcmp(c.weirds[i], "rexmit_inconsistency") == 0;
    assert_true(seen);
    flow_table_free(t);
}

static void test_bad_checksum_not_counted(void **state)
{
    (void)state;
    struct collected c;
    struct flow_table *t = new_table(&c, 100);
    struct packet p = tcp_pkt(CLIENT, 0, TCP_SYN, C_ISN, 0, 0);
    p.l4_checksum_bad = true;
    feed(t, p);
    flow_table_flush(t, 0);
    assert_int_equal(c.n, 1);
    assert_string_equal(c.recs[0].history, "C");
    assert_string_equal(c.recs[0].conn_state, "OTH");
    assert_int_equal(c.recs[0].orig_pkts, 0);
    assert_int_equal(c.n_weirds, 1);
    assert_string_equal(c.weirds[0], "bad_TCP_checksum");
    flow_table_free(t);
}

static struct packet ipv4_pkt(const char *src, const char *dst, int64_t ts_ms, uint8_t proto)
{
    struct packet p;
    memset(&p, 0, sizeof p);
    p.ts_us = ts_ms * 1000;
    p.ip_version = 4;
    ip_addr_parse(src, &p.src);
    ip_addr_parse(dst, &p.dst);
    p.l4_proto = proto;
    return p;
}

static struct packet udp_pkt(const char *src, uint16_t sport, const char *dst, uint16_t dport, int64_t ts_ms,
                             uint32_t len)
{
    struct packet p = ipv4_pkt(src, dst, ts_ms, IPPROTO_UDP);
    p.sport = sport;
    p.dport = dport;
    p.l4_len = 8 + len;
    p.payload_len = len;
    p.ip_len = 28 + len;
    return p;
}

/* A table of 100 flows fed the packets in order, then flushed: what the
 * connection tests below collect in c. */
static struct flow_table *table_after(struct collected *c, const struct packet *pkts, size_t n)
{
    struct flow_table *t = new_table(c, 100);
    for (size_t i = 0; i < n; i++)
        feed(t, pkts[i]);
    flow_table_flush(t, 0);
    return t;
}

#define TABLE_AFTER(c, pkts) table_after((c), (pkts), sizeof(pkts) / sizeof((pkts)[0]))

/* Suricata ends a flow without reply after 30 s of silence (Zeek: 60 s):
 * one connection, two EVE flows; a flow with a reply stays one. */
static void test_eve_flow_split_without_reply(void **state)
{
    (void)state;
    struct collected c;
    const struct packet pkts[] = {
        udp_pkt("10.0.0.1", 40000, "10.0.0.2", 514, 0, 20),
        udp_pkt("10.0.0.1", 40000, "10.0.0.2", 514, 1000, 20),
        udp_pkt("10.0.0.1", 40000, "10.0.0.2", 514, 41000, 20),
        udp_pkt("10.0.0.1", 40001, "10.0.0.2", 9000, 0, 20),
        udp_pkt("10.0.0.2", 9000, "10.0.0.1", 40001, 10, 20),
        udp_pkt("10.0.0.1", 40001, "10.0.0.2", 9000, 40010, 20),
    };
    struct flow_table *t = TABLE_AFTER(&c, pkts);
    assert_int_equal(c.n, 2);
    const struct conn_record *oneway = c.recs[0].orig_p == 40000 ? &c.recs[0] : &c.recs[1];
    const struct conn_record *answered = oneway == &c.recs[0] ? &c.recs[1] : &c.recs[0];
    assert_int_equal(oneway->orig_pkts, 3);
    assert_int_equal(oneway->n_eve_parts, 1);
    assert_false(oneway->eve_parts_whole);
    assert_int_equal(oneway->eve_parts[0].pkts[0], 2);
    assert_int_equal(oneway->eve_parts[0].last_us, 1000 * 1000);
    assert_true(oneway->eve_parts[0].flow_id != oneway->flow_id);
    assert_int_equal(oneway->eve_rest.pkts[0], 1);
    assert_int_equal(oneway->eve_rest.first_us, 41000 * 1000);
    assert_int_equal(oneway->eve_rest.flow_id, oneway->flow_id);
    assert_false(oneway->eve_rest.has_spi);
    assert_int_equal(answered->n_eve_parts, 0);
    flow_table_free(t);
}

static struct packet esp_pkt(const char *src, const char *dst, int64_t ts_ms, const uint8_t *esp_header)
{
    struct packet p = ipv4_pkt(src, dst, ts_ms, IPPROTO_ESP);
    p.l4 = esp_header;
    p.l4_caplen = p.l4_len = 8;
    p.ip_len = 28;
    p.wirelen = 42;
    return p;
}

/* ESP: one connection per address pair (Zeek), one EVE flow per SPI (Suricata). */
static void test_esp_flows_per_spi(void **state)
{
    (void)state;
    struct collected c;
    static const uint8_t spi_123[8] = {0, 0, 0, 123, 0, 0, 0, 1}, spi_321[8] = {0, 0, 0x01, 0x41, 0, 0, 0, 1};
    const struct packet pkts[] = {
        esp_pkt("190.0.0.1", "190.0.0.2", 0, spi_123),
        esp_pkt("190.0.0.1", "190.0.0.2", 1, spi_123),
        esp_pkt("190.0.0.1", "190.0.0.2", 2, spi_321),
        esp_pkt("190.0.0.2", "190.0.0.1", 3, spi_321),
    };
    struct flow_table *t = TABLE_AFTER(&c, pkts);
    assert_int_equal(c.n, 1);
    assert_int_equal(c.recs[0].orig_pkts + c.recs[0].resp_pkts, 4);
    assert_int_equal(c.recs[0].n_eve_parts, 2);
    assert_true(c.recs[0].eve_parts_whole);
    assert_int_equal(c.recs[0].eve_parts[0].spi, 123);
    assert_int_equal(c.recs[0].eve_parts[0].pkts[0], 2);
    assert_int_equal(c.recs[0].eve_parts[0].bytes[0], 84);
    assert_int_equal(c.recs[0].eve_parts[1].spi, 321);
    assert_int_equal(c.recs[0].eve_parts[1].pkts[0], 1);
    assert_int_equal(c.recs[0].eve_parts[1].pkts[1], 1);
    flow_table_free(t);
}

static void test_udp_timeout_and_flip(void **state)
{
    (void)state;
    struct collected c;
    const struct packet pkts[] = {
        /* A reply seen first from port 53 is flipped: the client is the originator. */
        udp_pkt("192.0.2.53", 53, "10.0.0.1", 33333, 0, 80),
        udp_pkt("10.0.0.1", 33333, "192.0.2.53", 53, 10, 30),
        /* 90 s of silence: Zeek's 60 s UDP timeout makes this a new connection. */
        udp_pkt("10.0.0.1", 33333, "192.0.2.53", 53, 90010, 30),
    };
    struct flow_table *t = TABLE_AFTER(&c, pkts);
    assert_int_equal(c.n, 2);
    assert_string_equal(c.recs[0].history, "^dD");
    assert_string_equal(c.recs[0].conn_state, "SF");
    assert_int_equal(c.recs[0].orig_p, 33333);
    assert_int_equal(c.recs[0].orig_bytes, 30);
    assert_int_equal(c.recs[0].resp_bytes, 80);
    assert_int_equal(c.recs[0].local_orig, 1);
    assert_int_equal(c.recs[0].local_resp, 1);
    assert_string_equal(c.recs[1].conn_state, "S0");
    assert_false(c.recs[1].has_duration);
    assert_string_not_equal(c.recs[0].uid, c.recs[1].uid);
    flow_table_free(t);
}

/* The uid of the one connection `key`, `window` (ms) and a time shift give. */
static void uid_of(uint64_t key, int64_t window_ms, int64_t shift_us, uint32_t isn, char uid[UID_LEN])
{
    struct collected c;
    struct flow_config cfg = {
        .tcp_timeout_us = 300 * 1000000LL, .udp_timeout_us = 60 * 1000000LL, .icmp_timeout_us = 60 * 1000000LL,
        .max_flows = 10, .stream_memcap = 1 << 20, .uid_key = key, .uid_window_us = window_ms * 1000,
    };
    struct flow_sink sink = {.conn = collect_conn, .weird = collect_weird, .ctx = &c};
    memset(&c, 0, sizeof c);
    struct flow_table *t = flow_table_new(&cfg, &sink);
    struct packet syn = tcp_pkt(CLIENT, 1700000030000, 0x02, isn, 0, 0);
    syn.ts_us += shift_us;
    feed(t, syn);
    flow_table_flush(t, syn.ts_us + 1000);
    assert_int_equal(c.n, 1);
    memcpy(uid, c.recs[0].uid, UID_LEN);
    flow_table_free(t);
}

/* Sensors that agree: with a window, two clocks that see the first packet
 * microseconds apart give one uid; the key and a new TCP sequence number
 * change it; without key and window, the uid is read's as it always was
 * (the exact microsecond counts). */
static void test_uid_keyed_and_windowed(void **state)
{
    (void)state;
    char a[UID_LEN], b[UID_LEN];
    uid_of(0, 60000, 0, 1000, a);
    uid_of(0, 60000, 250, 1000, b);
    assert_string_equal(a, b);
    uid_of(0x1234, 60000, 0, 1000, b);
    assert_string_not_equal(a, b);
    uid_of(0, 60000, 0, 2000, b);
    assert_string_not_equal(a, b);
    uid_of(0, 0, 0, 1000, a);
    uid_of(0, 0, 250, 1000, b);
    assert_string_not_equal(a, b);
    uid_of(0, 0, 0, 2000, b); /* read's uids do not look at the sequence number */
    assert_string_equal(a, b);
}

static void test_memcap_evicts_oldest(void **state)
{
    (void)state;
    struct collected c;
    struct flow_table *t = new_table(&c, 4);
    char src[32];
    for (int i = 0; i < 10; i++) {
        snprintf(src, sizeof src, "10.1.0.%d", i + 1);
        feed(t, udp_pkt(src, 1000, "10.2.0.1", 2000, i, 10));
    }
    assert_int_equal(flow_table_stats(t)->flows_evicted, 6);
    assert_int_equal(c.n, 6);
    assert_int_equal(c.recs[0].ts_us, 0); /* the oldest went first */
    flow_table_flush(t, 0);
    assert_int_equal(c.n, MAX_RECS > 10 ? 10 : MAX_RECS);
    flow_table_free(t);
}

static void test_community_id_known_value(void **state)
{
    (void)state;
    /* The spec's TCP example: 128.232.110.120:34855 -> 66.35.250.204:80 */
    struct ip_addr a, b;
    ip_addr_parse("128.232.110.120", &a);
    ip_addr_parse("66.35.250.204", &b);
    char out[COMMUNITY_ID_LEN];
    community_id_v1(NULL, 0, &a, &b, 34855, 80, IPPROTO_TCP, false, out);
    assert_string_equal(out, "1:LQU9qZlK+B5F3KDmev6m5PMibrg=");
    community_id_v1(NULL, 0, &b, &a, 80, 34855, IPPROTO_TCP, false, out);
    assert_string_equal(out, "1:LQU9qZlK+B5F3KDmev6m5PMibrg=");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sf_with_data),
        cmocka_unit_test(test_conn_states),
        cmocka_unit_test(test_eve_tcp_states),
        cmocka_unit_test(test_eve_closed_flow_continued),
        cmocka_unit_test(test_eve_closed_flow_times_out),
        cmocka_unit_test(test_eve_closed_flow_new_syn),
        cmocka_unit_test(test_eve_held_flow_evicted_first),
        cmocka_unit_test(test_retransmission_and_gap),
        cmocka_unit_test(test_out_of_order_conflict_is_a_weird),
        cmocka_unit_test(test_bad_checksum_not_counted),
        cmocka_unit_test(test_udp_timeout_and_flip),
        cmocka_unit_test(test_uid_keyed_and_windowed),
        cmocka_unit_test(test_memcap_evicts_oldest),
        cmocka_unit_test(test_community_id_known_value),
        cmocka_unit_test(test_eve_flow_split_without_reply),
        cmocka_unit_test(test_esp_flows_per_spi),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
