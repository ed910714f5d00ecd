/* The short-capture scenario: two minutes of an office in which an ICMP
 * tunnel, an iodine-like and a dns2tcp-like DNS tunnel, a DGA burst and a
 * TXT command channel run beside their benign look-alikes (ordinary pings,
 * a big-MTU ping test, a traceroute, browsing with a few NXDOMAINs, a CDN
 * with long hashed names, a mail server's SPF lookups). Each host does one
 * thing, so notice.log shows which were reported. */
#include <stdio.h>
#include <string.h>

#include "scenarios.h"
#include "wire.h"

#define RESOLVER "10.50.0.53"
#define SPAN SEC(120)

static const char base32[] = "abcdefghijklmnopqrstuvwxyz012345";
static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* n random characters of alphabet, with a dot every `label` characters. */
static void random_labels(struct gen *g, char *out, size_t n, const char *alphabet, size_t label)
{
    size_t k = strlen(alphabet), o = 0;
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && i % label == 0)
            out[o++] = '.';
        out[o++] = alphabet[rng_below(g, (uint32_t)k)];
    }
    out[o] = '\0';
}

/* ---- ICMP ---------------------------------------------------------------- */

/* Bytes as encryption leaves them (rng_fill writes printable text). */
static void random_bytes(struct gen *g, uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (uint8_t)rng_next(g);
}

/* One echo (request dir 0, reply dir 1) carrying payload. */
static void echo(struct gen *g, struct path *pa, const struct ip_pair *ip, int dir, uint64_t t, uint16_t id,
                 uint16_t seq, const uint8_t *payload, size_t len, uint8_t type)
{
    struct ip_pair oriented;
    struct pkt *p = pkt_start_from(g, ip, dir, payload, len, &oriented);
    pb_icmp4(p, type, 0, (uint32_t)id << 16 | seq);
    emit_ip(g, pa, &oriented, dir, t, (uint16_t)(seq * 2 + dir));
}

/* Linux ping: 16 bytes of clock, then the pattern 0x10, 0x11... to len. */
static void ping(struct gen *g, int iface, const char *from, const char *to, unsigned count, size_t len, uint64_t t)
{
    struct ip_pair ip;
    struct path pa;
    ethernet_v4(&ip, &pa, iface, from, to);
    uint8_t payload[1500];
    for (size_t i = 16; i < len; i++)
        payload[i] = (uint8_t)(0x10 + (i - 16));
    for (unsigned seq = 1; seq <= count; seq++, t += SEC(1)) {
        uint64_t clock = t / US_PER_SEC;
        memset(payload, 0, 16);
        for (int b = 0; b < 8; b++)
            payload[b] = (uint8_t)(clock >> (8 * b));
        payload[8] = (uint8_t)(t % US_PER_SEC);
        echo(g, &pa, &ip, 0, t, 0x2a00, (uint16_t)seq, payload, len, 8);
        echo(g, &pa, &ip, 1, t + MS(12), 0x2a00, (uint16_t)seq, payload, len, 0);
    }
}

/* Windows tracert: three echoes of 64 zero bytes per hop, time-exceeded
 * answers from the routers on the way, echo replies from the target. */
static void traceroute(struct gen *g, int iface, const char *from, const char *to, uint64_t t)
{
    uint8_t zeros[64] = {0};
    struct ip_pair ip;
    struct path pa;
    ethernet_v4(&ip, &pa, iface, from, to);
    uint16_t seq = 1;
    for (int hop = 1; hop <= 8; hop++) {
        for (int k = 0; k < 3; k++, seq++, t += MS(300)) {
            echo(g, &pa, &ip, 0, t, 0x0001, seq, zeros, sizeof zeros, 8);
            if (hop == 8) {
                echo(g, &pa, &ip, 1, t + MS(30), 0x0001, seq, zeros, sizeof zeros, 0);
                continue;
            }
            char router[32];
            snprintf(router, sizeof router, "192.0.2.%d", hop);
            struct ip_pair back;
            struct path rp;
            ethernet_v4(&back, &rp, iface, router, from);
            struct pkt *p = &g->pkt;
            pkt_reset(p);
            pkt_append_bytes(p, zeros, 28); /* the expired datagram's header and first 8 bytes */
            pb_icmp4(p, 11, 0, 0);
            emit_ip(g, &rp, &back, 0, t + MS(2 * hop), seq);
        }
    }
}

/* icmptunnel-like: IP packets in the requests, other data in the replies. */
static void icmp_tunnel(struct gen *g, int iface, const char *from, const char *to, uint64_t t)
{
    struct ip_pair ip;
    struct path pa;
    ethernet_v4(&ip, &pa, iface, from, to);
    uint8_t payload[1200];
    for (uint16_t seq = 1; t < GEN_BASE_TIME_US + SPAN; seq++, t += MS(500)) {
        size_t up = 64 + rng_below(g, 900), down = 64 + rng_below(g, 1100);
        random_bytes(g, payload, up);
        echo(g, &pa, &ip, 0, t, 0x5151, seq, payload, up, 8);
        random_bytes(g, payload, down);
        echo(g, &pa, &ip, 1, t + MS(40), 0x5151, seq, payload, down, 0);
    }
}

/* ---- DNS ----------------------------------------------------------------- */

struct dns_host {
    struct gen *g;
    struct ip_pair ip;
    struct path pa;
    uint16_t port, id;
};

static void dns_host_init(struct dns_host *h, struct gen *g, int iface, const char *client)
{
    h->g = g;
    ethernet_v4(&h->ip, &h->pa, iface, client, RESOLVER);
    h->port = 40000;
    h->id = 0x100;
}

/* One lookup: an A answer, NXDOMAIN (rcode 3), TXT text or NULL rdata. */
static void lookup(struct dns_host *h, uint64_t t, const char *name, uint16_t qtype, int rcode, const char *txt,
                   const uint8_t *rdata, size_t rdata_len)
{
    struct wdns_pair d;
    wdns_pair_query(&d, h->id++, name, qtype);
    if (rcode == 3) {
        wdns_pair_nxdomain(&d);
    } else if (txt) {
        wdns_pair_answer(&d, WDNS_ANSWER, 1, 0);
        wdns_rr_txt(&d.a, NULL, 0, txt);
    } else if (rdata) {
        wdns_pair_answer(&d, WDNS_ANSWER, 1, 0);
        wdns_rr_raw(&d.a, NULL, qtype, 0, rdata, rdata_len);
    } else {
        struct ip_pair addr;
        ip_pair_v4(&addr, "203.0.113.80", "0.0.0.0");
        wdns_pair_answer(&d, WDNS_ANSWER, 1, 0);
        wdns_rr_addr(&d.a, NULL, 300, &addr);
    }
    wdns_pair_send(h->g, &d, &h->pa, &h->ip, h->port++, t, 18000);
}

/* iodine: NULL queries for base32 labels of upstream data, NULL answers of downstream data. */
static void iodine(struct gen *g, int iface, uint64_t t)
{
    struct dns_host h;
    dns_host_init(&h, g, iface, "10.50.0.31");
    char data[200], name[256];
    uint8_t down[200];
    for (; t < GEN_BASE_TIME_US + SPAN; t += MS(400)) {
        random_labels(g, data, 110, base32, 55);
        snprintf(name, sizeof name, "p%s.t.pirate-tunnel.net", data);
        size_t n = 40 + rng_below(g, 150);
        random_bytes(g, down, n);
        lookup(&h, t, name, WDNS_NULL, 0, NULL, down, n);
    }
}

/* dns2tcp: TXT queries for base64 labels, base64 TXT answers. */
static void dns2tcp(struct gen *g, int iface, uint64_t t)
{
    struct dns_host h;
    dns_host_init(&h, g, iface, "10.50.0.32");
    char data[200], name[256], answer[256];
    for (; t < GEN_BASE_TIME_US + SPAN; t += MS(600)) {
        random_labels(g, data, 90, b64 + 26, 45); /* lower case and digits: resolvers fold case */
        snprintf(name, sizeof name, "%s.dns.dns2tcp-relay.org", data);
        random_labels(g, answer, 120 + rng_below(g, 100), b64, 1000);
        lookup(&h, t, name, WDNS_TXT, 0, answer, NULL, 0);
    }
}

/* A DGA: NXDOMAIN for consonant-heavy random names under several TLDs. */
static void dga(struct gen *g, int iface, uint64_t t)
{
    static const char *const tlds[] = {"com", "net", "org", "info", "biz"};
    struct dns_host h;
    dns_host_init(&h, g, iface, "10.50.0.41");
    char label[32], name[64];
    for (int i = 0; i < 16; i++, t += MS(2500)) {
        random_labels(g, label, 10 + rng_below(g, 6), "bcdfghjklmnpqrstvwxz", 100);
        snprintf(name, sizeof name, "%s.%s", label, tlds[i % 5]);
        lookup(&h, t, name, WDNS_A, 3, NULL, NULL, 0);
    }
    lookup(&h, t, "www.example.com", WDNS_A, 0, NULL, NULL, 0);
}

/* A TXT command channel: one name polled every ten seconds, a new encoded command each time. */
static void txt_c2(struct gen *g, int iface, uint64_t t)
{
    struct dns_host h;
    dns_host_init(&h, g, iface, "10.50.0.51");
    char answer[160];
    for (int i = 0; i < 12; i++, t += SEC(10)) {
        random_labels(g, answer, 40 + rng_below(g, 80), b64, 1000);
        lookup(&h, t, "cmd.update-telemetry.com", WDNS_TXT, 0, answer, NULL, 0);
    }
}

/* Browsing: names of words, repeated, and a few typos and stale names answered NXDOMAIN. */
static void browsing(struct gen *g, int iface, uint64_t t)
{
    static const char *const names[] = {"www.example.com", "mail.example.org", "news.example.net",
                                        "static.shop-example.com", "api.weather-example.com", "login.example.org"};
    static const char *const missing[] = {"wwww.example.com", "exmaple.com", "intranet.example.org",
                                          "wpad.example.net", "old-wiki.example.com"};
    struct dns_host h;
    dns_host_init(&h, g, iface, "10.50.0.61");
    for (int i = 0; i < 60; i++, t += MS(1900))
        lookup(&h, t, names[i % 6], WDNS_A, 0, NULL, NULL, 0);
    for (int i = 0; i < 5; i++)
        lookup(&h, GEN_BASE_TIME_US + SEC(7 + 20 * i), missing[i], WDNS_A, 3, NULL, NULL, 0);
}

/* A CDN: long hashed names under one domain, A lookups at a browser's pace. */
static void cdn(struct gen *g, int iface, uint64_t t)
{
    struct dns_host h;
    dns_host_init(&h, g, iface, "10.50.0.62");
    char hash[40], name[96];
    for (int i = 0; i < 80; i++, t += MS(1400)) {
        random_labels(g, hash, 32, "0123456789abcdef", 100);
        snprintf(name, sizeof name, "%s.edge.cdn-static-example.net", hash);
        lookup(&h, t, name, WDNS_A, 0, NULL, NULL, 0);
    }
}

/* A mail server's SPF lookups: the same TXT record again and again. */
static void spf(struct gen *g, int iface, uint64_t t)
{
    struct dns_host h;
    dns_host_init(&h, g, iface, "10.50.0.63");
    for (int i = 0; i < 15; i++, t += SEC(7))
        lookup(&h, t, "partner-example.com", WDNS_TXT, 0, "v=spf1 include:_spf.mail-example.com ip4:198.51.100.0/24 ~all",
               NULL, 0);
}

bool scenario_short_capture(struct gen *g)
{
    int iface = add_ethernet_iface(g, 65535);
    uint64_t t = GEN_BASE_TIME_US;
    icmp_tunnel(g, iface, "10.50.0.11", "198.51.100.20", t);
    ping(g, iface, "10.50.0.21", "9.9.9.9", 100, 56, t + SEC(3));
    ping(g, iface, "10.50.0.22", "198.51.100.30", 60, 1472, t + SEC(5));
    traceroute(g, iface, "10.50.0.23", "203.0.113.50", t + SEC(10));
    iodine(g, iface, t + MS(100));
    dns2tcp(g, iface, t + MS(200));
    dga(g, iface, t + SEC(20));
    txt_c2(g, iface, t + SEC(2));
    browsing(g, iface, t + MS(300));
    cdn(g, iface, t + MS(400));
    spf(g, iface, t + SEC(1));
    return !g->failed;
}
