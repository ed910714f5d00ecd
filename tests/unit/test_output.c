#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "output/anomaly_events.h"
#include "output/eve.h"
#include "output/output.h"
#include "output/stats_log.h"
#include "output/zeek_log.h"
#include "unit/addr_harness.h"
#include "unit/tmpdir_harness.h"

#define TS0 1300475167096535LL /* 2011-03-18T19:06:07.096535Z */

/* The data lines of a log: everything not starting with '#', joined. */
static char *data_lines(const char *text)
{
    size_t n = strlen(text);
    char *out = calloc(1, n + 1);
    assert_non_null(out);
    size_t o = 0;
    for (const char *p = text; *p != '\0';) {
        const char *e = strchr(p, '\n');
        size_t len = e ? (size_t)(e - p) + 1 : strlen(p);
        if (p[0] != '#') {
            memcpy(out + o, p, len);
            o += len;
        }
        p += len;
    }
    return out;
}

struct conn_tuple {
    const char *orig_h;
    uint16_t orig_p;
    const char *resp_h;
    uint16_t resp_p;
    uint8_t proto;
};

/* c zeroed, then named: first packet, uid, flow id and 5-tuple. */
static void conn_start(struct conn_record *c, int64_t ts_us, const char *uid, uint64_t flow_id,
                       const struct conn_tuple *t)
{
    memset(c, 0, sizeof(*c));
    c->ts_us = ts_us;
    snprintf(c->uid, sizeof(c->uid), "%s", uid);
    c->flow_id = flow_id;
    c->orig_h = addr_of(t->orig_h);
    c->resp_h = addr_of(t->resp_h);
    c->orig_p = t->orig_p;
    c->resp_p = t->resp_p;
    c->proto = t->proto;
}

static void dns_conn(struct conn_record *c)
{
    const struct conn_tuple dns = {"141.142.220.118", 43927, "141.142.2.2", 53, 17};
    conn_start(c, TS0, "CHhAvVGS1DHFjwGM9", 1234, &dns);
    c->last_ts_us = TS0 + 435;
    c->service = "dns";
    c->has_duration = true;
    c->duration_us = 435;
    c->orig_bytes = 38;
    c->resp_bytes = 89;
    c->conn_state = "SF";
    c->local_orig = 0;
    c->local_resp = 0;
    snprintf(c->history, sizeof(c->history), "Dd");
    c->orig_pkts = 1;
    c->orig_ip_bytes = 66;
    c->resp_pkts = 1;
    c->resp_ip_bytes = 117;
    snprintf(c->community_id, sizeof(c->community_id), "1:xyz");
    c->end_reason = FLOW_END_TIMEOUT;
    c->eve_state = "established";
    c->orig_frame_bytes = 80;
    c->resp_frame_bytes = 131;
}

static void icmp6_conn(struct conn_record *c)
{
    const struct conn_tuple nd = {"fe80::217:f2ff:fed7:cf65", 135, "ff02::1", 136, 58};
    conn_start(c, 1300475168000000LL, "Cuid2", 77, &nd);
    c->last_ts_us = c->ts_us;
    c->conn_state = "OTH";
    c->local_orig = -1;
    c->local_resp = -1;
    c->orig_pkts = 1;
    c->orig_ip_bytes = 64;
    c->n_tunnel_parents = 2;
    snprintf(c->tunnel_parents[0], UID_LEN, "CabcDEF");
    snprintf(c->tunnel_parents[1], UID_LEN, "C,x-");
    c->end_reason = FLOW_END_SHUTDOWN;
    c->eve_state = "new";
    c->orig_frame_bytes = 78;
}

static void tcp_conn(struct conn_record *c)
{
    dns_conn(c);
    snprintf(c->uid, sizeof(c->uid), "Ctcp");
    c->proto = 6;
    c->resp_p = 80;
    c->service = "ssl";
    c->vlan = 10;
    c->inner_vlan = 20;
    c->last_ts_us = TS0 + 2500000;
    c->tcp_flags_ts = 0x1b;
    c->tcp_flags_tc = 0x12;
    c->end_reason = FLOW_END_EVICTED;
    c->eve_state = "closed";
    c->eve_tcp_state = "closed";
}

/* dns_conn's record written through one worker of o. */
static void write_dns_conn(struct output *o)
{
    struct output_worker *w = output_worker_new(o);
    struct conn_record c;
    dns_conn(&c);
    output_conn(w, &c);
    output_worker_free(w);
}

/* Writes records through one worker and returns the named file. */
static char *run_conns(const char *dir, unsigned formats, const struct conn_record *cs, size_t n,
                       const char *name)
{
    char err[256];
    struct output *o = output_open(dir, formats, err, sizeof(err));
    assert_non_null(o);
    struct output_worker *w = output_worker_new(o);
    assert_non_null(w);
    for (size_t i = 0; i < n; i++)
        output_conn(w, &cs[i]);
    output_worker_free(w);
    assert_int_equal(output_close(o, err, sizeof(err)), 0);
    return tmpdir_read(dir, name);
}

/* run_conns with dns_conn's and icmp6_conn's records; the file, not NULL. */
static char *run_dns_and_icmp6(const char *dir, unsigned formats, const char *name)
{
    struct conn_record cs[2];
    dns_conn(&cs[0]);
    icmp6_conn(&cs[1]);
    char *text = run_conns(dir, formats, cs, 2, name);
    assert_non_null(text);
    return text;
}

static const char dns_tsv[] =
    "1300475167.096535\tCHhAvVGS1DHFjwGM9\t141.142.220.118\t43927\t141.142.2.2\t53\tudp\tdns\t"
    "0.000435\t38\t89\tSF\tF\tF\t0\tDd\t1\t66\t1\t117\t-\t17\t1:xyz\n";
static const char icmp6_tsv[] =
    "1300475168.000000\tCuid2\tfe80::217:f2ff:fed7:cf65\t135\tff02::1\t136\ticmp\t-\t-\t-\t-\t"
    "OTH\t-\t-\t0\t-\t1\t64\t0\t0\tCabcDEF,C\\x2cx-\t58\t-\n";
static const char dns_json[] =
    "{\"ts\":1300475167.096535,\"uid\":\"CHhAvVGS1DHFjwGM9\",\"id.orig_h\":\"141.142.220.118\","
    "\"id.orig_p\":43927,\"id.resp_h\":\"141.142.2.2\",\"id.resp_p\":53,\"proto\":\"udp\","
    "\"service\":\"dns\",\"duration\":0.00043511390686035156,\"orig_bytes\":38,\"resp_bytes\":89,"
    "\"conn_state\":\"SF\",\"local_orig\":false,\"local_resp\":false,\"missed_bytes\":0,"
    "\"history\":\"Dd\",\"orig_pkts\":1,\"orig_ip_bytes\":66,\"resp_pkts\":1,\"resp_ip_bytes\":117,"
    "\"ip_proto\":17,\"community_id\":\"1:xyz\"}\n";
static const char icmp6_json[] =
    "{\"ts\":1300475168.0,\"uid\":\"Cuid2\",\"id.orig_h\":\"fe80::217:f2ff:fed7:cf65\","
    "\"id.orig_p\":135,\"id.resp_h\":\"ff02::1\",\"id.resp_p\":136,\"proto\":\"icmp\","
    "\"conn_state\":\"OTH\",\"missed_bytes\":0,\"orig_pkts\":1,\"orig_ip_bytes\":64,"
    "\"resp_pkts\":0,\"resp_ip_bytes\":0,\"tunnel_parents\":[\"CabcDEF\",\"C,x-\"],"
    "\"ip_proto\":58}\n";

static void test_conn_tsv(void **state)
{
    const char *dir = *state;
    char *text = run_dns_and_icmp6(dir, OUTPUT_ZEEK_TSV, "conn.log");

    static const char head[] =
        "#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n#path\tconn\n#open\t";
    assert_memory_equal(text, head, sizeof(head) - 1);
    const char *p = text + sizeof(head) - 1;
    /* 2026-11-27-18-38-28 */
    assert_int_equal(strcspn(p, "\n"), 19);
    assert_true(p[4] == '-' && p[7] == '-' && p[10] == '-' && p[13] == '-' && p[16] == '-');
    p += 20;
    static const char fields[] =
        "#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tservice\tduration\t"
        "orig_bytes\tresp_bytes\tconn_state\tlocal_orig\tlocal_resp\tmissed_bytes\thistory\t"
        "orig_pkts\torig_ip_bytes\tresp_pkts\tresp_ip_bytes\ttunnel_parents\tip_proto\tcommunity_id\n"
        "#types\ttime\tstring\taddr\tport\taddr\tport\tenum\tstring\tinterval\tcount\tcount\t"
        "string\tbool\tbool\tcount\tstring\tcount\tcount\tcount\tcount\tset[string]\tcount\tstring\n";
    assert_memory_equal(p, fields, sizeof(fields) - 1);
    p += sizeof(fields) - 1;
    assert_memory_equal(p, dns_tsv, sizeof(dns_tsv) - 1);
    p += sizeof(dns_tsv) - 1;
    assert_memory_equal(p, icmp6_tsv, sizeof(icmp6_tsv) - 1);
    p += sizeof(icmp6_tsv) - 1;
    assert_memory_equal(p, "#close\t", 7);
    assert_int_equal(strlen(p), 7 + 19 + 1);
    assert_int_equal(p[strlen(p) - 1], '\n');
    free(text);
}

static void test_conn_json(void **state)
{
    const char *dir = *state;
    /* JSON alone: conn.log holds JSON lines, no header (LogAscii::use_json=T) */
    char *text = run_dns_and_icmp6(dir, OUTPUT_ZEEK_JSON, "conn.log");
    char want[2048];
    snprintf(want, sizeof(want), "%s%s", dns_json, icmp6_json);
    assert_string_equal(text, want);
    free(text);
    /* both: TSV in conn.log, JSON in conn.json */
    struct conn_record dns;
    dns_conn(&dns);
    text = run_conns(dir, OUTPUT_ZEEK_TSV | OUTPUT_ZEEK_JSON, &dns, 1, "conn.json");
    assert_string_equal(text, dns_json);
    free(text);
    text = tmpdir_read(dir, "conn.log");
    char *rows = data_lines(text);
    assert_string_equal(rows, dns_tsv);
    free(rows);
    free(text);
    assert_null(tmpdir_read(dir, "eve.json"));
}

static void test_conn_eve(void **state)
{
    const char *dir = *state;
    struct conn_record cs[4];
    dns_conn(&cs[0]);
    tcp_conn(&cs[1]);
    icmp6_conn(&cs[2]);
    tcp_conn(&cs[3]);
    cs[3].logs = CONN_LOGS_ZEEK; /* its EVE flow goes on (flow/ holds it): no line */
    char *text = run_conns(dir, OUTPUT_EVE, cs, 4, "eve.json");
    assert_non_null(text);
    static const char want[] =
        "{\"timestamp\":\"2011-03-18T19:06:07.096970+0000\",\"flow_id\":1234,\"event_type\":\"flow\","
        "\"src_ip\":\"141.142.220.118\",\"src_port\":43927,\"dest_ip\":\"141.142.2.2\",\"dest_port\":53,"
        "\"ip_v\":4,\"proto\":\"UDP\",\"app_proto\":\"dns\",\"flow\":{\"pkts_toserver\":1,"
        "\"pkts_toclient\":1,\"bytes_toserver\":80,\"bytes_toclient\":131,"
        "\"start\":\"2011-03-18T19:06:07.096535+0000\",\"end\":\"2011-03-18T19:06:07.096970+0000\","
        "\"age\":0,\"state\":\"established\",\"reason\":\"timeout\",\"alerted\":false},"
        "\"community_id\":\"1:xyz\"}\n"
        "{\"timestamp\":\"2011-03-18T19:06:09.596535+0000\",\"flow_id\":1234,\"event_type\":\"flow\","
        "\"vlan\":[10,20],\"src_ip\":\"141.142.220.118\",\"src_port\":43927,\"dest_ip\":\"141.142.2.2\","
        "\"dest_port\":80,\"ip_v\":4,\"proto\":\"TCP\",\"app_proto\":\"tls\",\"flow\":{"
        "\"pkts_toserver\":1,\"pkts_toclient\":1,\"bytes_toserver\":80,\"bytes_toclient\":131,"
        "\"start\":\"2011-03-18T19:06:07.096535+0000\",\"end\":\"2011-03-18T19:06:09.596535+0000\","
        "\"age\":2,\"state\":\"closed\",\"reason\":\"forced\",\"alerted\":false},"
        "\"community_id\":\"1:xyz\",\"tcp\":{\"tcp_flags\":\"1b\",\"tcp_flags_ts\":\"1b\","
        "\"tcp_flags_tc\":\"12\",\"syn\":true,\"fin\":true,\"psh\":true,\"ack\":true,"
        "\"state\":\"closed\",\"ts_max_regions\":1,\"tc_max_regions\":1}}\n"
        "{\"timestamp\":\"2011-03-18T19:06:08.000000+0000\",\"flow_id\":77,\"event_type\":\"flow\","
        "\"src_ip\":\"fe80:0000:0000:0000:0217:f2ff:fed7:cf65\",\"dest_ip\":\"ff02:0000:0000:0000:0000:0000:0000:0001\",\"ip_v\":6,"
        "\"proto\":\"IPv6-ICMP\",\"icmp_type\":135,\"icmp_code\":0,\"flow\":{\"pkts_toserver\":1,"
        "\"pkts_toclient\":0,\"bytes_toserver\":78,\"bytes_toclient\":0,"
        "\"start\":\"2011-03-18T19:06:08.000000+0000\",\"end\":\"2011-03-18T19:06:08.000000+0000\","
        "\"age\":0,\"state\":\"new\",\"reason\":\"shutdown\",\"alerted\":false}}\n";
    assert_string_equal(text, want);
    free(text);
    /* the EVE flow of connections already logged: no conn.log row */
    cs[3].logs = CONN_LOGS_EVE;
    assert_null(run_conns(dir, OUTPUT_ZEEK_TSV, &cs[3], 1, "conn.log"));
}

static void weird_pair(struct weird_record *with, struct weird_record *without)
{
    memset(with, 0, sizeof(*with));
    with->ts_us = 1300475167500000LL;
    with->name = "DNS_max_compression_chain_depth_exceeded";
    with->addl = "6";
    with->source = "DNS";
    with->has_conn = true;
    snprintf(with->uid, sizeof(with->uid), "CHhAvVGS1DHFjwGM9");
    with->flow_id = 99;
    with->orig_h = addr_of("5.6.7.8");
    with->resp_h = addr_of("1.2.3.4");
    with->orig_p = 53;
    with->resp_p = 12345;
    with->proto = 17;
    snprintf(with->community_id, sizeof(with->community_id), "1:abc");

    memset(without, 0, sizeof(*without));
    without->ts_us = 1300475167500000LL;
    without->name = "truncated_IP";
    without->source = "";
}

static void test_weird(void **state)
{
    const char *dir = *state;
    struct weird_record rs[2];
    weird_pair(&rs[0], &rs[1]);
    char err[256];
    struct output *o = output_open(dir, OUTPUT_ZEEK_TSV | OUTPUT_EVE, err, sizeof(err));
    assert_non_null(o);
    struct output_worker *w = output_worker_new(o);
    output_weird(w, &rs[0]);
    output_weird(w, &rs[1]);
    output_worker_free(w);
    assert_int_equal(output_close(o, err, sizeof(err)), 0);

    char *text = tmpdir_read(dir, "weird.log");
    assert_non_null(strstr(text, "#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tname\t"
                                 "addl\tnotice\tpeer\tsource\n#types\ttime\tstring\taddr\tport\taddr\t"
                                 "port\tstring\tstring\tbool\tstring\tstring\n"));
    char *rows = data_lines(text);
    assert_string_equal(rows,
                        "1300475167.500000\tCHhAvVGS1DHFjwGM9\t5.6.7.8\t53\t1.2.3.4\t12345\t"
                        "DNS_max_compression_chain_depth_exceeded\t6\tF\tzeek\tDNS\n"
                        "1300475167.500000\t-\t-\t-\t-\t-\ttruncated_IP\t-\tF\tzeek\t-\n");
    free(rows);
    free(text);
    text = tmpdir_read(dir, "eve.json");
    assert_string_equal(
        text,
        "{\"timestamp\":\"2011-03-18T19:06:07.500000+0000\",\"flow_id\":99,\"event_type\":\"anomaly\","
        "\"src_ip\":\"5.6.7.8\",\"src_port\":53,\"dest_ip\":\"1.2.3.4\",\"dest_port\":12345,"
        "\"proto\":\"UDP\",\"ip_v\":4,\"pkt_src\":\"wire/pcap\",\"community_id\":\"1:abc\","
        "\"anomaly\":{\"app_proto\":\"dns\",\"type\":\"applayer\","
        "\"event\":\"DNS_max_compression_chain_depth_exceeded\",\"layer\":\"proto_parser\"}}\n"
        "{\"timestamp\":\"2011-03-18T19:06:07.500000+0000\",\"event_type\":\"anomaly\","
        "\"pkt_src\":\"wire/pcap\",\"anomaly\":{\"type\":\"decode\",\"event\":\"truncated_IP\"}}\n");
    free(text);
}

/* data/anomaly_events.tsv's rows: a weird renamed for EVE (IPv4 only), one
 * kept out of weird.log, an app-layer one; unlisted weirds unchanged. */
static void test_weird_anomaly_events(void **state)
{
    const char *dir = *state;
    char path[64], err[256];
    tmpfile_with(path, sizeof path, "anomaly-events", "# comment\n"
                 "truncated_IP_len\t4\tT\tdecode\t-\tdecoder.ipv4.trunc_pkt\n"
                 "ICMP_unknown_type\t-\tF\tdecode\t-\tdecoder.icmpv4.unknown_type\n"
                 "smtp_x\t-\tT\tapplayer\tsmtp\tINVALID_X\n");
    struct anomaly_events *names = anomaly_events_load(path, err, sizeof err);
    unlink(path);
    assert_non_null(names);
    assert_null(anomaly_events_find(names, "truncated_IP_len", 6));
    assert_string_equal(anomaly_events_find(names, "smtp_x", 4)->eve_app_proto, "smtp");

    struct output *o = output_open(dir, OUTPUT_ZEEK_TSV | OUTPUT_EVE, err, sizeof(err));
    assert_non_null(o);
    output_set_anomaly_events(o, names);
    struct output_worker *w = output_worker_new(o);
    struct weird_record r = {.ts_us = 1300475167500000LL, .name = "truncated_IP_len", .has_addrs = true};
    ip_addr_from_v4(&r.orig_h, (const uint8_t[]){10, 0, 0, 1});
    ip_addr_from_v4(&r.resp_h, (const uint8_t[]){10, 0, 0, 2});
    output_weird(w, &r);
    r.name = "ICMP_unknown_type";
    output_weird(w, &r);
    r.name = "unlisted";
    output_weird(w, &r);
    output_worker_free(w);
    assert_int_equal(output_close(o, err, sizeof(err)), 0);
    char *text = tmpdir_read(dir, "weird.log");
    char *rows = data_lines(text);
    assert_non_null(strstr(rows, "\ttruncated_IP_len\t"));
    assert_null(strstr(rows, "ICMP_unknown_type"));
    assert_non_null(strstr(rows, "\tunlisted\t"));
    free(rows);
    free(text);
    text = tmpdir_read(dir, "eve.json");
    assert_non_null(strstr(text, "\"event\":\"decoder.ipv4.trunc_pkt\""));
    assert_non_null(strstr(text, "\"event\":\"decoder.icmpv4.unknown_type\""));
    assert_non_null(strstr(text, "\"event\":\"unlisted\""));
    free(text);

    tmpfile_with(path, sizeof path, "anomaly-events", "ok\t-\tT\tdecode\t-\tx\nbad\t5\tT\tdecode\t-\ty\n");
    assert_null(anomaly_events_load(path, err, sizeof err));
    unlink(path);
    assert_non_null(strstr(err, ":2: "));
}

static const struct zeek_field esc_fields[] = {
    {"s1", ZEEK_STRING}, {"s2", ZEEK_STRING}, {"s3", ZEEK_STRING}, {"s4", ZEEK_STRING},
    {"s5", ZEEK_STRING}, {"s6", ZEEK_STRING}, {"s7", ZEEK_STRING}, {"s8", ZEEK_STRING},
    {"set", ZEEK_SET_STRING}, {"vec", ZEEK_VECTOR_COUNT}, {"d", ZEEK_DOUBLE},
};
static const struct zeek_schema esc_schema = ZEEK_SCHEMA("esc", esc_fields);

static void write_escape_row(struct output_worker *w)
{
    struct zrow *r = zrow_begin(w, &esc_schema);
    assert_non_null(r);
    zrow_cstr(r, "-");
    zrow_cstr(r, "(empty)");
    zrow_cstr(r, "");
    zrow_cstr(r, "a\tb");
    zrow_string(r, "\x01\xff\\", 3);
    zrow_cstr(r, "\xc3\xa9");
    zrow_cstr(r, "-x");
    zrow_cstr(r, NULL);
    struct byte_view items[] = {{(const uint8_t *)"a,b", 3}, {(const uint8_t *)"-", 1}, {(const uint8_t *)"", 0}};
    zrow_strings(r, items, 3);
    zrow_list_begin(r);
    zrow_list_end(r);
    zrow_double(r, 2.5);
    zrow_end(r);
}

static void test_escaping(void **state)
{
    const char *dir = *state;
    char err[256];
    struct output *o = output_open(dir, OUTPUT_ZEEK_TSV | OUTPUT_ZEEK_JSON, err, sizeof(err));
    struct output_worker *w = output_worker_new(o);
    write_escape_row(w);
    /* a row missing values is completed with unset fields and counted */
    struct zrow *r = zrow_begin(w, &esc_schema);
    zrow_cstr(r, "only");
    zrow_end(r);
    output_worker_free(w);
    struct output_stats st;
    output_get_stats(o, &st);
    assert_int_equal(st.bad_rows, 1);
    assert_int_equal(st.lines_written, 4);
    assert_int_equal(output_close(o, err, sizeof(err)), 0);

    char *text = tmpdir_read(dir, "esc.log");
    assert_non_null(strstr(text, "#types\tstring\tstring\tstring\tstring\tstring\tstring\tstring\t"
                                 "string\tset[string]\tvector[count]\tdouble\n"));
    char *rows = data_lines(text);
    assert_string_equal(rows, "\\x2d\t\\x28empty)\t(empty)\ta\\x09b\t\\x01\\xff\\\\\t\xc3\xa9\t-x\t-\t"
                              "a\\x2cb,\\x2d,(empty)\t(empty)\t2.5\n"
                              "only\t-\t-\t-\t-\t-\t-\t-\t-\t-\t-\n");
    free(rows);
    free(text);
    text = tmpdir_read(dir, "esc.json");
    assert_string_equal(text, "{\"s1\":\"-\",\"s2\":\"(empty)\",\"s3\":\"\",\"s4\":\"a\\tb\","
                              "\"s5\":\"\\\\x01\\\\xff\\\\\",\"s6\":\"\xc3\xa9\",\"s7\":\"-x\","
                              "\"set\":[\"a,b\",\"-\",\"\"],\"vec\":[],\"d\":2.5}\n"
                              "{\"s1\":\"only\"}\n");
    free(text);
}

/* Zeek's rule: a piece of a string between escape sequences keeps its
 * multibyte characters only when no byte of it needs \xNN. */
static void test_zeek_utf8_tsv(void **state)
{
    static const struct zeek_field fields[] = {
        {"a", ZEEK_STRING}, {"b", ZEEK_STRING}, {"c", ZEEK_STRING}, {"d", ZEEK_STRING}, {"e", ZEEK_STRING},
    };
    static const struct zeek_schema schema = ZEEK_SCHEMA("utf", fields);
    const char *dir = *state;
    char err[256];
    struct output *o = output_open(dir, OUTPUT_ZEEK_TSV, err, sizeof(err));
    struct output_worker *w = output_worker_new(o);
    struct zrow *r = zrow_begin(w, &schema);
    zrow_cstr(r, "\x07\xd4\xb7o");
    zrow_cstr(r, "\xc3\xb1\xc0\x81");
    zrow_cstr(r, "\xc3\xb1\\\x07");
    zrow_cstr(r, "\xc3\xb1\n");
    zrow_cstr(r, "\xc3\xb1\xe2\x82\xa1");
    zrow_end(r);
    output_worker_free(w);
    assert_int_equal(output_close(o, err, sizeof(err)), 0);
    char *text = tmpdir_read(dir, "utf.log");
    char *rows = data_lines(text);
    assert_string_equal(rows, "\\x07\\xd4\\xb7o\t\\xc3\\xb1\\xc0\\x81\t\xc3\xb1\\\\\\x07\t\\xc3\\xb1\\x0a\t"
                              "\xc3\xb1\xe2\x82\xa1\n");
    free(rows);
    free(text);
}

struct writer_arg {
    struct output *o;
    int id;
};

#define LINES_PER_THREAD 100000

static void *writer_thread(void *p)
{
    struct writer_arg *a = p;
    struct output_worker *w = output_worker_new(a->o);
    struct conn_record c;
    dns_conn(&c);
    for (int i = 0; i < LINES_PER_THREAD; i++) {
        snprintf(c.uid, sizeof(c.uid), "T%d-%d", a->id, i);
        c.orig_bytes = (uint64_t)i;
        output_conn(w, &c);
    }
    output_worker_free(w);
    return NULL;
}

static void test_two_threads(void **state)
{
    const char *dir = *state;
    char err[256];
    struct output *o = output_open(dir, OUTPUT_ZEEK_TSV, err, sizeof(err));
    assert_non_null(o);
    pthread_t t[2];
    struct writer_arg args[2] = {{o, 0}, {o, 1}};
    for (int i = 0; i < 2; i++)
        assert_int_equal(pthread_create(&t[i], NULL, writer_thread, &args[i]), 0);
    for (int i = 0; i < 2; i++)
        pthread_join(t[i], NULL);
    assert_int_equal(output_close(o, err, sizeof(err)), 0);

    char *text = tmpdir_read(dir, "conn.log");
    assert_non_null(text);
    int per_thread[2] = {0, 0};
    int next_index[2] = {0, 0};
    int headers = 0;
    for (char *line = text; *line != '\0';) {
        char *end = strchr(line, '\n');
        assert_non_null(end); /* every line, the last included, is whole */
        *end = '\0';
        if (line[0] == '#') {
            headers++;
            line = end + 1;
            continue;
        }
        int tabs = 0;
        for (char *c = line; *c; c++)
            tabs += *c == '\t';
        assert_int_equal(tabs, 22);
        char *uid = strchr(line, '\t') + 1;
        assert_int_equal(uid[0], 'T');
        char *rest;
        unsigned long id = strtoul(uid + 1, &rest, 10);
        assert_true(id <= 1 && *rest == '-');
        unsigned long idx = strtoul(rest + 1, &rest, 10);
        assert_int_equal(*rest, '\t');
        /* each worker's lines keep their order */
        assert_int_equal(idx, (unsigned long)next_index[id]);
        next_index[id]++;
        per_thread[id]++;
        assert_memory_equal(end - 9, "\t17\t1:xyz", 9);
        line = end + 1;
    }
    assert_int_equal(headers, 9);
    assert_int_equal(per_thread[0], LINES_PER_THREAD);
    assert_int_equal(per_thread[1], LINES_PER_THREAD);
    free(text);
}

static void test_unwritable_dir(void **state)
{
    const char *dir = *state;
    char path[512];
    tmpdir_write_text(dir, "plainfile", "");
    snprintf(path, sizeof(path), "%s/plainfile/logs", dir);
    char err[256] = "";
    assert_null(output_open(path, OUTPUT_ZEEK_TSV, err, sizeof(err)));
    assert_non_null(strstr(err, "plainfile"));
    assert_null(strchr(err, '\n'));
}

/* A conn.log symlink planted in the output directory must not get its
 * target truncated and overwritten (issue 10.4). */
static void test_symlinked_log_is_refused_not_followed(void **state)
{
    const char *dir = *state;
    char path[512], victim[512];
    snprintf(path, sizeof(path), "%s/conn.log", dir);
    snprintf(victim, sizeof(victim), "%s/victim", dir);
    tmpdir_write_text(dir, "victim", "precious\n");
    assert_int_equal(symlink(victim, path), 0);
    char err[256] = "";
    struct output *o = output_open(dir, OUTPUT_ZEEK_TSV, err, sizeof(err));
    assert_non_null(o);
    write_dns_conn(o);
    assert_int_equal(output_lines_lost(o), 1);
    assert_int_equal(output_close(o, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "conn.log"));
    assert_non_null(strstr(err, "symbolic link"));
    char *kept = tmpdir_read(dir, "victim");
    assert_string_equal(kept, "precious\n");
    free(kept);
}

/* A FIFO (or any non-regular file) under a log's name is refused without
 * blocking the open. */
static void test_fifo_log_is_refused_without_blocking(void **state)
{
    const char *dir = *state;
    char path[512];
    snprintf(path, sizeof(path), "%s/conn.log", dir);
    assert_int_equal(mkfifo(path, 0600), 0);
    char err[256] = "";
    struct output *o = output_open(dir, OUTPUT_ZEEK_TSV, err, sizeof(err));
    write_dns_conn(o);
    assert_int_equal(output_close(o, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "not a regular file"));
}

/* Logs are created without group write or any access for others. */
static void test_logs_created_0640(void **state)
{
    const char *dir = *state;
    char err[256] = "", path[512];
    mode_t old = umask(0);
    struct output *o = output_open(dir, OUTPUT_ZEEK_TSV, err, sizeof(err));
    write_dns_conn(o);
    assert_int_equal(output_close(o, err, sizeof(err)), 0);
    umask(old);
    snprintf(path, sizeof(path), "%s/conn.log", dir);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0640);
}

static void test_no_zeek_formats(void **state)
{
    const char *dir = *state;
    char err[256];
    struct output *o = output_open(dir, OUTPUT_EVE, err, sizeof(err));
    struct output_worker *w = output_worker_new(o);
    /* rows are no-ops when no Zeek format is on, and NULL rows are safe */
    assert_null(zrow_begin(w, &esc_schema));
    zrow_cstr(NULL, "x");
    zrow_end(NULL);
    /* nothing written -> no file created */
    output_worker_free(w);
    assert_int_equal(output_close(o, err, sizeof(err)), 0);
    assert_null(tmpdir_read(dir, "eve.json"));
    assert_null(tmpdir_read(dir, "esc.log"));
}

static void test_eve_time(void **state)
{
    (void)state;
    char text[48];
    size_t n = eve_format_time(text, 0);
    text[n] = '\0';
    assert_string_equal(text, "1970-01-01T00:00:00.000000+0000");
    n = eve_format_time(text, -1);
    text[n] = '\0';
    assert_string_equal(text, "1969-12-31T23:59:59.999999+0000");
    n = eve_format_time(text, 1709251199999999LL); /* leap year */
    text[n] = '\0';
    assert_string_equal(text, "2024-02-29T23:59:59.999999+0000");
}

/* stats.log: Zeek's columns in order, changes since the previous row for
 * running totals, levels as they are, unset where Vigil has no counter,
 * and the logs failing named. */
/* Data row n (0-based) of dir/stats.log, its trailing newline cut. */
static void stats_row(const char *dir, int n, char *row, size_t len)
{
    char path[512];
    snprintf(path, sizeof path, "%s/stats.log", dir);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    row[0] = '\0';
    int seen = 0;
    while (fgets(row, (int)len, f) != NULL)
        if (row[0] != '#' && seen++ == n)
            break;
    fclose(f);
    assert_int_equal(seen, n + 1);
    row[strcspn(row, "\n")] = '\0';
}

static void set(struct stats_sample *s, enum stats_counter k, uint64_t v)
{
    s->value[k] = v;
    s->known[k] = true;
}

/* A stats log written into dir's Zeek TSV output. */
struct stats_run {
    struct output *o;
    struct stats_log *log;
};

static struct stats_run stats_run_open(const char *dir)
{
    char err[256];
    struct stats_run run = {.o = output_open(dir, OUTPUT_ZEEK_TSV, err, sizeof err)};
    assert_non_null(run.o);
    run.log = stats_log_new(run.o);
    assert_non_null(run.log);
    return run;
}

/* The output closed cleanly, then the stats log freed. */
static void stats_run_close(struct stats_run *run)
{
    char err[256];
    assert_int_equal(output_close(run->o, err, sizeof err), 0);
    stats_log_free(run->log);
}

/* Every per-worker counter of two workers. */
static void set_two_workers(struct stats_sample *s, const uint64_t values[STATS_WORKER_COUNTERS][2])
{
    for (int k = 0; k < STATS_WORKER_COUNTERS; k++)
        memcpy(s->worker[k], values[k], sizeof values[k]);
}

static void test_rows_show_changes_levels_unset_and_failing_logs(void **state)
{
    const char *dir = *state;
    struct stats_run run = stats_run_open(dir);

    struct stats_sample s = {.wall_us = 1700000000000000LL};
    set(&s, STATS_MEM_MB, 7);
    set(&s, STATS_PKTS_PROC, 10);
    set(&s, STATS_BYTES_RECV, 1000);
    set(&s, STATS_LOG_LINES_LOST, 0);
    stats_log_write(run.log, &s);
    s.wall_us += 1000000;
    set(&s, STATS_PKTS_PROC, 25);
    set(&s, STATS_BYTES_RECV, 1600);
    set(&s, STATS_PKT_LAG_US, 1500000);
    set(&s, STATS_LOG_LINES_LOST, 3);
    s.failing_logs[0] = "dns.log";
    s.failing_logs[1] = "eve.json";
    s.n_failing = 2;
    stats_log_write(run.log, &s);
    stats_run_close(&run);

    char row[1024];
    /* ts peer mem pkts_proc bytes_recv pkts_dropped pkts_link pkt_lag, 19 Zeek columns Vigil has no
     * counter for, pkts_if_dropped log_lines_lost log_lines_lost_total flows_logged, worker_pkts
     * worker_bytes worker_dropped (no per-worker counters: unset), failing_logs */
    stats_row(dir, 0, row, sizeof row);
    assert_string_equal(row, "1700000000.000000\tvigil\t7\t10\t1000\t-\t-\t-"
                             "\t-\t-\t-\t-\t-\t-\t-\t-\t-\t-\t-\t-\t-\t-\t-\t-\t-\t-\t-"
                             "\t-\t0\t0\t-\t-\t-\t-\t(empty)");
    stats_row(dir, 1, row, sizeof row);
    assert_string_equal(row, "1700000001.000000\tvigil\t7\t15\t600\t-\t-\t1.500000"
                             "\t-\t-\t-\t-\t-\t-\t-\t-\t-\t-\t-\t-\t-\t-\t-\t-\t-\t-\t-"
                             "\t-\t3\t3\t-\t-\t-\t-\tdns.log,eve.json");
}

/* Per worker (a capture ring each): one vector item per worker, the change
 * since the previous row, as the scalar counts; flows logged likewise. */
static void test_worker_vectors_show_changes(void **state)
{
    const char *dir = *state;
    struct stats_run run = stats_run_open(dir);
    struct stats_sample s = {.wall_us = 1700000000000000LL, .n_workers = 2};
    set(&s, STATS_PKTS_DROPPED, 4);
    set(&s, STATS_FLOWS_LOGGED, 3);
    const uint64_t first[STATS_WORKER_COUNTERS][2] = {{10, 20}, {1000, 2000}, {1, 3}};
    const uint64_t second[STATS_WORKER_COUNTERS][2] = {{15, 50}, {1500, 5000}, {1, 7}};
    set_two_workers(&s, first);
    stats_log_write(run.log, &s);
    s.wall_us += 1000000;
    set(&s, STATS_PKTS_DROPPED, 8);
    set(&s, STATS_FLOWS_LOGGED, 10);
    set_two_workers(&s, second);
    stats_log_write(run.log, &s);
    stats_run_close(&run);

    char row[1024];
    stats_row(dir, 0, row, sizeof row);
    assert_non_null(strstr(row, "\t-\t-\t-\t-\t3\t10,20\t1000,2000\t1,3\t(empty)"));
    assert_non_null(strstr(row, "\tvigil\t-\t-\t-\t4\t"));
    stats_row(dir, 1, row, sizeof row);
    assert_non_null(strstr(row, "\t-\t-\t-\t-\t7\t5,30\t500,3000\t0,4\t(empty)"));
    assert_non_null(strstr(row, "\tvigil\t-\t-\t-\t4\t"));
}

/* A log refused (a planted symlink) is named among the failing ones. */
static void test_failing_logs_named(void **state)
{
    const char *dir = *state;
    char err[256], path[512];
    snprintf(path, sizeof path, "%s/stats.log", dir);
    assert_int_equal(symlink("/dev/null", path), 0);
    struct output *o = output_open(dir, OUTPUT_ZEEK_TSV, err, sizeof err);
    struct stats_log *log = stats_log_new(o);
    struct stats_sample s = {.wall_us = 1700000000000000LL};
    const char *names[4];
    assert_int_equal(output_failing_logs(o, names, 4), 0);
    stats_log_write(log, &s);
    assert_int_equal(output_failing_logs(o, names, 4), 1);
    assert_string_equal(names[0], "stats.log");
    assert_int_equal(output_lines_lost(o), 1);
    assert_int_equal(output_close(o, err, sizeof err), -1);
    stats_log_free(log);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        TMPDIR_TEST(test_conn_tsv),      TMPDIR_TEST(test_conn_json),
        TMPDIR_TEST(test_conn_eve),      TMPDIR_TEST(test_weird),
        TMPDIR_TEST(test_weird_anomaly_events),
        TMPDIR_TEST(test_escaping), TMPDIR_TEST(test_zeek_utf8_tsv), TMPDIR_TEST(test_two_threads),
        TMPDIR_TEST(test_unwritable_dir), TMPDIR_TEST(test_symlinked_log_is_refused_not_followed),
        TMPDIR_TEST(test_fifo_log_is_refused_without_blocking), TMPDIR_TEST(test_logs_created_0640),
        TMPDIR_TEST(test_no_zeek_formats), cmocka_unit_test(test_eve_time),
        TMPDIR_TEST(test_rows_show_changes_levels_unset_and_failing_logs),
        TMPDIR_TEST(test_failing_logs_named),
        TMPDIR_TEST(test_worker_vectors_show_changes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
