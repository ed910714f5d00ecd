#include "scenarios.h"

#include <stdio.h>
#include <string.h>

#include "decode/packet-t.h"

int add_ethernet_iface(struct gen *g, uint32_t snaplen)
{
    return pw_add_interface(&g->writer, LINKTYPE_ETHERNET, snaplen);
}

int ethernet_start_v4(struct gen *g, struct ip_pair *ip, struct path *pa, const char *src, const char *dst)
{
    int iface = add_ethernet_iface(g, 65535);
    ethernet_v4(ip, pa, iface, src, dst);
    return iface;
}

int tcp_conn_start_v4(struct gen *g, struct tcp_conn *c, const char *src, uint16_t sport, const char *dst,
                      uint16_t dport)
{
    int iface = add_ethernet_iface(g, 65535);
    tcp_conn_open_v4(c, g, iface, src, sport, dst, dport, GEN_BASE_TIME_US);
    return iface;
}

/* ---- protocol payload helpers ------------------------------------------ */

static size_t dns_put_name(uint8_t *buf, size_t cap, const char *name)
{
    size_t n = 0;
    while (*name) {
        const char *dot = strchr(name, '.');
        size_t label = dot ? (size_t)(dot - name) : strlen(name);
        if (label > 63 || n + 1 + label + 1 > cap)
            return 0;
        buf[n++] = (uint8_t)label;
        memcpy(buf + n, name, label);
        n += label;
        name += label;
        if (*name == '.')
            name++;
    }
    if (n + 1 > cap)
        return 0;
    buf[n++] = 0;
    return n;
}

size_t dns_message(uint8_t *buf, size_t cap, uint16_t id, const char *name, uint16_t qtype, bool response,
                   uint8_t rcode, const uint8_t *answer, size_t answer_len)
{
    if (cap < 12)
        return 0;
    memset(buf, 0, 12);
    put16(buf, id);
    put16(buf + 2, response ? (uint16_t)(0x8180 | (rcode & 0xf)) : 0x0100);
    put16(buf + 4, 1);
    bool with_answer = response && answer && answer_len;
    put16(buf + 6, with_answer ? 1 : 0);
    size_t n = 12;
    size_t nl = dns_put_name(buf + n, cap - n, name);
    if (!nl || n + nl + 4 > cap)
        return 0;
    n += nl;
    put16(buf + n, qtype);
    put16(buf + n + 2, 1);
    n += 4;
    if (with_answer) {
        if (n + 12 + answer_len > cap)
            return 0;
        put16(buf + n, 0xc00c); /* pointer to the question name */
        put16(buf + n + 2, qtype);
        put16(buf + n + 4, 1);
        put32(buf + n + 6, 300);
        put16(buf + n + 10, (uint16_t)answer_len);
        memcpy(buf + n + 12, answer, answer_len);
        n += 12 + answer_len;
    }
    return n;
}

void dns_exchange(struct gen *g, struct path *pa, const struct ip_pair *ip, uint16_t sport, uint64_t t,
                  const char *name, uint16_t qtype, const uint8_t *answer, size_t answer_len)
{
    uint8_t msg[512];
    uint16_t id = (uint16_t)rng_next(g);
    size_t n = dns_message(msg, sizeof msg, id, name, qtype, false, 0, NULL, 0);
    udp_datagram(g, pa, ip, sport, 53, 0, t, msg, n);
    n = dns_message(msg, sizeof msg, id, name, qtype, true, answer ? 0 : 3, answer, answer_len);
    udp_datagram(g, pa, ip, sport, 53, 1, t + 8000 + rng_below(g, 20000), msg, n);
}

void ntp_exchange(struct gen *g, struct path *pa, const struct ip_pair *ip, uint16_t sport, uint64_t t)
{
    uint8_t msg[48];
    uint64_t ntp_secs = t / US_PER_SEC + 2208988800ull; /* NTP era 0 starts in 1900 */
    memset(msg, 0, sizeof msg);
    msg[0] = 0x23; /* LI 0, version 4, mode 3 (client) */
    put32(msg + 40, (uint32_t)ntp_secs);
    put32(msg + 44, (uint32_t)rng_next(g));
    udp_datagram(g, pa, ip, sport, 123, 0, t, msg, sizeof msg);
    uint8_t reply[48];
    memset(reply, 0, sizeof reply);
    reply[0] = 0x24; /* mode 4 (server) */
    reply[1] = 2;    /* stratum */
    reply[2] = 6;
    reply[3] = 0xe9;
    memcpy(reply + 12, "\xc0\xa8\x01\x01", 4);
    put32(reply + 16, (uint32_t)ntp_secs - 30);
    memcpy(reply + 24, msg + 40, 8); /* origin = client's transmit */
    put32(reply + 32, (uint32_t)ntp_secs);
    put32(reply + 40, (uint32_t)ntp_secs);
    put32(reply + 44, (uint32_t)rng_next(g));
    udp_datagram(g, pa, ip, sport, 123, 1, t + 15000, reply, sizeof reply);
}

uint64_t http_session(struct gen *g, struct path *pa, const struct ip_pair *ip, uint16_t cport, uint64_t t,
                      const char *host, const char *uri, size_t body_len)
{
    struct tcp_flow f;
    tcp_connect(&f, g, pa, ip, cport, 80, t);
    char req[512];
    int rn = snprintf(req, sizeof req,
                      "GET %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:115.0) "
                      "Gecko/20100101 Firefox/115.0\r\nAccept: */*\r\nConnection: close\r\n\r\n",
                      uri, host);
    tcp_send(&f, 0, (const uint8_t *)req, (size_t)rn);
    tcp_wait(&f, 2000);
    char hdr[256];
    int hn = snprintf(hdr, sizeof hdr,
                      "HTTP/1.1 200 OK\r\nServer: nginx\r\nContent-Type: text/html\r\nContent-Length: %zu\r\n"
                      "Connection: close\r\n\r\n",
                      body_len);
    uint8_t resp[16384];
    size_t total = (size_t)hn + body_len;
    if (total > sizeof resp)
        total = sizeof resp;
    memcpy(resp, hdr, (size_t)hn);
    static const char html[] = "<html><head><title>Vigil test page</title></head><body><p>";
    size_t body = total - (size_t)hn;
    rng_fill(g, resp + hn, body);
    memcpy(resp + hn, html, body < sizeof html - 1 ? body : sizeof html - 1);
    tcp_send(&f, 1, resp, total);
    tcp_close(&f, 1);
    return f.now;
}

size_t tls_client_hello(struct gen *g, uint8_t *buf, const char *sni)
{
    size_t sni_len = strlen(sni);
    uint8_t *p = buf;
    uint8_t *rec_len, *hs_len, *ext_total;
    *p++ = 0x16, *p++ = 0x03, *p++ = 0x01;
    rec_len = p, p += 2;
    *p++ = 0x01; /* ClientHello */
    hs_len = p, p += 3;
    *p++ = 0x03, *p++ = 0x03;
    rng_fill(g, p, 32), p += 32;
    *p++ = 32;
    rng_fill(g, p, 32), p += 32;
    static const uint16_t suites[] = {0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9};
    put16(p, sizeof suites), p += 2;
    for (size_t i = 0; i < sizeof suites / sizeof suites[0]; i++)
        put16(p, suites[i]), p += 2;
    *p++ = 1, *p++ = 0;
    ext_total = p, p += 2;
    uint8_t *ext_start = p;
    put16(p, 0x0000), put16(p + 2, (uint16_t)(sni_len + 5)), p += 4; /* server_name */
    put16(p, (uint16_t)(sni_len + 3)), p += 2;
    *p++ = 0;
    put16(p, (uint16_t)sni_len), p += 2;
    memcpy(p, sni, sni_len), p += sni_len;
    put16(p, 0x000a), put16(p + 2, 4), put16(p + 4, 2), put16(p + 6, 0x001d), p += 8; /* groups */
    put16(p, 0x0010), put16(p + 2, 14), put16(p + 4, 12), p += 6;                  /* ALPN */
    *p++ = 2, memcpy(p, "h2", 2), p += 2;
    *p++ = 8, memcpy(p, "http/1.1", 8), p += 8;
    put16(p, 0x002b), put16(p + 2, 3), p[4] = 2, put16(p + 5, 0x0304), p += 7; /* supported_versions */
    put16(ext_total, (uint16_t)(p - ext_start));
    size_t hs = (size_t)(p - hs_len - 3);
    hs_len[0] = (uint8_t)(hs >> 16), hs_len[1] = (uint8_t)(hs >> 8), hs_len[2] = (uint8_t)hs;
    put16(rec_len, (uint16_t)(p - rec_len - 2));
    return (size_t)(p - buf);
}

size_t tls_server_hello(struct gen *g, uint8_t *buf)
{
    uint8_t *p = buf;
    *p++ = 0x16, *p++ = 0x03, *p++ = 0x03;
    uint8_t *rec_len = p;
    p += 2;
    *p++ = 0x02;
    uint8_t *hs_len = p;
    p += 3;
    *p++ = 0x03, *p++ = 0x03;
    rng_fill(g, p, 32), p += 32;
    *p++ = 32;
    rng_fill(g, p, 32), p += 32;
    put16(p, 0x1301), p += 2;
    *p++ = 0;
    put16(p, 6), p += 2;
    put16(p, 0x002b), put16(p + 2, 2), put16(p + 4, 0x0304), p += 6;
    size_t hs = (size_t)(p - hs_len - 3);
    hs_len[0] = 0, hs_len[1] = (uint8_t)(hs >> 8), hs_len[2] = (uint8_t)hs;
    put16(rec_len, (uint16_t)(p - rec_len - 2));
    /* ChangeCipherSpec, then what TLS 1.3 makes look like application data. */
    *p++ = 0x14, *p++ = 0x03, *p++ = 0x03, *p++ = 0, *p++ = 1, *p++ = 1;
    return (size_t)(p - buf);
}

static size_t tls_app_records(struct gen *g, uint8_t *buf, size_t cap, size_t len)
{
    size_t n = 0;
    while (len > 0 && n + 5 < cap) {
        size_t rec = len < 4000 ? len : 4000;
        if (n + 5 + rec > cap)
            rec = cap - n - 5;
        buf[n] = 0x17, buf[n + 1] = 0x03, buf[n + 2] = 0x03;
        put16(buf + n + 3, (uint16_t)rec);
        for (size_t i = 0; i < rec; i++)
            buf[n + 5 + i] = (uint8_t)rng_next(g);
        n += 5 + rec;
        len -= rec;
    }
    return n;
}

uint64_t tls_session(struct gen *g, struct path *pa, const struct ip_pair *ip, uint16_t cport, uint64_t t,
                     const char *sni, size_t resp_len)
{
    static uint8_t buf[20000];
    struct tcp_flow f;
    tcp_connect(&f, g, pa, ip, cport, 443, t);
    tcp_send(&f, 0, buf, tls_client_hello(g, buf, sni));
    tcp_send(&f, 1, buf, tls_server_hello(g, buf));
    tcp_send(&f, 0, buf, tls_app_records(g, buf, sizeof buf, 80 + rng_below(g, 400)));
    tcp_send(&f, 1, buf, tls_app_records(g, buf, sizeof buf, resp_len));
    tcp_wait(&f, 500000);
    tcp_close(&f, 0);
    return f.now;
}

/* ---- path helpers ------------------------------------------------------- */

static void path_for_link(struct path *pa, int iface, int linktype, const struct ip_pair *ip)
{
    memset(pa, 0, sizeof *pa);
    pa->iface = iface;
    struct layer l = {.kind = LY_ETH};
    mac_for_ip(l.mac_a, ip, false);
    mac_for_ip(l.mac_b, ip, true);
    switch (linktype) {
    case LINKTYPE_LINUX_SLL: l.kind = LY_SLL; break;
    case LINKTYPE_LINUX_SLL2: l.kind = LY_SLL2; break;
    case LINKTYPE_NULL: l.kind = LY_NULL; break;
    case LINKTYPE_LOOP: l.kind = LY_LOOP; break;
    case LINKTYPE_NFLOG: l.kind = LY_NFLOG; break;
    case LINKTYPE_IEEE802_11: l.kind = LY_WLAN; break;
    case LINKTYPE_IEEE802_11_RADIOTAP: l.kind = LY_RADIOTAP, l.value = WLAN_QOS_DATA; break;
    /* IPv4 with its own NLPID, IPv6 through SNAP: both RFC 2427 ways */
    case LINKTYPE_FRELAY: l.kind = ip->v6 ? LY_FRELAY_SNAP : LY_FRELAY, l.value = 100; break;
    case LINKTYPE_RAW: return;
    default: break;
    }
    path_push(pa, &l);
}

void path_with(struct path *pa, int iface, const struct ip_pair *ip, const struct layer *inner, size_t n)
{
    memset(pa, 0, sizeof *pa);
    pa->iface = iface;
    for (size_t i = 0; i < n; i++)
        path_push(pa, &inner[i]);
    path_push_eth(pa, ip);
}

static const uint8_t addr_example[4] = {93, 184, 216, 34};

/* ---- basic -------------------------------------------------------------- */

/* 802.11 frames a decoder must pass over: a beacon, a null-data frame and a
 * protected QoS data frame whose body, were it read as clear text, is a DNS
 * query (so decoding it would show up in the logs). */
static void wlan_frames_to_skip(struct gen *g, int iface, int linktype, uint64_t t)
{
    struct ip_pair ip;
    ip_pair_v4(&ip, "192.168.1.10", "192.168.1.99");
    uint8_t sta[6], ap[6], msg[128];
    mac_for_ip(sta, &ip, false);
    mac_for_ip(ap, &ip, true);
    struct pkt *p = &g->pkt;
    for (int kind = 0; kind < 3; kind++) {
        pkt_reset(p);
        size_t n = dns_message(msg, sizeof msg, 0x5757, "protected.example.org", 1, false, 0, NULL, 0);
        pkt_append_bytes(p, msg, n);
        pb_udp(p, &ip, 40999, 53);
        struct ipv4_params ipp = {.ttl = 64, .id = 77};
        pb_ipv4(p, &ip, &ipp);
        pb_wlan(p, 0, sta, ap, (uint16_t)(900 + kind), WLAN_QOS_DATA | (kind == 0 ? WLAN_PROTECTED : 0));
        uint8_t *fc = pkt_data(p);
        if (kind == 1)
            fc[0] = 0x80; /* a beacon: management frame */
        else if (kind == 2)
            fc[0] = 0xc8; /* QoS null: a data subtype without a body */
        if (linktype == LINKTYPE_IEEE802_11_RADIOTAP)
            pb_radiotap(p);
        gen_queue(g, iface, t + (uint64_t)kind * 1000, pkt_data(p), (uint32_t)p->len);
    }
}

static bool run_basic_on(struct gen *g, int linktype)
{
    int iface = pw_add_interface(&g->writer, (uint16_t)linktype, 65535);
    uint64_t t = GEN_BASE_TIME_US;
    struct ip_pair ip;
    struct path pa;

    ip_pair_v4(&ip, "192.168.1.10", "192.168.1.1");
    path_for_link(&pa, iface, linktype, &ip);
    dns_exchange(g, &pa, &ip, 53533, t, "www.example.com", 1, addr_example, 4);

    ip_pair_v4(&ip, "192.168.1.10", "93.184.216.34");
    path_for_link(&pa, iface, linktype, &ip);
    http_session(g, &pa, &ip, 51000, t + MS(100), "www.example.com", "/index.html", 3000);

    ip_pair_v4(&ip, "192.168.1.10", "8.8.8.8");
    path_for_link(&pa, iface, linktype, &ip);
    icmp_echo(g, &pa, &ip, 0x1234, 3, t + SEC(2), 12000);

    ip_pair_v4(&ip, "192.168.1.10", "162.159.200.1");
    path_for_link(&pa, iface, linktype, &ip);
    ntp_exchange(g, &pa, &ip, 123, t + SEC(6));

    ip_pair_v6(&ip, "2001:db8:1::10", "2001:db8:2::443");
    path_for_link(&pa, iface, linktype, &ip);
    struct tcp_flow f;
    tcp_connect(&f, g, &pa, &ip, 40022, 8080, t + SEC(8));
    tcp_send_filler(&f, 0, 300);
    tcp_send_filler(&f, 1, 5000);
    tcp_close(&f, 0);
    if (linktype == LINKTYPE_IEEE802_11 || linktype == LINKTYPE_IEEE802_11_RADIOTAP)
        wlan_frames_to_skip(g, iface, linktype, t + SEC(10));
    return true;
}

static bool run_basic(struct gen *g)
{
    return run_basic_on(g, g->opt.linktype >= 0 ? g->opt.linktype : LINKTYPE_ETHERNET);
}

/* ---- tcp-states --------------------------------------------------------- */

/* Each flow gets its own port pair and starts 20 s after the previous one. */
static void states_flow(struct gen *g, struct path *pa, struct tcp_flow *f, unsigned idx)
{
    struct ip_pair ip;
    ip_pair_v4(&ip, "10.0.0.1", "10.0.0.2");
    tcp_flow_init(f, g, pa, &ip, (uint16_t)(40000 + idx), (uint16_t)(8000 + idx), GEN_BASE_TIME_US + SEC(20 * idx));
}

static void exchange_some(struct tcp_flow *f)
{
    tcp_send(f, 0, (const uint8_t *)"HELLO server\r\n", 14);
    tcp_send(f, 1, (const uint8_t *)"HELLO client, welcome\r\n", 23);
}

static bool run_tcp_states(struct gen *g)
{
    struct ip_pair ip;
    struct path pa;
    ethernet_start_v4(g, &ip, &pa, "10.0.0.1", "10.0.0.2");
    struct tcp_flow f;
    unsigned i = 0;

    states_flow(g, &pa, &f, i++); /* S0 */
    tcp_segment(&f, 0, TCP_SYN_FLAG, NULL, 0);

    states_flow(g, &pa, &f, i++); /* S1 */
    tcp_handshake(&f);
    exchange_some(&f);

    states_flow(g, &pa, &f, i++); /* SF */
    tcp_handshake(&f);
    exchange_some(&f);
    tcp_close(&f, 0);

    states_flow(g, &pa, &f, i++); /* REJ */
    tcp_segment(&f, 0, TCP_SYN_FLAG, NULL, 0);
    tcp_wait(&f, f.rtt_us);
    tcp_segment(&f, 1, TCP_RST_FLAG | TCP_ACK_FLAG, NULL, 0);

    states_flow(g, &pa, &f, i++); /* S2: originator FIN, responder only ACKs */
    tcp_handshake(&f);
    exchange_some(&f);
    tcp_segment(&f, 0, TCP_FIN_FLAG | TCP_ACK_FLAG, NULL, 0);
    tcp_wait(&f, f.rtt_us);
    tcp_segment(&f, 1, TCP_ACK_FLAG, NULL, 0);

    states_flow(g, &pa, &f, i++); /* S3: responder FIN, originator only ACKs */
    tcp_handshake(&f);
    exchange_some(&f);
    tcp_segment(&f, 1, TCP_FIN_FLAG | TCP_ACK_FLAG, NULL, 0);
    tcp_wait(&f, f.rtt_us);
    tcp_segment(&f, 0, TCP_ACK_FLAG, NULL, 0);

    states_flow(g, &pa, &f, i++); /* RSTO */
    tcp_handshake(&f);
    exchange_some(&f);
    tcp_reset(&f, 0);

    states_flow(g, &pa, &f, i++); /* RSTR */
    tcp_handshake(&f);
    exchange_some(&f);
    tcp_reset(&f, 1);

    states_flow(g, &pa, &f, i++); /* RSTOS0: SYN then the originator's RST */
    tcp_segment(&f, 0, TCP_SYN_FLAG, NULL, 0);
    tcp_wait(&f, SEC(1));
    tcp_segment(&f, 0, TCP_RST_FLAG, NULL, 0);

    states_flow(g, &pa, &f, i++); /* RSTRH: SYN-ACK then RST from the responder, no SYN */
    f.seq[0]++;                   /* as if the unseen SYN had been sent */
    tcp_segment(&f, 1, TCP_SYN_FLAG | TCP_ACK_FLAG, NULL, 0);
    tcp_wait(&f, SEC(1));
    tcp_segment(&f, 1, TCP_RST_FLAG | TCP_ACK_FLAG, NULL, 0);

    states_flow(g, &pa, &f, i++); /* SH: SYN then FIN from the originator */
    tcp_segment(&f, 0, TCP_SYN_FLAG, NULL, 0);
    tcp_wait(&f, SEC(1));
    tcp_segment(&f, 0, TCP_FIN_FLAG, NULL, 0);

    states_flow(g, &pa, &f, i++); /* SHR: SYN-ACK then FIN from the responder */
    f.seq[0]++;
    tcp_segment(&f, 1, TCP_SYN_FLAG | TCP_ACK_FLAG, NULL, 0);
    tcp_wait(&f, SEC(1));
    tcp_segment(&f, 1, TCP_FIN_FLAG | TCP_ACK_FLAG, NULL, 0);

    states_flow(g, &pa, &f, i++); /* OTH: mid-stream, no SYN; server port 80 so nothing flips */
    f.port[1] = 80;
    tcp_send(&f, 0, (const uint8_t *)"GET /late HTTP/1.1\r\nHost: x\r\n\r\n", 31);
    tcp_send(&f, 1, (const uint8_t *)"HTTP/1.1 204 No Content\r\n\r\n", 27);

    states_flow(g, &pa, &f, i++); /* retransmission: one client segment sent twice */
    tcp_handshake(&f);
    {
        static const uint8_t msg[] = "PUT /data please-retransmit-me\r\n";
        uint32_t seq = f.seq[0];
        tcp_segment(&f, 0, TCP_ACK_FLAG | TCP_PSH_FLAG, msg, sizeof msg - 1);
        tcp_wait(&f, 200000); /* RTO */
        tcp_segment_at(&f, 0, TCP_ACK_FLAG | TCP_PSH_FLAG, seq, msg, sizeof msg - 1);
        tcp_wait(&f, f.rtt_us);
        tcp_segment(&f, 1, TCP_ACK_FLAG, NULL, 0);
    }
    tcp_send(&f, 1, (const uint8_t *)"OK\r\n", 4);
    tcp_close(&f, 0);

    states_flow(g, &pa, &f, i++); /* zero window: the responder's buffer fills */
    tcp_handshake(&f);
    tcp_send_filler(&f, 0, 4000);
    f.win[1] = 0;
    tcp_segment(&f, 1, TCP_ACK_FLAG, NULL, 0);
    tcp_wait(&f, SEC(1));
    f.win[1] = 509;
    tcp_segment(&f, 1, TCP_ACK_FLAG, NULL, 0); /* window update */
    tcp_send_filler(&f, 0, 1000);
    tcp_close(&f, 0);

    states_flow(g, &pa, &f, i++); /* SYN-ACK captured before the SYN (capture reordering) */
    {
        uint32_t client_isn = f.seq[0];
        f.seq[0]++;
        tcp_segment(&f, 1, TCP_SYN_FLAG | TCP_ACK_FLAG, NULL, 0);
        tcp_wait(&f, 300);
        tcp_segment_at(&f, 0, TCP_SYN_FLAG, client_isn, NULL, 0);
        tcp_wait(&f, f.rtt_us / 2);
        tcp_segment(&f, 0, TCP_ACK_FLAG, NULL, 0);
        exchange_some(&f);
        tcp_close(&f, 0);
    }

    states_flow(g, &pa, &f, i++); /* content gap: 1000 client bytes never captured */
    tcp_handshake(&f);
    tcp_send_filler(&f, 0, 500);
    tcp_skip(&f, 0, 1000);
    tcp_send_filler(&f, 0, 500);
    tcp_send(&f, 1, (const uint8_t *)"OK\r\n", 4);
    tcp_close(&f, 0);

    states_flow(g, &pa, &f, i++); /* out of order: the second segment arrives first */
    tcp_handshake(&f);
    {
        static const uint8_t a[] = "first-part-of-request;";
        static const uint8_t b[] = "second-part-of-request\r\n";
        uint32_t seq = f.seq[0];
        tcp_segment_at(&f, 0, TCP_ACK_FLAG | TCP_PSH_FLAG, seq + sizeof a - 1, b, sizeof b - 1);
        tcp_wait(&f, 500);
        tcp_segment_at(&f, 0, TCP_ACK_FLAG, seq, a, sizeof a - 1);
        f.seq[0] = seq + (uint32_t)(sizeof a - 1 + sizeof b - 1);
        tcp_wait(&f, f.rtt_us);
        tcp_segment(&f, 1, TCP_ACK_FLAG, NULL, 0);
    }
    tcp_send(&f, 1, (const uint8_t *)"OK\r\n", 4);
    tcp_close(&f, 1);
    return true;
}

/* ---- frag --------------------------------------------------------------- */

static void queue_wrapped(struct gen *g, struct path *pa, struct pkt *p, int dir, uint64_t ts)
{
    path_apply(pa, p, dir);
    gen_queue(g, pa->iface, ts, pkt_data(p), (uint32_t)p->len);
}

/* Builds the UDP datagram (payload len bytes) in g->pkt as a whole IP packet. */
static size_t build_udp_datagram(struct gen *g, const struct ip_pair *ip, uint16_t sport, uint16_t dport,
                                 size_t len, uint16_t id, uint8_t *out)
{
    struct pkt *p = &g->pkt;
    pkt_reset(p);
    rng_fill(g, pkt_append(p, len), len);
    pb_udp(p, ip, sport, dport);
    if (ip->v6) {
        pb_ipv6(p, ip, 64, 0);
    } else {
        struct ipv4_params ipp = {.ttl = 64, .id = id};
        pb_ipv4(p, ip, &ipp);
    }
    memcpy(out, pkt_data(p), p->len);
    return p->len;
}

enum frag_order { FRAG_IN_ORDER, FRAG_REVERSED, FRAG_SHUFFLED, FRAG_DUPLICATE, FRAG_LAST_MISSING };

static void send_fragments(struct gen *g, struct path *pa, const uint8_t *dgram, size_t len, unsigned n,
                           enum frag_order order, uint64_t t, uint32_t v6_id)
{
    bool v6 = (dgram[0] >> 4) == 6;
    size_t hlen = v6 ? 40 : (size_t)(dgram[0] & 0x0f) * 4;
    size_t offs[8], lens[8];
    unsigned seq[10];
    frag_cuts(len - hlen, n, offs, lens);
    unsigned count = n;
    for (unsigned i = 0; i < n; i++)
        seq[i] = i;
    if (order == FRAG_REVERSED) {
        for (unsigned i = 0; i < n; i++)
            seq[i] = n - 1 - i;
    } else if (order == FRAG_SHUFFLED) {
        for (unsigned i = n - 1; i > 0; i--) {
            unsigned j = rng_below(g, i + 1);
            unsigned tmp = seq[i];
            seq[i] = seq[j], seq[j] = tmp;
        }
        if (seq[0] == 0 && n > 1) { /* make sure it is really out of order */
            unsigned tmp = seq[0];
            seq[0] = seq[1], seq[1] = tmp;
        }
    } else if (order == FRAG_DUPLICATE) {
        seq[n] = 1; /* the second fragment again, after all others */
        count = n + 1;
    } else if (order == FRAG_LAST_MISSING) {
        count = n - 1;
    }
    for (unsigned k = 0; k < count; k++) {
        unsigned i = seq[k];
        struct pkt *fp = &g->frags[0];
        if (v6)
            pb_ipv6_fragment(fp, dgram, len, offs[i], lens[i], i + 1 < n, v6_id, NULL);
        else
            pb_ipv4_fragment(fp, dgram, len, offs[i], lens[i], i + 1 < n, NULL);
        queue_wrapped(g, pa, fp, 0, t + k * 150);
    }
}

static bool run_frag(struct gen *g)
{
    int iface = add_ethernet_iface(g, 65535);
    static uint8_t dgram[9000];
    struct ip_pair ip;
    struct path pa;
    uint64_t t = GEN_BASE_TIME_US;
    ethernet_v4(&ip, &pa, iface, "10.2.0.1", "10.2.0.2");

    static const struct {
        unsigned n;
        enum frag_order order;
    } cases[] = {
        {2, FRAG_IN_ORDER}, {3, FRAG_REVERSED}, {4, FRAG_SHUFFLED}, {5, FRAG_DUPLICATE}, {3, FRAG_LAST_MISSING},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        size_t len = build_udp_datagram(g, &ip, (uint16_t)(5000 + c), 7000, 3000 + c * 500,
                                        (uint16_t)(0x1000 + c), dgram);
        send_fragments(g, &pa, dgram, len, cases[c].n, cases[c].order, t + SEC(2 * c), 0);
    }

    /* Overlap: the middle fragment restarts 8 bytes early with different bytes
     * there. First-wins reassembly (BSD, Linux) keeps a valid UDP checksum. */
    {
        size_t len = build_udp_datagram(g, &ip, 5100, 7000, 2400, 0x2000, dgram);
        size_t payload = len - 20;
        uint8_t changed[1200];
        struct pkt *fp = &g->frags[0];
        uint64_t t0 = t + SEC(12);
        pb_ipv4_fragment(fp, dgram, len, 0, 1024, true, NULL);
        queue_wrapped(g, &pa, fp, 0, t0);
        memcpy(changed, dgram + 20 + 1016, 1024);
        memset(changed, 'X', 8);
        pb_ipv4_fragment(fp, dgram, len, 1016, 1024, true, changed);
        queue_wrapped(g, &pa, fp, 0, t0 + 150);
        pb_ipv4_fragment(fp, dgram, len, 2040, payload - 2040, false, NULL);
        queue_wrapped(g, &pa, fp, 0, t0 + 300);
    }

    /* IPv6: a fragmented UDP datagram and a TCP session with a fragmented segment. */
    ethernet_v6(&ip, &pa, iface, "2001:db8:f::1", "2001:db8:f::2");
    {
        size_t len = build_udp_datagram(g, &ip, 5200, 7000, 3500, 0, dgram);
        send_fragments(g, &pa, dgram, len, 3, FRAG_SHUFFLED, t + SEC(14), 0xabcd0001);
    }
    {
        struct tcp_flow f;
        tcp_connect(&f, g, &pa, &ip, 41000, 9000, t + SEC(16));
        /* A 2800-byte segment built whole, then cut in two IPv6 fragments. */
        struct pkt *p = &g->pkt;
        pkt_reset(p);
        rng_fill(g, pkt_append(p, 2800), 2800);
        struct tcp_opts no_opts = {.wscale = 0xff};
        pb_tcp(p, &ip, 41000, 9000, f.seq[0], f.seq[1], TCP_ACK_FLAG | TCP_PSH_FLAG, f.win[0], &no_opts);
        pb_ipv6(p, &ip, 64, 0);
        memcpy(dgram, pkt_data(p), p->len);
        send_fragments(g, &pa, dgram, p->len, 2, FRAG_IN_ORDER, f.now, 0xabcd0002);
        f.seq[0] += 2800;
        tcp_wait(&f, f.rtt_us);
        tcp_segment(&f, 1, TCP_ACK_FLAG, NULL, 0);
        tcp_send(&f, 1, (const uint8_t *)"stored\n", 7);
        tcp_close(&f, 0);
    }
    return true;
}

/* ---- vlan --------------------------------------------------------------- */

static uint64_t small_tcp_session(struct gen *g, struct path *pa, const struct ip_pair *ip, uint16_t cport,
                                  uint16_t sport, uint64_t t)
{
    struct tcp_flow f;
    tcp_connect(&f, g, pa, ip, cport, sport, t);
    tcp_send_filler(&f, 0, 200);
    tcp_send_filler(&f, 1, 2000);
    tcp_close(&f, 0);
    return f.now;
}

static bool run_vlan(struct gen *g)
{
    int iface = add_ethernet_iface(g, 65535);
    struct ip_pair ip;
    struct path pa;
    uint64_t t = GEN_BASE_TIME_US;

    ip_pair_v4(&ip, "10.3.10.1", "10.3.10.2");
    struct layer dot1q[] = {{.kind = LY_VLAN, .value = 10}};
    path_with(&pa, iface, &ip, dot1q, 1);
    small_tcp_session(g, &pa, &ip, 42001, 80, t);
    dns_exchange(g, &pa, &ip, 42002, t + SEC(1), "vlan10.example.org", 1, addr_example, 4);

    ip_pair_v4(&ip, "10.3.20.1", "10.3.20.2");
    struct layer qinq[] = {{.kind = LY_VLAN, .value = 20}, {.kind = LY_SVLAN, .value = 100}};
    path_with(&pa, iface, &ip, qinq, 2);
    small_tcp_session(g, &pa, &ip, 42003, 22, t + SEC(3));

    ip_pair_v4(&ip, "10.3.30.1", "10.3.30.2");
    struct layer mpls1[] = {{.kind = LY_MPLS, .value = 16001}};
    path_with(&pa, iface, &ip, mpls1, 1);
    small_tcp_session(g, &pa, &ip, 42004, 443, t + SEC(5));
    dns_exchange(g, &pa, &ip, 42005, t + SEC(6), "mpls.example.org", 1, addr_example, 4);

    ip_pair_v4(&ip, "10.3.40.1", "10.3.40.2");
    struct layer mpls2[] = {{.kind = LY_MPLS, .value = 17}, {.kind = LY_MPLS, .value = 16002}};
    path_with(&pa, iface, &ip, mpls2, 2);
    small_tcp_session(g, &pa, &ip, 42006, 8443, t + SEC(8));

    ip_pair_v4(&ip, "10.3.50.1", "10.3.50.2");
    struct layer mpls_vlan[] = {{.kind = LY_MPLS, .value = 16003}, {.kind = LY_VLAN, .value = 30}};
    path_with(&pa, iface, &ip, mpls_vlan, 2);
    ntp_exchange(g, &pa, &ip, 42007, t + SEC(10));

    ip_pair_v4(&ip, "100.64.0.7", "198.51.100.20");
    struct layer pppoe[] = {{.kind = LY_PPPOE, .value = 0x1234}};
    path_with(&pa, iface, &ip, pppoe, 1);
    small_tcp_session(g, &pa, &ip, 42008, 80, t + SEC(12));
    dns_exchange(g, &pa, &ip, 42009, t + SEC(13), "pppoe.example.org", 1, addr_example, 4);
    ip_pair_v6(&ip, "2001:db8:100::7", "2001:db8:200::20");
    path_with(&pa, iface, &ip, pppoe, 1);
    small_tcp_session(g, &pa, &ip, 42010, 443, t + SEC(14));

    /* PPPoE whose PPP protocol field is compressed to one byte (RFC 1661 6.5) */
    ip_pair_v4(&ip, "100.64.0.8", "198.51.100.21");
    struct layer pppoe_pfc[] = {{.kind = LY_PPPOE_PFC, .value = 0x1235}};
    path_with(&pa, iface, &ip, pppoe_pfc, 1);
    small_tcp_session(g, &pa, &ip, 42011, 80, t + SEC(16));
    dns_exchange(g, &pa, &ip, 42012, t + SEC(17), "pppoe-pfc.example.org", 1, addr_example, 4);
    return true;
}

/* ---- ipv6 --------------------------------------------------------------- */

/* A UDP datagram over IPv6 with the extension headers named in chain (0 hop-by-hop,
 * 43 routing, 60 destination options), outermost first. */
static void v6_udp_with_chain(struct gen *g, struct path *pa, const struct ip_pair *ip, int dir, uint64_t ts,
                              const uint8_t *chain, size_t nchain, const uint8_t *data, size_t len)
{
    struct ip_pair o;
    struct pkt *p = pkt_start_from(g, ip, dir, data, len, &o);
    pb_udp(p, &o, dir ? 33533 : 40053, dir ? 40053 : 33533);
    for (size_t i = nchain; i-- > 0;) {
        uint8_t body[22];
        memset(body, 0, sizeof body);
        if (chain[i] == 43) {
            /* Segment routing header, segments left 0: the IPv6 destination is final. */
            body[0] = 4, body[1] = 0, body[2] = 0;
            memcpy(body + 6, o.dst, 16);
            pb_ipv6_ext(p, 43, body, 22);
        } else {
            body[0] = 1, body[1] = 4; /* PadN over the 6 option bytes */
            pb_ipv6_ext(p, chain[i], body, 6);
        }
    }
    pb_ipv6(p, &o, 64, 0x12345);
    queue_wrapped(g, pa, p, dir, ts);
}

static void v6_nd(struct gen *g, int iface, uint64_t ts, uint8_t type, const char *src, const char *dst,
                  const uint8_t dst_mac[6], const char *target, uint8_t opt_type, const uint8_t lladdr[6],
                  uint32_t flags)
{
    struct ip_pair ip;
    ip_pair_v6(&ip, src, dst);
    struct pkt *p = &g->pkt;
    pkt_reset(p);
    uint8_t body[24];
    struct ip_pair tgt;
    ip_pair_v6(&tgt, target, target);
    memcpy(body, tgt.src, 16);
    body[16] = opt_type, body[17] = 1;
    memcpy(body + 18, lladdr, 6);
    pkt_append_bytes(p, body, sizeof body);
    pb_icmp6(p, &ip, type, 0, flags);
    pb_ipv6(p, &ip, 255, 0);
    pb_eth(p, lladdr, dst_mac);
    gen_queue(g, iface, ts, pkt_data(p), (uint32_t)p->len);
}

static bool run_ipv6(struct gen *g)
{
    int iface = add_ethernet_iface(g, 65535);
    struct ip_pair ip;
    struct path pa;
    uint64_t t = GEN_BASE_TIME_US;
    ethernet_v6(&ip, &pa, iface, "2001:db8:6::1", "2001:db8:6::2");
    uint8_t mac1[6], mac2[6];
    mac_for_ip(mac1, &ip, false);
    mac_for_ip(mac2, &ip, true);
    static const uint8_t solicited[6] = {0x33, 0x33, 0xff, 0x00, 0x00, 0x02};

    /* Neighbor discovery before anything else, as on a real link. */
    v6_nd(g, iface, t, 135, "2001:db8:6::1", "ff02::1:ff00:2", solicited, "2001:db8:6::2", 1, mac1, 0);
    v6_nd(g, iface, t + 300, 136, "2001:db8:6::2", "2001:db8:6::1", mac1, "2001:db8:6::2", 2, mac2,
          0x60000000u); /* solicited + override */

    icmp_echo(g, &pa, &ip, 0x0606, 3, t + MS(10), 800);

    static const uint8_t hbh[] = {0};
    static const uint8_t full[] = {0, 43, 60};
    static const uint8_t dst[] = {60};
    static const uint8_t q[] = "ext-header-query";
    static const uint8_t r[] = "ext-header-response";
    v6_udp_with_chain(g, &pa, &ip, 0, t + SEC(4), hbh, 1, q, sizeof q - 1);
    v6_udp_with_chain(g, &pa, &ip, 1, t + SEC(4) + 900, hbh, 1, r, sizeof r - 1);
    v6_udp_with_chain(g, &pa, &ip, 0, t + SEC(5), full, 3, q, sizeof q - 1);
    v6_udp_with_chain(g, &pa, &ip, 1, t + SEC(5) + 900, full, 3, r, sizeof r - 1);
    v6_udp_with_chain(g, &pa, &ip, 0, t + SEC(6), dst, 1, q, sizeof q - 1);
    v6_udp_with_chain(g, &pa, &ip, 1, t + SEC(6) + 900, dst, 1, r, sizeof r - 1);

    small_tcp_session(g, &pa, &ip, 43000, 443, t + SEC(8));
    return true;
}

/* ---- tunnels ------------------------------------------------------------ */

static void outer_ip_layer(struct layer *l, enum layer_kind kind, const char *a, const char *b)
{
    memset(l, 0, sizeof *l);
    l->kind = kind;
    ip_pair_v4(&l->ip, a, b);
}

static void inner_eth_layer(struct layer *l, const struct ip_pair *inner)
{
    memset(l, 0, sizeof *l);
    l->kind = LY_ETH;
    mac_for_ip(l->mac_a, inner, false);
    mac_for_ip(l->mac_b, inner, true);
}

static bool run_tunnels(struct gen *g)
{
    int iface = add_ethernet_iface(g, 65535);
    struct ip_pair inner, outer;
    struct path pa;
    struct layer l[4];
    uint64_t t = GEN_BASE_TIME_US;
    ip_pair_v4(&outer, "172.16.0.1", "172.16.0.2");

    /* GRE carrying IPv4 */
    ip_pair_v4(&inner, "10.20.1.1", "10.20.1.2");
    l[0] = (struct layer){.kind = LY_GRE};
    outer_ip_layer(&l[1], LY_IPV4, "172.16.0.1", "172.16.0.2");
    path_with(&pa, iface, &outer, l, 2);
    small_tcp_session(g, &pa, &inner, 44001, 80, t);

    /* GRE transparent Ethernet bridging */
    ip_pair_v4(&inner, "10.20.2.1", "10.20.2.2");
    inner_eth_layer(&l[0], &inner);
    l[1] = (struct layer){.kind = LY_GRE};
    outer_ip_layer(&l[2], LY_IPV4, "172.16.0.1", "172.16.0.2");
    path_with(&pa, iface, &outer, l, 3);
    small_tcp_session(g, &pa, &inner, 44002, 80, t + SEC(2));

    /* ERSPAN type II (GRE with sequence numbers, protocol 0x88be) */
    ip_pair_v4(&inner, "10.20.3.1", "10.20.3.2");
    inner_eth_layer(&l[0], &inner);
    l[1] = (struct layer){.kind = LY_ERSPAN2, .value = 5};
    l[2] = (struct layer){.kind = LY_GRE_SEQ};
    outer_ip_layer(&l[3], LY_IPV4, "172.16.0.1", "172.16.0.3");
    path_with(&pa, iface, &outer, l, 4);
    small_tcp_session(g, &pa, &inner, 44003, 443, t + SEC(4));

    /* VXLAN */
    ip_pair_v4(&inner, "10.20.4.1", "10.20.4.2");
    inner_eth_layer(&l[0], &inner);
    l[1] = (struct layer){.kind = LY_VXLAN, .value = 4242};
    outer_ip_layer(&l[2], LY_UDP, "172.16.0.1", "172.16.0.4");
    l[2].port_a = 49321, l[2].port_b = 4789;
    outer_ip_layer(&l[3], LY_IPV4, "172.16.0.1", "172.16.0.4");
    path_with(&pa, iface, &outer, l, 4);
    small_tcp_session(g, &pa, &inner, 44004, 8080, t + SEC(6));
    dns_exchange(g, &pa, &inner, 44005, t + SEC(7), "vxlan.example.org", 1, addr_example, 4);

    /* GTP-U */
    ip_pair_v4(&inner, "10.45.0.9", "203.0.113.80");
    l[0] = (struct layer){.kind = LY_GTPU, .value = 0x00c0ffee};
    outer_ip_layer(&l[1], LY_UDP, "172.16.0.5", "172.16.0.6");
    l[1].port_a = 2152, l[1].port_b = 2152;
    outer_ip_layer(&l[2], LY_IPV4, "172.16.0.5", "172.16.0.6");
    path_with(&pa, iface, &outer, l, 3);
    small_tcp_session(g, &pa, &inner, 44006, 80, t + SEC(9));
    dns_exchange(g, &pa, &inner, 44007, t + SEC(10), "gtp.example.org", 1, addr_example, 4);

    /* IP-in-IP */
    ip_pair_v4(&inner, "10.20.6.1", "10.20.6.2");
    outer_ip_layer(&l[0], LY_IPV4, "172.16.0.7", "172.16.0.8");
    path_with(&pa, iface, &outer, l, 1);
    small_tcp_session(g, &pa, &inner, 44008, 25, t + SEC(12));

    /* 6in4 */
    ip_pair_v6(&inner, "2001:db8:64::1", "2001:db8:64::2");
    outer_ip_layer(&l[0], LY_IPV4, "172.16.0.9", "172.16.0.10");
    path_with(&pa, iface, &outer, l, 1);
    small_tcp_session(g, &pa, &inner, 44009, 80, t + SEC(14));

    /* ERSPAN type III (GRE 0x22eb) */
    ip_pair_v4(&inner, "10.20.7.1", "10.20.7.2");
    inner_eth_layer(&l[0], &inner);
    l[1] = (struct layer){.kind = LY_ERSPAN3, .value = 9};
    l[2] = (struct layer){.kind = LY_GRE_SEQ};
    outer_ip_layer(&l[3], LY_IPV4, "172.16.0.1", "172.16.0.11");
    path_with(&pa, iface, &outer, l, 4);
    small_tcp_session(g, &pa, &inner, 44010, 443, t + SEC(16));

    /* GTP-U with a sequence number and a PDU session container extension header */
    ip_pair_v4(&inner, "10.45.0.10", "203.0.113.81");
    l[0] = (struct layer){.kind = LY_GTPU_EXT, .value = 0x00beef01};
    outer_ip_layer(&l[1], LY_UDP, "172.16.0.12", "172.16.0.13");
    l[1].port_a = 2152, l[1].port_b = 2152;
    outer_ip_layer(&l[2], LY_IPV4, "172.16.0.12", "172.16.0.13");
    path_with(&pa, iface, &outer, l, 3);
    small_tcp_session(g, &pa, &inner, 44011, 80, t + SEC(18));
    dns_exchange(g, &pa, &inner, 44012, t + SEC(19), "gtp-ext.example.org", 1, addr_example, 4);
    return true;
}

/* ---- linktypes ---------------------------------------------------------- */

static bool run_linktypes(struct gen *g)
{
    if (g->opt.linktype >= 0)
        return run_basic(g);
    /* snapshot lengths differ too, as a sensor's interfaces' do (#12) */
    static const struct {
        int linktype;
        uint32_t snaplen;
        const char *src, *dst;
    } links[] = {
        {LINKTYPE_ETHERNET, 65535, "10.9.1.1", "10.9.1.2"}, {LINKTYPE_LINUX_SLL, 8192, "10.9.2.1", "10.9.2.2"},
        {LINKTYPE_LINUX_SLL2, 262144, "10.9.3.1", "10.9.3.2"}, {LINKTYPE_RAW, 2048, "10.9.4.1", "10.9.4.2"},
        {LINKTYPE_RAW, 65535, "2001:db8:9:5::1", "2001:db8:9:5::2"}, {LINKTYPE_NULL, 4096, "10.9.6.1", "10.9.6.2"},
        {LINKTYPE_LOOP, 65535, "10.9.7.1", "10.9.7.2"},
    };
    int ifaces[8];
    for (size_t i = 0; i < sizeof links / sizeof links[0]; i++)
        ifaces[i] = pw_add_interface(&g->writer, (uint16_t)links[i].linktype, links[i].snaplen);
    for (size_t i = 0; i < sizeof links / sizeof links[0]; i++) {
        struct ip_pair ip;
        if (strchr(links[i].src, ':'))
            ip_pair_v6(&ip, links[i].src, links[i].dst);
        else
            ip_pair_v4(&ip, links[i].src, links[i].dst);
        struct path pa;
        path_for_link(&pa, ifaces[i], links[i].linktype, &ip);
        dns_exchange(g, &pa, &ip, (uint16_t)(45000 + i), GEN_BASE_TIME_US + SEC(i), "link.example.org",
                     ip.v6 ? 28 : 1, ip.v6 ? ip.dst : addr_example, ip.v6 ? 16 : 4);
    }
    return true;
}

/* ---- truncated ---------------------------------------------------------- */

static bool run_truncated(struct gen *g)
{
    int iface = add_ethernet_iface(g, 60);
    g->tcp_timestamps_off = true; /* 14 + 20 + 20 = 54 bytes of headers fit in 60 */
    struct ip_pair ip;
    struct path pa;
    uint64_t t = GEN_BASE_TIME_US;
    ethernet_v4(&ip, &pa, iface, "192.168.5.10", "93.184.216.34");
    http_session(g, &pa, &ip, 46000, t, "www.example.com", "/big", 6000);
    ethernet_v4(&ip, &pa, iface, "192.168.5.10", "192.168.5.1");
    dns_exchange(g, &pa, &ip, 46001, t + SEC(2), "a-rather-long-name-to-be-cut.example.com", 1, addr_example, 4);
    icmp_echo(g, &pa, &ip, 0x4646, 2, t + SEC(3), 900);
    return true;
}

/* ---- corrupt ------------------------------------------------------------ */

static void queue_eth_ip(struct gen *g, struct path *pa, uint64_t ts)
{
    path_apply(pa, &g->pkt, 0);
    gen_queue(g, pa->iface, ts, pkt_data(&g->pkt), (uint32_t)g->pkt.len);
}

static void fix_ipv4_checksum(uint8_t *h)
{
    put16(h + 10, 0);
    put16(h + 10, cksum_fold(cksum_add(h, 20, 0)));
}

/* A UDP/IPv4 packet in g->pkt, not yet wrapped in Ethernet. */
static uint8_t *corrupt_udp_base(struct gen *g, const struct ip_pair *ip, uint16_t sport)
{
    struct pkt *p = &g->pkt;
    pkt_reset(p);
    rng_fill(g, pkt_append(p, 40), 40);
    pb_udp(p, ip, sport, 9999);
    struct ipv4_params ipp = {.ttl = 64, .id = sport};
    pb_ipv4(p, ip, &ipp);
    return pkt_data(p);
}

static uint8_t *corrupt_tcp_base(struct gen *g, const struct ip_pair *ip, uint16_t sport)
{
    struct pkt *p = &g->pkt;
    pkt_reset(p);
    pb_tcp(p, ip, sport, 9998, 1000, 0, TCP_SYN_FLAG, 64240, NULL);
    struct ipv4_params ipp = {.ttl = 64, .id = sport};
    pb_ipv4(p, ip, &ipp);
    return pkt_data(p);
}

static void fix_tcp_checksum(uint8_t *iph, const struct ip_pair *ip, size_t seg_len)
{
    uint8_t *tcp = iph + 20;
    put16(tcp + 16, 0);
    put16(tcp + 16, cksum_fold(cksum_add(tcp, seg_len, cksum_pseudo(ip, 6, (uint32_t)seg_len))));
}

static bool run_corrupt(struct gen *g)
{
    int iface = add_ethernet_iface(g, 65535);
    struct ip_pair ip, bad;
    struct path pa, bad_pa;
    uint64_t t = GEN_BASE_TIME_US;
    ethernet_v4(&ip, &pa, iface, "10.7.0.1", "10.7.0.2");
    ethernet_v4(&bad, &bad_pa, iface, "10.7.0.66", "10.7.0.2");

    /* The valid session spans the whole capture; damage lands between its packets. */
    struct tcp_flow f;
    tcp_connect(&f, g, &pa, &ip, 47000, 80, t);
    for (int i = 0; i < 12; i++) {
        tcp_send_filler(&f, 0, 100);
        tcp_send_filler(&f, 1, 1500);
        tcp_wait(&f, MS(500));
    }
    tcp_close(&f, 0);

    uint64_t d = t + MS(300);
    uint8_t *h;

    h = corrupt_udp_base(g, &bad, 50001); /* IHL 4 < 5 */
    h[0] = 0x44;
    fix_ipv4_checksum(h);
    queue_eth_ip(g, &bad_pa, d += MS(500));

    h = corrupt_udp_base(g, &bad, 50002); /* total length 12 < header length 20 */
    put16(h + 2, 12);
    fix_ipv4_checksum(h);
    queue_eth_ip(g, &bad_pa, d += MS(500));

    h = corrupt_udp_base(g, &bad, 50003); /* total length beyond the frame */
    put16(h + 2, (uint16_t)(get16(h + 2) + 200));
    fix_ipv4_checksum(h);
    queue_eth_ip(g, &bad_pa, d += MS(500));

    h = corrupt_udp_base(g, &bad, 50004); /* bad IPv4 header checksum */
    h[10] ^= 0xff;
    queue_eth_ip(g, &bad_pa, d += MS(500));

    h = corrupt_tcp_base(g, &bad, 50005); /* TCP data offset 3 < 5 */
    h[20 + 12] = 0x30;
    fix_tcp_checksum(h, &bad, 20);
    queue_eth_ip(g, &bad_pa, d += MS(500));

    h = corrupt_tcp_base(g, &bad, 50006); /* TCP data offset 15 (60 bytes) > 20-byte segment */
    h[20 + 12] = 0xf0;
    fix_tcp_checksum(h, &bad, 20);
    queue_eth_ip(g, &bad_pa, d += MS(500));

    h = corrupt_udp_base(g, &bad, 50007); /* UDP length 148 > 48-byte datagram */
    put16(h + 20 + 4, 148);
    put16(h + 20 + 6, 0);
    put16(h + 20 + 6, cksum_fold(cksum_add(h + 20, 48, cksum_pseudo(&bad, 17, 48))));
    queue_eth_ip(g, &bad_pa, d += MS(500));

    { /* truncated IPv6 extension chain: a hop-by-hop header cut after 4 of its 8 bytes */
        struct ip_pair v6;
        struct path v6_pa;
        ethernet_v6(&v6, &v6_pa, iface, "2001:db8:7::66", "2001:db8:7::2");
        struct pkt *p = &g->pkt;
        pkt_reset(p);
        static const uint8_t partial_hbh[4] = {17, 0, 1, 4};
        pkt_append_bytes(p, partial_hbh, sizeof partial_hbh);
        p->kind = PK_IP6_EXT;
        p->ext_type = 0;
        pb_ipv6(p, &v6, 64, 0);
        queue_eth_ip(g, &v6_pa, d += MS(500));
    }

    { /* an Ethernet frame of 10 bytes */
        static const uint8_t runt[10] = {0x02, 0x44, 10, 7, 0, 2, 0x02, 0x44, 10, 7};
        gen_queue(g, iface, d += MS(500), runt, sizeof runt);
    }

    { /* unknown ethertype 0x88b5 (IEEE local experimental) */
        struct pkt *p = &g->pkt;
        pkt_reset(p);
        rng_fill(g, pkt_append(p, 46), 46);
        /* PK_PAYLOAD maps to ethertype 0x88b5 in pb_eth. */
        uint8_t a[6], b[6];
        mac_for_ip(a, &bad, false);
        mac_for_ip(b, &bad, true);
        pb_eth(p, a, b);
        gen_queue(g, iface, d += MS(500), pkt_data(p), (uint32_t)p->len);
    }

    { /* bad TCP checksum on one data segment of a short session; retransmitted intact */
        struct tcp_flow c;
        tcp_connect(&c, g, &bad_pa, &bad, 50010, 80, d += MS(500));
        static const uint8_t msg[] = "GET /checksum HTTP/1.1\r\nHost: c\r\n\r\n";
        uint32_t seq = c.seq[0];
        c.corrupt_next_checksum = true;
        tcp_segment(&c, 0, TCP_ACK_FLAG | TCP_PSH_FLAG, msg, sizeof msg - 1);
        tcp_wait(&c, MS(200));
        tcp_segment_at(&c, 0, TCP_ACK_FLAG | TCP_PSH_FLAG, seq, msg, sizeof msg - 1);
        tcp_wait(&c, c.rtt_us);
        tcp_segment(&c, 1, TCP_ACK_FLAG, NULL, 0);
        tcp_send(&c, 1, (const uint8_t *)"HTTP/1.1 204 No Content\r\n\r\n", 27);
        tcp_close(&c, 0);
    }
    return true;
}

/* ---- cut, badheader ----------------------------------------------------- */

static bool run_cut(struct gen *g)
{
    struct tcp_conn c;
    int iface = tcp_conn_start_v4(g, &c, "10.8.0.1", 48000, "10.8.0.2", 80);
    tcp_send_filler(&c.f, 0, 300);
    tcp_send_filler(&c.f, 1, 3000);
    /* The last record: a 1000-byte frame of which only 37 bytes made it to disk. */
    struct pkt *p = &g->pkt;
    pkt_reset(p);
    size_t payload = 1000 - 14 - 20 - 20;
    rng_fill(g, pkt_append(p, payload), payload);
    struct ip_pair o = c.ip;
    ip_pair_swap(&o);
    pb_tcp(p, &o, 80, 48000, c.f.seq[1], c.f.seq[0], TCP_ACK_FLAG, c.f.win[1], NULL);
    struct ipv4_params ipp = {.ttl = 57, .id = 777, .df = true};
    pb_ipv4(p, &o, &ipp);
    path_apply(&c.pa, p, 1);
    gen_queue_lying(g, iface, c.f.now + MS(50), pkt_data(p), 37, (uint32_t)p->len, (uint32_t)p->len);
    return true;
}

static bool run_badheader(struct gen *g)
{
    struct tcp_conn c;
    tcp_conn_start_v4(g, &c, "10.8.1.1", 48001, "10.8.1.2", 80);
    tcp_send_filler(&c.f, 0, 300);
    tcp_send_filler(&c.f, 1, 3000);
    tcp_close(&c.f, 0);
    /* The third packet in time order is the handshake's ACK: its record header lies. */
    if (g->queue_len >= 3) {
        struct queued_packet *q = &g->queue[2];
        q->caplen_field = 0x7fffffff;
        q->block_len = q->len;
    }
    return true;
}

/* ---- timeouts ----------------------------------------------------------- */

static bool run_timeouts(struct gen *g)
{
    struct ip_pair ip;
    struct path pa;
    uint64_t t = GEN_BASE_TIME_US;
    ethernet_start_v4(g, &ip, &pa, "10.6.0.1", "10.6.0.2");

    /* UDP: 90 s of silence splits it in two under Zeek's 60 s udp_inactivity_timeout. */
    static const uint8_t ping[] = "udp-keepalive";
    for (int burst = 0; burst < 2; burst++) {
        uint64_t b = t + SEC(90 * burst);
        for (int i = 0; i < 3; i++) {
            udp_datagram(g, &pa, &ip, 49000, 9000, 0, b + SEC(i), ping, sizeof ping - 1);
            udp_datagram(g, &pa, &ip, 49000, 9000, 1, b + SEC(i) + 3000, ping, sizeof ping - 1);
        }
    }

    /* TCP: 6 minutes of silence, past Zeek's 5 min tcp_inactivity_timeout. */
    struct tcp_flow f;
    tcp_connect(&f, g, &pa, &ip, 49001, 22, t + SEC(5));
    tcp_send_filler(&f, 0, 100);
    tcp_send_filler(&f, 1, 100);
    tcp_wait(&f, SEC(360));
    tcp_send_filler(&f, 0, 100);
    tcp_send_filler(&f, 1, 100);
    tcp_close(&f, 0);

    /* The same 5-tuple twice: a closed connection, then a new SYN 10 s later. */
    uint64_t end = small_tcp_session(g, &pa, &ip, 49002, 80, t + SEC(20));
    small_tcp_session(g, &pa, &ip, 49002, 80, end + SEC(10));
    return true;
}

/* ---- the table ---------------------------------------------------------- */

static const struct scenario scenarios[] = {
    {"basic", "TCP with data both ways and FIN close, DNS, ICMP echo, NTP, an IPv6 TCP session", false, run_basic},
    {"tcp-states", "one TCP flow per Zeek conn_state plus retransmission, zero window, SYN-ACK first, gap, reorder",
     false, run_tcp_states},
    {"frag", "IPv4 datagrams in 2..5 fragments (ordered, reversed, shuffled, duplicate, overlap, incomplete), IPv6 "
             "fragmented UDP and TCP",
     false, run_frag},
    {"vlan", "802.1Q, QinQ, MPLS (1 and 2 labels), MPLS in VLAN, PPPoE sessions (also with a one-byte PPP protocol) "
             "(pcapng)",
     true, run_vlan},
    {"ipv6", "IPv6 hop-by-hop/routing/destination-options chains, ICMPv6 echo, neighbor discovery", false,
     run_ipv6},
    {"tunnels", "GRE, GRE-TEB, ERSPAN II and III, VXLAN, GTP-U (also with extension headers), IP-in-IP and 6in4, "
                "each with a full session",
     false,
     run_tunnels},
    {"linktypes", "pcapng with Ethernet, SLL, SLL2, raw IPv4/IPv6, null and loop interfaces of different snapshot "
                  "lengths (--linktype: classic pcap of basic)",
     true, run_linktypes},
    {"truncated", "captured with snaplen 60: payloads cut, headers intact", false, run_truncated},
    {"corrupt", "malformed IPv4/TCP/UDP/IPv6/Ethernet packets interleaved with a valid session", false,
     run_corrupt},
    {"cut", "valid capture whose last record is cut (header says 1000 bytes, 37 present)", false, run_cut},
    {"badheader", "capture whose 3rd record header claims caplen 0x7fffffff", false, run_badheader},
    {"timeouts", "UDP flow with 90 s silence, TCP flow with 6 min silence, a 5-tuple reused after close", false,
     run_timeouts},
    {"demo", "a few minutes of office traffic: web, TLS, DNS, NTP, mail submission, SSH, pings", false,
     scenario_demo},
    {"intel", "threat-intel indicators at every match point (conn, DNS, HTTP, TLS, X.509, QUIC, SMTP, files) and "
              "near-misses",
     false, scenario_intel},
    {"hunt", "33 hours of an office with planted beacons, long connections, DNS tunnels, DGA, exfiltration "
             "(bulk data in records cut to 128 bytes)",
     false, scenario_hunt},
    {"sig", "traffic for rules/vigil.rules and tests/golden/sig.rules, each rule next to a near miss", false,
     scenario_sig},
    {"incident", "three hours of an office: a mailed document with a remote template, its fetch, a beacon and an "
                 "upload; an exploited camera that calls out",
     false, scenario_incident},
    {"smb", "SMB2/DCE-RPC lateral movement (PsExec over ADMIN$ and svcctl, a Zerologon burst, a DCSync) beside "
            "file sharing, a NETLOGON secure channel and two domain controllers replicating",
     false, scenario_smb},
    {"http-edge", "HTTP/0.9 requests and replies, request lines without a version, Ethernet padding after short "
                  "TCP segments and a short UDP datagram, requests asked on after the server said Connection: close",
     false, scenario_http_edge},
    {"midstream", "HTTP connections first seen after their handshake (one from the server's reply on), beside a "
                  "whole one, and a DNS answer whose query was not seen (read with --midstream)",
     false, scenario_midstream},
    {"short-capture", "two minutes: an ICMP tunnel, iodine- and dns2tcp-like DNS tunnels, a DGA burst, a TXT "
                      "command channel, beside pings, a big-MTU ping, a traceroute, browsing, a CDN, SPF lookups",
     false, scenario_short_capture},
    {"smb-rw", "SMB2 reads of a file to its size (never closed) and writes of a new one (read with "
               "--smb-log-reads-writes: Zeek's FILE_READ and FILE_WRITE rows)",
     false, scenario_smb_rw},
    {"schtask", "a scheduled task registered remotely: SMB1 with Kerberos, ITaskSchedulerService "
                "SchRpcRegisterTask over \\pipe\\atsvc",
     false, scenario_schtask},
    {"wmi", "WMI over DCOM: IRemoteSCMActivator RemoteCreateInstance on 135, IWbemServices ExecMethod", false,
     scenario_wmi},
    {"prevalence", "three hours of twenty hosts polling one popular destination every 5 minutes, and one host "
                   "polling a rare destination the same way",
     false, scenario_prevalence},
    {"keepalive", "two hours of a UDP session kept alive every 90 s, a voice server probed every 60 s from new "
                  "sockets, and a TLS beacon every 60 s with 20 % jitter",
     false, scenario_keepalive},
    {"encap", "what Suricata's EVE keys or times apart from Zeek: three stacked VLAN tags, IPsec ESP with three "
              "SPIs, NTP inside VXLAN, a one-way UDP flow silent for 40 s",
     false, scenario_encap},
    {"anomaly", "ICMPv4 of an unknown type and of an unknown code beside a ping, an SMTP server answering with a "
                "reply code Suricata does not know, a mail attachment in one base64 line of 1,200 bytes, an SSH "
                "server answering an HTTP request",
     false, scenario_anomaly},
    {"bench", "benchmark mix: >= --flows flows (1,000,000) and --packets packets (10,000,000)", false,
     scenario_bench},
};

const struct scenario *scenario_find(const char *name)
{
    for (size_t i = 0; scenario_at(i); i++)
        if (strcmp(scenario_at(i)->name, name) == 0)
            return scenario_at(i);
    return NULL;
}

/* The capture-level scenarios, then the application protocols (app_scenarios.c). */
const struct scenario *scenario_at(size_t i)
{
    size_t n = sizeof scenarios / sizeof scenarios[0];
    return i < n ? &scenarios[i] : app_scenario_at(i - n);
}

void smtp_envelope(struct tcp_flow *f, const struct tcp_pace *pace, const char *from, const char *const *rcpts,
                   size_t n)
{
    char line[512];
    snprintf(line, sizeof line, "MAIL FROM:%s\r\n", from);
    tcp_say(f, 0, line, pace);
    tcp_say(f, 1, "250 2.1.0 Ok\r\n", pace);
    for (size_t i = 0; i < n; i++) {
        snprintf(line, sizeof line, "RCPT TO:%s\r\n", rcpts[i]);
        tcp_say(f, 0, line, pace);
        tcp_say(f, 1, "250 2.1.5 Ok\r\n", pace);
    }
    tcp_say(f, 0, "DATA\r\n", pace);
    tcp_say(f, 1, "354 End data with <CR><LF>.<CR><LF>\r\n", pace);
}
