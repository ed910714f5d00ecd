/* The demo scenario: a few minutes of a small office network, then an
 * implant that keeps beaconing for 45 minutes. Attack traffic is one
 * function per story, called from scenario_demo with its start time. */
#include "scenarios.h"

#include <stdio.h>
#include <string.h>

struct office_host {
    const char *name;
    const char *ip;
    uint16_t next_port;
};

static const struct web_site sites[] = {
    {"www.wikipedia.org", "185.15.59.224", true},     {"news.example.com", "93.184.216.34", false},
    {"www.debian.org", "151.101.2.132", true},        {"intranet.corp.example", "192.168.10.7", false},
    {"cdn.jsdelivr.net", "151.101.1.229", true},      {"weather.example.net", "198.51.100.14", false},
    {"login.microsoftonline.com", "20.190.160.1", true}, {"github.com", "140.82.121.3", true},
};

static const uint8_t resolver_ip_text[] = "192.168.10.1";

static void lookup(struct gen *g, struct office_host *h, uint64_t t, const char *name,
                   const char *answer_ip)
{
    struct ip_pair dns;
    struct path pa;
    ethernet_v4(&dns, &pa, 0, h->ip, (const char *)resolver_ip_text);
    struct ip_pair answer;
    ip_pair_v4(&answer, answer_ip, answer_ip);
    dns_exchange(g, &pa, &dns, h->next_port++, t, name, 1, answer.src, 4);
}

static void browse(struct gen *g, struct office_host *h, uint64_t t, const struct web_site *s)
{
    lookup(g, h, t, s->host, s->ip);
    struct ip_pair ip;
    struct path pa;
    ethernet_v4(&ip, &pa, 0, h->ip, s->ip);
    uint64_t start = t + MS(40);
    if (s->tls)
        tls_session(g, &pa, &ip, h->next_port++, start, s->host, 2000 + rng_below(g, 30000));
    else
        http_session(g, &pa, &ip, h->next_port++, start, s->host, "/", 1000 + rng_below(g, 12000));
}

/* The demo's conversations: 5 to 25 ms after each turn. */
static const struct tcp_pace DEMO_PACE = {MS(5), 20000};

static void say(struct tcp_flow *f, int dir, const char *text)
{
    tcp_say(f, dir, text, &DEMO_PACE);
}

static void mail_submission(struct gen *g, struct office_host *h, uint64_t t)
{
    lookup(g, h, t, "mail.corp.example", "192.168.10.5");
    struct tcp_conn c;
    tcp_conn_open_v4(&c, g, 0, h->ip, h->next_port++, "192.168.10.5", 587, t + MS(30));
    say(&c.f, 1, "220 mail.corp.example ESMTP Postfix (Debian/GNU)\r\n");
    say(&c.f, 0, "EHLO bob-laptop.corp.example\r\n");
    say(&c.f, 1, "250-mail.corp.example\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n250-AUTH PLAIN LOGIN\r\n"
               "250-8BITMIME\r\n250 SMTPUTF8\r\n");
    say(&c.f, 0, "AUTH PLAIN AGJvYgBodW50ZXIy\r\n");
    say(&c.f, 1, "235 2.7.0 Authentication successful\r\n");
    static const char *const rcpts[] = {"<carol@corp.example>"};
    smtp_envelope(&c.f, &DEMO_PACE, "<bob@corp.example>", rcpts, 1);
    say(&c.f, 0, "From: Bob <bob@corp.example>\r\nTo: Carol <carol@corp.example>\r\n"
               "Subject: Quarterly numbers\r\nDate: Mon, 4 Mar 2024 09:01:10 +0000\r\n"
               "Message-ID: <20240304090110.1@corp.example>\r\nMIME-Version: 1.0\r\n"
               "Content-Type: text/plain; charset=utf-8\r\n\r\n"
               "Hi Carol,\r\n\r\nthe numbers look fine, see you at the meeting.\r\n\r\nBob\r\n.\r\n");
    say(&c.f, 1, "250 2.0.0 Ok: queued as 4Tp2Qs1Hk3z9\r\n");
    say(&c.f, 0, "QUIT\r\n");
    say(&c.f, 1, "221 2.0.0 Bye\r\n");
    tcp_close(&c.f, 0);
}

static void ssh_session(struct gen *g, struct office_host *h, uint64_t t, unsigned keystrokes)
{
    struct tcp_conn c;
    tcp_conn_open_v4(&c, g, 0, h->ip, h->next_port++, "192.168.10.6", 22, t);
    say(&c.f, 1, "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u2\r\n");
    say(&c.f, 0, "SSH-2.0-OpenSSH_9.6\r\n");
    uint8_t blob[1500];
    for (int i = 0; i < 4; i++) { /* key exchange: binary packets of plausible sizes */
        size_t n = (size_t)(i % 2 ? 1100 : 600) + rng_below(g, 300);
        for (size_t k = 0; k < n; k++)
            blob[k] = (uint8_t)rng_next(g);
        put32(blob, (uint32_t)(n - 4));
        tcp_send(&c.f, i % 2, blob, n);
    }
    for (unsigned k = 0; k < keystrokes; k++) {
        for (size_t i = 0; i < 36; i++)
            blob[i] = (uint8_t)rng_next(g);
        tcp_send(&c.f, 0, blob, 36);
        tcp_send(&c.f, 1, blob, 36 + (k % 7 == 0 ? 400 : 0));
        tcp_wait(&c.f, MS(150) + rng_below(g, 900000));
    }
    tcp_close(&c.f, 0);
}

/* Twisted Panda's spear-phishing lure: the document behind the link, on
 * minzdravros.com (a published indicator, listed in demo/intel/twisted-panda.csv).
 * The body is fixed so its hash, also listed there, never changes. */
static void twisted_panda_lure(struct gen *g, struct office_host *h, uint64_t t)
{
    static const char document[] = "PK\003\004 vigil demo lure: sanctions_list.docm (not a real document, "
                                   "no macro inside)\r\n";
    lookup(g, h, t, "minzdravros.com", "203.0.113.45");
    struct tcp_conn c;
    tcp_conn_open_v4(&c, g, 0, h->ip, h->next_port++, "203.0.113.45", 80, t + MS(40));
    say(&c.f, 0, "GET /documents/sanctions_list.docm HTTP/1.1\r\nHost: minzdravros.com\r\n"
               "User-Agent: Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
               "Chrome/122.0.0.0 Safari/537.36\r\nAccept: */*\r\nConnection: close\r\n\r\n");
    char head[256];
    int n = snprintf(head, sizeof head,
                     "HTTP/1.1 200 OK\r\nServer: nginx\r\nContent-Type: application/vnd.ms-word.document.macroEnabled.12"
                     "\r\nContent-Length: %zu\r\nConnection: close\r\n\r\n",
                     sizeof document - 1);
    uint8_t resp[512];
    memcpy(resp, head, (size_t)n);
    memcpy(resp + n, document, sizeof document - 1);
    tcp_send(&c.f, 1, resp, (size_t)n + sizeof document - 1);
    tcp_close(&c.f, 1);
}

/* The implant the lure drops: it resolves its C2 (cloud-sync.miniboxmail.com,
 * published as Twisted Panda's) and checks in over HTTPS every 60 s, ±10 %. */
static void spinel_implant(struct gen *g, struct office_host *h, uint64_t t, unsigned checkins)
{
    lookup(g, h, t, "cloud-sync.miniboxmail.com", "203.0.113.77");
    struct ip_pair ip;
    struct path pa;
    ethernet_v4(&ip, &pa, 0, h->ip, "203.0.113.77");
    t += MS(40);
    for (unsigned k = 0; k < checkins; k++) {
        size_t out = 350 + rng_below(g, 8), in = 610 + rng_below(g, 16);
        tls_checkin_session(g, &pa, &ip, h->next_port++, 443, t, "cloud-sync.miniboxmail.com", out, in);
        t += SEC(54) + rng_below(g, 12000000);
    }
}

bool scenario_demo(struct gen *g)
{
    int iface = add_ethernet_iface(g, 65535);
    if (iface != 0)
        return false;
    uint64_t t0 = GEN_BASE_TIME_US;
    struct office_host hosts[] = {
        {"alice", "192.168.10.21", 50100},
        {"bob", "192.168.10.22", 50200},
        {"carol", "192.168.10.23", 50300},
        {"dave", "192.168.10.24", 50400},
    };
    size_t nhosts = sizeof hosts / sizeof hosts[0];

    for (size_t i = 0; i < nhosts; i++) {
        struct ip_pair ip;
        struct path pa;
        ethernet_v4(&ip, &pa, 0, hosts[i].ip, "192.168.10.1");
        ntp_exchange(g, &pa, &ip, 123, t0 + MS(500 + 1700 * i));
    }

    /* Browsing: each of the first three hosts visits a site every 10-40 s for 4 minutes. */
    for (size_t i = 0; i < 3; i++) {
        uint64_t t = t0 + SEC(2 + i * 3);
        while (t < t0 + SEC(240)) {
            browse(g, &hosts[i], t, &sites[rng_below(g, sizeof sites / sizeof sites[0])]);
            t += SEC(10) + rng_below(g, 30000000);
        }
    }

    mail_submission(g, &hosts[1], t0 + SEC(65));
    ssh_session(g, &hosts[2], t0 + SEC(30), 120);

    struct ip_pair ip;
    struct path pa;
    ethernet_v4(&ip, &pa, 0, hosts[3].ip, "192.168.10.1");
    icmp_echo(g, &pa, &ip, 0x0d0d, 4, t0 + SEC(45), 400);
    ethernet_v4(&ip, &pa, 0, hosts[3].ip, "8.8.8.8");
    icmp_echo(g, &pa, &ip, 0x0d0e, 4, t0 + SEC(50), 11000);
    /* dave is a printer-like device: periodic lookups it never follows up on. */
    for (unsigned k = 0; k < 8; k++)
        lookup(g, &hosts[3], t0 + SEC(20 + 30 * k), "time.corp.example", "192.168.10.1");

    /* Scripted after the office stories so theirs stay the same bytes. */
    twisted_panda_lure(g, &hosts[0], t0 + SEC(100));
    spinel_implant(g, &hosts[1], t0 + SEC(130), 45);
    return true;
}
