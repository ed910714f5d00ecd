/* Application-protocol scenarios: every parser fed valid protocol bytes end
 * to end (DNS over UDP and TCP, HTTP/1.1, TLS 1.2 and 1.3 with a real
 * certificate chain, QUIC v1 with properly protected Initials, SMTP with a
 * MIME attachment, DHCP, SSH). README.md lists what each flow does. */
#include "scenarios.h"

#include <stdio.h>
#include <string.h>

#include <zlib.h>

#include "app_crypto.h"
#include "app_wire.h"

/* ---- session helpers -------------------------------------------------------- */

/* Exactly one segment (PSH), not acked yet: lets a scenario choose message boundaries. */
static void one_segment(struct tcp_flow *f, int dir, const void *data, size_t len)
{
    tcp_segment(f, dir, TCP_ACK_FLAG | TCP_PSH_FLAG, data, len);
    tcp_wait(f, 400);
}

static void ack_from(struct tcp_flow *f, int dir)
{
    tcp_wait(f, f->rtt_us / 2);
    tcp_segment(f, dir, TCP_ACK_FLAG, NULL, 0);
    tcp_wait(f, f->rtt_us / 2);
}

/* ---- DNS ---------------------------------------------------------------------- */

static void dns_rr_addr(struct wr *w, const char *owner, uint16_t type, uint32_t ttl, const char *text)
{
    struct ip_pair ip;
    bool v6 = type == 28;
    if (v6)
        ip_pair_v6(&ip, text, text);
    else
        ip_pair_v4(&ip, text, text);
    size_t at = wdns_rr_open(w, owner, type, ttl);
    w_bytes(w, ip.src, v6 ? 16 : 4);
    w_close(w, at, 2);
}

static void dns_rr_txt(struct wr *w, const char *owner, uint32_t ttl, const char *const *strings, size_t n)
{
    size_t at = wdns_rr_open(w, owner, 16, ttl);
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(strings[i]);
        w_u8(w, (uint8_t)len);
        w_bytes(w, strings[i], len);
    }
    w_close(w, at, 2);
}

static void dns_rr_soa(struct wr *w, const char *owner, uint32_t ttl)
{
    size_t at = wdns_rr_open(w, owner, 6, ttl);
    wdns_name(w, "ns1.vigil-test.example");
    wdns_name(w, "hostmaster.vigil-test.example");
    w_u32(w, 2024030401);
    w_u32(w, 7200);
    w_u32(w, 3600);
    w_u32(w, 1209600);
    w_u32(w, 300);
    w_close(w, at, 2);
}

enum { DNS_QUERY = 0x0100, DNS_ANSWER = 0x8180, DNS_A = 1, DNS_NS = 2, DNS_CNAME = 5, DNS_SOA = 6, DNS_MX = 15,
       DNS_TXT = 16, DNS_AAAA = 28 };

/* One UDP lookup: the query, then `answer` (already built) after a short rtt. */
static void dns_udp(struct gen *g, struct path *pa, const struct ip_pair *ip, uint16_t sport, uint64_t t,
                    const struct wr *query, const struct wr *answer)
{
    udp_datagram(g, pa, ip, sport, 53, 0, t, query->buf, query->len);
    udp_datagram(g, pa, ip, sport, 53, 1, t + 9000 + rng_below(g, 15000), answer->buf, answer->len);
}

static void dns_query(struct wr *w, uint16_t id, const char *name, uint16_t qtype)
{
    wdns_header(w, id, DNS_QUERY, name, qtype, 0, 0);
}

/* Answer for www.vigil-test.example A: two addresses. */
static void dns_answer_www_a(struct wr *w, uint16_t id)
{
    wdns_header(w, id, DNS_ANSWER, "www.vigil-test.example", DNS_A, 2, 0);
    dns_rr_addr(w, NULL, DNS_A, 300, "203.0.113.10");
    dns_rr_addr(w, NULL, DNS_A, 300, "203.0.113.11");
}

static void dns_answer_www_aaaa(struct wr *w, uint16_t id)
{
    wdns_header(w, id, DNS_ANSWER, "www.vigil-test.example", DNS_AAAA, 1, 0);
    dns_rr_addr(w, NULL, DNS_AAAA, 300, "2001:db8:cafe::10");
}

static bool run_dns_tcp(struct gen *g)
{
    uint64_t t = GEN_BASE_TIME_US;
    struct ip_pair ip;
    struct path pa;
    ethernet_start_v4(g, &ip, &pa, "10.53.0.10", "10.53.0.1");
    uint8_t qb[512], ab[4096];
    struct wr q, a;

    /* UDP: A, AAAA, a CNAME chain, MX, TXT, NXDOMAIN. */
    w_init(&q, qb, sizeof qb); w_init(&a, ab, sizeof ab);
    dns_query(&q, 0x1a01, "www.vigil-test.example", DNS_A);
    dns_answer_www_a(&a, 0x1a01);
    dns_udp(g, &pa, &ip, 50001, t, &q, &a);

    w_init(&q, qb, sizeof qb); w_init(&a, ab, sizeof ab);
    dns_query(&q, 0x1a02, "www.vigil-test.example", DNS_AAAA);
    dns_answer_www_aaaa(&a, 0x1a02);
    dns_udp(g, &pa, &ip, 50002, t + MS(100), &q, &a);

    w_init(&q, qb, sizeof qb); w_init(&a, ab, sizeof ab);
    dns_query(&q, 0x1a03, "cdn.vigil-test.example", DNS_A);
    wdns_header(&a, 0x1a03, DNS_ANSWER, "cdn.vigil-test.example", DNS_A, 4, 0);
    wdns_rr_target(&a, NULL, DNS_CNAME, 3600, -1, "edge.cdn-provider.example");
    wdns_rr_target(&a, "edge.cdn-provider.example", DNS_CNAME, 60, -1, "edge-17.lb.cdn-provider.example");
    dns_rr_addr(&a, "edge-17.lb.cdn-provider.example", DNS_A, 20, "198.51.100.17");
    dns_rr_addr(&a, "edge-17.lb.cdn-provider.example", DNS_A, 20, "198.51.100.18");
    dns_udp(g, &pa, &ip, 50003, t + MS(200), &q, &a);

    w_init(&q, qb, sizeof qb); w_init(&a, ab, sizeof ab);
    dns_query(&q, 0x1a04, "vigil-test.example", DNS_MX);
    wdns_header(&a, 0x1a04, DNS_ANSWER, "vigil-test.example", DNS_MX, 2, 0);
    wdns_rr_target(&a, NULL, DNS_MX, 3600, 10, "mx1.vigil-test.example");
    wdns_rr_target(&a, NULL, DNS_MX, 3600, 20, "mx2.vigil-test.example");
    dns_udp(g, &pa, &ip, 50004, t + MS(300), &q, &a);

    w_init(&q, qb, sizeof qb); w_init(&a, ab, sizeof ab);
    dns_query(&q, 0x1a05, "vigil-test.example", DNS_TXT);
    wdns_header(&a, 0x1a05, DNS_ANSWER, "vigil-test.example", DNS_TXT, 2, 0);
    static const char *const spf[] = {"v=spf1 mx ip4:203.0.113.0/24 -all"};
    /* several character-strings, an empty one among them: Suricata writes one answer per string */
    static const char *const verification[] = {"vigil-site-verification=", "", "3f9a1c0e7b2d"};
    dns_rr_txt(&a, NULL, 3600, spf, 1);
    dns_rr_txt(&a, NULL, 3600, verification, 3);
    dns_udp(g, &pa, &ip, 50005, t + MS(400), &q, &a);

    w_init(&q, qb, sizeof qb); w_init(&a, ab, sizeof ab);
    dns_query(&q, 0x1a06, "nonexistent.vigil-test.example", DNS_A);
    wdns_header(&a, 0x1a06, DNS_ANSWER | 3, "nonexistent.vigil-test.example", DNS_A, 0, 1);
    dns_rr_soa(&a, "vigil-test.example", 300);
    dns_udp(g, &pa, &ip, 50006, t + MS(500), &q, &a);

    /* TCP 1: two framed queries in one segment; the first answer is split
     * across two segments, the second answer comes whole in a third. */
    struct tcp_flow f;
    tcp_connect(&f, g, &pa, &ip, 41053, 53, t + SEC(1));
    uint8_t seg[4096];
    struct wr s;
    w_init(&s, seg, sizeof seg);
    size_t at = w_open(&s, 2);
    dns_query(&s, 0x2b01, "www.vigil-test.example", DNS_A);
    w_close(&s, at, 2);
    at = w_open(&s, 2);
    dns_query(&s, 0x2b02, "www.vigil-test.example", DNS_AAAA);
    w_close(&s, at, 2);
    one_segment(&f, 0, s.buf, s.len);
    ack_from(&f, 1);
    w_init(&s, seg, sizeof seg);
    at = w_open(&s, 2);
    dns_answer_www_a(&s, 0x2b01);
    w_close(&s, at, 2);
    size_t first_len = s.len;
    at = w_open(&s, 2);
    dns_answer_www_aaaa(&s, 0x2b02);
    w_close(&s, at, 2);
    one_segment(&f, 1, s.buf, 30);
    one_segment(&f, 1, s.buf + 30, first_len - 30);
    ack_from(&f, 0);
    one_segment(&f, 1, s.buf + first_len, s.len - first_len);
    ack_from(&f, 0);
    tcp_close(&f, 0);

    /* A truncated UDP answer (TC), then the retry over TCP whose large TXT
     * answer spans two MSS-sized segments. */
    uint64_t t2 = t + SEC(3);
    w_init(&q, qb, sizeof qb); w_init(&a, ab, sizeof ab);
    dns_query(&q, 0x3c01, "keys.vigil-test.example", DNS_TXT);
    wdns_header(&a, 0x3c01, DNS_ANSWER | 0x0200, "keys.vigil-test.example", DNS_TXT, 0, 0);
    dns_udp(g, &pa, &ip, 50007, t2, &q, &a);
    tcp_connect(&f, g, &pa, &ip, 41054, 53, t2 + MS(40));
    w_init(&s, seg, sizeof seg);
    at = w_open(&s, 2);
    dns_query(&s, 0x3c02, "keys.vigil-test.example", DNS_TXT);
    w_close(&s, at, 2);
    one_segment(&f, 0, s.buf, s.len);
    ack_from(&f, 1);
    w_init(&s, seg, sizeof seg);
    at = w_open(&s, 2);
    wdns_header(&s, 0x3c02, DNS_ANSWER, "keys.vigil-test.example", DNS_TXT, 8, 0);
    char key[201];
    for (int i = 0; i < 8; i++) {
        int n = snprintf(key, sizeof key, "k%d=", i);
        for (size_t k = (size_t)n; k < 200; k++)
            key[k] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"[rng_below(g, 64)];
        key[200] = '\0';
        const char *one[] = {key};
        dns_rr_txt(&s, NULL, 600, one, 1);
    }
    w_close(&s, at, 2);
    tcp_send(&f, 1, s.buf, s.len);
    tcp_close(&f, 0);
    return !q.overflow && !a.overflow && !s.overflow;
}

/* ---- HTTP --------------------------------------------------------------------- */

static const char browser_ua[] = "Mozilla/5.0 (X11; Linux x86_64; rv:115.0) Gecko/20100101 Firefox/115.0";

/* A 1x1 RGB PNG: signature, IHDR, IDAT (zlib), IEND with real CRCs. */
static size_t png_1x1(uint8_t *out, size_t cap)
{
    struct wr w;
    w_init(&w, out, cap);
    w_bytes(&w, "\x89PNG\r\n\x1a\n", 8);
    uint8_t ihdr[13] = {0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0};
    uint8_t raw[4] = {0, 0x1f, 0x6f, 0xb4}; /* filter byte, then one pixel */
    uint8_t idat[64];
    uLongf idat_len = sizeof idat;
    if (compress2(idat, &idat_len, raw, sizeof raw, 9) != Z_OK)
        return 0;
    const struct {
        const char *type;
        const uint8_t *data;
        size_t len;
    } chunks[] = {{"IHDR", ihdr, sizeof ihdr}, {"IDAT", idat, idat_len}, {"IEND", NULL, 0}};
    for (size_t i = 0; i < 3; i++) {
        w_u32(&w, (uint32_t)chunks[i].len);
        size_t start = w.len;
        w_str(&w, chunks[i].type);
        w_bytes(&w, chunks[i].data, chunks[i].len);
        w_u32(&w, w.overflow ? 0 : crc32_of(w.buf + start, w.len - start));
    }
    return w.overflow ? 0 : w.len;
}

/* Deterministic page text: compresses well, so gzip has work to do. */
static size_t page_html(char *out, size_t cap, const char *title, unsigned paragraphs)
{
    size_t n = 0;
    int k = snprintf(out, cap, "<!DOCTYPE html>\n<html><head><title>%s</title>"
                               "<link rel=\"stylesheet\" href=\"/style.css\"></head>\n<body>\n", title);
    n = (size_t)k;
    for (unsigned i = 0; i < paragraphs && n < cap; i++) {
        k = snprintf(out + n, cap - n,
                     "<p id=\"p%u\">Paragraph %u of the Vigil test page: network security monitoring "
                     "turns packets into logs.</p>\n", i, i);
        n += (size_t)k;
    }
    if (n < cap) {
        k = snprintf(out + n, cap - n, "<img src=\"/logo.png\" alt=\"logo\">\n</body></html>\n");
        n += (size_t)k;
    }
    return n < cap ? n : cap - 1;
}

static size_t http_request(char *out, size_t cap, const char *method, const char *uri, const char *host,
                           const char *extra_headers, size_t body_len)
{
    int n = snprintf(out, cap,
                     "%s %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: %s\r\nAccept: */*\r\n"
                     "Accept-Language: en-US,en;q=0.5\r\nAccept-Encoding: gzip, deflate\r\n%s",
                     method, uri, host, browser_ua, extra_headers);
    if (body_len)
        n += snprintf(out + n, cap - (size_t)n, "Content-Length: %zu\r\n", body_len);
    n += snprintf(out + n, cap - (size_t)n, "Connection: keep-alive\r\n\r\n");
    return (size_t)n;
}

/* Status line and headers with Content-Length, then the body. */
static size_t http_response(uint8_t *out, size_t cap, const char *status, const char *content_type,
                            const uint8_t *body, size_t body_len)
{
    int n = snprintf((char *)out, cap,
                     "HTTP/1.1 %s\r\nDate: Mon, 04 Mar 2024 09:00:00 GMT\r\nServer: nginx/1.22.1\r\n"
                     "Content-Type: %s\r\nContent-Length: %zu\r\nConnection: keep-alive\r\n\r\n",
                     status, content_type, body_len);
    if ((size_t)n + body_len > cap)
        return 0;
    memcpy(out + n, body, body_len);
    return (size_t)n + body_len;
}

static bool run_http(struct gen *g)
{
    uint64_t t = GEN_BASE_TIME_US;
    struct ip_pair ip;
    struct path pa;
    int iface = ethernet_start_v4(g, &ip, &pa, "10.80.0.10", "203.0.113.10");
    const char *host = "www.vigil-test.example";
    char req[3][1024];
    size_t req_len[3];
    uint8_t resp[65536];
    char page[16384];
    uint8_t packed[16384];
    bool ok = true;

    /* Connection 1: three pipelined GETs, then the three responses in order. */
    struct tcp_flow f;
    tcp_connect(&f, g, &pa, &ip, 52080, 80, t);
    req_len[0] = http_request(req[0], sizeof req[0], "GET", "/index.html", host, "", 0);
    req_len[1] = http_request(req[1], sizeof req[1], "GET", "/news/today.html", host,
                              "Referer: http://www.vigil-test.example/index.html\r\n", 0);
    req_len[2] = http_request(req[2], sizeof req[2], "GET", "/logo.png", host,
                              "Referer: http://www.vigil-test.example/index.html\r\n", 0);
    for (int i = 0; i < 3; i++)
        one_segment(&f, 0, req[i], req_len[i]);
    ack_from(&f, 1);
    size_t page_len = page_html(page, sizeof page, "Vigil test site", 12);
    size_t n = http_response(resp, sizeof resp, "200 OK", "text/html; charset=utf-8", (const uint8_t *)page,
                             page_len);
    ok = ok && n;
    app_say_bytes(&f, 1, resp, n);

    /* The second answer: gzip content-encoding inside chunked transfer-encoding. */
    page_len = page_html(page, sizeof page, "Today's news", 60);
    size_t packed_len = gzip_bytes((const uint8_t *)page, page_len, packed, sizeof packed);
    ok = ok && packed_len;
    struct wr w;
    w_init(&w, resp, sizeof resp);
    w_str(&w, "HTTP/1.1 200 OK\r\nDate: Mon, 04 Mar 2024 09:00:00 GMT\r\nServer: nginx/1.22.1\r\n"
              "Content-Type: text/html; charset=utf-8\r\nTransfer-Encoding: chunked\r\nConnection: keep-alive\r\n"
              "Content-Encoding: gzip\r\nVary: Accept-Encoding\r\n\r\n");
    for (size_t off = 0; off < packed_len; off += 512) {
        size_t chunk = packed_len - off < 512 ? packed_len - off : 512;
        char size_line[16];
        snprintf(size_line, sizeof size_line, "%zx\r\n", chunk);
        w_str(&w, size_line);
        w_bytes(&w, packed + off, chunk);
        w_str(&w, "\r\n");
    }
    w_str(&w, "0\r\n\r\n");
    ok = ok && !w.overflow;
    app_say_bytes(&f, 1, w.buf, w.len);

    uint8_t png[128];
    size_t png_len = png_1x1(png, sizeof png);
    n = http_response(resp, sizeof resp, "200 OK", "image/png", png, png_len);
    ok = ok && png_len && n;
    app_say_bytes(&f, 1, resp, n);
    tcp_wait(&f, MS(800));
    tcp_close(&f, 0);

    /* Connection 2 (keep-alive): a form POST, then a GET answered 404. */
    tcp_connect(&f, g, &pa, &ip, 52081, 80, t + SEC(2));
    static const char form[] = "username=alice&password=correct+horse+battery+staple&remember=1";
    char post[2048];
    size_t post_len = http_request(post, sizeof post, "POST", "/account/login", host,
                                   "Content-Type: application/x-www-form-urlencoded\r\n"
                                   "Origin: http://www.vigil-test.example\r\n",
                                   sizeof form - 1);
    memcpy(post + post_len, form, sizeof form - 1);
    app_say_bytes(&f, 0, post, post_len + sizeof form - 1);
    static const char json[] = "{\"status\":\"ok\",\"user\":\"alice\",\"session\":\"3f1d2c9a\"}";
    n = http_response(resp, sizeof resp, "200 OK", "application/json", (const uint8_t *)json, sizeof json - 1);
    app_say_bytes(&f, 1, resp, n);
    req_len[0] = http_request(req[0], sizeof req[0], "GET", "/old/page.php?id=42", host, "", 0);
    app_say_bytes(&f, 0, req[0], req_len[0]);
    static const char not_found[] = "<html><head><title>404 Not Found</title></head><body><center><h1>404 Not "
                                    "Found</h1></center><hr><center>nginx/1.22.1</center></body></html>\n";
    n = http_response(resp, sizeof resp, "404 Not Found", "text/html", (const uint8_t *)not_found,
                      sizeof not_found - 1);
    app_say_bytes(&f, 1, resp, n);
    tcp_close(&f, 0);

    /* Connection 3: port 8080 with Basic authentication. */
    ethernet_v4(&ip, &pa, iface, "10.80.0.10", "203.0.113.12");
    tcp_connect(&f, g, &pa, &ip, 52082, 8080, t + SEC(4));
    req_len[0] = http_request(req[0], sizeof req[0], "GET", "/admin/status", "intranet.vigil-test.example:8080",
                              "Authorization: Basic YWRtaW46czNjcjN0\r\n", 0);
    app_say_bytes(&f, 0, req[0], req_len[0]);
    static const char status_text[] = "uptime 12d 4h\nload 0.12 0.08 0.05\nworkers 8/8\n";
    n = http_response(resp, sizeof resp, "200 OK", "text/plain", (const uint8_t *)status_text, sizeof status_text - 1);
    app_say_bytes(&f, 1, resp, n);
    tcp_close(&f, 0);

    /* Connection 4: port 5080, which no parser claims: found by content. */
    tcp_connect(&f, g, &pa, &ip, 52083, 5080, t + SEC(5));
    req_len[0] = http_request(req[0], sizeof req[0], "GET", "/metrics", "203.0.113.12:5080", "", 0);
    app_say_bytes(&f, 0, req[0], req_len[0]);
    static const char metrics[] = "# TYPE requests_total counter\nrequests_total 1027\n";
    n = http_response(resp, sizeof resp, "200 OK", "text/plain; version=0.0.4", (const uint8_t *)metrics,
                      sizeof metrics - 1);
    app_say_bytes(&f, 1, resp, n);
    tcp_close(&f, 1);
    return ok;
}

/* EVE details of issue #12: an upload answered by two 100 Continue before
 * its 200 (one transaction, one file per body), and a server whose status
 * is no number (EVE http.status_string). */
static bool run_http_eve(struct gen *g)
{
    uint64_t t = GEN_BASE_TIME_US;
    struct ip_pair ip;
    struct path pa;
    ethernet_start_v4(g, &ip, &pa, "10.81.0.10", "203.0.113.20");
    const char *host = "upload.vigil-test.example";
    char req[1024];
    uint8_t resp[1024];
    struct tcp_flow f;

    tcp_connect(&f, g, &pa, &ip, 52180, 80, t);
    static const char body[] = "report=quarterly&format=csv&rows=1024&checksum=9b2f";
    size_t n = http_request(req, sizeof req, "POST", "/upload", host,
                            "Content-Type: application/x-www-form-urlencoded\r\nExpect: 100-continue\r\n",
                            sizeof body - 1);
    app_say_bytes(&f, 0, req, n);
    app_say(&f, 1, "HTTP/1.1 100 Continue\r\n\r\n");
    app_say(&f, 1, "HTTP/1.1 100 Continue\r\n\r\n");
    app_say(&f, 0, body);
    static const char done[] = "{\"stored\":true,\"rows\":1024}";
    size_t rn = http_response(resp, sizeof resp, "201 Created", "application/json", (const uint8_t *)done,
                              sizeof done - 1);
    app_say_bytes(&f, 1, resp, rn);
    tcp_close(&f, 0);

    tcp_connect(&f, g, &pa, &ip, 52181, 80, t + SEC(1));
    n = http_request(req, sizeof req, "GET", "/status", host, "", 0);
    app_say_bytes(&f, 0, req, n);
    static const char up[] = "up\n";
    rn = http_response(resp, sizeof resp, "OK 200", "text/plain", (const uint8_t *)up, sizeof up - 1);
    app_say_bytes(&f, 1, resp, rn);
    tcp_close(&f, 0);
    return rn > 0;
}

/* ---- TLS ---------------------------------------------------------------------- */

enum { TLS_CCS = 20, TLS_ALERT = 21, TLS_HANDSHAKE = 22, TLS_APPDATA = 23 };

struct client_hello_opts {
    const char *sni;
    const char *const *alpn;
    size_t n_alpn;
    bool tls13;          /* supported_versions, key_share, psk_key_exchange_modes */
    uint16_t tls13_version; /* offered in supported_versions: 0 = TLS 1.3, 0x7fNN = draft NN */
    bool quic;           /* QUIC's hello: TLS 1.3 suites only, transport parameters */
    const uint8_t *scid; /* QUIC initial_source_connection_id */
    size_t scid_len;
};

static size_t ext_open(struct wr *w, uint16_t type)
{
    w_u16(w, type);
    return w_open(w, 2);
}

static void ext_alpn(struct wr *w, const char *const *names, size_t n)
{
    size_t e = ext_open(w, 0x0010);
    size_t l = w_open(w, 2);
    for (size_t i = 0; i < n; i++) {
        w_u8(w, (uint8_t)strlen(names[i]));
        w_str(w, names[i]);
    }
    w_close(w, l, 2);
    w_close(w, e, 2);
}

/* The ClientHello handshake message (no record header). session_id: 32
 * bytes to echo, or NULL for an empty one (QUIC). */
static void client_hello(struct gen *g, struct wr *w, const struct client_hello_opts *o, const uint8_t *session_id)
{
    w_u8(w, 1);
    size_t hs = w_open(w, 3);
    w_u16(w, 0x0303);
    w_random(g, w, 32);
    w_u8(w, session_id ? 32 : 0);
    if (session_id)
        w_bytes(w, session_id, 32);
    static const uint16_t tcp_suites[] = {0x1301, 0x1303, 0x1302, 0xc02b, 0xc02f, 0xcca9, 0xcca8, 0xc02c,
                                          0xc030, 0xc00a, 0xc009, 0xc013, 0xc014, 0x009c, 0x009d, 0x002f, 0x0035};
    static const uint16_t quic_suites[] = {0x1301, 0x1302, 0x1303};
    const uint16_t *suites = o->quic ? quic_suites : tcp_suites;
    size_t n_suites = o->quic ? 3 : sizeof tcp_suites / sizeof tcp_suites[0];
    /* A TLS 1.2-only client offers no TLS 1.3 suites. */
    size_t first = (!o->tls13 && !o->quic) ? 3 : 0;
    w_u16(w, (uint16_t)(2 * (n_suites - first)));
    for (size_t i = first; i < n_suites; i++)
        w_u16(w, suites[i]);
    w_u8(w, 1);
    w_u8(w, 0);
    size_t exts = w_open(w, 2);

    size_t e = ext_open(w, 0x0000); /* server_name */
    size_t list = w_open(w, 2);
    w_u8(w, 0);
    w_u16(w, (uint16_t)strlen(o->sni));
    w_str(w, o->sni);
    w_close(w, list, 2);
    w_close(w, e, 2);
    if (!o->quic) {
        e = ext_open(w, 0x0017); /* extended_master_secret */
        w_close(w, e, 2);
        e = ext_open(w, 0xff01); /* renegotiation_info */
        w_u8(w, 0);
        w_close(w, e, 2);
    }
    e = ext_open(w, 0x000a); /* supported_groups */
    static const uint16_t groups[] = {0x001d, 0x0017, 0x0018, 0x0019, 0x0100, 0x0101};
    size_t n_groups = o->quic ? 3 : sizeof groups / sizeof groups[0];
    w_u16(w, (uint16_t)(2 * n_groups));
    for (size_t i = 0; i < n_groups; i++)
        w_u16(w, groups[i]);
    w_close(w, e, 2);
    if (!o->quic) {
        e = ext_open(w, 0x000b); /* ec_point_formats: uncompressed */
        w_u8(w, 1);
        w_u8(w, 0);
        w_close(w, e, 2);
        e = ext_open(w, 0x0023); /* session_ticket */
        w_close(w, e, 2);
    }
    if (o->n_alpn)
        ext_alpn(w, o->alpn, o->n_alpn);
    if (!o->quic) {
        e = ext_open(w, 0x0005); /* status_request: OCSP */
        w_u8(w, 1);
        w_u16(w, 0);
        w_u16(w, 0);
        w_close(w, e, 2);
    }
    if (o->tls13 || o->quic) {
        e = ext_open(w, 0x0033); /* key_share: x25519 */
        size_t shares = w_open(w, 2);
        w_u16(w, 0x001d);
        w_u16(w, 32);
        w_random(g, w, 32);
        w_close(w, shares, 2);
        w_close(w, e, 2);
        e = ext_open(w, 0x002b); /* supported_versions */
        w_u8(w, o->quic ? 2 : 4);
        w_u16(w, o->tls13_version ? o->tls13_version : 0x0304);
        if (!o->quic)
            w_u16(w, 0x0303);
        w_close(w, e, 2);
    }
    e = ext_open(w, 0x000d); /* signature_algorithms */
    static const uint16_t sigalgs[] = {0x0403, 0x0503, 0x0603, 0x0804, 0x0805, 0x0806, 0x0401, 0x0501, 0x0601,
                                       0x0203, 0x0201};
    w_u16(w, sizeof sigalgs);
    for (size_t i = 0; i < sizeof sigalgs / sizeof sigalgs[0]; i++)
        w_u16(w, sigalgs[i]);
    w_close(w, e, 2);
    if (o->tls13 || o->quic) {
        e = ext_open(w, 0x002d); /* psk_key_exchange_modes: psk_dhe_ke */
        w_u8(w, 1);
        w_u8(w, 1);
        w_close(w, e, 2);
    }
    if (!o->quic) {
        e = ext_open(w, 0x001c); /* record_size_limit */
        w_u16(w, 16385);
        w_close(w, e, 2);
    } else {
        e = ext_open(w, 0x0039); /* quic_transport_parameters */
        quic_transport_param(w, 0x01, 30000);   /* max_idle_timeout */
        quic_transport_param(w, 0x03, 1472);    /* max_udp_payload_size */
        quic_transport_param(w, 0x04, 15728640); /* initial_max_data */
        quic_transport_param(w, 0x05, 6291456); /* initial_max_stream_data_bidi_local */
        quic_transport_param(w, 0x06, 6291456); /* ..._bidi_remote */
        quic_transport_param(w, 0x07, 6291456); /* ..._uni */
        quic_transport_param(w, 0x08, 100);     /* initial_max_streams_bidi */
        quic_transport_param(w, 0x09, 103);     /* initial_max_streams_uni */
        w_varint(w, 0x0f);                      /* initial_source_connection_id */
        w_varint(w, o->scid_len);
        w_bytes(w, o->scid, o->scid_len);
        w_close(w, e, 2);
    }
    w_close(w, exts, 2);
    w_close(w, hs, 3);
}

/* ServerHello; alpn NULL for none (TLS 1.3 sends ALPN encrypted). */
static void server_hello(struct gen *g, struct wr *w, uint16_t cipher, const uint8_t *session_id, bool tls13,
                         const char *alpn)
{
    struct tls_hello_marks m = tls_server_hello_open(g, w, session_id, session_id ? 32 : 0, cipher);
    size_t e;
    if (tls13) {
        e = ext_open(w, 0x0033);
        w_u16(w, 0x001d);
        w_u16(w, 32);
        w_random(g, w, 32);
        w_close(w, e, 2);
        e = ext_open(w, 0x002b);
        w_u16(w, 0x0304);
        w_close(w, e, 2);
    } else {
        e = ext_open(w, 0xff01);
        w_u8(w, 0);
        w_close(w, e, 2);
        e = ext_open(w, 0x0017);
        w_close(w, e, 2);
        e = ext_open(w, 0x000b);
        w_u8(w, 1);
        w_u8(w, 0);
        w_close(w, e, 2);
        if (alpn)
            ext_alpn(w, &alpn, 1);
    }
    tls_server_hello_close(w, m);
}

/* Encrypted application data of `total` bytes in records of at most 16 KB. */
static void tls_appdata(struct tcp_flow *f, int dir, size_t total)
{
    uint8_t buf[40000];
    struct wr w;
    w_init(&w, buf, sizeof buf);
    while (total && !w.overflow) {
        size_t n = total < 16384 ? total : 16384;
        tls_record_encrypted(f->g, &w, TLS_APPDATA, n + 17);
        total -= n;
    }
    app_say_bytes(f, dir, w.buf, w.len);
}

/* A full TLS 1.2 ECDHE-ECDSA handshake with the leaf+CA chain, then data. */
bool tls12_session(struct gen *g, struct tcp_flow *f, const char *sni, const char *const *alpn, size_t n_alpn,
                          const uint8_t *leaf, size_t leaf_len, const uint8_t *ca, size_t ca_len)
{
    uint8_t buf[16384];
    struct wr w;
    uint8_t sid[32];
    for (size_t i = 0; i < sizeof sid; i++)
        sid[i] = (uint8_t)rng_next(g);
    struct client_hello_opts o = {.sni = sni, .alpn = alpn, .n_alpn = n_alpn};
    w_init(&w, buf, sizeof buf);
    size_t r = tls_record_open(&w, TLS_HANDSHAKE, 0x0301);
    client_hello(g, &w, &o, NULL);
    w_close(&w, r, 2);
    bool ok = !w.overflow;
    app_say_bytes(f, 0, w.buf, w.len);

    w_init(&w, buf, sizeof buf);
    r = tls_record_open(&w, TLS_HANDSHAKE, 0x0303);
    server_hello(g, &w, 0xc02b, sid, false, n_alpn ? alpn[n_alpn - 1] : NULL);
    tls_certificate_chain(&w, leaf, leaf_len, ca, ca_len);
    tls_server_key_exchange_and_done(g, &w);
    w_close(&w, r, 2);
    ok = ok && !w.overflow;
    app_say_bytes(f, 1, w.buf, w.len);

    w_init(&w, buf, sizeof buf);
    tls_client_key_exchange_flight(g, &w);
    app_say_bytes(f, 0, w.buf, w.len);

    w_init(&w, buf, sizeof buf);
    r = tls_record_open(&w, TLS_HANDSHAKE, 0x0303);
    w_u8(&w, 4); /* NewSessionTicket: lifetime, opaque ticket */
    size_t hs = w_open(&w, 3);
    w_u32(&w, 7200);
    size_t tk = w_open(&w, 2);
    w_random(g, &w, 192);
    w_close(&w, tk, 2);
    w_close(&w, hs, 3);
    w_close(&w, r, 2);
    tls_record_ccs(&w);
    tls_record_encrypted(g, &w, TLS_HANDSHAKE, 40);
    app_say_bytes(f, 1, w.buf, w.len);

    tls_appdata(f, 0, 420);
    tls_appdata(f, 1, 6200);
    w_init(&w, buf, sizeof buf);
    tls_record_encrypted(g, &w, TLS_ALERT, 26); /* close_notify */
    app_say_bytes(f, 0, w.buf, w.len);
    return ok && !w.overflow;
}

/* The client's first flight: a random 32-byte session id (into sid) and
 * the ClientHello record that offers it. */
static bool client_hello_flight(struct gen *g, struct tcp_flow *f, const struct client_hello_opts *o, uint8_t sid[32])
{
    uint8_t buf[4096];
    struct wr w;
    for (size_t i = 0; i < 32; i++)
        sid[i] = (uint8_t)rng_next(g);
    w_init(&w, buf, sizeof buf);
    size_t r = tls_record_open(&w, TLS_HANDSHAKE, 0x0301);
    client_hello(g, &w, o, sid);
    w_close(&w, r, 2);
    app_say_bytes(f, 0, w.buf, w.len);
    return !w.overflow;
}

/* TLS 1.3: ClientHello, ServerHello + CCS + the encrypted flight, then data. */
static bool tls13_session(struct gen *g, struct tcp_flow *f, const char *sni, const char *const *alpn,
                          size_t n_alpn, size_t response_len)
{
    uint8_t buf[16384];
    struct wr w;
    uint8_t sid[32];
    struct client_hello_opts o = {.sni = sni, .alpn = alpn, .n_alpn = n_alpn, .tls13 = true};
    bool ok = client_hello_flight(g, f, &o, sid);

    w_init(&w, buf, sizeof buf);
    size_t r = tls_record_open(&w, TLS_HANDSHAKE, 0x0303);
    server_hello(g, &w, 0x1301, sid, true, NULL);
    w_close(&w, r, 2);
    tls_record_ccs(&w);
    tls_record_encrypted(g, &w, TLS_APPDATA, 2650); /* EncryptedExtensions .. Finished */
    ok = ok && !w.overflow;
    app_say_bytes(f, 1, w.buf, w.len);

    w_init(&w, buf, sizeof buf);
    tls_record_ccs(&w);
    tls_record_encrypted(g, &w, TLS_APPDATA, 53); /* client Finished */
    app_say_bytes(f, 0, w.buf, w.len);
    tls_appdata(f, 0, 310);
    w_init(&w, buf, sizeof buf);
    tls_record_encrypted(g, &w, TLS_APPDATA, 250); /* two NewSessionTickets */
    tls_record_encrypted(g, &w, TLS_APPDATA, 250);
    app_say_bytes(f, 1, w.buf, w.len);
    tls_appdata(f, 1, response_len);
    return ok;
}

/* A TLS 1.3 draft handshake from before draft 22: the ServerHello names the
 * draft in its version field and has no session id nor compression method. */
static bool tls13_draft_session(struct gen *g, struct tcp_flow *f, const char *sni, uint16_t draft_version)
{
    uint8_t buf[4096];
    struct wr w;
    uint8_t sid[32];
    struct client_hello_opts o = {.sni = sni, .tls13 = true, .tls13_version = draft_version};
    bool ok = client_hello_flight(g, f, &o, sid);

    w_init(&w, buf, sizeof buf);
    size_t r = tls_record_open(&w, TLS_HANDSHAKE, 0x0301);
    w_u8(&w, 2);
    size_t hs = w_open(&w, 3);
    w_u16(&w, draft_version);
    w_random(g, &w, 32);
    w_u16(&w, 0x1301);
    size_t exts = w_open(&w, 2);
    size_t e = ext_open(&w, 0x0033); /* key_share: x25519 */
    w_u16(&w, 0x001d);
    w_u16(&w, 32);
    w_random(g, &w, 32);
    w_close(&w, e, 2);
    w_close(&w, exts, 2);
    w_close(&w, hs, 3);
    w_close(&w, r, 2);
    tls_record_encrypted(g, &w, TLS_APPDATA, 1900); /* EncryptedExtensions .. Finished */
    ok = ok && !w.overflow;
    app_say_bytes(f, 1, w.buf, w.len);
    tls_appdata(f, 0, 53);  /* client Finished */
    tls_appdata(f, 1, 400);
    return ok;
}

static bool run_tls(struct gen *g)
{
    int iface = add_ethernet_iface(g, 65535);
    uint64_t t = GEN_BASE_TIME_US;
    uint8_t leaf[4096], ca[4096];
    size_t leaf_len, ca_len;
    if (!cert_chain_der("www.vigil-test.example", leaf, sizeof leaf, &leaf_len, ca, sizeof ca, &ca_len)) {
        fprintf(stderr, "vigil-gen: cannot build the test certificate chain\n");
        return false;
    }
    struct ip_pair ip;
    struct path pa;
    struct tcp_flow f;
    static const char *const h1[] = {"http/1.1"};
    static const char *const h2[] = {"h2", "http/1.1"};

    ethernet_v4(&ip, &pa, iface, "10.44.3.10", "203.0.113.10");
    tcp_connect(&f, g, &pa, &ip, 53443, 443, t);
    bool ok = tls12_session(g, &f, "www.vigil-test.example", h1, 1, leaf, leaf_len, ca, ca_len);
    tcp_close(&f, 0);

    ethernet_v4(&ip, &pa, iface, "10.44.3.10", "203.0.113.11");
    tcp_connect(&f, g, &pa, &ip, 53444, 443, t + SEC(2));
    ok = tls13_session(g, &f, "api.vigil-test.example", h2, 2, 9000) && ok;
    tcp_close(&f, 1);

    /* 8443 is no TLS port: found by content. */
    tcp_connect(&f, g, &pa, &ip, 53445, 8443, t + SEC(4));
    ok = tls13_session(g, &f, "admin.vigil-test.example", h1, 1, 1500) && ok;
    tcp_close(&f, 0);

    /* A TLS 1.3 draft-18 client and server (EVE tls.version "TLS 1.3 draft-18"). */
    tcp_connect(&f, g, &pa, &ip, 53446, 443, t + SEC(6));
    ok = tls13_draft_session(g, &f, "draft.vigil-test.example", 0x7f12) && ok;
    tcp_close(&f, 0);
    return ok;
}

/* ---- QUIC --------------------------------------------------------------------- */

#define QUIC_MIN_DATAGRAM 1200

struct quic_conn {
    struct gen *g;
    struct path *pa;
    struct ip_pair ip;
    uint16_t cport, sport;
    uint8_t odcid[QUIC_CID_LEN];      /* the client's first DCID: keys come from it */
    uint8_t client_cid[QUIC_CID_LEN];
    uint8_t server_cid[QUIC_CID_LEN];
    struct quic_initial_keys keys[2]; /* [0] client, [1] server */
    uint64_t next_pn[2];
};

/* A protected Initial packet from dir carrying `frames`, padded with PADDING
 * frames to `size` bytes on the wire (0: no padding). Appends to w. */
static bool quic_initial(struct quic_conn *c, struct wr *w, int dir, const uint8_t *frames, size_t frames_len,
                         size_t size)
{
    const uint8_t *dcid = dir ? c->client_cid : c->odcid;
    const uint8_t *scid = dir ? c->server_cid : c->client_cid;
    return quic_initial_packet(w, &c->keys[dir], dcid, scid, c->next_pn[dir]++, frames, frames_len, size);
}

/* A Handshake packet: keys this scenario never derives, so random bytes. */
static void quic_handshake_packet(struct quic_conn *c, struct wr *w, int dir, size_t payload_len)
{
    w_u8(w, (uint8_t)(0xe0 | (rng_next(c->g) & 0x0f)));
    w_u32(w, 1);
    w_u8(w, QUIC_CID_LEN);
    w_bytes(w, dir ? c->client_cid : c->server_cid, QUIC_CID_LEN);
    w_u8(w, QUIC_CID_LEN);
    w_bytes(w, dir ? c->server_cid : c->client_cid, QUIC_CID_LEN);
    w_u16(w, (uint16_t)(0x4000 | payload_len));
    w_random(c->g, w, payload_len);
}

static void quic_short_packet(struct quic_conn *c, uint64_t ts, int dir, size_t payload_len)
{
    uint8_t buf[1500];
    struct wr w;
    w_init(&w, buf, sizeof buf);
    w_u8(&w, (uint8_t)(0x40 | (rng_next(c->g) & 0x3f)));
    w_bytes(&w, dir ? c->client_cid : c->server_cid, QUIC_CID_LEN);
    w_random(c->g, &w, payload_len);
    udp_datagram(c->g, c->pa, &c->ip, c->cport, c->sport, dir, ts, w.buf, w.len);
}

static void quic_ack_frame(struct wr *w, uint64_t largest)
{
    w_u8(w, 0x02);
    w_varint(w, largest);
    w_varint(w, 25); /* ack delay */
    w_varint(w, 0);  /* range count */
    w_varint(w, largest);
}

static bool quic_session(struct gen *g, struct path *pa, const struct ip_pair *ip, uint16_t cport, uint64_t t,
                         const char *sni)
{
    struct quic_conn c = {.g = g, .pa = pa, .ip = *ip, .cport = cport, .sport = 443};
    for (int i = 0; i < QUIC_CID_LEN; i++) {
        c.odcid[i] = (uint8_t)rng_next(g);
        c.client_cid[i] = (uint8_t)rng_next(g);
        c.server_cid[i] = (uint8_t)rng_next(g);
    }
    if (!quic_initial_keys_derive(c.odcid, QUIC_CID_LEN, false, &c.keys[0]) ||
        !quic_initial_keys_derive(c.odcid, QUIC_CID_LEN, true, &c.keys[1]))
        return false;
    uint8_t hello[1024], frames[1200], dgram[1500];
    struct wr h, fr, d;
    static const char *const h3[] = {"h3"};
    struct client_hello_opts o = {.sni = sni, .alpn = h3, .n_alpn = 1, .quic = true, .scid = c.client_cid,
                                  .scid_len = QUIC_CID_LEN};
    bool ok = true;
    uint32_t rtt = 18000;

    /* Client Initial: the ClientHello, padded to 1200 bytes. */
    w_init(&h, hello, sizeof hello);
    client_hello(g, &h, &o, NULL);
    w_init(&fr, frames, sizeof frames);
    quic_crypto_frame(&fr, 0, h.buf, h.len);
    w_init(&d, dgram, sizeof dgram);
    ok = ok && !h.overflow && quic_initial(&c, &d, 0, fr.buf, fr.len, QUIC_MIN_DATAGRAM);
    udp_datagram(g, pa, ip, cport, 443, 0, t, d.buf, d.len);

    /* Server: Initial (ACK + ServerHello) coalesced with a Handshake packet,
     * then a second datagram of Handshake data. */
    w_init(&h, hello, sizeof hello);
    server_hello(g, &h, 0x1301, NULL, true, NULL);
    w_init(&fr, frames, sizeof frames);
    quic_ack_frame(&fr, 0);
    quic_crypto_frame(&fr, 0, h.buf, h.len);
    w_init(&d, dgram, sizeof dgram);
    ok = ok && !h.overflow && quic_initial(&c, &d, 1, fr.buf, fr.len, 0);
    quic_handshake_packet(&c, &d, 1, QUIC_MIN_DATAGRAM - d.len - 25);
    udp_datagram(g, pa, ip, cport, 443, 1, t + rtt, d.buf, d.len);
    w_init(&d, dgram, sizeof dgram);
    quic_handshake_packet(&c, &d, 1, 1050);
    udp_datagram(g, pa, ip, cport, 443, 1, t + rtt + 150, d.buf, d.len);

    /* Client: Initial ACK (padded so the datagram reaches 1200) + Handshake (Finished). */
    w_init(&fr, frames, sizeof frames);
    quic_ack_frame(&fr, 0);
    w_init(&d, dgram, sizeof dgram);
    ok = ok && quic_initial(&c, &d, 0, fr.buf, fr.len, QUIC_MIN_DATAGRAM - (25 + 60));
    quic_handshake_packet(&c, &d, 0, 60);
    ok = ok && !d.overflow && !fr.overflow && d.len == QUIC_MIN_DATAGRAM;
    udp_datagram(g, pa, ip, cport, 443, 0, t + rtt + 2000, d.buf, d.len);

    /* 1-RTT: the request, HANDSHAKE_DONE, the response, ACKs. */
    uint64_t ts = t + rtt + 2100;
    quic_short_packet(&c, ts, 0, 75);
    quic_short_packet(&c, ts + 300, 0, 42);
    ts += rtt;
    quic_short_packet(&c, ts, 1, 40);
    for (int i = 0; i < 6; i++)
        quic_short_packet(&c, ts + 200 + 100 * (uint64_t)i, 1, 1180);
    quic_short_packet(&c, ts + 900, 1, 310);
    quic_short_packet(&c, ts + rtt / 2 + 900, 0, 28);
    quic_short_packet(&c, ts + SEC(1), 0, 33); /* CONNECTION_CLOSE, encrypted */
    return ok && !d.overflow;
}

static bool run_quic(struct gen *g)
{
    struct ip_pair ip;
    struct path pa;
    int iface = ethernet_start_v4(g, &ip, &pa, "10.44.4.10", "203.0.113.20");
    bool ok = quic_session(g, &pa, &ip, 51234, GEN_BASE_TIME_US, "www.vigil-test.example");
    ethernet_v6(&ip, &pa, iface, "2001:db8:44::10", "2001:db8:cafe::20");
    return quic_session(g, &pa, &ip, 51235, GEN_BASE_TIME_US + SEC(3), "video.vigil-test.example") && ok;
}

/* ---- SMTP --------------------------------------------------------------------- */

static size_t docx_skeleton(uint8_t *out, size_t cap)
{
    const struct zip_entry entries[] = {
        {"[Content_Types].xml",
         "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\r\n"
         "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
         "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
         "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
         "<Override PartName=\"/word/document.xml\" "
         "ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/>"
         "</Types>"},
        {"_rels/.rels", "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\r\n"
                        "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
                        "<Relationship Id=\"rId1\" "
                        "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" "
                        "Target=\"word/document.xml\"/></Relationships>"},
        {"word/document.xml",
         "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\r\n"
         "<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>"
         "<w:p><w:r><w:t>List of persons under sanctions</w:t></w:r></w:p>"
         "<w:p><w:r><w:t>Test document generated by vigil-gen. Not a real list.</w:t></w:r></w:p>"
         "</w:body></w:document>"},
    };
    return zip_store(entries, sizeof entries / sizeof entries[0], out, cap);
}

static void smtp_greeting(struct tcp_flow *f, bool with_starttls)
{
    app_say(f, 1, "220 mail.vigil-test.example ESMTP Postfix (Debian/GNU)\r\n");
    app_say(f, 0, "EHLO ws-alice.corp.vigil-test.example\r\n");
    app_say(f, 1,
            with_starttls ? "250-mail.vigil-test.example\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n"
                            "250-STARTTLS\r\n250-ENHANCEDSTATUSCODES\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n"
                          : "250-mail.vigil-test.example\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n"
                            "250-ENHANCEDSTATUSCODES\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n");
}

static bool run_smtp(struct gen *g)
{
    uint64_t t = GEN_BASE_TIME_US;
    struct ip_pair ip;
    struct path pa;
    ethernet_start_v4(g, &ip, &pa, "10.25.0.10", "10.25.0.25");
    uint8_t docx[8192], msg[32768];
    size_t docx_len = docx_skeleton(docx, sizeof docx);
    if (!docx_len)
        return false;

    struct tcp_flow f;
    tcp_connect(&f, g, &pa, &ip, 54025, 25, t);
    smtp_greeting(&f, false);
    static const char *const rcpts[] = {"<alice@vigil-test.example>", "<bob@vigil-test.example>"};
    smtp_envelope(&f, &APP_PACE, "<compliance@partner-bank.example> SIZE=6400", rcpts, 2);
    struct wr w;
    w_init(&w, msg, sizeof msg);
    w_str(&w, "Received: from [192.0.2.77] (unknown [192.0.2.77])\r\n"
              "\tby relay.partner-bank.example (Postfix) with ESMTPSA id 4Tq9Xz0Lm2z1\r\n"
              "\tfor <alice@vigil-test.example>; Mon,  4 Mar 2024 08:59:51 +0000 (UTC)\r\n"
              "From: \"Compliance Office\" <compliance@partner-bank.example>\r\n"
              "To: Alice <alice@vigil-test.example>, Bob <bob@vigil-test.example>\r\n"
              "Subject: Updated list of persons under sanctions\r\n"
              "Date: Mon, 4 Mar 2024 09:00:00 +0000\r\n"
              "Message-ID: <20240304090000.7f3a@partner-bank.example>\r\n"
              "Reply-To: compliance-desk@partner-bank.example\r\n"
              "X-Originating-IP: [192.0.2.77]\r\n"
              "User-Agent: Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:115.0) Gecko/20100101 Thunderbird/115.8.0\r\n"
              "MIME-Version: 1.0\r\n"
              "Content-Type: multipart/mixed; boundary=\"------------vigil0123456789\"\r\n"
              "\r\n"
              "This is a multi-part message in MIME format.\r\n"
              "--------------vigil0123456789\r\n"
              "Content-Type: text/plain; charset=UTF-8\r\n"
              "Content-Transfer-Encoding: 7bit\r\n"
              "\r\n"
              "Hello,\r\n\r\n"
              "please find attached the updated list. The online version is at\r\n"
              "http://www.vigil-test.example/sanctions/2024-03/list.html\r\n\r\n"
              "Regards,\r\nCompliance Office\r\n\r\n"
              "--------------vigil0123456789\r\n"
              "Content-Type: application/vnd.openxmlformats-officedocument.wordprocessingml.document;\r\n"
              " name=\"list_of_persons_under_sanctions.docx\"\r\n"
              "Content-Disposition: attachment; filename=\"list_of_persons_under_sanctions.docx\"\r\n"
              "Content-Transfer-Encoding: base64\r\n"
              "\r\n");
    w_base64_lines(&w, docx, docx_len);
    w_str(&w, "\r\n--------------vigil0123456789--\r\n.\r\n");
    if (w.overflow)
        return false;
    app_say_bytes(&f, 0, w.buf, w.len);
    app_say(&f, 1, "250 2.0.0 Ok: queued as 4Tq9Y03KQTz9\r\n");
    app_say(&f, 0, "QUIT\r\n");
    app_say(&f, 1, "221 2.0.0 Bye\r\n");
    tcp_close(&f, 1);

    /* Session 2: STARTTLS, then TLS on the same connection. */
    tcp_connect(&f, g, &pa, &ip, 54026, 25, t + SEC(3));
    smtp_greeting(&f, true);
    app_say(&f, 0, "STARTTLS\r\n");
    app_say(&f, 1, "220 2.0.0 Ready to start TLS\r\n");
    static const char *const no_alpn[] = {NULL};
    bool ok = tls13_session(g, &f, "mail.vigil-test.example", no_alpn, 0, 700);
    tcp_close(&f, 0);
    return ok;
}

/* ---- DHCP --------------------------------------------------------------------- */

enum { DHCP_DISCOVER = 1, DHCP_OFFER = 2, DHCP_REQUEST = 3, DHCP_ACK = 5 };

static const uint8_t dhcp_client_mac[6] = {0x02, 0xdc, 0x00, 0x00, 0x00, 0x42};
static const uint8_t dhcp_server_mac[6] = {0x02, 0x44, 10, 67, 0, 1};
static const uint8_t broadcast_mac[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

static void dhcp_opt(struct wr *w, uint8_t code, const void *data, size_t len)
{
    w_u8(w, code);
    w_u8(w, (uint8_t)len);
    w_bytes(w, data, len);
}

static void dhcp_opt_u32(struct wr *w, uint8_t code, uint32_t v)
{
    uint8_t b[4] = {(uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v};
    dhcp_opt(w, code, b, 4);
}

static void dhcp_opt_addr(struct wr *w, uint8_t code, const char *text)
{
    struct ip_pair ip;
    ip_pair_v4(&ip, text, text);
    dhcp_opt(w, code, ip.src, 4);
}

/* One BOOTP/DHCP message; the options differ by type as a real client
 * (Windows-like) and server (ISC-like) send them. */
static size_t dhcp_message(struct wr *w, uint8_t type, uint32_t xid, uint16_t secs)
{
    bool reply = type == DHCP_OFFER || type == DHCP_ACK;
    w_u8(w, reply ? 2 : 1);
    w_u8(w, 1);
    w_u8(w, 6);
    w_u8(w, 0);
    w_u32(w, xid);
    w_u16(w, secs);
    w_u16(w, 0);
    w_zero(w, 4); /* ciaddr */
    if (reply) {
        struct ip_pair a;
        ip_pair_v4(&a, "10.67.0.100", "10.67.0.1");
        w_bytes(w, a.src, 4); /* yiaddr */
        w_bytes(w, a.dst, 4); /* siaddr */
    } else {
        w_zero(w, 8);
    }
    w_zero(w, 4); /* giaddr */
    w_bytes(w, dhcp_client_mac, 6);
    w_zero(w, 10 + 64 + 128); /* chaddr padding, sname, file */
    w_u32(w, 0x63825363);
    dhcp_opt(w, 53, &type, 1);
    static const uint8_t client_id[7] = {1, 0x02, 0xdc, 0x00, 0x00, 0x00, 0x42};
    static const uint8_t prl[] = {1, 3, 6, 15, 31, 33, 43, 44, 46, 47, 119, 121, 249, 252};
    if (!reply) {
        dhcp_opt(w, 61, client_id, sizeof client_id);
        if (type == DHCP_REQUEST) {
            dhcp_opt_addr(w, 50, "10.67.0.100");
            dhcp_opt_addr(w, 54, "10.67.0.1");
        }
        dhcp_opt(w, 12, "alice-laptop", 12);
        if (type == DHCP_REQUEST) {
            static const uint8_t fqdn[] = "\x00\x00\x00" "alice-laptop.corp.vigil-test.example";
            dhcp_opt(w, 81, fqdn, sizeof fqdn - 1);
        }
        dhcp_opt(w, 60, "MSFT 5.0", 8);
        dhcp_opt(w, 55, prl, sizeof prl);
        w_u8(w, 255);
    } else {
        dhcp_opt_addr(w, 54, "10.67.0.1");
        dhcp_opt_u32(w, 51, 86400);
        dhcp_opt_u32(w, 58, 43200);
        dhcp_opt_u32(w, 59, 75600);
        dhcp_opt_addr(w, 1, "255.255.255.0");
        dhcp_opt_addr(w, 28, "10.67.0.255");
        dhcp_opt_addr(w, 3, "10.67.0.1");
        static const uint8_t dns_servers[8] = {10, 67, 0, 1, 9, 9, 9, 9};
        dhcp_opt(w, 6, dns_servers, sizeof dns_servers);
        dhcp_opt(w, 15, "corp.vigil-test.example", 23);
        w_u8(w, 255);
    }
    while (w->len < 300) /* the BOOTP minimum */
        w_u8(w, 0);
    return w->len;
}

static void dhcp_send(struct gen *g, int iface, uint64_t ts, bool from_client, uint8_t type, uint32_t xid,
                      uint16_t secs)
{
    struct ip_pair ip;
    struct path pa = {.iface = iface};
    struct layer eth = {.kind = LY_ETH};
    if (from_client) {
        ip_pair_v4(&ip, "0.0.0.0", "255.255.255.255");
        memcpy(eth.mac_a, dhcp_client_mac, 6);
        memcpy(eth.mac_b, broadcast_mac, 6);
    } else {
        ip_pair_v4(&ip, "10.67.0.1", "10.67.0.100");
        memcpy(eth.mac_a, dhcp_server_mac, 6);
        memcpy(eth.mac_b, dhcp_client_mac, 6);
    }
    path_push(&pa, &eth);
    uint8_t buf[600];
    struct wr w;
    w_init(&w, buf, sizeof buf);
    dhcp_message(&w, type, xid, secs);
    udp_datagram(g, &pa, &ip, from_client ? 68 : 67, from_client ? 67 : 68, 0, ts, w.buf, w.len);
}

static bool run_dhcp(struct gen *g)
{
    int iface = add_ethernet_iface(g, 65535);
    uint64_t t = GEN_BASE_TIME_US;
    uint32_t xid = (uint32_t)rng_next(g);
    dhcp_send(g, iface, t, true, DHCP_DISCOVER, xid, 0);
    dhcp_send(g, iface, t + MS(3), false, DHCP_OFFER, xid, 0);
    dhcp_send(g, iface, t + MS(1010), true, DHCP_REQUEST, xid, 1);
    dhcp_send(g, iface, t + MS(1013), false, DHCP_ACK, xid, 0);
    return true;
}

/* ---- SSH ---------------------------------------------------------------------- */

static void ssh_string(struct wr *w, const void *data, size_t len)
{
    w_u32(w, (uint32_t)len);
    w_bytes(w, data, len);
}

static void ssh_cstring(struct wr *w, const char *s) { ssh_string(w, s, strlen(s)); }

/* A binary packet before encryption: length, padding length, payload,
 * padding to a multiple of 8 (at least 4 bytes). */
static void ssh_packet(struct gen *g, struct wr *w, const uint8_t *payload, size_t len)
{
    size_t pad = 8 - (5 + len) % 8;
    if (pad < 4)
        pad += 8;
    w_u32(w, (uint32_t)(1 + len + pad));
    w_u8(w, (uint8_t)pad);
    w_bytes(w, payload, len);
    w_random(g, w, pad);
}

static void ssh_kexinit(struct gen *g, struct wr *w, bool server)
{
    uint8_t payload[2048];
    struct wr p;
    w_init(&p, payload, sizeof payload);
    w_u8(&p, 20);
    w_random(g, &p, 16);
    const char *kex = server ? "sntrup761x25519-sha512@openssh.com,curve25519-sha256,curve25519-sha256@libssh.org,"
                               "ecdh-sha2-nistp256,ecdh-sha2-nistp384,ecdh-sha2-nistp521,"
                               "diffie-hellman-group-exchange-sha256,diffie-hellman-group16-sha512,"
                               "diffie-hellman-group18-sha512,diffie-hellman-group14-sha256,"
                               "kex-strict-s-v00@openssh.com"
                             : "curve25519-sha256,curve25519-sha256@libssh.org,ecdh-sha2-nistp256,"
                               "ecdh-sha2-nistp384,ecdh-sha2-nistp521,sntrup761x25519-sha512@openssh.com,"
                               "diffie-hellman-group-exchange-sha256,diffie-hellman-group16-sha512,"
                               "diffie-hellman-group18-sha512,diffie-hellman-group14-sha256,ext-info-c,"
                               "kex-strict-c-v00@openssh.com";
    const char *host_keys = server ? "rsa-sha2-512,rsa-sha2-256,ecdsa-sha2-nistp256,ssh-ed25519"
                                   : "ssh-ed25519-cert-v01@openssh.com,ecdsa-sha2-nistp256-cert-v01@openssh.com,"
                                     "rsa-sha2-512-cert-v01@openssh.com,ssh-ed25519,ecdsa-sha2-nistp256,"
                                     "rsa-sha2-512,rsa-sha2-256";
    const char *ciphers = "chacha20-poly1305@openssh.com,aes128-ctr,aes192-ctr,aes256-ctr,aes128-gcm@openssh.com,"
                          "aes256-gcm@openssh.com";
    const char *macs = "umac-64-etm@openssh.com,umac-128-etm@openssh.com,hmac-sha2-256-etm@openssh.com,"
                       "hmac-sha2-512-etm@openssh.com,hmac-sha1-etm@openssh.com,umac-64@openssh.com,"
                       "umac-128@openssh.com,hmac-sha2-256,hmac-sha2-512,hmac-sha1";
    const char *compression = server ? "none,zlib@openssh.com" : "none,zlib@openssh.com,zlib";
    ssh_cstring(&p, kex);
    ssh_cstring(&p, host_keys);
    ssh_cstring(&p, ciphers);
    ssh_cstring(&p, ciphers);
    ssh_cstring(&p, macs);
    ssh_cstring(&p, macs);
    ssh_cstring(&p, compression);
    ssh_cstring(&p, compression);
    ssh_cstring(&p, "");
    ssh_cstring(&p, "");
    w_u8(&p, 0);  /* first_kex_packet_follows */
    w_u32(&p, 0); /* reserved */
    if (p.overflow)
        w->overflow = true;
    else
        ssh_packet(g, w, p.buf, p.len);
}

/* An encrypted chacha20-poly1305 packet carrying a payload of `plain` bytes:
 * 4-byte encrypted length, padded body, 16-byte tag, all random-looking. */
static void ssh_encrypted(struct tcp_flow *f, int dir, size_t plain)
{
    size_t pad = 8 - (1 + plain) % 8;
    if (pad < 4)
        pad += 8;
    uint8_t buf[2048];
    struct wr w;
    w_init(&w, buf, sizeof buf);
    w_random(f->g, &w, 4 + 1 + plain + pad + 16);
    app_say_bytes(f, dir, w.buf, w.len);
}

static bool run_ssh(struct gen *g)
{
    struct tcp_conn c;
    tcp_conn_start_v4(g, &c, "10.22.0.10", 55022, "10.22.0.22", 22);
    app_say(&c.f, 1, "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n");
    app_say(&c.f, 0, "SSH-2.0-OpenSSH_9.6\r\n");
    uint8_t buf[4096];
    struct wr w;
    w_init(&w, buf, sizeof buf);
    ssh_kexinit(g, &w, false);
    app_say_bytes(&c.f, 0, w.buf, w.len);
    w_init(&w, buf, sizeof buf);
    ssh_kexinit(g, &w, true);
    app_say_bytes(&c.f, 1, w.buf, w.len);
    bool ok = !w.overflow;

    /* SSH_MSG_KEX_ECDH_INIT / REPLY (curve25519), then NEWKEYS each way. */
    uint8_t payload[1024];
    struct wr p;
    w_init(&p, payload, sizeof payload);
    w_u8(&p, 30);
    w_u32(&p, 32);
    w_random(g, &p, 32);
    w_init(&w, buf, sizeof buf);
    ssh_packet(g, &w, p.buf, p.len);
    app_say_bytes(&c.f, 0, w.buf, w.len);
    w_init(&p, payload, sizeof payload);
    w_u8(&p, 31);
    size_t blob = w_open(&p, 4);
    ssh_cstring(&p, "ssh-ed25519");
    w_u32(&p, 32);
    w_random(g, &p, 32);
    w_close(&p, blob, 4);
    w_u32(&p, 32);
    w_random(g, &p, 32);
    size_t sig = w_open(&p, 4);
    ssh_cstring(&p, "ssh-ed25519");
    w_u32(&p, 64);
    w_random(g, &p, 64);
    w_close(&p, sig, 4);
    static const uint8_t newkeys[1] = {21};
    w_init(&w, buf, sizeof buf);
    ssh_packet(g, &w, p.buf, p.len);
    ssh_packet(g, &w, newkeys, 1);
    app_say_bytes(&c.f, 1, w.buf, w.len);
    w_init(&w, buf, sizeof buf);
    ssh_packet(g, &w, newkeys, 1);
    app_say_bytes(&c.f, 0, w.buf, w.len);
    ok = ok && !p.overflow && !w.overflow;

    /* Encrypted: SERVICE_REQUEST/ACCEPT, a "none" attempt refused, a
     * publickey attempt accepted (USERAUTH_SUCCESS, 16 bytes shorter than
     * SERVICE_ACCEPT), a channel, a short shell session. */
    ssh_encrypted(&c.f, 0, 17);  /* SERVICE_REQUEST "ssh-userauth" */
    ssh_encrypted(&c.f, 1, 17);  /* SERVICE_ACCEPT */
    ssh_encrypted(&c.f, 0, 47);  /* USERAUTH_REQUEST none */
    ssh_encrypted(&c.f, 1, 35);  /* USERAUTH_FAILURE publickey,password */
    ssh_encrypted(&c.f, 0, 420); /* USERAUTH_REQUEST publickey with signature */
    ssh_encrypted(&c.f, 1, 1);   /* USERAUTH_SUCCESS */
    ssh_encrypted(&c.f, 0, 24);  /* CHANNEL_OPEN session */
    ssh_encrypted(&c.f, 1, 500); /* global request: hostkeys-00@openssh.com */
    ssh_encrypted(&c.f, 1, 16);  /* CHANNEL_OPEN_CONFIRMATION */
    for (int i = 0; i < 12; i++) {
        ssh_encrypted(&c.f, 0, 14 + (size_t)(i % 3));
        ssh_encrypted(&c.f, 1, 14 + (size_t)(i % 5 == 0 ? 300 : 0));
        tcp_wait(&c.f, MS(120) + rng_below(g, 300000));
    }
    ssh_encrypted(&c.f, 0, 9); /* CHANNEL_EOF / CLOSE */
    ssh_encrypted(&c.f, 1, 9);
    tcp_close(&c.f, 0);
    return ok;
}

/* ---- the table ---------------------------------------------------------------- */

static const struct scenario app_scenarios[] = {
    {"dns-tcp", "DNS over UDP (A, AAAA, CNAME chain, MX, TXT, NXDOMAIN, truncated) and TCP (two per segment, split)",
     false, run_dns_tcp},
    {"http", "HTTP/1.1 pipelining, chunked gzip, POST, 404, port 8080 and content-detected 5080", false, run_http},
    {"http-eve", "HTTP upload answered by two 100 Continue, a status that is no number (EVE, issue #12)", false,
     run_http_eve},
    {"tls", "TLS 1.2 with a real certificate chain, TLS 1.3 with ALPN, TLS 1.3 on 8443", false, run_tls},
    {"quic", "QUIC v1 Initials protected per RFC 9001 (ClientHello SNI, ALPN h3), short-header packets", false,
     run_quic},
    {"smtp", "ESMTP with a multipart message and a .docx attachment; a STARTTLS session", false, run_smtp},
    {"dhcp", "DHCP DISCOVER/OFFER/REQUEST/ACK with host name, vendor class, parameter list, lease", false,
     run_dhcp},
    {"ssh", "SSH banners, KEXINIT both ways, ECDH, NEWKEYS, then encrypted packets with a successful auth", false,
     run_ssh},
};

const struct scenario *app_scenario_at(size_t i)
{
    size_t n = sizeof app_scenarios / sizeof app_scenarios[0];
    return i < n ? &app_scenarios[i] : device_scenario_at(i - n);
}
