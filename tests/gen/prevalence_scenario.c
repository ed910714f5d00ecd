/* The "prevalence" scenario: regular polling of one popular destination by
 * twenty office hosts (an update check, a widget, telemetry) beside the same
 * polling from one host to a destination nobody else reaches. Beacon scoring
 * weighs prevalence as RITA does: the popular destination raises nothing,
 * the rare one is still a beacon. Three hours, a check-in every five
 * minutes with 5 % jitter, TLS with SNI. */
#include <stdio.h>

#include "scenarios.h"

#define POLLING_HOSTS 20
#define INTERVAL_S 300
#define CHECKINS 36

static void poll(struct gen *g, int iface, const char *src, uint16_t first_port, const char *dst, const char *sni,
                 uint64_t start)
{
    uint64_t t = start;
    size_t out_len = 300 + rng_below(g, 40);
    size_t in_len = 520 + rng_below(g, 80);
    for (unsigned i = 0; i < CHECKINS; i++) {
        struct ip_pair ip;
        struct path pa;
        ethernet_v4(&ip, &pa, iface, src, dst);
        /* one draw per statement: argument order is unspecified (gcc and clang differ) */
        size_t out = out_len + rng_below(g, 8);
        size_t in = in_len + rng_below(g, 16);
        tls_checkin_session(g, &pa, &ip, (uint16_t)(first_port + i), 443, t, sni, out, in);
        t += SEC(INTERVAL_S) - SEC(INTERVAL_S) / 20 + rng_below(g, (uint32_t)(SEC(INTERVAL_S) / 10));
    }
}

bool scenario_prevalence(struct gen *g)
{
    int iface = add_ethernet_iface(g, 65535);
    if (iface != 0)
        return false;
    for (unsigned h = 0; h < POLLING_HOSTS; h++) {
        char src[32];
        snprintf(src, sizeof src, "10.40.0.%u", 10 + h);
        poll(g, iface, src, (uint16_t)(40000 + h * 100), "198.51.100.20", "widgets.popular-cdn.example",
             GEN_BASE_TIME_US + SEC(3 * h) + rng_below(g, 1000000));
    }
    poll(g, iface, "10.40.0.99", 41000, "203.0.113.99", "sync.rare-updates.example", GEN_BASE_TIME_US + SEC(7));
    return true;
}
