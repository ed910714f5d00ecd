#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "util/buf.h"
#include "util/json.h"

/* Runs `fill` on a fresh buffer and compares the NUL-terminated result. */
static void expect_text(struct buf *b, const char *want)
{
    buf_putc(b, '\0');
    assert_false(b->failed);
    assert_string_equal(b->data, want);
    buf_reset(b);
}

static void test_integers(void **state)
{
    (void)state;
    struct buf b;
    buf_init(&b, 0, 0);
    json_append_u64(&b, 0);
    expect_text(&b, "0");
    json_append_u64(&b, UINT64_MAX);
    expect_text(&b, "18446744073709551615");
    json_append_i64(&b, INT64_MIN);
    expect_text(&b, "-9223372036854775808");
    json_append_i64(&b, -42);
    expect_text(&b, "-42");
    buf_free(&b);
}

static void test_us6(void **state)
{
    (void)state;
    struct buf b;
    buf_init(&b, 0, 0);
    json_append_us6(&b, 0);
    expect_text(&b, "0.000000");
    json_append_us6(&b, 1);
    expect_text(&b, "0.000001");
    json_append_us6(&b, -1);
    expect_text(&b, "-0.000001");
    json_append_us6(&b, 1300475167096535);
    expect_text(&b, "1300475167.096535");
    json_append_us6(&b, 435);
    expect_text(&b, "0.000435");
    buf_free(&b);
}

static void test_doubles(void **state)
{
    (void)state;
    static const struct {
        double d;
        const char *want;
    } cases[] = {
        {1.0, "1.0"},
        {0.0, "0.0"},
        {-0.0, "-0.0"},
        {0.1, "0.1"},
        {0.000435, "0.000435"},
        {0.000001, "0.000001"},
        {1e-7, "1e-7"},
        {1.25e-9, "1.25e-9"},
        {1e20, "100000000000000000000.0"},
        {1e21, "1e21"},
        {1.5e22, "1.5e22"},
        {-2.5, "-2.5"},
        {1300475167.096535, "1300475167.096535"},
        {0.00043511390686035156, "0.00043511390686035156"},
        {123456789012.5, "123456789012.5"},
    };
    struct buf b;
    buf_init(&b, 0, 0);
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        json_append_double(&b, cases[i].d);
        expect_text(&b, cases[i].want);
    }
    json_append_double(&b, NAN);
    expect_text(&b, "null");
    json_append_double(&b, -INFINITY);
    expect_text(&b, "null");
    buf_free(&b);
}

static void check_escaped(enum json_dialect d, const char *in, size_t n, const char *want)
{
    struct buf b;
    buf_init(&b, 0, 0);
    json_append_string(&b, in, n, d);
    expect_text(&b, want);
    buf_free(&b);
}

/* Every control byte, in both dialects. */
static void test_control_chars(void **state)
{
    (void)state;
    for (unsigned c = 0; c < 0x20; c++) {
        char in[1] = {(char)c};
        char sur[16], zeek[16];
        switch (c) {
        case '\b': snprintf(sur, sizeof(sur), "\"\\b\""); break;
        case '\t': snprintf(sur, sizeof(sur), "\"\\t\""); break;
        case '\n': snprintf(sur, sizeof(sur), "\"\\n\""); break;
        case '\f': snprintf(sur, sizeof(sur), "\"\\f\""); break;
        case '\r': snprintf(sur, sizeof(sur), "\"\\r\""); break;
        default: snprintf(sur, sizeof(sur), "\"\\u%04x\"", c); break;
        }
        bool short_form = c == '\b' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
        if (short_form)
            snprintf(zeek, sizeof(zeek), "%s", sur);
        else
            snprintf(zeek, sizeof(zeek), "\"\\\\x%02x\"", c);
        check_escaped(JSON_SURICATA, in, 1, sur);
        check_escaped(JSON_ZEEK, in, 1, zeek);
    }
    check_escaped(JSON_SURICATA, "a\"b\\c/", 6, "\"a\\\"b\\\\c/\"");
    check_escaped(JSON_ZEEK, "a\"b\\c/", 6, "\"a\\\"b\\\\c/\"");
    check_escaped(JSON_SURICATA, "\x7f", 1, "\"\x7f\"");
    check_escaped(JSON_SURICATA, "", 0, "\"\"");
}

static void test_utf8(void **state)
{
    (void)state;
    /* valid multi-byte text passes in both */
    check_escaped(JSON_SURICATA, "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x84", 14,
                  "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x84\"");
    check_escaped(JSON_ZEEK, "caf\xc3\xa9", 5, "\"caf\xc3\xa9\"");
    /* one bad byte: both escape every high byte of the string */
    check_escaped(JSON_SURICATA, "\xc3\xa9\xff", 3, "\"\\\\xc3\\\\xa9\\\\xff\"");
    check_escaped(JSON_ZEEK, "\xc3\xa9\xff", 3, "\"\\\\xc3\\\\xa9\\\\xff\"");
    /* overlong, surrogate, above U+10FFFF, truncated, lone continuation */
    check_escaped(JSON_ZEEK, "\xc0\x80", 2, "\"\\\\xc0\\\\x80\"");
    check_escaped(JSON_ZEEK, "\xed\xa0\x80", 3, "\"\\\\xed\\\\xa0\\\\x80\"");
    check_escaped(JSON_ZEEK, "\xf4\x90\x80\x80", 4, "\"\\\\xf4\\\\x90\\\\x80\\\\x80\"");
    check_escaped(JSON_ZEEK, "a\xe2\x82", 3, "\"a\\\\xe2\\\\x82\"");
    check_escaped(JSON_ZEEK, "\x80z", 2, "\"\\\\x80z\"");
    check_escaped(JSON_SURICATA, "\x80z\x01", 3, "\"\\\\x80z\\u0001\"");
    assert_int_equal(utf8_sequence_length((const uint8_t *)"\xf0\x9f\x98\x84", 4), 4);
    assert_int_equal(utf8_sequence_length((const uint8_t *)"\xf0\x9f\x98", 3), 0);
    assert_int_equal(utf8_sequence_length((const uint8_t *)"\xe0\x9f\x80", 3), 0);
}

/* Zeek's own cases (src/util.cc json_escape_utf8 test, from the
 * scripts.base.frameworks.logging.ascii-json-utf8 btest): input, and
 * Zeek's text before JSON quoting. */
static const struct {
    const char *in;
    size_t n;
    const char *zeek;
} zeek_utf8_cases[] = {
    {"string", 6, "string"},
    {"string\x82", 7, "string\\x82"},
    {"\x07\xd4\xb7o", 4, "\\x07\\xd4\\xb7o"},
    {"a", 1, "a"},
    {"\xc3\xb1", 2, "\xc3\xb1"},
    {"\xc3\x28", 2, "\\xc3("},
    {"\xc0\x81", 2, "\\xc0\\x81"},
    {"\xc1\x81", 2, "\\xc1\\x81"},
    {"\xc2\xcf", 2, "\\xc2\\xcf"},
    {"\xa0\xa1", 2, "\\xa0\\xa1"},
    {"\xe2\x82\xa1", 3, "\xe2\x82\xa1"},
    {"\xe0\xa3\xa1", 3, "\xe0\xa3\xa1"},
    {"\xe0\x80\xa1", 3, "\\xe0\\x80\\xa1"},
    {"\xe2\x28\xa1", 3, "\\xe2(\\xa1"},
    {"\xed\xa0\xa1", 3, "\\xed\\xa0\\xa1"},
    {"\xe2\x82\x28", 3, "\\xe2\\x82("},
    {"\xf0\x90\x8c\xbc", 4, "\xf0\x90\x8c\xbc"},
    {"\xf1\x80\x8c\xbc", 4, "\xf1\x80\x8c\xbc"},
    {"\xf4\x80\x8c\xbc", 4, "\xf4\x80\x8c\xbc"},
    {"\xf0\x80\x8c\xbc", 4, "\\xf0\\x80\\x8c\\xbc"},
    {"\xf2\x28\x8c\xbc", 4, "\\xf2(\\x8c\\xbc"},
    {"\xf4\x90\x8c\xbc", 4, "\\xf4\\x90\\x8c\\xbc"},
    {"\xf0\x90\x28\xbc", 4, "\\xf0\\x90(\\xbc"},
    {"\xf0\x28\x8c\x28", 4, "\\xf0(\\x8c("},
    {"\xf4\x80\x8c", 3, "\\xf4\\x80\\x8c"},
    {"\xf0", 1, "\\xf0"},
    {"\xee\x8b\xa0", 3, "\\xee\\x8b\\xa0"},
    {"\xc3\xb1\xc0\x81", 4, "\\xc3\\xb1\\xc0\\x81"},
    {"\xc2\x85", 2, "\\xc2\\x85"},
    {"\xef\xbf\xbd", 3, "\\xef\\xbf\\xbd"},
};

static void test_zeek_utf8_cases(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof zeek_utf8_cases / sizeof zeek_utf8_cases[0]; i++) {
        char want[64];
        /* Zeek's text is JSON-quoted: its backslashes doubled */
        size_t k = 0;
        want[k++] = '"';
        for (const char *s = zeek_utf8_cases[i].zeek; *s; s++) {
            if (*s == '\\')
                want[k++] = '\\';
            want[k++] = *s;
        }
        want[k++] = '"';
        want[k] = '\0';
        check_escaped(JSON_ZEEK, zeek_utf8_cases[i].in, zeek_utf8_cases[i].n, want);
    }
    /* \b \f \n \r \t keep their short escapes and do not spoil the string */
    check_escaped(JSON_ZEEK, "\xc3\xb1\n", 3, "\"\xc3\xb1\\n\"");
    check_escaped(JSON_ZEEK, "\x7f", 1, "\"\\\\x7f\"");
    /* EVE keeps Suricata's rule: valid UTF-8 with a control byte stays */
    check_escaped(JSON_SURICATA, "\x07\xd4\xb7o", 4, "\"\\u0007\xd4\xb7o\"");
}

static void test_writer(void **state)
{
    (void)state;
    struct buf b;
    buf_init(&b, 0, 0);
    struct json_writer w;
    json_init(&w, &b, JSON_SURICATA);
    json_object_begin(&w);
    json_key(&w, "a");
    json_array_begin(&w);
    json_uint(&w, 1);
    json_int(&w, -2);
    json_object_begin(&w);
    json_key(&w, "b");
    json_null(&w);
    json_object_end(&w);
    json_array_begin(&w);
    json_array_end(&w);
    json_array_end(&w);
    json_kv_bool(&w, "c", true);
    json_kv_str(&w, "d", "x\ny");
    json_kv_str(&w, "e", NULL);
    json_key(&w, "f");
    json_double(&w, 0.5);
    json_key(&w, "g");
    json_object_begin(&w);
    json_object_end(&w);
    json_object_end(&w);
    assert_true(json_complete(&w));
    expect_text(&b, "{\"a\":[1,-2,{\"b\":null},[]],\"c\":true,\"d\":\"x\\ny\",\"e\":null,"
                    "\"f\":0.5,\"g\":{}}");

    json_init(&w, &b, JSON_SURICATA);
    json_object_begin(&w);
    json_key(&w, "dangling");
    json_object_end(&w);
    assert_false(json_complete(&w));
    buf_reset(&b);

    json_init(&w, &b, JSON_SURICATA);
    json_array_end(&w);
    assert_false(json_complete(&w));
    buf_reset(&b);

    json_init(&w, &b, JSON_SURICATA);
    for (int i = 0; i < JSON_MAX_DEPTH + 3; i++)
        json_array_begin(&w);
    assert_false(json_complete(&w));
    buf_free(&b);
}

static void test_buf_cap(void **state)
{
    (void)state;
    struct buf b;
    buf_init(&b, 0, 300);
    char big[400];
    memset(big, 'x', sizeof(big));
    buf_append(&b, big, 200);
    assert_false(b.failed);
    buf_append(&b, big, 200);
    assert_true(b.failed);
    assert_int_equal(b.len, 200);
    buf_truncate(&b, 10);
    assert_int_equal(b.len, 10);
    buf_free(&b);
}

/* Every byte value at every place of a string longer than the 8-byte scan
 * step: a byte that needs escaping is escaped wherever it sits (0x7f is
 * written as it is, but through the escaping path), any other is copied. */
static void test_escape_found_anywhere(void **state)
{
    (void)state;
    struct buf b;
    buf_init(&b, 0, 0);
    for (int dialect = JSON_SURICATA; dialect <= JSON_ZEEK; dialect++) {
        for (unsigned c = 0; c < 256; c++) {
            bool plain = c >= 0x20 && c < 0x7f && c != '"' && c != '\\';
            for (size_t at = 0; at < 19; at++) {
                char s[19], quoted[22];
                memset(s, 'a', sizeof s);
                s[at] = (char)c;
                quoted[0] = '"';
                memcpy(quoted + 1, s, sizeof s);
                quoted[20] = '"';
                quoted[21] = '\0';
                json_append_string(&b, s, sizeof s, (enum json_dialect)dialect);
                buf_putc(&b, '\0');
                assert_false(b.failed);
                if (plain)
                    assert_string_equal(b.data, quoted);
                else if (c != 0x7f)
                    assert_string_not_equal(b.data, quoted);
                buf_reset(&b);
            }
        }
    }
    buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_integers),      cmocka_unit_test(test_us6),
        cmocka_unit_test(test_doubles),       cmocka_unit_test(test_control_chars),
        cmocka_unit_test(test_utf8),          cmocka_unit_test(test_writer),
        cmocka_unit_test(test_zeek_utf8_cases),
        cmocka_unit_test(test_buf_cap),
        cmocka_unit_test(test_escape_found_anywhere),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
