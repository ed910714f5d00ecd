/* The "anomaly" scenario: what Suricata reports as EVE anomalies and Zeek
 * does not, or under another name (#12):
 *
 * - a ping, then ICMPv4 of a type no RFC defines (42) and a destination
 *   unreachable with a code it does not have (16): Suricata's
 *   decoder.icmpv4.unknown_type and unknown_code, no weird.log row
 *   (the corrupt scenario has the anomalies Zeek names too);
 * - an SMTP session whose server answers MAIL FROM with a code Suricata
 *   does not know (472) and then a line without a code: one INVALID_REPLY;
 * - a mail whose attachment is base64 in one line of 1,200 bytes:
 *   MIME_LONG_LINE and MIME_LONG_ENC_LINE;
 * - curl's HTTP request to an SSH server, answered with its banner:
 *   APPLAYER_MISMATCH_PROTOCOL_BOTH_DIRECTIONS (layer proto_detect);
 * - an SMTP client that sends junk lines before the server's greeting (no
 *   parser takes them), answered with the greeting, "500" per line, and
 *   one "500" whose quoted junk holds a bare LF, so a line starts "1+l":
 *   INVALID_REPLY (Suricata's parser saw the client's lines first);
 * - a backup agent on port 7025 that greets with "220 " (this parser takes
 *   it) and answers the client's LOGIN with 330, a code SMTP does not know:
 *   no INVALID_REPLY, Suricata's detection would not call it SMTP.
 *
 * Read with --eve-anomaly-packethdr: each decode anomaly carries the first
 * 32 bytes of its frame. */
#include <string.h>

#include "scenarios.h"

#include "app_wire.h"
#include "packet_builder.h"

static void icmp_message(struct gen *g, struct path *pa, const struct ip_pair *ip, uint8_t type, uint8_t code,
                         uint64_t t, uint16_t ip_id)
{
    static const uint8_t payload[24] = "vigil anomaly scenario";
    struct pkt *p = &g->pkt;
    pkt_reset(p);
    pkt_append_bytes(p, payload, sizeof payload);
    pb_icmp4(p, type, code, 0);
    emit_ip(g, pa, ip, 0, t, ip_id);
}

/* A TCP connection from cport to sport: the handshake, the turns, the
 * closer's FIN (closer: 0 client, 1 server). */
static void converse(struct gen *g, struct path *pa, const struct ip_pair *ip, uint16_t cport, uint16_t sport,
                     uint64_t t, const struct app_turn *turns, size_t n, int closer)
{
    struct tcp_flow f;
    tcp_connect(&f, g, pa, ip, cport, sport, t);
    app_converse(&f, turns, n);
    tcp_close(&f, closer);
}

static const struct app_turn invalid_reply[] = {
    {1, "220 mx.vigil-test.example ESMTP\r\n"},
    {0, "EHLO ws.vigil-test.example\r\n"},
    {1, "250-mx.vigil-test.example\r\n250 PIPELINING\r\n"},
    {0, "MAIL FROM:<alice@vigil-test.example>\r\n"},
    {1, "472 sender domain has no A record\r\n"},
    {0, "QUIT\r\n"},
    {1, "4.7.0 deferred\r\n"},
};

/* The 1,200-byte base64 line is not a C string (no NUL), so it goes out by
 * its length between two scripted parts. */
static void smtp_long_line(struct gen *g, struct path *pa, const struct ip_pair *ip, uint64_t t)
{
    char line[1202];
    for (size_t i = 0; i < 1200; i++)
        line[i] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"[i % 64];
    memcpy(line + 1200, "\r\n", 2);
    static const struct app_turn to_attachment[] = {
        {1, "220 mx.vigil-test.example ESMTP\r\n"},
        {0, "HELO ws.vigil-test.example\r\n"},
        {1, "250 mx.vigil-test.example\r\n"},
        {0, "MAIL FROM:<alice@vigil-test.example>\r\n"},
        {1, "250 ok\r\n"},
        {0, "RCPT TO:<bob@vigil-test.example>\r\n"},
        {1, "250 ok\r\n"},
        {0, "DATA\r\n"},
        {1, "354 go ahead\r\n"},
        {0, "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"p\"\r\n\r\n"
            "--p\r\nContent-Type: text/plain\r\n\r\nreport attached\r\n"
            "--p\r\nContent-Type: application/octet-stream; name=\"r.bin\"\r\n"
            "Content-Transfer-Encoding: base64\r\n\r\n"},
    };
    static const struct app_turn after_attachment[] = {
        {0, "--p--\r\n.\r\n"},
        {1, "250 queued\r\n"},
        {0, "QUIT\r\n"},
        {1, "221 bye\r\n"},
    };
    struct tcp_flow f;
    tcp_connect(&f, g, pa, ip, 49741, 25, t);
    APP_CONVERSE(&f, to_attachment);
    app_say_bytes(&f, 0, line, sizeof line);
    APP_CONVERSE(&f, after_attachment);
    tcp_close(&f, 0);
}

static const struct app_turn http_to_ssh[] = {
    {0, "GET / HTTP/1.1\r\nHost: 10.12.0.22:22\r\nUser-Agent: curl/7.52.1\r\nAccept: */*\r\n\r\n"},
    {1, "SSH-2.0-OpenSSH_6.6.1\r\n"},
    {1, "Protocol mismatch.\n"},
};

static const struct app_turn junk_before_greeting[] = {
    {0, "g\x09" "dYiXHO~?\x04Z\r\n6ZfpOZsVhZ\r\nyj:@\x12k\x13(XbT\nNfde{\\mravmo\r\n"},
    {1,
     "220 mx.vigil-test.example ESMTP Sendmail\r\n"
     "500 5.5.1 Command unrecognized: \"g\x09" "dYiXHO~?\x04Z\"\r\n"
     "500 5.5.1 Command unrecognized: \"6ZfpOZsVhZ\"\r\n"
     "500 5.5.1 Command unrecognized: \"yj:@\x12k\x13(XbT\n1+l\x07\x18" "Dl#}\"\r\n"},
};

static const struct app_turn greets_like_smtp[] = {
    {1, "220 backup-agent ready\r\n"},
    {0, "LOGIN nightly\r\n"},
    {1, "330 token?\r\n"},
    {0, "TOKEN 8c1f\r\n"},
    {1, "230 welcome\r\n"},
};

bool scenario_anomaly(struct gen *g)
{
    struct ip_pair ip;
    struct path pa;
    int iface = ethernet_start_v4(g, &ip, &pa, "10.12.0.5", "10.12.0.9");
    uint64_t t = GEN_BASE_TIME_US;
    t = icmp_echo(g, &pa, &ip, 7, 1, t, 800);
    icmp_message(g, &pa, &ip, 42, 0, t, 101);
    icmp_message(g, &pa, &ip, 3, 16, t + MS(200), 102);

    struct ip_pair mail;
    struct path mail_pa;
    ethernet_v4(&mail, &mail_pa, iface, "10.12.0.5", "10.12.0.25");
    converse(g, &mail_pa, &mail, 49740, 25, t + SEC(1), invalid_reply, APP_TURNS(invalid_reply), 0);
    smtp_long_line(g, &mail_pa, &mail, t + SEC(3));

    struct ip_pair ssh;
    struct path ssh_pa;
    ethernet_v4(&ssh, &ssh_pa, iface, "10.12.0.5", "10.12.0.22");
    converse(g, &ssh_pa, &ssh, 32928, 22, t + SEC(5), http_to_ssh, APP_TURNS(http_to_ssh), 1);

    converse(g, &mail_pa, &mail, 49274, 25, t + SEC(7), junk_before_greeting, APP_TURNS(junk_before_greeting), 0);
    struct ip_pair agent;
    struct path agent_pa;
    ethernet_v4(&agent, &agent_pa, iface, "10.12.0.5", "10.12.0.21");
    converse(g, &agent_pa, &agent, 49275, 7025, t + SEC(9), greets_like_smtp, APP_TURNS(greets_like_smtp), 0);
    return true;
}
