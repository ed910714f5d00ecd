/* Mail addresses and the addresses of Received headers, found as Zeek's
 * base/utils/email.zeek and addrs.zeek find them. Pure functions over
 * (p, n); callbacks get pointers valid during the call only. */
#ifndef VIGIL_MIME_ADDRESS_H
#define VIGIL_MIME_ADDRESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/addr.h"

/* Longest address handed to a callback. */
#define MAIL_MAX_ADDR (4 * 1024)

/* Called per item found, in order; returning false stops the search. */
typedef bool (*mail_item_fn)(void *ctx, const uint8_t *p, size_t n);

/* extract_email_addrs_vec(): every local@domain run, delimiters removed. */
void mail_find_addrs(const uint8_t *s, size_t n, mail_item_fn fn, void *ctx);
/* split_mime_email_addresses(): the comma-separated parts of an address
 * list (a quoted display name may hold commas), each stripped. */
void mail_split_addrs(const uint8_t *s, size_t n, mail_item_fn fn, void *ctx);
/* extract_ip_addresses(): address-looking runs, with check_wrapping only
 * those wrapped in matching [] () {} or spaces (or the whole string).
 * Returns how many of at most max were stored. */
size_t mail_extract_ips(const uint8_t *s, size_t n, bool check_wrapping, struct ip_addr *out, size_t max);

#endif
