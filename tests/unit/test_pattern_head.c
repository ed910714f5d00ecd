/* asset/pattern_head: the literal head of every shipped fingerprint pattern
 * is checked against PCRE2 itself: a value that leaves the head at any
 * byte must be unable to match, even partially (PCRE2_PARTIAL_HARD), so
 * turning such values away before compiling the pattern changes nothing. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asset/pattern_head.h"

static size_t head_of(const char *pattern, bool *caseless, char *head)
{
    *caseless = false;
    size_t n = pattern_literal_head(pattern, caseless, head, 32);
    head[n] = '\0';
    return n;
}

static void test_heads_by_hand(void **state)
{
    char head[33];
    bool ci;
    assert_int_equal(head_of("^Microsoft-IIS/5.0$", &ci, head), 15);
    assert_string_equal(head, "Microsoft-IIS/5");
    assert_false(ci);
    assert_int_equal(head_of("(?i)^cwpsrv$", &ci, head), 6);
    assert_true(ci);
    assert_int_equal(head_of("^\\.x\\d", &ci, head), 2);
    assert_string_equal(head, ".x");
    assert_int_equal(head_of("^abc?d", &ci, head), 2);   /* c may be absent */
    assert_int_equal(head_of("^ab*", &ci, head), 1);
    assert_int_equal(head_of("^ab{0,2}", &ci, head), 1);
    assert_int_equal(head_of("^ab+c", &ci, head), 2);    /* b at least once, then more b */
    assert_int_equal(head_of("^ab|cd", &ci, head), 0);   /* "cd" matches too */
    assert_int_equal(head_of("^a(b|c)", &ci, head), 1);
    assert_int_equal(head_of("^[|]x|y", &ci, head), 0);
    assert_int_equal(head_of("^[]|]x", &ci, head), 0);   /* a class opens: no head beyond */
    assert_int_equal(head_of("^\\Qa.b\\E", &ci, head), 0);
    assert_int_equal(head_of("Server$", &ci, head), 0); /* not anchored */
    assert_int_equal(head_of("(?m)^abc", &ci, head), 0);
    assert_int_equal(head_of("^\\x41", &ci, head), 0);
    assert_int_equal(head_of("^a\\\\b", &ci, head), 3);
    assert_string_equal(head, "a\\b");
    char longest[64];
    memset(longest, 'z', sizeof longest);
    longest[0] = '^';
    longest[63] = '\0';
    assert_int_equal(head_of(longest, &ci, head), 32);   /* cut at cap, still a prefix */
}

/* Bytes tried in place of each head byte. */
static const unsigned char others[] = {'\0', ' ', '.', '/', '0', '9', 'A', 'Z', 'a', 'z', '_', 0x80, 0xff};

static bool same_byte(unsigned char a, unsigned char b, bool caseless)
{
    return a == b || (caseless && pattern_ascii_letter(a) && (a | 0x20) == (b | 0x20));
}

/* 0 when every way of leaving the head fails the pattern, else 1. */
static int check_pattern(const char *pattern, bool caseless_flag, size_t *with_head)
{
    bool caseless = caseless_flag;
    char head[33];
    size_t n = pattern_literal_head(pattern, &caseless, head, 32);
    if (n == 0)
        return 0;
    int errcode;
    PCRE2_SIZE erroff;
    pcre2_code *re = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, caseless ? PCRE2_CASELESS : 0,
                                   &errcode, &erroff, NULL);
    if (re == NULL)
        return 0; /* never compiled, never matched */
    (*with_head)++;
    pcre2_match_data *md = pcre2_match_data_create(16, NULL);
    int bad = 0;
    char value[40];
    for (size_t k = 0; k < n && !bad; k++) {
        memcpy(value, head, k);
        for (size_t i = 0; i < sizeof others + 1 && !bad; i++) {
            /* the head's byte in the other case, or another byte */
            unsigned char x = i < sizeof others ? others[i] : (unsigned char)(head[k] ^ 0x20);
            if (same_byte((unsigned char)head[k], x, caseless))
                continue;
            value[k] = (char)x;
            int rc = pcre2_match(re, (PCRE2_SPTR)value, k + 1, 0, PCRE2_PARTIAL_HARD, md, NULL);
            if (rc != PCRE2_ERROR_NOMATCH) {
                print_message("%s: head \"%.*s\" but a value leaving it at byte %zu (0x%02x) may match\n", pattern,
                              (int)n, head, k, x);
                bad = 1;
            }
        }
    }
    pcre2_match_data_free(md);
    pcre2_code_free(re);
    return bad;
}

static void test_shipped_heads_are_sound(void **state)
{
    static const char *const files[] = {"data/devices/fingerprints.tsv", "data/devices/recog.tsv"};
    size_t patterns = 0, with_head = 0;
    int bad = 0;
    for (size_t f = 0; f < sizeof files / sizeof *files; f++) {
        FILE *in = fopen(files[f], "r");
        if (in == NULL)
            fail_msg("%s: cannot open (run from the repository root)", files[f]);
        char line[4096];
        while (fgets(line, sizeof line, in)) {
            line[strcspn(line, "\r\n")] = '\0';
            if (line[0] == '#' || line[0] == '\0')
                continue;
            char *flags = strchr(line, '\t');
            char *pattern = flags ? strchr(flags + 1, '\t') : NULL;
            if (pattern == NULL)
                continue;
            *flags++ = '\0';
            *pattern++ = '\0';
            pattern[strcspn(pattern, "\t")] = '\0';
            if (strcmp(flags, "=") == 0)
                continue;
            patterns++;
            bad += check_pattern(pattern, strchr(flags, 'i') != NULL, &with_head);
        }
        fclose(in);
    }
    print_message("%zu patterns, %zu with a literal head\n", patterns, with_head);
    assert_true(patterns > 700);
    assert_true(with_head * 10 > patterns * 7);  /* most are anchored with a literal start */
    assert_int_equal(bad, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_heads_by_hand),
        cmocka_unit_test(test_shipped_heads_are_sound),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
