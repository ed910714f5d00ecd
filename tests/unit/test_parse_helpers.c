/* The helpers binary parsers share instead of their own copies: growing
 * buffers to a limit (util/grow.h), gathering a frame (util/bytes.h), the
 * reader's big-endian reads (util/reader.h), lenient base64
 * (util/base64.h) and the probes' magic and prefixes (proto/probe.h). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "proto/probe.h"
#include "util/base64.h"
#include "util/bytes.h"
#include "util/grow.h"
#include "util/reader.h"

static void test_grow_capacity_doubles_and_stops_at_the_limit(void **state)
{
    (void)state;
    assert_int_equal(grow_capacity(0, 1, 1024, SIZE_MAX), 1024);
    assert_int_equal(grow_capacity(0, 3000, 1024, SIZE_MAX), 4096);
    assert_int_equal(grow_capacity(1024, 1025, 1024, SIZE_MAX), 2048);
    assert_int_equal(grow_capacity(1024, 3000, 1024, 2500), 2500);
}

static void test_grow_bytes_refuses_a_need_past_the_limit(void **state)
{
    (void)state;
    uint8_t *buf = NULL;
    size_t cap = 0;
    assert_true(grow_bytes(&buf, &cap, 10, 16, 100));
    assert_int_equal(cap, 16);
    assert_true(grow_bytes(&buf, &cap, 16, 16, 100));
    assert_int_equal(cap, 16);
    assert_true(grow_bytes(&buf, &cap, 70, 16, 100));
    assert_int_equal(cap, 100);
    assert_false(grow_bytes(&buf, &cap, 101, 16, 100));
    assert_int_equal(cap, 100);
    free(buf);
}

static void test_grow_bytes_append_keeps_what_came_before(void **state)
{
    (void)state;
    uint8_t *buf = NULL;
    size_t len = 0, cap = 0;
    assert_true(grow_bytes_append(&buf, &len, &cap, NULL, 0, 4, 8));
    assert_null(buf);
    assert_true(grow_bytes_append(&buf, &len, &cap, (const uint8_t *)"abc", 3, 4, 8));
    assert_true(grow_bytes_append(&buf, &len, &cap, (const uint8_t *)"defg", 4, 4, 8));
    assert_int_equal(len, 7);
    assert_memory_equal(buf, "abcdefg", 7);
    assert_false(grow_bytes_append(&buf, &len, &cap, (const uint8_t *)"hi", 2, 4, 8));
    assert_int_equal(len, 7);
    free(buf);
}

static void test_bytes_fill_stops_at_want_or_at_the_input_end(void **state)
{
    (void)state;
    uint8_t hdr[5];
    size_t len = 0;
    const uint8_t *p = (const uint8_t *)"\x16\x03";
    size_t n = 2;
    assert_int_equal(bytes_fill(hdr, &len, sizeof hdr, &p, &n), 2);
    assert_int_equal(len, 2);
    assert_int_equal(n, 0);
    p = (const uint8_t *)"\x01\x00\x05rest";
    n = 7;
    assert_int_equal(bytes_fill(hdr, &len, sizeof hdr, &p, &n), 3);
    assert_memory_equal(hdr, "\x16\x03\x01\x00\x05", 5);
    assert_int_equal(n, 4);
    assert_memory_equal(p, "rest", 4);
    assert_int_equal(bytes_fill(hdr, &len, sizeof hdr, &p, &n), 0);
    assert_int_equal(n, 4);
}

static void test_reader_reads_big_endian_and_stays_bad(void **state)
{
    (void)state;
    const uint8_t b[] = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09};
    struct byte_reader r = {b, sizeof b, 0, false};
    assert_int_equal(reader_u16(&r), 0x0102);
    assert_int_equal(reader_u24(&r), 0x030405);
    assert_int_equal(reader_u32(&r), 0x06070809);
    assert_false(r.bad);
    assert_int_equal(reader_u16(&r), 0);
    assert_true(r.bad);
    struct byte_reader short_read = {b, 3, 0, false};
    assert_int_equal(reader_u32(&short_read), 0);
    assert_true(short_read.bad);
    assert_int_equal(reader_u8(&short_read), 0);
}

static void test_base64_stops_or_skips_padding_and_space(void **state)
{
    (void)state;
    uint8_t out[32];
    const uint8_t in[] = "dXNlcjpw YXNz";
    assert_int_equal(base64_decode_lenient(in, sizeof in - 1, out, sizeof out, BASE64_STOP), 6);
    assert_memory_equal(out, "user:p", 6);
    assert_int_equal(base64_decode_lenient(in, sizeof in - 1, out, sizeof out, BASE64_SKIP_PAD_SPACE), 9);
    assert_memory_equal(out, "user:pass", 9);
    const uint8_t padded[] = "YQ==YQ==";
    assert_int_equal(base64_decode_lenient(padded, sizeof padded - 1, out, sizeof out, BASE64_STOP), 1);
    assert_int_equal(base64_decode_lenient(padded, sizeof padded - 1, out, sizeof out, BASE64_SKIP_PAD_SPACE), 3);
    assert_int_equal(base64_decode_lenient(in, sizeof in - 1, out, 3, BASE64_SKIP_PAD_SPACE), 3);
}

static void test_probes_answer_maybe_until_the_magic_is_whole(void **state)
{
    (void)state;
    const uint8_t *ssh = (const uint8_t *)"SSH-2.0-x";
    assert_int_equal(probe_magic(ssh, 2, "SSH-", 4), APP_PROBE_MAYBE);
    assert_int_equal(probe_magic(ssh, 9, "SSH-", 4), APP_PROBE_YES);
    assert_int_equal(probe_magic((const uint8_t *)"SSX", 3, "SSH-", 4), APP_PROBE_NO);
    assert_int_equal(probe_magic((const uint8_t *)"ssh-", 4, "SSH-", 4), APP_PROBE_NO);
    static const char *const starts[] = {"EHLO ", "HELO "};
    assert_int_equal(probe_prefixes((const uint8_t *)"ehlo x", 6, starts, 2), APP_PROBE_YES);
    assert_int_equal(probe_prefixes((const uint8_t *)"HE", 2, starts, 2), APP_PROBE_MAYBE);
    assert_int_equal(probe_prefixes((const uint8_t *)"GET /", 5, starts, 2), APP_PROBE_NO);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_grow_capacity_doubles_and_stops_at_the_limit),
        cmocka_unit_test(test_grow_bytes_refuses_a_need_past_the_limit),
        cmocka_unit_test(test_grow_bytes_append_keeps_what_came_before),
        cmocka_unit_test(test_bytes_fill_stops_at_want_or_at_the_input_end),
        cmocka_unit_test(test_reader_reads_big_endian_and_stays_bad),
        cmocka_unit_test(test_base64_stops_or_skips_padding_and_space),
        cmocka_unit_test(test_probes_answer_maybe_until_the_magic_is_whole),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
