/* The hunt scenario: 33 hours of a small office (Monday 2024-03-04 09:00 to
 * Tuesday 18:00 UTC, 10.30.0.0/16, resolver 10.30.0.1), mostly benign, with
 * implants planted for the behaviour detectors: beacons, long connections,
 * DNS tunnels, a DGA host and exfiltration. README.md lists every planted
 * flow; the golden test asserts each one is found.
 *
 * Every connection to a name follows a lookup of that name by the same host
 * (again whenever the 300 s TTL has run out), so detectors can bind
 * addresses to names.
 *
 * Size: bulk data (uploads, downloads, the body of large pages) is sent in
 * coalesced 14,480-byte segments (what a capture on a host with TSO/GRO
 * shows) whose pcap records are cut to 128 bytes (caplen < wire length, as
 * a sensor with a small snaplen writes them): the headers are all there and
 * the sequence numbers count every byte, so conn.log's byte counts are
 * exact while the file stays small. */
#include "scenarios.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wire.h"

#define RESOLVER "10.30.0.1"
#define THIN_SNAPLEN 128        /* bytes kept of a bulk packet */
#define BULK_SEGMENT 14480      /* ten 1448-byte segments, coalesced */
#define FIRST_SEGMENT 1448      /* bytes of a large payload captured whole before the bulk */
#define DNS_TTL_S 300

struct hunt {
    struct gen *g;
    int iface;
    uint64_t t0;                /* Monday 09:00 */
};

/* An internal host: its address and the next ephemeral port it uses. */
struct host {
    const char *ip;
    uint16_t next_port;
};

/* A time of the capture: day 0 is Monday 2024-03-04, day 1 Tuesday. */
static uint64_t at(const struct hunt *h, unsigned day, unsigned hour, unsigned minute)
{
    return h->t0 + SEC(((uint64_t)day * 24 + hour - 9) * 3600 + (uint64_t)minute * 60);
}

static unsigned hour_of_day(uint64_t t)
{
    return (unsigned)((t / US_PER_SEC) % 86400 / 3600);
}

static bool working_hours(uint64_t t)
{
    unsigned hr = hour_of_day(t);
    return hr >= 9 && hr < 18;
}

static void host_init(struct host *hst, struct gen *g, const char *ip)
{
    hst->ip = ip;
    hst->next_port = (uint16_t)(49152 + rng_below(g, 8000));
}

static uint16_t ephemeral(struct host *hst)
{
    uint16_t p = hst->next_port;
    hst->next_port = p == 65535 ? 49152 : (uint16_t)(p + 1);
    return p;
}

/* base_us changed by a uniform random amount within ±jitter_pct percent. */
static uint64_t jittered(struct gen *g, uint64_t base_us, unsigned jitter_pct)
{
    uint64_t spread = base_us * jitter_pct / 100;
    if (spread == 0)
        return base_us;
    return base_us - spread + ((rng_next(g) >> 11) % (2 * spread + 1));
}

/* A size spread evenly on a log scale over [lo, 2^k lo), k < 32: as many
 * 1-2 KB pages as 1-2 MB ones. */
static uint64_t log_uniform(struct gen *g, uint64_t lo, unsigned doublings)
{
    uint64_t base = lo << rng_below(g, doublings);
    return base + rng_below(g, (uint32_t)base);
}

static void fill_random(struct gen *g, uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i += 8) {
        uint64_t r = rng_next(g);
        size_t take = n - i < 8 ? n - i : 8;
        memcpy(p + i, &r, take);
    }
}

/* ---- capture size --------------------------------------------------------- */

/* Bulk packets are queued with this pseudo-interface id; scenario_hunt
 * writes them itself as records cut to THIN_SNAPLEN on the one real
 * interface (libpcap wants every interface of a file to have the same
 * snaplen, and the session queue only writes whole packets). */
#define THIN_IFACE 1

/* Drops the bytes of bulk packets queued since `first` past THIN_SNAPLEN:
 * they are never written, and keeping them would hold every bulk byte
 * (about 900 MB) in memory. q->len stays the packet's wire length. */
static void keep_captured_bytes(struct gen *g, size_t first)
{
    if (first >= g->queue_len)
        return;
    size_t out = g->queue[first].offset;
    for (size_t i = first; i < g->queue_len; i++) {
        struct queued_packet *q = &g->queue[i];
        size_t keep = q->iface == THIN_IFACE && q->len > THIN_SNAPLEN ? THIN_SNAPLEN : q->len;
        memmove(g->bytes + out, g->bytes + q->offset, keep);
        q->offset = out;
        out += keep;
    }
    g->bytes_len = out;
}

static int queued_before(const void *a, const void *b)
{
    const struct queued_packet *x = a, *y = b;
    if (x->ts_us != y->ts_us)
        return x->ts_us < y->ts_us ? -1 : 1;
    return x->order < y->order ? -1 : x->order > y->order;
}

/* Writes the whole queue in time order (as gen_finish would), bulk packets
 * as truncated records: caplen THIN_SNAPLEN, the wire length in full. The
 * queue is left empty, so gen_finish only closes the file. */
static void write_queue(struct gen *g, int iface)
{
    if (g->queue_len)
        qsort(g->queue, g->queue_len, sizeof *g->queue, queued_before);
    for (size_t i = 0; i < g->queue_len; i++) {
        const struct queued_packet *q = &g->queue[i];
        const uint8_t *data = g->bytes + q->offset;
        if (q->iface == THIN_IFACE && q->len > THIN_SNAPLEN)
            pw_write_lying(&g->writer, iface, q->ts_us, data, THIN_SNAPLEN, THIN_SNAPLEN, q->len, THIN_SNAPLEN);
        else
            pw_write(&g->writer, iface, q->ts_us, data, q->len);
    }
    g->queue_len = 0;
    g->bytes_len = 0;
}

/* ---- TCP payloads ----------------------------------------------------------- */

/* What bulk bytes look like in the part of each segment that is captured.
 * FILL_TLS_RECORDS: each segment is one application data record, so a
 * reader resynchronising after the uncaptured bytes finds a record header
 * (TLS stacks size records to fit TSO segments too). */
enum bulk_fill { FILL_BINARY, FILL_TEXT, FILL_BASE64_LINES, FILL_TLS_RECORDS };

static const char base64_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* FILL_BASE64_LINES: 76 characters and CRLF per line, counted from `offset`. */
static void fill_bulk(struct gen *g, uint8_t *p, size_t n, enum bulk_fill how, uint64_t offset)
{
    if (how == FILL_TEXT) {
        rng_fill(g, p, n);
        return;
    }
    fill_random(g, p, n);
    if (how == FILL_TLS_RECORDS && n >= 6) {
        p[0] = 0x17, p[1] = 0x03, p[2] = 0x03;
        put16(p + 3, (uint16_t)(n - 5));
    }
    if (how != FILL_BASE64_LINES)
        return;
    for (size_t i = 0; i < n; i++) {
        uint64_t col = (offset + i) % 78;
        p[i] = col == 76 ? '\r' : col == 77 ? '\n' : (uint8_t)base64_alphabet[p[i] & 63];
    }
}

/* n bytes from dir as coalesced segments at `rate` bytes per second, the
 * peer acking every second segment; cut to THIN_SNAPLEN unless `whole`. */
static void bulk_send(struct tcp_flow *f, int dir, uint64_t n, uint64_t rate, enum bulk_fill how, bool whole)
{
    uint8_t seg[BULK_SEGMENT];
    int saved = f->path->iface;
    if (!whole)
        f->path->iface = THIN_IFACE;
    unsigned since_ack = 0;
    uint64_t sent = 0;
    while (n) {
        size_t take = n < BULK_SEGMENT ? (size_t)n : BULK_SEGMENT;
        n -= take;
        if (how == FILL_TLS_RECORDS && n > 0 && n < 6) { /* the last record needs a header and a byte */
            take -= 6;
            n += 6;
        }
        fill_bulk(f->g, seg, take, how, sent);
        sent += take;
        tcp_segment(f, dir, (uint8_t)(TCP_ACK_FLAG | (n == 0 ? TCP_PSH_FLAG : 0)), seg, take);
        tcp_wait(f, take * US_PER_SEC / rate);
        if (++since_ack == 2 || n == 0) {
            tcp_segment(f, !dir, TCP_ACK_FLAG, NULL, 0);
            since_ack = 0;
        }
    }
    tcp_wait(f, f->rtt_us / 2);
    f->path->iface = saved;
}

/* TLS application data records of n bytes in all (n >= 6) from dir: one
 * record in a whole segment, then one record per bulk segment, cut. */
static void tls_payload(struct tcp_flow *f, int dir, uint64_t n, uint64_t rate)
{
    uint8_t first[FIRST_SEGMENT] = {0};
    size_t head = n < FIRST_SEGMENT ? (size_t)n : FIRST_SEGMENT;
    if (n > head && n - head < 6)
        head -= 6; /* leave the bulk at least one whole record */
    fill_bulk(f->g, first, head, FILL_TLS_RECORDS, 0);
    tcp_send(f, dir, first, head);
    if (n > head)
        bulk_send(f, dir, n - head, rate, FILL_TLS_RECORDS, false);
}

/* Text then `body` bytes of filler; past the first segment as cut bulk. */
static void text_payload(struct tcp_flow *f, int dir, const char *text, uint64_t body, uint64_t rate,
                         enum bulk_fill how)
{
    uint8_t first[FIRST_SEGMENT];
    size_t tlen = strlen(text);
    if (tlen > sizeof first)
        tlen = sizeof first;
    memcpy(first, text, tlen);
    size_t fill = body < sizeof first - tlen ? (size_t)body : sizeof first - tlen;
    fill_bulk(f->g, first + tlen, fill, how, 0);
    tcp_send(f, dir, first, tlen + fill);
    if (body > fill)
        bulk_send(f, dir, body - fill, rate, how, false);
}

/* ---- DNS ------------------------------------------------------------------- */

/* src asks the resolver for name's A records and gets the n addresses. */
static void lookup_a(struct hunt *h, struct host *src, uint64_t t, const char *name, const char *const *addrs,
                     size_t n)
{
    struct gen *g = h->g;
    struct ip_pair ip;
    struct path pa;
    ethernet_v4(&ip, &pa, h->iface, src->ip, RESOLVER);
    struct wdns_pair d;
    wdns_pair_query(&d, (uint16_t)rng_next(g), name, WDNS_A);
    wdns_pair_answer(&d, WDNS_ANSWER, (uint16_t)n, 0);
    for (size_t i = 0; i < n; i++) {
        struct ip_pair addr;
        ip_pair_v4(&addr, addrs[i], addrs[i]);
        wdns_rr_addr(&d.a, NULL, DNS_TTL_S, &addr);
    }
    wdns_pair_send(g, &d, &pa, &ip, ephemeral(src), t, 3000 + rng_below(g, 25000));
}

/* A host's cached answer for one name. */
struct dns_cache {
    uint64_t expires;
};

/* Looks name up when the cached answer has expired; returns when the
 * connection can start (after the answer). */
static uint64_t resolve(struct hunt *h, struct host *src, struct dns_cache *c, uint64_t t, const char *name,
                        const char *const *addrs, size_t n)
{
    if (t < c->expires)
        return t;
    lookup_a(h, src, t, name, addrs, n);
    c->expires = t + SEC(DNS_TTL_S);
    return t + MS(40);
}

/* ---- sessions ------------------------------------------------------------------ */

static void conn_open(struct hunt *h, struct tcp_conn *c, struct host *src, const char *dst, uint16_t port, uint64_t t)
{
    tcp_conn_open_v4(c, h->g, h->iface, src->ip, ephemeral(src), dst, port, t);
}

/* The hunt's conversations: 2 to 22 ms after each turn. */
static const struct tcp_pace HUNT_PACE = {MS(2), 20000};

static void say(struct tcp_flow *f, int dir, const char *text)
{
    tcp_say(f, dir, text, &HUNT_PACE);
}

/* One TLS record of `len` bytes (header included, len >= 6) from dir, captured whole. */
static void tls_record(struct tcp_flow *f, int dir, size_t len)
{
    uint8_t rec[FIRST_SEGMENT * 4];
    if (len < 6)
        return;
    if (len > sizeof rec)
        len = sizeof rec;
    rec[0] = 0x17, rec[1] = 0x03, rec[2] = 0x03;
    put16(rec + 3, (uint16_t)(len - 5));
    fill_random(f->g, rec + 5, len - 5);
    tcp_send(f, dir, rec, len);
}

uint64_t tls_checkin_session(struct gen *g, struct path *pa, const struct ip_pair *ip, uint16_t cport,
                             uint16_t sport, uint64_t t, const char *sni, size_t out_len, size_t in_len)
{
    uint8_t hello[768]; /* tls_client_hello needs 400 + strlen(sni) */
    if (strlen(sni) > 255)
        return t;
    struct tcp_flow f;
    tcp_connect(&f, g, pa, ip, cport, sport, t);
    size_t ch = tls_client_hello(g, hello, sni);
    tcp_send(&f, 0, hello, ch);
    size_t sh = tls_server_hello(g, hello);
    tcp_send(&f, 1, hello, sh);
    tcp_wait(&f, MS(1));
    if (out_len >= ch + 6)
        tls_record(&f, 0, out_len - ch);
    tcp_wait(&f, MS(20) + rng_below(g, 30000)); /* the server thinks */
    if (in_len >= sh + 6)
        tls_record(&f, 1, in_len - sh);
    tcp_close(&f, 0);
    return f.now;
}

/* A TLS 1.3-looking transfer: hellos, the server's encrypted flight, the
 * client's Finished, then up and down bytes of application data. */
static uint64_t https_transfer(struct hunt *h, struct host *src, const char *dst, uint64_t t, const char *sni,
                               uint64_t up, uint64_t down, uint64_t rate)
{
    struct gen *g = h->g;
    size_t mark = g->queue_len;
    struct tcp_conn c;
    conn_open(h, &c, src, dst, 443, t);
    uint8_t hello[768];
    tcp_send(&c.f, 0, hello, tls_client_hello(g, hello, sni));
    tcp_send(&c.f, 1, hello, tls_server_hello(g, hello));
    tls_record(&c.f, 1, 2400 + rng_below(g, 1600)); /* EncryptedExtensions .. Finished */
    tls_record(&c.f, 0, 74);                         /* client Finished */
    tls_payload(&c.f, 0, up, rate);
    tcp_wait(&c.f, MS(10) + rng_below(g, 60000));
    tls_payload(&c.f, 1, down, rate);
    tcp_close(&c.f, 0);
    keep_captured_bytes(g, mark);
    return c.f.now;
}

static const char browser_ua[] =
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 "
    "Safari/537.36";

/* A plain HTTP GET whose answer has `body` bytes; keep-alive off. */
static uint64_t http_fetch(struct hunt *h, struct host *src, const char *dst, uint64_t t, const char *host,
                           const char *uri, uint64_t body, uint64_t rate)
{
    struct gen *g = h->g;
    size_t mark = g->queue_len;
    struct tcp_conn c;
    conn_open(h, &c, src, dst, 80, t);
    char text[1024];
    snprintf(text, sizeof text,
             "GET %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: %s\r\nAccept: text/html,application/xhtml+xml,*/*;q=0.8\r\n"
             "Accept-Language: en-US,en;q=0.9\r\nAccept-Encoding: gzip, deflate\r\nConnection: close\r\n\r\n",
             uri, host, browser_ua);
    say(&c.f, 0, text);
    snprintf(text, sizeof text,
             "HTTP/1.1 200 OK\r\nServer: nginx\r\nContent-Type: text/html; charset=utf-8\r\n"
             "Content-Length: %llu\r\nConnection: close\r\n\r\n",
             (unsigned long long)body);
    text_payload(&c.f, 1, text, body, rate, FILL_TEXT);
    tcp_close(&c.f, 1);
    keep_captured_bytes(g, mark);
    return c.f.now;
}

/* An implant's HTTP check-in: about out_len bytes up, in_len down. */
static uint64_t http_checkin(struct hunt *h, struct host *src, const char *dst, uint64_t t, const char *host,
                             size_t out_len, size_t in_len)
{
    struct gen *g = h->g;
    struct tcp_conn c;
    conn_open(h, &c, src, dst, 80, t);
    char req[1024];
    int n = snprintf(req, sizeof req,
                     "GET /api/v2/status HTTP/1.1\r\nHost: %s\r\nUser-Agent: Mozilla/5.0 (Windows NT 10.0; Win64; "
                     "x64; Trident/7.0; rv:11.0) like Gecko\r\nAccept: */*\r\nConnection: close\r\nCookie: sid=",
                     host);
    size_t cookie = out_len > (size_t)n + 4 ? out_len - (size_t)n - 4 : 8;
    if ((size_t)n + cookie + 5 > sizeof req)
        cookie = sizeof req - (size_t)n - 5;
    for (size_t i = 0; i < cookie; i++)
        req[n + (int)i] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"[rng_below(g, 64)];
    memcpy(req + n + cookie, "\r\n\r\n", 4);
    tcp_send(&c.f, 0, (const uint8_t *)req, (size_t)n + cookie + 4);
    tcp_wait(&c.f, MS(20) + rng_below(g, 30000));
    char resp[1024];
    size_t body = in_len > 200 ? in_len - 200 : 16; /* about 200 bytes of headers */
    int hn = snprintf(resp, sizeof resp,
                      "HTTP/1.1 200 OK\r\nServer: Apache\r\nContent-Type: application/octet-stream\r\n"
                      "Content-Length: %zu\r\nConnection: close\r\n\r\n",
                      body);
    size_t total = (size_t)hn + body;
    if (total > sizeof resp)
        total = sizeof resp;
    fill_random(g, (uint8_t *)resp + hn, total - (size_t)hn);
    tcp_send(&c.f, 1, (const uint8_t *)resp, total);
    tcp_close(&c.f, 0);
    return c.f.now;
}

/* ---- planted: beacons -------------------------------------------------------- */

struct beacon_plan {
    const char *src, *name;
    const char *dst[4];
    size_t n_dst;               /* > 1: a CDN, each connection to a random one */
    bool http;
    uint32_t interval_s;
    unsigned jitter_pct;
    unsigned day, hour, minute; /* start */
    uint32_t minutes;           /* how long */
    bool office_hours_only;     /* sleeps outside 09:00-17:00 */
};

static const struct beacon_plan beacon_plans[] = {
    {"10.30.66.11", "api.b01-10s-j00.net", {"203.0.113.11"}, 1, false, 10, 0, 0, 10, 0, 120, false},
    {"10.30.66.12", "api.b02-10s-j10.net", {"203.0.113.12"}, 1, true, 10, 10, 0, 10, 0, 120, false},
    {"10.30.66.13", "api.b03-10s-j30.net", {"203.0.113.13"}, 1, false, 10, 30, 0, 10, 0, 120, false},
    {"10.30.66.14", "api.b04-60s-j00.com", {"203.0.113.14"}, 1, false, 60, 0, 0, 13, 0, 240, false},
    {"10.30.66.15", "api.b05-60s-j10.com", {"203.0.113.15"}, 1, false, 60, 10, 0, 13, 0, 240, false},
    {"10.30.66.16", "api.b06-60s-j30.com", {"203.0.113.16"}, 1, true, 60, 30, 0, 13, 0, 240, false},
    {"10.30.66.17", "api.b07-5m-j00.org", {"203.0.113.17"}, 1, true, 300, 0, 0, 18, 0, 720, false},
    {"10.30.66.18", "api.b08-5m-j10.org", {"203.0.113.18"}, 1, false, 300, 10, 0, 18, 0, 720, false},
    {"10.30.66.19", "api.b09-5m-j30.org", {"203.0.113.19"}, 1, false, 300, 30, 0, 18, 0, 720, false},
    {"10.30.66.20", "api.b10-1h-j00.net", {"203.0.113.20"}, 1, false, 3600, 0, 0, 9, 30, 1800, false},
    {"10.30.66.21", "api.b11-1h-j10.net", {"203.0.113.21"}, 1, true, 3600, 10, 0, 9, 30, 1800, false},
    {"10.30.66.22", "api.b12-1h-j30.net", {"203.0.113.22"}, 1, false, 3600, 30, 0, 9, 30, 1800, false},
    {"10.30.66.30", "telemetry.cdn-sync.net", {"203.0.113.31", "203.0.113.32", "203.0.113.33", "203.0.113.34"}, 4,
     false, 120, 20, 1, 9, 0, 360, false},
    {"10.30.66.35", "api.workhours-sync.com", {"203.0.113.35"}, 1, false, 300, 10, 0, 9, 0, 33 * 60, true},
};

static void run_beacon(struct hunt *h, const struct beacon_plan *b)
{
    struct gen *g = h->g;
    struct host src;
    host_init(&src, g, b->src);
    struct dns_cache cache = {0};
    uint64_t t = at(h, b->day, b->hour, b->minute) + rng_below(g, 5000000);
    uint64_t end = t + SEC((uint64_t)b->minutes * 60);
    size_t out_len = 330 + rng_below(g, 40), in_len = 560 + rng_below(g, 80);
    for (; t < end; t += jittered(g, SEC(b->interval_s), b->jitter_pct)) {
        if (b->office_hours_only && (hour_of_day(t) < 9 || hour_of_day(t) >= 17))
            continue;
        uint64_t c = resolve(h, &src, &cache, t, b->name, b->dst, b->n_dst);
        const char *dst = b->dst[b->n_dst > 1 ? rng_below(g, (uint32_t)b->n_dst) : 0];
        /* Near-constant sizes, as an implant's check-ins are. */
        size_t out = out_len + rng_below(g, 8), in = in_len + rng_below(g, 16);
        if (b->http) {
            http_checkin(h, &src, dst, c, b->name, out, in);
        } else {
            struct ip_pair ip;
            struct path pa;
            ethernet_v4(&ip, &pa, h->iface, src.ip, dst);
            tls_checkin_session(g, &pa, &ip, ephemeral(&src), 443, c, b->name, out, in);
        }
    }
}

/* ---- planted: long connections ------------------------------------------------ */

/* A TLS session kept open: hellos, then a small exchange every `every`
 * until `until`; closed with FINs unless leave_open. Returns the end time. */
static uint64_t long_session(struct hunt *h, struct host *src, const char *dst, uint16_t port, uint64_t t,
                             const char *sni, uint64_t every, uint64_t until, bool leave_open)
{
    struct gen *g = h->g;
    struct tcp_conn c;
    conn_open(h, &c, src, dst, port, t);
    uint8_t hello[768];
    tcp_send(&c.f, 0, hello, tls_client_hello(g, hello, sni));
    tcp_send(&c.f, 1, hello, tls_server_hello(g, hello));
    tls_record(&c.f, 0, 90);
    while (c.f.now + every < until) {
        tcp_wait(&c.f, every);
        tls_record(&c.f, 0, 60 + rng_below(g, 40));
        tls_record(&c.f, 1, 60 + rng_below(g, 200));
    }
    if (!leave_open) {
        if (until > c.f.now)
            tcp_wait(&c.f, until - c.f.now);
        tcp_close(&c.f, 0);
    }
    return c.f.now;
}

static void run_long_connections(struct hunt *h)
{
    struct gen *g = h->g;
    struct host src;
    struct dns_cache cache = {0};
    static const char *const one[] = {"203.0.113.40"}, *const chain[] = {"203.0.113.41"},
                             *const never_closed[] = {"203.0.113.42"};

    /* One flow for 2 hours, a keep-alive about every 5 minutes (290 s: under
     * the 5-minute TCP inactivity timeout, so it stays one connection). */
    host_init(&src, g, "10.30.66.40");
    uint64_t t = at(h, 0, 11, 0);
    t = resolve(h, &src, &cache, t, "vpn.longhaul-relay.net", one, 1);
    long_session(h, &src, one[0], 443, t, "vpn.longhaul-relay.net", SEC(290), t + SEC(7200), false);

    /* A chain: flows of about 9.5 minutes to the same address and port, each
     * 20 s after the previous one closed, for 90 minutes. */
    host_init(&src, g, "10.30.66.41");
    cache.expires = 0;
    t = at(h, 0, 14, 0);
    uint64_t chain_end = t + SEC(90 * 60);
    while (t + SEC(560) <= chain_end) {
        uint64_t c = resolve(h, &src, &cache, t, "sync.chain-reconnect.net", chain, 1);
        uint64_t done = long_session(h, &src, chain[0], 443, c, "sync.chain-reconnect.net", SEC(180),
                                     c + SEC(570), false);
        t = done + SEC(20);
    }

    /* Opens 90 minutes before the end of the capture and never closes. */
    host_init(&src, g, "10.30.66.42");
    cache.expires = 0;
    t = at(h, 1, 16, 30);
    t = resolve(h, &src, &cache, t, "push.never-closes.net", never_closed, 1);
    long_session(h, &src, never_closed[0], 443, t, "push.never-closes.net", SEC(240), at(h, 1, 18, 0), true);
}

/* ---- planted: DNS tunnels and DGA ---------------------------------------------- */

static void random_label(struct gen *g, char *out, size_t len, const char *alphabet)
{
    size_t n = strlen(alphabet);
    for (size_t i = 0; i < len; i++)
        out[i] = alphabet[rng_below(g, (uint32_t)n)];
    out[len] = '\0';
}

/* A planted DNS tunnel's client: its ports and its route to the resolver. */
struct dns_client {
    struct host src;
    struct ip_pair ip;
    struct path pa;
};

static void dns_client_init(struct hunt *h, struct dns_client *c, const char *addr)
{
    host_init(&c->src, h->g, addr);
    ethernet_v4(&c->ip, &c->pa, h->iface, c->src.ip, RESOLVER);
}

/* iodine-like: NULL queries for long base32 labels from one socket. */
static void run_iodine(struct hunt *h)
{
    struct gen *g = h->g;
    struct dns_client c;
    dns_client_init(h, &c, "10.30.66.50");
    uint16_t sport = ephemeral(&c.src);
    uint64_t t = at(h, 0, 15, 0);
    uint8_t rdata[240];
    for (unsigned i = 0; i < 400; i++) {
        char label[64], name[128];
        random_label(g, label, 55, "abcdefghijklmnopqrstuvwxyz012345");
        snprintf(name, sizeof name, "%s.t.tun-relay.org", label);
        struct wdns_pair d;
        wdns_pair_query(&d, (uint16_t)rng_next(g), name, WDNS_NULL);
        wdns_pair_answer(&d, WDNS_ANSWER, 1, 0);
        size_t n = 100 + rng_below(g, 120);
        fill_random(g, rdata, n);
        wdns_rr_raw(&d.a, NULL, WDNS_NULL, 0, rdata, n);
        if (!wdns_pair_send(g, &d, &c.pa, &c.ip, sport, t, 20000 + rng_below(g, 30000)))
            return;
        t += MS(1000) + rng_below(g, 4000000); /* 400 in about 20 minutes */
    }
}

/* dnscat2-like: hex names split in two labels, TXT/CNAME/MX in turn. */
static void run_dnscat(struct hunt *h)
{
    struct gen *g = h->g;
    struct dns_client c;
    dns_client_init(h, &c, "10.30.66.51");
    uint64_t t = at(h, 1, 11, 0);
    static const uint16_t types[] = {WDNS_TXT, WDNS_CNAME, WDNS_MX};
    for (unsigned i = 0; i < 300; i++) {
        char a1[31], a2[31], name[128], reply[128], txt[61];
        random_label(g, a1, 30, "0123456789abcdef");
        random_label(g, a2, 30, "0123456789abcdef");
        snprintf(name, sizeof name, "%s.%s.dnscat-c2.com", a1, a2);
        uint16_t type = types[i % 3];
        struct wdns_pair d;
        wdns_pair_query(&d, (uint16_t)rng_next(g), name, type);
        wdns_pair_answer(&d, WDNS_ANSWER, 1, 0);
        random_label(g, a1, 30, "0123456789abcdef");
        random_label(g, a2, 30, "0123456789abcdef");
        if (type == WDNS_TXT) {
            snprintf(txt, sizeof txt, "%s%s", a1, a2);
            wdns_rr_txt(&d.a, NULL, 1, txt);
        } else {
            snprintf(reply, sizeof reply, "%s.%s.dnscat-c2.com", a1, a2);
            wdns_rr_target(&d.a, NULL, type, 1, type == WDNS_MX ? 10 : -1, reply);
        }
        if (!wdns_pair_send(g, &d, &c.pa, &c.ip, ephemeral(&c.src), t, 20000 + rng_below(g, 30000)))
            return;
        t += MS(1500) + rng_below(g, 5000000); /* 300 in about 20 minutes */
    }
}

/* A DGA: random 12-16 letter names under .com/.net/.org, all NXDOMAIN. */
static void run_dga(struct hunt *h)
{
    struct gen *g = h->g;
    struct dns_client c;
    dns_client_init(h, &c, "10.30.66.55");
    uint64_t t = at(h, 1, 10, 0);
    static const char *const tlds[] = {"com", "net", "org"};
    for (unsigned i = 0; i < 60; i++) {
        char label[20], name[32];
        random_label(g, label, 12 + rng_below(g, 5), "abcdefghijklmnopqrstuvwxyz");
        const char *tld = tlds[rng_below(g, 3)];
        snprintf(name, sizeof name, "%s.%s", label, tld);
        struct wdns_pair d;
        wdns_pair_query(&d, (uint16_t)rng_next(g), name, WDNS_A);
        wdns_pair_answer(&d, WDNS_NXDOMAIN, 0, 1);
        wdns_rr_soa(&d.a, tld, 900);
        if (!wdns_pair_send(g, &d, &c.pa, &c.ip, ephemeral(&c.src), t, 15000 + rng_below(g, 40000)))
            return;
        t += MS(5000) + rng_below(g, 10000000); /* 60 in about 10 minutes */
    }
}

/* ---- planted: exfiltration --------------------------------------------------- */

/* Slow: 150 uploads of about 800 KB to one address over 10 hours, at
 * irregular (geometric) gaps so the pair is not a beacon. */
static void run_slow_exfil(struct hunt *h)
{
    struct gen *g = h->g;
    struct host src;
    host_init(&src, g, "10.30.66.60");
    struct dns_cache cache = {0};
    static const char *const addr[] = {"203.0.113.60"};
    enum { UPLOADS = 150 };
    uint32_t gap[UPLOADS];
    uint64_t sum = 0;
    for (unsigned i = 0; i < UPLOADS; i++) {
        uint32_t k = 1;
        while (rng_below(g, 240) != 0 && k < 4000)
            k++;
        gap[i] = k;
        sum += k;
    }
    uint64_t start = at(h, 0, 9, 30), span = SEC(10 * 3600), acc = 0;
    for (unsigned i = 0; i < UPLOADS; i++) {
        uint64_t t = start + span * acc / sum;
        acc += gap[i];
        t = resolve(h, &src, &cache, t, "backup.cloudvault-sync.com", addr, 1);
        uint64_t size = 800 * 1024 - 20000 + rng_below(g, 40000);
        https_transfer(h, &src, addr[0], t, "backup.cloudvault-sync.com", size, 120 + rng_below(g, 60),
                       2500000);
    }
}

static void run_burst_exfil(struct hunt *h)
{
    struct gen *g = h->g;
    struct host src;
    host_init(&src, g, "10.30.66.61");
    struct dns_cache cache = {0};
    static const char *const addr[] = {"203.0.113.61"};
    uint64_t t = resolve(h, &src, &cache, at(h, 1, 14, 0), "files.quickdrop-share.net", addr, 1);
    https_transfer(h, &src, addr[0], t, "files.quickdrop-share.net", 30ull << 20, 350, 4000000);
}

static void run_http_post_exfil(struct hunt *h)
{
    struct gen *g = h->g;
    struct host src;
    host_init(&src, g, "10.30.66.62");
    struct dns_cache cache = {0};
    static const char *const addr[] = {"203.0.113.62"};
    uint64_t t = resolve(h, &src, &cache, at(h, 1, 11, 30), "upload.paste-bin-host.net", addr, 1);
    size_t mark = g->queue_len;
    struct tcp_conn c;
    conn_open(h, &c, &src, addr[0], 80, t);
    const uint64_t body = 12ull << 20;
    char head[512];
    snprintf(head, sizeof head,
             "POST /api/v1/upload HTTP/1.1\r\nHost: upload.paste-bin-host.net\r\nUser-Agent: curl/8.5.0\r\n"
             "Accept: */*\r\nContent-Type: application/octet-stream\r\nContent-Length: %llu\r\n\r\n",
             (unsigned long long)body);
    text_payload(&c.f, 0, head, body, 3000000, FILL_BINARY);
    say(&c.f, 1, "HTTP/1.1 201 Created\r\nServer: nginx\r\nContent-Type: application/json\r\nContent-Length: 43\r\n"
                 "Connection: close\r\n\r\n{\"id\":\"k3J9x2Qp\",\"size\":12582912,\"ok\":true}");
    tcp_close(&c.f, 1);
    keep_captured_bytes(g, mark);
}

static void run_smtp_exfil(struct hunt *h)
{
    struct gen *g = h->g;
    struct host src;
    host_init(&src, g, "10.30.66.63");
    struct dns_cache cache = {0};
    static const char *const addr[] = {"203.0.113.63"};
    uint64_t t = resolve(h, &src, &cache, at(h, 1, 16, 0), "mx.mailbox-relay.org", addr, 1);
    size_t mark = g->queue_len;
    struct tcp_conn c;
    conn_open(h, &c, &src, addr[0], 25, t);
    say(&c.f, 1, "220 mx.mailbox-relay.org ESMTP Postfix\r\n");
    say(&c.f, 0, "EHLO ws-0663.office.example\r\n");
    say(&c.f, 1, "250-mx.mailbox-relay.org\r\n250-PIPELINING\r\n250-SIZE 52428800\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n");
    static const char *const rcpts[] = {"<archive.4471@mailbox-relay.org>"};
    smtp_envelope(&c.f, &HUNT_PACE, "<j.doe@office.example> SIZE=26000000", rcpts, 1);
    /* Captured whole, unlike other bulk data: an SMTP parser ends a message
     * at a content gap (as Zeek's does), and the message size is the point. */
    static const char head[] =
        "From: John Doe <j.doe@office.example>\r\nTo: <archive.4471@mailbox-relay.org>\r\n"
        "Subject: backup\r\nDate: Tue, 5 Mar 2024 16:00:02 +0000\r\n"
        "Message-ID: <20240305160002.4471@office.example>\r\nMIME-Version: 1.0\r\n"
        "Content-Type: multipart/mixed; boundary=\"b0undary4471\"\r\n\r\n"
        "--b0undary4471\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\nsee attached\r\n\r\n"
        "--b0undary4471\r\nContent-Type: application/x-7z-compressed; name=\"projects.7z\"\r\n"
        "Content-Disposition: attachment; filename=\"projects.7z\"\r\nContent-Transfer-Encoding: base64\r\n\r\n";
    /* 324,000 lines of 76 base64 characters: an 18,468,000-byte attachment. */
    const uint64_t lines = 324000, line = 78;
    uint8_t first[FIRST_SEGMENT];
    size_t hl = sizeof head - 1, head_lines = (sizeof first - hl) / line;
    memcpy(first, head, hl);
    fill_bulk(g, first + hl, head_lines * line, FILL_BASE64_LINES, 0);
    memcpy(first + hl, "N3q8rycc", 8); /* the 7z signature, 37 7a bc af 27 1c */
    tcp_send(&c.f, 0, first, hl + head_lines * line);
    bulk_send(&c.f, 0, (lines - head_lines - 1) * line, 3000000, FILL_BASE64_LINES, true);
    static const char end[] = "\r\n--b0undary4471--\r\n.\r\n";
    uint8_t tail[128];
    fill_bulk(g, tail, 76, FILL_BASE64_LINES, 0);
    memcpy(tail + 76, end, sizeof end - 1);
    tcp_send(&c.f, 0, tail, 76 + sizeof end - 1);
    say(&c.f, 1, "250 2.0.0 Ok: queued as 4TqZ0v1k2Hz7\r\n");
    say(&c.f, 0, "QUIT\r\n");
    say(&c.f, 1, "221 2.0.0 Bye\r\n");
    tcp_close(&c.f, 0);
    keep_captured_bytes(g, mark);
}

/* ---- benign -------------------------------------------------------------------- */

struct site {
    const char *name, *addr;
    bool plain_http;
};

static const struct site sites[] = {
    {"www.wikipedia.org", "198.51.100.1", false},     {"github.com", "198.51.100.2", false},
    {"www.debian.org", "198.51.100.3", false},        {"news.ycombinator.com", "198.51.100.4", false},
    {"www.bbc.co.uk", "198.51.100.5", false},         {"www.theguardian.com", "198.51.100.6", false},
    {"stackoverflow.com", "198.51.100.7", false},     {"docs.python.org", "198.51.100.8", false},
    {"www.reddit.com", "198.51.100.9", false},        {"www.nytimes.com", "198.51.100.10", false},
    {"mail.google.com", "198.51.100.11", false},      {"www.google.com", "198.51.100.12", false},
    {"outlook.office.com", "198.51.100.13", false},   {"login.microsoftonline.com", "198.51.100.14", false},
    {"teams.microsoft.com", "198.51.100.15", false},  {"www.linkedin.com", "198.51.100.16", false},
    {"app.slack.com", "198.51.100.17", false},        {"zoom.us", "198.51.100.18", false},
    {"www.dropbox.com", "198.51.100.19", false},      {"drive.google.com", "198.51.100.20", false},
    {"www.amazon.com", "198.51.100.21", false},       {"www.ebay.com", "198.51.100.22", false},
    {"weather.example.net", "198.51.100.23", true},   {"www.reuters.com", "198.51.100.24", false},
    {"apnews.com", "198.51.100.25", false},           {"www.economist.com", "198.51.100.26", false},
    {"www.ft.com", "198.51.100.27", false},           {"www.bloomberg.com", "198.51.100.28", false},
    {"edition.cnn.com", "198.51.100.29", false},      {"www.lemonde.fr", "198.51.100.30", false},
    {"www.spiegel.de", "198.51.100.31", false},       {"www.heise.de", "198.51.100.32", false},
    {"lwn.net", "198.51.100.33", false},              {"arstechnica.com", "198.51.100.34", false},
    {"www.theverge.com", "198.51.100.35", false},     {"developer.mozilla.org", "198.51.100.36", false},
    {"www.npmjs.com", "198.51.100.37", false},        {"pypi.org", "198.51.100.38", false},
    {"hub.docker.com", "198.51.100.39", false},       {"gitlab.com", "198.51.100.40", false},
    {"bitbucket.org", "198.51.100.41", false},        {"www.atlassian.com", "198.51.100.42", false},
    {"www.salesforce.com", "198.51.100.43", false},   {"www.office.com", "198.51.100.44", false},
    {"www.youtube.com", "198.51.100.45", false},      {"www.imdb.com", "198.51.100.46", false},
    {"www.booking.com", "198.51.100.47", false},      {"maps.google.com", "198.51.100.48", false},
    {"translate.google.com", "198.51.100.49", false}, {"www.deepl.com", "198.51.100.50", false},
    {"www.figma.com", "198.51.100.51", false},        {"www.notion.so", "198.51.100.52", false},
    {"trello.com", "198.51.100.53", false},           {"intranet-news.example.com", "198.51.100.54", true},
    {"old-forum.example.org", "198.51.100.55", true}, {"neverssl.com", "198.51.100.56", true},
    {"catalog.supplier.example", "198.51.100.57", true}, {"www.local-paper.example", "198.51.100.58", true},
    {"ftp-mirror.example.net", "198.51.100.59", true}, {"radio-stream.example.org", "198.51.100.60", true},
};
#define N_SITES (sizeof sites / sizeof sites[0])

/* One visit: a page, sometimes followed within a minute by a few more
 * connections to the same site (its resources). */
static void visit(struct hunt *h, struct host *hst, struct dns_cache *cache, uint64_t t, const struct site *s)
{
    struct gen *g = h->g;
    unsigned extra = rng_below(g, 4) == 0 ? 2 + rng_below(g, 4) : 0;
    for (unsigned k = 0; k <= extra; k++) {
        uint64_t c = resolve(h, hst, cache, t, s->name, &s->addr, 1);
        uint64_t size = k == 0 ? log_uniform(g, 1024, 11) : log_uniform(g, 1024, 7);
        if (s->plain_http)
            http_fetch(h, hst, s->addr, c, s->name, k == 0 ? "/" : "/static/app.js", size, 8000000);
        else
            https_transfer(h, hst, s->addr, c, s->name, 400 + rng_below(g, 600), size, 8000000);
        /* Resources: some at once, some lazily loaded tens of seconds later. */
        t += rng_below(g, 2) ? MS(50) + rng_below(g, 750000) : SEC(3) + rng_below(g, 37000000);
    }
}

/* Visits at random (a Poisson process, mean 3-6 minutes in working hours,
 * an hour at night). */
static void run_browsing(struct hunt *h, struct host *hst, uint64_t end)
{
    struct gen *g = h->g;
    struct dns_cache cache[N_SITES];
    memset(cache, 0, sizeof cache);
    uint32_t day_mean_s = 180 + rng_below(g, 181);
    for (uint64_t t = h->t0; t < end; t += SEC(1)) {
        uint32_t mean = working_hours(t) ? day_mean_s : 3600;
        if (rng_below(g, mean) != 0)
            continue;
        size_t i = rng_below(g, N_SITES);
        visit(h, hst, &cache[i], t + rng_below(g, 1000000), &sites[i]);
    }
}

static void run_update_checks(struct hunt *h, struct host *hst, uint64_t end)
{
    struct gen *g = h->g;
    static const char *const addr[] = {"192.0.2.80"};
    for (unsigned day = 0; day < 2; day++) {
        uint64_t from = day == 0 ? h->t0 : at(h, 1, 0, 0);
        uint64_t to = day == 0 ? at(h, 1, 0, 0) : end;
        for (int k = 0; k < 4; k++) {
            struct dns_cache cache = {0};
            uint64_t t = from + (rng_next(g) >> 11) % (to - from - SEC(60));
            t = resolve(h, hst, &cache, t, "update.vendor.example", addr, 1);
            uint64_t up = 420 + rng_below(g, 80), down = 1500 + rng_below(g, 3000);
            https_transfer(h, hst, addr[0], t, "update.vendor.example", up, down, 8000000);
        }
    }
}

static void run_ntp(struct hunt *h, uint64_t end)
{
    struct gen *g = h->g;
    struct host hst;
    host_init(&hst, g, "10.30.0.10");
    static const char *const addr[] = {"192.0.2.123"};
    struct ip_pair ip;
    struct path pa;
    ethernet_v4(&ip, &pa, h->iface, hst.ip, addr[0]);
    struct dns_cache cache = {0};
    for (uint64_t t = h->t0 + SEC(7); t < end; t += SEC(1024)) {
        uint64_t c = resolve(h, &hst, &cache, t, "0.pool.ntp.org", addr, 1);
        ntp_exchange(g, &pa, &ip, 123, c);
    }
}

/* The mail server hands mail to partners' MX hosts, mostly in working hours. */
static void run_outbound_mail(struct hunt *h, uint64_t end)
{
    struct gen *g = h->g;
    struct host hst;
    host_init(&hst, g, "10.30.0.25");
    static const struct site mx[] = {
        {"mx1.partner-logistics.example", "192.0.2.31", false}, {"mx.lawfirm-partners.example", "192.0.2.32", false},
        {"mail.supplier.example", "192.0.2.33", false},         {"mx2.customer-one.example", "192.0.2.34", false},
        {"smtp.accounting-co.example", "192.0.2.35", false},    {"mx.university.example", "192.0.2.36", false},
        {"inbound.mailhost.example", "192.0.2.37", false},      {"mx.consulting.example", "192.0.2.38", false},
    };
    struct dns_cache cache[sizeof mx / sizeof mx[0]];
    memset(cache, 0, sizeof cache);
    unsigned n = 0;
    for (uint64_t t = h->t0; t < end; t += SEC(1)) {
        if (rng_below(g, working_hours(t) ? 900 : 7200) != 0)
            continue;
        size_t i = rng_below(g, sizeof mx / sizeof mx[0]);
        uint64_t c = resolve(h, &hst, &cache[i], t, mx[i].name, &mx[i].addr, 1);
        size_t mark = g->queue_len;
        struct tcp_conn cn;
        conn_open(h, &cn, &hst, mx[i].addr, 25, c);
        char line[256];
        snprintf(line, sizeof line, "220 %s ESMTP\r\n", mx[i].name);
        say(&cn.f, 1, line);
        say(&cn.f, 0, "EHLO mail.office.example\r\n");
        say(&cn.f, 1, "250-Hello mail.office.example\r\n250-SIZE 35882577\r\n250-8BITMIME\r\n250 PIPELINING\r\n");
        snprintf(line, sizeof line, "MAIL FROM:<staff%u@office.example>\r\n", n % 23);
        say(&cn.f, 0, line);
        say(&cn.f, 1, "250 2.1.0 Sender OK\r\n");
        snprintf(line, sizeof line, "RCPT TO:<contact@%s>\r\n", strchr(mx[i].name, '.') + 1);
        say(&cn.f, 0, line);
        say(&cn.f, 1, "250 2.1.5 Recipient OK\r\n");
        say(&cn.f, 0, "DATA\r\n");
        say(&cn.f, 1, "354 Start mail input; end with <CRLF>.<CRLF>\r\n");
        char head[512];
        snprintf(head, sizeof head,
                 "From: <staff%u@office.example>\r\nTo: <contact@%s>\r\nSubject: Re: order %u\r\n"
                 "Message-ID: <%u.%llu@office.example>\r\nMIME-Version: 1.0\r\n"
                 "Content-Type: text/plain; charset=utf-8\r\n\r\n",
                 n % 23, strchr(mx[i].name, '.') + 1, 4000 + n, n, (unsigned long long)(c / US_PER_SEC));
        say(&cn.f, 0, head);
        tcp_send_filler(&cn.f, 0, 2000 + rng_below(g, 58000));
        say(&cn.f, 0, "\r\n.\r\n");
        say(&cn.f, 1, "250 2.0.0 OK queued\r\n");
        say(&cn.f, 0, "QUIT\r\n");
        say(&cn.f, 1, "221 2.0.0 closing connection\r\n");
        tcp_close(&cn.f, 0);
        keep_captured_bytes(g, mark);
        n++;
    }
}

/* A 40-minute call: about 1 MB each way in small datagrams (port 3478). */
static void run_video_call(struct hunt *h)
{
    struct gen *g = h->g;
    struct host hst;
    host_init(&hst, g, "10.30.1.13");
    static const char *const addr[] = {"192.0.2.78"};
    struct dns_cache cache = {0};
    uint64_t t = resolve(h, &hst, &cache, at(h, 1, 10, 30), "turn.meetings.example", addr, 1);
    struct ip_pair ip;
    struct path pa;
    ethernet_v4(&ip, &pa, h->iface, hst.ip, addr[0]);
    uint16_t sport = ephemeral(&hst);
    uint8_t dgram[400];
    uint64_t end = t + SEC(40 * 60);
    for (int dir = 0; dir < 2; dir++) {
        uint16_t seq = (uint16_t)rng_next(g);
        uint32_t ssrc = (uint32_t)rng_next(g);
        for (uint64_t ts = t + (uint64_t)dir * 7000; ts < end; ts += MS(550) + rng_below(g, 200000)) {
            size_t n = 180 + rng_below(g, 220);
            fill_random(g, dgram, n);
            /* RTP: version 2, dynamic payload type 96, sequence, 90 kHz timestamp, SSRC. */
            dgram[0] = 0x80;
            dgram[1] = 96;
            put16(dgram + 2, seq++);
            put32(dgram + 4, (uint32_t)((ts - t) * 9 / 100));
            put32(dgram + 8, ssrc);
            udp_datagram(g, &pa, &ip, sport, 3478, dir, ts, dgram, n);
        }
    }
}

static void run_big_download(struct hunt *h, const char *src_ip, uint64_t t, const char *name, const char *dst)
{
    struct host hst;
    host_init(&hst, h->g, src_ip);
    struct dns_cache cache = {0};
    t = resolve(h, &hst, &cache, t, name, &dst, 1);
    https_transfer(h, &hst, dst, t, name, 520, 50ull << 20, 10000000);
}

bool scenario_hunt(struct gen *g)
{
    struct hunt h = {.g = g, .t0 = GEN_BASE_TIME_US};
    h.iface = add_ethernet_iface(g, 65535);
    if (h.iface != 0)
        return false;
    uint64_t end = at(&h, 1, 18, 0);

    for (size_t i = 0; i < sizeof beacon_plans / sizeof beacon_plans[0]; i++)
        run_beacon(&h, &beacon_plans[i]);
    run_long_connections(&h);
    run_iodine(&h);
    run_dnscat(&h);
    run_dga(&h);
    run_slow_exfil(&h);
    run_burst_exfil(&h);
    run_http_post_exfil(&h);
    run_smtp_exfil(&h);

    static const char *const office[] = {"10.30.1.11", "10.30.1.12", "10.30.1.13", "10.30.1.14",
                                         "10.30.1.15", "10.30.1.16", "10.30.1.17", "10.30.1.18"};
    for (size_t i = 0; i < sizeof office / sizeof office[0]; i++) {
        struct host hst;
        host_init(&hst, g, office[i]);
        run_browsing(&h, &hst, end - SEC(120));
        run_update_checks(&h, &hst, end - SEC(120));
    }
    run_ntp(&h, end);
    run_outbound_mail(&h, end - SEC(300));
    run_video_call(&h);
    run_big_download(&h, "10.30.1.14", at(&h, 0, 12, 30), "mirror.linux-dist.example", "192.0.2.90");
    run_big_download(&h, "10.30.1.16", at(&h, 1, 13, 10), "dl.office-suite.example", "192.0.2.91");
    if (g->failed)
        return false;
    write_queue(g, h.iface);
    return true;
}
