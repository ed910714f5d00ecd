/* util/hash: the run-keyed SipHash-1-3 of the tables fed from the wire and files. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "util/hash.h"

static void test_stream_in_pieces_equals_one_shot(void **state)
{
    (void)state;
    const struct hash_key k = {0x0706050403020100ULL, 0x0f0e0d0c0b0a0908ULL};
    uint8_t msg[64];
    for (int i = 0; i < 64; i++)
        msg[i] = (uint8_t)i;
    for (size_t n = 0; n <= 64; n++) {
        for (size_t cut = 0; cut <= n; cut++) {
            struct hash_stream st;
            hash_stream_init(&st, &k);
            hash_stream_add(&st, msg, cut);
            hash_stream_add(&st, msg + cut, n - cut);
            assert_int_equal(hash_stream_end(&st), siphash13(&k, msg, n));
        }
    }
}

static void test_different_keys_give_different_hashes(void **state)
{
    (void)state;
    const struct hash_key a = {1, 2}, b = {1, 3};
    assert_int_not_equal(siphash13(&a, "conn", 4), siphash13(&b, "conn", 4));
    assert_int_not_equal(siphash13(&a, "conn", 4), siphash13(&a, "conm", 4));
    /* the length is part of the hash: a zero byte is not the same as nothing */
    assert_int_not_equal(siphash13(&a, "a\0", 2), siphash13(&a, "a", 1));
}

static void test_run_key_is_drawn_once(void **state)
{
    (void)state;
    const struct hash_key *k1 = hash_run_key(), *k2 = hash_run_key();
    assert_ptr_equal(k1, k2);
    assert_true(k1->k0 != 0 || k1->k1 != 0);
    assert_int_equal(hash_keyed("x", 1, 7), hash_keyed("x", 1, 7));
    assert_int_not_equal(hash_keyed("x", 1, 7), hash_keyed("x", 1, 8));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stream_in_pieces_equals_one_shot),
        cmocka_unit_test(test_different_keys_give_different_hashes),
        cmocka_unit_test(test_run_key_is_drawn_once),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
