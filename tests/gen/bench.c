/* The benchmark capture: millions of interleaved flows written straight to
 * the file (no queue, no per-packet allocation). A fixed pool of concurrent
 * flows each advances one packet at a time, picked at random, so flows
 * overlap the way they do on a busy link; finished flows are replaced until
 * both the flow and the packet targets are met. */
#include "scenarios.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode/packet-t.h"

#define BENCH_CONCURRENT 16384
#define BENCH_SECONDS 600
#define PATTERN_LEN 65536

enum bench_kind { BK_TCP, BK_UDP, BK_DNS, BK_ICMP };

enum tcp_step {
    ST_SYN, ST_SYNACK, ST_ACK, ST_REQUEST, ST_RESPONSE, ST_CLIENT_ACK, ST_FIN1, ST_FIN2, ST_LAST_ACK,
    ST_RST, ST_DONE,
};

struct bench_flow {
    uint8_t kind;
    uint8_t step;
    bool v6;
    bool reject;          /* TCP: answered by RST */
    bool abort_with_rst;  /* TCP: ends with the client's RST instead of FINs */
    uint8_t segs_unacked;
    uint16_t sport, dport;
    uint16_t ip_id;
    uint32_t client, server; /* address indexes */
    uint32_t seq[2];
    uint32_t req_len;
    uint32_t resp_left;
    uint32_t resp_total;
    uint32_t body_len;
    uint16_t dgrams_left;    /* UDP / ICMP */
    uint16_t icmp_seq;
    uint16_t dns_id;
};

struct bench {
    struct gen *g;
    uint64_t now, tick;
    uint64_t created, emitted;
    uint64_t want_flows, want_packets;
    uint8_t pattern[PATTERN_LEN];
    uint8_t frame[2048];
    uint8_t scratch[1600];
    struct bench_flow flows[BENCH_CONCURRENT];
    size_t nactive;
};

static const uint8_t mac_client[6] = {0x02, 0xbe, 0x00, 0x00, 0x00, 0x01};
static const uint8_t mac_router[6] = {0x02, 0xbe, 0x00, 0x00, 0x00, 0xfe};

static void bench_addrs(const struct bench_flow *f, int dir, struct ip_pair *ip)
{
    memset(ip, 0, sizeof *ip);
    ip->v6 = f->v6;
    uint8_t *c = dir ? ip->dst : ip->src;
    uint8_t *s = dir ? ip->src : ip->dst;
    if (f->v6) {
        static const uint8_t cp[8] = {0x20, 0x01, 0x0d, 0xb8, 0x00, 0x0c, 0, 0};
        static const uint8_t sp[8] = {0x20, 0x01, 0x0d, 0xb8, 0x00, 0x05, 0, 0};
        memcpy(c, cp, 8);
        memcpy(s, sp, 8);
        put32(c + 12, f->client);
        put32(s + 12, f->server);
    } else {
        put32(c, 0x0a000000u | f->client);        /* 10.0.0.0/8 clients */
        put32(s, 0xc6120000u | f->server);        /* 198.18.0.0/15: the benchmarking range */
    }
}

/* Writes one frame: Ethernet, IP, then the L4 header already in l4 (l4_len bytes, checksum field zero)
 * and payload. The L4 checksum field sits at l4_cksum_off. */
static void bench_write(struct bench *b, const struct bench_flow *f, int dir, uint8_t proto, const uint8_t *l4,
                        size_t l4_len, size_t l4_cksum_off, const uint8_t *payload, size_t plen)
{
    struct ip_pair ip;
    bench_addrs(f, dir, &ip);
    uint8_t *fr = b->frame;
    memcpy(fr, dir ? mac_client : mac_router, 6);
    memcpy(fr + 6, dir ? mac_router : mac_client, 6);
    size_t iph = f->v6 ? 40 : 20;
    uint8_t *h = fr + 14;
    size_t seg = l4_len + plen;
    if (f->v6) {
        put16(fr + 12, 0x86dd);
        put32(h, 0x60000000u);
        put16(h + 4, (uint16_t)seg);
        h[6] = proto;
        h[7] = dir ? 52 : 64;
        memcpy(h + 8, ip.src, 16);
        memcpy(h + 24, ip.dst, 16);
    } else {
        put16(fr + 12, 0x0800);
        h[0] = 0x45, h[1] = 0;
        put16(h + 2, (uint16_t)(20 + seg));
        put16(h + 4, (uint16_t)(f->ip_id + dir * 0x4000));
        put16(h + 6, proto == 6 ? 0x4000 : 0);
        h[8] = dir ? 52 : 64;
        h[9] = proto;
        put16(h + 10, 0);
        memcpy(h + 12, ip.src, 4);
        memcpy(h + 16, ip.dst, 4);
        put16(h + 10, cksum_fold(cksum_add(h, 20, 0)));
    }
    uint8_t *l = h + iph;
    memcpy(l, l4, l4_len);
    if (plen)
        memcpy(l + l4_len, payload, plen);
    if (proto != 1) {
        uint32_t sum = cksum_add(l, seg, proto == 58 || proto == 6 || proto == 17 ? cksum_pseudo(&ip, proto, (uint32_t)seg) : 0);
        uint16_t c = cksum_fold(sum);
        if (proto == 17 && c == 0)
            c = 0xffff;
        put16(l + l4_cksum_off, c);
    } else {
        put16(l + l4_cksum_off, cksum_fold(cksum_add(l, seg, 0)));
    }
    pw_write(&b->g->writer, 0, b->now, fr, (uint32_t)(14 + iph + seg));
    b->emitted++;
}

static void bench_tcp(struct bench *b, struct bench_flow *f, int dir, uint8_t flags, const uint8_t *payload,
                      size_t plen)
{
    uint8_t th[20];
    put16(th, dir ? f->dport : f->sport);
    put16(th + 2, dir ? f->sport : f->dport);
    put32(th + 4, f->seq[dir]);
    put32(th + 8, (flags & TCP_ACK_FLAG) ? f->seq[!dir] : 0);
    th[12] = 0x50;
    th[13] = flags;
    put16(th + 14, (flags & TCP_RST_FLAG) ? 0 : (flags & TCP_SYN_FLAG) ? 64240 : 4096);
    put16(th + 16, 0);
    put16(th + 18, 0);
    bench_write(b, f, dir, 6, th, 20, 16, payload, plen);
    f->seq[dir] += (uint32_t)plen + ((flags & (TCP_SYN_FLAG | TCP_FIN_FLAG)) ? 1u : 0u);
}

static void bench_udp(struct bench *b, struct bench_flow *f, int dir, const uint8_t *payload, size_t plen)
{
    uint8_t uh[8];
    put16(uh, dir ? f->dport : f->sport);
    put16(uh + 2, dir ? f->sport : f->dport);
    put16(uh + 4, (uint16_t)(8 + plen));
    put16(uh + 6, 0);
    bench_write(b, f, dir, 17, uh, 8, 6, payload, plen);
}

static const uint8_t *pattern_at(struct bench *b, size_t len)
{
    return b->pattern + (rng_next(b->g) % (PATTERN_LEN - len));
}

/* Exponentially distributed count with the given mean: most flows short, a long tail. */
static uint32_t exponential(struct gen *g, double mean)
{
    if (mean <= 0)
        return 0;
    double u = ((double)(rng_next(g) >> 11) + 1.0) / 9007199254740993.0; /* (0, 1] */
    double v = -mean * log(u);
    return v > 100000 ? 100000 : (uint32_t)v;
}

static void bench_new_flow(struct bench *b, struct bench_flow *f)
{
    struct gen *g = b->g;
    uint64_t k = b->created++;
    memset(f, 0, sizeof *f);
    f->v6 = rng_below(g, 100) < 8;
    f->client = (uint32_t)(k % 60000) + 1;
    f->sport = (uint16_t)(1024 + (k / 60000) % 64000);
    f->server = rng_below(g, 4096) + 1;
    f->ip_id = (uint16_t)rng_next(g);
    /* One fixed mean for the whole run keeps the flow and packet targets in step. */
    double mean = (double)b->want_packets / (double)b->want_flows;
    if (mean < 2)
        mean = 2;
    if (mean > 2000)
        mean = 2000;
    uint32_t roll = rng_below(g, 1000);
    if (roll < 850) {
        f->kind = BK_TCP;
        f->seq[0] = (uint32_t)rng_next(g);
        f->seq[1] = (uint32_t)rng_next(g);
        uint32_t p = rng_below(g, 100);
        f->dport = p < 45 ? 443 : p < 70 ? 80 : p < 75 ? 22 : p < 80 ? 8080 : p < 85 ? 993 : (uint16_t)(1025 + rng_below(g, 30000));
        f->reject = rng_below(g, 100) < 3;
        f->abort_with_rst = rng_below(g, 100) < 8;
        f->req_len = 40 + rng_below(g, 700);
        /* TCP flows carry most packets: about 7 + 1.5 per response segment. */
        double tcp_mean = (mean * 1.0 - 0.13 * 2 - 0.02 * 4) / 0.85;
        double segs = (tcp_mean - 7) / 1.5;
        uint32_t nseg = 1 + exponential(g, segs > 1.5 ? segs - 0.5 : 0.5);
        f->resp_total = nseg * 1460 - rng_below(g, 1400);
        if (f->dport == 80) {
            f->body_len = f->resp_total;
            f->resp_total += (uint32_t)snprintf(NULL, 0,
                                                "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n"
                                                "Content-Length: %u\r\n\r\n",
                                                f->body_len);
        }
        f->resp_left = f->resp_total;
        f->step = ST_SYN;
    } else if (roll < 980) {
        f->kind = rng_below(g, 100) < 60 ? BK_DNS : BK_UDP;
        f->dport = f->kind == BK_DNS ? 53 : (uint16_t)(rng_below(g, 3) == 0 ? 123 : 49152 + rng_below(g, 16000));
        f->dgrams_left = f->kind == BK_DNS ? 2 : (uint16_t)(2 + 2 * rng_below(g, (uint32_t)mean));
        f->dns_id = (uint16_t)rng_next(g);
    } else {
        f->kind = BK_ICMP;
        f->dgrams_left = (uint16_t)(2 * (1 + rng_below(g, 4)));
        f->sport = (uint16_t)rng_next(g); /* echo identifier */
    }
}

static bool bench_step_udp(struct bench *b, struct bench_flow *f)
{
    int dir = f->dgrams_left % 2 == 1;
    if (f->kind == BK_DNS) {
        static const char *names[] = {"www.example.com", "api.example.net", "cdn.example.org", "mail.example.com"};
        const char *name = names[f->dns_id & 3];
        uint8_t answer[4] = {198, 18, (uint8_t)(f->dns_id >> 8), (uint8_t)f->dns_id};
        size_t n = dns_message(b->scratch, sizeof b->scratch, f->dns_id, name, 1, dir, 0, answer, 4);
        bench_udp(b, f, dir, b->scratch, n);
    } else if (f->kind == BK_ICMP) {
        uint8_t ih[8];
        ih[0] = f->v6 ? (dir ? 129 : 128) : (dir ? 0 : 8);
        ih[1] = 0;
        put16(ih + 2, 0);
        put16(ih + 4, f->sport);
        put16(ih + 6, (uint16_t)(f->icmp_seq / 2 + 1));
        f->icmp_seq++;
        bench_write(b, f, dir, f->v6 ? 58 : 1, ih, 8, 2, b->pattern, 56);
    } else if (f->dport == 123) {
        memset(b->scratch, 0, 48);
        b->scratch[0] = dir ? 0x24 : 0x23; /* NTPv4 server / client */
        b->scratch[1] = dir ? 2 : 0;
        put32(b->scratch + 40, (uint32_t)(b->now / US_PER_SEC + 2208988800ull));
        bench_udp(b, f, dir, b->scratch, 48);
    } else {
        size_t n = 20 + rng_below(b->g, 1200);
        bench_udp(b, f, dir, pattern_at(b, n), n);
    }
    return --f->dgrams_left == 0;
}

static bool bench_step_tcp(struct bench *b, struct bench_flow *f)
{
    switch (f->step) {
    case ST_SYN:
        bench_tcp(b, f, 0, TCP_SYN_FLAG, NULL, 0);
        f->step = ST_SYNACK;
        return false;
    case ST_SYNACK:
        if (f->reject) {
            bench_tcp(b, f, 1, TCP_RST_FLAG | TCP_ACK_FLAG, NULL, 0);
            return true;
        }
        bench_tcp(b, f, 1, TCP_SYN_FLAG | TCP_ACK_FLAG, NULL, 0);
        f->step = ST_ACK;
        return false;
    case ST_ACK:
        bench_tcp(b, f, 0, TCP_ACK_FLAG, NULL, 0);
        f->step = ST_REQUEST;
        return false;
    case ST_REQUEST:
        if (f->dport == 80) {
            int n = snprintf((char *)b->scratch, sizeof b->scratch,
                             "GET /obj/%u HTTP/1.1\r\nHost: s%u.example.com\r\nUser-Agent: vigil-bench\r\n"
                             "Accept: */*\r\n\r\n",
                             f->client, f->server);
            bench_tcp(b, f, 0, TCP_ACK_FLAG | TCP_PSH_FLAG, b->scratch, (size_t)n);
        } else {
            bench_tcp(b, f, 0, TCP_ACK_FLAG | TCP_PSH_FLAG, pattern_at(b, f->req_len), f->req_len);
        }
        f->step = ST_RESPONSE;
        return false;
    case ST_RESPONSE: {
        size_t n = f->resp_left < 1460 ? f->resp_left : 1460;
        const uint8_t *data = pattern_at(b, n);
        if (f->dport == 80 && f->resp_left == f->resp_total) {
            int h = snprintf((char *)b->scratch, sizeof b->scratch,
                             "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: %u\r\n\r\n",
                             f->body_len);
            memcpy(b->scratch + h, data, n - (size_t)h);
            data = b->scratch;
        }
        f->resp_left -= (uint32_t)n;
        bench_tcp(b, f, 1, (uint8_t)(TCP_ACK_FLAG | (f->resp_left ? 0 : TCP_PSH_FLAG)), data, n);
        if (++f->segs_unacked == 2 || f->resp_left == 0)
            f->step = ST_CLIENT_ACK;
        return false;
    }
    case ST_CLIENT_ACK:
        bench_tcp(b, f, 0, TCP_ACK_FLAG, NULL, 0);
        f->segs_unacked = 0;
        f->step = f->resp_left ? ST_RESPONSE : f->abort_with_rst ? ST_RST : ST_FIN1;
        return false;
    case ST_RST:
        bench_tcp(b, f, 0, TCP_RST_FLAG | TCP_ACK_FLAG, NULL, 0);
        return true;
    case ST_FIN1:
        bench_tcp(b, f, 0, TCP_FIN_FLAG | TCP_ACK_FLAG, NULL, 0);
        f->step = ST_FIN2;
        return false;
    case ST_FIN2:
        bench_tcp(b, f, 1, TCP_FIN_FLAG | TCP_ACK_FLAG, NULL, 0);
        f->step = ST_LAST_ACK;
        return false;
    case ST_LAST_ACK:
        bench_tcp(b, f, 0, TCP_ACK_FLAG, NULL, 0);
        return true;
    default:
        return true;
    }
}

bool scenario_bench(struct gen *g)
{
    if (pw_add_interface(&g->writer, LINKTYPE_ETHERNET, 65535) != 0)
        return false;
    struct bench *b = calloc(1, sizeof *b);
    if (!b) {
        fprintf(stderr, "vigil-gen: out of memory\n");
        return false;
    }
    b->g = g;
    b->want_flows = g->opt.flows;
    b->want_packets = g->opt.packets;
    b->now = GEN_BASE_TIME_US;
    b->tick = (uint64_t)BENCH_SECONDS * US_PER_SEC / (b->want_packets ? b->want_packets : 1);
    rng_fill(g, b->pattern, PATTERN_LEN);
    /* Fewer concurrent flows than flows wanted, or the first wave alone would overshoot. */
    size_t concurrent = b->want_flows / 8 + 1 < BENCH_CONCURRENT ? b->want_flows / 8 + 1 : BENCH_CONCURRENT;
    for (size_t i = 0; i < concurrent; i++)
        bench_new_flow(b, &b->flows[b->nactive++]);
    while (b->nactive) {
        size_t i = rng_below(g, (uint32_t)b->nactive);
        struct bench_flow *f = &b->flows[i];
        b->now += b->tick ? rng_below(g, (uint32_t)(2 * b->tick + 1)) : 0;
        bool done = f->kind == BK_TCP ? bench_step_tcp(b, f) : bench_step_udp(b, f);
        if (!done)
            continue;
        if (b->created < b->want_flows || b->emitted < b->want_packets)
            bench_new_flow(b, f);
        else
            *f = b->flows[--b->nactive];
        if (g->writer.failed)
            break;
    }
    fprintf(stderr, "vigil-gen: bench: %llu flows, %llu packets\n", (unsigned long long)b->created,
            (unsigned long long)b->emitted);
    free(b);
    return true;
}
