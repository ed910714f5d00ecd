/* capture/pcapng: the reader libpcap's refusals fall back to. Files are built
 * block by block in memory, in either byte order: per-interface link types
 * and snapshot lengths, if_tsresol (powers of 10 and 2) and if_tsoffset,
 * several sections, skipped blocks, the resume offset, and damage worded as
 * libpcap words it. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture/pcapng.h"

struct file {
    uint8_t b[4096];
    size_t len;
    bool swapped; /* blocks appended from now are written in the other byte order */
};

static void put(struct file *f, const void *p, size_t n)
{
    assert_true(f->len + n <= sizeof f->b);
    memcpy(f->b + f->len, p, n);
    f->len += n;
}

static void put16(struct file *f, uint16_t v)
{
    if (f->swapped)
        v = __builtin_bswap16(v);
    put(f, &v, 2);
}

static void put32(struct file *f, uint32_t v)
{
    if (f->swapped)
        v = __builtin_bswap32(v);
    put(f, &v, 4);
}

/* One block: type, length, the body (already in the file's order), padding, length. */
static void block(struct file *f, uint32_t type, const struct file *body)
{
    uint32_t padded = (uint32_t)((body->len + 3) & ~(size_t)3);
    put32(f, type);
    put32(f, 12 + padded);
    put(f, body->b, body->len);
    static const uint8_t zeros[4];
    put(f, zeros, padded - body->len);
    put32(f, 12 + padded);
}

static void shb(struct file *f)
{
    struct file body = {.swapped = f->swapped};
    put32(&body, 0x1A2B3C4D);
    put16(&body, 1);
    put16(&body, 0);
    put32(&body, 0xffffffffu);
    put32(&body, 0xffffffffu);
    block(f, 0x0A0D0D0A, &body);
}

/* tsresol < 0: no option; tsoffset 0: none. */
static void idb(struct file *f, uint16_t linktype, uint32_t snaplen, int tsresol, int64_t tsoffset)
{
    struct file body = {.swapped = f->swapped};
    put16(&body, linktype);
    put16(&body, 0);
    put32(&body, snaplen);
    if (tsresol >= 0) {
        put16(&body, 9);
        put16(&body, 1);
        uint8_t v[4] = {(uint8_t)tsresol};
        put(&body, v, 4);
    }
    if (tsoffset) {
        put16(&body, 14);
        put16(&body, 8);
        uint64_t v = (uint64_t)tsoffset;
        put32(&body, f->swapped ? (uint32_t)(v >> 32) : (uint32_t)v);
        put32(&body, f->swapped ? (uint32_t)v : (uint32_t)(v >> 32));
    }
    put16(&body, 0);
    put16(&body, 0);
    block(f, 1, &body);
}

static void epb(struct file *f, uint32_t iface, uint64_t ts, const uint8_t *data, uint32_t caplen, uint32_t wirelen)
{
    struct file body = {.swapped = f->swapped};
    put32(&body, iface);
    put32(&body, (uint32_t)(ts >> 32));
    put32(&body, (uint32_t)ts);
    put32(&body, caplen);
    put32(&body, wirelen);
    put(&body, data, caplen);
    block(f, 6, &body);
}

/* The obsolete Packet Block: a 16-bit interface id and a 16-bit drop count. */
static void pb(struct file *f, uint16_t iface, uint64_t ts, const uint8_t *data, uint32_t caplen)
{
    struct file body = {.swapped = f->swapped};
    put16(&body, iface);
    put16(&body, 7);
    put32(&body, (uint32_t)(ts >> 32));
    put32(&body, (uint32_t)ts);
    put32(&body, caplen);
    put32(&body, caplen);
    put(&body, data, caplen);
    block(f, 2, &body);
}

static void spb(struct file *f, const uint8_t *data, uint32_t len)
{
    struct file body = {.swapped = f->swapped};
    put32(&body, len);
    put(&body, data, len);
    block(f, 3, &body);
}

static void other_block(struct file *f, uint32_t type)
{
    struct file body = {.swapped = f->swapped};
    put32(&body, 0xdeadbeef);
    block(f, type, &body);
}

static struct pcapng_reader *reader_of(struct file *f, uint64_t resume_at)
{
    FILE *s = fmemopen(f->b, f->len, "rb");
    assert_non_null(s);
    struct pcapng_reader *r = pcapng_open(s, resume_at);
    assert_non_null(r);
    return r;
}

static const uint8_t frame[64] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};

static void test_each_interface_keeps_its_link_type_and_snaplen(void **state)
{
    struct file f = {0};
    shb(&f);
    idb(&f, 1, 65535, -1, 0);
    idb(&f, 113, 16, -1, 0);
    idb(&f, 101, 0, -1, 0);
    epb(&f, 0, 1000001, frame, 60, 60);
    epb(&f, 1, 2000002, frame, 16, 40);
    epb(&f, 2, 3000003, frame, 20, 20);
    pb(&f, 1, 4000004, frame, 12);
    struct pcapng_reader *r = reader_of(&f, 0);
    struct pcapng_packet p;
    char msg[256];
    assert_int_equal(pcapng_next(r, &p, msg, sizeof msg), PCAPNG_PACKET);
    assert_int_equal(p.linktype, 1);
    assert_int_equal(p.caplen, 60);
    assert_int_equal(p.ts.tv_sec, 1);
    assert_int_equal(p.ts.tv_usec, 1);
    assert_memory_equal(p.data, frame, 60);
    assert_int_equal(pcapng_next(r, &p, msg, sizeof msg), PCAPNG_PACKET);
    assert_int_equal(p.linktype, 113);
    assert_int_equal(p.caplen, 16);
    assert_int_equal(p.wirelen, 40);
    assert_int_equal(pcapng_next(r, &p, msg, sizeof msg), PCAPNG_PACKET);
    assert_int_equal(p.linktype, 101);
    assert_int_equal(p.ts.tv_sec, 3);
    assert_int_equal(pcapng_next(r, &p, msg, sizeof msg), PCAPNG_PACKET);
    assert_int_equal(p.linktype, 113);
    assert_int_equal(p.caplen, 12);
    assert_int_equal(p.ts.tv_usec, 4);
    assert_int_equal(pcapng_next(r, &p, msg, sizeof msg), PCAPNG_END);
    assert_int_equal(pcapng_position(r), f.len);
    pcapng_close(r);
}

static void test_timestamp_resolutions_and_offset(void **state)
{
    struct file f = {0};
    shb(&f);
    idb(&f, 1, 0, 9, 0);            /* nanoseconds */
    idb(&f, 1, 0, 0x80 | 20, 100);  /* 2^-20 s, 100 s later */
    idb(&f, 1, 0, 3, -10);          /* milliseconds, 10 s earlier */
    epb(&f, 0, 5123456789ull, frame, 14, 14);
    epb(&f, 1, (7ull << 20) | (1u << 19), frame, 14, 14);
    epb(&f, 2, 20250, frame, 14, 14);
    struct pcapng_reader *r = reader_of(&f, 0);
    struct pcapng_packet p;
    char msg[256];
    assert_int_equal(pcapng_next(r, &p, msg, sizeof msg), PCAPNG_PACKET);
    assert_int_equal(p.ts.tv_sec, 5);
    assert_int_equal(p.ts.tv_usec, 123456);
    assert_int_equal(pcapng_next(r, &p, msg, sizeof msg), PCAPNG_PACKET);
    assert_int_equal(p.ts.tv_sec, 107);
    assert_int_equal(p.ts.tv_usec, 500000);
    assert_int_equal(pcapng_next(r, &p, msg, sizeof msg), PCAPNG_PACKET);
    assert_int_equal(p.ts.tv_sec, 10);
    assert_int_equal(p.ts.tv_usec, 250000);
    pcapng_close(r);
}

/* A second section in the other byte order has interfaces of its own;
 * name resolution, statistics and custom blocks are skipped; a simple
 * packet is the first interface's, cut to its snapshot length. */
static void test_sections_of_both_byte_orders(void **state)
{
    struct file f = {0};
    shb(&f);
    idb(&f, 1, 65535, -1, 0);
    other_block(&f, 4);
    epb(&f, 0, 1000000, frame, 14, 14);
    f.swapped = true;
    shb(&f);
    idb(&f, 239, 30, -1, 0);
    other_block(&f, 5);
    other_block(&f, 0x0BAD);
    uint8_t nflog[40] = {2, 0, 0, 0};
    uint16_t tlv_len = __builtin_bswap16(8), tlv_type = __builtin_bswap16(9);
    memcpy(nflog + 4, &tlv_len, 2);
    memcpy(nflog + 6, &tlv_type, 2);
    spb(&f, nflog, 40);
    struct pcapng_reader *r = reader_of(&f, 0);
    struct pcapng_packet p;
    char msg[256];
    assert_int_equal(pcapng_next(r, &p, msg, sizeof msg), PCAPNG_PACKET);
    assert_int_equal(p.linktype, 1);
    assert_int_equal(pcapng_next(r, &p, msg, sizeof msg), PCAPNG_PACKET);
    assert_int_equal(p.linktype, 239);
    assert_int_equal(p.caplen, 30);
    assert_int_equal(p.wirelen, 40);
    assert_int_equal(p.ts.tv_sec, 0);
    uint16_t got_len, got_type;
    memcpy(&got_len, p.data + 4, 2);
    memcpy(&got_type, p.data + 6, 2);
    assert_int_equal(got_len, 8); /* in host order, as libpcap hands NFLOG over */
    assert_int_equal(got_type, 9);
    assert_int_equal(pcapng_next(r, &p, msg, sizeof msg), PCAPNG_END);
    pcapng_close(r);
}

/* The packets before the resume offset were libpcap's: skipped, while the
 * interfaces declared among them still count. */
static void test_resume_skips_delivered_packets(void **state)
{
    struct file f = {0};
    shb(&f);
    idb(&f, 1, 65535, -1, 0);
    epb(&f, 0, 1000000, frame, 14, 14);
    size_t resume = f.len;
    idb(&f, 113, 100, -1, 0);
    epb(&f, 1, 2000000, frame, 20, 20);
    struct pcapng_reader *r = reader_of(&f, resume);
    struct pcapng_packet p;
    char msg[256];
    assert_int_equal(pcapng_next(r, &p, msg, sizeof msg), PCAPNG_PACKET);
    assert_int_equal(p.linktype, 113);
    assert_int_equal(p.ts.tv_sec, 2);
    assert_int_equal(pcapng_next(r, &p, msg, sizeof msg), PCAPNG_END);
    pcapng_close(r);
}

/* f: one good packet, then damage worded `want`. */
static void expect_damage_after_one(struct file *f, const char *want)
{
    struct pcapng_reader *r = reader_of(f, 0);
    struct pcapng_packet p;
    char msg[256] = "";
    assert_int_equal(pcapng_next(r, &p, msg, sizeof msg), PCAPNG_PACKET);
    assert_int_equal(pcapng_next(r, &p, msg, sizeof msg), PCAPNG_DAMAGED);
    assert_string_equal(msg, want);
    pcapng_close(r);
}

static void one_good_packet(struct file *f)
{
    memset(f, 0, sizeof *f);
    shb(f);
    idb(f, 1, 32, -1, 0);
    epb(f, 0, 1000000, frame, 14, 14);
}

static void test_damage_is_worded_as_libpcap_words_it(void **state)
{
    struct file f;
    one_good_packet(&f);
    epb(&f, 0, 1000000, frame, 20, 20);
    f.len -= 6;
    expect_damage_after_one(&f, "truncated pcapng dump file; tried to read 44 bytes, only got 38");

    one_good_packet(&f);
    put32(&f, 6);
    put32(&f, 32);
    f.len -= 2;
    expect_damage_after_one(&f, "truncated pcapng dump file; tried to read 8 bytes, only got 6");

    one_good_packet(&f);
    epb(&f, 0, 1000000, frame, 20, 20);
    f.b[f.len - 4] ^= 0x40;
    expect_damage_after_one(&f, "block total length in header 52 and trailer 116 don't match");

    one_good_packet(&f);
    put32(&f, 6);
    put32(&f, 0x7ffffff0);
    expect_damage_after_one(&f, "pcapng block size 2147483632 > maximum 16777216");

    one_good_packet(&f);
    put32(&f, 6);
    put32(&f, 13);
    expect_damage_after_one(&f, "block in pcapng dump file has a length of 13 that is not a multiple of 4");

    one_good_packet(&f);
    put32(&f, 6);
    put32(&f, 8);
    expect_damage_after_one(&f, "block in pcapng dump file has a length of 8 < 12");

    one_good_packet(&f);
    epb(&f, 7, 1000000, frame, 14, 14);
    expect_damage_after_one(&f, "a packet arrived on interface 7, but there's no Interface Description Block for "
                                "that interface");

    one_good_packet(&f);
    epb(&f, 0, 1000000, frame, 40, 40);
    expect_damage_after_one(&f, "invalid packet capture length 40, bigger than snaplen of 32");

    /* an EPB whose caplen claims more than its block holds */
    one_good_packet(&f);
    epb(&f, 0, 1000000, frame, 14, 14);
    uint32_t lie = 30;
    memcpy(f.b + f.len - 4 - 16 - 8, &lie, 4);
    expect_damage_after_one(&f, "block of type 6 in pcapng dump file is too short");

    one_good_packet(&f);
    idb(&f, 1, 0, 0x80 | 64, 0);
    expect_damage_after_one(&f, "Interface Description Block if_tsresol option resolution 2^-64 is too high");

    one_good_packet(&f);
    struct file body = {0};
    put32(&body, 0x11223344);
    put16(&body, 1);
    put16(&body, 0);
    put32(&body, 0);
    put32(&body, 0);
    block(&f, 0x0A0D0D0A, &body);
    expect_damage_after_one(&f, "the file has a section with a bad byte order magic field");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_each_interface_keeps_its_link_type_and_snaplen),
        cmocka_unit_test(test_timestamp_resolutions_and_offset),
        cmocka_unit_test(test_sections_of_both_byte_orders),
        cmocka_unit_test(test_resume_skips_delivered_packets),
        cmocka_unit_test(test_damage_is_worded_as_libpcap_words_it),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
