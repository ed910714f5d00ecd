/* doc/ and mail/ pieces alone: MS-OVBA decompression (the specification's
 * own example), reports and verdicts, RFC 2047 decoding and folding, the
 * sender's lookalike check on a domain cut inside a UTF-8 sequence. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "doc/doc_internal.h"
#include "mail/mail_internal.h"

/* MS-OVBA 3.2: "#aaabcdefaaaaghijaaaaaklaaamnopqaaaaaaaaaaaarstuvwxyzaaa" */
static const uint8_t spec_compressed[] = {
    0x01, 0x2F, 0xB0, 0x00, 0x23, 0x61, 0x61, 0x61, 0x62, 0x63, 0x64, 0x65, 0x82, 0x66, 0x00, 0x70, 0x61,
    0x67, 0x68, 0x69, 0x6A, 0x01, 0x38, 0x08, 0x61, 0x6B, 0x6C, 0x00, 0x30, 0x6D, 0x6E, 0x6F, 0x70, 0x06,
    0x71, 0x02, 0x70, 0x04, 0x10, 0x72, 0x73, 0x74, 0x75, 0x76, 0x10, 0x77, 0x78, 0x79, 0x7A, 0x00, 0x3C,
};

static void test_ovba_spec_example(void **unused)
{
    size_t n = 0;
    uint8_t *out = ovba_decompress(spec_compressed, sizeof spec_compressed, 4096, &n);
    assert_non_null(out);
    const char *want = "#aaabcdefaaaaghijaaaaaklaaamnopqaaaaaaaaaaaarstuvwxyzaaa";
    assert_int_equal(n, strlen(want));
    assert_memory_equal(out, want, n);
    free(out);
}

static void test_ovba_rejects_bad_offset(void **unused)
{
    /* a copy token first in the chunk points before its start */
    const uint8_t bad[] = {0x01, 0x03, 0xB0, 0x01, 0x00, 0x10};
    size_t n = 0;
    uint8_t *out = ovba_decompress(bad, sizeof bad, 4096, &n);
    assert_null(out);
    const uint8_t no_signature[] = {0x02, 0x03, 0xB0};
    assert_null(ovba_decompress(no_signature, sizeof no_signature, 4096, &n));
}

static void test_ovba_output_bound(void **unused)
{
    size_t n = 0;
    uint8_t *out = ovba_decompress(spec_compressed, sizeof spec_compressed, 10, &n);
    assert_non_null(out);
    assert_int_equal(n, 10);
    free(out);
}

static void test_report_dedup_and_indicators(void **unused)
{
    struct doc_report *r = calloc(1, sizeof *r);
    report_reason(r, "vba-macro", "in %s", "VBA");
    report_reason(r, "vba-macro", "in %s", "VBA");
    report_reason(r, "vba-macro", "in %s", "Macros");
    assert_int_equal(r->n_reasons, 2);
    report_indicator(r, "http://x.example/t", 18);
    report_indicator(r, "http://x.example/t", 18);
    assert_int_equal(r->n_indicators, 1);
    assert_true(report_has(r, "vba-macro"));
    assert_false(report_has(r, "dde"));
    free(r);
}

static void test_rfc2047(void **unused)
{
    char out[256];
    const char *in = "=?UTF-8?B?0JzQuNC90LfQtNGA0LDQsg==?= =?KOI8-R?Q?=F2=CF=D3=D3=C9=C9?= <a@b>";
    decode_rfc2047(in, strlen(in), out, sizeof out);
    assert_string_equal(out, "МинздравРоссии <a@b>");
    char folded[256];
    fold_utf8("  Минздрав   РОССИИ ", folded, sizeof folded);
    assert_string_equal(folded, "минздрав россии");
}

/* A sender domain that ends in the first byte of a UTF-8 sequence (IDNA
 * refuses it, so the lookalike check reads the raw bytes) and fills the
 * registered domain's buffer: the skeleton stops at its end instead of
 * stepping past it (under ASan, a read past that stack buffer). */
static void test_lookalike_cut_utf8(void **unused)
{
    char err[256];
    struct mail_options o = {0};
    struct mail_ctx *c = mail_ctx_new(&o, err, sizeof err);
    assert_non_null(c);
    struct mail_headers *h = calloc(1, sizeof *h);
    assert_non_null(h);
    char domain[256];
    memset(domain, 'a', 254);
    domain[100] = '.';
    domain[254] = (char)0xF0;
    domain[255] = '\0';
    snprintf(h->from, sizeof h->from, "Someone <x@%s>", domain);
    struct doc_report *r = calloc(1, sizeof *r);
    assert_non_null(r);
    sender_analyze(c, h, r);
    assert_string_equal(h->domain, domain);
    assert_false(report_has(r, "lookalike-domain"));
    report_free(r);
    free(r);
    free(h);
    mail_ctx_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ovba_spec_example),
        cmocka_unit_test(test_ovba_rejects_bad_offset),
        cmocka_unit_test(test_ovba_output_bound),
        cmocka_unit_test(test_report_dedup_and_indicators),
        cmocka_unit_test(test_rfc2047),
        cmocka_unit_test(test_lookalike_cut_utf8),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
