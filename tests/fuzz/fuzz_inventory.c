/* libFuzzer target for the device inventory (asset/): the input is a
 * series of observations as the wire would give them — neighbour
 * bindings, banners, names, DHCP client details, connections — with
 * addresses, MACs and text taken from the bytes. The shipped fingerprints
 * and vendor policy are loaded once (run from the repository root). */
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asset/device_behaviour.h"
#include "asset/fingerprint.h"
#include "asset/inventory.h"
#include "asset/vendor_policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

struct cursor {
    const uint8_t *p;
    size_t n;
};

static uint8_t take8(struct cursor *c)
{
    if (c->n == 0)
        return 0;
    c->n--;
    return *c->p++;
}

static void take(struct cursor *c, uint8_t *out, size_t k)
{
    for (size_t i = 0; i < k; i++)
        out[i] = take8(c);
}

static void take_addr(struct cursor *c, struct ip_addr *a)
{
    uint8_t v4[4];
    take(c, v4, 4);
    v4[0] = (v4[0] & 1) ? 192 : v4[0]; /* mostly local, sometimes not */
    ip_addr_from_v4(a, v4);
}

/* A length-prefixed text, NUL-terminated into out. */
static size_t take_text(struct cursor *c, char *out, size_t cap)
{
    size_t len = take8(c);
    if (len > c->n)
        len = c->n;
    if (len >= cap)
        len = cap - 1;
    memcpy(out, c->p, len);
    out[len] = '\0';
    c->p += len;
    c->n -= len;
    return len;
}

static void no_record(void *ctx, enum asset_event ev, int64_t ts, const struct asset_record *r) {}
static void no_alert(void *ctx, const struct asset_alert *a) {}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    static struct fingerprint_db *db;
    static struct vendor_policy *policy;
    static struct device_behaviour behaviour;
    if (db == NULL) {
        static const char *const files[] = {"data/devices/fingerprints.tsv", "data/devices/recog.tsv"};
        char err[256];
        db = fingerprint_db_load(files, 2, err, sizeof err);
        policy = vendor_policy_load("data/devices/vendor_policy.tsv", err, sizeof err);
        if (!device_behaviour_load("data/devices/device_behaviour.tsv", &behaviour, err, sizeof err))
            abort();
    }
    struct inventory_config cfg = {.fingerprints = db, .policy = policy, .behaviour = &behaviour};
    struct inventory *inv = inventory_new(&cfg, no_record, no_alert, NULL);
    if (inv == NULL)
        return 0;
    struct cursor c = {d, n};
    int64_t ts = 0;
    char text[300], text2[300], text3[300];
    while (c.n > 0) {
        ts += take8(&c);
        uint8_t mac[6], mac2[6];
        struct ip_addr a;
        switch (take8(&c) % 5) {
        case 0:
            take(&c, mac, 6);
            take_addr(&c, &a);
            inventory_neighbor(inv, ts, mac, &a, NEIGHBOR_ARP);
            break;
        case 1: {
            take_addr(&c, &a);
            enum fp_source src = (enum fp_source)(take8(&c) % FP_SOURCE_COUNT);
            size_t len = take_text(&c, text, sizeof text);
            inventory_evidence(inv, ts, &a, -1, src, text, len);
            break;
        }
        case 2: {
            take_addr(&c, &a);
            size_t len = take_text(&c, text, sizeof text);
            inventory_name(inv, ts, &a, -1, text, len, "mdns");
            break;
        }
        case 3: {
            struct dhcp_client_info di = {.ts_us = ts};
            take(&c, di.mac, 6);
            di.has_addr = take8(&c) & 1;
            take_addr(&c, &di.addr);
            take_text(&c, text, sizeof text);
            take_text(&c, text2, sizeof text2);
            take_text(&c, text3, sizeof text3);
            di.host_name = text;
            di.host_name_source = "dhcp";
            di.param_list = text2;
            di.vendor_class = text3;
            inventory_dhcp(inv, &di);
            break;
        }
        default: {
            struct conn_record r;
            memset(&r, 0, sizeof r);
            take(&c, mac, 6);
            take(&c, mac2, 6);
            memcpy(r.orig_l2, mac, 6);
            memcpy(r.resp_l2, mac2, 6);
            r.has_l2 = take8(&c) & 1;
            take_addr(&c, &r.orig_h);
            take_addr(&c, &r.resp_h);
            r.proto = (take8(&c) & 1) ? IPPROTO_TCP : IPPROTO_UDP;
            r.resp_p = (uint16_t)(take8(&c) << 8 | take8(&c));
            r.conn_state = "SF";
            r.resp_pkts = 1;
            r.orig_bytes = take8(&c) * 100000ULL;
            r.local_orig = (int8_t)(take8(&c) % 3) - 1;
            r.local_resp = (int8_t)(take8(&c) % 3) - 1;
            r.ts_us = r.last_ts_us = ts * 60000000;
            inventory_conn(inv, &r);
            break;
        }
        }
    }
    inventory_finish(inv, ts);
    inventory_free(inv);
    return 0;
}
