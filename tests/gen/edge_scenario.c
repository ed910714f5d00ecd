/* Captures of the edges a real sensor meets: HTTP/0.9 and request lines
 * without a version, Ethernet padding after short IP packets, 802.11 frames
 * that carry nothing to decode, and connections seen from their middle;
 * a multipart/form-data upload. */
#include <stdio.h>
#include <string.h>

#include "scenarios.h"

static const uint8_t answer_addr[4] = {192, 0, 2, 80};

/* One request over a fresh connection, the reply as the server sends it,
 * the server closing (HTTP/0.9 ends the reply with the connection). */
static uint64_t http_raw_exchange(struct gen *g, struct path *pa, const struct ip_pair *ip, uint16_t cport,
                                  uint64_t t, const char *request, const char *reply)
{
    struct tcp_flow f;
    tcp_flow_init(&f, g, pa, ip, cport, 80, t);
    tcp_handshake(&f);
    tcp_send(&f, 0, (const uint8_t *)request, strlen(request));
    tcp_wait(&f, 3000);
    if (reply)
        tcp_send(&f, 1, (const uint8_t *)reply, strlen(reply));
    tcp_close(&f, 1);
    return f.now;
}

/* The request in pieces of `piece` bytes: each frame is shorter than
 * Ethernet's 60 bytes and padded, so a decoder that took the padding for
 * payload would corrupt the request line and the byte counts. */
static uint64_t http_padded_exchange(struct gen *g, struct path *pa, const struct ip_pair *ip, uint16_t cport,
                                     uint64_t t, size_t piece)
{
    static const char request[] = "GET /padded HTTP/1.0\r\nHost: pad.example\r\n\r\n";
    static const char reply[] = "HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok";
    struct tcp_flow f;
    tcp_flow_init(&f, g, pa, ip, cport, 80, t);
    tcp_handshake(&f);
    for (size_t off = 0; off < sizeof request - 1; off += piece) {
        size_t n = sizeof request - 1 - off < piece ? sizeof request - 1 - off : piece;
        tcp_segment(&f, 0, TCP_ACK_FLAG | TCP_PSH_FLAG, (const uint8_t *)request + off, n);
        tcp_wait(&f, 400);
    }
    tcp_segment(&f, 1, TCP_ACK_FLAG, NULL, 0);
    tcp_wait(&f, 2000);
    tcp_send(&f, 1, (const uint8_t *)reply, sizeof reply - 1);
    tcp_close(&f, 1);
    return f.now;
}

/* The server answers "Connection: close" yet the client asks on (the
 * case of suricata-verify's http-gap-beyond-body): a request without a
 * length has no body, so the next request line is a request, not the
 * body of the one before it. */
static void http_asks_on_after_close(struct gen *g, struct path *pa, const struct ip_pair *ip, uint16_t cport,
                                     uint64_t t)
{
    static const char first[] = "GET /first HTTP/1.0\r\nHost: files.example\r\n\r\n";
    static const char reply[] = "HTTP/1.0 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok";
    static const char second[] = "GET /second HTTP/1.0\r\nHost: files.example\r\n\r\n";
    static const char third[] = "GET /third HTTP/1.0\r\nHost: files.example\r\n\r\n";
    struct tcp_flow f;
    tcp_flow_init(&f, g, pa, ip, cport, 80, t);
    tcp_handshake(&f);
    tcp_send(&f, 0, (const uint8_t *)first, sizeof first - 1);
    tcp_wait(&f, 3000);
    tcp_send(&f, 1, (const uint8_t *)reply, sizeof reply - 1);
    tcp_send(&f, 0, (const uint8_t *)second, sizeof second - 1);
    tcp_send(&f, 0, (const uint8_t *)third, sizeof third - 1);
    tcp_close(&f, 1);
}

bool scenario_http_edge(struct gen *g)
{
    int iface = add_ethernet_iface(g, 65535);
    g->tcp_timestamps_off = true; /* 54-byte TCP frames: every bare ACK is padded */
    g->pad_frames = true;
    uint64_t t = GEN_BASE_TIME_US;
    struct ip_pair ip;
    struct path pa;
    ethernet_v4(&ip, &pa, iface, "10.12.0.5", "10.12.0.80");

    /* HTTP/0.9: no version on the request line, a reply without status line or headers */
    http_raw_exchange(g, &pa, &ip, 41001, t, "GET /old.html\r\n", "<html>HTTP/0.9 page</html>\n");
    /* a request line without a version with a method HTTP/0.9 never had */
    http_raw_exchange(g, &pa, &ip, 41002, t + SEC(2), "POST /form\r\n", "<html>posted</html>\n");
    /* no URI either: not a request (Zeek's bad_HTTP_request) */
    http_raw_exchange(g, &pa, &ip, 41003, t + SEC(4), "GET\r\n", NULL);
    /* an HTTP/1.1 request answered the HTTP/0.9 way (curl --http0.9) */
    http_raw_exchange(g, &pa, &ip, 41004, t + SEC(6),
                      "GET /legacy.html HTTP/1.1\r\nHost: legacy.example\r\nUser-Agent: curl/8.5.0\r\n\r\n",
                      "<html>legacy</html>\n");

    /* Ethernet padding behind short TCP segments and a short UDP datagram */
    http_padded_exchange(g, &pa, &ip, 41005, t + SEC(8), 3);
    static const uint8_t tiny[] = "<1>";
    udp_datagram(g, &pa, &ip, 41006, 514, 0, t + SEC(10), tiny, sizeof tiny - 1);
    ethernet_v4(&ip, &pa, iface, "10.12.0.5", "10.12.0.53");
    dns_exchange(g, &pa, &ip, 41007, t + SEC(11), "pad.example", 1, answer_addr, 4);

    ip_pair_v4(&ip, "10.12.0.5", "10.12.0.80");
    path_ethernet(&pa, iface, &ip);
    /* a multipart/form-data upload: a form field and a file (a bare LF inside it) */
    static const char form[] = "--vigilFormBoundary7\r\n"
                               "Content-Disposition: form-data; name=\"comment\"\r\n\r\n"
                               "quarterly numbers\r\n"
                               "--vigilFormBoundary7\r\n"
                               "Content-Disposition: form-data; name=\"upload\"; filename=\"report.csv\"\r\n"
                               "Content-Type: text/csv\r\n\r\n"
                               "region,total\nnorth,12\r\nsouth,30\r\n"
                               "--vigilFormBoundary7--\r\n";
    char upload[1024];
    snprintf(upload, sizeof upload,
             "POST /upload HTTP/1.1\r\nHost: files.example\r\nUser-Agent: curl/8.5.0\r\n"
             "Content-Type: multipart/form-data; boundary=vigilFormBoundary7\r\nContent-Length: %zu\r\n\r\n%s",
             sizeof form - 1, form);
    http_raw_exchange(g, &pa, &ip, 41008, t + SEC(12), upload,
                      "HTTP/1.1 201 Created\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    /* no version on the request line, yet headers follow: libhtp's missing protocol */
    http_raw_exchange(g, &pa, &ip, 41009, t + SEC(13), "GET /noversion\r\nHost: files.example\r\n\r\n",
                      "<html>old server</html>\n");
    http_asks_on_after_close(g, &pa, &ip, 41010, t + SEC(14));
    return true;
}

/* ---- mid-stream ---------------------------------------------------------- */

bool scenario_midstream(struct gen *g)
{
    uint64_t t = GEN_BASE_TIME_US;
    struct ip_pair ip;
    struct path pa;
    ethernet_start_v4(g, &ip, &pa, "10.13.0.7", "10.13.0.80");

    /* The capture starts after the handshake: two requests on a kept-alive connection. */
    static const char req1[] = "GET /first.txt HTTP/1.1\r\nHost: mid.example\r\nUser-Agent: midstream-test\r\n\r\n";
    static const char resp1[] = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 11\r\n\r\nfirst body\n";
    static const char req2[] = "GET /second.txt HTTP/1.1\r\nHost: mid.example\r\nConnection: close\r\n\r\n";
    static const char resp2[] = "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
    struct tcp_flow f;
    tcp_flow_init(&f, g, &pa, &ip, 42001, 80, t);
    tcp_send(&f, 0, (const uint8_t *)req1, sizeof req1 - 1);
    tcp_send(&f, 1, (const uint8_t *)resp1, sizeof resp1 - 1);
    tcp_send(&f, 0, (const uint8_t *)req2, sizeof req2 - 1);
    tcp_send(&f, 1, (const uint8_t *)resp2, sizeof resp2 - 1);
    tcp_close(&f, 1);

    /* Seen from the server's first reply byte: the request went by before the capture. */
    static const char resp3[] = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 6\r\n\r\nlater\n";
    tcp_flow_init(&f, g, &pa, &ip, 42002, 80, t + SEC(3));
    tcp_skip(&f, 0, 64);
    tcp_send(&f, 1, (const uint8_t *)resp3, sizeof resp3 - 1);
    tcp_close(&f, 0);

    /* A normal connection beside them, for comparison. */
    http_session(g, &pa, &ip, 42003, t + SEC(6), "mid.example", "/whole.txt", 300);

    /* A DNS answer whose query went by before the capture: still the
     * client's conversation, so Suricata's answer event names it as src. */
    uint8_t answer[512];
    size_t n = dns_message(answer, sizeof answer, 0x5151, "mid.example", 1, true, 0, answer_addr, sizeof answer_addr);
    udp_datagram(g, &pa, &ip, 42004, 53, 1, t + SEC(6) + 200000, answer, n);
    return true;
}
