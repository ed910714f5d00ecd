/* decode/ unit tests: hand-built frames for every layer, fragments, tunnels,
 * and every frame truncated at every length (run under ASan: each test
 * frame is copied into a heap block of exactly caplen bytes). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode/decode.h"
#include "decode/decode_internal.h"

/* ---------------- weird recorder ---------------- */

#define MAX_WEIRDS 32
struct weirds {
    int n;
    char names[MAX_WEIRDS][64];
    char addl[MAX_WEIRDS][64];
};

static void record_weird(void *ctx, const struct packet *pkt, const char *name, const char *addl)
{
    struct weirds *w = ctx;
    (void)pkt;
    if (w->n < MAX_WEIRDS) {
        snprintf(w->names[w->n], sizeof w->names[0], "%s", name);
        snprintf(w->addl[w->n], sizeof w->addl[0], "%s", addl ? addl : "");
    }
    w->n++;
}

static bool has_weird(const struct weirds *w, const char *name)
{
    for (int i = 0; i < w->n && i < MAX_WEIRDS; i++)
        if (strcmp(w->names[i], name) == 0)
            return true;
    return false;
}

struct fixture {
    struct decoder *d;
    struct weirds w;
    struct packet pkt;
};

static struct fixture *fixture_new(const struct decode_config *cfg)
{
    struct fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);
    struct decode_config def;
    decode_config_defaults(&def);
    f->d = decoder_new(cfg ? cfg : &def, record_weird, &f->w);
    assert_non_null(f->d);
    return f;
}

static void fixture_free(struct fixture *f)
{
    decoder_free(f->d);
    free(f);
}

/* A fixture whose decoder does not verify checksums. */
static struct fixture *fixture_without_checksums(void)
{
    struct decode_config cfg;
    decode_config_defaults(&cfg);
    cfg.verify_checksums = false;
    return fixture_new(&cfg);
}

/* cmocka setup/teardown: a fixture with the default configuration, for the
 * tests that need no other (listed in main with FIXTURE_TEST). */
static int fixture_setup(void **state)
{
    *state = fixture_new(NULL);
    return 0;
}

static int fixture_teardown(void **state)
{
    fixture_free(*state);
    return 0;
}

#define FIXTURE_TEST(test) cmocka_unit_test_setup_teardown(test, fixture_setup, fixture_teardown)

static enum decode_result run(struct fixture *f, int lt, int64_t ts, const uint8_t *p, size_t n)
{
    return decode_packet(f->d, lt, ts, p, (uint32_t)n, (uint32_t)n, &f->pkt);
}

/* ---------------- frame builders ---------------- */

static const uint8_t MAC_A[6] = {0x00, 0x11, 0x22, 0x33, 0x44, 0x55};
static const uint8_t MAC_B[6] = {0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb};
static const uint8_t IP4_A[4] = {10, 0, 0, 1};
static const uint8_t IP4_B[4] = {192, 168, 1, 2};
static const uint8_t IP4_C[4] = {172, 16, 0, 9};
static const uint8_t IP4_D[4] = {8, 8, 4, 4};
static const uint8_t IP6_A[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
static const uint8_t IP6_B[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2};
static const uint8_t IP6_C[16] = {0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x33};

static void wr16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static void wr32(uint8_t *p, uint32_t v)
{
    wr16(p, (uint16_t)(v >> 16));
    wr16(p + 2, (uint16_t)v);
}

/* Reference checksum: plain 16-bit big-endian words. */
static uint32_t ref_sum(uint32_t acc, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i + 1 < n; i += 2)
        acc += (uint32_t)p[i] << 8 | p[i + 1];
    if (n & 1)
        acc += (uint32_t)p[n - 1] << 8;
    return acc;
}

static uint16_t ref_finish(uint32_t acc)
{
    while (acc >> 16)
        acc = (acc & 0xffff) + (acc >> 16);
    return (uint16_t)~acc;
}

static size_t eth(uint8_t *out, uint16_t type)
{
    memcpy(out, MAC_B, 6);
    memcpy(out + 6, MAC_A, 6);
    wr16(out + 12, type);
    return 14;
}

static size_t vlan_tag(uint8_t *out, uint16_t id, uint16_t next_type)
{
    wr16(out, id);
    wr16(out + 2, next_type);
    return 4;
}

/* L4 with its checksum computed over the given pseudo addresses. */
static void l4_fix_checksum(uint8_t *l4, size_t len, uint8_t proto, const uint8_t *src, const uint8_t *dst,
                            size_t alen)
{
    size_t off = proto == 6 ? 16 : proto == 17 ? 6 : 2;
    l4[off] = l4[off + 1] = 0;
    uint32_t acc = 0;
    if (proto != 1) {
        acc = ref_sum(acc, src, alen);
        acc = ref_sum(acc, dst, alen);
        acc += proto;
        acc += (uint32_t)len;
    }
    acc = ref_sum(acc, l4, len);
    uint16_t c = ref_finish(acc);
    if (proto == 17 && c == 0)
        c = 0xffff;
    wr16(l4 + off, c);
}

static size_t tcp(uint8_t *out, uint16_t sp, uint16_t dp, uint8_t flags, const uint8_t *opts, size_t optlen,
                  const char *payload)
{
    size_t hl = 20 + optlen;
    memset(out, 0, hl);
    wr16(out, sp);
    wr16(out + 2, dp);
    wr32(out + 4, 1000);
    wr32(out + 8, 2000);
    out[12] = (uint8_t)((hl / 4) << 4);
    out[13] = flags;
    wr16(out + 14, 65535);
    if (optlen)
        memcpy(out + 20, opts, optlen);
    size_t pl = payload ? strlen(payload) : 0;
    memcpy(out + hl, payload ? payload : "", pl);
    return hl + pl;
}

static size_t udp(uint8_t *out, uint16_t sp, uint16_t dp, const uint8_t *payload, size_t pl)
{
    wr16(out, sp);
    wr16(out + 2, dp);
    wr16(out + 4, (uint16_t)(8 + pl));
    wr16(out + 6, 0);
    if (pl)
        memcpy(out + 8, payload, pl);
    return 8 + pl;
}

/* IPv4 header + body; fixes the body's L4 checksum for TCP/UDP/ICMP when
 * the datagram is not a fragment. */
static size_t ipv4_full(uint8_t *out, uint8_t proto, const uint8_t *src, const uint8_t *dst, const uint8_t *body,
                        size_t blen, uint16_t id, uint16_t frag, const uint8_t *opts, size_t optlen)
{
    size_t hl = 20 + optlen;
    memset(out, 0, hl);
    out[0] = (uint8_t)(0x40 | (hl / 4));
    wr16(out + 2, (uint16_t)(hl + blen));
    wr16(out + 4, id);
    wr16(out + 6, frag);
    out[8] = 64;
    out[9] = proto;
    memcpy(out + 12, src, 4);
    memcpy(out + 16, dst, 4);
    if (optlen)
        memcpy(out + 20, opts, optlen);
    memmove(out + hl, body, blen);
    if (frag == 0 && (proto == 6 || proto == 17 || proto == 1))
        l4_fix_checksum(out + hl, blen, proto, src, dst, 4);
    wr16(out + 10, ref_finish(ref_sum(0, out, hl)));
    return hl + blen;
}

static size_t ipv4(uint8_t *out, uint8_t proto, const uint8_t *src, const uint8_t *dst, const uint8_t *body,
                   size_t blen)
{
    return ipv4_full(out, proto, src, dst, body, blen, 0x1234, 0, NULL, 0);
}

/* IPv6 header with nh; body may start with extension headers (ext_len of
 * them) before the L4 whose checksum is fixed when l4_proto says so. */
static size_t ipv6_full(uint8_t *out, uint8_t nh, const uint8_t *src, const uint8_t *dst, const uint8_t *body,
                        size_t blen, size_t ext_len, uint8_t l4_proto, const uint8_t *pseudo_dst)
{
    memset(out, 0, 40);
    out[0] = 0x60;
    wr16(out + 4, (uint16_t)blen);
    out[6] = nh;
    out[7] = 64;
    memcpy(out + 8, src, 16);
    memcpy(out + 24, dst, 16);
    memmove(out + 40, body, blen);
    if (l4_proto == 6 || l4_proto == 17 || l4_proto == 58)
        l4_fix_checksum(out + 40 + ext_len, blen - ext_len, l4_proto, src, pseudo_dst ? pseudo_dst : dst, 16);
    return 40 + blen;
}

static size_t ipv6(uint8_t *out, uint8_t nh, const uint8_t *src, const uint8_t *dst, const uint8_t *body, size_t blen)
{
    return ipv6_full(out, nh, src, dst, body, blen, 0, nh, NULL);
}

/* A plain Ethernet/IPv4/TCP frame with a window-scale option. */
static size_t frame_eth_ipv4_tcp(uint8_t *out, const uint8_t *src, const uint8_t *dst, uint16_t sp, uint16_t dp)
{
    uint8_t l4[256], ip[512];
    static const uint8_t opts[] = {2, 4, 0x05, 0xb4, 1, 3, 3, 7}; /* MSS, NOP, WS=7 */
    size_t n = tcp(l4, sp, dp, TCP_SYN | TCP_ACK, opts, sizeof opts, "hello");
    n = ipv4(ip, 6, src, dst, l4, n);
    size_t e = eth(out, 0x0800);
    memcpy(out + e, ip, n);
    return e + n;
}

static size_t frame_eth_ipv6_udp(uint8_t *out, const uint8_t *src, const uint8_t *dst)
{
    uint8_t l4[256], ip[512];
    size_t n = udp(l4, 5353, 53, (const uint8_t *)"abcdefgh", 8);
    n = ipv6(ip, 17, src, dst, l4, n);
    size_t e = eth(out, 0x86dd);
    memcpy(out + e, ip, n);
    return e + n;
}

/* ---------------- checksum ---------------- */

static void test_checksum_matches_reference(void **state)
{
    (void)state;
    uint8_t buf[300];
    srand(7);
    for (size_t i = 0; i < sizeof buf; i++)
        buf[i] = (uint8_t)rand();
    for (size_t off = 0; off < 8; off++) {
        for (size_t n = 0; n + off <= sizeof buf; n++) {
            uint16_t fast = checksum_fold(checksum_add(0, buf + off, n));
            uint16_t ref = (uint16_t)~ref_finish(ref_sum(0, buf + off, n));
            /* Ours is native order; compare as stored bytes. */
            uint8_t fb[2], rb[2];
            memcpy(fb, &fast, 2);
            wr16(rb, ref);
            if (!(fb[0] == rb[0] && fb[1] == rb[1]) && !(ref == 0xffff && fast == 0) &&
                !(ref == 0 && fast == 0xffff))
                fail_msg("checksum differs at off %zu len %zu", off, n);
        }
    }
}

/* ---------------- basic layers ---------------- */

static void test_ethernet_ipv4_tcp(void **state)
{
    struct fixture *f = *state;
    uint8_t fr[600];
    size_t n = frame_eth_ipv4_tcp(fr, IP4_A, IP4_B, 40000, 80);
    assert_int_equal(run(f, LINKTYPE_ETHERNET, 1, fr, n), DECODE_OK);
    struct packet *p = &f->pkt;
    assert_int_equal(p->ip_version, 4);
    assert_memory_equal(p->src.b + 12, IP4_A, 4);
    assert_memory_equal(p->dst.b + 12, IP4_B, 4);
    assert_true(ip_addr_is_v4(&p->src));
    assert_int_equal(p->l4_proto, 6);
    assert_int_equal(p->sport, 40000);
    assert_int_equal(p->dport, 80);
    assert_int_equal(p->tcp_seq, 1000);
    assert_int_equal(p->tcp_ack, 2000);
    assert_int_equal(p->tcp_flags, TCP_SYN | TCP_ACK);
    assert_int_equal(p->tcp_win, 65535);
    assert_int_equal(p->tcp_wscale, 7);
    assert_int_equal(p->payload_len, 5);
    assert_int_equal(p->payload_caplen, 5);
    assert_memory_equal(p->payload, "hello", 5);
    assert_int_equal(p->ip_len, 20 + 28 + 5);
    assert_int_equal(p->l4_len, 28 + 5);
    assert_false(p->l4_checksum_bad);
    assert_ptr_equal(p->eth_src, fr + 6);
    assert_ptr_equal(p->eth_dst, fr);
    assert_int_equal(p->ttl, 64);
    assert_int_equal(p->tunnel_depth, 0);
    assert_int_equal(f->w.n, 0);
    assert_int_equal(decoder_stats(f->d)->packets, 1);
}

static void test_ethernet_padding_ignored(void **state)
{
    struct fixture *f = *state;
    uint8_t fr[600] = {0};
    uint8_t l4[64], ip[128];
    size_t n = tcp(l4, 1, 2, TCP_ACK, NULL, 0, NULL);
    n = ipv4(ip, 6, IP4_A, IP4_B, l4, n);
    size_t e = eth(fr, 0x0800);
    memcpy(fr + e, ip, n);
    /* 54 bytes padded to the 60-byte Ethernet minimum */
    assert_int_equal(run(f, LINKTYPE_ETHERNET, 1, fr, 60), DECODE_OK);
    assert_int_equal(f->pkt.l3_caplen, 40);
    assert_int_equal(f->pkt.payload_len, 0);
    assert_int_equal(f->pkt.payload_caplen, 0);
    assert_false(f->pkt.l4_checksum_bad);
    assert_int_equal(f->pkt.tcp_wscale, -1);
    /* a 3-byte UDP datagram, padded with non-zero bytes: IP's total length wins */
    n = ipv4(ip, 17, IP4_A, IP4_B, l4, udp(l4, 1000, 514, (const uint8_t *)"<1>", 3));
    memcpy(fr + e, ip, n);
    memset(fr + e + n, 'P', 60 - e - n);
    assert_int_equal(run(f, LINKTYPE_ETHERNET, 1, fr, 60), DECODE_OK);
    assert_int_equal(f->pkt.l4_len, 11);
    assert_int_equal(f->pkt.payload_len, 3);
    assert_int_equal(f->pkt.payload_caplen, 3);
    assert_false(f->pkt.l4_checksum_bad);
    assert_int_equal(f->w.n, 0);
}

static void test_bad_tcp_checksum_flag(void **state)
{
    (void)state;
    struct fixture *f = fixture_new(NULL);
    uint8_t fr[600];
    size_t n = frame_eth_ipv4_tcp(fr, IP4_A, IP4_B, 1234, 80);
    fr[n - 1] ^= 0x55; /* payload byte */
    assert_int_equal(run(f, LINKTYPE_ETHERNET, 1, fr, n), DECODE_OK);
    assert_true(f->pkt.l4_checksum_bad);
    assert_int_equal(f->w.n, 0);
    fixture_free(f);

    f = fixture_without_checksums();
    assert_int_equal(run(f, LINKTYPE_ETHERNET, 1, fr, n), DECODE_OK);
    assert_false(f->pkt.l4_checksum_bad);
    fixture_free(f);
}

static void test_bad_ip_checksum(void **state)
{
    (void)state;
    struct fixture *f = fixture_new(NULL);
    uint8_t fr[600];
    size_t n = frame_eth_ipv4_tcp(fr, IP4_A, IP4_B, 1234, 80);
    fr[14 + 10] ^= 0x01;
    assert_int_equal(run(f, LINKTYPE_ETHERNET, 1, fr, n), DECODE_MALFORMED);
    assert_true(has_weird(&f->w, "bad_IP_checksum"));
    assert_int_equal(f->pkt.ip_version, 4); /* addresses known for the weird */
    assert_int_equal(decoder_stats(f->d)->malformed, 1);
    fixture_free(f);

    f = fixture_without_checksums();
    assert_int_equal(run(f, LINKTYPE_ETHERNET, 1, fr, n), DECODE_OK);
    assert_int_equal(f->w.n, 0);
    fixture_free(f);
}

/* A segment whose total length offload zeroed (read with -C): decoded from
 * what was captured, yet its ip_bytes are the header's 0, as Zeek counts. */
static void test_ipv4_zero_length_counts_no_ip_bytes(void **state)
{
    (void)state;
    struct fixture *f = fixture_without_checksums();
    uint8_t fr[600];
    size_t n = frame_eth_ipv4_tcp(fr, IP4_A, IP4_B, 1234, 80);
    wr16(fr + 14 + 2, 0);
    assert_int_equal(run(f, LINKTYPE_ETHERNET, 1, fr, n), DECODE_OK);
    assert_true(has_weird(&f->w, "ip_hdr_len_zero"));
    assert_int_equal(f->pkt.payload_len, 5);
    assert_int_equal(f->pkt.ip_len, 0);
    fixture_free(f);
}

static void test_ipv4_options(void **state)
{
    struct fixture *f = *state;
    uint8_t fr[600], l4[64], ip[256];
    static const uint8_t opts[8] = {7, 7, 4, 1, 2, 3, 4, 0}; /* record route, EOL */
    size_t n = udp(l4, 1000, 2000, (const uint8_t *)"xyz", 3);
    n = ipv4_full(ip, 17, IP4_A, IP4_B, l4, n, 1, 0, opts, sizeof opts);
    size_t e = eth(fr, 0x0800);
    memcpy(fr + e, ip, n);
    assert_int_equal(run(f, LINKTYPE_ETHERNET, 1, fr, e + n), DECODE_OK);
    assert_int_equal(f->pkt.l4_proto, 17);
    assert_ptr_equal(f->pkt.l4, fr + e + 28);
    assert_int_equal(f->pkt.sport, 1000);
    assert_int_equal(f->pkt.payload_len, 3);
    assert_false(f->pkt.l4_checksum_bad);
}

static void test_ipv4_header_errors(void **state)
{
    struct fixture *f = *state;
    uint8_t l4[64], ip[256];
    size_t n = udp(l4, 1, 2, NULL, 0);
    n = ipv4(ip, 17, IP4_A, IP4_B, l4, n);

    uint8_t bad[256];
    memcpy(bad, ip, n);
    bad[0] = 0x44; /* 16-byte header */
    wr16(bad + 10, 0);
    wr16(bad + 10, ref_finish(ref_sum(0, bad, 16)));
    assert_int_equal(run(f, LINKTYPE_RAW, 1, bad, n), DECODE_MALFORMED);
    assert_true(has_weird(&f->w, "IPv4_min_header_size"));

    memcpy(bad, ip, n);
    bad[0] = 0x4f; /* 60-byte header > total length 28 */
    assert_int_equal(run(f, LINKTYPE_RAW, 1, bad, n), DECODE_MALFORMED);
    assert_true(has_weird(&f->w, "invalid_IP_header_size"));

    memcpy(bad, ip, n);
    bad[0] = 0x55;
    assert_int_equal(run(f, LINKTYPE_RAW, 1, bad, n), DECODE_MALFORMED);
    assert_true(has_weird(&f->w, "unknown_ip_version"));

    memcpy(bad, ip, n);
    wr16(bad + 2, 0);
    assert_int_equal(run(f, LINKTYPE_RAW, 1, bad, n), DECODE_MALFORMED);
    assert_true(has_weird(&f->w, "ip_hdr_len_zero"));

    /* the wire carried less than the IP header claims */
    memcpy(bad, ip, n);
    assert_int_equal(decode_packet(f->d, LINKTYPE_RAW, 1, bad, (uint32_t)n - 1, (uint32_t)n - 1, &f->pkt),
                     DECODE_MALFORMED);
    assert_true(has_weird(&f->w, "truncated_IP_len"));

    assert_int_equal(run(f, LINKTYPE_RAW, 1, bad, 19), DECODE_MALFORMED);
    assert_true(has_weird(&f->w, "truncated_IP"));
}

static void test_snaplen_truncated_is_normal(void **state)
{
    struct fixture *f = *state;
    uint8_t fr[600];
    size_t n = frame_eth_ipv4_tcp(fr, IP4_A, IP4_B, 1234, 80);
    /* captured up to two payload bytes */
    uint32_t cap = (uint32_t)n - 3;
    uint8_t *copy = malloc(cap);
    memcpy(copy, fr, cap);
    assert_int_equal(decode_packet(f->d, LINKTYPE_ETHERNET, 1, copy, cap, (uint32_t)n, &f->pkt), DECODE_OK);
    assert_int_equal(f->pkt.payload_len, 5);
    assert_int_equal(f->pkt.payload_caplen, 2);
    assert_int_equal(f->pkt.l4_len, 33);
    assert_int_equal(f->pkt.l4_caplen, 30);
    assert_int_equal(f->pkt.ip_len, 53);
    assert_false(f->pkt.l4_checksum_bad);
    assert_int_equal(f->w.n, 0);
    assert_int_equal(decoder_stats(f->d)->truncated, 1);
    free(copy);

    /* TCP header cut by the snaplen: Zeek's internally_truncated_header */
    cap = 14 + 20 + 10;
    copy = malloc(cap);
    memcpy(copy, fr, cap);
    assert_int_equal(decode_packet(f->d, LINKTYPE_ETHERNET, 1, copy, cap, (uint32_t)n, &f->pkt), DECODE_MALFORMED);
    assert_true(has_weird(&f->w, "internally_truncated_header"));
    free(copy);
}

static void test_vlan_qinq_mpls_pppoe(void **state)
{
    struct fixture *f = *state;
    uint8_t ipb[512], l4[64], fr[700];
    size_t iplen = ipv4(ipb, 6, IP4_A, IP4_B, l4, tcp(l4, 5, 6, TCP_SYN, NULL, 0, NULL));

    /* 802.1Q, 802.1ad QinQ, and a triple tag: a weird, the inner id
     * overwritten, the middle one kept for EVE's vlan [100, 200, 300] */
    static const struct {
        uint16_t tpid, tci[3];
        size_t ntags;
        uint16_t vlan, middle, inner;
        const char *weird;
    } tagged[] = {
        {0x8100, {0x2000 | 42}, 1, 42, 0, 0, NULL},
        {0x88a8, {100, 200}, 2, 100, 0, 200, NULL},
        {0x88a8, {100, 200, 300}, 3, 100, 200, 300, "triple_tagged_vlan_unsupported"},
    };
    size_t n;
    for (size_t i = 0; i < sizeof tagged / sizeof tagged[0]; i++) {
        n = eth(fr, tagged[i].tpid);
        for (size_t k = 0; k < tagged[i].ntags; k++)
            n += vlan_tag(fr + n, tagged[i].tci[k], k + 1 < tagged[i].ntags ? 0x8100 : 0x0800);
        memcpy(fr + n, ipb, iplen);
        assert_int_equal(run(f, LINKTYPE_ETHERNET, 1, fr, n + iplen), DECODE_OK);
        assert_int_equal(f->pkt.vlan, tagged[i].vlan);
        assert_int_equal(f->pkt.middle_vlan, tagged[i].middle);
        assert_int_equal(f->pkt.inner_vlan, tagged[i].inner);
        assert_int_equal(f->pkt.sport, 5);
        if (tagged[i].weird != NULL)
            assert_true(has_weird(&f->w, tagged[i].weird));
    }

    /* MPLS: two labels */
    n = eth(fr, 0x8847);
    wr32(fr + n, (16u << 12) | 64);
    wr32(fr + n + 4, (17u << 12) | 0x100 | 64);
    n += 8;
    memcpy(fr + n, ipb, iplen);
    assert_int_equal(run(f, LINKTYPE_ETHERNET, 1, fr, n + iplen), DECODE_OK);
    assert_int_equal(f->pkt.l4_proto, 6);

    /* PPPoE session, IPv4 and IPv6 */
    n = eth(fr, 0x8864);
    fr[n] = 0x11;
    fr[n + 1] = 0;
    wr16(fr + n + 2, 1);
    wr16(fr + n + 4, (uint16_t)(iplen + 2));
    wr16(fr + n + 6, 0x0021);
    n += 8;
    memcpy(fr + n, ipb, iplen);
    assert_int_equal(run(f, LINKTYPE_ETHERNET, 1, fr, n + iplen), DECODE_OK);
    assert_int_equal(f->pkt.ip_version, 4);
    /* the same without Ethernet */
    assert_int_equal(run(f, LINKTYPE_PPP_ETHER, 1, fr + 14, n - 14 + iplen), DECODE_OK);
    assert_int_equal(f->pkt.ip_version, 4);

    uint8_t ip6[512];
    size_t ip6len = ipv6(ip6, 6, IP6_A, IP6_B, l4, tcp(l4, 5, 6, TCP_SYN, NULL, 0, NULL));
    n = eth(fr, 0x8864);
    memset(fr + n, 0, 8);
    fr[n] = 0x11;
    wr16(fr + n + 6, 0x0057);
    n += 8;
    memcpy(fr + n, ip6, ip6len);
    assert_int_equal(run(f, LINKTYPE_ETHERNET, 1, fr, n + ip6len), DECODE_OK);
    assert_int_equal(f->pkt.ip_version, 6);
    assert_false(f->pkt.l4_checksum_bad);

    /* PPP LCP is not IP */
    wr16(fr + 14 + 6, 0xc021);
    assert_int_equal(run(f, LINKTYPE_ETHERNET, 1, fr, n + ip6len), DECODE_NOT_IP);

    /* ARP */
    n = eth(fr, 0x0806);
    memset(fr + n, 0, 28);
    assert_int_equal(run(f, LINKTYPE_ETHERNET, 1, fr, n + 28), DECODE_NOT_IP);
    assert_int_equal(f->pkt.ip_version, 0);
}

static void test_other_link_types(void **state)
{
    struct fixture *f = *state;
    uint8_t ipb[512], ip6[512], l4[64], fr[700];
    size_t iplen = ipv4(ipb, 17, IP4_A, IP4_B, l4, udp(l4, 7, 9, (const uint8_t *)"x", 1));
    size_t ip6len = ipv6(ip6, 17, IP6_A, IP6_B, l4, udp(l4, 7, 9, (const uint8_t *)"x", 1));

    /* SLL v1 */
    memset(fr, 0, 16);
    wr16(fr + 2, 1);
    wr16(fr + 4, 6);
    memcpy(fr + 6, MAC_A, 6);
    wr16(fr + 14, 0x0800);
    memcpy(fr + 16, ipb, iplen);
    assert_int_equal(run(f, LINKTYPE_LINUX_SLL, 1, fr, 16 + iplen), DECODE_OK);
    assert_int_equal(f->pkt.sport, 7);
    assert_memory_equal(f->pkt.eth_src, MAC_A, 6);

    /* SLL v2 */
    memset(fr, 0, 20);
    wr16(fr, 0x86dd);
    wr16(fr + 8, 1);
    fr[11] = 6;
    memcpy(fr + 12, MAC_B, 6);
    memcpy(fr + 20, ip6, ip6len);
    assert_int_equal(run(f, LINKTYPE_LINUX_SLL2, 1, fr, 20 + ip6len), DECODE_OK);
    assert_int_equal(f->pkt.ip_version, 6);
    assert_memory_equal(f->pkt.eth_src, MAC_B, 6);

    /* DLT_NULL host order (little-endian writer), AF_INET and the three AF_INET6 */
    static const uint32_t fams6[] = {24, 28, 30};
    memset(fr, 0, 4);
    fr[0] = 2;
    memcpy(fr + 4, ipb, iplen);
    assert_int_equal(run(f, LINKTYPE_NULL, 1, fr, 4 + iplen), DECODE_OK);
    for (size_t i = 0; i < 3; i++) {
        memset(fr, 0, 4);
        fr[0] = (uint8_t)fams6[i];
        memcpy(fr + 4, ip6, ip6len);
        assert_int_equal(run(f, LINKTYPE_NULL, 1, fr, 4 + ip6len), DECODE_OK);
        assert_int_equal(f->pkt.ip_version, 6);
        /* a big-endian writer */
        memset(fr, 0, 4);
        fr[3] = (uint8_t)fams6[i];
        assert_int_equal(run(f, LINKTYPE_NULL, 1, fr, 4 + ip6len), DECODE_OK);
        /* DLT_LOOP: network order */
        assert_int_equal(run(f, LINKTYPE_LOOP, 1, fr, 4 + ip6len), DECODE_OK);
    }
    wr32(fr, 7); /* AF_UNIX-ish: not IP */
    assert_int_equal(run(f, LINKTYPE_LOOP, 1, fr, 4 + ip6len), DECODE_NOT_IP);

    /* raw */
    assert_int_equal(run(f, LINKTYPE_RAW, 1, ipb, iplen), DECODE_OK);
    assert_int_equal(run(f, LINKTYPE_IPV4, 1, ipb, iplen), DECODE_OK);
    assert_int_equal(run(f, LINKTYPE_IPV6, 1, ip6, ip6len), DECODE_OK);
    assert_int_equal(run(f, DLT_RAW_BSD, 1, ip6, ip6len), DECODE_OK);
    assert_int_equal(run(f, DLT_RAW_OPENBSD, 1, ipb, iplen), DECODE_OK);
    assert_true(decode_linktype_supported(LINKTYPE_LINUX_SLL2));
    assert_false(decode_linktype_supported(104)); /* Cisco HDLC: not decoded */
    assert_int_equal(run(f, 104, 1, ipb, iplen), DECODE_NOT_IP);
    assert_int_equal(f->w.n, 0);
}

/* ---------------- IPv6 ---------------- */

/* An 8-byte hop-by-hop or destination options header holding one PadN
 * option, followed by next; its length. */
static size_t padn_options(uint8_t *out, uint8_t next)
{
    out[0] = next;
    out[1] = 0;
    out[2] = 1;
    out[3] = 4;
    memset(out + 4, 0, 4);
    return 8;
}

static void test_ipv6_extension_chain(void **state)
{
    struct fixture *f = *state;
    uint8_t body[512], ip[600], l4[64];
    size_t l4len = tcp(l4, 443, 5555, TCP_ACK, NULL, 0, "data");
    size_t b = 0;
    /* hop-by-hop (8 bytes, PadN) -> routing type 0 (one address, segments left 1) -> dest opts -> TCP */
    b += padn_options(body + b, 43);
    body[b + 0] = 60;
    body[b + 1] = 2; /* 24 bytes */
    body[b + 2] = 0; /* type 0 */
    body[b + 3] = 1; /* segments left */
    memset(body + b + 4, 0, 4);
    memcpy(body + b + 8, IP6_C, 16);
    b += 24;
    b += padn_options(body + b, 6);
    memcpy(body + b, l4, l4len);
    size_t n = ipv6_full(ip, 0, IP6_A, IP6_B, body, b + l4len, b, 6, IP6_C);
    assert_int_equal(run(f, LINKTYPE_RAW, 1, ip, n), DECODE_OK);
    assert_int_equal(f->pkt.l4_proto, 6);
    assert_ptr_equal(f->pkt.l4, ip + 40 + b);
    assert_int_equal(f->pkt.l4_len, l4len);
    assert_int_equal(f->pkt.sport, 443);
    assert_int_equal(f->pkt.payload_len, 4);
    assert_memory_equal(f->pkt.dst.b, IP6_C, 16); /* the routing header's final destination */
    assert_true(has_weird(&f->w, "routing0_hdr"));
    assert_false(f->pkt.l4_checksum_bad);
    assert_int_equal(f->pkt.ip_len, n);

    /* ESP ends the chain */
    uint8_t esp[32] = {0, 0, 0, 1, 0, 0, 0, 1};
    n = ipv6(ip, 50, IP6_A, IP6_B, esp, sizeof esp);
    assert_int_equal(run(f, LINKTYPE_RAW, 1, ip, n), DECODE_OK);
    assert_int_equal(f->pkt.l4_proto, 50);

    /* no next header */
    uint8_t none[8] = {59, 0, 1, 4, 0, 0, 0, 0};
    n = ipv6(ip, 60, IP6_A, IP6_B, none, sizeof none);
    f->w.n = 0;
    assert_int_equal(run(f, LINKTYPE_RAW, 1, ip, n), DECODE_MALFORMED);
    assert_true(has_weird(&f->w, "ipv6_no_next"));

    /* A long chain of destination options stays bounded. */
    uint8_t longb[2048];
    size_t lb = 0;
    for (int i = 0; i < 200; i++) {
        longb[lb] = 60;
        longb[lb + 1] = 0;
        memset(longb + lb + 2, 0, 6);
        lb += 8;
    }
    longb[lb - 8] = 17;
    n = ipv6(ip, 60, IP6_A, IP6_B, longb, 0);
    uint8_t *big = malloc(40 + lb);
    memcpy(big, ip, 40);
    wr16(big + 4, (uint16_t)lb);
    memcpy(big + 40, longb, lb);
    assert_int_equal(run(f, LINKTYPE_RAW, 1, big, 40 + lb), DECODE_OK);
    free(big);
}

/* The raw IP packet ip decoded with a good ICMP checksum, then again with its
 * last payload byte flipped: still decoded, the checksum marked bad. */
static void expect_payload_flip_caught(struct fixture *f, uint8_t *ip, size_t n)
{
    assert_false(f->pkt.l4_checksum_bad);
    ip[n - 1] ^= 1;
    assert_int_equal(run(f, LINKTYPE_RAW, 1, ip, n), DECODE_OK);
    assert_true(f->pkt.l4_checksum_bad);
}

static void test_icmp_and_icmpv6(void **state)
{
    struct fixture *f = *state;
    uint8_t msg[64] = {8, 0, 0, 0, 0x12, 0x34, 0, 1, 'p', 'i', 'n', 'g'};
    uint8_t ip[256];
    size_t n = ipv4(ip, 1, IP4_A, IP4_B, msg, 12);
    assert_int_equal(run(f, LINKTYPE_RAW, 1, ip, n), DECODE_OK);
    assert_int_equal(f->pkt.l4_proto, 1);
    assert_int_equal(f->pkt.icmp_type, 8);
    assert_int_equal(f->pkt.icmp_code, 0);
    assert_int_equal(f->pkt.payload_len, 4);
    /* the IP header checksum does not cover the payload */
    expect_payload_flip_caught(f, ip, n);

    uint8_t m6[64] = {128, 0, 0, 0, 0, 1, 0, 2, 'x'};
    n = ipv6(ip, 58, IP6_A, IP6_B, m6, 9);
    assert_int_equal(run(f, LINKTYPE_RAW, 1, ip, n), DECODE_OK);
    assert_int_equal(f->pkt.l4_proto, 58);
    assert_int_equal(f->pkt.icmp_type, 128);
    expect_payload_flip_caught(f, ip, n);

    /* A 4-byte ICMP message: Zeek's truncated_header */
    n = ipv4(ip, 1, IP4_A, IP4_B, msg, 4);
    assert_int_equal(run(f, LINKTYPE_RAW, 1, ip, n), DECODE_MALFORMED);
    assert_true(has_weird(&f->w, "truncated_header"));
}

/* Suricata's ICMPv4 decoder events (decode-icmpv4.c): a type it does not
 * know, a code its type does not have; still decoded. ICMPv6 raises neither. */
static void test_icmpv4_unknown_type_and_code(void **state)
{
    (void)state;
    static const struct {
        uint8_t type, code;
        const char *weird; /* NULL: none */
    } cases[] = {
        {8, 0, NULL}, {3, 15, NULL}, {11, 1, NULL}, {3, 16, "ICMP_unknown_code"}, {0, 23, "ICMP_unknown_code"},
        {9, 0, "ICMP_unknown_type"}, {19, 0, "ICMP_unknown_type"}, {255, 0, "ICMP_unknown_type"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct fixture *f = fixture_new(NULL);
        uint8_t msg[16] = {cases[i].type, cases[i].code};
        uint8_t ip[256];
        size_t n = ipv4(ip, 1, IP4_A, IP4_B, msg, sizeof msg);
        assert_int_equal(run(f, LINKTYPE_RAW, 1, ip, n), DECODE_OK);
        assert_int_equal(f->w.n, cases[i].weird ? 1 : 0);
        if (cases[i].weird)
            assert_string_equal(f->w.names[0], cases[i].weird);
        fixture_free(f);
    }
    struct fixture *f = fixture_new(NULL);
    uint8_t m6[16] = {200, 99};
    uint8_t ip[256];
    size_t n = ipv6(ip, 58, IP6_A, IP6_B, m6, sizeof m6);
    assert_int_equal(run(f, LINKTYPE_RAW, 1, ip, n), DECODE_OK);
    assert_int_equal(f->w.n, 0);
    fixture_free(f);
}

static void test_udp_checksum_zero_and_unknown_proto(void **state)
{
    struct fixture *f = *state;
    uint8_t l4[64], ip[256];
    size_t n = udp(l4, 1, 2, (const uint8_t *)"zz", 2);
    n = ipv4(ip, 17, IP4_A, IP4_B, l4, n);
    wr16(ip + 20 + 6, 0); /* "no checksum" */
    assert_int_equal(run(f, LINKTYPE_RAW, 1, ip, n), DECODE_OK);
    assert_false(f->pkt.l4_checksum_bad);
    wr16(ip + 20 + 6, 0x1234);
    assert_int_equal(run(f, LINKTYPE_RAW, 1, ip, n), DECODE_OK);
    assert_true(f->pkt.l4_checksum_bad);

    n = ipv4(ip, 132, IP4_A, IP4_B, (const uint8_t *)"sctp-ish-bytes", 14);
    assert_int_equal(run(f, LINKTYPE_RAW, 1, ip, n), DECODE_OK);
    assert_int_equal(f->pkt.l4_proto, 132);
    assert_int_equal(f->pkt.l4_len, 14);
    assert_int_equal(f->pkt.sport, 0x7363); /* SCTP ports feed the flow key */

    /* bad TCP data offset */
    uint8_t t[64];
    size_t tl = tcp(t, 1, 2, 0, NULL, 0, NULL);
    t[12] = 0x40;
    n = ipv4(ip, 6, IP4_A, IP4_B, t, tl);
    assert_int_equal(run(f, LINKTYPE_RAW, 1, ip, n), DECODE_MALFORMED);
    assert_true(has_weird(&f->w, "bad_TCP_header_len"));
    t[12] = 0xf0;
    n = ipv4(ip, 6, IP4_A, IP4_B, t, tl);
    assert_int_equal(run(f, LINKTYPE_RAW, 1, ip, n), DECODE_MALFORMED);
    assert_true(has_weird(&f->w, "truncated_header"));
}

/* ---------------- tunnels ---------------- */

static size_t inner_ipv4_tcp(uint8_t *out)
{
    uint8_t l4[64];
    return ipv4(out, 6, IP4_C, IP4_D, l4, tcp(l4, 1111, 22, TCP_SYN, NULL, 0, NULL));
}

static void assert_inner_tcp(const struct packet *p)
{
    assert_int_equal(p->ip_version, 4);
    assert_memory_equal(p->src.b + 12, IP4_C, 4);
    assert_memory_equal(p->dst.b + 12, IP4_D, 4);
    assert_int_equal(p->l4_proto, 6);
    assert_int_equal(p->sport, 1111);
    assert_int_equal(p->dport, 22);
    assert_false(p->l4_checksum_bad);
}

static void test_ip_in_ip(void **state)
{
    struct fixture *f = *state;
    uint8_t inner[256], outer[512], fr[700];
    size_t in = inner_ipv4_tcp(inner);

    /* 4in4 over Ethernet with a VLAN */
    size_t on = ipv4(outer, 4, IP4_A, IP4_B, inner, in);
    size_t n = eth(fr, 0x8100);
    n += vlan_tag(fr + n, 7, 0x0800);
    memcpy(fr + n, outer, on);
    assert_int_equal(run(f, LINKTYPE_ETHERNET, 1, fr, n + on), DECODE_OK);
    assert_inner_tcp(&f->pkt);
    assert_int_equal(f->pkt.tunnel_depth, 1);
    assert_int_equal(f->pkt.tunnels[0].type, TUNNEL_IP);
    assert_memory_equal(f->pkt.tunnels[0].src.b + 12, IP4_A, 4);
    assert_int_equal(f->pkt.tunnels[0].ip_len, on);
    assert_int_equal(f->pkt.tunnels[0].vlan, 7);
    assert_int_equal(f->pkt.tunnels[0].ip_version, 4);
    assert_int_equal(f->pkt.vlan, 0);
    assert_ptr_equal(f->pkt.eth_src, fr + 6);

    /* 4in6 */
    on = ipv6(outer, 4, IP6_A, IP6_B, inner, in);
    assert_int_equal(run(f, LINKTYPE_RAW, 1, outer, on), DECODE_OK);
    assert_inner_tcp(&f->pkt);
    assert_int_equal(f->pkt.tunnels[0].ip_version, 6);

    /* 6in4 and 6in6 */
    uint8_t in6[256], l4[64];
    size_t in6n = ipv6(in6, 17, IP6_A, IP6_C, l4, udp(l4, 9, 10, NULL, 0));
    on = ipv4(outer, 41, IP4_A, IP4_B, in6, in6n);
    assert_int_equal(run(f, LINKTYPE_RAW, 1, outer, on), DECODE_OK);
    assert_int_equal(f->pkt.ip_version, 6);
    assert_int_equal(f->pkt.l4_proto, 17);
    assert_int_equal(f->pkt.tunnels[0].type, TUNNEL_IP);
    on = ipv6(outer, 41, IP6_B, IP6_A, in6, in6n);
    assert_int_equal(run(f, LINKTYPE_RAW, 1, outer, on), DECODE_OK);
    assert_int_equal(f->pkt.dport, 10);

    /* three levels: Zeek's max depth is 2 */
    uint8_t l2[512], l3[700];
    size_t n2 = ipv4(l2, 4, IP4_A, IP4_B, inner, in);
    size_t n3 = ipv4(l3, 4, IP4_B, IP4_A, l2, n2);
    assert_int_equal(run(f, LINKTYPE_RAW, 1, l3, n3), DECODE_OK);
    assert_int_equal(f->pkt.tunnel_depth, 2);
    assert_inner_tcp(&f->pkt);
    size_t n4 = ipv4(outer, 4, IP4_C, IP4_A, l3, n3);
    f->w.n = 0;
    assert_int_equal(run(f, LINKTYPE_RAW, 1, outer, n4), DECODE_MALFORMED);
    assert_true(has_weird(&f->w, "exceeded_tunnel_max_depth"));
}

static size_t gre_hdr(uint8_t *out, uint16_t flags, uint16_t proto)
{
    size_t n = 4;
    wr16(out, flags);
    wr16(out + 2, proto);
    if (flags & 0x8000)
        n += 4;
    if (flags & 0x2000) {
        wr32(out + n, 0xabcdef);
        n += 4;
    }
    if (flags & 0x1000) {
        wr32(out + n, 99);
        n += 4;
    }
    if (flags & 0x0080) {
        wr32(out + n, 98);
        n += 4;
    }
    return n;
}

/* body's GRE (and ERSPAN) headers of length g, then Ethernet and the inner
 * IPv4/TCP packet, sent in IPv4 to IP4_B: the inner TCP is decoded. */
static void expect_gre_bridges_inner(struct fixture *f, uint8_t *body, size_t g, const uint8_t *inner, size_t in,
                                     uint8_t *outer)
{
    size_t e = eth(body + g, 0x0800);
    memcpy(body + g + e, inner, in);
    size_t on = ipv4(outer, 47, IP4_A, IP4_B, body, g + e + in);
    assert_int_equal(run(f, LINKTYPE_RAW, 1, outer, on), DECODE_OK);
    assert_inner_tcp(&f->pkt);
}

static void test_gre(void **state)
{
    struct fixture *f = *state;
    uint8_t inner[256], body[700], outer[800];
    size_t in = inner_ipv4_tcp(inner);

    /* GRE v0 with checksum, key and sequence, carrying IPv4 */
    size_t g = gre_hdr(body, 0x8000 | 0x2000 | 0x1000, 0x0800);
    memcpy(body + g, inner, in);
    size_t on = ipv4(outer, 47, IP4_A, IP4_B, body, g + in);
    assert_int_equal(run(f, LINKTYPE_RAW, 1, outer, on), DECODE_OK);
    assert_inner_tcp(&f->pkt);
    assert_int_equal(f->pkt.tunnels[0].type, TUNNEL_GRE);
    assert_int_equal(f->pkt.tunnels[0].sport, 0);

    /* transparent Ethernet bridging with an inner VLAN */
    g = gre_hdr(body, 0x2000, 0x6558);
    size_t e = eth(body + g, 0x8100);
    e += vlan_tag(body + g + e, 33, 0x0800);
    memcpy(body + g + e, inner, in);
    on = ipv4(outer, 47, IP4_A, IP4_B, body, g + e + in);
    assert_int_equal(run(f, LINKTYPE_RAW, 1, outer, on), DECODE_OK);
    assert_inner_tcp(&f->pkt);
    assert_int_equal(f->pkt.vlan, 33);
    assert_ptr_equal(f->pkt.eth_dst, outer + 20 + g);

    /* ERSPAN type II: sequence number + 8-byte ERSPAN header */
    g = gre_hdr(body, 0x1000, 0x88be);
    memset(body + g, 0, 8);
    body[g] = 0x10;
    g += 8;
    expect_gre_bridges_inner(f, body, g, inner, in, outer);

    /* ERSPAN type III with the optional sub-header */
    g = gre_hdr(body, 0x1000, 0x22eb);
    memset(body + g, 0, 12);
    body[g + 11] = 0x01;
    g += 12;
    memset(body + g, 0, 8);
    g += 8;
    expect_gre_bridges_inner(f, body, g, inner, in, outer);

    /* PPTP: enhanced GRE v1 with key and sequence, PPP header, IPv4 */
    g = gre_hdr(body, 0x2000 | 0x1000 | 1, 0x880b);
    body[g] = 0xff;
    body[g + 1] = 0x03;
    wr16(body + g + 2, 0x0021);
    g += 4;
    memcpy(body + g, inner, in);
    on = ipv4(outer, 47, IP4_A, IP4_B, body, g + in);
    assert_int_equal(run(f, LINKTYPE_RAW, 1, outer, on), DECODE_OK);
    assert_inner_tcp(&f->pkt);

    /* weirds */
    f->w.n = 0;
    g = gre_hdr(body, 2, 0x0800);
    memcpy(body + g, inner, in);
    on = ipv4(outer, 47, IP4_A, IP4_B, body, g + in);
    assert_int_equal(run(f, LINKTYPE_RAW, 1, outer, on), DECODE_MALFORMED);
    assert_true(has_weird(&f->w, "unknown_gre_version"));
    assert_string_equal(f->w.addl[0], "version=2");

    g = gre_hdr(body, 0x4000, 0x0800);
    memcpy(body + g, inner, in);
    on = ipv4(outer, 47, IP4_A, IP4_B, body, g + in);
    assert_int_equal(run(f, LINKTYPE_RAW, 1, outer, on), DECODE_MALFORMED);
    assert_true(has_weird(&f->w, "gre_routing"));

    g = gre_hdr(body, 0, 0x6558);
    on = ipv4(outer, 47, IP4_A, IP4_B, body, g + 10);
    assert_int_equal(run(f, LINKTYPE_RAW, 1, outer, on), DECODE_MALFORMED);
    assert_true(has_weird(&f->w, "truncated_GRE"));

    g = gre_hdr(body, 0, 0x0806); /* ARP in GRE: not IP, no weird */
    f->w.n = 0;
    on = ipv4(outer, 47, IP4_A, IP4_B, body, g + 28);
    assert_int_equal(run(f, LINKTYPE_RAW, 1, outer, on), DECODE_NOT_IP);
    assert_int_equal(f->w.n, 0);
}

static size_t udp_tunnel_frame(uint8_t *fr, uint16_t sp, uint16_t dp, const uint8_t *hdr, size_t hl,
                               const uint8_t *inner, size_t in)
{
    uint8_t pl[700], l4[800], ip[900];
    memcpy(pl, hdr, hl);
    memcpy(pl + hl, inner, in);
    size_t u = udp(l4, sp, dp, pl, hl + in);
    size_t n = ipv4(ip, 17, IP4_A, IP4_B, l4, u);
    size_t e = eth(fr, 0x0800);
    memcpy(fr + e, ip, n);
    return e + n;
}

static void test_udp_tunnels(void **state)
{
    struct fixture *f = *state;
    uint8_t inner[256], ieth[400], fr[1200];
    size_t in = inner_ipv4_tcp(inner);
    size_t ie = eth(ieth, 0x0800);
    /* a different inner MAC pair */
    ieth[0] = 0xde;
    ieth[6] = 0xad;
    memcpy(ieth + ie, inner, in);
    ie += in;

    /* VXLAN */
    uint8_t vx[8] = {0x08, 0, 0, 0, 0, 0, 42, 0};
    size_t n = udp_tunnel_frame(fr, 50000, 4789, vx, 8, ieth, ie);
    assert_int_equal(run(f, LINKTYPE_ETHERNET, 1, fr, n), DECODE_OK);
    assert_inner_tcp(&f->pkt);
    assert_int_equal(f->pkt.tunnel_depth, 1);
    struct tunnel_layer *t = &f->pkt.tunnels[0];
    assert_int_equal(t->type, TUNNEL_VXLAN);
    assert_int_equal(t->sport, 50000);
    assert_int_equal(t->dport, 4789);
    assert_int_equal(t->udp_payload_len, 8 + ie);
    assert_int_equal(t->ip_len, 20 + 8 + 8 + ie);
    assert_int_equal(f->pkt.eth_dst[0], 0xde);

    /* VXLAN without the I flag: a plain UDP packet */
    vx[0] = 0;
    n = udp_tunnel_frame(fr, 50000, 4789, vx, 8, ieth, ie);
    assert_int_equal(run(f, LINKTYPE_ETHERNET, 1, fr, n), DECODE_OK);
    assert_int_equal(f->pkt.tunnel_depth, 0);
    assert_int_equal(f->pkt.l4_proto, 17);
    assert_int_equal(f->pkt.dport, 4789);
    vx[0] = 0x08;

    /* VXLAN carrying ARP: the outer UDP packet stays */
    uint8_t arp[64];
    size_t an = eth(arp, 0x0806);
    memset(arp + an, 0, 28);
    n = udp_tunnel_frame(fr, 50000, 4789, vx, 8, arp, an + 28);
    assert_int_equal(run(f, LINKTYPE_ETHERNET, 1, fr, n), DECODE_OK);
    assert_int_equal(f->pkt.tunnel_depth, 0);
    assert_int_equal(f->pkt.dport, 4789);
    assert_ptr_equal(f->pkt.eth_src, fr + 6);

    /* same inner, other port: not decoded */
    n = udp_tunnel_frame(fr, 50000, 4790, vx, 8, ieth, ie);
    assert_int_equal(run(f, LINKTYPE_ETHERNET, 1, fr, n), DECODE_OK);
    assert_int_equal(f->pkt.tunnel_depth, 0);

    /* Geneve with 4 bytes of options, Ethernet inside */
    uint8_t gv[12] = {0x01, 0, 0x65, 0x58, 0, 0, 1, 0, 0, 0, 0, 0};
    n = udp_tunnel_frame(fr, 1234, 6081, gv, 12, ieth, ie);
    assert_int_equal(run(f, LINKTYPE_ETHERNET, 1, fr, n), DECODE_OK);
    assert_inner_tcp(&f->pkt);
    assert_int_equal(f->pkt.tunnels[0].type, TUNNEL_GENEVE);

    /* GTP-U G-PDU, with and without the optional fields */
    uint8_t gtp[12] = {0x30, 0xff, 0, 0, 0, 0, 0, 1};
    wr16(gtp + 2, (uint16_t)in);
    n = udp_tunnel_frame(fr, 2152, 2152, gtp, 8, inner, in);
    assert_int_equal(run(f, LINKTYPE_ETHERNET, 1, fr, n), DECODE_OK);
    assert_inner_tcp(&f->pkt);
    assert_int_equal(f->pkt.tunnels[0].type, TUNNEL_GTPV1);
    gtp[0] = 0x32; /* S flag */
    memset(gtp + 8, 0, 4);
    n = udp_tunnel_frame(fr, 2152, 2152, gtp, 12, inner, in);
    assert_int_equal(run(f, LINKTYPE_ETHERNET, 1, fr, n), DECODE_OK);
    assert_inner_tcp(&f->pkt);
    /* GTP echo request: not a G-PDU, plain UDP */
    gtp[1] = 1;
    n = udp_tunnel_frame(fr, 2152, 2152, gtp, 12, inner, in);
    assert_int_equal(run(f, LINKTYPE_ETHERNET, 1, fr, n), DECODE_OK);
    assert_int_equal(f->pkt.tunnel_depth, 0);

    /* VXLAN in VXLAN in VXLAN: the third level is a weird, the second stays */
    uint8_t lvl2[900], lvl3[1100];
    size_t l2 = udp_tunnel_frame(lvl2, 1, 4789, vx, 8, ieth, ie);
    size_t l3 = udp_tunnel_frame(lvl3, 2, 4789, vx, 8, lvl2, l2);
    n = udp_tunnel_frame(fr, 3, 4789, vx, 8, lvl3, l3);
    f->w.n = 0;
    assert_int_equal(run(f, LINKTYPE_ETHERNET, 1, fr, n), DECODE_OK);
    assert_true(has_weird(&f->w, "exceeded_tunnel_max_depth"));
    assert_int_equal(f->pkt.tunnel_depth, 2);
    assert_int_equal(f->pkt.l4_proto, 17);
    assert_int_equal(f->pkt.sport, 1);
}

/* ---------------- fragments ---------------- */

/* Splits an IPv4 datagram's payload into pieces [offs[i], offs[i+1]). */
static size_t frag4(uint8_t *out, const uint8_t *payload, size_t start, size_t end, bool more, uint16_t id,
                    uint8_t proto)
{
    uint16_t fo = (uint16_t)((start / 8) | (more ? 0x2000 : 0));
    return ipv4_full(out, proto, IP4_A, IP4_B, payload + start, end - start, id, fo, NULL, 0);
}

static size_t make_udp_payload(uint8_t *l4, size_t datalen)
{
    uint8_t data[4000];
    for (size_t i = 0; i < datalen; i++)
        data[i] = (uint8_t)(i * 7 + 3);
    size_t n = udp(l4, 4444, 53, data, datalen);
    l4_fix_checksum(l4, n, 17, IP4_A, IP4_B, 4);
    return n;
}

/* p is the reassembled UDP datagram l4 (total bytes, 8 of them the header),
 * from sport, its checksum good. */
static void expect_reassembled_udp(const struct packet *p, const uint8_t *l4, size_t total, uint16_t sport)
{
    assert_true(p->reassembled);
    assert_int_equal(p->l4_proto, 17);
    assert_int_equal(p->sport, sport);
    assert_int_equal(p->payload_len, total - 8);
    assert_false(p->l4_checksum_bad);
    assert_memory_equal(p->l4, l4, total);
}

static void test_ipv4_fragments(void **state)
{
    struct fixture *f = *state;
    uint8_t l4[4100], fr[4200];
    size_t total = make_udp_payload(l4, 1992); /* 2000 bytes of UDP */

    /* in order */
    assert_int_equal(run(f, LINKTYPE_RAW, 1, fr, frag4(fr, l4, 0, 800, true, 1, 17)), DECODE_HELD);
    assert_int_equal(run(f, LINKTYPE_RAW, 2, fr, frag4(fr, l4, 800, 1600, true, 1, 17)), DECODE_HELD);
    assert_int_equal(run(f, LINKTYPE_RAW, 3, fr, frag4(fr, l4, 1600, total, false, 1, 17)), DECODE_OK);
    expect_reassembled_udp(&f->pkt, l4, total, 4444);
    assert_int_equal(f->pkt.ip_len, 20 + total);
    assert_int_equal(f->pkt.payload_caplen, 1992);
    assert_int_equal(load_be16(f->pkt.l3 + 6), 0);
    assert_int_equal(f->w.n, 0);
    const struct decode_stats *st = decoder_stats(f->d);
    assert_int_equal(st->fragments, 3);
    assert_int_equal(st->reassembled, 1);

    /* out of order, duplicated */
    f->w.n = 0;
    assert_int_equal(run(f, LINKTYPE_RAW, 4, fr, frag4(fr, l4, 1600, total, false, 2, 17)), DECODE_HELD);
    assert_int_equal(run(f, LINKTYPE_RAW, 5, fr, frag4(fr, l4, 0, 800, true, 2, 17)), DECODE_HELD);
    assert_int_equal(run(f, LINKTYPE_RAW, 6, fr, frag4(fr, l4, 0, 800, true, 2, 17)), DECODE_HELD);
    assert_true(has_weird(&f->w, "fragment_overlap"));
    assert_false(has_weird(&f->w, "fragment_inconsistency"));
    assert_int_equal(run(f, LINKTYPE_RAW, 7, fr, frag4(fr, l4, 800, 1600, true, 2, 17)), DECODE_OK);
    assert_memory_equal(f->pkt.l4, l4, total);

    /* conflicting overlap: first-seen bytes win */
    f->w.n = 0;
    uint8_t evil[4100];
    memcpy(evil, l4, total);
    for (size_t i = 700; i < 900; i++)
        evil[i] ^= 0xff;
    assert_int_equal(run(f, LINKTYPE_RAW, 8, fr, frag4(fr, l4, 0, 800, true, 3, 17)), DECODE_HELD);
    assert_int_equal(run(f, LINKTYPE_RAW, 9, fr, frag4(fr, evil, 696, 1600, true, 3, 17)), DECODE_HELD);
    assert_true(has_weird(&f->w, "fragment_inconsistency"));
    assert_int_equal(run(f, LINKTYPE_RAW, 10, fr, frag4(fr, l4, 1600, total, false, 3, 17)), DECODE_OK);
    assert_memory_equal(f->pkt.l4, l4, 800);
    assert_memory_equal(f->pkt.l4 + 800, evil + 800, 100);

    /* DF and a tiny fragment */
    f->w.n = 0;
    size_t n = frag4(fr, l4, 0, 16, true, 4, 17);
    wr16(fr + 6, 0x4000 | 0x2000);
    wr16(fr + 10, 0);
    wr16(fr + 10, ref_finish(ref_sum(0, fr, 20)));
    assert_int_equal(run(f, LINKTYPE_RAW, 11, fr, n), DECODE_HELD);
    assert_true(has_weird(&f->w, "fragment_with_DF"));
    assert_true(has_weird(&f->w, "excessively_small_fragment"));

    /* last fragment disagreeing on the size */
    f->w.n = 0;
    assert_int_equal(run(f, LINKTYPE_RAW, 12, fr, frag4(fr, l4, 800, 1600, false, 5, 17)), DECODE_HELD);
    assert_int_equal(run(f, LINKTYPE_RAW, 13, fr, frag4(fr, l4, 1600, total, false, 5, 17)), DECODE_HELD);
    assert_true(has_weird(&f->w, "fragment_size_inconsistency"));
}

static void test_ipv4_fragment_timeout_and_limits(void **state)
{
    (void)state;
    struct decode_config cfg;
    decode_config_defaults(&cfg);
    cfg.frag_timeout_us = 1000000;
    struct fixture *f = fixture_new(&cfg);
    uint8_t l4[4100], fr[4200];
    size_t total = make_udp_payload(l4, 1992);

    assert_int_equal(run(f, LINKTYPE_RAW, 0, fr, frag4(fr, l4, 0, 800, true, 9, 17)), DECODE_HELD);
    /* two seconds later the first piece has expired: the rest never completes */
    assert_int_equal(run(f, LINKTYPE_RAW, 2000000, fr, frag4(fr, l4, 800, total, false, 9, 17)), DECODE_HELD);
    assert_int_equal(decoder_stats(f->d)->frag_dropped, 1);
    assert_int_equal(decoder_stats(f->d)->reassembled, 0);
    fixture_free(f);

    /* memcap: room for about one datagram */
    decode_config_defaults(&cfg);
    cfg.frag_memcap = 4096;
    f = fixture_new(&cfg);
    for (uint16_t id = 100; id < 110; id++)
        assert_int_equal(run(f, LINKTYPE_RAW, id, fr, frag4(fr, l4, 0, 800, true, id, 17)), DECODE_HELD);
    assert_true(decoder_stats(f->d)->frag_memcap_hits > 0);
    assert_true(decoder_stats(f->d)->frag_dropped > 0);
    /* the newest datagram still completes */
    assert_int_equal(run(f, LINKTYPE_RAW, 200, fr, frag4(fr, l4, 800, total, false, 109, 17)), DECODE_OK);
    assert_int_equal(f->pkt.sport, 4444);
    fixture_free(f);

    /* datagram count limit */
    decode_config_defaults(&cfg);
    cfg.frag_max_datagrams = 2;
    f = fixture_new(&cfg);
    for (uint16_t id = 1; id <= 3; id++)
        assert_int_equal(run(f, LINKTYPE_RAW, id, fr, frag4(fr, l4, 0, 800, true, id, 17)), DECODE_HELD);
    assert_int_equal(decoder_stats(f->d)->frag_dropped, 1);
    assert_int_equal(run(f, LINKTYPE_RAW, 9, fr, frag4(fr, l4, 800, total, false, 1, 17)), DECODE_HELD);
    assert_int_equal(run(f, LINKTYPE_RAW, 9, fr, frag4(fr, l4, 800, total, false, 3, 17)), DECODE_OK);
    fixture_free(f);

    /* a fragment past 65535 bytes */
    f = fixture_new(NULL);
    uint8_t big[1100];
    memset(big, 0, sizeof big);
    size_t n = ipv4_full(fr, 17, IP4_A, IP4_B, big, 1000, 77, (uint16_t)(8100 | 0x2000), NULL, 0);
    f->w.n = 0;
    assert_int_equal(run(f, LINKTYPE_RAW, 1, fr, n), DECODE_HELD);
    assert_true(has_weird(&f->w, "excessively_large_fragment"));
    fixture_free(f);
}

/* The fragment table's hash before it was keyed: FNV-1a over (version,
 * proto, id, src, dst), folded. Keys that share a bucket under it are what
 * a sender could compute to make every lookup walk one long chain. */
static uint32_t unkeyed_frag_hash(uint16_t id, const uint8_t src[4], const uint8_t dst[4])
{
    uint32_t h = 2166136261u ^ 4u ^ (17u << 8);
    h = (h ^ id) * 16777619u;
    for (int i = 0; i < 4; i++)
        h = (h ^ src[i]) * 16777619u;
    for (int i = 0; i < 4; i++)
        h = (h ^ dst[i]) * 16777619u;
    return h ^ (h >> 15);
}

static void test_frag_table_spreads_keys_colliding_under_unkeyed_hash(void **state)
{
    (void)state;
    struct decode_config cfg;
    decode_config_defaults(&cfg);
    cfg.frag_max_datagrams = 1024; /* 1024 buckets */
    struct fixture *f = fixture_new(&cfg);
    uint8_t l4[64], fr[256];
    make_udp_payload(l4, 24);
    unsigned flooded = 0;
    for (unsigned host = 0; host < 65536 && flooded < 1000; host++) {
        const uint8_t src[4] = {10, 0, (uint8_t)(host >> 8), (uint8_t)host};
        for (uint32_t id = 0; id < 65536 && flooded < 1000; id += 7) {
            if ((unkeyed_frag_hash((uint16_t)id, src, IP4_B) & 1023) != 0)
                continue;
            size_t n = ipv4_full(fr, 17, src, IP4_B, l4, 16, (uint16_t)id, 0x2000, NULL, 0);
            assert_int_equal(run(f, LINKTYPE_RAW, 1, fr, n), DECODE_HELD);
            flooded++;
            break; /* one id per source: the pairs differ in both */
        }
    }
    assert_int_equal(flooded, 1000);
    /* Under the unkeyed hash all 1000 share bucket 0; keyed, a bucket holds a handful. */
    assert_true(frag_longest_chain(f->d) < 32);
    fixture_free(f);
}

static size_t frag6(uint8_t *out, const uint8_t *payload, size_t start, size_t end, bool more, uint32_t id,
                    bool with_hbh)
{
    uint8_t body[2000];
    size_t b = 0;
    if (with_hbh) {
        body[0] = 44;
        body[1] = 0;
        body[2] = 1;
        body[3] = 4;
        memset(body + 4, 0, 4);
        b = 8;
    }
    body[b] = 17;
    body[b + 1] = 0;
    wr16(body + b + 2, (uint16_t)(start | (more ? 1 : 0)));
    wr32(body + b + 4, id);
    b += 8;
    memcpy(body + b, payload + start, end - start);
    return ipv6_full(out, with_hbh ? 0 : 44, IP6_A, IP6_B, body, b + end - start, 0, 0, NULL);
}

static void test_ipv6_fragments(void **state)
{
    struct fixture *f = *state;
    uint8_t data[1600], l4[1700], fr[2000];
    for (size_t i = 0; i < sizeof data; i++)
        data[i] = (uint8_t)i;
    size_t total = udp(l4, 7000, 7001, data, 1500);
    l4_fix_checksum(l4, total, 17, IP6_A, IP6_B, 16);

    for (int hbh = 0; hbh < 2; hbh++) {
        uint32_t id = 0x1000 + (uint32_t)hbh;
        /* out of order */
        assert_int_equal(run(f, LINKTYPE_RAW, 1, fr, frag6(fr, l4, 1000, total, false, id, hbh)), DECODE_HELD);
        assert_int_equal(run(f, LINKTYPE_RAW, 1, fr, frag6(fr, l4, 0, 504, true, id, hbh)), DECODE_HELD);
        assert_int_equal(run(f, LINKTYPE_RAW, 1, fr, frag6(fr, l4, 504, 1000, true, id, hbh)), DECODE_OK);
        expect_reassembled_udp(&f->pkt, l4, total, 7000);
        assert_int_equal(f->pkt.ip_version, 6);
        assert_int_equal(f->pkt.l3[6], hbh ? 0 : 17);
    }
    /* atomic fragment */
    assert_int_equal(run(f, LINKTYPE_RAW, 1, fr, frag6(fr, l4, 0, total, false, 77, false)), DECODE_OK);
    assert_int_equal(f->pkt.dport, 7001);
    assert_int_equal(f->w.n, 0);

    /* an atomic fragment inside an atomic fragment is not reassembled twice */
    uint8_t nested[64] = {17, 0, 0, 0, 0, 0, 0, 5};
    memcpy(nested + 8, l4, 16);
    uint8_t body[128] = {44, 0, 0, 0, 0, 0, 0, 6};
    memcpy(body + 8, nested, 24);
    size_t n = ipv6_full(fr, 44, IP6_A, IP6_B, body, 32, 0, 0, NULL);
    assert_int_equal(run(f, LINKTYPE_RAW, 1, fr, n), DECODE_OK);
    assert_true(f->pkt.reassembled);
    assert_int_equal(f->pkt.l4_proto, 44);
}

static void test_fragment_in_tunnel(void **state)
{
    struct fixture *f = *state;
    uint8_t l4[4100], fr[4200], outer[4400];
    size_t total = make_udp_payload(l4, 1992);
    size_t n = frag4(fr, l4, 0, 1000, true, 55, 17);
    size_t on = ipv4(outer, 4, IP4_C, IP4_D, fr, n);
    assert_int_equal(run(f, LINKTYPE_RAW, 1, outer, on), DECODE_HELD);
    n = frag4(fr, l4, 1000, total, false, 55, 17);
    on = ipv4(outer, 4, IP4_C, IP4_D, fr, n);
    assert_int_equal(run(f, LINKTYPE_RAW, 2, outer, on), DECODE_OK);
    assert_int_equal(f->pkt.tunnel_depth, 1);
    assert_true(f->pkt.reassembled);
    assert_int_equal(f->pkt.sport, 4444);
    assert_memory_equal(f->pkt.tunnels[0].src.b + 12, IP4_C, 4);
}

/* ---------------- truncation at every length ---------------- */

static void check_sane(const struct packet *p, enum decode_result r, const uint8_t *data, uint32_t cap)
{
    assert_true(r == DECODE_OK || r == DECODE_NOT_IP || r == DECODE_HELD || r == DECODE_MALFORMED);
    if (r != DECODE_OK || p->reassembled)
        return;
    const uint8_t *end = data + cap;
    if (p->l3) {
        assert_true(p->l3 >= data && p->l3 + p->l3_caplen <= end);
    }
    if (p->l4) {
        assert_true(p->l4 >= data && p->l4 + p->l4_caplen <= end);
        assert_true(p->l4_caplen <= p->l4_len);
    }
    if (p->payload) {
        assert_true(p->payload >= data && p->payload + p->payload_caplen <= end);
        assert_true(p->payload_caplen <= p->payload_len);
    }
    assert_true(p->tunnel_depth <= DECODE_MAX_TUNNEL_DEPTH);
}

static void truncate_everywhere(struct fixture *f, int lt, const uint8_t *frame, size_t n)
{
    for (size_t cap = 0; cap <= n; cap++) {
        uint8_t *copy = malloc(cap ? cap : 1);
        memcpy(copy, frame, cap);
        /* snaplen-cut: the wire had it all */
        enum decode_result r = decode_packet(f->d, lt, 1, copy, (uint32_t)cap, (uint32_t)n, &f->pkt);
        check_sane(&f->pkt, r, copy, (uint32_t)cap);
        /* really short on the wire */
        r = decode_packet(f->d, lt, 1, copy, (uint32_t)cap, (uint32_t)cap, &f->pkt);
        check_sane(&f->pkt, r, copy, (uint32_t)cap);
        /* with every byte flipped in turn (one position per length) */
        if (cap) {
            copy[cap / 2] ^= 0xff;
            r = decode_packet(f->d, lt, 1, copy, (uint32_t)cap, (uint32_t)n, &f->pkt);
            check_sane(&f->pkt, r, copy, (uint32_t)cap);
        }
        free(copy);
    }
}

/* Link type 9 and PPP in GRE: address/control optional, the protocol
 * field one byte when compressed; the frame's headers are remembered in
 * front of a datagram reassembled from PPP fragments. */
static void test_ppp(void **state)
{
    struct fixture *f = *state;
    uint8_t ipb[512], ip6[512], l4[64], fr[700];
    size_t iplen = ipv4(ipb, 17, IP4_A, IP4_B, l4, udp(l4, 7, 9, (const uint8_t *)"x", 1));
    size_t ip6len = ipv6(ip6, 17, IP6_A, IP6_B, l4, udp(l4, 7, 9, (const uint8_t *)"x", 1));

    static const uint8_t hdlc_v4[] = {0xff, 0x03, 0x00, 0x21};
    memcpy(fr, hdlc_v4, 4);
    memcpy(fr + 4, ipb, iplen);
    assert_int_equal(run(f, LINKTYPE_PPP, 1, fr, 4 + iplen), DECODE_OK);
    assert_int_equal(f->pkt.ip_version, 4);
    assert_int_equal(f->pkt.dport, 9);
    assert_int_equal(decode_dispatch_hash(LINKTYPE_PPP, fr, (uint32_t)(4 + iplen)) != 0, true);

    fr[0] = 0x57; /* compressed: one byte, IPv6, no address/control */
    memcpy(fr + 1, ip6, ip6len);
    assert_int_equal(run(f, LINKTYPE_PPP, 1, fr, 1 + ip6len), DECODE_OK);
    assert_int_equal(f->pkt.ip_version, 6);

    static const uint8_t lcp[] = {0xff, 0x03, 0xc0, 0x21, 0x01, 0x01};
    assert_int_equal(run(f, LINKTYPE_PPP, 1, lcp, sizeof lcp), DECODE_NOT_IP);
    assert_int_equal(run(f, LINKTYPE_PPP, 1, lcp, 2), DECODE_MALFORMED);
    assert_true(has_weird(&f->w, "truncated_link_header"));

    /* GRE v0 carrying PPP (0x880b) with a compressed protocol field */
    uint8_t body[600], outer[700];
    size_t g = gre_hdr(body, 0, 0x880b);
    body[g++] = 0x21;
    memcpy(body + g, ipb, iplen);
    size_t on = ipv4(outer, 47, IP4_A, IP4_B, body, g + iplen);
    assert_int_equal(run(f, LINKTYPE_RAW, 1, outer, on), DECODE_OK);
    assert_int_equal(f->pkt.tunnel_depth, 1);
    assert_int_equal(f->pkt.dport, 9);

    /* IPv6 fragments behind a one-byte PPP header */
    uint8_t data[600], ul4[700];
    memset(data, 'A', sizeof data);
    size_t total = udp(ul4, 7000, 7001, data, 500);
    fr[0] = 0x57;
    size_t n = frag6(fr + 1, ul4, 0, 256, true, 0x99, false);
    assert_int_equal(run(f, LINKTYPE_PPP, 1, fr, 1 + n), DECODE_HELD);
    n = frag6(fr + 1, ul4, 256, total, false, 0x99, false);
    assert_int_equal(run(f, LINKTYPE_PPP, 1, fr, 1 + n), DECODE_OK);
    assert_true(f->pkt.reassembled);
    assert_int_equal(f->pkt.frag_prefix_len, 1);
    assert_int_equal(f->pkt.payload_len, 500);
}

/* ---------------- NFLOG, 802.11 (+ radiotap), Frame Relay, PPPoE with PFC ---------------- */

/* An NFLOG frame: header, one 5-byte TLV (padded to 8), the payload TLV. */
static size_t nflog_frame(uint8_t *out, uint8_t family, const uint8_t *ip, size_t iplen)
{
    static const uint8_t head[] = {0, 0, 0, 0, 5, 0, 10, 0, 'x', 0, 0, 0};
    size_t n = sizeof head;
    memcpy(out, head, n);
    out[0] = family;
    uint16_t tlv_len = (uint16_t)(4 + iplen), type = 9;
    memcpy(out + n, &tlv_len, 2); /* host order, as libpcap hands it over */
    memcpy(out + n + 2, &type, 2);
    memcpy(out + n + 4, ip, iplen);
    return n + 4 + iplen;
}

/* An 802.11 data frame (QoS when asked) from MAC_A to MAC_B through the AP, LLC/SNAP, IPv4. */
static size_t wlan_frame(uint8_t *out, bool qos, uint8_t flags, const uint8_t *ip, size_t iplen)
{
    size_t hl = qos ? 26 : 24;
    memset(out, 0, hl);
    out[0] = qos ? 0x88 : 0x08;
    out[1] = flags;
    memcpy(out + 4, MAC_B, 6);  /* receiver */
    memcpy(out + 10, MAC_A, 6); /* transmitter */
    memcpy(out + 16, MAC_B, 6);
    static const uint8_t snap[8] = {0xaa, 0xaa, 0x03, 0, 0, 0, 0x08, 0x00};
    memcpy(out + hl, snap, 8);
    memcpy(out + hl + 8, ip, iplen);
    return hl + 8 + iplen;
}

static void test_nflog_wlan_frame_relay(void **state)
{
    struct fixture *f = *state;
    uint8_t inner[300], fr[700], rt[720];
    size_t in = inner_ipv4_tcp(inner);

    /* NFLOG: the payload TLV after another one; a family that is not IP; a TLV too long */
    size_t n = nflog_frame(fr, 2, inner, in);
    assert_int_equal(run(f, LINKTYPE_NFLOG, 1, fr, n), DECODE_OK);
    assert_inner_tcp(&f->pkt);
    assert_int_equal(decode_dispatch_hash(LINKTYPE_NFLOG, fr, (uint32_t)n),
                     decode_dispatch_hash(LINKTYPE_RAW, inner, (uint32_t)in));
    truncate_everywhere(f, LINKTYPE_NFLOG, fr, n);
    f->w.n = 0; /* only the weirds of what follows */
    fr[0] = 7;
    assert_int_equal(run(f, LINKTYPE_NFLOG, 1, fr, n), DECODE_NOT_IP);
    fr[0] = 2;
    fr[4] = 0xf0; /* the first TLV claims 240 bytes */
    assert_int_equal(run(f, LINKTYPE_NFLOG, 1, fr, n), DECODE_MALFORMED);
    assert_true(has_weird(&f->w, "nflog_bad_tlv_len"));
    fr[1] = 1;
    assert_int_equal(run(f, LINKTYPE_NFLOG, 1, fr, n), DECODE_MALFORMED);
    assert_true(has_weird(&f->w, "unknown_nflog_version"));

    /* 802.11 data and QoS data, To DS: addresses from the header */
    n = wlan_frame(fr, false, 0x01, inner, in);
    assert_int_equal(run(f, LINKTYPE_IEEE802_11, 1, fr, n), DECODE_OK);
    assert_inner_tcp(&f->pkt);
    assert_memory_equal(f->pkt.eth_src, MAC_A, 6);
    assert_int_not_equal(decode_dispatch_hash(LINKTYPE_IEEE802_11, fr, (uint32_t)n), 0);
    n = wlan_frame(fr, true, 0x01, inner, in);
    assert_int_equal(run(f, LINKTYPE_IEEE802_11, 1, fr, n), DECODE_OK);
    assert_inner_tcp(&f->pkt);
    /* behind radiotap (8-byte header, nothing present) */
    memset(rt, 0, 8);
    rt[2] = 8;
    memcpy(rt + 8, fr, n);
    assert_int_equal(run(f, LINKTYPE_IEEE802_11_RADIOTAP, 1, rt, n + 8), DECODE_OK);
    assert_inner_tcp(&f->pkt);
    truncate_everywhere(f, LINKTYPE_IEEE802_11_RADIOTAP, rt, n + 8);
    f->w.n = 0; /* only the weirds of what follows */
    rt[2] = 0xff; /* longer than the frame */
    assert_int_equal(run(f, LINKTYPE_IEEE802_11_RADIOTAP, 1, rt, n + 8), DECODE_MALFORMED);
    assert_true(has_weird(&f->w, "truncated_radiotap_header"));
    /* protected, management and null-data frames: nothing to decode, no weird */
    int weirds = f->w.n;
    n = wlan_frame(fr, true, 0x41, inner, in);
    assert_int_equal(run(f, LINKTYPE_IEEE802_11, 1, fr, n), DECODE_NOT_IP);
    n = wlan_frame(fr, false, 0x41, inner, in);
    assert_int_equal(run(f, LINKTYPE_IEEE802_11, 1, fr, n), DECODE_NOT_IP);
    fr[0] = 0x80;
    assert_int_equal(run(f, LINKTYPE_IEEE802_11, 1, fr, n), DECODE_NOT_IP);
    fr[0] = 0x48;
    assert_int_equal(run(f, LINKTYPE_IEEE802_11, 1, fr, n), DECODE_NOT_IP);
    assert_int_equal(f->w.n, weirds);
    assert_int_equal(run(f, LINKTYPE_IEEE802_11, 1, fr, 20), DECODE_MALFORMED);
    assert_true(has_weird(&f->w, "truncated_802_11_header"));

    /* Frame Relay: NLPID IPv4, SNAP, Cisco's ethertype */
    static const uint8_t q922[2] = {0x18, 0x41}; /* DLCI 100 */
    memcpy(fr, q922, 2);
    fr[2] = 0x03, fr[3] = 0xcc;
    memcpy(fr + 4, inner, in);
    assert_int_equal(run(f, LINKTYPE_FRELAY, 1, fr, 4 + in), DECODE_OK);
    assert_inner_tcp(&f->pkt);
    assert_int_equal(decode_dispatch_hash(LINKTYPE_FRELAY, fr, (uint32_t)(4 + in)),
                     decode_dispatch_hash(LINKTYPE_RAW, inner, (uint32_t)in));
    static const uint8_t snap[6] = {0x80, 0, 0, 0, 0x08, 0x00};
    memcpy(fr + 3, snap, 6);
    memcpy(fr + 9, inner, in);
    assert_int_equal(run(f, LINKTYPE_FRELAY, 1, fr, 9 + in), DECODE_OK);
    assert_inner_tcp(&f->pkt);
    truncate_everywhere(f, LINKTYPE_FRELAY, fr, 9 + in);
    f->w.n = 0; /* only the weirds of what follows */
    wr16(fr + 2, 0x0800);
    memcpy(fr + 4, inner, in);
    assert_int_equal(run(f, LINKTYPE_FRELAY, 1, fr, 4 + in), DECODE_OK);
    assert_inner_tcp(&f->pkt);
    fr[2] = 0x03, fr[3] = 0x83; /* NLPID ISO CLNP: not IP */
    assert_int_equal(run(f, LINKTYPE_FRELAY, 1, fr, 4 + in), DECODE_NOT_IP);
    fr[0] = 0x19; /* EA bit on the first byte: no valid address */
    assert_int_equal(run(f, LINKTYPE_FRELAY, 1, fr, 4 + in), DECODE_MALFORMED);

    /* PPPoE whose PPP protocol field is compressed to one byte */
    n = eth(fr, 0x8864);
    fr[n] = 0x11, fr[n + 1] = 0;
    wr16(fr + n + 2, 1);
    wr16(fr + n + 4, (uint16_t)(in + 1));
    fr[n + 6] = 0x21;
    memcpy(fr + n + 7, inner, in);
    assert_int_equal(run(f, LINKTYPE_ETHERNET, 1, fr, n + 7 + in), DECODE_OK);
    assert_inner_tcp(&f->pkt);
    assert_int_equal(decode_dispatch_hash(LINKTYPE_ETHERNET, fr, (uint32_t)(n + 7 + in)),
                     decode_dispatch_hash(LINKTYPE_RAW, inner, (uint32_t)in));
    truncate_everywhere(f, LINKTYPE_ETHERNET, fr, n + 7 + in);
}

static void test_truncated_at_every_length(void **state)
{
    (void)state;
    struct decode_config cfg;
    decode_config_defaults(&cfg);
    for (int verify = 0; verify < 2; verify++) {
        cfg.verify_checksums = verify;
        struct fixture *f = fixture_new(&cfg);
        uint8_t fr[1500], inner[300], ieth[400], tmp[1200];
        size_t n;

        n = frame_eth_ipv4_tcp(fr, IP4_A, IP4_B, 1, 2);
        truncate_everywhere(f, LINKTYPE_ETHERNET, fr, n);
        n = frame_eth_ipv6_udp(fr, IP6_A, IP6_B);
        truncate_everywhere(f, LINKTYPE_ETHERNET, fr, n);

        /* QinQ + MPLS + PPPoE */
        n = eth(fr, 0x88a8);
        n += vlan_tag(fr + n, 1, 0x8100);
        n += vlan_tag(fr + n, 2, 0x8847);
        wr32(fr + n, 0x100);
        n += 4;
        size_t in = inner_ipv4_tcp(inner);
        memcpy(fr + n, inner, in);
        truncate_everywhere(f, LINKTYPE_ETHERNET, fr, n + in);
        n = eth(fr, 0x8864);
        memset(fr + n, 0, 8);
        wr16(fr + n + 6, 0x21);
        memcpy(fr + n + 8, inner, in);
        truncate_everywhere(f, LINKTYPE_ETHERNET, fr, n + 8 + in);

        /* SLL, SLL2, NULL */
        memset(fr, 0, 20);
        wr16(fr + 14, 0x0800);
        memcpy(fr + 16, inner, in);
        truncate_everywhere(f, LINKTYPE_LINUX_SLL, fr, 16 + in);
        memset(fr, 0, 20);
        wr16(fr, 0x0800);
        memcpy(fr + 20, inner, in);
        truncate_everywhere(f, LINKTYPE_LINUX_SLL2, fr, 20 + in);
        memset(fr, 0, 4);
        fr[0] = 2;
        memcpy(fr + 4, inner, in);
        truncate_everywhere(f, LINKTYPE_NULL, fr, 4 + in);

        /* IPv6 extension chain with a routing header */
        uint8_t body[200], l4[64];
        size_t l4len = udp(l4, 1, 2, (const uint8_t *)"abc", 3);
        memset(body, 0, 40);
        body[0] = 43;
        body[8] = 60;
        body[9] = 2;
        body[11] = 1;
        memcpy(body + 16, IP6_C, 16);
        body[32] = 17;
        memcpy(body + 40, l4, l4len);
        n = ipv6_full(fr, 0, IP6_A, IP6_B, body, 40 + l4len, 40, 17, IP6_C);
        truncate_everywhere(f, LINKTYPE_RAW, fr, n);

        /* ICMP, ICMPv6 */
        uint8_t msg[16] = {8, 0, 0, 0, 0, 1, 0, 1, 'a', 'b'};
        n = ipv4(fr, 1, IP4_A, IP4_B, msg, 10);
        truncate_everywhere(f, LINKTYPE_RAW, fr, n);
        msg[0] = 128;
        n = ipv6(fr, 58, IP6_A, IP6_B, msg, 10);
        truncate_everywhere(f, LINKTYPE_RAW, fr, n);

        /* IP-in-IP, GRE flavours */
        n = ipv4(fr, 4, IP4_A, IP4_B, inner, in);
        truncate_everywhere(f, LINKTYPE_RAW, fr, n);
        size_t g = gre_hdr(tmp, 0xb000, 0x0800);
        memcpy(tmp + g, inner, in);
        n = ipv4(fr, 47, IP4_A, IP4_B, tmp, g + in);
        truncate_everywhere(f, LINKTYPE_RAW, fr, n);
        g = gre_hdr(tmp, 0x1000, 0x22eb);
        memset(tmp + g, 0, 20);
        tmp[g + 11] = 1;
        g += 20;
        g += eth(tmp + g, 0x0800);
        memcpy(tmp + g, inner, in);
        n = ipv4(fr, 47, IP4_A, IP4_B, tmp, g + in);
        truncate_everywhere(f, LINKTYPE_RAW, fr, n);
        g = gre_hdr(tmp, 0x3001, 0x880b);
        tmp[g] = 0xff;
        tmp[g + 1] = 3;
        wr16(tmp + g + 2, 0x21);
        memcpy(tmp + g + 4, inner, in);
        n = ipv4(fr, 47, IP4_A, IP4_B, tmp, g + 4 + in);
        truncate_everywhere(f, LINKTYPE_RAW, fr, n);

        /* VXLAN, Geneve, GTP-U */
        size_t ie = eth(ieth, 0x0800);
        memcpy(ieth + ie, inner, in);
        ie += in;
        uint8_t vx[8] = {0x08, 0, 0, 0, 0, 0, 1, 0};
        n = udp_tunnel_frame(fr, 5, 4789, vx, 8, ieth, ie);
        truncate_everywhere(f, LINKTYPE_ETHERNET, fr, n);
        uint8_t gv[12] = {0x01, 0, 0x65, 0x58, 0, 0, 1, 0, 0, 0, 0, 0};
        n = udp_tunnel_frame(fr, 5, 6081, gv, 12, ieth, ie);
        truncate_everywhere(f, LINKTYPE_ETHERNET, fr, n);
        uint8_t gtp[16] = {0x34, 0xff, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0x85, 1, 0, 0, 0};
        n = udp_tunnel_frame(fr, 2152, 2152, gtp, 16, inner, in);
        truncate_everywhere(f, LINKTYPE_ETHERNET, fr, n);

        /* fragments (each piece truncated; held pieces accumulate harmlessly) */
        uint8_t ul4[4100];
        size_t total = make_udp_payload(ul4, 300);
        n = frag4(fr, ul4, 0, 160, true, 321, 17);
        truncate_everywhere(f, LINKTYPE_RAW, fr, n);
        n = frag4(fr, ul4, 160, total, false, 321, 17);
        truncate_everywhere(f, LINKTYPE_RAW, fr, n);
        n = frag6(fr, ul4, 0, 160, true, 9, true);
        truncate_everywhere(f, LINKTYPE_RAW, fr, n);
        n = frag6(fr, ul4, 160, total, false, 9, true);
        truncate_everywhere(f, LINKTYPE_RAW, fr, n);
        fixture_free(f);
    }
}

static void test_random_bytes_do_not_crash(void **state)
{
    struct fixture *f = *state;
    static const int lts[] = {LINKTYPE_ETHERNET, LINKTYPE_RAW, LINKTYPE_LINUX_SLL, LINKTYPE_LINUX_SLL2,
                              LINKTYPE_NULL, LINKTYPE_PPP_ETHER, LINKTYPE_PPP, LINKTYPE_NFLOG,
                              LINKTYPE_IEEE802_11, LINKTYPE_IEEE802_11_RADIOTAP, LINKTYPE_FRELAY};
    uint8_t base[300];
    size_t bn = frame_eth_ipv4_tcp(base, IP4_A, IP4_B, 4789, 4789);
    srand(12345);
    for (int iter = 0; iter < 20000; iter++) {
        size_t n = (size_t)rand() % bn + 1;
        uint8_t *buf = malloc(n);
        memcpy(buf, base, n);
        int flips = rand() % 4 + 1;
        for (int i = 0; i < flips; i++)
            buf[(size_t)rand() % n] = (uint8_t)rand();
        int lt = lts[(size_t)rand() % (sizeof lts / sizeof lts[0])];
        enum decode_result r = decode_packet(f->d, lt, iter, buf, (uint32_t)n, (uint32_t)bn, &f->pkt);
        check_sane(&f->pkt, r, buf, (uint32_t)n);
        (void)decode_dispatch_hash(lt, buf, (uint32_t)n);
        free(buf);
    }
}

/* ---------------- dispatch hash ---------------- */

static void test_dispatch_hash(void **state)
{
    (void)state;
    uint8_t a[600], b[600];
    size_t na = frame_eth_ipv4_tcp(a, IP4_A, IP4_B, 1000, 80);
    size_t nb = frame_eth_ipv4_tcp(b, IP4_B, IP4_A, 80, 1000);
    uint32_t ha = decode_dispatch_hash(LINKTYPE_ETHERNET, a, (uint32_t)na);
    assert_int_not_equal(ha, 0);
    assert_int_equal(ha, decode_dispatch_hash(LINKTYPE_ETHERNET, b, (uint32_t)nb));
    /* ports do not matter */
    size_t nc = frame_eth_ipv4_tcp(b, IP4_A, IP4_B, 1, 2);
    assert_int_equal(ha, decode_dispatch_hash(LINKTYPE_ETHERNET, b, (uint32_t)nc));
    /* other addresses differ */
    nc = frame_eth_ipv4_tcp(b, IP4_A, IP4_C, 1000, 80);
    assert_int_not_equal(ha, decode_dispatch_hash(LINKTYPE_ETHERNET, b, (uint32_t)nc));

    na = frame_eth_ipv6_udp(a, IP6_A, IP6_B);
    nb = frame_eth_ipv6_udp(b, IP6_B, IP6_A);
    ha = decode_dispatch_hash(LINKTYPE_ETHERNET, a, (uint32_t)na);
    assert_int_not_equal(ha, 0);
    assert_int_equal(ha, decode_dispatch_hash(LINKTYPE_ETHERNET, b, (uint32_t)nb));
    /* raw IPv6 and SLL2 hash the same addresses alike */
    assert_int_equal(ha, decode_dispatch_hash(LINKTYPE_RAW, a + 14, (uint32_t)na - 14));

    /* VLAN: symmetric too, different from untagged */
    uint8_t v1[700], v2[700];
    size_t n1 = frame_eth_ipv4_tcp(a, IP4_A, IP4_B, 1, 2);
    size_t n2 = frame_eth_ipv4_tcp(b, IP4_B, IP4_A, 2, 1);
    size_t h1 = eth(v1, 0x8100) + vlan_tag(v1 + 14, 10, 0x0800);
    memcpy(v1 + h1, a + 14, n1 - 14);
    size_t h2 = eth(v2, 0x8100) + vlan_tag(v2 + 14, 10, 0x0800);
    memcpy(v2 + h2, b + 14, n2 - 14);
    uint32_t hv = decode_dispatch_hash(LINKTYPE_ETHERNET, v1, (uint32_t)(h1 + n1 - 14));
    assert_int_equal(hv, decode_dispatch_hash(LINKTYPE_ETHERNET, v2, (uint32_t)(h2 + n2 - 14)));
    assert_int_not_equal(hv, decode_dispatch_hash(LINKTYPE_ETHERNET, a, (uint32_t)n1));

    /* all fragments of a datagram */
    uint8_t l4[4100], f1[2000], f2[2000];
    size_t total = make_udp_payload(l4, 1992);
    size_t m1 = frag4(f1, l4, 0, 800, true, 1, 17);
    size_t m2 = frag4(f2, l4, 800, total, false, 1, 17);
    assert_int_equal(decode_dispatch_hash(LINKTYPE_RAW, f1, (uint32_t)m1),
                     decode_dispatch_hash(LINKTYPE_RAW, f2, (uint32_t)m2));

    /* not IP */
    uint8_t arp[64];
    size_t an = eth(arp, 0x0806);
    memset(arp + an, 0, 28);
    assert_int_equal(decode_dispatch_hash(LINKTYPE_ETHERNET, arp, (uint32_t)(an + 28)), 0);
    assert_int_equal(decode_dispatch_hash(LINKTYPE_ETHERNET, arp, 3), 0);
    assert_int_equal(decode_dispatch_hash(LINKTYPE_ETHERNET, NULL, 0), 0);
}

static void test_config_defaults(void **state)
{
    (void)state;
    struct decode_config cfg;
    decode_config_defaults(&cfg);
    assert_true(cfg.verify_checksums);
    assert_int_equal(cfg.frag_memcap, 64u * 1024 * 1024);
    assert_int_equal(cfg.frag_timeout_us, 60000000u);
    assert_int_equal(cfg.frag_max_datagrams, 65536);
    struct decoder *d = decoder_new(NULL, NULL, NULL);
    assert_non_null(d);
    struct packet p;
    uint8_t fr[600];
    size_t n = frame_eth_ipv4_tcp(fr, IP4_A, IP4_B, 1, 2);
    fr[14 + 10] ^= 1; /* weird without a callback */
    assert_int_equal(decode_packet(d, LINKTYPE_ETHERNET, 1, fr, (uint32_t)n, (uint32_t)n, &p), DECODE_MALFORMED);
    decoder_free(d);
    decoder_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_checksum_matches_reference),
        FIXTURE_TEST(test_ethernet_ipv4_tcp),
        FIXTURE_TEST(test_ethernet_padding_ignored),
        cmocka_unit_test(test_bad_tcp_checksum_flag),
        cmocka_unit_test(test_bad_ip_checksum),
        FIXTURE_TEST(test_ipv4_options),
        FIXTURE_TEST(test_ipv4_header_errors),
        FIXTURE_TEST(test_snaplen_truncated_is_normal),
        cmocka_unit_test(test_ipv4_zero_length_counts_no_ip_bytes),
        FIXTURE_TEST(test_vlan_qinq_mpls_pppoe),
        FIXTURE_TEST(test_ppp),
        FIXTURE_TEST(test_other_link_types),
        FIXTURE_TEST(test_ipv6_extension_chain),
        FIXTURE_TEST(test_icmp_and_icmpv6),
        cmocka_unit_test(test_icmpv4_unknown_type_and_code),
        FIXTURE_TEST(test_udp_checksum_zero_and_unknown_proto),
        FIXTURE_TEST(test_ip_in_ip),
        FIXTURE_TEST(test_gre),
        FIXTURE_TEST(test_udp_tunnels),
        FIXTURE_TEST(test_ipv4_fragments),
        cmocka_unit_test(test_ipv4_fragment_timeout_and_limits),
        FIXTURE_TEST(test_ipv6_fragments),
        FIXTURE_TEST(test_fragment_in_tunnel),
        FIXTURE_TEST(test_nflog_wlan_frame_relay),
        cmocka_unit_test(test_truncated_at_every_length),
        FIXTURE_TEST(test_random_bytes_do_not_crash),
        cmocka_unit_test(test_dispatch_hash),
        cmocka_unit_test(test_frag_table_spreads_keys_colliding_under_unkeyed_hash),
        cmocka_unit_test(test_config_defaults),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
