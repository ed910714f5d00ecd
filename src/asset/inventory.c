#include "asset/inventory.h"

#include <ctype.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asset/device_behaviour.h"
#include "asset/oui.h"
#include "asset/record_text.h"
#include "asset/vendor_policy.h"
#include "util/grow.h"
#include "util/hash.h"
#include "util/hindex.h"
#include "util/tsv.h"

/* Distinct off-subnet addresses remembered per device to count them (the
 * behaviour policy's gateway_offnet_addrs is at most this). */
#define OFFNET_SEEN 8

struct device {
    struct asset_record r;
    bool removed;
    bool reported;               /* its first line was written */
    bool risk_alerted;
    bool risk_checked;           /* its vendor was looked up in the policy */
    bool changed;                /* something to report since the last line */
    uint32_t peer_alerted;       /* bit i: peers[i] alerted */
    struct ip_addr offnet[OFFNET_SEEN];
    size_t n_offnet;
    unsigned traffic_addrs;      /* distinct addresses only traffic gave it */
    bool has_resolver;
    struct ip_addr resolver;
    int64_t window_start;
    uint64_t window_bytes, busiest_window;
    bool jump_alerted;
    /* Per evidence source, a hash of the last value matched against the
     * fingerprints: a device repeats its banner on every reply, and the
     * patterns are the expensive part. */
    uint32_t tried[FP_SOURCE_COUNT];
};

/* Open addressing from a 17-byte key (kind + MAC or address) to a device. */
struct key {
    uint8_t kind;                /* 1 MAC, 2 address */
    uint8_t b[16];
};

struct slot {
    struct key k;
    struct device *d;            /* NULL: empty; tombstones keep k.kind 0xff */
};

struct table {
    struct slot *s;
    size_t cap, used;
    struct hash_key hk;          /* MACs and addresses come from the wire: keyed */
};

/* Devices are allocated this many at a time and freed together at the end:
 * a new host costs no malloc of its own. */
#define DEVICES_PER_SLAB 64

struct device_slab {
    struct device_slab *next;
    size_t used;
    struct device d[DEVICES_PER_SLAB];
};

struct inventory {
    struct inventory_config cfg;
    inventory_record_fn on_record;
    inventory_alert_fn on_alert;
    void *ctx;
    struct table by_key;         /* the device's own key */
    struct table by_addr;        /* an address -> the device that holds it now */
    struct device **devs;
    size_t n_devs, cap_devs;
    struct device_slab *slabs;   /* the newest first */
    uint64_t dropped, alerts;
};

/* ---- table ---- */

static uint64_t key_hash(const struct table *t, const struct key *k)
{
    return siphash13(&t->hk, k, sizeof *k);
}

static bool key_eq(const struct key *a, const struct key *b)
{
    return a->kind == b->kind && memcmp(a->b, b->b, 16) == 0;
}

static struct slot *table_find(struct table *t, const struct key *k, bool for_insert)
{
    if (t->cap == 0)
        return NULL;
    size_t mask = t->cap - 1, i = key_hash(t, k) & mask;
    struct slot *tomb = NULL;
    for (size_t probes = 0; probes < t->cap; probes++, i = (i + 1) & mask) {
        struct slot *s = &t->s[i];
        if (s->d == NULL && s->k.kind != 0xff)
            return for_insert ? (tomb ? tomb : s) : NULL;
        if (s->d == NULL) {
            if (tomb == NULL)
                tomb = s;
        } else if (key_eq(&s->k, k)) {
            return s;
        }
    }
    return for_insert ? tomb : NULL;
}

static bool slot_live(const void *slot)
{
    return ((const struct slot *)slot)->d != NULL;
}

static uint64_t slot_hash(const void *table, const void *slot)
{
    return key_hash(table, &((const struct slot *)slot)->k);
}

/* Growing drops the tombstones: only live slots move. */
static bool table_grow(struct table *t)
{
    return hindex_slots_regrow((void **)&t->s, &t->cap, t->cap ? t->cap * 2 : 256, sizeof *t->s, 0, slot_live,
                               slot_hash, t);
}

static struct device *table_get(struct table *t, const struct key *k)
{
    struct slot *s = table_find(t, k, false);
    return s ? s->d : NULL;
}

static bool table_put(struct table *t, const struct key *k, struct device *d)
{
    if ((t->used + 1) * 2 > t->cap && !table_grow(t))
        return false;
    struct slot *s = table_find(t, k, true);
    if (s == NULL)
        return false;
    if (s->d == NULL)
        t->used++;
    s->k = *k;
    s->d = d;
    return true;
}

static void table_del(struct table *t, const struct key *k)
{
    struct slot *s = table_find(t, k, false);
    if (s) {
        s->d = NULL;
        s->k.kind = 0xff;
        t->used--;
    }
}

static struct key mac_key(const uint8_t mac[6])
{
    struct key k = {.kind = 1};
    memcpy(k.b, mac, 6);
    return k;
}

static struct key addr_key(const struct ip_addr *a)
{
    struct key k = {.kind = 2};
    memcpy(k.b, a, sizeof k.b);
    return k;
}

/* ---- helpers ---- */

static bool mac_is_zero(const uint8_t mac[6])
{
    static const uint8_t zero[6];
    return memcmp(mac, zero, 6) == 0;
}

/* A unicast MAC that names one interface. */
static bool mac_usable(const uint8_t mac[6])
{
    return !mac_is_zero(mac) && !mac_is_group(mac);
}

/* A unicast address that can name one device. */
static bool addr_usable(const struct ip_addr *a)
{
    const uint8_t *b = a->b;
    if (ip_addr_is_v4(a)) {
        static const uint8_t zero[4], bcast[4] = {255, 255, 255, 255};
        return memcmp(b + 12, zero, 4) != 0 && memcmp(b + 12, bcast, 4) != 0 && (b[12] & 0xf0) != 0xe0;
    }
    static const uint8_t unspecified[16];
    return memcmp(b, unspecified, 16) != 0 && b[0] != 0xff;
}

static void copy_text(char *dst, size_t n, const char *src, size_t len)
{
    size_t j = 0;
    for (size_t i = 0; i < len && j + 1 < n; i++) {
        unsigned char c = (unsigned char)src[i];
        if (c == '\0')
            break;
        dst[j++] = (c < 0x20 || c == 0x7f) ? ' ' : (char)c;
    }
    dst[j] = '\0';
}

/* src into dst (n bytes), cut to fit. */
static void set_text(char *dst, size_t n, const char *src)
{
    asset_text_join(dst, n, &src, 1);
}

static bool type_watched(const struct inventory *inv, const char *t)
{
    return device_behaviour_watches(inv->cfg.behaviour, t);
}

static void emit_record(struct inventory *inv, struct device *d, enum asset_event ev, int64_t ts)
{
    d->changed = false;
    if (inv->on_record)
        inv->on_record(inv->ctx, ev, ts, &d->r);
}

/* The alert's text, cut to fit: names from the wire have no length bound. */
__attribute__((format(printf, 2, 3))) static void alert_msg(struct asset_alert *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(a->msg, sizeof a->msg, fmt, ap);
    va_end(ap);
}

static void emit_alert(struct inventory *inv, struct asset_alert *a)
{
    inv->alerts++;
    if (inv->on_alert)
        inv->on_alert(inv->ctx, a);
}

static void describe_device(const struct asset_record *r, char *out, size_t n)
{
    snprintf(out, n, "%s%s%s%s%s", r->device_type[0] ? r->device_type : "device",
             r->vendor[0] ? " " : "", r->vendor, r->host_name[0] ? " " : "", r->host_name);
}

static const char *device_addr_text(const struct asset_record *r, char *buf, size_t n)
{
    if (r->n_addrs)
        ip_addr_format(&r->addrs[r->n_addrs - 1], buf, n);
    else
        snprintf(buf, n, "%s", r->key);
    return buf;
}

/* ---- devices ---- */

static void check_vendor_risk(struct inventory *inv, struct device *d, int64_t ts)
{
    /* the vendor is set once, from the MAC, when the device is made */
    if (d->risk_checked || inv->cfg.policy == NULL || d->r.vendor[0] == '\0')
        return;
    d->risk_checked = true;
    const struct vendor_flag *f = vendor_policy_match(inv->cfg.policy, d->r.vendor);
    if (f == NULL)
        return;
    d->risk_alerted = true;
    d->r.risk_group = f->group;
    d->r.risk_level = f->level;
    d->r.risk_reason = f->reason;
    d->r.risk_source = f->source;
    struct asset_alert a = {
        .kind = ASSET_ALERT_RISKY_VENDOR, .ts_us = ts, .note = "Vigil::Risky_Vendor",
        .attack = "T1195.003", .category = "Risky Device Vendor", .severity = 2, .device = &d->r,
    };
    char addr[IP_ADDR_STRLEN];
    alert_msg(&a, "VIGIL RISKY VENDOR %s %s (%s, %s): %s", d->r.key,
             device_addr_text(&d->r, addr, sizeof addr), d->r.vendor, f->level, f->reason);
    emit_alert(inv, &a);
}

/* "aa:bb:cc:dd:ee:ff" into out (18 bytes). */
static void mac_text(const uint8_t mac[6], char *out)
{
    static const char hex[] = "0123456789abcdef";
    for (int i = 0; i < 6; i++) {
        out[3 * i] = hex[mac[i] >> 4];
        out[3 * i + 1] = hex[mac[i] & 15];
        out[3 * i + 2] = i < 5 ? ':' : '\0';
    }
}

static struct device *new_device(struct inventory *inv, const struct key *k, int64_t ts)
{
    if (inv->n_devs >= INVENTORY_MAX_DEVICES) {
        inv->dropped++;
        return NULL;
    }
    if (grow_array((void **)&inv->devs, &inv->cap_devs, inv->n_devs + 1, sizeof *inv->devs, 64) < 0)
        return NULL;
    if (inv->slabs == NULL || inv->slabs->used == DEVICES_PER_SLAB) {
        struct device_slab *slab = calloc(1, sizeof *slab);
        if (slab == NULL)
            return NULL;
        slab->next = inv->slabs;
        inv->slabs = slab;
    }
    struct device *d = &inv->slabs->d[inv->slabs->used];
    if (!table_put(&inv->by_key, k, d))
        return NULL;
    inv->slabs->used++;
    inv->devs[inv->n_devs++] = d;
    d->r.first_us = d->r.last_us = ts;
    d->window_start = ts;
    d->changed = true;
    if (k->kind == 1) {
        d->r.has_mac = true;
        memcpy(d->r.mac, k->b, 6);
        mac_text(k->b, d->r.key);
        d->r.local_admin = mac_is_local_admin(k->b);
        if (inv->cfg.oui && !d->r.local_admin)
            oui_lookup(inv->cfg.oui, k->b, NULL, d->r.vendor, sizeof d->r.vendor);
    } else {
        struct ip_addr a;
        memcpy(&a, k->b, sizeof a);
        ip_addr_format(&a, d->r.key, sizeof d->r.key);
    }
    return d;
}

static void touch(struct device *d, int64_t ts)
{
    if (ts > d->r.last_us)
        d->r.last_us = ts;
    if (ts < d->r.first_us)
        d->r.first_us = ts;
}

/* Reports a device whose record changed; a device seen for the first time
 * is reported once everything its first observation said is in. */
static void settle(struct inventory *inv, struct device *d, int64_t ts)
{
    if (d == NULL || !d->changed)
        return;
    check_vendor_risk(inv, d, ts);
    emit_record(inv, d, d->reported ? ASSET_CHANGED : ASSET_NEW, ts);
    d->reported = true;
}

static bool has_addr(const struct asset_record *r, const struct ip_addr *a)
{
    for (size_t i = 0; i < r->n_addrs; i++)
        if (ip_addr_cmp(&r->addrs[i], a) == 0)
            return true;
    return false;
}

static void add_addr(struct device *d, const struct ip_addr *a)
{
    if (has_addr(&d->r, a))
        return;
    if (d->r.n_addrs == ASSET_MAX_ADDRS) {
        memmove(d->r.addrs, d->r.addrs + 1, (ASSET_MAX_ADDRS - 1) * sizeof *d->r.addrs);
        d->r.n_addrs--;
    }
    d->r.addrs[d->r.n_addrs++] = *a;
    d->changed = true;
}

static void remove_addr(struct device *d, const struct ip_addr *a)
{
    for (size_t i = 0; i < d->r.n_addrs; i++) {
        if (ip_addr_cmp(&d->r.addrs[i], a) == 0) {
            memmove(d->r.addrs + i, d->r.addrs + i + 1, (d->r.n_addrs - i - 1) * sizeof *d->r.addrs);
            d->r.n_addrs--;
            d->changed = true;
            return;
        }
    }
}

static void add_hint(const struct inventory *inv, struct device *d, const char *source, const struct fp_hint *h, const char *value, size_t n)
{
    for (size_t i = 0; i < d->r.n_hints; i++)
        if (strcmp(d->r.hints[i].source, source) == 0)
            return; /* one hint per kind of evidence: the first */
    if (d->r.n_hints == ASSET_MAX_HINTS)
        return;
    char evidence[64];
    copy_text(evidence, sizeof evidence, value, n);
    struct asset_hint *ah = &d->r.hints[d->r.n_hints++];
    set_text(ah->source, sizeof ah->source, source);
    set_text(ah->device_type, sizeof ah->device_type, h->device_type);
    const char *what = h->product[0] ? h->product : h->description;
    const char *parts[] = {h->vendor, h->vendor[0] && what[0] ? " " : "", what, " (", evidence, ")"};
    asset_text_join(ah->text, sizeof ah->text, parts, sizeof parts / sizeof *parts);
    if (h->device_type[0] && (d->r.device_type[0] == '\0' || !type_watched(inv, d->r.device_type)))
        set_text(d->r.device_type, sizeof d->r.device_type, h->device_type);
    if (h->os[0] && d->r.os[0] == '\0')
        set_text(d->r.os, sizeof d->r.os, h->os);
    d->changed = true;
}

/* Folds an address-keyed device into the MAC-keyed one it turned out to be. */
static void merge_into(struct inventory *inv, struct device *from, struct device *to)
{
    if (from == to || from->removed)
        return;
    for (size_t i = 0; i < from->r.n_hints && to->r.n_hints < ASSET_MAX_HINTS; i++) {
        const struct asset_hint *h = &from->r.hints[i];
        bool dup = false;
        for (size_t j = 0; j < to->r.n_hints; j++)
            dup |= strcmp(to->r.hints[j].source, h->source) == 0;
        if (!dup)
            to->r.hints[to->r.n_hints++] = *h;
    }
    if ((to->r.device_type[0] == '\0' || !type_watched(inv, to->r.device_type)) && from->r.device_type[0])
        snprintf(to->r.device_type, sizeof to->r.device_type, "%s", from->r.device_type);
    if (to->r.os[0] == '\0' && from->r.os[0])
        snprintf(to->r.os, sizeof to->r.os, "%s", from->r.os);
    if (to->r.host_name[0] == '\0' && from->r.host_name[0]) {
        snprintf(to->r.host_name, sizeof to->r.host_name, "%s", from->r.host_name);
        to->r.host_name_source = from->r.host_name_source;
    }
    for (size_t i = 0; i < from->r.n_services; i++) {
        bool dup = false;
        for (size_t j = 0; j < to->r.n_services; j++)
            dup |= to->r.services[j].port == from->r.services[i].port &&
                   to->r.services[j].proto == from->r.services[i].proto;
        if (!dup && to->r.n_services < ASSET_MAX_SERVICES)
            to->r.services[to->r.n_services++] = from->r.services[i];
    }
    if (from->r.first_us < to->r.first_us)
        to->r.first_us = from->r.first_us;
    touch(to, from->r.last_us);
    to->changed = true;
    struct key k;
    struct ip_addr a;
    if (ip_addr_parse(from->r.key, &a)) {
        k = addr_key(&a);
        table_del(&inv->by_key, &k);
    }
    from->removed = true;
}

static void vendor_changed(struct inventory *inv, struct device *old, struct device *now,
                           const struct ip_addr *where, int64_t ts)
{
    if (!old->r.has_mac || !now->r.has_mac || old->r.gateway || now->r.gateway)
        return;
    if (old->r.vendor[0] == '\0' || now->r.vendor[0] == '\0' || strcmp(old->r.vendor, now->r.vendor) == 0)
        return;
    struct asset_alert a = {
        .kind = ASSET_ALERT_VENDOR_CHANGED, .ts_us = ts, .note = "Vigil::Device_Vendor_Changed",
        .attack = "T1557.002", .category = "Device Identity Change", .severity = 2, .device = &now->r,
    };
    char addr[IP_ADDR_STRLEN];
    ip_addr_format(where, addr, sizeof addr);
    alert_msg(&a, "VIGIL DEVICE VENDOR CHANGED %s: %s (%s) now %s (%s), MAC spoofing?", addr,
             old->r.key, old->r.vendor, now->r.key, now->r.vendor);
    emit_alert(inv, &a);
}

/* ip now belongs to d. */
static void bind_addr(struct inventory *inv, struct device *d, const struct ip_addr *a, int64_t ts)
{
    if (!addr_usable(a))
        return;
    struct key k = addr_key(a);
    struct device *prev = table_get(&inv->by_addr, &k);
    if (prev == d) {
        add_addr(d, a);
        return;
    }
    if (prev && !prev->r.has_mac && d->r.has_mac) {
        merge_into(inv, prev, d);
    } else if (prev && !prev->removed) {
        vendor_changed(inv, prev, d, a, ts);
        remove_addr(prev, a);
    }
    table_put(&inv->by_addr, &k, d);
    add_addr(d, a);
}

static struct device *device_by_mac(struct inventory *inv, const uint8_t mac[6], int64_t ts)
{
    if (!mac_usable(mac))
        return NULL;
    struct key k = mac_key(mac);
    struct device *d = table_get(&inv->by_key, &k);
    if (d == NULL)
        d = new_device(inv, &k, ts);
    if (d)
        touch(d, ts);
    return d;
}

/* The device holding address a; with create, a local address nobody holds
 * yet becomes an address-keyed device. */
static struct device *device_by_addr(struct inventory *inv, const struct ip_addr *a, int64_t ts, bool create)
{
    if (!addr_usable(a))
        return NULL;
    struct key k = addr_key(a);
    struct device *d = table_get(&inv->by_addr, &k);
    if (d == NULL && create) {
        d = new_device(inv, &k, ts);
        if (d && table_put(&inv->by_addr, &k, d))
            add_addr(d, a);
    }
    if (d)
        touch(d, ts);
    return d;
}

/* ---- observations ---- */

void inventory_neighbor(struct inventory *inv, int64_t ts_us, const uint8_t mac[6], const struct ip_addr *ip,
                        enum neighbor_source src)
{
    struct device *d = device_by_mac(inv, mac, ts_us);
    if (d == NULL)
        return;
    bind_addr(inv, d, ip, ts_us);
    settle(inv, d, ts_us);
}

static bool seen_offnet(struct device *d, const struct ip_addr *a)
{
    for (size_t i = 0; i < d->n_offnet; i++)
        if (ip_addr_cmp(&d->offnet[i], a) == 0)
            return true;
    if (d->n_offnet < OFFNET_SEEN)
        d->offnet[d->n_offnet++] = *a;
    d->r.offnet_addrs++;
    return false;
}

static bool is_local(int8_t flag, const struct ip_addr *a)
{
    if (flag >= 0)
        return flag == 1;
    /* Unknown: the private ranges Zeek counts as local by default. */
    const uint8_t *b = a->b;
    if (ip_addr_is_v4(a))
        return b[12] == 10 || (b[12] == 172 && (b[13] & 0xf0) == 16) || (b[12] == 192 && b[13] == 168);
    return (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) || (b[0] & 0xfe) == 0xfc;
}

static void mark_gateway(const struct inventory *inv, struct device *d)
{
    d->r.gateway = true;
    d->changed = true;
    if (d->r.device_type[0] == '\0')
        snprintf(d->r.device_type, sizeof d->r.device_type, "%s", inv->cfg.behaviour->gateway_type);
}

/* The device at one end of a connection: by MAC when the frame showed one
 * and the address is on our side, else by a local address. */
static struct device *conn_end(struct inventory *inv, const struct conn_record *c, const uint8_t mac[6],
                               const struct ip_addr *a, bool local)
{
    /* A capture without MACs (cooked) keys by address; a zero MAC beside a
     * real one is a responder that never answered. */
    if (c->has_l2 && mac_is_zero(mac) && !(mac_is_zero(c->orig_l2) && mac_is_zero(c->resp_l2)))
        return NULL;
    bool l2 = c->has_l2 && !mac_is_zero(mac);
    if (l2 && mac_is_group(mac))
        return NULL; /* broadcast or multicast: no one device */
    if (l2) {
        struct device *d = device_by_mac(inv, mac, c->last_ts_us);
        if (d == NULL)
            return NULL;
        if (local) {
            /* Traffic takes free addresses (and folds address-keyed devices
             * in); an address ARP or DHCP gave another MAC stays there: this
             * MAC is then a router forwarding for it. */
            struct key k = addr_key(a);
            struct device *holder = table_get(&inv->by_addr, &k);
            if (holder == d) {
                /* the usual case, decided with one lookup: d already holds a */
                if (!d->r.gateway)
                    add_addr(d, a);
                return d;
            }
            if (holder && holder->r.has_mac) {
                touch(holder, c->last_ts_us);
                return holder;
            }
            if (d->r.gateway)
                return holder ? holder : device_by_addr(inv, a, c->last_ts_us, true);
            if (++d->traffic_addrs > inv->cfg.behaviour->gateway_local_addrs) {
                mark_gateway(inv, d);
                return holder ? holder : device_by_addr(inv, a, c->last_ts_us, true);
            }
            bind_addr(inv, d, a, c->last_ts_us);
            return d;
        }
        if (!seen_offnet(d, a) && d->n_offnet > inv->cfg.behaviour->gateway_offnet_addrs && !d->r.gateway)
            mark_gateway(inv, d);
        return NULL;
    }
    return local ? device_by_addr(inv, a, c->last_ts_us, true) : NULL;
}

static bool established(const struct conn_record *c)
{
    if (c->proto == IPPROTO_TCP)
        return c->conn_state && (strcmp(c->conn_state, "SF") == 0 || strcmp(c->conn_state, "S1") == 0 ||
                                 strcmp(c->conn_state, "S2") == 0 || strcmp(c->conn_state, "S3") == 0 ||
                                 strcmp(c->conn_state, "RSTO") == 0 || strcmp(c->conn_state, "RSTR") == 0);
    return c->resp_pkts > 0;
}

static void add_service(struct device *d, uint8_t proto, uint16_t port)
{
    for (size_t i = 0; i < d->r.n_services; i++)
        if (d->r.services[i].port == port && d->r.services[i].proto == proto)
            return;
    if (d->r.n_services == ASSET_MAX_SERVICES)
        return;
    d->r.services[d->r.n_services++] = (struct asset_service){proto, port};
    d->changed = true;
}

/* Index of the peer in d's list, adding it; -1 when the list is full. */
static int add_peer(struct device *d, const struct asset_peer *p)
{
    for (size_t i = 0; i < d->r.n_peers; i++) {
        const struct asset_peer *q = &d->r.peers[i];
        if (ip_addr_cmp(&q->addr, &p->addr) == 0 && q->outbound == p->outbound)
            return (int)i;
    }
    d->r.n_peers_total++;
    if (d->r.n_peers == ASSET_MAX_PEERS)
        return -1;
    d->r.peers[d->r.n_peers] = *p;
    return (int)d->r.n_peers++;
}

static bool allowed_outbound(const struct inventory *inv, const struct device *d, const struct asset_peer *p)
{
    const struct device_behaviour *b = inv->cfg.behaviour;
    for (size_t i = 0; i < b->n_allowed; i++) {
        const struct allowed_service *a = &b->allowed[i];
        if (a->port != p->port || (a->proto && a->proto != p->proto))
            continue;
        /* a resolver-only service: to the one DHCP named, any when no lease said which */
        if (!a->resolver_only || !d->has_resolver || ip_addr_cmp(&d->resolver, &p->addr) == 0)
            return true;
    }
    for (size_t i = 0; i < inv->cfg.n_allowed; i++)
        if (ip_prefix_contains(&inv->cfg.allowed[i], &p->addr))
            return true;
    return false;
}

static const char *proto_name(uint8_t proto)
{
    return proto == IPPROTO_TCP ? "tcp" : proto == IPPROTO_UDP ? "udp" : "icmp";
}

static void alert_peer(struct inventory *inv, struct device *d, int idx, int64_t ts, const struct conn_record *c)
{
    const struct asset_peer *p = &d->r.peers[idx];
    if (idx >= 32 || (d->peer_alerted & (1u << idx)))
        return;
    if (p->outbound && allowed_outbound(inv, d, p))
        return;
    d->peer_alerted |= 1u << idx;
    struct asset_alert a = {.ts_us = ts, .device = &d->r, .has_peer = true, .peer = *p, .severity = 2};
    if (p->outbound) {
        a.kind = ASSET_ALERT_CALLS_OUT;
        a.note = "Vigil::Device_Calls_Out";
        a.attack = "T1071,T1571";
        a.category = "Device Calls Out";
    } else {
        a.kind = ASSET_ALERT_REACHED_FROM_OUTSIDE;
        a.note = "Vigil::Device_Reached_From_Outside";
        a.attack = "T1133,T1190";
        a.category = "Device Reached From Outside";
        a.severity = 1;
    }
    a.conn = c;
    char who[200], addr[IP_ADDR_STRLEN], peer[IP_ADDR_STRLEN];
    describe_device(&d->r, who, sizeof who);
    device_addr_text(&d->r, addr, sizeof addr);
    ip_addr_format(&p->addr, peer, sizeof peer);
    alert_msg(&a, "VIGIL DEVICE %s %s %s %s %s:%u/%s", p->outbound ? "CALLS OUT" : "REACHED FROM OUTSIDE",
             who, addr, p->outbound ? "->" : "<-", peer, p->port, proto_name(p->proto));
    emit_alert(inv, &a);
}

/* A device just became a camera, recorder or router: judge what it did. */
static void judge_peers(struct inventory *inv, struct device *d, int64_t ts)
{
    if (!type_watched(inv, d->r.device_type) || d->r.gateway)
        return;
    for (size_t i = 0; i < d->r.n_peers; i++)
        alert_peer(inv, d, (int)i, ts, NULL);
}

static void external_traffic(struct inventory *inv, struct device *d, const struct conn_record *c, bool outbound)
{
    struct asset_peer p = {.proto = c->proto, .outbound = outbound};
    p.addr = outbound ? c->resp_h : c->orig_h;
    p.port = c->resp_p;
    if (!outbound && !established(c))
        return; /* a scan that got no answer reached nothing */
    int idx = add_peer(d, &p);
    if (idx >= 0 && type_watched(inv, d->r.device_type) && !d->r.gateway)
        alert_peer(inv, d, idx, c->last_ts_us, c);
    if (!outbound)
        return;
    uint64_t bytes = c->orig_bytes;
    d->r.bytes_out_external += bytes;
    const struct device_behaviour *b = inv->cfg.behaviour;
    if (c->ts_us - d->window_start >= b->jump_window_us) {
        if (d->window_bytes > d->busiest_window)
            d->busiest_window = d->window_bytes;
        d->window_start = c->ts_us;
        d->window_bytes = 0;
    }
    d->window_bytes += bytes;
    if (!d->jump_alerted && d->busiest_window && d->window_bytes > b->jump_min_bytes &&
        d->window_bytes > b->jump_factor * d->busiest_window && type_watched(inv, d->r.device_type)) {
        d->jump_alerted = true;
        struct asset_alert a = {
            .kind = ASSET_ALERT_TRAFFIC_JUMP, .ts_us = c->last_ts_us, .note = "Vigil::Device_Traffic_Jump",
            .attack = "T1041", .category = "Device Traffic Jump", .severity = 2, .device = &d->r,
            .has_peer = true, .peer = p,
        };
        a.conn = c;
        char who[200];
        describe_device(&d->r, who, sizeof who);
        alert_msg(&a, "VIGIL DEVICE TRAFFIC JUMP %s %s: %llu bytes out this hour, busiest before %llu",
                 who, d->r.key, (unsigned long long)d->window_bytes, (unsigned long long)d->busiest_window);
        emit_alert(inv, &a);
    }
}

void inventory_conn(struct inventory *inv, const struct conn_record *c)
{
    bool orig_local = is_local(c->local_orig, &c->orig_h), resp_local = is_local(c->local_resp, &c->resp_h);
    struct device *o = conn_end(inv, c, c->orig_l2, &c->orig_h, orig_local);
    struct device *r = conn_end(inv, c, c->resp_l2, &c->resp_h, resp_local);
    if (r && resp_local && established(c) && c->proto != IPPROTO_ICMP && c->proto != IPPROTO_ICMPV6)
        add_service(r, c->proto, c->resp_p);
    if (o && orig_local && !resp_local)
        external_traffic(inv, o, c, true);
    if (r && resp_local && !orig_local)
        external_traffic(inv, r, c, false);
    settle(inv, o, c->last_ts_us);
    if (r != o)
        settle(inv, r, c->last_ts_us);
}

static void set_host_name(struct device *d, const char *name, size_t n, const char *source)
{
    char clean[ASSET_NAME_MAX];
    copy_text(clean, sizeof clean, name, n);
    size_t len = strlen(clean);
    if (len > 6 && strcasecmp(clean + len - 6, ".local") == 0)
        clean[len - 6] = '\0';
    if (clean[0] == '\0' || strcmp(clean, d->r.host_name) == 0)
        return;
    /* DHCP's name is the one the device chose; others do not replace it. */
    if (d->r.host_name[0] && d->r.host_name_source && strcmp(d->r.host_name_source, "dhcp") == 0 &&
        strcmp(source, "dhcp") != 0)
        return;
    snprintf(d->r.host_name, sizeof d->r.host_name, "%s", clean);
    d->r.host_name_source = source;
    d->changed = true;
}

static uint32_t value_hash(const char *p, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (uint8_t)p[i]) * 16777619u;
    return h | 1; /* never 0: 0 means nothing tried yet */
}

static void match_evidence(struct inventory *inv, struct device *d, enum fp_source src, const char *value, size_t n)
{
    uint32_t vh = value_hash(value, n);
    if (d->tried[src] == vh)
        return;
    d->tried[src] = vh;
    for (size_t i = 0; i < d->r.n_hints; i++)
        if (strcmp(d->r.hints[i].source, fp_source_name(src)) == 0)
            return; /* one hint per kind of evidence: the first */
    struct fp_hint h;
    if (fingerprint_match(inv->cfg.fingerprints, src, value, n, &h)) {
        bool was_watched = type_watched(inv, d->r.device_type);
        add_hint(inv, d, fp_source_name(src), &h, value, n);
        if (!was_watched)
            judge_peers(inv, d, d->r.last_us);
    }
}

void inventory_dhcp(struct inventory *inv, const struct dhcp_client_info *di)
{
    struct device *d = device_by_mac(inv, di->mac, di->ts_us);
    if (d == NULL)
        return;
    if (di->has_addr)
        bind_addr(inv, d, &di->addr, di->ts_us);
    if (di->host_name)
        set_host_name(d, di->host_name, strlen(di->host_name), di->host_name_source);
    if (di->param_list && strcmp(di->param_list, d->r.dhcp_fingerprint) != 0) {
        snprintf(d->r.dhcp_fingerprint, sizeof d->r.dhcp_fingerprint, "%s", di->param_list);
        d->changed = true;
        match_evidence(inv, d, FP_DHCP_OPTIONS, di->param_list, strlen(di->param_list));
    }
    if (di->vendor_class && strcmp(di->vendor_class, d->r.dhcp_vendor_class) != 0) {
        copy_text(d->r.dhcp_vendor_class, sizeof d->r.dhcp_vendor_class, di->vendor_class,
                  strlen(di->vendor_class));
        d->changed = true;
        match_evidence(inv, d, FP_DHCP_VENDOR, di->vendor_class, strlen(di->vendor_class));
    }
    if (di->has_resolver) {
        d->has_resolver = true;
        d->resolver = di->resolver;
    }
    settle(inv, d, di->ts_us);
}

void inventory_name(struct inventory *inv, int64_t ts_us, const struct ip_addr *ip, int8_t local, const char *name,
                    size_t n, const char *source)
{
    if (!is_local(local, ip))
        return;
    struct device *d = device_by_addr(inv, ip, ts_us, true);
    if (d == NULL)
        return;
    set_host_name(d, name, n, source);
    settle(inv, d, ts_us);
}

void inventory_evidence(struct inventory *inv, int64_t ts_us, const struct ip_addr *ip, int8_t local,
                        enum fp_source src, const char *value, size_t n)
{
    struct device *d = device_by_addr(inv, ip, ts_us, is_local(local, ip));
    if (d == NULL || n == 0)
        return;
    match_evidence(inv, d, src, value, n);
    settle(inv, d, ts_us);
}

void inventory_finish(struct inventory *inv, int64_t ts_us)
{
    for (size_t i = 0; i < inv->n_devs; i++) {
        struct device *d = inv->devs[i];
        if (!d->removed)
            emit_record(inv, d, ASSET_FINAL, ts_us);
    }
}

/* ---- life cycle ---- */

struct inventory *inventory_new(const struct inventory_config *cfg, inventory_record_fn on_record,
                                inventory_alert_fn on_alert, void *ctx)
{
    if (cfg->behaviour == NULL)
        return NULL;
    struct inventory *inv = calloc(1, sizeof *inv);
    if (inv == NULL)
        return NULL;
    inv->cfg = *cfg;
    hash_domain_key(0x1ea5ed0a55e7ULL, &inv->by_key.hk);
    hash_domain_key(0xadd2e55de71ceULL, &inv->by_addr.hk);
    inv->on_record = on_record;
    inv->on_alert = on_alert;
    inv->ctx = ctx;
    return inv;
}

void inventory_free(struct inventory *inv)
{
    if (inv == NULL)
        return;
    while (inv->slabs) {
        struct device_slab *next = inv->slabs->next;
        free(inv->slabs);
        inv->slabs = next;
    }
    free(inv->devs);
    free(inv->by_key.s);
    free(inv->by_addr.s);
    free(inv);
}

void inventory_get_stats(const struct inventory *inv, struct inventory_stats *st)
{
    memset(st, 0, sizeof *st);
    for (size_t i = 0; i < inv->n_devs; i++) {
        const struct device *d = inv->devs[i];
        if (d->removed)
            continue;
        st->devices++;
        st->with_vendor += d->r.vendor[0] != '\0';
        st->with_type += d->r.device_type[0] != '\0';
        st->flagged += d->r.risk_group != NULL;
    }
    st->devices_dropped = inv->dropped;
    st->alerts = inv->alerts;
}

/* One line of the allow list, cut in place: 1 with its address or prefix
 * in p, 0 when it holds none (blank, a comment), -1 when it holds something
 * else (*line then points to it). */
static int allow_entry(char **line, struct ip_prefix *p)
{
    char *s = *line;
    s[strcspn(s, "#\r\n")] = '\0';
    s += strspn(s, " \t");
    s[strcspn(s, " \t")] = '\0';
    *line = s;
    if (*s == '\0')
        return 0;
    if (strchr(s, '/') == NULL && ip_addr_parse(s, &p->addr)) {
        p->len = 128;
        return 1;
    }
    return ip_prefix_parse(s, p) ? 1 : -1;
}

bool inventory_allow_load(struct inventory_config *cfg, const char *path, char *err, size_t errlen)
{
    struct tsv_lines lines;
    if (!tsv_lines_open(&lines, path, " the device allow list", err, errlen))
        return false;
    int got = 0;
    while (got >= 0 && tsv_lines_next(&lines)) {
        char *s = lines.line;
        struct ip_prefix p;
        got = allow_entry(&s, &p);
        if (got < 0) {
            snprintf(err, errlen, "%s:%u: not an address or CIDR prefix: %s", path, lines.lineno, s);
        } else if (got > 0 && cfg->n_allowed == INVENTORY_MAX_ALLOWED) {
            snprintf(err, errlen, "%s: more than %d entries", path, INVENTORY_MAX_ALLOWED);
            got = -1;
        } else if (got > 0) {
            cfg->allowed[cfg->n_allowed++] = p;
        }
    }
    tsv_lines_close(&lines);
    return got >= 0;
}
