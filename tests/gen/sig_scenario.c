/* The sig scenario: traffic that triggers rules/vigil.rules and the rules of
 * tests/golden/sig.rules (one per keyword family), each next to a near miss
 * that must not fire: content at the wrong offset, the wrong direction, a
 * flowbit never set, a threshold not reached. */
#include <string.h>

#include "scenarios.h"

static const uint8_t addr_test[4] = {198, 51, 100, 7};

static void tcp_talk(struct gen *g, int iface, const char *client, const char *server, uint16_t cport, uint16_t sport,
                     uint64_t t, const char *ask, const char *answer)
{
    struct ip_pair ip;
    struct path pa;
    ethernet_v4(&ip, &pa, iface, client, server);
    struct tcp_flow f;
    tcp_flow_init(&f, g, &pa, &ip, cport, sport, t);
    tcp_handshake(&f);
    if (ask)
        tcp_send(&f, 0, (const uint8_t *)ask, strlen(ask));
    if (answer)
        tcp_send(&f, 1, (const uint8_t *)answer, strlen(answer));
    tcp_close(&f, 0);
}

static void dns_lookup(struct gen *g, int iface, uint16_t sport, uint64_t t, const char *name)
{
    struct ip_pair ip;
    struct path pa;
    ethernet_v4(&ip, &pa, iface, "192.168.7.10", "192.168.7.1");
    dns_exchange(g, &pa, &ip, sport, t, name, 1, addr_test, 4);
}

/* A request rule fires on the client's first packet after the server
 * acknowledged the request's headers (Suricata in IDS mode): here the
 * request's body, sent before any response. */
static void http_request_before_response(struct gen *g, int iface, uint64_t t)
{
    static const char head[] = "POST /upload HTTP/1.1\r\nHost: sig-test.example\r\nContent-Length: 4\r\n\r\n";
    static const char answer[] = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
    struct ip_pair ip;
    struct path pa;
    ethernet_v4(&ip, &pa, iface, "192.168.7.17", "203.0.113.80");
    struct tcp_flow f;
    tcp_flow_init(&f, g, &pa, &ip, 50060, 80, t);
    tcp_handshake(&f);
    tcp_send(&f, 0, (const uint8_t *)head, strlen(head));
    tcp_send(&f, 0, (const uint8_t *)"data", 4);
    tcp_send(&f, 1, (const uint8_t *)answer, strlen(answer));
    tcp_close(&f, 0);
}

bool scenario_sig(struct gen *g)
{
    int iface = add_ethernet_iface(g, 65535);
    uint64_t t = GEN_BASE_TIME_US;
    struct ip_pair ip;
    struct path pa;

    /* rules/vigil.rules: HTTP URI, DNS, TLS SNI, TCP payload marker */
    ethernet_v4(&ip, &pa, iface, "192.168.7.10", "203.0.113.80");
    http_session(g, &pa, &ip, 50001, t, "www.sig-test.example", "/vigil-sig-test/run", 200);
    http_session(g, &pa, &ip, 50002, t + SEC(1), "www.sig-test.example", "/x/vigil-sig-test", 200); /* not at start */
    dns_lookup(g, iface, 40001, t + SEC(2), "a.sig-test.example");
    dns_lookup(g, iface, 40002, t + SEC(3), "notsig-test.example"); /* dotprefix: not a subdomain */
    ethernet_v4(&ip, &pa, iface, "192.168.7.10", "203.0.113.44");
    tls_session(g, &pa, &ip, 50003, t + SEC(4), "login.sig-test.example", 3000);
    tcp_talk(g, iface, "192.168.7.10", "203.0.113.9", 50004, 7000, t + SEC(5), "hello VIGIL-SIG-MARKER", "ok");

    /* tests/golden/sig.rules: offsets, direction, flowbits, thresholds, pcre, byte_test */
    tcp_talk(g, iface, "192.168.7.11", "203.0.113.9", 50010, 7001, t + SEC(6), "CMD run", "RESULT 0");
    tcp_talk(g, iface, "192.168.7.11", "203.0.113.9", 50011, 7001, t + SEC(7), "xCMD run", "RESULT 0"); /* offset */
    tcp_talk(g, iface, "192.168.7.11", "203.0.113.9", 50012, 7001, t + SEC(8), "ok", "CMD run");      /* direction */
    tcp_talk(g, iface, "192.168.7.12", "203.0.113.9", 50013, 7002, t + SEC(9), "AUTH user", "WELCOME"); /* flowbit set */
    tcp_talk(g, iface, "192.168.7.12", "203.0.113.9", 50014, 7002, t + SEC(10), "HELLO", "WELCOME");    /* not set */
    for (int i = 0; i < 3; i++) /* threshold count 3 by_src: fires on the 3rd */
        tcp_talk(g, iface, "192.168.7.13", "203.0.113.9", (uint16_t)(50020 + i), 7003, t + SEC(11) + MS(100 * i),
                 "PING", NULL);
    for (int i = 0; i < 2; i++) /* another source: 2 of 3, never fires */
        tcp_talk(g, iface, "192.168.7.14", "203.0.113.9", (uint16_t)(50030 + i), 7003, t + SEC(12) + MS(100 * i),
                 "PING", NULL);
    tcp_talk(g, iface, "192.168.7.15", "203.0.113.9", 50040, 7004, t + SEC(13), "ID=12345;", NULL);
    tcp_talk(g, iface, "192.168.7.15", "203.0.113.9", 50041, 7004, t + SEC(14), "ID=12a45;", NULL); /* pcre miss */
    tcp_talk(g, iface, "192.168.7.16", "203.0.113.9", 50050, 7005, t + SEC(15), "LEN\x01\x10rest", NULL);
    tcp_talk(g, iface, "192.168.7.16", "203.0.113.9", 50051, 7005, t + SEC(16), "LEN\x00\x10rest", NULL); /* byte_test */
    http_request_before_response(g, iface, t + SEC(17));
    return true;
}
