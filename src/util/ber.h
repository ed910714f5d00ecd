/* A bounded reader of ASN.1 BER/DER, the encoding of Kerberos and LDAP:
 * one tag-length-value at a time over a byte_reader (util/reader.h). Every
 * length is checked against the bytes that are there; indefinite lengths
 * (never valid in DER nor in LDAP) and lengths past 32 bits are refused.
 * Nothing recurses here: a caller that walks nested structures of its own
 * (an LDAP filter) counts its depth against BER_MAX_DEPTH. */
#ifndef VIGIL_UTIL_BER_H
#define VIGIL_UTIL_BER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/reader.h"

/* Deeper than any Kerberos or LDAP message nests; a deeper input is hostile. */
#define BER_MAX_DEPTH 32

enum ber_class {
    BER_UNIVERSAL = 0,
    BER_APPLICATION = 1,
    BER_CONTEXT = 2,
    BER_PRIVATE = 3,
};

/* Universal tags the parsers meet. */
#define BER_TAG_BOOLEAN 1
#define BER_TAG_INTEGER 2
#define BER_TAG_BIT_STRING 3
#define BER_TAG_OCTET_STRING 4
#define BER_TAG_ENUMERATED 10
#define BER_TAG_SEQUENCE 16
#define BER_TAG_SET 17
#define BER_TAG_GENERAL_STRING 27
#define BER_TAG_GENERALIZED_TIME 24

/* One element; value points into the reader's bytes (borrowed). */
struct ber_item {
    enum ber_class cls;
    bool constructed;
    uint32_t tag;
    const uint8_t *value;
    size_t len;
};

/* Reads the next element; false (the reader marked bad) when it is cut,
 * its length runs past the end, or its header is not one BER allows. */
bool ber_next(struct byte_reader *r, struct ber_item *it);
/* A reader over an element's contents. */
struct byte_reader ber_contents(const struct ber_item *it);
/* Reads the next element and checks its class and tag. */
bool ber_expect(struct byte_reader *r, enum ber_class cls, uint32_t tag, struct ber_item *it);
/* An INTEGER or ENUMERATED value of at most 8 bytes, sign-extended. */
bool ber_int(const struct ber_item *it, int64_t *v);
/* Bytes needed to decide how long the element at p is: 0 = not enough yet;
 * *total (header + value) is set when the header is whole. false: not BER. */
bool ber_peek_length(const uint8_t *p, size_t n, size_t *header, uint64_t *total);

#endif
