/* The "keepalive" scenario: periodic traffic that is not an implant beside
 * an implant that is. Two hours, one host each:
 *
 * - 10.50.0.10 keeps a UDP session alive (a NAT keepalive, a STUN binding
 *   refresh): a 20-byte request and a 32-byte answer every 90 s from one
 *   socket, so every record (the 60 s UDP timeout splits them) has the
 *   same 5-tuple;
 * - 10.50.0.11 probes a voice server every 60 s from a new socket, as
 *   nDPI's discord.pcap shows: a 74-byte discovery exchange, then media
 *   (700 to 3200 bytes) one way and a little control the other, which way
 *   varying, so its requests have no steady size;
 * - 10.50.0.12 checks in with its C2 over TLS every 60 s with +-20 %
 *   jitter, a new connection each time.
 *
 * The first two are as regular as the third; only the third is a beacon. */
#include <string.h>

#include "scenarios.h"

#define SPAN_S 7200

static void keepalive(struct gen *g, int iface)
{
    struct ip_pair ip;
    ip_pair_v4(&ip, "10.50.0.10", "198.51.100.50");
    struct path pa;
    path_ethernet(&pa, iface, &ip);
    uint8_t request[20] = {0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xa4, 0x42};
    uint8_t answer[32] = {0x01, 0x01, 0x00, 0x0c, 0x21, 0x12, 0xa4, 0x42};
    for (uint64_t t = GEN_BASE_TIME_US + SEC(5); t < GEN_BASE_TIME_US + SEC(SPAN_S); t += SEC(90)) {
        uint64_t at = t + rng_below(g, 500000);
        for (size_t i = 8; i < sizeof request; i++)
            request[i] = (uint8_t)rng_below(g, 256); /* the transaction id */
        memcpy(answer + 8, request + 8, 12);
        udp_datagram(g, &pa, &ip, 40000, 3478, 0, at, request, sizeof request);
        udp_datagram(g, &pa, &ip, 40000, 3478, 1, at + MS(30), answer, sizeof answer);
    }
}

static void voice_probe(struct gen *g, int iface)
{
    struct ip_pair ip;
    ip_pair_v4(&ip, "10.50.0.11", "203.0.113.51");
    struct path pa;
    path_ethernet(&pa, iface, &ip);
    uint8_t discovery[74] = {0x00, 0x01, 0x00, 0x46};
    uint8_t media[1000];
    for (size_t i = 0; i < sizeof media; i++)
        media[i] = (uint8_t)rng_below(g, 256);
    uint16_t port = 52000;
    for (uint64_t t = GEN_BASE_TIME_US + SEC(11); t < GEN_BASE_TIME_US + SEC(SPAN_S); t += SEC(60)) {
        uint64_t at = t + rng_below(g, 5000);
        udp_datagram(g, &pa, &ip, port, 50004, 0, at, discovery, sizeof discovery);
        udp_datagram(g, &pa, &ip, port, 50004, 1, at + MS(27), discovery, sizeof discovery);
        /* then media one way and control the other, which way and how much varying */
        int sender = (int)rng_below(g, 2);
        size_t media_len = 700 + rng_below(g, 2500);
        size_t control_len = 8 + rng_below(g, 200);
        for (size_t sent = 0; sent < media_len; sent += 1000) {
            size_t len = media_len - sent < 1000 ? media_len - sent : 1000;
            udp_datagram(g, &pa, &ip, port, 50004, sender, at + MS(40) + MS(sent / 50), media, len);
        }
        udp_datagram(g, &pa, &ip, port, 50004, !sender, at + MS(120), media, control_len);
        port = (uint16_t)(port + 7 + rng_below(g, 50));
    }
}

static void jittered_beacon(struct gen *g, int iface)
{
    struct ip_pair ip;
    ip_pair_v4(&ip, "10.50.0.12", "203.0.113.52");
    struct path pa;
    path_ethernet(&pa, iface, &ip);
    uint16_t port = 45000;
    for (uint64_t t = GEN_BASE_TIME_US + SEC(17); t < GEN_BASE_TIME_US + SEC(SPAN_S);) {
        /* one draw per statement: argument order is unspecified (gcc and clang differ) */
        size_t out = 310 + rng_below(g, 8);
        size_t in = 540 + rng_below(g, 16);
        tls_checkin_session(g, &pa, &ip, port++, 443, t, "cdn-sync.rare-c2.example", out, in);
        t += SEC(48) + rng_below(g, (uint32_t)SEC(24));
    }
}

bool scenario_keepalive(struct gen *g)
{
    int iface = add_ethernet_iface(g, 65535);
    if (iface != 0)
        return false;
    keepalive(g, iface);
    voice_probe(g, iface);
    jittered_beacon(g, iface);
    return true;
}
