/* Signatures: the rule parser (accepted, skipped and malformed rules, with
 * the reason), and the matcher by keyword family, each with a near miss
 * that must not fire. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "proto/event-t.h"
#include "decode/packet-t.h"
#include "proto/dns.h"
#include "proto/http.h"
#include "proto/parser.h"
#include "proto/tls.h"
#include "detect/alert-t.h"
#include "detect/sink-t.h"
#include "sig/sig.h"
#include "sig/state.h"
#include "unit/sig_harness.h"
#include "unit/tmpdir_harness.h"

/* --- helpers --- */

static int add(struct sig_set *s, const char *rule, char *why, size_t n)
{
    return sig_set_add_rule(s, rule, "test.rules", 1, why, n);
}

static void stream(struct sig_worker *w, uint64_t flow, bool to_server, const char *data, int64_t ts)
{
    test_stream_at(w, flow, to_server, 80, 0, ts, data, strlen(data));
}

/* A TCP segment from the test client to the server's port on an
 * established flow, seen as a packet; what fired before is forgotten. */
static void established_packet(struct sig_case *c, uint64_t flow, uint16_t dport, const char *payload, bool encrypted)
{
    struct packet p;
    test_packet(&p, 6, TEST_CLIENT, 40000, TEST_SERVER, dport, payload);
    struct sig_flow_info fi = {.flow_id = flow, .to_server = true, .established = true, .payload_encrypted = encrypted};
    c->f.n = 0;
    sig_packet(c->w, &p, &fi);
}

/* --- parser --- */

static void test_parse_outcomes(void **state)
{
    struct sig_set *s = sig_set_new(NULL);
    char why[600];
    assert_int_equal(add(s, "alert tcp any any -> any any (msg:\"ok\"; content:\"a|42 43|\"; sid:1;)", why, sizeof why), 0);
    assert_int_equal(add(s, "alert tcp any any -> any any (msg:\"x\"; xbits:set,a,track ip_src; sid:2;)", why, sizeof why), 1);
    assert_string_equal(why, "unsupported keyword 'xbits'");
    assert_int_equal(add(s, "alert modbus any any -> any any (msg:\"x\"; sid:3;)", why, sizeof why), 1);
    assert_string_equal(why, "unsupported protocol 'modbus'");
    static const char *const bad[][2] = {
        {"alert tcp any any -> any any (msg:\"x; content:\"a\"; sid:4;)", "unbalanced quotes"},
        {"alert tcp any any -> any any (msg:\"x\"; content:\"a\"; sid:4;", "unbalanced parentheses"},
        {"alert tcp any any -> any any (pcre:\"/(a/\"; sid:4;)", "bad pcre"},
        {"alert tcp any any -> any any (content:\"a\"; depth:1; within:3; sid:4;)", "mixed"},
        {"alert tcp $NOPE any -> any any (content:\"a\"; sid:4;)", "unknown variable $NOPE"},
        {"alert tcp any any -> any any (content:\"a\"; nocase; nocase; sid:4;)", "nocase twice"},
        {"alert tcp any any -> any any (flow:to_server,to_client; sid:4;)", "contradictory"},
        {"alert tcp any any -> any any (content:\"abc\"; sid:4; classtype:nope;)", "unknown classtype"},
        {"alert tcp any any -> any any (content:\"abc\";)", "no sid"},
        {"alert tcp [1.2.3.4 any -> any any (sid:4;)", "unbalanced brackets"},
        {"alert tcp any any -> any any (content:\"|4|\"; sid:4;)", "bad hex"},
        /* keywords that need a value, given none (the fuzzer's `sid;`) */
        {"alert tcp any any -> any any (content:\"a\"; sid;)", "bad sid"},
        {"alert tcp any any -> any any (content:\"a\"; rev; sid:4;)", "bad rev"},
        {"alert tcp any any -> any any (content:\"a\"; depth; sid:4;)", "depth"},
        {"alert tcp any any -> any any (dsize; sid:4;)", "dsize"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        why[0] = '\0';
        assert_int_equal(add(s, bad[i][0], why, sizeof why), -1);
        if (!strstr(why, bad[i][1]))
            fail_msg("rule %zu: '%s' does not say '%s'", i, why, bad[i][1]);
    }
    size_t big = 1024 * 1024;
    char *huge = malloc(big + 200);
    assert_non_null(huge);
    int o = snprintf(huge, 200, "alert tcp any any -> any any (content:\"");
    memset(huge + o, 'A', big);
    snprintf(huge + o + big, 200, "\"; sid:5;)");
    assert_int_equal(add(s, huge, why, sizeof why), -1);
    assert_non_null(strstr(why, "longer than"));
    free(huge);
    assert_int_equal(sig_set_count(s), 1);
    sig_set_free(s);
}

static void test_load_file_reports(void **state)
{
    const char *dir = *state;
    char path[256];
    tmpdir_path(dir, "a.rules", path, sizeof path);
    tmpdir_write_text(dir, "a.rules",
                      "# comment\n#alert tcp any any -> any any (sid:9;)\n"
                      "alert tcp any any -> any any (msg:\"one\"; content:\"x\"; \\\n  sid:1;)\n"
                      "alert tcp any any -> any any (msg:\"bad\"; content:\"x; sid:2;)\n"
                      "alert tcp any any -> any any (msg:\"skip\"; stream_size:server,>,1; sid:3;)\n"
                      "alert tcp any any -> any any (msg:\"two\"; content:\"y\"; sid:4;)\n");
    char errors[1024] = "";
    FILE *err_stream = fmemopen(errors, sizeof errors, "w");
    struct sig_set *s = sig_set_new(err_stream);
    struct sig_load_summary sum = {0};
    char err[256];
    const char *paths[] = {dir};
    sig_set_free(s);
    s = sig_set_load_all(paths, 1, err_stream, &sum, err, sizeof err);
    fclose(err_stream);
    assert_non_null(s);
    assert_int_equal(sum.rules, 4);
    assert_int_equal(sum.loaded, 2);
    assert_int_equal(sum.skipped, 1);
    assert_int_equal(sum.errors, 1);
    char want[300];
    snprintf(want, sizeof want, "%s:5: unbalanced quotes in option 'content'\n", path);
    assert_string_equal(errors, want);
    sig_set_free(s);
    const char *missing[] = {"/nonexistent/rules"};
    assert_null(sig_set_load_all(missing, 1, NULL, &sum, err, sizeof err));
    assert_non_null(strstr(err, "/nonexistent/rules"));
}

/* --- payload: content modifiers, pcre, byte_*, base64 --- */

static const char *const content_modifiers_rules[] = {
    "alert tcp any any -> any 80 (msg:\"depth\"; content:\"GET\"; depth:3; sid:1;)",
    "alert tcp any any -> any 80 (msg:\"offset miss\"; content:\"GET\"; offset:1; sid:2;)",
    "alert tcp any any -> any 80 (msg:\"distance within\"; content:\"GET\"; content:\"admin\"; distance:2; within:6; sid:3;)",
    "alert tcp any any -> any 80 (msg:\"within miss\"; content:\"GET\"; content:\"admin\"; distance:0; within:5; sid:4;)",
    "alert tcp any any -> any 80 (msg:\"nocase\"; content:\"get /ADMIN\"; nocase; sid:5;)",
    "alert tcp any any -> any 80 (msg:\"case miss\"; content:\"get /ADMIN\"; sid:6;)",
    "alert tcp any any -> any 80 (msg:\"negated\"; content:\"GET\"; content:!\"POST\"; sid:7;)",
    "alert tcp any any -> any 80 (msg:\"negated miss\"; content:\"GET\"; content:!\"admin\"; sid:8;)",
    "alert tcp any any -> any 80 (msg:\"pcre R\"; content:\"/admin\"; pcre:\"/^\\.php\\?id=\\d+/R\"; sid:9;)",
    "alert tcp any any -> any 80 (msg:\"pcre miss\"; content:\"/admin\"; pcre:\"/^\\.asp/R\"; sid:10;)",
    "alert tcp any any -> any 80 (msg:\"isdataat\"; content:\"id=\"; isdataat:2,relative; sid:11;)",
    "alert tcp any any -> any 80 (msg:\"isdataat miss\"; content:\"id=\"; isdataat:!1,relative; sid:12;)",
    "alert tcp any any -> any 80 (msg:\"startswith endswith\"; content:\"GET\"; startswith; content:\"42\"; endswith; sid:13;)",
    "alert tcp any any -> any 80 (msg:\"endswith miss\"; content:\"id\"; endswith; sid:14;)",
    "alert tcp any any -> any 80 (msg:\"backtrack\"; content:\"a\"; content:\"i\"; distance:0; within:4; content:\"n\"; distance:0; within:1; sid:15;)",
};

static void test_content_modifiers(void **state)
{
    struct sig_case *c = *state;
    stream(c->w, 1, true, "GET /admin.php?id=42", 1);
    for (uint32_t sid = 1; sid <= 15; sid += 2)
        if (!fired(&c->f, sid))
            fail_msg("sid %u did not fire", sid);
    for (uint32_t sid = 2; sid <= 14; sid += 2)
        if (fired(&c->f, sid))
            fail_msg("near miss sid %u fired", sid);
    assert_string_equal(c->f.file, "test.rules");
}

static const char *const byte_keywords_and_base64_rules[] = {
    "alert tcp any any -> any any (msg:\"byte_test\"; content:\"LEN\"; byte_test:2,>,255,0,relative; sid:1;)",
    "alert tcp any any -> any any (msg:\"byte_test miss\"; content:\"LEN\"; byte_test:2,<,255,0,relative; sid:2;)",
    "alert tcp any any -> any any (msg:\"byte_jump\"; content:\"LEN\"; byte_jump:2,0,relative; content:\"END\"; within:3; sid:3;)",
    "alert tcp any any -> any any (msg:\"byte_extract\"; content:\"CNT\"; byte_extract:1,0,n,relative; isdataat:n,relative; sid:5;)",
    "alert tcp any any -> any any (msg:\"string dec\"; content:\"SZ=\"; byte_test:3,=,123,0,relative,string,dec; sid:7;)",
    "alert tcp any any -> any any (msg:\"b64\"; content:\"B=\"; base64_decode:relative; base64_data; content:\"secret\"; sid:9;)",
    "alert tcp any any -> any any (msg:\"b64 miss\"; content:\"B=\"; base64_decode:relative; base64_data; content:\"public\"; sid:10;)",
};

static void test_byte_keywords_and_base64(void **state)
{
    struct sig_case *c = *state;
    /* LEN 0x0103 = 259, then 259 bytes, then END */
    static char msg[600];
    size_t o = 0;
    memcpy(msg, "LEN\x01\x03", 5);
    o = 5;
    memset(msg + o, 'x', 259);
    o += 259;
    memcpy(msg + o, "END CNT\x05" "abcde SZ=123 B=c2VjcmV0IQ==", 35);
    o += 35;
    msg[o] = '\0';
    test_stream_at(c->w, 7, true, 80, 0, 1, msg, o);
    expect_sids(&c->f, "1 3 5 7 9", "2 10");
}

/* tcp-pkt rules match TCP packets and tcp-stream / tcp rules the stream;
 * byte_jump's from_end moves the jump, not the read; its count may be a
 * byte_extract variable; dsize:!N needs a payload; rev 0 and the flow's
 * traffic/ flowbits reach the alert and the flow's tags. */
static const char *const packet_stream_split_and_jumps_rules[] = {
    "alert tcp-pkt any any -> any any (msg:\"pkt\"; content:\"EVIL\"; sid:1; rev:3;)",
    "alert tcp-stream any any -> any any (msg:\"stream\"; content:\"EVIL\"; sid:2;)",
    "alert tcp any any -> any any (msg:\"from_end\"; content:\"Q?\"; byte_jump:2,0,relative,string,dec,from_end,post_offset -31; content:\"pandemic\"; distance:0; within:8; sid:3;)",
    "alert tcp any any -> any any (msg:\"from_end miss\"; content:\"Q?\"; byte_jump:2,0,relative,string,dec,from_end,post_offset -30; content:\"pandemic\"; distance:0; within:8; sid:4;)",
    "alert tcp any any -> any any (msg:\"var count\"; content:\"N\"; byte_extract:1,0,k,relative,string,dec; byte_jump:k,0,relative,string,dec; content:\"Z\"; within:1; sid:5;)",
    "alert tcp any any -> any any (msg:\"dsize not\"; dsize:!9; sid:6;)",
    "alert tcp any any -> any any (msg:\"tag\"; content:\"EVIL\"; flowbits:set,traffic/id/evil; flowbits:set,traffic/label/bad; sid:7;)",
};

static void test_packet_stream_split_and_jumps(void **state)
{
    struct sig_case *c = *state;
    established_packet(c, 9, 80, "xEVILx", false);
    assert_true(fired(&c->f, 1));
    assert_false(fired(&c->f, 2));
    assert_false(fired(&c->f, 7)); /* a tcp rule's content is for the stream */
    assert_true(fired(&c->f, 6));
    established_packet(c, 9, 80, NULL, false);
    assert_false(fired(&c->f, 6)); /* dsize:!9 on an empty packet */
    c->f.n = 0;
    stream(c->w, 9, true, "xEVILx Q?12 when will the pandemic end? N200Z", 2);
    expect_sids(&c->f, "2 3 5 7", "1 4");
    assert_non_null(strstr(c->f.extra, "\"traffic\":{\"id\":[\"evil\"],\"label\":[\"bad\"]}"));
    struct sig_flow_tags tags;
    sig_flow_tags(c->w, 9, &tags);
    assert_true(tags.alerted);
    assert_int_equal(tags.n_ids, 1);
    assert_string_equal(tags.ids[0], "evil");
    assert_int_equal(tags.n_labels, 1);
    sig_flow_tags(c->w, 10, &tags);
    assert_false(tags.alerted);
}

/* --- flow, flowbits, thresholds --- */

static const char *const flow_flowbits_threshold_rules[] = {
    "alert tcp any any -> any any (msg:\"to_server\"; flow:established,to_server; content:\"LOGIN\"; flowbits:set,login; flowbits:noalert; sid:1;)",
    "alert tcp any any -> any any (msg:\"after login\"; flow:established,to_client; content:\"OK\"; flowbits:isset,login; sid:2;)",
    "alert tcp any any -> any any (msg:\"wrong dir\"; flow:to_client; content:\"LOGIN\"; sid:3;)",
    "alert tcp any any -> any any (msg:\"limit\"; content:\"PING\"; threshold:type limit, track by_src, count 2, seconds 60; sid:4;)",
    "alert tcp any any -> any any (msg:\"threshold\"; content:\"PING\"; threshold:type threshold, track by_src, count 3, seconds 60; sid:5;)",
    "alert tcp any any -> any any (msg:\"detection_filter\"; content:\"PING\"; detection_filter:track by_dst, count 3, seconds 60; sid:6;)",
};

static void test_flow_flowbits_threshold(void **state)
{
    struct sig_case *c = *state;
    stream(c->w, 10, false, "OK", 1); /* flowbit not set yet */
    assert_int_equal(c->f.n, 0);
    stream(c->w, 10, true, "LOGIN", 2);
    assert_int_equal(c->f.n, 0); /* noalert */
    stream(c->w, 11, false, "OK", 3); /* another flow: bit not set there */
    assert_int_equal(c->f.n, 0);
    stream(c->w, 10, false, "OK", 4);
    assert_int_equal(c->f.n, 1);
    assert_true(fired(&c->f, 2));

    struct fired g = {0};
    struct sig_worker *w2 = worker_for(c->set, &g);
    unsigned limit = 0, thr = 0, df = 0;
    for (int i = 0; i < 5; i++) {
        g.n = 0;
        stream(w2, 20, true, "PING", 1000000 + i);
        limit += fired(&g, 4);
        thr += fired(&g, 5);
        df += fired(&g, 6);
    }
    assert_int_equal(limit, 2);
    assert_int_equal(thr, 1);  /* the 3rd; the 6th would be next */
    assert_int_equal(df, 2);   /* the 4th and 5th */
    g.n = 0;
    stream(w2, 20, true, "PING", 1000000 + 61 * 1000000LL); /* a new window */
    assert_true(fired(&g, 4));
    sig_worker_free(w2);
}

/* The unkeyed hash the threshold table once used: x ^ mix(y) over an
 * address's two halves, so any source can be given a partner. */
static uint64_t unkeyed_mix(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    return x;
}

/* An attacker's source planned to share the victim's counter under a fixed
 * hash must count on its own: the victim's `limit` is not spent by it. */
static void test_threshold_sources_not_plannable(void **unused)
{
    struct sig_state st;
    assert_true(sig_state_init(&st));
    struct sig_rule *r = calloc(1, sizeof *r);
    assert_non_null(r);
    r->sid = 7;
    r->threshold.type = SIG_THR_LIMIT;
    r->threshold.track = SIG_TRACK_SRC;
    r->threshold.count = 1;
    r->threshold.seconds = 60;
    uint64_t victim[2] = {0x20010db8u, 0}, planned[2] = {0, 1};
    planned[0] = victim[0] ^ unkeyed_mix(victim[1]) ^ unkeyed_mix(planned[1]);
    struct ip_addr src_victim, src_planned, dst = {{0}};
    memcpy(src_victim.b, victim, 16);
    memcpy(src_planned.b, planned, 16);
    assert_true(sig_threshold_pass(&st, r, &src_planned, &dst, 0, 1000000));
    assert_true(sig_threshold_pass(&st, r, &src_victim, &dst, 0, 1000001));
    assert_false(sig_threshold_pass(&st, r, &src_victim, &dst, 0, 1000002)); /* its own limit */
    free(r);
    sig_state_free(&st);
}

static const char *const pass_backoff_by_flow_rules[] = {
    "alert tcp any any -> any any (msg:\"any X\"; content:\"X\"; sid:1;)",
    "pass tcp any any -> any any (msg:\"pass XOK\"; content:\"XOK\"; sid:2;)",
    "alert tcp any any -> any any (msg:\"backoff\"; content:\"B\"; threshold:type backoff, track by_flow, count 1, multiplier 2; sid:3;)",
    "alert tcp any any -> any any (msg:\"by_flow limit\"; content:\"L\"; threshold:type limit, track by_flow, count 1, seconds 60; sid:4;)",
};

static void test_pass_backoff_by_flow(void **state)
{
    struct sig_case *c = *state;
    stream(c->w, 1, true, "X", 1);
    assert_true(fired(&c->f, 1));
    c->f.n = 0;
    stream(c->w, 1, true, "XOK", 2); /* the pass rule silences the alert */
    assert_int_equal(c->f.n, 0);
    stream(c->w, 1, true, "X", 3); /* and passes the rest of the TCP flow */
    assert_int_equal(c->f.n, 0);
    unsigned alerts = 0;
    for (int i = 1; i <= 8; i++) {
        c->f.n = 0;
        stream(c->w, 2, true, "B", 10 + i);
        alerts += fired(&c->f, 3);
        if (fired(&c->f, 3) && i != 1 && i != 2 && i != 4 && i != 8)
            fail_msg("backoff alerted on match %d", i);
    }
    assert_int_equal(alerts, 4); /* 1, 2, 4, 8 */
    c->f.n = 0;
    stream(c->w, 3, true, "L", 20);
    stream(c->w, 3, true, "L", 21);
    stream(c->w, 4, true, "L", 22); /* another flow: its own count */
    assert_int_equal(c->f.n, 2);
}

/* --- packets: header fields and address groups --- */

static const char *const packet_fields_rules[] = {
    "alert icmp any any -> any any (msg:\"echo\"; itype:8; icode:0; sid:1;)",
    "alert icmp any any -> any any (msg:\"reply\"; itype:0; sid:2;)",
    "alert udp $HOME_NET any -> !$HOME_NET 53 (msg:\"dsize ttl\"; dsize:<100; ttl:64; sid:3;)",
    "alert udp $EXTERNAL_NET any -> any 53 (msg:\"from outside\"; sid:4;)",
    "alert udp any any -> any [!53,1000:2000] (msg:\"ports\"; sid:5;)",
    "alert ip any any -> any any (msg:\"ip_proto\"; ip_proto:17; content:\"QQ\"; sid:6;)",
    "alert ip [8.8.8.8,203.0.113.0/24] any -> any any (msg:\"reputation src miss\"; sid:7;)",
    "alert ip any any -> [1.1.1.1,8.8.8.0/24] any (msg:\"reputation dst\"; sid:8;)",
    "alert ip [8.8.8.8] any <> $HOME_NET any (msg:\"reputation bidir\"; sid:9;)",
    "alert ip [192.168.1.10,10.0.0.0/8] any -> [9.9.9.9] any (msg:\"reputation dst miss\"; sid:10;)",
};

static void test_packet_fields(void **state)
{
    struct sig_case *c = *state;
    struct packet p;
    test_packet(&p, 1, TEST_CLIENT, 0, "8.8.8.8", 0, NULL);
    p.icmp_type = 8;
    sig_packet(c->w, &p, NULL);
    expect_sids(&c->f, "1 8 9", "2 7 10");
    c->f.n = 0;
    p.l4_proto = 17;
    p.sport = 5353;
    p.dport = 53;
    p.ttl = 64;
    p.payload = (const uint8_t *)"QQ";
    p.payload_caplen = p.payload_len = 2;
    sig_packet(c->w, &p, NULL);
    expect_sids(&c->f, "3 6", "4 5");
}

/* --- transactions: sticky buffers and transforms --- */

static struct byte_view hs(const char *s)
{
    return (struct byte_view){.p = (const uint8_t *)s, .n = strlen(s)};
}

static const char *const http_buffers_rules[] = {
    "alert http any any -> any any (msg:\"uri\"; flow:established,to_server; http.method; content:\"POST\"; http.uri; content:\"/Login.php\"; startswith; sid:1;)",
    "alert http any any -> any any (msg:\"host\"; http.host; content:\"example.com\"; endswith; bsize:11; sid:2;)",
    "alert http any any -> any any (msg:\"ua header\"; http.user_agent; content:\"curl/\"; http.header; content:\"X-Token|3a 20|abc\"; sid:3;)",
    "alert http any any -> any any (msg:\"cookie\"; http.cookie; content:\"session=1\"; sid:4;)",
    "alert http any any -> any any (msg:\"header names\"; http.header_names; content:\"|0d 0a|Host|0d 0a|\"; sid:5;)",
    "alert http any any -> any any (msg:\"body\"; http.request_body; content:\"user=admin\"; sid:6;)",
    "alert http any any -> any any (msg:\"stat\"; flow:to_client; http.stat_code; content:\"302\"; http.location; content:\"evil\"; sid:7;)",
    "alert http any any -> any any (msg:\"lower\"; http.uri; to_lowercase; content:\"/login.php\"; sid:8;)",
    "alert http any any -> any any (msg:\"request line\"; http.request_line; content:\"POST /Login.php HTTP/1.1\"; sid:9;)",
    "alert http any any -> any any (msg:\"uri miss (case)\"; http.uri; content:\"/login.php\"; sid:10;)",
    "alert http any any -> any any (msg:\"legacy\"; content:\"POST\"; http_method; content:\"Login\"; http_uri; pcre:\"/php$/U\"; sid:11;)",
    "alert http any any -> any any (msg:\"urilen miss\"; urilen:>100; sid:12;)",
    "alert http any any -> any any (msg:\"dir miss\"; flow:to_client; http.method; content:\"POST\"; sid:14;)",
};

static void test_http_buffers(void **state)
{
    struct sig_case *c = *state;
    struct http_txn t;
    memset(&t, 0, sizeof t);
    t.method = hs("POST");
    t.uri = t.raw_uri = hs("/Login.php");
    t.host = hs("www.Example.com:8080");
    t.user_agent = hs("curl/8.0");
    t.request_protocol = hs("HTTP/1.1");
    t.request_headers = hs("Host: www.Example.com:8080\r\nUser-Agent: curl/8.0\r\nCookie: session=1\r\nX-Token: abc\r\n");
    t.response_headers = hs("Location: http://evil/\r\n");
    t.request_body_head = (const uint8_t *)"user=admin";
    t.request_body_head_len = 10;
    t.has_status = true;
    t.status_code = 302;
    t.version = hs("1.1");
    struct app_conn conn = test_conn(6, 80, 99);
    assert_true(ip_addr_parse(TEST_CLIENT, &conn.orig_h));
    assert_true(ip_addr_parse(TEST_SERVER, &conn.resp_h));
    conn.orig_p = 40000;
    sig_transaction(c->w, &conn, EVENT_HTTP, &t, 1);
    for (uint32_t sid = 1; sid <= 11; sid++) {
        bool want = sid != 10 && sid != 2; /* host has a port: the normalised host is "www.example.com" */
        if (fired(&c->f, sid) != want)
            fail_msg("sid %u: fired %d, expected %d", sid, fired(&c->f, sid), want);
    }
    assert_false(fired(&c->f, 12));
    assert_false(fired(&c->f, 14));
    /* the alert carries the transaction's app-layer object, as Suricata's */
    assert_non_null(strstr(c->f.extra, "\"http\":{\"hostname\":\"www.Example.com:8080\",\"url\":\"/Login.php\""));
}

static const char *const http_request_progress_rules[] = {
    "alert http any any -> any any (msg:\"request line\"; http.method; content:\"POST\"; sid:1;)",
    "alert http any any -> any any (msg:\"request body\"; http.request_body; content:\"user=\"; sid:2;)",
    "alert http any any -> any any (msg:\"response\"; http.stat_code; content:\"302\"; sid:3;)",
};

/* A request's rules run at the first EVENT_HTTP_REQUEST that shows what
 * they read (headers, then body), the response's with the transaction,
 * and the transaction does not run the request's again. */
static void test_http_request_progress(void **state)
{
    struct sig_case *c = *state;
    struct http_txn t;
    memset(&t, 0, sizeof t);
    t.method = hs("POST");
    t.request_body_head = (const uint8_t *)"user=admin";
    t.request_body_head_len = 10;
    t.has_status = true;
    t.status_code = 302;
    struct app_conn conn = test_conn(6, 80, 99);
    t.request_progress = HTTP_REQUEST_HEADERS;
    sig_transaction(c->w, &conn, EVENT_HTTP_REQUEST, &t, 1);
    expect_sids(&c->f, "1", "2 3");
    c->f.n = 0;
    t.request_inspected = HTTP_REQUEST_HEADERS;
    t.request_progress = HTTP_REQUEST_COMPLETE;
    sig_transaction(c->w, &conn, EVENT_HTTP_REQUEST, &t, 2);
    expect_sids(&c->f, "2", "1 3");
    c->f.n = 0;
    t.request_inspected = HTTP_REQUEST_COMPLETE;
    sig_transaction(c->w, &conn, EVENT_HTTP, &t, 3);
    expect_sids(&c->f, "3", "1 2");
    c->f.n = 0;
    t.request_inspected = HTTP_REQUEST_NONE; /* no request event before: the transaction runs them all */
    sig_transaction(c->w, &conn, EVENT_HTTP, &t, 4);
    expect_sids(&c->f, "1 2 3", "");
}

static const char *const dns_dotprefix_rules[] = {
    "alert dns any any -> any any (msg:\"dotprefix\"; dns.query; dotprefix; content:\".evil.example\"; nocase; endswith; sid:1;)",
    "alert dns any any -> any any (msg:\"suffix trap\"; dns.query; dotprefix; content:\".vil.example\"; endswith; sid:2;)",
};

static void test_dns_dotprefix(void **state)
{
    struct sig_case *c = *state;
    struct dns_message m;
    memset(&m, 0, sizeof m);
    m.n_questions = 1;
    m.questions[0].name = (struct byte_view){.p = (const uint8_t *)"a.EVIL.example", .n = 14};
    struct dns_txn t = {.msg = &m};
    struct app_conn conn = test_conn(17, 53, 5);
    sig_transaction(c->w, &conn, EVENT_DNS, &t, 1);
    assert_true(fired(&c->f, 1));
    assert_false(fired(&c->f, 2));
    c->f.n = 0;
    m.qr = true; /* a response: dns.query reads requests */
    sig_transaction(c->w, &conn, EVENT_DNS, &t, 2);
    assert_int_equal(c->f.n, 0);
}

/* A NUL byte inside the issuer's name (a classic certificate-spoofing trick)
 * is part of tls.cert_issuer, as Suricata's buffer keeps it. */
static const char *const tls_issuer_with_nul_rules[] = {
    "alert tls any any -> any any (msg:\"nul issuer\"; tls.cert_issuer; content:\"CN=Good|00| CA\"; sid:1;)",
    "alert tls any any -> any any (msg:\"near miss\"; tls.cert_issuer; content:\"CN=Good|00| CB\"; sid:2;)",
};

static void test_tls_issuer_with_nul(void **state)
{
    struct sig_case *c = *state;
    struct tls_txn *t = calloc(1, sizeof *t);
    assert_non_null(t);
    t->has_server_cert = true;
    static const char issuer[] = "C=US, CN=Good\0 CA";
    memcpy(t->issuerdn, issuer, sizeof issuer);
    t->issuerdn_len = sizeof issuer - 1;
    struct app_conn conn = test_conn(6, 443, 7);
    sig_transaction(c->w, &conn, EVENT_TLS, t, 1);
    assert_true(fired(&c->f, 1));
    assert_false(fired(&c->f, 2));
    free(t);
}

/* Past the TLS handshake a flow's payload is not for content rules (as
 * Suricata's no-inspection); header rules still see its packets. */
static const char *const encrypted_payload_not_inspected_rules[] = {
    "alert tcp-pkt any any -> any any (msg:\"pkt content\"; content:\"EVIL\"; sid:1;)",
    "alert tcp any any -> any 443 (msg:\"header\"; dsize:>3; sid:2;)",
};

static void test_encrypted_payload_not_inspected(void **state)
{
    struct sig_case *c = *state;
    established_packet(c, 3, 443, "xEVILx", false);
    expect_sids(&c->f, "1 2", "");
    established_packet(c, 3, 443, "xEVILx", true);
    expect_sids(&c->f, "2", "1");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_outcomes),
        SIG_CASE_TEST(test_tls_issuer_with_nul, "test.rules", tls_issuer_with_nul_rules),
        SIG_CASE_TEST(test_encrypted_payload_not_inspected, "test.rules", encrypted_payload_not_inspected_rules),
        TMPDIR_TEST(test_load_file_reports),
        SIG_CASE_TEST(test_content_modifiers, "test.rules", content_modifiers_rules),
        SIG_CASE_TEST(test_byte_keywords_and_base64, "test.rules", byte_keywords_and_base64_rules),
        SIG_CASE_TEST(test_packet_stream_split_and_jumps, "test.rules", packet_stream_split_and_jumps_rules),
        SIG_CASE_TEST(test_flow_flowbits_threshold, "test.rules", flow_flowbits_threshold_rules),
        cmocka_unit_test(test_threshold_sources_not_plannable),
        SIG_CASE_TEST(test_pass_backoff_by_flow, "test.rules", pass_backoff_by_flow_rules),
        SIG_CASE_TEST(test_packet_fields, "test.rules", packet_fields_rules),
        SIG_CASE_TEST(test_http_buffers, "test.rules", http_buffers_rules),
        SIG_CASE_TEST(test_dns_dotprefix, "test.rules", dns_dotprefix_rules),
        SIG_CASE_TEST(test_http_request_progress, "test.rules", http_request_progress_rules),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
