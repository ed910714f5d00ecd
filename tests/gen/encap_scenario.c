/* The encap scenario: encapsulations and flows that Suricata's EVE keys or
 * times apart from Zeek's conn.log (#12), each beside nothing else:
 *   - a DNS exchange under three stacked VLAN tags (S-tag 1, 10, 100):
 *     EVE "vlan": [1, 10, 100]; Zeek keeps two (weird
 *     triple_tagged_vlan_unsupported);
 *   - IPsec ESP between 10.60.0.1 and 10.60.0.2: two SPIs one way, one back,
 *     two packets each: one conn.log row, three EVE flows with "spi";
 *   - an NTP exchange inside VXLAN (VNI 77): the inner flow's EVE app_proto
 *     "ntp", the outer UDP 4789 flow logged too;
 *   - a one-way UDP flow (syslog, 10.62.0.1 -> 10.62.0.2:514) silent for 40 s
 *     between its 2nd and 3rd datagrams: one Zeek connection (60 s timeout),
 *     two EVE flows (Suricata's 30 s timeout of a flow without reply). */
#include <string.h>

#include "scenarios.h"

static void esp_packet(struct gen *g, struct path *pa, const struct ip_pair *ip, int dir, uint64_t ts,
                       uint32_t spi, uint32_t seq)
{
    uint8_t ciphertext[40];
    rng_fill(g, ciphertext, sizeof ciphertext);
    struct ip_pair oriented;
    pb_esp(pkt_start_from(g, ip, dir, ciphertext, sizeof ciphertext, &oriented), spi, seq);
    emit_ip(g, pa, &oriented, dir, ts, (uint16_t)rng_next(g));
}

bool scenario_encap(struct gen *g)
{
    int iface = add_ethernet_iface(g, 65535);
    struct ip_pair ip;
    struct path pa;
    uint64_t t = GEN_BASE_TIME_US;
    static const uint8_t answer[4] = {192, 0, 2, 53};

    ip_pair_v4(&ip, "10.59.0.1", "10.59.0.2");
    struct layer tags[] = {{.kind = LY_VLAN, .value = 100}, {.kind = LY_VLAN, .value = 10},
                           {.kind = LY_SVLAN, .value = 1}};
    path_with(&pa, iface, &ip, tags, 3);
    dns_exchange(g, &pa, &ip, 45001, t, "triple.example.org", 1, answer, 4);

    ethernet_v4(&ip, &pa, iface, "10.60.0.1", "10.60.0.2");
    static const struct {
        int dir;
        uint32_t spi;
    } sas[] = {{0, 0x1001}, {0, 0x1002}, {1, 0x2001}};
    for (size_t i = 0; i < sizeof sas / sizeof sas[0]; i++)
        for (uint32_t seq = 1; seq <= 2; seq++)
            esp_packet(g, &pa, &ip, sas[i].dir, t + SEC(2) + MS(100 * (2 * i + seq)), sas[i].spi, seq);

    struct ip_pair inner;
    ip_pair_v4(&inner, "10.61.0.1", "10.61.0.2");
    struct layer l[4];
    memset(l, 0, sizeof l);
    l[0].kind = LY_ETH;
    mac_for_ip(l[0].mac_a, &inner, false);
    mac_for_ip(l[0].mac_b, &inner, true);
    l[1] = (struct layer){.kind = LY_VXLAN, .value = 77};
    l[2] = (struct layer){.kind = LY_UDP, .port_a = 49777, .port_b = 4789};
    ip_pair_v4(&l[2].ip, "172.16.1.1", "172.16.1.2");
    l[3] = (struct layer){.kind = LY_IPV4};
    ip_pair_v4(&l[3].ip, "172.16.1.1", "172.16.1.2");
    struct ip_pair outer;
    ip_pair_v4(&outer, "172.16.1.1", "172.16.1.2");
    path_with(&pa, iface, &outer, l, 4);
    ntp_exchange(g, &pa, &inner, 45123, t + SEC(4));

    ethernet_v4(&ip, &pa, iface, "10.62.0.1", "10.62.0.2");
    static const char line[] = "<14>vigil: encap scenario";
    static const unsigned at_s[] = {6, 7, 47};
    for (size_t i = 0; i < sizeof at_s / sizeof at_s[0]; i++)
        udp_datagram(g, &pa, &ip, 45514, 514, 0, t + SEC(at_s[i]), (const uint8_t *)line, sizeof line - 1);
    return true;
}
