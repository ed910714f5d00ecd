/* Addresses for the unit tests: from their text (one that does not parse
 * fails the test) or, for IPv4, from four bytes. Include after <cmocka.h>. */
#ifndef VIGIL_TESTS_UNIT_ADDR_HARNESS_H
#define VIGIL_TESTS_UNIT_ADDR_HARNESS_H

#include <stdint.h>

#include "util/addr.h"

/* "10.0.0.1" or "2001:db8::1". */
static inline struct ip_addr addr_of(const char *text)
{
    struct ip_addr a;
    assert_true(ip_addr_parse(text, &a));
    return a;
}

static inline struct ip_addr v4(uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
    struct ip_addr x;
    const uint8_t q[4] = {a, b, c, d};
    ip_addr_from_v4(&x, q);
    return x;
}

#endif
