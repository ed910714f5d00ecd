/* LDAP parser: a bind and a search delivered whole and byte by byte, the
 * rows Zeek writes, the filter string, StartTLS; hostile input: a filter
 * nested 10,000 deep, requests that are never answered (a loop of them),
 * lengths past the end, a message over the cap. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "parser_harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto/ldap.h"

struct capture {
    int n_rows, n_search_rows, n_hand_over;
    struct ldap_row row;
    struct ldap_search_row search;
};

static void cap_publish(struct app_env *env, enum event_kind kind, const void *txn)
{
    struct capture *c = env->ctx;
    const struct ldap_txn *t = txn;
    assert_int_equal(kind, EVENT_LDAP);
    if (t->message) {
        c->n_rows++;
        c->row = *t->message;
    }
    if (t->search) {
        c->n_search_rows++;
        c->search = *t->search;
    }
}

static void cap_hand_over(struct app_env *env, const char *name)
{
    struct capture *c = env->ctx;
    c->n_hand_over++;
}

static const struct app_env hooks = {.publish = cap_publish, .hand_over = cap_hand_over};

/* bind request id 1: version 3, "cn=a", simple "pw" */
static const uint8_t bind_req[] = {0x30, 0x12, 0x02, 0x01, 0x01, 0x60, 0x0d, 0x02, 0x01, 0x03, 0x04, 0x04,
                                   'c',  'n',  '=',  'a',  0x80, 0x02, 'p',  'w'};
static const uint8_t bind_resp[] = {0x30, 0x0c, 0x02, 0x01, 0x01, 0x61, 0x07, 0x0a,
                                    0x01, 0x00, 0x04, 0x00, 0x04, 0x00};
/* search id 2: base "", scope tree, deref never, (&(a=1)(b=*)(c=x*)), no attributes */
static const uint8_t search_req[] = {
    0x30, 0x2f, 0x02, 0x01, 0x02, 0x63, 0x2a, 0x04, 0x00, 0x0a, 0x01, 0x02, 0x0a, 0x01, 0x00, 0x02, 0x01, 0x00,
    0x02, 0x01, 0x00, 0x01, 0x01, 0x00, 0xa0, 0x15, 0xa3, 0x06, 0x04, 0x01, 'a', 0x04, 0x01, '1', 0x87, 0x01,
    'b', 0xa4, 0x08, 0x04, 0x01, 'c', 0x30, 0x03, 0x80, 0x01, 'x', 0x30, 0x00,
};
static const uint8_t search_entry[] = {0x30, 0x0c, 0x02, 0x01, 0x02, 0x64, 0x07, 0x04,
                                       0x03, 'c',  'n',  '=',  0x30, 0x00};
static const uint8_t search_done[] = {0x30, 0x0c, 0x02, 0x01, 0x02, 0x65, 0x07, 0x0a,
                                      0x01, 0x00, 0x04, 0x00, 0x04, 0x00};

static void test_bind_and_search(void **unused)
{
    for (size_t step = 0; step <= 1; step++) {
        struct parser_run r;
        struct capture c = {0};
        parser_run_open(&r, &ldap_parser, &hooks, &c);
        parser_run_feed(&r, true, bind_req, sizeof bind_req, step);
        parser_run_feed(&r, false, bind_resp, sizeof bind_resp, step);
        assert_int_equal(c.n_rows, 1);
        assert_string_equal(c.row.opcode, "bind simple");
        assert_string_equal(c.row.result, "success");
        assert_string_equal(c.row.object.text, "cn=a");
        assert_string_equal(c.row.argument.text, "REDACTED");
        assert_int_equal(c.row.version, 3);
        parser_run_feed(&r, true, search_req, sizeof search_req, step);
        parser_run_feed(&r, false, search_entry, sizeof search_entry, step);
        parser_run_feed(&r, false, search_entry, sizeof search_entry, step);
        parser_run_feed(&r, false, search_done, sizeof search_done, step);
        parser_run_close(&r);
        assert_int_equal(c.n_search_rows, 1);
        assert_int_equal(c.search.result_count, 2);
        assert_string_equal(c.search.scope, "tree");
        assert_string_equal(c.search.deref_aliases, "never");
        assert_string_equal(c.search.filter, "(&(&(a=1)(b=*))(c=x*))");
        assert_false(c.search.base_object.set);
        assert_int_equal(r.weirds.n, 0);
    }
}

static void test_starttls_hands_over(void **unused)
{
    static const uint8_t ext[] = {0x30, 0x1d, 0x02, 0x01, 0x05, 0x77, 0x18, 0x80, 0x16, '1', '.', '3', '.', '6', '.',
                                  '1', '.', '4', '.', '1', '.', '1', '4', '6', '6', '.', '2', '0', '0', '3', '7'};
    static const uint8_t ext_resp[] = {0x30, 0x0c, 0x02, 0x01, 0x05, 0x78, 0x07, 0x0a,
                                       0x01, 0x00, 0x04, 0x00, 0x04, 0x00};
    struct parser_run r;
    struct capture c = {0};
    parser_run_open(&r, &ldap_parser, &hooks, &c);
    parser_run_feed(&r, true, ext, sizeof ext, 0);
    parser_run_feed(&r, false, ext_resp, sizeof ext_resp, 0);
    parser_run_close(&r);
    assert_int_equal(c.n_rows, 1);
    assert_string_equal(c.row.object.text, "1.3.6.1.4.1.1466.20037 (StartTLS)");
    assert_int_equal(c.n_hand_over, 1);
}

/* A NOT filter nested 10,000 deep: the rendering stops at the depth cap. */
static void test_deep_filter(void **unused)
{
    size_t depth = 10000;
    size_t filter_len = depth * 6 + 3;          /* the NOTs, then a present filter */
    size_t body = 14 + 3 + filter_len + 2;      /* base..timeLimit, typesOnly, filter, attributes */
    size_t op_len = body, msg_len = 3 + 6 + op_len, n = 6 + msg_len;
    uint8_t *p = calloc(1, n);
    assert_non_null(p);
    size_t k = 0;
    uint8_t len4[4];
#define PUT_LEN4(v)                                                                          \
    do {                                                                                     \
        len4[0] = (uint8_t)((v) >> 24), len4[1] = (uint8_t)((v) >> 16);                       \
        len4[2] = (uint8_t)((v) >> 8), len4[3] = (uint8_t)(v);                                \
        memcpy(p + k, len4, 4);                                                              \
        k += 4;                                                                              \
    } while (0)
    p[k++] = 0x30;
    p[k++] = 0x84;
    PUT_LEN4(msg_len);
    p[k++] = 0x02;
    p[k++] = 0x01;
    p[k++] = 0x09;
    p[k++] = 0x63;
    p[k++] = 0x84;
    PUT_LEN4(op_len);
    static const uint8_t head[] = {0x04, 0x00, 0x0a, 0x01, 0x02, 0x0a, 0x01, 0x00, 0x02,
                                   0x01, 0x00, 0x02, 0x01, 0x00, 0x01, 0x01, 0x00};
    memcpy(p + k, head, sizeof head);
    k += sizeof head;
    for (size_t i = 0; i < depth; i++) {
        size_t inner = (depth - i - 1) * 6 + 3;
        p[k++] = 0xa2;
        p[k++] = 0x84;
        PUT_LEN4(inner);
    }
#undef PUT_LEN4
    p[k++] = 0x87; /* present "a" */
    p[k++] = 0x01;
    p[k++] = 'a';
    p[k++] = 0x30;
    p[k++] = 0x00;
    assert_int_equal(k, n);
    struct parser_run r;
    struct capture c = {0};
    parser_run_open(&r, &ldap_parser, &hooks, &c);
    parser_run_feed(&r, true, p, k, 0);
    parser_run_close(&r);
    assert_int_equal(c.n_search_rows, 1);
    assert_string_equal(r.weirds.last, "LDAP_bad_search_filter");
    free(p);
}

/* The same request again and again, never answered: at 100 pending a weird,
 * and the pending rows are logged as they stand (Zeek's flush), so every
 * request is a row and memory stays bounded. */
static void test_unanswered_loop(void **unused)
{
    struct parser_run r;
    struct capture c = {0};
    uint8_t req[sizeof search_req];
    parser_run_open(&r, &ldap_parser, &hooks, &c);
    for (int i = 0; i < 1000; i++) {
        memcpy(req, search_req, sizeof req);
        req[4] = (uint8_t)(i % 250 + 1);
        parser_run_feed(&r, true, req, sizeof req, 0);
    }
    assert_int_equal(c.n_search_rows, 900);
    parser_run_close(&r);
    assert_int_equal(c.n_search_rows, 1000);
    assert_string_equal(r.weirds.last, "LDAP_max_pending_searches_exceeded");
}

/* The rows and the weirds of one run: env.ctx points at it (c first, as cap_publish reads it). */
struct limit_run {
    struct capture c;
    int n_weirds;
    char addl[16];
};

static void limit_weird(struct app_env *env, const char *name, const char *addl, const char *source)
{
    struct limit_run *w = env->ctx;
    assert_string_equal(name, "LDAP_max_pending_searches_exceeded");
    assert_string_equal(source, "LDAP");
    w->n_weirds++;
    snprintf(w->addl, sizeof w->addl, "%s", addl);
}

/* LDAP::max_pending_searches = 5 (--ldap-max-pending-searches 5), ten
 * searches never answered (pending-searches-10.pcap): the sixth raises the
 * weird with the limit as addl and logs the five pending, the close the
 * other five. */
static void test_pending_searches_limit(void **unused)
{
    struct limit_run ctx = {0};
    const struct app_env limit_hooks = {.publish = cap_publish, .hand_over = cap_hand_over, .weird = limit_weird};
    const struct app_limits limits = {.ldap_max_pending_searches = 5, .dns_max_compression_depth = 20};
    struct parser_run r;
    uint8_t req[sizeof search_req];
    parser_run_open(&r, &ldap_parser, &limit_hooks, &ctx);
    r.env.limits = &limits;
    for (int i = 1; i <= 10; i++) {
        memcpy(req, search_req, sizeof req);
        req[4] = (uint8_t)i;
        parser_run_feed(&r, true, req, sizeof req, 0);
        assert_int_equal(ctx.c.n_search_rows, i <= 5 ? 0 : 5);
    }
    parser_run_close(&r);
    assert_int_equal(ctx.c.n_search_rows, 10);
    assert_int_equal(ctx.n_weirds, 1);
    assert_string_equal(ctx.addl, "5");
}

static void test_bad_lengths(void **unused)
{
    static const uint8_t past_end[] = {0x30, 0x84, 0x7f, 0xff, 0xff, 0xff, 0x02, 0x01, 0x01};
    static const uint8_t not_ldap[] = "HELO example.com\r\n";
    struct parser_run r;
    struct capture c = {0};
    parser_run_open(&r, &ldap_parser, &hooks, &c);
    parser_run_feed(&r, true, past_end, sizeof past_end, 0);
    parser_run_close(&r);
    assert_int_equal(r.weirds.n, 1);
    memset(&c, 0, sizeof c);
    parser_run_open(&r, &ldap_parser, &hooks, &c);
    parser_run_feed(&r, true, not_ldap, sizeof not_ldap - 1, 0);
    parser_run_close(&r);
    assert_int_equal(r.weirds.n, 1);
    for (size_t cut = 1; cut < sizeof search_req; cut++) {
        memset(&c, 0, sizeof c);
        parser_run_open(&r, &ldap_udp_parser, &hooks, &c);
        parser_run_feed(&r, true, search_req, cut, 0);
        parser_run_close(&r);
        assert_int_equal(c.n_search_rows, 0);
    }
    assert_int_equal(ldap_parser.probe(bind_req, sizeof bind_req, true), APP_PROBE_YES);
    assert_int_equal(ldap_parser.probe(not_ldap, 8, true), APP_PROBE_NO);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bind_and_search),
        cmocka_unit_test(test_starttls_hands_over),
        cmocka_unit_test(test_deep_filter),
        cmocka_unit_test(test_unanswered_loop),
        cmocka_unit_test(test_pending_searches_limit),
        cmocka_unit_test(test_bad_lengths),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
