/* Zeek's likely_server_ports: the ports its default scripts register
 * analyzers for. A connection first seen from such a port is flipped so
 * that the server is the responder, as Zeek does. */
#include <netinet/in.h>

#include "flow/flow_internal.h"

static const uint16_t tcp_server_ports[] = {
    21, 22, 25, 53, 80, 81, 88, 110, 135, 139, 143, 389, 443, 445, 502, 563, 585, 587, 614, 631, 636, 989, 990,
    992, 993, 995, 1080, 1883, 2811, 3128, 3268, 3306, 3389, 5060, 5223, 5432, 6379,
    8000, 8080, 8888, 20000,
};

static const uint16_t udp_server_ports[] = {
    53, 67, 69, 88, 123, 137, 161, 162, 443, 514, 1812, 2123, 2152, 3544, 4789, 5060, 5072, 5353, 5355,
    6081, 20000,
};

static bool in_list(const uint16_t *list, size_t n, uint16_t port)
{
    for (size_t i = 0; i < n; i++)
        if (list[i] == port)
            return true;
    return false;
}

bool likely_server_port(uint8_t proto, uint16_t port)
{
    if (proto == IPPROTO_TCP)
        return in_list(tcp_server_ports, sizeof tcp_server_ports / sizeof *tcp_server_ports, port);
    if (proto == IPPROTO_UDP)
        return in_list(udp_server_ports, sizeof udp_server_ports / sizeof *udp_server_ports, port);
    return false;
}

/* Request/reply pairs share one connection: the port pair is (type, counterpart). */
uint16_t icmp_counterpart(bool v6, uint8_t type, uint8_t code, bool *one_way)
{
    static const uint8_t v4_pairs[][2] = {{8, 0}, {0, 8}, {13, 14}, {14, 13}, {15, 16}, {16, 15},
                                          {10, 9}, {9, 10}, {17, 18}, {18, 17}};
    static const uint8_t v6_pairs[][2] = {{128, 129}, {129, 128}, {133, 134}, {134, 133}, {135, 136},
                                          {136, 135}, {130, 131}, {131, 130}, {139, 140}, {140, 139},
                                          {144, 145}, {145, 144}};
    const uint8_t(*pairs)[2] = v6 ? v6_pairs : v4_pairs;
    size_t n = v6 ? sizeof v6_pairs / sizeof *v6_pairs : sizeof v4_pairs / sizeof *v4_pairs;
    for (size_t i = 0; i < n; i++) {
        if (pairs[i][0] == type) {
            *one_way = false;
            return pairs[i][1];
        }
    }
    *one_way = true;
    return code;
}
