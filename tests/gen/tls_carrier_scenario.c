/* Scenarios for FTP and for TLS carried by other protocols:
 *  ftp      an FTP session: login, a passive RETR and an active STOR (each
 *           a file on its own data connection), a listing, QUIT
 *  starttls TLS 1.2 with certificates after IMAP STARTTLS, POP3 STLS, FTP
 *           AUTH TLS, PostgreSQL SSLRequest and MySQL's SSL Request
 *  openvpn  OpenVPN over TCP: hard resets, the TLS handshake in P_CONTROL_V1
 *           packets (one session without, one with tls-auth), data packets
 *  ranges   one file fetched in two byte ranges over two parallel HTTP
 *           connections (206 Partial Content), a plain download, one file
 *           in two ranges fetched 30 s apart, one whose second range comes
 *           after the file timed out */
#include "scenarios.h"

#include <stdio.h>
#include <string.h>

#include "app_crypto.h"
#include "app_wire.h"

struct cert_pair {
    uint8_t leaf[4096], ca[4096];
    size_t leaf_len, ca_len;
};

static bool make_certs(struct cert_pair *c, const char *cn)
{
    if (cert_chain_der(cn, c->leaf, sizeof c->leaf, &c->leaf_len, c->ca, sizeof c->ca, &c->ca_len))
        return true;
    fprintf(stderr, "vigil-gen: cannot build the test certificate chain\n");
    return false;
}

/* ---- FTP ---------------------------------------------------------------------- */

/* A data connection from client (port cport) to server:sport carrying len
 * bytes of text from dir (0: client, 1: server), closed by the sender;
 * returns when it ended. */
static uint64_t ftp_data_connection(struct gen *g, struct path *pa, const struct ip_pair *ip, uint16_t cport,
                                uint16_t sport, uint64_t t, int dir, const char *text)
{
    struct tcp_flow d;
    tcp_connect(&d, g, pa, ip, cport, sport, t);
    app_say(&d, dir, text);
    tcp_close(&d, dir);
    return d.now;
}

/* The control connection's next reply comes after the data connection closed. */
static void ftp_after(struct tcp_flow *f, uint64_t data_end)
{
    if (f->now < data_end)
        f->now = data_end;
    tcp_wait(f, MS(20));
}

static const char ftp_report[] =
    "Quarterly figures, vigil-gen test data\r\n"
    "region,revenue\r\nnorth,1200\r\nsouth,900\r\neast,1500\r\nwest,700\r\n";
static const char ftp_upload[] =
    "#!/bin/sh\n# vigil-gen test upload: harmless\necho collected > /tmp/out.txt\n";

static bool run_ftp(struct gen *g)
{
    int iface = add_ethernet_iface(g, 65535);
    uint64_t t = GEN_BASE_TIME_US;
    struct ip_pair ip, back;
    struct path pa, back_pa;
    ip_pair_v4(&ip, "10.21.0.10", "10.21.0.21");
    ip_pair_v4(&back, "10.21.0.21", "10.21.0.10");
    path_ethernet(&pa, iface, &ip);
    path_ethernet(&back_pa, iface, &back);

    struct tcp_flow f;
    tcp_connect(&f, g, &pa, &ip, 50021, 21, t);
    static const struct app_turn ftp_login[] = {
        {1, "220 (vsFTPd 3.0.3)\r\n"},
        {0, "USER alice\r\n"},
        {1, "331 Please specify the password.\r\n"},
        {0, "PASS s3cret-Pw\r\n"},
        {1, "230 Login successful.\r\n"},
        {0, "SYST\r\n"},
        {1, "215 UNIX Type: L8\r\n"},
        {0, "PWD\r\n"},
        {1, "257 \"/home/alice\" is the current directory\r\n"},
        {0, "CWD reports\r\n"},
        {1, "250 Directory successfully changed.\r\n"},
        {0, "TYPE I\r\n"},
        {1, "200 Switching to Binary mode.\r\n"},
    };
    APP_CONVERSE(&f, ftp_login);

    /* passive: the client connects to the port the server names */
    static const struct app_turn ftp_passive_retr[] = {
        {0, "PASV\r\n"},
        {1, "227 Entering Passive Mode (10,21,0,21,195,81).\r\n"},
        {0, "SIZE q1.csv\r\n"},
        {1, "213 100\r\n"},
        {0, "RETR q1.csv\r\n"},
        {1, "150 Opening BINARY mode data connection for q1.csv (100 bytes).\r\n"},
    };
    APP_CONVERSE(&f, ftp_passive_retr);
    ftp_after(&f, ftp_data_connection(g, &pa, &ip, 50022, 195 * 256 + 81, f.now, 1, ftp_report));
    app_say(&f, 1, "226 Transfer complete.\r\n");

    /* active: the server connects from port 20 to the port the client names */
    static const struct app_turn ftp_active_stor[] = {
        {0, "PORT 10,21,0,10,196,10\r\n"},
        {1, "200 PORT command successful. Consider using PASV.\r\n"},
        {0, "STOR ../upload/collect.sh\r\n"},
        {1, "150 Ok to send data.\r\n"},
    };
    APP_CONVERSE(&f, ftp_active_stor);
    {
        struct tcp_flow d;
        tcp_connect(&d, g, &back_pa, &back, 20, 196 * 256 + 10, f.now);
        app_say(&d, 1, ftp_upload); /* the client (the responder here) sends the file */
        tcp_close(&d, 1);
        ftp_after(&f, d.now);
    }
    app_say(&f, 1, "226 Transfer complete.\r\n");

    /* a listing over extended passive mode */
    static const struct app_turn ftp_epsv_list[] = {
        {0, "EPSV\r\n"},
        {1, "229 Entering Extended Passive Mode (|||50400|)\r\n"},
        {0, "LIST\r\n"},
        {1, "150 Here comes the directory listing.\r\n"},
    };
    APP_CONVERSE(&f, ftp_epsv_list);
    ftp_after(&f, ftp_data_connection(g, &pa, &ip, 50023, 50400, f.now, 1,
                                      "-rw-r--r--    1 1000     1000          100 Mar 04 08:58 q1.csv\r\n"));
    static const struct app_turn ftp_dele_quit[] = {
        {1, "226 Directory send OK.\r\n"},
        {0, "DELE q0.csv\r\n"},
        {1, "550 Delete operation failed.\r\n"},
        {0, "QUIT\r\n"},
        {1, "221 Goodbye.\r\n"},
    };
    APP_CONVERSE(&f, ftp_dele_quit);
    tcp_close(&f, 1);
    return true;
}

/* ---- STARTTLS ------------------------------------------------------------------- */

static bool starttls_tls(struct gen *g, struct tcp_flow *f, const char *sni, const struct cert_pair *c)
{
    static const char *const no_alpn[] = {NULL};
    bool ok = tls12_session(g, f, sni, no_alpn, 0, c->leaf, c->leaf_len, c->ca, c->ca_len);
    tcp_close(f, 0);
    return ok;
}

static bool run_starttls(struct gen *g)
{
    int iface = add_ethernet_iface(g, 65535);
    uint64_t t = GEN_BASE_TIME_US;
    struct cert_pair c;
    if (!make_certs(&c, "mail.vigil-test.example"))
        return false;
    struct ip_pair ip;
    struct path pa;
    struct tcp_flow f;
    ethernet_v4(&ip, &pa, iface, "10.26.0.10", "10.26.0.30");

    tcp_connect(&f, g, &pa, &ip, 51143, 143, t);
    static const struct app_turn imap_to_starttls[] = {
        {1, "* OK [CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED] Dovecot ready.\r\n"},
        {0, "a001 CAPABILITY\r\n"},
        {1, "* CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED\r\na001 OK Pre-login capabilities listed.\r\n"},
        {0, "a002 STARTTLS\r\n"},
        {1, "a002 OK Begin TLS negotiation now.\r\n"},
    };
    APP_CONVERSE(&f, imap_to_starttls);
    bool ok = starttls_tls(g, &f, "mail.vigil-test.example", &c);

    tcp_connect(&f, g, &pa, &ip, 51110, 110, t + SEC(2));
    static const struct app_turn pop3_to_stls[] = {
        {1, "+OK Dovecot ready.\r\n"},
        {0, "CAPA\r\n"},
        {1, "+OK\r\nCAPA\r\nTOP\r\nUIDL\r\nSTLS\r\n.\r\n"},
        {0, "STLS\r\n"},
        {1, "+OK Begin TLS negotiation now.\r\n"},
    };
    APP_CONVERSE(&f, pop3_to_stls);
    ok = starttls_tls(g, &f, "mail.vigil-test.example", &c) && ok;

    tcp_connect(&f, g, &pa, &ip, 51021, 21, t + SEC(4));
    app_say(&f, 1, "220 ProFTPD Server (files.vigil-test.example) ready\r\n");
    app_say(&f, 0, "AUTH TLS\r\n");
    app_say(&f, 1, "234 AUTH TLS successful\r\n");
    ok = starttls_tls(g, &f, "files.vigil-test.example", &c) && ok;

    static const uint8_t ssl_request[] = {0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f};
    tcp_connect(&f, g, &pa, &ip, 51432, 5432, t + SEC(6));
    app_say_bytes(&f, 0, ssl_request, sizeof ssl_request);
    app_say(&f, 1, "S");
    ok = starttls_tls(g, &f, "db.vigil-test.example", &c) && ok;

    /* MySQL: Handshake v10 with CLIENT_SSL, the 32-byte SSL Request */
    uint8_t buf[256];
    struct wr w;
    w_init(&w, buf, sizeof buf);
    size_t at = w.len;
    w_le(&w, 0, 3);
    w_u8(&w, 0);
    w_u8(&w, 10);
    w_str(&w, "8.0.36");
    w_u8(&w, 0);
    w_le(&w, 42, 4);
    w_random(g, &w, 8);
    w_u8(&w, 0);
    w_le(&w, 0xffff, 2);        /* capabilities (low): CLIENT_SSL among them */
    w_u8(&w, 0xff);             /* utf8mb4 */
    w_le(&w, 2, 2);             /* status */
    w_le(&w, 0xdfff, 2);        /* capabilities (high) */
    w_u8(&w, 21);
    w_zero(&w, 10);
    w_random(g, &w, 12);
    w_u8(&w, 0);
    w_str(&w, "caching_sha2_password");
    w_u8(&w, 0);
    size_t body = w.len - at - 4;
    buf[at] = (uint8_t)body, buf[at + 1] = (uint8_t)(body >> 8), buf[at + 2] = (uint8_t)(body >> 16);
    tcp_connect(&f, g, &pa, &ip, 51306, 3306, t + SEC(8));
    app_say_bytes(&f, 1, buf, w.len);
    w_init(&w, buf, sizeof buf);
    w_le(&w, 32, 3);
    w_u8(&w, 1);
    w_le(&w, 0x01ff8a0d, 4);    /* CLIENT_SSL | CLIENT_PROTOCOL_41 | ... */
    w_le(&w, 16777216, 4);
    w_u8(&w, 0xff);
    w_zero(&w, 23);
    app_say_bytes(&f, 0, buf, w.len);
    ok = starttls_tls(g, &f, "db.vigil-test.example", &c) && ok;
    return ok && !w.overflow;
}

/* ---- OpenVPN over TCP ---------------------------------------------------------------- */

enum { OVPN_HARD_RESET_CLIENT_V2 = 7, OVPN_HARD_RESET_SERVER_V2 = 8, OVPN_CONTROL_V1 = 4, OVPN_ACK_V1 = 5,
       OVPN_DATA_V2 = 9 };

struct ovpn {
    struct gen *g;
    struct tcp_flow *f;
    uint8_t session[2][8];      /* [0] client, [1] server */
    uint32_t msg_id[2];
    uint32_t last_seen[2];      /* the peer's last message id, acked with the next packet */
    bool to_ack[2];
    size_t auth_len;            /* tls-auth HMAC + packet id + time: 0 or 20 + 8 */
    uint32_t packet_id[2];
};

/* One control packet from dir with an optional payload, acking what the peer sent. */
static void ovpn_control(struct ovpn *o, int dir, uint8_t op, const uint8_t *payload, size_t len)
{
    uint8_t buf[1600];
    struct wr w;
    w_init(&w, buf, sizeof buf);
    size_t frame = w_open(&w, 2);
    w_u8(&w, (uint8_t)(op << 3));
    w_bytes(&w, o->session[dir], 8);
    if (o->auth_len) {
        w_random(o->g, &w, o->auth_len - 8); /* HMAC */
        w_u32(&w, ++o->packet_id[dir]);
        w_u32(&w, 1709542800u);
    }
    int peer = 1 - dir;
    if (o->to_ack[dir]) {
        w_u8(&w, 1);
        w_u32(&w, o->last_seen[dir]);
        w_bytes(&w, o->session[peer], 8);
        o->to_ack[dir] = false;
    } else {
        w_u8(&w, 0);
    }
    if (op != OVPN_ACK_V1) {
        o->last_seen[peer] = o->msg_id[dir];
        o->to_ack[peer] = true;
        w_u32(&w, o->msg_id[dir]++);
        w_bytes(&w, payload, len);
    }
    w_close(&w, frame, 2);
    app_say_bytes(o->f, dir, w.buf, w.len);
}

/* TLS bytes from dir in control packets of at most 1100 bytes each. */
static void ovpn_tls(struct ovpn *o, int dir, const uint8_t *p, size_t n)
{
    while (n > 0) {
        size_t k = n < 1100 ? n : 1100;
        ovpn_control(o, dir, OVPN_CONTROL_V1, p, k);
        p += k;
        n -= k;
    }
}

/* A TLS 1.2 ServerHello choosing ECDHE-ECDSA-AES128-GCM, the chain, the key exchange. */
static size_t ovpn_server_flight(struct gen *g, uint8_t *buf, size_t cap, const struct cert_pair *c)
{
    struct wr w;
    w_init(&w, buf, cap);
    size_t r = tls_record_open(&w, 22, 0x0303);
    struct tls_hello_marks m = tls_server_hello_open(g, &w, NULL, 0, 0xc02b);
    w_u16(&w, 0xff01); /* renegotiation_info */
    w_u16(&w, 1);
    w_u8(&w, 0);
    tls_server_hello_close(&w, m);
    tls_certificate_chain(&w, c->leaf, c->leaf_len, c->ca, c->ca_len);
    tls_server_key_exchange_and_done(g, &w);
    w_close(&w, r, 2);
    return w.overflow ? 0 : w.len;
}

static bool ovpn_session(struct gen *g, struct path *pa, const struct ip_pair *ip, uint16_t cport, uint64_t t,
                         size_t auth_len, const struct cert_pair *c)
{
    struct tcp_flow f;
    tcp_connect(&f, g, pa, ip, cport, 1194, t);
    struct ovpn o = {.g = g, .f = &f, .auth_len = auth_len};
    rng_fill(g, o.session[0], 8);
    rng_fill(g, o.session[1], 8);
    ovpn_control(&o, 0, OVPN_HARD_RESET_CLIENT_V2, NULL, 0);
    ovpn_control(&o, 1, OVPN_HARD_RESET_SERVER_V2, NULL, 0);
    ovpn_control(&o, 0, OVPN_ACK_V1, NULL, 0);
    uint8_t buf[12000];
    size_t n = tls_client_hello(g, buf, "vpn.vigil-test.example");
    ovpn_tls(&o, 0, buf, n);
    n = ovpn_server_flight(g, buf, sizeof buf, c);
    if (n == 0)
        return false;
    ovpn_tls(&o, 1, buf, n);
    struct wr w;
    w_init(&w, buf, sizeof buf);
    tls_client_key_exchange_flight(g, &w);
    tls_record_encrypted(g, &w, 23, 300); /* the key method 2 exchange */
    ovpn_tls(&o, 0, w.buf, w.len);
    w_init(&w, buf, sizeof buf);
    tls_record_ccs(&w);
    tls_record_encrypted(g, &w, 22, 40);
    tls_record_encrypted(g, &w, 23, 420);
    ovpn_tls(&o, 1, w.buf, w.len);
    ovpn_control(&o, 0, OVPN_ACK_V1, NULL, 0);
    for (int i = 0; i < 6; i++) { /* tunnelled packets */
        w_init(&w, buf, sizeof buf);
        size_t frame = w_open(&w, 2);
        w_u8(&w, OVPN_DATA_V2 << 3);
        w_random(g, &w, 3 + 120 + (size_t)i * 40);
        w_close(&w, frame, 2);
        app_say_bytes(&f, i % 2, w.buf, w.len);
    }
    tcp_close(&f, 0);
    return true;
}

static bool run_openvpn(struct gen *g)
{
    int iface = add_ethernet_iface(g, 65535);
    struct cert_pair c;
    if (!make_certs(&c, "vpn.vigil-test.example"))
        return false;
    struct ip_pair ip;
    struct path pa;
    ethernet_v4(&ip, &pa, iface, "10.27.0.10", "198.51.100.94");
    bool ok = ovpn_session(g, &pa, &ip, 51194, GEN_BASE_TIME_US, 0, &c);
    return ovpn_session(g, &pa, &ip, 51195, GEN_BASE_TIME_US + SEC(3), 20 + 8, &c) && ok;
}

/* ---- byte ranges ---------------------------------------------------------------------- */

#define RANGE_FILE_LEN 3000

/* GET uri with a Range header; the 206 reply's body (bytes first..last of
 * file) goes out in two halves, `pause` apart. Returns the end time. */
static uint64_t range_fetch(struct gen *g, struct path *pa, const struct ip_pair *ip, uint16_t cport, uint64_t t,
                            const char *uri, const uint8_t *file, size_t first, size_t last, uint64_t pause)
{
    struct tcp_flow f;
    tcp_connect(&f, g, pa, ip, cport, 80, t);
    char text[512];
    int n = snprintf(text, sizeof text,
                     "GET %s HTTP/1.1\r\nHost: updates.vigil-test.example\r\nUser-Agent: Wget/1.21.3\r\n"
                     "Range: bytes=%zu-%zu\r\nAccept: */*\r\n\r\n",
                     uri, first, last);
    app_say_bytes(&f, 0, text, (size_t)n);
    n = snprintf(text, sizeof text,
                 "HTTP/1.1 206 Partial Content\r\nServer: nginx\r\nContent-Type: application/octet-stream\r\n"
                 "Content-Length: %zu\r\nContent-Range: bytes %zu-%zu/%d\r\n\r\n",
                 last - first + 1, first, last, RANGE_FILE_LEN);
    size_t half = (last - first + 1) / 2;
    uint8_t out[2048];
    memcpy(out, text, (size_t)n);
    memcpy(out + n, file + first, half);
    tcp_send(&f, 1, out, (size_t)n + half);
    tcp_wait(&f, pause);
    tcp_send(&f, 1, file + first + half, last - first + 1 - half);
    tcp_close(&f, 0);
    return f.now;
}

static bool run_ranges(struct gen *g)
{
    uint64_t t = GEN_BASE_TIME_US;
    struct ip_pair ip;
    struct path pa;
    ethernet_start_v4(g, &ip, &pa, "10.28.0.10", "203.0.113.80");
    uint8_t file[RANGE_FILE_LEN];
    for (size_t i = 0; i < sizeof file; i++) /* a text file, so its MIME type is known */
        file[i] = (uint8_t)(i % 64 == 63 ? '\n' : 'a' + (i / 64) % 26);
    /* the second range's connection starts while the first is still sending */
    range_fetch(g, &pa, &ip, 52080, t, "/pkg/update-2.4.1.txt", file, 0, 1499, MS(400));
    range_fetch(g, &pa, &ip, 52081, t + MS(60), "/pkg/update-2.4.1.txt", file, 1500, 2999, MS(20));
    http_session(g, &pa, &ip, 52082, t + SEC(2), "updates.vigil-test.example", "/pkg/index.html", 700);
    /* ranges fetched one after another, 30 s apart: still one file (Zeek's
     * handle is the URL); a range left alone until the end of the capture;
     * a range whose next one comes after the 2 minutes a file waits */
    range_fetch(g, &pa, &ip, 52083, t + SEC(3), "/pkg/update-2.4.2.txt", file, 0, 999, MS(20));
    range_fetch(g, &pa, &ip, 52084, t + SEC(33), "/pkg/update-2.4.2.txt", file, 1000, 2999, MS(20));
    range_fetch(g, &pa, &ip, 52085, t + SEC(40), "/pkg/stale.txt", file, 0, 999, MS(20));
    range_fetch(g, &pa, &ip, 52086, t + SEC(200), "/pkg/stale.txt", file, 1000, 1999, MS(20));
    return true;
}

static const struct scenario tls_carrier_scenarios[] = {
    {"ftp", "FTP: login, a passive RETR and an active STOR (files on their data connections), EPSV listing",
     false, run_ftp},
    {"starttls", "TLS 1.2 with certificates after IMAP STARTTLS, POP3 STLS, FTP AUTH TLS, PostgreSQL SSLRequest, "
                 "MySQL SSL Request",
     false, run_starttls},
    {"openvpn", "OpenVPN over TCP: the TLS handshake in control packets, without and with tls-auth; data packets",
     false, run_openvpn},
    {"ranges", "a file fetched in two byte ranges over two parallel connections (206), joined into one file; "
               "ranges fetched 30 s apart (joined) and 160 s apart (timed out)",
     false, run_ranges},
};

const struct scenario *tls_carrier_scenario_at(size_t i)
{
    size_t n = sizeof tls_carrier_scenarios / sizeof tls_carrier_scenarios[0];
    return i < n ? &tls_carrier_scenarios[i] : NULL;
}
