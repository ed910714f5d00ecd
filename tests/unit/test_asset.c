/* asset/: vendor lookups against Debian's ieee-data (thousands of prefixes,
 * checked against the registries' .txt edition, parsed here independently),
 * the vendor policy, the fingerprints, and the inventory's judgements
 * (gateways, calls out, NTP allowed, reached from outside, vendor change). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "asset/device_behaviour.h"
#include "asset/fingerprint.h"
#include "asset/inventory.h"
#include "asset/oui.h"
#include "asset/vendor_policy.h"
#include "unit/tmpdir_harness.h"

/* ---- ieee-data ---- */

static void trim(char *s)
{
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\r' || s[n - 1] == '\n' || s[n - 1] == '\t'))
        s[--n] = '\0';
}

static int hexval(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10 : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* The registries' .txt edition, parsed independently of asset/oui.c: the
 * "(hex)" line gives the first 24 bits and the organisation, the
 * "(base 16)" line the start of the assignment's range. */
struct txt_entry {
    uint64_t prefix;            /* bits of the assignment, right-aligned */
    unsigned bits;
    char org[128];
};

struct txt_registry {
    struct txt_entry *e;
    size_t n, cap;
};

/* Quotes differ between the CSV and text editions ("JSC \"Irbis-T\""). */
static void unquote(const char *in, char *out, size_t n)
{
    size_t len = 0;
    for (; *in && len + 1 < n; in++)
        if (*in != '"')
            out[len++] = *in;
    out[len] = '\0';
    trim(out);
}

static void read_txt(struct txt_registry *t, const char *path, unsigned bits)
{
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char line[512], org[128] = "";
    uint32_t hi = 0;
    bool have_hex = false;
    while (fgets(line, sizeof line, f)) {
        char *hex = strstr(line, "(hex)");
        char *b16 = strstr(line, "(base 16)");
        if (hex && line[2] == '-') {
            hi = 0;
            for (int i = 0; i < 3; i++)
                hi = hi << 8 | (uint32_t)(hexval(line[i * 3]) << 4 | hexval(line[i * 3 + 1]));
            const char *name = hex + strlen("(hex)");
            unquote(name + strspn(name, " \t"), org, sizeof org);
            have_hex = true;
        } else if (b16 && have_hex) {
            have_hex = false;
            uint32_t low = 0;
            for (int i = 0; i < 6 && bits > 24; i++)
                low = low << 4 | (uint32_t)hexval(line[i]);
            if (t->n == t->cap) {
                t->cap = t->cap ? t->cap * 2 : 4096;
                t->e = realloc(t->e, t->cap * sizeof *t->e);
                assert_non_null(t->e);
            }
            struct txt_entry *e = &t->e[t->n++];
            e->bits = bits;
            e->prefix = ((uint64_t)hi << 24 | low) >> (48 - bits);
            snprintf(e->org, sizeof e->org, "%s", org);
        }
    }
    fclose(f);
}

/* Does the text edition list org for this exact assignment? (A few
 * prefixes were assigned more than once: any of their owners is right.) */
static bool txt_lists(const struct txt_registry *t, uint64_t prefix, unsigned bits, const char *org)
{
    for (size_t i = 0; i < t->n; i++)
        if (t->e[i].bits == bits && t->e[i].prefix == prefix && strcmp(t->e[i].org, org) == 0)
            return true;
    return false;
}

static void test_oui_agrees_with_ieee_data(void **state)
{
    char err[256];
    struct oui_registry *r = oui_registry_load(OUI_DEFAULT_DIR, err, sizeof err);
    if (r == NULL)
        skip(); /* ieee-data not installed: scripts/install-deps installs it */
    assert_true(oui_registry_size(r) > 40000);
    struct txt_registry t = {0};
    read_txt(&t, OUI_DEFAULT_DIR "/oui.txt", 24);
    read_txt(&t, OUI_DEFAULT_DIR "/mam.txt", 28);
    read_txt(&t, OUI_DEFAULT_DIR "/oui36.txt", 36);
    read_txt(&t, OUI_DEFAULT_DIR "/iab.txt", 36);
    unsigned checked = 0, shadowed = 0, mismatch = 0;
    for (size_t i = 0; i < t.n; i += 7) {
        const struct txt_entry *e = &t.e[i];
        /* the assignment's bits, then something other than zeros below them */
        uint64_t v = e->prefix << (48 - e->bits) | (0x5a5a5a5a5a5aULL & ((1ULL << (48 - e->bits)) - 1));
        uint8_t mac[6];
        for (int k = 0; k < 6; k++)
            mac[k] = (uint8_t)(v >> (40 - 8 * k));
        unsigned got_bits = 0;
        char org[128];
        const char *name = oui_lookup(r, mac, &got_bits, org, sizeof org) ? org : NULL;
        checked++;
        if (name && got_bits > e->bits) {
            shadowed++; /* a longer assignment inside this one wins */
            continue;
        }
        char got[128];
        unquote(name ? name : "(none)", got, sizeof got);
        if (got_bits != e->bits || !txt_lists(&t, e->prefix, e->bits, got)) {
            if (mismatch++ < 5)
                print_message("%012llX: expected '%s' /%u, got '%s' /%u\n", (unsigned long long)v, e->org,
                              e->bits, got, got_bits);
        }
    }
    print_message("ieee-data: %u prefixes sampled, %u inside a longer assignment, %u mismatches\n", checked,
                  shadowed, mismatch);
    assert_true(checked >= 5000);
    assert_int_equal(mismatch, 0);
    assert_true(shadowed * 20 < checked);
    free(t.e);
    oui_registry_free(r);
}

static void test_oui_missing_dir(void **state)
{
    char err[256] = "";
    assert_null(oui_registry_load("/nonexistent-ieee", err, sizeof err));
    assert_non_null(strstr(err, "no IEEE registry"));
}

static void test_mac_flags(void **state)
{
    const uint8_t randomised[6] = {0x5a, 1, 2, 3, 4, 5}, vendor[6] = {0x44, 0x47, 0xcc, 1, 2, 3},
                  multicast[6] = {0x01, 0x00, 0x5e, 0, 0, 1};
    assert_true(mac_is_local_admin(randomised));
    assert_false(mac_is_local_admin(vendor));
    assert_true(mac_is_group(multicast));
    assert_false(mac_is_group(vendor));
}

/* ---- vendor policy ---- */

static char *write_temp(const char *text)
{
    static char path[64];
    tmpfile_with(path, sizeof path, "asset", text);
    return path;
}

static void test_vendor_policy_shipped(void **state)
{
    char err[256];
    struct vendor_policy *p = vendor_policy_load("data/devices/vendor_policy.tsv", err, sizeof err);
    if (p == NULL)
        fail_msg("%s", err);
    static const char *const flagged[][2] = {
        {"Hangzhou Hikvision Digital Technology Co.,Ltd.", "hikvision"},
        {"Hangzhou EZVIZ Software Co.,Ltd.", "hikvision"},
        {"Zhejiang Dahua Technology Co., Ltd.", "dahua"},
        {"HUAWEI TECHNOLOGIES CO.,LTD", "huawei"},
        {"Huawei Device Co., Ltd.", "huawei"},
        {"zte corporation", "zte"},
        {"Hytera Communications Corporation Limited", "hytera"},
    };
    for (size_t i = 0; i < sizeof flagged / sizeof *flagged; i++) {
        const struct vendor_flag *f = vendor_policy_match(p, flagged[i][0]);
        if (f == NULL)
            fail_msg("not flagged: %s", flagged[i][0]);
        assert_string_equal(f->group, flagged[i][1]);
        assert_true(strlen(f->reason) > 10 && strlen(f->source) > 10);
    }
    /* whole words only: "zte" is not inside "Aztec" */
    assert_null(vendor_policy_match(p, "Aztech Electronics"));
    assert_null(vendor_policy_match(p, "Dell Inc."));
    assert_null(vendor_policy_match(p, ""));
    vendor_policy_free(p);
}

static void test_vendor_policy_bad_line(void **state)
{
    char err[256] = "";
    const char *path = write_temp("# ok\nacme\tcovered\tacme\treason\tsource\nbroken line without tabs\n");
    assert_null(vendor_policy_load(path, err, sizeof err));
    assert_non_null(strstr(err, ":3: expected"));
    unlink(path);
    assert_null(vendor_policy_load("/nonexistent/policy.tsv", err, sizeof err));
    assert_non_null(strstr(err, "cannot open"));
}

/* ---- fingerprints ---- */

static struct fingerprint_db *shipped_db(void)
{
    static const char *const files[] = {"data/devices/fingerprints.tsv", "data/devices/recog.tsv",
                                        "data/devices/fingerbank_dhcp.tsv"};
    char err[256];
    struct fingerprint_db *db = fingerprint_db_load(files, 3, err, sizeof err);
    if (db == NULL)
        fail_msg("%s", err);
    return db;
}

static void test_fingerprints(void **state)
{
    struct fingerprint_db *db = shipped_db();
    assert_true(fingerprint_db_size(db) > 1000);
    /* a few Recog patterns use Ruby-only syntax: they are skipped, counted */
    assert_true(fingerprint_db_skipped(db) < fingerprint_db_size(db) / 20);
    struct fp_hint h;
    assert_true(fingerprint_match(db, FP_HTTP_SERVER, "DNVRS-Webs", 10, &h));
    assert_string_equal(h.vendor, "Hikvision");
    assert_true(fingerprint_match(db, FP_RTSP_SERVER, "Dahua Rtsp Server", 17, &h));
    assert_string_equal(h.device_type, "camera");
    assert_true(fingerprint_match(db, FP_DHCP_OPTIONS, "1,15,3,6,44,46,47,31,33,249,43", 30, &h));
    assert_string_equal(h.device_type, "pc");
    assert_false(fingerprint_match(db, FP_HTTP_SERVER, "nothing-like-it/0.0", 19, &h));
    /* a huge banner costs a bounded scan */
    size_t n = 1 << 20;
    char *big = malloc(n);
    memset(big, 'a', n);
    fingerprint_match(db, FP_HTTP_SERVER, big, n, &h);
    free(big);
    fingerprint_db_free(db);
}

/* ---- inventory ---- */

struct seen {
    unsigned records, final_records;
    unsigned alerts[ASSET_ALERT_KIND_COUNT];
    struct asset_record last_final[16];
};

static void on_record(void *ctx, enum asset_event ev, int64_t ts, const struct asset_record *r)
{
    struct seen *s = ctx;
    s->records++;
    if (ev == ASSET_FINAL && s->final_records < 16)
        s->last_final[s->final_records++] = *r;
}

static void on_alert(void *ctx, const struct asset_alert *a)
{
    struct seen *s = ctx;
    s->alerts[a->kind]++;
    assert_non_null(a->device);
    assert_non_null(a->attack);
}

static struct conn_record conn(const char *o, const uint8_t omac[6], const char *r, const uint8_t rmac[6],
                               uint8_t proto, uint16_t rport, int8_t lo, int8_t lr)
{
    struct conn_record c;
    memset(&c, 0, sizeof c);
    ip_addr_parse(o, &c.orig_h);
    ip_addr_parse(r, &c.resp_h);
    memcpy(c.orig_l2, omac, 6);
    memcpy(c.resp_l2, rmac, 6);
    c.has_l2 = true;
    c.proto = proto;
    c.orig_p = 40000;
    c.resp_p = rport;
    c.conn_state = "SF";
    c.resp_pkts = 1;
    c.orig_bytes = 100;
    c.local_orig = lo;
    c.local_resp = lr;
    c.ts_us = c.last_ts_us = 1000000;
    snprintf(c.uid, sizeof c.uid, "Ctest");
    return c;
}

static void test_inventory_behaviour(void **state)
{
    char err[256];
    struct oui_registry *oui = oui_registry_load(OUI_DEFAULT_DIR, err, sizeof err);
    struct fingerprint_db *db = shipped_db();
    struct vendor_policy *pol = vendor_policy_load("data/devices/vendor_policy.tsv", err, sizeof err);
    assert_non_null(pol);
    struct device_behaviour beh;
    assert_true(device_behaviour_load("data/devices/device_behaviour.tsv", &beh, err, sizeof err));
    struct inventory_config cfg = {.oui = oui, .fingerprints = db, .policy = pol, .behaviour = &beh};
    struct seen s = {0};
    struct inventory *inv = inventory_new(&cfg, on_record, on_alert, &s);
    const uint8_t cam[6] = {0x44, 0x47, 0xcc, 0, 0, 1}, gw[6] = {0x02, 0, 0, 0, 0, 1}, pc[6] = {0x02, 0, 0, 0, 0, 2};
    struct ip_addr a;
    ip_addr_parse("192.168.1.20", &a);
    inventory_neighbor(inv, 1000000, cam, &a, NEIGHBOR_ARP);
    /* before anything says it is a camera, its calls are only remembered */
    struct conn_record c = conn("192.168.1.20", cam, "45.33.32.156", gw, IPPROTO_TCP, 9000, 1, 0);
    inventory_conn(inv, &c);
    c = conn("192.168.1.20", cam, "162.159.200.1", gw, IPPROTO_UDP, 123, 1, 0);
    inventory_conn(inv, &c);
    assert_int_equal(s.alerts[ASSET_ALERT_CALLS_OUT], 0);
    assert_int_equal(s.alerts[ASSET_ALERT_RISKY_VENDOR], 1);
    inventory_evidence(inv, 2000000, &a, 1, FP_HTTP_SERVER, "Hikvision-Webs", 14);
    /* judged now: the external call, not NTP */
    assert_int_equal(s.alerts[ASSET_ALERT_CALLS_OUT], 1);
    /* a PC calling out is nobody's business here */
    c = conn("192.168.1.40", pc, "45.33.32.156", gw, IPPROTO_TCP, 443, 1, 0);
    inventory_conn(inv, &c);
    c = conn("192.168.1.40", pc, "8.8.8.8", gw, IPPROTO_UDP, 53, 1, 0);
    inventory_conn(inv, &c);
    c = conn("198.18.0.9", gw, "192.168.1.20", cam, IPPROTO_TCP, 80, 0, 1);
    inventory_conn(inv, &c);
    assert_int_equal(s.alerts[ASSET_ALERT_REACHED_FROM_OUTSIDE], 1);
    assert_int_equal(s.alerts[ASSET_ALERT_CALLS_OUT], 1);
    /* the gateway MAC carries outside addresses: one device, a router */
    inventory_finish(inv, 3000000);
    unsigned devices = s.final_records;
    bool found_gw = false;
    for (unsigned i = 0; i < devices; i++) {
        if (s.last_final[i].mac[5] == 1 && s.last_final[i].mac[0] == 0x02) {
            found_gw = true;
            assert_true(s.last_final[i].gateway);
            assert_int_equal(s.last_final[i].n_addrs, 0);
        }
    }
    assert_true(found_gw);
    assert_int_equal(devices, 3);
    inventory_free(inv);
    vendor_policy_free(pol);
    fingerprint_db_free(db);
    oui_registry_free(oui);
}

static void test_inventory_vendor_change(void **state)
{
    char err[256];
    struct oui_registry *oui = oui_registry_load(OUI_DEFAULT_DIR, err, sizeof err);
    if (oui == NULL)
        skip();
    struct device_behaviour beh;
    assert_true(device_behaviour_load("data/devices/device_behaviour.tsv", &beh, err, sizeof err));
    struct inventory_config cfg = {.oui = oui, .behaviour = &beh};
    struct seen s = {0};
    struct inventory *inv = inventory_new(&cfg, on_record, on_alert, &s);
    const uint8_t axis[6] = {0xb8, 0xa4, 0x4f, 0, 0, 1}, hik[6] = {0x44, 0x47, 0xcc, 0, 0, 1};
    struct ip_addr a;
    ip_addr_parse("192.168.1.50", &a);
    inventory_neighbor(inv, 1, axis, &a, NEIGHBOR_ARP);
    inventory_neighbor(inv, 2, axis, &a, NEIGHBOR_ARP);
    assert_int_equal(s.alerts[ASSET_ALERT_VENDOR_CHANGED], 0);
    inventory_neighbor(inv, 3, hik, &a, NEIGHBOR_ARP);
    assert_int_equal(s.alerts[ASSET_ALERT_VENDOR_CHANGED], 1);
    inventory_free(inv);
    oui_registry_free(oui);
}

/* ---- the --device-allow file ---- */

static void test_device_allow_file(void **state)
{
    static struct inventory_config cfg;
    char err[512];
    /* each mistake named with its line; last, addresses and prefixes with
     * comments after them, blanks and CRLF */
    static const struct {
        const char *text;
        size_t held_before;
        const char *err; /* NULL: loads */
    } cases[] = {
        {"10.0.0.0/8\nnot-an-address\n", 0, ":2: not an address or CIDR prefix: not-an-address"},
        {"10.0.0.1\n", INVENTORY_MAX_ALLOWED, "more than 1024 entries"},
        {"# cloud\n203.0.113.10\n  198.51.100.0/24  # NTP\r\n\n2001:db8::/32\n", 0, NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char path[64];
        tmpfile_with(path, sizeof path, "allow", cases[i].text);
        cfg.n_allowed = cases[i].held_before;
        bool ok = inventory_allow_load(&cfg, path, err, sizeof err);
        unlink(path);
        assert_int_equal(ok, cases[i].err == NULL);
        if (!ok)
            assert_non_null(strstr(err, cases[i].err));
    }
    assert_int_equal(cfg.n_allowed, 3);
    assert_int_equal(cfg.allowed[0].len, 128);
    struct ip_addr a;
    assert_true(ip_addr_parse("198.51.100.7", &a));
    assert_true(ip_prefix_contains(&cfg.allowed[1], &a));
    assert_true(ip_addr_parse("2001:db8::1", &a));
    assert_true(ip_prefix_contains(&cfg.allowed[2], &a));
    assert_false(inventory_allow_load(&cfg, "/nonexistent/allow.txt", err, sizeof err));
}

/* ---- the behaviour policy ---- */

static bool behaviour_from_text(const char *text, struct device_behaviour *b, char *err, size_t errlen)
{
    char path[64];
    tmpfile_with(path, sizeof path, "behaviour", text);
    bool ok = device_behaviour_load(path, b, err, errlen);
    unlink(path);
    return ok;
}

static void test_device_behaviour_file(void **state)
{
    char err[512];
    struct device_behaviour b;
    assert_true(device_behaviour_load("data/devices/device_behaviour.tsv", &b, err, sizeof err));
    assert_true(device_behaviour_watches(&b, "camera"));
    assert_false(device_behaviour_watches(&b, "pc"));
    assert_string_equal(b.gateway_type, "router");
    static const char base[] = "gateway_type\trouter\ngateway_offnet_addrs\t2\ngateway_local_addrs\t4\n"
                               "jump_window_seconds\t3600\njump_factor\t10\njump_min_bytes\t100\n";
    char text[1024];
    /* a replacement that watches printers only */
    snprintf(text, sizeof text, "%swatch\tprinter\nallow_out\ttcp/443\tcloud\n", base);
    assert_true(behaviour_from_text(text, &b, err, sizeof err));
    assert_true(device_behaviour_watches(&b, "printer"));
    assert_false(device_behaviour_watches(&b, "camera"));
    assert_int_equal(b.n_allowed, 1);
    assert_int_equal(b.allowed[0].port, 443);
    /* each mistake is named with its line */
    snprintf(text, sizeof text, "%sallow_out\tsctp/1\n", base);
    assert_false(behaviour_from_text(text, &b, err, sizeof err));
    assert_non_null(strstr(err, ":7: a service is PROTO/PORT"));
    snprintf(text, sizeof text, "%swatched\tcamera\n", base);
    assert_false(behaviour_from_text(text, &b, err, sizeof err));
    assert_non_null(strstr(err, "unknown setting"));
    assert_false(behaviour_from_text("watch\tcamera\n", &b, err, sizeof err));
    assert_non_null(strstr(err, "must all be given"));
    assert_false(behaviour_from_text("jump_factor\t-1\n", &b, err, sizeof err));
    assert_false(device_behaviour_load("/nonexistent/behaviour.tsv", &b, err, sizeof err));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_oui_agrees_with_ieee_data),
        cmocka_unit_test(test_oui_missing_dir),
        cmocka_unit_test(test_device_behaviour_file),
        cmocka_unit_test(test_device_allow_file),
        cmocka_unit_test(test_mac_flags),
        cmocka_unit_test(test_vendor_policy_shipped),
        cmocka_unit_test(test_vendor_policy_bad_line),
        cmocka_unit_test(test_fingerprints),
        cmocka_unit_test(test_inventory_behaviour),
        cmocka_unit_test(test_inventory_vendor_change),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
