/* The intel scenario: two minutes of an office network (10.20.0.0/16,
 * resolver 10.20.0.1) in which the indicators of tests/golden/intel-feeds/
 * appear at every place Vigil matches them (connection endpoints, DNS
 * questions and answers, HTTP Host/URL/User-Agent, TLS SNI, JA3/JA4, the
 * server certificate, QUIC SNI, SMTP envelope and headers, mail body URLs,
 * file hashes), next to near-misses that must not match. EXPECTED.md there
 * lists every planted indicator and how many alerts it must raise.
 *
 * Every value an indicator is computed from (file contents, the
 * certificate, the ClientHello fields that JA3/JA4 read) is fixed, not
 * drawn from the PRNG: the feed files stay valid for any --seed. */
#include "scenarios.h"

#include <stdio.h>
#include <string.h>

#include "app_crypto.h"
#include "wire.h"

#define RESOLVER "10.20.0.1"

struct intel {
    struct gen *g;
    int iface;
    uint64_t t0;
};

struct conn {
    struct ip_pair ip;
    struct path pa;
    struct tcp_flow f;
};

static void pair_of(struct ip_pair *ip, const char *src, const char *dst)
{
    if (strchr(src, ':'))
        ip_pair_v6(ip, src, dst);
    else
        ip_pair_v4(ip, src, dst);
}

static void conn_open(struct intel *x, struct conn *c, const char *src, uint16_t sport, const char *dst,
                      uint16_t dport, uint64_t t)
{
    pair_of(&c->ip, src, dst);
    path_ethernet(&c->pa, x->iface, &c->ip);
    tcp_flow_init(&c->f, x->g, &c->pa, &c->ip, sport, dport, t);
    tcp_handshake(&c->f);
}

static void say_bytes(struct tcp_flow *f, int dir, const void *data, size_t len)
{
    tcp_send(f, dir, data, len);
    tcp_wait(f, MS(2) + rng_below(f->g, 8000));
}

static void say(struct tcp_flow *f, int dir, const char *text)
{
    say_bytes(f, dir, text, strlen(text));
}

/* ---- files: fixed bytes, so their hashes are fixed ---------------------------- */

struct zip_entry {
    const char *name;
    const char *data;
};

/* A store-only ZIP (what an OOXML document is, minus compression); fixed
 * timestamps, 2024-03-04 09:00:00 in MS-DOS format. */
static size_t zip_store(const struct zip_entry *e, size_t n, uint8_t *out, size_t cap)
{
    const uint16_t dos_time = 9 << 11, dos_date = (44 << 9) | (3 << 5) | 4;
    size_t offsets[8];
    struct wr w;
    w_init(&w, out, cap);
    if (n > sizeof offsets / sizeof offsets[0])
        return 0;
    for (int central = 0; central < 2; central++) {
        size_t dir_start = w.len;
        for (size_t i = 0; i < n; i++) {
            size_t len = strlen(e[i].data), name_len = strlen(e[i].name);
            uint32_t crc = crc32_of((const uint8_t *)e[i].data, len);
            if (!central)
                offsets[i] = w.len;
            w_le(&w, central ? 0x02014b50 : 0x04034b50, 4);
            if (central)
                w_le(&w, 20, 2); /* version made by */
            w_le(&w, 20, 2);     /* version needed */
            w_le(&w, 0, 2);      /* flags */
            w_le(&w, 0, 2);      /* stored */
            w_le(&w, dos_time, 2);
            w_le(&w, dos_date, 2);
            w_le(&w, crc, 4);
            w_le(&w, len, 4);
            w_le(&w, len, 4);
            w_le(&w, name_len, 2);
            w_le(&w, 0, 2); /* extra */
            if (central) {
                w_le(&w, 0, 2); /* comment */
                w_le(&w, 0, 2); /* disk */
                w_le(&w, 0, 2); /* internal attributes */
                w_le(&w, 0, 4); /* external attributes */
                w_le(&w, offsets[i], 4);
            }
            w_str(&w, e[i].name);
            if (!central)
                w_str(&w, e[i].data);
        }
        if (central) {
            size_t dir_size = w.len - dir_start;
            w_le(&w, 0x06054b50, 4);
            w_le(&w, 0, 2);
            w_le(&w, 0, 2);
            w_le(&w, n, 2);
            w_le(&w, n, 2);
            w_le(&w, dir_size, 4);
            w_le(&w, dir_start, 4);
            w_le(&w, 0, 2);
        }
    }
    return w.overflow ? 0 : w.len;
}

static const char docm_types[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\r\n"
    "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
    "<Default Extension=\"bin\" ContentType=\"application/vnd.ms-office.vbaProject\"/>"
    "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
    "<Override PartName=\"/word/document.xml\" "
    "ContentType=\"application/vnd.ms-word.document.macroEnabled.main+xml\"/></Types>";

/* The lure (sanctions.docm, a FILE_HASH indicator) or the near-miss (other.docm). */
static size_t docm_file(bool lure, uint8_t *out, size_t cap)
{
    const struct zip_entry entries[] = {
        {"[Content_Types].xml", docm_types},
        {"word/document.xml",
         lure ? "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\r\n"
                "<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>"
                "<w:p><w:r><w:t>List of persons under sanctions (enable content to view)</w:t></w:r></w:p>"
                "<w:p><w:r><w:t>Test lure generated by vigil-gen. Harmless.</w:t></w:r></w:p>"
                "</w:body></w:document>"
              : "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\r\n"
                "<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>"
                "<w:p><w:r><w:t>Quarterly tools inventory</w:t></w:r></w:p>"
                "</w:body></w:document>"},
        {"word/vbaProject.bin",
         lure ? "Attribute VB_Name = \"ThisDocument\"\r\nSub AutoOpen()\r\n"
                "    ' vigil-gen test macro: it does nothing\r\nEnd Sub\r\n"
              : "Attribute VB_Name = \"ThisDocument\"\r\n"},
    };
    return zip_store(entries, sizeof entries / sizeof entries[0], out, cap);
}

/* The mail attachment (its MD5 is a FILE_HASH indicator): a one-page PDF. */
static const char attachment_pdf[] =
    "%PDF-1.4\n"
    "1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
    "2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n"
    "3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >> endobj\n"
    "4 0 obj << /Length 74 >> stream\n"
    "BT /F1 14 Tf 72 770 Td (List of persons under sanctions - vigil-gen test) Tj ET\n"
    "endstream endobj\n"
    "trailer << /Root 1 0 R >>\n"
    "%%EOF\n";

static void w_base64_lines(struct wr *w, const uint8_t *p, size_t n)
{
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t col = 0;
    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)p[i] << 16 | (i + 1 < n ? (uint32_t)p[i + 1] << 8 : 0) | (i + 2 < n ? p[i + 2] : 0);
        char q[4] = {alphabet[v >> 18 & 63], alphabet[v >> 12 & 63], i + 1 < n ? alphabet[v >> 6 & 63] : '=',
                     i + 2 < n ? alphabet[v & 63] : '='};
        w_bytes(w, q, 4);
        col += 4;
        if (col == 76) {
            w_str(w, "\r\n");
            col = 0;
        }
    }
    if (col)
        w_str(w, "\r\n");
}

/* ---- DNS ------------------------------------------------------------------- */

/* An A/AAAA lookup from src:sport answered with one address, or NXDOMAIN when addr is NULL. */
static void lookup(struct intel *x, const char *src, uint16_t sport, uint64_t t, const char *name, uint16_t qtype,
                   const char *addr)
{
    struct gen *g = x->g;
    struct ip_pair ip;
    ip_pair_v4(&ip, src, RESOLVER);
    struct path pa;
    path_ethernet(&pa, x->iface, &ip);
    uint8_t qb[512], ab[1024];
    struct wr q, a;
    uint16_t id = (uint16_t)rng_next(g);
    w_init(&q, qb, sizeof qb);
    wdns_header(&q, id, WDNS_QUERY, name, qtype, 0, 0);
    w_init(&a, ab, sizeof ab);
    if (addr) {
        struct ip_pair answer;
        pair_of(&answer, addr, addr);
        wdns_header(&a, id, WDNS_ANSWER, name, qtype, 1, 0);
        wdns_rr_addr(&a, NULL, 300, &answer);
    } else {
        const char *tld = strrchr(name, '.');
        wdns_header(&a, id, WDNS_NXDOMAIN, name, qtype, 0, 1);
        wdns_rr_soa(&a, tld ? tld + 1 : name, 900);
    }
    if (q.overflow || a.overflow)
        g->failed = true;
    else
        wdns_exchange(g, &pa, &ip, sport, t, &q, &a, 8000 + rng_below(g, 20000));
}

static void dns_indicators(struct intel *x)
{
    struct gen *g = x->g;
    uint64_t t = x->t0;
    /* The same listed name twice in one UDP flow (one alert), then on a second flow (another). */
    lookup(x, "10.20.0.13", 53001, t, "docs.sanctions-list.org", WDNS_A, "203.0.113.120");
    lookup(x, "10.20.0.13", 53001, t + SEC(2), "docs.sanctions-list.org", WDNS_A, "203.0.113.120");
    lookup(x, "10.20.0.14", 53002, t + SEC(4), "docs.sanctions-list.org", WDNS_A, "203.0.113.120");
    /* Near-misses: a longer name ending in the listed one, the listed one inside a longer name. */
    lookup(x, "10.20.0.13", 53003, t + SEC(6), "notsanctions-list.org", WDNS_A, NULL);
    lookup(x, "10.20.0.13", 53004, t + SEC(7), "sanctions-list.org.example.com", WDNS_A, NULL);

    /* The answer carries the indicators: a listed CNAME target, then a listed address. */
    struct ip_pair ip;
    ip_pair_v4(&ip, "10.20.0.15", RESOLVER);
    struct path pa;
    path_ethernet(&pa, x->iface, &ip);
    uint8_t qb[512], ab[1024];
    struct wr q, a;
    w_init(&q, qb, sizeof qb);
    wdns_header(&q, 0x4e01, WDNS_QUERY, "img.partner-news.com", WDNS_A, 0, 0);
    w_init(&a, ab, sizeof ab);
    wdns_header(&a, 0x4e01, WDNS_ANSWER, "img.partner-news.com", WDNS_A, 2, 0);
    wdns_rr_target(&a, NULL, WDNS_CNAME, 3600, -1, "edge.badcdn.net");
    struct ip_pair addr;
    ip_pair_v4(&addr, "203.0.113.99", "203.0.113.99");
    wdns_rr_addr(&a, "edge.badcdn.net", 60, &addr);
    if (q.overflow || a.overflow)
        g->failed = true;
    else
        wdns_exchange(g, &pa, &ip, 53005, t + SEC(10), &q, &a, 14000);

    lookup(x, "10.20.0.16", 53006, t + SEC(14), "portal.mofa-update.net", WDNS_AAAA, "2001:db8:bad::99");
}

/* ---- connection endpoints -------------------------------------------------------- */

static void filler_session(struct intel *x, const char *src, uint16_t sport, const char *dst, uint16_t dport,
                           uint64_t t, size_t up, size_t down)
{
    struct conn c;
    conn_open(x, &c, src, sport, dst, dport, t);
    tcp_send_filler(&c.f, 0, up);
    tcp_send_filler(&c.f, 1, down);
    tcp_close(&c.f, 0);
}

static void endpoint_indicators(struct intel *x)
{
    struct gen *g = x->g;
    uint64_t t = x->t0 + SEC(20);
    filler_session(x, "10.20.0.11", 50011, "203.0.113.66", 8443, t, 420, 1800);          /* listed responder */
    filler_session(x, "10.20.0.11", 50012, "203.0.113.67", 8443, t + SEC(2), 420, 1800); /* near-miss */

    /* Inbound: the listed address is the originator, a scanner that takes the banner and leaves. */
    struct conn c;
    conn_open(x, &c, "198.51.100.77", 51022, "10.20.0.5", 22, t + SEC(5));
    say(&c.f, 1, "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n");
    say(&c.f, 0, "SSH-2.0-libssh2_1.10.0\r\n");
    tcp_close(&c.f, 0);

    /* Inside 192.0.2.128/25, then just outside it; then the IPv6 address. */
    struct ip_pair ip;
    struct path pa;
    ip_pair_v4(&ip, "10.20.0.12", "192.0.2.200");
    path_ethernet(&pa, x->iface, &ip);
    tls_checkin_session(g, &pa, &ip, 50013, 443, t + SEC(10), "files.example-storage.net", 520, 3100);
    ip_pair_v4(&ip, "10.20.0.12", "192.0.2.100");
    path_ethernet(&pa, x->iface, &ip);
    tls_checkin_session(g, &pa, &ip, 50014, 443, t + SEC(12), "www.example-storage.net", 520, 2900);
    ip_pair_v6(&ip, "2001:db8:10::11", "2001:db8:bad::1");
    path_ethernet(&pa, x->iface, &ip);
    tls_checkin_session(g, &pa, &ip, 50015, 443, t + SEC(15), "v6.example-cloud.net", 480, 2200);
}

/* ---- HTTP ------------------------------------------------------------------------ */

static const char firefox_ua[] = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:123.0) Gecko/20100101 Firefox/123.0";
static const char twisted_panda_ua[] = "Mozilla/4.0 (compatible; MSIE 6.0; TwistedPanda)";

static void http_get(struct tcp_flow *f, const char *host, const char *uri, const char *ua)
{
    char req[1024];
    snprintf(req, sizeof req,
             "GET %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: %s\r\nAccept: */*\r\nConnection: keep-alive\r\n\r\n", uri,
             host, ua);
    say(f, 0, req);
}

static void http_ok(struct tcp_flow *f, const char *content_type, const uint8_t *body, size_t len)
{
    uint8_t resp[8192];
    int n = snprintf((char *)resp, sizeof resp,
                     "HTTP/1.1 200 OK\r\nServer: nginx\r\nDate: Mon, 04 Mar 2024 09:00:45 GMT\r\n"
                     "Content-Type: %s\r\nContent-Length: %zu\r\n\r\n",
                     content_type, len);
    if ((size_t)n + len > sizeof resp) {
        f->g->failed = true;
        return;
    }
    memcpy(resp + n, body, len);
    say_bytes(f, 1, resp, (size_t)n + len);
}

static void http_indicators(struct intel *x)
{
    uint64_t t = x->t0 + SEC(40);
    struct conn c;
    static const char check[] = "{\"update\":false,\"version\":\"2.4.1\"}";
    static const char docm_type[] = "application/vnd.ms-word.document.macroEnabled.12";
    uint8_t file[4096];

    conn_open(x, &c, "10.20.0.17", 50016, "203.0.113.70", 80, t);
    http_get(&c.f, "files.mofa-update.net", "/update/check.php?v=2", firefox_ua);
    http_ok(&c.f, "application/json", (const uint8_t *)check, sizeof check - 1);
    tcp_close(&c.f, 0);

    /* The listed URL (its body is a listed file), then the same host with another path. */
    for (int lure = 1; lure >= 0; lure--) {
        conn_open(x, &c, "10.20.0.18", lure ? 50017 : 50018, "203.0.113.71", 80, t + SEC(lure ? 5 : 10));
        http_get(&c.f, "downloads.example-cdn.com", lure ? "/tools/sanctions.docm" : "/tools/other.docm",
                 firefox_ua);
        size_t n = docm_file(lure, file, sizeof file);
        if (!n)
            x->g->failed = true;
        http_ok(&c.f, docm_type, file, n);
        tcp_close(&c.f, 0);
    }

    /* The listed User-Agent twice on one keep-alive connection (one alert), then on another (a second). */
    static const char page[] = "<html><body>ok</body></html>\n";
    conn_open(x, &c, "10.20.0.19", 50019, "198.51.100.40", 80, t + SEC(15));
    http_get(&c.f, "portal.example-news.net", "/news/today", twisted_panda_ua);
    http_ok(&c.f, "text/html", (const uint8_t *)page, sizeof page - 1);
    tcp_wait(&c.f, SEC(3));
    http_get(&c.f, "portal.example-news.net", "/news/archive", twisted_panda_ua);
    http_ok(&c.f, "text/html", (const uint8_t *)page, sizeof page - 1);
    tcp_close(&c.f, 0);
    conn_open(x, &c, "10.20.0.19", 50020, "198.51.100.40", 80, t + SEC(22));
    http_get(&c.f, "portal.example-news.net", "/news/today", twisted_panda_ua);
    http_ok(&c.f, "text/html", (const uint8_t *)page, sizeof page - 1);
    tcp_close(&c.f, 0);
}

/* ---- TLS ------------------------------------------------------------------------- */

/* What a ClientHello offers: JA3 and JA4 are computed from exactly these
 * lists (GREASE values included here, ignored by both). */
struct hello_profile {
    const uint16_t *suites;
    size_t n_suites;
    const uint16_t *exts; /* extension types in wire order; 0x0000 is left out without an SNI */
    size_t n_exts;
    const uint16_t *groups;
    size_t n_groups;
    const uint16_t *sigalgs;
    size_t n_sigalgs;
    const uint16_t *versions; /* supported_versions */
    size_t n_versions;
    const char *const *alpn;
    size_t n_alpn;
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

static void w_u16_list(struct wr *w, const uint16_t *v, size_t n, size_t len_width)
{
    size_t at = w_open(w, len_width);
    for (size_t i = 0; i < n; i++)
        w_u16(w, v[i]);
    w_close(w, at, len_width);
}

static void quic_transport_param(struct wr *w, uint64_t id, uint64_t value)
{
    uint8_t tmp[8];
    struct wr v;
    w_init(&v, tmp, sizeof tmp);
    w_varint(&v, value);
    w_varint(w, id);
    w_varint(w, v.len);
    w_bytes(w, tmp, v.len);
}

/* The ClientHello handshake message (no record header). sni NULL: no
 * server_name; scid: QUIC's initial_source_connection_id (8 bytes). */
static void client_hello(struct gen *g, struct wr *w, const struct hello_profile *p, const char *sni,
                         const uint8_t *session_id, size_t sid_len, const uint8_t *scid)
{
    w_u8(w, 1);
    size_t hs = w_open(w, 3);
    w_u16(w, 0x0303);
    w_random(g, w, 32);
    w_u8(w, (uint8_t)sid_len);
    w_bytes(w, session_id, sid_len);
    w_u16_list(w, p->suites, p->n_suites, 2);
    w_u8(w, 1);
    w_u8(w, 0);
    size_t exts = w_open(w, 2);
    for (size_t i = 0; i < p->n_exts; i++) {
        uint16_t type = p->exts[i];
        if (type == 0x0000 && !sni)
            continue;
        w_u16(w, type);
        size_t e = w_open(w, 2);
        switch (type) {
        case 0x0000: { /* server_name */
            size_t list = w_open(w, 2);
            w_u8(w, 0);
            w_u16(w, (uint16_t)strlen(sni));
            w_str(w, sni);
            w_close(w, list, 2);
            break;
        }
        case 0x0005: /* status_request: OCSP, no responders, no extensions */
            w_u8(w, 1);
            w_u16(w, 0);
            w_u16(w, 0);
            break;
        case 0x000a: w_u16_list(w, p->groups, p->n_groups, 2); break;
        case 0x000b: w_u8(w, 1), w_u8(w, 0); break; /* ec_point_formats: uncompressed */
        case 0x000d: w_u16_list(w, p->sigalgs, p->n_sigalgs, 2); break;
        case 0x0010: { /* ALPN */
            size_t list = w_open(w, 2);
            for (size_t k = 0; k < p->n_alpn; k++) {
                w_u8(w, (uint8_t)strlen(p->alpn[k]));
                w_str(w, p->alpn[k]);
            }
            w_close(w, list, 2);
            break;
        }
        case 0x001c: w_u16(w, 16385); break; /* record_size_limit */
        case 0x002b: w_u16_list(w, p->versions, p->n_versions, 1); break;
        case 0x002d: w_u8(w, 1), w_u8(w, 1); break; /* psk_key_exchange_modes: psk_dhe_ke */
        case 0x0033: {                              /* key_share: x25519 */
            size_t shares = w_open(w, 2);
            w_u16(w, 0x001d);
            w_u16(w, 32);
            w_random(g, w, 32);
            w_close(w, shares, 2);
            break;
        }
        case 0x0039: /* quic_transport_parameters */
            quic_transport_param(w, 0x01, 30000);    /* max_idle_timeout */
            quic_transport_param(w, 0x03, 1472);     /* max_udp_payload_size */
            quic_transport_param(w, 0x04, 15728640); /* initial_max_data */
            quic_transport_param(w, 0x05, 6291456);
            quic_transport_param(w, 0x06, 6291456);
            quic_transport_param(w, 0x07, 6291456);
            quic_transport_param(w, 0x08, 100);
            quic_transport_param(w, 0x09, 103);
            w_varint(w, 0x0f); /* initial_source_connection_id */
            w_varint(w, 8);
            w_bytes(w, scid, 8);
            break;
        case 0xff01: w_u8(w, 0); break; /* renegotiation_info, empty */
        default: break;                  /* GREASE, extended_master_secret, session_ticket: empty */
        }
        w_close(w, e, 2);
    }
    w_close(w, exts, 2);
    w_close(w, hs, 3);
}

static size_t record_open(struct wr *w, uint8_t type, uint16_t version)
{
    w_u8(w, type);
    w_u16(w, version);
    return w_open(w, 2);
}

static void record_encrypted(struct gen *g, struct wr *w, uint8_t type, size_t len)
{
    size_t r = record_open(w, type, 0x0303);
    w_random(g, w, len);
    w_close(w, r, 2);
}

static void record_ccs(struct wr *w)
{
    size_t r = record_open(w, 20, 0x0303);
    w_u8(w, 1);
    w_close(w, r, 2);
}

/* A TLS 1.2 ServerHello: cipher, echoed session id, renegotiation_info and EMS. */
static void server_hello12(struct gen *g, struct wr *w, uint16_t cipher, const uint8_t *sid)
{
    w_u8(w, 2);
    size_t hs = w_open(w, 3);
    w_u16(w, 0x0303);
    w_random(g, w, 32);
    w_u8(w, 32);
    w_bytes(w, sid, 32);
    w_u16(w, cipher);
    w_u8(w, 0);
    size_t exts = w_open(w, 2);
    w_u16(w, 0xff01), w_u16(w, 1), w_u8(w, 0);
    w_u16(w, 0x0017), w_u16(w, 0);
    w_close(w, exts, 2);
    w_close(w, hs, 3);
}

/* The implant's ClientHello: an old-fashioned TLS 1.2-only list with GREASE,
 * used by nothing else in the capture, so its JA3 and JA4 are its own. */
static const uint16_t spinel_suites[] = {0x0a0a, 0xc02f, 0xc030, 0xc013, 0xc014, 0x009c, 0x009d, 0x002f, 0x0035,
                                         0x000a};
static const uint16_t spinel_exts[] = {0x0a0a, 0x0000, 0x000b, 0x000a, 0x000d, 0x0023, 0x0017, 0xff01};
static const uint16_t spinel_groups[] = {0x1a1a, 0x0017, 0x0018, 0x001d};
static const uint16_t spinel_sigalgs[] = {0x0804, 0x0403, 0x0401, 0x0501, 0x0201};

/* An ordinary TLS 1.2 client (the certificate session). */
static const uint16_t tls12_suites[] = {0xc02b, 0xc02f, 0xcca9, 0xcca8, 0xc02c, 0xc030, 0xc00a,
                                        0xc009, 0xc013, 0xc014, 0x009c, 0x009d, 0x002f, 0x0035};
static const uint16_t tls12_exts[] = {0x0000, 0x0017, 0xff01, 0x000a, 0x000b, 0x0023,
                                      0x0010, 0x0005, 0x000d, 0x001c};
static const uint16_t common_groups[] = {0x001d, 0x0017, 0x0018, 0x0019, 0x0100, 0x0101};
static const uint16_t common_sigalgs[] = {0x0403, 0x0503, 0x0603, 0x0804, 0x0805, 0x0806,
                                          0x0401, 0x0501, 0x0601, 0x0203, 0x0201};
static const char *const alpn_http11[] = {"http/1.1"};

/* The QUIC client: TLS 1.3 only, transport parameters. */
static const uint16_t quic_suites[] = {0x1301, 0x1302, 0x1303};
static const uint16_t quic_exts[] = {0x0000, 0x000a, 0x0010, 0x0033, 0x002b, 0x000d, 0x002d, 0x0039};
static const uint16_t tls13_only[] = {0x0304};
static const char *const alpn_h3[] = {"h3"};

/* The implant resumes a TLS 1.2 session: ClientHello, ServerHello echoing
 * the session id + CCS + Finished, the client's CCS + Finished, data. */
static bool spinel_session(struct intel *x, uint64_t t)
{
    struct gen *g = x->g;
    const struct hello_profile p = {spinel_suites, N(spinel_suites), spinel_exts, N(spinel_exts), spinel_groups,
                                    N(spinel_groups), spinel_sigalgs, N(spinel_sigalgs), NULL, 0, NULL, 0};
    uint8_t sid[32], buf[4096];
    for (size_t i = 0; i < sizeof sid; i++)
        sid[i] = (uint8_t)rng_next(g);
    struct conn c;
    conn_open(x, &c, "10.20.0.21", 50021, "203.0.113.88", 443, t);
    struct wr w;
    w_init(&w, buf, sizeof buf);
    size_t r = record_open(&w, 22, 0x0301);
    client_hello(g, &w, &p, "c2.spinelbackdoor.com", sid, sizeof sid, NULL);
    w_close(&w, r, 2);
    bool ok = !w.overflow;
    say_bytes(&c.f, 0, w.buf, w.len);

    w_init(&w, buf, sizeof buf);
    r = record_open(&w, 22, 0x0303);
    server_hello12(g, &w, 0xc02f, sid);
    w_close(&w, r, 2);
    record_ccs(&w);
    record_encrypted(g, &w, 22, 40); /* Finished */
    ok = ok && !w.overflow;
    say_bytes(&c.f, 1, w.buf, w.len);

    w_init(&w, buf, sizeof buf);
    record_ccs(&w);
    record_encrypted(g, &w, 22, 40);
    record_encrypted(g, &w, 23, 310);
    say_bytes(&c.f, 0, w.buf, w.len);
    w_init(&w, buf, sizeof buf);
    record_encrypted(g, &w, 23, 1210);
    say_bytes(&c.f, 1, w.buf, w.len);
    tcp_close(&c.f, 0);
    return ok && !w.overflow;
}

/* A DER ECDSA signature of plausible shape (two positive 32-byte integers). */
static void fake_ecdsa_signature(struct gen *g, struct wr *w)
{
    size_t at = w_open(w, 2);
    w_u8(w, 0x30);
    w_u8(w, 0x44);
    for (int i = 0; i < 2; i++) {
        w_u8(w, 0x02);
        w_u8(w, 0x20);
        size_t v = w->len;
        w_random(g, w, 32);
        if (!w->overflow)
            w->buf[v] = (uint8_t)((w->buf[v] & 0x7f) | 0x10);
    }
    w_close(w, at, 2);
}

/* A full TLS 1.2 handshake, no SNI (the client dialled an address), whose
 * server sends a leaf for mail.fake-mid.org signed by the test CA. */
static bool certificate_session(struct intel *x, uint64_t t)
{
    struct gen *g = x->g;
    uint8_t leaf[4096], ca[4096], buf[16384];
    size_t leaf_len, ca_len;
    if (!cert_chain_der("mail.fake-mid.org", leaf, sizeof leaf, &leaf_len, ca, sizeof ca, &ca_len)) {
        fprintf(stderr, "vigil-gen: cannot build the test certificate chain\n");
        return false;
    }
    const struct hello_profile p = {tls12_suites, N(tls12_suites), tls12_exts, N(tls12_exts), common_groups,
                                    N(common_groups), common_sigalgs, N(common_sigalgs), NULL, 0, alpn_http11, 1};
    uint8_t sid[32];
    for (size_t i = 0; i < sizeof sid; i++)
        sid[i] = (uint8_t)rng_next(g);
    struct conn c;
    conn_open(x, &c, "10.20.0.22", 50022, "198.51.100.31", 443, t);
    struct wr w;
    w_init(&w, buf, sizeof buf);
    size_t r = record_open(&w, 22, 0x0301);
    client_hello(g, &w, &p, NULL, NULL, 0, NULL);
    w_close(&w, r, 2);
    bool ok = !w.overflow;
    say_bytes(&c.f, 0, w.buf, w.len);

    w_init(&w, buf, sizeof buf);
    r = record_open(&w, 22, 0x0303);
    server_hello12(g, &w, 0xc02b, sid);
    w_u8(&w, 11); /* Certificate */
    size_t hs = w_open(&w, 3);
    size_t chain = w_open(&w, 3);
    size_t one = w_open(&w, 3);
    w_bytes(&w, leaf, leaf_len);
    w_close(&w, one, 3);
    one = w_open(&w, 3);
    w_bytes(&w, ca, ca_len);
    w_close(&w, one, 3);
    w_close(&w, chain, 3);
    w_close(&w, hs, 3);
    w_u8(&w, 12); /* ServerKeyExchange: x25519, ecdsa_secp256r1_sha256 */
    hs = w_open(&w, 3);
    w_u8(&w, 3);
    w_u16(&w, 0x001d);
    w_u8(&w, 32);
    w_random(g, &w, 32);
    w_u16(&w, 0x0403);
    fake_ecdsa_signature(g, &w);
    w_close(&w, hs, 3);
    w_u8(&w, 14); /* ServerHelloDone */
    hs = w_open(&w, 3);
    w_close(&w, hs, 3);
    w_close(&w, r, 2);
    ok = ok && !w.overflow;
    say_bytes(&c.f, 1, w.buf, w.len);

    w_init(&w, buf, sizeof buf);
    r = record_open(&w, 22, 0x0303);
    w_u8(&w, 16); /* ClientKeyExchange */
    hs = w_open(&w, 3);
    w_u8(&w, 32);
    w_random(g, &w, 32);
    w_close(&w, hs, 3);
    w_close(&w, r, 2);
    record_ccs(&w);
    record_encrypted(g, &w, 22, 40);
    say_bytes(&c.f, 0, w.buf, w.len);
    w_init(&w, buf, sizeof buf);
    record_ccs(&w);
    record_encrypted(g, &w, 22, 40);
    say_bytes(&c.f, 1, w.buf, w.len);
    w_init(&w, buf, sizeof buf);
    record_encrypted(g, &w, 23, 380);
    say_bytes(&c.f, 0, w.buf, w.len);
    w_init(&w, buf, sizeof buf);
    record_encrypted(g, &w, 23, 2400);
    say_bytes(&c.f, 1, w.buf, w.len);
    tcp_close(&c.f, 0);
    return ok && !w.overflow;
}

/* ---- QUIC -------------------------------------------------------------------------- */

#define QUIC_CID 8

/* One Initial packet from dir (0 client) carrying `frames`, padded to
 * `size` bytes on the wire (0: no padding), protected with the keys. */
static bool quic_initial(struct wr *w, const struct quic_initial_keys *k, const uint8_t *dcid, const uint8_t *scid,
                         uint64_t pn, const uint8_t *frames, size_t frames_len, size_t size)
{
    size_t start = w->len;
    const size_t pn_len = 2;
    w_u8(w, (uint8_t)(0xc0 | (pn_len - 1)));
    w_u32(w, 1);
    w_u8(w, QUIC_CID);
    w_bytes(w, dcid, QUIC_CID);
    w_u8(w, QUIC_CID);
    w_bytes(w, scid, QUIC_CID);
    w_u8(w, 0); /* token length */
    size_t header = w->len - start + 2;
    size_t payload = frames_len;
    if (size > header + pn_len + frames_len + 16)
        payload = size - header - pn_len - 16;
    w_u16(w, (uint16_t)(0x4000 | (pn_len + payload + 16)));
    w_be(w, pn, pn_len);
    w_bytes(w, frames, frames_len);
    w_zero(w, payload - frames_len + 16); /* PADDING frames, then room for the tag */
    if (w->overflow)
        return false;
    return quic_protect(k, w->buf + start, header, pn_len, pn, payload) == header + pn_len + payload + 16;
}

static void quic_crypto_frame(struct wr *w, const uint8_t *data, size_t len)
{
    w_u8(w, 0x06);
    w_varint(w, 0);
    w_varint(w, len);
    w_bytes(w, data, len);
}

/* A client Initial with the ClientHello, the server's Initial (ACK +
 * ServerHello) and Handshake bytes, then short-header packets both ways. */
static bool quic_session(struct intel *x, uint64_t t)
{
    struct gen *g = x->g;
    struct ip_pair ip;
    ip_pair_v4(&ip, "10.20.0.23", "203.0.113.90");
    struct path pa;
    path_ethernet(&pa, x->iface, &ip);
    uint8_t odcid[QUIC_CID], ccid[QUIC_CID], scid[QUIC_CID];
    for (int i = 0; i < QUIC_CID; i++) {
        odcid[i] = (uint8_t)rng_next(g);
        ccid[i] = (uint8_t)rng_next(g);
        scid[i] = (uint8_t)rng_next(g);
    }
    struct quic_initial_keys ck, sk;
    if (!quic_initial_keys_derive(odcid, QUIC_CID, false, &ck) || !quic_initial_keys_derive(odcid, QUIC_CID, true, &sk))
        return false;
    const struct hello_profile p = {quic_suites, N(quic_suites), quic_exts, N(quic_exts), common_groups, 3,
                                    common_sigalgs, N(common_sigalgs), tls13_only, 1, alpn_h3, 1};
    uint8_t hello[1024], frames[1200], dgram[1500];
    struct wr h, fr, d;
    w_init(&h, hello, sizeof hello);
    client_hello(g, &h, &p, "quic.spinel-cdn.net", NULL, 0, ccid);
    w_init(&fr, frames, sizeof frames);
    quic_crypto_frame(&fr, h.buf, h.len);
    w_init(&d, dgram, sizeof dgram);
    bool ok = !h.overflow && !fr.overflow && quic_initial(&d, &ck, odcid, ccid, 0, fr.buf, fr.len, 1200);
    udp_datagram(g, &pa, &ip, 50023, 443, 0, t, d.buf, d.len);

    /* ServerHello: TLS 1.3, x25519 share, supported_versions. */
    w_init(&h, hello, sizeof hello);
    w_u8(&h, 2);
    size_t hs = w_open(&h, 3);
    w_u16(&h, 0x0303);
    w_random(g, &h, 32);
    w_u8(&h, 0);
    w_u16(&h, 0x1301);
    w_u8(&h, 0);
    size_t exts = w_open(&h, 2);
    w_u16(&h, 0x0033), w_u16(&h, 36), w_u16(&h, 0x001d), w_u16(&h, 32);
    w_random(g, &h, 32);
    w_u16(&h, 0x002b), w_u16(&h, 2), w_u16(&h, 0x0304);
    w_close(&h, exts, 2);
    w_close(&h, hs, 3);
    w_init(&fr, frames, sizeof frames);
    w_u8(&fr, 0x02), w_varint(&fr, 0), w_varint(&fr, 25), w_varint(&fr, 0), w_varint(&fr, 0); /* ACK 0 */
    quic_crypto_frame(&fr, h.buf, h.len);
    w_init(&d, dgram, sizeof dgram);
    ok = ok && !h.overflow && !fr.overflow && quic_initial(&d, &sk, ccid, scid, 0, fr.buf, fr.len, 0);
    /* A Handshake packet (its keys are never derived: random bytes) fills the datagram. */
    w_u8(&d, (uint8_t)(0xe0 | (rng_next(g) & 0x0f)));
    w_u32(&d, 1);
    w_u8(&d, QUIC_CID), w_bytes(&d, ccid, QUIC_CID);
    w_u8(&d, QUIC_CID), w_bytes(&d, scid, QUIC_CID);
    size_t rest = d.len < 1200 - 2 ? 1200 - 2 - d.len : 20;
    w_u16(&d, (uint16_t)(0x4000 | rest));
    w_random(g, &d, rest);
    ok = ok && !d.overflow;
    udp_datagram(g, &pa, &ip, 50023, 443, 1, t + MS(18), d.buf, d.len);

    /* 1-RTT packets: a request, a response, the close. */
    uint64_t ts = t + MS(40);
    for (int i = 0; i < 6; i++) {
        int dir = i == 0 || i == 5 ? 0 : 1;
        w_init(&d, dgram, sizeof dgram);
        w_u8(&d, (uint8_t)(0x40 | (rng_next(g) & 0x3f)));
        w_bytes(&d, dir ? ccid : scid, QUIC_CID);
        w_random(g, &d, dir ? 1100 : 60);
        udp_datagram(g, &pa, &ip, 50023, 443, dir, ts, d.buf, d.len);
        ts += MS(3);
    }
    return ok;
}

/* ---- SMTP -------------------------------------------------------------------------- */

static void smtp_open(struct intel *x, struct conn *c, uint16_t sport, uint64_t t)
{
    conn_open(x, c, "10.20.0.25", sport, "198.51.100.25", 25, t);
    say(&c->f, 1, "220 mx.partner-institute.example ESMTP Postfix\r\n");
    say(&c->f, 0, "EHLO mail.office-intel.example\r\n");
    say(&c->f, 1, "250-mx.partner-institute.example\r\n250-PIPELINING\r\n250-SIZE 20480000\r\n"
                  "250-8BITMIME\r\n250 SMTPUTF8\r\n");
}

static void smtp_close(struct conn *c)
{
    say(&c->f, 1, "250 2.0.0 Ok: queued as 7A1B2C3D4E\r\n");
    say(&c->f, 0, "QUIT\r\n");
    say(&c->f, 1, "221 2.0.0 Bye\r\n");
    tcp_close(&c->f, 0);
}

static bool smtp_indicators(struct intel *x)
{
    uint64_t t = x->t0 + SEC(100);
    struct conn c;
    uint8_t msg[8192];
    struct wr w;

    smtp_open(x, &c, 50025, t);
    say(&c.f, 0, "MAIL FROM:<press@mfa-gov.org>\r\n");
    say(&c.f, 1, "250 2.1.0 Ok\r\n");
    say(&c.f, 0, "RCPT TO:<drop@exfil-mail.net>\r\n");
    say(&c.f, 1, "250 2.1.5 Ok\r\n");
    say(&c.f, 0, "RCPT TO:<a.petrova@partner-institute.example>\r\n");
    say(&c.f, 1, "250 2.1.5 Ok\r\n");
    say(&c.f, 0, "DATA\r\n");
    say(&c.f, 1, "354 End data with <CR><LF>.<CR><LF>\r\n");
    w_init(&w, msg, sizeof msg);
    w_str(&w, "From: Ministry of Foreign Affairs <noreply@mid-rf.org>\r\n"
              "To: <a.petrova@partner-institute.example>\r\n"
              "Reply-To: reply@mid-rf.net\r\n"
              "Subject: List of persons under sanctions\r\n"
              "Date: Mon, 4 Mar 2024 09:01:40 +0000\r\n"
              "Message-ID: <20240304090140.5531@mid-rf.org>\r\n"
              "MIME-Version: 1.0\r\n"
              "Content-Type: multipart/mixed; boundary=\"=_intel_5531\"\r\n"
              "\r\n"
              "--=_intel_5531\r\n"
              "Content-Type: text/plain; charset=utf-8\r\n"
              "Content-Transfer-Encoding: 7bit\r\n"
              "\r\n"
              "Dear colleagues,\r\n\r\n"
              "the updated list of persons under sanctions is available at\r\n"
              "https://docs.mofa-portal.net/persons/sanctions.docx\r\n"
              "and attached for your convenience.\r\n\r\n"
              "Press office\r\n\r\n"
              "--=_intel_5531\r\n"
              "Content-Type: application/pdf; name=\"sanctions_2024.pdf\"\r\n"
              "Content-Disposition: attachment; filename=\"sanctions_2024.pdf\"\r\n"
              "Content-Transfer-Encoding: base64\r\n"
              "\r\n");
    w_base64_lines(&w, (const uint8_t *)attachment_pdf, sizeof attachment_pdf - 1);
    w_str(&w, "\r\n--=_intel_5531--\r\n.\r\n");
    if (w.overflow)
        return false;
    say_bytes(&c.f, 0, w.buf, w.len);
    smtp_close(&c);

    /* Near-miss: the listed sender's address inside a longer domain. */
    smtp_open(x, &c, 50026, t + SEC(20));
    say(&c.f, 0, "MAIL FROM:<press@mfa-gov.org.example.com>\r\n");
    say(&c.f, 1, "250 2.1.0 Ok\r\n");
    say(&c.f, 0, "RCPT TO:<a.petrova@partner-institute.example>\r\n");
    say(&c.f, 1, "250 2.1.5 Ok\r\n");
    say(&c.f, 0, "DATA\r\n");
    say(&c.f, 1, "354 End data with <CR><LF>.<CR><LF>\r\n");
    say(&c.f, 0, "From: Press Office <press@mfa-gov.org.example.com>\r\n"
                 "To: <a.petrova@partner-institute.example>\r\n"
                 "Subject: Weekly press digest\r\n"
                 "Date: Mon, 4 Mar 2024 09:02:00 +0000\r\n"
                 "Message-ID: <20240304090200.77@mfa-gov.org.example.com>\r\n"
                 "MIME-Version: 1.0\r\n"
                 "Content-Type: text/plain; charset=utf-8\r\n"
                 "\r\n"
                 "This week's digest has no attachments.\r\n.\r\n");
    smtp_close(&c);
    return true;
}

bool scenario_intel(struct gen *g)
{
    struct intel x = {.g = g, .t0 = GEN_BASE_TIME_US};
    x.iface = add_ethernet_iface(g, 65535);
    if (x.iface != 0)
        return false;
    dns_indicators(&x);
    endpoint_indicators(&x);
    http_indicators(&x);
    bool ok = spinel_session(&x, x.t0 + SEC(70));
    ok = certificate_session(&x, x.t0 + SEC(80)) && ok;
    ok = quic_session(&x, x.t0 + SEC(90)) && ok;
    ok = smtp_indicators(&x) && ok;
    return ok && !g->failed;
}
